"""Wall time and peak memory of the offline loop: the preview of a stack, its import floor, the test suite."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing `components` loads every SDK: the benchmark defers it
    from components.offline.plan import Plan

SDK_MODULES = {"azure-native": "pulumi_azure_native", "databricks": "pulumi_databricks", "time": "pulumiverse_time"}


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mib: float
    returncode: int
    cpu_seconds: float = 0.0
    """User + system CPU time of the process: what it costs, whatever else the machine is running."""


def run(command: Sequence[str], cwd: Path) -> Run:
    """One run of a command: wall time, CPU time and peak resident memory of its process (from the kernel)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    # Reaped here (wait4 gives the child's own peak memory); tell Popen, or it thinks the child still runs.
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode, usage.ru_utime + usage.ru_stime)


def best(command: Sequence[str], results: Sequence[Run]) -> Run:
    """The best wall time and the best CPU time of several runs (each is noise added to the true cost)."""
    failed = [r for r in results if r.returncode != 0]
    if failed:
        raise RuntimeError(f"{' '.join(command)} exited {failed[0].returncode}")
    return Run(
        min(r.seconds for r in results),
        max(r.peak_rss_mib for r in results),
        0,
        min(r.cpu_seconds for r in results),
    )


def best_of(command: Sequence[str], cwd: Path, runs: int) -> Run:
    return best(command, [run(command, cwd) for _ in range(runs)])


def import_line(resource_type: str) -> str | None:
    """`azure-native:keyvault:Vault` → `from pulumi_azure_native.keyvault import Vault`; None for components."""
    package, _, rest = resource_type.partition(":")
    if package == "pulumi" and rest.startswith("providers:"):
        module = SDK_MODULES.get(rest.removeprefix("providers:"))
        return f"from {module} import Provider" if module else None
    module = SDK_MODULES.get(package)
    if module is None:
        return None
    submodule, _, name = rest.partition(":")
    if submodule.startswith("index"):
        return f"from {module} import {name}"
    return f"from {module}.{submodule} import {name}"


def floor_program(plans: Sequence[Plan]) -> str:
    """A program that only imports pulumi and the resource classes the plans create: what any program creating
    those resources must at least load."""
    lines = {line for plan in plans for r in plan.resources if (line := import_line(r.type))}
    return "\n".join(["import pulumi", *sorted(lines)])
