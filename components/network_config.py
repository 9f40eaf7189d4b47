"""The `network` section: public or private networking, read and checked (a part of `components.config`).

Private means (lifecycle rows `workspace-pna-private-link` and `private-link`): the workspace VNet-injected with
public network access off and a `databricks_ui_api` private endpoint, the vault behind a `vault` private endpoint
with public access off, private DNS zones for both, and a deploy runner that has a path to them. This module reads
the section and finds what breaks those rules; `components.config` reports what it finds (its `RULES` table holds
the rules across sections, whose finders are here).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .args import DEFAULTS, GITHUB_HOSTED_LABELS, PREFIX_LENGTHS, ClusterMode, NetworkAccess, NetworkMode
from .naming import DATA_FLOW_RUNTIME_NAME
from .settings import (
    DataFactorySpec,
    DataFlowRuntimeSpec,
    KeyVaultSpec,
    LinkedServiceSpec,
    NetworkSpec,
    PlatformSettings,
    PrivateDnsZoneIdsSpec,
    WorkspaceSpec,
)

if TYPE_CHECKING:
    from .config import Finding, Problems, Section

CIDR_KEYS = ("hostSubnet", "containerSubnet", "endpointSubnet")
"""The three subnets, in the order they are carved out of the address space."""
PRIVATE_ONLY_KEYS = (
    "addressSpace",
    *CIDR_KEYS,
    "virtualNetworkId",
    "networkSecurityGroupId",
    "privateDnsZoneIds",
    "linkedVirtualNetworkIds",
    "browserAuthentication",
)
"""Keys that mean something only in private mode: written in a public stack, they are refused, not ignored."""

DATABRICKS_ZONE = "privatelink.azuredatabricks.net"
KEY_VAULT_ZONE = "privatelink.vaultcore.azure.net"
"""The private DNS zones of the `databricks_ui_api`/`browser_authentication` and `vault` sub-resources (Azure
docs, "Azure Private Endpoint private DNS zone values", Analytics and Security sections)."""

_ARM = r"/subscriptions/[^/]+/resourceGroups/[^/]+/providers/"
VNET_ID = re.compile(_ARM + r"Microsoft\.Network/virtualNetworks/[^/]+", re.IGNORECASE)
NSG_ID = re.compile(_ARM + r"Microsoft\.Network/networkSecurityGroups/[^/]+", re.IGNORECASE)
ZONE_IDS = {"databricks": DATABRICKS_ZONE, "keyVault": KEY_VAULT_ZONE}
"""privateDnsZoneIds' keys: the zone each must name."""


def _id_text(section: Section, name: str, pattern: re.Pattern[str], what: str) -> str | None:
    value = section.text(name)
    if value is not None and not pattern.fullmatch(value):
        section.problems.add_at(section.at(name), f"{json.dumps(value)}: must be {what}")
    return value


def _zone_pattern(zone: str) -> re.Pattern[str]:
    return re.compile(_ARM + r"Microsoft\.Network/privateDnsZones/" + re.escape(zone), re.IGNORECASE)


def _cidr(section: Section, name: str, given: bool) -> ipaddress.IPv4Network | None:
    """An IPv4 CIDR within the key's prefix lengths; the declared default when unset."""
    text = section.text(name) if given else DEFAULTS[f"network.{name}"]
    if text is None:
        return None
    shortest, longest = PREFIX_LENGTHS[f"network.{name}"]
    try:
        cidr = ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as error:
        section.problems.add_at(
            section.at(name), f"{json.dumps(text)}: must be an IPv4 CIDR range, e.g. 10.0.0.0/24 ({error})"
        )
        return None
    if not isinstance(cidr, ipaddress.IPv4Network) or not shortest <= cidr.prefixlen <= longest:
        section.problems.add_at(
            section.at(name), f"{json.dumps(text)}: must be an IPv4 range from /{shortest} to /{longest}"
        )
        return None
    return cidr


def _address_plan(section: Section, in_existing_vnet: bool) -> dict[str, ipaddress.IPv4Network | None]:
    """The subnets, each inside the VNet the stack creates, none overlapping another (Azure refuses both)."""
    if in_existing_vnet and section.has("addressSpace"):
        section.problems.add_at(
            section.at("addressSpace"), "is ignored next to virtualNetworkId (that VNet has its own); remove it"
        )
    space = None if in_existing_vnet else _cidr(section, "addressSpace", section.has("addressSpace"))
    subnets = {name: _cidr(section, name, section.has(name)) for name in CIDR_KEYS}
    seen: list[tuple[str, ipaddress.IPv4Network]] = []
    for name, cidr in subnets.items():
        if cidr is None:
            continue
        if space is not None and not cidr.subnet_of(space):
            section.problems.add_at(section.at(name), f'"{cidr}": must lie inside addressSpace ({space})')
        for other, taken in seen:
            if cidr.overlaps(taken):
                section.problems.add_at(section.at(name), f'"{cidr}": overlaps {other} ({taken})')
        seen.append((name, cidr))
    return {"addressSpace": space, **subnets}


def _zone_ids(section: Section) -> PrivateDnsZoneIdsSpec:
    zones = section.section("privateDnsZoneIds")
    named = "the resource id of a private DNS zone named"
    found = {key: _id_text(zones, key, _zone_pattern(zone), f"{named} {zone}") for key, zone in ZONE_IDS.items()}
    return PrivateDnsZoneIdsSpec(databricks=found["databricks"], key_vault=found["keyVault"])


def _read(section: Section, mode: NetworkMode, runner: str) -> NetworkSpec:
    vnet_id = _id_text(section, "virtualNetworkId", VNET_ID, "a virtual network resource id")
    plan = _address_plan(section, vnet_id is not None)
    return NetworkSpec(
        mode=mode,
        address_space=_or_default(plan, "addressSpace"),
        host_subnet=_or_default(plan, "hostSubnet"),
        container_subnet=_or_default(plan, "containerSubnet"),
        endpoint_subnet=_or_default(plan, "endpointSubnet"),
        virtual_network_id=vnet_id,
        network_security_group_id=_id_text(
            section, "networkSecurityGroupId", NSG_ID, "a network security group resource id"
        ),
        private_dns_zone_ids=_zone_ids(section),
        linked_virtual_network_ids=section.string_list("linkedVirtualNetworkIds", VNET_ID, "a virtual network id"),
        browser_authentication=section.flag("browserAuthentication"),
        deploy_runner=runner,
    )


def _or_default(plan: Mapping[str, ipaddress.IPv4Network | None], key: str) -> str:
    return str(plan[key] or DEFAULTS[f"network.{key}"])


def network(section: Section) -> NetworkSpec:
    """The section, read and checked in either mode; a private-only key written in a public stack is refused, not
    ignored."""
    mode = section.chosen("mode", NetworkMode)
    runner = section.text("deployRunner") or DEFAULTS["network.deployRunner"]
    spec = _read(section, mode, runner)
    if mode is NetworkMode.PUBLIC:
        for key in PRIVATE_ONLY_KEYS:
            if section.has(key):
                section.problems.add_at(
                    section.at(key), "only applies with mode: private; remove it, or set mode: private"
                )
    return spec


def private_endpoints(
    problems: Problems, values: Mapping[str, Any], workspace: WorkspaceSpec, vault: KeyVaultSpec
) -> tuple[WorkspaceSpec, KeyVaultSpec]:
    """In private mode the workspace's and the vault's public access are off (lifecycle row `private-link`): a key
    that says otherwise is refused rather than silently overridden."""
    for section, key in (("workspace", "publicNetworkAccess"), ("keyVault", "publicNetworkAccess")):
        raw = values.get(section)
        if isinstance(raw, Mapping) and raw.get(key) == NetworkAccess.ENABLED.value:
            problems.add(
                f"{section}.{key}",
                '"Enabled" contradicts network.mode: private, which disables public access and answers through the '
                "private endpoint only; remove it",
            )
    raw_vault = values.get("keyVault")
    if isinstance(raw_vault, Mapping) and raw_vault.get("allowedIpRanges"):
        problems.add(
            "keyVault.allowedIpRanges",
            "has no effect in private mode: the vault's firewall rules apply only while public access is enabled; "
            "remove it",
        )
    return (
        dataclasses.replace(workspace, public_network_access=NetworkAccess.DISABLED),
        dataclasses.replace(vault, public_network_access=NetworkAccess.DISABLED, allowed_ip_ranges=()),
    )


def factory_in_network(
    problems: Problems,
    values: Mapping[str, Any],
    link: LinkedServiceSpec,
    runtime: DataFlowRuntimeSpec | None,
    factory: DataFactorySpec,
) -> tuple[LinkedServiceSpec, DataFlowRuntimeSpec, DataFactorySpec]:
    """In private mode the factory reaches the workspace and the vault through its managed network (lifecycle row
    `adf-managed-vnet`): the Data Flow runtime (the section's settings, or the defaults) runs in the managed virtual
    network, the Azure Databricks linked service goes through it, and the factory's public network access is off
    (which concerns self-hosted runtimes only: docs/networking.md). A key that says otherwise is refused."""
    if link.connect_via not in (None, DATA_FLOW_RUNTIME_NAME):
        problems.add(
            "linkedService.connectVia",
            f"{json.dumps(link.connect_via)} is not the managed-network runtime: with network.mode: private the "
            f"linked service goes through {DATA_FLOW_RUNTIME_NAME}, the factory's managed-VNet runtime, the only "
            "one with a path to the private workspace; remove it",
        )
    raw = values.get("dataFactory")
    if isinstance(raw, Mapping) and raw.get("publicNetworkAccess") == NetworkAccess.ENABLED.value:
        problems.add(
            "dataFactory.publicNetworkAccess",
            '"Enabled" contradicts network.mode: private, which turns the factory\'s public network access off; '
            "remove it",
        )
    return (
        dataclasses.replace(link, connect_via=DATA_FLOW_RUNTIME_NAME),
        runtime or DataFlowRuntimeSpec(),
        dataclasses.replace(factory, public_network_access=NetworkAccess.DISABLED),
    )


# --- Finders of the rules across sections (components.config.RULES) ----------------------------------------------


def disabled_without_private(settings: PlatformSettings) -> Iterator[Finding]:
    if settings.workspace.public_network_access is NetworkAccess.DISABLED and not settings.network.is_private:
        yield "workspace.publicNetworkAccess", {}


def private_without_scc(settings: PlatformSettings) -> Iterator[Finding]:
    if settings.network.is_private and not settings.workspace.no_public_ip:
        yield "workspace.noPublicIp", {}


def private_with_own_subnets(settings: PlatformSettings) -> Iterator[Finding]:
    if settings.network.is_private and settings.workspace.vnet is not None:
        yield "workspace.vnet", {}


def private_without_deploy_path(settings: PlatformSettings) -> Iterator[Finding]:
    runner = settings.network.deploy_runner
    if settings.network.is_private and runner in GITHUB_HOSTED_LABELS:
        yield "network.deployRunner", {"runner": json.dumps(runner)}


def serverless_on_private(settings: PlatformSettings) -> Iterator[Finding]:
    if settings.network.is_private and settings.cluster_mode is ClusterMode.SERVERLESS:
        yield "clusterMode", {}
