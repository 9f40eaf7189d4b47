"""Run the project's real `__main__.py` for one stack under the mock runtime and return its plan."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import logging
import os
import runpy
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from components.offline.mocks import AzureMocks
from components.offline.monitor import EngineMonitor, decode
from components.offline.plan import Plan, StackOutput
from components.offline.project import Project, as_cli_strings, load_project, stack_config
from components.offline.virtual_time import VirtualTimeLoop

PROJECT_DIR = Path(__file__).resolve().parents[2]


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _in_program_folder(folder: Path) -> Iterator[None]:
    """As the CLI's Python language host runs a program: from its folder, which is first on sys.path."""
    before, path_before = Path.cwd(), list(sys.path)
    os.chdir(folder)
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        os.chdir(before)
        sys.path[:] = path_before


INSTALLED_NAME = "adf_databricks"
"""The import name of the installed package (pyproject.toml maps the checkout's `components/` onto it)."""


def _serve_checkout_as_installed_package() -> None:
    """Let a consumer's program, which imports `adf_databricks`, preview against this checkout's component.

    Where the package is installed (a consumer's virtualenv), the installed one is used; from a checkout the
    package is this `components` folder under its installed name.
    """
    if INSTALLED_NAME not in sys.modules and importlib.util.find_spec(INSTALLED_NAME) is None:
        sys.modules[INSTALLED_NAME] = importlib.import_module("components")


def run_program(
    project: Project,
    stack: str,
    config: dict[str, Any],
    mocks: AzureMocks | None = None,
    secret_keys: Sequence[str] = (),
) -> Plan:
    """`config` is the full stack config (namespaced keys) the CLI would pass."""
    _on_virtual_time()
    monitor = EngineMonitor(mocks or AzureMocks())
    warnings = _Warnings()
    logger = logging.getLogger(f"adf-databricks.offline.{stack}")
    logger.propagate = False
    logger.handlers = [warnings]
    runtime_settings.ROOT.set(None)  # a fresh stack per run, as each `pulumi up` has
    pulumi.runtime.set_mocks(
        monitor.mocks, project=project.name, stack=stack, preview=True, logger=logger, monitor=monitor
    )
    pulumi.runtime.set_all_config(as_cli_strings(config), list(secret_keys))
    root = runtime_settings.get_root_resource()

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> None:
        runpy.run_path(str(project.program), run_name="__main__")

    _serve_checkout_as_installed_package()
    with _in_program_folder(project.program.parent), _leftovers_cancelled():
        program()
    outputs = {name: _resolve(value) for name, value in getattr(root, "outputs", {}).items()}
    return Plan(project.name, stack, list(monitor.records), outputs, warnings.messages)


def _on_virtual_time() -> None:
    """The mock runtime runs the program on this thread's event loop (pulumi's `_ensure_event_loop`): make it one
    on which the program's waits pass at once (components/offline/virtual_time.py)."""
    current = asyncio.get_event_loop_policy().get_event_loop()
    if not isinstance(current, VirtualTimeLoop):
        if not current.is_running():
            current.close()
        asyncio.set_event_loop(VirtualTimeLoop())


@contextmanager
def _leftovers_cancelled() -> Iterator[None]:
    """A run that fails stops at its first error and leaves its other awaits pending on the event loop (a wait for a
    private endpoint connection, say). Cancelled here, they cannot wake inside this process's next run and fail
    that one with the old run's error."""
    try:
        yield
    finally:
        loop = _ensure_event_loop()  # type: ignore[no-untyped-call]  # the loop the mock runtime runs on
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


def _resolve(value: Any) -> StackOutput:
    output = pulumi.Output.from_input(value)
    return StackOutput(decode(_sync_await(output.future())), bool(_sync_await(output.is_secret())))


def run_stack(
    stack: str,
    overrides: dict[str, Any] | None = None,
    project_dir: Path = PROJECT_DIR,
    mocks: AzureMocks | None = None,
) -> Plan:
    """What `pulumi preview -s <stack>` would register, from the stack file plus Pulumi.yaml defaults."""
    project = load_project(project_dir)
    return run_program(project, stack, stack_config(project, stack, overrides), mocks)
