"""Config → validated `PlatformSettings`, reporting every problem at once.

Values arrive as the Pulumi CLI hands them to a program: scalars as strings, object-valued keys as
JSON text. Decoded Python values are accepted too, so callers and tests can pass either.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar

import pulumi

from . import contract, naming
from .args import DEFAULTS, RANGES, AdfDatabricksArgs
from .settings import (
    AuthMode,
    Autoscale,
    ClusterMode,
    ClusterOptions,
    ClusterSize,
    DataSecurityMode,
    FirewallAction,
    FixedSize,
    InstancePoolSpec,
    InteractiveClusterSpec,
    JobClusterSpec,
    KeyVaultSpec,
    LinkedServiceParameter,
    LinkedServiceSpec,
    NameOverrides,
    NetworkAccess,
    PlatformSettings,
    SingleNode,
    TokenSpec,
    VnetInjection,
    WorkspaceSku,
    WorkspaceSpec,
)

NAMESPACE = "adf-databricks"
SCALAR_KEYS = ("clusterMode", "auth", "existingResourceGroupName", "protect")
OBJECT_KEYS = (
    "managedIdentity",
    "workspace",
    "interactiveCluster",
    "jobCluster",
    "instancePool",
    "token",
    "keyVault",
    "dataFactory",
    "linkedService",
    "tags",
    "names",
)
DECLARED_KEYS = SCALAR_KEYS + OBJECT_KEYS

INT32_MAX = 2_147_483_647
_MISSING = object()
E = TypeVar("E", bound=Enum)
_WORKERS = re.compile(r"\s*(\d+)\s*(?::\s*(\d+)\s*)?")
_SCRIPT_PATH = re.compile(r"([a-z][a-z0-9+.-]*:/|/)\S+")
_VNET_ID = re.compile(
    r"/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+",
    re.IGNORECASE,
)
_ADF_PARAMETER_TYPES = ("String", "Int", "Float", "Bool", "Array", "Object", "SecureString")
_TAG_NAME_FORBIDDEN = re.compile(r"[<>%&\\?/]")


class ConfigError(pulumi.RunError):
    """Invalid stack config. A RunError, so Pulumi prints it without a traceback."""

    def __init__(self, stack: str, problems: list[str], component: str | None = None) -> None:
        self.stack = stack
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        plural = "s" if len(problems) != 1 else ""
        count = f"{len(problems)} {'configuration ' if component is None else ''}problem{plural}"
        header = (
            f"Stack '{stack}' has {count} (nothing was created; fix stacks/Pulumi.{stack}.yaml)"
            if component is None
            else f"AdfDatabricks '{component}' (stack '{stack}') has {count} in its args (nothing was created)"
        )
        super().__init__(f"{header}:\n{lines}")


class Problems:
    """Collects problems, each naming the full config key, so all can be reported together."""

    def __init__(self, prefix: str = f"{NAMESPACE}:") -> None:
        self.prefix = prefix
        self.items: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.items.append(f"{self.prefix}{key}: {message}")


class Section:
    """One object-valued config key (or a nested object): typed reads that record problems."""

    def __init__(self, problems: Problems, key: str, raw: Any, allowed: tuple[str, ...]) -> None:
        self.problems = problems
        self.key = key
        self.values: Mapping[str, Any] = {}
        if raw is None:
            return
        if not isinstance(raw, Mapping):
            problems.add(key, f"must be an object with keys {', '.join(allowed)}")
            return
        self.values = raw
        for unknown in sorted(set(raw) - set(allowed)):
            problems.add(f"{key}.{unknown}", f"is not a known key; allowed: {', '.join(allowed)}")

    @property
    def empty(self) -> bool:
        return not self.values

    def has(self, name: str) -> bool:
        return self.values.get(name) is not None

    def _get(self, name: str, required: bool) -> Any:
        value = self.values.get(name)
        if value is None and required:
            self.problems.add(f"{self.key}.{name}", "is required")
        return value

    def text(self, name: str, required: bool = False, rule: naming.NameRule | None = None) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problems.add(f"{self.key}.{name}", "must be a non-empty string")
            return None
        for problem in rule.problems(value) if rule else []:
            self.problems.add(f"{self.key}.{name}", f"{value!r}: {problem}")
        return value

    def integer(self, name: str, default: int, low: int, high: int = INT32_MAX) -> int:
        value = self.values.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problems.add(f"{self.key}.{name}", f"{value!r}: must be a whole number from {low} to {high}")
            return default
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.values.get(name, default)
        if not isinstance(value, bool):
            self.problems.add(f"{self.key}.{name}", f"{value!r}: must be true or false")
            return default
        return value

    def choice(self, name: str, enum: type[E], default: E | None) -> E | None:
        value = self.values.get(name)
        if value is None:
            return default
        return _choice(self.problems, f"{self.key}.{name}", value, enum, default)

    def string_map(self, name: str, check: Callable[[str, str], str | None] | None = None) -> dict[str, str]:
        return _string_map(self.problems, f"{self.key}.{name}", self.values.get(name, {}), check)

    def string_list(self, name: str, pattern: re.Pattern[str] | None = None, what: str = "") -> tuple[str, ...]:
        value = self.values.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.problems.add(f"{self.key}.{name}", "must be a list of non-empty strings")
            return ()
        for item in value:
            if pattern and not pattern.fullmatch(item):
                self.problems.add(f"{self.key}.{name}", f"{item!r}: must be {what}")
        return tuple(value)

    def section(self, name: str, allowed: tuple[str, ...]) -> Section:
        return Section(self.problems, f"{self.key}.{name}", self.values.get(name), allowed)


def _string_map(
    problems: Problems, key: str, value: Any, check: Callable[[str, str], str | None] | None
) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        problems.add(key, "must be an object of string keys to string values")
        return {}
    for k, v in value.items():
        problem = check(k, v) if check else None
        if problem:
            problems.add(f"{key}.{k}", problem)
    return dict(value)


def _choice(problems: Problems, key: str, value: Any, enum: type[E], default: E | None) -> E | None:
    for member in enum:
        if value == member.value:
            return member
    allowed = " | ".join(str(m.value) for m in enum)
    problems.add(key, f"{value!r} is not allowed; use one of {allowed}")
    return default


def _decode(problems: Problems, key: str, value: Any) -> Any:
    """The CLI passes object-valued keys as JSON text."""
    if key in OBJECT_KEYS and isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            problems.add(key, "must be an object (the value is not valid JSON)")
            return None
    return value


def parse_workers(value: Any) -> FixedSize | Autoscale | None:
    """ADF's `newClusterNumOfWorker`: "N" or "min:max", whole numbers ≥ 1 (an integer is accepted)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    match = _WORKERS.fullmatch(value) if isinstance(value, str) else None
    if not match:
        return None
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) is not None else None
    if not 1 <= low <= INT32_MAX or (high is not None and not low <= high <= INT32_MAX):
        return None
    return FixedSize(low) if high is None else Autoscale(low, high)


WORKERS_ALLOWED = '"N" or "min:max" with whole numbers, 1 ≤ min ≤ max (an integer N is accepted)'


def _tag_problem(name: str, value: str) -> str | None:
    if not 1 <= len(name) <= 512 or _TAG_NAME_FORBIDDEN.search(name):
        return "tag names are 1-512 characters without < > % & \\ ? /"
    if len(value) > 256:
        return "tag values are at most 256 characters"
    return None


_CLUSTER_OPTION_KEYS = (
    "sparkVersion",
    "driverNodeType",
    "sparkConf",
    "sparkEnvVars",
    "customTags",
    "policyId",
    "dataSecurityMode",
)


def _cluster_options(section: Section) -> ClusterOptions:
    return ClusterOptions(
        spark_version=section.text("sparkVersion", required=True) or "",
        driver_node_type=section.text("driverNodeType"),
        spark_conf=section.string_map("sparkConf"),
        spark_env_vars=section.string_map("sparkEnvVars"),
        custom_tags=section.string_map("customTags", _tag_problem),
        policy_id=section.text("policyId"),
        data_security_mode=section.choice("dataSecurityMode", DataSecurityMode, None),
    )


def _interactive_size(section: Section) -> ClusterSize:
    chosen = [k for k in ("numWorkers", "autoscale", "singleNode") if section.has(k)]
    if len(chosen) != 1:
        section.problems.add(
            f"{section.key}.numWorkers",
            f"set exactly one of numWorkers, autoscale {{minWorkers, maxWorkers}} or singleNode: true "
            f"({', '.join(chosen) or 'none'} given)",
        )
        return FixedSize(1)
    if chosen == ["numWorkers"]:
        return FixedSize(section.integer("numWorkers", 1, 1))
    if chosen == ["singleNode"]:
        if not section.flag("singleNode", True):
            section.problems.add(f"{section.key}.singleNode", "only true is meaningful; use numWorkers instead")
        return SingleNode()
    scale = section.section("autoscale", ("minWorkers", "maxWorkers"))
    low = scale.integer("minWorkers", 1, 1)
    high = scale.integer("maxWorkers", max(low, 1), 1)
    if low > high:
        section.problems.add(f"{section.key}.autoscale", f"minWorkers ({low}) must be ≤ maxWorkers ({high})")
    return Autoscale(low, high)


def _interactive_cluster(section: Section) -> InteractiveClusterSpec:
    return InteractiveClusterSpec(
        node_type=section.text("nodeType", required=True) or "",
        size=_interactive_size(section),
        options=_cluster_options(section),
        autotermination_minutes=section.integer("autoterminationMinutes", 30, 10, 10_000),
    )


def _workers(section: Section, fixed_only: bool) -> FixedSize | Autoscale:
    raw = section.values.get("workers")
    key = f"{section.key}.workers"
    if raw is None:
        section.problems.add(key, f"is required: {WORKERS_ALLOWED}")
        return FixedSize(1)
    workers = parse_workers(raw)
    if workers is None:
        section.problems.add(key, f"{raw!r} is not allowed; use {WORKERS_ALLOWED}")
        return FixedSize(1)
    if fixed_only and isinstance(workers, Autoscale):
        section.problems.add(key, f'{raw!r}: an instance pool takes a fixed count "N" (N ≥ 1), not min:max')
        return FixedSize(workers.min_workers)
    return workers


def _job_cluster(section: Section) -> JobClusterSpec:
    return JobClusterSpec(
        node_type=section.text("nodeType", required=True) or "",
        workers=_workers(section, fixed_only=False),
        options=_cluster_options(section),
        init_scripts=section.string_list("initScripts", _SCRIPT_PATH, "an absolute path or URI"),
        log_destination=_log_destination(section),
    )


def _instance_pool(section: Section) -> InstancePoolSpec:
    workers = _workers(section, fixed_only=True)
    min_idle = section.integer("minIdleInstances", 1, 0, 10_000)
    max_capacity = section.integer("maxCapacity", 10, 1, 10_000)
    if min_idle > max_capacity:
        section.problems.add(f"{section.key}.minIdleInstances", f"{min_idle} must be ≤ maxCapacity ({max_capacity})")
    if isinstance(workers, FixedSize) and workers.workers + 1 > max_capacity:
        section.problems.add(
            f"{section.key}.maxCapacity",
            f"{max_capacity} cannot hold one run's cluster ({workers.workers} workers + 1 driver)",
        )
    return InstancePoolSpec(
        node_type=section.text("nodeType", required=True) or "",
        workers=workers if isinstance(workers, FixedSize) else FixedSize(1),
        options=_cluster_options(section),
        min_idle_instances=min_idle,
        max_capacity=max_capacity,
        idle_instance_autotermination_minutes=section.integer("idleInstanceAutoterminationMinutes", 30, 0, 10_000),
        init_scripts=section.string_list("initScripts", _SCRIPT_PATH, "an absolute path or URI"),
        log_destination=_log_destination(section),
    )


def _log_destination(section: Section) -> str | None:
    value = section.text("logDestination")
    if value is not None and not value.startswith("dbfs:/"):
        section.problems.add(f"{section.key}.logDestination", f"{value!r}: must be a dbfs:/ path")
    return value


def _workspace(section: Section) -> WorkspaceSpec:
    vnet_section = section.section("vnet", ("id", "publicSubnetName", "privateSubnetName"))
    vnet = None
    if not vnet_section.empty:
        wired = vnet_section.values.get("id")
        # A caller may wire the id from its own VNet resource: an Output is checked by Azure, not here.
        vnet_id: pulumi.Input[str] = (
            wired if isinstance(wired, pulumi.Output) else vnet_section.text("id", required=True) or ""
        )
        if isinstance(vnet_id, str) and vnet_id and not _VNET_ID.fullmatch(vnet_id):
            vnet_section.problems.add(
                f"{vnet_section.key}.id",
                "must be a virtual network resource id: /subscriptions/<id>/resourceGroups/<rg>"
                "/providers/Microsoft.Network/virtualNetworks/<name>",
            )
        public = vnet_section.text("publicSubnetName", required=True) or ""
        private = vnet_section.text("privateSubnetName", required=True) or ""
        if public and public == private:
            vnet_section.problems.add(f"{vnet_section.key}.privateSubnetName", "must differ from publicSubnetName")
        vnet = VnetInjection(vnet_id, public, private)
    spec = WorkspaceSpec(
        sku=section.choice("sku", WorkspaceSku, WorkspaceSku.PREMIUM) or WorkspaceSku.PREMIUM,
        no_public_ip=section.flag("noPublicIp", True),
        public_network_access=section.choice("publicNetworkAccess", NetworkAccess, NetworkAccess.ENABLED)
        or NetworkAccess.ENABLED,
        vnet=vnet,
    )
    if spec.public_network_access is NetworkAccess.DISABLED and (vnet is None or spec.sku is not WorkspaceSku.PREMIUM):
        section.problems.add(
            f"{section.key}.publicNetworkAccess",
            "Disabled needs private link: sku premium and VNet injection (workspace.vnet)",
        )
    return spec


def _token(section: Section) -> TokenSpec:
    return TokenSpec(
        lifetime_days=section.integer("lifetimeDays", DEFAULTS["token.lifetimeDays"], *RANGES["token.lifetimeDays"]),
        rotation_days=section.integer("rotationDays", DEFAULTS["token.rotationDays"], *RANGES["token.rotationDays"]),
    )


def _key_vault(section: Section) -> KeyVaultSpec:
    ranges = section.string_list("allowedIpRanges")
    for item in ranges:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            section.problems.add(f"{section.key}.allowedIpRanges", f"{item!r}: must be an IP address or CIDR range")
    return KeyVaultSpec(
        public_network_access=section.choice("publicNetworkAccess", NetworkAccess, NetworkAccess.ENABLED)
        or NetworkAccess.ENABLED,
        default_action=section.choice("defaultAction", FirewallAction, FirewallAction.DENY) or FirewallAction.DENY,
        allowed_ip_ranges=ranges,
    )


def _linked_service(section: Section) -> LinkedServiceSpec:
    parameters: dict[str, LinkedServiceParameter] = {}
    raw_parameters = section.values.get("parameters", {})
    if not isinstance(raw_parameters, Mapping):
        section.problems.add(f"{section.key}.parameters", "must be an object of name: {type, defaultValue}")
        raw_parameters = {}
    for name, raw in raw_parameters.items():
        parameter = Section(section.problems, f"{section.key}.parameters.{name}", raw, ("type", "defaultValue"))
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(name)):
            section.problems.add(f"{section.key}.parameters.{name}", "parameter names are letters, digits and _")
        kind = parameter.text("type", required=True)
        if kind is not None and kind not in _ADF_PARAMETER_TYPES:
            section.problems.add(
                f"{section.key}.parameters.{name}.type", f"{kind!r}: use one of {' | '.join(_ADF_PARAMETER_TYPES)}"
            )
        parameters[str(name)] = LinkedServiceParameter(kind or "String", parameter.values.get("defaultValue"))
    return LinkedServiceSpec(
        name=section.text("name", rule=naming.ADF_OBJECT) or "AzureDatabricks",
        description=section.text("description"),
        annotations=section.string_list("annotations"),
        parameters=parameters,
        connect_via=section.text("connectVia", rule=naming.ADF_OBJECT),
    )


def _names(section: Section) -> NameOverrides:
    return NameOverrides(
        resource_group=section.text("resourceGroup", rule=naming.RESOURCE_GROUP),
        workspace=section.text("workspace", rule=naming.WORKSPACE),
        managed_resource_group=section.text("managedResourceGroup", rule=naming.RESOURCE_GROUP),
        key_vault=section.text("keyVault", rule=naming.KEY_VAULT),
        data_factory=section.text("dataFactory", rule=naming.DATA_FACTORY),
    )


def _flag(problems: Problems, key: str, value: Any, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    problems.add(key, f"{value!r}: must be true or false")
    return default


def _filled(section: Section) -> bool:
    """A cluster section with more than the `enabled` switch in it."""
    return bool(set(section.values) - {"enabled"})


def _sections(problems: Problems, raw: Mapping[str, Any], component: str | None) -> dict[str, Any]:
    decoded = {key: _decode(problems, key, raw.get(key)) for key in DECLARED_KEYS}
    where = "an input of AdfDatabricks" if component else "declared in Pulumi.yaml"
    for unknown in sorted(set(raw) - set(DECLARED_KEYS)):
        problems.add(unknown, f"is not {where}; known keys: {', '.join(DECLARED_KEYS)}")
    return decoded


def load_settings(
    raw: Mapping[str, Any], *, project: str, stack: str, location: str | None, component: str | None = None
) -> PlatformSettings:
    """Validate one stack's config (keys without the `adf-databricks:` prefix) into settings.

    With `component`, the values are that component's args, and problems name args keys instead of config keys.
    Raises ConfigError listing every problem; nothing is registered before this returns.
    """
    problems = Problems(prefix="" if component else f"{NAMESPACE}:")
    values = _sections(problems, raw, component)

    def section(key: str, allowed: tuple[str, ...]) -> Section:
        return Section(problems, key, values[key], allowed)

    mode = _choice(problems, "clusterMode", values["clusterMode"] or "existingCluster", ClusterMode, None)
    auth = _choice(problems, "auth", values["auth"] or "accessToken", AuthMode, AuthMode.ACCESS_TOKEN)
    identity = section("managedIdentity", ("userAssigned",))
    user_assigned = identity.flag("userAssigned", False)
    if user_assigned and auth is not AuthMode.MANAGED_IDENTITY:
        problems.add("managedIdentity.userAssigned", "only applies with auth: managedIdentity")

    interactive = section(
        "interactiveCluster",
        (
            "enabled",
            "nodeType",
            "numWorkers",
            "autoscale",
            "singleNode",
            "autoterminationMinutes",
            *_CLUSTER_OPTION_KEYS,
        ),
    )
    job = section("jobCluster", ("nodeType", "workers", "initScripts", "logDestination", *_CLUSTER_OPTION_KEYS))
    pool = section(
        "instancePool",
        (
            "nodeType",
            "workers",
            "minIdleInstances",
            "maxCapacity",
            "idleInstanceAutoterminationMinutes",
            "initScripts",
            "logDestination",
            *_CLUSTER_OPTION_KEYS,
        ),
    )
    wants_interactive = interactive.flag("enabled", mode is ClusterMode.EXISTING_CLUSTER)
    if mode is ClusterMode.EXISTING_CLUSTER and not wants_interactive:
        problems.add("interactiveCluster.enabled", "existingCluster mode needs the interactive cluster; remove false")
    needed = {
        interactive: wants_interactive,
        job: mode is ClusterMode.NEW_JOB_CLUSTER,
        pool: mode is ClusterMode.INSTANCE_POOL,
    }
    for cluster_section, required in needed.items():
        if required and not _filled(cluster_section):
            problems.add(
                cluster_section.key,
                f"is required (clusterMode is {mode.value if mode else '?'}): set sparkVersion, nodeType and the size",
            )

    interactive_spec = _interactive_cluster(interactive) if _filled(interactive) else None
    job_spec = _job_cluster(job) if _filled(job) else None
    pool_spec = _instance_pool(pool) if _filled(pool) else None

    if not location:
        problems.items.append(
            f"{'location' if component else 'azure-native:location'}: is required (the Azure region, e.g. westeurope)"
        )
    existing_group = values["existingResourceGroupName"] or None
    if isinstance(existing_group, str):
        for problem in naming.RESOURCE_GROUP.problems(existing_group):
            problems.add("existingResourceGroupName", f"{existing_group!r}: {problem}")
    tags = _string_map(problems, "tags", values["tags"] or {}, _tag_problem)

    settings = PlatformSettings(
        project=project,
        stack=stack,
        location=location or "",
        cluster_mode=mode or ClusterMode.EXISTING_CLUSTER,
        auth=auth or AuthMode.ACCESS_TOKEN,
        user_assigned_identity=user_assigned,
        workspace=_workspace(section("workspace", ("sku", "noPublicIp", "publicNetworkAccess", "vnet"))),
        interactive_cluster=interactive_spec if wants_interactive else None,
        job_cluster=job_spec if mode is ClusterMode.NEW_JOB_CLUSTER else None,
        instance_pool=pool_spec if mode is ClusterMode.INSTANCE_POOL else None,
        token=_token(section("token", ("lifetimeDays", "rotationDays"))),
        key_vault=_key_vault(section("keyVault", ("publicNetworkAccess", "defaultAction", "allowedIpRanges"))),
        factory_public_network_access=section("dataFactory", ("publicNetworkAccess",)).choice(
            "publicNetworkAccess", NetworkAccess, NetworkAccess.ENABLED
        )
        or NetworkAccess.ENABLED,
        linked_service=_linked_service(
            section("linkedService", ("name", "description", "annotations", "parameters", "connectVia"))
        ),
        tags=tags,
        existing_resource_group=existing_group,
        names=_names(
            section("names", ("resourceGroup", "workspace", "managedResourceGroup", "keyVault", "dataFactory"))
        ),
        protect=_flag(problems, "protect", values["protect"], False),
    )
    if problems.items:
        raise ConfigError(stack, problems.items, component)
    return settings


def read_config(config: pulumi.Config) -> dict[str, Any]:
    """The project's declared keys as the CLI passed them (missing keys are left out)."""
    return {key: value for key in DECLARED_KEYS if (value := config.get(key)) is not None}


def settings_from_args(args: Mapping[str, Any], *, component: str, project: str, stack: str) -> PlatformSettings:
    """Validate a component's args (the same contract, snake_case) into settings, naming the caller's keys."""
    values = contract.to_contract(args)
    location = values.pop("location", None)
    return load_settings(values, project=project, stack=stack, location=location, component=component)


def stack_args(config: pulumi.Config, location: str | None) -> AdfDatabricksArgs:
    """This stack's config as the component's args. Validates first, so that problems name config keys."""
    raw = read_config(config)
    load_settings(raw, project=pulumi.get_project(), stack=pulumi.get_stack(), location=location)
    decoded = {key: json.loads(v) if key in OBJECT_KEYS and isinstance(v, str) else v for key, v in raw.items()}
    return {**contract.from_contract(decoded), "location": location or ""}
