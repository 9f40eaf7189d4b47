"""The base of a change report: a git ref's tree exported, and its plan built as that commit's code builds it.

The base commit runs in the current environment (this interpreter, these installed packages) with its own
`components` package and stack files (`snapshot.py`), in a process of its own; when its program is the working
tree's (`same_program`), in this process, from its own stack files. A ref that does not resolve, a tree that cannot
be exported or a program that does not run is `CannotCompareError`, with the reason. A stack the base has no file
for is a new stack: its base plan is empty.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from components.offline.mocks import AzureMocks
from components.offline.plan import Plan, ResourceRecord, Secret, StackOutput
from components.offline.run import run_stack

SNAPSHOT = Path(__file__).resolve().parent / "snapshot.py"
MAIN_BRANCHES = ("main", "origin/main")
PLAN_FILE, ERRORS_FILE = ".base-plan.json", ".base-plan.errors"


class CannotCompareError(Exception):
    """The base cannot be built: the report compares nothing and says why."""


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CannotCompareError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout.strip()


def default_ref(folder: Path) -> str:
    """The merge base of HEAD with the main branch (local `main`, else `origin/main`)."""
    for branch in MAIN_BRANCHES:
        try:
            return _git(folder, "merge-base", "HEAD", branch)
        except CannotCompareError:
            continue
    raise CannotCompareError(f"no merge base of HEAD with {' or '.join(MAIN_BRANCHES)}: name a ref with --against")


@dataclass(frozen=True)
class Base:
    ref: str
    commit: str
    project_dir: Path
    """The project's folder inside the exported tree."""


@contextmanager
def exported(project_dir: Path, ref: str) -> Iterator[Base]:
    """The ref's tree in a temporary folder, the project's folder located in it as in the repository."""
    commit = _git(project_dir, "rev-parse", "--verify", f"{ref}^{{commit}}")
    prefix = _git(project_dir, "rev-parse", "--show-prefix")
    archive = subprocess.run(
        ["git", "-C", str(project_dir), "archive", "--format=tar", commit], capture_output=True, check=False
    )
    if archive.returncode != 0:
        raise CannotCompareError(f"git archive {ref}: {archive.stderr.decode(errors='replace').strip()}")
    with tempfile.TemporaryDirectory(prefix="adf-change-report-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
        yield Base(ref, commit, Path(folder) / prefix)


def same_program(base: Base, head_dir: Path, stack_config_dir: Path) -> bool:
    """Every file of the base's tree but its stack files is byte-identical in the working tree: the program, its
    package and Pulumi.yaml are the base's, so this process builds the base's plan as that commit's code would
    (a pull request that only edits stack files, the common case, compares without a second process)."""
    stacks = stack_config_dir.resolve().relative_to(head_dir.resolve())
    for path in base.project_dir.rglob("*"):
        relative = path.relative_to(base.project_dir)
        if not path.is_file() or (relative.parent == stacks and fnmatch(path.name, "Pulumi.*.yaml")):
            continue
        mine = head_dir / relative
        if not mine.is_file() or mine.read_bytes() != path.read_bytes():
            return False
    return True


def _has_stack(base: Base, stack: str) -> bool:
    return any(base.project_dir.rglob(f"Pulumi.{stack}.yaml"))


def build_here(base: Base, stack: str, project: str, mocks: AzureMocks) -> Plan:
    """The base's plan from its own stack file, built by this process's program, which is the base's
    (`same_program`): empty for a stack the base has no file for; the base's own problems cannot be compared."""
    if not _has_stack(base, stack):
        return Plan(project, stack)
    try:
        return run_stack(stack, None, base.project_dir, mocks=mocks)
    except Exception as error:  # the base's stack file or config, as the base's own process reports it
        raise CannotCompareError(f"the base ({base.ref}) does not run: {type(error).__name__}: {error}") from error


def start(base: Base, stack: str, subscription_id: str, now: float, today: str) -> subprocess.Popen[bytes] | None:
    """Start building the base plan in a process of its own (None when the base has no such stack: a new stack)."""
    if not _has_stack(base, stack):
        return None
    out = base.project_dir / PLAN_FILE
    command = [sys.executable, str(SNAPSHOT), str(base.project_dir), stack, str(out), subscription_id, str(now), today]
    # Files, not pipes: the head plan is built meanwhile in this process, and nothing reads a pipe until it is done.
    with (base.project_dir / ERRORS_FILE).open("w") as errors:
        return subprocess.Popen(command, cwd=base.project_dir, stdout=subprocess.DEVNULL, stderr=errors)


def finish(base: Base, process: subprocess.Popen[bytes] | None, project: str, stack: str) -> Plan:
    if process is None:
        return Plan(project, stack)
    process.wait()
    if process.returncode != 0:
        errors = (base.project_dir / ERRORS_FILE).read_text().strip()
        reason = errors.splitlines()[-1] if errors else f"exit {process.returncode}"
        raise CannotCompareError(f"the base ({base.ref}) does not run: {reason}")
    out = base.project_dir / PLAN_FILE
    try:
        return loaded(json.loads(out.read_text()))
    finally:
        out.unlink(missing_ok=True)


def _decoded(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__secret__"}:
            return Secret(_decoded(value["__secret__"]))
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


TUPLES = ("dependencies", "ignore_changes", "replace_on_changes", "aliases")


def loaded(document: dict[str, Any]) -> Plan:
    resources = [
        ResourceRecord(
            **{
                **{k: tuple(v) if k in TUPLES else v for k, v in r.items() if k not in ("inputs", "outputs")},
                "inputs": _decoded(r["inputs"]),
                "outputs": _decoded(r["outputs"]),
            }
        )
        for r in document["resources"]
    ]
    outputs = {k: StackOutput(_decoded(o["value"]), o["secret"]) for k, o in document["outputs"].items()}
    return Plan(document["project"], document["stack"], resources, outputs, document["warnings"])
