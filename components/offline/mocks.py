"""Realistic cloud state for the mock runtime: the ids, URLs and identities Azure and Databricks return.

The mocks serve state so dependent inputs resolve; they never decide what a test or preview shows. The
state itself comes from `components.offline.cloud_state`, which the engine tier's stand-in providers
serve too: one fake cloud, two ways in.
"""

from __future__ import annotations

import time
from typing import Any

import pulumi

from components.offline.cloud_state import OFFLINE_SUBSCRIPTION_ID, OFFLINE_TENANT_ID, FakeCloud, NewResource

__all__ = ["OFFLINE_SUBSCRIPTION_ID", "OFFLINE_TENANT_ID", "AzureMocks"]


class AzureMocks(pulumi.runtime.Mocks):
    """Per resource type, the outputs the real provider computes (camelCase, as on the wire)."""

    def __init__(self, subscription_id: str = OFFLINE_SUBSCRIPTION_ID, now: float | None = None) -> None:
        self.subscription_id = subscription_id
        self.now = int(now if now is not None else time.time())
        self.cloud = FakeCloud(subscription_id, self.now)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return self.cloud.invoke(args.token, args.args), []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        return self.cloud.create(NewResource(args.typ, args.name, args.inputs))
