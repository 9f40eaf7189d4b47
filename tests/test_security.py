"""Managed identity, token rotation and network defaults: the secure path is the easy one."""

from __future__ import annotations

import pytest
from plans import PlanFor, databricks_link

from components.access import BuiltInRole
from components.config import ConfigError
from components.offline.plan import Plan

ROLE = "azure-native:authorization:RoleAssignment"
VNET = "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet"
TOKEN_PARTS = (
    "databricks:index/token:Token",
    "azure-native:keyvault:Secret",
    "azure-native:keyvault:Vault",
    "time:index/rotating:Rotating",
)


def role(plan: Plan, role_id: BuiltInRole) -> dict[str, object]:
    found = [r.inputs for r in plan.by_type(ROLE) if str(r.inputs["roleDefinitionId"]).endswith(role_id.value)]
    assert len(found) == 1, f"expected one {role_id.name} assignment"
    return found[0]


def test_managed_identity_links_by_msi_to_the_workspace(plan_for: PlanFor) -> None:
    plan = plan_for(auth="managedIdentity")
    props = databricks_link(plan)
    assert props["authentication"] == "MSI"
    assert props["workspaceResourceId"] == plan.one("azure-native:databricks:Workspace").id
    assert "accessToken" not in props


def test_managed_identity_creates_no_token_and_only_a_disabled_secret(plan_for: PlanFor) -> None:
    """The vault and its secret stay in every auth mode (lifecycle rows `kv-secret-dataplane-delete`,
    `kv-soft-delete-name` and `azure-native-no-adopt`, tests/test_lifecycle.py); without a token the secret is
    disabled and holds no credential."""
    plan = plan_for(auth="managedIdentity")
    assert sorted(r.type for r in plan.resources if r.type in TOKEN_PARTS) == [
        "azure-native:keyvault:Secret",
        "azure-native:keyvault:Vault",
    ]
    secret = plan.one("azure-native:keyvault:Secret").inputs["properties"]
    assert secret["attributes"] == {"enabled": False}
    assert secret["value"].value == "unused: auth is managedIdentity"
    assert [r.name for r in plan.by_type("azure-native:datafactory:LinkedService")] == [
        "adf-databricks-databricks-linked-service"
    ]
    assert {"keyVaultUri", "secretName"}.isdisjoint(plan.outputs)


def test_factory_identity_gets_contributor_on_the_workspace_only(plan_for: PlanFor) -> None:
    plan = plan_for(auth="managedIdentity")
    grant = role(plan, BuiltInRole.CONTRIBUTOR)
    factory = plan.one("azure-native:datafactory:Factory")
    assert grant["scope"] == plan.one("azure-native:databricks:Workspace").id
    assert grant["principalId"] == factory.outputs["identity"]["principalId"]
    assert grant["principalType"] == "ServicePrincipal"


def test_user_assigned_identity_is_wired_through_an_adf_credential(plan_for: PlanFor) -> None:
    plan = plan_for(auth="managedIdentity", managedIdentity={"userAssigned": True})
    identity = plan.one("azure-native:managedidentity:UserAssignedIdentity")
    credential = plan.one("azure-native:datafactory:CredentialOperation")
    factory = plan.one("azure-native:datafactory:Factory").inputs["identity"]
    assert factory["type"] == "SystemAssigned,UserAssigned"
    assert list(factory["userAssignedIdentities"]) == [identity.id]
    assert credential.inputs["properties"] == {"type": "ManagedIdentity", "resourceId": identity.id}
    assert databricks_link(plan)["credential"] == {
        "referenceName": credential.inputs["credentialName"],
        "type": "CredentialReference",
    }
    assert role(plan, BuiltInRole.CONTRIBUTOR)["principalId"] == identity.outputs["principalId"]


def test_token_mode_lets_the_factory_read_secrets_and_nothing_more(dev_plan: Plan) -> None:
    grant = role(dev_plan, BuiltInRole.KEY_VAULT_SECRETS_USER)
    assert grant["scope"] == dev_plan.one("azure-native:keyvault:Vault").id
    assert grant["principalId"] == dev_plan.one("azure-native:datafactory:Factory").outputs["identity"]["principalId"]
    assert len(dev_plan.by_type(ROLE)) == 1


def test_role_assignment_names_are_stable_across_runs(dev_plan: Plan, plan_for: PlanFor) -> None:
    again = plan_for("dev")
    assert [r.inputs["roleAssignmentName"] for r in again.by_type(ROLE)] == [
        r.inputs["roleAssignmentName"] for r in dev_plan.by_type(ROLE)
    ]


def test_token_is_replaced_new_before_old_when_rotation_is_due(dev_plan: Plan) -> None:
    rotation = dev_plan.one("time:index/rotating:Rotating")
    token = dev_plan.one("databricks:index/token:Token")
    assert rotation.inputs["rotationDays"] == 60
    assert rotation.urn in token.dependencies
    assert rotation.outputs["rfc3339"] in token.inputs["comment"]
    assert token.delete_before_replace is False


def test_a_token_that_expires_before_rotation_is_refused(plan_for: PlanFor) -> None:
    """Lifecycle row `rotating-on-refresh`: nothing rotates after expiry; the runs between would fail."""
    with pytest.raises(ConfigError) as refused:
        plan_for(token={"lifetimeDays": 30, "rotationDays": 45})
    assert refused.value.problems == [
        "adf-databricks:token.rotationDays: 45 must be below lifetimeDays (30): the token would expire before it "
        "is replaced"
    ]


def test_default_rotation_raises_no_warning(dev_plan: Plan) -> None:
    assert dev_plan.warnings == []


def test_key_vault_is_rbac_soft_delete_and_purge_protected(dev_plan: Plan) -> None:
    vault = dev_plan.one("azure-native:keyvault:Vault").inputs["properties"]
    assert vault["enableRbacAuthorization"] is True
    assert vault["enableSoftDelete"] is True
    assert vault["enablePurgeProtection"] is True


def test_key_vault_firewall_denies_by_default_but_lets_data_factory_through(dev_plan: Plan) -> None:
    acls = dev_plan.one("azure-native:keyvault:Vault").inputs["properties"]["networkAcls"]
    assert acls["defaultAction"] == "Deny"
    assert acls["bypass"] == "AzureServices"


def test_key_vault_allows_listed_ip_ranges(plan_for: PlanFor) -> None:
    plan = plan_for(keyVault={"allowedIpRanges": ["203.0.113.0/24"]})
    acls = plan.one("azure-native:keyvault:Vault").inputs["properties"]["networkAcls"]
    assert acls["ipRules"] == [{"value": "203.0.113.0/24"}]


def test_workspace_has_no_public_ip_by_default(dev_plan: Plan) -> None:
    workspace = dev_plan.one("azure-native:databricks:Workspace").inputs
    assert workspace["parameters"]["enableNoPublicIp"] == {"value": True}


def test_vnet_injection_passes_the_network_and_both_subnets(plan_for: PlanFor) -> None:
    plan = plan_for(workspace={"vnet": {"id": VNET, "publicSubnetName": "pub", "privateSubnetName": "priv"}})
    params = plan.one("azure-native:databricks:Workspace").inputs["parameters"]
    assert params["customVirtualNetworkId"] == {"value": VNET}
    assert params["customPublicSubnetName"] == {"value": "pub"}
    assert params["customPrivateSubnetName"] == {"value": "priv"}


def test_public_network_access_can_be_closed_on_factory_and_vault(plan_for: PlanFor) -> None:
    plan = plan_for(dataFactory={"publicNetworkAccess": "Disabled"}, keyVault={"publicNetworkAccess": "Disabled"})
    assert plan.one("azure-native:datafactory:Factory").inputs["publicNetworkAccess"] == "Disabled"
    assert plan.one("azure-native:keyvault:Vault").inputs["properties"]["publicNetworkAccess"] == "Disabled"


def test_a_private_workspace_without_vnet_injection_is_refused(plan_for: PlanFor) -> None:
    from components.config import ConfigError

    try:
        plan_for(workspace={"publicNetworkAccess": "Disabled"})
    except ConfigError as error:
        assert any(p.startswith("adf-databricks:workspace.publicNetworkAccess:") for p in error.problems)
    else:
        raise AssertionError("a private workspace without VNet injection was accepted")


def test_vnet_id_must_be_a_virtual_network_resource_id(plan_for: PlanFor) -> None:
    from components.config import ConfigError

    try:
        plan_for(workspace={"vnet": {"id": "my-vnet", "publicSubnetName": "a", "privateSubnetName": "a"}})
    except ConfigError as error:
        keys = {p.split(":", 2)[1] for p in error.problems}
        assert {"workspace.vnet.id", "workspace.vnet.privateSubnetName"} <= keys
    else:
        raise AssertionError("a bad vnet was accepted")
