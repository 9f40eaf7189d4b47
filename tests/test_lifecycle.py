"""Day 2 on the mock runtime: the scenarios of `tests/lifecycle_scenarios.py` this tier runs (`MOCK_SCENARIOS`), run
after run.

Pulumi's mock runtime runs one program once. A scenario needs more: state carried from run to run, the
engine's diff, and the cloud that outlives the state. This file adds those, each after a written rule:

- state: a resource already in state keeps its id and computed outputs (the provider reads it back);
  one a refresh dropped, or whose force-new input changed, gets new ones (the provider creates it);
- the provider: which input change replaces a resource is `components/offline/replacements.py`'s table (each row
  with its source), the one the engine tier's stand-ins and the change report read;
- the engine: `ignoreChanges` keeps the old value of an ignored path (Pulumi docs, "ignoreChanges"); a
  protected resource is never deleted, and the refusal comes in the preview already (pulumi/pulumi
  `pkg/resource/deploy/step.go`, `DeleteStep.Apply` checks `protect` before it checks for a dry run); a
  delete reaches the provider unless `retainOnDelete` is set or the `deletedWith` resource is deleted in
  the same run (the same function); a run applies step by step in the engine's order and, refused by the cloud
  half-way, keeps what finished (tests/engine_order.py: what finishes for sure, what only timing decides);
- the cloud: azure-native refuses to create what exists (`azure-native-no-adopt`), a Key Vault secret's delete goes
  through the data plane, which `defaultAction: Deny` refuses for our deployer (`kv-secret-dataplane-delete`), a deleted
  vault is soft-deleted with its secrets and keeps its name until it is recovered (`kv-soft-delete-name`); and, by the
  fake cloud's own rules (components/offline/cloud_state.py, which the engine tier's stand-ins apply too), what a
  refresh finds gone (`gone_on_read`), which role assignments the tenant refuses (`role_assignment_refusal`: names are
  tenant-wide, shared with a second copy of the stack in another subscription) and which tokens Databricks refuses
  (`token_refusal`: 600 per user, an admin's lifetime cap). A replacement deletes the old resource before creating
  the new one only where the program asks (`delete_before_replace`); else the old one still exists during the create.

The mocks still only serve state: what a scenario's run does follows from the program's registrations.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pytest
from earlier_versions import VARIANTS
from engine_order import EngineStep, ancestors, delete_antichains, settle_registrations
from lifecycle_scenarios import (
    CLUSTER,
    DATABRICKS_LS,
    DEV_OPERATIONS,
    DIAGNOSTICS,
    ELSEWHERE_SUBSCRIPTION,
    FACTORY,
    KEY_VAULT_LS,
    LOCKS,
    LOG_ANALYTICS,
    NOTHING,
    POOL,
    READS_SECRETS,
    ROTATION,
    SCENARIOS,
    SECRET,
    TOKEN,
    VAULT,
    WORKSPACE,
    Expect,
    Scenario,
    Step,
    is_protected,
    lifecycle_rows,
    stack_files,
    unlocked,
    uses_token,
)

from components.access import assignment_name
from components.naming import digest
from components.offline.changes import CREATE, DELETE, REPLACE, SAME, UPDATE, compare, effective_inputs, matched
from components.offline.cloud_state import (
    DAY,
    LOCK,
    OFFLINE_SUBSCRIPTION_ID,
    ROLE_ASSIGNMENT,
    ROTATING,
    gone_on_read,
    gone_with,
    lock_refusal,
    log_analytics_recovered,
    role_assignment_refusal,
    survives_parent_delete,
    token_refusal,
    token_revoked,
)
from components.offline.cloud_state import (
    LOG_ANALYTICS as LOG_ANALYTICS_TYPE,
)
from components.offline.cloud_state import (
    TOKEN as TOKEN_TYPE,
)
from components.offline.mocks import AzureMocks
from components.offline.plan import Plan, ResourceRecord, reveal
from components.offline.replacements import DELETE_FIRST, forces_new, forcing, order_of, value_at
from components.offline.run import run_stack
from components.runtimes import today

START = 1_790_000_000.0
_FIRST_UPS: dict[str, Plan] = {}
"""First-up plans by what decides them (`World._program_run`). Scenarios read plans; none changes one."""
CI_DEPLOYER = AzureMocks().call(
    pulumi.runtime.MockCallArgs("azure-native:authorization:getClientConfig", {}, "")  # type: ignore[arg-type]
)[0]["objectId"]

VAULT_TYPE = "azure-native:keyvault:Vault"
FACTORY_TYPE = "azure-native:datafactory:Factory"
SECRET_TYPE = "azure-native:keyvault:Secret"


class StateMocks(AzureMocks):
    """Serves what the provider would read back for resources in state, and new ids for new ones."""

    def __init__(self, state: list[ResourceRecord], now: float, deployer: str, subscription_id: str) -> None:
        super().__init__(subscription_id=subscription_id, now=now)
        self.state = {(r.type, r.name): r for r in state}
        self.deployer = deployer

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        result, failures = super().call(args)
        if args.token == "azure-native:authorization:getClientConfig":
            result = {**result, "objectId": self.deployer}
        return result, failures

    def _numbered_anew(self, args: pulumi.runtime.MockResourceArgs, outputs: dict[str, Any]) -> dict[str, Any]:
        """Azure numbers each new workspace anew: a re-created stack's workspace has another id and URL."""
        number = int(digest(self.subscription_id, args.inputs["workspaceName"], str(self.now), length=12), 16)
        number %= 10**16
        return {
            **outputs,
            "workspaceId": str(number),
            "workspaceUrl": f"adb-{number}.{number % 20}.azuredatabricks.net",
        }

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        fresh_id, fresh = super().new_resource(args)
        if args.typ == "azure-native:databricks:Workspace":
            fresh = self._numbered_anew(args, fresh)
        old = self.state.get((args.typ, args.name))
        if old is None or forces_new(args.typ, reveal(old.inputs), args.inputs):
            return fresh_id, fresh
        computed = {k: v for k, v in reveal(old.outputs).items() if k not in args.inputs}
        return old.id, {**fresh, **computed}


def cloud_id(record: ResourceRecord) -> str | None:
    """What exists in Azure or Databricks for a record; providers and components are engine-only."""
    if not record.custom or record.type.startswith("pulumi:providers:") or record.type.startswith("time:"):
        return None
    return record.id


@dataclass
class Outcome:
    created: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    replaced: set[str] = field(default_factory=set)
    provider_deletes: set[str] = field(default_factory=set)
    delete_first: set[str] = field(default_factory=set)
    """Replaced resources whose old one went before the new one was created."""
    refused: str | None = None
    at_preview: bool = False
    """Refused at preview (protect, the program or its config): nothing changed."""
    done: dict[str, str] = field(default_factory=dict)
    """Name → verdict (create, update, replace, delete) of every change the run made for sure: all of them, unless
    the cloud refused a step half-way (tests/engine_order.py)."""
    unsettled: dict[str, str] = field(default_factory=dict)
    """Of a run the cloud refused half-way, the changes the engine leaves to timing (`World.settle` decides)."""
    plan: Plan | None = None
    base: list[ResourceRecord] = field(default_factory=list)
    """The state the run started from (after its refresh): the change report's base."""


@dataclass
class World:
    """One stack's state, its config overrides, and what exists in the cloud."""

    stack: str
    now: float = START
    deployer: str = CI_DEPLOYER
    overrides: dict[str, Any] = field(default_factory=dict)
    state: list[ResourceRecord] = field(default_factory=list)
    live: set[str] = field(default_factory=set)
    soft_deleted_vaults: dict[str, set[str]] = field(default_factory=dict)
    """Deleted vault id → the ids of the secrets it will bring back when recovered."""
    retained: set[str] = field(default_factory=set)
    """Ids Pulumi dropped from state without deleting them."""
    subscription_id: str = OFFLINE_SUBSCRIPTION_ID
    tenant: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Every role assignment in the Entra tenant (id → inputs), shared with the copy deployed elsewhere."""
    owners: dict[str, str] = field(default_factory=dict)
    """Token id → the identity that created it."""
    cloud: dict[str, Any] = field(
        default_factory=lambda: {"maxTokenLifetimeDays": 0, "tokensHeldElsewhere": 0, "locked": []}
    )
    """The workspace's settings the fake cloud's rules read (`Step.cloud` names them)."""
    program: str = "real"
    neighbour: World | None = None
    deleted_log_analytics: dict[str, int] = field(default_factory=dict)
    """Soft-deleted Log Analytics workspace id → when it was deleted (`log-analytics-soft-delete`)."""
    recovered: set[str] = field(default_factory=set)
    """Log Analytics workspaces a create brought back from soft delete, with their data."""
    _pending: list[EngineStep] = field(default_factory=list)
    """The unsettled steps of the last run, until `settle` says which of them ran."""

    def elsewhere(self) -> World:
        """The same project and stack, deployed by a second team into another subscription of the same tenant."""
        if self.neighbour is None:
            self.neighbour = World(self.stack, now=self.now, subscription_id=ELSEWHERE_SUBSCRIPTION, tenant=self.tenant)
        return self.neighbour

    def configure(self, step: Step) -> None:
        self.deployer = step.deployer or CI_DEPLOYER
        self.program = step.program
        self.cloud.update(step.cloud)
        for key, value in step.config.items():
            if value is None:
                self.overrides.pop(key, None)
            else:
                self.overrides[key] = _placeholders(value)

    def up(self, drops: frozenset[str] = frozenset()) -> Outcome:
        self._pending = []
        drops |= self._gone_on_refresh()
        before = [r for r in self.state if r.name not in drops]
        try:
            plan = self._program_run(before)
        except Exception as error:  # a refusal by config validation or the program: the preview stops there
            return Outcome(refused=str(error), at_preview=True)
        # The engine matches a resource by URN or by an alias it registers (a renamed logical name or type token).
        old, gone_by_urn = matched(Plan(plan.project, plan.stack, before), plan)
        outcome = Outcome(plan=plan, base=before)
        register = [self._registration(record, old.get(record.urn), outcome) for record in plan.resources]
        gone = list(gone_by_urn.values())
        outcome.deleted = {r.name for r in gone}
        # What goes in the delete phase: what the program no longer registers, and the old halves of
        # create-before-delete replacements (a delete-first one goes in its registration's chain).
        deletes = [EngineStep(r.urn, r.name, DELETE, old=r) for r in gone] + [
            EngineStep(s.urn, s.name, REPLACE, old=s.old)
            for s in register
            if s.verdict == REPLACE and not s.delete_first
        ]
        self._run(outcome, register, deletes)
        return outcome

    def _program_run(self, before: list[ResourceRecord]) -> Plan:
        """The program's registrations against `before`. A first up (nothing in state) is decided by the stack, its
        config, the clock, the deployer, the subscription, the program's variant and the day runtimes are judged
        on, and the program is deterministic there (tests/test_preview.py prints the same bytes twice): the many
        scenarios that begin alike share its plan (`_FIRST_UPS`)."""
        first = json.dumps(
            [self.stack, self.overrides, self.now, self.deployer, self.subscription_id, self.program, str(today())],
            sort_keys=True,
            default=repr,
        )
        if not before and first in _FIRST_UPS:
            return _FIRST_UPS[first]
        mocks = StateMocks(before, self.now, self.deployer, self.subscription_id)
        with VARIANTS[self.program]():
            plan = run_stack(self.stack, dict(self.overrides), mocks=mocks)
        if not before:
            _FIRST_UPS[first] = plan
        return plan

    def destroy(self) -> Outcome:
        self._pending = []
        outcome = Outcome(deleted={r.name for r in self.state}, base=list(self.state))
        self._run(outcome, [], [EngineStep(r.urn, r.name, DELETE, old=r) for r in self.state])
        return outcome

    def settle(self, ran: set[str]) -> None:
        """Carry out the unsettled steps of the last, refused run that `ran` names (the rest did not run)."""
        self._carry_out([s for s in self._pending if s.name in ran])
        self._pending = []

    def _registration(self, record: ResourceRecord, previous: ResourceRecord | None, outcome: Outcome) -> EngineStep:
        """The step the engine takes for a resource the program registers (and the run's diff, in `outcome`)."""
        stored = dataclasses.replace(record, inputs=effective_inputs(previous, record))
        if previous is None:
            outcome.created.add(record.name)
            return EngineStep(record.urn, record.name, CREATE, new=stored)
        verdict = SAME
        if reveal(stored.inputs) != reveal(previous.inputs):
            outcome.changed.add(record.name)
            verdict = UPDATE
            # The table's rules, and the program's own `replace_on_changes` (the engine honours both).
            if forcing(record.type, reveal(previous.inputs), reveal(stored.inputs), record.replace_on_changes):
                outcome.replaced.add(record.name)
                verdict = REPLACE
        first = verdict == REPLACE and order_of(record.type, record.delete_before_replace)[0] == DELETE_FIRST
        if first:
            outcome.delete_first.add(record.name)
        return EngineStep(
            record.urn,
            record.name,
            verdict,
            new=stored,
            old=previous,
            delete_first=first,
            call=not previous.retain_on_delete,
        )

    def _run(self, outcome: Outcome, register: list[EngineStep], deletes: list[EngineStep]) -> None:
        """Preview, then apply step by step in the engine's order (tests/engine_order.py) until the cloud refuses
        one; the state keeps the run's refresh and every step that finished."""
        # The engine refuses to delete a protected resource, or to replace one that stays protected, at preview.
        protected = [s.old for s in deletes if s.verdict == DELETE and s.old and s.old.protect] + [
            s.old for s in register if s.verdict == REPLACE and s.old and s.old.protect and s.new and s.new.protect
        ]
        if protected:
            outcome.refused = "; ".join(f"{r.urn} is currently marked for protection" for r in protected)
            outcome.at_preview = True
            return
        # step.go `DeleteStep.Apply`: no delete call for `retainOnDelete`, nor where the `deletedWith` resource goes
        # in the same run.
        condemned = {s.urn for s in deletes}
        deletes = [
            dataclasses.replace(s, call=not s.old.retain_on_delete and s.old.deleted_with not in condemned)
            for s in deletes
            if s.old
        ]
        outcome.provider_deletes = {s.name for s in deletes if s.verdict == DELETE and s.call}
        done, unsettled, refusals = self._schedule(outcome.base, register, deletes)
        self.state = list(outcome.base)
        self._carry_out(done)
        outcome.done = {s.name: s.verdict for s in done if s.verdict != SAME}
        if refusals:
            outcome.refused = "; ".join(refusals)
            outcome.unsettled = {s.name: s.verdict for s in unsettled if s.verdict != SAME}
            self._pending = unsettled
        else:
            self.state = [s.new for s in register if s.new]  # in the order the program registers them

    def _schedule(
        self, base: list[ResourceRecord], register: list[EngineStep], deletes: list[EngineStep]
    ) -> tuple[list[EngineStep], list[EngineStep], list[str]]:
        """(done, unsettled, refusals): the steps that ran for sure, those left to timing, and why the run stopped."""
        up = ancestors([s.new for s in register if s.new])
        register = [dataclasses.replace(s, refusal=self._registration_refusal(s, register, up)) for s in register]
        refused = {s.urn for s in register if s.refusal}
        if refused:
            done, unsettled = settle_registrations(register, up)
            return done, unsettled, [s.refusal for s in register if s.refusal and not up[s.urn] & refused]
        steps = {s.urn: s for s in deletes}
        done = list(register)
        lifted: set[str] = set()
        staying = [s.new for s in register if s.new]
        for layer in delete_antichains([s.old for s in deletes if s.old], base, staying):
            now = [dataclasses.replace(steps[r.urn], refusal=self._delete_refusal(steps[r.urn], lifted)) for r in layer]
            refused = [s.refusal for s in now if s.refusal]
            # A lock deleted in the same antichain as what it holds would race it; components/locks.py makes each
            # lock depend on what it holds, so the two never share one.
            racing = lifted | {r.urn for r in layer}
            assert all(self._delete_refusal(s, racing) == s.refusal for s in now), (
                "a lock and what it holds share an antichain: the World does not model that race"
            )
            if refused:
                return done, [s for s in now if not s.refusal], refused
            done += now
            lifted |= {r.urn for r in layer if r.type == LOCK}
        return done, [], []

    def _live_locks(self, lifted: set[str]) -> list[str]:
        """The scopes under a `CanNotDelete` lock: the stack's own locks not deleted yet, and those set out of band."""
        return [
            reveal(r.inputs)["scope"]
            for r in self.state
            if r.type == LOCK and cloud_id(r) in self.live and r.urn not in lifted
        ] + self._locked()

    def _delete_refusal(self, step: EngineStep, lifted: set[str]) -> str:
        """Why ARM or the vault refuse a delete call (a delete the engine skips calls nobody)."""
        record = step.old
        assert record is not None
        if not step.call:
            return ""
        ident = cloud_id(record)
        refusal = lock_refusal(record.type, ident, self._live_locks(lifted), reveal(record.inputs)) if ident else None
        if refusal:
            return f"lock-blocks-children: deleting {record.name}: {refusal}"
        if record.type == SECRET_TYPE and self._firewalled(record):
            return f"kv-secret-dataplane-delete: deleting secret {record.name} (vault data plane): 403"
        return ""

    def _registration_refusal(self, step: EngineStep, register: list[EngineStep], up: dict[str, set[str]]) -> str:
        """Why the cloud refuses a registration step: a delete-first replacement's delete, or a create, given what
        exists when it runs (its ancestors' delete-first replacements have deleted their old resources)."""
        if step.verdict not in (CREATE, REPLACE) or step.new is None:
            return ""
        if step.delete_first:
            refusal = self._delete_refusal(step, set())
            if refusal:
                return refusal
        earlier = [s for s in register if s.urn in up[step.urn] or s.urn == step.urn]
        gone = {cloud_id(s.old) for s in earlier if s.delete_first and s.old}
        live = set(self.live) - gone
        for s in earlier:
            ident = cloud_id(s.new) if s.new else None
            if s.new and s.new.type == VAULT_TYPE and value_at(s.new.inputs, "properties.createMode") == "recover":
                live |= self.soft_deleted_vaults.get(ident or "", set())
        tenant = [inputs for ident, inputs in self.tenant.items() if ident not in gone]
        return "; ".join(self._create_problems(step.new, live) + self._service_refusals(step.new, live, tenant))

    def _locked(self) -> list[str]:
        """The ids of the stack's resources of the types `Step.cloud["locked"]` names (a `CanNotDelete` lock set out
        of band, e.g. by a platform team)."""
        patterns = [re.compile(rf"/providers/{re.escape(t)}/[^/]+$", re.IGNORECASE) for t in self.cloud["locked"]]
        return [i for i in self.live if any(p.search(i) for p in patterns)]

    def _gone(self, record: ResourceRecord, ident: str, *, called: bool) -> None:
        """A delete call, a retained resource, or one gone with its parent. Soft-deleting services keep the name; an
        ARM delete takes the resource's children along (a factory's managed network too); diagnostic settings stay."""
        if called:
            self.live.discard(ident)
            if record.type == VAULT_TYPE:
                children = {i for i in self.live if i.startswith(f"{ident}/secrets/")}
                self.live -= children
                self.soft_deleted_vaults[ident] = children
            if record.type == LOG_ANALYTICS_TYPE:
                self.deleted_log_analytics[ident] = int(self.now)
        elif record.retain_on_delete:
            if ident in self.live:  # not already gone with its parent
                self.retained.add(ident)
            return
        elif not survives_parent_delete(ident):
            self.live.discard(ident)  # went with its `deleted_with` parent
        self.tenant.pop(ident, None)
        taken = gone_with(ident, self.live)
        self.live -= taken
        self.retained -= taken

    def _carry_out(self, steps: list[EngineStep]) -> None:
        """What the steps that ran did to the cloud and the state, in the order the engine ran them."""
        old_halves = {s.urn for s in steps if s.new is None and s.verdict == REPLACE}
        riders = []
        for step in steps:
            if step.new is None:
                assert step.old is not None
                if step.verdict == REPLACE:  # the old half of a create-before-delete replacement
                    self._drop(step.old)
                    continue
                self.state = [r for r in self.state if r.urn != step.old.urn]
                ident = cloud_id(step.old)
                if ident is not None and not step.call and not step.old.retain_on_delete:
                    riders.append((step.old, ident))  # gone with its `deletedWith` resource, if that one went
                elif ident is not None:
                    self._gone(step.old, ident, called=step.call)
                continue
            if step.verdict == REPLACE and not step.delete_first and step.urn not in old_halves:
                raise NotImplementedError(
                    f"{step.name}: the new half of a create-before-delete replacement ran, the old half did not: the "
                    "engine keeps the old one in state, marked for deletion by the next run, which the World does not "
                    "model"
                )
            if step.delete_first and step.old is not None:
                self._drop(step.old)
            if step.verdict in (CREATE, REPLACE):
                self._made(step.new)
            self._store(step.new, step.old)
        in_state = {r.urn for r in self.state}
        for record, ident in riders:
            if record.deleted_with not in in_state:
                self._gone(record, ident, called=False)

    def _store(self, new: ResourceRecord, old: ResourceRecord | None) -> None:
        if old is None:
            self.state.append(new)
        else:
            self.state = [new if r.urn == old.urn else r for r in self.state]

    def _drop(self, old: ResourceRecord) -> None:
        """The old resource of a replacement, deleted."""
        self.live.discard(cloud_id(old) or "")
        self.tenant.pop(cloud_id(old) or "", None)

    def _made(self, record: ResourceRecord) -> None:
        ident = cloud_id(record)
        if ident is None:
            return
        if record.type == VAULT_TYPE and ident in self.soft_deleted_vaults:
            self.live |= self.soft_deleted_vaults.pop(ident)
        if record.type == LOG_ANALYTICS_TYPE and log_analytics_recovered(
            ident, self.deleted_log_analytics, int(self.now)
        ):
            self.recovered.add(ident)
        self.deleted_log_analytics.pop(ident, None)
        self.live.add(ident)
        if record.type == ROLE_ASSIGNMENT:
            self.tenant[ident] = reveal(record.inputs)
        if record.type == TOKEN_TYPE:
            self.owners[ident] = self.deployer

    def _gone_on_refresh(self) -> frozenset[str]:
        """What a refresh finds gone, by the fake cloud's rules; a token Databricks revoked no longer exists."""
        gone = set()
        for record in self.state:
            if record.type not in (TOKEN_TYPE, ROTATING):
                continue
            outputs = reveal(record.outputs)
            owner = self.owners.get(record.id, self.deployer)
            if gone_on_read(record.type, outputs, owner=owner, caller=self.deployer, now=int(self.now)):
                gone.add(record.name)
            if record.type == TOKEN_TYPE and token_revoked(outputs, now=int(self.now)):
                self.live.discard(record.id)
        return frozenset(gone)

    def _service_refusals(self, record: ResourceRecord, live: set[str], tenant: list[dict[str, Any]]) -> list[str]:
        """What Azure or Databricks refuse to create, given what exists while the create runs."""
        refusal = None
        if record.type == ROLE_ASSIGNMENT:
            refusal = role_assignment_refusal(reveal(record.inputs), tenant)
        if record.type == TOKEN_TYPE:
            held = sum(1 for ident in live if self.owners.get(ident) == self.deployer)
            refusal = token_refusal(
                reveal(record.inputs),
                held=held + int(self.cloud["tokensHeldElsewhere"]),
                max_lifetime_days=int(self.cloud["maxTokenLifetimeDays"]),
            )
        return [str(refusal)] if refusal else []

    def _firewalled(self, secret: ResourceRecord) -> bool:
        vaults = [
            r
            for r in self.state
            if r.type == VAULT_TYPE and r.inputs.get("vaultName") == secret.inputs.get("vaultName")
        ]
        return any(value_at(v.inputs, "properties.networkAcls.defaultAction") == "Deny" for v in vaults)

    def _create_problems(self, record: ResourceRecord, live: set[str]) -> list[str]:
        ident = cloud_id(record)
        if ident is None:
            return []
        if record.type == VAULT_TYPE:
            recover = value_at(record.inputs, "properties.createMode") == "recover"
            if ident in self.soft_deleted_vaults and not recover:
                return [f"kv-soft-delete-name: vault {ident} is soft-deleted: create it with createMode recover"]
            if recover and ident not in self.soft_deleted_vaults:
                return [f"kv-soft-delete-name: createMode recover but no deleted vault {ident}"]
        if ident in live:
            return [f"azure-native-no-adopt: cannot create already existing resource {ident}"]
        return []


def _placeholders(value: Any) -> Any:
    if value == "<deployer>":
        return CI_DEPLOYER
    if isinstance(value, dict):
        return {k: _placeholders(v) for k, v in value.items()}
    return value


def target(world: World, step: Step) -> World:
    """The world a step runs in: the stack's own, or its copy in another subscription of the tenant."""
    return world.elsewhere() if step.elsewhere else world


def run(world: World, step: Step) -> Outcome:
    world.now += step.days_later * DAY
    runs_in = target(world, step)
    runs_in.now = world.now
    runs_in.configure(step)
    if step.action == "destroy":
        if step.config:
            prepared = runs_in.up()
            assert prepared.refused is None, prepared.refused
        return runs_in.destroy()
    return runs_in.up(step.refresh_drops)


Snapshot = dict[str, tuple[str, Any, Any]]


def snapshot(world: World) -> Snapshot:
    return {r.name: (r.id, reveal(r.inputs), reveal(r.outputs)) for r in world.state}


def check(
    outcome: Outcome, expect: Expect, world: World, before: Snapshot | None = None, loose: frozenset[str] = frozenset()
) -> None:
    """`loose`: resources an earlier refused run left to timing (`Outcome.unsettled`), which the check leaves out."""
    if expect.refused is not None:
        assert outcome.refused is not None and expect.refused in outcome.refused, outcome.refused
        if expect.applied is not None:
            assert set(outcome.done) == set(expect.applied), "applied before the refusal"
        after = snapshot(world)
        for name in expect.intact:
            assert before is not None and after[name] == before[name], name
            assert after[name][0] in world.live, f"{name} no longer exists"
        return
    assert outcome.refused is None, outcome.refused
    for name in ("created", "deleted", "changed"):
        wanted = getattr(expect, name)
        if wanted is not None:
            assert getattr(outcome, name) - loose == set(wanted) - loose, name
    assert outcome.replaced >= set(expect.replaced)
    assert outcome.delete_first >= set(expect.delete_first)
    assert set(expect.no_provider_delete).isdisjoint(outcome.provider_deletes)
    assert outcome.plan is not None or not expect.inputs
    for name, paths in expect.inputs.items():
        record = next(r for r in outcome.plan.resources if r.name == name) if outcome.plan else None
        assert record is not None
        for path, value in paths.items():
            assert value_at(record.inputs, path) == value, (name, path)
    if expect.token_owner is not None and outcome.plan is not None:
        owner = _placeholders(expect.token_owner)
        token = next(r for r in outcome.plan.resources if r.name == TOKEN)
        assert f"owner {owner}," in token.inputs["comment"]


def check_report(outcome: Outcome, expect: Expect) -> None:
    """The change report (components/offline/changes.py) of the run's start state against its plan says what the run
    did: its verdicts per resource are the run's, and its data loss is the catalogue's."""
    if outcome.plan is None:
        return
    report = compare(Plan(outcome.plan.project, outcome.plan.stack, outcome.base), outcome.plan, "state")
    verdicts = {action: {c.name for c in report.changes if c.action == action} for action in (CREATE, DELETE)}
    assert verdicts[CREATE] == outcome.created
    assert verdicts[DELETE] == outcome.deleted
    assert {c.name for c in report.changes if c.action in (UPDATE, REPLACE)} == outcome.changed
    replaced = {c.name: c for c in report.changes if c.action == REPLACE}
    assert set(replaced) == outcome.replaced
    assert {n for n, c in replaced.items() if c.order == DELETE_FIRST} == outcome.delete_first
    if expect.data_loss is not None:
        assert {c.name for c in report.losses} == set(expect.data_loss)


def _refused_while_applying(scenario: Scenario) -> bool:
    return any(step.expect.refused and step.expect.applied != NOTHING for step in scenario.steps)


MOCK_SCENARIOS = tuple(s for s in SCENARIOS if not s.engine or _refused_while_applying(s))
"""The scenarios this tier runs. One marked `engine` runs in the engine tier instead
(tests/engine/test_engine_catalogue.py), which holds the real CLI to the catalogue and this file's `World` to the
CLI, step by step: a better proof of what this tier would check. Except where a run is refused half-way: there the
engine goes on from what it happened to finish, and only this tier follows both ends (`follow`)."""


@pytest.mark.parametrize("scenario", MOCK_SCENARIOS, ids=[s.name for s in MOCK_SCENARIOS])
def test_scenario(scenario: Scenario) -> None:
    """Each step of the catalogue, in order, on one stack: what it creates, deletes, changes or refuses, and what the
    change report of that step says."""
    branches = [(World(scenario.stack), frozenset[str]())]
    for step in scenario.steps:
        after = []
        for world, loose in branches:
            before = snapshot(target(world, step))
            outcome = run(world, step)
            check(outcome, step.expect, target(world, step), before, loose)
            check_report(outcome, step.expect)
            after += follow(world, step, outcome, loose)
        branches = after


def follow(world: World, step: Step, outcome: Outcome, loose: frozenset[str]) -> list[tuple[World, frozenset[str]]]:
    """The worlds a step leaves. A refused run's unsettled steps ran or not, by timing (tests/engine_order.py): the
    scenario goes on from both ends, none of them ran and all of them ran, and its later checks leave them out."""
    if not outcome.unsettled:
        return [(world, loose)]
    loose |= set(outcome.unsettled)
    ran = copy.deepcopy(world)
    target(ran, step).settle(set(outcome.unsettled))
    target(world, step).settle(set())
    return [(world, loose), (ran, loose)]


def test_the_catalogue_covers_every_stack_file() -> None:
    """In this tier too: a stack file added without the CLI built still has its day 2 run here."""
    assert {s.stack for s in MOCK_SCENARIOS} >= set(stack_files())


# --- What the scenarios rely on, each stated with its source and checked as the option that implements it.


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {stack: World(stack).up().plan for stack in stack_files()}  # type: ignore[misc]


def one(plan: Plan, name: str) -> ResourceRecord:
    return next(r for r in plan.resources if r.name == name)


@pytest.mark.parametrize("stack", stack_files())
def test_the_secret_is_never_deleted_through_the_data_plane(stack: str, plans: dict[str, Plan]) -> None:
    """`kv-secret-dataplane-delete`, pulumi-azure-native `provider/pkg/resources/customresources/custom_keyvault.go`: a
    secret's create/update/read go through ARM, its DELETE through the vault's data plane, which the firewall
    (`defaultAction: Deny`) and the deployer's missing data-plane role refuse. Pulumi SDK `ResourceOptions`
    (sdk/python/lib/pulumi/resource.py): with `retain_on_delete` "the provider's Delete method will not be
    called"; with `deleted_with` not when that resource "is being deleted as well"."""
    plan = plans[stack]
    secret, vault = one(plan, SECRET), one(plan, VAULT)
    assert vault.inputs["properties"]["networkAcls"]["defaultAction"] == "Deny"
    if vault.protect:
        # A protected stack is destroyed only after `protect: false` (and an up), which brings both options
        # back; until then a stray destroy is refused at the secret's delete instead of losing it from state.
        assert (secret.retain_on_delete, secret.deleted_with) == (False, "")
    else:
        assert secret.retain_on_delete is True
        assert secret.deleted_with == vault.urn


@pytest.mark.parametrize("stack", stack_files())
def test_nothing_is_created_over_an_existing_secret(stack: str, plans: dict[str, Plan]) -> None:
    """`azure-native-no-adopt`, pulumi-azure-native `provider/pkg/provider/provider.go` `defaultCreate`:
    `crudClient.CanCreate` refuses "cannot create already existing resource" (Secret uses the default create;
    custom_keyvault.go overrides DELETE only). So the secret is created once per workspace and otherwise only updated:
    its name carries the workspace id and is fixed at creation."""
    plan = plans[stack]
    secret = one(plan, SECRET)
    workspace_id = one(plan, WORKSPACE).outputs["workspaceId"]
    assert secret.inputs["secretName"] == f"databricks-access-token-{workspace_id}"
    assert "secretName" in secret.ignore_changes


def test_managed_identity_mode_leaves_the_secret_disabled_and_its_value_alone() -> None:
    """`kv-secret-dataplane-delete` and `azure-native-no-adopt`: neither deleting the secret (data plane) nor creating
    it again (exists) would work, so managedIdentity mode keeps it, disabled; `ignore_changes` keeps the last value in
    place (Pulumi docs, "ignoreChanges": the old value is used), so no token value is needed to keep it."""
    world = World("dev")
    world.up()
    world.overrides["auth"] = "managedIdentity"
    outcome = world.up()
    assert outcome.plan is not None
    secret = one(outcome.plan, SECRET)
    assert {"secretName", "properties.value"} <= set(secret.ignore_changes)
    assert secret.inputs["properties"]["attributes"] == {"enabled": False}
    stored = next(r for r in world.state if r.name == SECRET)
    assert reveal(stored.inputs["properties"]["value"]).startswith("dapi"), "the last value stays"


@pytest.mark.parametrize("stack", stack_files())
def test_the_vault_recovery_switch_is_forgotten_after_the_create(stack: str, plans: dict[str, Plan]) -> None:
    """`kv-soft-delete-name` (learn.microsoft.com, "Azure Key Vault soft-delete overview"): a deleted vault keeps its
    name; only `createMode: recover` creates it again. Azure does not return createMode, so the switch is ignored
    after the create: the next up, and removing the switch, change nothing."""
    vault = one(plans[stack], VAULT)
    assert "properties.createMode" in vault.ignore_changes
    assert "createMode" not in vault.inputs["properties"]
    assert vault.protect is is_protected(stack)


@pytest.mark.parametrize("stack", [s for s in stack_files() if uses_token(s)])
def test_rotation_is_create_before_delete(stack: str, plans: dict[str, Plan]) -> None:
    """`token-forcenew` (terraform-provider-databricks `tokens/resource_token.go`): comment, lifetime and scopes force a
    new token, and a token has no name, so the new one is created before the old is deleted. The rotation
    timestamp is in the comment; the secret's expiry is the token's (epoch ms → s)."""
    plan = plans[stack]
    token, rotation, secret = one(plan, TOKEN), one(plan, ROTATION), one(plan, SECRET)
    assert token.delete_before_replace is False
    assert rotation.outputs["rfc3339"] in token.inputs["comment"]
    assert secret.inputs["properties"]["attributes"]["expires"] == token.outputs["expiryTime"] // 1000


@pytest.mark.parametrize("stack", stack_files())
def test_fixed_name_resources_are_deleted_before_they_are_replaced(stack: str, plans: dict[str, Plan]) -> None:
    """`fixed-name-delete-first` (pulumi-azure-native provider.go Diff): explicitly named resources are replaced
    delete-first; role assignments are replaced when principalId or scope changes. Stated on each, not left implicit."""
    plan = plans[stack]
    fixed = [
        r
        for r in plan.resources
        if r.type in ("azure-native:authorization:RoleAssignment", "azure-native:datafactory:LinkedService")
    ]
    assert fixed
    assert all(r.delete_before_replace for r in fixed)


@pytest.mark.parametrize("stack", stack_files())
def test_children_go_with_their_parent_without_a_call_of_their_own(stack: str, plans: dict[str, Plan]) -> None:
    """Deleting a workspace deletes its clusters, pools and tokens; deleting a factory its linked services
    and credentials (the parent's ARM delete). `deleted_with` skips the children's own delete calls, so a
    destroy does not depend on reaching the workspace's API."""
    plan = plans[stack]
    workspace, factory = one(plan, WORKSPACE), one(plan, FACTORY)
    # In a protected stack every child deletes itself: a stray destroy stops at the protected parent, and a
    # child skipped "with" it would leave state while it still exists (components/scope.py `Scope.goes_with`).
    protected = workspace.protect
    for record in plan.resources:
        if record.type.startswith("databricks:index/"):
            assert record.deleted_with == ("" if protected else workspace.urn), record.name
        if record.type.startswith("azure-native:datafactory:") and record.name != FACTORY:
            assert record.deleted_with == ("" if protected else factory.urn), record.name


def test_git_integration_set_in_adf_studio_survives_the_next_up(plans: dict[str, Plan]) -> None:
    """pulumi-azure-native `provider.go` Read: properties that changed in Azure are copied into the inputs
    in state; the next up would send the program's (without them). A factory connected to Git in ADF
    Studio would be disconnected: `repoConfiguration` and `globalParameters` are ignored."""
    for plan in plans.values():
        assert {"repoConfiguration", "globalParameters"} <= set(one(plan, FACTORY).ignore_changes)


def test_the_dev_cluster_is_pinned() -> None:
    """`cluster-retention` (Databricks docs "Pin a compute"; provider `clusters/resource_cluster.go` `is_pinned`): an
    unpinned all-purpose cluster is deleted 30 days after it terminated, leaving existingClusterId dangling."""
    plan = World("dev").up().plan
    assert plan is not None
    assert one(plan, CLUSTER).inputs["isPinned"] is True


def test_clusters_and_pools_do_not_repeat_the_workspace_tags() -> None:
    """`default-tags` (pulumi-databricks `Cluster.default_tags`: "any workspace and pool tags"; reported:
    terraform-provider-databricks #1637): a custom tag repeating a workspace tag becomes `x_<key>` and
    differs on every refresh; with `refresh: always` every up would edit (restart) the cluster."""
    world = World("dev")
    world.overrides["interactiveCluster"] = {
        "sparkVersion": "15.4.x-scala2.12",
        "nodeType": "Standard_DS3_v2",
        "numWorkers": 1,
        "customTags": {"team": "analytics"},
    }
    world.overrides["instancePool"] = {
        "sparkVersion": "15.4.x-scala2.12",
        "nodeType": "Standard_DS3_v2",
        "workers": "2",
    }
    world.overrides["clusterMode"] = "instancePool"
    world.overrides["interactiveCluster"]["enabled"] = True
    plan = world.up().plan
    assert plan is not None
    workspace_tags = set(one(plan, WORKSPACE).inputs["tags"])
    assert one(plan, CLUSTER).inputs["customTags"] == {"team": "analytics"}
    assert "customTags" not in one(plan, POOL).inputs
    for record in (one(plan, CLUSTER), one(plan, POOL)):
        assert workspace_tags.isdisjoint(record.inputs.get("customTags", {}))


def test_pool_mode_sends_only_what_data_factory_applies() -> None:
    """`pool-tags` (ADF REST model: `newClusterCustomTags`, `newClusterDriverNodeType` are "ignored in instance
    pool configurations"; terraform-provider-databricks docs/resources/instance_pool.md: a pool cluster's
    tags may not repeat the pool's keys): the tags go on the pool, the driver type is refused."""
    world = World("dev")
    world.overrides |= {
        "clusterMode": "instancePool",
        "instancePool": {
            "sparkVersion": "15.4.x-scala2.12",
            "nodeType": "Standard_DS3_v2",
            "workers": "2",
            "customTags": {"workload": "etl"},
        },
    }
    plan = world.up().plan
    assert plan is not None
    link = one(plan, DATABRICKS_LS).inputs["properties"]
    assert "newClusterCustomTags" not in link and "newClusterDriverNodeType" not in link
    assert link["instancePoolId"] == one(plan, POOL).id
    assert one(plan, POOL).inputs["customTags"] == {"workload": "etl"}


def test_every_auth_switch_keeps_the_vault_and_its_role_follows_the_auth() -> None:
    """`kv-soft-delete-name`: the vault is never deleted by a switch; its reader role and linked service follow the
    auth."""
    world = World("dev")
    first = world.up().plan
    assert first is not None
    world.overrides["auth"] = "managedIdentity"
    second = world.up()
    assert VAULT not in second.deleted | second.changed
    assert {READS_SECRETS, KEY_VAULT_LS} <= second.deleted


def test_every_scenario_cites_rows_the_lifecycle_table_has() -> None:
    rows = lifecycle_rows()
    assert {"kv-secret-dataplane-delete", "role-assignment-name-tenant-unique", "pat-lifecycle"} <= rows
    for scenario in SCENARIOS:
        assert scenario.rules and set(scenario.rules) <= rows, scenario.name


VIRTUALENVS = (".venv", "venv", "node_modules")
"""Installed packages (the policy pack's and the plugin's virtualenvs, the examples' modules): not ours to cite."""

CITED_BY_NUMBER = re.compile(r"\b(?:[Ll]ifecycle )?[Rr](?:ule|ow)s? \d+\b|azure-lifecycle-rules\.md,? rows? \d")
"""A row cited by its number: "rule", "row", "lifecycle rule" or the table's file name followed by digits."""


def test_lifecycle_rows_are_cited_by_name_never_by_number() -> None:
    """The table's numbers may change (its preamble says so); a number left in code, tests, policy, benchmarks or
    workflows would then point at the wrong fact."""
    assert all(
        CITED_BY_NUMBER.search(f"{words} 4")
        for words in ("rule", "rows", "Lifecycle rule", "azure-lifecycle-rules.md row")
    )
    root = Path(__file__).resolve().parents[1]
    cited = [
        f"{path.relative_to(root)}:{number}"
        for folder in ("components", "tests", "policy", "benchmarks", ".github")
        for path in sorted((root / folder).rglob("*"))
        if path.is_file()
        and path.suffix in {".py", ".yml", ".yaml", ".md", ".toml"}
        and not {"specs", *VIRTUALENVS} & set(path.parts)
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if CITED_BY_NUMBER.search(line)
    ]
    assert cited == []


# --- The fake cloud's rules for role assignments and tokens, each checked where it draws its line.


def test_role_assignments_are_named_after_scope_principal_and_role() -> None:
    """`role-assignment-name-tenant-unique` (learn.microsoft.com, "Create Azure RBAC resources by using Bicep", section
    Name: a GUID "that uses the scope, principal ID, and role ID together"): the same project and stack in another
    subscription of the tenant gets other names; in the same subscription, the same names run after run."""
    here, there = World("dev").up().plan, World("dev", subscription_id=ELSEWHERE_SUBSCRIPTION).up().plan
    assert here is not None and there is not None
    grant = one(here, READS_SECRETS).inputs
    assert grant["roleAssignmentName"] == assignment_name(
        grant["scope"], grant["principalId"], grant["roleDefinitionId"]
    )
    assert grant["scope"] == one(here, VAULT).id
    assert grant["roleAssignmentName"] != one(there, READS_SECRETS).inputs["roleAssignmentName"]
    assert assignment_name("/X", "A", "R") == assignment_name("/x", "a", "r")


GRANT = {"roleAssignmentName": "n-1", "scope": "/s/vault", "principalId": "p", "roleDefinitionId": "/r/secrets-user"}


@pytest.mark.parametrize(
    ("existing", "code"),
    [
        pytest.param(
            {**GRANT, "scope": "/other-subscription/vault"}, "RoleAssignmentUpdateNotPermitted", id="name-taken"
        ),
        pytest.param(
            {**GRANT, "roleAssignmentName": "N-1", "principalId": "q"}, "RoleAssignmentUpdateNotPermitted", id="case"
        ),
        pytest.param({**GRANT, "roleAssignmentName": "n-2"}, "RoleAssignmentExists", id="same-grant-other-name"),
        pytest.param({**GRANT, "roleAssignmentName": "n-2", "scope": "/s/workspace"}, None, id="another-grant"),
    ],
)
def test_the_tenant_refuses_a_taken_name_and_a_repeated_grant(existing: dict[str, str], code: str | None) -> None:
    """`role-assignment-name-tenant-unique`: names are unique tenant-wide whatever the scope ("Understand Azure role
    assignments", section Name); one principal holds one role at one scope once (`RoleAssignmentExists`)."""
    refusal = role_assignment_refusal(GRANT, [existing])
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(
    ("held", "lifetime_days", "cap_days", "code"),
    [
        pytest.param(599, 90, 0, None, id="599-held"),
        pytest.param(600, 90, 0, "QUOTA_EXCEEDED", id="600-held"),
        pytest.param(0, 30, 30, None, id="at-the-cap"),
        pytest.param(0, 31, 30, "INVALID_PARAMETER_VALUE", id="above-the-cap"),
        pytest.param(0, 0, 30, "INVALID_PARAMETER_VALUE", id="no-expiry-under-a-cap"),
    ],
)
def test_databricks_refuses_the_601st_token_and_one_longer_than_the_cap(
    held: int, lifetime_days: int, cap_days: int, code: str | None
) -> None:
    """`pat-lifecycle` (Azure Databricks docs, "Authenticate with Azure Databricks personal access tokens (legacy)":
    600 per user per workspace; databricks-sdk-py `TokensAPI.create`: QUOTA_EXCEEDED; "Monitor and manage personal
    access tokens": `maxTokenLifetimeDays` caps new tokens)."""
    refusal = token_refusal({"lifetimeSeconds": lifetime_days * DAY}, held=held, max_lifetime_days=cap_days)
    assert (refusal.code if refusal else None) == code


def test_a_token_unused_for_90_days_is_revoked_and_use_restarts_the_clock() -> None:
    """`pat-lifecycle`: Azure Databricks revokes tokens not used for 90 days."""
    made = {"creationTime": 1_000 * 1_000}
    assert not token_revoked(made, now=1_000 + 90 * DAY - 1)
    assert token_revoked(made, now=1_000 + 90 * DAY)
    assert not token_revoked(made, now=1_000 + 120 * DAY, last_used=1_000 + 40 * DAY)


# --- Operations: locks, orphaned diagnostic settings, the Log Analytics workspace's soft delete.

LOCKED = "/s/rg/providers/Microsoft.KeyVault/vaults/kv"


@pytest.mark.parametrize(
    ("typ", "ident", "code"),
    [
        pytest.param("azure-native:keyvault:Vault", LOCKED, "ScopeLocked", id="the-locked-resource"),
        pytest.param(
            ROLE_ASSIGNMENT, f"{LOCKED}/providers/Microsoft.Authorization/roleAssignments/g", "ScopeLocked", id="role"
        ),
        pytest.param(
            "azure-native:monitor:DiagnosticSetting",
            f"{LOCKED.upper()}/providers/Microsoft.Insights/diagnosticSettings/d",
            "ScopeLocked",
            id="diagnostic-setting-any-case",
        ),
        pytest.param(LOCK, f"{LOCKED}/providers/Microsoft.Authorization/locks/do-not-delete", None, id="the-lock"),
        pytest.param(SECRET_TYPE, f"{LOCKED}/secrets/s", None, id="data-plane"),
        pytest.param("azure-native:keyvault:Vault", f"{LOCKED}2", None, id="a-sibling-with-a-longer-name"),
    ],
)
def test_a_lock_refuses_deleting_its_resource_and_what_is_under_it(typ: str, ident: str, code: str | None) -> None:
    """`lock-blocks-children` (learn.microsoft.com, "Lock your resources to protect your infrastructure",
    considerations: a lock covers child resources, role assignments scoped to it and its diagnostic settings;
    hashicorp/terraform-provider-azurerm #17478: `ScopeLocked`). Locks govern the control plane only, so a secret's
    data-plane delete (`kv-secret-dataplane-delete`) is not theirs to refuse."""
    refusal = lock_refusal(typ, ident, [LOCKED])
    assert (refusal.code if refusal else None) == code


def test_a_deleted_resource_leaves_its_diagnostic_settings_behind() -> None:
    """`diagnostic-settings-orphaned` (MicrosoftDocs/azure-docs #100347): an ARM delete takes the resource's children
    along, never its diagnostic settings."""
    setting = f"{LOCKED}/providers/Microsoft.Insights/diagnosticSettings/d"
    child = f"{LOCKED}/secrets/s"
    assert gone_with(LOCKED, {LOCKED, setting, child, f"{LOCKED}2"}) == {child}
    assert survives_parent_delete(setting)


def test_a_log_analytics_workspace_deleted_14_days_ago_is_no_longer_recovered() -> None:
    """REST `Workspaces - Delete` (learn.microsoft.com): "To recover the workspace, create it again with the same
    name, in the same subscription, resource group and location. The name is kept for 14 days"."""
    deleted = {"/w": 1_000}
    assert log_analytics_recovered("/w", deleted, 1_000 + 14 * DAY - 1)
    assert not log_analytics_recovered("/w", deleted, 1_000 + 14 * DAY)
    assert not log_analytics_recovered("/other", deleted, 1_000)


def _dev_with_operations() -> World:
    world = World("dev")
    world.overrides["operations"] = DEV_OPERATIONS
    assert world.up().refused is None
    return world


def test_recreating_dev_recovers_its_log_analytics_workspace() -> None:
    """`log-analytics-soft-delete`: the stack's Log Analytics workspace, destroyed with the stack, is soft-deleted;
    re-creating the stack within 14 days creates it under the same name and so recovers it with its logs."""
    world = _dev_with_operations()
    world.destroy()
    world.now += 3 * DAY
    world.overrides["keyVault"] = {"recover": True}
    outcome = world.up()
    assert outcome.refused is None, outcome.refused
    assert world.recovered == {one(outcome.plan, LOG_ANALYTICS).id}  # type: ignore[arg-type]


def test_settings_left_to_their_resources_delete_would_block_the_re_create() -> None:
    """Why each diagnostic setting is deleted by its own call (components/diagnostics.py): were it skipped with its
    resource (`deleted_with`), Azure would keep it (`diagnostic-settings-orphaned`), and the re-created stack's
    setting would meet it: "cannot create already existing resource" (`azure-native-no-adopt`)."""
    world = _dev_with_operations()
    parents = {r.urn for r in world.state if r.name in (WORKSPACE, FACTORY, VAULT)}
    by_id = {r.id: r.urn for r in world.state if r.urn in parents}
    world.state = [
        dataclasses.replace(r, deleted_with=by_id[reveal(r.inputs)["resourceUri"]]) if r.name in DIAGNOSTICS else r
        for r in world.state
    ]
    assert world.destroy().refused is None
    world.overrides["keyVault"] = {"recover": True}
    refused = world.up().refused
    assert refused is not None and "diagnosticSettings" in refused and "azure-native-no-adopt" in refused


def test_lifting_the_locks_in_the_same_up_as_the_change_goes_through() -> None:
    """`lock-blocks-children`: each lock depends on what it holds (components/locks.py), so when both go in one `up`
    the engine deletes the lock (the dependent) first; the change that deletes the role assignment then succeeds."""
    world = World("prod")
    assert world.up().refused is None
    world.overrides |= {"auth": "managedIdentity", **unlocked("prod")}
    outcome = world.up()
    assert outcome.refused is None, outcome.refused
    assert {READS_SECRETS, KEY_VAULT_LS, *LOCKS} <= outcome.deleted
