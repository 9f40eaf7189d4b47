"""The managed Azure integration runtime Mapping Data Flows run on: warm in dev, cold in prod.

Today's Data Factory runs Data Flows on its own Spark, sized and kept warm by the activity's Azure
integration runtime (lifecycle row `dataflow-vs-linked-service`; learn.microsoft.com "Optimizing performance of
the Azure Integration Runtime"): the warm/cold choice for Data Flows is that runtime's time to live.
"""

from __future__ import annotations

from typing import Any

import pytest
from plans import PlanFor, plan_from_values
from spec_check import runtime_violations
from support import stacks

from components.config import ConfigError, load_settings
from components.data_flow_runtime import RUNTIME_NAME
from components.naming import ADF_OBJECT
from components.offline.plan import Plan
from components.offline.project import load_project, stack_config

RUNTIME = "azure-native:datafactory:IntegrationRuntime"
FACTORY = "azure-native:datafactory:Factory"
WARM = {"computeType": "General", "coreCount": 8, "timeToLiveMinutes": 15, "cleanup": False}
WARM_IC = {"sparkVersion": "16.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "numWorkers": 1}


def data_flow_properties(plan: Plan) -> dict[str, Any]:
    flow: dict[str, Any] = plan.one(RUNTIME).inputs["properties"]["computeProperties"]["dataFlowProperties"]
    return flow


def test_dev_keeps_data_flow_spark_warm_between_runs(dev_plan: Plan) -> None:
    """Lifecycle row `dataflow-vs-linked-service`: a TTL above 0 keeps the cluster warm for the next data-flow
    run. `cleanup: false` ("quick re-use") was documented as a further benefit in a paragraph Microsoft has since
    removed as redundant (MicrosoftDocs/azure-docs PR #188421, concepts-integration-runtime-performance.md), so dev
    relies on the TTL alone and leaves cleanup to ADF's default."""
    flow = data_flow_properties(dev_plan)
    assert flow["timeToLive"] > 0
    assert "cleanup" not in flow


def test_prod_starts_data_flows_cold_and_pays_nothing_while_idle(prod_plan: Plan) -> None:
    flow = data_flow_properties(prod_plan)
    assert flow["timeToLive"] == 0
    assert "cleanup" not in flow


@pytest.mark.parametrize("stack", stacks())
def test_every_stack_files_runtime_is_valid_against_the_model(plan_for: PlanFor, stack: str) -> None:
    assert runtime_violations(plan_for(stack)) == []


def test_the_runtime_is_managed_in_the_factorys_region_and_exported(dev_plan: Plan) -> None:
    """`AutoResolve` runs Data Flows in the factory's region (the stack's) and, on a runtime of our own,
    keeps the TTL: only ADF's built-in AutoResolveIntegrationRuntime has none (learn.microsoft.com,
    "Optimizing performance of the Azure Integration Runtime")."""
    runtime = dev_plan.one(RUNTIME)
    properties = runtime.inputs["properties"]
    assert properties["type"] == "Managed"
    assert properties["computeProperties"]["location"] == "AutoResolve"
    assert dev_plan.one(FACTORY).inputs["location"] == "westeurope"
    assert runtime.inputs["factoryName"] == dev_plan.one(FACTORY).inputs["factoryName"]
    assert dev_plan.outputs["dataFlowRuntimeName"].value == RUNTIME_NAME
    assert ADF_OBJECT.problems(RUNTIME_NAME) == []


def test_no_section_means_no_runtime_of_ours(plan_for: PlanFor) -> None:
    """Then Data Flows use ADF's AutoResolve runtime, which has no TTL: every run starts cold."""
    plan = plan_for("dev", dataFlowRuntime={})
    assert plan.by_type(RUNTIME) == []
    assert "dataFlowRuntimeName" not in plan.outputs


@pytest.mark.parametrize("cores", [8, 16, 32, 48, 80, 144, 272])
def test_every_core_count_of_the_model_is_accepted(cores: int) -> None:
    plan = plan_from_values("scratch", {"dataFlowRuntime": {**WARM, "coreCount": cores}, "interactiveCluster": WARM_IC})
    assert data_flow_properties(plan)["coreCount"] == cores
    assert runtime_violations(plan) == []


def problems(section: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(
            {"dataFlowRuntime": section, "interactiveCluster": WARM_IC},
            project="adf-databricks",
            stack="dev",
            location="westeurope",
        )
    return caught.value.problems


@pytest.mark.parametrize(
    ("section", "key", "fragment"),
    [
        ({"coreCount": 12}, "dataFlowRuntime.coreCount", "8, 16, 32, 48, 80, 144, 272"),
        ({"coreCount": True}, "dataFlowRuntime.coreCount", "use one of"),
        ({"computeType": "Huge"}, "dataFlowRuntime.computeType", "use one of General | MemoryOptimized)"),
        ({"timeToLiveMinutes": -1}, "dataFlowRuntime.timeToLiveMinutes", "whole number"),
        ({"timeToLiveMinutes": "ten"}, "dataFlowRuntime.timeToLiveMinutes", "whole number"),
        ({"cleanup": False}, "dataFlowRuntime.cleanup", "timeToLiveMinutes > 0"),
        ({"cleanup": "no"}, "dataFlowRuntime.cleanup", "true or false"),
        ({"ttl": 10}, "dataFlowRuntime.ttl", "not a known key"),
        ("warm", "dataFlowRuntime", "must be an object"),
    ],
)
def test_a_bad_runtime_section_names_the_key_and_what_is_allowed(section: Any, key: str, fragment: str) -> None:
    found = [p for p in problems(section) if p.startswith(f"adf-databricks:{key}:")]
    assert len(found) == 1 and fragment in found[0], problems(section)


def test_the_retired_compute_optimized_type_is_refused_with_what_to_use() -> None:
    """Lifecycle row `computeoptimized-retired` (MicrosoftDocs/azure-docs articles/data-factory/
    compute-optimized-retire.md: Compute optimized data flows retired, support ended 31 August 2024; new runtimes
    cannot use it): refused by name, with General or MemoryOptimized instead, not just "not allowed"."""
    [problem] = problems({"computeType": "ComputeOptimized"})
    assert problem.startswith('adf-databricks:dataFlowRuntime.computeType: "ComputeOptimized" is not allowed: ')
    assert "retired" in problem and "31 August 2024" in problem
    assert problem.endswith("use General or MemoryOptimized")


def test_every_runtime_problem_is_reported_at_once() -> None:
    reported = problems({"coreCount": 12, "computeType": "Huge", "timeToLiveMinutes": -1})
    assert len(reported) == 3


def test_a_ttl_change_updates_the_runtime_in_place(plan_for: PlanFor, project_dir: Any) -> None:
    """azure-native forces a replacement only for a changed URL path (factory, group, runtime name) or a
    force-new property, and it lists none for Data Factory (pulumi/pulumi-azure-native
    provider/pkg/gen/replacement.go): a new TTL is one PUT on the same runtime, whose warm cluster (if any)
    keeps its old TTL until it expires. Refresh reads the properties back plus the output-only `state`."""
    warm = plan_for("dev").one(RUNTIME)
    dev_runtime = stack_config(load_project(project_dir), "dev")["adf-databricks:dataFlowRuntime"]
    colder = plan_for("dev", dataFlowRuntime={**dev_runtime, "timeToLiveMinutes": 5}).one(RUNTIME)
    assert colder.urn == warm.urn
    for key in ("integrationRuntimeName", "factoryName", "resourceGroupName"):
        assert colder.inputs[key] == warm.inputs[key]
    assert colder.inputs["properties"]["computeProperties"]["dataFlowProperties"]["timeToLive"] == 5
    assert warm.outputs["properties"]["state"] == "Initial"


def test_the_declared_default_is_no_runtime_of_ours(project_dir: Any) -> None:
    """A stack file without the section gets Pulumi.yaml's default: ADF's AutoResolve runtime, always cold."""
    declared = load_project(project_dir).config["dataFlowRuntime"]
    assert declared["default"] == {}
    settings = load_settings(
        {"dataFlowRuntime": declared["default"], "interactiveCluster": WARM_IC},
        project="adf-databricks",
        stack="dev",
        location="westeurope",
    )
    assert settings.data_flow_runtime is None
