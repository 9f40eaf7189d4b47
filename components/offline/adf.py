"""Data Factory objects as ADF's REST API, Code view and Git integration show them."""

from __future__ import annotations

from typing import Any

from components.offline.plan import Plan, ResourceRecord

LINKED_SERVICE_TYPE = "azure-native:datafactory:LinkedService"
CREDENTIAL_TYPE = "azure-native:datafactory:CredentialOperation"
# Pulumi type → (the input holding the object's name, the ARM type a Git-integrated factory's JSON file carries).
ADF_OBJECTS = {
    LINKED_SERVICE_TYPE: ("linkedServiceName", "Microsoft.DataFactory/factories/linkedservices"),
    CREDENTIAL_TYPE: ("credentialName", "Microsoft.DataFactory/factories/credentials"),
}
# Properties of the object itself; everything else nests under `typeProperties`.
ENVELOPE_KEYS = ("type", "version", "connectVia", "description", "parameters", "annotations")


def rest_body(properties: dict[str, Any]) -> dict[str, Any]:
    """pulumi-azure-native flattens `typeProperties` into `properties`; the REST body nests them."""
    envelope = {k: v for k, v in properties.items() if k in ENVELOPE_KEYS}
    envelope["typeProperties"] = {k: v for k, v in properties.items() if k not in ENVELOPE_KEYS}
    return envelope


def code_view(record: ResourceRecord) -> dict[str, Any]:
    name_key, arm_type = ADF_OBJECTS[record.type]
    return {"name": record.inputs[name_key], "type": arm_type, "properties": rest_body(record.inputs["properties"])}


def linked_services(plan: Plan) -> list[ResourceRecord]:
    return plan.by_type(LINKED_SERVICE_TYPE)


def factory_objects(plan: Plan) -> list[ResourceRecord]:
    """Every ADF object the plan creates inside a factory: the linked services and what they reference
    (the user-assigned identity's credential)."""
    return [r for r in plan.resources if r.type in ADF_OBJECTS]
