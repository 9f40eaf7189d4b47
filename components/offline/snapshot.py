"""Build one stack's offline plan from another checkout of the project and write it as JSON.

    python components/offline/snapshot.py <project folder> <stack> <out.json> <subscription id> <now> <YYYY-MM-DD>

Run by path, in a process of its own, by the change report (`components/offline/baseline.py`): the checkout named
first on the command line (an older commit, exported) comes first on `sys.path`, so its own `components` package
builds the plan, as that commit would. Nothing here imports `components` before that, and the plan is read through
plain attributes, so an older commit's records serve as they are. Secrets are written as `{"__secret__": value}`
for the comparing process (a temporary file it deletes); they are never printed.
"""

import json
import runpy
import sys
from datetime import date
from pathlib import Path
from typing import Any

FIELDS = {
    "urn": "",
    "type": "",
    "name": "",
    "parent": "",
    "custom": True,
    "id": "",
    "dependencies": (),
    "provider": "",
    "protect": False,
    "delete_before_replace": False,
    "retain_on_delete": False,
    "deleted_with": "",
    "ignore_changes": (),
    "replace_on_changes": (),
    "import_id": "",
    "aliases": (),
}
"""The record's fields, each with the value an older record without it stands for."""


def encoded(value: Any) -> Any:
    if type(value).__name__ == "Secret" and hasattr(value, "value"):
        return {"__secret__": encoded(value.value)}
    if isinstance(value, dict):
        return {str(k): encoded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encoded(v) for v in value]
    return value


def record(resource: Any) -> dict[str, Any]:
    fields = {name: encoded(getattr(resource, name, default)) for name, default in FIELDS.items()}
    return {**fields, "inputs": encoded(resource.inputs), "outputs": encoded(resource.outputs)}


def main(argv: list[str]) -> int:
    folder, stack, out, subscription, now, today = argv
    here = Path(__file__).resolve().parent  # run by path: its folder leads sys.path; the checkout must instead
    sys.path[:] = [str(Path(folder).resolve()), *(p for p in sys.path if Path(p or ".").resolve() != here)]
    from components import runtimes  # the checkout's own, first on sys.path
    from components.offline.mocks import AzureMocks
    from components.offline.run import run_stack

    # This file's sibling, by path: `components` here is the checkout's, which may not have it.
    runpy.run_path(str(here / "collector.py"))["collect_cycles_rarely"]()
    judged = getattr(runtimes, "judged_on", None)
    mocks = AzureMocks(subscription, now=float(now))
    try:
        if judged is not None:
            with judged(date.fromisoformat(today)):
                plan = run_stack(stack, None, Path(folder).resolve(), mocks=mocks)
        else:
            plan = run_stack(stack, None, Path(folder).resolve(), mocks=mocks)
    except Exception as error:  # the older commit's program or config: reported as "cannot compare"
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 2
    document = {
        "project": plan.project,
        "stack": plan.stack,
        "resources": [record(r) for r in plan.resources],
        "outputs": {k: {"value": encoded(o.value), "secret": o.secret} for k, o in plan.outputs.items()},
        "warnings": list(plan.warnings),
    }
    Path(out).write_text(json.dumps(document))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
