"""The product installs as the package `adf_databricks`: the component and its contract, nothing of the offline
tooling, and another program can use it from a folder of its own."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import components


@dataclass(frozen=True)
class FreshVenv:
    python: Path
    package: Path
    """Where `adf_databricks` was installed."""


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory, project_dir: Path) -> FreshVenv:
    """A new virtualenv with this project pip-installed into it, as `pip install adf-databricks@git+…` would.

    Its dependencies (the SDKs, ~500 MB) are not downloaded again: a .pth file lends it the test run's
    site-packages, which sit after the venv's own, so `adf_databricks` can only come from the installed wheel.
    """
    root = tmp_path_factory.mktemp("venv")
    venv.create(root, with_pip=False)
    python = root / "bin" / "python"
    query = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site_packages = Path(
        subprocess.run([python, "-c", query], check=True, capture_output=True, text=True).stdout.strip()
    )
    (site_packages / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    install = [
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "-q",
        "--no-deps",
        "--no-build-isolation",
    ]
    subprocess.run([*install, "."], cwd=project_dir, check=True, capture_output=True, timeout=300)
    return FreshVenv(python, site_packages / "adf_databricks")


def test_the_wheel_holds_the_component_and_its_contract(fresh_venv: FreshVenv) -> None:
    shipped = {p.name for p in fresh_venv.package.iterdir() if p.name != "__pycache__"}
    assert {"__init__.py", "platform.py", "args.py", "contract.py", "config.py", "py.typed"} <= shipped
    assert (fresh_venv.package / "notebooks" / "smoke.py").is_file(), "the smoke notebook the stack deploys"


def test_the_wheel_carries_no_offline_tooling(fresh_venv: FreshVenv) -> None:
    """The preview, its emulation of the CLI and engine, the specs, the plugin host and the generator stay in the
    checkout: users install the product, not our test equipment."""
    shipped = {p.relative_to(fresh_venv.package).as_posix() for p in fresh_venv.package.rglob("*")}
    assert not {"offline", "preview.py", "generate.py", "plugin"} & shipped
    assert not [p for p in shipped if p.endswith((".json", ".md"))]
    assert not (fresh_venv.package.parent / "components").exists()


@pytest.fixture(scope="module")
def consumer_seen(fresh_venv: FreshVenv, project_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """examples/consumer previewed in the fresh virtualenv, which imports `adf_databricks` from the installed wheel;
    the checkout lends only the offline runtime that previews it. One process (the SDKs load once) reports what
    the installed package says of itself and what the example's plan holds."""
    script = f"""
import importlib.metadata, json, sys
sys.path.append({str(project_dir)!r})
from components.offline.project import load_project, stack_config
from components.offline.run import run_program
import adf_databricks
project = load_project(__import__("pathlib").Path({str(project_dir / "examples" / "consumer")!r}))
plan = run_program(project, "staging", stack_config(project, "staging"))
link = plan.one("azure-native:datafactory:LinkedService").inputs["properties"]
print(json.dumps({{
    "file": adf_databricks.__file__,
    "versions": [importlib.metadata.version("adf-databricks"), adf_databricks.__version__],
    "outputs": {{k: o.value for k, o in plan.outputs.items()}},
    "authentication": link["authentication"],
    "workers": link["newClusterNumOfWorker"],
    "location": plan.one("azure-native:databricks:Workspace").inputs["location"],
}}))
"""
    # Run from an empty folder, so that nothing but the installed package can provide `adf_databricks`.
    result = subprocess.run(
        [fresh_venv.python, "-c", script],
        cwd=tmp_path_factory.mktemp("empty"),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return seen


def test_the_installed_package_reports_the_one_version(fresh_venv: FreshVenv, consumer_seen: dict[str, Any]) -> None:
    """components/__init__.py is the one version source: the wheel's metadata and the module agree with it."""
    assert consumer_seen["file"].startswith(str(fresh_venv.package))
    assert consumer_seen["versions"] == [components.__version__, components.__version__]


def test_the_example_program_runs_on_the_installed_package(consumer_seen: dict[str, Any]) -> None:
    """examples/consumer imports `adf_databricks` and previews as its stack file says."""
    assert consumer_seen["outputs"]["linkedServiceName"] == "AzureDatabricks"
    assert (consumer_seen["authentication"], consumer_seen["workers"], consumer_seen["location"]) == (
        "MSI",
        "1:4",
        "northeurope",
    )
