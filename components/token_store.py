"""The rotating Databricks access token and the Key Vault that holds it for Data Factory."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_databricks as databricks
import pulumiverse_time as time
from pulumi_azure_native import keyvault

from .naming import TOKEN_SECRET_NAME
from .settings import KeyVaultSpec, TokenSpec

SECRET_CONTENT_TYPE = "Azure Databricks personal access token (Data Factory linked service)"


def rotating_token(
    name: str,
    *,
    spec: TokenSpec,
    project: str,
    stack: str,
    opts: pulumi.ResourceOptions,
    databricks_opts: pulumi.ResourceOptions,
) -> databricks.Token:
    """A token that is replaced, new before old, once `rotation_days` have passed.

    The rotation timestamp is part of the comment, and a token's comment cannot change in place, so
    a due rotation (seen on refresh) replaces the token. Pulumi creates the replacement, updates the
    Key Vault secret, then deletes the old token: the linked service never sees a gap.
    """
    rotation = time.Rotating(f"{name}-token-rotation", rotation_days=spec.rotation_days, opts=opts)
    return databricks.Token(
        f"{name}-token",
        comment=rotation.rfc3339.apply(
            lambda issued: f"{project}/{stack}: Azure Data Factory linked service, issued {issued}"
        ),
        lifetime_seconds=spec.lifetime_seconds,
        opts=pulumi.ResourceOptions.merge(databricks_opts, pulumi.ResourceOptions(delete_before_replace=False)),
    )


def _network_rules(spec: KeyVaultSpec) -> keyvault.NetworkRuleSetArgs:
    # Data Factory is a trusted Microsoft service: "AzureServices" lets it read the secret through the firewall.
    return keyvault.NetworkRuleSetArgs(
        bypass="AzureServices",
        default_action=spec.default_action.value,
        ip_rules=[keyvault.IPRuleArgs(value=cidr) for cidr in spec.allowed_ip_ranges],
    )


def token_vault(
    name: str,
    *,
    spec: KeyVaultSpec,
    vault_name: str,
    resource_group_name: pulumi.Input[str],
    location: str,
    tenant_id: str,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> keyvault.Vault:
    return keyvault.Vault(
        f"{name}-key-vault",
        vault_name=vault_name,
        resource_group_name=resource_group_name,
        location=location,
        properties=keyvault.VaultPropertiesArgs(
            tenant_id=tenant_id,
            sku=keyvault.SkuArgs(family=keyvault.SkuFamily.A, name=keyvault.SkuName.STANDARD),
            enable_rbac_authorization=True,
            enable_soft_delete=True,
            soft_delete_retention_in_days=90,
            enable_purge_protection=True,
            public_network_access=spec.public_network_access.value,
            network_acls=_network_rules(spec),
        ),
        tags=tags,
        opts=opts,
    )


def _expiry_seconds(expiry_ms: int | None) -> int | None:
    """Databricks reports expiry in epoch milliseconds; Key Vault's `exp` is epoch seconds."""
    return None if expiry_ms is None or expiry_ms < 0 else expiry_ms // 1000


def token_secret(
    name: str,
    *,
    vault: keyvault.Vault,
    resource_group_name: pulumi.Input[str],
    token: databricks.Token,
    opts: pulumi.ResourceOptions,
) -> keyvault.Secret:
    """Each new token writes a new secret version that expires with it; the name never changes."""
    return keyvault.Secret(
        f"{name}-token-secret",
        secret_name=TOKEN_SECRET_NAME,
        vault_name=vault.name,
        resource_group_name=resource_group_name,
        properties=keyvault.SecretPropertiesArgs(
            value=pulumi.Output.secret(token.token_value),
            content_type=SECRET_CONTENT_TYPE,
            attributes=keyvault.SecretAttributesArgs(enabled=True, expires=token.expiry_time.apply(_expiry_seconds)),
        ),
        opts=opts,
    )
