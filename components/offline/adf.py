"""Linked services as Data Factory's REST API and Code view show them."""

from __future__ import annotations

from typing import Any

from components.offline.plan import Plan, ResourceRecord

LINKED_SERVICE_TYPE = "azure-native:datafactory:LinkedService"
# Properties of the LinkedService itself; everything else nests under `typeProperties`.
ENVELOPE_KEYS = ("type", "version", "connectVia", "description", "parameters", "annotations")


def rest_body(properties: dict[str, Any]) -> dict[str, Any]:
    """pulumi-azure-native flattens `typeProperties` into `properties`; the REST body nests them."""
    envelope = {k: v for k, v in properties.items() if k in ENVELOPE_KEYS}
    envelope["typeProperties"] = {k: v for k, v in properties.items() if k not in ENVELOPE_KEYS}
    return envelope


def code_view(record: ResourceRecord) -> dict[str, Any]:
    return {"name": record.inputs["linkedServiceName"], "properties": rest_body(record.inputs["properties"])}


def linked_services(plan: Plan) -> list[ResourceRecord]:
    return plan.by_type(LINKED_SERVICE_TYPE)
