"""Checks against Microsoft's REST models (the JSON-schema views in components/offline/specs).

The views leave `additionalProperties` open; the REST models do not accept unknown properties, so
these checks close every object that declares its properties. Rules the spec states only in prose
(databricks-constraints.md) are checked by `prose_violations`.
"""

from __future__ import annotations

import copy
import json
import re
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


def prose_violations(body: dict[str, Any]) -> list[str]:
    """The rules the ADF spec states in its descriptions (databricks-constraints.md)."""
    if body["type"] != "AzureDatabricks":
        return []
    props = body["typeProperties"]
    problems = []
    new_cluster = [k for k in props if k.startswith(NEW_CLUSTER_PREFIX)]
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
    """Every schema and prose violation in a plan's linked services, workspace and Key Vault."""
    problems = []
    for body in linked_service_bodies(plan):
        problems += [f"{body['type']}: {p}" for p in schema_errors(body) + prose_violations(body)]
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


RESOURCE_PROPERTY_SCHEMAS = {
    "azure-native:databricks:Workspace": validator("databricks-workspace.schema.json", "WorkspaceProperties"),
    "azure-native:keyvault:Vault": validator("keyvault.schema.json", "VaultProperties"),
    "azure-native:keyvault:Secret": validator("keyvault.schema.json", "SecretProperties"),
}
RESOURCE_PROPERTIES = {
    "azure-native:databricks:Workspace": _workspace_properties,
    "azure-native:keyvault:Vault": lambda inputs: inputs["properties"],
    "azure-native:keyvault:Secret": _secret_properties,
}
WORKSPACE_PARAMETERS = validator("databricks-workspace.schema.json", "WorkspaceCustomParameters")

__all__ = [
    "WORKSPACE_PARAMETERS",
    "code_view",
    "linked_service_bodies",
    "plan_violations",
    "prose_violations",
    "schema_errors",
]
