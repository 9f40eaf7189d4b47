"""A program that installs adf-databricks as a package and builds the platform from one key of its own config.

All the platform's settings sit under this project's key `data-platform:platform`, in the stack config's
camelCase. `stack_args(..., config_key="platform")` maps them onto the component's typed args and tells the
component where they came from, so that its one validation reports a mistake as
`data-platform:platform.jobCluster.workers`, the key this program's users write.
"""

import pulumi
from adf_databricks import AdfDatabricks, stack_args

args = stack_args(pulumi.Config(), pulumi.Config("azure-native").get("location"), config_key="platform")
platform = AdfDatabricks("data-platform", args)
pulumi.export("linkedServiceName", platform.linked_service_name)
pulumi.export("workspaceUrl", platform.workspace_url)
