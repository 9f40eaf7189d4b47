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
from pulumi_azure_native import network, privatedns

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
from .settings import PrivateNetworkSpec

DATABRICKS_DELEGATION = "Microsoft.Databricks/workspaces"
WORKSPACE_UI_API = "databricks_ui_api"
BROWSER_AUTHENTICATION = "browser_authentication"
VAULT = "vault"
"""Private link sub-resources (group ids): Azure docs, "Azure Private Endpoint private DNS zone values"."""
_VNET_ID = re.compile(r"/subscriptions/[^/]+/resourceGroups/(?P<group>[^/]+)/providers/Microsoft\.Network/"
                      r"virtualNetworks/(?P<name>[^/]+)", re.IGNORECASE)


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


def private_network(scope: Scope, spec: PrivateNetworkSpec) -> PrivateNetwork:
    names = network_names(scope.settings.project, scope.settings.stack)
    vnet_id, vnet_group, vnet_name = _virtual_network(scope, spec, names)
    nsg_id = spec.network_security_group_id or _security_group(scope, names).id
    host = _subnet(scope, "host-subnet", HOST_SUBNET_NAME, spec.host_subnet, (vnet_group, vnet_name), nsg_id, [])
    container = _subnet(
        scope, "container-subnet", CONTAINER_SUBNET_NAME, spec.container_subnet, (vnet_group, vnet_name), nsg_id,
        [host],
    )
    endpoints = _subnet(
        scope, "endpoint-subnet", ENDPOINT_SUBNET_NAME, spec.endpoint_subnet, (vnet_group, vnet_name), None,
        [container],
    )
    zone_ids, resolved = _zones(scope, spec, vnet_id)
    return PrivateNetwork(names, pulumi.Output.from_input(vnet_id), host, container, endpoints, zone_ids, resolved)


def _virtual_network(
    scope: Scope, spec: PrivateNetworkSpec, names: NetworkNames
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
    role: str,
    name: str,
    prefix: str,
    vnet: tuple[pulumi.Input[str], pulumi.Input[str]],
    nsg_id: pulumi.Input[str] | None,
    after: list[pulumi.Resource],
) -> network.Subnet:
    """A workspace subnet (with an NSG) is delegated to Databricks; the endpoint subnet (no NSG) is not.

    One after the other: Azure runs one operation at a time on a VNet and answers a concurrent subnet write with
    `AnotherOperationInProgress` (Azure Virtual Network troubleshooting, "Subnet operations").
    """
    delegated = nsg_id is not None
    return network.Subnet(
        f"{scope.name}-{role}",
        subnet_name=name,
        resource_group_name=vnet[0],
        virtual_network_name=vnet[1],
        address_prefix=prefix,
        delegations=[network.DelegationArgs(name="databricks", service_name=DATABRICKS_DELEGATION)]
        if delegated
        else None,
        network_security_group=network.NetworkSecurityGroupArgs(id=nsg_id) if delegated else None,
        private_endpoint_network_policies=None if delegated else "Disabled",
        opts=pulumi.ResourceOptions.merge(scope.stateful, pulumi.ResourceOptions(depends_on=after or None)),
    )


def _zones(
    scope: Scope, spec: PrivateNetworkSpec, vnet_id: pulumi.Input[str]
) -> tuple[dict[str, pulumi.Input[str]], tuple[pulumi.Resource, ...]]:
    """Each zone given by id is used as it is (its VNet links are the hub's business); each other one is created and
    linked to the stack's VNet and to `linkedVirtualNetworkIds` (the deploy runner's)."""
    given = {DATABRICKS_ZONE: spec.databricks_dns_zone_id, KEY_VAULT_ZONE: spec.key_vault_dns_zone_id}
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
    scope: Scope, net: PrivateNetwork, role: str, endpoint_name: str, target: pulumi.Resource, group: str, zone: str
) -> network.PrivateDnsZoneGroup:
    """An endpoint in the endpoint subnet to `target`'s `group` sub-resource, and its zone group, which writes the
    endpoint's A record into the zone (so the name resolves to it inside the VNet). Auto-approved: the deployer
    owns the target (learn.microsoft.com, "Manage Azure private endpoints", approval methods)."""
    target_id = target.id  # type: ignore[attr-defined]
    endpoint = network.PrivateEndpoint(
        f"{scope.name}-{role}",
        private_endpoint_name=endpoint_name,
        resource_group_name=scope.resource_group,
        location=scope.settings.location,
        subnet=network.SubnetArgs(id=net.endpoint_subnet.id),
        private_link_service_connections=[
            network.PrivateLinkServiceConnectionArgs(name=endpoint_name, private_link_service_id=target_id, group_ids=[group])
        ],
        tags=scope.tags,
        opts=scope.stateful,
    )
    return network.PrivateDnsZoneGroup(
        f"{scope.name}-{role}-dns",
        private_dns_zone_group_name="default",
        private_endpoint_name=endpoint.name,
        resource_group_name=scope.resource_group,
        private_dns_zone_configs=[
            network.PrivateDnsZoneConfigArgs(name=zone.replace(".", "-"), private_dns_zone_id=net.zone_ids[zone])
        ],
        opts=pulumi.ResourceOptions.merge(scope.stateful, pulumi.ResourceOptions(depends_on=list(net.resolved))),
    )


def workspace_endpoints(scope: Scope, net: PrivateNetwork, workspace: pulumi.Resource) -> list[pulumi.Resource]:
    """The workspace's way in: `databricks_ui_api` (front end and back end), and `browser_authentication` where the
    stack asks for it (one per region; lifecycle row `private-link`)."""
    reach: list[pulumi.Resource] = [
        private_endpoint(
            scope, net, "workspace-endpoint", net.names.workspace_endpoint, workspace, WORKSPACE_UI_API, DATABRICKS_ZONE
        )
    ]
    spec = scope.settings.network.private
    if spec and spec.browser_authentication:
        reach.append(
            private_endpoint(
                scope,
                net,
                "browser-auth-endpoint",
                net.names.browser_auth_endpoint,
                workspace,
                BROWSER_AUTHENTICATION,
                DATABRICKS_ZONE,
            )
        )
    return reach


def vault_endpoint(scope: Scope, net: PrivateNetwork, vault: pulumi.Resource) -> list[pulumi.Resource]:
    """The vault's way in (`vault` sub-resource): what a deploy inside the network reaches the data plane through."""
    return [private_endpoint(scope, net, "vault-endpoint", net.names.vault_endpoint, vault, VAULT, KEY_VAULT_ZONE)]
