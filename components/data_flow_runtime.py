"""The managed Azure integration runtime that ADF's Mapping Data Flows run on.

Today's Data Factory runs Data Flows on its own Spark, sized and kept warm by the Azure integration
runtime of the activity, not on our Databricks compute (azure-lifecycle-rules.md, `dataflow-vs-linked-service`). Its
time to live (TTL) is the warm/cold choice for Data Flows: > 0 keeps the cluster for the next data-flow run and is
billed for that time; 0 starts cold each run. ADF's default AutoResolve runtime has no TTL at all.

Day 2: the runtime is updated in place (one ARM PUT) when compute type, core count, TTL or cleanup
change: only its path (factory, resource group, name) forces a replacement in azure-native. Refresh reads
the same properties back plus the runtime's `state` (output only), so an unchanged stack shows no diff.

Private stacks (network.mode private): the runtime runs in the factory's managed virtual network
(`managedVirtualNetwork` reference), and the Azure Databricks linked service names it in `connectVia`, so
Databricks activities and the smoke run go through the managed private endpoints (lifecycle row
`adf-managed-vnet`). A runtime cannot move into or out of a managed VNet ("An existing global integration runtime
can't switch to an integration runtime in a Data Factory managed virtual network and vice versa":
learn.microsoft.com, "Azure Data Factory managed virtual network"): a change of its network replaces it
(`replace_on_changes`), delete first, its name being fixed.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import datafactory

from .managed_network import MANAGED_VIRTUAL_NETWORK
from .naming import DATA_FLOW_RUNTIME_NAME
from .scope import Scope
from .settings import DataFlowRuntimeSpec

RUNTIME_NAME = DATA_FLOW_RUNTIME_NAME
AUTO_RESOLVE = "AutoResolve"


MANAGED_NETWORK_PROPERTY = "properties.managedVirtualNetwork"


def data_flow_runtime(
    scope: Scope,
    spec: DataFlowRuntimeSpec,
    adf: datafactory.Factory,
    managed_network: pulumi.Resource | None = None,
) -> datafactory.IntegrationRuntime:
    """`AutoResolve` location: Data Flows run in the factory's region, which is the stack's; a custom runtime
    keeps its TTL with it (only ADF's built-in AutoResolveIntegrationRuntime has no TTL). With `managed_network`
    (the factory's managed virtual network `default`), the runtime runs inside it."""
    warmth = (
        f"warm for {spec.time_to_live_minutes} min after each run"
        if spec.warm
        else "cold: each run starts its own cluster"
    )
    return datafactory.IntegrationRuntime(
        f"{scope.name}-data-flow-runtime",
        integration_runtime_name=RUNTIME_NAME,
        factory_name=adf.name,
        resource_group_name=scope.resource_group,
        properties=datafactory.ManagedIntegrationRuntimeArgs(
            type="Managed",
            description=f"Mapping Data Flows: {spec.compute_type.value}, {spec.core_count} cores, {warmth}.",
            compute_properties=datafactory.IntegrationRuntimeComputePropertiesArgs(
                location=AUTO_RESOLVE,
                data_flow_properties=datafactory.IntegrationRuntimeDataFlowPropertiesArgs(
                    compute_type=spec.compute_type.value,
                    core_count=spec.core_count,
                    time_to_live=spec.time_to_live_minutes,
                    cleanup=spec.cleanup,
                ),
            ),
            managed_virtual_network=datafactory.ManagedVirtualNetworkReferenceArgs(
                reference_name=MANAGED_VIRTUAL_NETWORK, type="ManagedVirtualNetworkReference"
            )
            if managed_network
            else None,
        ),
        opts=pulumi.ResourceOptions.merge(scope.in_factory(adf), _in_network(managed_network)),
    )


def _in_network(managed_network: pulumi.Resource | None) -> pulumi.ResourceOptions | None:
    """After its network; moving into it (from a public runtime of the same name) is a replacement: the new
    registration's `replace_on_changes` decides the diff."""
    if managed_network is None:
        return None
    return pulumi.ResourceOptions(replace_on_changes=[MANAGED_NETWORK_PROPERTY], depends_on=[managed_network])
