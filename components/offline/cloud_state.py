"""The fake cloud's state, one source for the mock runtime and the engine tier's stand-in providers.

Per resource type, the ids and computed outputs that Azure, Databricks and the time provider return on
create (camelCase, as on the wire), and the values of the invokes our program makes. Inputs in, state out:
these builders never decide an outcome. `components.offline.mocks` serves them to Pulumi's mock runtime;
`tests/engine/standin` serves them to the real engine through provider plugins.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from components.naming import digest

OFFLINE_SUBSCRIPTION_ID = "6f1a5c2e-3b7d-4e8a-9c0f-2d4b6a8e1c3f"
OFFLINE_TENANT_ID = "0b9e2f4a-7c1d-4a3e-8f5b-6d2c9e1a7b40"
State = tuple[str, dict[str, Any]]


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

    def __init__(self, subscription_id: str = OFFLINE_SUBSCRIPTION_ID, now: float | None = None) -> None:
        self.subscription_id = subscription_id
        self.now = int(now if now is not None else time.time())
        self._by_type: dict[str, Callable[[NewResource], State]] = {
            "azure-native:resources:ResourceGroup": self._resource_group,
            "azure-native:databricks:Workspace": self._workspace,
            "azure-native:keyvault:Vault": self._vault,
            "azure-native:keyvault:Secret": self._secret,
            "azure-native:datafactory:Factory": self._factory,
            "azure-native:datafactory:LinkedService": self._factory_child("linkedservices", "linkedServiceName"),
            "azure-native:datafactory:CredentialOperation": self._factory_child("credentials", "credentialName"),
            "azure-native:managedidentity:UserAssignedIdentity": self._user_assigned_identity,
            "azure-native:authorization:RoleAssignment": self._role_assignment,
            "databricks:index/cluster:Cluster": self._cluster,
            "databricks:index/instancePool:InstancePool": self._instance_pool,
            "databricks:index/token:Token": self._token,
            "time:index/rotating:Rotating": self._rotating,
            "azure-native:datafactory:Pipeline": self._factory_child("pipelines", "pipelineName"),
            "azure-native:datafactory:IntegrationRuntime": _with_runtime_state(
                self._factory_child("integrationruntimes", "integrationRuntimeName")
            ),
            "databricks:index/notebook:Notebook": self._notebook,
            "databricks:index/job:Job": self._job,
        }

    def invoke(self, token: str, args: Mapping[str, Any]) -> dict[str, Any]:
        if token == "azure-native:authorization:getClientConfig":
            return {
                "clientId": _guid("client"),
                "objectId": _guid("object"),
                "subscriptionId": self.subscription_id,
                "tenantId": OFFLINE_TENANT_ID,
            }
        return {}

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
        number = int(digest(self.subscription_id, name, length=12), 16) % 10**16
        return self._arm_id(args.inputs["resourceGroupName"], "Microsoft.Databricks/workspaces", name), {
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
