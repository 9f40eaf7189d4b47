"""The Azure Databricks linked service, per cluster mode: what Data Factory is told to run on."""

from __future__ import annotations

import pytest
from plans import DATABRICKS_LS, INTERACTIVE, JOB_CLUSTER, LINKED_SERVICE, POOL, PlanFor, databricks_link

from components.config import ConfigError
from components.offline.plan import Plan, reveal
from components.offline.run import run_stack

CLUSTER = "databricks:index/cluster:Cluster"
POOL_TYPE = "databricks:index/instancePool:InstancePool"
WORKSPACE = "azure-native:databricks:Workspace"


def new_cluster_keys(props: dict[str, object]) -> set[str]:
    return {k for k in props if k.startswith("newCluster")}


def test_existing_cluster_mode_points_at_the_interactive_cluster(dev_plan: Plan) -> None:
    props = databricks_link(dev_plan)
    assert props["existingClusterId"] == dev_plan.one(CLUSTER).id


def test_existing_cluster_mode_sets_no_new_cluster_property(dev_plan: Plan) -> None:
    props = databricks_link(dev_plan)
    assert new_cluster_keys(props) == set()
    assert "instancePoolId" not in props


def test_domain_is_the_workspace_url_over_https(dev_plan: Plan) -> None:
    url = dev_plan.one(WORKSPACE).outputs["workspaceUrl"]
    assert databricks_link(dev_plan)["domain"] == f"https://{url}"


def test_job_cluster_mode_describes_the_new_cluster(prod_plan: Plan) -> None:
    props = databricks_link(prod_plan)
    assert props["newClusterVersion"] == "16.4.x-scala2.12"
    assert props["newClusterNodeType"] == "Standard_DS3_v2"
    assert props["newClusterNumOfWorker"] == "2:8"
    assert props["newClusterDriverNodeType"] == "Standard_DS4_v2"
    assert props["newClusterSparkConf"] == {"spark.sql.shuffle.partitions": "200"}


def test_job_cluster_mode_has_no_existing_cluster_and_no_interactive_cluster(prod_plan: Plan) -> None:
    assert "existingClusterId" not in databricks_link(prod_plan)
    assert prod_plan.by_type(CLUSTER) == []


def test_job_cluster_mode_keeps_an_interactive_cluster_only_when_asked(plan_for: PlanFor) -> None:
    plan = plan_for("prod", interactiveCluster={**INTERACTIVE, "enabled": True})
    assert len(plan.by_type(CLUSTER)) == 1
    assert "existingClusterId" not in databricks_link(plan)


def test_an_integer_worker_count_becomes_the_string_adf_expects(plan_for: PlanFor) -> None:
    plan = plan_for("prod", jobCluster={**JOB_CLUSTER, "workers": 4})
    assert databricks_link(plan)["newClusterNumOfWorker"] == "4"


def test_cluster_tags_are_the_clusters_own_the_workspace_passes_on_the_rest(prod_plan: Plan) -> None:
    """Lifecycle row `default-tags` (pulumi-databricks `Cluster.default_tags`: "any workspace and pool tags"): the
    stack tags reach every cluster through the workspace, so repeating them would only make Databricks store
    `x_<key>` copies and report a diff on every refresh."""
    assert databricks_link(prod_plan)["newClusterCustomTags"] == {"workload": "adf-databricks-activities"}
    assert prod_plan.one("azure-native:databricks:Workspace").inputs["tags"]["costCenter"] == "data-platform"


def test_access_token_is_a_key_vault_reference_to_the_stored_secret(dev_plan: Plan) -> None:
    token = databricks_link(dev_plan)["accessToken"]
    key_vault_link = dev_plan.one(LINKED_SERVICE, "adf-databricks-key-vault-linked-service")
    secret = dev_plan.one("azure-native:keyvault:Secret")
    assert token["type"] == "AzureKeyVaultSecret"
    assert token["store"] == {
        "referenceName": key_vault_link.inputs["linkedServiceName"],
        "type": "LinkedServiceReference",
    }
    assert token["secretName"] == secret.inputs["secretName"]


def test_key_vault_linked_service_points_at_the_vault_uri(dev_plan: Plan) -> None:
    link = dev_plan.one(LINKED_SERVICE, "adf-databricks-key-vault-linked-service").inputs["properties"]
    vault = dev_plan.one("azure-native:keyvault:Vault")
    assert link == {"type": "AzureKeyVault", "baseUrl": vault.outputs["properties"]["vaultUri"]}


def test_linked_service_name_is_the_same_in_every_stack(dev_plan: Plan, prod_plan: Plan) -> None:
    names = {p.one(LINKED_SERVICE, DATABRICKS_LS).inputs["linkedServiceName"] for p in (dev_plan, prod_plan)}
    assert names == {"AzureDatabricks"}
    assert dev_plan.outputs["linkedServiceName"].value == prod_plan.outputs["linkedServiceName"].value


def test_linked_service_waits_for_what_it_names_by_string(dev_plan: Plan) -> None:
    link = dev_plan.one(LINKED_SERVICE, DATABRICKS_LS)
    secret = dev_plan.one("azure-native:keyvault:Secret")
    key_vault_link = dev_plan.one(LINKED_SERVICE, "adf-databricks-key-vault-linked-service")
    assert {secret.urn, key_vault_link.urn} <= set(link.dependencies)


def test_instance_pool_mode_runs_job_clusters_from_the_pool(plan_for: PlanFor) -> None:
    plan = plan_for(clusterMode="instancePool", instancePool=POOL)
    props = databricks_link(plan)
    pool = plan.one(POOL_TYPE)
    assert props["instancePoolId"] == pool.id
    assert props["newClusterVersion"] == POOL["sparkVersion"]
    assert props["newClusterNumOfWorker"] == "4"
    assert "newClusterNodeType" not in props
    assert "existingClusterId" not in props


def test_instance_pool_preloads_the_spark_version_and_bounds_idle_cost(plan_for: PlanFor) -> None:
    plan = plan_for(clusterMode="instancePool", instancePool={**POOL, "minIdleInstances": 2, "maxCapacity": 12})
    pool = plan.one(POOL_TYPE).inputs
    assert pool["preloadedSparkVersions"] == [POOL["sparkVersion"]]
    assert (pool["minIdleInstances"], pool["maxCapacity"], pool["idleInstanceAutoterminationMinutes"]) == (2, 12, 30)
    assert pool["nodeTypeId"] == "Standard_DS3_v2"
    assert plan.by_type(CLUSTER) == []


def test_every_optional_job_cluster_property_reaches_the_linked_service(plan_for: PlanFor) -> None:
    plan = plan_for(
        "prod",
        jobCluster={
            **JOB_CLUSTER,
            "initScripts": ["/Workspace/init/install-libs.sh"],
            "logDestination": "dbfs:/cluster-logs/adf",
            "sparkEnvVars": {"PYSPARK_PYTHON": "/databricks/python3/bin/python3"},
            "policyId": "D06D5B36A9000001",
            "dataSecurityMode": "USER_ISOLATION",
        },
    )
    props = databricks_link(plan)
    assert props["newClusterInitScripts"] == ["/Workspace/init/install-libs.sh"]
    assert props["newClusterLogDestination"] == "dbfs:/cluster-logs/adf"
    assert props["newClusterSparkEnvVars"] == {"PYSPARK_PYTHON": "/databricks/python3/bin/python3"}
    assert props["policyId"] == "D06D5B36A9000001"
    assert props["dataSecurityMode"] == "USER_ISOLATION"


def test_linked_service_envelope_properties_come_from_config(plan_for: PlanFor) -> None:
    plan = plan_for(
        linkedService={
            "name": "LS_Databricks",
            "description": "Databricks activities",
            "annotations": ["databricks-activities"],
            "parameters": {"clusterSize": {"type": "String", "defaultValue": "small"}},
            "connectVia": "AutoResolveIntegrationRuntime",
        }
    )
    link = plan.one(LINKED_SERVICE, DATABRICKS_LS).inputs
    props = link["properties"]
    assert link["linkedServiceName"] == "LS_Databricks"
    assert props["description"] == "Databricks activities"
    assert props["annotations"] == ["databricks-activities"]
    assert props["parameters"] == {"clusterSize": {"type": "String", "defaultValue": "small"}}
    assert props["connectVia"] == {
        "referenceName": "AutoResolveIntegrationRuntime",
        "type": "IntegrationRuntimeReference",
    }


def test_interactive_cluster_does_not_block_pulumi_up_until_running(dev_plan: Plan) -> None:
    cluster = dev_plan.one(CLUSTER).inputs
    assert cluster["noWait"] is True
    assert cluster["autoterminationMinutes"] == 30
    assert (cluster["sparkVersion"], cluster["nodeTypeId"], cluster["numWorkers"]) == (
        "16.4.x-scala2.12",
        "Standard_DS3_v2",
        1,
    )


def test_interactive_cluster_autoscales_when_asked(plan_for: PlanFor) -> None:
    size = {
        "sparkVersion": "16.4.x-scala2.12",
        "nodeType": "Standard_DS3_v2",
        "autoscale": {"minWorkers": 1, "maxWorkers": 4},
    }
    cluster = plan_for(interactiveCluster=size).one(CLUSTER).inputs
    assert cluster["autoscale"] == {"minWorkers": 1, "maxWorkers": 4}
    assert "numWorkers" not in cluster


def test_single_node_cluster_uses_the_single_node_profile(plan_for: PlanFor) -> None:
    size = {"sparkVersion": "16.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "singleNode": True}
    cluster = plan_for(interactiveCluster=size).one(CLUSTER).inputs
    assert cluster["numWorkers"] == 0
    assert cluster["sparkConf"]["spark.databricks.cluster.profile"] == "singleNode"
    assert cluster["sparkConf"]["spark.master"] == "local[*]"
    assert cluster["customTags"]["ResourceClass"] == "SingleNode"


def test_every_databricks_resource_uses_the_workspace_provider(dev_plan: Plan, plan_for: PlanFor) -> None:
    pool_plan = plan_for(clusterMode="instancePool", instancePool=POOL)
    for plan in (dev_plan, pool_plan):
        provider = plan.one("pulumi:providers:databricks")
        workspace = plan.one(WORKSPACE)
        assert reveal(provider.inputs)["azureWorkspaceResourceId"] == workspace.id
        assert reveal(provider.inputs)["host"] == f"https://{workspace.outputs['workspaceUrl']}"
        for record in plan.resources:
            if record.type.startswith("databricks:"):
                assert record.provider == provider.urn, record.name


@pytest.mark.parametrize(
    ("mode", "sent"),
    [("DATA_SECURITY_MODE_STANDARD", "USER_ISOLATION"), ("DATA_SECURITY_MODE_DEDICATED", "SINGLE_USER")],
)
@pytest.mark.parametrize("cluster_mode", ["newJobCluster", "instancePool"])
def test_current_access_mode_names_reach_adf_as_their_classic_aliases(
    plan_for: PlanFor, cluster_mode: str, mode: str, sent: str
) -> None:
    """Lifecycle row `access-mode-kind`: the current names are valid only with a cluster `kind`, which Data Factory's
    linked service cannot send, so each run's cluster would be refused. Their classic aliases name the same access
    mode and need no kind: sent instead, so a user keeps the name Databricks' UI shows. Sources:"""
    section = {"newJobCluster": ("jobCluster", JOB_CLUSTER), "instancePool": ("instancePool", POOL)}[cluster_mode]
    plan = plan_for("dev", clusterMode=cluster_mode, **{section[0]: {**section[1], "dataSecurityMode": mode}})
    assert databricks_link(plan)["dataSecurityMode"] == sent


@pytest.mark.parametrize("section", ["jobCluster", "instancePool"])
def test_the_auto_access_mode_is_refused_for_the_clusters_adf_creates(section: str) -> None:
    """Lifecycle row `access-mode-kind`: DATA_SECURITY_MODE_AUTO lets Databricks pick the mode, which needs the
    cluster `kind`; it has no classic equivalent, so it is refused with the two modes to choose from."""
    cluster = {"jobCluster": JOB_CLUSTER, "instancePool": POOL}[section]
    mode = {"jobCluster": "newJobCluster", "instancePool": "instancePool"}[section]
    with pytest.raises(ConfigError) as caught:
        run_stack("prod", {"clusterMode": mode, section: {**cluster, "dataSecurityMode": "DATA_SECURITY_MODE_AUTO"}})
    [problem] = caught.value.problems
    assert problem.startswith(f"adf-databricks:{section}.dataSecurityMode: DATA_SECURITY_MODE_AUTO needs the cluster")
    assert problem.endswith("choose the mode: USER_ISOLATION (standard) or SINGLE_USER (dedicated)")


def test_a_single_user_interactive_cluster_is_created_for_its_named_user(plan_for: PlanFor) -> None:
    """Lifecycle row `single-user-name`: DATA_SECURITY_MODE_DEDICATED goes to the cluster as SINGLE_USER (no `kind`
    here either), with the one user it serves."""
    size = {**INTERACTIVE, "dataSecurityMode": "DATA_SECURITY_MODE_DEDICATED", "singleUserName": "ci@example.com"}
    cluster = plan_for(interactiveCluster=size).one(CLUSTER).inputs
    assert (cluster["dataSecurityMode"], cluster["singleUserName"]) == ("SINGLE_USER", "ci@example.com")
