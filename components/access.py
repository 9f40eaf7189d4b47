"""Role assignments, named after what they grant so that no two stacks in one tenant share a name.

Lifecycle row `role-assignment-name-tenant-unique` (learn.microsoft.com, "Understand Azure role assignments",
section Name): a role assignment's name is a GUID that must be unique in the whole Microsoft Entra tenant, even
when its scope is one resource. Microsoft's Bicep guidance ("Create Azure RBAC resources by using Bicep",
section Name) derives it from the scope, the principal id and the role id together, `guid(scope, principalId,
roleDefinitionId)`; so do we. Two stacks of the same project and stack name in two subscriptions of one tenant
then never meet: their scopes (and principals) differ.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

import pulumi
from pulumi_azure_native import authorization


class BuiltInRole(StrEnum):
    """Azure built-in role definition ids (databricks-constraints.md)."""

    KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
    CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"


def role_definition_id(subscription_id: str, role: BuiltInRole) -> str:
    return f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{role.value}"


def assignment_name(scope: str, principal_id: str, role_definition: str) -> str:
    """A name-based GUID (RFC 4122 section 4.3) of what the assignment grants: scope, principal, role.

    The same inputs as ARM's `guid(scope, principalId, roleDefinitionId)`, not byte-identical to it (Microsoft
    does not publish that function's namespace). ARM ids and GUIDs compare case-insensitively, so they are
    lowercased: a differently cased id read back can never rename (and so replace) an assignment.
    """
    granted = "|".join(part.lower() for part in (scope, principal_id, role_definition))
    return str(uuid.uuid5(uuid.NAMESPACE_URL, granted))


def role_assignment(
    name: str,
    *,
    role: BuiltInRole,
    scope: pulumi.Input[str],
    principal_id: pulumi.Input[str],
    subscription_id: str,
    opts: pulumi.ResourceOptions,
) -> authorization.RoleAssignment:
    """`role` on `scope` for `principal_id`, named by `assignment_name` of the three.

    The name depends on the scope's ARM id and the identity's principal id, both known only once those exist:
    a preview of a new stack shows it as computed, a preview of a deployed stack shows the name itself. A
    name is fixed at creation, so a new name (a new principal or scope, or this naming replacing an earlier
    one) replaces the assignment. Delete first (`fixed-name-delete-first`): Azure refuses a second assignment
    of the same principal, role and scope under another name (`RoleAssignmentExists`), so the old one must go
    before the new one is created. Until the new one takes effect, runs may get 403 (`rbac-propagation`).
    """
    definition = role_definition_id(subscription_id, role)
    return authorization.RoleAssignment(
        name,
        # `assignment_name` is looked up when the values resolve: the tests stand in an earlier release's naming.
        role_assignment_name=pulumi.Output.all(scope, principal_id).apply(
            lambda granted: assignment_name(granted[0], granted[1], definition)
        ),
        role_definition_id=definition,
        principal_id=principal_id,
        principal_type="ServicePrincipal",
        scope=scope,
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(delete_before_replace=True)),
    )
