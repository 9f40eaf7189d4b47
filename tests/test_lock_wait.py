"""`up` in CI waits, bounded, while another update holds the stack: deploys and the rotation meet on the lock.

Lifecycle row `concurrency-pending-cancel`: the rotation has a GitHub concurrency group of its own, so it can
never cancel a pending deploy (tests/test_workflows.py proves that from the workflow files); the two meet on
the stack's lock instead. .github/scripts/pulumi_up.py runs here, as the shared action runs it, against a fake
`pulumi` that replays a scripted sequence of outcomes, on a fake clock (no sleeping).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from components.offline.run import PROJECT_DIR

SCRIPT = PROJECT_DIR / ".github" / "scripts" / "pulumi_up.py"
# The two texts the Pulumi Automation API takes for a concurrent update (pulumi/pulumi sdk/go/auto/errors.go,
# IsConcurrentUpdateError): the DIY backend's (pkg/backend/diy/lock.go; `azblob://`, ours) and Pulumi Cloud's.
DIY_LOCKED = (
    "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the "
    "lock file with `pulumi cancel`.\n  azblob://pulumi-state/.pulumi/locks/organization/adf-databricks/dev/x.json: "
    "created by runner@fv-az123 (pid 2204) at 2026-09-01T04:23:40Z"
)
CLOUD_LOCKED = "error: [409] Conflict: Another update is currently in progress."
FAKE_PULUMI = """#!PYTHON
# Logs each call; `up` answers with the next scripted outcome (the last one repeats).
import os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_PULUMI_LOG"], "a") as log:
    log.write(" ".join(args) + "\\n")
if args[:2] == ["stack", "select"]:
    sys.exit(int(os.environ.get("FAKE_SELECT_STATUS", "0")))
outcomes = os.environ["FAKE_UP"].split()
calls = sum(line.startswith("up ") for line in open(os.environ["FAKE_PULUMI_LOG"]))
outcome = outcomes[min(calls, len(outcomes)) - 1]
if outcome == "ok":
    print("Resources:\\n    3 unchanged")
    sys.exit(0)
if outcome == "failed":
    print("error: update failed: the role assignment already exists", file=sys.stderr)
    sys.exit(255)
print({"diy": os.environ["DIY_LOCKED"], "cloud": os.environ["CLOUD_LOCKED"]}[outcome], file=sys.stderr)
sys.exit(255)
"""


@dataclass(frozen=True)
class UpRun:
    code: int
    output: str
    calls: list[str]

    def ups(self) -> list[str]:
        return [c for c in self.calls if c.startswith("up ")]

    def waits(self) -> list[str]:
        return [line for line in self.output.splitlines() if "is locked by another update; waiting" in line]


def run_up(tmp_path: Path, outcomes: str, *args: str, **env: str) -> UpRun:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "pulumi").write_text(FAKE_PULUMI.replace("PYTHON", sys.executable, 1))
    (bin_dir / "pulumi").chmod(0o755)
    log = tmp_path / "pulumi.log"
    log.write_text("")
    environment = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_PULUMI_LOG": str(log),
        "FAKE_UP": outcomes,
        "DIY_LOCKED": DIY_LOCKED,
        "CLOUD_LOCKED": CLOUD_LOCKED,
        "PULUMI_UP_FAKE_CLOCK": "1",
        "PULUMI_SECRETS_PROVIDER": "azurekeyvault://kv-pulumi.vault.azure.net/keys/pulumi",
        **env,
    }
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--stack", "dev", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return UpRun(done.returncode, done.stdout + done.stderr, log.read_text().splitlines())


@pytest.mark.parametrize("on_lock", ["fail", "skip"])
@pytest.mark.parametrize("lock", ["diy", "cloud"])
def test_a_locked_stack_is_waited_for_then_updated(tmp_path: Path, on_lock: str, lock: str) -> None:
    """Row `concurrency-pending-cancel`: whichever of deploy and rotation comes second waits for the other."""
    run = run_up(tmp_path, f"{lock} {lock} ok", "--on-lock", on_lock, "--wait-seconds", "900")
    assert run.code == 0, run.output
    assert len(run.ups()) == 3
    assert run.waits() == [
        "Stack dev is locked by another update; waiting 30s (900s of the 900s lock wait left).",
        "Stack dev is locked by another update; waiting 30s (870s of the 900s lock wait left).",
    ]
    assert "3 unchanged" in run.output


def test_any_other_failure_fails_at_once_with_pulumis_status(tmp_path: Path) -> None:
    run = run_up(tmp_path, "failed ok", "--on-lock", "skip")
    assert run.code == 255
    assert len(run.ups()) == 1
    assert run.waits() == []
    assert "the role assignment already exists" in run.output


def test_a_deploy_still_locked_after_its_wait_fails_and_says_what_to_do(tmp_path: Path) -> None:
    """A deploy never passes without deploying: past its bound (at least the rotation job's timeout, so only a lock
    left behind by a killed job gets here) it fails, naming the way out."""
    run = run_up(tmp_path, "diy", "--on-lock", "fail", "--wait-seconds", "90")
    assert run.code == 1
    assert len(run.ups()) == 4 and len(run.waits()) == 3, "waits of 30 s until 90 s are spent"
    assert (
        "::error::stack dev was still locked by another update after 90s. If no update is running (a cancelled job "
        "can leave its lock behind), remove the lock with `pulumi cancel --stack dev` and run the deploy again."
    ) in run.output


def test_a_rotation_that_meets_a_deploy_ends_cleanly(tmp_path: Path) -> None:
    """Row `concurrency-pending-cancel`: the rotation gives way; nothing changed, and the next daily run rotates
    (the schedule's gap stays inside every stack's rotation window: tests/test_workflows.py)."""
    run = run_up(tmp_path, "diy", "--on-lock", "skip", "--wait-seconds", "300")
    assert run.code == 0
    assert len(run.waits()) == 10
    assert (
        "::warning::stack dev was still locked by another update after 300s; nothing changed, the next scheduled "
        "run tries again."
    ) in run.output


def test_the_update_is_the_one_the_action_ran(tmp_path: Path) -> None:
    """The action's `upsert` (select, creating the stack with the repository's secrets provider), its policy pack,
    no second preview after the workflow's own, the rotation's refresh and targets."""
    targets = "urn:pulumi:dev::adf-databricks::time:index/rotating:Rotating::r\nurn:pulumi:dev::adf-databricks::x::y"
    run = run_up(tmp_path, "ok", "--on-lock", "skip", "--refresh", "true", "--targets", targets)
    assert run.code == 0
    assert run.calls == [
        "stack select --create dev --secrets-provider azurekeyvault://kv-pulumi.vault.azure.net/keys/pulumi",
        "up --yes --skip-preview --stack dev --policy-pack policy --refresh "
        "--target urn:pulumi:dev::adf-databricks::time:index/rotating:Rotating::r "
        "--target urn:pulumi:dev::adf-databricks::x::y",
    ]


def test_a_stack_that_cannot_be_selected_is_not_updated(tmp_path: Path) -> None:
    run = run_up(tmp_path, "ok", "--on-lock", "fail", FAKE_SELECT_STATUS="255")
    assert run.code == 255
    assert run.ups() == []
