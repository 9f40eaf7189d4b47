"""Private stacks: Data Factory reaches the workspace and the vault only through its managed network.

Facts are rows of the lifecycle table by short name (`adf-managed-vnet`, `private-link`, `azure-native-no-adopt`,
`lock-blocks-children`) and the sources named on each test:
- learn.microsoft.com, "Azure Data Factory managed virtual network": a runtime created in the managed VNet uses
  managed private endpoints to reach data stores; "An existing global integration runtime can't switch to an
  integration runtime in a Data Factory managed virtual network and vice versa";
- pulumi/pulumi-azure-native issue #896 (open): no resource for the factory's managed virtual network; the installed
  SDK (`pulumi_azure_native.datafactory`, 3.29.0) has `ManagedPrivateEndpoint` and no `ManagedVirtualNetwork`;
- pulumi-azure-native `provider/pkg/resources/crud.go` (CanCreate): a 200 with a body is "cannot create already
  existing resource", so the typed PrivateEndpointConnection resources cannot take over the Pending connection.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pulumi
import pulumi_azure_native
import pytest
from plans import PlanFor
from pulumi.runtime.sync_await import _ensure_event_loop
from spec_check import validator

from components import managed_network
from components.config import ConfigError, load_settings
from components.data_flow_runtime import MANAGED_NETWORK_PROPERTY, RUNTIME_NAME
from components.offline.arm_export import arm_template
from components.offline.managed_network_state import connection, connections
from components.offline.mocks import AzureMocks
from components.offline.plan import Plan, ResourceRecord

GENERIC = "azure-native:resources:Resource"
DEPLOYMENT = "azure-native:resources:Deployment"
MANAGED_ENDPOINT = "azure-native:datafactory:ManagedPrivateEndpoint"
RUNTIME = "azure-native:datafactory:IntegrationRuntime"
LINKED_SERVICE = "azure-native:datafactory:LinkedService"
FACTORY = "azure-native:datafactory:Factory"
PIPELINE = "azure-native:datafactory:Pipeline"
NEW_TYPES = (GENERIC, DEPLOYMENT, MANAGED_ENDPOINT)
MANAGED_SPEC = "adf-managed-network.schema.json"
INTERACTIVE = {"sparkVersion": "16.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "numWorkers": 1}
PRIVATE = {"mode": "private", "deployRunner": "adf-private"}


def by_group(plan: Plan) -> dict[str, ResourceRecord]:
    return {r.inputs["properties"]["groupId"]: r for r in plan.by_type(MANAGED_ENDPOINT)}


def problems(**config: Any) -> list[str]:
    try:
        load_settings(
            {"interactiveCluster": INTERACTIVE, "network": PRIVATE, **config},
            project="adf-databricks",
            stack="s",
            location="westeurope",
        )
    except ConfigError as error:
        return error.problems
    return []


def test_the_pinned_sdk_has_no_managed_virtual_network_resource() -> None:
    """Why the managed VNet is a generic resource: azure-native 3.29 has none (issue #896); if a later pin adds one,
    this fails and says to switch (with an alias, so prod's URN stays)."""
    assert pulumi_azure_native.datafactory.ManagedPrivateEndpoint
    assert not hasattr(pulumi_azure_native.datafactory, "ManagedVirtualNetwork")


def test_prod_factory_gets_its_managed_virtual_network_default(prod_plan: Plan) -> None:
    """An ARM PUT of factories/<factory>/managedVirtualNetworks/default with `properties: {}` (REST "Managed Virtual
    Networks - Create Or Update", 2018-06-01; an empty body is "Invalid payload": MicrosoftDocs/azure-docs issue
    #76925). The REST API has no DELETE for it: it goes with the factory (no delete call), protected with it."""
    (vnet,) = prod_plan.by_type(GENERIC)
    factory = prod_plan.one(FACTORY)
    assert vnet.inputs["resourceProviderNamespace"] == "Microsoft.DataFactory"
    assert vnet.inputs["parentResourcePath"] == f"factories/{factory.inputs['factoryName']}"
    assert (vnet.inputs["resourceType"], vnet.inputs["resourceName"]) == ("managedVirtualNetworks", "default")
    assert vnet.inputs["apiVersion"] == "2018-06-01" and vnet.inputs["properties"] == {}
    assert vnet.retain_on_delete and vnet.protect
    assert vnet.id.endswith(f"/factories/{factory.inputs['factoryName']}/managedVirtualNetworks/default")


def test_the_data_flow_runtime_runs_in_the_managed_network_and_carries_the_linked_service(prod_plan: Plan) -> None:
    """The stack's Data Flow runtime (its compute and TTL) in the managed VNet; the Azure Databricks linked service
    names it in connectVia, so Databricks activities and the smoke run go through the managed endpoints."""
    runtime = prod_plan.one(RUNTIME)
    props = runtime.inputs["properties"]
    assert props["managedVirtualNetwork"] == {"referenceName": "default", "type": "ManagedVirtualNetworkReference"}
    assert props["computeProperties"]["dataFlowProperties"]["timeToLive"] == 0
    assert runtime.replace_on_changes == (MANAGED_NETWORK_PROPERTY,) and runtime.delete_before_replace
    (vnet,) = prod_plan.by_type(GENERIC)
    assert vnet.urn in runtime.dependencies
    link = prod_plan.one(LINKED_SERVICE, "adf-databricks-databricks-linked-service")
    assert link.inputs["properties"]["connectVia"] == {
        "referenceName": RUNTIME_NAME,
        "type": "IntegrationRuntimeReference",
    }
    assert runtime.urn in link.dependencies
    pipeline = prod_plan.one(PIPELINE)
    assert link.urn in pipeline.dependencies


def test_a_private_stack_without_a_data_flow_section_still_gets_the_managed_runtime(plan_for: PlanFor) -> None:
    plan = plan_for("prod", dataFlowRuntime=None)
    runtime = plan.one(RUNTIME)
    assert runtime.inputs["properties"]["managedVirtualNetwork"]["referenceName"] == "default"
    assert runtime.inputs["integrationRuntimeName"] == RUNTIME_NAME


def test_managed_endpoints_reach_the_workspace_and_in_token_mode_the_vault(prod_plan: Plan, plan_for: PlanFor) -> None:
    """Sub-resources `databricks_ui_api` and `vault` (row `private-link`). The Key Vault linked service names no
    runtime: an activity on the managed-VNet runtime reaches the vault through the vault's managed private endpoint
    (row `adf-managed-vnet`, which states it; learn.microsoft.com, "Azure Data Factory managed virtual network":
    a runtime in the managed network reaches stores through managed private endpoints)."""
    endpoints = by_group(prod_plan)
    assert set(endpoints) == {"databricks_ui_api", "vault"}
    workspace = prod_plan.one("azure-native:databricks:Workspace")
    vault = prod_plan.one("azure-native:keyvault:Vault")
    assert endpoints["databricks_ui_api"].inputs["properties"]["privateLinkResourceId"] == workspace.id
    assert endpoints["vault"].inputs["properties"]["privateLinkResourceId"] == vault.id
    assert {e.inputs["managedVirtualNetworkName"] for e in endpoints.values()} == {"default"}
    key_vault_link = prod_plan.one(LINKED_SERVICE, "adf-databricks-key-vault-linked-service")
    assert "connectVia" not in key_vault_link.inputs["properties"]
    approvals = {r.inputs["properties"]["parameters"]["target"]["value"]: r.urn for r in prod_plan.by_type(DEPLOYMENT)}
    assert approvals[vault.inputs["vaultName"]] in key_vault_link.dependencies
    assert approvals[workspace.inputs["workspaceName"]] not in key_vault_link.dependencies
    databricks_link = prod_plan.one(LINKED_SERVICE, "adf-databricks-databricks-linked-service")
    assert approvals[workspace.inputs["workspaceName"]] in databricks_link.dependencies
    identity_plan = plan_for("prod", auth="managedIdentity")
    assert set(by_group(identity_plan)) == {"databricks_ui_api"}


def test_the_deploy_approves_the_pending_connection_azure_named(prod_plan: Plan) -> None:
    """Row `adf-managed-vnet`: a managed endpoint opens a Pending connection on its target, named by Azure; approval
    is an update of that connection (ARM PUT `status: Approved`; "Manage a private endpoint connection"). The
    deploy's ARM deployment PUTs it by the name read from the target; the fake cloud then reports it Approved."""
    factory = prod_plan.one(FACTORY).inputs["factoryName"]
    for endpoint in prod_plan.by_type(MANAGED_ENDPOINT):
        approval = next(d for d in prod_plan.by_type(DEPLOYMENT) if endpoint.urn in d.dependencies)
        props = approval.inputs["properties"]
        target_id = endpoint.inputs["properties"]["privateLinkResourceId"]
        expected = connection(factory, endpoint.inputs["managedPrivateEndpointName"], target_id, "Pending")["name"]
        assert props["parameters"]["connection"]["value"] == expected
        assert props["parameters"]["target"]["value"] == target_id.rsplit("/", 1)[-1]
        assert props["mode"] == "Incremental"
        (resource,) = props["template"]["resources"]
        assert resource["type"].endswith("/privateEndpointConnections")
        assert resource["properties"]["privateLinkServiceConnectionState"]["status"] == "Approved"
        assert approval.outputs["properties"]["outputs"]["status"]["value"] == "Approved"
        assert len(approval.inputs["deploymentName"]) <= 64


def test_the_connection_list_turns_approved_only_by_name() -> None:
    """The fake cloud's rule: Pending until a deployment approves that connection by name."""
    target = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Databricks/workspaces/w"
    endpoint = {"factoryName": "f", "managedPrivateEndpointName": "e", "properties": {"privateLinkResourceId": target}}
    (pending,) = connections(target, [endpoint], [])
    assert pending["privateLinkServiceConnectionState"]["status"] == "Pending"
    (approved,) = connections(target, [endpoint], [pending["name"]])
    assert approved["privateLinkServiceConnectionState"]["status"] == "Approved"
    assert connections(target, [endpoint], ["another"])[0]["privateLinkServiceConnectionState"]["status"] == "Pending"


def test_no_pending_connection_fails_clearly() -> None:
    """Found by its private endpoint `<factory>.<endpoint>` (row `adf-managed-endpoint-name`: reported, not stated by
    Microsoft; pagopa/cstar-securehub-infra `src/70_domains/idpay_common/61_datafactory.tf` reads a Cosmos DB
    account's connection by the name `${factory}.${managed endpoint}`): the private endpoint id's last segment, or the
    connection's own name, case-insensitive. None (a rejected or removed connection) stops the deploy, naming the
    endpoint, the target and what the target holds; so do two that match (anyone who may request a private endpoint
    to the target can name theirs like ours), rather than approve a guess."""
    found = [("other-1", "/x/privateEndpoints/someone.else", "Approved")]
    assert managed_network.pending_connection([("c-1", "/x/privateEndpoints/f.e", "Pending")], "f.e", "w") == "c-1"
    assert managed_network.pending_connection([("c-1", "/x/privateEndpoints/F.E", "Approved")], "f.e", "w") == "c-1"
    assert managed_network.pending_connection([("F.e", "/x/privateEndpoints/opaque", "Pending")], "f.e", "w") == "F.e"
    assert managed_network.find_connection([("c-1", "/x/privateEndpoints/f.e2", "Pending")], "f.e") is None
    assert managed_network.find_connection([("c-1", "/x/privateEndpoints/g.f.e", "Pending")], "f.e") is None
    twins = [("c-1", "/x/privateEndpoints/f.e", "Pending"), ("c-2", "/y/privateEndpoints/f.e", "Pending")]
    with pytest.raises(pulumi.RunError, match=r"More than one connection .* f\.e: c-1, c-2\. Nothing was approved"):
        managed_network.pending_connection(twins, "f.e", "w")
    with pytest.raises(pulumi.RunError, match=r"f\.e has no Pending connection on w \(connections: other-1"):
        managed_network.pending_connection(found, "f.e", "w")
    with pytest.raises(pulumi.RunError, match=r"connections: c-2 \(Rejected\)"):
        managed_network.pending_connection([("c-2", "/x/privateEndpoints/f.e", "Rejected")], "f.e", "w")
    with pytest.raises(pulumi.RunError, match="connections: none"):
        managed_network.pending_connection([], "f.e", "w")


def test_destroy_deletes_the_managed_endpoints_and_approvals_before_the_factory(plan_for: PlanFor) -> None:
    """Endpoints before the factory (their delete removes the connections on the targets), approvals before their
    endpoints: the engine deletes dependents first."""
    plan = plan_for("prod", protect=False)
    factory = plan.one(FACTORY)
    for endpoint in plan.by_type(MANAGED_ENDPOINT):
        assert factory.urn in endpoint.dependencies
        approval = next(d for d in plan.by_type(DEPLOYMENT) if endpoint.urn in d.dependencies)
        assert approval.delete_before_replace


def test_public_stacks_have_no_managed_network(dev_plan: Plan) -> None:
    assert not [r for r in dev_plan.resources if r.type in NEW_TYPES]
    runtime = dev_plan.one(RUNTIME)
    assert "managedVirtualNetwork" not in runtime.inputs["properties"]
    assert runtime.replace_on_changes == ()


def test_private_config_refuses_another_runtime_and_a_public_factory() -> None:
    """The linked service must go through the managed runtime (the only path to the private workspace); the factory's
    public access is off in private mode (CKV_AZURE_104)."""
    found = problems(linkedService={"connectVia": "AutoResolveIntegrationRuntime"})
    assert len(found) == 1 and "linkedService.connectVia" in found[0] and RUNTIME_NAME in found[0]
    found = problems(dataFactory={"publicNetworkAccess": "Enabled"})
    assert len(found) == 1 and "dataFactory.publicNetworkAccess" in found[0]
    assert problems(linkedService={"connectVia": RUNTIME_NAME}, dataFactory={"publicNetworkAccess": "Disabled"}) == []


def test_prod_factory_passes_ckv_azure_104(prod_plan: Plan) -> None:
    """checkov 3.3.30 `checkov/arm/checks/resource/DataFactoryNoPublicNetworkAccess.py` reads
    `properties.publicNetworkAccess` of Microsoft.DataFactory/factories and expects "Disabled"."""
    (factory,) = [r for r in arm_template(prod_plan)["resources"] if r["type"] == "Microsoft.DataFactory/factories"]
    assert factory["properties"]["publicNetworkAccess"] == "Disabled"


def late_cloud(reads: int) -> AzureMocks:
    """The fake cloud with ADF slower to make its endpoints: a target lists no connection of a new managed endpoint
    for its first `reads` reads (row `adf-managed-endpoint-approval`: the managed endpoint's PUT answers with
    provisioningState Provisioning; the fake cloud's default is `PROVISIONING_READS`)."""
    mocks = AzureMocks()
    mocks.cloud.managed_network.provisioning_reads = reads
    return mocks


def workspace_reads(plan: Plan, mocks: AzureMocks) -> int:
    """How often the run read the workspace's connections after its managed endpoint was created."""
    endpoint = by_group(plan)["databricks_ui_api"]
    name = f"{plan.one(FACTORY).inputs['factoryName']}.{endpoint.inputs['managedPrivateEndpointName']}"
    return mocks.cloud.managed_network.reads[name.lower()]


def test_the_waits_between_reads_double_to_15_s_for_5_minutes() -> None:
    """terraform-plugin-sdk `helper/resource/state.go` (StateChangeConf): 100 ms, doubling, at most 10 s between
    refreshes; ours starts at a quarter second and stops growing at 15 s."""
    waits = managed_network.CONNECTION_WAITS
    assert waits[:7] == (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0) and set(waits[7:]) == {15.0}
    assert 300 <= sum(waits) < 315 and len(waits) + 1 == 26


def test_the_approval_waits_for_the_connection_to_appear(plan_for: PlanFor) -> None:
    """The program's own waits (0.25 s, 0.5 s, 1 s): the connection shows on the fourth read, and the deployment
    approves it."""
    mocks = late_cloud(3)
    plan = plan_for("prod", mocks=mocks)
    endpoint = by_group(plan)["databricks_ui_api"]
    approval = next(d for d in plan.by_type(DEPLOYMENT) if endpoint.urn in d.dependencies)
    assert approval.inputs["properties"]["parameters"]["connection"]["value"].startswith(
        f"{plan.one(FACTORY).inputs['factoryName']}.{endpoint.inputs['managedPrivateEndpointName']}-"
    )
    assert workspace_reads(plan, mocks) == 4


def test_the_wait_is_bounded_and_says_what_the_target_holds(plan_for: PlanFor) -> None:
    """A connection that never shows stops the deploy once the waits run out (5 minutes, 26 reads; the offline
    world's clock skips the waits, components/offline/virtual_time.py), naming the endpoint and its target (the
    workspace or the vault, whichever gives up first)."""
    mocks = late_cloud(10**6)
    named = r"\.(dbw|kv)-\S+ has no Pending connection on (dbw-adf-databricks-prod|kv-\S+) \(connections: none\)"
    with pytest.raises(Exception, match=named):
        plan_for("prod", mocks=mocks)
    # The target that gave up was read once, then once after each wait; the other stops wherever the failed
    # deploy left it (the mock monitor answers from threads, so how far it got is not fixed).
    reads = sorted(mocks.cloud.managed_network.reads.values())
    assert reads[-1] == len(managed_network.CONNECTION_WAITS) + 1 == 26, reads
    assert all(1 <= count <= 26 for count in reads), reads


def test_a_deploy_that_gave_up_waiting_leaves_nothing_pending(plan_for: PlanFor) -> None:
    """The failed run's other wait, still pending when the first gave up, must not wake inside the next run of the
    same process (the change report may run two programs in one process; the tests run hundreds): once the run has
    failed, nothing of it is left on the event loop."""
    with pytest.raises(Exception, match="has no Pending connection"):
        plan_for("prod", mocks=late_cloud(10**6))
    assert [task for task in asyncio.all_tasks(_ensure_event_loop()) if not task.done()] == []


def test_the_managed_network_payloads_conform_to_the_rest_models(prod_plan: Plan) -> None:
    """components/offline/specs/adf-managed-network.schema.json (Azure/azure-rest-api-specs, Microsoft.DataFactory
    2018-06-01 `ManagedVirtualNetwork.json`, `ManagedPrivateEndpoint.json`): the managed VNet has no writable
    property, an endpoint sends `groupId` and `privateLinkResourceId` only (its connection state is read-only)."""
    (vnet,) = prod_plan.by_type(GENERIC)
    assert list(validator(MANAGED_SPEC, "ManagedVirtualNetwork").iter_errors(vnet.inputs["properties"])) == []
    endpoint_model = validator(MANAGED_SPEC, "ManagedPrivateEndpoint")
    for endpoint in prod_plan.by_type(MANAGED_ENDPOINT):
        assert list(endpoint_model.iter_errors(endpoint.inputs["properties"])) == []
    assert list(endpoint_model.iter_errors({"groupId": "vault", "connectionState": {"status": "Approved"}}))
