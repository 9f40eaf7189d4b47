"""`python -m components.preview <stack>`: what a newcomer runs first."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from components.preview import main


def preview(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command as a newcomer types it, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "components.preview", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def preview_here(*args: str) -> subprocess.CompletedProcess[str]:
    """The same entry point in this process: no second start-up of the SDKs for every option tested."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(["components.preview", *args], code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def dev_text(project_dir: Path) -> str:
    result = preview("dev", cwd=project_dir)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_dev_preview_shows_the_resource_tree(dev_text: str) -> None:
    for line in (
        "pulumi:pulumi:Stack",
        "└─ adf-databricks:index:AdfDatabricks",
        "azure-native:databricks:Workspace",
        "databricks:index/cluster:Cluster",
        "azure-native:datafactory:LinkedService",
    ):
        assert line in dev_text


def test_dev_preview_shows_key_inputs_and_outputs(dev_text: str) -> None:
    assert "properties.existingClusterId:" in dev_text
    assert "autoterminationMinutes: 30" in dev_text
    assert "linkedServiceName: AzureDatabricks" in dev_text
    assert "clusterMode: existingCluster" in dev_text


def test_prod_preview_as_json_lists_protected_stateful_resources() -> None:
    result = preview_here("prod", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    protected = {r["type"] for r in plan["resources"] if r["protect"]}
    assert protected == {
        "azure-native:resources:ResourceGroup",
        "azure-native:databricks:Workspace",
        "azure-native:keyvault:Vault",
        "azure-native:datafactory:Factory",
    }
    assert plan["outputs"]["clusterMode"] == "newJobCluster"
    assert "clusterId" not in plan["outputs"]


def test_adf_format_prints_the_code_view_of_each_linked_service() -> None:
    result = preview_here("prod", "--format", "adf")
    assert result.returncode == 0, result.stderr
    services = {s["name"]: s for s in json.loads(result.stdout)}
    databricks = services["AzureDatabricks"]["properties"]
    assert databricks["type"] == "AzureDatabricks"
    assert databricks["typeProperties"]["newClusterNumOfWorker"] == "2:8"
    assert databricks["typeProperties"]["accessToken"]["type"] == "AzureKeyVaultSecret"
    assert databricks["annotations"] == ["prod", "dataflows"]
    assert services["AzureKeyVault"]["properties"]["typeProperties"]["baseUrl"].startswith("https://")


def test_set_overrides_a_stack_value_like_pulumi_config_set() -> None:
    result = preview_here("dev", "--set", "adf-databricks:workspace={sku: standard}", "--json")
    assert result.returncode == 0, result.stderr
    workspace = next(r for r in json.loads(result.stdout)["resources"] if r["type"].endswith("Workspace"))
    assert workspace["inputs"]["sku"] == {"name": "standard"}


def test_a_new_stack_file_previews_without_code_changes(tmp_path: Path, project_dir: Path) -> None:
    stack = {
        "config": {
            "azure-native:location": "northeurope",
            "adf-databricks:clusterMode": "instancePool",
            "adf-databricks:instancePool": {
                "sparkVersion": "15.4.x-scala2.12",
                "nodeType": "Standard_DS3_v2",
                "workers": 2,
            },
        }
    }
    project = copy_project(tmp_path, project_dir)
    (project / "stacks" / "Pulumi.test.yaml").write_text(yaml.safe_dump(stack))
    result = preview_here("test", "--project-dir", str(project))
    assert result.returncode == 0, result.stderr
    assert "databricks:index/instancePool:InstancePool" in result.stdout
    assert "location: northeurope" in result.stdout


def test_a_bad_stack_file_prints_the_validation_error_and_fails(tmp_path: Path, project_dir: Path) -> None:
    stack = {
        "config": {
            "azure-native:location": "westeurope",
            "adf-databricks:clusterMode": "newJobCluster",
            "adf-databricks:jobCluster": {"sparkVersion": "15.4.x-scala2.12", "nodeType": "n", "workers": "0"},
        }
    }
    project = copy_project(tmp_path, project_dir)
    (project / "stacks" / "Pulumi.broken.yaml").write_text(yaml.safe_dump(stack))
    result = preview("broken", "--project-dir", str(project), cwd=project_dir)
    assert result.returncode == 1
    assert "Stack 'broken'" in result.stderr
    assert "adf-databricks:jobCluster.workers" in result.stderr
    assert result.stdout == ""


def test_an_unknown_stack_names_the_stacks_there_are() -> None:
    result = preview_here("staging")
    assert result.returncode == 1
    assert "stacks: dev, prod" in result.stderr


def copy_project(tmp_path: Path, project_dir: Path) -> Path:
    target = tmp_path / "project"
    target.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(project_dir / name, target / name)
    shutil.copytree(project_dir / "stacks", target / "stacks")
    return target
