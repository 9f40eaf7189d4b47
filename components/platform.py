"""`AdfDatabricks`: Data Factory, Azure Databricks and the compute both run on, for one stack.

No `from __future__ import annotations`: Pulumi's analyzer reads this class's annotations (its args and
outputs) to infer the package schema.
"""

from dataclasses import dataclass

import pulumi
import pulumi_databricks as databricks
from pulumi_azure_native import authorization, datafactory, keyvault, managedidentity
from pulumi_azure_native import databricks as azure_databricks

from . import compute, data_flow_runtime, factory, linked_service, smoke_pipeline, token_store, workspace
from .access import BuiltInRole, role_assignment
from .args import AdfDatabricksArgs
from .config import settings_from_args
from .naming import KEY_VAULT_LINKED_SERVICE_NAME, ResourceNames, derive_names
from .settings import PlatformSettings

TYPE_TOKEN = "adf-databricks:index:AdfDatabricks"
"""`<package>:index:<Component>`: the token Pulumi's component provider host serves the component under."""
PREVIOUS_TYPE_TOKENS = ("adf-databricks:platform:AdfDatabricks",)
"""Tokens of stacks deployed by earlier versions: aliased, so their URNs (and every child's) resolve to ours."""


@dataclass(frozen=True)
class _Scope:
    """What every child of one platform shares."""

    name: str
    settings: PlatformSettings
    names: ResourceNames
    tags: dict[str, str]
    subscription_id: str
    tenant_id: str
    resource_group: pulumi.Input[str]
    child: pulumi.ResourceOptions
    stateful: pulumi.ResourceOptions
    """`protect` where the stack asks for it: the resources that hold data or state."""


@dataclass(frozen=True)
class _TokenStore:
    """The vault (every auth mode) and the token's secret in it (dormant in managedIdentity mode)."""

    vault: keyvault.Vault
    secret: keyvault.Secret


@dataclass(frozen=True)
class _Grantee:
    """The identity Data Factory authenticates as: its role assignments are named after its principal id."""

    principal_id: pulumi.Input[str]


class AdfDatabricks(pulumi.ComponentResource):
    """A Databricks workspace with the compute its cluster mode calls for, and a Data Factory linked to it."""

    workspace_url: pulumi.Output[str]
    """The workspace URL (https://adb-....azuredatabricks.net): the linked service's domain."""
    workspace_id: pulumi.Output[str]
    """The workspace's Azure resource id."""
    resource_group_name: pulumi.Output[str]
    """The resource group that holds the workspace, the factory and the Key Vault."""
    factory_name: pulumi.Output[str]
    """The Data Factory's name."""
    linked_service_name: pulumi.Output[str]
    """The Azure Databricks linked service's name: the same in every stack, so pipelines move unchanged."""
    cluster_mode: pulumi.Output[str]
    """The compute mode the linked service hands to Databricks activities."""
    cluster_id: pulumi.Output[str] | None
    """The interactive cluster's id, where one exists."""
    instance_pool_id: pulumi.Output[str] | None
    """The instance pool's id (instancePool mode)."""
    key_vault_uri: pulumi.Output[str] | None
    """The Key Vault that holds the access token (auth accessToken)."""
    secret_name: pulumi.Output[str] | None
    """The Key Vault secret that holds the access token (auth accessToken)."""
    smoke_pipeline_name: pulumi.Output[str]
    """The pipeline whose one run proves the linked service, its auth and the compute mode."""
    data_flow_runtime_name: pulumi.Output[str] | None
    """The integration runtime Mapping Data Flows run on, where the stack configures one."""

    def __init__(self, name: str, args: AdfDatabricksArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        # Validate before registering anything: a bad input leaves nothing half-created.
        s = settings_from_args(args, component=name, project=pulumi.get_project(), stack=pulumi.get_stack())
        renamed = pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=token) for token in PREVIOUS_TYPE_TOKENS])
        super().__init__(TYPE_TOKEN, name, None, pulumi.ResourceOptions.merge(opts, renamed))
        client = authorization.get_client_config(opts=pulumi.InvokeOptions(parent=self))
        _refuse_foreign_token_owner(s, client.object_id)
        names = derive_names(s.project, s.stack, client.subscription_id, s.names)
        tags = s.azure_tags
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=s.protect)
        group: pulumi.Input[str] = (
            s.existing_resource_group
            or workspace.resource_group(name, names.resource_group, s.location, tags, stateful).name
        )
        scope = _Scope(name, s, names, tags, client.subscription_id, client.tenant_id, group, child, stateful)

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
        # Clusters, pools and tokens die with their workspace: a destroy needs no call to the workspace's API.
        on_workspace = pulumi.ResourceOptions(
            parent=self, provider=workspace.workspace_provider(name, dbw, child), deleted_with=goes_with(s, dbw)
        )
        cluster = (
            compute.interactive_cluster(
                name, spec=s.interactive_cluster, cluster_name=names.interactive_cluster, opts=on_workspace
            )
            if s.interactive_cluster
            else None
        )
        pool = (
            compute.instance_pool(name, spec=s.instance_pool, pool_name=names.instance_pool, opts=on_workspace)
            if s.instance_pool
            else None
        )
        uami = self._user_assigned_identity(scope)
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
        grantee = _Grantee(uami.principal_id if uami else adf.identity.apply(lambda i: i.principal_id if i else ""))
        token = (
            token_store.rotating_token(
                name,
                spec=s.token,
                project=s.project,
                stack=s.stack,
                owner=client.object_id,
                opts=child,
                databricks_opts=on_workspace,
            )
            if s.uses_token
            else None
        )
        store = self._token_store(scope, dbw, token)
        endpoints = linked_service.DatabricksEndpoints(
            domain=dbw.workspace_url.apply(lambda url: f"https://{url}"),
            workspace_id=dbw.id,
            cluster_id=cluster.id if cluster else None,
            pool_id=pool.id if pool else None,
            secret_name=store.secret.name,
        )

        self.key_vault_uri = None
        self.secret_name = None
        referenced = (
            self._token_in_key_vault(scope, adf, grantee, store)
            if s.uses_token
            else self._identity_on_workspace(scope, dbw, adf, uami, grantee)
        )
        databricks_link = factory.linked_service(
            f"{name}-databricks-linked-service",
            linked_service_name=s.linked_service.name,
            adf=adf,
            resource_group_name=group,
            properties=linked_service.databricks_properties(s, endpoints),
            referenced=referenced,
            opts=child,
            deleted_with=goes_with(s, adf),
        )

        # ADF objects go with their factory (its ARM delete), and, having fixed names, are replaced delete-first
        # (lifecycle row `fixed-name-delete-first`).
        in_factory = pulumi.ResourceOptions(parent=self, deleted_with=goes_with(s, adf), delete_before_replace=True)
        smoke = smoke_pipeline.smoke_test(
            name,
            mode=s.cluster_mode,
            job_name=f"{s.project}-{s.stack}-smoke",
            adf=adf,
            resource_group_name=group,
            linked_service=databricks_link,
            tags=tags,
            opts=in_factory,
            databricks_opts=on_workspace,
        )
        runtime = (
            data_flow_runtime.data_flow_runtime(
                name, spec=s.data_flow_runtime, adf=adf, resource_group_name=group, opts=in_factory
            )
            if s.data_flow_runtime
            else None
        )

        self.workspace_url = pulumi.Output.from_input(endpoints.domain)
        self.workspace_id = dbw.id
        self.resource_group_name = pulumi.Output.from_input(group)
        self.factory_name = adf.name
        self.linked_service_name = databricks_link.name
        self.cluster_mode = pulumi.Output.from_input(s.cluster_mode.value)
        self.cluster_id = cluster.id if cluster else None
        self.instance_pool_id = pool.id if pool else None
        self.smoke_pipeline_name = smoke.pipeline.name
        self.data_flow_runtime_name = runtime.name if runtime else None
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
                "smoke_pipeline_name": self.smoke_pipeline_name,
                "data_flow_runtime_name": self.data_flow_runtime_name,
            }
        )

    def _user_assigned_identity(self, scope: _Scope) -> managedidentity.UserAssignedIdentity | None:
        if not scope.settings.user_assigned_identity:
            return None
        return factory.user_assigned_identity(
            scope.name,
            identity_name=scope.names.user_assigned_identity,
            resource_group_name=scope.resource_group,
            location=scope.settings.location,
            tags=scope.tags,
            # Deleting it would orphan every role assignment and the ADF credential that name its principal.
            opts=scope.stateful,
        )

    def _token_store(
        self, scope: _Scope, dbw: azure_databricks.Workspace, token: databricks.Token | None
    ) -> _TokenStore:
        """The vault and the secret exist in every auth mode: switching auth deletes neither
        (`kv-secret-dataplane-delete`, `kv-soft-delete-name` and `azure-native-no-adopt`)."""
        vault = token_store.token_vault(
            scope.name,
            spec=scope.settings.key_vault,
            vault_name=scope.names.key_vault,
            resource_group_name=scope.resource_group,
            location=scope.settings.location,
            tenant_id=scope.tenant_id,
            tags=scope.tags,
            opts=scope.stateful,
        )
        secret = token_store.token_secret(
            scope.name,
            vault=vault,
            resource_group_name=scope.resource_group,
            workspace_id=dbw.workspace_id,
            token=token,
            protected=scope.settings.protect,
            opts=scope.child,
        )
        return _TokenStore(vault, secret)

    def _token_in_key_vault(
        self, scope: _Scope, adf: datafactory.Factory, grantee: _Grantee, store: _TokenStore
    ) -> list[pulumi.Resource]:
        """Token → Key Vault secret → Key Vault linked service; the factory reads it as Secrets User."""
        vault, secret = store.vault, store.secret
        role_assignment(
            f"{scope.name}-factory-reads-secrets",
            role=BuiltInRole.KEY_VAULT_SECRETS_USER,
            scope=vault.id,
            principal_id=grantee.principal_id,
            subscription_id=scope.subscription_id,
            opts=scope.child,
        )
        vault_uri = vault.properties.apply(lambda p: p.vault_uri or "")
        vault_link = factory.linked_service(
            f"{scope.name}-key-vault-linked-service",
            linked_service_name=KEY_VAULT_LINKED_SERVICE_NAME,
            adf=adf,
            resource_group_name=scope.resource_group,
            properties=linked_service.key_vault_properties(vault_uri),
            referenced=[],
            opts=scope.child,
            deleted_with=goes_with(scope.settings, adf),
        )
        self.key_vault_uri = vault_uri
        self.secret_name = secret.name
        return [secret, vault_link]

    def _identity_on_workspace(
        self,
        scope: _Scope,
        dbw: azure_databricks.Workspace,
        adf: datafactory.Factory,
        uami: managedidentity.UserAssignedIdentity | None,
        grantee: _Grantee,
    ) -> list[pulumi.Resource]:
        """ADF's MSI authentication needs Contributor on the workspace: the step users most often miss."""
        role_assignment(
            f"{scope.name}-identity-uses-workspace",
            role=BuiltInRole.CONTRIBUTOR,
            scope=dbw.id,
            principal_id=grantee.principal_id,
            subscription_id=scope.subscription_id,
            opts=scope.child,
        )
        if not uami:
            return []
        return [
            factory.identity_credential(
                scope.name,
                adf=adf,
                resource_group_name=scope.resource_group,
                uami=uami,
                opts=scope.child,
                deleted_with=goes_with(scope.settings, adf),
            )
        ]


def goes_with(settings: PlatformSettings, parent: pulumi.Resource) -> pulumi.Resource | None:
    """`deleted_with` for a child whose parent's delete takes it along, in stacks that are not protected.

    The engine skips a child's delete when its `deleted_with` resource is deleted in the same operation. In a
    protected stack a stray `destroy` deletes what is unprotected and then stops at the protected parent: the
    skipped children would be gone from state while they still exist, and the next `up` would meet them
    ("cannot create already existing resource", lifecycle row `azure-native-no-adopt`). There each child's delete is its
    own call, so state stays whole (shown through the real engine: tests/engine/scenarios.py, protected prod destroy).
    """
    return None if settings.protect else parent


def _refuse_foreign_token_owner(settings: PlatformSettings, deployer: str) -> None:
    """A token is visible only to the identity that created it (lifecycle row `token-owner-list`): a deploy by anyone
    else loses it from state and leaves it valid. With `token.owner` set, refuse before anything is registered."""
    owner = settings.token.owner
    if settings.uses_token and owner and deployer.lower() != owner.lower():
        raise pulumi.RunError(
            f"Stack '{settings.stack}': adf-databricks:token.owner is {owner}, but this deploy runs as {deployer}. "
            f"Only the owner (CI) may deploy a token stack: another identity cannot see the token, so a refresh "
            f"would drop it from state and create a second one while the first stays valid. Nothing was changed; "
            f"run `pulumi preview` only, and let CI run `pulumi up`."
        )
