"""`clusterMode: serverless`: no cluster, no pool; a Job activity runs a Databricks job on serverless compute.

What the linked service holds: the ADF REST model (AzureDatabricksLinkedServiceTypeProperties) requires only
`domain` and has no serverless marker, and the Job activity "automatically runs on serverless clusters, so
you don't need to specify a cluster in your linked service configuration" (learn.microsoft.com, Data
Factory "Transform data by running a Databricks job", transform-data-databricks-job). So in this mode, and
only in this mode, the linked service carries the domain and the authentication only.
"""

from __future__ import annotations

import pytest
from plans import DATABRICKS_LS, LINKED_SERVICE, PlanFor, RecordingMocks, databricks_link, planned
from spec_check import linked_service_bodies, plan_violations, prose_violations

from components.config import ConfigError
from components.offline.plan import Plan
from components.offline.run import run_stack

CLUSTER = "databricks:index/cluster:Cluster"
POOL = "databricks:index/instancePool:InstancePool"
JOB = "databricks:index/job:Job"
CLUSTER_KEYS = ("newCluster", "existingClusterId", "jobClusterKey", "environmentKey")
AUTH_KEYS = {"accessToken", "authentication", "workspaceResourceId", "credential"}


@pytest.fixture(scope="module")
def serverless_plan() -> Plan:
    return planned("dev", {"clusterMode": "serverless"})


def test_serverless_creates_no_cluster_and_no_pool(serverless_plan: Plan) -> None:
    assert serverless_plan.by_type(CLUSTER) == []
    assert serverless_plan.by_type(POOL) == []
    assert serverless_plan.outputs["clusterMode"].value == "serverless"
    assert "clusterId" not in serverless_plan.outputs


@pytest.mark.parametrize("auth", ["accessToken", "managedIdentity"])
def test_the_linked_service_holds_the_domain_and_the_authentication_only(plan_for: PlanFor, auth: str) -> None:
    plan = plan_for("dev", clusterMode="serverless", auth=auth)
    props = databricks_link(plan)
    assert set(props) - {"type"} - AUTH_KEYS == {"domain"}
    assert plan_violations(plan) == []


def test_that_linked_service_is_accepted_in_serverless_mode_alone(serverless_plan: Plan) -> None:
    body = next(b for b in linked_service_bodies(serverless_plan) if b["type"] == "AzureDatabricks")
    assert prose_violations(body, serverless=True) == []
    assert "neither an existing cluster nor a new cluster version" in prose_violations(body, serverless=False)


def test_a_cluster_in_a_serverless_linked_service_is_refused(serverless_plan: Plan, dev_plan: Plan) -> None:
    body = next(b for b in linked_service_bodies(dev_plan) if b["type"] == "AzureDatabricks")
    assert any("names a cluster (existingClusterId)" in p for p in prose_violations(body, serverless=True))


def test_the_job_runs_the_notebook_with_no_cluster_spec(serverless_plan: Plan) -> None:
    """A task without new_cluster / existing_cluster_id / job_cluster_key runs on serverless compute; only
    Python script and wheel tasks need an `environment_key` (pulumi_databricks JobTaskArgs docstring;
    learn.microsoft.com "Run your Azure Databricks job with serverless compute for workflows")."""
    job = serverless_plan.one(JOB)
    assert "jobClusters" not in job.inputs and "newCluster" not in job.inputs
    (task,) = job.inputs["tasks"]
    assert not [k for k in task if k in CLUSTER_KEYS]
    assert task["notebookTask"]["source"] == "WORKSPACE"
    assert job.inputs["maxConcurrentRuns"] == 1


def test_leaving_serverless_removes_the_job(plan_for: PlanFor, serverless_plan: Plan) -> None:
    """Day 2: a mode switch deletes the job (the pipeline, updated in place, stops naming it first)."""
    assert len(serverless_plan.by_type(JOB)) == 1
    assert plan_for("dev").by_type(JOB) == []


@pytest.mark.parametrize("sku", ["standard", "trial"])
def test_serverless_needs_a_premium_workspace_and_nothing_is_created_otherwise(sku: str) -> None:
    """Serverless compute for jobs and Unity Catalog are premium features; Unity Catalog itself is an
    account admin's set-up (metastore assignment), which no workspace-level provider can create."""
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as caught:
        run_stack("dev", {"clusterMode": "serverless", "workspace": {"sku": sku}}, mocks=mocks)
    assert mocks.registered == []
    (problem,) = caught.value.problems
    assert problem.startswith("adf-databricks:workspace.sku:")
    assert "serverless needs sku premium" in problem


def test_the_workspace_stays_hybrid_so_classic_and_serverless_compute_both_work(serverless_plan: Plan) -> None:
    workspace = serverless_plan.one("azure-native:databricks:Workspace")
    assert workspace.inputs["computeMode"] == "Hybrid"
    assert serverless_plan.one(LINKED_SERVICE, DATABRICKS_LS).inputs["linkedServiceName"] == "AzureDatabricks"
