"""Property-based: every valid config yields a conformant plan; every invalid one, the clear error."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plans import RecordingMocks, plan_from_values
from spec_check import plan_violations

from components import naming
from components.config import ConfigError, as_int, load_settings
from components.offline.project import ProjectError, as_cli_strings, load_project, parse_override, read_stack
from components.settings import STANDARD_TAG_NAMES, NameOverrides

# The tests that run the program or read a stack file draw as many examples as the profile says (conftest: `unit`
# for the fast loop, `thorough` for a wider search); the ones that call one pure function draw hundreds, cheaply.

spark_versions = st.sampled_from(
    ["16.4.x-scala2.12", "15.4.x-scala2.12", "17.3.x-scala2.13", "16.4.x-photon-scala2.12", "16.4.x-cpu-ml-scala2.12"]
)
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
        "token": {"lifetimeDays": lifetime, "rotationDays": draw(st.integers(1, min(lifetime - 1, 89)))},
        "workspace": {
            # Serverless compute needs a premium workspace.
            "sku": "premium" if mode == "serverless" else draw(st.sampled_from(["premium", "standard", "trial"])),
            "noPublicIp": draw(st.booleans()),
        },
        "linkedService": {
            "name": draw(adf_names),
            "annotations": draw(st.lists(st.text(min_size=1, max_size=8).filter(str.strip), max_size=2)),
        },
        # Azure compares tag names without case: none may name a standard tag or repeat another in other case.
        "tags": draw(
            st.dictionaries(
                st.from_regex(r"[a-zA-Z][a-zA-Z0-9]{0,10}", fullmatch=True).filter(
                    lambda name: name.casefold() not in STANDARD_TAG_NAMES
                ),
                st.text(max_size=20),
                max_size=3,
            ).filter(lambda tags: len({name.casefold() for name in tags}) == len(tags))
        ),
    }
    if draw(st.booleans()):
        ttl = draw(st.integers(0, 240))
        config["dataFlowRuntime"] = {
            "computeType": draw(st.sampled_from(["General", "MemoryOptimized"])),
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
    ("token", {"rotationDays": 90}),
    ("keyVault", {"defaultAction": "Block"}),
    ("keyVault", {"allowedIpRanges": ["10.0.0.0/33"]}),
    ("dataFactory", {"publicNetworkAccess": "Maybe"}),
    ("names", {"keyVault": "1kv"}),
    ("names", {"workspace": "w"}),
    ("linkedService", {"name": "has-dash"}),
    ("existingResourceGroupName", "ends-with-dot."),
    ("protect", "yes"),
    ("tags", {"bad/name": "x"}),
    ("tags", {"Environment": "x"}),
    ("dataFlowRuntime", {"coreCount": 12}),
    ("dataFlowRuntime", {"computeType": "Huge"}),
    ("dataFlowRuntime", {"computeType": "ComputeOptimized"}),
]


@given(config=valid_configs(), stack=stack_names)
def test_every_valid_config_yields_a_spec_conformant_plan(config: dict[str, Any], stack: str) -> None:
    plan = plan_from_values(stack, config)
    assert plan_violations(plan) == []
    link = next(r for r in plan.resources if r.name == "adf-databricks-databricks-linked-service")
    assert link.inputs["linkedServiceName"] == config["linkedService"]["name"]


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


# --- no input ends in a traceback ---------------------------------------------------------------------------------

YAML_ALPHABET = st.sampled_from(
    [*list("abcdefg:-[]{},'\"#&*!|>%@` \t\n0123.+~?=<"), "config:", "adf-databricks:", "  "]
)
yaml_like = st.lists(YAML_ALPHABET, max_size=60).map("".join)


@st.composite
def stack_documents(draw: st.DrawFn) -> str:
    """Stack files that parse but hold anything at any depth: the wrong types where objects, lists, numbers go."""
    leaves = st.one_of(
        st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), st.text(max_size=8)
    )
    values = st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3),
        max_leaves=8,
    )
    keys = st.sampled_from(
        [
            "clusterMode",
            "auth",
            "token",
            "workspace",
            "interactiveCluster",
            "jobCluster",
            "instancePool",
            "tags",
            "names",
            "protect",
            "linkedService",
            "keyVault",
            "managedIdentity",
            "existingResourceGroupName",
        ]
    )
    config = draw(st.dictionaries(keys.map(lambda k: f"adf-databricks:{k}"), values, max_size=5))
    return json.dumps({"config": {"azure-native:location": "westeurope", **config}})  # JSON is YAML


def outcome_of(text: str | bytes) -> str:
    """Read a stack file and validate it as the preview does: settings, or the clear errors; nothing else."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copy(Path(__file__).resolve().parents[1] / "Pulumi.yaml", root / "Pulumi.yaml")
        (root / "stacks").mkdir()
        target = root / "stacks" / "Pulumi.fuzz.yaml"
        target.write_bytes(text if isinstance(text, bytes) else text.encode())
        project = load_project(root)
        try:
            read = read_stack(project, "fuzz")
        except ProjectError as error:
            assert "Pulumi.fuzz.yaml" in str(error)
            return "refused"
        raw = {
            k.removeprefix("adf-databricks:"): v
            for k, v in as_cli_strings(read.values).items()
            if k.startswith("adf-databricks:")
        }
        try:
            load_settings(
                raw, project="adf-databricks", stack="fuzz", location=read.values.get("azure-native:location")
            )
        except ConfigError as error:
            assert error.problems and all(":" in p for p in error.problems)
            return "invalid"
        return "valid"


@given(text=yaml_like)
def test_any_text_as_a_stack_file_is_read_or_refused_clearly(text: str) -> None:
    assert outcome_of(text) in ("refused", "invalid", "valid")


@given(data=st.binary(max_size=40))
def test_any_bytes_as_a_stack_file_are_read_or_refused_clearly(data: bytes) -> None:
    assert outcome_of(b"config:\n  a:b: " + data) in ("refused", "invalid", "valid")


@given(document=stack_documents())
def test_any_value_at_any_depth_is_validated_without_a_traceback(document: str) -> None:
    assert outcome_of(document) in ("invalid", "valid")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40))
def test_any_set_option_is_parsed_or_refused_naming_set(text: str) -> None:
    try:
        override = parse_override(text, "adf-databricks")
    except ProjectError as error:
        assert str(error).startswith("--set ")
    else:
        assert ":" in str(override.path[0])


@settings(max_examples=200, deadline=None)
@given(number=st.integers(-(10**12), 10**12))
def test_a_whole_number_means_the_same_quoted_or_not(number: int) -> None:
    assert as_int(number) == as_int(str(number)) == as_int(f" {number} ") == number
