"""Helpers shared by tests: the stacks a user has, a stack name nobody has, the preview as a newcomer runs it."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import uuid
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path

from components.offline.project import load_project
from components.preview import main

PROJECT_DIR = Path(__file__).resolve().parents[1]
JUDGED_ON = date(2026, 12, 1)
"""The day every test judges Databricks runtime support on (conftest fixes it), so that no result changes with
the calendar; a test about runtime ageing sets its own day with `runtimes.judged_on`."""


def stacks() -> list[str]:
    """Every stack: the files in stacks/ (so a user's new stack file is covered, and never breaks a test)."""
    return load_project(PROJECT_DIR).stacks()


def absent_stack() -> str:
    """A stack name that no stack file has, nor plausibly ever will."""
    name = f"absent-{uuid.uuid4().hex[:12]}"
    assert name not in stacks()
    return name


def preview_here(*args: str, cwd: Path = PROJECT_DIR) -> subprocess.CompletedProcess[str]:
    """`python -m components.preview` in this process: no second start-up of the SDKs for every case."""
    out, err = io.StringIO(), io.StringIO()
    before = Path.cwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(before)
    return subprocess.CompletedProcess(["components.preview", *args], code, out.getvalue(), err.getvalue())


def preview(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command as a newcomer types it, in a process of its own; `components` importable as when installed."""
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_DIR), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "components.preview", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=environment,
    )


def copy_project(target: Path) -> Path:
    """This project's program, Pulumi.yaml and stack files in a scratch folder, to add or break files in."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_DIR / name, target / name)
    shutil.copytree(PROJECT_DIR / "stacks", target / "stacks")
    return target
