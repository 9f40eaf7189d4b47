"""Databricks compute the platform owns: the interactive cluster and the instance pool."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_databricks as databricks

from .settings import Autoscale, ClusterOptions, FixedSize, InstancePoolSpec, InteractiveClusterSpec

SINGLE_NODE_CONF = {"spark.databricks.cluster.profile": "singleNode", "spark.master": "local[*]"}
SINGLE_NODE_TAGS = {"ResourceClass": "SingleNode"}


def cluster_tags(options: ClusterOptions, tags: Mapping[str, str]) -> dict[str, str]:
    """Azure tags first, so a cluster's own customTags win on a clash."""
    return {**tags, **options.custom_tags}


def interactive_cluster(
    name: str,
    *,
    spec: InteractiveClusterSpec,
    cluster_name: str,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> databricks.Cluster:
    size = spec.size
    options = spec.options
    spark_conf = dict(options.spark_conf)
    custom_tags = cluster_tags(options, tags)
    num_workers: int | None = size.workers if isinstance(size, FixedSize) else None
    if not isinstance(size, (FixedSize, Autoscale)):
        spark_conf |= SINGLE_NODE_CONF
        custom_tags |= SINGLE_NODE_TAGS
        num_workers = 0
    return databricks.Cluster(
        f"{name}-interactive-cluster",
        cluster_name=cluster_name,
        spark_version=options.spark_version,
        node_type_id=spec.node_type,
        driver_node_type_id=options.driver_node_type,
        num_workers=num_workers,
        autoscale=databricks.ClusterAutoscaleArgs(min_workers=size.min_workers, max_workers=size.max_workers)
        if isinstance(size, Autoscale)
        else None,
        autotermination_minutes=spec.autotermination_minutes,
        # `pulumi up` returns once Databricks accepts the create; ADF starts the cluster when it needs it.
        no_wait=True,
        spark_conf=spark_conf or None,
        spark_env_vars=dict(options.spark_env_vars) or None,
        custom_tags=custom_tags or None,
        policy_id=options.policy_id,
        data_security_mode=options.data_security_mode.value if options.data_security_mode else None,
        opts=opts,
    )


def instance_pool(
    name: str, *, spec: InstancePoolSpec, pool_name: str, tags: Mapping[str, str], opts: pulumi.ResourceOptions
) -> databricks.InstancePool:
    return databricks.InstancePool(
        f"{name}-instance-pool",
        instance_pool_name=pool_name,
        node_type_id=spec.node_type,
        min_idle_instances=spec.min_idle_instances,
        max_capacity=spec.max_capacity,
        idle_instance_autotermination_minutes=spec.idle_instance_autotermination_minutes,
        preloaded_spark_versions=[spec.options.spark_version],
        custom_tags=cluster_tags(spec.options, tags) or None,
        opts=opts,
    )
