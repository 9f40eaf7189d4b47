"""Which property change replaces which resource, in which order, and what a delete loses: one table.

Read by every tier that needs it: the change report (`components/offline/changes.py`), the mock tier's lifecycle
world (`tests/test_lifecycle.py`) and the engine tier's stand-in providers (`tests/engine/standin/rules.py`). Each
row names its source: a section of `specs/replacement-sources.md` (a short excerpt of the provider's code or the
service's spec, with where it is from) and, where the lifecycle table has one, a row of
`specs/azure-lifecycle-rules.md` by its short name. `tests/test_replacements.py` checks every row against them.

Properties are input paths as the program sends them (camelCase, dots for nesting). A type the table does not
know is updated in place, never replaced: the report says so for such a type rather than guess.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

DELETE_FIRST = "delete-first"
CREATE_FIRST = "create-before-delete"


@dataclass(frozen=True)
class Source:
    section: str
    """A section of `specs/replacement-sources.md` (`## <section>`)."""
    row: str = ""
    """A row of `specs/azure-lifecycle-rules.md`, by short name."""

    def __str__(self) -> str:
        if not self.section:
            return "the program's replaceOnChanges option"
        cited = f"replacement-sources.md#{self.section}"
        return f"{cited}; lifecycle row `{self.row}`" if self.row else cited


@dataclass(frozen=True)
class Replaces:
    """A change to any of `properties` replaces the resource."""

    properties: tuple[str, ...]
    source: Source


@dataclass(frozen=True)
class Holds:
    """What deleting the resource (or replacing it) loses."""

    what: str
    source: Source


@dataclass(frozen=True)
class TypeRules:
    replaces: tuple[Replaces, ...] = ()
    order: str = CREATE_FIRST
    """How the provider replaces it, whatever the program's own `deleteBeforeReplace` adds."""
    order_source: Source = Source("pulumi-create-first")
    holds: Holds | None = None
    secret_outputs: frozenset[str] = frozenset()

    @property
    def replace_on(self) -> frozenset[str]:
        return frozenset(p for row in self.replaces for p in row.properties)

    @property
    def name_keys(self) -> tuple[str, ...]:
        """The ARM path parameters besides the resource group: the resource's name and its parents'."""
        return tuple(
            p
            for row in self.replaces
            if row.source.section == ARM_PATHS.section
            for p in row.properties
            if p not in ("resourceGroupName", "scope")
        )


ARM_PATHS = Source("arm-paths")
ARM_LOCATION = Source("arm-location")
FIXED_NAME = Source("arm-paths", row="fixed-name-delete-first")
WORKSPACE_CREATION = Source("databricks-workspace-creation", row="workspace-creation-only")


def _arm(*path: str, location: bool = True, holds: Holds | None = None) -> TypeRules:
    """An azure-native resource: its ARM path (group and names) and, for a tracked resource, its location are
    fixed at creation; every one of them has an explicit name, so its replacement is delete-first."""
    rows = [Replaces(("resourceGroupName", *path), ARM_PATHS)]
    if location:
        rows.append(Replaces(("location",), ARM_LOCATION))
    return TypeRules(tuple(rows), DELETE_FIRST, FIXED_NAME, holds)


WORKSPACE_CREATION_ONLY = (
    "computeMode",
    "defaultCatalog",
    "managedResourceGroupId",
    "parameters.customVirtualNetworkId",
    "parameters.customPublicSubnetName",
    "parameters.customPrivateSubnetName",
)

TABLE: dict[str, TypeRules] = {
    "azure-native:resources:ResourceGroup": TypeRules(
        (
            Replaces(("resourceGroupName",), ARM_PATHS),
            Replaces(("location",), Source("azure-native-forcenew")),
        ),
        DELETE_FIRST,
        FIXED_NAME,
        Holds("every resource in it", Source("resource-group-delete")),
    ),
    "azure-native:databricks:Workspace": TypeRules(
        (
            Replaces(("resourceGroupName", "workspaceName"), ARM_PATHS),
            Replaces(("location",), ARM_LOCATION),
            Replaces(WORKSPACE_CREATION_ONLY, WORKSPACE_CREATION),
        ),
        DELETE_FIRST,
        FIXED_NAME,
        Holds("its notebooks, jobs and clusters (everything made in the workspace)", WORKSPACE_CREATION),
    ),
    "azure-native:keyvault:Vault": _arm(
        "vaultName",
        holds=Holds(
            "its secrets, into soft delete with it; its name stays reserved for the retention period",
            Source("arm-paths", row="kv-soft-delete-name"),
        ),
    ),
    "azure-native:keyvault:Secret": _arm(
        "vaultName",
        "secretName",
        location=False,
        holds=Holds(
            "the secret's value and versions (deleted through the vault's data plane)",
            Source("arm-paths", row="kv-secret-dataplane-delete"),
        ),
    ),
    "azure-native:datafactory:Factory": _arm(
        "factoryName",
        holds=Holds(
            "its pipelines, linked services, triggers and their run history (children in its ARM path)", ARM_PATHS
        ),
    ),
    "azure-native:datafactory:LinkedService": _arm("factoryName", "linkedServiceName", location=False),
    "azure-native:datafactory:Pipeline": _arm("factoryName", "pipelineName", location=False),
    "azure-native:datafactory:IntegrationRuntime": _arm("factoryName", "integrationRuntimeName", location=False),
    "azure-native:datafactory:CredentialOperation": _arm("factoryName", "credentialName", location=False),
    "azure-native:managedidentity:UserAssignedIdentity": _arm("resourceName"),
    # Private networking (network.mode private): ARM path and location as every tracked resource; a subnet, a zone
    # group and a VNet link are children (no location of their own); zones and links live in `global`. A private
    # endpoint's subnet and a link's VNet are set at creation too (lifecycle row `private-endpoint-subnet`): the
    # program never changes them in place.
    "azure-native:network:VirtualNetwork": _arm("virtualNetworkName"),
    "azure-native:network:Subnet": _arm("virtualNetworkName", "subnetName", location=False),
    "azure-native:network:NetworkSecurityGroup": _arm("networkSecurityGroupName"),
    "azure-native:network:PrivateEndpoint": _arm("privateEndpointName"),
    "azure-native:network:PrivateDnsZoneGroup": _arm("privateEndpointName", "privateDnsZoneGroupName", location=False),
    "azure-native:privatedns:PrivateZone": _arm("privateZoneName"),
    "azure-native:privatedns:VirtualNetworkLink": _arm("privateZoneName", "virtualNetworkLinkName"),
    # The factory's managed network (components/managed_network.py): a managed endpoint is a child of the factory's
    # managed VNet; the approval is a deployment named in the group; the managed VNet itself is the generic
    # `resources:Resource`, whose ARM path is its namespace, parent path, type and name (Microsoft.Resources
    # "Resources - Create Or Update").
    "azure-native:datafactory:ManagedPrivateEndpoint": _arm(
        "factoryName", "managedVirtualNetworkName", "managedPrivateEndpointName", location=False
    ),
    "azure-native:resources:Deployment": _arm("deploymentName", location=False),
    "azure-native:resources:Resource": _arm(
        "resourceProviderNamespace", "parentResourcePath", "resourceType", "resourceName", location=False
    ),
    "azure-native:authorization:RoleAssignment": TypeRules(
        (
            Replaces(("scope", "roleAssignmentName"), ARM_PATHS),
            Replaces(("principalId", "scope"), Source("azure-native-forcenew", row="fixed-name-delete-first")),
        ),
        DELETE_FIRST,
        FIXED_NAME,
    ),
    # Operations (issue 23): group resources by their ARM path; extension resources (diagnostic settings, budgets,
    # locks) by their scope and name, both path parameters (REST paths `/{resourceUri}/providers/Microsoft.Insights/
    # diagnosticSettings/{name}`, `/{scope}/providers/Microsoft.Consumption/budgets/{budgetName}`,
    # `/{scope}/providers/Microsoft.Authorization/locks/{lockName}`).
    "azure-native:operationalinsights:Workspace": _arm("workspaceName"),
    "azure-native:monitor:ActionGroup": _arm("actionGroupName"),
    "azure-native:monitor:MetricAlert": _arm("ruleName"),
    "azure-native:monitor:DiagnosticSetting": TypeRules(
        (Replaces(("resourceUri", "name"), ARM_PATHS),), DELETE_FIRST, FIXED_NAME
    ),
    "azure-native:consumption:Budget": TypeRules(
        (Replaces(("scope", "budgetName"), ARM_PATHS),), DELETE_FIRST, FIXED_NAME
    ),
    "azure-native:authorization:ManagementLockByScope": TypeRules(
        (Replaces(("scope", "lockName"), ARM_PATHS),), DELETE_FIRST, FIXED_NAME
    ),
    "databricks:index/token:Token": TypeRules(
        (Replaces(("comment", "lifetimeSeconds"), Source("databricks-token", row="token-forcenew")),),
        CREATE_FIRST,
        Source("pulumi-create-first", row="token-forcenew"),
        secret_outputs=frozenset({"tokenValue"}),
    ),
    "databricks:index/notebook:Notebook": TypeRules(
        (Replaces(("path",), Source("databricks-notebook-path")),),
    ),
    "databricks:index/cluster:Cluster": TypeRules(),
    "databricks:index/instancePool:InstancePool": TypeRules(),
    "databricks:index/job:Job": TypeRules(),
    "time:index/rotating:Rotating": TypeRules(
        (Replaces(("rfc3339", "triggers"), Source("time-rotating", row="rotating-on-refresh")),),
    ),
}
"""Per type token the program registers (components/offline/cloud_state.py builds each one's state)."""

UNKNOWN = TypeRules()
PROGRAM = Source("")
"""A replacement the program asks for (`replaceOnChanges`), not the provider."""


def rules_for(type_: str) -> TypeRules:
    return TABLE.get(type_, UNKNOWN)


MISSING = object()


def get_path(value: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, or `MISSING`."""
    node: Any = value
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return MISSING
        node = node[part]
    return node


@dataclass(frozen=True)
class Forced:
    """One property whose change replaces the resource, and the row that says so."""

    path: str
    source: Source


def value_at(value: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, or None."""
    found = get_path(value, path)
    return None if found is MISSING else found


def forcing(type_: str, old: Mapping[str, Any], new: Mapping[str, Any], program: tuple[str, ...] = ()) -> list[Forced]:
    """The properties whose change replaces the resource: the table's, and the program's `replaceOnChanges`."""
    found: dict[str, Forced] = {}
    for row in rules_for(type_).replaces:
        for path in row.properties:
            if path not in found and get_path(old, path) != get_path(new, path):
                found[path] = Forced(path, row.source)
    for path in program:
        if path not in found and get_path(old, path) != get_path(new, path):
            found[path] = Forced(path, PROGRAM)
    return [found[p] for p in sorted(found)]


def forces_new(type_: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    return bool(forcing(type_, old, new))


def order_of(type_: str, program_delete_first: bool) -> tuple[str, Source]:
    """Delete-first when the provider does it (fixed names) or the program asks for it (`deleteBeforeReplace`)."""
    rules = rules_for(type_)
    if rules.order == DELETE_FIRST:
        return DELETE_FIRST, rules.order_source
    if program_delete_first:
        return DELETE_FIRST, Source("pulumi-create-first")
    return CREATE_FIRST, rules.order_source


def every_source() -> Iterator[tuple[str, Source]]:
    """(type, source) for every row of the table: replacement rows, orders, what is held."""
    for type_, rules in sorted(TABLE.items()):
        for row in rules.replaces:
            yield type_, row.source
        yield type_, rules.order_source
        if rules.holds:
            yield type_, rules.holds.source


__all__ = [
    "CREATE_FIRST",
    "DELETE_FIRST",
    "TABLE",
    "Forced",
    "Holds",
    "Replaces",
    "Source",
    "TypeRules",
    "every_source",
    "forces_new",
    "forcing",
    "get_path",
    "order_of",
    "rules_for",
]
