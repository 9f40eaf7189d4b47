"""The deploy waits for a managed endpoint's connection to show on its target, through the real CLI.

Row `adf-managed-endpoint-approval`: a managed private endpoint's PUT answers before ADF has made the endpoint, and
its Pending connection shows on the target only later. The fake cloud (components/offline/managed_network_state.py)
lists it from the target's read number `PROVISIONING_READS + 1` after the endpoint's create; the program
(components/managed_network.py `CONNECTION_WAITS`) reads, waits a quarter second, reads again. The stand-ins log every
read of a target with the connections it listed, so the order of reads and the approval is the cloud's own record.

A connection that never shows fails the `up` after the program's 5 minutes of waits: too slow for this tier, so the
mock tier shows it (tests/test_managed_network.py `test_the_wait_is_bounded_and_says_what_the_target_holds`).
"""

from __future__ import annotations

from typing import Any

from components.offline.managed_network_state import GET_VAULT, GET_WORKSPACE, PROVISIONING_READS
from tests.engine.harness import Engine

DEPLOYMENT = "azure-native:resources:Deployment"
ENDPOINT = "azure-native:datafactory:ManagedPrivateEndpoint"
TARGET_READS = (GET_WORKSPACE, GET_VAULT)


def reads_of(log: list[list[Any]], target: str) -> list[tuple[int, list[list[str]]]]:
    """(position in the log, [name, status] of each connection listed) of every read of `target`'s connections."""
    return [(i, e[3]) for i, e in enumerate(log) if e[0] == "invoke" and e[1] in TARGET_READS and e[2] == target]


def approvals(engine: Engine) -> dict[str, tuple[str, dict[str, Any]]]:
    """Target name → (id, state) of the deployment that approves its connection."""
    live = engine.cloud()["resources"].items()
    return {
        r["state"]["properties"]["parameters"]["target"]["value"]: (rid, r["state"])
        for rid, r in live
        if r["type"] == DEPLOYMENT
    }


def test_the_up_reads_the_target_again_until_the_connection_shows_then_approves_it(engine: Engine) -> None:
    engine.configure("prod", {"protect": False})

    result = engine.run("up", "prod")

    assert result.ok, result.text[-4000:]
    log = engine.cloud()["log"]
    approved = approvals(engine)
    assert len(approved) == 2, "the workspace's and the vault's connections"
    endpoints = [i for i, e in enumerate(log) if e[0] == "create" and e[1] == ENDPOINT]
    for target, (deployment_id, state) in approved.items():
        created = next(i for i, e in enumerate(log) if e[0] == "create" and e[3] == deployment_id)
        reads = [listing for at, listing in reads_of(log, target) if at < created]
        # The first reads find nothing (ADF still makes the endpoint); the next lists it Pending; then the approval
        # approves the connection that read named.
        assert [[status for _, status in listing] for listing in reads] == [[]] * PROVISIONING_READS + [["Pending"]]
        assert min(endpoints) < next(at for at, _ in reads_of(log, target))
        [[name, _]] = reads[-1]
        assert state["properties"]["parameters"]["connection"]["value"] == name
        assert state["properties"]["outputs"]["status"]["value"] == "Approved"


def test_a_second_up_reads_each_target_once_and_finds_its_connection_approved(engine: Engine) -> None:
    engine.configure("prod", {"protect": False})
    assert engine.run("up", "prod").ok
    before = len(engine.cloud()["log"])

    again = engine.run("up", "prod")

    assert again.ok, again.text[-4000:]
    log = engine.cloud()["log"][before:]
    for target in approvals(engine):
        assert [[status for _, status in listing] for _, listing in reads_of(log, target)] == [["Approved"]], target
    assert not [e for e in log if e[0] in ("create", "update", "delete")]
