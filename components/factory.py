"""The Data Factory, its identity, and the linked services its Databricks activities use."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
from pulumi_azure_native import datafactory, managedidentity

from .naming import UAMI_CREDENTIAL_NAME
from .scope import Scope
from .settings import DataFactorySpec

STUDIO_MANAGED = ["repoConfiguration", "globalParameters"]
"""Factory properties users manage in ADF Studio."""


def user_assigned_identity(scope: Scope) -> managedidentity.UserAssignedIdentity:
    return managedidentity.UserAssignedIdentity(
        f"{scope.name}-identity",
        resource_name_=scope.names.user_assigned_identity,
        resource_group_name=scope.resource_group,
        location=scope.settings.location,
        tags=scope.tags,
        # Deleting it would orphan every role assignment and the ADF credential that name its principal.
        opts=scope.stateful,
    )


def factory(
    scope: Scope, spec: DataFactorySpec, uami: managedidentity.UserAssignedIdentity | None
) -> datafactory.Factory:
    """The system-assigned identity is always on: it is what reads Key Vault in token mode.

    Git integration and global parameters are set in ADF Studio, not here: a refresh copies them into
    state, and without `ignore_changes` the next `up` would send the factory without them and so
    disconnect the factory from its repository.
    """
    identity = (
        datafactory.FactoryIdentityArgs(
            type="SystemAssigned,UserAssigned", user_assigned_identities=uami.id.apply(lambda uid: {uid: {}})
        )
        if uami
        else datafactory.FactoryIdentityArgs(type="SystemAssigned")
    )
    return datafactory.Factory(
        f"{scope.name}-data-factory",
        factory_name=scope.names.data_factory,
        resource_group_name=scope.resource_group,
        location=scope.settings.location,
        identity=identity,
        public_network_access=spec.public_network_access.value,
        tags=scope.tags,
        opts=pulumi.ResourceOptions.merge(scope.stateful, pulumi.ResourceOptions(ignore_changes=STUDIO_MANAGED)),
    )


def identity_credential(
    scope: Scope, adf: datafactory.Factory, uami: managedidentity.UserAssignedIdentity
) -> datafactory.CredentialOperation:
    """The ADF credential through which a linked service authenticates as the user-assigned identity."""
    return datafactory.CredentialOperation(
        f"{scope.name}-identity-credential",
        credential_name=UAMI_CREDENTIAL_NAME,
        factory_name=adf.name,
        resource_group_name=scope.resource_group,
        properties=datafactory.ManagedIdentityCredentialArgs(type="ManagedIdentity", resource_id=uami.id),
        opts=scope.goes_with(adf),
    )


def linked_service(
    scope: Scope,
    role: str,
    *,
    linked_service_name: str,
    adf: datafactory.Factory,
    properties: datafactory.AzureDatabricksLinkedServiceArgs | datafactory.AzureKeyVaultLinkedServiceArgs,
    referenced: Sequence[pulumi.Resource],
) -> datafactory.LinkedService:
    """Named `<name>-<role>` in Pulumi; its ADF name is fixed (pipelines refer to it): `Scope.in_factory`.

    `referenced`: what the payload names by string (secret, Key Vault linked service, credential), created first.
    Its name is fixed (pipelines refer to it), so a replacement deletes it first (lifecycle row
    `fixed-name-delete-first`).
    """
    return datafactory.LinkedService(
        f"{scope.name}-{role}",
        linked_service_name=linked_service_name,
        factory_name=adf.name,
        resource_group_name=scope.resource_group,
        properties=properties,
        opts=pulumi.ResourceOptions.merge(scope.in_factory(adf), pulumi.ResourceOptions(depends_on=list(referenced))),
    )
