"""What the real providers do on diff, for the types our program uses: which input changes replace, in which
order, and which outputs are secret. Written down from the providers' source, named per entry.

azure-native (pulumi/pulumi-azure-native): a resource's identity is its ARM id, built from the URL path
parameters (`resourceGroupName`, `vaultName`, ...), so a change to any of them is a replacement. `location`
is create-only on every tracked resource (ARM RPC guideline "LocationMustHaveXmsMutability": x-ms-mutability
read+create), which azure-native turns into a replacement. `provider/pkg/gen/replacement.go` (forceNewMap)
adds per-type properties: Authorization/RoleAssignment `principalId`, `scope`; Resources/ResourceGroup
`location`. Fixed-name resources are replaced delete-before-replace (row `fixed-name-delete-first` of
`shared/specs/azure-lifecycle-rules.md`; azure-native `provider.go` Diff): every azure-native resource here
has an explicit name, so all of its replacements are delete-before-replace.

databricks (pulumi/pulumi-databricks, bridged from databricks/terraform-provider-databricks):
`tokens/resource_token.go` marks `comment`, `lifetime_seconds` and `scopes` ForceNew and `token_value`
sensitive (`token-forcenew`); a token has no name, so the replacement is create-before-delete. Clusters and pools are
updated in place (`clusters/resource_cluster.go` edits a cluster; the cluster's id is server-made).

time (pulumiverse/pulumi-time, bridged from hashicorp/terraform-provider-time):
`internal/provider/resource_time_rotating.go` replaces on any change of its rotation arguments; a due
rotation shows as the resource vanishing on read (`rotating-on-refresh`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TypeRules:
    replace_on: frozenset[str] = frozenset()
    """Top-level input keys whose change replaces the resource."""
    delete_before_replace: bool = False
    secret_outputs: frozenset[str] = frozenset()
    name_keys: tuple[str, ...] = field(default_factory=tuple)
    """The path parameters that, with the resource group, make the ARM id (azure-native)."""


def _arm(*name_keys: str, extra: tuple[str, ...] = (), location: bool = True) -> TypeRules:
    keys = {"resourceGroupName", *name_keys, *extra}
    if location:
        keys.add("location")
    return TypeRules(replace_on=frozenset(keys), delete_before_replace=True, name_keys=name_keys)


AZURE_NATIVE: dict[str, TypeRules] = {
    "azure-native:resources:ResourceGroup": TypeRules(
        replace_on=frozenset({"resourceGroupName", "location"}), delete_before_replace=True
    ),
    "azure-native:databricks:Workspace": _arm("workspaceName"),
    "azure-native:keyvault:Vault": _arm("vaultName"),
    "azure-native:keyvault:Secret": _arm("vaultName", "secretName", location=False),
    "azure-native:datafactory:Factory": _arm("factoryName"),
    "azure-native:datafactory:LinkedService": _arm("factoryName", "linkedServiceName", location=False),
    "azure-native:datafactory:CredentialOperation": _arm("factoryName", "credentialName", location=False),
    "azure-native:managedidentity:UserAssignedIdentity": _arm("resourceName"),
    "azure-native:authorization:RoleAssignment": TypeRules(
        replace_on=frozenset({"roleAssignmentName", "scope", "principalId"}), delete_before_replace=True
    ),
    # Operations (issue 23). Log Analytics, action groups and metric alerts live in the resource group (REST paths
    # `.../workspaces/{workspaceName}`, `.../actionGroups/{actionGroupName}`, `.../metricAlerts/{ruleName}`).
    "azure-native:operationalinsights:Workspace": _arm("workspaceName"),
    "azure-native:monitor:ActionGroup": _arm("actionGroupName"),
    "azure-native:monitor:MetricAlert": _arm("ruleName"),
    # Extension resources: the id is their scope's, then the name (REST paths `/{resourceUri}/providers/
    # Microsoft.Insights/diagnosticSettings/{name}`, `/{scope}/providers/Microsoft.Consumption/budgets/{budgetName}`,
    # `/{scope}/providers/Microsoft.Authorization/locks/{lockName}`): both are path parameters, so either replaces.
    "azure-native:monitor:DiagnosticSetting": TypeRules(
        replace_on=frozenset({"resourceUri", "name"}), delete_before_replace=True, name_keys=("name",)
    ),
    "azure-native:consumption:Budget": TypeRules(
        replace_on=frozenset({"scope", "budgetName"}), delete_before_replace=True, name_keys=("budgetName",)
    ),
    "azure-native:authorization:ManagementLockByScope": TypeRules(
        replace_on=frozenset({"scope", "lockName"}), delete_before_replace=True, name_keys=("lockName",)
    ),
}

DATABRICKS: dict[str, TypeRules] = {
    "databricks:index/token:Token": TypeRules(
        replace_on=frozenset({"comment", "lifetimeSeconds", "scopes"}), secret_outputs=frozenset({"tokenValue"})
    ),
    "databricks:index/cluster:Cluster": TypeRules(),
    "databricks:index/instancePool:InstancePool": TypeRules(),
}

TIME: dict[str, TypeRules] = {
    "time:index/rotating:Rotating": TypeRules(
        replace_on=frozenset({"rotationDays", "rotationHours", "rotationMinutes", "rotationMonths", "rotationYears"})
    ),
}

PACKAGES: dict[str, dict[str, TypeRules]] = {"azure-native": AZURE_NATIVE, "databricks": DATABRICKS, "time": TIME}
SDK_DISTRIBUTIONS = {
    "azure-native": "pulumi_azure_native",
    "databricks": "pulumi_databricks",
    "time": "pulumiverse_time",
}
"""The Python SDK each stand-in answers for: it reports that SDK's version, the one the program asks for."""
