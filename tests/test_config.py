"""Bad config stops the program before anything is created, with one error that lists every problem."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import INTERACTIVE, JOB_CLUSTER, POOL, RecordingMocks

from components.config import ConfigError, load_settings
from components.settings import Autoscale, ClusterMode, FixedSize, WorkspaceSku


def problems_for(stack: str = "dev", **overrides: Any) -> list[str]:
    """Run the real program; return the problems it reported, after proving it registered nothing."""
    from components.offline.run import run_stack

    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as caught:
        run_stack(stack, overrides, mocks=mocks)
    assert mocks.registered == [], "a resource was registered before validation failed"
    assert caught.value.stack == stack
    return caught.value.problems


def only(problems: list[str], key: str) -> str:
    matching = [p for p in problems if p.startswith(f"adf-databricks:{key}:")]
    assert matching, f"no problem for {key} in {problems}"
    return matching[0]


def test_unknown_cluster_mode_names_the_allowed_modes() -> None:
    problem = only(problems_for(clusterMode="warmCluster"), "clusterMode")
    assert "existingCluster | newJobCluster | instancePool | serverless" in problem


@pytest.mark.parametrize("workers", ["0", "10:2", "abc", "2:", ":3", "1:0", "-1", "1.5", True])
def test_bad_job_cluster_workers_are_refused(workers: object) -> None:
    problem = only(problems_for("prod", jobCluster={**JOB_CLUSTER, "workers": workers}), "jobCluster.workers")
    assert '"N" or "min:max"' in problem


@pytest.mark.parametrize("minutes", [9, 10_001, 0, "30"])
def test_autotermination_outside_10_to_10000_is_refused(minutes: object) -> None:
    problem = only(
        problems_for(interactiveCluster={**INTERACTIVE, "autoterminationMinutes": minutes}),
        "interactiveCluster.autoterminationMinutes",
    )
    assert "from 10 to 10000" in problem


def test_the_section_for_the_chosen_mode_is_required() -> None:
    only(problems_for("dev", interactiveCluster={}), "interactiveCluster")
    only(problems_for("dev", clusterMode="newJobCluster"), "jobCluster")
    only(problems_for("dev", clusterMode="instancePool"), "instancePool")


def test_unknown_workspace_sku_is_refused() -> None:
    problem = only(problems_for(workspace={"sku": "enterprise"}), "workspace.sku")
    assert "premium | standard | trial" in problem


@pytest.mark.parametrize("days", [0, -5, 731])
def test_token_lifetime_must_be_a_positive_bounded_number_of_days(days: int) -> None:
    problem = only(problems_for(token={"lifetimeDays": days}), "token.lifetimeDays")
    assert "from 1 to 730" in problem


def test_autoscale_minimum_may_not_exceed_maximum() -> None:
    size = {**INTERACTIVE, "numWorkers": None, "autoscale": {"minWorkers": 5, "maxWorkers": 2}}
    problem = only(problems_for(interactiveCluster=size), "interactiveCluster.autoscale")
    assert "minWorkers (5) must be ≤ maxWorkers (2)" in problem


def test_cluster_size_is_exactly_one_of_fixed_autoscale_or_single_node() -> None:
    size = {**INTERACTIVE, "singleNode": True}
    problem = only(problems_for(interactiveCluster=size), "interactiveCluster.numWorkers")
    assert "numWorkers, singleNode given" in problem


def test_unknown_data_security_mode_is_refused() -> None:
    problem = only(
        problems_for(interactiveCluster={**INTERACTIVE, "dataSecurityMode": "SHARED"}),
        "interactiveCluster.dataSecurityMode",
    )
    assert "USER_ISOLATION" in problem


def test_instance_pool_takes_a_fixed_worker_count_only() -> None:
    problem = only(
        problems_for(clusterMode="instancePool", instancePool={**POOL, "workers": "2:8"}), "instancePool.workers"
    )
    assert "fixed count" in problem


def test_instance_pool_must_hold_one_runs_cluster() -> None:
    pool = {**POOL, "workers": "8", "maxCapacity": 4}
    only(problems_for(clusterMode="instancePool", instancePool=pool), "instancePool.maxCapacity")


def test_a_misspelt_key_is_named_with_the_keys_allowed() -> None:
    problem = only(
        problems_for(interactiveCluster={**INTERACTIVE, "autoterminationMinute": 30}),
        "interactiveCluster.autoterminationMinute",
    )
    assert "autoterminationMinutes" in problem


def test_name_overrides_must_follow_azure_naming_rules() -> None:
    problems = problems_for(names={"keyVault": "kv--this-name-is-far-too-long-for-azure", "dataFactory": "-adf"})
    assert "3-24 characters" in only(problems, "names.keyVault")
    assert "not first or last" in only(problems, "names.dataFactory")


def test_linked_service_name_may_not_contain_a_dash() -> None:
    only(problems_for(linkedService={"name": "ls-databricks"}), "linkedService.name")


def test_log_destination_must_be_on_dbfs() -> None:
    only(problems_for("prod", jobCluster={**JOB_CLUSTER, "logDestination": "s3://logs"}), "jobCluster.logDestination")


def test_every_problem_is_reported_at_once_with_stack_and_key() -> None:
    from components.offline.run import run_stack

    with pytest.raises(ConfigError) as caught:
        run_stack(
            "prod",
            {
                "workspace": {"sku": "gold"},
                "jobCluster": {**JOB_CLUSTER, "workers": "10:2"},
                "token": {"lifetimeDays": 0},
            },
        )
    message = str(caught.value)
    assert message.startswith("Stack 'prod' has 3 configuration problems")
    for key in (
        "adf-databricks:workspace.sku",
        "adf-databricks:jobCluster.workers",
        "adf-databricks:token.lifetimeDays",
    ):
        assert key in message


def test_missing_location_is_reported_with_the_provider_key() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"interactiveCluster": INTERACTIVE}, project="adf-databricks", stack="dev", location=None)
    assert any(p.startswith("azure-native:location:") for p in caught.value.problems)


def test_settings_come_back_typed_and_frozen() -> None:
    settings = load_settings(
        {
            "clusterMode": "newJobCluster",
            "jobCluster": '{"sparkVersion": "15.4.x-scala2.12", "nodeType": "n", "workers": "2:8"}',
        },
        project="adf-databricks",
        stack="prod",
        location="westeurope",
    )
    assert settings.cluster_mode is ClusterMode.NEW_JOB_CLUSTER
    assert settings.workspace.sku is WorkspaceSku.PREMIUM
    assert settings.job_cluster is not None and settings.job_cluster.workers == Autoscale(2, 8)
    with pytest.raises(AttributeError):
        settings.stack = "other"  # type: ignore[misc]


def test_a_single_worker_count_is_a_fixed_size() -> None:
    settings = load_settings({"interactiveCluster": INTERACTIVE}, project="p", stack="dev", location="westeurope")
    assert settings.interactive_cluster is not None and settings.interactive_cluster.size == FixedSize(1)
