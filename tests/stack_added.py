"""A pytest plugin: `ADF_STACK_ADDED=<name> python -m pytest -p stack_added` runs only the tests that cover that
stack — each test parametrized with it (a stack name, or a scenario on that stack) and each test that reads every
stack file at once — so that a copy of the project with one stack file added proves, in seconds, that the new
file is covered and turns nothing red (tests/test_preview.py)."""

from __future__ import annotations

import os

import pytest

READ_EVERY_STACK_AT_ONCE = frozenset(
    {
        "test_an_unknown_stack_names_the_stacks_there_are",
        "test_no_two_stack_files_claim_the_same_azure_names",
        "test_the_catalogue_covers_every_stack_file",
        "test_the_stack_listing_names_every_stack_file",
        "test_rotation_targets_the_rotation_chain_of_every_token_stack",
        "test_the_schedule_fits_inside_every_stacks_rotation_window",
    }
)


def covers(item: pytest.Item, stack: str) -> bool:
    callspec = getattr(item, "callspec", None)
    values = callspec.params.values() if callspec is not None else ()
    return any(value == stack or getattr(value, "stack", None) == stack for value in values)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    stack = os.environ["ADF_STACK_ADDED"]
    kept = [item for item in items if covers(item, stack) or item.originalname in READ_EVERY_STACK_AT_ONCE]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept
