"""The smoke pipeline every stack ships: a notebook in the workspace and the ADF pipeline that runs it.

Every mode's plan holds exactly one smoke pipeline whose activity validates strictly against the REST
model's definition for its `type` (tests/spec_check.py), and whose references name what the stack creates.
"""

from __future__ import annotations

import base64
import copy
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from plans import INTERACTIVE, JOB_CLUSTER, POOL, PlanFor, planned
from spec_check import activity_body, activity_errors, pipeline_violations
from support import between, doc, doc_section, stacks

from components import naming, smoke_pipeline
from components.offline.plan import Plan, reveal
from components.offline.run import PROJECT_DIR

PIPELINE = "azure-native:datafactory:Pipeline"
NOTEBOOK = "databricks:index/notebook:Notebook"
JOB = "databricks:index/job:Job"
LINKED_SERVICE = "azure-native:datafactory:LinkedService"
DATABRICKS_LS = "adf-databricks-databricks-linked-service"
PROVIDER = "pulumi:providers:databricks"
STACKS = stacks()

MODES: dict[str, dict[str, Any]] = {
    "existingCluster": {"clusterMode": "existingCluster", "interactiveCluster": INTERACTIVE},
    "newJobCluster": {"clusterMode": "newJobCluster", "jobCluster": JOB_CLUSTER},
    "instancePool": {"clusterMode": "instancePool", "instancePool": POOL},
    "serverless": {"clusterMode": "serverless"},
}
EXPECTED_ACTIVITY = {
    "existingCluster": "DatabricksNotebook",
    "newJobCluster": "DatabricksNotebook",
    "instancePool": "DatabricksNotebook",
    "serverless": "DatabricksJob",
}


@pytest.fixture(scope="module", params=sorted(MODES))
def mode_plan(request: pytest.FixtureRequest) -> tuple[str, Plan]:
    return request.param, planned("dev", MODES[request.param])


def the_activity(plan: Plan) -> dict[str, Any]:
    activities = reveal(plan.one(PIPELINE).inputs["activities"])
    assert len(activities) == 1
    activity: dict[str, Any] = activities[0]
    return activity


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_file_ships_a_smoke_pipeline_that_validates_strictly(plan_for: PlanFor, stack: str) -> None:
    plan = plan_for(stack)
    assert activity_errors(activity_body(the_activity(plan))) == []
    assert pipeline_violations(plan) == []
    assert plan.outputs["smokePipelineName"].value == smoke_pipeline.PIPELINE_NAME


def test_each_mode_runs_the_notebook_with_the_activity_it_needs(mode_plan: tuple[str, Plan]) -> None:
    mode, plan = mode_plan
    activity = the_activity(plan)
    assert activity["type"] == EXPECTED_ACTIVITY[mode]
    assert activity_errors(activity_body(activity)) == []
    assert pipeline_violations(plan) == []


def test_the_activity_runs_on_our_linked_service(mode_plan: tuple[str, Plan]) -> None:
    """ADF refuses a pipeline that names a linked service not yet created ("The document creation or update
    failed because of invalid reference"; reported: Azure-Player/azure.datafactory.tools #65, #93), so the
    pipeline depends on it; on `destroy` the engine deletes in reverse order, pipeline first."""
    _, plan = mode_plan
    link = plan.one(LINKED_SERVICE, DATABRICKS_LS)
    assert the_activity(plan)["linkedServiceName"] == {
        "referenceName": link.inputs["linkedServiceName"],
        "type": "LinkedServiceReference",
    }
    assert link.urn in plan.one(PIPELINE).dependencies, "ADF refuses a reference to a linked service not yet created"


def test_cluster_modes_run_the_deployed_notebook_and_create_no_job(mode_plan: tuple[str, Plan]) -> None:
    mode, plan = mode_plan
    notebook = plan.one(NOTEBOOK)
    if mode == "serverless":
        job = plan.one(JOB)
        assert the_activity(plan)["jobId"] == job.id
        assert job.inputs["tasks"][0]["notebookTask"]["notebookPath"] == notebook.inputs["path"]
    else:
        assert plan.by_type(JOB) == []
        assert the_activity(plan)["notebookPath"] == notebook.inputs["path"]


def test_databricks_resources_name_the_workspaces_provider_explicitly(mode_plan: tuple[str, Plan]) -> None:
    _, plan = mode_plan
    provider = plan.one(PROVIDER)
    for record in plan.by_type(NOTEBOOK) + plan.by_type(JOB):
        assert record.provider == provider.urn, record.name


def test_the_deployed_notebook_is_the_package_data_in_databricks_source_format(dev_plan: Plan) -> None:
    deployed = base64.b64decode(dev_plan.one(NOTEBOOK).inputs["contentBase64"])
    assert deployed == smoke_pipeline.notebook_source()
    text = deployed.decode()
    assert text.startswith("# Databricks notebook source\n"), "the header Databricks' importer keys on"
    assert "# COMMAND ----------" in text
    assert "dbutils.notebook.exit(" in text, "its exit value is the activity's runOutput"
    assert dev_plan.one(NOTEBOOK).inputs["language"] == "PYTHON"


def test_the_notebook_is_package_data_of_the_component(project_dir: Any) -> None:
    """The notebook sits inside the package, so the wheel carries it (tests/test_package.py checks the wheel)."""
    assert (project_dir / "components" / smoke_pipeline.NOTEBOOK_RESOURCE).is_file()


def test_names_are_deterministic_and_within_adfs_rules(plan_for: PlanFor) -> None:
    names = {plan_for(stack).one(PIPELINE).inputs["pipelineName"] for stack in STACKS}
    assert names == {smoke_pipeline.PIPELINE_NAME}
    assert naming.ADF_OBJECT.problems(smoke_pipeline.PIPELINE_NAME) == []
    for activity in (smoke_pipeline.NOTEBOOK_ACTIVITY, smoke_pipeline.JOB_ACTIVITY):
        assert naming.ADF_OBJECT.problems(activity) == []
    assert smoke_pipeline.NOTEBOOK_PATH.startswith("/"), "ADF: the notebook path must begin with a slash"


def test_a_failure_is_reported_not_retried(dev_plan: Plan) -> None:
    policy = the_activity(dev_plan)["policy"]
    assert policy["retry"] == 0
    assert policy["timeout"] == smoke_pipeline.ACTIVITY_TIMEOUT


def test_switching_modes_updates_the_pipeline_in_place(plan_for: PlanFor) -> None:
    """azure-native replaces a resource only for its URL path or a force-new property; Data Factory has no
    force-new entry (pulumi/pulumi-azure-native provider/pkg/gen/replacement.go), so a new activity is a
    PUT on the same pipeline: URN and path (factory, group, name) stay."""
    before = plan_for("dev").one(PIPELINE)
    after = plan_for("dev", clusterMode="serverless").one(PIPELINE)
    assert after.urn == before.urn
    for key in ("pipelineName", "factoryName", "resourceGroupName"):
        assert after.inputs[key] == before.inputs[key]
    assert after.inputs["activities"] != before.inputs["activities"]


# --------------------------------------------------------------------------------------------------
# The strict check can fail: each case breaks one thing the permissive schema would let through.
# --------------------------------------------------------------------------------------------------


def broken(plan: Plan, edit: Any) -> list[str]:
    record = plan.one(PIPELINE)
    inputs = copy.deepcopy(record.inputs)
    edit(inputs["activities"][0])
    patched = Plan(
        plan.project,
        plan.stack,
        [r if r is not record else type(r)(**{**r.__dict__, "inputs": inputs}) for r in plan.resources],
        plan.outputs,
    )
    return pipeline_violations(patched)


@pytest.mark.parametrize(
    ("case", "edit", "fragment"),
    [
        ("undeclared property", lambda a: a.update(clusterId="1124-x"), "clusterId"),
        ("missing notebook path", lambda a: a.pop("notebookPath"), "'notebookPath' is a required property"),
        ("job property on a notebook", lambda a: a.update(jobId="1"), "jobId"),
        ("other linked service", lambda a: a["linkedServiceName"].update(referenceName="Other"), "'Other'"),
        ("other notebook", lambda a: a.update(notebookPath="/Users/x/nb"), "/Users/x/nb"),
        ("unknown activity type", lambda a: a.update(type="Copy"), "Copy"),
        ("undeclared envelope key", lambda a: a.update(retries=3), "retries"),
    ],
)
def test_the_strict_check_refuses_what_the_permissive_schema_allows(
    dev_plan: Plan, case: str, edit: Any, fragment: str
) -> None:
    problems = broken(dev_plan, edit)
    assert any(fragment in p for p in problems), (case, problems)


def test_the_strict_check_refuses_a_job_id_the_stack_does_not_create(plan_for: PlanFor) -> None:
    plan = plan_for("dev", clusterMode="serverless")
    problems = broken(plan, lambda a: a.update(jobId="42"))
    assert any("jobId '42'" in p for p in problems), problems


# --------------------------------------------------------------------------------------------------
# The deploy step: .github/scripts/run-smoke-pipeline.sh against a fake `az` on PATH.
# --------------------------------------------------------------------------------------------------

SCRIPT = PROJECT_DIR / ".github" / "scripts" / "run-smoke-pipeline.sh"
FAKE_AZ = """#!/usr/bin/env bash
# Records every call; answers as the Azure CLI would, from FAKE_* variables.
echo "$*" >> "$FAKE_AZ_LOG"
case "$1 $2 $3" in
    "extension show "*) exit "${FAKE_EXTENSION_MISSING:-0}" ;;
    "extension add "*) exit 0 ;;
    "datafactory pipeline create-run") [ -z "${FAKE_CREATE_FAILS:-}" ] || exit 1; echo "run-123" ;;
    "datafactory pipeline-run show")
        if [[ "$*" == *"--query message"* ]]; then echo "Notebook failed: boom"; exit 0; fi
        read -r -a statuses <<< "$FAKE_STATUSES"
        count=$(grep -c -- "--query status" "$FAKE_AZ_LOG")
        index=$(( count <= ${#statuses[@]} ? count - 1 : ${#statuses[@]} - 1 ))
        echo "${statuses[$index]}" ;;
    "datafactory pipeline-run cancel") exit 0 ;;
    *) echo "fake az: unexpected $*" >&2; exit 3 ;;
esac
"""


@dataclass(frozen=True)
class SmokeRun:
    code: int
    output: str
    calls: list[str]


def run_script(tmp_path: Path, *args: str, **env: str) -> SmokeRun:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "az").write_text(FAKE_AZ)
    (bin_dir / "az").chmod(0o755)
    log = tmp_path / "az.log"
    log.touch()
    environment = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_AZ_LOG": str(log),
        "SMOKE_POLL_SECONDS": "0",
        **env,
    }
    done = subprocess.run(
        ["bash", str(SCRIPT), *args], env=environment, capture_output=True, text=True, timeout=60, check=False
    )
    return SmokeRun(done.returncode, done.stdout + done.stderr, log.read_text().splitlines())


ARGS = ("rg-adf-databricks-dev", "adf-adf-databricks-dev-3655e2", smoke_pipeline.PIPELINE_NAME)


def test_the_script_starts_the_run_polls_and_succeeds(tmp_path: Path) -> None:
    run = run_script(tmp_path, *ARGS, FAKE_STATUSES="Queued InProgress Succeeded")
    assert run.code == 0, run.output
    create = [c for c in run.calls if "create-run" in c]
    assert create == [
        f"datafactory pipeline create-run --resource-group {ARGS[0]} --factory-name {ARGS[1]} "
        f"--name {ARGS[2]} --query runId --output tsv"
    ]
    assert sum("--run-id run-123 --query status" in c for c in run.calls) == 3
    assert not [c for c in run.calls if "cancel" in c]


@pytest.mark.parametrize("final", ["Failed", "Cancelled"])
def test_a_failed_or_cancelled_run_fails_the_step_with_adfs_message(tmp_path: Path, final: str) -> None:
    run = run_script(tmp_path, *ARGS, FAKE_STATUSES=f"InProgress {final}")
    assert run.code == 1
    assert f"::error::smoke pipeline {ARGS[2]} {final} (run run-123): Notebook failed: boom" in run.output


def test_a_run_that_does_not_finish_in_time_is_cancelled_and_fails(tmp_path: Path) -> None:
    run = run_script(tmp_path, *ARGS, FAKE_STATUSES="InProgress", SMOKE_TIMEOUT_SECONDS="0")
    assert run.code == 2
    assert "did not finish within 0s (last status: InProgress)" in run.output
    assert [c for c in run.calls if "cancel" in c] == [
        f"datafactory pipeline-run cancel --resource-group {ARGS[0]} --factory-name {ARGS[1]} "
        "--run-id run-123 --only-show-errors"
    ]


def test_a_run_that_cannot_start_fails_the_step(tmp_path: Path) -> None:
    run = run_script(tmp_path, *ARGS, FAKE_STATUSES="Succeeded", FAKE_CREATE_FAILS="1")
    assert run.code != 0
    assert not [c for c in run.calls if "pipeline-run show" in c]


def test_the_datafactory_extension_is_added_when_missing(tmp_path: Path) -> None:
    run = run_script(tmp_path, *ARGS, FAKE_STATUSES="Succeeded", FAKE_EXTENSION_MISSING="1")
    assert run.code == 0
    assert "extension add --name datafactory --only-show-errors" in run.calls


@pytest.mark.parametrize(
    ("args", "env"),
    [(ARGS[:2], {}), ((*ARGS, "extra"), {}), (ARGS, {"SMOKE_TIMEOUT_SECONDS": "ten"})],
)
def test_bad_usage_is_refused_before_any_az_call(tmp_path: Path, args: tuple[str, ...], env: dict[str, str]) -> None:
    run = run_script(tmp_path, *args, FAKE_STATUSES="Succeeded", **env)
    assert run.code == 64
    assert run.calls == []


# --------------------------------------------------------------------------------------------------
# What the README tells a user of today's ADF.
# --------------------------------------------------------------------------------------------------


def test_the_readmes_cost_table_is_the_one_the_preview_prints() -> None:
    from components.offline.costs import cost_table_markdown

    regenerate = "regenerate from components.offline.costs.cost_table_markdown()"
    assert between(doc("README.md"), "costs") == cost_table_markdown(), regenerate


def test_every_cost_row_cites_a_source_and_every_mode_has_a_row() -> None:
    """The managed-VNet row's figures and billing rules come from Microsoft: its Retail Prices API and Microsoft
    Learn's pricing examples (a third-party copy of the API's answer may be named, never be the source)."""
    from components.args import ClusterMode
    from components.offline.costs import DATA_FLOW_COSTS, MANAGED_NETWORK_COST, MODE_COSTS, NETWORK_COSTS, SOURCES

    assert set(MODE_COSTS) == {mode.value for mode in ClusterMode}
    rows = [*MODE_COSTS.values(), *DATA_FLOW_COSTS.values(), *NETWORK_COSTS.values(), MANAGED_NETWORK_COST]
    for cost in rows:
        assert cost.sources and set(cost.sources) <= set(SOURCES)
    microsoft = ("prices.azure.com", "learn.microsoft.com", "azure.microsoft.com")
    for key in MANAGED_NETWORK_COST.sources:
        assert SOURCES[key].startswith(("Microsoft's", *microsoft)) and any(m in SOURCES[key] for m in microsoft), key
    assert "$1.00/hour" in SOURCES["managed-vnet-ir"] and "$1.00 per activity-hour" in MANAGED_NETWORK_COST.who_pays


@pytest.mark.parametrize("mode", sorted(MODES))
def test_the_preview_summarises_the_stacks_own_mode_and_data_flow_runtime(mode: str) -> None:
    from components.offline.costs import MODE_COSTS
    from components.offline.render import text

    shown = text(planned("dev", MODES[mode]))
    assert f"(linked service, clusterMode {mode}): {MODE_COSTS[mode].runs_on}" in shown
    assert "Mapping Data Flows (warm): integration runtime DataFlowRuntime" in shown
    assert "run-smoke-pipeline.sh rg-adf-databricks-dev " in shown
    others = set(MODE_COSTS) - {mode}
    assert not [m for m in others if f"clusterMode {m})" in shown]


def test_prods_preview_says_data_flows_start_cold(prod_plan: Plan) -> None:
    from components.offline.render import text

    assert "Mapping Data Flows (cold): integration runtime DataFlowRuntime" in text(prod_plan)


def test_the_verify_step_runs_the_smoke_pipeline_not_a_data_flow_debug_session() -> None:
    deploy = doc_section("README.md", "## Deploying")
    verify = deploy.split("**Verify**", 1)[1]
    assert "bash .github/scripts/run-smoke-pipeline.sh" in verify
    assert "az datafactory pipeline create-run" in verify
    for output in ("resourceGroupName", "factoryName", "smokePipelineName"):
        assert f"pulumi stack output {output}" in verify
    assert "choose the `AzureDatabricks` linked service" not in deploy


def test_the_new_resources_keep_their_logical_names(plan_for: PlanFor) -> None:
    """Renaming one would delete and re-create it (URNs are what state tracks); an intended rename needs
    `aliases`. Pinned here so an accidental one fails."""
    plan = plan_for("dev", clusterMode="serverless")
    prefix = "urn:pulumi:dev::adf-databricks::adf-databricks:index:AdfDatabricks$"
    assert plan.one(PIPELINE).urn == f"{prefix}azure-native:datafactory:Pipeline::adf-databricks-smoke-pipeline"
    assert plan.one(NOTEBOOK).urn == f"{prefix}databricks:index/notebook:Notebook::adf-databricks-smoke-notebook"
    assert plan.one(JOB).urn == f"{prefix}databricks:index/job:Job::adf-databricks-smoke-job"
    runtime = plan.one("azure-native:datafactory:IntegrationRuntime")
    assert runtime.urn == (f"{prefix}azure-native:datafactory:IntegrationRuntime::adf-databricks-data-flow-runtime")


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_exports_what_the_deploy_step_passes_the_script(plan_for: PlanFor, stack: str) -> None:
    """The deploy workflow's step after `up` reads these outputs and hands them to the script, in order."""
    from components.offline.costs import SMOKE_ARGUMENTS

    plan = plan_for(stack)
    values = [plan.outputs[key].value for key in SMOKE_ARGUMENTS]
    assert values[1] == plan.one("azure-native:datafactory:Factory").inputs["factoryName"]
    assert values[2] == plan.one(PIPELINE).inputs["pipelineName"]
    assert not any(plan.outputs[key].secret for key in SMOKE_ARGUMENTS)
    usage = SCRIPT.read_text().split("usage:", 1)[1].split("\n", 1)[0]
    assert "<resource-group> <factory-name> <pipeline-name>" in usage


def test_the_notebook_survives_day_2(dev_plan: Plan) -> None:
    """terraform-provider-databricks workspace/resource_notebook.go: create imports SOURCE content with
    `overwrite: true` (a re-create, e.g. after lost state, meets the old notebook and replaces its content
    instead of failing), update re-imports in place, read returns metadata only (an edit made in the
    workspace is not noticed by refresh; the next content change overwrites it), and a DBC-format notebook
    would be deleted and re-imported instead. So: inline SOURCE content, no `format: DBC`, no local path."""
    inputs = dev_plan.one(NOTEBOOK).inputs
    assert "contentBase64" in inputs and "source" not in inputs
    assert inputs.get("format", "SOURCE") == "SOURCE"
    assert inputs["path"] == smoke_pipeline.NOTEBOOK_PATH
