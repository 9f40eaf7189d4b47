"""Stand-in provider plugins for the engine tier: pulumi-resource-azure-native, -databricks and -time.

Test equipment, not a cloud. Each is a `pulumi.provider.experimental` Provider served over the plugin gRPC
protocol, so the real engine drives it exactly as it drives the real plugin: Check, Diff, Create, Read,
Update, Delete, Invoke. The state it serves comes from `components.offline.cloud_state.FakeCloud`, the same
builders the mock runtime uses (one fake cloud), kept between runs in the store file of `store.py`.

Modelled (rows of `shared/specs/azure-lifecycle-rules.md`, by short name; replacement rules in
`components/offline/replacements.py`, grouped per package by `rules.py`):
- `kv-secret-dataplane-delete`: deleting a Key Vault secret goes through the vault's data plane: refused with
  403 when the vault's firewall denies the deployer's address or the deployer holds no data-plane role.
  Create/update go through ARM and pass.
- `kv-soft-delete-name`: deleting a vault soft-deletes it with its secrets and keeps its name for the retention
  period; creating a vault of that name then fails with 409 unless `properties.createMode` is `recover`, which
  restores it (secrets included) and fails when there is nothing to recover.
- `azure-native-no-adopt`: azure-native refuses to create a resource whose ARM id already exists.
- `fixed-name-delete-first`: fixed-name azure-native resources are replaced delete-before-replace;
  replace-on-change keys.
- `token-owner-list`, `token-forcenew`: a token belongs to the identity that created it; a read by another
  identity finds nothing (the token API lists the caller's tokens); comment/lifetime changes replace it; its
  value is secret.
- `rotating-on-refresh`: a `Rotating` that is due vanishes on read, so refresh drops it and the next up
  re-creates it.
- `role-assignment-name-tenant-unique`: a role assignment whose name another assignment in the tenant holds (any
  subscription), or whose principal, role and scope another one already grants, is refused.
- `pat-lifecycle`: a token unused for 90 days is revoked (a read finds it gone); the caller's 601st token in a
  workspace, and a token longer-lived than the workspace's `maxTokenLifetimeDays`, are refused.
- `lock-blocks-children`: while a `CanNotDelete` lock exists, deleting its resource or anything under its id (a
  child, a role assignment on it, a diagnostic setting) is refused (`ScopeLocked`).
- `adf-managed-endpoint-approval`: a managed private endpoint's connection shows on its target only from the
  target's second read after the endpoint's create (`managedEndpointReads` in the store); every read of a target is
  logged with the connections (name, status) it listed.
The refusals and disappearances are `components.offline.cloud_state`'s rules, which the mock tier applies too.
Every resource keeps its inputs in state under `__inputs`, as azure-native does, and diffs against them.

Not modelled: anything else Azure or Databricks validate (the specs tests cover payloads), long-running
operations, throttling, eventual consistency beyond the managed endpoint's late connection.
"""

from __future__ import annotations

import importlib.metadata
import ipaddress
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pulumi.provider.experimental import provider as p
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.provider.experimental.server import main as serve

from components.offline.cloud_state import (
    LOCK,
    ROLE_ASSIGNMENT,
    TOKEN,
    FakeCloud,
    NewResource,
    gone_on_read,
    lock_refusal,
    role_assignment_refusal,
    token_refusal,
    token_revoked,
)
from components.offline.managed_network_state import PROVISIONING_READS, listed
from components.offline.network_state import PRIVATE_ENDPOINT, delete_refusal
from components.offline.replacements import DELETE_FIRST, forcing
from tests.engine.standin import store
from tests.engine.standin.rules import PACKAGES, SDK_DISTRIBUTIONS, TypeRules

INPUTS = "__inputs"
_UNKNOWN = object()


class CloudError(Exception):
    """An error as the real provider reports it: the service's status and message."""


def plain(value: PropertyValue) -> Any:
    """A property value as plain JSON data (secrets revealed: the cloud sees them)."""
    inner = value.value
    if isinstance(inner, Computed):
        return _UNKNOWN
    if isinstance(inner, Mapping):
        return {k: plain(v) for k, v in inner.items()}
    if isinstance(inner, tuple):
        return [plain(v) for v in inner]
    if isinstance(inner, float) and inner.is_integer():
        return int(inner)
    return inner


def wire(value: Any, secret: bool = False) -> PropertyValue:
    if isinstance(value, PropertyValue):
        return value
    if isinstance(value, Mapping):
        return PropertyValue({k: wire(v) for k, v in value.items()}, is_secret=secret)
    if isinstance(value, list | tuple):
        return PropertyValue([wire(v) for v in value], is_secret=secret)
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value), is_secret=secret)
    return PropertyValue(value, is_secret=secret)


def type_of(urn: str) -> str:
    """The resource's own type token (the URN's type part lists the parents' types first, `$`-separated)."""
    return urn.split("::")[2].rsplit("$", 1)[-1]


class StandIn(p.Provider):
    def __init__(self, package: str, store_path: Path) -> None:
        self.package = package
        self.rules = PACKAGES[package]
        self.store_path = store_path
        self.workspace = ""
        """The workspace a Databricks provider is configured for: tokens are counted per workspace."""

    async def configure(self, request: p.ConfigureRequest) -> p.ConfigureResponse:
        host = request.args.get("host")
        self.workspace = str(plain(host)) if host is not None else ""
        return await super().configure(request)

    def _rules(self, typ: str) -> TypeRules:
        return self.rules.get(typ, TypeRules())

    # --- planning -------------------------------------------------------------------------------------

    async def check(self, request: p.CheckRequest) -> p.CheckResponse:
        return p.CheckResponse(inputs=request.new_inputs)

    async def diff(self, request: p.DiffRequest) -> p.DiffResponse:
        rules = self._rules(type_of(request.urn))
        old_value = request.old_state.get(INPUTS)
        old = plain(old_value) if old_value is not None else {}
        new = {k: plain(v) for k, v in request.new_inputs.items()}
        changed = sorted(k for k in set(old) | set(new) if k not in request.ignore_changes and old.get(k) != new.get(k))
        # A nested replace-on path (`parameters.customVirtualNetworkId`) replaces through its top-level key.
        forced = {f.path.split(".", 1)[0] for f in forcing(type_of(request.urn), old, new)}
        replaces = [k for k in changed if k in forced]
        detailed = {
            k: p.PropertyDiff(
                (p.PropertyDiffKind.UPDATE_REPLACE if k in replaces else p.PropertyDiffKind.UPDATE)
                if k in old and k in new
                else (p.PropertyDiffKind.ADD_REPLACE if k in replaces else p.PropertyDiffKind.ADD)
                if k in new
                else (p.PropertyDiffKind.DELETE_REPLACE if k in replaces else p.PropertyDiffKind.DELETE),
                input_diff=True,
            )
            for k in changed
        }
        return p.DiffResponse(
            changes=bool(changed),
            replaces=replaces,
            diffs=changed,
            detailed_diff=detailed,
            delete_before_replace=bool(replaces) and rules.order == DELETE_FIRST,
        )

    # --- invokes --------------------------------------------------------------------------------------

    async def invoke(self, request: p.InvokeRequest) -> p.InvokeResponse:
        args = {k: plain(v) for k, v in request.args.items()}
        with store.opened(self.store_path) as cloud:
            fake = _cloud(cloud)
            result = fake.invoke(request.tok, args)
            cloud["connectionReads"] = fake.managed_network.reads
            target = str(args.get("workspaceName") or args.get("vaultName") or "")
            cloud["log"].append(["invoke", request.tok, target, listed(request.tok, result)])
        return p.InvokeResponse(return_value={k: wire(v) for k, v in result.items()})

    # --- lifecycle ------------------------------------------------------------------------------------

    def _outputs(
        self, typ: str, resource_id: str, state: Mapping[str, Any], inputs: Mapping[str, PropertyValue]
    ) -> tuple[str, dict[str, PropertyValue]]:
        secret = self._rules(typ).secret_outputs
        outputs = {k: wire(v, secret=k in secret) for k, v in state.items()}
        outputs[INPUTS] = PropertyValue(dict(inputs))
        return resource_id, outputs

    async def create(self, request: p.CreateRequest) -> p.CreateResponse:
        inputs = {k: plain(v) for k, v in request.properties.items()}
        if request.preview:
            # As the engine does for providers without preview: the inputs, computed outputs unknown.
            return p.CreateResponse(resource_id=None, properties=dict(request.properties))
        with store.opened(self.store_path) as cloud:
            cloud["now"] += 1
            fake = _cloud(cloud)
            resource_id, state = fake.create(NewResource(type_of(request.urn), request.name, inputs))
            self._before_create(cloud, type_of(request.urn), resource_id, inputs)
            cloud["connectionReads"] = fake.managed_network.reads
            cloud.setdefault("creations", {})[resource_id] = cloud["creations"].get(resource_id, 0) + 1
            cloud["resources"][resource_id] = {
                "type": type_of(request.urn),
                "state": state,
                "owner": cloud["identity"],
                **({"workspace": self.workspace} if type_of(request.urn) == TOKEN else {}),
            }
            cloud["log"].append(["create", type_of(request.urn), request.name, resource_id])
        rid, outputs = self._outputs(type_of(request.urn), resource_id, state, request.properties)
        return p.CreateResponse(resource_id=rid, properties=outputs)

    def _before_create(self, cloud: dict[str, Any], typ: str, resource_id: str, inputs: dict[str, Any]) -> None:
        if typ == TOKEN:
            refusal = token_refusal(
                inputs,
                held=self._tokens_held(cloud) + int(cloud["tokensHeldElsewhere"]),
                max_lifetime_days=int(cloud["maxTokenLifetimeDays"]),
            )
            if refusal:
                raise CloudError(str(refusal))
        if self.package != "azure-native":
            return
        if typ == ROLE_ASSIGNMENT:
            tenant = [r["state"] for r in cloud["resources"].values() if r["type"] == ROLE_ASSIGNMENT]
            refusal = role_assignment_refusal(inputs, tenant)
            if refusal:
                raise CloudError(str(refusal))
        if typ == "azure-native:keyvault:Vault":
            name = inputs["vaultName"]
            deleted = cloud["deletedVaults"].get(name)
            recover = inputs.get("properties", {}).get("createMode") == "recover"
            if deleted and not recover:
                raise CloudError(
                    f"409 Conflict (VaultAlreadyExists): the vault name '{name}' is already in use by a "
                    "soft-deleted vault; recover it (createMode: recover) or wait until it is purged"
                )
            if recover and not deleted:
                raise CloudError(f"404 NotFound (DeletedVaultNotFound): no deleted vault named '{name}' to recover")
            if recover and deleted:
                # Recovery brings the vault back with every secret it held.
                cloud["resources"].update(deleted["secrets"])
                del cloud["deletedVaults"][name]
                return
        if resource_id in cloud["resources"]:
            raise CloudError(f"cannot create already existing resource '{resource_id}'")

    def _tokens_held(self, cloud: dict[str, Any]) -> int:
        """The caller's tokens in this workspace that Databricks has not revoked."""
        return sum(
            1
            for r in cloud["resources"].values()
            if r["type"] == TOKEN
            and r["owner"] == cloud["identity"]
            and r.get("workspace") == self.workspace
            and not token_revoked(r["state"], now=cloud["now"], last_used=r.get("lastUsed"))
        )

    async def read(self, request: p.ReadRequest) -> p.ReadResponse:
        with store.opened(self.store_path) as cloud:
            found = cloud["resources"].get(request.resource_id)
            cloud["log"].append(["read", type_of(request.urn), request.name, request.resource_id, bool(found)])
            gone = found is None or self._vanished(cloud, type_of(request.urn), found)
            if found is not None and type_of(request.urn) == TOKEN and self._revoked(cloud, found):
                # Databricks revoked it: it no longer exists for anyone.
                del cloud["resources"][request.resource_id]
                cloud["log"].append(["revoked", TOKEN, request.name, request.resource_id])
        if gone:
            return p.ReadResponse(resource_id=None)
        assert found is not None
        inputs_value = request.properties.get(INPUTS)
        inputs = dict(inputs_value.value) if inputs_value is not None else dict(request.inputs)  # type: ignore[arg-type]
        rid, outputs = self._outputs(type_of(request.urn), request.resource_id, found["state"], inputs)
        return p.ReadResponse(resource_id=rid, properties=outputs, inputs=inputs)

    @staticmethod
    def _vanished(cloud: dict[str, Any], typ: str, found: dict[str, Any]) -> bool:
        return gone_on_read(
            typ,
            found["state"],
            owner=found["owner"],
            caller=cloud["identity"],
            now=cloud["now"],
            last_used=found.get("lastUsed"),
        )

    @staticmethod
    def _revoked(cloud: dict[str, Any], found: dict[str, Any]) -> bool:
        return token_revoked(found["state"], now=cloud["now"], last_used=found.get("lastUsed"))

    async def update(self, request: p.UpdateRequest) -> p.UpdateResponse:
        inputs = {k: plain(v) for k, v in request.news.items()}
        if request.preview:
            return p.UpdateResponse(properties=dict(request.news))
        with store.opened(self.store_path) as cloud:
            found = cloud["resources"][request.resource_id]
            cloud["now"] += 1
            _, state = _cloud(cloud).create(NewResource(type_of(request.urn), request.name, inputs))
            # The service keeps what it made on create (ids, URLs); the update changes what was sent.
            state = {**found["state"], **{k: v for k, v in state.items() if k in inputs or k == "properties"}}
            found["state"] = state
            cloud["log"].append(["update", type_of(request.urn), request.name, request.resource_id])
        _, outputs = self._outputs(type_of(request.urn), request.resource_id, state, request.news)
        return p.UpdateResponse(properties=outputs)

    async def delete(self, request: p.DeleteRequest) -> None:
        with store.opened(self.store_path) as cloud:
            found = cloud["resources"].get(request.resource_id)
            if found is None:
                cloud["log"].append(["delete-gone", type_of(request.urn), request.name, request.resource_id])
                return
            locked = [r["state"]["scope"] for r in cloud["resources"].values() if r["type"] == LOCK]
            refusal = lock_refusal(type_of(request.urn), request.resource_id, locked, found["state"])
            if refusal:
                raise CloudError(str(refusal))
            remaining = [(r["type"], r["state"]) for rid, r in cloud["resources"].items() if rid != request.resource_id]
            refused = delete_refusal(type_of(request.urn), request.resource_id, remaining)
            if refused:
                raise CloudError(str(refused))
            if type_of(request.urn) == "azure-native:keyvault:Secret":
                self._data_plane_delete_allowed(cloud, found["state"])
            if type_of(request.urn) == "azure-native:keyvault:Vault":
                self._soft_delete(cloud, request.resource_id, found)
            if type_of(request.urn) == "azure-native:datafactory:Factory":
                # The factory's ARM delete takes its children: its objects and its managed network (which has no
                # delete of its own: lifecycle row `adf-managed-vnet-resource`).
                for rid in [rid for rid in cloud["resources"] if rid.startswith(f"{request.resource_id}/")]:
                    del cloud["resources"][rid]
            del cloud["resources"][request.resource_id]
            cloud["log"].append(["delete", type_of(request.urn), request.name, request.resource_id])

    @staticmethod
    def _data_plane_delete_allowed(cloud: dict[str, Any], secret: dict[str, Any]) -> None:
        vault = next(
            (
                r["state"]
                for r in cloud["resources"].values()
                if r["type"] == "azure-native:keyvault:Vault" and r["state"]["name"] == secret["vaultName"]
            ),
            None,
        )
        if vault is None:
            return
        # A private vault's data plane answers only through its private endpoint (lifecycle rows `private-link`,
        # `kv-secret-dataplane-delete`): the deploy runner inside the network reaches it while the endpoint exists,
        # and the firewall's IP rules, which govern the public endpoint only, do not apply.
        private = vault.get("properties", {}).get("publicNetworkAccess") == "Disabled"
        through_endpoint = any(
            r["type"] == PRIVATE_ENDPOINT and vault["name"] in str(r["state"].get("privateLinkServiceConnections"))
            for r in cloud["resources"].values()
        )
        if private and not through_endpoint:
            raise CloudError(
                f"403 Forbidden (ForbiddenByConnection): public network access is disabled and no private endpoint "
                f"reaches vault {secret['vaultName']}"
            )
        acls = {} if private else vault.get("properties", {}).get("networkAcls") or {}
        caller = ipaddress.ip_address(cloud["deployerIp"])
        allowed = any(caller in ipaddress.ip_network(rule["value"], strict=False) for rule in acls.get("ipRules") or [])
        if acls.get("defaultAction") == "Deny" and not allowed:
            raise CloudError(
                f"403 Forbidden (ForbiddenByFirewall): Client address {cloud['deployerIp']} is not authorized "
                f"and caller is not a trusted service. Vault: {secret['vaultName']}"
            )
        if cloud["identity"] not in cloud["dataPlaneRoles"]:
            raise CloudError(
                f"403 Forbidden (ForbiddenByRbac): Caller {cloud['identity']} is not authorized to perform action "
                "'Microsoft.KeyVault/vaults/secrets/delete' on the vault's data plane"
            )

    @staticmethod
    def _soft_delete(cloud: dict[str, Any], vault_id: str, found: dict[str, Any]) -> None:
        props = found["state"].get("properties", {})
        if not props.get("enableSoftDelete", True):
            return
        secrets = {rid: r for rid, r in cloud["resources"].items() if rid.startswith(f"{vault_id}/secrets/")}
        for rid in secrets:
            del cloud["resources"][rid]
        cloud["deletedVaults"][found["state"]["name"]] = {
            "id": vault_id,
            "deletedAt": cloud["now"],
            "scheduledPurge": cloud["now"] + int(props.get("softDeleteRetentionInDays", 90)) * 86_400,
            "secrets": secrets,
        }


def _cloud(cloud: dict[str, Any]) -> FakeCloud:
    """What the cloud builds for a call made now, in the caller's subscription, knowing the managed endpoints and
    approvals that exist and how often their targets were read (the connections a target lists:
    `adf-managed-endpoint-approval`) and what was created before (a re-created workspace gets a new workspace id)."""
    fake = FakeCloud(cloud["subscriptionId"], now=cloud["now"], creations=cloud.setdefault("creations", {}))
    fake.managed_network.remember(cloud["resources"].values(), cloud.get("connectionReads", {}))
    fake.managed_network.provisioning_reads = int(cloud.get("managedEndpointReads", PROVISIONING_READS))
    return fake


def main() -> None:
    """`python -m tests.engine.standin <package> <engine address> [flags]`, as the wrapper scripts run it."""
    package = sys.argv.pop(1)
    version = importlib.metadata.version(SDK_DISTRIBUTIONS[package])
    # The plugin protocol: the engine's address is the first argument (the server parses sys.argv).
    serve(sys.argv[1:], version, StandIn(package, store.path_from_env()))
