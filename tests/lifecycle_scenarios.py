"""Day-2 scenarios as plain data: sequences of runs on one stack and what each run must do.

One catalogue for two tiers: `tests/engine/test_engine_catalogue.py` runs those marked `engine` through the real
Pulumi CLI, holds the CLI to each step's expectations and, step by step, the mock tier's `World` to the CLI;
`tests/test_lifecycle.py` runs the others on Pulumi's mock runtime (state carried from run to run, the engine's
diff emulated): what the CLI cannot reproduce here (another deployer, an out-of-band lock), and every stack's day
2, and also those marked `engine` that a run refuses half-way, whose both possible ends only the mock tier follows.
Nothing here imports the program or the mocks.

A step: the stack (a file in `stacks/`), the config overrides for that run (on top of the stack file, as
`pulumi config set` would leave them; `None` removes an override again), the action (`up` or `destroy`),
how many days after the previous step it runs, what changed in the cloud meanwhile (an admin's setting, tokens
held elsewhere), who deploys, which program (today's, or an earlier release's: `tests/earlier_versions.py`), and
what the run must do. A refresh drops what the fake cloud says is gone (`components/offline/cloud_state.py`
`gone_on_read`: a due `Rotating`, `rotating-on-refresh`; another identity's or a revoked token, `token-owner-list`,
`pat-lifecycle`); `refresh_drops` names more. Resources are named by their logical names.

Rules are the rows of the lifecycle table (components/offline/specs/azure-lifecycle-rules.md, the project's copy of
../shared/specs/azure-lifecycle-rules.md), cited by their short names: the numbers may change.
"""

from __future__ import annotations

import functools
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
RESOURCE_GROUP = f"{P}-resource-group"
LOCKS = (f"{P}-workspace-lock", f"{P}-key-vault-lock", f"{P}-data-factory-lock")
DIAGNOSTICS = (f"{P}-workspace-diagnostics", f"{P}-key-vault-diagnostics", f"{P}-data-factory-diagnostics")
LOG_ANALYTICS = f"{P}-log-analytics"
RUNTIME = f"{P}-data-flow-runtime"
MANAGED_VNET = f"{P}-managed-virtual-network"
WORKSPACE_MPE = f"{P}-workspace-managed-endpoint"
VAULT_MPE = f"{P}-vault-managed-endpoint"
APPROVAL = "{}-approval"

JOB_CLUSTER = {"sparkVersion": "15.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "workers": "2:8"}
POOL_SECTION = {"sparkVersion": "15.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "workers": "4"}
OTHER_DEPLOYER = "7c1e4f0a-2b9d-4c8e-a6f3-5d0b9e2a1c47"
"""A person's object id, not the CI identity's."""
ELSEWHERE_SUBSCRIPTION = "2d8b4e6f-1a3c-4f5e-9b7d-0c2e4a6f8b1d"
"""Another subscription of the same Entra tenant, where a second copy of the project deploys (`Step.elsewhere`)."""


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
    """A fragment of the error that stops the run."""
    intact: frozenset[str] = frozenset()
    """With `refused`: resources the failed run left exactly as they were (same id, same state, still existing)."""
    applied: frozenset[str] | None = None
    """With `refused`: the resources whose change the run made for sure before it stopped, and which stay: the
    engine applies step by step and keeps what finished (tests/engine_order.py); `NOTHING` for a refusal at preview
    (protect, the program)."""
    delete_first: frozenset[str] = frozenset()
    """Of `replaced`, those whose old resource is deleted before the new one is created."""
    no_provider_delete: frozenset[str] = frozenset()
    """Deleted from state without a delete call to their provider (retainOnDelete / deletedWith)."""
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Logical name → {dotted input path: value} the run sends."""
    token_owner: str | None = None
    """The object id the token's comment names (`<deployer>`: whoever ran the first step)."""
    data_loss: frozenset[str] | None = None
    """Replaced or deleted resources that hold data, as the change report marks them (its exit code 3)."""


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
    cloud: dict[str, Any] = field(default_factory=dict)
    """What changed in the fake cloud before the run, as the engine tier's store names it (tests/engine/standin/
    store.py): `maxTokenLifetimeDays` (a workspace admin's cap on new tokens, 0 = none), `tokensHeldElsewhere`
    (tokens the deployer holds in the workspace besides the stack's), `locked` (ARM types, e.g.
    `Microsoft.KeyVault/vaults`, whose resources in the stack carry a `CanNotDelete` lock: `lock-blocks-children`;
    mock tier only)."""
    program: str = "real"
    """Which program runs: `real`, or an earlier release's naming (a key of `tests/earlier_versions.py` VARIANTS)."""
    elsewhere: bool = False
    """Run by a second copy of the project, with its own state: the same project and stack names, deployed into
    another subscription (`ELSEWHERE_SUBSCRIPTION`) of the same tenant, as a second team would."""


@dataclass(frozen=True)
class Scenario:
    name: str
    stack: str
    rules: tuple[str, ...]
    """The rows of the lifecycle table the scenario exercises, by short name."""
    steps: tuple[Step, ...]
    engine: bool = False
    """Run in the engine tier (tests/engine/test_engine_catalogue.py: the real CLI and the mock `World`, step by step);
    in the unit tier only if a run is refused half-way (tests/test_lifecycle.py `MOCK_SCENARIOS`)."""


NOTHING: frozenset[str] = frozenset()


def names(*items: str) -> frozenset[str]:
    return frozenset(items)


def lifecycle_rows() -> set[str]:
    """The short names of the lifecycle table's rows (`| 17 `role-assignment-name-tenant-unique` | ...`)."""
    return set(re.findall(r"^\| \d+ `([a-z0-9-]+)` \|", LIFECYCLE_TABLE.read_text(), flags=re.M))


def stack_files() -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in STACKS_DIR.glob("Pulumi.*.yaml"))


@functools.cache
def stack_config(stack: str) -> dict[str, Any]:
    """The stack file's `config:`, read once per process (building the catalogue asks for it dozens of times);
    callers read it and never change it."""
    document = yaml.safe_load((STACKS_DIR / f"Pulumi.{stack}.yaml").read_text()) or {}
    config: dict[str, Any] = document.get("config") or {}
    return config


def is_protected(stack: str) -> bool:
    return str(stack_config(stack).get(f"{P}:protect", False)).lower() == "true"


def is_private(stack: str) -> bool:
    return (stack_config(stack).get(f"{P}:network") or {}).get("mode") == "private"


def vault_path(stack: str) -> frozenset[str]:
    """A private stack's factory reaches the vault (token mode only) through a managed endpoint, approved by the
    deploy (lifecycle row `adf-managed-vnet`)."""
    return names(VAULT_MPE, APPROVAL.format(VAULT_MPE)) if is_private(stack) else NOTHING


def uses_token(stack: str) -> bool:
    return stack_config(stack).get(f"{P}:auth", "accessToken") == "accessToken"


def operations(stack: str) -> dict[str, Any]:
    return dict(stack_config(stack).get(f"{P}:operations") or {})


def is_locked(stack: str) -> bool:
    return str(operations(stack).get("locks", False)).lower() == "true"


def unlocked(stack: str) -> dict[str, Any]:
    """The override that lifts a locked stack's delete locks (`lock-blocks-children`): before a change that deletes a
    locked resource's child, role assignment or diagnostic setting, and before a tear-down."""
    return {"operations": {**operations(stack), "locks": False}} if is_locked(stack) else {}


def relocked(stack: str) -> dict[str, Any]:
    """Back to the stack file's operations (its locks)."""
    return {"operations": None} if is_locked(stack) else {}


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
                            applied=NOTHING,
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
                        Step("up", Expect(), config=unlocked(stack)),
                        Step(
                            "up",
                            Expect(
                                created=names(USES_WORKSPACE),
                                deleted=names(TOKEN, ROTATION, READS_SECRETS, KEY_VAULT_LS) | vault_path(stack),
                                changed=names(SECRET, DATABRICKS_LS),
                            ),
                            config={"auth": "managedIdentity"},
                            days_later=1,
                        ),
                        Step(
                            "up",
                            Expect(
                                created=names(TOKEN, ROTATION, READS_SECRETS, KEY_VAULT_LS) | vault_path(stack),
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
                    Step("destroy", Expect(), config={"protect": False, **unlocked(stack)}),
                    Step(
                        "up",
                        Expect(deleted=NOTHING, inputs={VAULT: {"properties.createMode": "recover"}}),
                        config={"protect": None, "keyVault": {**_key_vault(stack), "recover": True}, **relocked(stack)},
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
        scenarios.append(_earlier_role_names(stack))
    return scenarios


QUIET = Expect(created=NOTHING, deleted=NOTHING, changed=NOTHING)


def _earlier_role_names(stack: str) -> Scenario:
    """A stack deployed before role-assignment names depended on scope, principal and role: one `up` renames each
    assignment, which replaces it (the name is its identity), old one first, and touches nothing else."""
    grants = names(READS_SECRETS) if uses_token(stack) else names(USES_WORKSPACE)
    return Scenario(
        f"{stack}: deployed with the earlier role-assignment names, the next up replaces each assignment delete-first "
        "and nothing else",
        stack,
        ("role-assignment-name-tenant-unique", "fixed-name-delete-first", "rbac-propagation"),
        (
            # Earlier releases had no locks: the upgrade's first up creates them along with the renames.
            Step("up", Expect(), program="earlier-role-names", config=unlocked(stack)),
            Step(
                "up",
                Expect(
                    created=names(*LOCKS) if is_locked(stack) else NOTHING,
                    deleted=NOTHING,
                    changed=grants,
                    replaced=grants,
                    delete_first=grants,
                ),
                config=relocked(stack),
                days_later=1,
            ),
            Step("up", QUIET, days_later=1),
        ),
        engine=True,
    )


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
    ("kv-soft-delete-name", "lock-blocks-children"),
    (
        Step("up", Expect(), config=unlocked("prod")),
        Step(
            "up",
            Expect(created=names(IDENTITY, CREDENTIAL, USES_WORKSPACE)),
            config={"auth": "managedIdentity", "managedIdentity": {"userAssigned": True}},
            days_later=1,
        ),
        Step(
            "up",
            Expect(
                refused="marked for protection",
                deleted=names(IDENTITY, CREDENTIAL, USES_WORKSPACE),
                applied=NOTHING,
            ),
            config={"auth": None, "managedIdentity": None},
            days_later=1,
        ),
    ),
)

PROTECTED_PUBLIC_TO_PRIVATE_REFUSED = Scenario(
    "prod deployed public: switching it to network.mode private replaces the workspace, which protect refuses; "
    "the workspace is left as it was (docs/networking.md, Migration)",
    "prod",
    ("workspace-creation-only", "private-link", "workspace-pna-private-link"),
    (
        Step("up", Expect(), config={"network": {"mode": "public"}}),
        Step(
            "up",
            Expect(created=NOTHING, deleted=NOTHING, changed=NOTHING),
            config={"network": {"mode": "public"}},
            days_later=1,
        ),
        Step(
            "up",
            Expect(
                refused="marked for protection", replaced=names(WORKSPACE), intact=names(WORKSPACE), applied=NOTHING
            ),
            config={"network": None},
            days_later=1,
        ),
    ),
    engine=True,
)

PRIVATE_PROD_UNPROTECTED_DESTROY = Scenario(
    "prod, private, unprotected: destroy deletes the secret through the vault's endpoint before the endpoint, the "
    "workspace before its subnets, the endpoints before theirs, the subnets before the NSG",
    "prod",
    ("kv-secret-dataplane-delete", "subnet-delegation-in-use", "private-link"),
    (
        Step("up", Expect(), config={"protect": False}),
        Step("destroy", Expect(), config={"protect": False}),
    ),
    engine=True,
)

RUNTIME_MOVES_INTO_THE_MANAGED_NETWORK = Scenario(
    "prod, unprotected, deployed public: going private puts the factory in its managed network; the Data Flow runtime "
    "cannot move into it and is replaced, old one first; the endpoints are approved by the deploy (the stack's own "
    "delete locks lifted, as a replacement under them needs)",
    "prod",
    ("adf-managed-vnet", "adf-managed-vnet-resource", "workspace-creation-only", "fixed-name-delete-first"),
    (
        Step("up", Expect(), config={"protect": False, "network": {"mode": "public"}, **unlocked("prod")}),
        Step(
            "up",
            Expect(
                replaced=names(RUNTIME, WORKSPACE),
                delete_first=names(RUNTIME),
                inputs={RUNTIME: {"properties.managedVirtualNetwork.referenceName": "default"}},
            ),
            config={"network": None},
            days_later=1,
        ),
        Step("up", QUIET, days_later=1),
    ),
)

MANAGED_NETWORK_ROUND_TRIP = Scenario(
    "prod, private, unprotected: the factory's managed network is created and its endpoints approved; a second up "
    "reads it all back (the approvals find their connections Approved) and changes nothing; destroy deletes the "
    "approvals and endpoints before the factory, whose delete takes the managed network; a re-create meets none of "
    "it (tests/engine/scenarios.py runs the same through the CLI)",
    "prod",
    ("adf-managed-vnet", "adf-managed-vnet-resource", "adf-managed-endpoint-approval", "azure-native-no-adopt"),
    (
        Step("up", Expect(), config={"protect": False, **unlocked("prod")}),
        Step("up", QUIET, days_later=1),
        Step("destroy", Expect(no_provider_delete=names(MANAGED_VNET)), config={"protect": False}),
        Step(
            "up",
            Expect(deleted=NOTHING, inputs={VAULT: {"properties.createMode": "recover"}}),
            config={"keyVault": {**_key_vault("prod"), "recover": True}},
            days_later=3,
        ),
    ),
)

LOCKED_VAULT_KEEPS_ITS_MANAGED_ENDPOINT = Scenario(
    "prod, private: with a CanNotDelete lock on the vault, switching to managedIdentity cannot delete the vault's "
    "role assignment or managed endpoint (its connection is the vault's child) and stops there, keeping the switch's "
    "creates, updates and earlier deletes; lifting the lock lets the next up delete the rest (a lock set outside the "
    "stack; the stack's own locks are off here)",
    "prod",
    ("lock-blocks-children", "adf-managed-vnet", "adf-managed-endpoint-approval"),
    (
        Step("up", Expect(), config={"protect": False, **unlocked("prod")}),
        Step(
            "up",
            # Deletes run dependents first, one antichain after another (tests/engine_order.py): the linked service
            # and the token, then the approval and the rotation schedule, then the two the lock refuses.
            Expect(
                refused="ScopeLocked",
                intact=names(VAULT_MPE, VAULT, READS_SECRETS),
                applied=names(
                    USES_WORKSPACE, SECRET, DATABRICKS_LS, KEY_VAULT_LS, TOKEN, ROTATION, APPROVAL.format(VAULT_MPE)
                ),
            ),
            config={"auth": "managedIdentity"},
            cloud={"locked": ["Microsoft.KeyVault/vaults"]},
            days_later=1,
        ),
        Step(
            "up",
            Expect(created=NOTHING, deleted=names(READS_SECRETS, VAULT_MPE), changed=NOTHING),
            cloud={"locked": []},
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
            Expect(refused="Only the owner (CI) may deploy a token stack", applied=NOTHING),
            deployer=OTHER_DEPLOYER,
            days_later=1,
        ),
    ),
)

USER_ASSIGNED = {"auth": "managedIdentity", "managedIdentity": {"userAssigned": True}}

EARLIER_ROLE_NAMES_USER_ASSIGNED = Scenario(
    "dev with a user-assigned identity, deployed with the earlier role-assignment names: the next up replaces its "
    "workspace role delete-first and nothing else",
    "dev",
    ("role-assignment-name-tenant-unique", "fixed-name-delete-first"),
    (
        Step("up", Expect(), config=USER_ASSIGNED, program="earlier-role-names"),
        Step(
            "up",
            Expect(
                created=NOTHING,
                deleted=NOTHING,
                changed=names(USES_WORKSPACE),
                replaced=names(USES_WORKSPACE),
                delete_first=names(USES_WORKSPACE),
            ),
            days_later=1,
        ),
    ),
)

TWO_TEAMS_ONE_TENANT = Scenario(
    "dev deployed by two teams into two subscriptions of one tenant: both deploy, and both stay quiet",
    "dev",
    ("role-assignment-name-tenant-unique",),
    (
        Step("up", Expect()),
        Step("up", Expect(), elsewhere=True),
        Step("up", QUIET, days_later=1),
        Step("up", QUIET, elsewhere=True),
    ),
    engine=True,
)

TWO_TEAMS_EARLIER_NAMES = Scenario(
    "with the earlier role-assignment names, the second team's deploy is refused: the name is taken in the tenant",
    "dev",
    ("role-assignment-name-tenant-unique",),
    (
        Step("up", Expect(), program="earlier-role-names"),
        # The vault and the factory, which the assignment names, went through before it.
        Step(
            "up",
            Expect(refused="RoleAssignmentUpdateNotPermitted", applied=names(P, RESOURCE_GROUP, FACTORY, VAULT)),
            program="earlier-role-names",
            elsewhere=True,
        ),
    ),
    engine=True,
)

LONG_LIVED_TOKEN = {"lifetimeDays": 180, "rotationDays": 60}
"""A token that outlives 90 idle days: what revokes it then is its idleness, not its expiry."""

IDLE_TOKEN_REVOKED = Scenario(
    "dev left alone for 90 days: Databricks revoked the unused token; the next up creates a new one and writes it "
    "to the secret",
    "dev",
    ("pat-lifecycle", "rotating-on-refresh"),
    (
        Step("up", Expect(), config={"token": LONG_LIVED_TOKEN}),
        Step("up", Expect(created=names(TOKEN, ROTATION), deleted=NOTHING, changed=names(SECRET)), days_later=90),
        Step("up", QUIET, days_later=1),
    ),
    engine=True,
)

TOKEN_QUOTA_REACHED = Scenario(
    "dev whose deployer holds 600 tokens: the due rotation is refused (QUOTA_EXCEEDED) with the old token and the "
    "secret intact, the new rotation schedule (made before the token) kept; once tokens are freed the next up rotates",
    "dev",
    ("pat-lifecycle", "token-forcenew"),
    (
        Step("up", Expect()),
        Step(
            "up",
            Expect(refused="QUOTA_EXCEEDED", intact=names(TOKEN, SECRET), applied=names(ROTATION)),
            cloud={"tokensHeldElsewhere": 599},
            days_later=60,
        ),
        Step(
            "up",
            Expect(deleted=NOTHING, changed=names(TOKEN, SECRET), replaced=names(TOKEN)),
            cloud={"tokensHeldElsewhere": 0},
            days_later=1,
        ),
        Step("up", QUIET, days_later=1),
    ),
    engine=True,
)

ADMIN_CAPS_TOKEN_LIFETIME = Scenario(
    "dev after a workspace admin caps new tokens at 30 days: the due rotation fails at the new token's create with "
    "the old token and the secret intact, the new rotation schedule kept; token.lifetimeDays within the cap rotates",
    "dev",
    ("pat-lifecycle", "token-forcenew"),
    (
        Step("up", Expect()),
        Step(
            "up",
            Expect(refused="maxTokenLifetimeDays", intact=names(TOKEN, SECRET), applied=names(ROTATION)),
            cloud={"maxTokenLifetimeDays": 30},
            days_later=60,
        ),
        Step(
            "up",
            Expect(deleted=NOTHING, replaced=names(TOKEN), inputs={TOKEN: {"lifetimeSeconds": 30 * 86_400}}),
            config={"token": {"lifetimeDays": 30, "rotationDays": 20}},
            days_later=1,
        ),
        Step("up", QUIET, days_later=1),
    ),
    engine=True,
)


def _vault_managed_endpoint(stack: str) -> tuple[str, ...]:
    """What a private stack's factory has for the vault in token mode: its managed endpoint and that one's approval."""
    return (VAULT_MPE, APPROVAL.format(VAULT_MPE)) if is_private(stack) else ()


def _locked_stack_refuses_a_child_delete(stack: str) -> Scenario:
    """`lock-blocks-children`: switching auth deletes the vault's role assignment and a factory child; a locked stack
    refuses it (ScopeLocked) and keeps both. The engine runs a change's creates and updates before its deletes
    (tests/engine_order.py), so the refused up has already added the workspace role and moved the linked service to
    the managed identity; going back with the locks lifted undoes that, a second try then goes through, and the
    next up puts the locks back."""
    return Scenario(
        f"{stack}: a locked stack refuses a change at its first delete of a locked resource's role assignment or "
        "child, keeping its creates and updates; lifting the locks first lets it through",
        stack,
        ("lock-blocks-children", "fixed-name-delete-first"),
        (
            Step("up", Expect()),
            Step(
                "up",
                Expect(
                    refused="ScopeLocked",
                    intact=names(READS_SECRETS, KEY_VAULT_LS),
                    applied=names(USES_WORKSPACE, SECRET, DATABRICKS_LS),
                ),
                config={"auth": "managedIdentity"},
                days_later=1,
            ),
            Step(
                "up",
                Expect(created=NOTHING, deleted=names(*LOCKS, USES_WORKSPACE), changed=names(SECRET, DATABRICKS_LS)),
                config={"auth": None, **unlocked(stack)},
            ),
            Step(
                "up",
                Expect(
                    created=names(USES_WORKSPACE),
                    deleted=names(TOKEN, ROTATION, READS_SECRETS, KEY_VAULT_LS, *_vault_managed_endpoint(stack)),
                ),
                config={"auth": "managedIdentity"},
                days_later=1,
            ),
            Step("up", Expect(created=names(*LOCKS), deleted=NOTHING, changed=NOTHING), config=relocked(stack)),
            Step("up", QUIET, days_later=1),
        ),
        engine=True,
    )


DEV_OPERATIONS = {
    "diagnostics": True,
    "alerts": {"emails": ["data-team@example.com"], "webhooks": ["https://hooks.example.com/adf-failed"]},
    "budget": {"amount": 500, "thresholds": [50, 90, 100], "startMonth": "2027-01"},
}
"""Every operations part but the locks, in dev (the shipped dev stack has none)."""

DEV_OPERATIONS_RECREATED = Scenario(
    "dev with diagnostics, alerts and a budget: a second up changes nothing; destroy deletes each diagnostic setting "
    "itself, so the re-create meets none, and recovers the soft-deleted Log Analytics workspace",
    "dev",
    (
        "diagnostic-settings-orphaned",
        "log-analytics-soft-delete",
        "budget-managed-rg",
        "kv-soft-delete-name",
        "azure-native-no-adopt",
    ),
    (
        Step("up", Expect(), config={"operations": DEV_OPERATIONS}),
        Step("up", QUIET, days_later=1),
        Step("destroy", Expect(), days_later=1),
        Step(
            "up",
            Expect(deleted=NOTHING),
            config={"keyVault": {"recover": True}},
            days_later=3,
        ),
        Step("up", QUIET, config={"keyVault": None}, days_later=1),
    ),
)

DEV_OPERATIONS_QUIET = Scenario(
    "dev with every operations part, locks included: the first up creates them, a second up changes nothing",
    "dev",
    ("diagnostic-settings-orphaned", "budget-managed-rg", "lock-blocks-children"),
    (
        Step("up", Expect(), config={"operations": {**DEV_OPERATIONS, "locks": True}}),
        Step("up", QUIET, days_later=1),
    ),
    engine=True,
)


LOCATION_MOVE = Scenario(
    "dev moved to another region: the resource group, workspace, vault and factory are replaced delete-first, and "
    "the change report calls it data loss",
    "dev",
    ("fixed-name-delete-first", "workspace-creation-only", "kv-soft-delete-name"),
    (
        Step("up", Expect()),
        Step(
            "up",
            Expect(
                replaced=names(RESOURCE_GROUP, WORKSPACE, VAULT, FACTORY),
                delete_first=names(RESOURCE_GROUP, WORKSPACE, VAULT, FACTORY),
                data_loss=names(RESOURCE_GROUP, WORKSPACE, VAULT, FACTORY),
            ),
            config={"azure-native:location": "northeurope"},
            days_later=1,
        ),
    ),
)

TOKEN_LIFETIME = Scenario(
    "dev with a shorter token lifetime: the token is replaced create-before-delete, the secret updated, nothing lost",
    "dev",
    ("token-forcenew",),
    (
        Step("up", Expect()),
        Step(
            "up",
            Expect(
                created=NOTHING,
                deleted=NOTHING,
                changed=names(TOKEN, SECRET),
                replaced=names(TOKEN),
                data_loss=NOTHING,
            ),
            config={"token": {"lifetimeDays": 80, "rotationDays": 60}},
            days_later=1,
        ),
    ),
)

OLD_TYPE_TOKEN = Scenario(
    "dev deployed under the component's earlier type token: the next up follows the alias, nothing changes",
    "dev",
    ("fixed-name-delete-first",),
    (
        Step("up", Expect(), program="old-type-token"),
        Step("up", Expect(created=NOTHING, deleted=NOTHING, changed=NOTHING, data_loss=NOTHING), days_later=1),
    ),
)

SCENARIOS: tuple[Scenario, ...] = (
    *_every_stack(),
    MODE_SWITCHES,
    PROTECTED_IDENTITY_SWITCH,
    PROTECTED_PUBLIC_TO_PRIVATE_REFUSED,
    PRIVATE_PROD_UNPROTECTED_DESTROY,
    RUNTIME_MOVES_INTO_THE_MANAGED_NETWORK,
    MANAGED_NETWORK_ROUND_TRIP,
    LOCKED_VAULT_KEEPS_ITS_MANAGED_ENDPOINT,
    FOREIGN_DEPLOYER_REFUSED,
    EARLIER_ROLE_NAMES_USER_ASSIGNED,
    TWO_TEAMS_ONE_TENANT,
    TWO_TEAMS_EARLIER_NAMES,
    IDLE_TOKEN_REVOKED,
    TOKEN_QUOTA_REACHED,
    ADMIN_CAPS_TOKEN_LIFETIME,
    *(_locked_stack_refuses_a_child_delete(stack) for stack in stack_files() if is_locked(stack) and uses_token(stack)),
    DEV_OPERATIONS_RECREATED,
    DEV_OPERATIONS_QUIET,
    LOCATION_MOVE,
    TOKEN_LIFETIME,
    OLD_TYPE_TOKEN,
)
