"""The Data Factory, its identity, and the linked services its Databricks activities use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
from pulumi_azure_native import datafactory, managedidentity

from .args import NetworkAccess
from .naming import UAMI_CREDENTIAL_NAME

STUDIO_MANAGED = ["repoConfiguration", "globalParameters"]
"""Factory properties users manage in ADF Studio."""


def user_assigned_identity(
    name: str,
    *,
    identity_name: str,
    resource_group_name: pulumi.Input[str],
    location: str,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> managedidentity.UserAssignedIdentity:
    return managedidentity.UserAssignedIdentity(
        f"{name}-identity",
        resource_name_=identity_name,
        resource_group_name=resource_group_name,
        location=location,
        tags=tags,
        opts=opts,
    )


def factory(
    name: str,
    *,
    factory_name: str,
    resource_group_name: pulumi.Input[str],
    location: str,
    public_network_access: NetworkAccess,
    tags: Mapping[str, str],
    uami: managedidentity.UserAssignedIdentity | None,
    opts: pulumi.ResourceOptions,
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
        f"{name}-data-factory",
        factory_name=factory_name,
        resource_group_name=resource_group_name,
        location=location,
        identity=identity,
        public_network_access=public_network_access.value,
        tags=tags,
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(ignore_changes=STUDIO_MANAGED)),
    )


def identity_credential(
    name: str,
    *,
    adf: datafactory.Factory,
    resource_group_name: pulumi.Input[str],
    uami: managedidentity.UserAssignedIdentity,
    opts: pulumi.ResourceOptions,
    deleted_with: pulumi.Resource | None,
) -> datafactory.CredentialOperation:
    """The ADF credential through which a linked service authenticates as the user-assigned identity.

    `deleted_with`: the factory, whose ARM delete takes it along, or None where each delete must be its own call
    (`platform.goes_with`)."""
    return datafactory.CredentialOperation(
        f"{name}-identity-credential",
        credential_name=UAMI_CREDENTIAL_NAME,
        factory_name=adf.name,
        resource_group_name=resource_group_name,
        properties=datafactory.ManagedIdentityCredentialArgs(type="ManagedIdentity", resource_id=uami.id),
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(deleted_with=deleted_with)),
    )


def linked_service(
    name: str,
    *,
    linked_service_name: str,
    adf: datafactory.Factory,
    resource_group_name: pulumi.Input[str],
    properties: datafactory.AzureDatabricksLinkedServiceArgs | datafactory.AzureKeyVaultLinkedServiceArgs,
    referenced: Sequence[pulumi.Resource],
    opts: pulumi.ResourceOptions,
    deleted_with: pulumi.Resource | None,
) -> datafactory.LinkedService:
    """`referenced`: what the payload names by string (secret, Key Vault linked service, credential).

    Its name is fixed (pipelines refer to it), so a replacement deletes it first (lifecycle rule 4).
    """
    return datafactory.LinkedService(
        name,
        linked_service_name=linked_service_name,
        factory_name=adf.name,
        resource_group_name=resource_group_name,
        properties=properties,
        opts=pulumi.ResourceOptions.merge(
            opts,
            pulumi.ResourceOptions(depends_on=list(referenced), delete_before_replace=True, deleted_with=deleted_with),
        ),
    )
