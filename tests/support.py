"""Helpers shared by tests: the stacks a user has, a stack name nobody has, the preview run in this process, and
the parts of the user's documents (README.md, docs/) that tests hold to the code."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path

from components.offline.project import load_project
from components.offline.run import INSTALLED_NAME
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


@contextmanager
def installed_as_package(site: Path | None) -> Iterator[None]:
    """Where a consumer's `import adf_databricks` finds the package: in `site` (a site-packages folder the wheel was
    installed into) or, with None, nowhere, so that the preview serves this checkout's `components` under that
    name. No module of that name stays imported from before; those are put back afterwards."""
    saved = {name: module for name, module in sys.modules.items() if name.partition(".")[0] == INSTALLED_NAME}
    for name in saved:
        del sys.modules[name]
    if site is not None:
        sys.path.insert(0, str(site))
    try:
        yield
    finally:
        if site is not None:
            sys.path.remove(str(site))
        for name in [name for name in sys.modules if name.partition(".")[0] == INSTALLED_NAME]:
            del sys.modules[name]
        sys.modules.update(saved)


def copy_project(target: Path) -> Path:
    """This project's program, Pulumi.yaml and stack files in a scratch folder, to add or break files in."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_DIR / name, target / name)
    shutil.copytree(PROJECT_DIR / "stacks", target / "stacks")
    return target


def doc(name: str) -> str:
    """A user's document: `README.md`, or a file of docs/ (`docs/preview.md`)."""
    return (PROJECT_DIR / name).read_text(encoding="utf-8")


def doc_section(name: str, heading: str) -> str:
    """The text under `heading` (`## CI/CD`, `### Adding a stack`) up to the next heading of its level or above
    (a `#` line inside a code block is not a heading)."""
    lines = doc(name).split("\n")
    level = len(heading) - len(heading.lstrip("#"))
    start = lines.index(heading) + 1
    fenced = False
    for end in range(start, len(lines)):
        fenced ^= lines[end].startswith("```")
        if not fenced and re.match(rf"#{{1,{level}}} ", lines[end]):
            return "\n".join(lines[start:end])
    return "\n".join(lines[start:])


def code_blocks(text: str, language: str) -> list[str]:
    """The fenced code blocks of one language, in order, as written."""
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.DOTALL | re.MULTILINE)


def between(text: str, marker: str) -> str:
    """What a document holds between `<!-- marker:start -->` and `<!-- marker:end -->` (generated parts)."""
    return text.split(f"<!-- {marker}:start -->", 1)[1].split(f"<!-- {marker}:end -->", 1)[0].strip()
