"""Day 2 on the mock runtime: every scenario of `tests/lifecycle_scenarios.py`, run after run.

Pulumi's mock runtime runs one program once. A scenario needs more: state carried from run to run, the
engine's diff, and the cloud that outlives the state. This file adds those, each after a written rule:

- state: a resource already in state keeps its id and computed outputs (the provider reads it back);
  one a refresh dropped, or whose force-new input changed, gets new ones (the provider creates it);
- the engine: `ignoreChanges` keeps the old value of an ignored path (Pulumi docs, "ignoreChanges"); a
  protected resource is never deleted, and the refusal comes in the preview already (pulumi/pulumi
  `pkg/resource/deploy/step.go`, `DeleteStep.Apply` checks `protect` before it checks for a dry run); a
  delete reaches the provider unless `retainOnDelete` is set or the `deletedWith` resource is deleted in
  the same run (the same function);
- the cloud: azure-native refuses to create what exists (rule 3), a Key Vault secret's delete goes
  through the data plane, which `defaultAction: Deny` refuses for our deployer (rule 1), a deleted vault
  is soft-deleted with its secrets and keeps its name until it is recovered (rule 2).

The mocks still only serve state: what a scenario's run does follows from the program's registrations.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pytest
from lifecycle_scenarios import (
    CLUSTER,
    DATABRICKS_LS,
    FACTORY,
    KEY_VAULT_LS,
    POOL,
    READS_SECRETS,
    ROTATION,
    SCENARIOS,
    SECRET,
    TOKEN,
    VAULT,
    WORKSPACE,
    Expect,
    Scenario,
    Step,
    is_protected,
    stack_files,
    uses_token,
)

from components.naming import digest
from components.offline.mocks import AzureMocks
from components.offline.plan import Plan, ResourceRecord, reveal
from components.offline.run import run_stack

START = 1_790_000_000.0
CI_DEPLOYER = AzureMocks().call(
    pulumi.runtime.MockCallArgs("azure-native:authorization:getClientConfig", {}, "")  # type: ignore[arg-type]
)[0]["objectId"]

VAULT_TYPE = "azure-native:keyvault:Vault"
SECRET_TYPE = "azure-native:keyvault:Secret"
TOKEN_TYPE = "databricks:index/token:Token"

FORCE_NEW: dict[str, tuple[str, ...]] = {
    # Rule 9 (terraform-provider-databricks tokens/resource_token.go: ForceNew on all three).
    TOKEN_TYPE: ("comment", "lifetimeSeconds", "scopes"),
    # Rule 4: azure-native replaces when a property of the resource's path (its name, group, parent) or
    # a create-only property changes (provider.go Diff, gen/replacement.go).
    VAULT_TYPE: ("vaultName", "resourceGroupName", "location"),
    SECRET_TYPE: ("secretName", "vaultName", "resourceGroupName"),
    "azure-native:databricks:Workspace": ("workspaceName", "resourceGroupName", "location", "managedResourceGroupId"),
    "azure-native:datafactory:Factory": ("factoryName", "resourceGroupName", "location"),
    "azure-native:datafactory:LinkedService": ("linkedServiceName", "factoryName", "resourceGroupName"),
    "azure-native:authorization:RoleAssignment": ("roleAssignmentName", "scope", "principalId"),
}


class StateMocks(AzureMocks):
    """Serves what the provider would read back for resources in state, and new ids for new ones."""

    def __init__(self, state: list[ResourceRecord], now: float, deployer: str) -> None:
        super().__init__(now=now)
        self.state = {(r.type, r.name): r for r in state}
        self.deployer = deployer

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        result, failures = super().call(args)
        if args.token == "azure-native:authorization:getClientConfig":
            result = {**result, "objectId": self.deployer}
        return result, failures

    def _numbered_anew(self, args: pulumi.runtime.MockResourceArgs, outputs: dict[str, Any]) -> dict[str, Any]:
        """Azure numbers each new workspace anew: a re-created stack's workspace has another id and URL."""
        number = int(digest(self.subscription_id, args.inputs["workspaceName"], str(self.now), length=12), 16)
        number %= 10**16
        return {
            **outputs,
            "workspaceId": str(number),
            "workspaceUrl": f"adb-{number}.{number % 20}.azuredatabricks.net",
        }

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        fresh_id, fresh = super().new_resource(args)
        if args.typ == "azure-native:databricks:Workspace":
            fresh = self._numbered_anew(args, fresh)
        old = self.state.get((args.typ, args.name))
        if old is None or forces_new(args.typ, reveal(old.inputs), args.inputs):
            return fresh_id, fresh
        computed = {k: v for k, v in reveal(old.outputs).items() if k not in args.inputs}
        return old.id, {**fresh, **computed}


def forces_new(type_: str, old: dict[str, Any], new: dict[str, Any]) -> bool:
    return any(old.get(key) != new.get(key) for key in FORCE_NEW.get(type_, ()))


def _get(inputs: dict[str, Any], path: str) -> Any:
    node: Any = inputs
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _set(inputs: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = inputs
    for part in parents:
        node = node.setdefault(part, {})
    if value is None:
        node.pop(last, None)
    else:
        node[last] = value


def effective_inputs(old: ResourceRecord | None, new: ResourceRecord) -> dict[str, Any]:
    """The inputs the engine sends and stores: ignored paths keep their value from state."""
    inputs = copy.deepcopy(new.inputs)
    if old is not None:
        for path in new.ignore_changes:
            _set(inputs, path, copy.deepcopy(_get(old.inputs, path)))
    return inputs


def cloud_id(record: ResourceRecord) -> str | None:
    """What exists in Azure or Databricks for a record; providers and components are engine-only."""
    if not record.custom or record.type.startswith("pulumi:providers:") or record.type.startswith("time:"):
        return None
    return record.id


@dataclass
class Outcome:
    created: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    replaced: set[str] = field(default_factory=set)
    provider_deletes: set[str] = field(default_factory=set)
    refused: str | None = None
    plan: Plan | None = None


@dataclass
class World:
    """One stack's state, its config overrides, and what exists in the cloud."""

    stack: str
    now: float = START
    deployer: str = CI_DEPLOYER
    overrides: dict[str, Any] = field(default_factory=dict)
    state: list[ResourceRecord] = field(default_factory=list)
    live: set[str] = field(default_factory=set)
    soft_deleted_vaults: dict[str, set[str]] = field(default_factory=dict)
    """Deleted vault id → the ids of the secrets it will bring back when recovered."""
    retained: set[str] = field(default_factory=set)
    """Ids Pulumi dropped from state without deleting them."""

    def configure(self, step: Step) -> None:
        self.now += step.days_later * 86_400
        self.deployer = step.deployer or CI_DEPLOYER
        for key, value in step.config.items():
            if value is None:
                self.overrides.pop(key, None)
            else:
                self.overrides[key] = _placeholders(value)

    def up(self, drops: frozenset[str] = frozenset()) -> Outcome:
        before = [r for r in self.state if r.name not in drops]
        try:
            plan = run_stack(self.stack, dict(self.overrides), mocks=StateMocks(before, self.now, self.deployer))
        except Exception as error:  # a refusal by config validation or the program
            return Outcome(refused=str(error))
        old = {r.urn: r for r in before}
        new = {r.urn: r for r in plan.resources}
        outcome = Outcome(plan=plan, created=set(), deleted=set())
        stored = []
        for urn, record in new.items():
            previous = old.get(urn)
            inputs = effective_inputs(previous, record)
            stored.append(dataclasses.replace(record, inputs=inputs))
            if previous is None:
                outcome.created.add(record.name)
            elif reveal(inputs) != reveal(previous.inputs):
                outcome.changed.add(record.name)
                if forces_new(record.type, reveal(previous.inputs), reveal(inputs)):
                    outcome.replaced.add(record.name)
        gone = [r for urn, r in old.items() if urn not in new]
        outcome.deleted = {r.name for r in gone}
        replaced_old = [old[urn] for urn in new if urn in old and new[urn].name in outcome.replaced]
        self._apply(
            outcome,
            gone,
            replaced_old,
            [new[urn] for urn in new if urn not in old or new[urn].name in outcome.replaced],
        )
        if outcome.refused is None:
            self.state = stored
        return outcome

    def destroy(self) -> Outcome:
        outcome = Outcome(deleted={r.name for r in self.state})
        self._apply(outcome, list(self.state), [], [])
        if outcome.refused is None:
            self.state = []
        return outcome

    def _apply(
        self, outcome: Outcome, gone: list[ResourceRecord], replaced: list[ResourceRecord], made: list[ResourceRecord]
    ) -> None:
        """Check every delete and create against the engine's and the cloud's rules, then carry them out."""
        problems = [f"{r.urn} is currently marked for protection" for r in gone if r.protect]
        gone_urns = {r.urn for r in gone}
        calls = [r for r in gone if not r.retain_on_delete and r.deleted_with not in gone_urns]
        called = {r.urn for r in calls}
        outcome.provider_deletes = {r.name for r in calls}
        for record in calls + replaced:
            if record.type == SECRET_TYPE and self._firewalled(record):
                problems.append(f"rule 1: deleting secret {record.name} goes through the vault's data plane: 403")
        live = set(self.live) - {cloud_id(r) for r in calls + replaced}
        for record in made:
            ident = cloud_id(record)
            if record.type == VAULT_TYPE and _get(record.inputs, "properties.createMode") == "recover":
                live |= self.soft_deleted_vaults.get(ident or "", set())
        for record in made:
            problems += self._create_problems(record, live)
        if problems:
            outcome.refused = "; ".join(problems)
            return
        self._carry_out(gone, called, replaced, made)

    def _carry_out(
        self, gone: list[ResourceRecord], called: set[str], replaced: list[ResourceRecord], made: list[ResourceRecord]
    ) -> None:
        for record in gone:
            ident = cloud_id(record)
            if ident is None:
                continue
            if record.urn in called:
                self.live.discard(ident)
                if record.type == VAULT_TYPE:
                    children = {i for i in self.live if i.startswith(f"{ident}/secrets/")}
                    self.live -= children
                    self.soft_deleted_vaults[ident] = children
            elif record.retain_on_delete:
                self.retained.add(ident)
            else:
                self.live.discard(ident)  # went with its `deleted_with` parent
        for record in replaced:
            self.live.discard(cloud_id(record) or "")
        for record in made:
            ident = cloud_id(record)
            if ident is None:
                continue
            if record.type == VAULT_TYPE and ident in self.soft_deleted_vaults:
                self.live |= self.soft_deleted_vaults.pop(ident)
            self.live.add(ident)

    def _firewalled(self, secret: ResourceRecord) -> bool:
        vaults = [
            r
            for r in self.state
            if r.type == VAULT_TYPE and r.inputs.get("vaultName") == secret.inputs.get("vaultName")
        ]
        return any(_get(v.inputs, "properties.networkAcls.defaultAction") == "Deny" for v in vaults)

    def _create_problems(self, record: ResourceRecord, live: set[str]) -> list[str]:
        ident = cloud_id(record)
        if ident is None:
            return []
        if record.type == VAULT_TYPE:
            recover = _get(record.inputs, "properties.createMode") == "recover"
            if ident in self.soft_deleted_vaults and not recover:
                return [f"rule 2: vault {ident} is soft-deleted and keeps its name: create it with createMode recover"]
            if recover and ident not in self.soft_deleted_vaults:
                return [f"rule 2: createMode recover but no deleted vault {ident}"]
        if ident in live:
            return [f"rule 3: cannot create already existing resource {ident}"]
        return []


def _placeholders(value: Any) -> Any:
    if value == "<deployer>":
        return CI_DEPLOYER
    if isinstance(value, dict):
        return {k: _placeholders(v) for k, v in value.items()}
    return value


def run(world: World, step: Step) -> Outcome:
    world.configure(step)
    if step.action == "destroy":
        if step.config:
            prepared = world.up()
            assert prepared.refused is None, prepared.refused
        return world.destroy()
    return world.up(step.refresh_drops)


def check(outcome: Outcome, expect: Expect, world: World) -> None:
    if expect.refused is not None:
        assert outcome.refused is not None and expect.refused in outcome.refused, outcome.refused
        return
    assert outcome.refused is None, outcome.refused
    for name in ("created", "deleted", "changed"):
        wanted = getattr(expect, name)
        if wanted is not None:
            assert getattr(outcome, name) == set(wanted), name
    assert outcome.replaced >= set(expect.replaced)
    assert set(expect.no_provider_delete).isdisjoint(outcome.provider_deletes)
    assert outcome.plan is not None or not expect.inputs
    for name, paths in expect.inputs.items():
        record = next(r for r in outcome.plan.resources if r.name == name) if outcome.plan else None
        assert record is not None
        for path, value in paths.items():
            assert _get(record.inputs, path) == value, (name, path)
    if expect.token_owner is not None and outcome.plan is not None:
        owner = _placeholders(expect.token_owner)
        token = next(r for r in outcome.plan.resources if r.name == TOKEN)
        assert f"owner {owner}," in token.inputs["comment"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(scenario: Scenario) -> None:
    """Each step of the catalogue, in order, on one stack: what it creates, deletes, changes or refuses."""
    world = World(scenario.stack)
    for step in scenario.steps:
        check(run(world, step), step.expect, world)


def test_the_catalogue_covers_every_stack_file() -> None:
    covered = {s.stack for s in SCENARIOS}
    assert covered >= set(stack_files())


# --- What the scenarios rely on, each stated with its source and checked as the option that implements it.


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {stack: World(stack).up().plan for stack in stack_files()}  # type: ignore[misc]


def one(plan: Plan, name: str) -> ResourceRecord:
    return next(r for r in plan.resources if r.name == name)


@pytest.mark.parametrize("stack", stack_files())
def test_the_secret_is_never_deleted_through_the_data_plane(stack: str, plans: dict[str, Plan]) -> None:
    """Rule 1, pulumi-azure-native `provider/pkg/resources/customresources/custom_keyvault.go`: a secret's
    create/update/read go through ARM, its DELETE through the vault's data plane, which the firewall
    (`defaultAction: Deny`) and the deployer's missing data-plane role refuse. Pulumi SDK `ResourceOptions`
    (sdk/python/lib/pulumi/resource.py): with `retain_on_delete` "the provider's Delete method will not be
    called"; with `deleted_with` not when that resource "is being deleted as well"."""
    plan = plans[stack]
    secret, vault = one(plan, SECRET), one(plan, VAULT)
    assert vault.inputs["properties"]["networkAcls"]["defaultAction"] == "Deny"
    if vault.protect:
        # A protected stack is destroyed only after `protect: false` (and an up), which brings both options
        # back; until then a stray destroy is refused at the secret's delete instead of losing it from state.
        assert (secret.retain_on_delete, secret.deleted_with) == (False, "")
    else:
        assert secret.retain_on_delete is True
        assert secret.deleted_with == vault.urn


@pytest.mark.parametrize("stack", stack_files())
def test_nothing_is_created_over_an_existing_secret(stack: str, plans: dict[str, Plan]) -> None:
    """Rule 3, pulumi-azure-native `provider/pkg/provider/provider.go` `defaultCreate`: `crudClient.CanCreate`
    refuses "cannot create already existing resource" (Secret uses the default create; custom_keyvault.go
    overrides DELETE only). So the secret is created once per workspace and otherwise only updated: its
    name carries the workspace id and is fixed at creation."""
    plan = plans[stack]
    secret = one(plan, SECRET)
    workspace_id = one(plan, WORKSPACE).outputs["workspaceId"]
    assert secret.inputs["secretName"] == f"databricks-access-token-{workspace_id}"
    assert "secretName" in secret.ignore_changes


def test_managed_identity_mode_leaves_the_secret_disabled_and_its_value_alone() -> None:
    """Rules 1 and 3: neither deleting the secret (data plane) nor creating it again (exists) would work, so
    managedIdentity mode keeps it, disabled; `ignore_changes` keeps the last value in place (Pulumi docs,
    "ignoreChanges": the old value is used), so no token value is needed to keep it."""
    world = World("dev")
    world.up()
    world.overrides["auth"] = "managedIdentity"
    outcome = world.up()
    assert outcome.plan is not None
    secret = one(outcome.plan, SECRET)
    assert {"secretName", "properties.value"} <= set(secret.ignore_changes)
    assert secret.inputs["properties"]["attributes"] == {"enabled": False}
    stored = next(r for r in world.state if r.name == SECRET)
    assert reveal(stored.inputs["properties"]["value"]).startswith("dapi"), "the last value stays"


@pytest.mark.parametrize("stack", stack_files())
def test_the_vault_recovery_switch_is_forgotten_after_the_create(stack: str, plans: dict[str, Plan]) -> None:
    """Rule 2 (learn.microsoft.com, "Azure Key Vault soft-delete overview"): a deleted vault keeps its name;
    only `createMode: recover` creates it again. Azure does not return createMode, so the switch is ignored
    after the create: the next up, and removing the switch, change nothing."""
    vault = one(plans[stack], VAULT)
    assert "properties.createMode" in vault.ignore_changes
    assert "createMode" not in vault.inputs["properties"]
    assert vault.protect is is_protected(stack)


@pytest.mark.parametrize("stack", [s for s in stack_files() if uses_token(s)])
def test_rotation_is_create_before_delete(stack: str, plans: dict[str, Plan]) -> None:
    """Rule 9 (terraform-provider-databricks `tokens/resource_token.go`): comment, lifetime and scopes force a
    new token, and a token has no name, so the new one is created before the old is deleted. The rotation
    timestamp is in the comment; the secret's expiry is the token's (epoch ms → s)."""
    plan = plans[stack]
    token, rotation, secret = one(plan, TOKEN), one(plan, ROTATION), one(plan, SECRET)
    assert token.delete_before_replace is False
    assert rotation.outputs["rfc3339"] in token.inputs["comment"]
    assert secret.inputs["properties"]["attributes"]["expires"] == token.outputs["expiryTime"] // 1000


@pytest.mark.parametrize("stack", stack_files())
def test_fixed_name_resources_are_deleted_before_they_are_replaced(stack: str, plans: dict[str, Plan]) -> None:
    """Rule 4 (pulumi-azure-native provider.go Diff): explicitly named resources are replaced delete-first;
    role assignments are replaced when principalId or scope changes. Stated on each, not left implicit."""
    plan = plans[stack]
    fixed = [
        r
        for r in plan.resources
        if r.type in ("azure-native:authorization:RoleAssignment", "azure-native:datafactory:LinkedService")
    ]
    assert fixed
    assert all(r.delete_before_replace for r in fixed)


@pytest.mark.parametrize("stack", stack_files())
def test_children_go_with_their_parent_without_a_call_of_their_own(stack: str, plans: dict[str, Plan]) -> None:
    """Deleting a workspace deletes its clusters, pools and tokens; deleting a factory its linked services
    and credentials (the parent's ARM delete). `deleted_with` skips the children's own delete calls, so a
    destroy does not depend on reaching the workspace's API."""
    plan = plans[stack]
    workspace, factory = one(plan, WORKSPACE), one(plan, FACTORY)
    # In a protected stack every child deletes itself: a stray destroy stops at the protected parent, and a
    # child skipped "with" it would leave state while it still exists (components/scope.py `Scope.goes_with`).
    protected = workspace.protect
    for record in plan.resources:
        if record.type.startswith("databricks:index/"):
            assert record.deleted_with == ("" if protected else workspace.urn), record.name
        if record.type.startswith("azure-native:datafactory:") and record.name != FACTORY:
            assert record.deleted_with == ("" if protected else factory.urn), record.name


def test_git_integration_set_in_adf_studio_survives_the_next_up(plans: dict[str, Plan]) -> None:
    """pulumi-azure-native `provider.go` Read: properties that changed in Azure are copied into the inputs
    in state; the next up would send the program's (without them). A factory connected to Git in ADF
    Studio would be disconnected: `repoConfiguration` and `globalParameters` are ignored."""
    for plan in plans.values():
        assert {"repoConfiguration", "globalParameters"} <= set(one(plan, FACTORY).ignore_changes)


def test_the_dev_cluster_is_pinned() -> None:
    """Rule 7 (Databricks docs "Pin a compute"; provider `clusters/resource_cluster.go` `is_pinned`): an
    unpinned all-purpose cluster is deleted 30 days after it terminated, leaving existingClusterId dangling."""
    plan = World("dev").up().plan
    assert plan is not None
    assert one(plan, CLUSTER).inputs["isPinned"] is True


def test_clusters_and_pools_do_not_repeat_the_workspace_tags() -> None:
    """Rule 6 (pulumi-databricks `Cluster.default_tags`: "any workspace and pool tags"; reported:
    terraform-provider-databricks #1637): a custom tag repeating a workspace tag becomes `x_<key>` and
    differs on every refresh; with `refresh: always` every up would edit (restart) the cluster."""
    world = World("dev")
    world.overrides["interactiveCluster"] = {
        "sparkVersion": "15.4.x-scala2.12",
        "nodeType": "Standard_DS3_v2",
        "numWorkers": 1,
        "customTags": {"team": "analytics"},
    }
    world.overrides["instancePool"] = {
        "sparkVersion": "15.4.x-scala2.12",
        "nodeType": "Standard_DS3_v2",
        "workers": "2",
    }
    world.overrides["clusterMode"] = "instancePool"
    world.overrides["interactiveCluster"]["enabled"] = True
    plan = world.up().plan
    assert plan is not None
    workspace_tags = set(one(plan, WORKSPACE).inputs["tags"])
    assert one(plan, CLUSTER).inputs["customTags"] == {"team": "analytics"}
    assert "customTags" not in one(plan, POOL).inputs
    for record in (one(plan, CLUSTER), one(plan, POOL)):
        assert workspace_tags.isdisjoint(record.inputs.get("customTags", {}))


def test_pool_mode_sends_only_what_data_factory_applies() -> None:
    """Rule 5 (ADF REST model: `newClusterCustomTags`, `newClusterDriverNodeType` are "ignored in instance
    pool configurations"; terraform-provider-databricks docs/resources/instance_pool.md: a pool cluster's
    tags may not repeat the pool's keys): the tags go on the pool, the driver type is refused."""
    world = World("dev")
    world.overrides |= {
        "clusterMode": "instancePool",
        "instancePool": {
            "sparkVersion": "15.4.x-scala2.12",
            "nodeType": "Standard_DS3_v2",
            "workers": "2",
            "customTags": {"workload": "etl"},
        },
    }
    plan = world.up().plan
    assert plan is not None
    link = one(plan, DATABRICKS_LS).inputs["properties"]
    assert "newClusterCustomTags" not in link and "newClusterDriverNodeType" not in link
    assert link["instancePoolId"] == one(plan, POOL).id
    assert one(plan, POOL).inputs["customTags"] == {"workload": "etl"}


def test_every_auth_switch_keeps_the_vault_and_its_role_follows_the_auth() -> None:
    """Rule 2: the vault is never deleted by a switch; its reader role and linked service follow the auth."""
    world = World("dev")
    first = world.up().plan
    assert first is not None
    world.overrides["auth"] = "managedIdentity"
    second = world.up()
    assert VAULT not in second.deleted | second.changed
    assert {READS_SECRETS, KEY_VAULT_LS} <= second.deleted
