"""The component installs as a package and another program can use it with typed settings."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tomllib
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

from components.offline.project import load_project, stack_config
from components.offline.run import run_program


@dataclass(frozen=True)
class FreshVenv:
    python: Path
    site_packages: Path


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory, project_dir: Path) -> FreshVenv:
    """A new virtualenv with this project pip-installed into it.

    Its dependencies (the SDKs, ~500 MB) are not downloaded again: a .pth file lends it the test run's
    site-packages, which sit after the venv's own, so `components` can only come from the installed package.
    """
    root = tmp_path_factory.mktemp("venv")
    venv.create(root, with_pip=False)
    python = root / "bin" / "python"
    site_packages = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site_packages / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            ".",
        ],
        cwd=project_dir,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return FreshVenv(python, site_packages)


def test_package_ships_the_component_its_types_and_specs(fresh_venv: FreshVenv) -> None:
    installed = fresh_venv.site_packages / "components"
    assert (installed / "platform.py").is_file()
    assert (installed / "py.typed").is_file()
    assert (installed / "offline" / "specs" / "adf-linked-services.schema.json").is_file()


def test_the_installed_package_reports_its_version(fresh_venv: FreshVenv, project_dir: Path) -> None:
    declared = tomllib.loads((project_dir / "pyproject.toml").read_text())["project"]["version"]
    script = "import importlib.metadata as m, components; print(m.version('adf-databricks'), components.__version__)"
    result = subprocess.run([fresh_venv.python, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == [declared, declared]


def test_the_example_program_runs_on_the_installed_package(
    fresh_venv: FreshVenv, project_dir: Path, tmp_path: Path
) -> None:
    script = (
        "import json, components;"
        f"assert components.__file__.startswith({str(fresh_venv.site_packages)!r}), components.__file__;"
        "from pathlib import Path;"
        "from components.offline.project import load_project, stack_config;"
        "from components.offline.run import run_program;"
        f"p = load_project(Path({str(project_dir / 'examples' / 'consumer')!r}));"
        "plan = run_program(p, 'staging', stack_config(p, 'staging'));"
        "print(json.dumps({k: o.value for k, o in plan.outputs.items()}))"
    )
    # Run from an empty folder, so that nothing but the installed package can provide `components`.
    result = subprocess.run(
        [fresh_venv.python, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
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
