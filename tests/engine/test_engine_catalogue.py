"""The lifecycle catalogue (`tests/lifecycle_scenarios.py`) through the real `pulumi` CLI.

Every scenario marked `engine` runs here with the expectations the mock tier checks (`tests/test_lifecycle.py`),
read from the engine's own steps, the stack's state and the fake cloud's log. A scenario is written once and runs in
both tiers. What this proves: our program, the real engine and the stand-in providers (with the fake cloud's rules
of `components/offline/cloud_state.py`) agree with what the catalogue says a user sees.

Each step also holds the offline change report (components/offline/changes.py) to what the engine did: the mock tier
runs the same step (tests/test_lifecycle.py `World`), and the report of its start state against its plan must give
every resource the verdict (create, update, replace, delete, same) the engine's steps gave it. That proves the
report's handling of aliases, delete-before-replace, ignoreChanges and protect against the engine's; whether a
property replaces a resource is the replacement table's fact, tested row by row against its sources
(tests/test_replacements.py), which the stand-ins read too.

A step the catalogue expects to be refused runs as the deploy workflow runs every up: preview first
(.github/actions/pulumi `preview-first`), the up only if the preview passes. A refusal at preview (protect) must be
one the mock tier makes at preview too, for the same resources, and changes nothing. A refusal while applying (the
cloud's) must come from the mock tier while applying too: every step the engine announced before it stopped has the
report's verdict, and what the engine finished must be what the mock tier says the engine finishes for sure
(tests/engine_order.py), plus only steps the mock tier leaves to timing; the mock tier then takes the engine's lot
of those (`World.settle`), so every later step is compared in full. The preview's own verdicts are not compared: a
preview shows a value known only after apply (a replaced workspace's id) as unknown and so a replacement or update of
what uses it, where the report, like the up, knows the id stays. Other steps run `up` directly (the automation API's
`up` skips its own preview): were one refused, its test fails on that already.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml

from components.offline.changes import CREATE, DELETE, REPLACE, SAME, UPDATE, compare
from components.offline.plan import Plan
from components.offline.replacements import value_at
from tests.engine.harness import Engine, Result
from tests.lifecycle_scenarios import ELSEWHERE_SUBSCRIPTION, SCENARIOS, STACKS_DIR, Expect, P, Scenario, Step
from tests.test_lifecycle import Outcome, World, target
from tests.test_lifecycle import run as run_offline

ENGINE_SCENARIOS = [s for s in SCENARIOS if s.engine]
CHANGED = ("update", "replace")
"""Step kinds that change a resource that stays (a replacement also shows `create-replacement`, `delete-replaced`)."""
SENDS = ("create", "create-replacement", "update", "same")
"""Step kinds whose event carries the inputs the program sends now (the others show the old state's)."""


def unsupported(step: Step) -> list[str]:
    """What a step asks that this runner cannot reproduce through the CLI: such a scenario must not be marked."""
    problems = [f"action {step.action}"] if step.action not in ("up", "destroy") else []
    problems += ["deployer"] if step.deployer else []
    problems += ["refresh_drops (the fake cloud decides what a refresh drops)"] if step.refresh_drops else []
    problems += ["expect.no_provider_delete"] if step.expect.no_provider_delete else []
    problems += ["expect.token_owner"] if step.expect.token_owner else []
    return problems


def test_every_engine_scenario_asks_only_what_the_cli_can_show() -> None:
    assert ENGINE_SCENARIOS
    assert {s.name: problem for s in ENGINE_SCENARIOS for step in s.steps for problem in unsupported(step)} == {}


def name_of(urn: str) -> str:
    return urn.rsplit("::", 1)[1]


def named(result: Result, *ops: str) -> set[str]:
    """Logical names of the resources the engine took one of `ops` on (the stack and default providers aside)."""
    return {
        name_of(e["urn"])
        for e in result.steps(*ops)
        if e["type"] != "pulumi:pulumi:Stack" and not name_of(e["urn"]).startswith("default")
    }


def state_ids(engine: Engine, stack: str) -> dict[str, str]:
    """Logical name → id of every custom resource in the stack's state (`pulumi stack export`)."""
    exported = json.loads(engine.cli("stack", "export", "--stack", stack).stdout)
    return {name_of(r["urn"]): r["id"] for r in exported["deployment"].get("resources") or [] if r.get("id")}


def configure(engine: Engine, stack: str, config: dict[str, Any]) -> None:
    """As the mock tier applies a step's config: `None` returns a key to the stack file's own value."""
    shipped = (yaml.safe_load((STACKS_DIR / f"Pulumi.{stack}.yaml").read_text()) or {}).get("config") or {}
    engine.configure(stack, {k: shipped.get(f"{P}:{k}") if v is None else v for k, v in config.items()})


def check(
    result: Result, expect: Expect, where: str, log: list[list[Any]], loose: frozenset[str] = frozenset()
) -> None:
    """The mock tier's `check`, from what the engine did (`log`: the fake cloud's calls during the step; `loose`: what
    an earlier refused run left to timing, which the catalogue cannot fix, as in the mock tier)."""
    assert result.ok, f"{where}: failed\n{result.text[-4000:]}"
    for field, ops in (("created", ("create",)), ("deleted", ("delete",)), ("changed", CHANGED)):
        wanted = getattr(expect, field)
        if wanted is not None:
            assert named(result, *ops) - loose == set(wanted) - loose, f"{where}: {field}"
    assert named(result, "replace") >= set(expect.replaced), f"{where}: replaced"
    for name in expect.delete_first:
        ops = [e["op"] for e in result.steps() if name_of(e["urn"]) == name]
        assert ops.index("delete-replaced") < ops.index("create-replacement"), f"{where}: {name} steps {ops}"
        calls = [entry[0] for entry in log if entry[2] == name and entry[0] in ("create", "delete")]
        assert calls == ["delete", "create"], f"{where}: the cloud saw {calls} for {name}"
    for name, paths in expect.inputs.items():
        sent = [e["inputs"] for e in result.steps(*SENDS) if name_of(e["urn"]) == name][-1]
        for path, value in paths.items():
            assert value_at(sent, path) == value, f"{where}: {name}.{path}"


VERDICTS = (
    (REPLACE, ("replace", "create-replacement", "delete-replaced")),
    (CREATE, ("create",)),
    (DELETE, ("delete",)),
    (UPDATE, ("update",)),
    (SAME, ("same",)),
)
"""The engine's step kinds per verdict, strongest first (a replacement also shows its create and delete steps)."""


def engine_verdicts(result: Result) -> dict[str, str]:
    ops: dict[str, set[str]] = {}
    for event in result.steps():
        name = name_of(event["urn"])
        if event["type"] != "pulumi:pulumi:Stack" and not name.startswith("default"):
            ops.setdefault(name, set()).add(event["op"])
    return {
        name: next((verdict for verdict, kinds in VERDICTS if set(kinds) & seen), "/".join(sorted(seen)))
        for name, seen in ops.items()
        if seen - {"refresh", "read"}
    }


def check_report(outcome: Outcome, stack: str, result: Result, where: str) -> None:
    """The change report of the mock tier's run of this step gives each resource the verdict of the engine's steps;
    of a run refused while applying, each resource the engine reached before it stopped."""
    assert outcome.plan is not None or not outcome.refused, (
        f"{where}: the mock tier's program failed: {outcome.refused}"
    )
    # A destroy's plan is the empty stack.
    head = outcome.plan or Plan(P, stack, [])
    report = compare(Plan(head.project, head.stack, outcome.base), head, "state")
    verdicts = {c.name: c.action for c in report.changes}
    engine = engine_verdicts(result)
    if outcome.refused is not None:
        verdicts = {name: verdicts.get(name) for name in engine}
    assert verdicts == engine, f"{where}: report vs engine"


def engine_finished(result: Result, custom: set[str]) -> dict[str, str]:
    """Name → verdict of every change (not `same`) whose steps the engine finished, custom resources only (a
    component's outputs event comes when the program completes it, not when its step is saved)."""
    ops: dict[str, set[str]] = {}
    for event in result.events:
        if event["kind"] == "done" and name_of(event["urn"]) in custom:
            ops.setdefault(name_of(event["urn"]), set()).add(event["op"])
    return {
        name: verdict
        for name, seen in ops.items()
        for verdict in [next((v for v, kinds in VERDICTS if set(kinds) & seen), SAME)]
        if verdict != SAME
    }


def check_partial(world: World, step: Step, outcome: Outcome, result: Result, where: str) -> None:
    """A run the cloud refused while applying: the engine finished every change the mock tier says it finishes for
    sure, and otherwise only changes the mock tier leaves to timing, which the mock tier then takes as the engine's."""
    assert outcome.plan is not None
    custom = {r.name for r in [*outcome.base, *outcome.plan.resources] if r.custom}
    finished = engine_finished(result, custom)
    certain = {name: verdict for name, verdict in outcome.done.items() if name in custom}
    assert {name: finished.get(name) for name in certain} == certain, f"{where}: finished before the refusal"
    extra = {name: verdict for name, verdict in finished.items() if name not in certain}
    assert extra.items() <= outcome.unsettled.items(), f"{where}: finished, though the mock tier says it cannot"
    target(world, step).settle(set(extra))


def operate(runs_in: Engine, stack: str, step: Step) -> tuple[Result, bool]:
    """(the result, whether it is a failed preview): a step expected to be refused previews first."""
    if step.expect.refused is not None:
        preview = runs_in.run("preview" if step.action == "up" else "preview-destroy", stack, program=step.program)
        if not preview.ok:
            return preview, True
    return runs_in.run(step.action, stack, program=step.program), False


PROTECTED = re.compile(r"(urn:pulumi:\S+) is currently marked for protection")


def check_refused_at_preview(
    outcome: Outcome, result: Result, before: dict[str, Any], after: dict[str, Any], where: str
) -> None:
    """Refused at preview in both tiers, for the same protected resources; the cloud saw no change."""
    assert outcome.at_preview, f"{where}: the engine refused at preview, the mock tier while applying"
    protected = PROTECTED.findall(outcome.refused or "")
    assert protected and all(f'"{urn}"' in result.text for urn in protected), f"{where}: protected {protected}"
    changes = [e for e in after["log"][len(before["log"]) :] if e[0] in ("create", "update", "delete")]
    assert changes == [], f"{where}: the cloud changed during a refused preview"


def run_scenario(engine: Engine, scenario: Scenario) -> None:
    stack = scenario.stack
    world = World(stack)
    loose: frozenset[str] = frozenset()
    for number, step in enumerate(scenario.steps, 1):
        where = f"{scenario.name}, step {number}"
        engine.advance(step.days_later)
        runs_in = engine.elsewhere(ELSEWHERE_SUBSCRIPTION) if step.elsewhere else engine
        if step.config:
            configure(runs_in, stack, step.config)
        if step.cloud:
            runs_in.change_cloud(**step.cloud)
        ids = state_ids(runs_in, stack) if step.expect.intact else {}
        before = runs_in.cloud()
        result, at_preview = operate(runs_in, stack, step)
        after = runs_in.cloud()
        outcome = run_offline(world, step)
        if step.expect.refused is None:
            check_report(outcome, stack, result, where)
            check(result, step.expect, where, after["log"][len(before["log"]) :], loose)
            continue
        assert not result.ok, f"{where}: expected the run to fail"
        assert step.expect.refused in result.text, f"{where}: the failure does not say {step.expect.refused!r}"
        if at_preview:
            check_refused_at_preview(outcome, result, before, after, where)
        else:
            assert not outcome.at_preview, f"{where}: the mock tier refused at preview, the engine while applying"
            check_report(outcome, stack, result, where)
            check_partial(world, step, outcome, result, where)
            loose |= set(outcome.unsettled)
        for name in step.expect.intact:
            assert state_ids(runs_in, stack)[name] == ids[name], f"{where}: {name} left state"
            assert after["resources"][ids[name]] == before["resources"][ids[name]], f"{where}: {name} changed"


@pytest.mark.parametrize("scenario", ENGINE_SCENARIOS, ids=[s.name for s in ENGINE_SCENARIOS])
def test_scenario(engine: Engine, scenario: Scenario) -> None:
    run_scenario(engine, scenario)
