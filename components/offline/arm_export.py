"""The offline plan's Azure resources as an ARM deployment template, for referees that read ARM (Checkov).

    python -m components.offline.arm_export prod > prod.arm.json
    checkov -f prod.arm.json --framework arm --check CKV_AZURE_158,CKV_AZURE_189,CKV_AZURE_104

pulumi-azure-native sends each resource as the ARM REST body of its API version: the top-level inputs other than
the resource's name, group, location, tags, sku, identity and kind go under `properties` (a vault's and a
secret's inputs already nest them there). The template is a faithful view of what the program asks Azure for,
not a deployable template (ids of other resources are the plan's, not ARM expressions). Resource types the table
below does not map are listed under the template's `metadata.unmapped`; secret values are never written.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.offline.plan import Plan, ResourceRecord, Secret

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


@dataclass(frozen=True)
class ArmType:
    type: str
    api_version: str
    """The REST API version pulumi-azure-native 3.29 sends ("Uses Azure REST API version ..." in each SDK class)."""
    name_keys: tuple[str, ...]
    """The inputs that name the resource (the last one) and its parents (before it)."""


ARM_TYPES: Mapping[str, ArmType] = {
    "azure-native:resources:ResourceGroup": ArmType(
        "Microsoft.Resources/resourceGroups", "2024-03-01", ("resourceGroupName",)
    ),
    "azure-native:databricks:Workspace": ArmType("Microsoft.Databricks/workspaces", "2026-01-01", ("workspaceName",)),
    "azure-native:keyvault:Vault": ArmType("Microsoft.KeyVault/vaults", "2024-11-01", ("vaultName",)),
    "azure-native:keyvault:Secret": ArmType(
        "Microsoft.KeyVault/vaults/secrets", "2024-11-01", ("vaultName", "secretName")
    ),
    "azure-native:datafactory:Factory": ArmType("Microsoft.DataFactory/factories", "2018-06-01", ("factoryName",)),
    "azure-native:network:VirtualNetwork": ArmType(
        "Microsoft.Network/virtualNetworks", "2024-05-01", ("virtualNetworkName",)
    ),
    "azure-native:network:Subnet": ArmType(
        "Microsoft.Network/virtualNetworks/subnets", "2024-05-01", ("virtualNetworkName", "subnetName")
    ),
    "azure-native:network:NetworkSecurityGroup": ArmType(
        "Microsoft.Network/networkSecurityGroups", "2024-05-01", ("networkSecurityGroupName",)
    ),
    "azure-native:network:PrivateEndpoint": ArmType(
        "Microsoft.Network/privateEndpoints", "2024-05-01", ("privateEndpointName",)
    ),
    "azure-native:network:PrivateDnsZoneGroup": ArmType(
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
        "2024-05-01",
        ("privateEndpointName", "privateDnsZoneGroupName"),
    ),
    "azure-native:privatedns:PrivateZone": ArmType(
        "Microsoft.Network/privateDnsZones", "2024-06-01", ("privateZoneName",)
    ),
    "azure-native:privatedns:VirtualNetworkLink": ArmType(
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        "2024-06-01",
        ("privateZoneName", "virtualNetworkLinkName"),
    ),
}
"""azure-native type token → ARM resource type (the types a referee reads; the rest are listed as unmapped)."""

TOP_LEVEL = ("location", "tags", "sku", "identity", "kind")
"""ARM envelope fields; every other input is a property."""


def _plain(value: Any) -> Any:
    """Secrets are never exported: a referee needs their presence, not their value."""
    if isinstance(value, Secret):
        return "[secret]"
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def arm_resource(record: ResourceRecord, arm: ArmType) -> dict[str, Any]:
    inputs = _plain(record.inputs)
    names = [str(inputs.get(key) or record.outputs.get("name") or record.name) for key in arm.name_keys]
    resource: dict[str, Any] = {"type": arm.type, "apiVersion": arm.api_version, "name": "/".join(names)}
    resource |= {key: inputs[key] for key in TOP_LEVEL if key in inputs}
    skipped = {*TOP_LEVEL, *arm.name_keys, "resourceGroupName", "properties"}
    properties = dict(inputs.get("properties") or {})
    properties |= {key: value for key, value in inputs.items() if key not in skipped}
    if properties:
        resource["properties"] = properties
    return resource


def arm_template(plan: Plan) -> dict[str, Any]:
    mapped = [r for r in plan.resources if r.custom and r.type in ARM_TYPES]
    unmapped = sorted(
        {r.type for r in plan.resources if r.custom and r.type.startswith("azure-native:")} - set(ARM_TYPES)
    )
    return {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "metadata": {"project": plan.project, "stack": plan.stack, "unmapped": unmapped},
        "resources": [arm_resource(r, ARM_TYPES[r.type]) for r in mapped],
    }


def main(argv: list[str] | None = None) -> int:
    from components.offline.run import run_stack

    parser = argparse.ArgumentParser(prog="python -m components.offline.arm_export", description=__doc__)
    parser.add_argument("stack")
    args = parser.parse_args(argv)
    json.dump(arm_template(run_stack(args.stack)), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
