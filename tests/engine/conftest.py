"""The engine tier runs when asked for: `python -m pytest tests/engine`, or with ADF_ENGINE_REQUIRED=1.

A plain `python -m pytest` (the README's command, CI's first step) leaves it out: one engine scenario takes
tens of seconds on 2 cores, and that run is the fast offline loop. Asked for, each test needs the tools
(`.ci/engine-tools`): without them it skips, or fails when ADF_ENGINE_REQUIRED=1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.engine.harness import Engine, require_tools

HERE = Path(__file__).resolve().parent


def _asked_for(config: pytest.Config) -> bool:
    if os.environ.get("ADF_ENGINE_REQUIRED") == "1":
        return True
    for arg in config.args:
        path = Path(arg.split("::", 1)[0]).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _asked_for(config):
        return
    engine = [item for item in items if HERE in Path(str(item.fspath)).resolve().parents]
    if engine:
        config.hook.pytest_deselected(items=engine)
        items[:] = [item for item in items if item not in engine]


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return Engine(tmp_path, require_tools())
