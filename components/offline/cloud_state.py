"""The fake cloud's state, one source for the mock runtime and the engine tier's stand-in providers.

Per resource type, the ids and computed outputs that Azure, Databricks and the time provider return on
create (camelCase, as on the wire), and the values of the invokes our program makes. Inputs in, state out:
these builders never decide an outcome. `components.offline.mocks` serves them to Pulumi's mock runtime;
`tests/engine/standin` serves them to the real engine through provider plugins.

Below the builders, the rules by which the services refuse a create or take something away on their own (rows
of the lifecycle table, by short name). They are plain functions of what exists: whoever keeps the cloud's memory
between runs applies them (the engine tier's store, the mock tier's lifecycle world), so both tiers meet the same
cloud.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from components.naming import digest
from components.offline.managed_network_state import ManagedNetworkCloud
from components.offline.network_state import network_builders

OFFLINE_SUBSCRIPTION_ID = "6f1a5c2e-3b7d-4e8a-9c0f-2d4b6a8e1c3f"
OFFLINE_TENANT_ID = "0b9e2f4a-7c1d-4a3e-8f5b-6d2c9e1a7b40"
State = tuple[str, dict[str, Any]]
DAY = 86_400
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
TOKEN = "databricks:index/token:Token"
ROTATING = "time:index/rotating:Rotating"
LOCK = "azure-native:authorization:ManagementLockByScope"
DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting"
LOG_ANALYTICS = "azure-native:operationalinsights:Workspace"
MANAGED_PRIVATE_ENDPOINT = "azure-native:datafactory:ManagedPrivateEndpoint"


@dataclass(frozen=True)
class NewResource:
    """What a create sends: the type token, the logical name and the (plain, secrets revealed) inputs."""

    typ: str
    name: str
    inputs: Mapping[str, Any]


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_OID, "/".join(parts)))


class FakeCloud:
    """Per resource type, the outputs the real provider computes (camelCase, as on the wire)."""

    def __init__(
        self,
        subscription_id: str = OFFLINE_SUBSCRIPTION_ID,
        now: float | None = None,
        creations: Mapping[str, int] | None = None,
    ) -> None:
        self.subscription_id = subscription_id
        self.now = int(now if now is not None else time.time())
        self.creations = creations or {}
        """How many times each ARM id was created before in this cloud: what a re-created resource meets."""
        self.managed_network = ManagedNetworkCloud(self)
        self._by_type: dict[str, Callable[[NewResource], State]] = {
            "azure-native:resources:ResourceGroup": self._resource_group,
            "azure-native:databricks:Workspace": self._workspace,
            "azure-native:keyvault:Vault": self._vault,
            "azure-native:keyvault:Secret": self._secret,
            "azure-native:datafactory:Factory": self._factory,
            "azure-native:datafactory:LinkedService": self._factory_child("linkedservices", "linkedServiceName"),
            "azure-native:datafactory:CredentialOperation": self._factory_child("credentials", "credentialName"),
            "azure-native:managedidentity:UserAssignedIdentity": self._user_assigned_identity,
            ROLE_ASSIGNMENT: self._role_assignment,
            "databricks:index/cluster:Cluster": self._cluster,
            "databricks:index/instancePool:InstancePool": self._instance_pool,
            TOKEN: self._token,
            ROTATING: self._rotating,
            "azure-native:datafactory:Pipeline": self._factory_child("pipelines", "pipelineName"),
            "azure-native:datafactory:IntegrationRuntime": _with_runtime_state(
                self._factory_child("integrationruntimes", "integrationRuntimeName")
            ),
            "databricks:index/notebook:Notebook": self._notebook,
            "databricks:index/job:Job": self._job,
            **network_builders(self),
            LOG_ANALYTICS: self._log_analytics,
            DIAGNOSTIC_SETTING: self._extension("Microsoft.Insights/diagnosticSettings", "resourceUri", "name"),
            LOCK: self._extension("Microsoft.Authorization/locks", "scope", "lockName"),
            "azure-native:consumption:Budget": self._extension("Microsoft.Consumption/budgets", "scope", "budgetName"),
            "azure-native:monitor:ActionGroup": self._in_group("Microsoft.Insights/actionGroups", "actionGroupName"),
            "azure-native:monitor:MetricAlert": self._in_group("Microsoft.Insights/metricAlerts", "ruleName"),
            **self.managed_network.builders(),
        }

    def invoke(self, token: str, args: Mapping[str, Any]) -> dict[str, Any]:
        if token == "azure-native:authorization:getClientConfig":
            return {
                "clientId": _guid("client"),
                "objectId": _guid("object"),
                "subscriptionId": self.subscription_id,
                "tenantId": OFFLINE_TENANT_ID,
            }
        return self.managed_network.invoke(token, args) or {}

    def create(self, args: NewResource) -> State:
        build = self._by_type.get(args.typ)
        if build is None:
            return f"{args.name}-id", dict(args.inputs)
        return build(args)

    def _arm_id(self, group: str, provider: str, name: str) -> str:
        return f"/subscriptions/{self.subscription_id}/resourceGroups/{group}/providers/{provider}/{name}"

    def _resource_group(self, args: NewResource) -> State:
        name = args.inputs["resourceGroupName"]
        return f"/subscriptions/{self.subscription_id}/resourceGroups/{name}", {
            **args.inputs,
            "name": name,
            "provisioningState": "Succeeded",
        }

    def _workspace(self, args: NewResource) -> State:
        name = args.inputs["workspaceName"]
        ident = self._arm_id(args.inputs["resourceGroupName"], "Microsoft.Databricks/workspaces", name)
        # Azure numbers each workspace it creates: one re-created under the same name gets a new id (and URL).
        earlier = self.creations.get(ident, 0)
        number = int(digest(self.subscription_id, name, *([str(earlier)] if earlier else []), length=12), 16) % 10**16
        return ident, {
            **args.inputs,
            "name": name,
            "workspaceId": str(number),
            "workspaceUrl": f"adb-{number}.{number % 20}.azuredatabricks.net",
            "provisioningState": "Succeeded",
        }

    def _vault(self, args: NewResource) -> State:
        name = args.inputs["vaultName"]
        properties = {**args.inputs["properties"], "vaultUri": f"https://{name}.vault.azure.net/"}
        return self._arm_id(args.inputs["resourceGroupName"], "Microsoft.KeyVault/vaults", name), {
            **args.inputs,
            "name": name,
            "properties": properties,
        }

    def _secret(self, args: NewResource) -> State:
        vault, name = args.inputs["vaultName"], args.inputs["secretName"]
        uri = f"https://{vault}.vault.azure.net/secrets/{name}"
        # Azure never returns a secret's value; only its metadata.
        properties = {k: v for k, v in args.inputs["properties"].items() if k != "value"}
        properties |= {"secretUri": uri, "secretUriWithVersion": f"{uri}/{digest(uri, str(self.now), length=32)}"}
        return self._arm_id(args.inputs["resourceGroupName"], "Microsoft.KeyVault/vaults", f"{vault}/secrets/{name}"), {
            **{k: v for k, v in args.inputs.items() if k != "properties"},
            "name": name,
            "properties": properties,
        }

    def _factory(self, args: NewResource) -> State:
        name = args.inputs["factoryName"]
        identity = {
            **args.inputs.get("identity", {}),
            "principalId": _guid("factory", name),
            "tenantId": OFFLINE_TENANT_ID,
        }
        return self._arm_id(args.inputs["resourceGroupName"], "Microsoft.DataFactory/factories", name), {
            **args.inputs,
            "name": name,
            "identity": identity,
            "provisioningState": "Succeeded",
        }

    def _factory_child(self, collection: str, name_key: str) -> Callable[[NewResource], State]:
        def build(args: NewResource) -> State:
            factory, name = args.inputs["factoryName"], args.inputs[name_key]
            path = f"{factory}/{collection}/{name}"
            return self._arm_id(args.inputs["resourceGroupName"], "Microsoft.DataFactory/factories", path), {
                **args.inputs,
                "name": name,
                "etag": digest(path, length=16),
            }

        return build

    def _log_analytics(self, args: NewResource) -> State:
        name = args.inputs["workspaceName"]
        return self._arm_id(args.inputs["resourceGroupName"], "Microsoft.OperationalInsights/workspaces", name), {
            **args.inputs,
            "name": name,
            "customerId": _guid("log-analytics", self.subscription_id, name),
            "provisioningState": "Succeeded",
        }

    def _extension(self, provider: str, scope_key: str, name_key: str) -> Callable[[NewResource], State]:
        """An extension resource: its id is its scope's, then `/providers/<provider>/<name>`."""

        def build(args: NewResource) -> State:
            name = args.inputs[name_key]
            return f"{args.inputs[scope_key]}/providers/{provider}/{name}", {**args.inputs, "name": name}

        return build

    def _in_group(self, provider: str, name_key: str) -> Callable[[NewResource], State]:
        def build(args: NewResource) -> State:
            name = args.inputs[name_key]
            return self._arm_id(args.inputs["resourceGroupName"], provider, name), {**args.inputs, "name": name}

        return build

    def _user_assigned_identity(self, args: NewResource) -> State:
        name = args.inputs["resourceName"]
        arm_id = self._arm_id(
            args.inputs["resourceGroupName"], "Microsoft.ManagedIdentity/userAssignedIdentities", name
        )
        return arm_id, {
            **args.inputs,
            "name": name,
            "principalId": _guid("uami-principal", name),
            "clientId": _guid("uami-client", name),
            "tenantId": OFFLINE_TENANT_ID,
        }

    def _role_assignment(self, args: NewResource) -> State:
        name = args.inputs["roleAssignmentName"]
        return f"{args.inputs['scope']}/providers/Microsoft.Authorization/roleAssignments/{name}", {
            **args.inputs,
            "name": name,
        }

    def _databricks_id(self, name: str, kind: str) -> str:
        stamp = time.strftime("%m%d-%H%M%S", time.gmtime(self.now))
        return f"{stamp}-{kind}{digest(name, kind, length=8)}"

    def _cluster(self, args: NewResource) -> State:
        cluster_id = self._databricks_id(args.inputs["clusterName"], "")
        # no_wait: the create returns while the cluster is still starting.
        return cluster_id, {**args.inputs, "clusterId": cluster_id, "state": "PENDING"}

    def _instance_pool(self, args: NewResource) -> State:
        pool_id = self._databricks_id(args.inputs["instancePoolName"], "pool-")
        return pool_id, {**args.inputs, "instancePoolId": pool_id}

    def _token(self, args: NewResource) -> State:
        token_id = digest(args.name, str(self.now), length=64)
        lifetime = int(args.inputs.get("lifetimeSeconds") or 0)
        return token_id, {
            **args.inputs,
            "tokenId": token_id,
            "tokenValue": f"dapi{digest('value', token_id, length=32)}-2",
            "creationTime": self.now * 1000,
            "expiryTime": (self.now + lifetime) * 1000 if lifetime else -1,
        }

    def _rotating(self, args: NewResource) -> State:
        days = int(args.inputs.get("rotationDays") or 0)
        issued, due = self.now, self.now + days * 86_400
        stamp = "%Y-%m-%dT%H:%M:%SZ"
        return time.strftime(stamp, time.gmtime(issued)), {
            **args.inputs,
            "rfc3339": time.strftime(stamp, time.gmtime(issued)),
            "rotationRfc3339": time.strftime(stamp, time.gmtime(due)),
            "unix": issued,
        }

    def _notebook(self, args: NewResource) -> State:
        """The provider's id is the path; `objectId` is the workspace object's number."""
        path = args.inputs["path"]
        return path, {
            **args.inputs,
            "objectId": int(digest(path, length=12), 16),
            "objectType": "NOTEBOOK",
            "workspacePath": f"/Workspace{path}",
            "url": f"https://adb-workspace.azuredatabricks.net/#workspace{path}",
        }

    def _job(self, args: NewResource) -> State:
        """Job ids are numbers (as strings in Pulumi state)."""
        job_id = str(int(digest(args.inputs.get("name", args.name), length=12), 16))
        return job_id, {**args.inputs, "url": f"https://adb-workspace.azuredatabricks.net/#job/{job_id}"}


def _with_runtime_state(build: Callable[[NewResource], State]) -> Callable[[NewResource], State]:
    """A managed runtime reads back `state: Initial` until its first run starts compute (output only)."""

    def with_state(args: NewResource) -> State:
        resource_id, outputs = build(args)
        return resource_id, {**outputs, "properties": {**outputs["properties"], "state": "Initial"}}

    return with_state


# --- What the services refuse, and what they take away on their own -----------------------------------------


class CloudError(Exception):
    """A request the service refuses, as its API reports it: an error code and a message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


TOKEN_IDLE_DAYS = 90
"""`pat-lifecycle`: Azure Databricks revokes a personal access token not used for 90 days (Azure Databricks docs,
"Authenticate with Azure Databricks personal access tokens (legacy)")."""
TOKENS_PER_USER = 600
"""`pat-lifecycle`: a user may hold at most 600 tokens per workspace (the same page; databricks-sdk-py
`TokensAPI.create`: "If the user's token quota is exceeded, this call returns an error QUOTA_EXCEEDED")."""


def role_assignment_refusal(new: Mapping[str, Any], tenant: Iterable[Mapping[str, Any]]) -> CloudError | None:
    """Why Azure refuses to create the role assignment `new`, given every assignment the tenant holds (inputs).

    `role-assignment-name-tenant-unique`: names (GUIDs) are unique in the whole Entra tenant, whatever the scope
    (learn.microsoft.com, "Understand Azure role assignments", section Name: reusing a name "will fail"; reported
    as `RoleAssignmentUpdateNotPermitted`, e.g. jasonmasten.com, "Tenant ID, application ID, principal ID, and scope
    are not allowed to be updated", 2021); and one principal holds one role at one scope once: a second assignment
    under another name is refused with `RoleAssignmentExists` (reported: openshift/cloud-credential-operator
    commit ec23983, Azure/bicep discussion #19690; the REST API's common errors list the code). GUIDs and ARM ids
    compare case-insensitively.
    """
    name = str(new["roleAssignmentName"]).lower()
    granted = _grant(new)
    for other in tenant:
        if str(other["roleAssignmentName"]).lower() == name and _grant(other) != granted:
            return CloudError(
                "RoleAssignmentUpdateNotPermitted",
                f"the role assignment name {new['roleAssignmentName']} is taken in this tenant by an assignment at "
                f"{other['scope']}; names are unique tenant-wide, and an assignment's principal and scope never change",
            )
        if _grant(other) == granted and str(other["roleAssignmentName"]).lower() != name:
            return CloudError(
                "RoleAssignmentExists",
                f"principal {new['principalId']} already holds this role at {new['scope']} "
                f"(assignment {other['roleAssignmentName']})",
            )
    return None


def _grant(inputs: Mapping[str, Any]) -> tuple[str, str, str]:
    return (str(inputs["scope"]).lower(), str(inputs["principalId"]).lower(), str(inputs["roleDefinitionId"]).lower())


def token_refusal(new: Mapping[str, Any], *, held: int, max_lifetime_days: int) -> CloudError | None:
    """Why Databricks refuses to create the token `new` for a caller who already holds `held` tokens in the
    workspace, where an admin capped new tokens at `max_lifetime_days` (0: no cap).

    `pat-lifecycle`: the quota (`TOKENS_PER_USER`, error `QUOTA_EXCEEDED`), and the workspace's
    `maxTokenLifetimeDays`, which "only applies to new tokens" (Azure Databricks docs, "Monitor and manage personal
    access tokens", "Set the maximum lifetime of new tokens"). Databricks does not publish the code or text of the
    lifetime refusal: both are ours here, and the message names the setting.
    """
    if held >= TOKENS_PER_USER:
        return CloudError(
            "QUOTA_EXCEEDED", f"the caller holds {held} tokens in this workspace; the quota is {TOKENS_PER_USER}"
        )
    lifetime = int(new.get("lifetimeSeconds") or 0)
    if max_lifetime_days and not 0 < lifetime <= max_lifetime_days * DAY:
        asked = f"{lifetime // DAY} days" if lifetime > 0 else "no expiry"
        return CloudError(
            "INVALID_PARAMETER_VALUE",
            f"token lifetime ({asked}) exceeds the workspace's maximum lifetime for new tokens "
            f"(maxTokenLifetimeDays: {max_lifetime_days})",
        )
    return None


def token_revoked(state: Mapping[str, Any], *, now: int, last_used: int | None = None) -> bool:
    """`pat-lifecycle`: a token nobody used for `TOKEN_IDLE_DAYS` is revoked; never used, it counts from its
    creation (`creationTime`, epoch milliseconds as the Token API reports it)."""
    since = last_used if last_used is not None else int(state["creationTime"]) // 1000
    return now - since >= TOKEN_IDLE_DAYS * DAY


def gone_on_read(
    typ: str, state: Mapping[str, Any], *, owner: str, caller: str, now: int, last_used: int | None = None
) -> bool:
    """Whether a read (a refresh) finds the resource gone, so the engine drops it from state.

    - `token-owner-list`: the Token API lists only the caller's tokens, and the provider reads a token by listing;
    - `pat-lifecycle`: an idle token was revoked (`token_revoked`);
    - `rotating-on-refresh`: a due `Rotating` removes itself on read.
    """
    if typ == TOKEN:
        return owner != caller or token_revoked(state, now=now, last_used=last_used)
    if typ == ROTATING:
        return now >= int(state["unix"]) + int(state["rotationDays"]) * DAY
    return False


LOG_ANALYTICS_SOFT_DELETE_DAYS = 14
"""`log-analytics-soft-delete`: a deleted Log Analytics workspace keeps its name for 14 days; creating it again
with the same name, subscription, resource group and location recovers it (REST `Workspaces - Delete`)."""
_DATA_PLANE = ("azure-native:keyvault:Secret",)
"""Types whose delete goes through a data plane (`kv-secret-dataplane-delete`), which ARM locks do not govern
(learn.microsoft.com, "Lock your resources": locks apply to control-plane operations only)."""


def _under(ident: str, scope: str) -> bool:
    return ident.lower() == scope.lower() or ident.lower().startswith(f"{scope.lower()}/")


def is_lock(ident: str) -> bool:
    return "/providers/microsoft.authorization/locks/" in ident.lower()


def lock_refusal(
    typ: str, ident: str, locked_scopes: Iterable[str], inputs: Mapping[str, Any] | None = None
) -> CloudError | None:
    """Why ARM refuses to delete `ident`, given the scopes that carry a `CanNotDelete` lock.

    `lock-blocks-children`: a lock covers its resource and everything under its id: child resources (a factory's
    linked services), extension resources on it (role assignments scoped to it, its diagnostic settings); the
    refusal is `ScopeLocked` (learn.microsoft.com, "Lock your resources to protect your infrastructure",
    considerations; hashicorp/terraform-provider-azurerm #17478). The lock itself can always be deleted (by whoever
    holds `Microsoft.Authorization/locks/delete`). A Data Factory managed private endpoint's delete also deletes its
    connection on the target, a child of the target (lifecycle row `adf-managed-vnet`), so a lock on the workspace or
    the vault blocks it (`inputs`: the endpoint's, naming its target).
    """
    if typ in _DATA_PLANE or is_lock(ident):
        return None
    touched = [ident]
    if typ == MANAGED_PRIVATE_ENDPOINT and inputs:
        touched.append(f"{inputs['properties']['privateLinkResourceId']}/privateEndpointConnections")
    for scope in locked_scopes:
        if any(_under(each, scope) for each in touched):
            return CloudError(
                "ScopeLocked",
                f"the scope '{scope}' cannot perform delete operation because following scope(s) are locked: "
                f"'{scope}'; deleting {ident} needs the lock lifted first",
            )
    return None


def survives_parent_delete(ident: str) -> bool:
    """`diagnostic-settings-orphaned`: deleting a resource leaves its diagnostic settings behind (MicrosoftDocs/
    azure-docs #100347); every other resource under its id goes with it."""
    return "/providers/microsoft.insights/diagnosticsettings/" in ident.lower()


def gone_with(parent: str, live: Iterable[str]) -> set[str]:
    """What an ARM delete of `parent` takes along: every live id under it, except what survives (above)."""
    return {i for i in live if _under(i, parent) and i.lower() != parent.lower() and not survives_parent_delete(i)}


def log_analytics_recovered(ident: str, deleted_at: Mapping[str, int], now: int) -> bool:
    """Whether creating the Log Analytics workspace `ident` recovers the one deleted within the soft-delete days."""
    when = deleted_at.get(ident)
    return when is not None and now - when < LOG_ANALYTICS_SOFT_DELETE_DAYS * DAY
