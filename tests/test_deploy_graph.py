"""The shortest deploy: every stack's first `pulumi up` is its critical path, and that path is what the
workspace → token → secret → linked service chain requires, with no needless wait in the graph.

These are facts about the graph the program registers, not timings: the figures come from the cited table
in `benchmarks/creation_times.py`; `python -m benchmarks` prints them.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from lifecycle_scenarios import uses_token
from support import stacks

from benchmarks.creation_times import CLUSTER_START_SECONDS, CREATION_TIMES, creation_seconds
from benchmarks.deploy_graph import (
    CHAIN_TAIL,
    CLUSTER,
    DATABRICKS_PROVIDER,
    LINKED_SERVICE,
    PIPELINE,
    PRIVATE_TOKEN_CHAINS,
    RESOURCE_GROUP,
    TOKEN_CHAIN,
    VAULT,
    WORKSPACE,
    DeployGraph,
    inherent_chains,
)
from benchmarks.offline_loop import floor_program
from components.offline.plan import Plan
from tests.plans import POOL, PlanFor

VARIANTS = {
    "dev": ("dev", {}),
    "prod": ("prod", {}),
    "prod-pool": ("prod", {"clusterMode": "instancePool", "instancePool": POOL}),
    "dev-msi": ("dev", {"auth": "managedIdentity"}),
    "prod-uami": ("prod", {"auth": "managedIdentity", "managedIdentity": {"userAssigned": True}}),
    "dev-serverless": ("dev", {"clusterMode": "serverless"}),
}


@pytest.fixture(params=sorted(VARIANTS))
def any_plan(request: pytest.FixtureRequest, plan_for: PlanFor) -> Plan:
    stack, overrides = VARIANTS[request.param]
    return plan_for(stack, **overrides)


@pytest.mark.parametrize("stack", stacks())
def test_the_first_deploy_takes_exactly_the_critical_path(stack: str, plan_for: PlanFor) -> None:
    graph = DeployGraph.from_plan(plan_for(stack))
    critical, _ = graph.critical_path()
    assert graph.simulate() == critical
    assert graph.serial() > critical


@pytest.mark.parametrize("stack", [s for s in stacks() if uses_token(s)])
def test_the_critical_path_is_the_workspace_token_secret_linked_service_chain(stack: str, plan_for: PlanFor) -> None:
    """prod is private: its chain runs through the VNet's subnets, then the factory's managed endpoint to the
    workspace and its approval (longer than the token's path through the workspace's endpoint and DNS record, which
    the linked service also waits for). Where the stack alerts on failed runs or locks its factory, the smoke
    pipeline's alert or a lock (each waits for the pipeline) may end the chain: one 5 s ARM PUT more."""
    plan = plan_for(stack)
    private = bool(plan.by_type("azure-native:network:PrivateEndpoint"))
    chains = inherent_chains(private)
    graph = DeployGraph.from_plan(plan)
    critical, path = graph.critical_path()
    types = tuple(node.type for node in path)
    chain = next((c for c in chains if types[: len(c)] == c), None)
    assert chain is not None, types
    assert set(types[len(chain) :]) <= CHAIN_TAIL and len(types) - len(chain) <= 1
    assert graph.within_inherent_chain()
    assert all(graph.chain_seconds(c) == graph.chain_seconds(chain) for c in chains)
    assert critical == graph.chain_seconds(types)
    if private:
        token_paths = [graph.chain_seconds(chain) for chain in PRIVATE_TOKEN_CHAINS]
        assert all(seconds is not None and seconds < critical for seconds in token_paths)


def test_no_resource_waits_for_one_it_does_not_need(any_plan: Plan) -> None:
    needless = DeployGraph.from_plan(any_plan).needless_edges()
    assert [(e.dependent.name, e.dependency.name) for e in needless] == []


def test_every_created_type_has_a_creation_time_with_its_source(any_plan: Plan) -> None:
    for record in any_plan.resources:
        if record.custom:
            assert CREATION_TIMES[record.type].basis, record.type


def test_a_needless_wait_is_reported_and_lengthens_the_deploy(dev_plan: Plan) -> None:
    vault = dev_plan.one(VAULT)
    slowed = Plan(
        dev_plan.project,
        dev_plan.stack,
        [
            replace(r, dependencies=(*r.dependencies, vault.urn)) if r.type == WORKSPACE else r
            for r in dev_plan.resources
        ],
    )
    graph = DeployGraph.from_plan(slowed)
    critical, _ = graph.critical_path()
    chain = graph.chain_seconds(TOKEN_CHAIN)
    assert chain is not None
    assert [(e.dependent.type, e.dependency.type) for e in graph.needless_edges()] == [(WORKSPACE, VAULT)]
    assert critical == chain + CREATION_TIMES[VAULT].seconds
    assert graph.within_inherent_chain() is False
    assert graph.without(graph.needless_edges()).critical_path()[0] == chain
    assert graph.without(graph.needless_edges()).within_inherent_chain()


def test_the_interactive_cluster_does_not_hold_up_the_deploy(dev_plan: Plan) -> None:
    cluster = dev_plan.one(CLUSTER)
    assert creation_seconds(CLUSTER, cluster.inputs) < CLUSTER_START_SECONDS
    _, path = DeployGraph.from_plan(dev_plan).critical_path()
    assert CLUSTER not in {node.type for node in path}


def test_a_cluster_awaited_until_running_would_be_the_critical_path(dev_plan: Plan) -> None:
    awaited = Plan(
        dev_plan.project,
        dev_plan.stack,
        [replace(r, inputs={**r.inputs, "noWait": False}) if r.type == CLUSTER else r for r in dev_plan.resources],
    )
    cluster_chain = (RESOURCE_GROUP, WORKSPACE, DATABRICKS_PROVIDER, CLUSTER, LINKED_SERVICE, PIPELINE)
    critical, path = DeployGraph.from_plan(awaited).critical_path()
    assert tuple(node.type for node in path) == cluster_chain
    with_no_wait = DeployGraph.from_plan(dev_plan).chain_seconds(cluster_chain)
    assert with_no_wait is not None
    assert critical == with_no_wait + CLUSTER_START_SECONDS


def test_one_operation_at_a_time_is_the_serial_deploy(dev_plan: Plan) -> None:
    graph = DeployGraph.from_plan(dev_plan)
    assert graph.simulate(parallel=1) == graph.serial()
    times = [graph.simulate(parallel=p) for p in range(1, 5)]
    assert times == sorted(times, reverse=True)
    assert times[-1] == graph.critical_path()[0]


def test_the_import_floor_loads_every_resource_class_the_stacks_create(dev_plan: Plan, prod_plan: Plan) -> None:
    program = floor_program([dev_plan, prod_plan])
    assert "from pulumi_azure_native.keyvault import Secret" in program
    assert "from pulumi_databricks import Provider" in program
    exec(compile(program, "<import floor>", "exec"), {})  # raises where an import line names no class
