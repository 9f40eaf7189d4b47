"""What every child of one platform shares: where it goes, and the resource options it is registered with.

The builders (workspace, compute, factory, token_store, smoke_pipeline, data_flow_runtime) take a `Scope` and
their own spec; the option presets below are the only place that says how a child relates to the component and
to the resource it goes with.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pulumi

from .naming import ResourceNames, derive_names
from .settings import PlatformSettings

if TYPE_CHECKING:
    from pulumi_azure_native import resources
    from pulumi_azure_native.authorization import GetClientConfigResult

    from .workspace import Workspace


@dataclass(frozen=True)
class Scope:
    """One platform's children: their parent, names, place, and the identity that deploys them."""

    component: pulumi.ComponentResource
    name: str
    """The component's logical name: every child's is `<name>-<role>`."""
    settings: PlatformSettings
    names: ResourceNames
    tags: dict[str, str]
    """Every Azure resource's tags."""
    subscription_id: str
    tenant_id: str
    deployer: str
    """The deploying identity's object id."""
    resource_group: pulumi.Input[str]
    """The group's name; through the group resource where the platform creates it, so children wait for it."""

    @classmethod
    def of(
        cls, component: pulumi.ComponentResource, name: str, settings: PlatformSettings, client: GetClientConfigResult
    ) -> Scope:
        """In the stack's existing group, or (until `in_group`) the name of the group the platform creates."""
        names = derive_names(settings.project, settings.stack, client.subscription_id, settings.names)
        return cls(
            component,
            name,
            settings,
            names,
            settings.azure_tags,
            client.subscription_id,
            client.tenant_id,
            client.object_id,
            settings.existing_resource_group_name or names.resource_group,
        )

    def in_group(self, group: resources.ResourceGroup) -> Scope:
        """The same scope, its children placed in (and waiting for) the group the platform created."""
        return dataclasses.replace(self, resource_group=group.name)

    @property
    def child(self) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self.component)

    @property
    def stateful(self) -> pulumi.ResourceOptions:
        """`protect` where the stack asks for it: the resources that hold data or state."""
        return pulumi.ResourceOptions(parent=self.component, protect=self.settings.protect)

    def goes_with(self, owner: pulumi.Resource) -> pulumi.ResourceOptions:
        """A child whose owner's delete takes it along: in stacks that are not protected, its own delete is skipped.

        The engine skips a child's delete when its `deleted_with` resource is deleted in the same operation. In a
        protected stack a stray `destroy` deletes what is unprotected and then stops at the protected owner: the
        skipped children would be gone from state while they still exist, and the next `up` would meet them
        ("cannot create already existing resource", lifecycle row `azure-native-no-adopt`). There each child's
        delete is its own call, so state stays whole (shown through the real engine: tests/engine/scenarios.py,
        protected prod destroy).
        """
        return pulumi.ResourceOptions(parent=self.component, deleted_with=None if self.settings.protect else owner)

    def in_factory(self, adf: pulumi.Resource) -> pulumi.ResourceOptions:
        """An ADF object: it goes with its factory (the factory's ARM delete), and, its name being fixed, a
        replacement deletes it first (lifecycle row `fixed-name-delete-first`)."""
        return pulumi.ResourceOptions.merge(self.goes_with(adf), pulumi.ResourceOptions(delete_before_replace=True))

    def on_workspace(self, workspace: Workspace) -> pulumi.ResourceOptions:
        """A Databricks object: made through the workspace's own provider, and gone with the workspace (a destroy
        needs no call to the workspace's API)."""
        return pulumi.ResourceOptions.merge(
            self.goes_with(workspace.resource), pulumi.ResourceOptions(provider=workspace.provider)
        )
