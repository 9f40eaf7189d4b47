"""Where the logs go: a Log Analytics workspace (the stack's, or one given by id) and the diagnostic settings of the
Databricks workspace, the factory and the Key Vault.

Each setting is deleted by its own call, never left to its resource's delete: Azure keeps a resource's diagnostic
settings when the resource goes, and a re-created resource of the same id meets the old one (lifecycle row
`diagnostic-settings-orphaned`). Its name is fixed, so a replacement deletes it first (`fixed-name-delete-first`).
Retention is the Log Analytics workspace's: diagnostic-setting retention policies are retired (the same row).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import monitor, operationalinsights

from .scope import Scope
from .settings import OperationsSpec

SETTING_NAME = "adf-databricks-logs"
"""One name for every setting of ours: a resource holds at most five settings, each named once."""
ALL_LOGS = "allLogs"
"""The category group of every resource log category (learn.microsoft.com, "Diagnostic settings in Azure Monitor",
category groups): new categories are collected as the service adds them."""
ALL_METRICS = "AllMetrics"
SKU = "PerGB2018"
"""Pay-as-you-go per GB ingested: the pricing tier whose retention runs from 30 to 730 days."""


@dataclass(frozen=True)
class Target:
    """A resource whose logs go to Log Analytics."""

    role: str
    """The child's logical-name role: `<name>-<role>-diagnostics`."""
    resource: pulumi.CustomResource
    metrics: bool
    """Whether the resource type has platform metrics (the Databricks workspace has none)."""
    dedicated: bool = False
    """Resource-specific tables (`logAnalyticsDestinationType: Dedicated`) instead of AzureDiagnostics."""


def log_analytics_workspace(scope: Scope, spec: OperationsSpec) -> pulumi.Input[str]:
    """The id diagnostics send to: the one the stack names, or the stack's own workspace.

    A deleted workspace is soft-deleted for 14 days; creating it again with the same name, subscription, group and
    location recovers it with its data (REST `Workspaces - Delete`), so a re-created stack finds its logs again.
    """
    if spec.log_analytics.workspace_id is not None:
        return spec.log_analytics.workspace_id
    workspace = operationalinsights.Workspace(
        f"{scope.name}-log-analytics",
        workspace_name=scope.names.log_analytics,
        resource_group_name=scope.resource_group,
        location=scope.settings.location,
        sku=operationalinsights.WorkspaceSkuArgs(name=SKU),
        retention_in_days=spec.log_analytics.retention_days,
        tags=scope.tags,
        # Not among the `protect`ed: a deleted workspace is recovered, logs and all, by creating it again within 14
        # days (above), and the stack's protected resource group holds it.
        opts=scope.child,
    )
    return workspace.id


def diagnostic_settings(
    scope: Scope, workspace_id: pulumi.Input[str], targets: list[Target]
) -> list[monitor.DiagnosticSetting]:
    return [_setting(scope, workspace_id, target) for target in targets]


def _setting(scope: Scope, workspace_id: pulumi.Input[str], target: Target) -> monitor.DiagnosticSetting:
    return monitor.DiagnosticSetting(
        f"{scope.name}-{target.role}-diagnostics",
        name=SETTING_NAME,
        resource_uri=target.resource.id,
        workspace_id=workspace_id,
        log_analytics_destination_type="Dedicated" if target.dedicated else None,
        logs=[monitor.DiagnosticsLogSettingsArgs(category_group=ALL_LOGS, enabled=True)],
        metrics=[monitor.DiagnosticsMetricSettingsArgs(category=ALL_METRICS, enabled=True)] if target.metrics else None,
        # Its own delete call, always (no deleted_with): Azure would leave it behind with its resource.
        opts=pulumi.ResourceOptions.merge(scope.child, pulumi.ResourceOptions(delete_before_replace=True)),
    )
