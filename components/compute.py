"""Databricks compute the platform owns: the interactive cluster and the instance pool.

Neither carries the stack's Azure tags: the workspace has them and every cluster inherits them as default
tags; repeating one as a custom tag is stored as `x_<key>` and shows a diff on every refresh (lifecycle
row `default-tags`). Only the section's own `customTags` are sent.
"""

from __future__ import annotations

import pulumi_databricks as databricks

from .args import DataSecurityMode
from .scope import Scope
from .settings import Autoscale, ClusterOptions, FixedSize, InstancePoolSpec, InteractiveClusterSpec
from .workspace import Workspace

# The current names of two access modes, and their classic aliases (databricks-sdk-go `compute.DataSecurityMode`).
# The current names are valid only with a cluster `kind`, which neither our cluster nor Data Factory's linked
# service sends (lifecycle row `access-mode-kind`); and a cluster reports the classic name, so sending the other
# would differ on every refresh and edit (restart) the cluster on every `up` (reported:
# terraform-provider-databricks #4909).
CANONICAL_SECURITY_MODE = {
    DataSecurityMode.DATA_SECURITY_MODE_STANDARD: DataSecurityMode.USER_ISOLATION,
    DataSecurityMode.DATA_SECURITY_MODE_DEDICATED: DataSecurityMode.SINGLE_USER,
}

SINGLE_NODE_CONF = {"spark.databricks.cluster.profile": "singleNode", "spark.master": "local[*]"}
SINGLE_NODE_TAGS = {"ResourceClass": "SingleNode"}


def cluster_tags(options: ClusterOptions) -> dict[str, str]:
    """A cluster's own tags; config validation refuses keys the workspace already passes on."""
    return dict(options.custom_tags)


def classic_security_mode(mode: DataSecurityMode | None) -> str | None:
    """The access mode as a cluster without `kind` must be given it (lifecycle row `access-mode-kind`)."""
    return CANONICAL_SECURITY_MODE.get(mode, mode).value if mode else None


def interactive_cluster(scope: Scope, spec: InteractiveClusterSpec, workspace: Workspace) -> databricks.Cluster:
    """Pinned: an unpinned all-purpose cluster is deleted 30 days after it last terminated, leaving the
    linked service's existingClusterId pointing at nothing (lifecycle row `cluster-retention`)."""
    size = spec.size
    spark_conf = dict(spec.spark_conf)
    custom_tags = cluster_tags(spec)
    num_workers: int | None = size.workers if isinstance(size, FixedSize) else None
    if not isinstance(size, (FixedSize, Autoscale)):
        spark_conf |= SINGLE_NODE_CONF
        custom_tags |= SINGLE_NODE_TAGS
        num_workers = 0
    return databricks.Cluster(
        f"{scope.name}-interactive-cluster",
        cluster_name=scope.names.interactive_cluster,
        spark_version=spec.spark_version,
        node_type_id=spec.node_type,
        driver_node_type_id=spec.driver_node_type,
        num_workers=num_workers,
        autoscale=databricks.ClusterAutoscaleArgs(min_workers=size.min_workers, max_workers=size.max_workers)
        if isinstance(size, Autoscale)
        else None,
        autotermination_minutes=spec.autotermination_minutes,
        # `pulumi up` returns once Databricks accepts the create; ADF starts the cluster when it needs it.
        no_wait=True,
        spark_conf=spark_conf or None,
        spark_env_vars=dict(spec.spark_env_vars) or None,
        custom_tags=custom_tags or None,
        policy_id=spec.policy_id,
        data_security_mode=classic_security_mode(spec.data_security_mode),
        single_user_name=spec.single_user_name,
        is_pinned=True,
        opts=scope.on_workspace(workspace),
    )


def instance_pool(scope: Scope, spec: InstancePoolSpec, workspace: Workspace) -> databricks.InstancePool:
    """The pool carries the section's customTags: a cluster from a pool may not repeat the pool's tag keys,
    and Data Factory ignores the linked service's cluster tags in pool configurations (lifecycle row `pool-tags`).

    A new sparkVersion replaces the pool (a new id, which the linked service then points at): Databricks cannot
    change a pool's preloaded runtime (terraform-provider-databricks pools/resource_instance_pool.go,
    `preloaded_spark_versions` is force_new)."""
    return databricks.InstancePool(
        f"{scope.name}-instance-pool",
        instance_pool_name=scope.names.instance_pool,
        node_type_id=spec.node_type,
        min_idle_instances=spec.min_idle_instances,
        max_capacity=spec.max_capacity,
        idle_instance_autotermination_minutes=spec.idle_instance_autotermination_minutes,
        preloaded_spark_versions=[spec.spark_version],
        custom_tags=cluster_tags(spec) or None,
        opts=scope.on_workspace(workspace),
    )
