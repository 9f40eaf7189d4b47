"""Operations in the plan: diagnostics into Log Analytics, failed-run alerts to the stack's receivers, a budget over
both resource groups, delete locks. What each resource sends, stated with the source of the Azure behaviour."""

from __future__ import annotations

from typing import Any

import pytest
from lifecycle_scenarios import DEV_OPERATIONS, is_locked, operations, stack_files
from plans import PlanFor, planned

from components.config import ConfigError, load_settings
from components.offline import change_render, locks
from components.offline.changes import compare
from components.offline.plan import Plan, ResourceRecord, reveal

SETTING = "azure-native:monitor:DiagnosticSetting"
ALERT = "azure-native:monitor:MetricAlert"
GROUP = "azure-native:monitor:ActionGroup"
BUDGET = "azure-native:consumption:Budget"
LOCK = "azure-native:authorization:ManagementLockByScope"
LOG_ANALYTICS = "azure-native:operationalinsights:Workspace"


@pytest.fixture(scope="module")
def dev() -> Plan:
    return planned("dev", {"operations": DEV_OPERATIONS})


def of_type(plan: Plan, typ: str) -> list[ResourceRecord]:
    return [r for r in plan.resources if r.type == typ]


def named(plan: Plan, name: str) -> ResourceRecord:
    return next(r for r in plan.resources if r.name == f"adf-databricks-{name}")


def test_nothing_of_operations_exists_unless_the_stack_asks(plan_for: PlanFor) -> None:
    """The contract's defaults are off: an existing stack's plan does not change on upgrade."""
    plan = plan_for("dev")
    assert not [r for r in plan.resources if r.type in (SETTING, ALERT, GROUP, BUDGET, LOCK, LOG_ANALYTICS)]


def test_each_setting_sends_all_logs_to_the_stacks_workspace_and_the_factory_to_its_own_tables(dev: Plan) -> None:
    """learn.microsoft.com, "Diagnostic settings in Azure Monitor": category group `allLogs` collects every resource
    log category; `logAnalyticsDestinationType: Dedicated` writes the factory's logs to resource-specific tables
    (ADFPipelineRun, ADFActivityRun: "Monitor Azure Data Factory", "Configure diagnostic settings and a
    workspace"). The Databricks workspace's settings offer `allLogs` too (MicrosoftDocs/azure-docs #87073); it has no
    platform metrics, so its setting sends logs only."""
    workspace_id = named(dev, "log-analytics").id
    settings = {r.name.removeprefix("adf-databricks-"): r.inputs for r in of_type(dev, SETTING)}
    assert set(settings) == {"workspace-diagnostics", "data-factory-diagnostics", "key-vault-diagnostics"}
    for role, inputs in settings.items():
        assert inputs["workspaceId"] == workspace_id
        assert inputs["logs"] == [{"categoryGroup": "allLogs", "enabled": True}]
        assert inputs["resourceUri"] == named(dev, role.removesuffix("-diagnostics")).id
        assert ("metrics" in inputs) is (role != "workspace-diagnostics")
    assert settings["data-factory-diagnostics"]["logAnalyticsDestinationType"] == "Dedicated"


def test_settings_are_deleted_by_their_own_call_and_first_when_replaced(dev: Plan) -> None:
    """`diagnostic-settings-orphaned` (Azure keeps them when their resource goes) and `fixed-name-delete-first`."""
    for setting in of_type(dev, SETTING):
        assert (setting.deleted_with, setting.delete_before_replace) == ("", True)


def test_retention_is_set_on_the_log_analytics_workspace(dev: Plan) -> None:
    """`diagnostic-settings-orphaned`: diagnostic-setting retention policies are retired; retention is the
    workspace's (`retentionInDays`, PerGB2018: 30-730)."""
    workspace = named(dev, "log-analytics").inputs
    assert (workspace["sku"], workspace["retentionInDays"]) == ({"name": "PerGB2018"}, 30)
    assert all("retentionPolicy" not in str(r.inputs) for r in of_type(dev, SETTING))


def test_a_standard_workspace_gets_no_diagnostic_setting_and_a_warning(plan_for: PlanFor) -> None:
    """Azure Databricks "Diagnostic log reference" and MicrosoftDocs/azure-docs #75274: diagnostic logging is
    "available only in Azure Databricks Premium plan"."""
    plan = plan_for("dev", operations=DEV_OPERATIONS, workspace={"sku": "standard"})
    assert any("operations.diagnostics: the workspace's diagnostic logs need sku premium" in w for w in plan.warnings)
    assert {r.name for r in of_type(plan, SETTING)} == {
        "adf-databricks-data-factory-diagnostics",
        "adf-databricks-key-vault-diagnostics",
    }


def test_an_existing_log_analytics_workspace_is_used_as_given(plan_for: PlanFor) -> None:
    given = "/subscriptions/s/resourceGroups/ops/providers/Microsoft.OperationalInsights/workspaces/central"
    plan = plan_for("dev", operations={"diagnostics": True, "logAnalytics": {"workspaceId": given}})
    assert not of_type(plan, LOG_ANALYTICS)
    assert {r.inputs["workspaceId"] for r in of_type(plan, SETTING)} == {given}


def _criterion(alert: ResourceRecord) -> dict[str, Any]:
    criteria = alert.inputs["criteria"]
    assert criteria["odataType"] == "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria"
    (criterion,) = criteria["allOf"]
    return dict(criterion)


def test_failed_runs_alert_any_pipeline_and_the_smoke_pipeline_by_name(dev: Plan) -> None:
    """learn.microsoft.com, "Supported metrics for Microsoft.DataFactory/factories": `PipelineFailedRuns`, dimensions
    `FailureType` and `Name` (the pipeline). A metric alert reads platform metrics: no Log Analytics involved."""
    factory, group = named(dev, "data-factory"), named(dev, "action-group")
    any_run, smoke = named(dev, "failed-runs-alert"), named(dev, "smoke-failed-alert")
    for alert in (any_run, smoke):
        assert alert.inputs["scopes"] == [factory.id]
        assert alert.inputs["actions"] == [{"actionGroupId": group.id}]
        criterion = _criterion(alert)
        assert (criterion["metricName"], criterion["operator"], criterion["threshold"]) == (
            "PipelineFailedRuns",
            "GreaterThan",
            0,
        )
    assert "dimensions" not in _criterion(any_run)
    pipeline = named(dev, "smoke-pipeline").inputs["pipelineName"]
    assert _criterion(smoke)["dimensions"] == [{"name": "Name", "operator": "Include", "values": [pipeline]}]


def test_alerts_need_a_receiver(plan_for: PlanFor) -> None:
    plan = plan_for("dev", operations={"diagnostics": True})
    assert not of_type(plan, ALERT) and not of_type(plan, GROUP)


def test_webhook_urls_stay_secret(dev: Plan) -> None:
    """A webhook URL may carry a token: sent as a secret, never in a name or an output."""
    (webhook,) = named(dev, "action-group").inputs["webhookReceivers"]
    assert reveal(webhook["serviceUri"]) == DEV_OPERATIONS["alerts"]["webhooks"][0]  # type: ignore[index]
    assert webhook["serviceUri"] != reveal(webhook["serviceUri"]), "kept as a secret"
    assert "hooks.example.com" not in str(dev.outputs)
    assert len(named(dev, "action-group").inputs["groupShortName"]) <= 12


def test_the_budget_covers_the_stacks_group_and_the_workspaces_managed_group(dev: Plan) -> None:
    """`budget-managed-rg`: cluster VMs bill in the managed resource group; the budget spans both from the
    subscription, filtered on ResourceGroupName (REST model `BudgetComparisonExpression`). Its start is the config's
    month, never the deploy's date; each threshold notifies the action group and the e-mails."""
    budget = named(dev, "budget").inputs
    workspace = named(dev, "workspace").inputs
    assert budget["scope"] == f"/subscriptions/{named(dev, 'resource-group').id.split('/')[2]}"
    assert budget["filter"]["dimensions"] == {
        "name": "ResourceGroupName",
        "operator": "In",
        "values": [workspace["resourceGroupName"], workspace["managedResourceGroupId"].rsplit("/", 1)[-1]],
    }
    assert budget["timePeriod"] == {"startDate": "2027-01-01T00:00:00Z"}
    assert sorted(n["threshold"] for n in budget["notifications"].values()) == [50, 90, 100]
    for notification in budget["notifications"].values():
        assert notification["contactGroups"] == [named(dev, "action-group").id]
        assert notification["contactEmails"] == DEV_OPERATIONS["alerts"]["emails"]  # type: ignore[index]


@pytest.mark.parametrize("stack", [s for s in stack_files() if is_locked(s)])
def test_a_locked_stack_locks_workspace_vault_and_factory(stack: str, plan_for: PlanFor) -> None:
    """`lock-blocks-children`: `CanNotDelete` on the three resources that hold the platform, by their ids."""
    plan = plan_for(stack)
    locks = {r.inputs["scope"]: r for r in of_type(plan, LOCK)}
    assert set(locks) == {named(plan, role).id for role in ("workspace", "key-vault", "data-factory")}
    assert {(r.inputs["level"], r.delete_before_replace) for r in locks.values()} == {("CanNotDelete", True)}
    held = {named(plan, "factory-reads-secrets").urn, named(plan, "key-vault-linked-service").urn}
    held |= {r.urn for r in of_type(plan, SETTING)}
    for lock in locks.values():
        assert held <= set(lock.dependencies), "a lock waits for what it holds, so it is deleted before them"


def test_the_shipped_prod_stack_turns_operations_on() -> None:
    """On in prod: the shipped stack file says so explicitly (the contract's defaults stay off)."""
    prod = operations("prod")
    assert prod["diagnostics"] is True and prod["locks"] is True and prod["alerts"]["emails"]


@pytest.mark.parametrize("stack", [s for s in stack_files() if is_locked(s)])
def test_the_preview_of_a_locked_stack_names_what_the_locks_hold(stack: str, plan_for: PlanFor) -> None:
    """`lock-blocks-children`: the children, role assignments and diagnostic settings of a locked resource cannot be
    deleted, nor replaced delete-first, while the lock is on; the preview names each, and how to lift the locks."""
    plan = plan_for(stack)
    shown = "\n".join(locks.lines(plan))
    assert "operations.locks: false" in shown
    for record in plan.resources:
        under = [s for s in locks.locked_scopes(plan) if record.id.lower().startswith(f"{s.lower()}/")]
        if under and record.type not in (LOCK, "azure-native:keyvault:Secret"):
            assert f"    {record.name} (" in shown, record.name
    assert "factory-reads-secrets (RoleAssignment, replaced delete-first)" in shown
    assert "data-factory-diagnostics (DiagnosticSetting, replaced delete-first)" in shown
    assert "key-vault-lock" not in shown


def test_a_change_that_deletes_under_a_lock_is_flagged(plan_for: PlanFor) -> None:
    """What a report of a change to a locked stack says (`lock-blocks-children`): auth managedIdentity deletes the
    vault's role assignment and the Key Vault linked service; in a private stack also the factory's managed endpoint
    to the vault (a factory child, whose connection is the vault's). The token (not an ARM resource) is not the
    lock's."""
    deployed = plan_for("prod")
    switched = {r.name for r in plan_for("prod", auth="managedIdentity").resources}
    gone = [r for r in deployed.resources if r.name not in switched]
    flagged = locks.blocked(locks.locked_scopes(deployed), gone, [])
    managed_endpoint = [r.name for r in gone if r.type == "azure-native:datafactory:ManagedPrivateEndpoint"]
    assert sorted(m.split(":")[0] for m in flagged) == sorted(
        ["adf-databricks-factory-reads-secrets", "adf-databricks-key-vault-linked-service", *managed_endpoint]
    )


def test_a_protected_stack_without_receivers_is_warned_about(plan_for: PlanFor) -> None:
    """Alerts that reach a person: a prod (protected) stack with no receiver says so in every preview and up."""
    warned = plan_for("prod", operations={"diagnostics": True}).warnings
    assert any("operations.alerts: no alert receivers" in w for w in warned)
    assert not any("operations.alerts" in w for w in plan_for("prod").warnings)
    assert not any("operations.alerts" in w for w in plan_for("dev").warnings), "dev is not protected"


# --- Bad input: every problem of the section at once, each naming its key and what is allowed.

BASE = {
    "clusterMode": "newJobCluster",
    "jobCluster": {"sparkVersion": "16.4.x-scala2.12", "nodeType": "D", "workers": "2"},
}
SECRET_URL = "http://hooks.example.com/token-abc123"


def problems(operations_section: dict[str, Any]) -> list[str]:
    try:
        load_settings(
            {**BASE, "operations": operations_section}, project="adf-databricks", stack="dev", location="westeurope"
        )
    except ConfigError as error:
        assert error.stack == "dev"
        return error.problems
    return []


def test_every_operations_problem_is_reported_at_once_naming_its_key() -> None:
    found = problems(
        {
            "diagnostics": "yes",
            "logAnalytics": {"retentionDays": 7, "workspaceId": "central"},
            "alerts": {"emails": ["oncall.example.com"], "webhooks": [SECRET_URL]},
            "budget": {"thresholds": [0, 80, 80], "startMonth": "2017-05"},
            "lock": True,
        }
    )
    by_key = {p.split(": ", 1)[0].removeprefix("adf-databricks:operations."): p for p in found}
    assert sorted(by_key) == [
        "alerts.emails[0]",
        "alerts.webhooks[0]",
        "budget.amount",
        "budget.startMonth",
        "budget.thresholds",
        "diagnostics",
        "lock",
        "logAnalytics.retentionDays",
        "logAnalytics.workspaceId",
    ]
    assert len(found) == len(by_key)
    assert "did you mean locks?" in by_key["lock"]
    assert "30 to 730" in by_key["logAnalytics.retentionDays"]
    assert not any("token-abc123" in p for p in found), "a webhook URL may carry a token: never shown"


@pytest.mark.parametrize(
    ("thresholds", "ok"),
    [
        ([1], True),
        ([1000], True),
        ([50, 80, 90, 100, 120], True),
        ([0], False),
        ([1001], False),
        ([], False),
        ([10, 20, 30, 40, 50, 60], False),
        ([80, 80], False),
        (["80"], True),
        ("80", False),
    ],
)
def test_budget_thresholds_are_up_to_five_distinct_percentages_azure_accepts(thresholds: Any, ok: bool) -> None:
    """Budgets REST model `Notification.threshold`: percent, 0.01-1000; at most five notifications per budget."""
    found = problems({"budget": {"amount": 10, "startMonth": "2027-01", "thresholds": thresholds}})
    assert (found == []) is ok, found


@pytest.mark.parametrize(
    ("month", "ok"),
    [
        ("2027-01", True),
        ("2017-06", True),
        ("2017-05", False),
        ("2027-1", False),
        ("2027-13", False),
        ("2027-01-01", False),
        (202701, False),
    ],
)
def test_the_budget_starts_on_a_month_written_out(month: Any, ok: bool) -> None:
    """`BudgetTimePeriod.startDate`: the first of a month, on or after June 2017; written in config, never derived."""
    assert (problems({"budget": {"amount": 10, "startMonth": month}}) == []) is ok


def test_a_webhook_must_be_https() -> None:
    assert problems({"alerts": {"webhooks": ["https://hooks.example.com/x"]}}) == []
    assert problems({"alerts": {"webhooks": "https://hooks.example.com/x"}}) == [
        "adf-databricks:operations.alerts.webhooks: must be a list of https:// URLs"
    ]


def test_the_change_report_flags_what_a_kept_lock_would_refuse(plan_for: PlanFor) -> None:
    """`lock-blocks-children`, in the change report: switching a locked stack's auth deletes the vault's role
    assignment and the Key Vault linked service under the locks it keeps, which the real `up` would stop on; the
    same change with the locks lifted in it deletes the locks first (each waits for what it holds), so nothing is
    flagged."""
    deployed = plan_for("prod")
    switched = compare(deployed, plan_for("prod", auth="managedIdentity"), "main")
    flagged = [message.split(":")[0] for message in switched.locked]
    assert {"adf-databricks-factory-reads-secrets", "adf-databricks-key-vault-linked-service"} <= set(flagged)
    assert all("ScopeLocked" in message and "operations.locks: false" in message for message in switched.locked)
    assert "DELETE LOCKS" in change_render.text(switched)
    assert "**Delete locks**" in change_render.markdown(switched)
    unlocked = plan_for("prod", auth="managedIdentity", operations={**operations("prod"), "locks": False})
    assert compare(deployed, unlocked, "main").locked == []
