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
    # Private networking (network.mode private). Path parameters and location as above; a subnet is the VNet's
    # child (no location). `subnet` of a private endpoint and `virtualNetwork` of a VNet link are set at creation
    # (lifecycle row `private-endpoint-subnet`); zones and links live in location `global`. The workspace's
    # VNet-injection parameters are replaced by the program's own replaceOnChanges (components/workspace.py
    # VNET_PARAMETERS, row `workspace-creation-only`), which the real engine honours.
    "azure-native:network:VirtualNetwork": _arm("virtualNetworkName"),
    "azure-native:network:Subnet": _arm("virtualNetworkName", "subnetName", location=False),
    "azure-native:network:NetworkSecurityGroup": _arm("networkSecurityGroupName"),
    "azure-native:network:PrivateEndpoint": _arm("privateEndpointName", extra=("subnet",)),
    "azure-native:network:PrivateDnsZoneGroup": _arm("privateEndpointName", "privateDnsZoneGroupName", location=False),
    "azure-native:privatedns:PrivateZone": _arm("privateZoneName"),
    "azure-native:privatedns:VirtualNetworkLink": _arm(
        "privateZoneName", "virtualNetworkLinkName", extra=("virtualNetwork",)
    ),
    # The factory's managed network (components/managed_network.py): the generic resource's identity is its ARM path
    # (namespace, parent path, type, name: pulumi-azure-native `resources.Resource`); a managed endpoint's path is
    # factory, managed VNet and name; a deployment's its name.
    "azure-native:resources:Resource": _arm(
        "resourceName",
        extra=("resourceProviderNamespace", "parentResourcePath", "resourceType", "apiVersion"),
        location=False,
    ),
    "azure-native:datafactory:ManagedPrivateEndpoint": _arm(
        "factoryName", "managedVirtualNetworkName", "managedPrivateEndpointName", location=False
    ),
    "azure-native:resources:Deployment": _arm("deploymentName", location=False),
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
