"""A mock resource monitor that does what the Pulumi engine does and Pulumi's MockMonitor skips.

- marks `additional_secret_outputs` secret, and any output whose input held a secret;
- builds URNs as the engine does (children of the stack carry no `pulumi:pulumi:Stack$` prefix);
- records each registration (parent, dependencies, provider and the lifecycle options: protect,
  retainOnDelete, deletedWith, ignoreChanges, replaceOnChanges, deleteBeforeReplace, import) for the plan;
- resolves aliases to the URNs the engine would match against state, children inheriting their parent's
  (pulumi/pulumi `pkg/resource/deploy/step_generator.go`: `generateAliases`, `inheritedChildAlias`).
"""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor, MockResourceArgs
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import get_project, get_stack
from pulumi.runtime.sync_await import _sync_await

from components.offline.plan import ResourceRecord, Secret, holds_secret, reveal

_SIG = rpc._special_sig_key
_SECRET_SIG = rpc._special_secret_sig
_UNKNOWN = rpc.UNKNOWN


def decode(value: Any) -> Any:
    """Wire value → Python, secrets as `Secret`, unknowns as None."""
    if isinstance(value, dict):
        if value.get(_SIG) == _SECRET_SIG:
            return Secret(decode(value.get("value")))
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # protobuf carries every number as a double
    return None if value == _UNKNOWN else value


def _wire(value: Any) -> Any:
    if isinstance(value, Secret):
        return {_SIG: _SECRET_SIG, "value": _wire(value.value)}
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v) for v in value]
    return value


class EngineMonitor(MockMonitor):
    def __init__(self, mocks: Any) -> None:
        super().__init__(mocks)
        self.records: list[ResourceRecord] = []
        self.root_urn = ""
        self.aliases: dict[str, tuple[str, ...]] = {}

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        if parent and parent != self.root_urn:
            type_ = f"{parent.split('::')[2]}${type_}"
        return f"urn:pulumi:{get_stack()}::{get_project()}::{type_}::{name}"

    def _alias_urns(self, request: Any) -> tuple[str, ...]:
        """What the engine makes of a registration's aliases: its own specs, then its parent's, multiplied out."""
        own = [
            alias.urn
            or self.make_urn(
                request.parent if not alias.spec.noParent else "",
                alias.spec.type or request.type,
                alias.spec.name or request.name,
            )
            for alias in request.aliases
        ]
        inherited = []
        parent_name = request.parent.rsplit("::", 1)[-1] if request.parent else ""
        for parent_alias in self.aliases.get(request.parent, ()):
            prefix, alias_parent_name = parent_alias.rsplit("::", 1)
            qualified_parent_type = prefix.split("::", 2)[2]
            name = request.name
            if parent_name and name.startswith(parent_name):
                name = alias_parent_name + name[len(parent_name) :]
            inherited.append(
                f"urn:pulumi:{get_stack()}::{get_project()}::{qualified_parent_type}${request.type}::{name}"
            )
        return tuple(dict.fromkeys(own + inherited))

    def RegisterResource(self, request: Any) -> resource_pb2.RegisterResourceResponse:  # noqa: N802
        urn = self.make_urn(request.parent, request.type, request.name)
        self.aliases[urn] = self._alias_urns(request)
        if request.type == "pulumi:pulumi:Stack":
            self.root_urn = urn
            return resource_pb2.RegisterResourceResponse(urn=urn)
        pulumi_mocks._ensure_event_loop()  # type: ignore[attr-defined,no-untyped-call]
        inputs = decode(json_format.MessageToDict(request.object))
        resource_id, state = self.mocks.new_resource(
            MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=reveal(inputs),
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom or False,
            )
        )
        secret_keys = set(request.additionalSecretOutputs) | {k for k, v in inputs.items() if holds_secret(v)}
        outputs = {k: Secret(v) if k in secret_keys and not isinstance(v, Secret) else v for k, v in state.items()}
        resource_id = resource_id or ""
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, resource_id, reveal(outputs))
        self.records.append(
            ResourceRecord(
                urn=urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=bool(request.custom),
                id=resource_id,
                inputs=inputs,
                outputs=outputs,
                dependencies=tuple(request.dependencies),
                provider=request.provider.rsplit("::", 1)[0] if request.provider else "",
                protect=bool(request.protect),
                delete_before_replace=bool(request.deleteBeforeReplace),
                retain_on_delete=bool(request.retainOnDelete),
                deleted_with=request.deletedWith,
                ignore_changes=tuple(request.ignoreChanges),
                replace_on_changes=tuple(request.replaceOnChanges),
                import_id=request.importId,
                aliases=self.aliases[urn],
            )
        )
        proto = _sync_await(rpc.serialize_properties(_wire(outputs), {}))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=proto)
