"""Data Factory's managed network (network.mode private): how the factory's activities reach the private workspace
and vault.

Facts (lifecycle rows by short name, `components/offline/specs/azure-lifecycle-rules.md`; `adf-managed-vnet-resource`
and `adf-managed-endpoint-approval` are the two this module follows):
- `adf-managed-vnet`: the factory's managed virtual network, a managed-VNet Azure integration runtime, and managed
  private endpoints whose connections on the targets start *Pending*, named by Azure, and must be approved. An
  Azure runtime cannot move into or out of a managed VNet ("An existing global integration runtime can't switch to
  an integration runtime in a Data Factory managed virtual network and vice versa": learn.microsoft.com, "Azure Data
  Factory managed virtual network").
- `azure-native-no-adopt`: azure-native refuses to create a resource that exists, so the typed
  `databricks.PrivateEndpointConnection` / `keyvault.PrivateEndpointConnection` cannot approve the Pending connection
  (its create meets the existing connection: pulumi-azure-native `provider/pkg/resources/crud.go` CanCreate, 200
  with a body → "cannot create already existing resource").

How each piece is made, with no provider beyond azure-native (so a consumer in any language gets the same: the
component runs in Python in the component provider host, `components/plugin`, and registers azure-native
resources only):
- the managed virtual network `default`: pulumi-azure-native 3.29 has no resource for it (issue #896, open; the
  installed SDK's `pulumi_azure_native.datafactory` has `ManagedPrivateEndpoint` and no `ManagedVirtualNetwork`),
  so it is the generic `azure-native:resources:Resource`, an ARM PUT of
  `Microsoft.DataFactory/factories/{factory}/managedVirtualNetworks/default` with `properties: {}` (REST API
  "Managed Virtual Networks - Create Or Update", 2018-06-01, and the Bicep template reference
  "Microsoft.DataFactory factories/managedVirtualNetworks": `name: 'default'`, `properties: {}`; an empty body is
  "Invalid payload": MicrosoftDocs/azure-docs issue #76925). The REST API has no DELETE for it: it goes with its
  factory, so Pulumi never calls one (`retain_on_delete`), and in a protected stack it is protected like the factory.
- the approval: an ARM template deployment (`azure-native:resources:Deployment`) that PUTs the existing connection
  with `status: Approved`. ARM's template engine updates a resource that exists (incremental mode), which is the
  update the connection needs; it runs with the deploy's own credential and ends when the PUT has (a long-running
  operation), so the linked services that depend on it are created after the approval. The connection's name comes
  from the target's own list of connections, read after the managed endpoint exists (an invoke that depends on it)
  and read again, bounded, while ADF is still making the endpoint (`CONNECTION_WAITS`); ours is the one whose
  private endpoint is `<factory>.<endpoint>` (`PRIVATE_ENDPOINT_NAME`, unverified by Microsoft). None Pending for our
  endpoint by the end fails the deploy, naming the target and what it holds.

Not chosen: `pulumi-command` (`az network private-endpoint-connection approve`) is a plugin, and an `az` login, a
user would have to install; a Python dynamic provider runs in a plugin process of its own that the engine starts
(`pulumi-resource-pulumi-python`), which must import this package: a program in another language that uses the
component through its provider host has no such environment. Everything above is azure-native, which every
consumer already has.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_azure_native import databricks as azure_databricks
from pulumi_azure_native import datafactory, keyvault, resources

from .scope import Scope

MANAGED_VIRTUAL_NETWORK = "default"
"""The one name ADF gives a factory's managed virtual network (portal, Studio and REST examples)."""
MANAGED_VIRTUAL_NETWORK_API = "2018-06-01"
DATABRICKS_CONNECTIONS = ("Microsoft.Databricks/workspaces/privateEndpointConnections", "2026-01-01")
VAULT_CONNECTIONS = ("Microsoft.KeyVault/vaults/privateEndpointConnections", "2024-11-01")
"""The connection types and the API versions azure-native 3.29 uses for them (the SDK's docstrings)."""
APPROVED = "Approved"
PENDING = "Pending"


@dataclass(frozen=True)
class Target:
    """One managed private endpoint: its role in the logical names, its ADF name, sub-resource and target."""

    role: str
    name: str
    group: str
    target_id: pulumi.Input[str]
    target_name: pulumi.Input[str]
    connection_type: tuple[str, str]


@dataclass(frozen=True)
class ManagedNetwork:
    """What the factory's private path is made of; the linked services depend on `approved`."""

    virtual_network: resources.Resource
    endpoints: tuple[datafactory.ManagedPrivateEndpoint, ...]
    approved: dict[str, resources.Deployment]
    """By sub-resource (`databricks_ui_api`, `vault`): the approval of that endpoint's connection."""


def managed_virtual_network(scope: Scope, adf: datafactory.Factory) -> resources.Resource:
    return resources.Resource(
        f"{scope.name}-managed-virtual-network",
        resource_group_name=scope.resource_group,
        resource_provider_namespace="Microsoft.DataFactory",
        parent_resource_path=adf.name.apply(lambda name: f"factories/{name}"),
        resource_type="managedVirtualNetworks",
        resource_name_=MANAGED_VIRTUAL_NETWORK,
        api_version=MANAGED_VIRTUAL_NETWORK_API,
        properties={},
        opts=pulumi.ResourceOptions.merge(
            scope.goes_with(adf),
            pulumi.ResourceOptions(protect=scope.settings.protect, retain_on_delete=True),
        ),
    )


def managed_network(scope: Scope, adf: datafactory.Factory, targets: Iterable[Target]) -> ManagedNetwork:
    vnet = managed_virtual_network(scope, adf)
    endpoints, approvals = [], {}
    for target in targets:
        endpoint = managed_endpoint(scope, adf, vnet, target)
        endpoints.append(endpoint)
        approvals[target.group] = approval(scope, adf, endpoint, target)
    return ManagedNetwork(vnet, tuple(endpoints), approvals)


def managed_endpoint(
    scope: Scope, adf: datafactory.Factory, vnet: resources.Resource, target: Target
) -> datafactory.ManagedPrivateEndpoint:
    """In the factory's managed VNet; deleted before the factory (it depends on it), which removes its connection
    from the target."""
    return datafactory.ManagedPrivateEndpoint(
        f"{scope.name}-{target.role}",
        managed_private_endpoint_name=target.name,
        managed_virtual_network_name=MANAGED_VIRTUAL_NETWORK,
        factory_name=adf.name,
        resource_group_name=scope.resource_group,
        properties=datafactory.ManagedPrivateEndpointArgs(
            group_id=target.group, private_link_resource_id=target.target_id
        ),
        opts=pulumi.ResourceOptions.merge(scope.in_factory(adf), pulumi.ResourceOptions(depends_on=[vnet])),
    )


def approval(
    scope: Scope, adf: datafactory.Factory, endpoint: datafactory.ManagedPrivateEndpoint, target: Target
) -> resources.Deployment:
    """The deploy approves its own endpoint's connection: an ARM template that PUTs it with `status: Approved`."""
    expected = pulumi.Output.all(adf.name, endpoint.name).apply(lambda names: expected_endpoint(*names))
    connection: pulumi.Output[str] = expected.apply(
        lambda name: _await_connection(scope, target, endpoint, name, CONNECTION_WAITS)
    )
    return resources.Deployment(
        f"{scope.name}-{target.role}-approval",
        deployment_name=f"approve-{target.name}"[:64],
        resource_group_name=scope.resource_group,
        properties=resources.DeploymentPropertiesArgs(
            mode=resources.DeploymentMode.INCREMENTAL,
            template=approval_template(target.connection_type),
            parameters={
                "target": resources.DeploymentParameterArgs(value=target.target_name),
                "connection": resources.DeploymentParameterArgs(value=connection),
            },
        ),
        opts=pulumi.ResourceOptions.merge(
            scope.goes_with(adf), pulumi.ResourceOptions(depends_on=[endpoint], delete_before_replace=True)
        ),
    )


def approval_template(connection_type: tuple[str, str]) -> dict[str, Any]:
    """One resource: the existing connection, PUT Approved; its status read back as the deployment's output."""
    typ, api = connection_type
    ref = f"resourceId('{typ}', parameters('target'), parameters('connection'))"
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"target": {"type": "string"}, "connection": {"type": "string"}},
        "resources": [
            {
                "type": typ,
                "apiVersion": api,
                "name": "[format('{0}/{1}', parameters('target'), parameters('connection'))]",
                "properties": {
                    "privateLinkServiceConnectionState": {
                        "status": APPROVED,
                        "description": "Approved by the adf-databricks deploy (Data Factory managed private endpoint)",
                    }
                },
            }
        ],
        "outputs": {
            "status": {
                "type": "string",
                "value": f"[reference({ref}, '{api}').privateLinkServiceConnectionState.status]",
            }
        },
    }


Connection = tuple[str, str, str]
"""(name, private endpoint id, status) of one connection on a target."""


def connection_waits(first: float, longest: float, budget: float) -> tuple[float, ...]:
    """The pauses between reads of a target's connections: doubling from `first` up to `longest`, until together
    they reach `budget` seconds. The shape of terraform-plugin-sdk's `StateChangeConf` default (helper/resource/
    state.go: 100 ms, doubling, at most 10 s between refreshes), which Terraform's Azure provider waits with: the
    early reads are cheap GETs, and a connection that takes a minute costs no more than a few extra reads."""
    waits: list[float] = []
    wait = first
    while sum(waits) < budget:
        waits.append(wait)
        wait = min(wait * 2, longest)
    return tuple(waits)


CONNECTION_WAITS = connection_waits(0.25, 15.0, 300.0)
"""Row `adf-managed-endpoint-approval`: ADF's managed-endpoint PUT answers before the endpoint exists (REST
2018-06-01: 200, provisioningState Provisioning); the connection appears on the target once ADF has made the
endpoint. The lookup reads the target's connections, then again after 0.25 s, 0.5 s, 1 s ... up to 15 s apart, for
5 minutes in all (26 reads), before it gives up. The engine tier runs it as it is: the fake cloud shows the
connection on the read after the first (components/offline/managed_network_state.py `PROVISIONING_READS`), a quarter
second later. The offline preview and the mock tier run the same schedule on a clock that skips the waits
(components/offline/virtual_time.py)."""
PRIVATE_ENDPOINT_NAME = "{factory}.{endpoint}"
"""The private endpoint ADF makes in its managed network for a managed endpoint, as a target's connection list
shows it. No Microsoft document states it (searched: Microsoft Learn's managed virtual network and pricing pages,
the REST specs and examples); public infrastructure code relies on it, unverified by Microsoft: pagopa/cstar-
securehub-infra `src/70_domains/idpay_common/61_datafactory.tf` reads a Cosmos DB account's connection by the name
`${factory}.${managed endpoint}`. Row `adf-managed-endpoint-name`."""


def expected_endpoint(factory: str, endpoint: str) -> str:
    return PRIVATE_ENDPOINT_NAME.format(factory=factory, endpoint=endpoint)


def ours(connection: Connection, expected: str) -> bool:
    """The connection our managed endpoint opened: its private endpoint id ends in `/<factory>.<endpoint>`, or (as
    a Cosmos DB account names it) the connection itself is named so. Azure ids and names compare case-insensitively."""
    name, endpoint_id, _ = connection
    wanted = expected.lower()
    return endpoint_id.rsplit("/", 1)[-1].lower() == wanted or name.lower() == wanted


def find_connection(connections: list[Connection], expected: str) -> str | None:
    """Our connection's name, Pending or already Approved (a second `up`, so the deployment's inputs do not change);
    `None` while the target lists none of ours in either state. Two that match are refused, not guessed between:
    anyone who may request a private endpoint to the target can name theirs like ours."""
    found = [c[0] for c in connections if ours(c, expected) and c[2] in (PENDING, APPROVED)]
    if len(found) > 1:
        raise pulumi.RunError(
            f"More than one connection on the target claims the managed private endpoint {expected}: "
            f"{', '.join(found)}. Nothing was approved; reject the ones that are not Data Factory's (ADF Studio, "
            f"Manage, Managed private endpoints, shows its own) and run the deploy again."
        )
    return found[0] if found else None


def pending_connection(connections: list[Connection], expected: str, target: str) -> str:
    """`find_connection`, or a clear failure naming the endpoint, the target and what the target holds."""
    found = find_connection(connections, expected)
    if found is not None:
        return found
    held = ", ".join(f"{name} ({status})" for name, _, status in connections) or "none"
    raise pulumi.RunError(
        f"The managed private endpoint {expected} has no Pending connection on {target} (connections: {held}). "
        f"Nothing was approved; check the endpoint in ADF Studio (Manage, Managed private endpoints): a rejected or "
        f"deleted connection needs the endpoint re-created (pulumi up --target-replace on it)."
    )


async def _after(seconds: float, value: str) -> str:
    """Without blocking the program: other resources keep registering while the lookup waits."""
    await asyncio.sleep(seconds)
    return value


def _await_connection(
    scope: Scope,
    target: Target,
    endpoint: datafactory.ManagedPrivateEndpoint,
    expected: str,
    waits: tuple[float, ...],
) -> pulumi.Output[str]:
    """Reads the target's connections (after the endpoint exists); not there yet, waits `waits[0]` and reads again,
    until the waits run out."""
    listing = _connections(scope, target, endpoint)

    def decide(found: list[tuple[Connection, ...]]) -> pulumi.Input[str]:
        connections, name = list(found[0]), found[1]
        if find_connection(connections, expected) is not None or not waits:
            return pending_connection(connections, expected, str(name))
        later: pulumi.Output[str] = pulumi.Output.from_input(_after(waits[0], expected))
        return later.apply(lambda _: _await_connection(scope, target, endpoint, expected, waits[1:]))

    return pulumi.Output.all(listing, target.target_name).apply(decide)


def _connections(
    scope: Scope, target: Target, endpoint: datafactory.ManagedPrivateEndpoint
) -> pulumi.Output[list[Connection]]:
    """The target's connections, read after the endpoint exists (an invoke that depends on it)."""
    opts = pulumi.InvokeOutputOptions(parent=scope.component, depends_on=[endpoint])
    if target.connection_type == DATABRICKS_CONNECTIONS:
        workspace = azure_databricks.get_workspace_output(
            resource_group_name=scope.resource_group, workspace_name=target.target_name, opts=opts
        )
        return workspace.private_endpoint_connections.apply(
            lambda found: [
                (
                    c.name,
                    c.properties.private_endpoint.id if c.properties.private_endpoint else "",
                    _status(c.properties),
                )
                for c in found or []
            ]
        )
    vault = keyvault.get_vault_output(
        resource_group_name=scope.resource_group, vault_name=target.target_name, opts=opts
    )
    return vault.properties.apply(
        lambda p: [
            ((c.id or "").rsplit("/", 1)[-1], c.private_endpoint.id if c.private_endpoint else "", _status(c))
            for c in p.private_endpoint_connections or []
        ]
    )


def _status(properties: Any) -> str:
    state = properties.private_link_service_connection_state
    return str(state.status) if state else ""
