"""`AdfDatabricks`: everything Azure Data Factory Data Flows need on Azure Databricks, for one stack."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import authorization

from components import compute, factory, linked_service, token_store, workspace
from components.access import BuiltInRole, role_assignment
from components.naming import KEY_VAULT_LINKED_SERVICE_NAME, TOKEN_SECRET_NAME, ResourceNames, derive_names
from components.settings import PlatformSettings

TYPE_TOKEN = "adf-databricks:platform:AdfDatabricks"


@dataclass(frozen=True)
class AdfDatabricksArgs:
    settings: PlatformSettings
    """The stack's validated settings (`components.config.load_settings`)."""


class AdfDatabricks(pulumi.ComponentResource):
    """A Databricks workspace, its ADF linked service, and the compute the stack's cluster mode needs."""

    workspace_url: pulumi.Output[str]
    """`https://adb-….azuredatabricks.net`: the linked service's `domain`."""
    workspace_id: pulumi.Output[str]
    resource_group_name: pulumi.Output[str]
    factory_name: pulumi.Output[str]
    linked_service_name: pulumi.Output[str]
    """The same in every stack, so pipelines and Data Flows move between environments unchanged."""
    cluster_mode: pulumi.Output[str]
    cluster_id: pulumi.Output[str] | None
    """The interactive cluster's id, where one exists."""
    instance_pool_id: pulumi.Output[str] | None
    key_vault_uri: pulumi.Output[str] | None
    """Where the access token lives (accessToken auth only)."""
    secret_name: pulumi.Output[str] | None

    def __init__(self, name: str, args: AdfDatabricksArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        s = args.settings
        client = authorization.get_client_config(opts=pulumi.InvokeOptions(parent=self))
        names = derive_names(s.project, s.stack, client.subscription_id, s.names)
        tags = {"project": s.project, "environment": s.stack, "managed-by": "pulumi", **s.tags}
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=s.protect)

        group = self._resource_group(name, s, names, tags, stateful)
        dbw = workspace.workspace(
            name,
            spec=s.workspace,
            workspace_name=names.workspace,
            resource_group_name=group,
            managed_resource_group_id=f"/subscriptions/{client.subscription_id}/resourceGroups/"
            f"{names.managed_resource_group}",
            location=s.location,
            tags=tags,
            opts=stateful,
        )
        on_workspace = pulumi.ResourceOptions(parent=self, provider=workspace.workspace_provider(name, dbw, child))
        cluster = (
            compute.interactive_cluster(
                name, spec=s.interactive_cluster, cluster_name=names.interactive_cluster, tags=tags, opts=on_workspace
            )
            if s.interactive_cluster
            else None
        )
        pool = (
            compute.instance_pool(name, spec=s.instance_pool, pool_name=names.instance_pool, tags=tags, opts=on_workspace)
            if s.instance_pool
            else None
        )
        uami = (
            factory.user_assigned_identity(
                name,
                identity_name=names.user_assigned_identity,
                resource_group_name=group,
                location=s.location,
                tags=tags,
                opts=child,
            )
            if s.user_assigned_identity
            else None
        )
        adf = factory.factory(
            name,
            factory_name=names.data_factory,
            resource_group_name=group,
            location=s.location,
            public_network_access=s.factory_public_network_access,
            tags=tags,
            uami=uami,
            opts=stateful,
        )
        endpoints = linked_service.DatabricksEndpoints(
            domain=dbw.workspace_url.apply(lambda url: f"https://{url}"),
            workspace_id=dbw.id,
            cluster_id=cluster.id if cluster else None,
            pool_id=pool.id if pool else None,
        )
        identity_key = f"{s.project}/{s.stack}/{'uami' if uami else 'factory'}"
        principal_id = uami.principal_id if uami else adf.identity.apply(lambda i: i.principal_id if i else "")

        self.key_vault_uri = None
        self.secret_name = None
        if s.uses_token:
            referenced = self._token_in_key_vault(
                name, s, names, group, tags, adf, client, principal_id, identity_key, on_workspace, stateful, child
            )
        else:
            referenced = self._workspace_role_for_identity(
                name, s, dbw, adf, uami, group, client, principal_id, identity_key, child
            )
        databricks_link = factory.linked_service(
            f"{name}-databricks-linked-service",
            linked_service_name=s.linked_service.name,
            adf=adf,
            resource_group_name=group,
            properties=linked_service.databricks_properties(s, endpoints, tags),
            referenced=referenced,
            opts=child,
        )

        self.workspace_url = endpoints.domain  # type: ignore[assignment]
        self.workspace_id = dbw.id
        self.resource_group_name = pulumi.Output.from_input(group)
        self.factory_name = adf.name
        self.linked_service_name = databricks_link.name
        self.cluster_mode = pulumi.Output.from_input(s.cluster_mode.value)
        self.cluster_id = cluster.id if cluster else None
        self.instance_pool_id = pool.id if pool else None
        self.register_outputs(
            {
                "workspace_url": self.workspace_url,
                "workspace_id": self.workspace_id,
                "resource_group_name": self.resource_group_name,
                "factory_name": self.factory_name,
                "linked_service_name": self.linked_service_name,
                "cluster_mode": self.cluster_mode,
                "cluster_id": self.cluster_id,
                "instance_pool_id": self.instance_pool_id,
                "key_vault_uri": self.key_vault_uri,
                "secret_name": self.secret_name,
            }
        )

    def _resource_group(
        self,
        name: str,
        s: PlatformSettings,
        names: ResourceNames,
        tags: dict[str, str],
        opts: pulumi.ResourceOptions,
    ) -> pulumi.Input[str]:
        if s.existing_resource_group:
            return s.existing_resource_group
        return workspace.resource_group(name, names.resource_group, s.location, tags, opts).name

    def _token_in_key_vault(
        self,
        name: str,
        s: PlatformSettings,
        names: ResourceNames,
        group: pulumi.Input[str],
        tags: dict[str, str],
        adf: pulumi.Resource,
        client: authorization.AwaitableGetClientConfigResult,
        principal_id: pulumi.Input[str],
        identity_key: str,
        on_workspace: pulumi.ResourceOptions,
        stateful: pulumi.ResourceOptions,
        child: pulumi.ResourceOptions,
    ) -> list[pulumi.Resource]:
        """Token → Key Vault secret → Key Vault linked service; the factory reads it as Secrets User."""
        if s.token.expires_before_rotation:
            pulumi.log.warn(
                f"adf-databricks:token: the token expires after {s.token.lifetime_days} days but is replaced only "
                f"after {s.token.rotation_days}; Data Factory runs will fail in between. "
                f"Set rotationDays below lifetimeDays.",
                resource=self,
            )
        token = token_store.rotating_token(
            name, spec=s.token, project=s.project, stack=s.stack, opts=child, databricks_opts=on_workspace
        )
        vault = token_store.token_vault(
            name,
            spec=s.key_vault,
            vault_name=names.key_vault,
            resource_group_name=group,
            location=s.location,
            tenant_id=client.tenant_id,
            tags=tags,
            opts=stateful,
        )
        secret = token_store.token_secret(name, vault=vault, resource_group_name=group, token=token, opts=child)
        role_assignment(
            f"{name}-factory-reads-secrets",
            role=BuiltInRole.KEY_VAULT_SECRETS_USER,
            scope=vault.id,
            principal_id=principal_id,
            subscription_id=client.subscription_id,
            identity_key=identity_key,
            opts=child,
        )
        vault_uri = vault.properties.apply(lambda p: p.vault_uri or "")
        vault_link = factory.linked_service(
            f"{name}-key-vault-linked-service",
            linked_service_name=KEY_VAULT_LINKED_SERVICE_NAME,
            adf=adf,  # type: ignore[arg-type]
            resource_group_name=group,
            properties=linked_service.key_vault_properties(vault_uri),
            referenced=[],
            opts=child,
        )
        self.key_vault_uri = vault_uri
        self.secret_name = pulumi.Output.from_input(TOKEN_SECRET_NAME)
        return [secret, vault_link]

    def _workspace_role_for_identity(
        self,
        name: str,
        s: PlatformSettings,
        dbw: pulumi.CustomResource,
        adf: pulumi.Resource,
        uami: pulumi.Resource | None,
        group: pulumi.Input[str],
        client: authorization.AwaitableGetClientConfigResult,
        principal_id: pulumi.Input[str],
        identity_key: str,
        child: pulumi.ResourceOptions,
    ) -> list[pulumi.Resource]:
        """ADF's MSI authentication needs Contributor on the workspace: the step users most often miss."""
        role_assignment(
            f"{name}-identity-uses-workspace",
            role=BuiltInRole.CONTRIBUTOR,
            scope=dbw.id,
            principal_id=principal_id,
            subscription_id=client.subscription_id,
            identity_key=identity_key,
            opts=child,
        )
        if not uami:
            return []
        credential = factory.identity_credential(
            name, adf=adf, resource_group_name=group, uami=uami, opts=child  # type: ignore[arg-type]
        )
        return [credential]
