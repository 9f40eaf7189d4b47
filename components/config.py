"""Config → validated `PlatformSettings`, reporting every problem at once.

Values arrive as the Pulumi CLI hands them to a program: scalars as strings, object-valued keys as
JSON text. Decoded Python values are accepted too, so callers and tests can pass either.

One coercion rule, in `as_int`, `as_bool` and `as_text`, for every key at every depth, because the CLI turns a
top-level `30` into the text "30" while a nested `30` stays a number, and users cannot see the difference:
where a whole number is meant, a quoted whole number is taken; where true/false is meant, the text "true" or
"false" is taken; where text is meant (names, Spark conf, tags), a whole number or true/false is taken as the
text it spells. A decimal number where text is meant is refused with the fix (quote it): YAML has already
changed its spelling (`1.10` reads as 1.1).

Problems name the key as the user wrote it (`adf-databricks:token.lifetimeDays`, or under the consumer's own
key, `data-platform:platform.token.lifetimeDays`) and show values in YAML's words (`true`, `null`, "text").
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import difflib
import ipaddress
import json
import math
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

import pulumi
from pulumi.provider.experimental.util import camel_case

from . import azure_regions, contract, naming, network_config, runtimes
from .args import (
    BUDGET_EARLIEST_MONTH,
    BUDGET_NOTIFICATIONS_MAX,
    BUDGET_THRESHOLDS,
    DATA_FLOW_CORE_COUNTS,
    DEFAULTS,
    RANGE_REASONS,
    RANGES,
    REQUIRED,
    RETIRED_CHOICES,
    SINGLE_USER_MODES,
    AdfDatabricksArgs,
    AuthMode,
    ClusterMode,
    DataSecurityMode,
    WorkspaceSku,
)
from .settings import (
    STANDARD_TAG_NAMES,
    AlertReceiversSpec,
    Autoscale,
    BudgetSpec,
    ClusterSize,
    DataFactorySpec,
    DataFlowRuntimeSpec,
    FixedSize,
    InstancePoolSpec,
    InteractiveClusterSpec,
    JobClusterSpec,
    KeyVaultSpec,
    LinkedServiceParameter,
    LinkedServiceSpec,
    LogAnalyticsSpec,
    ManagedIdentitySpec,
    NameOverrides,
    OperationsSpec,
    PlatformSettings,
    SingleNode,
    TokenSpec,
    VnetInjection,
    WorkspaceSpec,
)

NAMESPACE = "adf-databricks"
# The contract (components/args.py) is the one list of keys; these are views of it.
DECLARED_KEYS = contract.config_keys()
OBJECT_KEYS = contract.object_keys()
SCALAR_KEYS = tuple(key for key in DECLARED_KEYS if key not in OBJECT_KEYS)

INT32_MAX = 2_147_483_647
_MISSING = object()
E = TypeVar("E", bound=Enum)
S = TypeVar("S")
_WORKERS = re.compile(r"\s*(\d+)\s*(?::\s*(\d+)\s*)?")
_SCRIPT_PATH = re.compile(r"(/Workspace/|/Volumes/|dbfs:/)\S+")
SCRIPT_PATHS_ALLOWED = "a path under /Workspace/, /Volumes/ or dbfs:/"
_VNET_ID = re.compile(
    r"/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+",
    re.IGNORECASE,
)
_ADF_PARAMETER_TYPES = ("String", "Int", "Float", "Bool", "Array", "Object", "SecureString")
_TAG_NAME_FORBIDDEN = re.compile(r"[<>%&\\?/]")


KeyPath = tuple[str | int, ...]


def yaml_text(value: Any) -> str:
    """A value as a YAML user writes it: true, null, "text", 30, [a, b], {k: v} — never Python's repr."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        return (".inf" if value > 0 else "-.inf") if math.isinf(value) else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {yaml_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml_text(v) for v in value) + "]"
    return str(value)


def key_text(path: KeyPath) -> str:
    """`("adf-databricks:jobCluster", "sparkConf", "spark.x")` → `adf-databricks:jobCluster.sparkConf["spark.x"]`.

    The path syntax of `pulumi config set --path`: dotted names, `[0]` for list items, `["a.b"]` for keys that are
    not plain names.
    """
    text = str(path[0])
    for part in path[1:]:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            text += f".{part}"
        else:
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text


def did_you_mean(word: str, candidates: tuple[str, ...] | list[str]) -> str:
    """`; did you mean X?` for the closest candidate (ignoring case), or nothing."""
    lowered = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f"; did you mean {lowered[close[0]]}?" if close else ""


def as_int(value: Any) -> int | None:
    """A whole number, also when the CLI or a quoted YAML value made it text ("30"); None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the CLI's JSON cannot tell 30.0 from 30
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
        return int(value)
    return None


def as_bool(value: Any) -> bool | None:
    """true or false, also as the text the CLI passes ("true"); None otherwise (YAML 1.2 has no yes/no/on/off)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def as_text(value: Any) -> str | None:
    """Text, or a whole number or true/false taken as the text it spells; None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 2**53):
        return str(int(value))
    return None


def text_problem(value: Any) -> str:
    """Why `value` is not text, with the fix."""
    if isinstance(value, float):
        return (
            f"{yaml_text(value)}: a decimal number where text is meant; write it in quotes exactly as you mean it "
            "(YAML reads 1.10 as the number 1.1)"
        )
    return f"{yaml_text(value)}: must be text"


@dataclass(frozen=True)
class Problem:
    """One problem: where it is in the stack's config, the key as the user wrote it, and what is allowed."""

    path: KeyPath
    """Into the stack file's `config:` mapping: the top-level key (`adf-databricks:token`), then nested keys."""
    message: str

    @property
    def key(self) -> str:
        return key_text(self.path)

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


class ConfigError(pulumi.RunError):
    """Invalid stack config. A RunError, so Pulumi prints it without a traceback."""

    def __init__(self, stack: str, problems: list[Problem] | list[str], component: str | None = None) -> None:
        self.stack = stack
        self.component = component
        self.issues = [
            p if isinstance(p, Problem) else Problem((p.split(": ", 1)[0],), p.split(": ", 1)[-1]) for p in problems
        ]
        self.problems = [str(p) for p in self.issues]
        lines = "\n".join(f"  - {p}" for p in self.problems)
        plural = "s" if len(self.problems) != 1 else ""
        header = (
            f"Stack '{stack}' has {len(self.problems)} configuration problem{plural} "
            f"(nothing was created; fix the stack's config, Pulumi.{stack}.yaml)"
            if component is None
            else f"AdfDatabricks '{component}' (stack '{stack}') has {len(self.problems)} problem{plural} in its "
            f"args (nothing was created)"
        )
        super().__init__(f"{header}:\n{lines}")


class Problems:
    """Collects problems, each naming the full config key, so all can be reported together.

    `root` is where the settings sit in the stack's config: `("adf-databricks:",)` when each setting is its own
    project key (`adf-databricks:token`), `("data-platform:platform",)` when a program keeps them under one key, or
    `()` for a component's args, named as the schema spells them (`token.lifetimeDays`).
    """

    def __init__(self, root: KeyPath = (f"{NAMESPACE}:",)) -> None:
        self.root = root
        self.found: list[Problem] = []
        self.refused: set[KeyPath] = set()
        """The keys with a problem, relative to the settings (`("token", "rotationDays")`)."""
        self.warnings: list[Problem] = []
        """What is allowed but ages or goes unchecked: reported without stopping anything, by the component under
        its own name, so each names its key relative to the settings (`jobCluster.sparkVersion`)."""

    @property
    def items(self) -> list[str]:
        return [str(p) for p in self.found]

    def path(self, parts: KeyPath) -> KeyPath:
        if self.root and str(self.root[-1]).endswith(":"):  # each setting is a top-level key: namespace:setting
            return (*self.root[:-1], f"{self.root[-1]}{parts[0]}", *parts[1:]) if parts else self.root
        return (*self.root, *parts)

    def add(self, key: str, message: str) -> None:
        """`key` is dotted, relative to the settings (`token.lifetimeDays`)."""
        self.add_at(tuple(key.split(".")), message)

    def add_at(self, parts: KeyPath, message: str) -> None:
        self.found.append(Problem(self.path(parts), message))
        self.refused.add(parts)

    def add_key(self, full_key: str, message: str) -> None:
        """A key outside the settings, e.g. `azure-native:location`."""
        self.found.append(Problem((full_key,), message))


class Section:
    """One object-valued config key (or a nested object): typed reads that record problems."""

    def __init__(
        self, problems: Problems, key: str, raw: Any, allowed: tuple[str, ...], path: KeyPath | None = None
    ) -> None:
        self.problems = problems
        self.key = key
        self.path: KeyPath = path if path is not None else tuple(key.split("."))
        self.values: Mapping[str, Any] = {}
        self.invalid = False
        if raw is None:
            return
        if not isinstance(raw, Mapping):
            problems.add_at(self.path, f"{yaml_text(raw)}: must be an object with keys {', '.join(allowed)}")
            self.invalid = True
            return
        self.values = raw
        for unknown in sorted(set(raw) - set(allowed), key=str):
            problems.add_at(
                (*self.path, str(unknown)),
                f"is not a known key{did_you_mean(str(unknown), allowed)} (allowed: {', '.join(allowed)})",
            )

    def at(self, name: str | int) -> KeyPath:
        return (*self.path, name)

    @property
    def empty(self) -> bool:
        return not self.values

    def has(self, name: str) -> bool:
        return self.values.get(name) is not None

    def _get(self, name: str, required: bool) -> Any:
        value = self.values.get(name)
        if value is None and required:
            self.problems.add_at(self.at(name), "is required")
        return value

    def text(self, name: str, required: bool = False) -> str | None:
        """Text; a key the contract requires (`REQUIRED`) is reported missing, a name is held to its naming rule."""
        path = f"{self.key}.{name}"
        value = self._get(name, required or path in REQUIRED)
        if value is None:
            return None
        text = as_text(value)
        if text is None:
            self.problems.add_at(self.at(name), text_problem(value))
            return None
        if not text.strip():
            self.problems.add_at(self.at(name), f"{yaml_text(value)}: must not be empty")
            return None
        rule = naming.RULES_BY_KEY.get(path)
        for problem in rule.problems(text) if rule else []:
            self.problems.add_at(self.at(name), f"{yaml_text(text)}: {problem}")
        return text

    def integer(self, name: str, fallback: int = 0) -> int:
        """A whole number within the contract's range for this key; its default (or `fallback`) when unset."""
        default = int(DEFAULTS.get(f"{self.key}.{name}", fallback))
        low, high = RANGES[f"{self.key}.{name}"]
        value = self.values.get(name)
        if value is None:
            return default
        number = as_int(value)
        if number is None or not low <= number <= high:
            reason = RANGE_REASONS.get(f"{self.key}.{name}")
            self.problems.add_at(
                self.at(name),
                f"{yaml_text(value)}: must be a whole number from {low} to {high}" + (f": {reason}" if reason else ""),
            )
            return default
        return number

    def flag(self, name: str, otherwise: bool = False) -> bool:
        """true or false; unset (or refused), the declared default, else `otherwise` (a default that depends on
        other keys, e.g. interactiveCluster.enabled)."""
        default = bool(DEFAULTS.get(f"{self.key}.{name}", otherwise))
        value = self.values.get(name)
        if value is None:
            return default
        flag = as_bool(value)
        if flag is None:
            self.problems.add_at(self.at(name), f"{yaml_text(value)}: {BOOL_ALLOWED}")
            return default
        return flag

    def choice(self, name: str, enum: type[E]) -> E | None:
        """One of the key's declared choices; unset (or refused), its declared default, else None."""
        path = f"{self.key}.{name}"
        default = enum(DEFAULTS[path]) if path in DEFAULTS else None
        value = self.values.get(name)
        if value is None:
            return default
        return _choice(self.problems, self.at(name), value, enum, default, retired=RETIRED_CHOICES.get(path))

    def chosen(self, name: str, enum: type[E]) -> E:
        """A choice the declaration gives a default, so never None."""
        return self.choice(name, enum) or enum(DEFAULTS[f"{self.key}.{name}"])

    def string_map(self, name: str, check: Callable[[str, str], str | None] | None = None) -> dict[str, str]:
        return _string_map(self.problems, self.at(name), self.values.get(name), check)

    def string_list(self, name: str, pattern: re.Pattern[str] | None = None, what: str = "") -> tuple[str, ...]:
        value = self.values.get(name)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problems.add_at(self.at(name), f"{yaml_text(value)}: must be a list, e.g. [a, b]")
            return ()
        items: list[str] = []
        for index, item in enumerate(value):
            text = as_text(item)
            if not text:
                self.problems.add_at(
                    (*self.at(name), index), text_problem(item) if text is None else "must not be empty"
                )
            elif pattern and not pattern.fullmatch(text):
                self.problems.add_at((*self.at(name), index), f"{yaml_text(text)}: must be {what}")
            else:
                items.append(text)
        return tuple(items)

    def read(self, spec: type[S], **readers: Callable[[], Any]) -> S:
        """This section as its settings dataclass. Each field is the key of the same name, read as the contract types
        it (a choice, true/false, a whole number in its range, text, a list, a map) with its declared default, or by
        the field's own reader, which checks further. Keys are read in the contract's order, so that problems come in
        the order the configuration reference lists the keys; fields that are no key (a shape: `size`) come last."""
        order = {contract.snake_case(key): index for index, key in enumerate(contract.section_keys(self.key))}
        fields = sorted(dataclasses.fields(spec), key=lambda f: order.get(f.name, len(order)))  # type: ignore[arg-type]
        values = {f.name: readers[f.name]() if f.name in readers else self._read(camel_case(f.name)) for f in fields}
        return spec(**values)

    def _read(self, name: str) -> Any:
        path = f"{self.key}.{name}"
        kind = contract.value_type(path)
        container = typing.get_origin(kind)
        if container is list:
            return self.string_list(name)
        if container is dict:
            return self.string_map(name)
        if isinstance(kind, type) and issubclass(kind, Enum):
            return self.chosen(name, kind) if path in DEFAULTS else self.choice(name, kind)
        if kind is str:
            return self.text(name) or DEFAULTS.get(path, "" if path in REQUIRED else None)
        if kind is bool and path not in DEFAULTS:  # no default: unset stays None (e.g. dataFlowRuntime.cleanup)
            return self.flag(name) if self.has(name) else None
        readers: dict[Any, Callable[[str], Any]] = {bool: self.flag, int: self.integer}
        return readers[kind](name)

    def section(self, name: str) -> Section:
        """A nested object, with the keys the contract gives it."""
        key = f"{self.key}.{name}"
        return Section(self.problems, key, self.values.get(name), contract.section_keys(key), self.at(name))


BOOL_ALLOWED = "must be true or false (YAML 1.2: yes, no, on and off are text, not booleans)"


def _string_map(
    problems: Problems, path: KeyPath, value: Any, check: Callable[[str, str], str | None] | None
) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.add_at(path, f"{yaml_text(value)}: must be an object of names to text values, e.g. {{name: value}}")
        return {}
    result: dict[str, str] = {}
    for k, v in value.items():
        text = as_text(v)
        if text is None:
            problems.add_at((*path, str(k)), text_problem(v))
            continue
        problem = check(str(k), text) if check else None
        if problem:
            problems.add_at((*path, str(k)), problem)
        result[str(k)] = text
    return result


def _choice(
    problems: Problems,
    path: KeyPath,
    value: Any,
    enum: type[E],
    default: E | None,
    *,
    retired: Mapping[str, str] | None = None,
) -> E | None:
    for member in enum:
        if value == member.value:
            return member
    if isinstance(value, str) and retired and value in retired:
        problems.add_at(path, f"{yaml_text(value)} is not allowed: {retired[value]}")
        return default
    allowed = [str(m.value) for m in enum]
    hint = did_you_mean(value, allowed) if isinstance(value, str) else ""
    problems.add_at(path, f"{yaml_text(value)} is not allowed{hint} (use one of {' | '.join(allowed)})")
    return default


def _decode(key: str, value: Any) -> Any:
    """The CLI passes object-valued keys as JSON text; text that is not JSON is left for the section to refuse."""
    if key in OBJECT_KEYS and isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    if key in SCALAR_KEYS and isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(value)  # an object where text is meant: show it as the user wrote it
        except json.JSONDecodeError:
            return value
    return value


def parse_workers(value: Any) -> FixedSize | Autoscale | None:
    """ADF's `newClusterNumOfWorker`: "N" or "min:max", whole numbers ≥ 1 (an integer is accepted)."""
    if isinstance(value, bool):
        return None
    number = as_int(value)
    if number is not None and not isinstance(value, str):
        value = str(number)
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


def _custom_tags(section: Section) -> dict[str, str]:
    return section.string_map("customTags", _tag_problem)


def _scripts(section: Section) -> tuple[str, ...]:
    return section.string_list("initScripts", _SCRIPT_PATH, SCRIPT_PATHS_ALLOWED)


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
        return FixedSize(section.integer("numWorkers", fallback=1))
    if chosen == ["singleNode"]:
        if not section.flag("singleNode", otherwise=True):
            section.problems.add(f"{section.key}.singleNode", "only true is meaningful; use numWorkers instead")
        return SingleNode()
    scale = section.section("autoscale")
    low = scale.integer("minWorkers", fallback=1)
    high = scale.integer("maxWorkers", fallback=max(low, 1))
    if low > high:
        section.problems.add(f"{section.key}.autoscale", f"minWorkers ({low}) must be ≤ maxWorkers ({high})")
    return Autoscale(low, high)


def _interactive_cluster(section: Section) -> InteractiveClusterSpec:
    return section.read(
        InteractiveClusterSpec, size=lambda: _interactive_size(section), custom_tags=lambda: _custom_tags(section)
    )


def _workers(section: Section, fixed_only: bool) -> FixedSize | Autoscale:
    raw = section.values.get("workers")
    key = section.at("workers")
    if raw is None:
        section.problems.add_at(key, f"is required: {WORKERS_ALLOWED}")
        return FixedSize(1)
    workers = parse_workers(raw)
    if workers is None:
        section.problems.add_at(key, f"{yaml_text(raw)} is not allowed; use {WORKERS_ALLOWED}")
        return FixedSize(1)
    if fixed_only and isinstance(workers, Autoscale):
        section.problems.add_at(key, f'{yaml_text(raw)}: an instance pool takes a fixed count "N" (N ≥ 1), not min:max')
        return FixedSize(workers.min_workers)
    return workers


def _pool_workers(section: Section) -> FixedSize:
    workers = _workers(section, fixed_only=True)
    return workers if isinstance(workers, FixedSize) else FixedSize(workers.min_workers)


def _job_cluster(section: Section) -> JobClusterSpec:
    return section.read(
        JobClusterSpec,
        workers=lambda: _workers(section, fixed_only=False),
        custom_tags=lambda: _custom_tags(section),
        init_scripts=lambda: _scripts(section),
        log_destination=lambda: _log_destination(section),
    )


def _instance_pool(section: Section) -> InstancePoolSpec:
    spec = section.read(
        InstancePoolSpec,
        workers=lambda: _pool_workers(section),
        custom_tags=lambda: _custom_tags(section),
        init_scripts=lambda: _scripts(section),
        log_destination=lambda: _log_destination(section),
    )
    if spec.min_idle_instances > spec.max_capacity:
        section.problems.add(
            f"{section.key}.minIdleInstances", f"{spec.min_idle_instances} must be ≤ maxCapacity ({spec.max_capacity})"
        )
    if spec.workers.workers + 1 > spec.max_capacity:
        section.problems.add(
            f"{section.key}.maxCapacity",
            f"{spec.max_capacity} cannot hold one run's cluster ({spec.workers.workers} workers + 1 driver)",
        )
    return spec


def _log_destination(section: Section) -> str | None:
    value = section.text("logDestination")
    if value is not None and not value.startswith("dbfs:/"):
        section.problems.add_at(section.at("logDestination"), f"{yaml_text(value)}: must be a dbfs:/ path")
    return value


def _workspace(section: Section) -> WorkspaceSpec:
    return section.read(WorkspaceSpec, vnet=lambda: _vnet(section.section("vnet")))


def _vnet(section: Section) -> VnetInjection | None:
    if section.empty:
        return None
    vnet = section.read(VnetInjection, id=lambda: _vnet_id(section))
    if vnet.public_subnet_name and vnet.public_subnet_name == vnet.private_subnet_name:
        section.problems.add(f"{section.key}.privateSubnetName", "must differ from publicSubnetName")
    return vnet


def _vnet_id(section: Section) -> pulumi.Input[str]:
    wired = section.values.get("id")
    if isinstance(wired, pulumi.Output):  # wired from the caller's own VNet resource: Azure's to check, not ours
        return wired
    vnet_id = section.text("id") or ""
    if vnet_id and not _VNET_ID.fullmatch(vnet_id):
        section.problems.add(
            f"{section.key}.id",
            "must be a virtual network resource id: /subscriptions/<id>/resourceGroups/<rg>"
            "/providers/Microsoft.Network/virtualNetworks/<name>",
        )
    return vnet_id


# Lifecycle row `workspace-pna-private-link`: without front-end private endpoints neither CI nor a laptop reaches
# such a workspace, so the deploy would fail after the workspace exists; network.mode private creates them.
DISABLED_NEEDS_PRIVATE_MODE = (
    "Disabled needs network.mode: private, which creates the private endpoints and DNS the deploy reaches the "
    "workspace through (without them it cannot create clusters and tokens); set network.mode: private (and "
    "network.deployRunner), or use Enabled"
)
_OBJECT_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _token(section: Section) -> TokenSpec:
    spec = section.read(TokenSpec)
    if spec.owner and not _OBJECT_ID.fullmatch(spec.owner):
        section.problems.add(f"{section.key}.owner", f"{spec.owner!r}: must be an object id (a GUID)")
    return spec


def _key_vault(section: Section) -> KeyVaultSpec:
    return section.read(KeyVaultSpec, allowed_ip_ranges=lambda: _ip_ranges(section))


def _ip_ranges(section: Section) -> tuple[str, ...]:
    ranges = section.string_list("allowedIpRanges")
    for index, item in enumerate(ranges):
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            section.problems.add_at(
                (*section.at("allowedIpRanges"), index), f"{yaml_text(item)}: must be an IP address or CIDR range"
            )
    return ranges


def _linked_service(section: Section) -> LinkedServiceSpec:
    return section.read(LinkedServiceSpec, parameters=lambda: _parameters(section))


def _parameters(section: Section) -> dict[str, LinkedServiceParameter]:
    parameters: dict[str, LinkedServiceParameter] = {}
    raw_parameters = section.values.get("parameters") or {}
    if not isinstance(raw_parameters, Mapping):
        section.problems.add_at(
            section.at("parameters"), f"{yaml_text(raw_parameters)}: must be an object of name: {{type, defaultValue}}"
        )
        raw_parameters = {}
    for name, raw in raw_parameters.items():
        at = (*section.at("parameters"), str(name))
        allowed = contract.entry_keys(f"{section.key}.parameters")
        parameter = Section(section.problems, f"{section.key}.parameters.{name}", raw, allowed, at)
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(name)):
            section.problems.add_at(at, "parameter names are letters, digits and _")
        kind = parameter.text("type", required=True)
        if kind is not None and kind not in _ADF_PARAMETER_TYPES:
            section.problems.add_at(
                (*at, "type"),
                f"{yaml_text(kind)} is not allowed{did_you_mean(kind, _ADF_PARAMETER_TYPES)} "
                f"(use one of {' | '.join(_ADF_PARAMETER_TYPES)})",
            )
        parameters[str(name)] = LinkedServiceParameter(kind or "String", parameter.values.get("defaultValue"))
    return parameters


def _factory_parts(
    problems: Problems, values: Mapping[str, Any], section: Callable[[str], Section], private: bool
) -> tuple[LinkedServiceSpec, DataFlowRuntimeSpec | None, DataFactorySpec]:
    """The linked service, the Data Flow runtime and the factory; a private stack's factory goes through its managed
    network (`network_config.factory_in_network`)."""
    link = _linked_service(section("linkedService"))
    runtime = _data_flow_runtime(section("dataFlowRuntime"))
    factory = section("dataFactory").read(DataFactorySpec)
    if private:
        return network_config.factory_in_network(problems, values, link, runtime, factory)
    return link, runtime, factory


def _data_flow_runtime(section: Section) -> DataFlowRuntimeSpec | None:
    """An empty section: no runtime of ours (Data Flows use ADF's AutoResolve runtime, always cold)."""
    if section.empty:
        return None
    return section.read(DataFlowRuntimeSpec, core_count=lambda: _core_count(section))


def _core_count(section: Section) -> int:
    raw_cores = section.values.get("coreCount", DEFAULTS["dataFlowRuntime.coreCount"])
    core_count = as_int(raw_cores)
    if core_count not in DATA_FLOW_CORE_COUNTS:
        allowed = ", ".join(map(str, DATA_FLOW_CORE_COUNTS))
        section.problems.add(f"{section.key}.coreCount", f"{yaml_text(raw_cores)} is not allowed; use one of {allowed}")
        core_count = DEFAULTS["dataFlowRuntime.coreCount"]
    return int(core_count)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_LOG_ANALYTICS_ID = re.compile(
    r"/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.OperationalInsights/workspaces/[^/]+",
    re.IGNORECASE,
)


def _operations(section: Section) -> OperationsSpec:
    logs, alerts = section.section("logAnalytics"), section.section("alerts")
    return section.read(
        OperationsSpec,
        log_analytics=lambda: logs.read(LogAnalyticsSpec, workspace_id=lambda: _log_analytics_id(logs)),
        alerts=lambda: alerts.read(
            AlertReceiversSpec,
            emails=lambda: alerts.string_list("emails", _EMAIL, "an e-mail address (name@domain)"),
            webhooks=lambda: _webhooks(alerts),
        ),
        budget=lambda: _budget(section.section("budget")),
    )


def _log_analytics_id(section: Section) -> pulumi.Input[str] | None:
    wired = section.values.get("workspaceId")
    if isinstance(wired, pulumi.Output):  # wired from the caller's own workspace resource: Azure's to check, not ours
        return wired
    workspace_id = section.text("workspaceId")
    if workspace_id is not None and not _LOG_ANALYTICS_ID.fullmatch(workspace_id):
        section.problems.add_at(
            section.at("workspaceId"),
            f"{yaml_text(workspace_id)}: must be a Log Analytics workspace resource id: /subscriptions/<id>/"
            "resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>",
        )
    return workspace_id


def _webhooks(section: Section) -> tuple[str, ...]:
    """HTTPS URLs; a refused one is named by its position, never shown: it may carry a token."""
    raw = section.values.get("webhooks")
    urls = section.string_list("webhooks") if isinstance(raw, list) else ()
    if raw is not None and not isinstance(raw, list):
        section.problems.add_at(section.at("webhooks"), "must be a list of https:// URLs")
    for index, url in enumerate(urls):
        if not re.fullmatch(r"https://[^\s/?#]+\S*", url):
            section.problems.add_at((*section.at("webhooks"), index), "must be an https:// URL (value not shown)")
    return urls


def _budget(section: Section) -> BudgetSpec | None:
    if section.empty:
        return None
    amount = section.integer("amount") if section.has("amount") else None
    if amount is None:
        section.problems.add_at(section.at("amount"), "is required with a budget (the monthly amount)")
    start = section.text("startMonth")
    match = _MONTH.fullmatch(start or "")
    if start is not None and (not match or start < BUDGET_EARLIEST_MONTH):
        section.problems.add_at(
            section.at("startMonth"),
            f"{yaml_text(start)}: must be a month YYYY-MM from {BUDGET_EARLIEST_MONTH} on (Azure starts a budget on "
            "the first of a month; write it out, the deploy's date is never used)",
        )
    return BudgetSpec(amount=amount or 1, start_month=start or BUDGET_EARLIEST_MONTH, thresholds=_thresholds(section))


def _thresholds(section: Section) -> tuple[int, ...]:
    raw = section.values.get("thresholds", DEFAULTS[f"{section.key}.thresholds"])
    low, high = BUDGET_THRESHOLDS
    allowed = f"a list of 1 to {BUDGET_NOTIFICATIONS_MAX} different whole percentages from {low} to {high}"
    numbers = [as_int(v) for v in raw] if isinstance(raw, list) else [None]
    valid = [n for n in numbers if n is not None and low <= n <= high]
    if len(valid) != len(numbers) or not 1 <= len(set(valid)) == len(valid) <= BUDGET_NOTIFICATIONS_MAX:
        section.problems.add_at(section.at("thresholds"), f"{yaml_text(raw)}: must be {allowed}")
        return tuple(DEFAULTS[f"{section.key}.thresholds"])
    return tuple(valid)


_STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")


def _stack_name_problems(stack: str) -> list[str]:
    """The Pulumi CLI's stack-name rule (pulumi/pulumi sdk/go/common/tokens/stack_name.go, `ParseStackName`, used by
    the DIY and Pulumi Cloud backends alike): 1-100 characters, each a letter, digit, _, . or -."""
    if _STACK_NAME.fullmatch(stack):
        return []
    bad = next((i for i, c in enumerate(stack) if not _STACK_NAME.fullmatch(c)), None)
    found = f"{len(stack)} characters" if bad is None else f"invalid character {stack[bad]!r} at position {bad}"
    fixed = re.sub(r"[^A-Za-z0-9_.-]+", "-", stack).strip("-")[:100] or "dev"
    return [
        f"the Pulumi CLI refuses this stack name ({found}): stack names are 1-100 characters, each a letter, digit, "
        f"_, . or -; rename the stack and its file, e.g. Pulumi.{fixed}.yaml"
    ]


def _flag(problems: Problems, key: str, value: Any) -> bool:
    """A top-level true/false key; unset (or refused), its declared default."""
    default = bool(DEFAULTS[key])
    if value is None or value == "":
        return default
    flag = as_bool(value)
    if flag is None:
        problems.add(key, f"{yaml_text(value)}: {BOOL_ALLOWED}")
        return default
    return flag


def _text_key(problems: Problems, key: str, value: Any) -> str | None:
    """A top-level text key (the CLI passes text; a stack file may hold a number)."""
    if value is None or value == "":
        return None
    text = as_text(value)
    if text is None:
        problems.add(key, text_problem(value))
    return text


def _filled(section: Section) -> bool:
    """A cluster section with more than the `enabled` switch in it."""
    return bool(set(section.values) - {"enabled"})


def decode_config(raw: Any) -> Any:
    """The CLI's text decoded, once: one object-valued key (`config_key`) or each object-valued key comes as JSON
    text. What is not valid JSON is left as it is, for the validator to refuse in the user's words."""
    if isinstance(raw, str):
        with contextlib.suppress(json.JSONDecodeError):
            raw = json.loads(raw)
    if isinstance(raw, Mapping):
        return {key: _decode(key, value) for key, value in raw.items()}
    return raw


def _sections(problems: Problems, raw: Any) -> dict[str, Any]:
    raw = decode_config(raw)
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        problems.add_at((), f"{yaml_text(raw)}: must be an object of settings ({', '.join(DECLARED_KEYS)})")
        raw = {}
    decoded = {key: raw.get(key) for key in DECLARED_KEYS}
    for unknown in sorted(set(raw) - set(DECLARED_KEYS), key=str):
        problems.add_at(
            (str(unknown),),
            f"is not a known setting{did_you_mean(str(unknown), DECLARED_KEYS)} (known: {', '.join(DECLARED_KEYS)})",
        )
    return decoded


def load_settings(
    raw: Mapping[str, Any] | str | None,
    *,
    project: str,
    stack: str,
    location: str | None,
    config_key: str | None = None,
    component: str | None = None,
) -> PlatformSettings:
    """Validate one stack's config into settings.

    `raw` holds the settings without any prefix (`{"clusterMode": ..., "token": {...}}`), as decoded values or as
    the CLI passes them (text, JSON text). By default each setting is a key of the project's own namespace
    (`<project>:token`), as `read_config` reads them; a program that keeps them all under one key of its own
    passes that key as `config_key` (e.g. "platform" for `<project>:platform`), so that problems name the keys
    its users wrote. With `component`, `raw` are that component's args and problems name them as the schema spells
    them (`token.lifetimeDays`). Raises ConfigError listing every problem; nothing is registered before this returns.
    """
    root: KeyPath = () if component else (f"{project}:{config_key}",) if config_key else (f"{project}:",)
    problems = Problems(root)
    values = _sections(problems, raw)

    def section(key: str) -> Section:
        return Section(problems, key, values[key], contract.section_keys(key))

    mode = _choice(
        problems,
        ("clusterMode",),
        _text_key(problems, "clusterMode", values["clusterMode"]) or DEFAULTS["clusterMode"],
        ClusterMode,
        None,
    )
    auth = _choice(
        problems,
        ("auth",),
        _text_key(problems, "auth", values["auth"]) or DEFAULTS["auth"],
        AuthMode,
        DEFAULTS["auth"],
    )
    managed_identity = section("managedIdentity").read(ManagedIdentitySpec)

    interactive = section("interactiveCluster")
    job = section("jobCluster")
    pool = section("instancePool")
    wants_interactive = interactive.flag("enabled", otherwise=mode is ClusterMode.EXISTING_CLUSTER)
    if mode is ClusterMode.EXISTING_CLUSTER and not wants_interactive:
        problems.add("interactiveCluster.enabled", "existingCluster mode needs the interactive cluster; remove false")
    needed = {
        interactive: wants_interactive,
        job: mode is ClusterMode.NEW_JOB_CLUSTER,
        pool: mode is ClusterMode.INSTANCE_POOL,
    }
    for cluster_section, required in needed.items():
        if required and not _filled(cluster_section) and not cluster_section.invalid:
            problems.add(
                cluster_section.key,
                f"is required (clusterMode is {mode.value if mode else '?'}): set sparkVersion, nodeType and the size",
            )

    interactive_spec = _interactive_cluster(interactive) if _filled(interactive) else None
    job_spec = _job_cluster(job) if _filled(job) else None
    pool_spec = _instance_pool(pool) if _filled(pool) else None

    location_key = "location" if component else "azure-native:location"
    if not location:
        problems.add_key(location_key, "is required (the Azure region, e.g. westeurope)")
    elif not azure_regions.is_region(location):
        hint = did_you_mean(azure_regions.normalized(location), sorted(azure_regions.REGIONS))
        problems.add_key(
            location_key,
            f"{yaml_text(location)}: is not an Azure region{hint} (write a region's name, e.g. westeurope, or its "
            "display name, e.g. West Europe: Azure ignores case and spaces)",
        )
    for problem in _stack_name_problems(stack):
        problems.add_key("stack", f"{yaml_text(stack)}: {problem}")
    wired_group = values["existingResourceGroupName"]
    # A caller may wire the group from its own resource: an Output is Azure's to check, not ours.
    existing_group: pulumi.Input[str] | None = (
        wired_group
        if isinstance(wired_group, pulumi.Output)
        else _text_key(problems, "existingResourceGroupName", wired_group)
    )
    if isinstance(existing_group, str):
        for problem in naming.RESOURCE_GROUP.problems(existing_group):
            problems.add("existingResourceGroupName", f"{yaml_text(existing_group)}: {problem}")
    tags = _string_map(problems, ("tags",), values["tags"], _tag_problem)
    names = section("names").read(NameOverrides)

    workspace_spec = _workspace(section("workspace"))
    key_vault_spec = _key_vault(section("keyVault"))
    network = network_config.network(section("network"))
    if network.is_private:  # the endpoints answer only inside the network: public access goes off
        workspace_spec, key_vault_spec = network_config.private_endpoints(
            problems, values, workspace_spec, key_vault_spec
        )
    link_spec, runtime_spec, factory_spec = _factory_parts(problems, values, section, network.is_private)
    settings = PlatformSettings(
        project=project,
        stack=stack,
        location=location or "",
        cluster_mode=mode or DEFAULTS["clusterMode"],
        auth=auth or DEFAULTS["auth"],
        managed_identity=managed_identity,
        workspace=workspace_spec,
        interactive_cluster=interactive_spec if wants_interactive else None,
        job_cluster=job_spec if mode is ClusterMode.NEW_JOB_CLUSTER else None,
        instance_pool=pool_spec if mode is ClusterMode.INSTANCE_POOL else None,
        token=_token(section("token")),
        key_vault=key_vault_spec,
        data_factory=factory_spec,
        linked_service=link_spec,
        data_flow_runtime=runtime_spec,
        tags=tags,
        existing_resource_group_name=existing_group,
        names=names,
        network=network,
        protect=_flag(problems, "protect", values["protect"]),
        operations=_operations(section("operations")),
    )
    _apply_rules(problems, settings)
    if problems.found:
        raise ConfigError(stack, problems.found, component)
    return dataclasses.replace(settings, warnings=tuple(str(w) for w in problems.warnings))


Finding = tuple[str | KeyPath, dict[str, str]]
"""Where a rule is broken (a dotted key relative to the settings, or a path of parts) and its message's fields."""


@dataclass(frozen=True)
class Rule:
    """One rule across keys, checked on the settings once every key has been read."""

    name: str
    keys: tuple[str, ...]
    """The keys the rule relates (a problem names the one to change)."""
    message: str
    """What the user reads; `{field}`s come from `find`."""
    source: str
    """Why the rule holds: a lifecycle row, a provider's documentation or issue."""
    find: Callable[[PlatformSettings], Iterable[Finding]]
    warn: bool = False
    """Reported without stopping anything (what is allowed but ages)."""


def _clusters(settings: PlatformSettings) -> tuple[tuple[str, Any], ...]:
    return (
        ("interactiveCluster", settings.interactive_cluster),
        ("jobCluster", settings.job_cluster),
        ("instancePool", settings.instance_pool),
    )


def _repeated_cluster_tags(settings: PlatformSettings) -> Iterator[Finding]:
    inherited = set(settings.azure_tags)
    for key, spec in _clusters(settings):
        for tag in sorted(set(spec.custom_tags if spec else ()) & inherited):
            yield f"{key}.customTags.{tag}", {}


def _pool_driver(settings: PlatformSettings) -> Iterator[Finding]:
    if settings.instance_pool and settings.instance_pool.driver_node_type:
        yield "instancePool.driverNodeType", {}


def _auto_mode(settings: PlatformSettings, keys: tuple[str, ...]) -> Iterator[Finding]:
    for key, spec in _clusters(settings):
        if key in keys and spec and spec.data_security_mode is DataSecurityMode.DATA_SECURITY_MODE_AUTO:
            yield f"{key}.dataSecurityMode", {}


def _single_user(settings: PlatformSettings) -> tuple[str, str] | None:
    """The interactive cluster's access mode, as the single-user rules name it, and its single user."""
    cluster = settings.interactive_cluster
    if cluster is None:
        return None
    mode = cluster.data_security_mode
    return ("unset" if mode is None else mode.value), cluster.single_user_name or ""


def _single_user_with_identity(settings: PlatformSettings) -> Iterator[Finding]:
    found = _single_user(settings)
    if found and found[0] in SINGLE_USER_MODES and settings.auth is AuthMode.MANAGED_IDENTITY:
        yield "interactiveCluster.dataSecurityMode", {"mode": found[0]}


def _single_user_unnamed(settings: PlatformSettings) -> Iterator[Finding]:
    found = _single_user(settings)
    if found and found[0] in SINGLE_USER_MODES and settings.auth is not AuthMode.MANAGED_IDENTITY and not found[1]:
        yield "interactiveCluster.singleUserName", {"mode": found[0]}


def _single_user_unused(settings: PlatformSettings) -> Iterator[Finding]:
    found = _single_user(settings)
    if found and found[0] not in SINGLE_USER_MODES and found[1]:
        yield "interactiveCluster.singleUserName", {"mode": found[0]}


def _runtimes(settings: PlatformSettings, refused: bool) -> Iterator[Finding]:
    day = runtimes.today()
    for key, spec in _clusters(settings):
        version = spec.spark_version if spec else ""
        verdict = runtimes.judge(version, day) if version else None
        if verdict and verdict.support.refused is refused and (refused or verdict.reason):
            yield f"{key}.sparkVersion", {"version": yaml_text(version), "reason": verdict.reason}


def _tag_names(settings: PlatformSettings, standard: bool) -> Iterator[Finding]:
    """User tags named like a standard tag (`standard`), or like an earlier user tag, in Azure's eyes (no case)."""
    seen: dict[str, str] = {}
    for name in settings.tags:
        folded = name.casefold()
        if standard and folded in STANDARD_TAG_NAMES:
            yield ("tags", name), {"standard": folded, "names": ", ".join(STANDARD_TAG_NAMES)}
        elif not standard and folded not in STANDARD_TAG_NAMES and folded in seen:
            yield ("tags", name), {"first": seen[folded]}
        seen.setdefault(folded, name)


def _user_assigned_without_identity_auth(settings: PlatformSettings) -> Iterator[Finding]:
    if settings.managed_identity.user_assigned and settings.auth is not AuthMode.MANAGED_IDENTITY:
        yield "managedIdentity.userAssigned", {}


def _existing_group(settings: PlatformSettings) -> str | None:
    """The existing group's name where it is plain text (an Output, wired by a caller, is Azure's to check)."""
    existing = settings.existing_resource_group_name
    return existing if isinstance(existing, str) and existing else None


def _group_name_ignored(settings: PlatformSettings) -> Iterator[Finding]:
    existing = _existing_group(settings)
    if existing and settings.names.resource_group:
        yield "names.resourceGroup", {"existing": yaml_text(existing)}


def _managed_group_is_the_workspace_group(settings: PlatformSettings) -> Iterator[Finding]:
    existing, names = _existing_group(settings), settings.names
    derived = naming.derive_names(settings.project, settings.stack, "", names)
    if derived.managed_resource_group.lower() == (existing or derived.resource_group).lower():
        key = (
            "names.managedResourceGroup"
            if names.managed_resource_group
            else ("existingResourceGroupName" if existing else "names.resourceGroup")
        )
        yield key, {"managed": yaml_text(derived.managed_resource_group)}


def _serverless_without_premium(settings: PlatformSettings) -> Iterator[Finding]:
    sku = settings.workspace.sku
    if settings.cluster_mode is ClusterMode.SERVERLESS and sku is not WorkspaceSku.PREMIUM:
        yield "workspace.sku", {"sku": repr(sku.value)}


def _token_expires_before_rotation(settings: PlatformSettings) -> Iterator[Finding]:
    token = settings.token
    if token.expires_before_rotation:
        yield "token.rotationDays", {"rotation": str(token.rotation_days), "lifetime": str(token.lifetime_days)}


def _cold_runtime_without_cleanup(settings: PlatformSettings) -> Iterator[Finding]:
    runtime = settings.data_flow_runtime
    if runtime and runtime.cleanup is False and not runtime.warm:
        yield "dataFlowRuntime.cleanup", {}


def _diagnostics_without_premium(settings: PlatformSettings) -> Iterator[Finding]:
    if settings.operations.diagnostics and settings.workspace.sku is not WorkspaceSku.PREMIUM:
        yield "operations.diagnostics", {"sku": settings.workspace.sku.value}


def _prod_without_receivers(settings: PlatformSettings) -> Iterator[Finding]:
    if settings.protect and not settings.operations.has_receivers:
        yield "operations.alerts", {}


def _log_analytics_unused(settings: PlatformSettings) -> Iterator[Finding]:
    if settings.operations.log_analytics.workspace_id is not None and not settings.operations.diagnostics:
        yield "operations.logAnalytics.workspaceId", {}


RULES: tuple[Rule, ...] = (
    Rule(
        "a user-assigned identity only with identity auth",
        ("managedIdentity.userAssigned", "auth"),
        "only applies with auth: managedIdentity",
        "components/args.py, `ManagedIdentity`: the identity is what the factory authenticates as with auth "
        "managedIdentity; with a token nothing would use it",
        _user_assigned_without_identity_auth,
    ),
    Rule(
        "one way to name the resource group",
        ("names.resourceGroup", "existingResourceGroupName"),
        "is ignored next to existingResourceGroupName ({existing}); remove one of them",
        "the component deploys into the existing group and creates none, so the override would name nothing",
        _group_name_ignored,
    ),
    Rule(
        "the managed resource group is not the workspace's own",
        ("names.managedResourceGroup", "existingResourceGroupName", "names.resourceGroup"),
        "the workspace's managed resource group ({managed}) must differ from the group the workspace is deployed "
        "into: Azure creates the managed group itself and refuses one that exists",
        'databricks-constraints.md, "Managed resource group": it must not exist before the workspace, which owns it',
        _managed_group_is_the_workspace_group,
    ),
    Rule(
        "serverless needs a premium workspace",
        ("workspace.sku", "clusterMode"),
        "{sku}: clusterMode serverless needs sku premium (serverless jobs and Unity Catalog are premium features)",
        "lifecycle row `serverless-vs-pools`: serverless jobs need a Unity Catalog-enabled workspace, a premium "
        "feature; enabling Unity Catalog itself is an account admin's step this program cannot check",
        _serverless_without_premium,
    ),
    Rule(
        "a token is replaced before it expires",
        ("token.rotationDays", "token.lifetimeDays"),
        "{rotation} must be below lifetimeDays ({lifetime}): the token would expire before it is replaced",
        "lifecycle row `rotating-on-refresh`: else Data Factory runs fail in between (the range of rotationDays "
        "keeps it below 90 days: `pat-lifecycle`, args.RANGE_REASONS)",
        _token_expires_before_rotation,
    ),
    Rule(
        "a cold data flow runtime keeps ADF's cleanup",
        ("dataFlowRuntime.cleanup", "dataFlowRuntime.timeToLiveMinutes"),
        "false keeps a warm cluster for the next run: it needs timeToLiveMinutes > 0",
        "lifecycle row `dataflow-vs-linked-service`: cleanup false only matters while the TTL keeps the cluster",
        _cold_runtime_without_cleanup,
    ),
    Rule(
        "cluster tags are the workspace's",
        ("interactiveCluster.customTags", "jobCluster.customTags", "instancePool.customTags", "tags"),
        "the workspace already tags every cluster with this key (from tags or the built-in "
        "project/environment/managed-by); remove it here",
        "lifecycle row `default-tags`: Databricks stores a repeated key as x_<key>, so every refresh reports a diff "
        "and every `up` edits (restarts) the cluster",
        _repeated_cluster_tags,
    ),
    Rule(
        "a pool's clusters take its node type",
        ("instancePool.driverNodeType", "instancePool.nodeType"),
        "Data Factory ignores a driver node type for clusters from a pool: the pool's nodeType is used for "
        "driver and workers; remove it",
        "lifecycle row `pool-tags`",
        _pool_driver,
    ),
    Rule(
        "no AUTO access mode on the interactive cluster",
        ("interactiveCluster.dataSecurityMode",),
        "DATA_SECURITY_MODE_AUTO is not supported on the interactive cluster: it reports the mode Databricks "
        "picks, so every refresh would differ and restart it; choose the mode (e.g. USER_ISOLATION, SINGLE_USER)",
        "terraform-provider-databricks #4909: the cluster reports the mode Databricks chose, never AUTO",
        lambda s: _auto_mode(s, ("interactiveCluster",)),
    ),
    Rule(
        "no AUTO access mode through the linked service",
        ("jobCluster.dataSecurityMode", "instancePool.dataSecurityMode"),
        "DATA_SECURITY_MODE_AUTO needs the cluster kind field, which Data Factory's linked service does not "
        "send, so Databricks would refuse each run's cluster; choose the mode: USER_ISOLATION (standard) or "
        "SINGLE_USER (dedicated)",
        "lifecycle row `access-mode-kind` (STANDARD and DEDICATED go out as their classic aliases; AUTO has none)",
        lambda s: _auto_mode(s, ("jobCluster", "instancePool")),
    ),
    Rule(
        "no single-user cluster with managed-identity auth",
        ("interactiveCluster.dataSecurityMode", "auth"),
        "{mode} is refused with auth managedIdentity: the cluster would serve only the "
        "user named in singleUserName, and Data Factory runs as the factory's managed identity, whose "
        "application id is not known before deploy; use USER_ISOLATION (standard access mode, Unity Catalog "
        "too), or auth accessToken with singleUserName",
        "lifecycle row `single-user-name`: the identity's application id cannot be known when the stack is validated",
        _single_user_with_identity,
    ),
    Rule(
        "a single-user cluster names its user",
        ("interactiveCluster.singleUserName", "interactiveCluster.dataSecurityMode"),
        "is required with dataSecurityMode {mode}: the cluster serves that one user or "
        "service principal only; name the identity that deploys the stack (for CI, its service principal's "
        "application id), whose access token Data Factory runs with",
        "lifecycle row `single-user-name`: activities run as the access token's owner",
        _single_user_unnamed,
    ),
    Rule(
        "a single user only with a single-user mode",
        ("interactiveCluster.singleUserName", "interactiveCluster.dataSecurityMode"),
        "only applies with dataSecurityMode SINGLE_USER ({mode} here); remove it, or set dataSecurityMode: SINGLE_USER",
        "lifecycle row `single-user-name`",
        _single_user_unused,
    ),
    Rule(
        "a runtime within its support",
        ("interactiveCluster.sparkVersion", "jobCluster.sparkVersion", "instancePool.sparkVersion"),
        "{version}: {reason}",
        "lifecycle row `dbr-lts-support`, judged on `runtimes.today()`: ended (or a Scala build not shipped)",
        lambda s: _runtimes(s, refused=True),
    ),
    Rule(
        "a runtime near its end of support",
        ("interactiveCluster.sparkVersion", "jobCluster.sparkVersion", "instancePool.sparkVersion"),
        "{version}: {reason}",
        "lifecycle row `dbr-lts-support`: ending within six months, or not tracked",
        lambda s: _runtimes(s, refused=False),
        warn=True,
    ),
    Rule(
        "private access needs private networking",
        ("workspace.publicNetworkAccess", "network.mode"),
        DISABLED_NEEDS_PRIVATE_MODE,
        "lifecycle row `workspace-pna-private-link`",
        network_config.disabled_without_private,
    ),
    Rule(
        "private networking keeps secure cluster connectivity",
        ("workspace.noPublicIp", "network.mode"),
        "must stay true with network.mode: private: a private workspace drops the Databricks-managed NSG rules "
        "(requiredNsgRules NoAzureDatabricksRules), which needs secure cluster connectivity (no public IP); remove it",
        "lifecycle rows `workspace-pna-private-link`, `private-link` (back-end private link needs secure cluster "
        "connectivity)",
        network_config.private_without_scc,
    ),
    Rule(
        "private networking creates its own subnets",
        ("workspace.vnet", "network.virtualNetworkId"),
        "is for public mode (your existing subnets); with network.mode: private the stack creates and delegates the "
        "subnets itself: name your VNet as network.virtualNetworkId and its free ranges as network.hostSubnet, "
        "containerSubnet and endpointSubnet, then remove workspace.vnet (a deployed workspace is replaced: "
        "docs/networking.md, Migration)",
        "lifecycle row `workspace-creation-only`: the workspace's VNet and subnets are set only at creation",
        network_config.private_with_own_subnets,
    ),
    Rule(
        "a private stack has a deploy path",
        ("network.deployRunner", "network.mode"),
        "{runner} cannot deploy a private stack: it is a standard GitHub-hosted runner, on the public internet, "
        "which the private workspace and vault do not answer (IP access lists are no path: they apply only while "
        "public access is on); name a self-hosted runner, or a GitHub-hosted runner with Azure private networking, "
        "in a VNet peered to the workspace's and linked to the private DNS zones",
        "lifecycle rows `private-link` (the REST API answers only inside the network) and `adf-managed-vnet` "
        "(IP access lists)",
        network_config.private_without_deploy_path,
    ),
    Rule(
        "serverless on a private stack needs an account-level NCC",
        ("clusterMode", "network.mode"),
        "serverless compute reaches the private vault (and any private data) only through a network connectivity "
        "configuration (NCC), an account-level object the workspace-level deploy cannot create: an account admin "
        "creates it in the account console (Security, Network connectivity configurations) or with the account-level "
        "databricks_mws_network_connectivity_config and databricks_mws_ncc_binding, adds private endpoint rules and "
        "approves their connections on the targets; docs/networking.md, Serverless",
        "lifecycle row `ncc`",
        network_config.serverless_on_private,
        warn=True,
    ),
    Rule(
        "no user tag named like a standard tag",
        ("tags",),
        "would replace the standard tag {standard} (Azure compares tag names without case), which the "
        "component sets itself ({names}); choose another name",
        'Azure compares tag names case-insensitively ("Use tags to organize your Azure resources", limitations)',
        lambda s: _tag_names(s, standard=True),
    ),
    Rule(
        "tag names differ in more than case",
        ("tags",),
        "is the same tag as {first} to Azure, which compares tag names without case; keep one",
        'Azure compares tag names case-insensitively ("Use tags to organize your Azure resources", limitations)',
        lambda s: _tag_names(s, standard=False),
    ),
    Rule(
        "workspace diagnostics need premium",
        ("operations.diagnostics", "workspace.sku"),
        "the workspace's diagnostic logs need sku premium ({sku} here): the factory and the vault get diagnostic "
        "settings, the workspace none",
        'learn.microsoft.com, Azure Databricks "Diagnostic log reference": diagnostic logs require the Premium plan',
        _diagnostics_without_premium,
        warn=True,
    ),
    Rule(
        "a prod stack tells someone when a run fails",
        ("operations.alerts", "protect"),
        "no alert receivers in a protected (prod) stack: nobody is told when a pipeline run fails or the budget is "
        "reached; add emails or webhooks",
        "issue 23: alerts that reach a person, on in prod when receivers are given",
        _prod_without_receivers,
        warn=True,
    ),
    Rule(
        "a Log Analytics workspace only with diagnostics",
        ("operations.logAnalytics.workspaceId", "operations.diagnostics"),
        "is unused: nothing sends to it while operations.diagnostics is false; set diagnostics: true or remove it",
        "components/diagnostics.py: only diagnostic settings send to Log Analytics",
        _log_analytics_unused,
        warn=True,
    ),
)
"""The rules across keys, in the order their problems are reported."""


def _apply_rules(problems: Problems, settings: PlatformSettings) -> None:
    """Every rule, judged on values the user wrote validly: a key already refused holds its default, not what the
    user wrote, so no rule reports it again."""
    for rule in RULES:
        for where, fields in rule.find(settings):
            parts = tuple(where.split(".")) if isinstance(where, str) else where
            if parts in problems.refused:
                continue
            message = rule.message.format(**fields)
            if rule.warn:
                problems.warnings.append(Problem(parts, message))
            else:
                problems.add_at(parts, message)


def read_config(config: pulumi.Config) -> dict[str, Any]:
    """The project's declared keys as the CLI passed them (missing keys are left out)."""
    return {key: value for key in DECLARED_KEYS if (value := config.get(key)) is not None}


@dataclass(frozen=True)
class ConfigSource:
    """Where a stack program's args came from: its stack config, as `stack_args` read it.

    The component validates its args once; when they are still what the stack config gave, it validates them as
    that config, so every problem names the key the stack file holds (`adf-databricks:jobCluster.workers`, or
    `data-platform:platform.jobCluster.workers` under a program's own key) and the report says to fix that file.
    """

    config_key: str | None
    """The program's own key that holds every setting, or None for the project's keys (`adf-databricks:token`)."""
    values: Any
    """The config, decoded once: what the validator reads (camelCase)."""
    location: str | None
    """`azure-native:location`."""
    args: Mapping[str, Any]
    """A copy of the args made from it: a program that changes them has made them its own."""

    def settings(self, project: str, stack: str) -> PlatformSettings:
        return load_settings(
            self.values, project=project, stack=stack, location=self.location, config_key=self.config_key
        )


class StackArgs(dict[str, Any]):
    """The component's args read from the stack config, carrying their `ConfigSource`."""

    def __init__(self, args: Mapping[str, Any], source: ConfigSource) -> None:
        super().__init__(args)
        self.source = source


def settings_from_args(args: Mapping[str, Any], *, component: str, project: str, stack: str) -> PlatformSettings:
    """Validate a component's args into settings, once, reporting every problem at once.

    Args that `stack_args` read are validated as the stack config they came from, naming its keys. Args a program
    wrote are the program's: their problems name them as the schema spells them (`jobCluster.workers`). Where a
    program changed what `stack_args` gave, the stack config is judged first (its mistakes stay the stack file's),
    then the args as the program's; only the args' warnings are said.
    """
    source = args.source if isinstance(args, StackArgs) else None
    settings = source.settings(project, stack) if source else None
    if settings is None or source is None or args != source.args:
        values = contract.to_contract(args)
        location = values.pop("location", None)
        settings = load_settings(values, project=project, stack=stack, location=location, component=component)
    for warning in settings.warnings:
        pulumi.log.warn(f"AdfDatabricks '{component}' (stack '{stack}'): {warning}")
    return settings


def stack_args(config: pulumi.Config, location: str | None, config_key: str | None = None) -> AdfDatabricksArgs:
    """This stack's config as the component's args: the project's own keys, or the object under `config_key`.

    Decodes the CLI's text only; the component validates the args once, as this stack's config (`ConfigSource`),
    so that every problem names the key the stack file holds.
    """
    values = decode_config(config.get(config_key) if config_key else read_config(config))
    args = {**contract.from_contract(values if isinstance(values, Mapping) else {}), "location": location or ""}
    source = ConfigSource(config_key, values, location, copy.deepcopy(args))
    return typing.cast(AdfDatabricksArgs, StackArgs(args, source))
