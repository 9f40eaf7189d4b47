"""The validated, frozen settings one stack deploys with.

Nothing here reads config: `components.config.load_settings` builds these from raw values and is the
only place that decides whether a value is allowed. Defaults are the declaration's (`components.args.DEFAULTS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from .args import (
    DEFAULTS,
    AuthMode,
    ClusterMode,
    DataFlowComputeType,
    DataSecurityMode,
    FirewallAction,
    NetworkAccess,
    NetworkMode,
    WorkspaceSku,
)


@dataclass(frozen=True)
class FixedSize:
    workers: int

    def adf_workers(self) -> str:
        return str(self.workers)


@dataclass(frozen=True)
class Autoscale:
    min_workers: int
    max_workers: int

    def adf_workers(self) -> str:
        return f"{self.min_workers}:{self.max_workers}"


@dataclass(frozen=True)
class SingleNode:
    """A driver-only cluster (`num_workers: 0` with the single-node profile)."""


ClusterSize = FixedSize | Autoscale | SingleNode


@dataclass(frozen=True, kw_only=True)
class ClusterOptions:
    """What an interactive cluster, a job cluster and a pool's clusters share: the keys their sections repeat
    (the contract's sections repeat them rather than inherit them; see components/args.py)."""

    spark_version: str
    driver_node_type: str | None = None
    spark_conf: Mapping[str, str] = field(default_factory=dict)
    spark_env_vars: Mapping[str, str] = field(default_factory=dict)
    custom_tags: Mapping[str, str] = field(default_factory=dict)
    policy_id: str | None = None
    data_security_mode: DataSecurityMode | None = None


@dataclass(frozen=True, kw_only=True)
class InteractiveClusterSpec(ClusterOptions):
    """The all-purpose cluster ADF reuses in existingCluster mode."""

    node_type: str
    size: ClusterSize
    autotermination_minutes: int = DEFAULTS["interactiveCluster.autoterminationMinutes"]
    single_user_name: str | None = None
    """The one user or service principal (application id) a single-user cluster serves."""


@dataclass(frozen=True, kw_only=True)
class JobClusterSpec(ClusterOptions):
    """What ADF puts in each run's new job cluster (the linked service's `newCluster*` fields)."""

    node_type: str
    workers: FixedSize | Autoscale
    init_scripts: tuple[str, ...] = ()
    log_destination: str | None = None


@dataclass(frozen=True, kw_only=True)
class InstancePoolSpec(ClusterOptions):
    """A Databricks instance pool; each run's job cluster takes warm instances from it."""

    node_type: str
    workers: FixedSize
    min_idle_instances: int = DEFAULTS["instancePool.minIdleInstances"]
    max_capacity: int = DEFAULTS["instancePool.maxCapacity"]
    idle_instance_autotermination_minutes: int = DEFAULTS["instancePool.idleInstanceAutoterminationMinutes"]
    init_scripts: tuple[str, ...] = ()
    log_destination: str | None = None


@dataclass(frozen=True)
class VnetInjection:
    id: pulumi.Input[str]
    """Plain, or wired from the caller's own VNet resource."""
    public_subnet_name: str
    private_subnet_name: str


@dataclass(frozen=True)
class WorkspaceSpec:
    sku: WorkspaceSku = DEFAULTS["workspace.sku"]
    no_public_ip: bool = DEFAULTS["workspace.noPublicIp"]
    public_network_access: NetworkAccess = DEFAULTS["workspace.publicNetworkAccess"]
    vnet: VnetInjection | None = None


@dataclass(frozen=True)
class TokenSpec:
    lifetime_days: int = DEFAULTS["token.lifetimeDays"]
    rotation_days: int = DEFAULTS["token.rotationDays"]
    owner: str | None = None
    """Object id of the only identity that may deploy the token (CI's); a deploy by another one is refused."""

    @property
    def lifetime_seconds(self) -> int:
        return self.lifetime_days * 86_400

    @property
    def expires_before_rotation(self) -> bool:
        """True when the token lapses before `pulumi up` would replace it."""
        return self.rotation_days >= self.lifetime_days


@dataclass(frozen=True)
class KeyVaultSpec:
    public_network_access: NetworkAccess = DEFAULTS["keyVault.publicNetworkAccess"]
    default_action: FirewallAction = DEFAULTS["keyVault.defaultAction"]
    allowed_ip_ranges: tuple[str, ...] = ()
    recover: bool = DEFAULTS["keyVault.recover"]
    """Create the vault with `createMode: recover`: re-creating a stack whose deleted vault holds the name."""


@dataclass(frozen=True)
class LinkedServiceParameter:
    type: str
    default_value: object | None = None


@dataclass(frozen=True)
class LinkedServiceSpec:
    name: str = DEFAULTS["linkedService.name"]
    description: str | None = None
    annotations: tuple[str, ...] = ()
    parameters: Mapping[str, LinkedServiceParameter] = field(default_factory=dict)
    connect_via: str | None = None


@dataclass(frozen=True)
class DataFlowRuntimeSpec:
    """The managed Azure integration runtime Mapping Data Flows run on (not our Databricks compute)."""

    compute_type: DataFlowComputeType = DEFAULTS["dataFlowRuntime.computeType"]
    core_count: int = DEFAULTS["dataFlowRuntime.coreCount"]
    time_to_live_minutes: int = DEFAULTS["dataFlowRuntime.timeToLiveMinutes"]
    """0: every data-flow run starts a cold cluster; > 0: the cluster stays warm (and billed) that long."""
    cleanup: bool | None = None
    """ADF's cleanup flag as the stack gives it; None leaves ADF's default (true). The TTL keeps the cluster warm;
    Microsoft no longer documents false ("quick re-use") as a benefit (lifecycle row `dataflow-vs-linked-service`)."""

    @property
    def warm(self) -> bool:
        return self.time_to_live_minutes > 0


@dataclass(frozen=True)
class ManagedIdentitySpec:
    user_assigned: bool = DEFAULTS["managedIdentity.userAssigned"]


@dataclass(frozen=True)
class DataFactorySpec:
    public_network_access: NetworkAccess = DEFAULTS["dataFactory.publicNetworkAccess"]


@dataclass(frozen=True)
class NameOverrides:
    resource_group: str | None = None
    workspace: str | None = None
    managed_resource_group: str | None = None
    key_vault: str | None = None
    data_factory: str | None = None


@dataclass(frozen=True)
class PrivateDnsZoneIdsSpec:
    databricks: str | None = None
    """An existing `privatelink.azuredatabricks.net` zone; None: a private stack creates it."""
    key_vault: str | None = None
    """An existing `privatelink.vaultcore.azure.net` zone; None: a private stack creates it."""


@dataclass(frozen=True)
class NetworkSpec:
    """Public or private networking; the other fields matter in private mode only (a public stack refuses them)."""

    mode: NetworkMode = DEFAULTS["network.mode"]
    address_space: str = DEFAULTS["network.addressSpace"]
    host_subnet: str = DEFAULTS["network.hostSubnet"]
    container_subnet: str = DEFAULTS["network.containerSubnet"]
    endpoint_subnet: str = DEFAULTS["network.endpointSubnet"]
    virtual_network_id: str | None = None
    """An existing VNet the stack creates its subnets in; None: the stack creates the VNet."""
    network_security_group_id: str | None = None
    """An existing NSG for the workspace subnets; None: the stack creates one."""
    private_dns_zone_ids: PrivateDnsZoneIdsSpec = PrivateDnsZoneIdsSpec()
    linked_virtual_network_ids: tuple[str, ...] = ()
    """More VNets (the deploy runner's) linked to the zones the stack creates."""
    browser_authentication: bool = DEFAULTS["network.browserAuthentication"]
    deploy_runner: str = DEFAULTS["network.deployRunner"]
    """The `runs-on` label of the runner the workflows deploy this stack from."""

    @property
    def is_private(self) -> bool:
        return self.mode is NetworkMode.PRIVATE


STANDARD_TAG_NAMES = ("project", "environment", "managed-by")
"""The tags every resource gets from the component; a user tag of the same name (in any case) is refused."""


@dataclass(frozen=True)
class PlatformSettings:
    """Everything one stack deploys, validated. Build it with `components.config.load_settings`."""

    project: str
    stack: str
    location: str
    cluster_mode: ClusterMode
    auth: AuthMode = DEFAULTS["auth"]
    managed_identity: ManagedIdentitySpec = ManagedIdentitySpec()
    workspace: WorkspaceSpec = WorkspaceSpec()
    interactive_cluster: InteractiveClusterSpec | None = None
    job_cluster: JobClusterSpec | None = None
    instance_pool: InstancePoolSpec | None = None
    token: TokenSpec = TokenSpec()
    key_vault: KeyVaultSpec = KeyVaultSpec()
    data_factory: DataFactorySpec = DataFactorySpec()
    linked_service: LinkedServiceSpec = LinkedServiceSpec()
    data_flow_runtime: DataFlowRuntimeSpec | None = None
    """None: no runtime of ours; Data Flows use ADF's default AutoResolve runtime (no TTL: always cold)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    existing_resource_group_name: pulumi.Input[str] | None = None
    names: NameOverrides = NameOverrides()
    network: NetworkSpec = NetworkSpec()
    protect: bool = DEFAULTS["protect"]
    warnings: tuple[str, ...] = ()
    """What is allowed but ages or goes unchecked (e.g. a runtime near its end of support), each naming its key."""

    @property
    def uses_token(self) -> bool:
        return self.auth is AuthMode.ACCESS_TOKEN

    @property
    def azure_tags(self) -> dict[str, str]:
        """The tags of every Azure resource; the workspace passes them on to every cluster it runs."""
        standard = dict(zip(STANDARD_TAG_NAMES, (self.project, self.stack, "pulumi"), strict=True))
        return {**standard, **self.tags}
