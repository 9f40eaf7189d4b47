"""The resource group, the Databricks workspace, and a Databricks provider bound to that workspace."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_databricks as databricks
from pulumi_azure_native import databricks as azure_databricks
from pulumi_azure_native import resources

from . import network
from .args import NetworkAccess
from .network import PrivateNetwork
from .scope import Scope
from .settings import WorkspaceSpec

# Classic (non-serverless) compute: ADF's job and interactive clusters need it. Required on create
# since API 2026-01-01 and immutable afterwards.
COMPUTE_MODE = "Hybrid"


@dataclass(frozen=True)
class Workspace:
    """The workspace, and the Databricks provider every Databricks resource of the platform is made through."""

    resource: azure_databricks.Workspace
    provider: databricks.Provider


def resource_group(scope: Scope) -> resources.ResourceGroup:
    return resources.ResourceGroup(
        f"{scope.name}-resource-group",
        resource_group_name=scope.names.resource_group,
        location=scope.settings.location,
        tags=scope.tags,
        opts=scope.stateful,
    )


VNET_PARAMETERS = ["parameters"]
"""Set only at creation: "You cannot replace the VNet for an existing workspace" (learn.microsoft.com, "Deploy Azure
Databricks in your Azure virtual network (VNet injection)"; lifecycle row `workspace-creation-only`). A change is
a new workspace, which the preview shows as a replacement (and a protected stack refuses) rather than an update
Azure would refuse half-way. The whole `parameters` object: in private mode it holds only the VNet, the two subnet
names and secure cluster connectivity, which private mode keeps on (and a provider may report the change at the
top-level key only, which a nested path would not match)."""

Injection = tuple[pulumi.Input[str], pulumi.Input[str], pulumi.Input[str]]
"""VNet injection: the VNet's id, the host (public) and the container (private) subnet's names."""


def _injection(spec: WorkspaceSpec, net: PrivateNetwork | None) -> Injection | None:
    """The stack's own subnets (private mode: their names as outputs, so the workspace waits for them), or the
    existing ones a public stack names in workspace.vnet."""
    if net is not None:
        host, container = (subnet.name.apply(lambda n: n or "") for subnet in (net.host_subnet, net.container_subnet))
        return net.virtual_network_id, host, container
    vnet = spec.vnet
    return (vnet.id, vnet.public_subnet_name, vnet.private_subnet_name) if vnet else None


def _custom_parameters(
    spec: WorkspaceSpec, net: PrivateNetwork | None
) -> azure_databricks.WorkspaceCustomParametersArgs:
    injection = _injection(spec, net)

    def given(index: int) -> azure_databricks.WorkspaceCustomStringParameterArgs | None:
        return azure_databricks.WorkspaceCustomStringParameterArgs(value=injection[index]) if injection else None

    return azure_databricks.WorkspaceCustomParametersArgs(
        enable_no_public_ip=azure_databricks.WorkspaceNoPublicIPBooleanParameterArgs(value=spec.no_public_ip),
        custom_virtual_network_id=given(0),
        custom_public_subnet_name=given(1),
        custom_private_subnet_name=given(2),
    )


def _required_nsg_rules(spec: WorkspaceSpec) -> str | None:
    """Private-link workspaces drop the Databricks-managed NSG rules; VNet injection keeps them all."""
    if spec.public_network_access is NetworkAccess.DISABLED:
        return "NoAzureDatabricksRules"
    return "AllRules" if spec.vnet else None


def workspace(scope: Scope, spec: WorkspaceSpec, net: PrivateNetwork | None = None) -> Workspace:
    """With `net` (network.mode private), injected into the stack's VNet and reached through its private endpoint:
    the Databricks provider, and so every Databricks resource, waits for the endpoint and its DNS record."""
    dbw = azure_databricks.Workspace(
        f"{scope.name}-workspace",
        workspace_name=scope.names.workspace,
        resource_group_name=scope.resource_group,
        location=scope.settings.location,
        sku=azure_databricks.SkuArgs(name=spec.sku.value),
        compute_mode=COMPUTE_MODE,
        managed_resource_group_id=f"/subscriptions/{scope.subscription_id}/resourceGroups/"
        f"{scope.names.managed_resource_group}",
        parameters=_custom_parameters(spec, net),
        public_network_access=spec.public_network_access.value,
        required_nsg_rules=_required_nsg_rules(spec),
        tags=scope.tags,
        opts=pulumi.ResourceOptions.merge(scope.stateful, pulumi.ResourceOptions(replace_on_changes=VNET_PARAMETERS))
        if net
        else scope.stateful,
    )
    reach = network.workspace_endpoints(scope, net, dbw.id) if net else None
    opts = pulumi.ResourceOptions.merge(scope.child, pulumi.ResourceOptions(depends_on=reach)) if reach else scope.child
    return Workspace(dbw, workspace_provider(scope.name, dbw, opts))


def workspace_provider(name: str, dbw: azure_databricks.Workspace, opts: pulumi.ResourceOptions) -> databricks.Provider:
    """Every Databricks resource names this provider explicitly, so none lands in another workspace.

    No auth type here: an explicit provider reads no `databricks:` stack config, so whatever the program set
    would override `DATABRICKS_AUTH_TYPE` everywhere. The environment decides (lifecycle row
    `github-oidc-cli-expiry`): CI sets `github-oidc-azure`, which fetches its own GitHub ID token when the
    provider is configured, after the workspace exists; a laptop resolves to its `az login`.
    """
    return databricks.Provider(
        f"{name}-databricks",
        host=dbw.workspace_url.apply(lambda url: f"https://{url}"),
        azure_workspace_resource_id=dbw.id,
        opts=opts,
    )
