"""What each compute choice costs a user: start latency, idle cost, who pays. One table, cited.

The README's cost table is generated from `MODE_COSTS` and `DATA_FLOW_COSTS` (a test keeps them equal), and
the offline preview prints the rows for the stack's own mode and Data Flow runtime (`summary`). Figures are
the ranges the cited documents state, not measurements: there is no Azure here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from components.args import DEFAULTS
from components.offline.plan import Plan

SOURCES: Final[Mapping[str, str]] = {
    "cluster-start": "a new Databricks job cluster's warm-up 'can take 5-7 minutes in most cases', the last public "
    "figure, from ADF's retired docs of the time Data Flows ran on Databricks job clusters (kromerm/adfdataflowdocs "
    "AzureDatabricksModeForDataFlow.md); today it is what a Databricks activity's new job cluster goes through. 3-7 "
    "min is the cluster-start range this project plans with (benchmarks/creation_times.py CLUSTER_START_SECONDS)",
    "autotermination": "Azure Databricks 'Compute configuration reference': an all-purpose cluster stops after "
    "autotermination_minutes idle; until then its VMs and DBUs are billed",
    "pools": "Azure Databricks 'Pool configuration reference': idle instances are kept ready (minimum idle "
    "instances); Databricks charges no DBUs for idle pool instances, the VM provider billing applies",
    "serverless": "Azure Databricks 'Run your Databricks job with serverless compute for workflows': no "
    "infrastructure to start, billed per use (serverless DBUs, VMs included), nothing while idle; needs Unity "
    "Catalog (lifecycle row `serverless-vs-pools`)",
    "job-activity": "Azure Data Factory 'Transform data by running a Databricks job': the Job activity runs on "
    "serverless clusters; no cluster in the linked service",
    "private-link": "azure.microsoft.com/pricing/details/private-link: a private endpoint is billed per hour it "
    "exists ($0.01/hour, about $7.30 a month) and per GB it processes, inbound and outbound ($0.01/GB each way for "
    "the first PB), whether or not anything uses it",
    "private-dns": "azure.microsoft.com/pricing/details/dns: a private DNS zone is billed per month ($0.50 a zone for "
    "the first 25) and its queries per million ($0.40 for the first billion); zones kept in a hub "
    "(network.privateDnsZoneIds) cost the stack nothing",
    "ir-ttl": "Azure Data Factory 'Optimizing performance of the Azure Integration Runtime': a cold Data Flow "
    "cluster takes a few minutes to start; within the TTL the next data-flow run reuses the warm cluster and its "
    "start-up is greatly reduced; priced in vCore-hours; the AutoResolve runtime has no TTL (lifecycle row "
    "`dataflow-vs-linked-service`). The TTL alone keeps the cluster warm: the page's 'Quick re-use' paragraph on "
    "cleanup: false was removed as redundant (MicrosoftDocs/azure-docs PR #188421)",
    "managed-vnet-ir": "Microsoft's Azure Retail Prices API (prices.azure.com), 'Azure Data Factory v2', eastus, "
    "USD: 'Azure Managed VNET External Pipeline Activity' $1.00/hour, 'Cloud External Pipeline Activity' "
    "$0.00025/hour (its 2026-09-17 answer, as api-evangelist/microsoft-azure-data-factory copied it)",
    "managed-vnet-ttl": "learn.microsoft.com, 'Pricing example: Data integration in Azure Data Factory Managed "
    "VNET': a pipeline activity is billed for its run plus a 60-minute TTL; 'Examples for better understanding "
    "pricing model under different integration runtime types': queue time is billed, runs within a TTL share it",
}


@dataclass(frozen=True)
class Cost:
    runs_on: str
    start_latency: str
    idle_cost: str
    who_pays: str
    sources: tuple[str, ...]


MODE_COSTS: Final[Mapping[str, Cost]] = {
    "existingCluster": Cost(
        runs_on="one warm interactive (all-purpose) cluster, reused by every run",
        start_latency="none while it runs; 3-7 min after it auto-terminated",
        idle_cost="its VMs and all-purpose DBUs until autoterminationMinutes "
        f"(default {DEFAULTS['interactiveCluster.autoterminationMinutes']}) idle",
        who_pays="your subscription (VMs in the managed resource group) and Databricks (DBUs), while it runs",
        sources=("cluster-start", "autotermination"),
    ),
    "newJobCluster": Cost(
        runs_on="a new job cluster per run, from the linked service's spec, deleted afterwards",
        start_latency="5-7 min per run",
        idle_cost="nothing",
        who_pays="your subscription (VMs) and Databricks (jobs DBUs), per run only",
        sources=("cluster-start",),
    ),
    "instancePool": Cost(
        runs_on="a new job cluster per run, built from the pool's warm VMs",
        start_latency="about a minute when idle VMs are free; 3-7 min when the pool must grow",
        idle_cost="the VMs of minIdleInstances (no DBUs while idle), bounded by maxCapacity",
        who_pays="your subscription (idle and busy VMs) and Databricks (jobs DBUs while a run uses them)",
        sources=("pools", "cluster-start"),
    ),
    "serverless": Cost(
        runs_on="a Databricks job on serverless compute (Job activity); no cluster, no pool",
        start_latency="seconds (performance-optimized, the default)",
        idle_cost="nothing",
        who_pays="Databricks only (serverless jobs DBUs include the compute), per run",
        sources=("serverless", "job-activity"),
    ),
}

DATA_FLOW_COSTS: Final[Mapping[str, Cost]] = {
    "warm": Cost(
        runs_on="ADF's managed Spark, kept alive timeToLiveMinutes after each data-flow run",
        start_latency="greatly reduced for the next run within the TTL; a few minutes for the first",
        idle_cost="the runtime's vCore-hours for the whole TTL after every run",
        who_pays="your subscription, via Data Factory's Data Flow vCore-hour meter",
        sources=("ir-ttl",),
    ),
    "cold": Cost(
        runs_on="ADF's managed Spark, started for each data-flow run (TTL 0, or the AutoResolve runtime)",
        start_latency="a few minutes per run",
        idle_cost="nothing",
        who_pays="your subscription, via Data Factory's Data Flow vCore-hour meter, per run",
        sources=("ir-ttl",),
    ),
}

NETWORK_COSTS: Final[Mapping[str, Cost]] = {
    "azure-native:network:PrivateEndpoint": Cost(
        runs_on="a private endpoint (the workspace's or the vault's way in)",
        start_latency="none",
        idle_cost="$0.01 an hour each (about $7.30 a month), plus $0.01/GB processed each way",
        who_pays="your subscription, while the endpoint exists",
        sources=("private-link",),
    ),
    "azure-native:privatedns:PrivateZone": Cost(
        runs_on="a private DNS zone the stack creates",
        start_latency="none",
        idle_cost="$0.50 a month each, plus $0.40 per million queries",
        who_pays="your subscription, while the zone exists",
        sources=("private-dns",),
    ),
}
"""What private networking adds (network.mode private): fixed monthly costs that run whether or not anything runs.
The VNet, subnets, NSG, zone groups and VNet links are free."""

MANAGED_NETWORK_COST: Final = Cost(
    runs_on="the managed-VNet runtime DataFlowRuntime, through managed private endpoints",
    start_latency="a queue while ADF provisions compute (none within its TTL), then the mode's start",
    idle_cost="ADF's default pipeline/external TTL after each run, billed (the stack sets none)",
    who_pays="your subscription: $1.00 per activity-hour, queue included (shared runtime: $0.00025), besides the "
    "mode's",
    sources=("managed-vnet-ir", "managed-vnet-ttl"),
)
"""What a private stack's Databricks activities add: they run on the factory's managed-VNet runtime."""

_HEADER = "| compute | runs on | start latency | idle cost | who pays | sources |"


def _row(name: str, cost: Cost) -> str:
    cited = ", ".join(f"[{s}]" for s in cost.sources)
    return f"| {name} | {cost.runs_on} | {cost.start_latency} | {cost.idle_cost} | {cost.who_pays} | {cited} |"


def cost_table_markdown() -> str:
    """The README's table: Databricks activities per clusterMode, Data Flows warm and cold, what private networking
    adds, then sources."""
    rows = [_row(f"`clusterMode: {mode}`", cost) for mode, cost in MODE_COSTS.items()]
    rows += [_row(f"Data Flows, {state}", cost) for state, cost in DATA_FLOW_COSTS.items()]
    rows += [_row(f"`network.mode: private`, each {t.rsplit(':', 1)[1]}", c) for t, c in NETWORK_COSTS.items()]
    rows.append(_row("Databricks activities, `network.mode: private`", MANAGED_NETWORK_COST))
    notes = [f"- [{key}] {text}." for key, text in SOURCES.items()]
    return "\n".join([_HEADER, "|---|---|---|---|---|---|", *rows, "", *notes])


def _runtime_flow(plan: Plan) -> dict[str, Any] | None:
    runtimes = plan.by_type("azure-native:datafactory:IntegrationRuntime")
    if not runtimes:
        return None
    flow: dict[str, Any] = runtimes[0].inputs["properties"]["computeProperties"]["dataFlowProperties"]
    return flow


def _in_managed_network(plan: Plan) -> bool:
    runtimes = plan.by_type("azure-native:datafactory:IntegrationRuntime")
    return any("managedVirtualNetwork" in r.inputs["properties"] for r in runtimes)


def summary(plan: Plan) -> list[str]:
    """The preview's summary for the stack's own mode: what runs where, warm or cold, and what it costs."""
    output = plan.outputs.get("clusterMode")
    mode = str(output.value) if output else ""
    lines = ["Compute and cost (README: What each mode costs you):"]
    if mode in MODE_COSTS:
        cost = MODE_COSTS[mode]
        lines += [
            f"    Databricks Notebook/Jar/Python/Job activities (linked service, clusterMode {mode}): {cost.runs_on}",
            f"        start latency: {cost.start_latency}; idle cost: {cost.idle_cost}",
            f"        who pays: {cost.who_pays}",
        ]
    if _in_managed_network(plan):
        managed = MANAGED_NETWORK_COST
        lines += [
            f"    Through the factory's managed network: {managed.runs_on}",
            f"        start latency: {managed.start_latency}; idle cost: {managed.idle_cost}",
            f"        who pays: {managed.who_pays}",
        ]
    flow = _runtime_flow(plan)
    ttl = int(flow.get("timeToLive", 0)) if flow else 0
    state = "warm" if ttl > 0 else "cold"
    where = (
        f"integration runtime {plan.outputs['dataFlowRuntimeName'].value} ({flow['computeType']}, "
        f"{flow['coreCount']} cores, TTL {ttl} min)"
        if flow and "dataFlowRuntimeName" in plan.outputs
        else "ADF's default AutoResolve runtime (no TTL)"
    )
    data_flows = DATA_FLOW_COSTS[state]
    lines += [
        f"    Mapping Data Flows ({state}): {where}, not the Databricks linked service",
        f"        start latency: {data_flows.start_latency}; idle cost: {data_flows.idle_cost}",
    ]
    lines += _network_lines(plan)
    lines += operations_summary(plan)
    names = {key: plan.outputs[key].value for key in SMOKE_ARGUMENTS if key in plan.outputs}
    if len(names) == len(SMOKE_ARGUMENTS):
        arguments = " ".join(str(names[key]) for key in SMOKE_ARGUMENTS)
        lines.append(f"    Verify after `pulumi up`: bash .github/scripts/run-smoke-pipeline.sh {arguments}")
    return lines


def _network_lines(plan: Plan) -> list[str]:
    """A private stack's standing network costs, counted from its plan (nothing for a public stack)."""
    lines = []
    for resource_type, cost in NETWORK_COSTS.items():
        count = len(plan.by_type(resource_type))
        if count:
            lines.append(f"    Private networking: {count} × {cost.runs_on}: {cost.idle_cost}")
    return lines


SMOKE_ARGUMENTS: Final = ("resourceGroupName", "factoryName", "smokePipelineName")
"""The stack outputs the smoke script takes, in its argument order."""


OPERATIONS_SOURCES: Final[Mapping[str, str]] = {
    "log-analytics": "learn.microsoft.com, 'Azure Monitor Logs cost calculations and options': pay-as-you-go by the "
    "GB ingested (10^9 bytes, the billed size of each record) and by retention beyond the included period; prices "
    "are regional (Azure Monitor pricing page). Diagnostic settings themselves have no direct cost: what they send "
    "is ingestion",
    "metric-alert": "Azure Monitor pricing, 'Alert rules': a metric alert rule is billed per monitored time series "
    "per month; each rule here watches one factory's PipelineFailedRuns (one series; the smoke rule one pipeline)",
    "notifications": "Azure Monitor pricing, 'Notifications': e-mails and webhooks an action group sends are billed "
    "per unit beyond a monthly free allowance",
    "budget": "learn.microsoft.com, 'Tutorial: Create and manage budgets' (Cost Management): budgets and their "
    "notifications carry no charge",
    "lock": "learn.microsoft.com, 'Lock your resources to protect your infrastructure': locks are an Azure Resource "
    "Manager setting, not a billed resource",
}
"""Why each operations resource costs what it does: billing bases, not figures (prices are regional and change)."""

OPERATIONS_COSTS: Final[Mapping[str, tuple[str, str]]] = {
    "azure-native:operationalinsights:Workspace": ("Log Analytics workspace", "log-analytics"),
    "azure-native:monitor:DiagnosticSetting": ("diagnostic settings", "log-analytics"),
    "azure-native:monitor:MetricAlert": ("failed-run alert rules", "metric-alert"),
    "azure-native:monitor:ActionGroup": ("action group", "notifications"),
    "azure-native:consumption:Budget": ("budget", "budget"),
    "azure-native:authorization:ManagementLockByScope": ("delete locks", "lock"),
}
"""What the preview says each operations type costs, by its source above."""


def operations_summary(plan: Plan) -> list[str]:
    """One line per operations type the stack has: how many, and what bills them."""
    lines = []
    for typ, (what, source) in OPERATIONS_COSTS.items():
        count = len(plan.by_type(typ))
        if count:
            lines.append(f"    Operations: {count} {what}: {OPERATIONS_SOURCES[source]}")
    return lines
