"""The plan as a user reads it: a `pulumi preview`-like tree, JSON, ADF Code view, or Mermaid."""

from __future__ import annotations

import json
from typing import Any

from components.offline import locks
from components.offline.adf import code_view, factory_objects
from components.offline.costs import summary
from components.offline.plan import Plan, ResourceRecord, Secret, walk

SECRET = "[secret]"


def masked(value: Any) -> Any:
    """The value with every secret replaced by `[secret]`: the only form that is ever printed."""
    if isinstance(value, Secret):
        return SECRET
    if isinstance(value, dict):
        return {k: masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def _children(plan: Plan) -> dict[str, list[ResourceRecord]]:
    tree: dict[str, list[ResourceRecord]] = {}
    for record in sorted(plan.resources, key=lambda r: (r.name, r.type)):
        tree.setdefault(record.parent, []).append(record)
    return tree


def _text_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def text(plan: Plan) -> str:
    lines = [
        f"Previewing update ({plan.project}/{plan.stack}), offline: Pulumi's mock runtime, no cloud calls",
        "",
        f"     {'Type':58} Name",
        f" +   {'pulumi:pulumi:Stack':58} {plan.project}-{plan.stack}",
    ]
    tree = _children(plan)
    roots = [urn for urn in tree if urn not in {r.urn for r in plan.resources}]

    def emit(record: ResourceRecord, prefix: str, last: bool) -> None:
        branch = "└─ " if last else "├─ "
        flags = " [protect]" if record.protect else ""
        lines.append(f" +   {prefix}{branch}{record.type:{max(1, 55 - len(prefix))}} {record.name}{flags}")
        detail = prefix + ("   " if last else "│  ")
        for path, leaf in walk(masked(record.inputs)):
            lines.append(f"     {detail}    {path}: {_text_value(leaf)}")
        kids = tree.get(record.urn, [])
        for index, kid in enumerate(kids):
            emit(kid, detail, index == len(kids) - 1)

    top = [r for urn in roots for r in tree[urn]]
    for index, record in enumerate(top):
        emit(record, "", index == len(top) - 1)
    lines += ["", "Outputs:"]
    for name, output in sorted(plan.outputs.items()):
        lines.append(f"    {name}: {SECRET if output.secret else _text_value(masked(output.value))}")
    if plan.warnings:
        lines += ["", "Warnings:"] + [f"    {w}" for w in plan.warnings]
    lines += locks.lines(plan)
    lines += ["", *summary(plan)]
    lines += ["", "Resources:", f"    + {len(plan.resources) + 1} to create"]
    return "\n".join(lines)


def as_json(plan: Plan) -> str:
    document = {
        "project": plan.project,
        "stack": plan.stack,
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "protect": r.protect,
                "provider": r.provider or None,
                "dependencies": sorted(r.dependencies),  # the SDK gathers them in a set: order varies per run
                "inputs": masked(r.inputs),
            }
            for r in sorted(plan.resources, key=lambda r: r.urn)
        ],
        "outputs": {k: SECRET if o.secret else masked(o.value) for k, o in sorted(plan.outputs.items())},
        "warnings": plan.warnings,
    }
    return json.dumps(document, indent=2, sort_keys=True)


def adf(plan: Plan) -> str:
    views = sorted(
        (masked(code_view(r)) for r in factory_objects(plan)), key=lambda v: (str(v["type"]), str(v["name"]))
    )
    return json.dumps(views, indent=2, sort_keys=True)


def _node_id(record: ResourceRecord) -> str:
    return record.name.replace("-", "_")


def _label(record: ResourceRecord, project: str) -> str:
    kind = "provider" if record.type.startswith("pulumi:providers:") else record.type.split(":")[-1]
    return f'{_node_id(record)}["{record.name.removeprefix(project + "-")}<br/><i>{kind}</i>"]'


def mermaid(plan: Plan) -> str:
    """Creation order: an arrow A --> B means B waits for A (a dependency or B's provider)."""
    known = {r.urn: r for r in plan.resources if r.custom}
    nodes = sorted(known.values(), key=lambda r: r.name)
    edges = sorted(
        (_node_id(known[urn]), _node_id(record))
        for record in nodes
        for urn in {*record.dependencies, record.provider}
        if urn in known
    )
    return "\n".join(
        ["flowchart LR"] + [f"    {_label(r, plan.project)}" for r in nodes] + [f"    {a} --> {b}" for a, b in edges]
    )


FORMATS = {"text": text, "json": as_json, "adf": adf, "mermaid": mermaid}
