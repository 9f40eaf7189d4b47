"""What we emit is what Azure accepts: every payload against Microsoft's REST models and prose rules."""

from __future__ import annotations

from typing import Any

import pytest
from plans import INTERACTIVE, JOB_CLUSTER, POOL, PlanFor
from spec_check import (
    RESOURCE_PROPERTIES,
    RESOURCE_PROPERTY_SCHEMAS,
    WORKSPACE_PARAMETERS,
    linked_service_bodies,
    plan_violations,
    prose_violations,
    schema_errors,
)
from support import stacks

from components.offline.plan import Plan, reveal

FULL_JOB_CLUSTER = {
    **JOB_CLUSTER,
    "driverNodeType": "Standard_DS4_v2",
    "sparkConf": {"spark.speculation": "true"},
    "sparkEnvVars": {"ENV": "prod"},
    "customTags": {"team": "data"},
    "initScripts": ["/Volumes/main/default/init/setup.sh"],
    "logDestination": "dbfs:/logs",
    "policyId": "ABC123",
    "dataSecurityMode": "SINGLE_USER",
}
FULL_LINKED_SERVICE = {
    "name": "LS_AzureDatabricks",
    "description": "compute",
    "annotations": ["a", "b"],
    "parameters": {"p": {"type": "Int", "defaultValue": 3}},
    "connectVia": "ManagedVnetIR",
}
VARIANTS: dict[str, dict[str, Any]] = {
    "job cluster, every property": {
        "clusterMode": "newJobCluster",
        "jobCluster": FULL_JOB_CLUSTER,
        "linkedService": FULL_LINKED_SERVICE,
    },
    "instance pool": {"clusterMode": "instancePool", "instancePool": {**POOL, "initScripts": ["/Workspace/x.sh"]}},
    "managed identity": {"auth": "managedIdentity"},
    "user-assigned identity": {"auth": "managedIdentity", "managedIdentity": {"userAssigned": True}},
    "autoscaling interactive cluster": {
        "interactiveCluster": {**INTERACTIVE, "numWorkers": None, "autoscale": {"minWorkers": 1, "maxWorkers": 3}}
    },
    "private, every option": {
        "network": {
            "mode": "private",
            "deployRunner": "adf-private",
            "browserAuthentication": True,
            "linkedVirtualNetworkIds": [
                "/subscriptions/s/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/runners"
            ],
        }
    },
    "operations, every part": {
        "operations": {
            "diagnostics": True,
            "logAnalytics": {"retentionDays": 730},
            "alerts": {"emails": ["a@example.com"], "webhooks": ["https://hooks.example.com/x"]},
            "budget": {"amount": 100, "thresholds": [1, 50, 100, 500, 1000], "startMonth": "2027-01"},
            "locks": True,
        }
    },
    "vnet injection": {
        "workspace": {
            "sku": "premium",
            "vnet": {
                "id": "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet",
                "publicSubnetName": "dbw-public",
                "privateSubnetName": "dbw-private",
            },
        }
    },
}


@pytest.mark.parametrize("stack", stacks())
def test_every_stack_file_emits_spec_conformant_resources(plan_for: PlanFor, stack: str) -> None:
    assert plan_violations(plan_for(stack)) == []


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_configuration_variant_emits_spec_conformant_resources(plan_for: PlanFor, variant: str) -> None:
    plan = plan_for(**VARIANTS[variant])
    assert linked_service_bodies(plan), "no linked service to check"
    assert plan_violations(plan) == []


def test_workspace_parameters_match_the_custom_parameters_model(plan_for: PlanFor) -> None:
    plan = plan_for(**VARIANTS["vnet injection"])
    parameters = reveal(plan.one("azure-native:databricks:Workspace").inputs["parameters"])
    assert list(WORKSPACE_PARAMETERS.iter_errors(parameters)) == []
    assert parameters["customVirtualNetworkId"]["value"].endswith("/virtualNetworks/vnet")


def test_every_network_resource_of_prod_is_checked_and_a_stray_property_is_refused(prod_plan: Plan) -> None:
    """prod is private: each network type has its REST view (network.schema.json, SOURCES.md), and the view is
    closed: a property the model does not declare is refused."""
    from spec_check import RESOURCE_PROPERTIES, RESOURCE_PROPERTY_SCHEMAS

    from components.offline.network_state import NETWORK_TYPES

    assert {r.type for r in prod_plan.resources} >= set(NETWORK_TYPES)
    assert set(NETWORK_TYPES) <= set(RESOURCE_PROPERTY_SCHEMAS)
    subnet = next(r for r in prod_plan.by_type("azure-native:network:Subnet") if r.inputs.get("delegations"))
    body = RESOURCE_PROPERTIES[subnet.type](reveal(subnet.inputs))
    assert body["delegations"][0]["properties"]["serviceName"] == "Microsoft.Databricks/workspaces"
    body["delegations"][0]["serviceName"] = "flattened"
    assert list(RESOURCE_PROPERTY_SCHEMAS[subnet.type].iter_errors(body))


def test_the_schema_check_rejects_a_property_the_spec_does_not_declare(dev_plan: Plan) -> None:
    body = linked_service_bodies(dev_plan)[-1]
    body["typeProperties"]["clusterId"] = "1124-x"
    assert any("clusterId" in e for e in schema_errors(body))


def test_the_schema_check_rejects_a_missing_domain(dev_plan: Plan) -> None:
    body = next(b for b in linked_service_bodies(dev_plan) if b["type"] == "AzureDatabricks")
    del body["typeProperties"]["domain"]
    assert any("'domain' is a required property" in e for e in schema_errors(body))


def test_the_prose_rules_reject_two_cluster_modes_at_once(dev_plan: Plan) -> None:
    body = next(b for b in linked_service_bodies(dev_plan) if b["type"] == "AzureDatabricks")
    body["typeProperties"]["newClusterVersion"] = "15.4.x-scala2.12"
    assert any("existingClusterId with" in p for p in prose_violations(body))


def test_the_prose_rules_reject_a_pool_with_a_worker_range(plan_for: PlanFor) -> None:
    body = next(
        b for b in linked_service_bodies(plan_for(**VARIANTS["instance pool"])) if b["type"] == "AzureDatabricks"
    )
    body["typeProperties"]["newClusterNumOfWorker"] = "2:8"
    assert "a pool takes a fixed newClusterNumOfWorker" in prose_violations(body)


def test_the_prose_rules_reject_an_inverted_worker_range(prod_plan: Plan) -> None:
    body = next(b for b in linked_service_bodies(prod_plan) if b["type"] == "AzureDatabricks")
    body["typeProperties"]["newClusterNumOfWorker"] = "8:2"
    assert any("is not N or min:max" in p for p in prose_violations(body))


OPERATIONS_TYPES = (
    "azure-native:monitor:DiagnosticSetting",
    "azure-native:monitor:ActionGroup",
    "azure-native:monitor:MetricAlert",
    "azure-native:consumption:Budget",
    "azure-native:authorization:ManagementLockByScope",
    "azure-native:operationalinsights:Workspace",
)


def test_every_operations_payload_is_checked_against_its_rest_model(plan_for: PlanFor) -> None:
    """monitoring.schema.json (SOURCES.md): each operations type's body, as its REST model declares it."""
    plan = plan_for(**VARIANTS["operations, every part"])
    assert {r.type for r in plan.resources} >= set(OPERATIONS_TYPES)
    assert plan_violations(plan) == []


@pytest.mark.parametrize(
    ("typ", "path", "value", "fragment"),
    [
        ("azure-native:consumption:Budget", ("timePeriod", "startDate"), "2027-01-15T00:00:00Z", "does not match"),
        ("azure-native:monitor:ActionGroup", ("groupShortName",), "thirteen-char", "is too long"),
        ("azure-native:monitor:DiagnosticSetting", ("logs",), [{"categoryGroup": "allLogs"}], "'enabled'"),
        ("azure-native:operationalinsights:Workspace", ("retentionInDays",), 7, "less than the minimum"),
    ],
)
def test_the_operations_schemas_refuse_what_azure_refuses(
    plan_for: PlanFor, typ: str, path: tuple[str, ...], value: Any, fragment: str
) -> None:
    plan = plan_for(**VARIANTS["operations, every part"])
    record = next(r for r in plan.resources if r.type == typ)
    inputs = reveal(record.inputs)
    node = inputs
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    properties = RESOURCE_PROPERTIES[typ](inputs)
    assert any(fragment in e.message for e in RESOURCE_PROPERTY_SCHEMAS[typ].iter_errors(properties))
