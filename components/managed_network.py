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
  from the target's own list of connections, read after the managed endpoint exists (an invoke that depends on it);
  none Pending for our endpoint fails the deploy, naming the target and what it holds.

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
    expected = pulumi.Output.all(adf.name, endpoint.name).apply(lambda names: f"{names[0]}.{names[1]}")
    connection: pulumi.Output[str] = expected.apply(
        lambda name: _await_connection(scope, target, endpoint, name, CONNECTION_POLLS)
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
CONNECTION_POLLS = 20
POLL_SECONDS = 15.0
"""ADF's managed-endpoint PUT answers before the endpoint exists (REST 2018-06-01: 200, provisioningState
Provisioning); the connection appears on the target once ADF has made the endpoint. The lookup reads the target's
connections again every 15 s, 20 times (5 minutes), before it gives up."""


def find_connection(connections: list[Connection], expected: str) -> str | None:
    """The connection our managed endpoint made: its private endpoint is named `<factory>.<endpoint>` (the name ADF
    gives the endpoint it creates in its managed network, as the target's connection list shows it). Already Approved
    (a second `up`) is found too, so the deployment's inputs do not change."""
    for name, endpoint_id, status in connections:
        if endpoint_id.rsplit("/", 1)[-1].lower() == expected.lower() and status in (PENDING, APPROVED):
            return name
    return None


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
    scope: Scope, target: Target, endpoint: datafactory.ManagedPrivateEndpoint, expected: str, polls: int
) -> pulumi.Output[str]:
    """Reads the target's connections (after the endpoint exists); not there yet, waits and reads again, bounded."""
    listing = _connections(scope, target, endpoint)

    def decide(found: list[tuple[Connection, ...]]) -> pulumi.Input[str]:
        connections, name = list(found[0]), found[1]
        match = find_connection(connections, expected)
        if match is not None or polls <= 1:
            return pending_connection(connections, expected, str(name))
        later: pulumi.Output[str] = pulumi.Output.from_input(_after(POLL_SECONDS, expected))
        return later.apply(lambda _: _await_connection(scope, target, endpoint, expected, polls - 1))

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
