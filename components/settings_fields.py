"""Settings fields: one per contract key that holds a value, with its type and default.

Generated from components/args.py by `python -m components.generate`; do not edit by hand. components/settings.py
builds on these classes: it adds the sections each holds, the keys it keeps in another shape
(`components.contract.SETTINGS_SHAPES`) and what it derives from them.
"""

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


@dataclass(frozen=True, kw_only=True)
class PlatformFields:
    """The inputs of the AdfDatabricks component: the same keys as the adf-databricks stack config."""

    location: str
    """The Azure region, e.g. westeurope or West Europe (Azure ignores case and spaces). The stack program passes
    azure-native:location."""
    cluster_mode: ClusterMode = DEFAULTS["clusterMode"]
    """The compute Data Factory's Databricks activities run on."""
    auth: AuthMode = DEFAULTS["auth"]
    """How the linked service authenticates to Databricks."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on every Azure resource, besides project, environment and managed-by (set by the component: a tag of one of
    those names, in any case, is refused). Clusters inherit them from the workspace."""
    protect: bool = DEFAULTS["protect"]
    """Protect the resources that hold data or state (resource group, workspace, Key Vault, factory, user-assigned
    identity) from deletion; prod stacks set it."""


@dataclass(frozen=True, kw_only=True)
class ManagedIdentityFields:
    """How the factory authenticates when `auth` is managedIdentity."""

    user_assigned: bool = DEFAULTS["managedIdentity.userAssigned"]
    """Create a user-assigned identity, attach it to the factory and reference it through an ADF credential, instead of
    using the factory's system-assigned identity. It survives re-creation of the factory."""


@dataclass(frozen=True, kw_only=True)
class WorkspaceFields:
    """The Azure Databricks workspace."""

    sku: WorkspaceSku = DEFAULTS["workspace.sku"]
    """The workspace pricing tier."""
    no_public_ip: bool = DEFAULTS["workspace.noPublicIp"]
    """Secure cluster connectivity: cluster VMs get no public IP addresses."""
    public_network_access: NetworkAccess = DEFAULTS["workspace.publicNetworkAccess"]
    """Whether the workspace is reachable from public networks. Disabled comes with network.mode private (which sets
    it): without private endpoints the deploy could not reach the workspace."""


@dataclass(frozen=True, kw_only=True)
class VirtualNetworkFields:
    """VNet injection: an existing virtual network and two subnets delegated to Microsoft.Databricks/workspaces."""

    id: pulumi.Input[str]
    """The virtual network's resource id."""
    public_subnet_name: str
    """The host (public) subnet's name."""
    private_subnet_name: str
    """The container (private) subnet's name; it must differ from the public one."""


@dataclass(frozen=True, kw_only=True)
class InteractiveClusterFields:
    """The warm all-purpose cluster Databricks activities run on in existingCluster mode."""

    spark_version: str
    """The Databricks runtime key, e.g. 16.4.x-scala2.12 (LTS, Scala 2.12). A runtime past its end of support is
    refused, one within six months of it warned about. Required with the cluster."""
    node_type: str
    """The Azure VM size of the workers, e.g. Standard_DS3_v2. Required with the cluster."""
    driver_node_type: str | None = None
    """The Azure VM size of the driver; the workers' size when unset."""
    spark_conf: Mapping[str, str] = field(default_factory=dict)
    """Spark configuration key-value pairs."""
    spark_env_vars: Mapping[str, str] = field(default_factory=dict)
    """Environment variables for the Spark processes."""
    custom_tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on the cluster's Azure VMs. Databricks adds the workspace's tags itself: repeating one of their keys is
    refused (it would read back as a diff on every refresh)."""
    policy_id: str | None = None
    """A cluster policy the cluster must comply with."""
    data_security_mode: DataSecurityMode | None = None
    """The cluster's access mode (Unity Catalog); DATA_SECURITY_MODE_STANDARD and _DEDICATED are sent as their classic
    names USER_ISOLATION and SINGLE_USER, DATA_SECURITY_MODE_AUTO is refused. SINGLE_USER needs singleUserName and is
    refused with auth managedIdentity."""
    single_user_name: str | None = None
    """With dataSecurityMode SINGLE_USER: the one user (e.g. name@example.com) or service principal (its application id)
    the cluster serves. Activities run as the identity that deploys the stack (the access token's owner), so name
    that identity. Refused with other modes."""
    autotermination_minutes: int = DEFAULTS["interactiveCluster.autoterminationMinutes"]
    """Minutes of inactivity after which the cluster stops itself."""


@dataclass(frozen=True, kw_only=True)
class JobClusterFields:
    """The new job cluster Data Factory creates for each run in newJobCluster mode."""

    spark_version: str
    """The Databricks runtime key, e.g. 16.4.x-scala2.12 (LTS, Scala 2.12). A runtime past its end of support is
    refused, one within six months of it warned about. Required in newJobCluster mode."""
    node_type: str
    """The Azure VM size of the workers, e.g. Standard_DS3_v2. Required in newJobCluster mode."""
    driver_node_type: str | None = None
    """The Azure VM size of the driver; the workers' size when unset."""
    spark_conf: Mapping[str, str] = field(default_factory=dict)
    """Spark configuration key-value pairs."""
    spark_env_vars: Mapping[str, str] = field(default_factory=dict)
    """Environment variables for the Spark processes."""
    custom_tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on each run's cluster VMs. Databricks adds the workspace's tags itself: repeating one of their keys is
    refused."""
    policy_id: str | None = None
    """A cluster policy the cluster must comply with."""
    data_security_mode: DataSecurityMode | None = None
    """The access mode of each run's cluster (Unity Catalog). Data Factory sends no cluster kind, so
    DATA_SECURITY_MODE_STANDARD and _DEDICATED are sent as their classic names USER_ISOLATION and SINGLE_USER, and
    DATA_SECURITY_MODE_AUTO is refused."""
    init_scripts: tuple[str, ...] = ()
    """Init scripts: /Workspace/..., /Volumes/... or dbfs:/... paths."""
    log_destination: str | None = None
    """A dbfs:/ path that receives the cluster's logs."""


@dataclass(frozen=True, kw_only=True)
class InstancePoolFields:
    """The instance pool each run's job cluster takes warm VMs from in instancePool mode."""

    spark_version: str
    """The Databricks runtime key, e.g. 16.4.x-scala2.12 (LTS, Scala 2.12). A runtime past its end of support is
    refused, one within six months of it warned about. Required in instancePool mode."""
    node_type: str
    """The Azure VM size of the pool's VMs, driver and workers alike, e.g. Standard_DS3_v2. Required in instancePool
    mode."""
    driver_node_type: str | None = None
    """Refused: Data Factory ignores a driver node type for clusters from a pool, whose nodeType serves both."""
    spark_conf: Mapping[str, str] = field(default_factory=dict)
    """Spark configuration key-value pairs."""
    spark_env_vars: Mapping[str, str] = field(default_factory=dict)
    """Environment variables for the Spark processes."""
    custom_tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on the pool's VMs, and so on every cluster taken from it (Data Factory ignores job-cluster tags in pool
    mode). Databricks adds the workspace's tags itself: repeating one of their keys is refused."""
    policy_id: str | None = None
    """A cluster policy the cluster must comply with."""
    data_security_mode: DataSecurityMode | None = None
    """The access mode of each run's cluster (Unity Catalog). Data Factory sends no cluster kind, so
    DATA_SECURITY_MODE_STANDARD and _DEDICATED are sent as their classic names USER_ISOLATION and SINGLE_USER, and
    DATA_SECURITY_MODE_AUTO is refused."""
    min_idle_instances: int = DEFAULTS["instancePool.minIdleInstances"]
    """Warm VMs the pool keeps while idle."""
    max_capacity: int = DEFAULTS["instancePool.maxCapacity"]
    """The pool's ceiling: at least workers + 1."""
    idle_instance_autotermination_minutes: int = DEFAULTS["instancePool.idleInstanceAutoterminationMinutes"]
    """Minutes an idle VM above minIdleInstances is kept."""
    init_scripts: tuple[str, ...] = ()
    """Init scripts: /Workspace/..., /Volumes/... or dbfs:/... paths."""
    log_destination: str | None = None
    """A dbfs:/ path that receives the clusters' logs."""


@dataclass(frozen=True, kw_only=True)
class AccessTokenFields:
    """The Databricks access token Data Factory uses (auth accessToken)."""

    lifetime_days: int = DEFAULTS["token.lifetimeDays"]
    """Days until the token expires."""
    rotation_days: int = DEFAULTS["token.rotationDays"]
    """Days after which the next `pulumi up` replaces the token: below lifetimeDays, and below 90 because Databricks
    revokes a token unused for 90 days."""
    owner: str | None = None
    """Object id of the only identity that may deploy the token (CI's); a deploy by another identity is refused, because
    Databricks lists a token only to its owner."""


@dataclass(frozen=True, kw_only=True)
class KeyVaultFields:
    """The Key Vault that holds the access token."""

    public_network_access: NetworkAccess = DEFAULTS["keyVault.publicNetworkAccess"]
    """Whether the vault is reachable from public networks."""
    default_action: FirewallAction = DEFAULTS["keyVault.defaultAction"]
    """The firewall's answer to addresses not allowed below; trusted Azure services such as Data Factory always pass."""
    allowed_ip_ranges: tuple[str, ...] = tuple(DEFAULTS["keyVault.allowedIpRanges"])
    """IP addresses or CIDR ranges the firewall lets through."""
    recover: bool = DEFAULTS["keyVault.recover"]
    """Create the vault by recovering the soft-deleted one of the same name (re-creating a destroyed stack within the
    vault's retention period); ignored once the vault exists, so it may stay or go."""


@dataclass(frozen=True, kw_only=True)
class DataFactoryFields:
    """The Data Factory."""

    public_network_access: NetworkAccess = DEFAULTS["dataFactory.publicNetworkAccess"]
    """Whether the factory is reachable from public networks."""


@dataclass(frozen=True, kw_only=True)
class LinkedServiceFields:
    """The Azure Databricks linked service the Databricks activities of your pipelines run on."""

    name: str = DEFAULTS["linkedService.name"]
    """The same in every stack, so pipelines move between environments unchanged. Letters, digits and _ (ADF allows no
    -)."""
    description: str | None = None
    """Shown in the factory's UI."""
    annotations: tuple[str, ...] = ()
    """Labels shown in the factory's UI."""
    connect_via: str | None = None
    """The integration runtime the linked service connects through."""


@dataclass(frozen=True, kw_only=True)
class DataFlowRuntimeFields:
    """The managed Azure integration runtime Mapping Data Flows run on; leave it out for ADF's default runtime."""

    compute_type: DataFlowComputeType = DEFAULTS["dataFlowRuntime.computeType"]
    """The Spark cluster type (ComputeOptimized is retired and refused)."""
    core_count: int = DEFAULTS["dataFlowRuntime.coreCount"]
    """Cores of the Spark cluster: 8, 16, 32, 48, 80, 144 or 272."""
    time_to_live_minutes: int = DEFAULTS["dataFlowRuntime.timeToLiveMinutes"]
    """Minutes the cluster stays warm (and billed) after a data-flow run; 0 starts cold every run."""
    cleanup: bool | None = None
    """ADF's cleanup flag, sent as given (ADF's default is true); needs timeToLiveMinutes > 0. The TTL alone keeps the
    cluster warm for the next run: Microsoft no longer documents false ("quick re-use") as a benefit."""


@dataclass(frozen=True, kw_only=True)
class NamesFields:
    """Overrides for derived names; each must follow Azure's naming rules for its resource."""

    resource_group: str | None = None
    """The resource group's name."""
    workspace: str | None = None
    """The Databricks workspace's name."""
    managed_resource_group: str | None = None
    """The workspace's managed resource group; Azure creates it, so it must not exist."""
    key_vault: str | None = None
    """The Key Vault's globally unique name."""
    data_factory: str | None = None
    """The Data Factory's globally unique name."""


@dataclass(frozen=True, kw_only=True)
class NetworkFields:
    """Public or private networking for the workspace and the Key Vault, in one section."""

    mode: NetworkMode = DEFAULTS["network.mode"]
    """public (today's behaviour) or private. Switching a deployed workspace to private replaces it (VNet injection is
    set only at creation); a protected stack refuses it: see docs/networking.md for the migration."""
    address_space: str = DEFAULTS["network.addressSpace"]
    """private: the CIDR of the virtual network the stack creates (ignored with virtualNetworkId)."""
    host_subnet: str = DEFAULTS["network.hostSubnet"]
    """private: the CIDR of the workspace's host (public) subnet, delegated to Microsoft.Databricks/workspaces; /26 or
    larger."""
    container_subnet: str = DEFAULTS["network.containerSubnet"]
    """private: the CIDR of the workspace's container (private) subnet, delegated to Microsoft.Databricks/workspaces;
    /26 or larger."""
    endpoint_subnet: str = DEFAULTS["network.endpointSubnet"]
    """private: the CIDR of the undelegated subnet that holds the private endpoints; /28 or larger."""
    virtual_network_id: str | None = None
    """private: create the three subnets in this existing virtual network instead of creating one (its address space
    must hold the three subnets)."""
    network_security_group_id: str | None = None
    """private: associate this existing network security group with the workspace's subnets instead of creating one."""
    linked_virtual_network_ids: tuple[str, ...] = tuple(DEFAULTS["network.linkedVirtualNetworkIds"])
    """private: more virtual networks (the deploy runner's, a hub's) to link to the private DNS zones the stack creates,
    so their names resolve to the private endpoints there."""
    browser_authentication: bool = DEFAULTS["network.browserAuthentication"]
    """private: also create the `browser_authentication` private endpoint (web sign-in for the region). Off by default:
    Databricks recommends one dedicated web-auth workspace per region, and deleting its endpoint breaks browser
    sign-in for every private workspace of the region."""
    deploy_runner: str = DEFAULTS["network.deployRunner"]
    """The GitHub Actions `runs-on` label of the runner that deploys this stack. Required in private mode, where it must
    be a runner with a network path to the private endpoints (self-hosted, or GitHub-hosted with Azure private
    networking, in a VNet peered to the workspace's and linked to the DNS zones); ubuntu-latest when unset."""


@dataclass(frozen=True, kw_only=True)
class PrivateDnsZoneIdsFields:
    """Existing private DNS zones (e.g. in a hub subscription): the stack links and uses them, and creates none."""

    databricks: str | None = None
    """The resource id of a `privatelink.azuredatabricks.net` zone."""
    key_vault: str | None = None
    """The resource id of a `privatelink.vaultcore.azure.net` zone."""


@dataclass(frozen=True, kw_only=True)
class OperationsFields:
    """What a platform team runs the stack with: logs, alerts on failed runs, a budget, delete locks. All off unless
    set; the shipped prod stack turns them on."""

    diagnostics: bool = DEFAULTS["operations.diagnostics"]
    """Diagnostic settings for the workspace (premium only), the factory (resource-specific tables) and the Key Vault,
    into Log Analytics."""
    locks: bool = DEFAULTS["operations.locks"]
    """CanNotDelete locks on the workspace, the Key Vault and the factory. A lock also blocks deleting their children,
    the role assignments on them and their diagnostic settings: lift it (false, then `up`) before such a change or a
    tear-down."""


@dataclass(frozen=True, kw_only=True)
class LogAnalyticsFields:
    """The Log Analytics workspace the diagnostic settings send to."""

    workspace_id: pulumi.Input[str] | None = None
    """An existing Log Analytics workspace's resource id; unset, the stack creates one in its resource group."""
    retention_days: int = DEFAULTS["operations.logAnalytics.retentionDays"]
    """Days the stack's own Log Analytics workspace keeps logs (PerGB2018: 30 to 730); retention lives on the workspace,
    not on diagnostic settings. Ignored with workspaceId."""


@dataclass(frozen=True, kw_only=True)
class AlertReceiversFields:
    """Who is told when a pipeline run fails or the budget is reached: an action group's receivers."""

    emails: tuple[str, ...] = tuple(DEFAULTS["operations.alerts.emails"])
    """E-mail addresses."""
    webhooks: tuple[str, ...] = tuple(DEFAULTS["operations.alerts.webhooks"])
    """HTTPS webhook URLs (kept secret in the action group; set them with `pulumi config set --secret --path`)."""


@dataclass(frozen=True, kw_only=True)
class BudgetFields:
    """A monthly cost budget over the stack's resource group and the workspace's managed resource group (where cluster
    VMs bill)."""

    amount: int
    """The monthly amount, in the billing currency. Setting it creates the budget."""
    thresholds: tuple[int, ...] = tuple(DEFAULTS["operations.budget.thresholds"])
    """Percentages of the amount (1 to 1000, at most 5) at which actual cost notifies the receivers."""
    start_month: str
    """The budget's first month, YYYY-MM (the first of that month, UTC): fixed in config, never derived from the date of
    the deploy, so plans stay the same. Required with amount."""
