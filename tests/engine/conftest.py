"""The engine tier runs when asked for: `python -m pytest tests/engine`, or with ADF_ENGINE_REQUIRED=1
(tests/conftest.py `pytest_ignore_collect` leaves it out otherwise). Asked for, each test needs the tools
(`.ci/engine-tools`): without them it skips, or fails when ADF_ENGINE_REQUIRED=1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.harness import Engine, require_tools


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return Engine(tmp_path, require_tools())
