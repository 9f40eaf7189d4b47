"""The GitHub Actions workflows: valid for GitHub, and doing what the README promises.

Validity is checked offline against the workflow and action schemas that check-jsonschema ships.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

WORKFLOWS = ("pull-request.yml", "deploy.yml")
ACTION = Path(".github/actions/pulumi/action.yml")
BOOL = "tag:yaml.org,2002:bool"


class WorkflowLoader(yaml.SafeLoader):
    """YAML as GitHub reads it: only true/false are booleans, so the `on:` key stays the string "on"."""


WorkflowLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
WorkflowLoader.add_implicit_resolver(BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(path.read_text(), Loader=WorkflowLoader)  # WorkflowLoader is a SafeLoader
    return loaded


def schema_validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads(resources.files("check_jsonschema.builtin_schemas.vendor").joinpath(name).read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def errors(validator: jsonschema.protocols.Validator, document: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


@pytest.fixture(scope="module")
def workflow_schema() -> jsonschema.protocols.Validator:
    return schema_validator("github-workflows.json")


@pytest.fixture(scope="module")
def pull_request(project_dir: Path) -> dict[str, Any]:
    return load(project_dir / ".github/workflows/pull-request.yml")


@pytest.fixture(scope="module")
def deploy(project_dir: Path) -> dict[str, Any]:
    return load(project_dir / ".github/workflows/deploy.yml")


@pytest.fixture(scope="module")
def action(project_dir: Path) -> dict[str, Any]:
    return load(project_dir / ACTION)


def pulumi_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    """The calls of the repository's Pulumi action in a job: `with` of each."""
    return [step["with"] for step in job["steps"] if step.get("uses") == f"./{ACTION.parent.as_posix()}"]


def test_the_workflow_folder_holds_exactly_the_two_workflows(project_dir: Path) -> None:
    assert sorted(p.name for p in (project_dir / ".github/workflows").iterdir()) == sorted(WORKFLOWS)


@pytest.mark.parametrize("name", WORKFLOWS)
def test_each_workflow_is_valid_for_github(
    name: str, project_dir: Path, workflow_schema: jsonschema.protocols.Validator
) -> None:
    workflow = load(project_dir / ".github/workflows" / name)
    assert "on" in workflow
    assert errors(workflow_schema, workflow) == []


def test_the_shared_pulumi_action_is_valid_for_github(action: dict[str, Any]) -> None:
    assert errors(schema_validator("github-actions.json"), action) == []


@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param(lambda w: w["jobs"]["tests"].pop("runs-on"), id="job-without-runs-on"),
        pytest.param(lambda w: w.update(job=w.pop("jobs")), id="misspelled-jobs"),
        pytest.param(lambda w: w["jobs"]["preview"].update(needs=7), id="needs-a-number"),
    ],
)
def test_the_schema_rejects_a_broken_workflow(
    breakage: Any, pull_request: dict[str, Any], workflow_schema: jsonschema.protocols.Validator
) -> None:
    broken = json.loads(json.dumps(pull_request))
    breakage(broken)
    assert errors(workflow_schema, broken) != []


def test_pull_requests_run_the_ci_script_before_any_preview(pull_request: dict[str, Any]) -> None:
    assert list(pull_request["on"]) == ["pull_request"]
    assert {"run": "bash .ci/run"} in pull_request["jobs"]["tests"]["steps"]
    assert "tests" in pull_request["jobs"]["preview"]["needs"]


def test_the_preview_matrix_is_the_stack_listing(pull_request: dict[str, Any]) -> None:
    preview = pull_request["jobs"]["preview"]
    assert preview["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.stacks.outputs.stacks) }}"
    assert preview["strategy"]["fail-fast"] is False
    assert pull_request["jobs"]["stacks"]["outputs"]["stacks"] == "${{ steps.list.outputs.stacks }}"
    assert pulumi_steps(preview) == [{"command": "preview", "stack": "${{ matrix.stack }}", "comment-on-pr": "true"}]


def list_stacks(script: str, cwd: Path, tmp_path: Path) -> list[str]:
    output = tmp_path / "github-output"
    env = {**os.environ, "GITHUB_OUTPUT": str(output)}
    subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, check=True)
    key, _, value = output.read_text().strip().partition("=")
    assert key == "stacks"
    stacks: list[str] = json.loads(value)
    return stacks


def stack_listing_script(pull_request: dict[str, Any]) -> str:
    step = next(s for s in pull_request["jobs"]["stacks"]["steps"] if s.get("id") == "list")
    script: str = step["run"]
    return script


def test_the_stack_listing_names_every_stack_file(
    pull_request: dict[str, Any], project_dir: Path, tmp_path: Path
) -> None:
    expected = sorted(p.name.split(".")[1] for p in (project_dir / "stacks").glob("Pulumi.*.yaml"))
    assert list_stacks(stack_listing_script(pull_request), project_dir, tmp_path) == expected == ["dev", "prod"]


def test_a_new_stack_file_joins_the_preview_matrix(
    pull_request: dict[str, Any], project_dir: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(project_dir / "stacks", repo / "stacks")
    (repo / "stacks" / "Pulumi.test.yaml").write_text("config: {}\n")
    assert list_stacks(stack_listing_script(pull_request), repo, tmp_path) == ["dev", "prod", "test"]


def test_forks_skip_the_preview_instead_of_failing(pull_request: dict[str, Any]) -> None:
    condition = pull_request["jobs"]["preview"]["if"]
    assert condition == "github.event.pull_request.head.repo.full_name == github.repository"


def test_previews_comment_on_the_pull_request(pull_request: dict[str, Any], action: dict[str, Any]) -> None:
    assert pull_request["jobs"]["preview"]["permissions"]["pull-requests"] == "write"
    pulumi = next(s for s in action["runs"]["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert pulumi["with"]["comment-on-pr"] == "${{ inputs.comment-on-pr }}"
    assert pulumi["with"]["command"] == "${{ inputs.command }}"


def test_main_deploys_dev_then_prod_behind_its_environment(deploy: dict[str, Any]) -> None:
    assert deploy["on"]["push"]["branches"] == ["main"]
    jobs = deploy["jobs"]
    assert jobs["up-dev"]["needs"] == "tests"
    assert jobs["up-prod"]["needs"] == "up-dev"
    assert (jobs["up-dev"]["environment"], jobs["up-prod"]["environment"]) == ("dev", "prod")
    assert pulumi_steps(jobs["up-dev"]) == [{"command": "up", "stack": "dev"}]
    assert pulumi_steps(jobs["up-prod"]) == [{"command": "up", "stack": "prod"}]


def test_two_updates_of_a_stack_never_overlap_nor_cancel_each_other(deploy: dict[str, Any]) -> None:
    groups = []
    for name in ("up-dev", "up-prod"):
        concurrency = deploy["jobs"][name]["concurrency"]
        assert concurrency["cancel-in-progress"] is False
        groups.append(concurrency["group"])
    assert len(set(groups)) == 2


def test_every_job_that_logs_in_to_azure_may_request_an_oidc_token(
    pull_request: dict[str, Any], deploy: dict[str, Any]
) -> None:
    for workflow in (pull_request, deploy):
        assert workflow["permissions"] == {"contents": "read"}
        for job in workflow["jobs"].values():
            if pulumi_steps(job):
                assert job["permissions"]["id-token"] == "write"


def test_azure_login_uses_a_federated_identity_and_no_secret(project_dir: Path, action: dict[str, Any]) -> None:
    login = next(s for s in action["runs"]["steps"] if s.get("uses", "").startswith("azure/login@"))
    assert set(login["with"]) == {"client-id", "tenant-id", "subscription-id"}
    texts = [p.read_text() for p in (project_dir / ".github").rglob("*.yml")]
    for forbidden in ("client-secret", "CLIENT_SECRET", "creds:", "secrets.AZURE"):
        assert not any(forbidden in text for text in texts), forbidden


def test_both_workflows_configure_azure_and_pulumi_the_same_way(
    pull_request: dict[str, Any], deploy: dict[str, Any]
) -> None:
    assert pull_request["env"] == deploy["env"]
    assert pull_request["env"]["ARM_USE_OIDC"] == "true"


def test_previews_and_deploys_run_the_policy_pack_on_the_pinned_cli(project_dir: Path, action: dict[str, Any]) -> None:
    pulumi = next(s for s in action["runs"]["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert pulumi["with"]["policyPacks"] == "policy"
    pack = yaml.safe_load((project_dir / "policy" / "PulumiPolicy.yaml").read_text())
    venv = f"policy/{pack['runtime']['options']['virtualenv']}"
    installs = [s["run"] for s in action["runs"]["steps"] if "run" in s]
    assert f"python -m venv {venv} && {venv}/bin/pip install -q -r policy/requirements.txt" in installs
    sdk = re.search(r"^pulumi==(\S+)$", (project_dir / "requirements.txt").read_text(), re.MULTILINE)
    assert sdk is not None
    assert pulumi["with"]["pulumi-version"] == sdk.group(1)


def test_every_variable_the_workflows_read_is_documented(project_dir: Path) -> None:
    used = {
        name
        for path in (project_dir / ".github").rglob("*.yml")
        for name in re.findall(r"\$\{\{\s*vars\.(\w+)\s*}}", path.read_text())
    }
    readme = (project_dir / "README.md").read_text()
    section = readme.split("## CI/CD", 1)[1].split("\n## ", 1)[0]
    assert used == {
        "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID",
        "AZURE_SUBSCRIPTION_ID",
        "PULUMI_BACKEND_URL",
        "PULUMI_SECRETS_PROVIDER",
    }
    for name in used:
        assert f"`{name}`" in section, name
