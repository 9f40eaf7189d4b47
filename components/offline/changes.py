"""What a change does to a deployed stack: two offline plans compared resource by resource.

The base plan stands for the deployed state (no drift, no rotation due); the head plan is what the next `pulumi up`
would register. A resource is matched by URN, or through an alias the head registers (a renamed logical name or
type token is the same resource). Its verdict follows the engine: create, delete, same, update, or replace when a
property in the replacement table (components/offline/replacements.py) or the program's `replaceOnChanges` changed.
`ignoreChanges` keeps the deployed value (Pulumi docs, "ignoreChanges"). A replacement or delete of a resource that
holds data is data loss; a protected resource makes the real `up` refuse instead, and so does a delete lock the
change keeps over what it deletes or replaces delete-first (`lock-blocks-children`).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from components.offline.locks import blocked, kept_lock_scopes
from components.offline.plan import Plan, ResourceRecord, Secret, reveal, walk
from components.offline.render import SECRET, masked
from components.offline.replacements import (
    DELETE_FIRST,
    MISSING,
    Forced,
    Source,
    forcing,
    get_path,
    order_of,
    rules_for,
)

CREATE, DELETE, UPDATE, REPLACE, SAME = "create", "delete", "update", "replace", "same"
ACTIONS = (CREATE, DELETE, REPLACE, UPDATE, SAME)


@dataclass(frozen=True)
class PropertyChange:
    path: str
    old: Any
    """As printed: secrets masked, `MISSING` shown as absent."""
    new: Any
    forces: Source | None = None
    """The row that makes this change a replacement, if it does."""


@dataclass(frozen=True)
class Loss:
    what: str
    source: Source


@dataclass(frozen=True)
class Change:
    urn: str
    type: str
    name: str
    action: str
    properties: tuple[PropertyChange, ...] = ()
    order: str = ""
    order_source: Source | None = None
    loss: Loss | None = None
    protected: bool = False
    """The deployed resource is protected: the real `up` refuses this replace or delete."""
    renamed_from: str = ""
    """The base URN when the head reaches it through an alias."""
    retained: bool = False
    """Deleted from state only (`retainOnDelete`): nothing is deleted in the cloud."""
    after_apply: tuple[str, ...] = ()
    """Replaced resources it depends on (or whose provider it uses): inputs taken from them are known only after
    apply, so it may change further than shown."""


@dataclass
class Report:
    stack: str
    base: str
    changes: list[Change] = field(default_factory=list)
    locked: list[str] = field(default_factory=list)
    """What Azure would refuse (ScopeLocked) under the delete locks the change keeps: `lock-blocks-children`."""

    @property
    def losses(self) -> list[Change]:
        return [c for c in self.changes if c.loss is not None]

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)


def set_path(value: dict[str, Any], path: str, item: Any) -> None:
    *parents, last = path.split(".")
    node = value
    for part in parents:
        node = node.setdefault(part, {})
    if item is MISSING:
        node.pop(last, None)
    else:
        node[last] = item


def effective_inputs(old: ResourceRecord | None, new: ResourceRecord) -> dict[str, Any]:
    """The inputs the engine sends and stores: an ignored path keeps its value from state."""
    inputs = copy.deepcopy(new.inputs)
    if old is not None:
        for path in new.ignore_changes:
            kept = get_path(old.inputs, path)
            set_path(inputs, path, kept if kept is MISSING else copy.deepcopy(kept))
    return inputs


def _shown(original: Mapping[str, Any], path: str) -> Any:
    """A leaf as printed: `[secret]` where it is (or lies inside) a secret."""
    leaves = dict(walk(original))
    value = leaves.get(path, MISSING)
    if isinstance(value, Secret) or any(
        isinstance(leaves.get(prefix), Secret) for prefix in _prefixes(path) if prefix in leaves
    ):
        return SECRET
    return masked(value) if value is not MISSING else MISSING


def _prefixes(path: str) -> Iterator[str]:
    parts = path.replace("[", ".[").split(".")
    for end in range(1, len(parts)):
        yield ".".join(parts[:end]).replace(".[", "[")


def property_changes(old: dict[str, Any], new: dict[str, Any], forced: list[Forced]) -> tuple[PropertyChange, ...]:
    """Every leaf that differs (values compared as the cloud gets them; printed masked)."""
    before, after = dict(walk(reveal(old))), dict(walk(reveal(new)))
    by_path = {f.path: f.source for f in forced}
    changes = []
    for path in sorted(set(before) | set(after)):
        if before.get(path, MISSING) == after.get(path, MISSING):
            continue
        source = next((s for p, s in by_path.items() if path == p or path.startswith(f"{p}.")), None)
        changes.append(PropertyChange(path, _shown(old, path), _shown(new, path), source))
    return tuple(changes)


def matched(base: Plan, head: Plan) -> tuple[dict[str, ResourceRecord], dict[str, ResourceRecord]]:
    """Head URN → its base record (by URN or alias), and the base records nothing in the head claims."""
    olds = {r.urn: r for r in base.resources}
    pairs: dict[str, ResourceRecord] = {}
    for record in head.resources:
        found = olds.get(record.urn) or next((olds[a] for a in record.aliases if a in olds), None)
        if found is not None and found.urn not in {p.urn for p in pairs.values()}:
            pairs[record.urn] = found
    claimed = {r.urn for r in pairs.values()}
    return pairs, {urn: r for urn, r in olds.items() if urn not in claimed}


def _holds(record: ResourceRecord) -> Loss | None:
    holds = rules_for(record.type).holds
    return Loss(holds.what, holds.source) if holds else None


def _compared(old: ResourceRecord, new: ResourceRecord) -> Change:
    inputs = effective_inputs(old, new)
    forced = forcing(new.type, reveal(old.inputs), reveal(inputs), new.replace_on_changes)
    props = property_changes(old.inputs, inputs, forced)
    same = Change(new.urn, new.type, new.name, SAME, renamed_from=old.urn if old.urn != new.urn else "")
    if not props:
        return same
    if not forced:
        return dataclasses.replace(same, action=UPDATE, properties=props)
    order, source = order_of(new.type, new.delete_before_replace)
    return dataclasses.replace(
        same,
        action=REPLACE,
        properties=props,
        order=order,
        order_source=source,
        loss=_holds(old),
        protected=old.protect,
    )


def _deleted(old: ResourceRecord) -> Change:
    return Change(
        urn=old.urn,
        type=old.type,
        name=old.name,
        action=DELETE,
        loss=None if old.retain_on_delete else _holds(old),
        protected=old.protect,
        retained=old.retain_on_delete,
    )


def compare(base: Plan, head: Plan, base_name: str) -> Report:
    """Per resource (components and providers included, as the engine steps them), sorted by name and type."""
    pairs, gone = matched(base, head)
    changes = [
        _compared(pairs[r.urn], r) if r.urn in pairs else Change(r.urn, r.type, r.name, CREATE) for r in head.resources
    ]
    changes += [_deleted(r) for r in gone.values()]
    changes = _known_after_apply(changes, head)
    first = [pairs[c.urn] for c in changes if c.action == REPLACE and c.order == DELETE_FIRST]
    deleted = [r for r in gone.values() if not r.retain_on_delete]
    locked = blocked(kept_lock_scopes(base, head), deleted, first)
    return Report(head.stack, base_name, sorted(changes, key=lambda c: (c.name, c.type, c.urn)), sorted(locked))


def _known_after_apply(changes: list[Change], head: Plan) -> list[Change]:
    """Mark what depends on a replaced resource, directly or through its provider: the replacement's ids and URLs
    are new, and the offline plan cannot know them."""
    replaced = {c.urn: c.name for c in changes if c.action == REPLACE}
    records = {r.urn: r for r in head.resources}
    marked = []
    for change in changes:
        record = records.get(change.urn)
        upstream = {*record.dependencies, record.provider} if record is not None else set()
        names = tuple(sorted(replaced[u] for u in upstream if u in replaced and u != change.urn))
        marked.append(dataclasses.replace(change, after_apply=names) if names and change.action != DELETE else change)
    return marked
