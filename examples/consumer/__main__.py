"""A program that installs adf-databricks as a package and builds the platform from its own config."""

import pulumi
from adf_databricks import AdfDatabricks, AdfDatabricksArgs, from_contract

# The `platform` object uses the component's keys as its config contract does (camelCase).
args = AdfDatabricksArgs(
    **from_contract(pulumi.Config().require_object("platform")),
    location=pulumi.Config("azure-native").require("location"),
)
platform = AdfDatabricks("data-platform", args)
pulumi.export("linkedServiceName", platform.linked_service_name)
pulumi.export("workspaceUrl", platform.workspace_url)
