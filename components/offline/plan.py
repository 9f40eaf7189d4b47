"""What an offline run produced: the resources `pulumi up` would register, with their inputs and outputs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Secret:
    """A value the engine holds as a Pulumi secret. Renderers print `[secret]`, never `.value`."""

    value: Any

    def __repr__(self) -> str:
        return "Secret([secret])"


@dataclass(frozen=True)
class ResourceRecord:
    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    dependencies: tuple[str, ...] = ()
    provider: str = ""
    protect: bool = False
    delete_before_replace: bool = False
    retain_on_delete: bool = False
    deleted_with: str = ""
    """URN of the resource whose deletion makes this one's delete call unnecessary."""
    ignore_changes: tuple[str, ...] = ()
    replace_on_changes: tuple[str, ...] = ()
    import_id: str = ""
    aliases: tuple[str, ...] = ()
    """Older URNs the engine would match against state for this resource."""


@dataclass(frozen=True)
class StackOutput:
    value: Any
    secret: bool


@dataclass
class Plan:
    project: str
    stack: str
    resources: list[ResourceRecord] = field(default_factory=list)
    outputs: dict[str, StackOutput] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def by_type(self, type_: str) -> list[ResourceRecord]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name: str | None = None) -> ResourceRecord:
        found = [r for r in self.by_type(type_) if name is None or r.name == name]
        if len(found) != 1:
            raise LookupError(f"expected one {type_} {name or ''}, found {len(found)}")
        return found[0]

    def by_urn(self, urn: str) -> ResourceRecord:
        return next(r for r in self.resources if r.urn == urn)


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of a nested value with its dotted path; a Secret is a leaf."""
    if isinstance(value, dict):
        for key, item in sorted(value.items()):
            yield from walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")
    else:
        yield path, value


def reveal(value: Any) -> Any:
    """The plain value, secrets unwrapped: what the cloud receives. For checks, never for printing."""
    if isinstance(value, Secret):
        return reveal(value.value)
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def holds_secret(value: Any) -> bool:
    return any(isinstance(leaf, Secret) for _, leaf in walk(value))
