"""The rotating Databricks access token and the Key Vault that holds it for Data Factory.

Day 2 (../shared/specs/azure-lifecycle-rules.md): the vault stays in every auth mode, because deleting it
reserves its name for 90 days (`kv-soft-delete-name`); the secret is never deleted by Pulumi, because azure-native
deletes secrets through the vault's data plane, which our firewall and RBAC refuse (`kv-secret-dataplane-delete`); and
nothing here is ever created over something that exists, because azure-native refuses that (`azure-native-no-adopt`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pulumi
import pulumi_databricks as databricks
import pulumiverse_time as time
from pulumi_azure_native import keyvault

from .naming import TOKEN_SECRET_NAME
from .scope import Scope
from .settings import KeyVaultSpec, TokenSpec
from .workspace import Workspace

SECRET_CONTENT_TYPE = "Azure Databricks personal access token (Data Factory linked service)"
DORMANT_CONTENT_TYPE = "No token: the linked service uses auth managedIdentity (secret disabled)"
DORMANT_VALUE = "unused: auth is managedIdentity"
"""What a secret created in managedIdentity mode holds: no credential."""


@dataclass(frozen=True)
class TokenStore:
    """The vault (every auth mode) and the token's secret in it (dormant in managedIdentity mode)."""

    vault: keyvault.Vault
    secret: keyvault.Secret


def rotating_token(scope: Scope, spec: TokenSpec, workspace: Workspace) -> databricks.Token:
    """A token that is replaced, new before old, once `rotation_days` have passed.

    The rotation timestamp is part of the comment, and a token's comment cannot change in place, so
    a due rotation (seen on refresh) replaces the token. Pulumi creates the replacement, updates the
    Key Vault secret, then deletes the old token: the linked service never sees a gap.

    `owner` (the deploying identity's object id) is in the comment too: Databricks lists a token only to
    the identity that created it (`token-owner-list`), so a deploy by anyone else shows up as a replaced token
    whose comment names the new owner, in the preview, before it happens.
    """
    project, stack, owner = scope.settings.project, scope.settings.stack, scope.deployer
    rotation = time.Rotating(f"{scope.name}-token-rotation", rotation_days=spec.rotation_days, opts=scope.child)
    return databricks.Token(
        f"{scope.name}-token",
        comment=rotation.rfc3339.apply(lambda issued: token_comment(project, stack, owner, issued)),
        lifetime_seconds=spec.lifetime_seconds,
        opts=pulumi.ResourceOptions.merge(
            scope.on_workspace(workspace), pulumi.ResourceOptions(delete_before_replace=False)
        ),
    )


def token_comment(project: str, stack: str, owner: str, issued: str) -> str:
    return f"{project}/{stack}: Azure Data Factory linked service, owner {owner}, issued {issued}"


def _network_rules(spec: KeyVaultSpec) -> keyvault.NetworkRuleSetArgs:
    # Data Factory is a trusted Microsoft service: "AzureServices" lets it read the secret through the firewall.
    return keyvault.NetworkRuleSetArgs(
        bypass="AzureServices",
        default_action=spec.default_action.value,
        ip_rules=[keyvault.IPRuleArgs(value=cidr) for cidr in spec.allowed_ip_ranges],
    )


def token_store(
    scope: Scope,
    spec: KeyVaultSpec,
    workspace: Workspace,
    token: databricks.Token | None,
    reach: Callable[[keyvault.Vault], list[pulumi.Resource]] | None = None,
) -> TokenStore:
    """The vault and the secret exist in every auth mode: switching auth deletes neither (lifecycle rows
    `kv-secret-dataplane-delete`, `kv-soft-delete-name`, `azure-native-no-adopt`).

    `reach` (network.mode private) makes the vault's private endpoint. The secret is written through ARM, which
    needs no path into the network, but deleted through the vault's data plane (`kv-secret-dataplane-delete`): it
    depends on the endpoint and its DNS record, so a destroy deletes it while that path still exists, from the deploy
    runner inside the network (network.deployRunner), before the endpoint goes."""
    vault = token_vault(scope, spec)
    path = reach(vault) if reach else None
    return TokenStore(vault, token_secret(scope, vault, workspace, token, path))


def token_vault(scope: Scope, spec: KeyVaultSpec) -> keyvault.Vault:
    """The vault, in every auth mode.

    `spec.recover` creates it with `createMode: recover`: the way to re-create a stack while its
    deleted vault still holds the name (`kv-soft-delete-name`), since azure-native will not adopt a vault recovered
    out of band (`azure-native-no-adopt`). Azure never reports createMode back, so it is ignored after the create: the
    next `up`, and removing the switch, change nothing.
    """
    return keyvault.Vault(
        f"{scope.name}-key-vault",
        vault_name=scope.names.key_vault,
        resource_group_name=scope.resource_group,
        location=scope.settings.location,
        properties=keyvault.VaultPropertiesArgs(
            tenant_id=scope.tenant_id,
            sku=keyvault.SkuArgs(family=keyvault.SkuFamily.A, name=keyvault.SkuName.STANDARD),
            enable_rbac_authorization=True,
            enable_soft_delete=True,
            soft_delete_retention_in_days=90,
            enable_purge_protection=True,
            public_network_access=spec.public_network_access.value,
            network_acls=_network_rules(spec),
            create_mode=keyvault.CreateMode.RECOVER if spec.recover else None,
        ),
        tags=scope.tags,
        opts=pulumi.ResourceOptions.merge(
            scope.stateful, pulumi.ResourceOptions(ignore_changes=["properties.createMode"])
        ),
    )


def _expiry_seconds(expiry_ms: int | None) -> int | None:
    """Databricks reports expiry in epoch milliseconds; Key Vault's `exp` is epoch seconds."""
    return None if expiry_ms is None or expiry_ms < 0 else expiry_ms // 1000


def secret_name(workspace_id: str) -> str:
    """One secret per workspace: a re-created stack (new workspace) never meets the old, recovered secret."""
    return f"{TOKEN_SECRET_NAME}-{workspace_id}"


def token_secret(
    scope: Scope,
    vault: keyvault.Vault,
    workspace: Workspace,
    token: databricks.Token | None,
    path: list[pulumi.Resource] | None = None,
) -> keyvault.Secret:
    """Each new token writes a new secret version that expires with it; the name never changes.

    Day 2, per lifecycle rule:
    - never deleted by Pulumi (`retain_on_delete`, and it goes with the vault): deleting goes through
      the vault's data plane, which the firewall and the deployer's missing data-plane role refuse
      (`kv-secret-dataplane-delete`); the vault's own delete (ARM, soft delete) takes the secret with it. Not in a
      protected stack (`Scope.goes_with`): there a stray `destroy` stops at the protected vault, and a secret already
      dropped from state would meet itself on the next `up` (`azure-native-no-adopt`); its delete is refused
      instead, leaving state whole.
    - never deleted by an auth switch either: with `token=None` (managedIdentity) the secret stays,
      disabled, still holding the (deleted, so useless) last token, because its value is left unchanged.
      Switching back updates it in place through ARM; re-creating it would fail, since azure-native refuses
      to create what exists (`azure-native-no-adopt`).
    - its name carries the workspace id and is fixed at creation (`ignore_changes`): a stack re-created
      into a recovered vault gets a new workspace and so a new secret, instead of meeting the old one.
    """
    if token is None:
        properties = keyvault.SecretPropertiesArgs(
            value=pulumi.Output.secret(DORMANT_VALUE),
            content_type=DORMANT_CONTENT_TYPE,
            attributes=keyvault.SecretAttributesArgs(enabled=False),
        )
        ignored = ["secretName", "properties.value"]
    else:
        properties = keyvault.SecretPropertiesArgs(
            value=pulumi.Output.secret(token.token_value),
            content_type=SECRET_CONTENT_TYPE,
            attributes=keyvault.SecretAttributesArgs(enabled=True, expires=token.expiry_time.apply(_expiry_seconds)),
        )
        ignored = ["secretName"]
    return keyvault.Secret(
        f"{scope.name}-token-secret",
        secret_name=workspace.resource.workspace_id.apply(secret_name),
        vault_name=vault.name,
        resource_group_name=scope.resource_group,
        properties=properties,
        opts=pulumi.ResourceOptions.merge(
            scope.goes_with(vault),
            pulumi.ResourceOptions(
                retain_on_delete=not scope.settings.protect, ignore_changes=ignored, depends_on=path or None
            ),
        ),
    )
