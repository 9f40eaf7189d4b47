"""Shared fixtures: plans of the real program under the mock runtime, and the specs we check against."""

from __future__ import annotations

import contextlib
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from support import JUDGED_ON

from components import runtimes
from components.offline.collector import collect_cycles_rarely
from components.offline.mocks import AzureMocks
from components.offline.plan import Plan, ResourceRecord
from components.offline.project import SPECS
from components.offline.run import PROJECT_DIR, run_stack
from policy import runtimes as policy_runtimes

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

# Property tests draw this many examples each: `unit` keeps the README's `python -m pytest` the fast offline loop;
# `thorough` (HYPOTHESIS_PROFILE=thorough) searches wider, for a nightly run or after changing the validator. No
# deadline: on a shared machine one example's time says nothing about the code.
settings.register_profile("unit", max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", settings.get_profile("unit"), max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "unit"))


def pytest_collection_finish(session: pytest.Session) -> None:
    """The unit tier runs the program hundreds of times in one process (components/offline/collector.py)."""
    collect_cycles_rarely()


@pytest.fixture(scope="session", autouse=True)
def runtime_support_judged_on_a_fixed_day() -> Iterator[None]:
    """Session-wide and autouse, so it is in place before any plan fixture runs the program; the policy pack's copy
    of the table keeps a clock of its own."""
    with runtimes.judged_on(JUDGED_ON), policy_runtimes.judged_on(JUDGED_ON):
        yield


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


@pytest.fixture(scope="session")
def dev_plan() -> Plan:
    return planned("dev")


@pytest.fixture(scope="session")
def prod_plan() -> Plan:
    return planned("prod")


@pytest.fixture
def plan_for() -> PlanFor:
    """`plan_for(stack="dev", **overrides)`: the stack file with some keys replaced."""

    def run(stack: str = "dev", mocks: AzureMocks | None = None, **overrides: Any) -> Plan:
        if mocks is not None:
            return run_stack(stack, overrides, mocks=mocks)
        return planned(stack, overrides)

    return run


def databricks_link(plan: Plan) -> dict[str, Any]:
    """The AzureDatabricks linked service's `properties` as sent (secrets still wrapped)."""
    props: dict[str, Any] = plan.one(LINKED_SERVICE, DATABRICKS_LS).inputs["properties"]
    return props


def resource(plan: Plan, type_suffix: str) -> ResourceRecord:
    return plan.one(next(r.type for r in plan.resources if r.type.endswith(type_suffix)))


@pytest.fixture(scope="session")
def specs() -> Path:
    return SPECS


@pytest.fixture(scope="session")
def adf_schema(specs: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((specs / "adf-linked-services.schema.json").read_text())
    return loaded


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT_DIR


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site-packages folder holding this project as `pip install adf-databricks@git+…` leaves it: the wheel that
    pyproject.toml's build backend (hatchling's PEP 517 `build_wheel`, the hook pip calls) builds from the
    checkout, unpacked as pip unpacks a pure-Python wheel. Built in this process: no virtualenv, no pip."""
    from hatchling.build import build_wheel

    built = tmp_path_factory.mktemp("wheel")
    with contextlib.chdir(PROJECT_DIR):
        wheel = built / build_wheel(str(built))
    site = tmp_path_factory.mktemp("site-packages")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def plan_from_values(stack: str, values: dict[str, Any], mocks: AzureMocks | None = None) -> Plan:
    """Run the program for any stack name with `values` (un-prefixed keys) over the declared defaults."""
    from components.offline.project import load_project
    from components.offline.run import run_program

    project = load_project(PROJECT_DIR)
    config = {f"adf-databricks:{k}": d["default"] for k, d in project.config.items()}
    config |= {f"adf-databricks:{k}": v for k, v in values.items()}
    config["azure-native:location"] = "westeurope"
    return run_program(project, stack, config, mocks)
