"""How the platform is run: its logs, who is told when a pipeline run fails, what catches a runaway bill, and what
stops a delete. Each is the stack's choice (`operations:`); nothing here exists unless the stack asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import datafactory, keyvault

from . import alerts, budget, diagnostics, locks
from .args import WorkspaceSku
from .scope import Scope
from .settings import OperationsSpec
from .workspace import Workspace


@dataclass(frozen=True)
class Operated:
    """What the operations part looks after."""

    workspace: Workspace
    factory: datafactory.Factory
    vault: keyvault.Vault
    smoke_pipeline: pulumi.Input[str]
    """The smoke pipeline's name: its own failed-run alert."""
    held: tuple[pulumi.Resource, ...] = ()
    """What the locks would hold (lifecycle row `lock-blocks-children`): the factory's children, the role
    assignments on the vault or workspace, the secret. Each lock waits for them."""


def operations(scope: Scope, spec: OperationsSpec, parts: Operated) -> None:
    settings = (
        diagnostics.diagnostic_settings(
            scope, diagnostics.log_analytics_workspace(scope, spec), _diagnosed(scope, parts)
        )
        if spec.diagnostics
        else []
    )
    group = alerts.action_group(scope, spec) if spec.has_receivers else None
    if group is not None:
        alerts.failed_run_alerts(scope, parts.factory, parts.smoke_pipeline, group)
    budget.budget(scope, spec, group)
    if spec.locks:
        locks.delete_locks(
            scope,
            {"workspace": parts.workspace.resource, "key-vault": parts.vault, "data-factory": parts.factory},
            held=[*parts.held, *settings],
        )


def _diagnosed(scope: Scope, parts: Operated) -> list[diagnostics.Target]:
    """The workspace's logs need the premium tier (Azure Databricks "Diagnostic log reference"; MicrosoftDocs/azure-docs
    #75274: "currently available only in Azure Databricks Premium plan"), and its diagnostic settings offer the
    `allLogs` category group (MicrosoftDocs/azure-docs #87073); the factory's logs go to resource-specific tables
    (ADFPipelineRun, ADFActivityRun...: "Monitor Data Factory", Log Analytics)."""
    premium = scope.settings.workspace.sku is WorkspaceSku.PREMIUM
    targets = [diagnostics.Target("workspace", parts.workspace.resource, metrics=False)] if premium else []
    return [
        *targets,
        diagnostics.Target("data-factory", parts.factory, metrics=True, dedicated=True),
        diagnostics.Target("key-vault", parts.vault, metrics=True),
    ]
