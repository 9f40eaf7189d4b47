"""The plans tests read: the real program on the default mocks, run once per process and shared (`planned`), and
the config pieces many tests override with."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from components import runtimes
from components.offline.mocks import AzureMocks
from components.offline.plan import Plan
from components.offline.project import load_project
from components.offline.run import PROJECT_DIR, run_program, run_stack

LINKED_SERVICE = "azure-native:datafactory:LinkedService"
DATABRICKS_LS = "adf-databricks-databricks-linked-service"
JOB_CLUSTER = {"sparkVersion": "16.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "workers": "2:8"}
INTERACTIVE = {"sparkVersion": "16.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "numWorkers": 1}
POOL = {"sparkVersion": "16.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "workers": "4"}


class RecordingMocks(AzureMocks):
    """Realistic state, plus the list of types the program asked to create (to prove none were)."""

    def __init__(self) -> None:
        super().__init__()
        self.registered: list[str] = []

    def new_resource(self, args: Any) -> tuple[str | None, dict[str, Any]]:
        self.registered.append(args.typ)
        return super().new_resource(args)


PlanFor = Callable[..., Plan]


_PLANS: dict[tuple[str, str, date], Plan] = {}
"""Plans on the default mocks, by stack, overrides and the day runtimes are judged on (`planned`)."""


def planned(stack: str = "dev", overrides: dict[str, Any] | None = None) -> Plan:
    """The plan of `stack` with `overrides` on the default mocks, run once per test process: the program is
    deterministic there (tests/test_preview.py prints the same bytes twice), so a test asking again for the same
    plan gets it without running the program again. Tests read plans; none changes one."""
    key = (stack, json.dumps(overrides or {}, sort_keys=True), runtimes.today())
    if key not in _PLANS:
        _PLANS[key] = run_stack(stack, overrides)
    return _PLANS[key]


def databricks_link(plan: Plan) -> dict[str, Any]:
    """The AzureDatabricks linked service's `properties` as sent (secrets still wrapped)."""
    props: dict[str, Any] = plan.one(LINKED_SERVICE, DATABRICKS_LS).inputs["properties"]
    return props


def plan_from_values(stack: str, values: dict[str, Any], mocks: AzureMocks | None = None) -> Plan:
    """Run the program for any stack name with `values` (un-prefixed keys) over the declared defaults."""
    project = load_project(PROJECT_DIR)
    config = {f"adf-databricks:{k}": d["default"] for k, d in project.config.items()}
    config |= {f"adf-databricks:{k}": v for k, v in values.items()}
    config["azure-native:location"] = "westeurope"
    return run_program(project, stack, config, mocks)
