"""Two stack files whose Azure names collide: what no single stack's program can see.

Names derive from the project and the stack name (components/naming.py: lowercase, every run of other characters
one dash), so `Feature_Branch.123` and `feature-branch-123` both want `rg-adf-databricks-feature-branch-123`; the
second `pulumi up` would then adopt or fail on the first stack's resource group and workspace. Name overrides
(`names.*`) can collide the same way. Checked over every file in the stack folder by the test suite (which CI runs
before any preview or deploy).
"""

from __future__ import annotations

from components import naming
from components.config import ConfigError, load_settings
from components.offline.mocks import OFFLINE_SUBSCRIPTION_ID
from components.offline.project import Project, read_stack
from components.settings import NameOverrides


def claimed_names(project: Project, stack: str, subscription_id: str = OFFLINE_SUBSCRIPTION_ID) -> dict[str, str]:
    """What Azure name of each kind the stack's first `pulumi up` would claim (kind → name)."""
    prefix = f"{project.name}:"
    values = read_stack(project, stack).values
    raw = {key.removeprefix(prefix): value for key, value in values.items() if key.startswith(prefix)}
    try:
        settings = load_settings(raw, project=project.name, stack=stack, location="westeurope")
        overrides = settings.names
        # A stack file holds plain text; only a program can wire an Output here.
        existing = (
            settings.existing_resource_group_name if isinstance(settings.existing_resource_group_name, str) else None
        )
    except ConfigError:  # a stack with bad config is reported by its own preview; its default names still count
        overrides, existing = NameOverrides(), None
    names = naming.derive_names(project.name, stack, subscription_id, overrides)
    group = existing or names.resource_group
    claims = {
        "workspace": f"{group}/{names.workspace}",  # unique within its resource group
        "managed resource group": names.managed_resource_group,
        "Key Vault": names.key_vault,
        "Data Factory": names.data_factory,
    }
    if not existing:  # stacks may share an existing group on purpose; a created one belongs to one stack
        claims["resource group"] = group
    return claims


def name_collisions(project: Project, subscription_id: str = OFFLINE_SUBSCRIPTION_ID) -> list[str]:
    """Every pair of stack files that would claim the same Azure name (Azure names are case-insensitive)."""
    owner: dict[tuple[str, str], str] = {}
    found: list[str] = []
    for stack in project.stacks():
        for kind, name in claimed_names(project, stack, subscription_id).items():
            first = owner.setdefault((kind, name.lower()), stack)
            if first != stack:
                found.append(
                    f"stacks '{first}' and '{stack}' would both use the {kind} {name}: rename one stack file so the "
                    "names differ in more than case and punctuation, or set names.* in one of them"
                )
    return found
