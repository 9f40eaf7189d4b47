"""Who is told when a pipeline run fails: an action group of the stack's receivers, and metric alerts on the
factory's failed runs (any pipeline, and the smoke pipeline by name). Metric alerts read the factory's platform
metrics: they need no Log Analytics.

Metric `PipelineFailedRuns` of Microsoft.DataFactory/factories, dimensions `FailureType` and `Name` (the pipeline's
name): learn.microsoft.com, "Supported metrics for Microsoft.DataFactory/factories". Action groups and metric alert
rules are global resources (`location: global`, REST models `ActionGroupResource`, `MetricAlertResource`).
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import datafactory, monitor

from .scope import Scope
from .settings import OperationsSpec

FAILED_RUNS = "PipelineFailedRuns"
FACTORY_NAMESPACE = "Microsoft.DataFactory/factories"
CRITERIA = "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria"
EVERY = "PT5M"
"""How often the rule looks, over the same window: a failed run is told within about five minutes."""
SEVERITY = 1
"""Error (0 critical ... 4 verbose): a failed production run needs a person, not a page at night."""


def action_group(scope: Scope, spec: OperationsSpec) -> monitor.ActionGroup:
    """Webhook URLs may carry a token: they go out as secrets and are never part of a name or an output."""
    return monitor.ActionGroup(
        f"{scope.name}-action-group",
        action_group_name=scope.names.action_group,
        group_short_name=scope.names.action_group_short,
        resource_group_name=scope.resource_group,
        location="Global",
        enabled=True,
        email_receivers=[
            monitor.MicrosoftCommonEmailReceiverArgs(
                name=f"email-{i}", email_address=email, use_common_alert_schema=True
            )
            for i, email in enumerate(spec.alerts.emails)
        ],
        webhook_receivers=[
            monitor.WebhookReceiverArgs(
                name=f"webhook-{i}", service_uri=pulumi.Output.secret(url), use_common_alert_schema=True
            )
            for i, url in enumerate(spec.alerts.webhooks)
        ],
        tags=scope.tags,
        opts=scope.child,
    )


def failed_run_alerts(
    scope: Scope, adf: datafactory.Factory, smoke_pipeline: pulumi.Input[str], group: monitor.ActionGroup
) -> list[monitor.MetricAlert]:
    """One rule for any pipeline's failed run, one for the smoke pipeline's (it proves the link works)."""
    return [
        _failed_runs(scope, "failed-runs-alert", adf, group, None),
        _failed_runs(scope, "smoke-failed-alert", adf, group, smoke_pipeline),
    ]


def _failed_runs(
    scope: Scope,
    role: str,
    adf: datafactory.Factory,
    group: monitor.ActionGroup,
    pipeline: pulumi.Input[str] | None,
) -> monitor.MetricAlert:
    dimensions = [monitor.MetricDimensionArgs(name="Name", operator="Include", values=[pipeline])] if pipeline else None
    what = "the smoke pipeline" if pipeline else "any pipeline"
    return monitor.MetricAlert(
        f"{scope.name}-{role}",
        rule_name=f"{scope.names.data_factory}-{role}",
        resource_group_name=scope.resource_group,
        location="global",
        description=f"A run of {what} in {scope.names.data_factory} failed.",
        severity=SEVERITY,
        enabled=True,
        scopes=[adf.id],
        evaluation_frequency=EVERY,
        window_size=EVERY,
        criteria=monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
            odata_type=CRITERIA,
            all_of=[
                monitor.MetricCriteriaArgs(
                    criterion_type="StaticThresholdCriterion",
                    name="failed-runs",
                    metric_name=FAILED_RUNS,
                    metric_namespace=FACTORY_NAMESPACE,
                    operator="GreaterThan",
                    threshold=0,
                    time_aggregation="Total",
                    dimensions=dimensions,
                )
            ],
        ),
        actions=[monitor.MetricAlertActionArgs(action_group_id=group.id)],
        tags=scope.tags,
        opts=scope.child,
    )
