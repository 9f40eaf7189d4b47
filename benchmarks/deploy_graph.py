"""The deploy-time view of a plan: which resource waits for which, and how long a first `pulumi up` takes.

The Pulumi engine starts creating a resource as soon as the program registers it, and the program registers
it as soon as every output it takes as input has resolved, i.e. when its dependencies are created. An
explicitly passed provider is one more dependency. Components take no time and gate nothing. So a first
`pulumi up` is a list schedule of the dependency graph with `--parallel` slots (the CLI's default is
unbounded), and its shortest possible length is the graph's critical path.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from benchmarks.creation_times import creation_seconds
from components.offline.plan import Plan, ResourceRecord

RESOURCE_GROUP: Final = "azure-native:resources:ResourceGroup"
WORKSPACE: Final = "azure-native:databricks:Workspace"
VAULT: Final = "azure-native:keyvault:Vault"
VAULT_SECRET: Final = "azure-native:keyvault:Secret"
FACTORY: Final = "azure-native:datafactory:Factory"
LINKED_SERVICE: Final = "azure-native:datafactory:LinkedService"
CREDENTIAL: Final = "azure-native:datafactory:CredentialOperation"
ROLE_ASSIGNMENT: Final = "azure-native:authorization:RoleAssignment"
IDENTITY: Final = "azure-native:managedidentity:UserAssignedIdentity"
DATABRICKS_PROVIDER: Final = "pulumi:providers:databricks"
CLUSTER: Final = "databricks:index/cluster:Cluster"
TOKEN: Final = "databricks:index/token:Token"
POOL: Final = "databricks:index/instancePool:InstancePool"
ROTATION: Final = "time:index/rotating:Rotating"
PIPELINE: Final = "azure-native:datafactory:Pipeline"
INTEGRATION_RUNTIME: Final = "azure-native:datafactory:IntegrationRuntime"
NOTEBOOK: Final = "databricks:index/notebook:Notebook"
JOB: Final = "databricks:index/job:Job"
VNET: Final = "azure-native:network:VirtualNetwork"
SUBNET: Final = "azure-native:network:Subnet"
NSG: Final = "azure-native:network:NetworkSecurityGroup"
PRIVATE_ENDPOINT: Final = "azure-native:network:PrivateEndpoint"
ZONE_GROUP: Final = "azure-native:network:PrivateDnsZoneGroup"
PRIVATE_ZONE: Final = "azure-native:privatedns:PrivateZone"
VNET_LINK: Final = "azure-native:privatedns:VirtualNetworkLink"
LOG_ANALYTICS: Final = "azure-native:operationalinsights:Workspace"
DIAGNOSTIC_SETTING: Final = "azure-native:monitor:DiagnosticSetting"
ACTION_GROUP: Final = "azure-native:monitor:ActionGroup"
METRIC_ALERT: Final = "azure-native:monitor:MetricAlert"
BUDGET: Final = "azure-native:consumption:Budget"
LOCK: Final = "azure-native:authorization:ManagementLockByScope"
MANAGED_VNET: Final = "azure-native:resources:Resource"
"""The program's one generic resource: the factory's managed virtual network (components/managed_network.py)."""
MANAGED_ENDPOINT: Final = "azure-native:datafactory:ManagedPrivateEndpoint"
APPROVAL: Final = "azure-native:resources:Deployment"

INHERENT: Final[Mapping[str, frozenset[str]]] = {
    # Created inside the group; a private workspace joins its VNet's subnets (by name and VNet id).
    WORKSPACE: frozenset({RESOURCE_GROUP, VNET, SUBNET}),
    VAULT: frozenset({RESOURCE_GROUP}),
    IDENTITY: frozenset({RESOURCE_GROUP}),
    # The identity is attached to the factory by its resource id.
    FACTORY: frozenset({RESOURCE_GROUP, IDENTITY}),
    # Host and workspace resource id come from the workspace; a private workspace answers only once its endpoint
    # and the endpoint's DNS record exist (components/network.py).
    DATABRICKS_PROVIDER: frozenset({WORKSPACE, ZONE_GROUP}),
    # Calls to that workspace's API; the token is replaced when its rotation comes due.
    CLUSTER: frozenset({DATABRICKS_PROVIDER}),
    POOL: frozenset({DATABRICKS_PROVIDER}),
    TOKEN: frozenset({DATABRICKS_PROVIDER, ROTATION}),
    # A vault's child holding the token's value; its name carries the workspace id (one secret per workspace).
    # In a private stack it waits for the vault's endpoint and DNS: its delete goes through that path
    # (lifecycle row `kv-secret-dataplane-delete`), so a destroy must find it still there.
    VAULT_SECRET: frozenset({RESOURCE_GROUP, VAULT, TOKEN, WORKSPACE, ZONE_GROUP}),
    # Scope (vault or workspace) and principal (factory's or user-assigned identity).
    ROLE_ASSIGNMENT: frozenset({VAULT, WORKSPACE, FACTORY, IDENTITY}),
    CREDENTIAL: frozenset({RESOURCE_GROUP, FACTORY, IDENTITY}),
    # A factory's child; every id, URL and name it references must exist before ADF accepts or uses it.
    # In a private stack, it also goes through the managed runtime (connectVia) and the approved endpoints.
    LINKED_SERVICE: frozenset(
        {
            RESOURCE_GROUP,
            FACTORY,
            WORKSPACE,
            VAULT,
            VAULT_SECRET,
            CLUSTER,
            POOL,
            LINKED_SERVICE,
            CREDENTIAL,
            INTEGRATION_RUNTIME,
            APPROVAL,
        }
    ),
    # The smoke test: a notebook in the workspace, a job running it (serverless), and a pipeline whose
    # activity names the linked service, notebook path or job id (ADF refuses a reference to nothing: "The
    # document creation or update failed because of invalid reference", Azure-Player/azure.datafactory.tools
    # issues #65, #93).
    NOTEBOOK: frozenset({DATABRICKS_PROVIDER}),
    JOB: frozenset({DATABRICKS_PROVIDER, NOTEBOOK}),
    PIPELINE: frozenset({RESOURCE_GROUP, FACTORY, LINKED_SERVICE, NOTEBOOK, JOB}),
    # The Data Flow runtime is a factory's child; in a private stack it runs in the factory's managed network.
    INTEGRATION_RUNTIME: frozenset({RESOURCE_GROUP, FACTORY, MANAGED_VNET}),
    # The factory's managed network: the VNet a child of the factory, an endpoint in it to its target, and the
    # approval of the endpoint's connection, named by the target once the endpoint exists.
    MANAGED_VNET: frozenset({RESOURCE_GROUP, FACTORY}),
    MANAGED_ENDPOINT: frozenset({RESOURCE_GROUP, FACTORY, MANAGED_VNET, WORKSPACE, VAULT}),
    APPROVAL: frozenset({RESOURCE_GROUP, FACTORY, MANAGED_ENDPOINT, WORKSPACE, VAULT}),
    # Private networking: subnets one at a time per VNet (AnotherOperationInProgress), each with the NSG; an
    # endpoint in its subnet to its target; its zone group writes into a zone that resolves in the VNet (links).
    VNET: frozenset({RESOURCE_GROUP}),
    NSG: frozenset({RESOURCE_GROUP}),
    SUBNET: frozenset({RESOURCE_GROUP, VNET, NSG, SUBNET}),
    PRIVATE_ZONE: frozenset({RESOURCE_GROUP}),
    VNET_LINK: frozenset({RESOURCE_GROUP, PRIVATE_ZONE, VNET}),
    PRIVATE_ENDPOINT: frozenset({RESOURCE_GROUP, SUBNET, WORKSPACE, VAULT}),
    ZONE_GROUP: frozenset({RESOURCE_GROUP, PRIVATE_ENDPOINT, PRIVATE_ZONE, VNET_LINK}),
    # Operations: a diagnostic setting names its resource and the Log Analytics workspace by id; an alert its
    # factory, its action group and (the smoke alert) the pipeline by name; a budget its groups and action group; a
    # lock the resource it locks.
    LOG_ANALYTICS: frozenset({RESOURCE_GROUP}),
    DIAGNOSTIC_SETTING: frozenset({WORKSPACE, VAULT, FACTORY, LOG_ANALYTICS}),
    ACTION_GROUP: frozenset({RESOURCE_GROUP}),
    METRIC_ALERT: frozenset({RESOURCE_GROUP, FACTORY, ACTION_GROUP, PIPELINE}),
    BUDGET: frozenset({RESOURCE_GROUP, ACTION_GROUP}),
    # A lock waits for what it holds (components/locks.py): so it is deleted before them when both go.
    LOCK: frozenset(
        {WORKSPACE, VAULT, FACTORY, LINKED_SERVICE, VAULT_SECRET, ROLE_ASSIGNMENT, CREDENTIAL, PIPELINE}
        | {INTEGRATION_RUNTIME, DIAGNOSTIC_SETTING, MANAGED_VNET, MANAGED_ENDPOINT}
    ),
}
"""For each type, the types it cannot be created before: it takes one of their outputs or needs them to exist.
An edge in the plan outside this table is a needless wait."""

TOKEN_CHAIN: Final = (RESOURCE_GROUP, WORKSPACE, DATABRICKS_PROVIDER, TOKEN, VAULT_SECRET, LINKED_SERVICE, PIPELINE)
"""workspace → token → secret → linked service → the smoke pipeline that names it: what accessToken auth
cannot do without."""
PRIVATE_TOKEN_CHAINS: Final = tuple(
    (RESOURCE_GROUP, first, SUBNET, SUBNET, WORKSPACE, PRIVATE_ENDPOINT, ZONE_GROUP, *TOKEN_CHAIN[2:])
    for first in (VNET, NSG)
)
"""The same chain in a private stack: the workspace joins its subnets (the host's, then the container's; each
waits for the VNet and the NSG, which take as long, so either begins a critical path), and its API answers only
through its endpoint once the endpoint's DNS record exists."""
PRIVATE_MANAGED_CHAINS: Final = tuple(
    (RESOURCE_GROUP, first, SUBNET, SUBNET, WORKSPACE, MANAGED_ENDPOINT, APPROVAL, LINKED_SERVICE, PIPELINE)
    for first in (VNET, NSG)
)
"""A private stack's critical paths since the factory reaches the workspace through its managed network: the
workspace, the factory's managed endpoint to it and the approval of its connection (planning figures: about two
and a half minutes) take longer than its API path (endpoint, DNS, provider, token, secret), and the linked service
goes through the approved endpoint."""

CHAIN_TAIL: Final = frozenset({METRIC_ALERT, LOCK})
"""What may end a critical path after its chain, one step at most: the smoke pipeline's failed-run alert or a delete
lock, each waiting for the pipeline (one ARM PUT)."""


def inherent_chains(private: bool) -> tuple[tuple[str, ...], ...]:
    """The chains a first deploy cannot be shorter than: the token chain, or in a private stack the managed endpoint
    chains."""
    return PRIVATE_MANAGED_CHAINS if private else (TOKEN_CHAIN,)


@dataclass(frozen=True)
class Node:
    urn: str
    type: str
    name: str
    seconds: float
    waits_for: tuple[str, ...]
    """URNs of the resources this one is created after."""


@dataclass(frozen=True)
class Edge:
    dependent: Node
    dependency: Node


class DeployGraph:
    """The custom resources of a plan, each with its creation time and the resources it waits for."""

    def __init__(self, nodes: Sequence[Node]) -> None:
        self.nodes = tuple(nodes)
        """In registration order: the order the engine sees them."""
        self.by_urn = {node.urn: node for node in self.nodes}

    @classmethod
    def from_plan(cls, plan: Plan, seconds: Callable[[ResourceRecord], float] | None = None) -> DeployGraph:
        timing = seconds or (lambda record: creation_seconds(record.type, record.inputs))
        custom = {r.urn for r in plan.resources if r.custom}
        children: dict[str, list[str]] = {}
        for record in plan.resources:
            children.setdefault(record.parent, []).append(record.urn)

        def expand(urn: str) -> list[str]:
            """Waiting on a component means waiting on every custom resource under it."""
            if urn in custom:
                return [urn]
            return [leaf for child in children.get(urn, []) for leaf in expand(child)]

        nodes = []
        for record in plan.resources:
            if not record.custom:
                continue
            waits = [leaf for dep in record.dependencies for leaf in expand(dep)]
            if record.provider in custom:
                waits.append(record.provider)
            nodes.append(Node(record.urn, record.type, record.name, timing(record), tuple(dict.fromkeys(waits))))
        return cls(nodes)

    def edges(self) -> list[Edge]:
        return [Edge(node, self.by_urn[dep]) for node in self.nodes for dep in node.waits_for]

    def needless_edges(self) -> list[Edge]:
        return [e for e in self.edges() if e.dependency.type not in INHERENT.get(e.dependent.type, frozenset())]

    def without(self, edges: Sequence[Edge]) -> DeployGraph:
        dropped = {(e.dependent.urn, e.dependency.urn) for e in edges}
        return DeployGraph(
            [
                Node(n.urn, n.type, n.name, n.seconds, tuple(d for d in n.waits_for if (n.urn, d) not in dropped))
                for n in self.nodes
            ]
        )

    def _finish_times(self) -> dict[str, float]:
        finish: dict[str, float] = {}

        def visit(urn: str) -> float:
            if urn not in finish:
                node = self.by_urn[urn]
                finish[urn] = max((visit(d) for d in node.waits_for), default=0.0) + node.seconds
            return finish[urn]

        for node in self.nodes:
            visit(node.urn)
        return finish

    def critical_path(self) -> tuple[float, list[Node]]:
        """The longest chain of waits, weighted by creation time: no deploy of this graph is shorter."""
        finish = self._finish_times()
        if not finish:
            return 0.0, []
        urn: str | None = max(finish, key=lambda u: finish[u])
        path: list[Node] = []
        while urn is not None:
            node = self.by_urn[urn]
            path.append(node)
            urn = max(node.waits_for, key=lambda d: finish[d], default=None)
        return finish[path[0].urn], path[::-1]

    def simulate(self, parallel: int | None = None) -> float:
        """A first `pulumi up`: each resource starts once everything it waits for is created, on at most
        `parallel` concurrent operations (None: unbounded, the CLI's default), earliest-registered first."""
        slots = parallel if parallel is not None else len(self.nodes) or 1
        order = {node.urn: index for index, node in enumerate(self.nodes)}
        pending = {node.urn: len(node.waits_for) for node in self.nodes}
        dependents: dict[str, list[str]] = {}
        for node in self.nodes:
            for dep in node.waits_for:
                dependents.setdefault(dep, []).append(node.urn)
        ready = [(order[u], u) for u, count in pending.items() if count == 0]
        heapq.heapify(ready)
        running: list[tuple[float, str]] = []
        clock = 0.0
        while ready or running:
            while ready and len(running) < slots:
                _, urn = heapq.heappop(ready)
                heapq.heappush(running, (clock + self.by_urn[urn].seconds, urn))
            clock, done = heapq.heappop(running)
            for dependent in dependents.get(done, []):
                pending[dependent] -= 1
                if pending[dependent] == 0:
                    heapq.heappush(ready, (order[dependent], dependent))
        return clock

    def parallel_needed(self) -> int:
        """The fewest concurrent operations (`pulumi up --parallel`) that still finish in the critical path."""
        critical, _ = self.critical_path()
        return next(p for p in range(1, len(self.nodes) + 1) if self.simulate(p) <= critical)

    def serial(self) -> float:
        return sum(node.seconds for node in self.nodes)

    def within_inherent_chain(self) -> bool | None:
        """Whether the critical path, less one alert or lock at its end, is no longer than the stack's inherent chain
        (None where the plan has none, e.g. no token with managed identity in a public stack)."""
        private = any(node.type == PRIVATE_ENDPOINT for node in self.nodes)
        lengths = [s for chain in inherent_chains(private) if (s := self.chain_seconds(chain)) is not None]
        if not lengths:
            return None
        critical, path = self.critical_path()
        if path and path[-1].type in CHAIN_TAIL:
            critical -= path[-1].seconds
        return critical <= max(lengths) + 1e-9

    def chain_seconds(self, types: Sequence[str]) -> float | None:
        """The length of a chain of one resource per type, each waiting on the one before; None where the plan
        has no such chain (e.g. no token with managed identity)."""
        best: dict[str, float] = {}
        previous: set[str] = set()
        for position, type_ in enumerate(types):
            current = {n.urn for n in self.nodes if n.type == type_}
            for urn in current:
                node = self.by_urn[urn]
                before = [best[d] for d in node.waits_for if d in previous and d in best]
                if position == 0 or before:
                    best[urn] = max(before, default=0.0) + node.seconds
            previous = current & best.keys()
            if not previous:
                return None
        return max(best[u] for u in previous)
