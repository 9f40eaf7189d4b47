"""Everything derived from the contract in `components.args`: key paths, camelCase ↔ snake_case mapping,
Pulumi.yaml's `config:` declarations and the configuration table of docs/configuration.md.

`python -m components.generate` writes the files derived here; a test fails when one is stale.
"""

import ast
import functools
import inspect
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pulumi.provider.experimental.util import camel_case

from .args import DEFAULTS, RANGES, REQUIRED, AdfDatabricksArgs

STACK_ONLY_KEYS = ("location",)
"""Args a stack program takes from elsewhere: `location` comes from `azure-native:location`."""


@dataclass(frozen=True)
class Key:
    """One key of the contract: its camelCase path, Python type and description."""

    path: str
    hint: Any
    description: str

    @property
    def section(self) -> type | None:
        """The TypedDict this key holds, when it is an object of known keys."""
        return _typed_dict(self.hint)

    @property
    def top_level(self) -> bool:
        return "." not in self.path


def snake_case(name: str) -> str:
    """`lifetimeDays` → `lifetime_days`: the Python name of a contract key (the inverse of `camel_case`)."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _unwrap(hint: Any) -> Any:
    """`Required[X]`, `Optional[X]` and `pulumi.Input[X]` all mean X to the contract."""
    origin = typing.get_origin(hint)
    if origin in (typing.Required, typing.NotRequired):
        return _unwrap(typing.get_args(hint)[0])
    if origin is typing.Union:
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        plain = [a for a in members if typing.get_origin(a) is None or typing.get_origin(a) in (dict, list)]
        return _unwrap(plain[0] if plain else members[0])
    return hint


def _typed_dict(hint: Any) -> type | None:
    hint = _unwrap(hint)
    return hint if isinstance(hint, type) and typing.is_typeddict(hint) else None


def _hints(cls: type) -> dict[str, Any]:
    """A TypedDict's annotations as written (Pulumi's `Input` holds a forward reference that is never evaluated)."""
    return dict(inspect.get_annotations(cls))


def _docstrings(cls: type) -> dict[str, str]:
    """Attribute docstrings, as Pulumi's analyzer reads them: the string after each annotated attribute."""
    found: dict[str, str] = {}
    body = ast.parse(inspect.getsource(cls)).body[0]
    assert isinstance(body, ast.ClassDef)
    for node, following in zip(body.body, body.body[1:], strict=False):
        target = node.target if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [None])[0]
        if (
            isinstance(node, ast.AnnAssign | ast.Assign)
            and isinstance(target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[target.id] = " ".join(following.value.value.split())
    return found


@functools.cache
def all_keys() -> tuple[Key, ...]:
    """Every key of the contract, depth first, in declaration order (read once: the validator asks often)."""
    return tuple(_keys(AdfDatabricksArgs, ""))


def _keys(cls: type, prefix: str) -> Iterator[Key]:
    docs = _docstrings(cls)
    for name, hint in _hints(cls).items():
        path = f"{prefix}{camel_case(name)}"
        key = Key(path, hint, docs.get(name, ""))
        yield key
        if key.section is not None:
            yield from _keys(key.section, f"{path}.")


def value_type(path: str) -> Any:
    """The type a key's value has (`Optional`, `Required` and `Input` taken off): bool, int, str, an Enum, ..."""
    return _unwrap(next(k.hint for k in all_keys() if k.path == path))


@functools.cache
def section_keys(path: str = "") -> tuple[str, ...]:
    """The camelCase keys an object at `path` may hold ("" = the top level)."""
    depth = path.count(".") + 1 if path else 0
    return tuple(
        k.path.rsplit(".", 1)[-1]
        for k in all_keys()
        if k.path.count(".") == depth and (not path or k.path.startswith(f"{path}."))
    )


@functools.cache
def entry_keys(path: str) -> tuple[str, ...]:
    """The keys of each entry of a map of objects at `path` (e.g. `linkedService.parameters`)."""
    hint = _unwrap(next(k.hint for k in all_keys() if k.path == path))
    entry = _typed_dict(typing.get_args(hint)[1]) if typing.get_origin(hint) is dict else None
    if entry is None:
        raise KeyError(f"{path} is not a map of objects")
    return tuple(camel_case(name) for name in _hints(entry))


@functools.cache
def config_keys() -> tuple[str, ...]:
    """The project's top-level stack config keys (`adf-databricks:<key>`)."""
    return tuple(k for k in section_keys() if k not in STACK_ONLY_KEYS)


@functools.cache
def object_keys() -> tuple[str, ...]:
    """The top-level config keys whose values are objects (sections, and maps such as `tags`)."""
    return tuple(k.path for k in all_keys() if k.top_level and k.path in config_keys() and _config_type(k.hint) is None)


def _convert(value: Any, cls: type | None, to_camel: bool) -> Any:
    """Rename the keys of `value`, an instance of TypedDict `cls`, and of the TypedDicts nested in it."""
    if cls is None or not isinstance(value, Mapping):
        return value.value if isinstance(value, Enum) else value
    hints = _hints(cls)
    python_names = {camel_case(n): n for n in hints}
    converted: dict[str, Any] = {}
    for key, item in value.items():
        name = str(key) if to_camel else python_names.get(str(key), str(key))
        inner = _unwrap(hints[name]) if name in hints else None
        section = _typed_dict(inner)
        entry_cls = _typed_dict(typing.get_args(inner)[1]) if typing.get_origin(inner) is dict else None
        target = camel_case(name) if to_camel else name
        if entry_cls is not None and isinstance(item, Mapping):
            converted[target] = {k: _convert(v, entry_cls, to_camel) for k, v in item.items()}
        else:
            converted[target] = _convert(item, section, to_camel)
    return converted


def to_contract(args: Mapping[str, Any]) -> dict[str, Any]:
    """Component args (snake_case, enums) → the contract's camelCase values, as the validator reads them.

    Keys the contract does not know pass through (camelCased) so that the validator names them.
    """
    return dict(_convert(args, AdfDatabricksArgs, to_camel=True))


def from_contract(values: Mapping[str, Any]) -> AdfDatabricksArgs:
    """Stack config (camelCase) → component args (snake_case). Maps names only; values are validated later."""
    return typing.cast(AdfDatabricksArgs, _convert(values, AdfDatabricksArgs, to_camel=False))


def default(path: str) -> Any:
    """A top-level key's default in Pulumi.yaml.

    An object's is `{}`: the CLI replaces a default object whole rather than merging it with what a stack
    sets, and a cluster section's mere presence has meaning, so nested defaults are the validator's.
    """
    value = DEFAULTS.get(path, {})
    return value.value if isinstance(value, Enum) else value


def _with_choices(key: Key) -> str:
    """A key's description, followed by what each choice of its enum means (the members' docstrings)."""
    hint = _unwrap(key.hint)
    if not (isinstance(hint, type) and issubclass(hint, Enum)):
        return key.description
    meanings = _docstrings(hint)
    choices = "; ".join(f"{m.value} = {meanings[m.name].rstrip('.')}" if m.name in meanings else m.value for m in hint)
    return f"{key.description} {choices}."


def _described(key: Key) -> str:
    """A section's description, followed by its keys and their defaults."""
    listed = []
    for name in section_keys(key.path):
        path = f"{key.path}.{name}"
        listed.append(f"{name} (default {_yaml(DEFAULTS[path])})" if path in DEFAULTS else name)
    return f"{key.description} Keys: {', '.join(listed)}."


_CONFIG_TYPES = {str: "string", int: "integer", bool: "boolean", list: "array"}


def _config_type(hint: Any) -> str | None:
    """Pulumi.yaml's `type` for a key; None for objects (older CLIs reject `type: object`)."""
    hint = _unwrap(hint)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return "string"
    return _CONFIG_TYPES.get(typing.get_origin(hint) or hint)


def _allowed(key: Key) -> str:
    hint = _unwrap(key.hint)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return " \\| ".join(f"`{m.value}`" for m in hint)
    if key.path in RANGES:
        low, high = RANGES[key.path]
        return f"{low}–{high}" if high < 2_147_483_647 else f"≥ {low}"
    return ""


def config_declarations() -> dict[str, dict[str, Any]]:
    """Pulumi.yaml's `config:` block, derived from the contract."""
    declared: dict[str, dict[str, Any]] = {}
    for key in all_keys():
        if not key.top_level or key.path in STACK_ONLY_KEYS:
            continue
        entry: dict[str, Any] = {}
        kind = _config_type(key.hint)
        if kind:
            entry["type"] = kind
        entry["description"] = _described(key) if key.section is not None else _with_choices(key)
        entry["default"] = default(key.path)
        declared[key.path] = entry
    return declared


def readme_table() -> str:
    """The configuration table of docs/configuration.md: one row per key, with its default and what is allowed."""
    rows = ["| key | default | allowed | what |", "|---|---|---|---|"]
    for key in all_keys():
        if key.path in STACK_ONLY_KEYS or key.section is not None:
            continue
        shown = DEFAULTS.get(key.path)
        rows.append(
            f"| `{key.path}` | {'' if shown is None else f'`{_yaml(shown)}`'} | {_allowed(key)} | {key.description} |"
        )
    return "\n".join(rows)


def _yaml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value == "":
        return '""'
    if value in ([], {}):
        return "[]" if value == [] else "{}"
    return str(value)


SETTINGS_SHAPES: Mapping[str, str] = {
    "interactiveCluster.enabled": "whether settings.interactive_cluster is set at all",
    "interactiveCluster.numWorkers": "settings.interactive_cluster.size (FixedSize): one of three sizes",
    "interactiveCluster.autoscale": "settings.interactive_cluster.size (Autoscale)",
    "interactiveCluster.singleNode": "settings.interactive_cluster.size (SingleNode)",
    "jobCluster.workers": 'parsed from "N" or "min:max" into FixedSize or Autoscale',
    "instancePool.workers": 'parsed from "N" into FixedSize',
    "existingResourceGroupName": 'None when unset (Pulumi.yaml declares "" so that the CLI takes it as optional)',
}
"""Keys the settings model (components/settings.py) holds in another shape or type, each for a reason. Every other
key that holds a value is a field of the generated `components/settings_fields.py`, under its snake_case name."""


@dataclass(frozen=True)
class SettingsField:
    """One generated field of the settings model: a key that holds a value (not a section)."""

    key: Key

    @property
    def name(self) -> str:
        return snake_case(self.key.path.rsplit(".", 1)[-1])

    @property
    def required(self) -> bool:
        """No default: the validator reports the key missing (Required[...] at the top, REQUIRED in a section)."""
        return typing.get_origin(self.key.hint) is typing.Required or self.key.path in REQUIRED

    @property
    def annotation(self) -> str:
        hint = _unwrap(self.key.hint)
        origin = typing.get_origin(hint)
        if origin is list:
            return f"tuple[{_type_name(typing.get_args(hint)[0])}, ...]"
        if origin is dict:
            return "Mapping[str, str]"
        name = "pulumi.Input[str]" if _is_input(self.key.hint) else _type_name(hint)
        return name if self.required or self.key.path in DEFAULTS else f"{name} | None"

    @property
    def default(self) -> str | None:
        """The field's default as source text, read from DEFAULTS (None: required)."""
        origin = typing.get_origin(_unwrap(self.key.hint))
        declared = f'DEFAULTS["{self.key.path}"]' if self.key.path in DEFAULTS else None
        if self.required:
            return None
        if origin is dict:
            return "field(default_factory=dict)"
        if origin is list:
            return f"tuple({declared})" if declared else "()"
        return declared or "None"


def _is_input(hint: Any) -> bool:
    """`pulumi.Input[str]`, a union with `Output` (a forward reference, never evaluated): a value a caller may wire
    from one of its resources."""
    return any(
        isinstance(member, typing.ForwardRef) and member.__forward_arg__.startswith("Output[")
        for member in typing.get_args(hint)
    )


def _type_name(hint: Any) -> str:
    return "object" if hint is Any else hint.__name__


def settings_sections() -> dict[str, tuple[type, tuple[SettingsField, ...]]]:
    """Each section of the contract ("" for the top level), its TypedDict and the fields the settings model takes
    from it: the keys that hold a value, leaving out sections, maps of sections and SETTINGS_SHAPES."""
    classes = {"": AdfDatabricksArgs} | {
        k.path: k.section for k in all_keys() if k.section is not None and k.path not in SETTINGS_SHAPES
    }
    return {
        path: (cls, tuple(SettingsField(k) for k in all_keys() if _parent(k.path) == path and _plain(k)))
        for path, cls in classes.items()
    }


def _parent(path: str) -> str:
    return path.rpartition(".")[0]


def _plain(key: Key) -> bool:
    """A key whose value the settings model holds as it is typed: not a section, not a map of sections, no shape."""
    hint = _unwrap(key.hint)
    holds_sections = typing.get_origin(hint) is dict and _typed_dict(typing.get_args(hint)[1]) is not None
    return key.section is None and not holds_sections and key.path not in SETTINGS_SHAPES
