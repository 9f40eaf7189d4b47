"""Role assignments, named deterministically so that `pulumi up` never creates a second one."""

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


def role_assignment(
    name: str,
    *,
    role: BuiltInRole,
    scope: pulumi.Input[str],
    principal_id: pulumi.Input[str],
    subscription_id: str,
    identity_key: str,
    opts: pulumi.ResourceOptions,
) -> authorization.RoleAssignment:
    """`identity_key` names who gets the role (project/stack/identity), so the GUID is stable.

    A new principal or scope replaces the assignment; its name is fixed, so the old one must go first
    (azure-native does so for explicitly named resources, lifecycle row `fixed-name-delete-first`): stated here, not
    left implicit.
    """
    return authorization.RoleAssignment(
        name,
        role_assignment_name=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{identity_key}/{role.name}")),
        role_definition_id=role_definition_id(subscription_id, role),
        principal_id=principal_id,
        principal_type="ServicePrincipal",
        scope=scope,
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(delete_before_replace=True)),
    )
