"""`CanNotDelete` locks on the resources that hold the platform: the workspace, the Key Vault and the factory.

A lock stops what Pulumi's `protect` cannot: a delete from the portal, the CLI or another tool. It also blocks
deleting the locked resource's child resources, the role assignments scoped to it and its diagnostic settings
(lifecycle row `lock-blocks-children`): a change that deletes one of those, or replaces it delete-first, fails
with `ScopeLocked` until the lock is lifted (`operations.locks: false`, `up`; then the change; then the locks
back). Creating and deleting locks needs `Microsoft.Authorization/locks/*`: Owner or User Access Administrator
(learn.microsoft.com, "Lock your resources to protect your infrastructure").
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import authorization

from .scope import Scope

LOCK_NAME = "do-not-delete"
LEVEL = "CanNotDelete"


def delete_locks(
    scope: Scope, locked: dict[str, pulumi.CustomResource], held: list[pulumi.Resource]
) -> list[authorization.ManagementLockByScope]:
    """One lock per resource, by role (`<name>-<role>-lock`); fixed names, so a replacement deletes first.

    Each lock depends on what it holds (`held`): in an `up` that turns locks on while it replaces a held resource
    delete-first, the lock comes after the replacement; in one that turns them off while it deletes a held
    resource, Pulumi deletes the lock (the dependent) first.
    """
    return [
        authorization.ManagementLockByScope(
            f"{scope.name}-{role}-lock",
            lock_name=LOCK_NAME,
            scope=resource.id,
            level=LEVEL,
            notes=f"adf-databricks stack {scope.settings.stack}: set operations.locks to false and run up to lift.",
            opts=pulumi.ResourceOptions.merge(
                scope.child, pulumi.ResourceOptions(delete_before_replace=True, depends_on=held)
            ),
        )
        for role, resource in locked.items()
    ]
