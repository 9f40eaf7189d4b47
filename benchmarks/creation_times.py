"""Typical time to create each resource type on a first `pulumi up`, and where each figure comes from.

These are planning figures, not measurements on this machine (there is no Azure here). Where public
deployment logs show a range, the figure is a typical middle of it; where a resource is one synchronous
API call, the figure is a few seconds for that call and the figure says so. Change a figure here and
every simulated deploy time follows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final


@dataclass(frozen=True)
class CreationTime:
    seconds: float
    basis: str
    """Why this figure: an observed range with its source, or the API behaviour that bounds it."""


CLUSTER_START_SECONDS: Final = 300.0
"""What a cluster create costs when the provider waits for RUNNING (no `no_wait`): Databricks clusters take
3-7 minutes to start (the ADF docs' 5-7 minute job-cluster spin-up is the same VM acquisition)."""

CREATION_TIMES: Final[Mapping[str, CreationTime]] = {
    "azure-native:resources:ResourceGroup": CreationTime(
        5,
        "4-5 s observed: 'Creation complete after 4s/5s' in turbot/steampipe-plugin-azure PR #82 and #158 test logs",
    ),
    "azure-native:databricks:Workspace": CreationTime(
        150,
        "48 s to 2 min 23 s observed (hashicorp/terraform-provider-azurerm issues #11418, #15172); Microsoft's "
        "quickstart says workspace creation takes a few minutes",
    ),
    "azure-native:keyvault:Vault": CreationTime(
        90,
        "80 s to 3 min observed (turbot/steampipe-plugin-azure PR #82; Azure/terraform-azurerm-avm-res-keyvault-vault "
        "PR #79): ARM reports success only once the vault's DNS name resolves",
    ),
    "azure-native:datafactory:Factory": CreationTime(
        15,
        "3-15 s observed (hashicorp/terraform-provider-azurerm issue #11418; turbot/steampipe-plugin-azure PR #158)",
    ),
    "azure-native:keyvault:Secret": CreationTime(
        5, "one synchronous ARM PUT (Microsoft.KeyVault/vaults/secrets, no long-running operation)"
    ),
    "azure-native:datafactory:LinkedService": CreationTime(
        3, "one synchronous ARM PUT (ADF REST 'Linked Services - Create Or Update' answers 200 with the body)"
    ),
    "azure-native:datafactory:CredentialOperation": CreationTime(3, "one synchronous ARM PUT, as a linked service"),
    "azure-native:authorization:RoleAssignment": CreationTime(
        15,
        "10-25 s observed (Azure/terraform-azurerm-avm-res-keyvault-vault PR #79); the PUT answers 201 before the "
        "assignment takes effect (Azure/azure-rest-api-specs issue #9467), which does not delay the deploy",
    ),
    "azure-native:managedidentity:UserAssignedIdentity": CreationTime(5, "one synchronous ARM PUT"),
    "pulumi:providers:databricks": CreationTime(
        1, "provider configuration only; it calls no Databricks API until its first resource"
    ),
    "databricks:index/token:Token": CreationTime(2, "one Databricks API call (POST /api/2.0/token/create)"),
    "databricks:index/cluster:Cluster": CreationTime(
        5,
        "with no_wait: one POST /api/2.1/clusters/create, which answers with the cluster id while the cluster is "
        "still PENDING (pulumi_databricks: no_wait does not wait for RUNNING); without no_wait add "
        f"{CLUSTER_START_SECONDS:.0f} s for the cluster to start",
    ),
    "databricks:index/instancePool:InstancePool": CreationTime(
        3, "one POST /api/2.0/instance-pools/create; the pool acquires its idle instances asynchronously"
    ),
    "time:index/rotating:Rotating": CreationTime(0, "computed locally by the time provider; no cloud call"),
    "azure-native:datafactory:Pipeline": CreationTime(
        3, "one synchronous ARM PUT (ADF REST 'Pipelines - Create Or Update' answers 200 with the body)"
    ),
    "azure-native:datafactory:IntegrationRuntime": CreationTime(
        3,
        "one synchronous ARM PUT (ADF REST 'Integration Runtimes - Create Or Update' answers 200); a managed "
        "runtime starts no compute until a data-flow run (it reads back state Initial)",
    ),
    "databricks:index/notebook:Notebook": CreationTime(
        2,
        "one POST /api/2.0/workspace/import of a few hundred bytes; where the parent folder is missing, a "
        "get-status, a mkdirs and the import again (terraform-provider-databricks workspace/resource_notebook.go)",
    ),
    "databricks:index/job:Job": CreationTime(
        2, "one POST /api/2.2/jobs/create: a definition only; nothing runs until the Job activity triggers it"
    ),
    # Private networking (network.mode private). Planning figures from each API's behaviour: no public deployment
    # log of ours to cite, so the basis names what the call does and waits for.
    "azure-native:network:VirtualNetwork": CreationTime(
        10, "one long-running ARM PUT (Microsoft.Network answers 201 with Azure-AsyncOperation); no subnets inline"
    ),
    "azure-native:network:Subnet": CreationTime(
        10,
        "one long-running ARM PUT on the VNet's subnet collection; Azure runs one operation at a time per VNet "
        "(AnotherOperationInProgress), which is why the program creates the three subnets one after the other",
    ),
    "azure-native:network:NetworkSecurityGroup": CreationTime(
        10, "one long-running ARM PUT that adds the six default security rules (Azure 'Network security groups')"
    ),
    "azure-native:network:PrivateEndpoint": CreationTime(
        60,
        "one long-running ARM PUT that places a network interface in the endpoint subnet and creates the private "
        "link connection (auto-approved for the target's owner: learn.microsoft.com, 'Manage Azure private "
        "endpoints'); planning figure: a minute",
    ),
    "azure-native:network:PrivateDnsZoneGroup": CreationTime(
        15, "one long-running ARM PUT that writes the endpoint's A record into each zone of the group"
    ),
    "azure-native:privatedns:PrivateZone": CreationTime(
        30, "one long-running ARM PUT (Microsoft.Network/privateDnsZones, location global)"
    ),
    "azure-native:privatedns:VirtualNetworkLink": CreationTime(
        30,
        "one long-running ARM PUT; the link reads back virtualNetworkLinkState Completed once the zone resolves in "
        "the VNet",
    ),
    # Operations (issue 23): no public deployment log found for these; each figure is bounded by its API's behaviour.
    "azure-native:operationalinsights:Workspace": CreationTime(
        30,
        "a planning figure, not observed: 'Workspaces - Create Or Update' (API 2023-09-01) is a long-running "
        "operation that azure-native polls until provisioningState Succeeded",
    ),
    "azure-native:monitor:DiagnosticSetting": CreationTime(
        5, "one synchronous ARM PUT ('Diagnostic Settings - Create Or Update' answers 200 with the body)"
    ),
    "azure-native:monitor:ActionGroup": CreationTime(
        5, "one synchronous ARM PUT ('Action Groups - Create Or Update' answers 200/201 with the body)"
    ),
    "azure-native:monitor:MetricAlert": CreationTime(
        5, "one synchronous ARM PUT ('Metric Alerts - Create Or Update' answers 200 with the body)"
    ),
    "azure-native:consumption:Budget": CreationTime(
        5, "one synchronous ARM PUT ('Budgets - Create Or Update' answers 200/201 with the body)"
    ),
    "azure-native:authorization:ManagementLockByScope": CreationTime(
        5, "one synchronous ARM PUT ('Management Locks - Create Or Update By Scope' answers 200/201 with the body)"
    ),
    # Data Factory's managed network (network.mode private, components/managed_network.py). Planning figures from
    # each API's behaviour, as above.
    "azure-native:resources:Resource": CreationTime(
        3,
        "the program's one generic resource, the factory's managed virtual network `default`: one synchronous ARM "
        "PUT (ADF REST 'Managed Virtual Networks - Create Or Update' answers 200 with the body)",
    ),
    "azure-native:datafactory:ManagedPrivateEndpoint": CreationTime(
        120,
        "one synchronous ARM PUT (ADF REST 'Managed Private Endpoints - Create Or Update' answers 200, "
        "provisioningState Provisioning); ADF then creates the endpoint in its managed network, and the approval "
        "waits until its Pending connection shows on the target (components/managed_network.py polls every 15 s): "
        "planning figure, two minutes",
    ),
    "azure-native:resources:Deployment": CreationTime(
        30,
        "the approval: one ARM template deployment (long-running: validation, then one PUT of the target's private "
        "endpoint connection with status Approved, itself long-running); planning figure",
    ),
}


class UnknownResourceTypeError(KeyError):
    """A type with no figure: add one (with its source) rather than guess."""


def creation_seconds(resource_type: str, inputs: Mapping[str, Any]) -> float:
    """The figure for one resource, from its type and inputs (a cluster without `noWait` waits to start)."""
    if resource_type not in CREATION_TIMES:
        raise UnknownResourceTypeError(resource_type)
    seconds = CREATION_TIMES[resource_type].seconds
    if resource_type == "databricks:index/cluster:Cluster" and inputs.get("noWait") is not True:
        seconds += CLUSTER_START_SECONDS
    return seconds
