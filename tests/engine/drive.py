"""Run one Pulumi operation on our program through the real `pulumi` CLI, in a process of its own.

`python -m tests.engine.drive <request.json>`: the request names the operation (preview, up, refresh,
destroy, preview-destroy), the stack, the project folder (Pulumi.yaml and stacks/), the program variant and options; the
result (outcome, engine events in order, stack outputs, the CLI's output) is written to `request["result"]`.

The program runs as an automation-API inline program: the Go module proxy does not serve Pulumi's Python
language host, and an inline program needs none. The Python SDK serves the language-runtime protocol from
this process (`pulumi.automation._server`); everything else is the real CLI: project and stack-config
validation, the engine, plugin loading (our stand-ins from PATH), policy packs, the file state backend and
the passphrase secrets provider. The child process keeps the engine run apart from pytest's process and the
mock runtime's global state.
"""

from __future__ import annotations

import json
import runpy
import sys
import traceback
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from tests.earlier_versions import VARIANTS

REPO = Path(__file__).resolve().parents[2]


def real_program() -> None:
    """The project's `__main__.py`, exactly as `pulumi up` would run it."""
    runpy.run_path(str(REPO / "__main__.py"), run_name="__main__")


def _event(event: auto.EngineEvent) -> dict[str, Any] | None:
    if event.resource_pre_event:
        md = event.resource_pre_event.metadata
        state = md.new or md.old
        return {
            "kind": "pre",
            "op": md.op.value,
            "urn": md.urn,
            "type": md.type,
            "diffs": md.diffs or [],
            "parent": state.parent if state else "",
            "protect": bool(state.protect) if state else False,
            "inputs": dict(state.inputs or {}) if state else {},
        }
    if event.res_outputs_event:
        md = event.res_outputs_event.metadata
        return {"kind": "done", "op": md.op.value, "urn": md.urn, "type": md.type}
    if event.res_op_failed_event:
        md = event.res_op_failed_event.metadata
        return {"kind": "failed", "op": md.op.value, "urn": md.urn, "type": md.type}
    if event.diagnostic_event:
        d = event.diagnostic_event
        return {"kind": "diag", "severity": d.severity, "message": d.message, "urn": d.urn}
    if event.policy_event:
        pe = event.policy_event
        return {
            "kind": "policy",
            "policy": pe.policy_name,
            "level": pe.enforcement_level,
            "message": pe.message,
            "urn": pe.resource_urn,
        }
    return None


def run(request: dict[str, Any]) -> dict[str, Any]:
    events: list[dict[str, Any]] = []
    output: list[str] = []

    def on_event(event: auto.EngineEvent) -> None:
        converted = _event(event)
        if converted:
            events.append(converted)

    stack = auto.create_or_select_stack(
        stack_name=request["stack"],
        project_name="adf-databricks",
        program=real_program,
        opts=auto.LocalWorkspaceOptions(work_dir=request["project_dir"]),
    )
    common: dict[str, Any] = {"on_event": on_event, "on_output": output.append, "color": "never"}
    result: dict[str, Any] = {"ok": True, "events": events, "output": output}
    # An earlier release's variant (tests/earlier_versions.py) holds for the whole operation: the program's
    # `apply` callbacks run after the program function has returned.
    with VARIANTS[request.get("program", "real")]():
        return _operate(stack, request, common, result)


def _operate(
    stack: auto.Stack, request: dict[str, Any], common: dict[str, Any], result: dict[str, Any]
) -> dict[str, Any]:
    options: dict[str, Any] = request.get("options", {})
    op = request["op"]
    try:
        if op == "preview":
            preview = stack.preview(**common, **options)
            result["changes"] = {k.value if hasattr(k, "value") else k: v for k, v in preview.change_summary.items()}
        elif op == "up":
            up = stack.up(**common, **options)
            result["changes"] = dict(up.summary.resource_changes or {})
            result["outputs"] = {k: {"value": v.value, "secret": v.secret} for k, v in up.outputs.items()}
        elif op == "refresh":
            refresh = stack.refresh(**common, **options)
            result["changes"] = dict(refresh.summary.resource_changes or {})
        elif op == "destroy":
            destroy = stack.destroy(**common, **options)
            result["changes"] = dict(destroy.summary.resource_changes or {})
        elif op == "preview-destroy":
            preview = stack.preview_destroy(**common, **options)
            result["changes"] = {k.value if hasattr(k, "value") else k: v for k, v in preview.change_summary.items()}
        else:
            raise ValueError(f"unknown operation {op!r}")
    except auto.CommandError as error:
        result |= {"ok": False, "error": str(error)}
    return result


def main() -> None:
    request = json.loads(Path(sys.argv[1]).read_text())
    try:
        result = run(request)
    except Exception:
        result = {"ok": False, "error": traceback.format_exc(), "events": [], "output": []}
    Path(request["result"]).write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
