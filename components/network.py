"""Private networking (network.mode private): the VNet the workspace is injected into, the private endpoints of the
workspace and the vault, and the private DNS that resolves their names to those endpoints.

Facts (lifecycle rows by short name, `components/offline/specs/azure-lifecycle-rules.md`):
- `private-link`: the workspace's front end and back end go through one `databricks_ui_api` endpoint in the
  workspace's own VNet (Databricks' simplified layout); `browser_authentication` only where the stack asks; the vault's
  sub-resource is `vault`; the zones are `privatelink.azuredatabricks.net` and `privatelink.vaultcore.azure.net`.
- `workspace-pna-private-link`: public network access off and `requiredNsgRules: NoAzureDatabricksRules`, with
  secure cluster connectivity (`enableNoPublicIp`).
- `workspace-creation-only`: the VNet and subnet names are set only at creation.
- Subnets are separate resources and the VNet declares none: azure-native then keeps the subnets a VNet update does
  not mention (pulumi/pulumi-azure-native issue #611, closed by that behaviour; Azure's "Virtual network now
  supports updates without subnet property").
- Every resource here is `stateful` (protected in a protected stack): it is the deploy's path to the protected
  workspace and vault, and a stray `destroy` that deleted the endpoints before stopping at the workspace would cut it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import keyvault, network, privatedns

from .naming import (
    CONTAINER_SUBNET_NAME,
    ENDPOINT_SUBNET_NAME,
    HOST_SUBNET_NAME,
    NetworkNames,
    digest,
    network_names,
)
from .network_config import DATABRICKS_ZONE, KEY_VAULT_ZONE
from .scope import Scope
from .settings import NetworkSpec

DATABRICKS_DELEGATION = "Microsoft.Databricks/workspaces"
WORKSPACE_UI_API = "databricks_ui_api"
BROWSER_AUTHENTICATION = "browser_authentication"
VAULT = "vault"
"""Private link sub-resources (group ids): Azure docs, "Azure Private Endpoint private DNS zone values"."""
_VNET_ID = re.compile(
    r"/subscriptions/[^/]+/resourceGroups/(?P<group>[^/]+)/providers/Microsoft\.Network/"
    r"virtualNetworks/(?P<name>[^/]+)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PrivateNetwork:
    """What the private parts of the platform attach to."""

    names: NetworkNames
    virtual_network_id: pulumi.Output[str]
    host_subnet: network.Subnet
    container_subnet: network.Subnet
    endpoint_subnet: network.Subnet
    zone_ids: dict[str, pulumi.Input[str]]
    """By zone name: the zone's id (created here, or given)."""
    resolved: tuple[pulumi.Resource, ...]
    """What must exist before a name resolves inside the VNet: the zones the stack creates and their VNet links."""


@dataclass(frozen=True)
class _SubnetPlan:
    role: str
    name: str
    prefix: str
    delegated: bool
    """A workspace subnet: delegated to Databricks, with the NSG. The endpoint subnet is neither."""


@dataclass(frozen=True)
class Endpoint:
    """One private endpoint: its role in the logical names, its Azure name, sub-resource and DNS zone."""

    role: str
    name: str
    group: str
    zone: str


def private_network(scope: Scope, spec: NetworkSpec) -> PrivateNetwork:
    names = network_names(scope.settings.project, scope.settings.stack)
    vnet_id, vnet_group, vnet_name = _virtual_network(scope, spec, names)
    nsg_id = spec.network_security_group_id or _security_group(scope, names).id
    plans = (
        _SubnetPlan("host-subnet", HOST_SUBNET_NAME, spec.host_subnet, delegated=True),
        _SubnetPlan("container-subnet", CONTAINER_SUBNET_NAME, spec.container_subnet, delegated=True),
        _SubnetPlan("endpoint-subnet", ENDPOINT_SUBNET_NAME, spec.endpoint_subnet, delegated=False),
    )
    subnets: list[network.Subnet] = []
    for plan in plans:
        subnets.append(_subnet(scope, plan, (vnet_group, vnet_name), nsg_id, subnets[-1:]))
    zone_ids, resolved = _zones(scope, spec, vnet_id)
    host, container, endpoints = subnets
    return PrivateNetwork(names, pulumi.Output.from_input(vnet_id), host, container, endpoints, zone_ids, resolved)


def _virtual_network(
    scope: Scope, spec: NetworkSpec, names: NetworkNames
) -> tuple[pulumi.Input[str], pulumi.Input[str], pulumi.Input[str]]:
    """The VNet's id, group and name: the one given by id, or one the stack creates."""
    if spec.virtual_network_id:
        found = _VNET_ID.fullmatch(spec.virtual_network_id)
        assert found, "validated by components.network_config"
        return spec.virtual_network_id, found["group"], found["name"]
    vnet = network.VirtualNetwork(
        f"{scope.name}-virtual-network",
        virtual_network_name=names.virtual_network,
        resource_group_name=scope.resource_group,
        location=scope.settings.location,
        address_space=network.AddressSpaceArgs(address_prefixes=[spec.address_space]),
        tags=scope.tags,
        opts=scope.stateful,
    )
    return vnet.id, scope.resource_group, vnet.name


def _security_group(scope: Scope, names: NetworkNames) -> network.NetworkSecurityGroup:
    """No rules of ours: with `NoAzureDatabricksRules` the workspace adds none either (the default rules allow the
    traffic inside the VNet that secure cluster connectivity needs: lifecycle row `workspace-pna-private-link`)."""
    return network.NetworkSecurityGroup(
        f"{scope.name}-network-security-group",
        network_security_group_name=names.network_security_group,
        resource_group_name=scope.resource_group,
        location=scope.settings.location,
        tags=scope.tags,
        opts=pulumi.ResourceOptions.merge(scope.stateful, pulumi.ResourceOptions(ignore_changes=["securityRules"])),
    )


def _subnet(
    scope: Scope,
    plan: _SubnetPlan,
    vnet: tuple[pulumi.Input[str], pulumi.Input[str]],
    nsg_id: pulumi.Input[str],
    after: list[network.Subnet],
) -> network.Subnet:
    """One after the other: Azure runs one operation at a time on a VNet and answers a concurrent subnet write with
    `AnotherOperationInProgress` (Azure Virtual Network troubleshooting, "Subnet operations")."""
    return network.Subnet(
        f"{scope.name}-{plan.role}",
        subnet_name=plan.name,
        resource_group_name=vnet[0],
        virtual_network_name=vnet[1],
        address_prefix=plan.prefix,
        delegations=[network.DelegationArgs(name="databricks", service_name=DATABRICKS_DELEGATION)]
        if plan.delegated
        else None,
        network_security_group=network.NetworkSecurityGroupArgs(id=nsg_id) if plan.delegated else None,
        private_endpoint_network_policies=None if plan.delegated else "Disabled",
        opts=pulumi.ResourceOptions.merge(scope.stateful, pulumi.ResourceOptions(depends_on=list(after) or None)),
    )


def _zones(
    scope: Scope, spec: NetworkSpec, vnet_id: pulumi.Input[str]
) -> tuple[dict[str, pulumi.Input[str]], tuple[pulumi.Resource, ...]]:
    """Each zone given by id is used as it is (its VNet links are the hub's business); each other one is created and
    linked to the stack's VNet and to `linkedVirtualNetworkIds` (the deploy runner's)."""
    given = {DATABRICKS_ZONE: spec.private_dns_zone_ids.databricks, KEY_VAULT_ZONE: spec.private_dns_zone_ids.key_vault}
    zone_ids: dict[str, pulumi.Input[str]] = {}
    resolved: list[pulumi.Resource] = []
    for zone_name, zone_id in given.items():
        if zone_id:
            zone_ids[zone_name] = zone_id
            continue
        role = "databricks-dns-zone" if zone_name == DATABRICKS_ZONE else "vault-dns-zone"
        zone = privatedns.PrivateZone(
            f"{scope.name}-{role}",
            private_zone_name=zone_name,
            resource_group_name=scope.resource_group,
            location="global",
            tags=scope.tags,
            opts=scope.stateful,
        )
        zone_ids[zone_name] = zone.id
        resolved.append(zone)
        for index, linked in enumerate((vnet_id, *spec.linked_virtual_network_ids)):
            resolved.append(_link(scope, role, zone, linked, index))
    return zone_ids, tuple(resolved)


def _link(
    scope: Scope, role: str, zone: privatedns.PrivateZone, vnet_id: pulumi.Input[str], index: int
) -> privatedns.VirtualNetworkLink:
    """The stack's own VNet is link 0; a linked VNet's link is named after its id, so reordering the list keeps it."""
    suffix = "vnet-link" if index == 0 else f"link-{digest(str(vnet_id), length=8)}"
    return privatedns.VirtualNetworkLink(
        f"{scope.name}-{role}-{suffix}",
        virtual_network_link_name=f"{scope.names.workspace}-{suffix}"[:80],
        private_zone_name=zone.name,
        resource_group_name=scope.resource_group,
        location="global",
        registration_enabled=False,
        virtual_network=privatedns.SubResourceArgs(id=vnet_id),
        tags=scope.tags,
        opts=scope.stateful,
    )


def private_endpoint(
    scope: Scope, net: PrivateNetwork, endpoint: Endpoint, target_id: pulumi.Input[str]
) -> network.PrivateDnsZoneGroup:
    """An endpoint in the endpoint subnet to the target's sub-resource, and its zone group, which writes the
    endpoint's A record into the zone (so the name resolves to it inside the VNet). Auto-approved: the deployer
    owns the target (learn.microsoft.com, "Manage Azure private endpoints", approval methods)."""
    resource = network.PrivateEndpoint(
        f"{scope.name}-{endpoint.role}",
        private_endpoint_name=endpoint.name,
        resource_group_name=scope.resource_group,
        location=scope.settings.location,
        subnet=network.SubnetArgs(id=net.endpoint_subnet.id),
        private_link_service_connections=[
            network.PrivateLinkServiceConnectionArgs(
                name=endpoint.name, private_link_service_id=target_id, group_ids=[endpoint.group]
            )
        ],
        tags=scope.tags,
        opts=scope.stateful,
    )
    return network.PrivateDnsZoneGroup(
        f"{scope.name}-{endpoint.role}-dns",
        private_dns_zone_group_name="default",
        private_endpoint_name=resource.name,
        resource_group_name=scope.resource_group,
        private_dns_zone_configs=[
            network.PrivateDnsZoneConfigArgs(
                name=endpoint.zone.replace(".", "-"), private_dns_zone_id=net.zone_ids[endpoint.zone]
            )
        ],
        opts=pulumi.ResourceOptions.merge(scope.stateful, pulumi.ResourceOptions(depends_on=list(net.resolved))),
    )


def workspace_endpoints(scope: Scope, net: PrivateNetwork, workspace_id: pulumi.Input[str]) -> list[pulumi.Resource]:
    """The workspace's way in: `databricks_ui_api` (front end and back end), and `browser_authentication` where the
    stack asks for it (one per region; lifecycle row `private-link`)."""
    wanted = [Endpoint("workspace-endpoint", net.names.workspace_endpoint, WORKSPACE_UI_API, DATABRICKS_ZONE)]
    if scope.settings.network.browser_authentication:
        wanted.append(
            Endpoint("browser-auth-endpoint", net.names.browser_auth_endpoint, BROWSER_AUTHENTICATION, DATABRICKS_ZONE)
        )
    return [private_endpoint(scope, net, endpoint, workspace_id) for endpoint in wanted]


def vault_endpoint(scope: Scope, net: PrivateNetwork, vault: keyvault.Vault) -> list[pulumi.Resource]:
    """The vault's way in (`vault` sub-resource): what a deploy inside the network reaches the data plane through."""
    endpoint = Endpoint("vault-endpoint", net.names.vault_endpoint, VAULT, KEY_VAULT_ZONE)
    return [private_endpoint(scope, net, endpoint, vault.id)]
