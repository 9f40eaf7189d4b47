"""network.mode private: what a private stack asks Azure for, what it refuses, and in which order it can go.

Facts are rows of the lifecycle table by short name (`private-link`, `workspace-pna-private-link`,
`workspace-creation-only`, `kv-secret-dataplane-delete`, `subnet-delegation-in-use`, `private-endpoint-subnet`,
`ncc`, `adf-managed-vnet`) and the sources named on each test.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from plans import PlanFor

from components.config import ConfigError, load_settings
from components.offline.arm_export import arm_template
from components.offline.network_state import (
    NETWORK_TYPES,
    NSG,
    PRIVATE_ENDPOINT,
    PRIVATE_ZONE,
    SUBNET,
    VIRTUAL_NETWORK,
    VNET_LINK,
    ZONE_GROUP,
    delete_refusal,
)
from components.offline.plan import Plan, ResourceRecord
from components.workspace import VNET_PARAMETERS

WORKSPACE = "azure-native:databricks:Workspace"
VAULT = "azure-native:keyvault:Vault"
SECRET = "azure-native:keyvault:Secret"
PROVIDER = "pulumi:providers:databricks"
SUB = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/hub/providers/Microsoft.Network"
HUB_ZONES = {
    "databricks": f"{SUB}/privateDnsZones/privatelink.azuredatabricks.net",
    "keyVault": f"{SUB}/privateDnsZones/privatelink.vaultcore.azure.net",
}
PRIVATE = {"mode": "private", "deployRunner": "adf-private"}
INTERACTIVE = {"sparkVersion": "16.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "numWorkers": 1}


def problems(**config: Any) -> list[str]:
    try:
        load_settings(
            {"interactiveCluster": INTERACTIVE, **config}, project="adf-databricks", stack="s", location="westeurope"
        )
    except ConfigError as error:
        return error.problems
    return []


def network(**keys: Any) -> dict[str, Any]:
    return {"network": {**PRIVATE, **keys}}


# --- Config ------------------------------------------------------------------------------------------------------


def test_a_private_stack_needs_a_runner_inside_the_network() -> None:
    """Lifecycle row `private-link`: the workspace's REST API (clusters, tokens) answers only inside the network;
    IP access lists are no path (`adf-managed-vnet`). A standard GitHub-hosted label is refused, named."""
    (problem,) = problems(network={"mode": "private"})
    assert problem.startswith('adf-databricks:network.deployRunner: "ubuntu-latest" cannot deploy a private stack')
    assert "self-hosted runner" in problem and "peered" in problem
    assert problems(**network()) == []


def test_private_mode_turns_public_access_off_and_refuses_a_key_that_says_otherwise() -> None:
    settings = load_settings(
        {"interactiveCluster": INTERACTIVE, **network()}, project="p", stack="s", location="westeurope"
    )
    assert settings.workspace.public_network_access.value == "Disabled"
    assert settings.key_vault.public_network_access.value == "Disabled"
    found = problems(
        **network(),
        workspace={"publicNetworkAccess": "Enabled", "noPublicIp": False},
        keyVault={"publicNetworkAccess": "Enabled", "allowedIpRanges": ["203.0.113.0/24"]},
    )
    assert [p.split(":", 2)[1] for p in found] == [
        "workspace.publicNetworkAccess",
        "keyVault.publicNetworkAccess",
        "keyVault.allowedIpRanges",
        "workspace.noPublicIp",
    ]


def test_disabled_public_access_without_private_mode_is_refused_with_the_way_to_private() -> None:
    """Row `workspace-pna-private-link`: the message names the setting that provides the endpoints."""
    (problem,) = problems(workspace={"publicNetworkAccess": "Disabled"})
    assert "Disabled needs network.mode: private" in problem


@pytest.mark.parametrize(
    ("keys", "key", "fragment"),
    [
        ({"hostSubnet": "10.120.0.0/27"}, "hostSubnet", "from /16 to /26"),
        ({"endpointSubnet": "10.120.8.1/26"}, "endpointSubnet", "host bits set"),
        ({"addressSpace": "10.0.0.0/8"}, "addressSpace", "from /16 to /24"),
        ({"containerSubnet": "10.120.0.0/23"}, "containerSubnet", "overlaps hostSubnet"),
        ({"endpointSubnet": "10.200.0.0/26"}, "endpointSubnet", "must lie inside addressSpace"),
        ({"hostSubnet": "fd00::/64"}, "hostSubnet", "IPv4"),
        ({"virtualNetworkId": "vnet-1"}, "virtualNetworkId", "a virtual network resource id"),
        ({"networkSecurityGroupId": f"{SUB}/virtualNetworks/x"}, "networkSecurityGroupId", "network security group"),
        (
            {"privateDnsZoneIds": {"databricks": HUB_ZONES["keyVault"]}},
            "privateDnsZoneIds.databricks",
            "named privatelink.azuredatabricks.net",
        ),
    ],
)
def test_a_bad_address_plan_or_id_is_refused_naming_the_key(keys: dict[str, Any], key: str, fragment: str) -> None:
    """VNet /16-/24 and workspace subnets of at least /26 (learn.microsoft.com, "Deploy Azure Databricks in your
    Azure virtual network", Virtual network requirements); Azure refuses overlapping subnets and subnets outside
    the VNet's address space."""
    (problem,) = problems(**network(**keys))
    assert problem.startswith(f"adf-databricks:network.{key}:") and fragment in problem


def test_private_keys_in_a_public_stack_are_refused_not_ignored() -> None:
    (problem,) = problems(network={"browserAuthentication": True})
    assert problem == (
        "adf-databricks:network.browserAuthentication: only applies with mode: private; remove it, or set mode: private"
    )


def test_a_public_stacks_own_subnets_are_refused_in_private_mode_with_the_migration() -> None:
    """Row `workspace-creation-only`: in private mode the stack creates and delegates its subnets."""
    vnet = {"id": f"{SUB}/virtualNetworks/v", "publicSubnetName": "a", "privateSubnetName": "b"}
    (problem,) = problems(**network(), workspace={"vnet": vnet})
    assert problem.startswith("adf-databricks:workspace.vnet: is for public mode")
    assert "network.virtualNetworkId" in problem and "docs/networking.md" in problem


def test_serverless_on_a_private_stack_names_the_account_level_step() -> None:
    """Row `ncc`: serverless compute reaches private resources only through an account-level NCC."""
    settings = load_settings(
        {"clusterMode": "serverless", **network()}, project="adf-databricks", stack="s", location="westeurope"
    )
    (ncc,) = [w for w in settings.warnings if "clusterMode: serverless compute" in w]
    assert "databricks_mws_network_connectivity_config" in ncc and "account" in ncc


# --- Resources -----------------------------------------------------------------------------------------------------


def one(plan: Plan, typ: str, role: str = "") -> ResourceRecord:
    (found,) = [r for r in plan.resources if r.type == typ and r.name.endswith(role)]
    return found


def endpoints(plan: Plan) -> dict[str, ResourceRecord]:
    return {r.inputs["privateLinkServiceConnections"][0]["groupIds"][0]: r for r in plan.by_type(PRIVATE_ENDPOINT)}


def test_dev_stays_public_with_no_network_resource(dev_plan: Plan) -> None:
    assert {r.type for r in dev_plan.resources} & set(NETWORK_TYPES) == set()
    assert one(dev_plan, WORKSPACE).inputs["publicNetworkAccess"] == "Enabled"


def test_prod_workspace_is_vnet_injected_with_no_public_access(prod_plan: Plan) -> None:
    """Row `workspace-pna-private-link`: public access Disabled, NoAzureDatabricksRules, secure cluster
    connectivity; the two subnets are the stack's, delegated to Databricks, with the NSG."""
    workspace = one(prod_plan, WORKSPACE)
    vnet = one(prod_plan, VIRTUAL_NETWORK)
    parameters = workspace.inputs["parameters"]
    assert workspace.inputs["publicNetworkAccess"] == "Disabled"
    assert workspace.inputs["requiredNsgRules"] == "NoAzureDatabricksRules"
    assert parameters["enableNoPublicIp"]["value"] is True
    assert parameters["customVirtualNetworkId"]["value"] == vnet.id
    subnets = {r.inputs["subnetName"]: r for r in prod_plan.by_type(SUBNET)}
    nsg = one(prod_plan, NSG)
    for key in ("customPublicSubnetName", "customPrivateSubnetName"):
        subnet = subnets[parameters[key]["value"]]
        assert [d["serviceName"] for d in subnet.inputs["delegations"]] == ["Microsoft.Databricks/workspaces"]
        assert subnet.inputs["networkSecurityGroup"]["id"] == nsg.id
    (endpoint_subnet,) = [s for s in subnets.values() if not s.inputs.get("delegations")]
    assert endpoint_subnet.inputs["privateEndpointNetworkPolicies"] == "Disabled"
    prefixes = [ipaddress.ip_network(s.inputs["addressPrefix"]) for s in subnets.values()]
    assert all(p.subnet_of(ipaddress.ip_network(vnet.inputs["addressSpace"]["addressPrefixes"][0])) for p in prefixes)
    assert sorted(VNET_PARAMETERS) == sorted(workspace.replace_on_changes), "row `workspace-creation-only`"


def test_prod_reaches_workspace_and_vault_through_endpoints_with_dns(prod_plan: Plan) -> None:
    """Row `private-link`: one `databricks_ui_api` endpoint (simplified layout), a `vault` endpoint, no
    `browser_authentication` unless asked, a zone group on every endpoint into the zone of its sub-resource."""
    found = endpoints(prod_plan)
    assert sorted(found) == ["databricks_ui_api", "vault"]
    assert found["databricks_ui_api"].inputs["privateLinkServiceConnections"][0]["privateLinkServiceId"] == (
        one(prod_plan, WORKSPACE).id
    )
    assert found["vault"].inputs["privateLinkServiceConnections"][0]["privateLinkServiceId"] == one(prod_plan, VAULT).id
    zones = {r.inputs["privateZoneName"]: r for r in prod_plan.by_type(PRIVATE_ZONE)}
    assert sorted(zones) == ["privatelink.azuredatabricks.net", "privatelink.vaultcore.azure.net"]
    groups = {r.inputs["privateEndpointName"]: r for r in prod_plan.by_type(ZONE_GROUP)}
    zone_of = {"databricks_ui_api": "privatelink.azuredatabricks.net", "vault": "privatelink.vaultcore.azure.net"}
    for group, endpoint in found.items():
        configs = groups[endpoint.inputs["privateEndpointName"]].inputs["privateDnsZoneConfigs"]
        assert [c["privateDnsZoneId"] for c in configs] == [zones[zone_of[group]].id]
    links = prod_plan.by_type(VNET_LINK)
    assert {link.inputs["virtualNetwork"]["id"] for link in links} == {one(prod_plan, VIRTUAL_NETWORK).id}
    vault = one(prod_plan, VAULT).inputs["properties"]
    assert vault["publicNetworkAccess"] == "Disabled" and vault["networkAcls"]["defaultAction"] == "Deny"


def test_the_deploy_waits_for_the_paths_it_uses(prod_plan: Plan) -> None:
    """The Databricks provider (every cluster, token, notebook) waits for the workspace's endpoint DNS; the secret,
    whose delete goes through the vault's data plane (row `kv-secret-dataplane-delete`), depends on the vault's,
    so a destroy deletes it while that path exists."""
    groups = {r.inputs["privateEndpointName"]: r.urn for r in prod_plan.by_type(ZONE_GROUP)}
    found = endpoints(prod_plan)
    workspace_dns = groups[found["databricks_ui_api"].inputs["privateEndpointName"]]
    vault_dns = groups[found["vault"].inputs["privateEndpointName"]]
    assert workspace_dns in one(prod_plan, PROVIDER).dependencies
    assert vault_dns in one(prod_plan, SECRET).dependencies


def test_browser_authentication_only_when_asked(plan_for: PlanFor) -> None:
    plan = plan_for("prod", network={**PRIVATE, "browserAuthentication": True})
    assert sorted(endpoints(plan)) == ["browser_authentication", "databricks_ui_api", "vault"]


def test_given_zones_vnet_and_nsg_are_used_never_created(plan_for: PlanFor) -> None:
    """Most teams keep the zones in a hub: with ids given the stack creates no zone and no link."""
    vnet_id = f"{SUB}/virtualNetworks/spoke".replace("/hub/", "/spoke-rg/")
    nsg_id = f"{SUB}/networkSecurityGroups/nsg-spoke"
    plan = plan_for(
        "prod",
        network={
            **PRIVATE,
            "virtualNetworkId": vnet_id,
            "networkSecurityGroupId": nsg_id,
            "privateDnsZoneIds": HUB_ZONES,
        },
    )
    types = {r.type for r in plan.resources}
    assert types.isdisjoint({PRIVATE_ZONE, VNET_LINK, VIRTUAL_NETWORK, NSG})
    for subnet in plan.by_type(SUBNET):
        assert (subnet.inputs["resourceGroupName"], subnet.inputs["virtualNetworkName"]) == ("spoke-rg", "spoke")
    zone_ids = {c["privateDnsZoneId"] for g in plan.by_type(ZONE_GROUP) for c in g.inputs["privateDnsZoneConfigs"]}
    assert zone_ids == set(HUB_ZONES.values())
    assert one(plan, WORKSPACE).inputs["parameters"]["customVirtualNetworkId"]["value"] == vnet_id


def test_the_runners_network_is_linked_to_the_zones_the_stack_creates(plan_for: PlanFor) -> None:
    runner_vnet = f"{SUB}/virtualNetworks/runners"
    plan = plan_for("prod", network={**PRIVATE, "linkedVirtualNetworkIds": [runner_vnet]})
    linked = [link.inputs["virtualNetwork"]["id"] for link in plan.by_type(VNET_LINK)]
    assert linked.count(runner_vnet) == 2, "one link per zone"


# --- Day 2: the order of deletes -------------------------------------------------------------------------------


def destroy_order(plan: Plan) -> list[ResourceRecord]:
    """The engine deletes dependents before what they depend on: reverse registration order respects that."""
    return [r for r in reversed(plan.resources) if r.custom]


def test_destroy_in_dependency_order_meets_no_refusal(plan_for: PlanFor) -> None:
    """Row `subnet-delegation-in-use`: the workspace goes before its subnets, endpoints before theirs, subnets before
    the NSG, links before zones. The program's dependencies give that order (what the engine follows)."""
    plan = plan_for("prod", protect=False)
    urns = {r.urn: r for r in plan.resources}
    position = {r.urn: i for i, r in enumerate(destroy_order(plan))}
    for record in plan.resources:
        for dependency in record.dependencies:
            if dependency in position and record.urn in position:
                assert position[record.urn] < position[dependency], (record.name, urns[dependency].name)
    remaining = {r.id: (r.type, {**r.inputs, **r.outputs}) for r in plan.resources if r.custom}
    for record in destroy_order(plan):
        del remaining[record.id]
        assert delete_refusal(record.type, record.id, remaining.values()) is None, record.name


def test_a_subnet_deleted_before_its_workspace_is_refused(prod_plan: Plan) -> None:
    workspace = one(prod_plan, WORKSPACE)
    host = next(s for s in prod_plan.by_type(SUBNET) if s.inputs.get("delegations"))
    refusal = delete_refusal(SUBNET, host.id, [(WORKSPACE, workspace.inputs)])
    assert refusal is not None and refusal.code == "InUseSubnetCannotBeDeleted"
    nsg = one(prod_plan, NSG)
    refusal = delete_refusal(NSG, nsg.id, [(SUBNET, host.inputs)])
    assert refusal is not None and refusal.code == "InUseNetworkSecurityGroupCannotBeDeleted"


# --- Referees ----------------------------------------------------------------------------------------------------


def test_the_arm_export_carries_what_checkov_reads(prod_plan: Plan, dev_plan: Plan) -> None:
    """CKV_AZURE_158 reads `properties.publicNetworkAccess` of Microsoft.Databricks/workspaces, CKV_AZURE_189 that
    of Microsoft.KeyVault/vaults and CKV_AZURE_104 that of Microsoft.DataFactory/factories, expecting "Disabled"
    (checkov 3.3.30 `checkov/arm/checks/resource/DatabricksWorkspaceIsNotPublic.py`,
    `KeyVaultDisablesPublicNetworkAccess.py`, `DataFactoryNoPublicNetworkAccess.py`); secrets are never exported."""
    for plan, expected in ((prod_plan, "Disabled"), (dev_plan, "Enabled")):
        template = arm_template(plan)
        by_type = {r["type"]: r for r in template["resources"]}
        for arm_type in (
            "Microsoft.Databricks/workspaces",
            "Microsoft.KeyVault/vaults",
            "Microsoft.DataFactory/factories",
        ):
            assert by_type[arm_type]["properties"]["publicNetworkAccess"] == expected
        assert by_type["Microsoft.KeyVault/vaults/secrets"]["properties"]["value"] == "[secret]"
        assert "dapi" not in str(template)


@pytest.mark.parametrize(("project", "stack"), [("adf-databricks", "prod"), ("a" * 60, "production-west-europe-2")])
def test_network_names_keep_azures_rules_whatever_the_project_and_stack(project: str, stack: str) -> None:
    """learn.microsoft.com, "Naming rules and restrictions for Azure resources" (Microsoft.Network): names are
    shortened stably, never refused."""
    from components import naming

    names = naming.network_names(project, stack)
    checks = {
        names.virtual_network: naming.VIRTUAL_NETWORK,
        names.network_security_group: naming.NETWORK_SECURITY_GROUP,
        names.workspace_endpoint: naming.PRIVATE_ENDPOINT,
        names.browser_auth_endpoint: naming.PRIVATE_ENDPOINT,
        names.vault_endpoint: naming.PRIVATE_ENDPOINT,
    }
    assert len(set(checks)) == len(checks)
    for name, rule in checks.items():
        assert rule.problems(name) == [], name
