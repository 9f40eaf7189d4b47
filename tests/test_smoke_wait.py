"""The deploy's smoke run waits, bounded and reported, while the factory's new roles take effect.

Lifecycle row `rbac-propagation`: a role assignment takes up to 10 minutes to take effect (learn.microsoft.com,
Azure RBAC troubleshooting). The `up` before the smoke run may have just created the factory identity's role on
the Key Vault (token mode) or the workspace (managed-identity mode). .github/scripts/run-smoke-pipeline.sh runs
here against a fake `az` that replays a scripted sequence of pipeline runs, on a fake clock (no sleeping).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from components import smoke_pipeline
from components.offline.run import PROJECT_DIR

SCRIPT = PROJECT_DIR / ".github" / "scripts" / "run-smoke-pipeline.sh"
ARGS = ("rg-adf-databricks-dev", "adf-adf-databricks-dev-3655e2", smoke_pipeline.PIPELINE_NAME)
FAKE_AZ = """#!PYTHON
# Answers as the Azure CLI would: each `create-run` starts the next scripted run (the last one repeats);
# `pipeline-run show` reports its status once InProgress, then its final status and message.
import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_AZ_LOG"], "a") as log:
    log.write(" ".join(args) + "\\n")
runs = json.loads(os.environ["FAKE_RUNS"])
calls = open(os.environ["FAKE_AZ_LOG"]).read().splitlines()
if args[:2] == ["extension", "show"]:
    sys.exit(0)
if args[:3] == ["datafactory", "pipeline", "create-run"]:
    print(f"run-{sum('create-run' in c for c in calls)}")
    sys.exit(0)
if args[:3] == ["datafactory", "pipeline-run", "show"]:
    run_id = args[args.index("--run-id") + 1]
    run = runs[min(int(run_id.split("-")[1]), len(runs)) - 1]
    if "message" in args:
        print(run.get("message", ""))
    else:
        polls = sum(f"--run-id {run_id} --query status" in c for c in calls)
        print("InProgress" if polls == 1 else run["status"])
    sys.exit(0)
if args[:3] == ["datafactory", "pipeline-run", "cancel"]:
    sys.exit(0)
sys.exit(f"fake az: unexpected {args}")
"""

# What ADF's run message carries when access is not in effect yet. Key Vault: 403 Forbidden, RBAC vaults with
# ForbiddenByRbac (learn.microsoft.com, "Azure Key Vault REST API Error Codes": "If you receive a 403 error
# immediately after adding an identity ..., you can handle it by adding periodic retry"); ADF wraps it as
# "Failed to get the secret from key vault, ... The error message is: ...". Databricks: 401/403, error codes
# UNAUTHENTICATED / PERMISSION_DENIED (databricks-sdk-go apierr/error_mapping.go); ADF error 3200 "Error 403."
# (learn.microsoft.com, "Troubleshoot Azure Data Factory", Azure Databricks).
KEY_VAULT_403 = (
    "Operation on target Run smoke notebook failed: Failed to get the secret from key vault, secretName: "
    "databricks-token, secretVersion: , vaultBaseUrl: https://kv-adf-dev.vault.azure.net/. The error message is: "
    "Operation returned an invalid status code 'Forbidden'"
)
KEY_VAULT_RBAC = (
    "Failed to get the secret from key vault, secretName: databricks-token. The error message is: Caller is not "
    "authorized to perform action on resource. If role assignments were changed recently, please observe "
    "propagation time. (ForbiddenByRbac)"
)
DATABRICKS_3200 = "Operation on target Run smoke notebook failed: Error 403. Invalid access token."
DATABRICKS_401 = "Operation on target Run smoke job failed: UNAUTHENTICATED: status code 401"
DATABRICKS_403 = "Operation on target Run smoke job failed: PERMISSION_DENIED: the caller may not run this job"
NOT_ACCESS = {
    "notebook": "Operation on target Run smoke notebook failed: Notebook failed: boom",
    "job-3204": "Job execution failed.",
    "no-cluster": "Cluster 0403-120000-abc123 does not exist",
    "rate-3202": "There were already 1000 jobs created in past 3600 seconds, exceeding rate limit",
    # Key Vault's firewall also answers 403, but no waiting opens it (the same error-codes page).
    "kv-firewall": (
        "Failed to get the secret from key vault. The error message is: Operation returned an invalid status "
        "code 'Forbidden'. Client address is not authorized and caller is not a trusted service."
    ),
}


@dataclass(frozen=True)
class SmokeRun:
    code: int
    output: str
    calls: list[str]

    def started(self) -> int:
        return sum("pipeline create-run" in c for c in self.calls)

    def waits(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.startswith("Waiting ")]


def run_script(tmp_path: Path, runs: list[dict[str, str]], **env: str) -> SmokeRun:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "az").write_text(FAKE_AZ.replace("PYTHON", sys.executable, 1))
    (bin_dir / "az").chmod(0o755)
    log = tmp_path / "az.log"
    log.write_text("")
    environment = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_AZ_LOG": str(log),
        "FAKE_RUNS": json.dumps(runs),
        "SMOKE_FAKE_CLOCK": "1",
        **env,
    }
    done = subprocess.run(
        ["bash", str(SCRIPT), *ARGS], env=environment, capture_output=True, text=True, timeout=60, check=False
    )
    return SmokeRun(done.returncode, done.stdout + done.stderr, log.read_text().splitlines())


def failed(message: str) -> dict[str, str]:
    return {"status": "Failed", "message": message}


SUCCEEDED = {"status": "Succeeded"}


@pytest.mark.parametrize(
    "message",
    [KEY_VAULT_403, KEY_VAULT_RBAC, DATABRICKS_3200, DATABRICKS_401, DATABRICKS_403],
    ids=["key-vault-403", "key-vault-rbac", "databricks-3200", "databricks-401", "databricks-403"],
)
def test_an_authorization_failure_then_success_passes_with_the_wait_printed(tmp_path: Path, message: str) -> None:
    """Row `rbac-propagation`: the run that meets a role not yet in effect is started again after a printed wait."""
    run = run_script(tmp_path, [failed(message), SUCCEEDED])
    assert run.code == 0, run.output
    assert run.started() == 2
    assert "::warning::smoke run run-1 failed authorization, as it does until a new role assignment takes effect" in (
        run.output
    )
    assert message in run.output
    assert run.waits() == ["Waiting 60s before the next run (600s of the 600s access wait left)."]
    assert f"Smoke pipeline {ARGS[2]} succeeded (run run-2)." in run.output


def test_each_wait_is_printed_with_the_time_left(tmp_path: Path) -> None:
    """Row `rbac-propagation`: Key Vault and workspace roles may take effect at different times; every wait shows."""
    run = run_script(tmp_path, [failed(KEY_VAULT_403), failed(DATABRICKS_401), failed(DATABRICKS_3200), SUCCEEDED])
    assert run.code == 0, run.output
    assert run.started() == 4
    # The fake clock advances by each poll (15 s) as well as by each wait.
    assert run.waits() == [
        "Waiting 60s before the next run (600s of the 600s access wait left).",
        "Waiting 60s before the next run (525s of the 600s access wait left).",
        "Waiting 60s before the next run (450s of the 600s access wait left).",
    ]


@pytest.mark.parametrize("message", list(NOT_ACCESS.values()), ids=list(NOT_ACCESS))
def test_any_other_failure_fails_at_once(tmp_path: Path, message: str) -> None:
    """Row `rbac-propagation` covers authorization only: anything else (a broken notebook, a missing cluster, a rate
    limit, a Key Vault firewall) fails the deploy on the first run, with ADF's message."""
    run = run_script(tmp_path, [failed(message), SUCCEEDED])
    assert run.code == 1
    assert run.started() == 1
    assert run.waits() == []
    assert f"::error::smoke pipeline {ARGS[2]} Failed (run run-1): {message}" in run.output


def test_a_cancelled_run_is_not_waited_for(tmp_path: Path) -> None:
    run = run_script(tmp_path, [{"status": "Cancelled", "message": DATABRICKS_3200}, SUCCEEDED])
    assert run.code == 1
    assert run.started() == 1


def test_authorization_failures_beyond_ten_minutes_fail_with_a_clear_message(tmp_path: Path) -> None:
    """Row `rbac-propagation`: 10 minutes is as long as a role takes; after that the failure is real."""
    run = run_script(tmp_path, [failed(KEY_VAULT_403)])
    assert run.code == 1
    waited = [int(line.split()[1].rstrip("s")) for line in run.waits()]
    assert sum(waited) <= 600
    assert run.started() == len(waited) + 1 == 9
    assert (
        f"::error::smoke pipeline {ARGS[2]} still fails authorization after waiting up to 600s for role "
        f"assignments to take effect (run run-9): {KEY_VAULT_403}"
    ) in run.output


def test_the_bound_and_the_pause_can_be_set(tmp_path: Path) -> None:
    run = run_script(
        tmp_path, [failed(DATABRICKS_403)], SMOKE_ACCESS_WAIT_SECONDS="120", SMOKE_ACCESS_RETRY_SECONDS="30"
    )
    assert run.code == 1
    assert run.waits() == [
        "Waiting 30s before the next run (120s of the 120s access wait left).",
        "Waiting 30s before the next run (75s of the 120s access wait left).",
        "Waiting 30s before the next run (30s of the 120s access wait left).",
    ]


@pytest.mark.parametrize("variable", ["SMOKE_ACCESS_WAIT_SECONDS", "SMOKE_ACCESS_RETRY_SECONDS"])
def test_a_bad_bound_is_refused_before_any_az_call(tmp_path: Path, variable: str) -> None:
    run = run_script(tmp_path, [SUCCEEDED], **{variable: "ten minutes"})
    assert run.code == 64
    assert run.calls == []
