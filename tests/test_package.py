"""The product installs as the package `adf_databricks`: the component and its contract, nothing of the offline
tooling. Another program using it from a folder of its own: tests/test_preview.py, `component_package`."""

from __future__ import annotations

import importlib
from importlib.metadata import Distribution
from pathlib import Path

import pytest
from support import installed_as_package

import components
from components.offline.run import INSTALLED_NAME


@pytest.fixture(scope="module")
def package(installed_wheel: Path) -> Path:
    """Where `adf_databricks` was installed (conftest: the wheel pyproject.toml builds, unpacked)."""
    return installed_wheel / INSTALLED_NAME


def test_the_wheel_holds_the_component_and_its_contract(package: Path) -> None:
    shipped = {p.name for p in package.iterdir() if p.name != "__pycache__"}
    assert {"__init__.py", "platform.py", "args.py", "contract.py", "config.py", "py.typed"} <= shipped
    assert (package / "notebooks" / "smoke.py").is_file(), "the smoke notebook the stack deploys"


def test_the_wheel_carries_no_offline_tooling(package: Path) -> None:
    """The preview, its emulation of the CLI and engine, the specs, the plugin host and the generator stay in the
    checkout: users install the product, not our test equipment."""
    shipped = {p.relative_to(package).as_posix() for p in package.rglob("*")}
    assert not {"offline", "preview.py", "generate.py", "plugin"} & shipped
    assert not [p for p in shipped if p.endswith((".json", ".md"))]
    assert not (package.parent / "components").exists()


def test_the_installed_package_reports_the_one_version(installed_wheel: Path) -> None:
    """components/__init__.py is the one version source: the wheel's metadata and the module agree with it."""
    (metadata,) = installed_wheel.glob("adf_databricks-*.dist-info")
    with installed_as_package(installed_wheel):
        installed = importlib.import_module(INSTALLED_NAME)
        assert installed.__file__ == str(installed_wheel / INSTALLED_NAME / "__init__.py")
        assert (Distribution.at(metadata).version, installed.__version__) == (components.__version__,) * 2
