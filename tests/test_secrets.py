"""The Databricks token is a Pulumi secret end to end: in state, in Key Vault, never in outputs or print."""

from __future__ import annotations

import pytest
from lifecycle_scenarios import uses_token
from plans import PlanFor
from support import stacks

from components.offline import render
from components.offline.plan import Plan, Secret, walk

TOKEN = "databricks:index/token:Token"
SECRET = "azure-native:keyvault:Secret"


def token_value(plan: Plan) -> str:
    value = plan.one(TOKEN).outputs["tokenValue"]
    assert isinstance(value, Secret), "the engine marks tokenValue secret (additional_secret_outputs)"
    assert isinstance(value.value, str) and value.value
    return value.value


def plain_leaves(plan: Plan) -> list[tuple[str, object]]:
    """Every input and output leaf, except those the engine holds as secrets."""
    leaves: list[tuple[str, object]] = []
    for record in plan.resources:
        for side, values in (("inputs", record.inputs), ("outputs", record.outputs)):
            leaves += [
                (f"{record.name}.{side}.{path}", leaf) for path, leaf in walk(values) if not isinstance(leaf, Secret)
            ]
    return leaves


def test_key_vault_secret_value_is_the_token_as_a_pulumi_secret(dev_plan: Plan) -> None:
    stored = dev_plan.one(SECRET).inputs["properties"]["value"]
    assert isinstance(stored, Secret)
    assert stored.value == token_value(dev_plan)


def test_no_plain_input_or_output_carries_the_token(dev_plan: Plan) -> None:
    token = token_value(dev_plan)
    leaks = [path for path, leaf in plain_leaves(dev_plan) if isinstance(leaf, str) and token in leaf]
    assert leaks == []


def test_no_stack_output_carries_the_token(dev_plan: Plan) -> None:
    token = token_value(dev_plan)
    for name, output in dev_plan.outputs.items():
        assert token not in str(output.value), name


@pytest.mark.parametrize("stack", [s for s in stacks() if uses_token(s)])
@pytest.mark.parametrize("fmt", sorted(render.FORMATS))
def test_no_printed_preview_line_shows_the_token(plan_for: PlanFor, stack: str, fmt: str) -> None:
    plan = plan_for(stack)
    printed = render.FORMATS[fmt](plan)
    assert token_value(plan) not in printed


def test_preview_prints_the_secret_as_a_placeholder(dev_plan: Plan) -> None:
    assert "properties.value: [secret]" in render.text(dev_plan)


def test_token_has_a_finite_lifetime_and_names_project_and_stack(dev_plan: Plan) -> None:
    token = dev_plan.one(TOKEN).inputs
    assert token["lifetimeSeconds"] == 90 * 86_400
    assert "adf-databricks/dev" in token["comment"]


def test_secret_expires_with_the_token_and_says_what_it_holds(dev_plan: Plan) -> None:
    properties = dev_plan.one(SECRET).inputs["properties"]
    expiry_ms = dev_plan.one(TOKEN).outputs["expiryTime"]
    assert properties["attributes"]["expires"] == expiry_ms // 1000
    assert "Databricks personal access token" in properties["contentType"]


def test_secret_name_is_fixed_per_workspace_so_the_linked_service_never_changes(
    dev_plan: Plan, prod_plan: Plan
) -> None:
    """One secret per workspace, its name fixed at creation (`ignore_changes`); see tests/test_lifecycle.py."""
    for plan in (dev_plan, prod_plan):
        secret = plan.one(SECRET)
        workspace_id = plan.one("azure-native:databricks:Workspace").outputs["workspaceId"]
        assert secret.inputs["secretName"] == f"databricks-access-token-{workspace_id}"
        assert "secretName" in secret.ignore_changes
        assert plan.outputs["secretName"].value == secret.inputs["secretName"]
