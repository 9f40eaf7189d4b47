"""A program that installs adf-databricks as a package and builds the platform with typed settings."""

import pulumi

from components import AdfDatabricks, AdfDatabricksArgs, load_settings

settings = load_settings(
    pulumi.Config().require_object("platform"),
    project=pulumi.get_project(),
    stack=pulumi.get_stack(),
    location=pulumi.Config("azure-native").require("location"),
)
platform = AdfDatabricks("data-platform", AdfDatabricksArgs(settings=settings))
pulumi.export("linkedServiceName", platform.linked_service_name)
pulumi.export("workspaceUrl", platform.workspace_url)
