"""Config that would deploy but break on day 2 is refused before anything is registered, naming the key."""

from __future__ import annotations

from typing import Any

import pytest
from plans import INTERACTIVE, POOL, RecordingMocks, planned

from components.config import ConfigError
from components.offline.run import run_stack

VNET = {
    "id": "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet",
    "publicSubnetName": "pub",
    "privateSubnetName": "priv",
}


def refusal(stack: str = "dev", **overrides: Any) -> list[str]:
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as caught:
        run_stack(stack, overrides, mocks=mocks)
    assert mocks.registered == [], "a resource was registered before validation failed"
    return caught.value.problems


@pytest.mark.parametrize(("lifetime", "rotation"), [(60, 60), (30, 60), (1, 1)])
def test_rotation_at_or_after_expiry_is_an_error(lifetime: int, rotation: int) -> None:
    """Lifecycle row `rotating-on-refresh` (hashicorp/terraform-provider-time `resource_time_rotating.go`): rotation
    happens only when something runs refresh + up between rotationDays and lifetimeDays; with no window there is
    none. (At 90 days or more rotationDays is out of its range instead: `pat-lifecycle`, tests/test_config.py.)"""
    assert refusal(token={"lifetimeDays": lifetime, "rotationDays": rotation}) == [
        f"adf-databricks:token.rotationDays: {rotation} must be below lifetimeDays ({lifetime}): the token would "
        f"expire before it is replaced"
    ]


@pytest.mark.parametrize(
    "workspace", [{"publicNetworkAccess": "Disabled"}, {"publicNetworkAccess": "Disabled", "vnet": VNET}]
)
def test_a_private_workspace_is_refused_without_private_networking(workspace: dict[str, Any]) -> None:
    """Lifecycle row `workspace-pna-private-link` (Azure Databricks docs, "Enable Azure Private Link"): without
    front-end private endpoints neither CI nor a laptop reaches the workspace, so the deploy would fail after the
    workspace exists. network.mode private creates them (and sets Disabled itself)."""
    (problem,) = refusal(workspace=workspace)
    assert problem.startswith("adf-databricks:workspace.publicNetworkAccess: Disabled needs network.mode: private")
    assert "network.deployRunner" in problem


def test_a_driver_node_type_in_pool_mode_is_refused() -> None:
    """Lifecycle row `pool-tags` (ADF REST model, `newClusterDriverNodeType`: ignored in instance pool
    configurations)."""
    (problem,) = refusal(clusterMode="instancePool", instancePool={**POOL, "driverNodeType": "Standard_DS4_v2"})
    assert problem.startswith("adf-databricks:instancePool.driverNodeType: Data Factory ignores a driver node type")


@pytest.mark.parametrize("key", ["costCenter", "project", "environment", "managed-by"])
def test_a_cluster_tag_repeating_a_workspace_tag_is_refused(key: str) -> None:
    """Lifecycle row `default-tags`: the workspace passes its tags to every cluster; a repeated key becomes
    `x_<key>` and drifts."""
    problems = refusal(interactiveCluster={**INTERACTIVE, "customTags": {key: "x", "team": "bi"}})
    assert problems == [
        f"adf-databricks:interactiveCluster.customTags.{key}: the workspace already tags every cluster with this "
        f"key (from tags or the built-in project/environment/managed-by); remove it here"
    ]


def test_the_token_owner_must_be_an_object_id() -> None:
    assert refusal(token={"owner": "ci@contoso.com"}) == [
        "adf-databricks:token.owner: 'ci@contoso.com': must be an object id (a GUID)"
    ]


def test_the_recovery_switch_is_a_boolean() -> None:
    (problem,) = refusal(keyVault={"recover": "yes"})
    assert problem.startswith('adf-databricks:keyVault.recover: "yes": must be true or false')


def test_an_interactive_cluster_that_would_drift_on_every_refresh_is_refused() -> None:
    """Reported: terraform-provider-databricks #4909 — the cluster reports an alias mode under its canonical
    name (so aliases are sent canonical) and AUTO as the mode Databricks picked (so AUTO is refused)."""
    (problem,) = refusal(interactiveCluster={**INTERACTIVE, "dataSecurityMode": "DATA_SECURITY_MODE_AUTO"})
    assert problem.startswith("adf-databricks:interactiveCluster.dataSecurityMode: DATA_SECURITY_MODE_AUTO is not")
    dedicated = {**INTERACTIVE, "dataSecurityMode": "DATA_SECURITY_MODE_DEDICATED", "singleUserName": "ci@example.com"}
    plan = planned("dev", {"interactiveCluster": dedicated})
    assert plan.one("databricks:index/cluster:Cluster").inputs["dataSecurityMode"] == "SINGLE_USER"
