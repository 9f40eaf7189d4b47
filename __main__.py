"""adf-databricks: read this stack's config, build the platform, export what users need."""

import pulumi

from components import AdfDatabricks, AdfDatabricksArgs, load_settings, read_config

settings = load_settings(
    read_config(pulumi.Config()),
    project=pulumi.get_project(),
    stack=pulumi.get_stack(),
    location=pulumi.Config("azure-native").get("location"),
)
platform = AdfDatabricks("adf-databricks", AdfDatabricksArgs(settings=settings))

pulumi.export("workspaceUrl", platform.workspace_url)
pulumi.export("resourceGroupName", platform.resource_group_name)
pulumi.export("factoryName", platform.factory_name)
pulumi.export("linkedServiceName", platform.linked_service_name)
pulumi.export("clusterMode", platform.cluster_mode)
if platform.cluster_id is not None:
    pulumi.export("clusterId", platform.cluster_id)
if platform.instance_pool_id is not None:
    pulumi.export("instancePoolId", platform.instance_pool_id)
if platform.key_vault_uri is not None:
    pulumi.export("keyVaultUri", platform.key_vault_uri)
    pulumi.export("secretName", platform.secret_name)
pulumi.export("smokePipelineName", platform.smoke_pipeline_name)
if platform.data_flow_runtime_name is not None:
    pulumi.export("dataFlowRuntimeName", platform.data_flow_runtime_name)
