"""The validated, frozen settings one stack deploys with.

Nothing here reads config: `components.config.load_settings` builds these from raw values and is the
only place that decides whether a value is allowed. Each key that holds a value is a field generated from the
declaration (`components/settings_fields.py`, with the declared default); what is written here is what the contract
does not say: the sections each holds, the keys held in another shape (`components.contract.SETTINGS_SHAPES`), and
what is derived from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from .args import AuthMode, NetworkMode
from .settings_fields import (
    AccessTokenFields,
    AlertReceiversFields,
    BudgetFields,
    DataFactoryFields,
    DataFlowRuntimeFields,
    InstancePoolFields,
    InteractiveClusterFields,
    JobClusterFields,
    KeyVaultFields,
    LinkedServiceFields,
    LogAnalyticsFields,
    ManagedIdentityFields,
    NamesFields,
    NetworkFields,
    OperationsFields,
    PlatformFields,
    PrivateDnsZoneIdsFields,
    VirtualNetworkFields,
    WorkspaceFields,
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
class InteractiveClusterSpec(InteractiveClusterFields):
    """The all-purpose cluster ADF reuses in existingCluster mode."""

    size: ClusterSize


@dataclass(frozen=True, kw_only=True)
class JobClusterSpec(JobClusterFields):
    """What ADF puts in each run's new job cluster (the linked service's `newCluster*` fields)."""

    workers: FixedSize | Autoscale


@dataclass(frozen=True, kw_only=True)
class InstancePoolSpec(InstancePoolFields):
    """A Databricks instance pool; each run's job cluster takes warm instances from it."""

    workers: FixedSize


ClusterOptions = InteractiveClusterSpec | JobClusterSpec | InstancePoolSpec
"""What an interactive cluster, a job cluster and a pool's clusters share: the keys their sections repeat (the
contract's sections repeat them rather than inherit them; see components/args.py)."""

VnetInjection = VirtualNetworkFields
"""`id` is plain, or wired from the caller's own VNet resource."""


@dataclass(frozen=True, kw_only=True)
class WorkspaceSpec(WorkspaceFields):
    vnet: VnetInjection | None = None


@dataclass(frozen=True, kw_only=True)
class TokenSpec(AccessTokenFields):
    @property
    def lifetime_seconds(self) -> int:
        return self.lifetime_days * 86_400

    @property
    def expires_before_rotation(self) -> bool:
        """True when the token lapses before `pulumi up` would replace it."""
        return self.rotation_days >= self.lifetime_days


KeyVaultSpec = KeyVaultFields


@dataclass(frozen=True)
class LinkedServiceParameter:
    """One entry of `linkedService.parameters`."""

    type: str
    default_value: object | None = None


@dataclass(frozen=True, kw_only=True)
class LinkedServiceSpec(LinkedServiceFields):
    parameters: Mapping[str, LinkedServiceParameter] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class DataFlowRuntimeSpec(DataFlowRuntimeFields):
    """The managed Azure integration runtime Mapping Data Flows run on (not our Databricks compute). `cleanup` None
    leaves ADF's default (true): the TTL keeps the cluster warm; Microsoft no longer documents false ("quick re-use")
    as a benefit (lifecycle row `dataflow-vs-linked-service`)."""

    @property
    def warm(self) -> bool:
        """0: every data-flow run starts a cold cluster; > 0: the cluster stays warm (and billed) that long."""
        return self.time_to_live_minutes > 0


ManagedIdentitySpec = ManagedIdentityFields
DataFactorySpec = DataFactoryFields
NameOverrides = NamesFields
PrivateDnsZoneIdsSpec = PrivateDnsZoneIdsFields
"""An existing zone's id, or None: a private stack creates the zone."""


@dataclass(frozen=True, kw_only=True)
class NetworkSpec(NetworkFields):
    """Public or private networking; the other fields matter in private mode only (a public stack refuses them)."""

    private_dns_zone_ids: PrivateDnsZoneIdsSpec = field(default_factory=PrivateDnsZoneIdsSpec)

    @property
    def is_private(self) -> bool:
        return self.mode is NetworkMode.PRIVATE


LogAnalyticsSpec = LogAnalyticsFields
AlertReceiversSpec = AlertReceiversFields
"""Webhook URLs are sent as secrets, never printed."""


@dataclass(frozen=True, kw_only=True)
class BudgetSpec(BudgetFields):
    """A monthly cost budget over the stack's group and the workspace's managed group (lifecycle row
    `budget-managed-rg`). Its start month comes from config, never today's, so plans stay the same."""

    @property
    def start_date(self) -> str:
        return f"{self.start_month}-01T00:00:00Z"


@dataclass(frozen=True, kw_only=True)
class OperationsSpec(OperationsFields):
    """Logs, alerts on failed runs, a budget and delete locks (all off unless the stack sets them)."""

    log_analytics: LogAnalyticsSpec = field(default_factory=LogAnalyticsSpec)
    alerts: AlertReceiversSpec = field(default_factory=AlertReceiversSpec)
    budget: BudgetSpec | None = None

    @property
    def has_receivers(self) -> bool:
        return bool(self.alerts.emails or self.alerts.webhooks)


STANDARD_TAG_NAMES = ("project", "environment", "managed-by")
"""The tags every resource gets from the component; a user tag of the same name (in any case) is refused."""


@dataclass(frozen=True, kw_only=True)
class PlatformSettings(PlatformFields):
    """Everything one stack deploys, validated. Build it with `components.config.load_settings`."""

    project: str
    stack: str
    managed_identity: ManagedIdentitySpec = field(default_factory=ManagedIdentitySpec)
    workspace: WorkspaceSpec = field(default_factory=WorkspaceSpec)
    interactive_cluster: InteractiveClusterSpec | None = None
    job_cluster: JobClusterSpec | None = None
    instance_pool: InstancePoolSpec | None = None
    token: TokenSpec = field(default_factory=TokenSpec)
    key_vault: KeyVaultSpec = field(default_factory=KeyVaultSpec)
    data_factory: DataFactorySpec = field(default_factory=DataFactorySpec)
    linked_service: LinkedServiceSpec = field(default_factory=LinkedServiceSpec)
    data_flow_runtime: DataFlowRuntimeSpec | None = None
    """None: no runtime of ours; Data Flows use ADF's default AutoResolve runtime (no TTL: always cold)."""
    existing_resource_group_name: pulumi.Input[str] | None = None
    names: NameOverrides = field(default_factory=NameOverrides)
    network: NetworkSpec = field(default_factory=NetworkSpec)
    operations: OperationsSpec = field(default_factory=OperationsSpec)
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
