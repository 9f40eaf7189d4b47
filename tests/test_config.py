"""Bad config stops the program before anything is created, with one error that lists every problem."""

from __future__ import annotations

import json
from typing import Any

import pytest
from plans import INTERACTIVE, JOB_CLUSTER, POOL, RecordingMocks

from components.args import ClusterMode, WorkspaceSku
from components.config import ConfigError, load_settings
from components.settings import Autoscale, FixedSize


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


@pytest.mark.parametrize("minutes", [9, 10_001, 0, "30.5", "thirty", True, 1e20])
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
    assert "did you mean autoterminationMinutes?" in problem
    assert "allowed: " in problem and "enabled" in problem.split("allowed: ")[1]


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
            "jobCluster": '{"sparkVersion": "16.4.x-scala2.12", "nodeType": "n", "workers": "2:8"}',
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


# --- types as users write them: one coercion rule for every key, at every depth ---------------------------------


def settings_for(**values: Any) -> Any:
    return load_settings(
        {"interactiveCluster": INTERACTIVE} | values, project="adf-databricks", stack="dev", location="westeurope"
    )


@pytest.mark.parametrize(
    ("values", "read", "expected"),
    [
        (
            {"interactiveCluster": {**INTERACTIVE, "autoterminationMinutes": "45"}},
            lambda s: s.interactive_cluster.autotermination_minutes,
            45,
        ),
        (
            {"interactiveCluster": {**INTERACTIVE, "numWorkers": " 3 "}},
            lambda s: s.interactive_cluster.size,
            FixedSize(3),
        ),
        (
            {"token": {"lifetimeDays": "45", "rotationDays": 30.0}},
            lambda s: (s.token.lifetime_days, s.token.rotation_days),
            (45, 30),
        ),
        ({"protect": "true"}, lambda s: s.protect, True),
        ({"protect": "FALSE"}, lambda s: s.protect, False),
        ({"workspace": {"noPublicIp": "false"}}, lambda s: s.workspace.no_public_ip, False),
        ({"existingResourceGroupName": 42}, lambda s: s.existing_resource_group_name, "42"),
    ],
    ids=[
        "quoted-minutes",
        "quoted-workers",
        "quoted-days",
        "protect-text",
        "protect-upper",
        "nested-flag",
        "number-name",
    ],
)
def test_a_quoted_whole_number_or_boolean_means_the_same_as_the_plain_one(
    values: dict[str, Any], read: Any, expected: object
) -> None:
    """The CLI hands top-level scalars to the program as text and nested ones as JSON values: users cannot tell
    which is which, so both spellings mean the same wherever the meaning is unambiguous."""
    assert read(settings_for(**values)) == expected


def test_numbers_and_booleans_in_text_maps_become_the_text_they_spell() -> None:
    settings = settings_for(
        interactiveCluster={
            **INTERACTIVE,
            "sparkConf": {"spark.sql.shuffle.partitions": 200, "spark.databricks.delta.preview.enabled": True},
        },
        tags={"costCenter": 4711},
    )
    assert settings.interactive_cluster is not None
    assert settings.interactive_cluster.spark_conf == {
        "spark.sql.shuffle.partitions": "200",
        "spark.databricks.delta.preview.enabled": "true",
    }
    assert settings.tags == {"costCenter": "4711"}


def test_a_decimal_where_text_is_meant_names_the_key_and_the_fix() -> None:
    with pytest.raises(ConfigError) as caught:
        settings_for(interactiveCluster={**INTERACTIVE, "sparkConf": {"spark.x.ratio": 1.10}, "sparkVersion": 15.4})
    problems = caught.value.problems
    assert any(p.startswith('adf-databricks:interactiveCluster.sparkConf["spark.x.ratio"]: 1.1: ') for p in problems)
    assert any(p.startswith("adf-databricks:interactiveCluster.sparkVersion: 15.4: ") for p in problems)
    assert all("in quotes" in p for p in problems)


@pytest.mark.parametrize("spelling", ["yes", "no", "on", "off", "Y", 1, "1"])
def test_booleans_are_true_or_false_in_yaml_words(spelling: object) -> None:
    """YAML 1.2 (the CLI's yaml.v3 for untyped values) has only true/false; yes/no/on/off are text."""
    with pytest.raises(ConfigError) as caught:
        settings_for(protect=spelling, workspace={"noPublicIp": spelling})
    for problem in caught.value.problems:
        assert "must be true or false" in problem
        assert "True" not in problem and "False" not in problem and "'" not in problem


def test_values_are_shown_in_yaml_words_not_python_repr() -> None:
    with pytest.raises(ConfigError) as caught:
        settings_for(clusterMode=None, auth=True, workspace={"sku": None, "noPublicIp": None, "vnet": False})
    text = str(caught.value)
    assert 'auth: "true" is not allowed' in text
    assert "workspace.vnet: false: must be an object" in text
    for python in ("True", "False", "None", "'"):
        assert python not in text.split(":", 1)[1], text


def test_problems_name_the_programs_own_project_namespace() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"token": {"lifetimeDays": 0}}, project="lakehouse", stack="dev", location="westeurope")
    assert "lakehouse:token.lifetimeDays: 0: must be a whole number from 1 to 730" in caught.value.problems
    assert "lakehouse:interactiveCluster: is required" in " ".join(caught.value.problems)


def test_settings_kept_under_one_key_are_named_under_that_key() -> None:
    """A program that keeps every setting under `<project>:platform` (examples/consumer) reads them as JSON text,
    as the CLI passes an object; its problems name that key."""
    with pytest.raises(ConfigError) as caught:
        load_settings(
            '{"clusterMode": "newJobCluster", "jobCluster": {"sparkVersion": "s", "nodeType": "n", "workers": "9:2"},'
            ' "clusterSize": 1}',
            project="data-platform",
            stack="live",
            location="westeurope",
            config_key="platform",
        )
    assert any(p.startswith("data-platform:platform.jobCluster.workers: ") for p in caught.value.problems)
    assert any(
        p.startswith("data-platform:platform.clusterSize: is not a known setting") for p in caught.value.problems
    )
    assert "did you mean clusterMode?" in " ".join(caught.value.problems)


@pytest.mark.parametrize("raw", ["[1, 2]", "not json", "42", [1]])
def test_settings_that_are_not_an_object_are_one_clear_problem(raw: object) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(raw, project="data-platform", stack="live", location="westeurope", config_key="platform")  # type: ignore[arg-type]
    assert caught.value.problems[0].startswith("data-platform:platform: ")
    assert "must be an object of settings" in caught.value.problems[0]


# --- conflicts Azure would refuse later --------------------------------------------------------------------------


def test_the_managed_resource_group_may_not_be_the_workspaces_own_group() -> None:
    """databricks-constraints.md, "Managed resource group": Azure creates it with the workspace and refuses one
    that exists, so it can never be the group the workspace is deployed into."""
    derived = only(problems_for(names={"managedResourceGroup": "rg-adf-databricks-dev"}), "names.managedResourceGroup")
    assert "must differ from the group the workspace is deployed into" in derived
    existing = problems_for(existingResourceGroupName="rg-shared", names={"managedResourceGroup": "RG-Shared"})
    only(existing, "names.managedResourceGroup")
    renamed = problems_for(names={"resourceGroup": "rg-adf-databricks-dev-dbw-managed"})
    only(renamed, "names.resourceGroup")


def test_a_resource_group_name_next_to_an_existing_group_is_refused_not_ignored() -> None:
    problem = only(
        problems_for(existingResourceGroupName="rg-shared", names={"resourceGroup": "rg-mine"}), "names.resourceGroup"
    )
    assert "ignored next to existingResourceGroupName" in problem


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/Workspace/Shared/init.sh", True),
        ("/Volumes/main/default/scripts/init.sh", True),
        ("dbfs:/databricks/init.sh", True),
        ("s3://bucket/init.sh", False),
        ("abfss://c@account.dfs.core.windows.net/init.sh", False),
        ("/tmp/init.sh", False),
        ("init.sh", False),
        ("/Workspace/", False),
    ],
)
def test_init_scripts_are_where_the_readme_allows(path: str, allowed: bool) -> None:
    """README, Configuration: init scripts are `/Workspace/…`, `/Volumes/…` or `dbfs:/…` paths."""
    job = {**JOB_CLUSTER, "initScripts": ["/Workspace/ok.sh", path]}
    if allowed:
        settings = load_settings(
            {"clusterMode": "newJobCluster", "jobCluster": job}, project="p", stack="s", location="westeurope"
        )
        assert settings.job_cluster is not None and path in settings.job_cluster.init_scripts
    else:
        problem = only(problems_for("prod", jobCluster=job), "jobCluster.initScripts[1]")
        assert "/Workspace/, /Volumes/ or dbfs:/" in problem


# --- What Databricks, Azure or the Pulumi CLI would refuse at deploy time, refused here first ------------------


@pytest.mark.parametrize("mode", ["SINGLE_USER", "DATA_SECURITY_MODE_DEDICATED", "LEGACY_SINGLE_USER"])
def test_a_single_user_interactive_cluster_needs_the_user_it_serves(mode: str) -> None:
    """Lifecycle row `single-user-name` (terraform-provider-databricks docs/resources/cluster.md: `single_user_name`
    "is required when using data_security_mode set to SINGLE_USER"; DATA_SECURITY_MODE_DEDICATED is its current
    name): Databricks would refuse the cluster at create, after the workspace exists."""
    problem = only(
        problems_for(interactiveCluster={**INTERACTIVE, "dataSecurityMode": mode}), "interactiveCluster.singleUserName"
    )
    assert f"is required with dataSecurityMode {mode}" in problem
    assert "name the identity that deploys the stack" in problem


@pytest.mark.parametrize("user_assigned", [False, True])
def test_a_single_user_interactive_cluster_is_refused_with_managed_identity(user_assigned: bool) -> None:
    """Lifecycle row `single-user-name`: with managed-identity auth the activities run as the factory's identity,
    which Databricks knows by its application id. The factory reports only its system-assigned identity's object
    id (azure-native `FactoryIdentityResponse`: principalId, tenantId), and a user-assigned identity's client id
    exists only once it is created: a name written in the stack could not be checked before deploy, and a wrong
    one fails every run. One problem, on the access mode, with what to use instead."""
    problems = problems_for(
        auth="managedIdentity",
        managedIdentity={"userAssigned": user_assigned},
        interactiveCluster={**INTERACTIVE, "dataSecurityMode": "SINGLE_USER", "singleUserName": "adf@example.com"},
    )
    assert [p.split(":")[1] for p in problems] == ["interactiveCluster.dataSecurityMode"]
    assert "refused with auth managedIdentity" in problems[0]
    assert "use USER_ISOLATION" in problems[0]


def test_a_single_user_name_without_the_single_user_mode_is_refused() -> None:
    problem = only(
        problems_for(interactiveCluster={**INTERACTIVE, "singleUserName": "ci@example.com"}),
        "interactiveCluster.singleUserName",
    )
    assert "only applies with dataSecurityMode SINGLE_USER (unset here)" in problem


@pytest.mark.parametrize("days", [90, 120, 729])
def test_rotation_is_refused_at_90_days_or_more(days: int) -> None:
    """Lifecycle row `pat-lifecycle` (Azure Databricks, "Monitor and manage personal access tokens": a token unused
    for 90 days is revoked): an idle stack's token would be gone before its rotation came due."""
    problem = only(problems_for(token={"lifetimeDays": 365, "rotationDays": days}), "token.rotationDays")
    assert f"{days}: must be a whole number from 1 to 89: Databricks revokes a token that goes unused for 90 days" in (
        problem
    )


def test_the_two_rotation_rules_read_together_and_never_twice() -> None:
    """Below 90 days (`pat-lifecycle`) and below lifetimeDays (`rotating-on-refresh`): each value gets the one
    problem it has, both worded as "before"."""
    late = only(problems_for(token={"lifetimeDays": 60, "rotationDays": 80}), "token.rotationDays")
    assert late.endswith("80 must be below lifetimeDays (60): the token would expire before it is replaced")
    both = problems_for(token={"lifetimeDays": 60, "rotationDays": 95})
    assert len([p for p in both if p.startswith("adf-databricks:token.rotationDays:")]) == 1
    assert "must come before that" in only(both, "token.rotationDays")
    settings = load_settings(
        {"interactiveCluster": INTERACTIVE, "token": {"lifetimeDays": 90, "rotationDays": 89}},
        project="adf-databricks",
        stack="dev",
        location="westeurope",
    )
    assert settings.token.rotation_days == 89


@pytest.mark.parametrize(
    ("stack", "found"),
    [
        ("my stack", "invalid character ' ' at position 2"),
        ("dev(eu)", "invalid character '(' at position 3"),
        ("prod/eu", "invalid character '/' at position 4"),
        ("a" * 101, "101 characters"),
    ],
)
def test_a_stack_name_the_pulumi_cli_refuses_is_refused_with_the_rule(stack: str, found: str) -> None:
    """pulumi/pulumi sdk/go/common/tokens/stack_name.go, `ParseStackName` (both the DIY and the Pulumi Cloud
    backends parse stack references with it): 1-100 characters from A-Z a-z 0-9 _ . -."""
    with pytest.raises(ConfigError) as caught:
        load_settings({"interactiveCluster": INTERACTIVE}, project="adf-databricks", stack=stack, location="westeurope")
    [problem] = caught.value.problems
    assert problem.startswith(f"stack: {json.dumps(stack)}: the Pulumi CLI refuses this stack name ({found})")
    assert "1-100 characters, each a letter, digit, _, . or -" in problem


@pytest.mark.parametrize("stack", ["dev", "prod-weu", "1st.try", "_x", "a" * 100])
def test_every_stack_name_the_pulumi_cli_takes_is_taken(stack: str) -> None:
    load_settings({"interactiveCluster": INTERACTIVE}, project="adf-databricks", stack=stack, location="westeurope")


@pytest.mark.parametrize("location", ["westeurope", "West Europe", "WESTEUROPE", "west  europe", "usgovvirginia"])
def test_a_region_is_taken_in_any_case_and_spacing(location: str) -> None:
    """pulumi/pulumi-azure-native PR #2281: "All location properties in Azure are case- and space-insensitive, so
    both 'West Europe' and 'westeurope' are valid"."""
    settings = load_settings(
        {"interactiveCluster": INTERACTIVE}, project="adf-databricks", stack="dev", location=location
    )
    assert settings.location == location, "passed on as written"


def test_a_location_azure_does_not_have_is_refused_with_the_closest_region() -> None:
    """Regions: MicrosoftDocs/reliability-docs articles/reliability/regions-list.md (programmatic names); ARM would
    refuse any other at the resource group's create."""
    with pytest.raises(ConfigError) as caught:
        load_settings({"interactiveCluster": INTERACTIVE}, project="adf-databricks", stack="dev", location="West Eurpe")
    [problem] = caught.value.problems
    assert problem.startswith('azure-native:location: "West Eurpe": is not an Azure region; did you mean westeurope?')


@pytest.mark.parametrize("name", ["project", "Environment", "MANAGED-BY"])
def test_a_tag_that_would_replace_a_standard_tag_is_refused(name: str) -> None:
    """learn.microsoft.com, "Use tags to organize your Azure resources and management hierarchy", limitations: tag
    names are case-insensitive for operations, so `Environment` would overwrite the component's `environment`."""
    problem = only(problems_for(tags={name: "x"}), f"tags.{name}")
    assert f"would replace the standard tag {name.casefold()}" in problem


def test_two_tags_that_differ_only_in_case_are_refused() -> None:
    problem = only(problems_for(tags={"owner": "a", "Owner": "b"}), "tags.Owner")
    assert "is the same tag as owner to Azure" in problem
