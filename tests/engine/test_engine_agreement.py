"""The offline preview (components/offline) and the real engine's preview agree on what would be created.

The offline plan emulates what the engine does (URNs, parents, protect, secret propagation); this test
fails as soon as that emulation and the engine drift apart, for every stack file.
"""

from __future__ import annotations

from typing import Any

import pytest

from components.offline.plan import holds_secret
from components.offline.run import run_stack
from tests.engine.harness import Engine
from tests.engine.scenarios import STACKS

SECRET_SHOWN = "[secret]"


def _engine_secret_keys(inputs: dict[str, Any]) -> set[str]:
    """Top-level input keys whose value holds a secret, as the engine's preview events show them."""
    return {k for k, v in inputs.items() if SECRET_SHOWN in str(v)}


def _is_default_provider(urn: str) -> bool:
    return "::pulumi:providers:" in urn and urn.rsplit("::", 1)[1].startswith("default")


@pytest.mark.parametrize("stack", STACKS)
def test_offline_plan_and_engine_preview_agree(engine: Engine, stack: str) -> None:
    plan = run_stack(stack)
    result = engine.run("preview", stack)
    assert result.ok, result.text[-4000:]
    created = {
        e["urn"]: e
        for e in result.steps("create")
        if e["type"] != "pulumi:pulumi:Stack" and not _is_default_provider(e["urn"])
    }
    offline = {r.urn: r for r in plan.resources}

    assert sorted(created) == sorted(offline), "URNs differ"
    # Not vacuous: the Key Vault secret, where there is one, carries the token as a secret input.
    assert all(holds_secret(r.inputs) for r in plan.by_type("azure-native:keyvault:Secret"))
    for urn, record in offline.items():
        event = created[urn]
        assert event["parent"] == record.parent, f"{urn}: parent"
        assert event["protect"] == record.protect, f"{urn}: protect"
        offline_secret = {k for k, v in record.inputs.items() if holds_secret(v)}
        assert _engine_secret_keys(event["inputs"]) == offline_secret, f"{urn}: secret inputs"
