"""A monthly cost budget over the stack's resource group and the workspace's managed resource group.

Cluster VMs, their disks and the DBFS storage bill in the managed group, not in the workspace's (lifecycle row
`budget-managed-rg`): a budget on the stack's group alone would miss the compute. A budget spans two groups only
from the subscription, filtered on `ResourceGroupName` (REST model `BudgetComparisonExpression`). Its start is
the config's month, never today's: the plan stays the same run after run.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import consumption, monitor

from .scope import Scope
from .settings import BudgetSpec, OperationsSpec

OWNERS = ["Owner"]
"""Also told: the subscription's owners (`contactRoles`), so a budget without receivers still reaches someone."""


def budget(scope: Scope, spec: OperationsSpec, group: monitor.ActionGroup | None) -> consumption.Budget | None:
    if spec.budget is None:
        return None
    plan: BudgetSpec = spec.budget
    return consumption.Budget(
        f"{scope.name}-budget",
        budget_name=scope.names.budget,
        scope=f"/subscriptions/{scope.subscription_id}",
        amount=plan.amount,
        category="Cost",
        time_grain="Monthly",
        time_period=consumption.BudgetTimePeriodArgs(start_date=plan.start_date),
        filter=consumption.BudgetFilterArgs(
            dimensions=consumption.BudgetComparisonExpressionArgs(
                name="ResourceGroupName",
                operator="In",
                values=[scope.resource_group, scope.names.managed_resource_group],
            )
        ),
        notifications={
            f"actual-{percent}-percent": consumption.NotificationArgs(
                enabled=True,
                operator="GreaterThanOrEqualTo",
                threshold=percent,
                threshold_type="Actual",
                contact_emails=list(spec.alerts.emails),
                contact_groups=[group.id] if group else None,
                contact_roles=OWNERS,
            )
            for percent in plan.thresholds
        },
        opts=pulumi.ResourceOptions.merge(scope.child, pulumi.ResourceOptions(delete_before_replace=True)),
    )
