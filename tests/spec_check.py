"""Checks against Microsoft's REST models (the JSON-schema views in components/offline/specs).

The views leave `additionalProperties` open; the REST models do not accept unknown properties, so
these checks close every object that declares its properties. Rules the spec states only in prose
(databricks-constraints.md) are checked by `prose_violations`.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema

from components.offline.adf import code_view, linked_services, rest_body
from components.offline.plan import Plan, reveal
from components.offline.project import SPECS

DOMAIN = re.compile(r"https://[A-Za-z0-9.-]+\.azuredatabricks\.net")
WORKERS_FIXED = re.compile(r"[1-9]\d*")
WORKERS_RANGE = re.compile(r"([1-9]\d*):([1-9]\d*)")
NEW_CLUSTER_PREFIX = "newCluster"


def _closed(schema: Any) -> Any:
    if isinstance(schema, dict):
        closed = {k: _closed(v) for k, v in schema.items()}
        if "properties" in closed and "additionalProperties" not in closed:
            closed["additionalProperties"] = False
        return closed
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    return schema


# A polymorphic base in the REST models: the `type` discriminator picks the concrete definition.
DISCRIMINATED = {"SecretBase": ["SecureString", "AzureKeyVaultSecretReference"]}


def validator(spec_file: str, definition: str, specs: Path = SPECS) -> jsonschema.Validator:
    document = json.loads((specs / spec_file).read_text())
    definitions = _closed(copy.deepcopy(document["definitions"]))
    for base, concrete in DISCRIMINATED.items():
        if base in definitions:
            definitions[base] = {"oneOf": [{"$ref": f"#/definitions/{name}"} for name in concrete]}
    return jsonschema.Draft7Validator({"$ref": f"#/definitions/{definition}", "definitions": definitions})


LINKED_SERVICE_SCHEMAS = {
    "AzureDatabricks": validator("adf-linked-services.schema.json", "AzureDatabricksLinkedService"),
    "AzureKeyVault": validator("adf-linked-services.schema.json", "AzureKeyVaultLinkedService"),
}


def schema_errors(body: dict[str, Any]) -> list[str]:
    check = LINKED_SERVICE_SCHEMAS[body["type"]]
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in check.iter_errors(body)]


CLUSTER_KEYS = ("existingClusterId", "instancePoolId")


def prose_violations(body: dict[str, Any], serverless: bool = False) -> list[str]:
    """The rules the ADF spec states in its descriptions (databricks-constraints.md).

    `serverless`: the stack runs its Databricks work as a Job activity. The REST model has no serverless
    marker (AzureDatabricksLinkedServiceTypeProperties requires only `domain`), and "the Azure Databricks
    Job activity automatically runs on serverless clusters, so you don't need to specify a cluster in your
    linked service" (learn.microsoft.com, Data Factory "Transform data by running a Databricks job"): such
    a linked service holds the domain and the authentication only, which is accepted in this mode alone.
    """
    if body["type"] != "AzureDatabricks":
        return []
    props = body["typeProperties"]
    problems = []
    new_cluster = [k for k in props if k.startswith(NEW_CLUSTER_PREFIX)]
    if serverless:
        named = [k for k in props if k in CLUSTER_KEYS or k.startswith(NEW_CLUSTER_PREFIX)]
        if named:
            problems.append(f"serverless: the linked service names a cluster ({', '.join(named)})")
        return problems + _auth_and_domain_violations(props)
    if "existingClusterId" in props and (new_cluster or "instancePoolId" in props):
        problems.append(f"existingClusterId with {new_cluster + ['instancePoolId'][: 'instancePoolId' in props]}")
    if "existingClusterId" not in props and "newClusterVersion" not in props:
        problems.append("neither an existing cluster nor a new cluster version")
    if "newClusterVersion" in props and "newClusterNumOfWorker" not in props:
        problems.append("newClusterVersion without newClusterNumOfWorker")
    if "instancePoolId" in props:
        if "newClusterVersion" not in props:
            problems.append("instancePoolId without newClusterVersion")
        if not WORKERS_FIXED.fullmatch(str(props.get("newClusterNumOfWorker", ""))):
            problems.append("a pool takes a fixed newClusterNumOfWorker")
    workers = props.get("newClusterNumOfWorker")
    if workers is not None:
        ranged = WORKERS_RANGE.fullmatch(str(workers))
        if not (WORKERS_FIXED.fullmatch(str(workers)) or (ranged and int(ranged[1]) <= int(ranged[2]))):
            problems.append(f"newClusterNumOfWorker {workers!r} is not N or min:max")
    return problems + _auth_and_domain_violations(props)


def _auth_and_domain_violations(props: dict[str, Any]) -> list[str]:
    problems = []
    if not DOMAIN.fullmatch(str(props.get("domain"))):
        problems.append(f"domain {props.get('domain')!r}")
    has_token = "accessToken" in props
    if has_token == (props.get("authentication") == "MSI"):
        problems.append("exactly one of accessToken and authentication: MSI")
    if props.get("authentication") == "MSI" and "workspaceResourceId" not in props:
        problems.append("MSI without workspaceResourceId")
    return problems


def linked_service_bodies(plan: Plan) -> list[dict[str, Any]]:
    return [rest_body(reveal(record.inputs["properties"])) for record in linked_services(plan)]


def plan_violations(plan: Plan) -> list[str]:
    """Every schema and prose violation in a plan's linked services, pipelines, integration runtimes,
    workspace and Key Vault."""
    problems = []
    serverless = is_serverless(plan)
    for body in linked_service_bodies(plan):
        problems += [f"{body['type']}: {p}" for p in schema_errors(body) + prose_violations(body, serverless)]
    problems += pipeline_violations(plan) + runtime_violations(plan)
    for record in plan.resources:
        check = RESOURCE_PROPERTY_SCHEMAS.get(record.type)
        if check:
            properties = RESOURCE_PROPERTIES[record.type](reveal(record.inputs))
            problems += [f"{record.type}: {e.message}" for e in check.iter_errors(properties)]
    return problems


def _workspace_properties(inputs: dict[str, Any]) -> dict[str, Any]:
    keys = ("computeMode", "managedResourceGroupId", "parameters", "publicNetworkAccess", "requiredNsgRules")
    return {k: inputs[k] for k in keys if k in inputs}


# pulumi-azure-native names these by the spec's x-ms-client-name and sends the REST name on the wire.
SECRET_ATTRIBUTE_WIRE_NAMES = {"expires": "exp", "notBefore": "nbf"}


def _secret_properties(inputs: dict[str, Any]) -> dict[str, Any]:
    properties = dict(inputs["properties"])
    attributes = properties.get("attributes", {})
    properties["attributes"] = {SECRET_ATTRIBUTE_WIRE_NAMES.get(k, k): v for k, v in attributes.items()}
    return properties


# --------------------------------------------------------------------------------------------------
# Pipelines and integration runtimes (adf-pipelines-and-runtimes.schema.json).
# --------------------------------------------------------------------------------------------------

PIPELINES_SPEC = "adf-pipelines-and-runtimes.schema.json"
PIPELINE_TYPE = "azure-native:datafactory:Pipeline"
RUNTIME_TYPE = "azure-native:datafactory:IntegrationRuntime"
NOTEBOOK_TYPE = "databricks:index/notebook:Notebook"
JOB_TYPE = "databricks:index/job:Job"
FACTORY_CHILD_PATH = ("factoryName", "resourceGroupName")
"""URL path parameters of every factory child: in the ARM URL, not in its body."""

# An activity's `type` names the definition it is: the REST model's discriminator values.
ACTIVITY_DEFINITIONS = {
    "DatabricksNotebook": "DatabricksNotebookActivity",
    "DatabricksJob": "DatabricksJobActivity",
    "DatabricksSparkJar": "DatabricksSparkJarActivity",
    "DatabricksSparkPython": "DatabricksSparkPythonActivity",
    "ExecuteDataFlow": "ExecuteDataFlowActivity",
}
DATABRICKS_ACTIVITIES = ("DatabricksNotebook", "DatabricksJob", "DatabricksSparkJar", "DatabricksSparkPython")
# The REST model's own descriptions (IntegrationRuntimeDataFlowProperties, DataFlowComputeType).
CORE_COUNTS = (8, 16, 32, 48, 80, 144, 272)
COMPUTE_TYPES = ("General", "MemoryOptimized", "ComputeOptimized")


def _definitions(spec_file: str) -> dict[str, Any]:
    definitions: dict[str, Any] = json.loads((SPECS / spec_file).read_text())["definitions"]
    return definitions


def nested(definition: str, flat: dict[str, Any], spec_file: str = PIPELINES_SPEC) -> dict[str, Any]:
    """pulumi-azure-native flattens an object's `typeProperties` into it; the REST body nests them. What the
    definition declares besides `typeProperties` stays outside; everything else goes inside."""
    declared = set(_definitions(spec_file)[definition]["properties"])
    outside = declared - {"typeProperties"}
    body = {k: v for k, v in flat.items() if k in outside}
    if "typeProperties" in declared:
        body["typeProperties"] = {k: v for k, v in flat.items() if k not in outside}
    return body


ACTIVITY_SCHEMAS = {kind: validator(PIPELINES_SPEC, name) for kind, name in ACTIVITY_DEFINITIONS.items()}
PIPELINE_SCHEMA = validator(PIPELINES_SPEC, "Pipeline")
MANAGED_RUNTIME_SCHEMA = validator(PIPELINES_SPEC, "ManagedIntegrationRuntime")


def _errors(check: jsonschema.Validator, body: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}" for e in check.iter_errors(body)]


def activity_body(activity: dict[str, Any]) -> dict[str, Any]:
    """One activity as the REST body holds it (typeProperties nested), for the definition its type names."""
    definition = ACTIVITY_DEFINITIONS.get(activity.get("type", ""))
    return nested(definition, activity) if definition else activity


def activity_errors(body: dict[str, Any]) -> list[str]:
    """Strictly against the definition its `type` names: an activity of any other type is refused, since
    the base `Activity` would accept anything."""
    check = ACTIVITY_SCHEMAS.get(body.get("type", ""))
    if check is None:
        return [f"type {body.get('type')!r}: not an activity type this project emits"]
    return _errors(check, body)


def pipeline_body(inputs: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The Pipeline resource's inputs → (`properties` as the REST body, inputs that are neither body nor
    path). Activities are left out of the envelope check: each validates against its own definition."""
    declared = set(_definitions(PIPELINES_SPEC)["Pipeline"]["properties"])
    path = {*FACTORY_CHILD_PATH, "pipelineName"}
    body = {k: v for k, v in inputs.items() if k in declared}
    return body, sorted(set(inputs) - declared - path)


def reference_violations(plan: Plan, pipeline: dict[str, Any], body: dict[str, Any]) -> list[str]:
    """What the permissive model cannot know: every reference points at something this plan creates."""
    problems = []
    ours = {
        (reveal(r.inputs["factoryName"]), r.inputs["linkedServiceName"])
        for r in linked_services(plan)
        if r.inputs["properties"].get("type") == "AzureDatabricks"
    }
    notebooks = {r.inputs["path"] for r in plan.by_type(NOTEBOOK_TYPE)}
    jobs = {r.id for r in plan.by_type(JOB_TYPE)}
    kind, props = body.get("type"), body.get("typeProperties", {})
    link = body.get("linkedServiceName") or {}
    if kind in DATABRICKS_ACTIVITIES:
        if (pipeline["factoryName"], link.get("referenceName")) not in ours:
            problems.append(f"linkedServiceName {link.get('referenceName')!r}: not this stack's AzureDatabricks")
        if link.get("type") != "LinkedServiceReference":
            problems.append(f"linkedServiceName.type {link.get('type')!r}")
    if kind == "DatabricksNotebook" and props.get("notebookPath") not in notebooks:
        problems.append(f"notebookPath {props.get('notebookPath')!r}: no notebook this stack deploys")
    if kind == "DatabricksJob" and str(props.get("jobId")) not in jobs:
        problems.append(f"jobId {props.get('jobId')!r}: no job this stack deploys")
    return problems


def pipeline_violations(plan: Plan) -> list[str]:
    problems = []
    for record in plan.by_type(PIPELINE_TYPE):
        inputs = reveal(record.inputs)
        body, stray = pipeline_body(inputs)
        problems += [f"Pipeline: {key}: not a Pipeline property" for key in stray]
        problems += [f"Pipeline: {e}" for e in _errors(PIPELINE_SCHEMA, {**body, "activities": []})]
        for activity in body.get("activities", []):
            nested_activity = activity_body(activity)
            label = f"Pipeline activity {activity.get('name')!r}"
            problems += [f"{label}: {e}" for e in activity_errors(nested_activity)]
            problems += [f"{label}: {e}" for e in reference_violations(plan, inputs, nested_activity)]
    return problems


def runtime_violations(plan: Plan) -> list[str]:
    """Managed runtimes against the model, and the values its descriptions allow."""
    problems = []
    for record in plan.by_type(RUNTIME_TYPE):
        inputs = reveal(record.inputs)
        stray = sorted(set(inputs) - {*FACTORY_CHILD_PATH, "integrationRuntimeName", "properties"})
        problems += [f"IntegrationRuntime: {key}: not an IntegrationRuntime property" for key in stray]
        body = nested("ManagedIntegrationRuntime", inputs["properties"])
        problems += [f"IntegrationRuntime: {e}" for e in _errors(MANAGED_RUNTIME_SCHEMA, body)]
        flow = body.get("typeProperties", {}).get("computeProperties", {}).get("dataFlowProperties", {})
        if flow.get("coreCount") not in CORE_COUNTS:
            problems.append(f"IntegrationRuntime: coreCount {flow.get('coreCount')!r}")
        if flow.get("computeType") not in COMPUTE_TYPES:
            problems.append(f"IntegrationRuntime: computeType {flow.get('computeType')!r}")
        if not isinstance(flow.get("timeToLive"), int) or flow["timeToLive"] < 0:
            problems.append(f"IntegrationRuntime: timeToLive {flow.get('timeToLive')!r}")
    return problems


def is_serverless(plan: Plan) -> bool:
    output = plan.outputs.get("clusterMode")
    return output is not None and output.value == "serverless"


# --------------------------------------------------------------------------------------------------
# Private networking (network.schema.json): azure-native flattens each nested resource's `properties`
# (x-ms-client-flatten); the wire re-nests them, as these extractors do.
# --------------------------------------------------------------------------------------------------

NETWORK_SPEC = "network.schema.json"
ARM_ENVELOPE = ("resourceGroupName", "location", "tags", "extendedLocation", "id", "name", "type")


def _renest(item: dict[str, Any]) -> dict[str, Any]:
    """`{name, serviceName}` → `{name, properties: {serviceName}}`: a flattened sub-resource as the wire has it."""
    outer = {k: v for k, v in item.items() if k in ("id", "name", "type")}
    inner = {k: v for k, v in item.items() if k not in outer}
    return {**outer, "properties": inner} if inner else outer


def _network_properties(*path_keys: str, nested: tuple[str, ...] = ()) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def extract(inputs: dict[str, Any]) -> dict[str, Any]:
        body = {k: v for k, v in inputs.items() if k not in (*ARM_ENVELOPE, *path_keys)}
        for key in nested:
            if isinstance(body.get(key), list):
                body[key] = [_renest(item) for item in body[key]]
            elif isinstance(body.get(key), dict):
                body[key] = _renest(body[key])
        return body

    return extract


NETWORK_TYPES = {
    "azure-native:network:VirtualNetwork": ("VirtualNetworkPropertiesFormat", ("virtualNetworkName",), ()),
    "azure-native:network:Subnet": ("SubnetPropertiesFormat", ("virtualNetworkName", "subnetName"), ("delegations",)),
    "azure-native:network:NetworkSecurityGroup": (
        "NetworkSecurityGroupPropertiesFormat",
        ("networkSecurityGroupName",),
        (),
    ),
    "azure-native:network:PrivateEndpoint": (
        "PrivateEndpointProperties",
        ("privateEndpointName",),
        ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections"),
    ),
    "azure-native:network:PrivateDnsZoneGroup": (
        "PrivateDnsZoneGroupPropertiesFormat",
        ("privateEndpointName", "privateDnsZoneGroupName"),
        ("privateDnsZoneConfigs",),
    ),
    "azure-native:privatedns:PrivateZone": ("PrivateZoneProperties", ("privateZoneName",), ()),
    "azure-native:privatedns:VirtualNetworkLink": (
        "VirtualNetworkLinkProperties",
        ("privateZoneName", "virtualNetworkLinkName"),
        (),
    ),
}
"""azure-native type → (REST definition of its `properties` body, URL path inputs, nested flattened sub-resources)."""


def _endpoint_subnet(extract: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A private endpoint's `subnet` is a Subnet reference; azure-native adds the subnet's defaults, flattened."""

    def with_subnet(inputs: dict[str, Any]) -> dict[str, Any]:
        body = extract(inputs)
        if isinstance(body.get("subnet"), dict):
            body["subnet"] = {"id": body["subnet"].get("id")}
        return body

    return with_subnet


RESOURCE_PROPERTY_SCHEMAS = {
    "azure-native:databricks:Workspace": validator("databricks-workspace.schema.json", "WorkspaceProperties"),
    "azure-native:keyvault:Vault": validator("keyvault.schema.json", "VaultProperties"),
    "azure-native:keyvault:Secret": validator("keyvault.schema.json", "SecretProperties"),
    **{typ: validator(NETWORK_SPEC, definition) for typ, (definition, _, _) in NETWORK_TYPES.items()},
}
RESOURCE_PROPERTIES = {
    **{typ: _network_properties(*keys, nested=nested) for typ, (_, keys, nested) in NETWORK_TYPES.items()},
    "azure-native:network:PrivateEndpoint": _endpoint_subnet(
        _network_properties("privateEndpointName", nested=NETWORK_TYPES["azure-native:network:PrivateEndpoint"][2])
    ),
    "azure-native:databricks:Workspace": _workspace_properties,
    "azure-native:keyvault:Vault": lambda inputs: inputs["properties"],
    "azure-native:keyvault:Secret": _secret_properties,
}
WORKSPACE_PARAMETERS = validator("databricks-workspace.schema.json", "WorkspaceCustomParameters")

__all__ = [
    "WORKSPACE_PARAMETERS",
    "activity_body",
    "activity_errors",
    "code_view",
    "linked_service_bodies",
    "pipeline_violations",
    "plan_violations",
    "prose_violations",
    "runtime_violations",
    "schema_errors",
]
