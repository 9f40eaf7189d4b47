"""The smoke test every stack ships: a tiny notebook in the workspace and an ADF pipeline that runs it.

One successful run of the pipeline proves what `pulumi up` alone cannot: that Data Factory reaches the
workspace through our linked service, authenticates (the Key Vault token, or its managed identity), has the
role it needs, and that the stack's compute mode starts Spark. In the cluster modes the pipeline holds one
Databricks Notebook activity; in serverless mode it holds a Databricks Job activity that runs a job whose
only task is the same notebook, with no cluster spec, so Databricks runs it on serverless compute.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

import pulumi
import pulumi_databricks as databricks
from pulumi_azure_native import datafactory

from .args import ClusterMode
from .scope import Scope
from .workspace import Workspace

NOTEBOOK_RESOURCE = "notebooks/smoke.py"
"""Package data of `components` (pyproject.toml), so an installed component ships it."""
NOTEBOOK_PATH = "/Shared/adf-databricks/smoke"
"""Where the notebook lands in the workspace; /Shared is writable by every workspace user."""
PIPELINE_NAME = "AdfDatabricksSmokeTest"
"""The same in every stack (ADF object names: letters, digits, _), like the linked service's name."""
NOTEBOOK_ACTIVITY = "RunSmokeNotebook"
JOB_ACTIVITY = "RunSmokeJob"
TASK_KEY = "smoke"
ACTIVITY_TIMEOUT = "0.01:00:00"
"""ADF's d.hh:mm:ss: a job cluster's 5-7 minute start fits many times over; a hung run still ends."""


@dataclass(frozen=True)
class SmokeTest:
    """What the smoke test is made of; `job` exists in serverless mode only."""

    pipeline: datafactory.Pipeline
    notebook: databricks.Notebook
    job: databricks.Job | None


def notebook_source() -> bytes:
    return resources.files(__package__ or __name__).joinpath(NOTEBOOK_RESOURCE).read_bytes()


def smoke_notebook(name: str, opts: pulumi.ResourceOptions) -> databricks.Notebook:
    """Content inline, not `source=<local path>`: a path differs between a laptop and CI and would diff."""
    return databricks.Notebook(
        f"{name}-smoke-notebook",
        path=NOTEBOOK_PATH,
        language="PYTHON",
        content_base64=base64.b64encode(notebook_source()).decode(),
        opts=opts,
    )


def smoke_job(
    name: str, *, job_name: str, notebook: databricks.Notebook, tags: Mapping[str, str], opts: pulumi.ResourceOptions
) -> databricks.Job:
    """A notebook task with no cluster (no new_cluster, existing_cluster_id or job_cluster_key) runs on
    serverless compute; notebook tasks need no `environment_key` (only Python script/wheel tasks do)."""
    return databricks.Job(
        f"{name}-smoke-job",
        name=job_name,
        tasks=[
            databricks.JobTaskArgs(
                task_key=TASK_KEY,
                notebook_task=databricks.JobTaskNotebookTaskArgs(notebook_path=notebook.path, source="WORKSPACE"),
            )
        ],
        max_concurrent_runs=1,
        timeout_seconds=3600,
        tags=dict(tags) or None,
        opts=opts,
    )


def _linked_service_reference(linked_service_name: pulumi.Input[str]) -> datafactory.LinkedServiceReferenceArgs:
    return datafactory.LinkedServiceReferenceArgs(reference_name=linked_service_name, type="LinkedServiceReference")


def _policy() -> datafactory.ActivityPolicyArgs:
    """No retry: the smoke test reports the first failure, which is the one to read."""
    return datafactory.ActivityPolicyArgs(timeout=ACTIVITY_TIMEOUT, retry=0)


def smoke_activity(
    mode: ClusterMode,
    *,
    linked_service_name: pulumi.Input[str],
    notebook_path: pulumi.Input[str],
    job_id: pulumi.Input[str] | None,
) -> datafactory.DatabricksNotebookActivityArgs | datafactory.DatabricksJobActivityArgs:
    """The one activity of the smoke pipeline, as the stack's cluster mode needs it."""
    if mode is ClusterMode.SERVERLESS:
        assert job_id is not None, "serverless mode runs the smoke notebook as a job"
        return datafactory.DatabricksJobActivityArgs(
            name=JOB_ACTIVITY,
            type="DatabricksJob",
            description="Runs the smoke job (the smoke notebook on serverless compute) through our linked service.",
            linked_service_name=_linked_service_reference(linked_service_name),
            job_id=job_id,
            policy=_policy(),
        )
    return datafactory.DatabricksNotebookActivityArgs(
        name=NOTEBOOK_ACTIVITY,
        type="DatabricksNotebook",
        description="Runs the smoke notebook on the compute our linked service names.",
        linked_service_name=_linked_service_reference(linked_service_name),
        notebook_path=notebook_path,
        policy=_policy(),
    )


def smoke_test(
    scope: Scope, adf: datafactory.Factory, linked_service: datafactory.LinkedService, workspace: Workspace
) -> SmokeTest:
    """Notebook and job in the workspace, the pipeline in the factory. The pipeline names the linked service,
    notebook and job through their outputs, so ADF never receives a reference to something not yet created."""
    s, on_workspace = scope.settings, scope.on_workspace(workspace)
    notebook = smoke_notebook(scope.name, on_workspace)
    job = (
        smoke_job(
            scope.name, job_name=f"{s.project}-{s.stack}-smoke", notebook=notebook, tags=scope.tags, opts=on_workspace
        )
        if s.cluster_mode is ClusterMode.SERVERLESS
        else None
    )
    activity = smoke_activity(
        s.cluster_mode,
        linked_service_name=linked_service.name,
        notebook_path=notebook.path,
        job_id=job.id if job else None,
    )
    pipeline = datafactory.Pipeline(
        f"{scope.name}-smoke-pipeline",
        pipeline_name=PIPELINE_NAME,
        factory_name=adf.name,
        resource_group_name=scope.resource_group,
        description="adf-databricks smoke test: one run proves the linked service, its auth and the compute mode.",
        annotations=["adf-databricks", "smoke-test"],
        activities=[activity],
        opts=scope.in_factory(adf),
    )
    return SmokeTest(pipeline=pipeline, notebook=notebook, job=job)
