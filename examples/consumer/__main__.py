"""A program that installs adf-databricks as a package and builds the platform with typed settings.

All the platform's settings sit under this project's own key `data-platform:platform`; `config_key` tells
`load_settings`, so that a mistake is reported as `data-platform:platform.jobCluster.workers`, the key this
program's users write, not as one of adf-databricks' own keys.
"""

import pulumi

from components import AdfDatabricks, AdfDatabricksArgs, load_settings

settings = load_settings(
    pulumi.Config().get("platform"),
    project=pulumi.get_project(),
    stack=pulumi.get_stack(),
    location=pulumi.Config("azure-native").get("location"),
    config_key="platform",
)
platform = AdfDatabricks("data-platform", AdfDatabricksArgs(settings=settings))
pulumi.export("linkedServiceName", platform.linked_service_name)
pulumi.export("workspaceUrl", platform.workspace_url)
