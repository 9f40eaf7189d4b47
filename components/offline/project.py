"""What the Pulumi CLI does with Pulumi.yaml and a stack file before the program runs.

It validates Pulumi.yaml against its project schema, refuses a stack file that sets a project key
Pulumi.yaml does not declare, and fills in every declared default the stack file leaves out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SPECS = Path(__file__).resolve().parent / "specs"
PROJECT_SCHEMA = SPECS / "pulumi-project.schema.json"


class ProjectError(Exception):
    """What `pulumi` would refuse before running the program."""


@dataclass(frozen=True)
class Project:
    name: str
    directory: Path
    stack_config_dir: Path
    config: dict[str, dict[str, Any]]
    """Declared keys (without the project prefix) → their declaration."""

    def stack_file(self, stack: str) -> Path:
        return self.stack_config_dir / f"Pulumi.{stack}.yaml"

    def stacks(self) -> list[str]:
        return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in self.stack_config_dir.glob("Pulumi.*.yaml"))


def load_project(directory: Path) -> Project:
    path = directory / "Pulumi.yaml"
    document = yaml.safe_load(path.read_text())
    schema = json.loads(PROJECT_SCHEMA.read_text())
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document), key=lambda e: list(e.path))
    if errors:
        details = "\n".join(f"  - {'.'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors)
        raise ProjectError(f"{path} does not match Pulumi's project schema:\n{details}")
    declared = {
        key.split(":", 1)[-1]: value if isinstance(value, dict) else {"default": value}
        for key, value in (document.get("config") or {}).items()
    }
    return Project(
        name=document["name"],
        directory=directory,
        stack_config_dir=directory / (document.get("stackConfigDir") or "."),
        config=declared,
    )


def stack_config(project: Project, stack: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The full config the program sees: `namespace:key` → value, declared defaults filled in.

    `overrides` replaces stack-file values (`key` or `namespace:key`), as `pulumi config set` would.
    """
    path = project.stack_file(stack)
    if not path.exists():
        known = ", ".join(project.stacks()) or "none"
        raise ProjectError(f"no stack file {path} (stacks: {known})")
    document = yaml.safe_load(path.read_text()) or {}
    values: dict[str, Any] = dict(document.get("config") or {})
    for key, value in (overrides or {}).items():
        values[key if ":" in key else f"{project.name}:{key}"] = value
    prefix = f"{project.name}:"
    undeclared = sorted(k for k in values if k.startswith(prefix) and k[len(prefix) :] not in project.config)
    if undeclared:
        raise ProjectError(
            f"stack '{stack}' ({path.name}) sets {', '.join(undeclared)}, which Pulumi.yaml does not declare; "
            f"declared keys: {', '.join(prefix + k for k in project.config)}"
        )
    for key, declaration in project.config.items():
        if f"{prefix}{key}" not in values and "default" in declaration:
            values[f"{prefix}{key}"] = declaration["default"]
    return values


def as_cli_strings(config: dict[str, Any]) -> dict[str, str]:
    """The CLI hands a program strings: objects and arrays as JSON, booleans as true/false."""

    def encode(value: Any) -> str:
        if isinstance(value, str):
            return value
        return json.dumps(value)

    return {key: encode(value) for key, value in config.items()}
