"""The component's inputs: the one declaration of the adf-databricks contract.

Pulumi's analyzer reads this module to infer the package schema every language's SDK is generated from:
attribute names become camelCase schema properties (`cluster_mode` → `clusterMode`, the same keys as the
stack config), the docstrings become their descriptions, enums become schema enums. Hence no
`from __future__ import annotations` here, no unions but Optional, lists rather than tuples.

What the analyzer does not record — defaults and allowed ranges — is declared once, next to the types,
in `DEFAULTS` and `RANGES`. Pulumi.yaml's `config:` block, the docs' config table and the validator
(`components.config`) are derived from this module or tested equal to it (`components.contract`).

Type names carry no `Args` suffix: SDK generators add their own (`WorkspaceArgs` in TypeScript and Python).
Every field is optional in the schema except `location`: the validator checks what a field needs in
context (e.g. `jobCluster.workers` in newJobCluster mode) and reports every problem at once, which the
provider host's own required-input check (one missing key at a time) cannot.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Required, TypedDict

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


BUDGET_THRESHOLDS = (1, 1000)
"""`Notification.threshold` (Microsoft.Consumption budgets REST model): "It is always percent and has to be between
0.01 and 1000"; whole percentages here."""
BUDGET_NOTIFICATIONS_MAX = 5
"""A budget holds at most five notifications (learn.microsoft.com, "Tutorial: Create and manage budgets")."""
BUDGET_EARLIEST_MONTH = "2017-06"
"""`BudgetTimePeriod.startDate`: "Budget start date must be on or after June 1, 2017" (the same REST model)."""


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


class ManagedIdentity(TypedDict, total=False):
    """How the factory authenticates when `auth` is managedIdentity."""

    user_assigned: bool
    """Create a user-assigned identity, attach it to the factory and reference it through an ADF credential, instead
    of using the factory's system-assigned identity. It survives re-creation of the factory."""


class VirtualNetwork(TypedDict, total=False):
    """VNet injection: an existing virtual network and two subnets delegated to Microsoft.Databricks/workspaces."""

    id: pulumi.Input[str]
    """The virtual network's resource id."""
    public_subnet_name: str
    """The host (public) subnet's name."""
    private_subnet_name: str
    """The container (private) subnet's name; it must differ from the public one."""


class NetworkMode(StrEnum):
    """Where the workspace's and the vault's endpoints answer."""

    PUBLIC = "public"
    """On the public internet (secured by sign-in, tokens and the vault's firewall): every stack before private
    networking existed, unchanged."""
    PRIVATE = "private"
    """Only inside a virtual network: the workspace VNet-injected, with public network access disabled and a private
    endpoint (simplified layout), the vault behind a private endpoint, private DNS zones for both."""


class PrivateDnsZoneIds(TypedDict, total=False):
    """Existing private DNS zones (e.g. in a hub subscription): the stack links and uses them, and creates none."""

    databricks: str
    """The resource id of a `privatelink.azuredatabricks.net` zone."""
    key_vault: str
    """The resource id of a `privatelink.vaultcore.azure.net` zone."""


class Network(TypedDict, total=False):
    """Public or private networking for the workspace and the Key Vault, in one section."""

    mode: NetworkMode
    """public (today's behaviour) or private. Switching a deployed workspace to private replaces it (VNet injection is
    set only at creation); a protected stack refuses it: see docs/networking.md for the migration."""
    address_space: str
    """private: the CIDR of the virtual network the stack creates (ignored with virtualNetworkId)."""
    host_subnet: str
    """private: the CIDR of the workspace's host (public) subnet, delegated to Microsoft.Databricks/workspaces; /26 or
    larger."""
    container_subnet: str
    """private: the CIDR of the workspace's container (private) subnet, delegated to Microsoft.Databricks/workspaces;
    /26 or larger."""
    endpoint_subnet: str
    """private: the CIDR of the undelegated subnet that holds the private endpoints; /28 or larger."""
    virtual_network_id: str
    """private: create the three subnets in this existing virtual network instead of creating one (its address space
    must hold the three subnets)."""
    network_security_group_id: str
    """private: associate this existing network security group with the workspace's subnets instead of creating
    one."""
    private_dns_zone_ids: PrivateDnsZoneIds
    """private: existing private DNS zones to use (and link to the VNet) instead of creating them."""
    linked_virtual_network_ids: list[str]
    """private: more virtual networks (the deploy runner's, a hub's) to link to the private DNS zones the stack
    creates, so their names resolve to the private endpoints there."""
    browser_authentication: bool
    """private: also create the `browser_authentication` private endpoint (web sign-in for the region). Off by
    default: Databricks recommends one dedicated web-auth workspace per region, and deleting its endpoint breaks
    browser sign-in for every private workspace of the region."""
    deploy_runner: str
    """The GitHub Actions `runs-on` label of the runner that deploys this stack. Required in private mode, where it
    must be a runner with a network path to the private endpoints (self-hosted, or GitHub-hosted with Azure private
    networking, in a VNet peered to the workspace's and linked to the DNS zones); ubuntu-latest when unset."""


class Workspace(TypedDict, total=False):
    """The Azure Databricks workspace."""

    sku: WorkspaceSku
    """The workspace pricing tier."""
    no_public_ip: bool
    """Secure cluster connectivity: cluster VMs get no public IP addresses."""
    public_network_access: NetworkAccess
    """Whether the workspace is reachable from public networks. Disabled comes with network.mode private (which
    sets it): without private endpoints the deploy could not reach the workspace."""
    vnet: VirtualNetwork
    """Public mode only: deploy the workspace's clusters into subnets of your own virtual network. In private mode
    the stack creates the subnets (network.virtualNetworkId names your VNet)."""


class WorkerRange(TypedDict, total=False):
    """An autoscaling worker range."""

    min_workers: int
    """The fewest workers."""
    max_workers: int
    """The most workers; at least minWorkers."""


# The three cluster sections repeat the settings they share rather than inherit them: Pulumi's analyzer reads a
# property's docstring from the source of the class that declares it, so inherited keys would reach every SDK
# undocumented (pulumi provider/experimental/analyzer.py, `get_docstring`).
class InteractiveCluster(TypedDict, total=False):
    """The warm all-purpose cluster Databricks activities run on in existingCluster mode."""

    spark_version: str
    """The Databricks runtime key, e.g. 16.4.x-scala2.12 (LTS, Scala 2.12). A runtime past its end of support is
    refused, one within six months of it warned about. Required with the cluster."""
    node_type: str
    """The Azure VM size of the workers, e.g. Standard_DS3_v2. Required with the cluster."""
    driver_node_type: str
    """The Azure VM size of the driver; the workers' size when unset."""
    spark_conf: dict[str, str]
    """Spark configuration key-value pairs."""
    spark_env_vars: dict[str, str]
    """Environment variables for the Spark processes."""
    custom_tags: dict[str, str]
    """Tags on the cluster's Azure VMs. Databricks adds the workspace's tags itself: repeating one of their keys is
    refused (it would read back as a diff on every refresh)."""
    policy_id: str
    """A cluster policy the cluster must comply with."""
    data_security_mode: DataSecurityMode
    """The cluster's access mode (Unity Catalog); DATA_SECURITY_MODE_STANDARD and _DEDICATED are sent as their
    classic names USER_ISOLATION and SINGLE_USER, DATA_SECURITY_MODE_AUTO is refused. SINGLE_USER needs
    singleUserName and is refused with auth managedIdentity."""
    single_user_name: str
    """With dataSecurityMode SINGLE_USER: the one user (e.g. name@example.com) or service principal (its application
    id) the cluster serves. Activities run as the identity that deploys the stack (the access token's owner), so
    name that identity. Refused with other modes."""
    enabled: bool
    """Keep a warm interactive cluster in other modes too (default false there); always on in existingCluster
    mode."""
    num_workers: int
    """A fixed number of workers. Set exactly one of numWorkers, autoscale and singleNode."""
    autoscale: WorkerRange
    """An autoscaling worker range."""
    single_node: bool
    """A driver-only cluster."""
    autotermination_minutes: int
    """Minutes of inactivity after which the cluster stops itself."""


class JobCluster(TypedDict, total=False):
    """The new job cluster Data Factory creates for each run in newJobCluster mode."""

    spark_version: str
    """The Databricks runtime key, e.g. 16.4.x-scala2.12 (LTS, Scala 2.12). A runtime past its end of support is
    refused, one within six months of it warned about. Required in newJobCluster mode."""
    node_type: str
    """The Azure VM size of the workers, e.g. Standard_DS3_v2. Required in newJobCluster mode."""
    driver_node_type: str
    """The Azure VM size of the driver; the workers' size when unset."""
    spark_conf: dict[str, str]
    """Spark configuration key-value pairs."""
    spark_env_vars: dict[str, str]
    """Environment variables for the Spark processes."""
    custom_tags: dict[str, str]
    """Tags on each run's cluster VMs. Databricks adds the workspace's tags itself: repeating one of their keys is
    refused."""
    policy_id: str
    """A cluster policy the cluster must comply with."""
    data_security_mode: DataSecurityMode
    """The access mode of each run's cluster (Unity Catalog). Data Factory sends no cluster kind, so
    DATA_SECURITY_MODE_STANDARD and _DEDICATED are sent as their classic names USER_ISOLATION and SINGLE_USER, and
    DATA_SECURITY_MODE_AUTO is refused."""
    workers: str
    """Workers per run: "N", or "min:max" to autoscale (whole numbers, 1 <= min <= max). Required in newJobCluster
    mode."""
    init_scripts: list[str]
    """Init scripts: /Workspace/..., /Volumes/... or dbfs:/... paths."""
    log_destination: str
    """A dbfs:/ path that receives the cluster's logs."""


class InstancePool(TypedDict, total=False):
    """The instance pool each run's job cluster takes warm VMs from in instancePool mode."""

    spark_version: str
    """The Databricks runtime key, e.g. 16.4.x-scala2.12 (LTS, Scala 2.12). A runtime past its end of support is
    refused, one within six months of it warned about. Required in instancePool mode."""
    node_type: str
    """The Azure VM size of the pool's VMs, driver and workers alike, e.g. Standard_DS3_v2. Required in instancePool
    mode."""
    driver_node_type: str
    """Refused: Data Factory ignores a driver node type for clusters from a pool, whose nodeType serves both."""
    spark_conf: dict[str, str]
    """Spark configuration key-value pairs."""
    spark_env_vars: dict[str, str]
    """Environment variables for the Spark processes."""
    custom_tags: dict[str, str]
    """Tags on the pool's VMs, and so on every cluster taken from it (Data Factory ignores job-cluster tags in pool
    mode). Databricks adds the workspace's tags itself: repeating one of their keys is refused."""
    policy_id: str
    """A cluster policy the cluster must comply with."""
    data_security_mode: DataSecurityMode
    """The access mode of each run's cluster (Unity Catalog). Data Factory sends no cluster kind, so
    DATA_SECURITY_MODE_STANDARD and _DEDICATED are sent as their classic names USER_ISOLATION and SINGLE_USER, and
    DATA_SECURITY_MODE_AUTO is refused."""
    workers: str
    """A fixed number of workers per run ("N"); pools take no min:max range."""
    min_idle_instances: int
    """Warm VMs the pool keeps while idle."""
    max_capacity: int
    """The pool's ceiling: at least workers + 1."""
    idle_instance_autotermination_minutes: int
    """Minutes an idle VM above minIdleInstances is kept."""
    init_scripts: list[str]
    """Init scripts: /Workspace/..., /Volumes/... or dbfs:/... paths."""
    log_destination: str
    """A dbfs:/ path that receives the clusters' logs."""


class AccessToken(TypedDict, total=False):
    """The Databricks access token Data Factory uses (auth accessToken)."""

    lifetime_days: int
    """Days until the token expires."""
    rotation_days: int
    """Days after which the next `pulumi up` replaces the token: below lifetimeDays, and below 90 because Databricks
    revokes a token unused for 90 days."""
    owner: str
    """Object id of the only identity that may deploy the token (CI's); a deploy by another identity is refused,
    because Databricks lists a token only to its owner."""


class KeyVault(TypedDict, total=False):
    """The Key Vault that holds the access token."""

    public_network_access: NetworkAccess
    """Whether the vault is reachable from public networks."""
    default_action: FirewallAction
    """The firewall's answer to addresses not allowed below; trusted Azure services such as Data Factory always pass."""
    allowed_ip_ranges: list[str]
    """IP addresses or CIDR ranges the firewall lets through."""
    recover: bool
    """Create the vault by recovering the soft-deleted one of the same name (re-creating a destroyed stack within
    the vault's retention period); ignored once the vault exists, so it may stay or go."""


class DataFactory(TypedDict, total=False):
    """The Data Factory."""

    public_network_access: NetworkAccess
    """Whether the factory is reachable from public networks."""


class DataFlowRuntime(TypedDict, total=False):
    """The managed Azure integration runtime Mapping Data Flows run on; leave it out for ADF's default runtime."""

    compute_type: DataFlowComputeType
    """The Spark cluster type (ComputeOptimized is retired and refused)."""
    core_count: int
    """Cores of the Spark cluster: 8, 16, 32, 48, 80, 144 or 272."""
    time_to_live_minutes: int
    """Minutes the cluster stays warm (and billed) after a data-flow run; 0 starts cold every run."""
    cleanup: bool
    """ADF's cleanup flag, sent as given (ADF's default is true); needs timeToLiveMinutes > 0. The TTL alone keeps
    the cluster warm for the next run: Microsoft no longer documents false ("quick re-use") as a benefit."""


class LinkedServiceParameter(TypedDict, total=False):
    """A parameter of the linked service."""

    type: str
    """String, Int, Float, Bool, Array, Object or SecureString."""
    default_value: Any
    """The value used when a pipeline passes none."""


class LinkedService(TypedDict, total=False):
    """The Azure Databricks linked service the Databricks activities of your pipelines run on."""

    name: str
    """The same in every stack, so pipelines move between environments unchanged. Letters, digits and _ (ADF allows
    no -)."""
    description: str
    """Shown in the factory's UI."""
    annotations: list[str]
    """Labels shown in the factory's UI."""
    parameters: dict[str, LinkedServiceParameter]
    """Linked service parameters, by name."""
    connect_via: str
    """The integration runtime the linked service connects through."""


class Names(TypedDict, total=False):
    """Overrides for derived names; each must follow Azure's naming rules for its resource."""

    resource_group: str
    """The resource group's name."""
    workspace: str
    """The Databricks workspace's name."""
    managed_resource_group: str
    """The workspace's managed resource group; Azure creates it, so it must not exist."""
    key_vault: str
    """The Key Vault's globally unique name."""
    data_factory: str
    """The Data Factory's globally unique name."""


class LogAnalytics(TypedDict, total=False):
    """The Log Analytics workspace the diagnostic settings send to."""

    workspace_id: pulumi.Input[str]
    """An existing Log Analytics workspace's resource id; unset, the stack creates one in its resource group."""
    retention_days: int
    """Days the stack's own Log Analytics workspace keeps logs (PerGB2018: 30 to 730); retention lives on the
    workspace, not on diagnostic settings. Ignored with workspaceId."""


class AlertReceivers(TypedDict, total=False):
    """Who is told when a pipeline run fails or the budget is reached: an action group's receivers."""

    emails: list[str]
    """E-mail addresses."""
    webhooks: list[str]
    """HTTPS webhook URLs (kept secret in the action group; set them with `pulumi config set --secret --path`)."""


class Budget(TypedDict, total=False):
    """A monthly cost budget over the stack's resource group and the workspace's managed resource group (where
    cluster VMs bill)."""

    amount: int
    """The monthly amount, in the billing currency. Setting it creates the budget."""
    thresholds: list[int]
    """Percentages of the amount (1 to 1000, at most 5) at which actual cost notifies the receivers."""
    start_month: str
    """The budget's first month, YYYY-MM (the first of that month, UTC): fixed in config, never derived from the
    date of the deploy, so plans stay the same. Required with amount."""


class Operations(TypedDict, total=False):
    """What a platform team runs the stack with: logs, alerts on failed runs, a budget, delete locks. All off
    unless set; the shipped prod stack turns them on."""

    diagnostics: bool
    """Diagnostic settings for the workspace (premium only), the factory (resource-specific tables) and the Key
    Vault, into Log Analytics."""
    log_analytics: LogAnalytics
    """Where diagnostics go."""
    alerts: AlertReceivers
    """Receivers of the failed-pipeline-run alerts and the budget's notifications; the alerts exist when one is
    given."""
    budget: Budget
    """A consumption budget; created when amount is set."""
    locks: bool
    """CanNotDelete locks on the workspace, the Key Vault and the factory. A lock also blocks deleting their
    children, the role assignments on them and their diagnostic settings: lift it (false, then `up`) before such
    a change or a tear-down."""


class AdfDatabricksArgs(TypedDict, total=False):
    """The inputs of the AdfDatabricks component: the same keys as the adf-databricks stack config."""

    location: Required[str]
    """The Azure region, e.g. westeurope or West Europe (Azure ignores case and spaces). The stack program passes
    azure-native:location."""
    cluster_mode: ClusterMode
    """The compute Data Factory's Databricks activities run on."""
    auth: AuthMode
    """How the linked service authenticates to Databricks."""
    managed_identity: ManagedIdentity
    """With auth managedIdentity: which identity."""
    workspace: Workspace
    """The Databricks workspace."""
    interactive_cluster: InteractiveCluster
    """The warm interactive cluster (existingCluster mode, or enabled: true)."""
    job_cluster: JobCluster
    """The job cluster created per run (newJobCluster mode)."""
    instance_pool: InstancePool
    """The warm instance pool (instancePool mode)."""
    token: AccessToken
    """The access token's lifetime and rotation (auth accessToken)."""
    key_vault: KeyVault
    """The Key Vault that holds the token (auth accessToken)."""
    data_factory: DataFactory
    """The Data Factory."""
    linked_service: LinkedService
    """The Azure Databricks linked service."""
    data_flow_runtime: DataFlowRuntime
    """The integration runtime Mapping Data Flows run on: warm (a TTL) where people iterate, cold in prod."""
    tags: dict[str, str]
    """Tags on every Azure resource, besides project, environment and managed-by (set by the component: a tag of
    one of those names, in any case, is refused). Clusters inherit them from the workspace."""
    existing_resource_group_name: pulumi.Input[str]
    """Deploy into this existing resource group instead of creating one."""
    names: Names
    """Overrides for derived names."""
    network: Network
    """Public or private networking for the workspace and the Key Vault."""
    protect: bool
    """Protect the resources that hold data or state (resource group, workspace, Key Vault, factory,
    user-assigned identity) from deletion; prod stacks set it."""
    operations: Operations
    """Diagnostics, alerts on failed pipeline runs, a budget and delete locks."""


DEFAULTS: dict[str, Any] = {
    "clusterMode": ClusterMode.EXISTING_CLUSTER,
    "auth": AuthMode.ACCESS_TOKEN,
    "managedIdentity.userAssigned": False,
    "workspace.sku": WorkspaceSku.PREMIUM,
    "workspace.noPublicIp": True,
    "workspace.publicNetworkAccess": NetworkAccess.ENABLED,
    "interactiveCluster.autoterminationMinutes": 30,
    "instancePool.minIdleInstances": 1,
    "instancePool.maxCapacity": 10,
    "instancePool.idleInstanceAutoterminationMinutes": 30,
    "token.lifetimeDays": 90,
    "token.rotationDays": 60,
    "keyVault.publicNetworkAccess": NetworkAccess.ENABLED,
    "keyVault.defaultAction": FirewallAction.DENY,
    "keyVault.allowedIpRanges": [],
    "keyVault.recover": False,
    "dataFactory.publicNetworkAccess": NetworkAccess.ENABLED,
    "linkedService.name": "AzureDatabricks",
    "dataFlowRuntime.computeType": DataFlowComputeType.GENERAL,
    "dataFlowRuntime.coreCount": 8,
    "dataFlowRuntime.timeToLiveMinutes": 0,
    "tags": {},
    "existingResourceGroupName": "",
    "network.mode": NetworkMode.PUBLIC,
    "network.addressSpace": "10.120.0.0/20",
    "network.hostSubnet": "10.120.0.0/22",
    "network.containerSubnet": "10.120.4.0/22",
    "network.endpointSubnet": "10.120.8.0/26",
    "network.linkedVirtualNetworkIds": [],
    "network.browserAuthentication": False,
    "network.deployRunner": "ubuntu-latest",
    "protect": False,
    "operations.diagnostics": False,
    "operations.logAnalytics.retentionDays": 30,
    "operations.alerts.emails": [],
    "operations.alerts.webhooks": [],
    "operations.budget.thresholds": [80, 100],
    "operations.locks": False,
}
"""Each key's default, by its camelCase path; a key not listed has none (unset)."""

REQUIRED: tuple[str, ...] = (
    "interactiveCluster.sparkVersion",
    "interactiveCluster.nodeType",
    "jobCluster.sparkVersion",
    "jobCluster.nodeType",
    "jobCluster.workers",
    "instancePool.sparkVersion",
    "instancePool.nodeType",
    "instancePool.workers",
    "workspace.vnet.id",
    "workspace.vnet.publicSubnetName",
    "workspace.vnet.privateSubnetName",
    "operations.budget.amount",
    "operations.budget.startMonth",
)
"""The keys a section needs once it is given, by camelCase path (the schema leaves every field optional: see the
module's docstring). The validator reports each one missing; the settings model gives them no default."""

RANGES: dict[str, tuple[int, int]] = {
    "interactiveCluster.numWorkers": (1, 2_147_483_647),
    "interactiveCluster.autoscale.minWorkers": (1, 2_147_483_647),
    "interactiveCluster.autoscale.maxWorkers": (1, 2_147_483_647),
    "interactiveCluster.autoterminationMinutes": (10, 10_000),
    "instancePool.minIdleInstances": (0, 10_000),
    "instancePool.maxCapacity": (1, 10_000),
    "instancePool.idleInstanceAutoterminationMinutes": (0, 10_000),
    "token.lifetimeDays": (1, 730),
    "token.rotationDays": (1, 89),
    "dataFlowRuntime.timeToLiveMinutes": (0, 2_147_483_647),
    "operations.logAnalytics.retentionDays": (30, 730),
    "operations.budget.amount": (1, 2_147_483_647),
}
"""Each whole-number key's inclusive range, by its camelCase path. rotationDays must also stay below
lifetimeDays (the validator's rotation-window check)."""

PREFIX_LENGTHS: dict[str, tuple[int, int]] = {
    "network.addressSpace": (16, 24),
    "network.hostSubnet": (16, 26),
    "network.containerSubnet": (16, 26),
    "network.endpointSubnet": (16, 29),
}
"""Each CIDR key's allowed prefix lengths (shortest, longest). Azure Databricks VNet injection: the VNet /16 to /24,
each workspace subnet at least /26 (learn.microsoft.com, "Deploy Azure Databricks in your Azure virtual network
(VNet injection)", Virtual network requirements); /29 is the smallest subnet Azure creates (Azure Virtual Network
FAQ, "How small and how large can virtual networks and subnets be?")."""

GITHUB_HOSTED_LABELS: list[str] = [
    "ubuntu-latest",
    "ubuntu-24.04",
    "ubuntu-22.04",
    "ubuntu-24.04-arm",
    "ubuntu-22.04-arm",
    "windows-latest",
    "windows-2025",
    "windows-2022",
    "macos-latest",
    "macos-15",
    "macos-14",
    "macos-13",
]
"""The standard GitHub-hosted runner labels (docs.github.com, "GitHub-hosted runners reference"): their machines sit
on the public internet with no path into a customer VNet, so they cannot deploy a private stack. GitHub-hosted
runners with Azure private networking are larger runners, which carry the labels their owner gives them."""

RANGE_REASONS: dict[str, str] = {
    "operations.logAnalytics.retentionDays": "the retention of a PerGB2018 Log Analytics workspace "
    '(REST model `Workspace.retentionInDays`; learn.microsoft.com, "Manage data retention in a Log Analytics '
    'workspace")',
    "token.rotationDays": "Databricks revokes a token that goes unused for 90 days (an idle stack's, for one), "
    "so the next token must come before that",
}
"""Why a range ends where it does, for the keys whose limit is not plain (lifecycle row `pat-lifecycle` for
rotationDays); the validator adds it to the refusal."""
