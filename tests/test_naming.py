"""Names are deterministic, so `pulumi up` never replaces a workspace or vault by accident."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from plans import PlanFor
from support import PROJECT_DIR, copy_project

from components import naming
from components.offline.collisions import claimed_names, name_collisions
from components.offline.plan import Plan
from components.offline.project import load_project
from components.settings import NameOverrides

# The URNs stacks deployed before 0.2.0 hold in state. Renaming any of these replaces a stateful resource in
# production: a change needs `aliases` that resolve to them.
PINNED_URNS = {
    "azure-native:resources:ResourceGroup": "urn:pulumi:{s}::adf-databricks::adf-databricks:platform:AdfDatabricks"
    "$azure-native:resources:ResourceGroup::adf-databricks-resource-group",
    "azure-native:databricks:Workspace": "urn:pulumi:{s}::adf-databricks::adf-databricks:platform:AdfDatabricks"
    "$azure-native:databricks:Workspace::adf-databricks-workspace",
    "azure-native:keyvault:Vault": "urn:pulumi:{s}::adf-databricks::adf-databricks:platform:AdfDatabricks"
    "$azure-native:keyvault:Vault::adf-databricks-key-vault",
    "azure-native:keyvault:Secret": "urn:pulumi:{s}::adf-databricks::adf-databricks:platform:AdfDatabricks"
    "$azure-native:keyvault:Secret::adf-databricks-token-secret",
    "azure-native:datafactory:Factory": "urn:pulumi:{s}::adf-databricks::adf-databricks:platform:AdfDatabricks"
    "$azure-native:datafactory:Factory::adf-databricks-data-factory",
}


def test_stateful_resources_keep_their_urns(dev_plan: Plan, prod_plan: Plan) -> None:
    """Each stateful resource matches its deployed URN directly or through an alias the engine resolves.

    The component aliases its previous type token; children inherit their parent's aliases in the engine
    (pulumi/pulumi pkg/resource/deploy/step_generator.go, `generateAliases` → `inheritedChildAlias`), which the
    offline monitor reproduces. So the next `up` of a stack deployed today finds every resource in state.
    """
    for plan in (dev_plan, prod_plan):
        for type_, urn in PINNED_URNS.items():
            record = plan.one(type_)
            assert urn.format(s=plan.stack) in (record.urn, *record.aliases)


def test_azure_names_derive_from_project_and_stack(dev_plan: Plan) -> None:
    assert dev_plan.one("azure-native:resources:ResourceGroup").inputs["resourceGroupName"] == "rg-adf-databricks-dev"
    assert dev_plan.one("azure-native:databricks:Workspace").inputs["workspaceName"] == "dbw-adf-databricks-dev"
    managed = dev_plan.one("azure-native:databricks:Workspace").inputs["managedResourceGroupId"]
    assert managed.endswith("/resourceGroups/rg-adf-databricks-dev-dbw-managed")


def names_of(plan: Plan) -> list[tuple[str, dict[str, str]]]:
    return sorted((r.urn, {k: v for k, v in r.inputs.items() if k.endswith("Name")}) for r in plan.resources)


def test_the_same_config_gives_the_same_names(dev_plan: Plan, plan_for: PlanFor) -> None:
    again = names_of(plan_for("dev"))
    assert again == names_of(dev_plan)
    assert len(again) == len(dev_plan.resources)


def test_overrides_replace_derived_names(plan_for: PlanFor) -> None:
    plan = plan_for(names={"keyVault": "kv-contoso-dev", "dataFactory": "adf-contoso-dev", "workspace": "dbw-contoso"})
    assert plan.one("azure-native:keyvault:Vault").inputs["vaultName"] == "kv-contoso-dev"
    assert plan.one("azure-native:datafactory:Factory").inputs["factoryName"] == "adf-contoso-dev"
    assert plan.one("azure-native:databricks:Workspace").inputs["workspaceName"] == "dbw-contoso"


def test_an_existing_resource_group_is_used_instead_of_a_new_one(plan_for: PlanFor) -> None:
    plan = plan_for(existingResourceGroupName="rg-shared-data")
    assert plan.by_type("azure-native:resources:ResourceGroup") == []
    assert plan.one("azure-native:databricks:Workspace").inputs["resourceGroupName"] == "rg-shared-data"


def test_a_long_stack_name_is_shortened_stably_not_refused() -> None:
    stack = "feature-" + "x" * 150
    names = naming.derive_names("adf-databricks", stack, "sub", NameOverrides())
    assert len(names.key_vault) == 24
    assert len(names.workspace) <= 64
    assert names.key_vault != naming.derive_names("adf-databricks", stack + "y", "sub", NameOverrides()).key_vault


def test_globally_unique_names_differ_between_subscriptions() -> None:
    a = naming.derive_names("adf-databricks", "dev", "sub-a", NameOverrides())
    b = naming.derive_names("adf-databricks", "dev", "sub-b", NameOverrides())
    assert (a.key_vault, a.data_factory) != (b.key_vault, b.data_factory)
    assert a.workspace == b.workspace


def test_no_two_stack_files_claim_the_same_azure_names() -> None:
    """One stack's program cannot see another's: this is the only place the collision can be caught (CI runs it)."""
    assert name_collisions(load_project(PROJECT_DIR)) == []


@pytest.mark.parametrize(
    ("first", "second", "kind"),
    [
        ("Feature_Branch.123", "feature-branch-123", "resource group"),
        ("QA", "qa", "managed resource group"),
        ("team.a", "team_a", "workspace"),
    ],
)
def test_stack_names_that_differ_only_in_case_or_punctuation_collide(
    tmp_path: Path, first: str, second: str, kind: str
) -> None:
    project_dir = copy_project(tmp_path / "project")
    for stack in (first, second):
        shutil.copy(project_dir / "stacks" / "Pulumi.dev.yaml", project_dir / "stacks" / f"Pulumi.{stack}.yaml")
    found = name_collisions(load_project(project_dir))
    assert any(f"'{first}' and '{second}'" in f and f"the {kind} " in f for f in found), found


def test_name_overrides_that_collide_are_caught_too(tmp_path: Path) -> None:
    project_dir = copy_project(tmp_path / "project")
    dev = (project_dir / "stacks" / "Pulumi.dev.yaml").read_text()
    for stack in ("blue", "green"):
        (project_dir / "stacks" / f"Pulumi.{stack}.yaml").write_text(
            dev + "  adf-databricks:names:\n    keyVault: kv-shared-team\n"
        )
    assert any("Key Vault kv-shared-team" in f for f in name_collisions(load_project(project_dir)))


def test_stacks_sharing_an_existing_resource_group_do_not_collide_on_it(tmp_path: Path) -> None:
    project_dir = copy_project(tmp_path / "project")
    dev = (project_dir / "stacks" / "Pulumi.dev.yaml").read_text()
    for stack in ("blue", "green"):
        (project_dir / "stacks" / f"Pulumi.{stack}.yaml").write_text(
            dev + "  adf-databricks:existingResourceGroupName: rg-shared-data\n"
        )
    project = load_project(project_dir)
    assert "resource group" not in claimed_names(project, "blue")
    assert name_collisions(project) == []
