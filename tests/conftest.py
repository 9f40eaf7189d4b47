"""Shared fixtures: plans of the real program under the mock runtime, and the specs we check against.

Nothing here imports the program or the SDKs at module level: pytest-xdist's controlling process loads this file
too and runs no test, so it need not spend seconds importing them; the fixtures import what they use
(tests/plans.py, which test modules import directly)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from plans import PlanFor

    from components.offline.mocks import AzureMocks
    from components.offline.plan import Plan

PROJECT_DIR = Path(__file__).resolve().parents[1]

# Property tests draw this many examples each: `unit` keeps the README's `python -m pytest` the fast offline loop;
# `thorough` (HYPOTHESIS_PROFILE=thorough) searches wider, for a nightly run or after changing the validator. No
# deadline: on a shared machine one example's time says nothing about the code.
settings.register_profile("unit", max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", settings.get_profile("unit"), max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "unit"))


ENGINE_TIER = PROJECT_DIR / "tests" / "engine"


def _engine_tier_asked_for(config: pytest.Config) -> bool:
    if os.environ.get("ADF_ENGINE_REQUIRED") == "1":
        return True
    paths = (Path(arg.split("::", 1)[0]).resolve() for arg in config.args)
    return any(path == ENGINE_TIER or ENGINE_TIER in path.parents for path in paths)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """A plain `python -m pytest` (the README's command, CI's first step) leaves the engine tier out, without even
    importing it: one engine scenario takes tens of seconds on 2 cores, and that run is the fast offline loop."""
    if collection_path == ENGINE_TIER and not _engine_tier_asked_for(config):
        return True
    return None


def pytest_collection_finish(session: pytest.Session) -> None:
    """The unit tier runs the program hundreds of times in one process (components/offline/collector.py)."""
    from components.offline.collector import collect_cycles_rarely

    collect_cycles_rarely()


@pytest.fixture(scope="session", autouse=True)
def runtime_support_judged_on_a_fixed_day() -> Iterator[None]:
    """Session-wide and autouse, so it is in place before any plan fixture runs the program; the policy pack's copy
    of the table keeps a clock of its own."""
    from support import JUDGED_ON

    from components import runtimes
    from policy import runtimes as policy_runtimes

    with runtimes.judged_on(JUDGED_ON), policy_runtimes.judged_on(JUDGED_ON):
        yield


@pytest.fixture(scope="session")
def dev_plan() -> Plan:
    from plans import planned

    return planned("dev")


@pytest.fixture(scope="session")
def prod_plan() -> Plan:
    from plans import planned

    return planned("prod")


@pytest.fixture
def plan_for() -> PlanFor:
    """`plan_for(stack="dev", **overrides)`: the stack file with some keys replaced."""
    from plans import planned

    from components.offline.run import run_stack

    def run(stack: str = "dev", mocks: AzureMocks | None = None, **overrides: Any) -> Plan:
        if mocks is not None:
            return run_stack(stack, overrides, mocks=mocks)
        return planned(stack, overrides)

    return run


@pytest.fixture(scope="session")
def docs_preview_command(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> subprocess.CompletedProcess[str]:
    """The preview in a process of its own, once per test run, as docs/preview.md, "Where to run it", gives the
    command: from `stacks/`, with the checkout on PYTHONPATH; with another hash seed than this process's, and with
    Python's import log on (PYTHONPROFILEIMPORTTIME: stderr names every module the preview imported). It proves the
    `python -m components.preview` entry; every other test runs the same `main()` in this process. (Without
    PYTHONPATH, Python itself cannot find `components` there, before any of our code runs: the docs say so.)

    Under pytest-xdist the first worker to ask runs it and leaves the result in the run's shared temporary folder
    for the others (pytest-xdist's documented recipe, "Making session-scoped fixtures execute only once", with the
    standard library's file lock: the tests run on POSIX, as their bash scripts do)."""
    if worker_id == "master":
        return _docs_preview_command()
    import fcntl  # POSIX only, as the tests' bash scripts are: imported here, so a conftest import never needs it

    shared = tmp_path_factory.getbasetemp().parent
    with (shared / "docs-preview.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        kept = shared / "docs-preview.json"
        if not kept.exists():
            result = _docs_preview_command()
            kept.write_text(json.dumps([result.returncode, result.stdout, result.stderr]))
        code, out, err = json.loads(kept.read_text())
    return subprocess.CompletedProcess(["components.preview", "dev"], code, out, err)


def _docs_preview_command() -> subprocess.CompletedProcess[str]:
    from support import code_blocks, doc_section

    (command,) = code_blocks(doc_section("docs/preview.md", "## Where to run it"), "bash")
    assignment, _interpreter, *arguments = command.split()
    name, value = assignment.split("=", 1)
    assert arguments == ["-m", "components.preview", "dev"]
    result = subprocess.run(
        [sys.executable, *arguments],
        cwd=PROJECT_DIR / "stacks",
        env={**os.environ, name: value, "PYTHONHASHSEED": "4242", "PYTHONPROFILEIMPORTTIME": "1"},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="session")
def specs() -> Path:
    from components.offline.project import SPECS

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
