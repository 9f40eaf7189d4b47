"""The component installs as a package and another program can use it with typed settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from components.offline.project import load_project, stack_config
from components.offline.run import run_program


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, project_dir: Path) -> Path:
    """pip-install this project (not its dependencies, already present) into an empty folder."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(project_dir),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


def test_package_ships_the_component_its_types_and_specs(installed: Path) -> None:
    assert (installed / "components" / "platform.py").is_file()
    assert (installed / "components" / "py.typed").is_file()
    assert (installed / "components" / "offline" / "specs" / "adf-linked-services.schema.json").is_file()


def test_the_example_program_runs_on_the_installed_package(installed: Path, project_dir: Path) -> None:
    script = (
        "import sys, json;"
        f"sys.path.insert(0, {str(installed)!r});"
        "import components;"
        f"assert components.__file__.startswith({str(installed)!r}), components.__file__;"
        "from pathlib import Path;"
        "from components.offline.project import load_project, stack_config;"
        "from components.offline.run import run_program;"
        f"p = load_project(Path({str(project_dir / 'examples' / 'consumer')!r}));"
        "plan = run_program(p, 'staging', stack_config(p, 'staging'));"
        "print(json.dumps({k: o.value for k, o in plan.outputs.items()}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=installed, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert '"linkedServiceName": "AzureDatabricks"' in result.stdout


def test_the_example_program_builds_the_platform_it_asks_for(project_dir: Path) -> None:
    project = load_project(project_dir / "examples" / "consumer")
    plan = run_program(project, "staging", stack_config(project, "staging"))
    link = plan.one("azure-native:datafactory:LinkedService").inputs["properties"]
    assert link["authentication"] == "MSI"
    assert link["newClusterNumOfWorker"] == "1:4"
    assert plan.one("azure-native:databricks:Workspace").inputs["location"] == "northeurope"
