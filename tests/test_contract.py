"""One contract: the component's typed args are the source of keys, types and descriptions; Pulumi.yaml's config
block, the configuration reference's table, the inferred package schema and the validator are derived from it or
equal to it."""

import dataclasses
import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.errors import InputPropertyError
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.server import ComponentInitError

from components import AdfDatabricks, __version__, config, contract, generate, settings
from components.args import DEFAULTS, RANGES, REQUIRED
from components.config import DECLARED_KEYS, ConfigError, load_settings, stack_args
from components.network_config import PRIVATE_ONLY_KEYS
from components.offline.mocks import AzureMocks
from components.offline.plan import Plan
from components.offline.run import run_stack
from components.platform import PREVIOUS_TYPE_TOKENS, TYPE_TOKEN
from components.settings import PlatformSettings

GOLDEN_SCHEMA = Path(__file__).parent / "golden" / "adf-databricks.schema.json"


@pytest.fixture(scope="module")
def provider() -> ComponentProvider:
    """The provider `components/plugin/__main__.py` hosts, with the schema Pulumi's analyzer infers."""
    return ComponentProvider([AdfDatabricks], "adf-databricks", version=__version__)


@pytest.fixture(scope="module")
def schema(provider: ComponentProvider) -> dict[str, Any]:
    assert provider.schema is not None
    return dict(json.loads(provider.schema))


def test_the_inferred_schema_is_the_pinned_one(schema: dict[str, Any]) -> None:
    """Every language's SDK is generated from this schema: a change to it must show up in review.

    Regenerate after an intended change: `python -m components.generate`.
    """
    assert schema == json.loads(GOLDEN_SCHEMA.read_text(encoding="utf-8"))


def test_the_component_is_served_under_the_index_token(schema: dict[str, Any]) -> None:
    assert list(schema["resources"]) == [TYPE_TOKEN] == ["adf-databricks:index:AdfDatabricks"]
    assert schema["name"] == "adf-databricks"
    assert schema["version"] == __version__


def test_schema_inputs_are_the_stack_config_keys(schema: dict[str, Any]) -> None:
    """The same keys, camelCase, in the schema as in the stack config; only `location` comes from azure-native."""
    inputs = schema["resources"][TYPE_TOKEN]["inputProperties"]
    assert set(inputs) - set(contract.STACK_ONLY_KEYS) == set(contract.config_keys()) == set(DECLARED_KEYS)
    assert schema["resources"][TYPE_TOKEN]["requiredInputs"] == ["location"]


def test_every_schema_property_has_a_description(schema: dict[str, Any]) -> None:
    missing = [
        f"{owner}.{name}"
        for owner, spec in [*schema["types"].items(), *schema["resources"].items()]
        for name, prop in {**spec.get("properties", {}), **spec.get("inputProperties", {})}.items()
        if not prop.get("description")
    ]
    assert missing == []


def test_each_schema_type_has_the_keys_of_its_config_section(schema: dict[str, Any]) -> None:
    for key in contract.all_keys():
        if key.section is None:
            continue
        type_spec = schema["types"][f"adf-databricks:index:{key.section.__name__}"]
        assert tuple(type_spec["properties"]) == contract.section_keys(key.path), key.path


def test_closed_choices_are_schema_enums(schema: dict[str, Any]) -> None:
    """Enums give typed SDKs compile-time checks (`ClusterMode.NEW_JOB_CLUSTER` in TypeScript and Python)."""
    mode = schema["types"]["adf-databricks:index:ClusterMode"]
    assert [v["value"] for v in mode["enum"]] == ["existingCluster", "newJobCluster", "instancePool", "serverless"]
    assert all(v.get("description") for v in mode["enum"])


def test_pulumi_yaml_config_is_generated_from_the_contract(project_dir: Path) -> None:
    current = (project_dir / "Pulumi.yaml").read_text(encoding="utf-8")
    assert generate.render_pulumi_yaml(current) == current, "run: python -m components.generate"
    declared = yaml.safe_load(current)["config"]
    assert "lifetimeDays (default 90), rotationDays (default 60)" in declared["token"]["description"]


def test_the_config_reference_table_is_generated_from_the_contract(project_dir: Path) -> None:
    current = (project_dir / generate.CONFIG_REFERENCE).read_text(encoding="utf-8")
    assert generate.render_config_table(current) == current, "run: python -m components.generate"


@pytest.mark.parametrize("path", sorted(RANGES))
def test_the_validator_enforces_each_declared_range(path: str) -> None:
    """RANGES is the only place a range is written: the validator accepts its bounds and refuses one past each."""
    low, high = RANGES[path]
    for value, accepted in ((low, True), (high, True), (low - 1, False), (min(high + 1, 2**31), False)):
        problems = _problems(_config_with(path, value))
        # Only the range's own message: cross-key rules (minIdleInstances ≤ maxCapacity) are tested elsewhere.
        out_of_range = [p for p in problems if p.startswith(f"adf-databricks:{path}:") and f"{low} to {high}" in p]
        assert (out_of_range == []) is accepted, (value, problems)


@pytest.mark.parametrize("path", sorted(p for p in DEFAULTS if "." in p))
def test_the_validator_applies_each_declared_default(path: str) -> None:
    """A key left out takes the default DEFAULTS declares, in the settings the resources are built from."""
    base = _base_config()
    section, key = path.split(".", 1)
    base.setdefault(section, {})
    base[section] = {k: v for k, v in base[section].items() if k != key}
    private_only = section == "network" and key in PRIVATE_ONLY_KEYS
    if private_only:  # they matter in private mode (a public stack refuses them written)
        base["network"] = {"mode": "private", "deployRunner": "self-hosted-private"}
    settings = load_settings(base, project="p", stack="s", location="westeurope")
    assert _read_setting(settings, path) == DEFAULTS[path], path


LEAF_KEYS = [k.path for k in contract.all_keys() if k.section is None and k.path not in contract.STACK_ONLY_KEYS]


@pytest.mark.parametrize("path", LEAF_KEYS)
def test_a_declared_key_needs_nothing_but_its_declaration(project_dir: Path, path: str) -> None:
    """Adding a key to components/args.py is enough for Pulumi.yaml's config block, the configuration table and
    the validator to know it: none of them lists keys by hand. A value no key accepts is refused under its name."""
    top, *rest = path.split(".")
    declared = yaml.safe_load((project_dir / "Pulumi.yaml").read_text(encoding="utf-8"))["config"]
    assert top in declared
    if rest:  # a section's description lists its keys
        assert rest[0] in declared[top]["description"]
    table = (project_dir / generate.CONFIG_REFERENCE).read_text(encoding="utf-8")
    assert f"| `{path}` |" in table
    problems = _problems(_config_with(path, [["not a value"]]))
    named = [p for p in problems if p.startswith((f"adf-databricks:{path}:", f"adf-databricks:{path}["))]
    assert named or any(path.rsplit(".", 1)[-1] in p for p in problems), problems


def test_the_settings_model_names_and_nests_keys_as_the_contract_does() -> None:
    """No layer renames a key: each key's field in the validated settings is the snake_case of its contract path
    (`managedIdentity.userAssigned` → `settings.managed_identity.user_assigned`), except the shapes the contract
    lists with their reasons (`contract.SETTINGS_SHAPES`)."""
    shaped = tuple(contract.SETTINGS_SHAPES)
    renamed = [p for p in LEAF_KEYS if not _settings_path_exists(p) and not p.startswith(shaped)]
    assert renamed == []


def test_the_settings_fields_are_generated_from_the_contract(project_dir: Path) -> None:
    """A key that holds a value needs no line in components/settings.py: its typed field, with the declared default,
    is generated into components/settings_fields.py."""
    current = (project_dir / generate.SETTINGS_FIELDS).read_text(encoding="utf-8")
    assert generate.render_settings_fields() == current, "run: python -m components.generate"


A_VALUE_FOR = {
    "sparkVersion": "15.4.x-scala2.12",
    "nodeType": "Standard_DS3_v2",
    "workers": "1",
    "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet",
    "publicSubnetName": "host",
    "privateSubnetName": "container",
    "amount": 100,
    "startMonth": "2026-12",
}


@pytest.mark.parametrize("path", REQUIRED)
def test_a_key_the_contract_requires_is_reported_missing_and_has_no_default(path: str) -> None:
    """REQUIRED is written once: with its section given and the key left out, the validator names the key; its
    field in the settings has no default to fall back on."""
    section, key = path.rsplit(".", 1)
    given = _read_setting_raw(_base_config(), section)
    siblings = given | {p.rsplit(".", 1)[1]: A_VALUE_FOR[p.rsplit(".", 1)[1]] for p in REQUIRED if _in(p, section)}
    config = _config_with(section, {name: value for name, value in siblings.items() if name != key})
    assert any(p.startswith(f"adf-databricks:{path}: is required") for p in _problems(config)), path
    config = _config_with(section, siblings)
    assert _problems(config) == [], path
    generated = {f.key.path: f for _, fields in contract.settings_sections().values() for f in fields}
    assert path in contract.SETTINGS_SHAPES or generated[path].default is None


def _in(path: str, section: str) -> bool:
    return path.rsplit(".", 1)[0] == section


def _read_setting_raw(config: dict[str, Any], section: str) -> dict[str, Any]:
    """What a config holds at a section's path ({} when unset)."""
    node: Any = config
    for part in section.split("."):
        node = node.get(part, {})
    return dict(node)


def _settings_path_exists(path: str) -> bool:
    cls: Any = PlatformSettings
    for part in path.split("."):
        fields = {f.name: f for f in dataclasses.fields(cls)}
        name = contract.snake_case(part)
        if name not in fields:
            return False
        cls = _dataclass_in(fields[name].type)
    return True


def _dataclass_in(hint: Any) -> Any:
    """The settings dataclass a field holds (`X | None` → X), or None for a plain value. components/settings.py
    postpones annotations, so a field's type is its source text."""
    members = [getattr(settings, name.strip(), None) for name in str(hint).split("|")]
    return next((m for m in members if dataclasses.is_dataclass(m)), None)


def test_a_stack_program_validates_its_config_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """`stack_args` only decodes the CLI's text; the component validates the args once, as the stack's config, so
    that its problems name the stack file's keys (tests/test_bad_input.py shows them)."""
    calls: list[str | None] = []
    real = config.load_settings

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("component"))
        return real(*args, **kwargs)

    monkeypatch.setattr(config, "load_settings", counted)
    run_stack("dev")
    assert calls == [None]


def test_a_program_that_changes_its_stack_args_still_hears_of_stack_file_mistakes_there() -> None:
    """A program may add to what `stack_args` read; a mistake in the stack file is still the stack file's, named by
    its key, not blamed on the program (whose own mistakes tests/test_preview.py shows at its line)."""
    pulumi.runtime.set_mocks(AzureMocks(), project="adf-databricks", stack="dev", preview=True)
    pulumi.runtime.set_all_config(
        {"adf-databricks:clusterMode": "newJobCluster", "adf-databricks:jobCluster": json.dumps({"workers": "9:1"})}
    )
    try:
        args = stack_args(pulumi.Config(), "westeurope")
        args["tags"] = {"team": "data"}
        with pytest.raises(ConfigError) as caught:
            AdfDatabricks("adf-databricks", args)
    finally:
        pulumi.runtime.set_all_config({})
    assert caught.value.component is None
    assert '  - adf-databricks:jobCluster.workers: "9:1" is not allowed' in str(caught.value)


def test_component_args_and_stack_config_map_onto_each_other() -> None:
    config = {
        "clusterMode": "newJobCluster",
        "jobCluster": {"sparkVersion": "15.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "workers": "2:8"},
        "linkedService": {"parameters": {"env_name": {"type": "String", "defaultValue": "dev"}}},
        "tags": {"cost_center": "x"},
    }
    args = contract.from_contract(config)
    assert args["job_cluster"]["spark_version"] == "15.4.x-scala2.12"
    assert args["linked_service"]["parameters"]["env_name"]["default_value"] == "dev"
    assert args["tags"] == {"cost_center": "x"}, "user-chosen map keys are not renamed"
    assert contract.to_contract(args) == config


def test_the_component_aliases_its_previous_type_token(dev_plan: Plan) -> None:
    """Existing stacks keep every resource: the component's alias resolves its old URN, and children inherit it
    (pulumi/pulumi pkg/resource/deploy/step_generator.go, `generateAliases`). The engine tier proves "no replace"."""
    component = dev_plan.one(TYPE_TOKEN)
    old = [f"urn:pulumi:dev::adf-databricks::{token}::adf-databricks" for token in PREVIOUS_TYPE_TOKENS]
    assert set(old) <= set(component.aliases)
    for record in dev_plan.resources:
        if record.parent == component.urn:
            assert any(alias.startswith(old[0].rsplit("::", 1)[0] + "$") for alias in record.aliases), record.urn


def test_bad_component_args_name_the_callers_keys_and_register_nothing() -> None:
    """A caller's bad args get every problem at once, named as the caller wrote them (schema keys, no namespace)."""
    mocks = _Recording()
    pulumi.runtime.set_mocks(mocks, project="consumer", stack="staging", preview=True)
    with pytest.raises(ConfigError) as caught:
        AdfDatabricks(
            "data-platform",
            {"location": "westeurope", "cluster_mode": "newJobCluster", "job_cluster": {"workers": "9:1"}},  # type: ignore[typeddict-item]
        )
    message = str(caught.value)
    assert message.startswith("AdfDatabricks 'data-platform' (stack 'staging') has ")
    assert '  - jobCluster.workers: "9:1" is not allowed' in message
    assert "  - jobCluster.sparkVersion: is required" in message
    assert "adf-databricks:" not in message and "stacks/" not in message
    assert mocks.registered == []


def test_what_a_caller_in_another_language_sees(provider: ComponentProvider) -> None:
    """The provider host checks required inputs and enum values before our code runs, one at a time, naming the
    property (pulumi `provider/experimental/component.py`, `map_input_properties`); our own problems arrive all at
    once, wrapped by the host as a ComponentInitError (`construct`), which the CLI prints with the message first."""
    definition = provider._component_defs["AdfDatabricks"]
    with pytest.raises(InputPropertyError) as missing:
        provider.map_inputs({}, definition)
    assert missing.value.reason == "Missing required input 'location' on 'AdfDatabricks'"
    with pytest.raises(InputPropertyError) as bad_enum:
        provider.map_inputs({"location": "westeurope", "clusterMode": "warm"}, definition)
    assert "Invalid value warm" in bad_enum.value.reason and "'ClusterMode'" in bad_enum.value.reason

    pulumi.runtime.set_mocks(AzureMocks(), project="consumer", stack="staging", preview=True)
    with pytest.raises(ComponentInitError) as ours:
        provider.construct(
            "data-platform", TYPE_TOKEN, {"location": "westeurope", "token": {"lifetimeDays": 0, "rotationDays": 800}}
        )
    assert str(ours.value).startswith("AdfDatabricks 'data-platform' (stack 'staging') has ")
    assert "token.lifetimeDays: 0" in str(ours.value) and "token.rotationDays: 800" in str(ours.value)


class _Recording(AzureMocks):
    def __init__(self) -> None:
        super().__init__()
        self.registered: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.registered.append(args.typ)
        return super().new_resource(args)


def _base_config() -> dict[str, Any]:
    cluster = {"sparkVersion": "15.4.x-scala2.12", "nodeType": "Standard_DS3_v2"}
    return {
        "clusterMode": "instancePool",
        "interactiveCluster": {"enabled": True, **cluster, "numWorkers": 1},
        "instancePool": {**cluster, "workers": "1"},
        "dataFlowRuntime": {"computeType": "General", "coreCount": 8, "timeToLiveMinutes": 0, "cleanup": True},
        "operations": {"budget": {"amount": 100, "startMonth": "2026-12"}},
    }


def _config_with(path: str, value: Any) -> dict[str, Any]:
    config = _base_config()
    *sections, key = path.split(".")
    node = config
    for section in sections:
        node = node.setdefault(section, {})
    if path.startswith("interactiveCluster.autoscale"):
        config["interactiveCluster"].pop("numWorkers")
        node.setdefault("minWorkers", 1)
        node.setdefault("maxWorkers", max(value, 1) if isinstance(value, int) else 1)
    node[key] = value
    return config


def _problems(config: dict[str, Any]) -> list[str]:
    try:
        load_settings(config, project="adf-databricks", stack="s", location="westeurope")
    except ConfigError as error:
        return error.problems
    return []


def _read_setting(settings: Any, path: str) -> Any:
    """The setting at a contract path: the settings model names and nests its fields as the contract does."""
    value = settings
    for part in path.split("."):
        value = getattr(value, contract.snake_case(part))
    value = getattr(value, "value", value)
    return list(value) if isinstance(value, tuple) else value


def test_the_plugin_installs_the_runtime_dependencies_at_their_locked_versions(project_dir: Path) -> None:
    """The plugin's virtualenv gets exactly what the wheel depends on, pinned as the lock file pins it."""
    import tomllib

    from packaging.requirements import Requirement

    runtime = {
        Requirement(r).name.replace("-", "_").lower()
        for r in tomllib.loads((project_dir / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    locked = {
        Requirement(line).name.replace("-", "_").lower(): line
        for line in (project_dir / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    }
    plugin = (project_dir / "components" / "plugin" / "requirements.txt").read_text().split()
    assert sorted(plugin) == sorted(locked[name] for name in runtime)


def test_values_wired_from_the_callers_resources_are_accepted() -> None:
    """An existing resource group and a VNet id may come from the caller's own resources, as Outputs: the
    validator leaves them to Azure, and the component wires them through."""
    from pulumi_azure_native import network, resources

    from components.offline.monitor import EngineMonitor

    monitor = EngineMonitor(AzureMocks())
    pulumi.runtime.set_mocks(monitor.mocks, project="consumer", stack="staging", preview=True, monitor=monitor)

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> None:
        group = resources.ResourceGroup("shared", resource_group_name="rg-shared-data")
        vnet = network.VirtualNetwork("spoke", resource_group_name=group.name, virtual_network_name="vnet-spoke")
        AdfDatabricks(
            "data-platform",
            {
                "location": "westeurope",
                "existing_resource_group_name": group.name,
                "workspace": {"vnet": {"id": vnet.id, "public_subnet_name": "host", "private_subnet_name": "pods"}},
                "interactive_cluster": {
                    "spark_version": "15.4.x-scala2.12",
                    "node_type": "Standard_DS3_v2",
                    "num_workers": 1,
                },
            },
        )

    program()
    workspace = next(r for r in monitor.records if r.type == "azure-native:databricks:Workspace")
    assert workspace.inputs["resourceGroupName"] == "rg-shared-data"
    vnet_record = next(r for r in monitor.records if r.type == "azure-native:network:VirtualNetwork")
    assert workspace.inputs["parameters"]["customVirtualNetworkId"]["value"] == vnet_record.id
    assert not [r for r in monitor.records if r.type == "azure-native:resources:ResourceGroup" and r.name != "shared"]
