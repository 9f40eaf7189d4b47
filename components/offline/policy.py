"""The policy pack run offline: the pack's own policies (policy/rules.py) on an offline plan, without the CLI.

Resources reach the policies as the engine hands them over: properties serialized to a protobuf Struct (secrets as
secret objects, numbers as doubles), deserialized by pulumi_policy itself (secrets in plain text) and wrapped in its
unknown-checking proxies. A resource policy gets the resource's inputs and options; a stack policy every resource's
outputs plus the `pulumi:pulumi:Stack` resource, whose outputs are the stack outputs. The same policy objects the
pack hands to `PolicyPack` (policy/__main__.py) validate here: one code for both. pulumi_policy is the pack's
dependency (policy/requirements.txt, and the development set), not the preview's.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import ModuleType
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG, SPECIAL_SIG_KEY, deserialize_properties
from pulumi_policy.proxy import unknown_checking_proxy

from components.offline.plan import Plan, ResourceRecord, Secret

STACK = "pulumi:pulumi:Stack"


def wire(value: Any) -> Any:
    """Python value → what the engine sends: secrets as secret objects."""
    if isinstance(value, Secret):
        return {SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG, "value": wire(value.value)}
    if isinstance(value, Mapping):
        return {k: wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [wire(v) for v in value]
    return value


def to_struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(wire(props))
    return struct


def engine_view(props: Mapping[str, Any]) -> Mapping[str, Any]:
    """Exactly what pulumi_policy's analyzer does with a request's properties."""
    deserialized = deserialize_properties(json_format.MessageToDict(to_struct(props)))
    view: Mapping[str, Any] = unknown_checking_proxy(deserialized)
    return view


def options(record: ResourceRecord, protect: bool | None = None) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=record.protect if protect is None else protect,
        ignore_changes=[],
        delete_before_replace=record.delete_before_replace or None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=record.parent or None,
    )


def provider_of(plan: Plan, record: ResourceRecord) -> PolicyProviderResource | None:
    if not record.provider:
        return None
    provider = plan.by_urn(record.provider)
    return PolicyProviderResource(provider.type, engine_view(provider.inputs), provider.urn, provider.name)


def resource_args(
    plan: Plan,
    record: ResourceRecord,
    *,
    inputs: Mapping[str, Any] | None = None,
    resource_type: str | None = None,
    config: Mapping[str, Any] | None = None,
) -> ResourceValidationArgs:
    """A resource validation sees the resource's inputs (secrets in plain text) and its options."""
    return ResourceValidationArgs(
        resource_type or record.type,
        engine_view(record.inputs if inputs is None else inputs),
        record.urn,
        record.name,
        options(record),
        provider_of(plan, record),
        config,
    )


def root_urn(plan: Plan) -> str:
    """The `pulumi:pulumi:Stack` resource: the parent no record of the plan is."""
    urns = {r.urn for r in plan.resources}
    roots = {r.parent for r in plan.resources if r.parent and r.parent not in urns}
    if len(roots) != 1:
        raise LookupError(f"expected one stack resource, found {sorted(roots)}")
    return roots.pop()


def stack_outputs(plan: Plan) -> dict[str, Any]:
    return {name: Secret(o.value) if o.secret else o.value for name, o in plan.outputs.items()}


def stack_args(
    plan: Plan,
    *,
    outputs: Mapping[str, Any] | None = None,
    props: Mapping[str, Mapping[str, Any]] | None = None,
    config: Mapping[str, Any] | None = None,
) -> StackValidationArgs:
    """A stack validation sees every resource's outputs, the root stack resource's being the stack outputs.

    `props` replaces the outputs of the named resources (as the engine would send them).
    """
    replaced = props or {}
    root = root_urn(plan)
    stack = PolicyResource(
        STACK,
        engine_view(stack_outputs(plan) if outputs is None else outputs),
        root,
        root.rsplit("::", 1)[1],
        PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), []),
        None,
        None,
        [],
        {},
    )
    by_urn: dict[str, PolicyResource] = {root: stack}
    for r in plan.resources:
        view = replaced[r.name] if r.name in replaced else engine_view(r.outputs)
        by_urn[r.urn] = PolicyResource(r.type, view, r.urn, r.name, options(r), provider_of(plan, r), None, [], {})
    for r in plan.resources:
        by_urn[r.urn].parent = by_urn.get(r.parent)
        by_urn[r.urn].dependencies = [by_urn[d] for d in r.dependencies if d in by_urn]
    return StackValidationArgs(list(by_urn.values()), config)


@dataclass(frozen=True)
class Violation:
    message: str
    urn: str | None


def run_policy(
    policy: ResourceValidationPolicy | StackValidationPolicy, args: ResourceValidationArgs | StackValidationArgs
) -> list[Violation]:
    """What the policy reports on these args (the pack's rules are synchronous)."""
    found: list[Violation] = []

    def report_violation(message: str, urn: str | None = None) -> None:
        found.append(Violation(message, urn))

    policy.validate(args, report_violation)  # type: ignore[arg-type]  # each policy gets its own kind of args
    return found


run_resource_policy = run_stack_policy = run_policy


@dataclass(frozen=True)
class Finding:
    """One violation: the policy, its enforcement level, the resource, what is wrong (never a value)."""

    policy: str
    level: str
    urn: str
    message: str

    def __str__(self) -> str:
        return f"[{self.level}] {self.policy}: {self.urn.rsplit('::', 1)[-1]}: {self.message}"


def pack() -> ModuleType:
    """policy/rules.py, as the tests import it (the project's root on sys.path)."""
    return importlib.import_module("policy.rules")


def _config(policy: Any, today: date) -> dict[str, Any] | None:
    """Each policy's defaults, and the day runtime support is judged on (the preview's `--today`)."""
    schema = getattr(policy, "config_schema", None)
    properties = dict(getattr(schema, "properties", None) or {})
    config = {k: v["default"] for k, v in properties.items() if isinstance(v, dict) and "default" in v}
    if "judgedOn" in properties:
        config["judgedOn"] = today.isoformat()
    return config or None


def _level(policy: Any) -> str:
    level = policy.enforcement_level or EnforcementLevel.ADVISORY
    return str(level.value if hasattr(level, "value") else level)


def evaluate(plan: Plan, today: date) -> list[Finding]:
    """Every policy of the pack on every resource of the plan (resource policies) and on the stack (stack
    policies), sorted by resource and policy."""
    found: list[Finding] = []
    for policy in pack().ALL_POLICIES:
        config = _config(policy, today)
        if isinstance(policy, ResourceValidationPolicy):
            for record in plan.resources:
                for v in run_resource_policy(policy, resource_args(plan, record, config=config)):
                    found.append(Finding(policy.name, _level(policy), v.urn or record.urn, v.message))
        elif isinstance(policy, StackValidationPolicy):
            for v in run_stack_policy(policy, stack_args(plan, config=config)):
                found.append(Finding(policy.name, _level(policy), v.urn or root_urn(plan), v.message))
    return sorted(found, key=lambda f: (f.urn, f.policy, f.message))


def blocks(findings: list[Finding]) -> bool:
    """A mandatory violation fails `pulumi preview --policy-pack` too."""
    return any(f.level == EnforcementLevel.MANDATORY.value for f in findings)
