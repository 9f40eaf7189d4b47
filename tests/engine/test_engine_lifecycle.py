"""Lifecycle checks through the real CLI that need more than the catalogue's expectations: event order, what
state holds, what the CLI itself refuses.
"""

from __future__ import annotations

import json

from pulumi.runtime.rpc import UNKNOWN

from components.access import assignment_name
from tests.engine.harness import DAY, Engine

TOKEN = "databricks:index/token:Token"
SECRET = "azure-native:keyvault:Secret"
ROTATING = "time:index/rotating:Rotating"


def _live(engine: Engine, type_: str) -> list[dict]:
    return [r for r in engine.cloud()["resources"].values() if r["type"] == type_]


def test_a_due_rotation_replaces_the_token_new_before_old_and_updates_the_secret(engine: Engine) -> None:
    """`token-forcenew` and `rotating-on-refresh`: the Rotating resource vanishes on refresh once due (Pulumi.yaml has
    `refresh: always`), the token's comment carries the rotation timestamp and forces a new token, created before the
    old one is deleted; the Key Vault secret is updated in between, so the linked service never sees a gap."""
    assert engine.run("up", "dev").ok
    [old] = _live(engine, TOKEN)
    engine.advance(61)  # dev: rotationDays 60, lifetimeDays 90

    result = engine.run("up", "dev")

    assert result.ok, result.text
    steps = [(e["op"], e["type"]) for e in result.steps() if e["op"] not in ("same", "refresh", "read")]
    assert steps.index(("create-replacement", TOKEN)) < steps.index(("update", SECRET))
    assert steps.index(("update", SECRET)) < steps.index(("delete-replaced", TOKEN))
    assert ("replace", TOKEN) in steps
    assert ("create", ROTATING) in steps
    # What the cloud saw, in order: the new token, the secret's new version, then the old token's delete.
    log = [(entry[0], entry[1]) for entry in engine.cloud()["log"] if entry[0] != "read"]
    tail = log[log.index(("create", ROTATING)) :]
    assert tail.index(("create", TOKEN)) < tail.index(("update", SECRET)) < tail.index(("delete", TOKEN))
    [new] = _live(engine, TOKEN)
    assert new["state"]["tokenId"] != old["state"]["tokenId"]
    [secret] = _live(engine, SECRET)
    assert secret["state"]["properties"]["attributes"]["expires"] == new["state"]["expiryTime"] // 1000
    # The next up is quiet again.
    again = engine.run("up", "dev")
    assert again.ok and [e for e in again.steps() if e["op"] not in ("same", "refresh", "read")] == []


def test_rotation_is_not_due_before_rotation_days(engine: Engine) -> None:
    assert engine.run("up", "dev").ok
    engine.advance(59)
    result = engine.run("up", "dev")
    assert result.ok and TOKEN not in {e["type"] for e in result.changed()}


def test_stack_export_holds_the_token_only_as_ciphertext(engine: Engine) -> None:
    """The token's value is a secret in state: `pulumi stack export` (without --show-secrets) never shows it."""
    assert engine.run("up", "dev").ok
    [token] = _live(engine, TOKEN)
    value = token["state"]["tokenValue"]
    exported = engine.cli("stack", "export", "--stack", "dev").stdout

    assert value not in exported
    resources = json.loads(exported)["deployment"]["resources"]
    [state] = [r for r in resources if r["type"] == TOKEN]
    assert "ciphertext" in state["outputs"]["tokenValue"]
    [secret] = [r for r in resources if r["type"] == SECRET]
    assert "ciphertext" in secret["inputs"]["properties"]["value"]
    assert engine.cli("stack", "export", "--stack", "dev", "--show-secrets").stdout.count(value) >= 1


def test_the_cli_refuses_a_stack_value_of_the_wrong_type_before_the_program_runs(engine: Engine) -> None:
    """Pulumi.yaml declares `clusterMode` a string: the CLI validates the stack file against it."""
    engine.configure("dev", {"clusterMode": 5})
    result = engine.run("preview", "dev")
    assert not result.ok
    assert "clusterMode" in result.text
    assert engine.cloud()["log"] == []


def test_the_cli_refuses_a_project_file_that_breaks_pulumis_project_schema(engine: Engine) -> None:
    """The CLI validates Pulumi.yaml against its project schema (config types are a closed set)."""
    project = engine.project / "Pulumi.yaml"
    project.write_text(project.read_text().replace("type: string", "type: text", 1))
    result = engine.run("preview", "dev")
    assert not result.ok
    assert "#/config/clusterMode/type" in result.text
    assert engine.cloud()["log"] == []


def test_the_fake_cloud_clock_is_days(engine: Engine) -> None:
    before = engine.cloud()["now"]
    engine.advance(2)
    assert engine.cloud()["now"] == before + 2 * DAY


ROLE = "azure-native:authorization:RoleAssignment"


def test_role_assignment_names_are_computed_in_a_new_stacks_preview_and_shown_once_deployed(engine: Engine) -> None:
    """`role-assignment-name-tenant-unique`: the name is a GUID of the scope's ARM id, the identity's principal id
    and the role (learn.microsoft.com, "Create Azure RBAC resources by using Bicep", section Name). Before the vault
    and the factory exist, the engine's preview shows it as unknown; once they do, the preview shows the name."""
    first = engine.run("preview", "dev")
    assert first.ok, first.text[-4000:]
    assert [e["inputs"]["roleAssignmentName"] for e in first.steps("create") if e["type"] == ROLE] == [UNKNOWN]

    assert engine.run("up", "dev").ok
    [live] = [r["state"] for r in engine.cloud()["resources"].values() if r["type"] == ROLE]
    assert live["roleAssignmentName"] == assignment_name(live["scope"], live["principalId"], live["roleDefinitionId"])
    again = engine.run("preview", "dev")
    assert [(e["op"], e["inputs"]["roleAssignmentName"]) for e in again.steps("same") if e["type"] == ROLE] == [
        ("same", live["roleAssignmentName"])
    ]
