"""The managed Azure integration runtime that ADF's Mapping Data Flows run on.

Today's Data Factory runs Data Flows on its own Spark, sized and kept warm by the Azure integration
runtime of the activity, not on our Databricks compute (azure-lifecycle-rules.md, `dataflow-vs-linked-service`). Its
time to live (TTL) is the warm/cold choice for Data Flows: > 0 keeps the cluster for the next data-flow run and is
billed for that time; 0 starts cold each run. ADF's default AutoResolve runtime has no TTL at all.

Day 2: the runtime is updated in place (one ARM PUT) when compute type, core count, TTL or cleanup
change: only its path (factory, resource group, name) forces a replacement in azure-native. Refresh reads
the same properties back plus the runtime's `state` (output only), so an unchanged stack shows no diff.
"""

from __future__ import annotations

from pulumi_azure_native import datafactory

from .scope import Scope
from .settings import DataFlowRuntimeSpec

RUNTIME_NAME = "DataFlowRuntime"
"""The same in every stack, so a Data Flow activity's `integrationRuntime` reference moves unchanged.
Valid under both ADF's object-name rule and the stricter integration-runtime rule (letters, digits, -)."""
AUTO_RESOLVE = "AutoResolve"


def data_flow_runtime(
    scope: Scope, spec: DataFlowRuntimeSpec, adf: datafactory.Factory
) -> datafactory.IntegrationRuntime:
    """`AutoResolve` location: Data Flows run in the factory's region, which is the stack's; a custom runtime
    keeps its TTL with it (only ADF's built-in AutoResolveIntegrationRuntime has no TTL)."""
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
        ),
        opts=scope.in_factory(adf),
    )
