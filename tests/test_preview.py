"""`python -m components.preview <stack>`: what a newcomer runs first, in this project or in their own program."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from support import (
    PROJECT_DIR,
    absent_stack,
    code_blocks,
    copy_project,
    doc_section,
    installed_as_package,
    preview_here,
    stacks,
)

from components.offline.adf import CREDENTIAL_TYPE, LINKED_SERVICE_TYPE
from components.offline.network_state import NETWORK_TYPES
from components.offline.run import INSTALLED_NAME
from components.preview import main

CONSUMER = PROJECT_DIR / "examples" / "consumer"


@pytest.fixture(scope="module")
def dev_text(docs_preview_command: subprocess.CompletedProcess[str]) -> str:
    return docs_preview_command.stdout


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


@pytest.mark.parametrize("stack", stacks())
def test_every_stack_file_previews_cleanly(stack: str) -> None:
    """Whatever stack files a user adds to stacks/: each previews, with no problem reported."""
    result = preview_here(stack, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["stack"] == stack


@pytest.fixture(scope="module")
def prod_json() -> str:
    """`python -m components.preview prod --json`, which several tests read."""
    result = preview_here("prod", "--json")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_prod_preview_as_json_lists_protected_stateful_resources(prod_json: str) -> None:
    """prod is private: its network (VNet, subnets, NSG, endpoints, DNS) is protected too, being the deploy's path to
    the protected workspace and vault (components/network.py), and so is the factory's managed virtual network (a
    generic resource with no delete of its own: components/managed_network.py)."""
    plan = json.loads(prod_json)
    protected = {r["type"] for r in plan["resources"] if r["protect"]}
    assert protected == {
        "azure-native:resources:ResourceGroup",
        "azure-native:databricks:Workspace",
        "azure-native:keyvault:Vault",
        "azure-native:datafactory:Factory",
        "azure-native:resources:Resource",
        *NETWORK_TYPES,
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
    assert databricks["annotations"] == ["prod", "databricks-activities"]
    assert services["AzureKeyVault"]["properties"]["typeProperties"]["baseUrl"].startswith("https://")
    assert {s["type"] for s in services.values()} == {"Microsoft.DataFactory/factories/linkedservices"}


def references(value: object) -> set[tuple[str, str]]:
    """Every `{type: ...Reference, referenceName}` inside an ADF object."""
    found: set[tuple[str, str]] = set()
    if isinstance(value, dict):
        if str(value.get("type", "")).endswith("Reference") and "referenceName" in value:
            found.add((value["type"], value["referenceName"]))
        for item in value.values():
            found |= references(item)
    elif isinstance(value, list):
        for item in value:
            found |= references(item)
    return found


@pytest.mark.parametrize(
    "options",
    [
        [],
        ["--set", "adf-databricks:auth=managedIdentity"],
        ["--set", "adf-databricks:auth=managedIdentity", "--set", "adf-databricks:managedIdentity.userAssigned=true"],
    ],
    ids=["token", "system-assigned", "user-assigned"],
)
def test_adf_format_holds_every_object_the_linked_services_reference(options: list[str]) -> None:
    """What a Git-integrated factory needs to import the linked service: nothing it references is left out.

    ADF's CredentialReference and LinkedServiceReference name other objects of the same factory (ADF REST
    reference: LinkedService `credential`, AzureKeyVaultSecret `store`); the user-assigned identity reaches
    the linked service only through the credential.
    """
    result = preview_here("dev", "--format", "adf", *options)
    assert result.returncode == 0, result.stderr
    objects = json.loads(result.stdout)
    kinds = {"LinkedServiceReference": "linkedservices", "CredentialReference": "credentials"}
    present = {(o["type"].rsplit("/", 1)[-1], o["name"]) for o in objects}
    for kind, name in set().union(*(references(o) for o in objects)):
        assert (kinds[kind], name) in present, f"{kind} {name} is referenced but not printed"
    if "userAssigned=true" in " ".join(options):
        credential = next(o for o in objects if o["type"].endswith("/credentials"))
        assert credential["properties"]["type"] == "ManagedIdentity"
        assert "/userAssignedIdentities/" in credential["properties"]["typeProperties"]["resourceId"]


def test_adf_object_types_are_the_arm_types() -> None:
    assert LINKED_SERVICE_TYPE.endswith(":LinkedService")
    assert CREDENTIAL_TYPE.endswith(":CredentialOperation")


@pytest.mark.parametrize("output_format", ["text", "json", "adf", "mermaid"])
def test_the_same_stack_prints_the_same_bytes_twice(output_format: str) -> None:
    """Reviewers diff previews across commits; users diff `--format adf` against the portal."""
    first = preview_here("dev", "--format", output_format, "--set", "adf-databricks:managedIdentity={}")
    second = preview_here("dev", "--format", output_format, "--set", "adf-databricks:managedIdentity={}")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout


def test_from_a_subfolder_in_another_process_the_preview_prints_the_same_bytes(dev_text: str) -> None:
    """From `stacks/` the preview finds the project's Pulumi.yaml above the folder, and prints the same plan as from
    the root, byte for byte, whatever the hash seed."""
    assert preview_here("dev").stdout == dev_text


def test_json_lists_dependencies_in_a_stable_order(prod_json: str) -> None:
    """The SDK gathers a resource's dependencies in a set, whose order changes with the hash seed."""
    resources = json.loads(prod_json)["resources"]
    assert all(r["dependencies"] == sorted(r["dependencies"]) for r in resources)
    assert any(len(r["dependencies"]) > 1 for r in resources)


def test_times_come_from_a_fixed_clock_unless_the_real_one_is_asked_for() -> None:
    fixed = preview_here("dev", "--json")
    assert "2026-01-01T00:00:00Z" in fixed.stdout
    before = datetime.now(UTC).strftime("%Y-%m-%d")
    real = preview_here("dev", "--json", "--real-clock")
    after = datetime.now(UTC).strftime("%Y-%m-%d")
    assert real.returncode == 0, real.stderr
    assert f"{before}T" in real.stdout or f"{after}T" in real.stdout


def test_set_overrides_a_stack_value_like_pulumi_config_set() -> None:
    result = preview_here("dev", "--set", "adf-databricks:workspace={sku: standard}", "--json")
    assert result.returncode == 0, result.stderr
    workspace = next(r for r in json.loads(result.stdout)["resources"] if r["type"].endswith("Workspace"))
    assert workspace["inputs"]["sku"] == {"name": "standard"}


def test_set_takes_a_nested_path_like_pulumi_config_set_path() -> None:
    """`pulumi config set --path a.b 45` changes one nested value and keeps its siblings from the stack file."""
    result = preview_here("dev", "--set", "adf-databricks:interactiveCluster.autoterminationMinutes=45", "--json")
    assert result.returncode == 0, result.stderr
    cluster = next(r for r in json.loads(result.stdout)["resources"] if r["type"].endswith("cluster:Cluster"))
    assert cluster["inputs"]["autoterminationMinutes"] == 45
    assert cluster["inputs"]["nodeTypeId"] == "Standard_DS3_v2"


def test_a_set_mistake_blames_set_not_the_stack_file() -> None:
    result = preview_here("dev", "--set", "adf-databricks:token.lifetimeDays=0")
    assert result.returncode == 1
    assert "--set adf-databricks:token.lifetimeDays=0: adf-databricks:token.lifetimeDays: 0: must be" in result.stderr
    assert "Fix the --set values" in result.stderr
    assert "stacks/Pulumi.dev.yaml" not in result.stderr
    assert "declare" not in result.stderr


def test_a_new_stack_file_previews_without_code_changes(tmp_path: Path) -> None:
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
    project = copy_project(tmp_path / "project")
    (project / "stacks" / "Pulumi.test.yaml").write_text(yaml.safe_dump(stack))
    result = preview_here("test", "--project-dir", str(project))
    assert result.returncode == 0, result.stderr
    assert "databricks:index/instancePool:InstancePool" in result.stdout
    assert "location: northeurope" in result.stdout


def test_the_readmes_new_stack_example_previews(tmp_path: Path) -> None:
    """README, "Adding a stack": its example file, added as it says, previews with no code change."""
    readme = (PROJECT_DIR / "README.md").read_text()
    section = readme.split("### Adding a stack", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    name = re.search(r"`stacks/Pulumi\.(\w+)\.yaml`", section).group(1)  # type: ignore[union-attr]
    project = copy_project(tmp_path / "project")
    (project / "stacks" / f"Pulumi.{name}.yaml").write_text(example)
    result = preview_here(name, cwd=project)
    assert result.returncode == 0, result.stderr


def test_a_bad_stack_file_prints_the_validation_error_and_fails(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "stacks" / "Pulumi.broken.yaml").write_text(
        "config:\n"
        "  azure-native:location: westeurope\n"
        "  adf-databricks:clusterMode: newJobCluster\n"
        "  adf-databricks:jobCluster:\n"
        "    sparkVersion: 15.4.x-scala2.12\n"
        "    nodeType: n\n"
        '    workers: "0"\n'
    )
    result = preview_here("broken", cwd=project)
    assert result.returncode == 1
    assert "Stack 'broken'" in result.stderr
    assert "stacks/Pulumi.broken.yaml:7:5: adf-databricks:jobCluster.workers:" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_an_unknown_stack_names_the_stacks_there_are() -> None:
    result = preview_here(absent_stack())
    assert result.returncode == 1
    assert f"(stacks: {', '.join(stacks())})" in result.stderr


@pytest.mark.parametrize("option", ["-s", "--stack"])
def test_the_stack_is_named_as_pulumi_takes_it(option: str, prod_json: str) -> None:
    """`pulumi preview -s prod`: the habit Pulumi users bring."""
    result = preview_here(option, "prod", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stdout == prod_json


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "name one stack: python -m components.preview <stack>, or -s <stack>"),
        (["dev", "-s", "prod"], "two stacks given (dev, prod): name one"),
    ],
)
def test_no_stack_or_two_stacks_is_a_usage_mistake(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_status:
        main(arguments)
    assert exit_status.value.code == 2
    assert message in capsys.readouterr().err


def test_outside_any_project_the_preview_says_where_to_run_it(tmp_path: Path) -> None:
    result = preview_here("dev", cwd=tmp_path)
    assert result.returncode == 1
    assert f"no Pulumi.yaml in {tmp_path.resolve()} or any folder above it" in result.stderr


def test_a_consumer_program_is_previewed_from_its_own_folder(component_package: str) -> None:
    """The consumer's own Pulumi.yaml, stackConfigDir and stack files; no --project-dir; the component imported
    from wherever it is installed (the checkout, or the installed wheel), never used to find the project."""
    result = preview_here("staging", cwd=CONSUMER)
    assert result.returncode == 0, result.stderr
    assert "Previewing update (data-platform/staging)" in result.stdout
    assert "workspaceName: dbw-data-platform-staging" in result.stdout
    assert "authentication: MSI" in result.stdout


@pytest.fixture(params=["checkout", "installed"])
def component_package(request: pytest.FixtureRequest) -> Iterator[str]:
    """Where a consumer's `import adf_databricks` comes from: this checkout's `components` (served under that
    name when nothing is installed), or the package as `pip install` puts it in a consumer's virtualenv — the wheel
    pyproject.toml builds (conftest: `installed_wheel`), a module of its own, whose ConfigError is another class
    than the preview's."""
    if request.param == "checkout":
        with installed_as_package(None):
            yield request.param
    else:
        site = request.getfixturevalue("installed_wheel")
        with installed_as_package(site):
            yield request.param
            assert sys.modules[INSTALLED_NAME].__file__ == str(site / INSTALLED_NAME / "__init__.py")


def consumer_copy(folder: Path, stack: str, program: str | None = None, workers: str = "1:4") -> Path:
    """examples/consumer in a scratch folder: its Pulumi.yaml, its program (or `program`), its stack file as
    `stack` with the job cluster's workers replaced."""
    folder.mkdir()
    (folder / "Pulumi.yaml").write_text((CONSUMER / "Pulumi.yaml").read_text())
    (folder / "__main__.py").write_text(program or (CONSUMER / "__main__.py").read_text())
    (folder / "stacks").mkdir()
    text = (CONSUMER / "stacks" / "Pulumi.staging.yaml").read_text().replace('workers: "1:4"', f'workers: "{workers}"')
    (folder / "stacks" / f"Pulumi.{stack}.yaml").write_text(text)
    return folder


def problems(report: str) -> list[str]:
    return [line for line in report.splitlines() if line.startswith("  - ")]


def test_a_consumer_programs_errors_name_its_own_keys_and_files(component_package: str, tmp_path: Path) -> None:
    """With the package installed or not: each problem is one line, counted once, at its place in the stack file
    or the --set that gave it, under the consumer's own key — never nested in another problem."""
    consumer = consumer_copy(tmp_path / "consumer", "live", workers="9:2")
    result = preview_here("live", "--set", "data-platform:platform.token.lifetimeDays=0", cwd=consumer)
    assert result.returncode == 1
    assert "Stack 'live' has 2 configuration problems (nothing was created):" in result.stderr
    assert [p.split(": data-platform:")[0] for p in problems(result.stderr)] == [
        "  - stacks/Pulumi.live.yaml:9:7",
        "  - --set data-platform:platform.token.lifetimeDays=0",
    ]
    assert "stacks/Pulumi.live.yaml:9:7: data-platform:platform.jobCluster.workers:" in result.stderr
    assert "--set data-platform:platform.token.lifetimeDays=0: data-platform:platform.token.lifetimeDays:" in (
        result.stderr
    )
    assert "adf-databricks:" not in result.stderr


MISTAKEN_PROGRAM = """\
import pulumi
from adf_databricks import AdfDatabricks, stack_args

args = stack_args(pulumi.Config(), pulumi.Config("azure-native").get("location"), config_key="platform")
args["job_cluster"] = {**args["job_cluster"], "workers": "9:1"}
args["token"] = {"rotation_days": 800}
platform = AdfDatabricks("data-platform", args)
"""


def test_a_mistake_in_a_consumer_program_is_reported_at_its_line(component_package: str, tmp_path: Path) -> None:
    """The stack file is right; the program changes two args wrongly. The report points at the program's line
    that built the component, counts two problems, and does not send the user to the stack file."""
    consumer = consumer_copy(tmp_path / "consumer", "staging", program=MISTAKEN_PROGRAM)
    result = preview_here("staging", cwd=consumer)
    assert result.returncode == 1
    assert result.stderr.startswith("error: Stack 'staging' has 2 problems (nothing was created):\n")
    assert problems(result.stderr) == [
        '  - __main__.py:7: AdfDatabricks \'data-platform\' jobCluster.workers: "9:1" is not allowed; use "N" or '
        '"min:max" with whole numbers, 1 ≤ min ≤ max (an integer N is accepted)',
        "  - __main__.py:7: AdfDatabricks 'data-platform' token.rotationDays: 800: must be a whole number from 1 "
        "to 89: Databricks revokes a token that goes unused for 90 days (an idle stack's, for one), so the next "
        "token must come before that",
    ]
    assert result.stderr.endswith("Fix __main__.py, then preview again.\n")
    assert "Pulumi.staging.yaml" not in result.stderr


def test_the_docs_example_report_is_what_the_preview_prints(tmp_path: Path) -> None:
    """docs/preview.md, "Every problem at once": the report shown is the one the preview prints for that file."""
    (shown,) = code_blocks(doc_section("docs/preview.md", "## What it checks, and in which order"), "text")
    project = copy_project(tmp_path / "project")
    (project / "stacks" / "Pulumi.dev.yaml").write_text(
        "config:\n"
        "  azure-native:locaton: westeurope\n"
        "  adf-databricks:interactiveCluster:\n"
        "    sparkVersion: 15.4.x-scala2.12\n"
        "    nodeType: Standard_DS3_v2\n"
        "    numWorkers: 1\n"
        "  adf-databricks:token:\n"
        "    lifetimeDays: 90\n"
        "    lifetimeDays: 60\n"
    )
    result = preview_here("dev", "--set", "adf-databricks:token.rotationDays=0", cwd=project)
    assert result.returncode == 1
    assert result.stderr == shown


def test_adding_a_stack_as_the_readme_says_keeps_the_stack_tests_green(tmp_path: Path) -> None:
    """Following "Adding a stack" must not break CI, which runs these tests (item 1 of the first-hour issue; issue
    19: no test hard-codes the list of stack files).

    The repository is copied with the README's example stack file added; there, every test that covers that stack
    (tests/stack_added.py: each test parametrized with it, and each that reads every stack file at once) runs and
    passes, and the families that take "every stack" from stacks/ are among them."""
    readme = (PROJECT_DIR / "README.md").read_text()
    section = readme.split("### Adding a stack", 1)[1]
    name = re.search(r"`stacks/Pulumi\.(\w+)\.yaml`", section).group(1)  # type: ignore[union-attr]
    assert name not in stacks()
    clone = tmp_path / "clone"
    shutil.copytree(
        PROJECT_DIR,
        clone,
        ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", ".mypy_cache", ".ruff_cache", ".hypothesis"),
    )
    (clone / "stacks" / f"Pulumi.{name}.yaml").write_text(section.split("```yaml\n", 1)[1].split("```", 1)[0])
    result = subprocess.run(
        # Plain asserts: the copy's tests only have to pass (a failure names its test, to run again in the copy), and
        # rewriting every test module's asserts would be a quarter of this process's time.
        [sys.executable, "-m", "pytest", "-rA", "-p", "no:cacheprovider", "-p", "stack_added", "--assert=plain"],
        cwd=clone,
        env={**os.environ, "ADF_STACK_ADDED": name, "PYTHONPATH": str(clone / "tests")},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    covering = set(re.findall(rf"^PASSED tests/(\S+?)\[[^\n]*?\b{name}\b", result.stdout, flags=re.M))
    assert {
        "test_preview.py::test_every_stack_file_previews_cleanly",
        "test_spec_conformance.py::test_every_stack_file_emits_spec_conformant_resources",
        "test_data_flow_runtime.py::test_every_stack_files_runtime_is_valid_against_the_model",
        "test_deploy_graph.py::test_the_first_deploy_takes_exactly_the_critical_path",
        "test_policy.py::test_every_stack_passes_every_stack_rule",
        "test_lifecycle.py::test_scenario",
        "test_workflows.py::test_the_program_leaves_the_databricks_auth_type_to_the_environment",
    } <= covering, sorted(covering)
    for every_stack in (
        "test_an_unknown_stack_names_the_stacks_there_are",
        "test_the_catalogue_covers_every_stack_file",
        "test_the_stack_listing_names_every_stack_file",
    ):
        assert re.search(rf"^PASSED tests/\S+::{every_stack}$", result.stdout, flags=re.M), every_stack
