"""`AdfDatabricks`: Data Factory, Azure Databricks and the compute both run on, for one stack.

No `from __future__ import annotations`: Pulumi's analyzer reads this class's annotations (its args and
outputs) to infer the package schema.
"""

import functools
import inspect
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import authorization, datafactory, keyvault, managedidentity
from pulumi_azure_native import databricks as azure_databricks

from . import (
    compute,
    data_flow_runtime,
    factory,
    linked_service,
    managed_network,
    network,
    operations,
    smoke_pipeline,
    token_store,
    workspace,
)
from .access import BuiltInRole, role_assignment
from .args import AdfDatabricksArgs
from .config import settings_from_args
from .naming import KEY_VAULT_LINKED_SERVICE_NAME
from .scope import Scope
from .settings import PlatformSettings

TYPE_TOKEN = "adf-databricks:index:AdfDatabricks"
"""`<package>:index:<Component>`: the token Pulumi's component provider host serves the component under."""
PREVIOUS_TYPE_TOKENS = ("adf-databricks:platform:AdfDatabricks",)
"""Tokens of stacks deployed by earlier versions: aliased, so their URNs (and every child's) resolve to ours."""


@dataclass(frozen=True)
class _Grantee:
    """The identity Data Factory authenticates as: its role assignments are named after its principal id."""

    principal_id: pulumi.Input[str]


@dataclass(frozen=True)
class _Auth:
    """How the Databricks linked service authenticates: what its payload names, and where the token is kept."""

    referenced: tuple[pulumi.Resource, ...]
    """What the payload names by string (secret, Key Vault linked service, credential): created before it."""
    key_vault_uri: pulumi.Output[str] | None = None
    secret_name: pulumi.Output[str] | None = None
    grants: tuple[pulumi.Resource, ...] = ()
    """The role assignment it needs (on the vault or the workspace)."""


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
        scope = Scope.of(self, name, s, client)
        if not s.existing_resource_group_name:
            scope = scope.in_group(workspace.resource_group(scope))

        # Private networking: the VNet the workspace joins, and the DNS its and the vault's endpoints answer in.
        net = network.private_network(scope, s.network) if s.network.is_private else None
        # The workspace and the compute the cluster mode keeps in it.
        dbw = workspace.workspace(scope, s.workspace, net)
        cluster = compute.interactive_cluster(scope, s.interactive_cluster, dbw) if s.interactive_cluster else None
        pool = compute.instance_pool(scope, s.instance_pool, dbw) if s.instance_pool else None
        # The factory, and how it authenticates to the workspace: a token in Key Vault, or its managed identity.
        uami = factory.user_assigned_identity(scope) if s.managed_identity.user_assigned else None
        adf = factory.factory(scope, s.data_factory, uami)
        grantee = _Grantee(uami.principal_id if uami else adf.identity.apply(lambda i: i.principal_id if i else ""))
        token = token_store.rotating_token(scope, s.token, dbw) if s.uses_token else None
        reach_vault = functools.partial(network.vault_endpoint, scope, net) if net else None
        store = token_store.token_store(scope, s.key_vault, dbw, token, reach_vault)
        # Private: the factory's own way in, its managed network with approved endpoints to the workspace and vault,
        # and the runtime in it that the linked service goes through (runs Data Flows too).
        managed = _managed_network(scope, adf, dbw.resource, store.vault) if net else None
        runtime = (
            data_flow_runtime.data_flow_runtime(
                scope, s.data_flow_runtime, adf, managed.virtual_network if managed else None
            )
            if s.data_flow_runtime
            else None
        )
        # What each linked service goes through in a private stack: the vault's approved endpoint (the token is read
        # by the activity's runtime), and the managed runtime with the workspace's approved endpoint.
        to_vault = _approved(managed, network.VAULT)
        to_workspace = (*([runtime] if managed and runtime else []), *_approved(managed, network.WORKSPACE_UI_API))
        auth = (
            _token_in_key_vault(scope, adf, grantee, store, to_vault)
            if s.uses_token
            else _identity_on_workspace(scope, dbw.resource, adf, uami, grantee)
        )
        endpoints = linked_service.DatabricksEndpoints(
            domain=dbw.resource.workspace_url.apply(lambda url: f"https://{url}"),
            workspace_id=dbw.resource.id,
            cluster_id=cluster.id if cluster else None,
            pool_id=pool.id if pool else None,
            secret_name=store.secret.name,
        )
        databricks_link = factory.linked_service(
            scope,
            "databricks-linked-service",
            linked_service_name=s.linked_service.name,
            adf=adf,
            properties=linked_service.databricks_properties(s, endpoints),
            referenced=(*auth.referenced, *to_workspace),
        )
        # What proves the link (through the managed runtime, in a private stack).
        smoke = smoke_pipeline.smoke_test(scope, adf, databricks_link, dbw)
        # How it is run: logs, alerts on failed runs, a budget, delete locks (as the stack's `operations:` asks). A lock
        # waits for what it holds (the factory's children, its managed network among them), so it goes first on delete.
        private_path = (managed.virtual_network, *managed.endpoints) if managed else ()
        held = (databricks_link, *auth.referenced, *auth.grants, smoke.pipeline, *([runtime] if runtime else []))
        operations.operations(
            scope, s.operations, operations.Operated(dbw, adf, store.vault, smoke.pipeline.name, (*held, *private_path))
        )

        self.workspace_url = pulumi.Output.from_input(endpoints.domain)
        self.workspace_id = dbw.resource.id
        self.resource_group_name = pulumi.Output.from_input(scope.resource_group)
        self.factory_name = adf.name
        self.linked_service_name = databricks_link.name
        self.cluster_mode = pulumi.Output.from_input(s.cluster_mode.value)
        self.cluster_id = cluster.id if cluster else None
        self.instance_pool_id = pool.id if pool else None
        self.key_vault_uri = auth.key_vault_uri
        self.secret_name = auth.secret_name
        self.smoke_pipeline_name = smoke.pipeline.name
        self.data_flow_runtime_name = runtime.name if runtime else None
        # The outputs are the attributes annotated above (what the package schema publishes), each registered.
        self.register_outputs({output: getattr(self, output) for output in inspect.get_annotations(AdfDatabricks)})


def _managed_network(
    scope: Scope, adf: datafactory.Factory, dbw: azure_databricks.Workspace, vault: keyvault.Vault
) -> managed_network.ManagedNetwork:
    """Managed private endpoints to the workspace (`databricks_ui_api`) and, in token mode, to the vault (`vault`):
    the Key Vault linked service names no runtime, and the token is fetched by the activity's runtime, in the
    managed network, whose endpoint to the vault resolves its name (lifecycle row `adf-managed-vnet`)."""
    names = scope.names
    wanted = [
        managed_network.Target(
            "workspace-managed-endpoint",
            f"{names.workspace}-ui-api"[:80],
            network.WORKSPACE_UI_API,
            dbw.id,
            dbw.name,
            managed_network.DATABRICKS_CONNECTIONS,
        )
    ]
    if scope.settings.uses_token:
        wanted.append(
            managed_network.Target(
                "vault-managed-endpoint",
                f"{names.key_vault}-vault"[:80],
                network.VAULT,
                vault.id,
                vault.name,
                managed_network.VAULT_CONNECTIONS,
            )
        )
    return managed_network.managed_network(scope, adf, wanted)


def _approved(managed: managed_network.ManagedNetwork | None, group: str) -> tuple[pulumi.Resource, ...]:
    approval = managed.approved.get(group) if managed else None
    return (approval,) if approval else ()


def _token_in_key_vault(
    scope: Scope,
    adf: datafactory.Factory,
    grantee: _Grantee,
    store: token_store.TokenStore,
    through: tuple[pulumi.Resource, ...] = (),
) -> _Auth:
    """Token → Key Vault secret → Key Vault linked service; the factory reads it as Secrets User. `through`: in a
    private stack, the managed runtime and approved endpoints the secret is read through."""
    vault, secret = store.vault, store.secret
    grant = role_assignment(
        f"{scope.name}-factory-reads-secrets",
        role=BuiltInRole.KEY_VAULT_SECRETS_USER,
        scope=vault.id,
        principal_id=grantee.principal_id,
        subscription_id=scope.subscription_id,
        opts=scope.child,
    )
    vault_uri = vault.properties.apply(lambda p: p.vault_uri or "")
    vault_link = factory.linked_service(
        scope,
        "key-vault-linked-service",
        linked_service_name=KEY_VAULT_LINKED_SERVICE_NAME,
        adf=adf,
        properties=linked_service.key_vault_properties(vault_uri),
        referenced=list(through),
    )
    return _Auth((secret, vault_link), key_vault_uri=vault_uri, secret_name=secret.name, grants=(grant,))


def _identity_on_workspace(
    scope: Scope,
    dbw: azure_databricks.Workspace,
    adf: datafactory.Factory,
    uami: managedidentity.UserAssignedIdentity | None,
    grantee: _Grantee,
) -> _Auth:
    """ADF's MSI authentication needs Contributor on the workspace: the step users most often miss."""
    grant = role_assignment(
        f"{scope.name}-identity-uses-workspace",
        role=BuiltInRole.CONTRIBUTOR,
        scope=dbw.id,
        principal_id=grantee.principal_id,
        subscription_id=scope.subscription_id,
        opts=scope.child,
    )
    return _Auth((factory.identity_credential(scope, adf, uami),) if uami else (), grants=(grant,))


def _refuse_foreign_token_owner(settings: PlatformSettings, deployer: str) -> None:
    """A token is visible only to the identity that created it (lifecycle row `token-owner-list`): a deploy by
    anyone else loses it from state and leaves it valid. With `token.owner` set, refuse before anything is
    registered."""
    owner = settings.token.owner
    if settings.uses_token and owner and deployer.lower() != owner.lower():
        raise pulumi.RunError(
            f"Stack '{settings.stack}': adf-databricks:token.owner is {owner}, but this deploy runs as {deployer}. "
            f"Only the owner (CI) may deploy a token stack: another identity cannot see the token, so a refresh "
            f"would drop it from state and create a second one while the first stays valid. Nothing was changed; "
            f"run `pulumi preview` only, and let CI run `pulumi up`."
        )
