"""The engine tier's scenario catalogue: data, so that other scenario lists can feed it.

A scenario is a stack and a sequence of steps; a step is an action (a Pulumi operation, or a change to the
fake cloud: the clock, the caller's identity), the stack-file keys to set before it, and what a user must
see. `tests/engine/test_engine_scenarios.py` runs every entry through the real CLI. The rules cited are the
rows of `shared/specs/azure-lifecycle-rules.md`, by short name.

These are the scenarios only the engine can show (policy packs, the CLI's own checks, identities, type-token
aliases). Day-2 scenarios that both tiers run are written once, in `tests/lifecycle_scenarios.py` (those marked
`engine` run through the CLI too: `tests/engine/test_engine_catalogue.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.lifecycle_scenarios import DEV_OPERATIONS

JOB_CLUSTER = {"sparkVersion": "16.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "workers": "2:8"}
INTERACTIVE = {"sparkVersion": "16.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "numWorkers": 1}
POOL = {"sparkVersion": "16.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "workers": "4"}


@dataclass(frozen=True)
class Step:
    action: str
    """preview | up | refresh | destroy (through the CLI) | advance (the cloud's clock) | identity (the caller)
    | cloud (set fields of the fake cloud's store, e.g. dataPlaneRoles)."""
    config: dict[str, Any] = field(default_factory=dict)
    """Stack-file keys to set before the step (project keys may omit `adf-databricks:`; None removes)."""
    days: float = 0
    identity: str = ""
    cloud: dict[str, Any] = field(default_factory=dict)
    program: str = "real"
    policy: bool = False
    """Run with `--policy-pack policy`."""
    ok: bool = True
    """Whether the operation succeeds."""
    error: tuple[str, ...] = ()
    """Text the failure shows (each must appear)."""
    no_changes: bool = False
    """Every resource step is `same`: nothing created, updated, replaced or deleted."""
    ops: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per resource type, the steps the engine takes for it (e.g. create-replacement, replace, delete-replaced)."""
    forbid_ops: tuple[str, ...] = ()
    """Step kinds that must not occur at all (e.g. replace, delete)."""
    component_type: str = ""
    """The type token the component registers under in this run."""
    changes: dict[str, int] = field(default_factory=dict)
    """Counts from the operation's summary that must match (e.g. {"delete": 1} for a refresh that lost one)."""
    survives: tuple[str, ...] = ()
    """Resource types that must still exist in the fake cloud after the step."""


@dataclass(frozen=True)
class Scenario:
    name: str
    stack: str
    steps: tuple[Step, ...]
    source: str
    """Why the expectation holds: the rule or document it encodes."""
    xfail: str = ""
    """Set while the fix lives on another branch: the test must then fail (strict), and flips when it lands."""


STACKS = tuple(
    sorted(p.name.split(".")[1] for p in (Path(__file__).resolve().parents[2] / "stacks").glob("Pulumi.*.yaml"))
)
"""Every stack file, so a user's new stack is covered by the first scenario too."""
PROTECTED = (
    "azure-native:resources:ResourceGroup",
    "azure-native:databricks:Workspace",
    "azure-native:keyvault:Vault",
    "azure-native:datafactory:Factory",
)
"""What `protect: true` guards in prod (components/platform.py `stateful`)."""
UP = Step("up")
QUIET_UP = Step("up", no_changes=True)
REPLACING = ("replace", "create-replacement", "delete-replaced")

SCENARIOS: tuple[Scenario, ...] = (
    *(
        Scenario(
            f"{stack}: preview, up, a second up changes nothing, refresh changes nothing",
            stack,
            (Step("preview"), UP, QUIET_UP, Step("refresh", no_changes=True)),
            "names, tags, comments and expiry are deterministic for the same config and state (issue 11)",
        )
        for stack in STACKS
    ),
    Scenario(
        "dev: cluster mode existing -> job -> pool -> existing, each an up that succeeds",
        "dev",
        (
            UP,
            Step("up", config={"clusterMode": "newJobCluster", "interactiveCluster": None, "jobCluster": JOB_CLUSTER}),
            Step("up", config={"clusterMode": "instancePool", "jobCluster": None, "instancePool": POOL}),
            Step(
                "up", config={"clusterMode": "existingCluster", "instancePool": None, "interactiveCluster": INTERACTIVE}
            ),
            QUIET_UP,
        ),
        "issue 11: every change a user can make in config, in either direction, ends in a working stack",
    ),
    Scenario(
        "prod: destroy refuses to delete the protected resources (the unprotected ones go first)",
        "prod",
        (
            # `kv-secret-dataplane-delete` kept out of the way (the deployer holds a data-plane role; prod is private,
            # so its deploy reaches the vault's data plane through the vault's endpoint, which the firewall's IP rules
            # do not govern), so the destroy reaches the protected resources.
            Step("up"),
            Step("cloud", cloud={"dataPlaneRoles": ["ci-deployer"]}),
            Step("destroy", ok=False, error=("protect",), survives=PROTECTED),
            Step("up", forbid_ops=("replace", "create-replacement", "delete-replaced")),
        ),
        "Pulumi resource option `protect`: the engine refuses to delete a protected resource; the delete steps "
        "of unprotected resources run first, in reverse dependency order",
    ),
    Scenario(
        "prod, private, unprotected: the factory's managed network and approved endpoints; a second up changes "
        "nothing; destroy deletes the endpoints before the factory",
        "prod",
        (
            Step(
                "up",
                config={"protect": False},
                survives=(
                    "azure-native:resources:Resource",
                    "azure-native:datafactory:ManagedPrivateEndpoint",
                    "azure-native:resources:Deployment",
                ),
            ),
            Step("up", config={"protect": False}, no_changes=True),
            Step("destroy", config={"protect": False}),
        ),
        "issue 22: `adf-managed-vnet`, `adf-managed-vnet-resource`, `adf-managed-endpoint-approval`: the approval "
        "reads the target's connections (the stand-in's fake cloud lists the endpoints' connections, Pending until "
        "the deployment approves one) and finds the same connection on the second up",
    ),
    Scenario(
        "dev: --policy-pack policy passes the stack as configured",
        "dev",
        (Step("up", policy=True),),
        "policy/rules.py: the pack CI runs on every preview and up",
    ),
    Scenario(
        "prod: --policy-pack policy refuses an unprotected prod stack before anything is created",
        "prod",
        (Step("up", policy=True, config={"protect": False}, ok=False, error=("prod-resources-protected",)),),
        "policy/rules.py prod-resources-protected (mandatory)",
    ),
    Scenario(
        "dev: a refresh by another identity loses the token; the next up creates another (`token-owner-list`)",
        "dev",
        (
            UP,
            Step("identity", identity="alice@example.com"),
            Step("refresh", changes={"delete": 1}, ops={"databricks:index/token:Token": ("refresh",)}),
            Step("identity", identity="ci-deployer"),
            Step("up", ops={"databricks:index/token:Token": ("create",)}),
        ),
        "`token-owner-list`: the Token API lists only the caller's tokens; the provider reads a token by listing",
    ),
    Scenario(
        "dev: auth accessToken -> managedIdentity -> accessToken, each an up that succeeds",
        "dev",
        (
            UP,
            Step("up", config={"auth": "managedIdentity"}),
            Step("up", config={"auth": "accessToken"}),
        ),
        "issue 11 item 2; `kv-secret-dataplane-delete`, `kv-soft-delete-name` and `azure-native-no-adopt`: the "
        "secret's delete goes through the data plane, the vault soft-deletes",
    ),
    Scenario(
        "dev with diagnostics, alerts, a budget and delete locks: up, a second up changes nothing, destroy, and a "
        "re-create (the vault recovered) that the next up leaves alone",
        "dev",
        (
            Step("up", config={"operations": {**DEV_OPERATIONS, "locks": True}}),
            QUIET_UP,
            Step("destroy"),
            Step("up", config={"keyVault": {"recover": True}}),
            Step("up", config={"keyVault": None}, no_changes=True),
        ),
        "issue 23 item 6: `lock-blocks-children` (each lock waits for what it holds, so the engine deletes it first "
        "and the destroy is not refused), `diagnostic-settings-orphaned` (each setting is deleted by its own call, "
        "so the re-create meets none), `kv-soft-delete-name` (the re-create recovers the vault)",
    ),
    Scenario(
        "dev: destroy succeeds with the vault firewall on and no data-plane role",
        "dev",
        (UP, Step("destroy")),
        "issue 11 item 1; `kv-secret-dataplane-delete`",
    ),
    Scenario(
        "dev: a stack deployed with the old component type token updates to the new one without a replace",
        "dev",
        (
            Step("up", program="old-type-token"),
            Step(
                "up",
                component_type="adf-databricks:index:AdfDatabricks",
                forbid_ops=("create", "delete", "replace", "create-replacement", "delete-replaced"),
            ),
        ),
        "issue 14 item 2: an alias on the component; children follow their parent's aliases",
    ),
)
