"""The change report as people and tools read it: text, JSON, Markdown (a pull-request comment). Deterministic:
resources sorted by name and type, properties by path, every value masked as the preview masks it."""

from __future__ import annotations

import json
from typing import Any

from components.offline.changes import ACTIONS, CREATE, DELETE, REPLACE, SAME, UPDATE, Change, PropertyChange, Report
from components.offline.replacements import MISSING

ASSUMPTIONS = (
    "the deployed stack equals the base plan: no drift, no change made outside Pulumi",
    "no token rotation is due and a refresh finds nothing gone (rotating-on-refresh, token-owner-list, pat-lifecycle)",
    "values the cloud makes on create (ids, URLs, token values) are known only after apply: a replaced resource's "
    "dependents may change further when they are",
    "the base and the head run in this environment (this interpreter and these provider SDKs)",
)
EXIT_OK, EXIT_INVALID, EXIT_CANNOT_COMPARE, EXIT_DATA_LOSS = 0, 1, 2, 3
SYMBOLS = {CREATE: "+", DELETE: "-", UPDATE: "~", REPLACE: "+-", SAME: " "}


def exit_code(report: Report) -> int:
    return EXIT_DATA_LOSS if report.losses else EXIT_OK


def _value(value: Any) -> str:
    return "(absent)" if value is MISSING else json.dumps(value, sort_keys=True)


def _property(change: PropertyChange) -> str:
    line = f"{change.path}: {_value(change.old)} → {_value(change.new)}"
    return f"{line}   forces replacement ({change.forces})" if change.forces else line


def _after_apply(change: Change) -> str:
    return f"may change further: inputs from {', '.join(change.after_apply)} (replaced) are known after apply"


def _refusal(change: Change) -> str:
    return "protected: the real `pulumi up` will refuse this (set protect: false first)" if change.protected else ""


def _loss_line(change: Change) -> str:
    assert change.loss is not None
    return f"{change.action} {change.name} ({change.type}): loses {change.loss.what} [{change.loss.source}]"


def _headline(change: Change) -> str:
    what = f"{change.action:7} {change.name} ({change.type})"
    if change.action == REPLACE:
        what += f", {change.order} [{change.order_source}]"
    if change.renamed_from:
        what += f", was {change.renamed_from}"
    if change.retained:
        what += ", removed from state only (retainOnDelete)"
    return what


def summary(report: Report) -> dict[str, int]:
    return {action: report.count(action) for action in ACTIONS}


def text(report: Report) -> str:
    lines = [f"Change report for {report.stack}: the working tree against {report.base}", "", "Assumes:"]
    lines += [f"  - {a}" for a in ASSUMPTIONS]
    if report.losses:
        lines += ["", f"DATA LOSS: {len(report.losses)} resource(s) holding data would be replaced or deleted"]
        for change in report.losses:
            lines.append(f"  ! {_loss_line(change)}")
            if change.protected:
                lines.append(f"    {_refusal(change)}")
    if report.locked:
        lines += ["", f"DELETE LOCKS: the real `up` would stop (ScopeLocked) on {len(report.locked)} resource(s)"]
        lines += [f"  ! {message}" for message in report.locked]
    lines.append("")
    for change in report.changes:
        if change.action == SAME and not change.after_apply:
            continue
        lines.append(f" {SYMBOLS[change.action]:2} {_headline(change)}")
        lines += [f"       {_property(p)}" for p in change.properties]
        if change.after_apply:
            lines.append(f"       {_after_apply(change)}")
        if change.protected and not change.loss:
            lines.append(f"       {_refusal(change)}")
    counts = summary(report)
    lines += [
        "",
        "Resources: " + ", ".join(f"{counts[a]} to {a}" for a in ACTIONS if a != SAME) + f", {counts[SAME]} same",
    ]
    return "\n".join(lines)


def _jsonable(value: Any) -> Any:
    return None if value is MISSING else value


def as_json(report: Report) -> str:
    document = {
        "stack": report.stack,
        "base": report.base,
        "assumptions": list(ASSUMPTIONS),
        "exitCode": exit_code(report),
        "dataLoss": [
            {
                "urn": c.urn,
                "action": c.action,
                "loses": c.loss.what,
                "source": str(c.loss.source),
                "protected": c.protected,
            }
            for c in report.losses
            if c.loss is not None
        ],
        "lockRefusals": report.locked,
        "resources": [
            {
                "urn": c.urn,
                "type": c.type,
                "name": c.name,
                "action": c.action,
                "order": c.order or None,
                "orderSource": str(c.order_source) if c.order_source else None,
                "protected": c.protected,
                "renamedFrom": c.renamed_from or None,
                "knownAfterApply": list(c.after_apply),
                "properties": [
                    {
                        "path": p.path,
                        "old": _jsonable(p.old),
                        "new": _jsonable(p.new),
                        "forcesReplacement": str(p.forces) if p.forces else None,
                    }
                    for p in c.properties
                ],
            }
            for c in report.changes
        ],
        "summary": summary(report),
    }
    return json.dumps(document, indent=2, sort_keys=True)


def _cell(text_: str) -> str:
    return text_.replace("|", "\\|").replace("\n", " ")


def _after_apply_cell(change: Change) -> list[str]:
    return [_cell(_after_apply(change))] if change.after_apply else []


def markdown(report: Report) -> str:
    counts = summary(report)
    lines = [f"### Change report: `{report.stack}` against `{report.base}`", ""]
    if report.losses:
        lines += ["> [!CAUTION]", f"> **Data loss**: {len(report.losses)} resource(s) holding data would go."]
        for change in report.losses:
            lines.append(f"> - {_cell(_loss_line(change))}" + (f" — {_refusal(change)}" if change.protected else ""))
        lines.append("")
    if report.locked:
        lines += [
            "> [!WARNING]",
            f"> **Delete locks**: the real `up` would stop (ScopeLocked) on {len(report.locked)}.",
        ]
        lines += [f"> - {_cell(message)}" for message in report.locked]
        lines.append("")
    lines.append(", ".join(f"**{counts[a]}** to {a}" for a in ACTIONS if a != SAME) + f", {counts[SAME]} same")
    changed = [c for c in report.changes if c.action != SAME or c.after_apply]
    if changed:
        lines += ["", "| | resource | type | what changes |", "|---|---|---|---|"]
        for change in changed:
            detail = "<br>".join([*(_cell(_property(p)) for p in change.properties), *_after_apply_cell(change)])
            if change.action == REPLACE:
                detail = f"{change.order} ({_cell(str(change.order_source))})" + (f"<br>{detail}" if detail else "")
            lines.append(f"| {change.action} | `{change.name}` | `{change.type}` | {detail} |")
    lines += ["", "<details><summary>Assumptions</summary>", ""] + [f"- {a}" for a in ASSUMPTIONS] + ["", "</details>"]
    return "\n".join(lines)


FORMATS = {"text": text, "json": as_json, "markdown": markdown}
