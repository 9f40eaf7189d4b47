"""The replacement table (components/offline/replacements.py), row by row against the source it cites.

Every row names a section of `specs/replacement-sources.md` (a short excerpt of a provider's code or a service's
spec, with the repository and file or the page it is from) and, where the lifecycle table has one, a row of
`specs/azure-lifecycle-rules.md` by short name. A row whose section does not mention its property, or cites a
lifecycle row that does not exist, fails here; so does a type the program registers without a row.
"""

from __future__ import annotations

import re

import pytest
from lifecycle_scenarios import lifecycle_rows

from components.offline.cloud_state import FakeCloud
from components.offline.project import SPECS
from components.offline.replacements import (
    CREATE_FIRST,
    DELETE_FIRST,
    TABLE,
    Source,
    every_source,
    forcing,
    order_of,
    rules_for,
)

SOURCES = SPECS / "replacement-sources.md"


def sections() -> dict[str, str]:
    """`## name` → the text up to the next section."""
    parts = re.split(r"^## ([a-z0-9-]+)\n", SOURCES.read_text(), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def spelled(path: str) -> set[str]:
    """How a source may spell an input path's last step: as the program sends it, or in Terraform's snake_case."""
    name = path.rsplit(".", 1)[-1]
    return {name, re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()}


ROWS = [(type_, row) for type_, rules in sorted(TABLE.items()) for row in rules.replaces]


@pytest.mark.parametrize(("type_", "row"), ROWS, ids=[f"{t}:{'/'.join(r.properties)}" for t, r in ROWS])
def test_each_replacement_row_is_stated_by_the_source_it_cites(type_: str, row: object) -> None:
    text = sections()[row.source.section]  # type: ignore[attr-defined]
    for path in row.properties:  # type: ignore[attr-defined]
        assert spelled(path) & set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)), f"{type_}: {path} not in {row.source}"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("type_", "source"), list(every_source()), ids=str)
def test_every_cited_section_and_lifecycle_row_exists_and_names_where_it_is_from(type_: str, source: Source) -> None:
    text = sections()[source.section]
    assert re.search(r"[a-z-]+/[a-z-]+|learn\.microsoft\.com|pulumi\.com", text), source.section
    assert not source.row or source.row in lifecycle_rows(), source.row


def test_every_type_the_fake_cloud_builds_has_a_row() -> None:
    """The fake cloud builds state for each type the program registers (components/offline/cloud_state.py)."""
    builds = set(FakeCloud()._by_type)
    assert builds == set(TABLE)


def test_azure_native_resources_are_replaced_delete_first_and_bridged_ones_create_first() -> None:
    """`fixed-name-delete-first` (pulumi-azure-native provider.go Diff): every azure-native resource here has an
    explicit name. Bridged providers (databricks, time) follow Pulumi's default, create-before-delete (Pulumi docs,
    "deleteBeforeReplace"), unless the program asks otherwise; `token-forcenew` says so of the token."""
    for type_, rules in TABLE.items():
        assert rules.order == (DELETE_FIRST if type_.startswith("azure-native:") else CREATE_FIRST), type_
    assert order_of("databricks:index/token:Token", program_delete_first=False)[0] == CREATE_FIRST
    assert order_of("databricks:index/token:Token", program_delete_first=True)[0] == DELETE_FIRST


@pytest.mark.parametrize(
    ("changed", "replaced"),
    [
        pytest.param({"location": "northeurope"}, ["location"], id="location"),
        pytest.param({"managedResourceGroupId": "/subscriptions/s/resourceGroups/other"}, ["managedResourceGroupId"]),
        pytest.param(
            {"parameters": {"customVirtualNetworkId": {"value": "/vnet"}}}, ["parameters.customVirtualNetworkId"]
        ),
        pytest.param({"computeMode": "Serverless"}, ["computeMode"], id="computeMode"),
        pytest.param({"tags": {"team": "b"}}, [], id="tags-update-in-place"),
        pytest.param({"publicNetworkAccess": "Disabled"}, [], id="public-access-update-in-place"),
    ],
)
def test_the_workspace_creation_only_fields_replace_it(changed: dict[str, object], replaced: list[str]) -> None:
    """`workspace-creation-only`: Azure's Databricks models (models.tsp) say the compute mode "cannot be changed" and
    the custom parameters (VNet injection) are "used for Workspace Creation"; azurerm marks the managed resource group
    ForceNew. Tags and public network access are updated in place."""
    old = {"location": "westeurope", "computeMode": "Hybrid", "managedResourceGroupId": "/x", "tags": {"team": "a"}}
    found = forcing("azure-native:databricks:Workspace", old, {**old, **changed})
    assert [f.path for f in found] == replaced


def test_a_token_is_replaced_by_a_new_comment_or_lifetime_and_its_value_is_secret() -> None:
    """`token-forcenew` (terraform-provider-databricks tokens/resource_token.go: ForceNew, Sensitive)."""
    rules = rules_for("databricks:index/token:Token")
    assert rules.replace_on == {"comment", "lifetimeSeconds"}
    assert rules.secret_outputs == {"tokenValue"}


def test_the_rotation_schedule_is_updated_in_place_and_only_its_base_time_replaces_it() -> None:
    """terraform-provider-time `resource_time_rotating.go`: `rfc3339` and `triggers` RequiresReplace; `Update`
    recomputes the rotation time when `rotation_days` changes."""
    old = {"rotationDays": 60}
    assert forcing("time:index/rotating:Rotating", old, {"rotationDays": 20}) == []


def test_what_a_delete_loses_is_named_for_the_resources_that_hold_data() -> None:
    holders = {t for t, r in TABLE.items() if r.holds}
    assert holders == {
        "azure-native:resources:ResourceGroup",
        "azure-native:databricks:Workspace",
        "azure-native:keyvault:Vault",
        "azure-native:keyvault:Secret",
        "azure-native:datafactory:Factory",
    }
    assert "soft delete" in TABLE["azure-native:keyvault:Vault"].holds.what  # type: ignore[union-attr]
