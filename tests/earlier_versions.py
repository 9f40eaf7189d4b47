"""The program as earlier releases ran it, for scenarios that start from a stack such a release deployed.

Each variant changes one thing for the length of a run (a context manager) and leaves the rest of today's program
as it is, so the next step of a scenario, run with today's program, shows exactly what upgrading does to such a
stack. Both tiers use them: `tests/test_lifecycle.py` around the mock runtime, `tests/engine/drive.py` around an
inline program the real CLI runs. A variant stands in a release's code; it is not a branch of the program.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import pulumi

from components import access

OLD_TYPE_TOKEN = "adf-databricks:platform:AdfDatabricks"


def earlier_role_name(scope: str, principal_id: str, role_definition: str) -> str:
    """How releases before the fix of `role-assignment-name-tenant-unique` named a role assignment: a GUID of
    project, stack, which identity (the user-assigned one or the factory's own) and the role's name. Neither the
    scope nor the principal took part, so the same project and stack in two subscriptions of one tenant got the
    same name."""
    role = access.BuiltInRole(role_definition.rsplit("/", 1)[-1])
    identity = pulumi.Config().get_object("managedIdentity") or {}
    grantee = "uami" if identity.get("userAssigned") is True else "factory"
    key = f"{pulumi.get_project()}/{pulumi.get_stack()}/{grantee}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{key}/{role.name}"))


@contextmanager
def earlier_role_names() -> Iterator[None]:
    """Role assignments named as before the fix (`earlier_role_name`); everything else as today."""
    today = access.assignment_name
    access.assignment_name = earlier_role_name
    try:
        yield
    finally:
        access.assignment_name = today


@contextmanager
def old_type_token() -> Iterator[None]:
    """The component registered under its type token from before issue 14, without the alias that maps it:
    every child and every input is what such a stack holds; only the component's type differs."""
    init = pulumi.ComponentResource.__init__

    def registering_old_token(
        self: pulumi.ComponentResource,
        t: str,
        name: str,
        props: Any = None,
        opts: pulumi.ResourceOptions | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        if t.endswith(":AdfDatabricks"):
            t = OLD_TYPE_TOKEN
            opts = copy.copy(opts) if opts else None
            if opts:
                opts.aliases = None
        init(self, t, name, props, opts, *args, **kwargs)

    pulumi.ComponentResource.__init__ = registering_old_token  # type: ignore[method-assign]
    try:
        yield
    finally:
        pulumi.ComponentResource.__init__ = init  # type: ignore[method-assign]


VARIANTS: dict[str, Callable[[], AbstractContextManager[None]]] = {
    "real": nullcontext,
    "old-type-token": old_type_token,
    "earlier-role-names": earlier_role_names,
}
"""By the name a scenario step gives as its `program`."""
