"""The stand-in providers' model of the cloud, called directly (no engine): each rule it claims, checked.

Rules are the rows of `shared/specs/azure-lifecycle-rules.md`, cited by short name; `rules.py` names the provider
source of each replacement rule.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from components.offline.cloud_state import FakeCloud, NewResource
from tests.engine.harness import EPOCH
from tests.engine.standin import store
from tests.engine.standin.provider import INPUTS, CloudError, StandIn, p, plain, wire
from tests.engine.standin.rules import AZURE_NATIVE

VAULT = "azure-native:keyvault:Vault"
SECRET = "azure-native:keyvault:Secret"
TOKEN = "databricks:index/token:Token"
ROTATING = "time:index/rotating:Rotating"
GROUP = "rg-adf-databricks-dev"


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:dev::adf-databricks::adf-databricks:index:AdfDatabricks${type_}::{name}"


@pytest.fixture
def cloud(tmp_path: Path) -> Path:
    path = tmp_path / "cloud.json"
    store.write(path, store.initial(EPOCH))
    return path


def create(provider: StandIn, type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    request = p.CreateRequest(urn(type_, name), {k: wire(v) for k, v in inputs.items()}, 60, False)
    response = asyncio.run(provider.create(request))
    assert response.resource_id
    return response.resource_id, response.properties


def delete(provider: StandIn, type_: str, name: str, resource_id: str) -> None:
    asyncio.run(provider.delete(p.DeleteRequest(urn(type_, name), resource_id, {}, 60)))


def vault_inputs(default_action: str = "Deny", **properties: Any) -> dict[str, Any]:
    return {
        "vaultName": "kv-dev",
        "resourceGroupName": GROUP,
        "location": "westeurope",
        "properties": {
            "enableSoftDelete": True,
            "softDeleteRetentionInDays": 90,
            "networkAcls": {"defaultAction": default_action, "bypass": "AzureServices", "ipRules": []},
            **properties,
        },
    }


SECRET_INPUTS = {
    "vaultName": "kv-dev",
    "secretName": "databricks-access-token",
    "resourceGroupName": GROUP,
    "properties": {"value": "dapi-secret", "attributes": {"enabled": True}},
}


def test_the_stand_ins_serve_the_mocks_state(cloud: Path) -> None:
    """One fake cloud: what a stand-in creates is what the mock runtime's builders return (the id and every
    output), plus the inputs azure-native keeps in state."""
    provider = StandIn("azure-native", cloud)
    resource_id, outputs = create(provider, VAULT, "kv", vault_inputs())
    expected_id, expected = FakeCloud(now=EPOCH + 1).create(NewResource(VAULT, "kv", vault_inputs()))
    assert resource_id == expected_id
    assert {k: plain(v) for k, v in outputs.items() if k != INPUTS} == expected


def test_a_workspace_created_again_under_its_name_gets_a_new_workspace_id(cloud: Path) -> None:
    """The workspace ID is a number the service assigns when it creates the workspace, the one in its per-workspace
    URL `adb-<workspace-id>.<n>.azuredatabricks.net` (learn.microsoft.com, "Get identifiers for workspace objects");
    nothing in the create request sets it. A stack destroyed and re-created under the same name therefore gets a new
    id, and the token secret named after it (components/token_store.py `secret_name`) is a new one that never meets
    the old secret a recovered vault brings back (`kv-soft-delete-name`, `azure-native-no-adopt`)."""
    provider = StandIn("azure-native", cloud)
    inputs = {"workspaceName": "dbw", "resourceGroupName": GROUP, "location": "westeurope"}
    resource_id, first = create(provider, "azure-native:databricks:Workspace", "dbw", inputs)
    delete(provider, "azure-native:databricks:Workspace", "dbw", resource_id)
    again_id, again = create(provider, "azure-native:databricks:Workspace", "dbw", inputs)
    assert again_id == resource_id
    assert plain(again["workspaceId"]) != plain(first["workspaceId"])
    assert plain(again["workspaceUrl"]) != plain(first["workspaceUrl"])


def test_the_token_value_is_a_secret_output(cloud: Path) -> None:
    """`token-forcenew` / terraform-provider-databricks `tokens/resource_token.go`: `token_value` is sensitive."""
    _, outputs = create(StandIn("databricks", cloud), TOKEN, "token", {"comment": "c", "lifetimeSeconds": 3600})
    assert outputs["tokenValue"].is_secret
    assert not outputs["tokenId"].is_secret


def test_secret_delete_behind_a_deny_firewall_is_refused_with_403(cloud: Path) -> None:
    """`kv-secret-dataplane-delete`: the delete goes through the vault's data plane, which the firewall guards."""
    provider = StandIn("azure-native", cloud)
    create(provider, VAULT, "kv", vault_inputs("Deny"))
    secret_id, _ = create(provider, SECRET, "secret", SECRET_INPUTS)
    with pytest.raises(CloudError, match="403 Forbidden \\(ForbiddenByFirewall\\)"):
        delete(provider, SECRET, "secret", secret_id)


def test_secret_delete_needs_a_data_plane_role_even_with_the_firewall_open(cloud: Path) -> None:
    provider = StandIn("azure-native", cloud)
    create(provider, VAULT, "kv", vault_inputs("Allow"))
    secret_id, _ = create(provider, SECRET, "secret", SECRET_INPUTS)
    with pytest.raises(CloudError, match="ForbiddenByRbac"):
        delete(provider, SECRET, "secret", secret_id)
    with store.opened(cloud) as state:
        state["dataPlaneRoles"].append(state["identity"])
    delete(provider, SECRET, "secret", secret_id)
    assert secret_id not in store.read(cloud)["resources"]


def test_a_deleted_vault_keeps_its_name_and_is_recovered_with_its_secrets(cloud: Path) -> None:
    """`kv-soft-delete-name` and `azure-native-no-adopt`: soft delete reserves the name; createMode recover restores the
    vault and its secrets, and a create then meets the existing secret."""
    provider = StandIn("azure-native", cloud)
    vault_id, _ = create(provider, VAULT, "kv", vault_inputs("Allow"))
    secret_id, _ = create(provider, SECRET, "secret", SECRET_INPUTS)
    delete(provider, VAULT, "kv", vault_id)
    assert "kv-dev" in store.read(cloud)["deletedVaults"]

    with pytest.raises(CloudError, match="409 Conflict"):
        create(provider, VAULT, "kv", vault_inputs("Allow"))
    create(provider, VAULT, "kv", vault_inputs("Allow", createMode="recover"))
    assert secret_id in store.read(cloud)["resources"]
    with pytest.raises(CloudError, match="cannot create already existing resource"):
        create(provider, SECRET, "secret", SECRET_INPUTS)
    with pytest.raises(CloudError, match="404 NotFound"):
        create(provider, VAULT, "kv2", {**vault_inputs(createMode="recover"), "vaultName": "kv-other"})


@pytest.mark.parametrize(
    ("type_", "changed", "replaces", "delete_first"),
    [
        (VAULT, {"location": "northeurope"}, ["location"], True),
        (VAULT, {"tags": {"a": "b"}}, [], False),
        ("azure-native:authorization:RoleAssignment", {"principalId": "other"}, ["principalId"], True),
        (TOKEN, {"comment": "issued later"}, ["comment"], False),
        (TOKEN, {"lifetimeSeconds": 7200}, ["lifetimeSeconds"], False),
        ("databricks:index/cluster:Cluster", {"numWorkers": 2}, [], False),
    ],
)
def test_diff_replaces_what_the_provider_replaces(
    cloud: Path, type_: str, changed: dict[str, Any], replaces: list[str], delete_first: bool
) -> None:
    """`fixed-name-delete-first` and `token-forcenew`: replace-on-change keys; fixed-name azure-native resources delete
    before replacing."""
    package = "azure-native" if type_ in AZURE_NATIVE else "databricks"
    old = {"location": "westeurope", "principalId": "p", "comment": "c", "lifetimeSeconds": 3600, "numWorkers": 1}
    response = asyncio.run(
        StandIn(package, cloud).diff(
            p.DiffRequest(
                urn(type_, "r"),
                "id",
                {INPUTS: wire(old)},
                {k: wire(v) for k, v in (old | changed).items()},
                [],
            )
        )
    )
    assert response.changes
    assert response.replaces == replaces
    assert response.delete_before_replace == delete_first


def test_a_token_is_invisible_to_another_identity(cloud: Path) -> None:
    """`token-owner-list`: the token API lists only the caller's tokens."""
    provider = StandIn("databricks", cloud)
    token_id, outputs = create(provider, TOKEN, "token", {"comment": "c", "lifetimeSeconds": 3600})
    read = p.ReadRequest(urn(TOKEN, "token"), token_id, outputs, {})
    assert asyncio.run(provider.read(read)).resource_id == token_id
    with store.opened(cloud) as state:
        state["identity"] = "alice@example.com"
    assert asyncio.run(provider.read(read)).resource_id is None


def test_a_rotating_resource_vanishes_on_read_once_due(cloud: Path) -> None:
    """`rotating-on-refresh`: due is noticed on read."""
    provider = StandIn("time", cloud)
    rotation_id, outputs = create(provider, ROTATING, "rotation", {"rotationDays": 60})
    read = p.ReadRequest(urn(ROTATING, "rotation"), rotation_id, outputs, {})
    with store.opened(cloud) as state:
        state["now"] += 59 * 86_400
    assert asyncio.run(provider.read(read)).resource_id == rotation_id
    with store.opened(cloud) as state:
        state["now"] += 2 * 86_400
    assert asyncio.run(provider.read(read)).resource_id is None


ROLE = "azure-native:authorization:RoleAssignment"


def grant(name: str, scope: str, principal: str = "p") -> dict[str, Any]:
    return {
        "roleAssignmentName": name,
        "scope": scope,
        "principalId": principal,
        "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/secrets-user",
    }


def test_role_assignment_names_are_unique_across_the_tenants_subscriptions(cloud: Path) -> None:
    """`role-assignment-name-tenant-unique`: a name held at another scope, in another subscription of the tenant, is
    refused; so is the same principal, role and scope under another name."""
    provider = StandIn("azure-native", cloud)
    create(provider, ROLE, "grant", grant("n-1", "/subscriptions/a/vault"))
    with store.opened(cloud) as state:
        state["subscriptionId"] = "b"
    with pytest.raises(CloudError, match="RoleAssignmentUpdateNotPermitted"):
        create(provider, ROLE, "grant", grant("n-1", "/subscriptions/b/vault", principal="q"))
    with pytest.raises(CloudError, match="RoleAssignmentExists"):
        create(provider, ROLE, "grant", grant("n-2", "/subscriptions/a/vault"))
    create(provider, ROLE, "grant", grant("n-2", "/subscriptions/b/vault", principal="q"))


def test_the_601st_token_in_a_workspace_is_refused(cloud: Path) -> None:
    """`pat-lifecycle`: 600 tokens per user per workspace (error QUOTA_EXCEEDED); another user's, or another
    workspace's, do not count."""
    provider = StandIn("databricks", cloud)
    asyncio.run(
        provider.configure(p.ConfigureRequest({}, {"host": wire("https://adb-1.azuredatabricks.net")}, True, True))
    )
    with store.opened(cloud) as state:
        state["tokensHeldElsewhere"] = 598
    create(provider, TOKEN, "token", {"comment": "599th", "lifetimeSeconds": 3600})
    create(provider, TOKEN, "token", {"comment": "600th", "lifetimeSeconds": 3600})
    with pytest.raises(CloudError, match="QUOTA_EXCEEDED"):
        create(provider, TOKEN, "token", {"comment": "601st", "lifetimeSeconds": 3600})
    with store.opened(cloud) as state:
        state["identity"] = "alice@example.com"
    create(provider, TOKEN, "token", {"comment": "alice's", "lifetimeSeconds": 3600})


def test_a_token_longer_lived_than_the_admins_cap_is_refused(cloud: Path) -> None:
    """`pat-lifecycle`: `maxTokenLifetimeDays` caps new tokens ("Monitor and manage personal access tokens")."""
    provider = StandIn("databricks", cloud)
    with store.opened(cloud) as state:
        state["maxTokenLifetimeDays"] = 30
    create(provider, TOKEN, "token", {"comment": "c", "lifetimeSeconds": 30 * 86_400})
    with pytest.raises(CloudError, match="maxTokenLifetimeDays: 30"):
        create(provider, TOKEN, "token", {"comment": "c", "lifetimeSeconds": 31 * 86_400})


def test_an_unused_token_is_revoked_after_90_days(cloud: Path) -> None:
    """`pat-lifecycle`: a token nobody used for 90 days is revoked: a read finds it gone, for its owner too."""
    provider = StandIn("databricks", cloud)
    token_id, outputs = create(provider, TOKEN, "token", {"comment": "c", "lifetimeSeconds": 180 * 86_400})
    read = p.ReadRequest(urn(TOKEN, "token"), token_id, outputs, {})
    with store.opened(cloud) as state:
        state["now"] += 89 * 86_400
    assert asyncio.run(provider.read(read)).resource_id == token_id
    with store.opened(cloud) as state:
        state["now"] += 86_400
    assert asyncio.run(provider.read(read)).resource_id is None
    assert token_id not in store.read(cloud)["resources"]
