"""Property-based: every valid config yields a conformant plan; every invalid one, the clear error."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import RecordingMocks, plan_from_values
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_check import plan_violations

from components import naming
from components.config import ConfigError
from components.settings import NameOverrides

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

spark_versions = st.sampled_from(["15.4.x-scala2.12", "14.3.x-scala2.12", "16.4.x-photon-scala2.12"])
node_types = st.sampled_from(["Standard_DS3_v2", "Standard_E8ds_v5", "Standard_F4s"])
stack_names = st.from_regex(r"[A-Za-z0-9_.-]{1,100}", fullmatch=True)
adf_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,40}", fullmatch=True)
string_maps = st.dictionaries(st.from_regex(r"[a-z][a-z.]{0,20}", fullmatch=True), st.text(max_size=10), max_size=3)


@st.composite
def worker_ranges(draw: st.DrawFn) -> str | int:
    low = draw(st.integers(1, 50))
    return draw(st.sampled_from([low, str(low), f"{low}:{low + draw(st.integers(0, 50))}"]))


@st.composite
def interactive_clusters(draw: st.DrawFn) -> dict[str, Any]:
    low = draw(st.integers(1, 10))
    size = draw(
        st.sampled_from(
            [
                {"numWorkers": low},
                {"autoscale": {"minWorkers": low, "maxWorkers": low + draw(st.integers(0, 10))}},
                {"singleNode": True},
            ]
        )
    )
    return {
        "sparkVersion": draw(spark_versions),
        "nodeType": draw(node_types),
        "autoterminationMinutes": draw(st.integers(10, 10_000)),
        **size,
    }


@st.composite
def valid_configs(draw: st.DrawFn) -> dict[str, Any]:
    mode = draw(st.sampled_from(["existingCluster", "newJobCluster", "instancePool", "serverless"]))
    auth = draw(st.sampled_from(["accessToken", "managedIdentity"]))
    lifetime = draw(st.integers(2, 730))
    config: dict[str, Any] = {
        "clusterMode": mode,
        "auth": auth,
        "token": {"lifetimeDays": lifetime, "rotationDays": draw(st.integers(1, lifetime - 1))},
        "workspace": {
            # Serverless compute needs a premium workspace.
            "sku": "premium" if mode == "serverless" else draw(st.sampled_from(["premium", "standard", "trial"])),
            "noPublicIp": draw(st.booleans()),
        },
        "linkedService": {
            "name": draw(adf_names),
            "annotations": draw(st.lists(st.text(min_size=1, max_size=8).filter(str.strip), max_size=2)),
        },
        "tags": draw(
            st.dictionaries(
                st.from_regex(r"[a-zA-Z][a-zA-Z0-9]{0,10}", fullmatch=True), st.text(max_size=20), max_size=3
            )
        ),
    }
    if draw(st.booleans()):
        ttl = draw(st.integers(0, 240))
        config["dataFlowRuntime"] = {
            "computeType": draw(st.sampled_from(["General", "MemoryOptimized", "ComputeOptimized"])),
            "coreCount": draw(st.sampled_from([8, 16, 32, 48, 80, 144, 272])),
            "timeToLiveMinutes": ttl,
            **({"cleanup": draw(st.booleans())} if ttl else {}),
        }
    if auth == "managedIdentity":
        config["managedIdentity"] = {"userAssigned": draw(st.booleans())}
    if mode == "existingCluster" or draw(st.booleans()):
        config["interactiveCluster"] = draw(interactive_clusters()) | (
            {} if mode == "existingCluster" else {"enabled": True}
        )
    if mode == "newJobCluster":
        config["jobCluster"] = {
            "sparkVersion": draw(spark_versions),
            "nodeType": draw(node_types),
            "workers": draw(worker_ranges()),
            "sparkConf": draw(string_maps),
        }
    if mode == "instancePool":
        workers = draw(st.integers(1, 20))
        capacity = draw(st.integers(workers + 1, 100))
        config["instancePool"] = {
            "sparkVersion": draw(spark_versions),
            "nodeType": draw(node_types),
            "workers": workers,
            "maxCapacity": capacity,
            "minIdleInstances": draw(st.integers(0, capacity)),
        }
    return config


# (key, a bad value for it): each must be reported under that key.
BAD_VALUES: list[tuple[str, Any]] = [
    ("clusterMode", "warmCluster"),
    ("auth", "password"),
    ("workspace", {"sku": "gold"}),
    ("token", {"lifetimeDays": 0}),
    ("token", {"rotationDays": -1}),
    ("keyVault", {"defaultAction": "Block"}),
    ("keyVault", {"allowedIpRanges": ["10.0.0.0/33"]}),
    ("dataFactory", {"publicNetworkAccess": "Maybe"}),
    ("names", {"keyVault": "1kv"}),
    ("names", {"workspace": "w"}),
    ("linkedService", {"name": "has-dash"}),
    ("existingResourceGroupName", "ends-with-dot."),
    ("protect", "yes"),
    ("tags", {"bad/name": "x"}),
    ("dataFlowRuntime", {"coreCount": 12}),
    ("dataFlowRuntime", {"computeType": "Huge"}),
]


@FAST
@given(config=valid_configs(), stack=stack_names)
def test_every_valid_config_yields_a_spec_conformant_plan(config: dict[str, Any], stack: str) -> None:
    plan = plan_from_values(stack, config)
    assert plan_violations(plan) == []
    link = next(r for r in plan.resources if r.name == "adf-databricks-databricks-linked-service")
    assert link.inputs["linkedServiceName"] == config["linkedService"]["name"]


@FAST
@given(
    valid=valid_configs(), bad=st.lists(st.sampled_from(BAD_VALUES), min_size=1, max_size=4, unique_by=lambda b: b[0])
)
def test_every_invalid_config_names_each_bad_key_and_creates_nothing(
    valid: dict[str, Any], bad: list[tuple[str, Any]]
) -> None:
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as caught:
        plan_from_values("dev", valid | dict(bad), mocks)
    assert mocks.registered == []
    reported = " ".join(caught.value.problems)
    for key, _ in bad:
        assert f"adf-databricks:{key}" in reported, (key, reported)


@settings(max_examples=300, deadline=None)
@given(project=st.text(min_size=1, max_size=120), stack=st.text(min_size=1, max_size=200), subscription=st.uuids())
def test_derived_names_follow_azure_rules_for_any_project_and_stack(
    project: str, stack: str, subscription: Any
) -> None:
    names = naming.derive_names(project, stack, str(subscription), NameOverrides())
    assert naming.RESOURCE_GROUP.problems(names.resource_group) == []
    assert naming.RESOURCE_GROUP.problems(names.managed_resource_group) == []
    assert naming.WORKSPACE.problems(names.workspace) == []
    assert naming.KEY_VAULT.problems(names.key_vault) == []
    assert naming.DATA_FACTORY.problems(names.data_factory) == []
    assert names == naming.derive_names(project, stack, str(subscription), NameOverrides())


@settings(max_examples=200, deadline=None)
@given(stack_a=stack_names, stack_b=stack_names, subscription=st.uuids())
def test_different_stacks_never_share_a_globally_unique_name(stack_a: str, stack_b: str, subscription: Any) -> None:
    a = naming.derive_names("adf-databricks", stack_a, str(subscription), NameOverrides())
    b = naming.derive_names("adf-databricks", stack_b, str(subscription), NameOverrides())
    if stack_a != stack_b:
        assert a.key_vault != b.key_vault
        assert a.data_factory != b.data_factory
