"""The fake cloud's Data Factory managed network: the managed virtual network, managed private endpoints, the
connections they open on their targets (Pending, named by Azure), and the ARM deployment that approves them.

Lifecycle rows `adf-managed-vnet` (Pending connection on the target, approval an update of it) and `private-link`.
Outputs as on the wire: Microsoft.DataFactory 2018-06-01 `ManagedPrivateEndpointResource` (`connectionState`,
`provisioningState`), Microsoft.Databricks `PrivateEndpointConnection` and Microsoft.KeyVault
`PrivateEndpointConnectionItem` (`privateEndpoint.id`, `privateLinkServiceConnectionState.status`),
Microsoft.Resources `DeploymentExtended` (`properties.outputs`). The connection list is a pure function of the
endpoints and approvals that exist (`connections`), so whoever keeps the cloud's memory answers the same.

Row `adf-managed-endpoint-approval`: the managed endpoint's PUT answers before ADF has made the endpoint, and its
connection shows on the target only later. Here "later" is counted in reads of the target, not in seconds: each
endpoint's connection is listed from the target's read number `PROVISIONING_READS + 1` after the endpoint's create
(the memory: `reads`, by the endpoint's private endpoint name). Deterministic, and a program that waits a quarter
second between its first reads (components/managed_network.py `CONNECTION_WAITS`) sees it on its second read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from components.naming import digest

if TYPE_CHECKING:
    from components.offline.cloud_state import FakeCloud, NewResource, State

MANAGED_ENDPOINT = "azure-native:datafactory:ManagedPrivateEndpoint"
GENERIC = "azure-native:resources:Resource"
DEPLOYMENT = "azure-native:resources:Deployment"
GET_WORKSPACE = "azure-native:databricks:getWorkspace"
GET_VAULT = "azure-native:keyvault:getVault"
ADF_MANAGED_SUBSCRIPTION = "b8c3d2e1-0f4a-4c6b-9e7d-5a1f3c2b4d60"
"""The private endpoints of a managed network live in a subscription Data Factory manages, not the user's."""
APPROVAL_SECONDS = 45
"""What the simulated deploy counts for an approval: one PUT of the connection plus ADF seeing it (benchmarks)."""
PROVISIONING_READS = 1
"""Reads of a target that find no connection yet for an endpoint just created: ADF is still making the endpoint."""


def private_endpoint_name(state: Mapping[str, Any]) -> str:
    """The private endpoint ADF makes for a managed endpoint (its state): `<factory>.<endpoint>` (row
    `adf-managed-endpoint-name`, reported, unverified by Microsoft)."""
    return f"{state['factoryName']}.{state['managedPrivateEndpointName']}"


def connection(factory: str, endpoint: str, target_id: str, status: str) -> dict[str, Any]:
    """The connection a managed endpoint opens on its target: Azure names it (ours: deterministic, with a suffix no
    program can guess), and its private endpoint is `<factory>.<endpoint>` in ADF's managed subscription."""
    pe_name = private_endpoint_name({"factoryName": factory, "managedPrivateEndpointName": endpoint})
    return {
        "name": f"{pe_name}-{digest(target_id, pe_name, length=8)}",
        "targetId": target_id,
        "privateEndpoint": {
            "id": f"/subscriptions/{ADF_MANAGED_SUBSCRIPTION}/resourceGroups/managed-{digest(factory, length=8)}"
            f"/providers/Microsoft.Network/privateEndpoints/{pe_name}"
        },
        "privateLinkServiceConnectionState": {"status": status, "description": "", "actionsRequired": "None"},
        "provisioningState": "Succeeded",
    }


def connections(
    target_id: str, endpoints: Iterable[Mapping[str, Any]], approved: Iterable[str]
) -> list[dict[str, Any]]:
    """The target's connections: one per managed endpoint aimed at it, Approved once a deployment approved it by name
    (`approved`), else Pending."""
    names = {name.lower() for name in approved}
    found = []
    for state in endpoints:
        if str(state["properties"].get("privateLinkResourceId", "")).lower() != target_id.lower():
            continue
        pending = connection(state["factoryName"], state["managedPrivateEndpointName"], target_id, "Pending")
        status = "Approved" if pending["name"].lower() in names else "Pending"
        found.append(connection(state["factoryName"], state["managedPrivateEndpointName"], target_id, status))
    return found


def listed(token: str, answer: Mapping[str, Any]) -> list[list[str]]:
    """[name, status] of each connection a target's read (`invoke` of `token`) listed, for the cloud's log."""
    if token == GET_WORKSPACE:
        found = [c["properties"] for c in answer.get("privateEndpointConnections", [])]
    elif token == GET_VAULT:
        found = list(answer.get("properties", {}).get("privateEndpointConnections", []))
    else:
        return []
    return [[c["name"], c["privateLinkServiceConnectionState"]["status"]] for c in found]


class ManagedNetworkCloud:
    """Builders and invoke answers. `endpoints`, `approved` and `reads` are the memory of one program run (mock
    tier), or what the engine tier's store remembers (`remember`)."""

    def __init__(self, cloud: FakeCloud) -> None:
        self.cloud = cloud
        self.endpoints: list[dict[str, Any]] = []
        self.approved: list[str] = []
        self.reads: dict[str, int] = {}
        """Private endpoint name (lower case) → reads of its target since the managed endpoint was created."""
        self.provisioning_reads = PROVISIONING_READS

    def remember(self, resources: Iterable[Mapping[str, Any]], reads: Mapping[str, int] | None = None) -> None:
        """What exists already (the engine tier's store: `{"type", "state"}` per resource) and how often each
        endpoint's target was read."""
        for resource in resources:
            if resource["type"] == MANAGED_ENDPOINT:
                self.endpoints.append(dict(resource["state"]))
            elif resource["type"] == DEPLOYMENT:
                self.approved.append(resource["state"]["properties"]["parameters"]["connection"]["value"])
        self.reads.update(reads or {})

    def _read(self, target_id: str) -> list[dict[str, Any]]:
        """One read of the target's connections: it lists the endpoints ADF has finished making (those whose target
        was read `provisioning_reads` times since their create), and counts for each endpoint aimed at it."""
        made = []
        for state in self.endpoints:
            if str(state["properties"].get("privateLinkResourceId", "")).lower() != target_id.lower():
                continue
            key = private_endpoint_name(state).lower()
            if self.reads.get(key, 0) >= self.provisioning_reads:
                made.append(state)
            self.reads[key] = self.reads.get(key, 0) + 1
        return connections(target_id, made, self.approved)

    def builders(self) -> dict[str, Callable[[NewResource], State]]:
        return {MANAGED_ENDPOINT: self.managed_endpoint, GENERIC: self.generic, DEPLOYMENT: self.deployment}

    def _arm(self, group: str, path: str) -> str:
        return f"/subscriptions/{self.cloud.subscription_id}/resourceGroups/{group}/providers/{path}"

    def managed_endpoint(self, args: NewResource) -> State:
        factory, name = args.inputs["factoryName"], args.inputs["managedPrivateEndpointName"]
        path = (
            f"Microsoft.DataFactory/factories/{factory}/managedVirtualNetworks/default/managedPrivateEndpoints/{name}"
        )
        state = {
            **args.inputs,
            "name": name,
            "properties": {
                **args.inputs["properties"],
                "connectionState": {"status": "Pending", "description": "", "actionsRequired": ""},
                "provisioningState": "Succeeded",
            },
        }
        self.endpoints.append(state)
        self.reads[private_endpoint_name(state).lower()] = 0
        return self._arm(args.inputs["resourceGroupName"], path), state

    def generic(self, args: NewResource) -> State:
        """`resources:Resource`: the id is the ARM path its inputs spell."""
        i = args.inputs
        path = f"{i['resourceProviderNamespace']}/{i['parentResourcePath']}/{i['resourceType']}/{i['resourceName']}"
        return self._arm(i["resourceGroupName"], path), {**i, "name": i["resourceName"]}

    def deployment(self, args: NewResource) -> State:
        """The approval template: the named connection turns Approved; its status is the deployment's output."""
        name = args.inputs["deploymentName"]
        properties = args.inputs["properties"]
        chosen = properties["parameters"]["connection"]["value"]
        self.approved.append(chosen)
        return self._arm(args.inputs["resourceGroupName"], f"Microsoft.Resources/deployments/{name}"), {
            **args.inputs,
            "name": name,
            "properties": {
                **properties,
                "provisioningState": "Succeeded",
                "outputs": {"status": {"type": "String", "value": "Approved"}},
            },
        }

    def invoke(self, token: str, args: Mapping[str, Any]) -> dict[str, Any] | None:
        if token == GET_WORKSPACE:
            name = args["workspaceName"]
            target = self._arm(args["resourceGroupName"], f"Microsoft.Databricks/workspaces/{name}")
            found = self._read(target)
            return {
                "id": target,
                "name": name,
                "privateEndpointConnections": [
                    {"id": f"{target}/privateEndpointConnections/{c['name']}", "name": c["name"], "properties": c}
                    for c in found
                ],
            }
        if token == GET_VAULT:
            name = args["vaultName"]
            target = self._arm(args["resourceGroupName"], f"Microsoft.KeyVault/vaults/{name}")
            found = self._read(target)
            items = [{**c, "id": f"{target}/privateEndpointConnections/{c['name']}"} for c in found]
            return {"id": target, "name": name, "properties": {"privateEndpointConnections": items}}
        return None
