"""What the Pulumi CLI does with Pulumi.yaml and a stack file before the program runs.

It finds Pulumi.yaml (from the current folder upwards, as the CLI does), validates it against Pulumi's project
schema, reads the stack file as the CLI's YAML parser would, applies `--set` values as `pulumi config set --path`
would, and fills in every declared default the stack file leaves out. What the CLI would refuse (a key the project
does not declare, a key written without its namespace, a key given twice) is collected as a `Finding`, together
with what the CLI lets through but no provider reads (a misspelt namespace or provider key), so that the preview
reports them with the program's own problems, all at once. Fatal problems (no Pulumi.yaml, YAML that does not
parse) raise `ProjectError`, whose message names the file, line and column.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema_rs

from components.config import Problem, did_you_mean, key_text, yaml_text
from components.offline import yamlfile
from components.offline.yamlfile import Document, KeyPath, YamlError

SPECS = Path(__file__).resolve().parent / "specs"
PROJECT_SCHEMA = SPECS / "pulumi-project.schema.json"
PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")
# The top-level keys of a stack file (Pulumi's ProjectStack: pkg/workspace/project.go).
STACK_FILE_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")
OFFLINE_SECRET = "offline-preview-stand-in-for-a-secret"


class ProjectError(Exception):
    """What `pulumi` would refuse before running the program."""


def relative(path: Path) -> str:
    """A path as the user would type it from here: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Finding:
    """One problem, with where the user wrote it: `file:line:column`, or the `--set` option."""

    where: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.key + ': ' if self.key else ''}{self.message}"


@dataclass(frozen=True)
class Project:
    name: str
    directory: Path
    stack_config_dir: Path
    config: dict[str, dict[str, Any]]
    """Declared keys (without the project prefix) → their declaration."""
    main: Path | None = None
    """The program's folder (Pulumi.yaml's `main`); the project folder when not set."""

    def stack_file(self, stack: str) -> Path:
        return self.stack_config_dir / f"Pulumi.{stack}.yaml"

    def stacks(self) -> list[str]:
        return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in self.stack_config_dir.glob("Pulumi.*.yaml"))

    @property
    def program(self) -> Path:
        main = self.main or self.directory
        return main if main.suffix == ".py" else main / "__main__.py"


def find_project(start: Path) -> Path:
    """The folder of the nearest Pulumi.yaml at or above `start`, as `pulumi preview` looks for it."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if any((folder / name).is_file() for name in PROJECT_FILES):
            return folder
    raise ProjectError(
        f"no Pulumi.yaml in {start} or any folder above it: run the preview from your Pulumi project's folder "
        "(where Pulumi.yaml is), or pass --project-dir"
    )


_SCHEMA_TYPES = {
    "string": "text",
    "object": "a mapping",
    "array": "a list",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "null": "null",
}


def _at(value: Any, path: Sequence[str | int]) -> Any:
    """The value at `path` inside `value`: in the schema, a keyword's rule (jsonschema_rs gives its location with
    `$ref`s already followed); in the document, a value as read, not as jsonschema_rs hands it back (whole-valued
    floats stay)."""
    for step in path:
        value = value[step]
    return value


def _schema_order(schema: Any, evaluation: Sequence[str | int]) -> tuple[int, ...]:
    """Where a keyword's check comes in the schema as written: the keywords of an object in order, `then` and `else`
    with their `if`, a `$ref` followed to its target; errors of one subschema are listed in that order."""
    order: list[int] = []
    current = schema
    for step in evaluation:
        if isinstance(current, list) and isinstance(step, int):
            order.append(step)
            current = current[step]
            continue
        if not isinstance(current, dict) or step not in current:
            break
        keys = list(current)
        order.append(keys.index("if" if step in ("then", "else") and "if" in current else step))
        current = current[step]
        if step == "$ref" and isinstance(current, str) and current.startswith("#/"):
            current = _at(schema, current[2:].split("/"))
    return tuple(order)


def _schema_problem(error: jsonschema_rs.ValidationError, document: Any, schema: Any) -> tuple[KeyPath, str]:
    """A project-schema error in YAML's words, at the deepest place it can be pinned to."""
    branches: list[list[jsonschema_rs.ValidationError]] = getattr(error.kind, "context", None) or []
    deeper = [c for branch in branches for c in branch if len(c.instance_path) > len(error.instance_path)]
    if deeper:  # the first of the deepest, in the schema's order
        deepest = max(len(c.instance_path) for c in deeper)
        first = min(
            (c for c in deeper if len(c.instance_path) == deepest),
            key=lambda c: _schema_order(schema, c.evaluation_path),
        )
        return _schema_problem(first, document, schema)
    path: KeyPath = tuple(error.instance_path)
    instance = _at(document, path)
    keyword = error.kind.name
    rule: Any = _at(schema, error.schema_path)
    if keyword == "type":
        kinds = [str(k) for k in (rule if isinstance(rule, list) else [rule])]
        return path, f"{yaml_text(instance)}: must be {' or '.join(_SCHEMA_TYPES.get(k, k) for k in kinds)}"
    if keyword == "enum":
        allowed = " | ".join(str(v) for v in rule)
        return path, f"{yaml_text(instance)} is not allowed (use one of {allowed})"
    if keyword == "required":
        missing = [k for k in rule if isinstance(instance, dict) and k not in instance]
        return path, f"{', '.join(missing)} is required"
    if keyword == "additionalProperties" and isinstance(instance, dict):
        subschema = _at(schema, error.schema_path[:-1])
        known = list(subschema.get("properties", {})) if isinstance(subschema, dict) else []
        extra = [k for k in instance if k not in known]
        return (*path, extra[0]) if extra else path, (
            f"{', '.join(extra)}: not a setting here{did_you_mean(extra[0], known) if extra else ''}"
        )
    if keyword in ("oneOf", "anyOf"):
        return path, f"{yaml_text(instance)}: is not a valid value here"
    if keyword == "minLength":
        return path, f"{instance!r} should be non-empty" if rule == 1 else f"{instance!r} is too short"
    if keyword == "const":
        return path, f"{rule!r} was expected"
    return path, error.message


def _schema_problems(document: dict[str, Any]) -> list[tuple[KeyPath, str]]:
    """What Pulumi's project schema finds wrong in Pulumi.yaml, in the order of the keys' paths."""
    schema = json.loads(PROJECT_SCHEMA.read_text())
    found = jsonschema_rs.Draft202012Validator(schema).iter_errors(document)
    ordered = sorted(found, key=lambda e: ([str(p) for p in e.instance_path], _schema_order(schema, e.evaluation_path)))
    return [_schema_problem(error, document, schema) for error in ordered]


def load_project(directory: Path) -> Project:
    path = next((directory / name for name in PROJECT_FILES if (directory / name).is_file()), None)
    if path is None:
        raise ProjectError(f"no Pulumi.yaml in {relative(directory)}: pass the folder that holds your Pulumi.yaml")
    shown = relative(path)
    try:
        parsed = yamlfile.read(path, shown)
    except YamlError as error:
        raise ProjectError(str(error)) from None
    problems: list[str] = [
        f"{shown}:{second.line}:{second.column}: {key_text(key)} is given twice (first at line {first.line}); "
        "Pulumi refuses a duplicated key"
        for key, first, second in parsed.duplicates
    ]
    document = parsed.value
    if not isinstance(document, dict):
        raise ProjectError(
            f"{shown}: must be a mapping with at least `name:` and `runtime:` (found {yaml_text(document)})"
        )
    for at, message in _schema_problems(document):
        mark = parsed.mark(at)
        where = f"{shown}:{mark.line}:{mark.column}" if mark else shown
        problems.append(f"{where}: {'.'.join(map(str, at)) or '(top level)'}: {message}")
    if problems:
        raise ProjectError(
            f"{shown} is not a valid Pulumi project file (Pulumi's project schema):\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    declared = {
        key.split(":", 1)[-1]: value if isinstance(value, dict) else {"default": value}
        for key, value in (document.get("config") or {}).items()
    }
    main = document.get("main")
    return Project(
        name=document["name"],
        directory=directory,
        stack_config_dir=directory / (document.get("stackConfigDir") or "."),
        config=declared,
        main=directory / main if isinstance(main, str) and main else None,
    )


@dataclass(frozen=True)
class Override:
    """One `--set key=value`: the key as `pulumi config set --path` reads it, and the value as YAML."""

    text: str
    path: KeyPath
    """(`namespace:name`, nested keys or list indexes…)"""
    value: Any


def parse_path(key: str, project: str) -> KeyPath:
    """`ns:name.a[0]["b.c"]` → ("ns:name", "a", 0, "b.c"); a key without a namespace is the project's."""
    namespace, colon, rest = key.partition(":")
    if not colon:
        namespace, rest = project, key
    first = re.match(r"[^.\[\]]+", rest)
    if not first:
        raise ValueError("the key has no name")
    parts: list[str | int] = [first.group()]
    position = first.end()
    token = re.compile(r'\.([^.\[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')
    while position < len(rest):
        match = token.match(rest, position)
        if not match:
            raise ValueError(f"cannot read the key path at {rest[position:]}")
        name, index, quoted = match.groups()
        parts.append(name if name is not None else int(index) if index is not None else json.loads(f'"{quoted}"'))
        position = match.end()
    return (f"{namespace}:{parts[0]}", *parts[1:])


def parse_override(text: str, project: str) -> Override:
    """`key=value` as given to `--set`; raises ProjectError blaming `--set`."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ProjectError(f"--set {text}: write --set key=value, e.g. --set {project}:clusterMode=newJobCluster")
    try:
        path = parse_path(key.strip(), project)
    except ValueError as error:
        raise ProjectError(
            f'--set {text}: {error}; write namespace:key, with .name, [0] or ["a.b"] for nested values'
        ) from None
    try:
        parsed = yamlfile.parse(raw, f"--set {text}") if raw.strip() else Document(raw)
    except YamlError as error:
        raise ProjectError(f"{error} (the value after = is read as YAML; quote it to pass text)") from None
    if parsed.duplicates:
        key_given_twice = key_text(parsed.duplicates[0][0])
        raise ProjectError(f"--set {text}: {key_given_twice} is given twice in the value")
    return Override(text, path, parsed.value)


@dataclass
class StackConfig:
    """One stack's config as the program will see it, and every problem found before running it."""

    project: Project
    stack: str
    path: Path
    values: dict[str, Any]
    """`namespace:key` → value, declared defaults filled in."""
    findings: list[Finding] = field(default_factory=list)
    document: Document | None = None
    overrides: list[Override] = field(default_factory=list)
    secret_keys: list[str] = field(default_factory=list)

    @property
    def shown(self) -> str:
        return relative(self.path)

    def locate(self, path: KeyPath) -> str:
        """Where a problem at `path` (top-level key, nested keys…) was written: a `--set` or file:line:column."""
        for override in reversed(self.overrides):
            common = min(len(path), len(override.path))
            if path[:common] == override.path[:common]:
                return f"--set {override.text}"
        keys = ("config", *path)
        # the key or its nearest ancestor within the same top-level key; a missing top-level key has no position
        mark = next(
            (m for end in range(len(keys), 1, -1) if self.document and (m := self.document.marks.get(keys[:end]))), None
        )
        if mark is not None:
            return f"{self.shown}:{mark.line}:{mark.column}"
        declared = str(path[0]).split(":", 1)[-1] if str(path[0]).startswith(f"{self.project.name}:") else None
        if declared in self.project.config and "default" in self.project.config[declared]:
            return f"{self.shown} (not set; Pulumi.yaml's default applies)"
        return self.shown

    def at(self, keys: KeyPath) -> str:
        """`file:line:column` of a key of the stack file (or of its nearest ancestor)."""
        mark = self.document.mark(keys) if self.document else None
        return f"{self.shown}:{mark.line}:{mark.column}" if mark else self.shown

    def finding(self, problem: Problem) -> Finding:
        return Finding(self.locate(problem.path), problem.key, problem.message)


@functools.cache
def provider_namespaces() -> dict[str, tuple[str, ...]]:
    """Config namespaces of the Pulumi provider SDKs installed here, with the keys each provider reads.

    Each SDK package ships `pulumi-plugin.json` (its plugin name is the config namespace) and `config/vars.py`,
    whose properties read the provider's config keys.
    """
    found: dict[str, tuple[str, ...]] = {}
    for entry in sys.path:
        folder = Path(entry or ".")
        if not folder.is_dir() or not (folder.name.endswith("-packages") or folder.name == "site-packages"):
            continue
        for plugin in folder.glob("*/pulumi-plugin.json"):
            try:
                name = json.loads(plugin.read_text()).get("name")
                variables = plugin.parent / "config" / "vars.py"
                keys = (
                    re.findall(r"__config__\.get\w*\('([^']+)'", variables.read_text()) if variables.is_file() else []
                )
            except (OSError, ValueError, AttributeError):
                continue
            if isinstance(name, str) and name:
                found[name] = tuple(sorted(set(keys)))
    return found


def _check_key(project: Project, key: str) -> str | None:
    """Why the CLI or a provider would not use this top-level config key, or None."""
    namespace, colon, name = key.partition(":")
    if not colon or not namespace or not name:
        return f"a stack file's config keys are written namespace:key, e.g. {project.name}:{key.strip(':') or 'key'}"
    prefix = f"{namespace}:"
    if namespace == project.name:
        if name not in project.config:
            declared = list(project.config)
            return (
                f"is not declared in Pulumi.yaml{did_you_mean(name, declared).replace('mean ', 'mean ' + prefix)} "
                f"(declared: {', '.join(prefix + k for k in declared) or 'none'})"
            )
        return None
    providers = provider_namespaces()
    if namespace == "pulumi":
        return None
    if namespace not in providers:
        known = [project.name, *sorted(providers), "pulumi"]
        return (
            f"no provider or project has the namespace {namespace}{did_you_mean(namespace, known)} "
            f"(namespaces here: {', '.join(known)})"
        )
    keys = providers[namespace]
    if keys and name not in keys:
        suggestion = did_you_mean(name, list(keys)).replace("mean ", "mean " + prefix)
        return f"is not a setting of the {namespace} provider{suggestion}"
    return None


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def read_stack(
    project: Project,
    stack: str,
    overrides: Mapping[str, Any] | Sequence[Override] | None = None,
) -> StackConfig:
    """The stack's config and every problem the CLI (or a provider) would have with it; raises ProjectError only
    for what stops everything (no stack file, YAML that does not parse).

    `overrides` replaces stack-file values as `pulumi config set --path` would: `Override`s from `--set`, or a
    mapping of keys (`key`, `namespace:key`, dotted paths) to values.
    """
    path = project.stack_file(stack)
    if not path.is_file():
        known = project.stacks()
        hint = did_you_mean(stack, known)
        raise ProjectError(
            f"no stack file {relative(path)}{hint} (stacks: {', '.join(known) or 'none'}); to add one, create it "
            "with a config: mapping (README: Adding a stack)"
        )
    try:
        document = yamlfile.read(path, relative(path))
    except YamlError as error:
        raise ProjectError(str(error)) from None
    result = StackConfig(project, stack, path, {}, document=document)
    for keys, first, second in document.duplicates:
        result.findings.append(
            Finding(
                f"{result.shown}:{second.line}:{second.column}",
                key_text(keys[1:]) if keys[:1] == ("config",) and len(keys) > 1 else key_text(keys),
                f"is given twice (first at line {first.line}); Pulumi refuses a duplicated key: keep one",
            )
        )
    config = _config_section(result, document)
    values: dict[str, Any] = {}
    for key, value in config.items():
        problem = _check_key(project, key)
        if problem:
            result.findings.append(Finding(result.at(("config", key)), key, problem))
        if _is_secure(value):
            result.secret_keys.append(key)
        # the CLI would decrypt a secret; offline, a stand-in that prints as [secret]
        values[key] = OFFLINE_SECRET if _is_secure(value) else value
    result.overrides = _overrides(project, overrides)
    for override in result.overrides:
        try:
            _apply(values, override)
        except ValueError as error:
            result.findings.append(Finding(f"--set {override.text}", key_text(override.path), str(error)))
            continue
        problem = _check_key(project, str(override.path[0]))
        if problem and str(override.path[0]) not in config:
            result.findings.append(Finding(f"--set {override.text}", str(override.path[0]), problem))
    prefix = f"{project.name}:"
    for key, declaration in project.config.items():
        if f"{prefix}{key}" not in values and "default" in declaration:
            values[f"{prefix}{key}"] = copy.deepcopy(declaration["default"])
    result.values = values
    return result


def _overrides(project: Project, overrides: Mapping[str, Any] | Sequence[Override] | None) -> list[Override]:
    if isinstance(overrides, Mapping):
        return [Override(f"{k}={yaml_text(v)}", parse_path(k, project.name), v) for k, v in overrides.items()]
    return list(overrides or [])


def _config_section(result: StackConfig, document: Document) -> dict[str, Any]:
    """The stack file's `config:` mapping; what else the file holds at the top level is checked here."""
    top = document.value
    if top is None:
        return {}  # an empty file (or only comments): no config, as for the CLI
    if not isinstance(top, dict):
        result.findings.append(
            Finding(result.shown, "", f"must be a mapping with a config: section, not {yaml_text(top)}")
        )
        return {}
    stray = [k for k in top if k not in STACK_FILE_KEYS]
    namespaced = [k for k in stray if ":" in k]
    if namespaced:
        result.findings.append(
            Finding(
                result.at((namespaced[0],)),
                "",
                f"{', '.join(namespaced)}: at the top level, where Pulumi ignores them; indent them under config:",
            )
        )
    for key in (k for k in stray if ":" not in k):
        result.findings.append(
            Finding(
                result.at((key,)),
                key,
                f"is not a stack file setting{did_you_mean(key, STACK_FILE_KEYS)} "
                f"(a stack file has {', '.join(STACK_FILE_KEYS)})",
            )
        )
    config = top.get("config")
    if config is not None and not isinstance(config, dict):
        result.findings.append(
            Finding(
                result.at(("config",)), "config", f"must be a mapping of namespace:key: value, not {yaml_text(config)}"
            )
        )
        return {}
    return config or {}


def _apply(values: dict[str, Any], override: Override) -> None:
    """Set a (nested) value as `pulumi config set --path` does: missing objects and lists are created."""
    top, *rest = override.path
    if not rest:
        values[str(top)] = override.value
        return
    container: Any = copy.deepcopy(values.get(str(top)))
    if container is None:
        container = [] if isinstance(rest[0], int) else {}
    values[str(top)] = container
    walked: list[str | int] = [top]
    for step, following in zip(rest, [*rest[1:], None], strict=True):
        if isinstance(step, int):
            if not isinstance(container, list):
                raise ValueError(
                    f"{key_text(tuple(walked))} is {yaml_text(container)}, not a list: cannot set [{step}]"
                )
            if step > len(container):
                raise ValueError(f"{key_text(tuple(walked))} has {len(container)} items: cannot set [{step}]")
            if step == len(container):
                container.append(None)
        elif not isinstance(container, dict):
            raise ValueError(f"{key_text(tuple(walked))} is {yaml_text(container)}, not an object: cannot set .{step}")
        walked.append(step)
        if following is None:
            container[step] = override.value
        else:
            child = container.get(step) if isinstance(container, dict) else container[int(step)]
            if child is None:
                child = [] if isinstance(following, int) else {}
                container[step] = child
            container = child


def stack_config(project: Project, stack: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The full config the program sees: `namespace:key` → value, declared defaults filled in.

    `overrides` replaces stack-file values (`key` or `namespace:key`, dotted paths allowed), as
    `pulumi config set --path` would. Raises ProjectError listing what the CLI would refuse.
    """
    read = read_stack(project, stack, overrides)
    if read.findings:
        raise ProjectError(
            f"stack '{stack}' has {len(read.findings)} problem{'s' if len(read.findings) != 1 else ''} the Pulumi "
            f"CLI would refuse:\n" + "\n".join(f"  - {f}" for f in read.findings)
        )
    return read.values


def as_cli_strings(config: dict[str, Any]) -> dict[str, str]:
    """The CLI hands a program strings: objects and arrays as JSON, booleans as true/false."""

    def encode(value: Any) -> str:
        if isinstance(value, str):
            return value
        return json.dumps(value)

    return {key: encode(value) for key, value in config.items()}
