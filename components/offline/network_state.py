"""The fake cloud's private-networking resources: what Azure returns for them, and what it refuses on delete.

Outputs as on the wire (Microsoft.Network REST API 2024-05-01 models: `Subnet`, `PrivateEndpoint`,
`PrivateDnsZoneGroup`; Microsoft.Network/privateDnsZones 2024-06-01). Inputs in, state out; the refusals are plain
functions of what exists, applied by whoever keeps the cloud's memory (as in `cloud_state`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from components.naming import digest

if TYPE_CHECKING:
    from components.offline.cloud_state import FakeCloud, NewResource, State

VIRTUAL_NETWORK = "azure-native:network:VirtualNetwork"
SUBNET = "azure-native:network:Subnet"
NSG = "azure-native:network:NetworkSecurityGroup"
PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint"
ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup"
PRIVATE_ZONE = "azure-native:privatedns:PrivateZone"
VNET_LINK = "azure-native:privatedns:VirtualNetworkLink"
WORKSPACE = "azure-native:databricks:Workspace"
NETWORK_TYPES = (VIRTUAL_NETWORK, SUBNET, NSG, PRIVATE_ENDPOINT, ZONE_GROUP, PRIVATE_ZONE, VNET_LINK)


def network_builders(cloud: FakeCloud) -> dict[str, Callable[[NewResource], State]]:
    def arm(group: str, path: str) -> str:
        return f"/subscriptions/{cloud.subscription_id}/resourceGroups/{group}/providers/{path}"

    def common(args: NewResource, name: str) -> dict[str, Any]:
        return {**args.inputs, "name": name, "provisioningState": "Succeeded", "etag": f'W/"{digest(name)}"'}

    def vnet(args: NewResource) -> State:
        name = args.inputs["virtualNetworkName"]
        return arm(args.inputs["resourceGroupName"], f"Microsoft.Network/virtualNetworks/{name}"), {
            **common(args, name),
            "type": "Microsoft.Network/virtualNetworks",
            "resourceGuid": digest(cloud.subscription_id, name, length=32),
            "subnets": [],  # separate Subnet resources: azure-native keeps them on update (issue #611)
        }

    def subnet(args: NewResource) -> State:
        vnet_name, name = args.inputs["virtualNetworkName"], args.inputs["subnetName"]
        path = f"Microsoft.Network/virtualNetworks/{vnet_name}/subnets/{name}"
        delegations = [
            {**d, "actions": ["Microsoft.Network/virtualNetworks/subnets/join/action"], "type": DELEGATION_TYPE}
            for d in args.inputs.get("delegations") or []
        ]
        return arm(args.inputs["resourceGroupName"], path), {
            **common(args, name),
            "type": "Microsoft.Network/virtualNetworks/subnets",
            "delegations": delegations,
            "privateEndpointNetworkPolicies": args.inputs.get("privateEndpointNetworkPolicies", "Disabled"),
        }

    def nsg(args: NewResource) -> State:
        name = args.inputs["networkSecurityGroupName"]
        return arm(args.inputs["resourceGroupName"], f"Microsoft.Network/networkSecurityGroups/{name}"), {
            **common(args, name),
            "type": "Microsoft.Network/networkSecurityGroups",
            "defaultSecurityRules": [{"name": rule} for rule in DEFAULT_NSG_RULES],
            "securityRules": [],
        }

    def endpoint(args: NewResource) -> State:
        name = args.inputs["privateEndpointName"]
        connections = [
            {**c, "privateLinkServiceConnectionState": {"status": "Approved", "description": "Auto-Approved"}}
            for c in args.inputs.get("privateLinkServiceConnections") or []
        ]
        subnet_id = str((args.inputs.get("subnet") or {}).get("id", ""))
        return arm(args.inputs["resourceGroupName"], f"Microsoft.Network/privateEndpoints/{name}"), {
            **common(args, name),
            "type": "Microsoft.Network/privateEndpoints",
            "privateLinkServiceConnections": connections,
            "networkInterfaces": [
                {
                    "id": arm(
                        args.inputs["resourceGroupName"],
                        f"Microsoft.Network/networkInterfaces/{name}.nic.{digest(name, length=8)}",
                    )
                }
            ],
            "customDnsConfigs": [],
            "subnet": {"id": subnet_id},
        }

    def zone_group(args: NewResource) -> State:
        endpoint_name, name = args.inputs["privateEndpointName"], args.inputs["privateDnsZoneGroupName"]
        path = f"Microsoft.Network/privateEndpoints/{endpoint_name}/privateDnsZoneGroups/{name}"
        return arm(args.inputs["resourceGroupName"], path), common(args, name)

    def zone(args: NewResource) -> State:
        name = args.inputs["privateZoneName"]
        return arm(args.inputs["resourceGroupName"], f"Microsoft.Network/privateDnsZones/{name}"), {
            **common(args, name),
            "type": "Microsoft.Network/privateDnsZones",
            "numberOfRecordSets": 1,  # the SOA record
            "numberOfVirtualNetworkLinks": 0,
        }

    def link(args: NewResource) -> State:
        zone_name, name = args.inputs["privateZoneName"], args.inputs["virtualNetworkLinkName"]
        path = f"Microsoft.Network/privateDnsZones/{zone_name}/virtualNetworkLinks/{name}"
        return arm(args.inputs["resourceGroupName"], path), {
            **common(args, name),
            "type": "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
            "virtualNetworkLinkState": "Completed",
        }

    return {
        VIRTUAL_NETWORK: vnet,
        SUBNET: subnet,
        NSG: nsg,
        PRIVATE_ENDPOINT: endpoint,
        ZONE_GROUP: zone_group,
        PRIVATE_ZONE: zone,
        VNET_LINK: link,
    }


DELEGATION_TYPE = "Microsoft.Network/virtualNetworks/subnets/delegations"
DEFAULT_NSG_RULES = (
    "AllowVnetInBound",
    "AllowAzureLoadBalancerInBound",
    "DenyAllInBound",
    "AllowVnetOutBound",
    "AllowInternetOutBound",
    "DenyAllOutBound",
)
"""Every NSG's default rules (learn.microsoft.com, "Network security groups", Default security rules)."""


# --- What Azure refuses on delete -------------------------------------------------------------------------------


class DeleteRefusedError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def delete_refusal(
    typ: str, resource_id: str, remaining: Iterable[tuple[str, Mapping[str, Any]]]
) -> DeleteRefusedError | None:
    """Why Azure refuses to delete `resource_id` while `remaining` (type, inputs) still exist.

    - A subnet delegated to Databricks carries the workspace's network intent policy until the workspace is gone:
      deleting it first fails (`InUseSubnetCannotBeDeleted`); a subnet with a private endpoint's NIC in it fails the
      same way (lifecycle row `subnet-delegation-in-use`).
    - An NSG still associated with a subnet fails with `InUseNetworkSecurityGroupCannotBeDeleted` (the same row).
    - A private DNS zone with VNet links fails (`CannotDeleteResource`; row `private-endpoint-subnet`).
    """
    rid = resource_id.lower()
    for other_type, inputs in remaining:
        text = str(inputs).lower()
        if typ == SUBNET and other_type in (WORKSPACE, PRIVATE_ENDPOINT) and _names_subnet(rid, other_type, inputs):
            return DeleteRefusedError("InUseSubnetCannotBeDeleted", f"subnet {resource_id} is in use by a {other_type}")
        if typ == NSG and other_type == SUBNET and rid in text:
            return DeleteRefusedError(
                "InUseNetworkSecurityGroupCannotBeDeleted", f"{resource_id} is associated with a subnet"
            )
        if (
            typ == PRIVATE_ZONE
            and other_type == VNET_LINK
            and rid.rsplit("/", 1)[-1] == str(inputs.get("privateZoneName", "")).lower()
        ):
            return DeleteRefusedError("CannotDeleteResource", f"zone {resource_id} still has virtual network links")
    return None


def _names_subnet(subnet_id: str, typ: str, inputs: Mapping[str, Any]) -> bool:
    vnet_id, _, name = subnet_id.partition("/subnets/")
    if typ == PRIVATE_ENDPOINT:
        return str((inputs.get("subnet") or {}).get("id", "")).lower() == subnet_id
    parameters = inputs.get("parameters") or {}
    used = {
        str((parameters.get(key) or {}).get("value", "")).lower()
        for key in ("customPublicSubnetName", "customPrivateSubnetName")
    }
    in_vnet = str((parameters.get("customVirtualNetworkId") or {}).get("value", "")).lower() == vnet_id
    return in_vnet and name in used
