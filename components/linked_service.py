"""The ADF linked-service payloads: cluster mode and authentication → `AzureDatabricks` properties."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_azure_native import datafactory

from .args import AuthMode, ClusterMode
from .compute import classic_security_mode, cluster_tags
from .naming import KEY_VAULT_LINKED_SERVICE_NAME, TOKEN_SECRET_NAME, UAMI_CREDENTIAL_NAME
from .settings import ClusterOptions, PlatformSettings


@dataclass(frozen=True)
class DatabricksEndpoints:
    """What the linked service points at; cluster_id and pool_id exist only in their modes."""

    domain: pulumi.Input[str]
    workspace_id: pulumi.Input[str]
    cluster_id: pulumi.Input[str] | None = None
    pool_id: pulumi.Input[str] | None = None
    secret_name: pulumi.Input[str] = TOKEN_SECRET_NAME
    """The token's Key Vault secret (accessToken auth), as the secret resource reports its name."""


# Lifecycle row `pool-tags`: ADF ignores these in instance-pool configurations (the pool's settings decide), so
# pool mode never sends them; the pool itself carries the tags.
IGNORED_WITH_A_POOL = ("new_cluster_driver_node_type", "new_cluster_custom_tags")


def _new_cluster_fields(options: ClusterOptions, workers: str) -> dict[str, Any]:
    return {
        "new_cluster_version": options.spark_version,
        "new_cluster_num_of_worker": workers,
        "new_cluster_driver_node_type": options.driver_node_type,
        "new_cluster_spark_conf": dict(options.spark_conf) or None,
        "new_cluster_spark_env_vars": dict(options.spark_env_vars) or None,
        "new_cluster_custom_tags": cluster_tags(options) or None,
        "policy_id": options.policy_id,
        # ADF sends no cluster `kind`: DATA_SECURITY_MODE_STANDARD/_DEDICATED go as USER_ISOLATION/SINGLE_USER
        # (lifecycle row `access-mode-kind`); the validator refuses _AUTO, which has no classic name.
        "data_security_mode": classic_security_mode(options.data_security_mode),
    }


def _compute_fields(settings: PlatformSettings, endpoints: DatabricksEndpoints) -> dict[str, Any]:
    """Exactly one cluster mode per linked service, as the ADF REST spec requires."""
    if settings.cluster_mode is ClusterMode.SERVERLESS:
        # The Job activity runs a Databricks job, whose own definition picks its compute: the REST model has
        # no serverless marker, so the linked service holds the domain and the authentication only.
        return {}
    if settings.cluster_mode is ClusterMode.EXISTING_CLUSTER:
        return {"existing_cluster_id": endpoints.cluster_id}
    if settings.cluster_mode is ClusterMode.INSTANCE_POOL:
        pool = settings.instance_pool
        assert pool is not None, "validated: instancePool mode has an instancePool section"
        fields = _new_cluster_fields(pool, pool.workers.adf_workers())
        return {
            "instance_pool_id": endpoints.pool_id,
            "new_cluster_init_scripts": list(pool.init_scripts) or None,
            "new_cluster_log_destination": pool.log_destination,
            **{key: value for key, value in fields.items() if key not in IGNORED_WITH_A_POOL},
        }
    job = settings.job_cluster
    assert job is not None, "validated: newJobCluster mode has a jobCluster section"
    return {
        "new_cluster_node_type": job.node_type,
        "new_cluster_init_scripts": list(job.init_scripts) or None,
        "new_cluster_log_destination": job.log_destination,
        **_new_cluster_fields(job, job.workers.adf_workers()),
    }


def _auth_fields(settings: PlatformSettings, endpoints: DatabricksEndpoints) -> dict[str, Any]:
    if settings.auth is AuthMode.ACCESS_TOKEN:
        return {
            "access_token": datafactory.AzureKeyVaultSecretReferenceArgs(
                type="AzureKeyVaultSecret",
                store=datafactory.LinkedServiceReferenceArgs(
                    reference_name=KEY_VAULT_LINKED_SERVICE_NAME, type="LinkedServiceReference"
                ),
                secret_name=endpoints.secret_name,
            )
        }
    credential = (
        datafactory.CredentialReferenceArgs(reference_name=UAMI_CREDENTIAL_NAME, type="CredentialReference")
        if settings.managed_identity.user_assigned
        else None
    )
    return {"authentication": "MSI", "workspace_resource_id": endpoints.workspace_id, "credential": credential}


def _common_fields(settings: PlatformSettings) -> dict[str, Any]:
    spec = settings.linked_service
    return {
        "description": spec.description,
        "annotations": list(spec.annotations) or None,
        "parameters": {
            name: datafactory.ParameterSpecificationArgs(type=p.type, default_value=p.default_value)
            for name, p in spec.parameters.items()
        }
        or None,
        "connect_via": datafactory.IntegrationRuntimeReferenceArgs(
            reference_name=spec.connect_via, type="IntegrationRuntimeReference"
        )
        if spec.connect_via
        else None,
    }


def databricks_properties(
    settings: PlatformSettings, endpoints: DatabricksEndpoints
) -> datafactory.AzureDatabricksLinkedServiceArgs:
    fields = {
        **_common_fields(settings),
        **_auth_fields(settings, endpoints),
        **_compute_fields(settings, endpoints),
    }
    return datafactory.AzureDatabricksLinkedServiceArgs(
        type="AzureDatabricks",
        domain=endpoints.domain,
        **{key: value for key, value in fields.items() if value is not None},
    )


def key_vault_properties(vault_uri: pulumi.Input[str]) -> datafactory.AzureKeyVaultLinkedServiceArgs:
    return datafactory.AzureKeyVaultLinkedServiceArgs(type="AzureKeyVault", base_url=vault_uri)
