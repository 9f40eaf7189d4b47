"""Every scenario of the catalogue (`scenarios.py`), through the real `pulumi` CLI and engine.

What this proves: our program, the real engine and our stand-in providers agree with OUR model of Azure
(`shared/specs/azure-lifecycle-rules.md`, `tests/engine/standin/`), not that Azure agrees.
"""

from __future__ import annotations

import pytest

from tests.engine.harness import Engine, Result, policy_venv
from tests.engine.scenarios import SCENARIOS, Scenario, Step

QUIET = ("same", "read", "refresh")


def run_step(engine: Engine, stack: str, step: Step) -> Result | None:
    if step.config:
        engine.configure(stack, step.config)
    if step.action == "advance":
        engine.advance(step.days)
        return None
    if step.action == "identity":
        engine.change_cloud(identity=step.identity)
        return None
    if step.action == "cloud":
        engine.change_cloud(**step.cloud)
        return None
    options = {"policy_packs": [str(engine.policy_pack)]} if step.policy else {}
    return engine.run(step.action, stack, program=step.program, **options)


def check_step(engine: Engine, result: Result, step: Step, where: str) -> None:
    assert result.ok == step.ok, f"{where}: expected {'success' if step.ok else 'failure'}\n{result.text[-4000:]}"
    for text in step.error:
        assert text in result.text, f"{where}: the failure does not say {text!r}\n{result.text[-4000:]}"
    if step.no_changes:
        changed = [(e["op"], e["urn"]) for e in result.steps() if e["op"] not in QUIET]
        assert changed == [], f"{where}: expected no changes"
    for type_, ops in step.ops.items():
        assert tuple(result.ops_for(type_)) == ops, f"{where}: {type_} steps {result.ops_for(type_)}"
    forbidden = [(e["op"], e["urn"]) for e in result.steps() if e["op"] in step.forbid_ops]
    assert forbidden == [], f"{where}: forbidden steps"
    if step.component_type:
        # Refresh steps name what state held before the update (the old type); the update's own steps matter.
        updated = [e for e in result.steps() if e["op"] not in ("refresh", "read")]
        types = {e["type"] for e in updated if e["type"].endswith(":AdfDatabricks")}
        assert types == {step.component_type}, f"{where}: the component registered as {types}"
    for kind, count in step.changes.items():
        assert result.changes.get(kind, 0) == count, f"{where}: summary {result.changes}"
    live = {r["type"] for r in engine.cloud()["resources"].values()}
    assert set(step.survives) <= live, f"{where}: deleted {sorted(set(step.survives) - live)}"


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(s, marks=pytest.mark.xfail(strict=True, reason=s.xfail) if s.xfail else (), id=s.name)
        for s in SCENARIOS
    ],
)
def test_scenario(engine: Engine, scenario: Scenario) -> None:
    if any(step.policy for step in scenario.steps):
        policy_venv()
    for number, step in enumerate(scenario.steps, 1):
        result = run_step(engine, scenario.stack, step)
        if result is not None:
            check_step(engine, result, step, f"{scenario.name}, step {number} ({step.action})")
