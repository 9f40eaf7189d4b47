"""What a stack's delete locks hold: the resources Azure refuses to delete, or to replace delete-first, while a
`CanNotDelete` lock is on (lifecycle row `lock-blocks-children`).

A lock covers its resource and everything under its id: child resources (a factory's linked services), role
assignments scoped to it, its diagnostic settings. The preview lists them for a locked stack, and `blocked` names
the ones a change would delete, for a report that compares two plans.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from components.offline.cloud_state import LOCK, lock_refusal
from components.offline.plan import Plan, ResourceRecord, reveal

LIFT = (
    "lift the locks first (operations.locks: false, then `pulumi up`), make the change, then set them back; "
    "see docs/operations.md"
)


@dataclass(frozen=True)
class Held:
    record: ResourceRecord
    lock_scope: str

    @property
    def how(self) -> str:
        return "replaced delete-first" if self.record.delete_before_replace else "replaced new-first"


def locked_scopes(plan: Plan) -> list[str]:
    return [str(reveal(r.inputs)["scope"]) for r in plan.resources if r.type == LOCK]


def held(plan: Plan) -> list[Held]:
    """The resources under a lock of the plan, other than the locked resources themselves and the locks."""
    scopes = locked_scopes(plan)
    found = []
    for record in sorted(plan.resources, key=lambda r: r.name):
        if not record.custom or record.id in scopes:
            continue
        refusal = lock_refusal(record.type, record.id, scopes, reveal(record.inputs))
        scope = next((s for s in scopes if refusal and s.lower() in record.id.lower()), None)
        if scope:
            found.append(Held(record, scope))
    return found


def kept_lock_scopes(base: Plan, head: Plan) -> list[str]:
    """The scopes of the base's locks that the head keeps: a lock the change removes goes first (it waits for what
    it holds, components/locks.py), so it blocks nothing in that change."""
    kept = {r.urn for r in head.resources if r.type == LOCK}
    return [str(reveal(r.inputs)["scope"]) for r in base.resources if r.type == LOCK and r.urn in kept]


def blocked(
    scopes: list[str], deleted: Iterable[ResourceRecord], replaced_first: Iterable[ResourceRecord]
) -> list[str]:
    """Of a change to a locked stack (`scopes`: the locks that stay on), what Azure would refuse: each delete, and
    each delete-first replacement, of something under a lock."""
    messages = []
    for verb, records in (("deletes", deleted), ("replaces delete-first", replaced_first)):
        for record in records:
            refusal = lock_refusal(record.type, record.id, scopes, reveal(record.inputs))
            if refusal is not None:
                messages.append(f"{record.name}: the change {verb} it under a delete lock (ScopeLocked): {LIFT}")
    return messages


def lines(plan: Plan) -> list[str]:
    """The preview's section for a locked stack."""
    found = held(plan)
    if not found:
        return []
    names = {r.id: r.name for r in plan.resources}
    return [
        "",
        "Delete locks (operations.locks): while they are on, Azure refuses (ScopeLocked) to delete any of these, or "
        f"to replace it delete-first; {LIFT}:",
        *(f"    {h.record.name} ({h.record.type.split(':')[-1]}, {h.how}), under {names[h.lock_scope]}" for h in found),
    ]
