"""The fake cloud on disk: one JSON file per test, shared by the three stand-in provider processes.

What a real cloud remembers between `pulumi` runs, and what our rules need to see:

- `now`: the cloud's clock (epoch seconds). Every create ticks it by one second, as time passes between
  API calls; tests move it by days to make a rotation due.
- `subscriptionId`: the subscription the caller deploys into (a second copy of the project deploys into another
  one of the same tenant; role assignments are checked across all of them, `role-assignment-name-tenant-unique`).
- `identity`: who calls the APIs (the deployer). Databricks tokens belong to it (`token-owner-list`).
- `maxTokenLifetimeDays`: a workspace admin's cap on new tokens' lifetime, 0 for none (`pat-lifecycle`).
- `tokensHeldElsewhere`: tokens the caller holds in the workspace besides those the stack made (`pat-lifecycle`:
  600 per user per workspace).
- `dataPlaneRoles`: identities holding a Key Vault data-plane role such as Key Vault Secrets Officer
(`kv-secret-dataplane-delete`).
- `deployerIp`: the address data-plane calls come from, checked against a vault's `ipRules`
(`kv-secret-dataplane-delete`).
- `resources`: live resources by id, with their type, state and owner (tokens: also the workspace they belong to
  and, once used, `lastUsed`).
- `deletedVaults`: soft-deleted vaults by name, with the secrets they held (`kv-soft-delete-name`).
- `managedEndpointReads`: how many reads of a target find no connection yet for a Data Factory managed endpoint just
  created (`adf-managed-endpoint-approval`: ADF is still making the endpoint); a large number: it never shows.
- `connectionReads`: by the endpoint's private endpoint name, the reads of its target since it was created.
- `log`: every create/update/delete/read the providers served, and every invoke (a target's read with the
  connections it listed, name and status), in order, for assertions on ordering.

The file is locked for each operation: the engine runs providers concurrently.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from components.offline.cloud_state import OFFLINE_SUBSCRIPTION_ID
from components.offline.managed_network_state import PROVISIONING_READS

ENV = "ADF_FAKE_CLOUD"
"""The environment variable naming the store file; the harness sets it for the `pulumi` process."""


def initial(now: int, identity: str = "ci-deployer") -> dict[str, Any]:
    return {
        "now": now,
        "subscriptionId": OFFLINE_SUBSCRIPTION_ID,
        "identity": identity,
        "maxTokenLifetimeDays": 0,
        "tokensHeldElsewhere": 0,
        "dataPlaneRoles": [],
        "deployerIp": "203.0.113.10",
        "resources": {},
        "deletedVaults": {},
        "managedEndpointReads": PROVISIONING_READS,
        "connectionReads": {},
        "log": [],
    }


def path_from_env() -> Path:
    value = os.environ.get(ENV)
    if not value:
        raise RuntimeError(f"{ENV} is not set: the stand-in providers need the fake cloud's store file")
    return Path(value)


@contextmanager
def opened(path: Path) -> Iterator[dict[str, Any]]:
    """The store, locked, read; written back when the block ends without an error."""
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = json.loads(path.read_text())
        yield state
        path.write_text(json.dumps(state, indent=1, sort_keys=True))


def read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def write(path: Path, state: dict[str, Any]) -> None:
    path.write_text(json.dumps(state, indent=1, sort_keys=True))
