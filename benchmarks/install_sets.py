"""What each set-up command installs: packages, megabytes and time, with an empty and with a warm pip cache.

The README's two commands install a locked set into a new virtualenv: the preview the runtime set
(requirements.txt), the tests the development set (requirements-dev.txt). Each set is installed into a temporary
virtualenv twice, as the command does it (`python3 -m venv`, then pip with the README's arguments): first with an
empty pip cache (everything downloaded), then, into a second new virtualenv, with the cache the first left (what a
developer's second clone or CI's cached runner pays). Downloads come from the package index, so the cold figure
includes the network. The runtime virtualenv then runs the preview of the dev stack, which must print what this
environment's preview prints: the runtime set is enough.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

PROJECT_DIR: Final = Path(__file__).resolve().parents[1]
SETS: Final = {"preview (runtime set)": "requirements.txt", "tests (development set)": "requirements-dev.txt"}


def readme_pip_install() -> tuple[str, ...]:
    """pip's arguments up to the requirements file, as the README's set-up commands give them (both alike)."""
    readme = (PROJECT_DIR / "README.md").read_text()
    found = set(re.findall(r"\.venv/bin/pip (install[^\n]*? -r) requirements", readme))
    if len(found) != 1:
        raise SystemExit(f"README.md: the set-up commands run pip in {len(found)} ways, expected one: {found}")
    return tuple(found.pop().split())


RUNTIME_TARGET: Final = {"packages": 25, "warm seconds": 45.0}
# What `python -m venv` brings itself: not installed by the command.
VENV_OWN: Final = {"pip", "setuptools"}


@dataclass(frozen=True)
class Install:
    seconds: float
    cpu_seconds: float
    packages: int
    megabytes: float


def _timed(command: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU time (this process's waited-for children) of a command that must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=PROJECT_DIR, env=env, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _megabytes(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6


def install(requirements: str, venv: Path, cache: Path) -> Install:
    """The README's command up to the install: a new virtualenv, then pip as the README runs it, with this cache."""
    env = {**os.environ, "PIP_CACHE_DIR": str(cache), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    made, made_cpu = _timed([sys.executable, "-m", "venv", str(venv)], env)
    empty = _megabytes(venv)
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    installed, installed_cpu = _timed([*pip, *readme_pip_install(), requirements], env)
    listed = subprocess.run([*pip, "list", "--format=json"], env=env, check=True, capture_output=True, text=True)
    packages = [p["name"] for p in json.loads(listed.stdout) if p["name"].lower() not in VENV_OWN]
    return Install(made + installed, made_cpu + installed_cpu, len(packages), _megabytes(venv) - empty)


def first_preview(venv: Path) -> tuple[bool, float]:
    """The runtime virtualenv's first preview of the dev stack (which compiles what it imports, as pip did not):
    whether it prints exactly what this environment's does, and its wall time."""

    def output(python: str) -> tuple[int, str]:
        command = [python, "-m", "components.preview", "dev"]
        done = subprocess.run(command, cwd=PROJECT_DIR, check=False, capture_output=True, text=True)
        return done.returncode, done.stdout

    started = time.perf_counter()
    fresh = output(str(venv / "bin" / "python"))
    seconds = time.perf_counter() - started
    return fresh == output(sys.executable), seconds


def _times(result: Install) -> str:
    return f"{result.seconds:.1f} s ({result.cpu_seconds:.1f} s CPU)"


def report() -> list[str]:
    """Install each set cold then warm, print the figures; the missed runtime targets, if any."""
    missed: list[str] = []
    print("Install of each set-up command's locked set into a new virtualenv (`python -m benchmarks --install`)")
    print(f"   {'command':26} {'packages':>8} {'MB':>6} {'empty cache':>22} {'warm cache':>22}")
    with tempfile.TemporaryDirectory(prefix="adf-install-") as scratch:
        root = Path(scratch)
        for label, requirements in SETS.items():
            cache = root / f"cache-{requirements}"
            cold = install(requirements, root / f"cold-{requirements}", cache)
            warm = install(requirements, root / f"warm-{requirements}", cache)
            print(f"   {label:26} {warm.packages:>8} {warm.megabytes:>6.0f} {_times(cold):>22} {_times(warm):>22}")
            if requirements == "requirements.txt":
                if warm.packages > RUNTIME_TARGET["packages"]:
                    missed.append(f"preview set ≤ {RUNTIME_TARGET['packages']} packages: {warm.packages}")
                if warm.seconds > RUNTIME_TARGET["warm seconds"]:
                    missed.append(f"preview set ≤ {RUNTIME_TARGET['warm seconds']:.0f} s warm: {warm.seconds:.1f} s")
                same, seconds = first_preview(root / f"warm-{requirements}")
                if not same:
                    missed.append("the runtime set's preview of dev differs from this environment's")
                else:
                    print(
                        "   the runtime set runs `python -m components.preview dev`: same output as here; first run "
                        f"{seconds:.1f} s, so the README's preview command takes {warm.seconds + seconds:.1f} s warm"
                    )
    print(
        f"   targets for the preview's set: ≤ {RUNTIME_TARGET['packages']} packages, "
        f"≤ {RUNTIME_TARGET['warm seconds']:.0f} s with a warm cache on 2 cores "
        f"({os.cpu_count()} cores here, load {os.getloadavg()[0]:.1f})"
    )
    return missed
