"""adf-databricks: map this stack's config onto the component's args, build the platform, export what users need."""

import pulumi

from components import AdfDatabricks, stack_args

platform = AdfDatabricks("adf-databricks", stack_args(pulumi.Config(), pulumi.Config("azure-native").get("location")))

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
