"""Day-2 scenarios as plain data: sequences of runs on one stack and what each run must do.

One catalogue for two tiers: `tests/test_lifecycle.py` runs it on Pulumi's mock runtime (state carried from
run to run, the engine's diff emulated), the engine tier runs the same steps through the real Pulumi CLI.
Nothing here imports the program or the mocks.

A step: the stack (a file in `stacks/`), the config overrides for that run (on top of the stack file, as
`pulumi config set` would leave them; `None` removes an override again), the action (`up` or `destroy`),
how many days after the previous step it runs, which resources a refresh drops from state before it
(`time` Rotating resources remove themselves when due, lifecycle row `rotating-on-refresh`), who deploys, and what the
run must do. Resources are named by their logical names.

Rules are the rows of the lifecycle table (components/offline/specs/azure-lifecycle-rules.md, the project's copy of
../shared/specs/azure-lifecycle-rules.md), cited by their short names: the numbers may change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
STACKS_DIR = ROOT / "stacks"
LIFECYCLE_TABLE = ROOT / "components" / "offline" / "specs" / "azure-lifecycle-rules.md"
P = "adf-databricks"

VAULT = f"{P}-key-vault"
SECRET = f"{P}-token-secret"
TOKEN = f"{P}-token"
ROTATION = f"{P}-token-rotation"
DATABRICKS_LS = f"{P}-databricks-linked-service"
KEY_VAULT_LS = f"{P}-key-vault-linked-service"
READS_SECRETS = f"{P}-factory-reads-secrets"
USES_WORKSPACE = f"{P}-identity-uses-workspace"
IDENTITY = f"{P}-identity"
CREDENTIAL = f"{P}-identity-credential"
CLUSTER = f"{P}-interactive-cluster"
POOL = f"{P}-instance-pool"
WORKSPACE = f"{P}-workspace"
FACTORY = f"{P}-data-factory"

JOB_CLUSTER = {"sparkVersion": "15.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "workers": "2:8"}
POOL_SECTION = {"sparkVersion": "15.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "workers": "4"}
OTHER_DEPLOYER = "7c1e4f0a-2b9d-4c8e-a6f3-5d0b9e2a1c47"
"""A person's object id, not the CI identity's."""


@dataclass(frozen=True)
class Expect:
    """What a run does. Sets of logical names; `None` = not checked."""

    created: frozenset[str] | None = None
    deleted: frozenset[str] | None = None
    changed: frozenset[str] | None = None
    """Updated in place or replaced: every resource whose inputs change, and no other."""
    replaced: frozenset[str] = frozenset()
    """Of `changed`, those the provider replaces (a force-new property changed)."""
    refused: str | None = None
    """A fragment of the refusal that stops the run before anything changes."""
    no_provider_delete: frozenset[str] = frozenset()
    """Deleted from state without a delete call to their provider (retainOnDelete / deletedWith)."""
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Logical name → {dotted input path: value} the run sends."""
    token_owner: str | None = None
    """The object id the token's comment names (`<deployer>`: whoever ran the first step)."""


@dataclass(frozen=True)
class Step:
    action: str
    """`up` or `destroy`. A destroy with `config` first runs an `up` with it (e.g. `protect: false`)."""
    expect: Expect
    config: dict[str, Any] = field(default_factory=dict)
    days_later: int = 0
    refresh_drops: frozenset[str] = frozenset()
    deployer: str | None = None
    """The deploying identity's object id; `None` = the identity that deployed before (CI)."""


@dataclass(frozen=True)
class Scenario:
    name: str
    stack: str
    rules: tuple[str, ...]
    """The rows of the lifecycle table the scenario exercises, by short name."""
    steps: tuple[Step, ...]


NOTHING: frozenset[str] = frozenset()


def names(*items: str) -> frozenset[str]:
    return frozenset(items)


def lifecycle_rows() -> set[str]:
    """The short names of the lifecycle table's rows (`| 17 `role-assignment-name-tenant-unique` | ...`)."""
    return set(re.findall(r"^\| \d+ `([a-z0-9-]+)` \|", LIFECYCLE_TABLE.read_text(), flags=re.M))


def stack_files() -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in STACKS_DIR.glob("Pulumi.*.yaml"))


def stack_config(stack: str) -> dict[str, Any]:
    document = yaml.safe_load((STACKS_DIR / f"Pulumi.{stack}.yaml").read_text()) or {}
    config: dict[str, Any] = document.get("config") or {}
    return config


def is_protected(stack: str) -> bool:
    return str(stack_config(stack).get(f"{P}:protect", False)).lower() == "true"


def uses_token(stack: str) -> bool:
    return stack_config(stack).get(f"{P}:auth", "accessToken") == "accessToken"


def rotation_days(stack: str) -> int:
    return int((stack_config(stack).get(f"{P}:token") or {}).get("rotationDays", 60))


def _every_stack() -> list[Scenario]:
    scenarios = []
    for stack in stack_files():
        scenarios.append(
            Scenario(
                f"{stack}: second up reads state back and changes nothing",
                stack,
                ("token-owner-list", "token-forcenew", "rotating-on-refresh"),
                (
                    Step("up", Expect()),
                    Step("up", Expect(created=NOTHING, deleted=NOTHING, changed=NOTHING), days_later=1),
                ),
            )
        )
        scenarios.append(
            Scenario(
                f"{stack}: destroy makes no data-plane call and skips what goes with its parent",
                stack,
                ("kv-secret-dataplane-delete",),
                (
                    Step("up", Expect()),
                    Step(
                        "destroy",
                        Expect(
                            refused="marked for protection" if is_protected(stack) else None,
                            no_provider_delete=names(SECRET, TOKEN) if uses_token(stack) else names(SECRET),
                        ),
                    ),
                ),
            )
        )
        if uses_token(stack):
            scenarios.append(
                Scenario(
                    f"{stack}: rotation due: new token before old, new secret version, nothing else",
                    stack,
                    ("token-forcenew", "rotating-on-refresh"),
                    (
                        Step("up", Expect()),
                        Step(
                            "up",
                            Expect(
                                created=names(ROTATION),
                                deleted=NOTHING,
                                changed=names(TOKEN, SECRET),
                                replaced=names(TOKEN),
                            ),
                            days_later=rotation_days(stack),
                            refresh_drops=names(ROTATION),
                        ),
                    ),
                )
            )
            scenarios.append(
                Scenario(
                    f"{stack}: auth accessToken → managedIdentity → accessToken keeps vault and secret",
                    stack,
                    ("kv-secret-dataplane-delete", "kv-soft-delete-name", "azure-native-no-adopt"),
                    (
                        Step("up", Expect()),
                        Step(
                            "up",
                            Expect(
                                created=names(USES_WORKSPACE),
                                deleted=names(TOKEN, ROTATION, READS_SECRETS, KEY_VAULT_LS),
                                changed=names(SECRET, DATABRICKS_LS),
                            ),
                            config={"auth": "managedIdentity"},
                            days_later=1,
                        ),
                        Step(
                            "up",
                            Expect(
                                created=names(TOKEN, ROTATION, READS_SECRETS, KEY_VAULT_LS),
                                deleted=names(USES_WORKSPACE),
                                changed=names(SECRET, DATABRICKS_LS),
                            ),
                            config={"auth": None},
                            days_later=1,
                        ),
                    ),
                )
            )
        scenarios.append(
            Scenario(
                f"{stack}: re-create after destroy, into the recovered vault",
                stack,
                ("kv-soft-delete-name", "azure-native-no-adopt"),
                (
                    Step("up", Expect()),
                    Step("destroy", Expect(), config={"protect": False}),
                    Step(
                        "up",
                        Expect(deleted=NOTHING, inputs={VAULT: {"properties.createMode": "recover"}}),
                        config={"protect": None, "keyVault": {**_key_vault(stack), "recover": True}},
                        days_later=3,
                    ),
                    Step(
                        "up",
                        Expect(created=NOTHING, deleted=NOTHING, changed=NOTHING),
                        config={"keyVault": None},
                        days_later=1,
                    ),
                ),
            )
        )
        if uses_token(stack):
            scenarios.append(
                Scenario(
                    f"{stack}: a deploy by another identity shows a new token owner before it happens",
                    stack,
                    ("token-owner-list",),
                    (
                        Step("up", Expect(token_owner="<deployer>")),
                        Step(
                            "up",
                            Expect(
                                created=names(TOKEN),
                                deleted=NOTHING,
                                changed=names(SECRET),
                                token_owner=OTHER_DEPLOYER,
                            ),
                            deployer=OTHER_DEPLOYER,
                            refresh_drops=names(TOKEN),
                            days_later=1,
                        ),
                    ),
                )
            )
    return scenarios


def _key_vault(stack: str) -> dict[str, Any]:
    section: dict[str, Any] = stack_config(stack).get(f"{P}:keyVault") or {}
    return dict(section)


MODE_SWITCHES = Scenario(
    "dev: clusterMode existingCluster → newJobCluster → instancePool → existingCluster",
    "dev",
    ("fixed-name-delete-first", "pool-tags", "cluster-retention"),
    (
        Step("up", Expect()),
        Step(
            "up",
            Expect(created=NOTHING, deleted=names(CLUSTER), changed=names(DATABRICKS_LS)),
            config={"clusterMode": "newJobCluster", "jobCluster": JOB_CLUSTER},
            days_later=1,
        ),
        Step(
            "up",
            Expect(created=names(POOL), deleted=NOTHING, changed=names(DATABRICKS_LS)),
            config={"clusterMode": "instancePool", "jobCluster": None, "instancePool": POOL_SECTION},
            days_later=1,
        ),
        Step(
            "up",
            Expect(created=names(CLUSTER), deleted=names(POOL), changed=names(DATABRICKS_LS)),
            config={"clusterMode": None, "instancePool": None},
            days_later=1,
        ),
    ),
)

PROTECTED_IDENTITY_SWITCH = Scenario(
    "prod: managedIdentity with a user-assigned identity → accessToken is refused while protected",
    "prod",
    ("kv-soft-delete-name",),
    (
        Step("up", Expect()),
        Step(
            "up",
            Expect(created=names(IDENTITY, CREDENTIAL, USES_WORKSPACE)),
            config={"auth": "managedIdentity", "managedIdentity": {"userAssigned": True}},
            days_later=1,
        ),
        Step(
            "up",
            Expect(refused="marked for protection", deleted=names(IDENTITY, CREDENTIAL, USES_WORKSPACE)),
            config={"auth": None, "managedIdentity": None},
            days_later=1,
        ),
    ),
)

FOREIGN_DEPLOYER_REFUSED = Scenario(
    "dev with token.owner: a deploy by anyone else is refused before anything is registered",
    "dev",
    ("token-owner-list",),
    (
        Step("up", Expect(), config={"token": {"lifetimeDays": 90, "rotationDays": 60, "owner": "<deployer>"}}),
        Step(
            "up",
            Expect(refused="Only the owner (CI) may deploy a token stack"),
            deployer=OTHER_DEPLOYER,
            days_later=1,
        ),
    ),
)

SCENARIOS: tuple[Scenario, ...] = (*_every_stack(), MODE_SWITCHES, PROTECTED_IDENTITY_SWITCH, FOREIGN_DEPLOYER_REFUSED)
