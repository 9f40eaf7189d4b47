"""The validated, frozen settings one stack deploys with.

Nothing here reads config: `components.config.load_settings` builds these from raw values and is the
only place that decides whether a value is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import pulumi


class ClusterMode(StrEnum):
    """Which compute the Azure Databricks linked service gives Databricks activities (not Data Flows)."""

    EXISTING_CLUSTER = "existingCluster"
    """A warm interactive cluster: activity runs start at once while it is up; it costs while it runs."""
    NEW_JOB_CLUSTER = "newJobCluster"
    """A new job cluster per run: 5-7 minutes to start, nothing while idle."""
    INSTANCE_POOL = "instancePool"
    """A new job cluster per run from warm pool instances: faster starts, bounded idle cost."""
    SERVERLESS = "serverless"
    """No cluster, no pool: a Databricks Job activity runs a job on serverless compute (Unity Catalog needed)."""


class DataFlowComputeType(StrEnum):
    """The Spark cluster type of ADF's own Data Flow runtime (REST model `DataFlowComputeType`)."""

    GENERAL = "General"
    """General purpose: the default."""
    MEMORY_OPTIMIZED = "MemoryOptimized"
    """Memory optimized: more memory per core, for flows with many joins and lookups."""


RETIRED_CHOICES: Mapping[str, Mapping[str, str]] = {
    "dataFlowRuntime.computeType": {
        "ComputeOptimized": "the Compute optimized data flow compute type is retired (support ended on 31 August "
        "2024): new integration runtimes cannot use it; use General or MemoryOptimized",
    },
}
"""Values a choice once had, by key: why each is refused and what to use instead (lifecycle row
`computeoptimized-retired`). The REST model still lists ComputeOptimized; Azure refuses it for new runtimes."""


DATA_FLOW_CORE_COUNTS = (8, 16, 32, 48, 80, 144, 272)
"""`IntegrationRuntimeDataFlowProperties.coreCount`: "Supported values are: 8, 16, 32, 48, 80, 144 and 272"."""


class AuthMode(StrEnum):
    ACCESS_TOKEN = "accessToken"
    """A Databricks personal access token, kept in Key Vault and rotated."""
    MANAGED_IDENTITY = "managedIdentity"
    """The factory's managed identity (ADF `authentication: MSI`); no token exists."""


class WorkspaceSku(StrEnum):
    PREMIUM = "premium"
    STANDARD = "standard"
    TRIAL = "trial"


class NetworkAccess(StrEnum):
    ENABLED = "Enabled"
    DISABLED = "Disabled"


class FirewallAction(StrEnum):
    DENY = "Deny"
    ALLOW = "Allow"


class DataSecurityMode(StrEnum):
    """The cluster's access mode. `DATA_SECURITY_MODE_STANDARD` and `..._DEDICATED` are the current names of
    USER_ISOLATION and SINGLE_USER (databricks-sdk-go `compute.DataSecurityMode`: the classic names are their
    legacy aliases); the current names are valid only with a cluster `kind` (lifecycle row `access-mode-kind`)."""

    NONE = "NONE"
    SINGLE_USER = "SINGLE_USER"
    USER_ISOLATION = "USER_ISOLATION"
    LEGACY_TABLE_ACL = "LEGACY_TABLE_ACL"
    LEGACY_PASSTHROUGH = "LEGACY_PASSTHROUGH"
    LEGACY_SINGLE_USER = "LEGACY_SINGLE_USER"
    LEGACY_SINGLE_USER_STANDARD = "LEGACY_SINGLE_USER_STANDARD"
    DATA_SECURITY_MODE_AUTO = "DATA_SECURITY_MODE_AUTO"
    DATA_SECURITY_MODE_STANDARD = "DATA_SECURITY_MODE_STANDARD"
    DATA_SECURITY_MODE_DEDICATED = "DATA_SECURITY_MODE_DEDICATED"


SINGLE_USER_MODES = frozenset(
    {
        DataSecurityMode.SINGLE_USER,
        DataSecurityMode.DATA_SECURITY_MODE_DEDICATED,
        DataSecurityMode.LEGACY_SINGLE_USER,
    }
)
"""Modes in which an all-purpose cluster serves one named user only (`single_user_name`, lifecycle row
`single-user-name`)."""


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


@dataclass(frozen=True)
class ClusterOptions:
    """What an interactive cluster, a job cluster and a pool's clusters share."""

    spark_version: str
    driver_node_type: str | None = None
    spark_conf: Mapping[str, str] = field(default_factory=dict)
    spark_env_vars: Mapping[str, str] = field(default_factory=dict)
    custom_tags: Mapping[str, str] = field(default_factory=dict)
    policy_id: str | None = None
    data_security_mode: DataSecurityMode | None = None


@dataclass(frozen=True)
class InteractiveClusterSpec:
    """The all-purpose cluster ADF reuses in existingCluster mode."""

    node_type: str
    size: ClusterSize
    options: ClusterOptions
    autotermination_minutes: int = 30
    single_user_name: str | None = None
    """The one user or service principal (application id) a single-user cluster serves."""


@dataclass(frozen=True)
class JobClusterSpec:
    """What ADF puts in each run's new job cluster (the linked service's `newCluster*` fields)."""

    node_type: str
    workers: FixedSize | Autoscale
    options: ClusterOptions
    init_scripts: tuple[str, ...] = ()
    log_destination: str | None = None


@dataclass(frozen=True)
class InstancePoolSpec:
    """A Databricks instance pool; each run's job cluster takes warm instances from it."""

    node_type: str
    workers: FixedSize
    options: ClusterOptions
    min_idle_instances: int = 1
    max_capacity: int = 10
    idle_instance_autotermination_minutes: int = 30
    init_scripts: tuple[str, ...] = ()
    log_destination: str | None = None


@dataclass(frozen=True)
class VnetInjection:
    vnet_id: pulumi.Input[str]
    """Plain, or wired from the caller's own VNet resource."""
    public_subnet_name: str
    private_subnet_name: str


@dataclass(frozen=True)
class WorkspaceSpec:
    sku: WorkspaceSku = WorkspaceSku.PREMIUM
    no_public_ip: bool = True
    public_network_access: NetworkAccess = NetworkAccess.ENABLED
    vnet: VnetInjection | None = None


@dataclass(frozen=True)
class TokenSpec:
    lifetime_days: int = 90
    rotation_days: int = 60
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
    public_network_access: NetworkAccess = NetworkAccess.ENABLED
    default_action: FirewallAction = FirewallAction.DENY
    allowed_ip_ranges: tuple[str, ...] = ()
    recover: bool = False
    """Create the vault with `createMode: recover`: re-creating a stack whose deleted vault holds the name."""


@dataclass(frozen=True)
class LinkedServiceParameter:
    type: str
    default_value: object | None = None


@dataclass(frozen=True)
class LinkedServiceSpec:
    name: str = "AzureDatabricks"
    description: str | None = None
    annotations: tuple[str, ...] = ()
    parameters: Mapping[str, LinkedServiceParameter] = field(default_factory=dict)
    connect_via: str | None = None


@dataclass(frozen=True)
class DataFlowRuntimeSpec:
    """The managed Azure integration runtime Mapping Data Flows run on (not our Databricks compute)."""

    compute_type: DataFlowComputeType = DataFlowComputeType.GENERAL
    core_count: int = 8
    time_to_live_minutes: int = 0
    """0: every data-flow run starts a cold cluster; > 0: the cluster stays warm (and billed) that long."""
    cleanup: bool | None = None
    """ADF's cleanup flag as the stack gives it; None leaves ADF's default (true). The TTL keeps the cluster warm;
    Microsoft no longer documents false ("quick re-use") as a benefit (lifecycle row `dataflow-vs-linked-service`)."""

    @property
    def warm(self) -> bool:
        return self.time_to_live_minutes > 0


@dataclass(frozen=True)
class NameOverrides:
    resource_group: str | None = None
    workspace: str | None = None
    managed_resource_group: str | None = None
    key_vault: str | None = None
    data_factory: str | None = None


STANDARD_TAG_NAMES = ("project", "environment", "managed-by")
"""The tags every resource gets from the component; a user tag of the same name (in any case) is refused."""


@dataclass(frozen=True)
class PlatformSettings:
    """Everything one stack deploys, validated. Build it with `components.config.load_settings`."""

    project: str
    stack: str
    location: str
    cluster_mode: ClusterMode
    auth: AuthMode = AuthMode.ACCESS_TOKEN
    user_assigned_identity: bool = False
    workspace: WorkspaceSpec = WorkspaceSpec()
    interactive_cluster: InteractiveClusterSpec | None = None
    job_cluster: JobClusterSpec | None = None
    instance_pool: InstancePoolSpec | None = None
    token: TokenSpec = TokenSpec()
    key_vault: KeyVaultSpec = KeyVaultSpec()
    factory_public_network_access: NetworkAccess = NetworkAccess.ENABLED
    linked_service: LinkedServiceSpec = LinkedServiceSpec()
    data_flow_runtime: DataFlowRuntimeSpec | None = None
    """None: no runtime of ours; Data Flows use ADF's default AutoResolve runtime (no TTL: always cold)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    existing_resource_group: pulumi.Input[str] | None = None
    names: NameOverrides = NameOverrides()
    protect: bool = False
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
