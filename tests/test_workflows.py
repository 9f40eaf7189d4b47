"""The GitHub Actions workflows: valid for GitHub, and doing what the README promises.

Validity is checked offline against the workflow and action schemas that check-jsonschema ships.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from lifecycle_scenarios import stack_config, stack_files, uses_token
from plans import PlanFor, planned

WORKFLOWS = ("pull-request.yml", "change-report-comment.yml", "deploy.yml", "rotate.yml")
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
def rotate(project_dir: Path) -> dict[str, Any]:
    return load(project_dir / ".github/workflows/rotate.yml")


@pytest.fixture(scope="module")
def action(project_dir: Path) -> dict[str, Any]:
    return load(project_dir / ACTION)


def action_step(action: dict[str, Any], name: str) -> dict[str, Any]:
    step: dict[str, Any] = next(s for s in action["runs"]["steps"] if s.get("name") == name)
    return step


def preview_step(action: dict[str, Any]) -> dict[str, Any]:
    """The action's step that runs a requested `preview` (the optional preview before an `up` is another)."""
    return action_step(action, "Preview")


def up_step(action: dict[str, Any]) -> dict[str, Any]:
    """The action's step that runs a requested `up`: the CLI through .github/scripts/pulumi_up.py."""
    return action_step(action, "Up")


def is_pulumi_action(step: dict[str, Any]) -> bool:
    return str(step.get("uses", "")).startswith("pulumi/actions@")


def pulumi_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    """The calls of the repository's Pulumi action in a job: `with` of each."""
    return [step["with"] for step in job["steps"] if step.get("uses") == f"./{ACTION.parent.as_posix()}"]


def test_the_workflow_folder_holds_exactly_the_four_workflows(project_dir: Path) -> None:
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
    assert expected, "the project ships stack files"
    assert list_stacks(stack_listing_script(pull_request), project_dir, tmp_path) == expected


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
    pulumi = preview_step(action)
    assert pulumi["if"] == "inputs.command == 'preview'"
    assert pulumi["with"]["comment-on-pr"] == "${{ inputs.comment-on-pr }}"
    assert pulumi["with"]["command"] == "preview"


def test_main_deploys_every_stack_protected_ones_last_behind_prod(deploy: dict[str, Any]) -> None:
    assert deploy["on"]["push"]["branches"] == ["main"]
    jobs = deploy["jobs"]
    assert jobs["up"]["needs"] == "tests"
    assert jobs["up-protected"]["needs"] == ["tests", "up"]
    assert (jobs["up"]["environment"], jobs["up-protected"]["environment"]) == ("dev", "prod")
    assert jobs["up"]["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.tests.outputs.unprotected) }}"
    assert jobs["up-protected"]["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.tests.outputs.protected) }}"
    assert "needs.up.result != 'failure'" in jobs["up-protected"]["if"]
    for name in ("up", "up-protected"):
        assert pulumi_steps(jobs[name]) == [
            {
                "command": "up",
                "stack": "${{ matrix.stack }}",
                "preview-first": "true",
                "on-lock": "fail",
                "lock-wait-seconds": "900",
            }
        ]


def test_deploys_preview_first_so_a_refusal_comes_before_any_change(action: dict[str, Any]) -> None:
    """pulumi/pulumi pkg/resource/deploy/step.go: `DeleteStep.Apply` refuses a protected resource before it
    checks for a preview, so the preview fails; the `up` after it skips its own preview (`--skip-preview`)."""
    first, preview = action_step(action, "Preview first"), preview_step(action)
    assert first["if"] == "inputs.preview-first == 'true'"
    assert first["with"]["command"] == "preview"
    assert first["with"]["target"] == preview["with"]["target"] == "${{ inputs.target }}"
    for key in ("stack-name", "pulumi-version", "cloud-url", "secrets-provider", "policyPacks", "upsert"):
        assert first["with"][key] == preview["with"][key], key
    steps = action["runs"]["steps"]
    assert steps.index(first) < steps.index(up_step(action))
    assert up_step(action)["if"] == "inputs.command == 'up'"


def github_glob(pattern: str) -> re.Pattern[str]:
    """GitHub's path filters: `**` crosses folders, `*` does not."""
    parts = [".*" if p == "**" else "[^/]*" if p == "*" else re.escape(p) for p in re.split(r"(\*\*|\*)", pattern)]
    return re.compile("".join(parts))


def deploys(deploy: dict[str, Any], changed: list[str]) -> bool:
    ignored = [github_glob(p) for p in deploy["on"]["push"]["paths-ignore"]]
    return any(not any(g.fullmatch(path) for g in ignored) for path in changed)


def test_a_push_that_changes_only_documentation_does_not_deploy(deploy: dict[str, Any]) -> None:
    assert not deploys(deploy, ["README.md"])
    assert not deploys(deploy, ["README.md", "docs/usage.md", "docs/img/graph.png"])
    assert deploys(deploy, ["README.md", "stacks/Pulumi.dev.yaml"])
    assert deploys(deploy, ["components/platform.py"])
    assert deploys(deploy, [".github/workflows/deploy.yml"])


def script_module(project_dir: Path, name: str) -> Any:
    """A Python script of .github/scripts as a module (the workflows run it as a script)."""
    spec = importlib.util.spec_from_file_location(name, project_dir / ".github/scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


UP_ARGS = ["--stack", "dev", "--on-lock", "fail"]


def up_script(project_dir: Path) -> Any:
    return script_module(project_dir, "pulumi_up")


def listing_script(project_dir: Path) -> Any:
    """`.github/scripts/stacks.py` as a module: the workflows run it as a script (see the CLI test)."""
    spec = importlib.util.spec_from_file_location("stacks_listing", project_dir / ".github/scripts/stacks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_listing_prints_github_outputs_as_the_workflows_read_them(
    project_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run as the workflows run it (`python .github/scripts/stacks.py deploy`), in this process."""
    monkeypatch.setattr(sys, "argv", ["stacks.py", "deploy"])
    with pytest.raises(SystemExit) as exited:
        runpy.run_path(str(project_dir / ".github/scripts/stacks.py"), run_name="__main__")
    assert exited.value.code == 0
    lines = dict(line.partition("=")[::2] for line in capsys.readouterr().out.splitlines())
    assert {k: json.loads(v) for k, v in lines.items()} == listing_script(project_dir).deploy_lists()


def protected_in_file(path: Path) -> bool:
    config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
    return str(config.get("adf-databricks:protect", False)).lower() == "true"


def test_the_deploy_lists_are_every_stack_file_split_by_protect(project_dir: Path) -> None:
    files = sorted((project_dir / "stacks").glob("Pulumi.*.yaml"))
    names = {p: p.name[len("Pulumi.") : -len(".yaml")] for p in files}
    lists = listing_script(project_dir).deploy_lists()
    assert {k: lists[k] for k in ("unprotected", "protected")} == {
        "unprotected": [names[p] for p in files if not protected_in_file(p)],
        "protected": [names[p] for p in files if protected_in_file(p)],
    }


def runner_in_file(path: Path) -> str:
    config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
    return str((config.get("adf-databricks:network") or {}).get("deployRunner", "ubuntu-latest"))


def test_each_stack_deploys_and_rotates_on_the_runner_its_file_names(
    project_dir: Path, deploy: dict[str, Any], rotate: dict[str, Any], pull_request: dict[str, Any]
) -> None:
    """A private stack's workspace and vault answer only inside its network (lifecycle row `private-link`): its
    deploy and its token rotation run on the runner its file names (network.deployRunner), the others on
    ubuntu-latest."""
    files = sorted((project_dir / "stacks").glob("Pulumi.*.yaml"))
    script = listing_script(project_dir)
    runners = {p.name[len("Pulumi.") : -len(".yaml")]: runner_in_file(p) for p in files}
    assert script.deploy_lists()["runners"] == runners
    assert "ubuntu-latest" in runners.values() and set(runners.values()) != {"ubuntu-latest"}
    for job in ("up", "up-protected"):
        assert deploy["jobs"][job]["runs-on"] == "${{ fromJSON(needs.tests.outputs.runners)[matrix.stack] }}"
    # Previews refresh (Pulumi.yaml options.refresh: always), which reads the workspace's API: on the runner too.
    assert pull_request["jobs"]["preview"]["runs-on"] == "${{ fromJSON(needs.stacks.outputs.runners)[matrix.stack] }}"
    assert pull_request["jobs"]["stacks"]["outputs"]["runners"] == "${{ steps.runners.outputs.runners }}"
    assert deploy["jobs"]["tests"]["outputs"]["runners"] == "${{ steps.list.outputs.runners }}"
    assert rotate["jobs"]["rotate"]["runs-on"] == "${{ matrix.runner }}"
    assert {s["stack"]: s["runner"] for s in script.rotation_list()} == {
        s: r for s, r in runners.items() if script.settings(s).uses_token
    }


def test_checkov_referees_every_private_stack_in_its_own_job(pull_request: dict[str, Any], project_dir: Path) -> None:
    """CKV_AZURE_158 (workspace), CKV_AZURE_189 (vault) and CKV_AZURE_104 (factory) read ARM templates'
    `properties.publicNetworkAccess` (checkov 3.3.30 `checkov/arm/checks/resource/DatabricksWorkspaceIsNotPublic.py`,
    `KeyVaultDisablesPublicNetworkAccess.py`, `DataFactoryNoPublicNetworkAccess.py`): the job exports each private
    stack's plan as one and runs them, with Checkov pinned in a requirements file of its own, outside the unit tier's
    set."""
    job = pull_request["jobs"]["checkov"]
    script = "\n".join(str(step.get("run", "")) for step in job["steps"])
    assert "requirements-checkov.txt" in script and "stacks.py private" in script
    assert "components.offline.arm_export" in script and "CKV_AZURE_158,CKV_AZURE_189,CKV_AZURE_104" in script
    assert (project_dir / "requirements-checkov.txt").read_text().split("\n")[-2] == "checkov==3.3.30"
    assert "checkov" not in (project_dir / "requirements-dev.txt").read_text()
    assert listing_script(project_dir).private_stacks() == ["prod"]


def copy_project(project_dir: Path, target: Path) -> Path:
    target.mkdir()
    for item in ("Pulumi.yaml", "__main__.py", "components", "stacks", ".github"):
        source = project_dir / item
        if source.is_dir():
            shutil.copytree(source, target / item, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target / item)
    return target


def test_a_new_stack_file_is_deployed_and_rotated_with_no_workflow_change(project_dir: Path, tmp_path: Path) -> None:
    root = copy_project(project_dir, tmp_path / "repo")
    dev = (root / "stacks" / "Pulumi.dev.yaml").read_text()
    (root / "stacks" / "Pulumi.qa.yaml").write_text(dev)
    (root / "stacks" / "Pulumi.live.yaml").write_text(dev + "  adf-databricks:protect: true\n")
    script = listing_script(project_dir)
    lists = script.deploy_lists(root)
    assert "qa" in lists["unprotected"] and "live" in lists["protected"]
    assert script.settings("live", root).uses_token, "so the rotation lists it too"
    assert "urn:pulumi:qa::" in script.rotation_targets("qa", root)


def test_every_job_that_logs_in_to_azure_may_request_an_oidc_token(
    pull_request: dict[str, Any], deploy: dict[str, Any], rotate: dict[str, Any]
) -> None:
    for workflow in (pull_request, deploy, rotate):
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


def test_every_workflow_configures_azure_and_pulumi_the_same_way(
    pull_request: dict[str, Any], deploy: dict[str, Any], rotate: dict[str, Any]
) -> None:
    assert pull_request["env"] == deploy["env"] == rotate["env"]
    assert pull_request["env"]["ARM_USE_OIDC"] == "true"


def test_previews_and_deploys_run_the_policy_pack_on_the_pinned_cli(project_dir: Path, action: dict[str, Any]) -> None:
    assert preview_step(action)["with"]["policyPacks"] == "policy"
    assert "--policy-pack policy" in " ".join(up_script(project_dir).up_command(up_script(project_dir).parse(UP_ARGS)))
    pack = yaml.safe_load((project_dir / "policy" / "PulumiPolicy.yaml").read_text())
    venv = f"policy/{pack['runtime']['options']['virtualenv']}"
    installs = [s["run"] for s in action["runs"]["steps"] if "run" in s]
    assert f"python -m venv {venv} && {venv}/bin/pip install -q -r policy/requirements.txt" in installs
    sdk = re.search(r"^pulumi==(\S+)$", (project_dir / "requirements.txt").read_text(), re.MULTILINE)
    assert sdk is not None
    pins = [s["with"]["pulumi-version"] for s in action["runs"]["steps"] if is_pulumi_action(s)]
    assert len(pins) == 3 and set(pins) == {sdk.group(1)}, "preview first, preview, the CLI for up"


def test_every_variable_the_workflows_read_is_documented(project_dir: Path) -> None:
    used = {
        name
        for path in (project_dir / ".github").rglob("*.yml")
        for name in re.findall(r"\$\{\{\s*vars\.(\w+)\s*}}", path.read_text())
    }
    section = (project_dir / "docs" / "ci-cd.md").read_text()
    assert used == {
        "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID",
        "AZURE_SUBSCRIPTION_ID",
        "PULUMI_BACKEND_URL",
        "PULUMI_SECRETS_PROVIDER",
    }
    for name in used:
        assert f"`{name}`" in section, name


def test_rotation_targets_the_rotation_chain_of_every_token_stack(rotate: dict[str, Any], project_dir: Path) -> None:
    """Lifecycle rows `token-forcenew` and `rotating-on-refresh`: a due rotation changes the Rotating resource, the
    token and its secret, nothing else; the scheduled run targets exactly those (no --target-dependents), so it
    never deploys unreviewed changes."""
    job = rotate["jobs"]["rotate"]
    assert job["strategy"]["matrix"]["include"] == "${{ fromJSON(needs.stacks.outputs.stacks) }}"
    assert pulumi_steps(job) == [
        {
            "command": "up",
            "stack": "${{ matrix.stack }}",
            "target": "${{ matrix.targets }}",
            "refresh": "true",
            "on-lock": "skip",
            "lock-wait-seconds": "300",
        }
    ]
    listed = listing_script(project_dir).rotation_list()
    assert [e["stack"] for e in listed] == [s for s in stack_files() if uses_token(s)]
    for entry in listed:
        plan = planned(entry["stack"])
        chain = {"time:index/rotating:Rotating", "databricks:index/token:Token", "azure-native:keyvault:Secret"}
        assert entry["targets"].splitlines() == sorted(r.urn for r in plan.resources if r.type in chain)


def cron_field(text: str, low: int, high: int) -> set[int]:
    values: set[int] = set()
    for part in text.split(","):
        body, _, step = part.partition("/")
        if body == "*":
            first, last = low, high
        elif "-" in body:
            first, last = (int(x) for x in body.split("-"))
        else:
            first = last = int(body)
        values |= set(range(first, last + 1, int(step or 1)))
    return values


def cron_longest_gap(expression: str) -> timedelta:
    """The longest time between two runs of a GitHub schedule (UTC, five fields), over two years."""
    minute, hour, dom, month, dow = expression.split()
    minutes, hours = cron_field(minute, 0, 59), cron_field(hour, 0, 23)
    days, months, weekdays = cron_field(dom, 1, 31), cron_field(month, 1, 12), cron_field(dow, 0, 6)
    start = datetime(2026, 1, 1)
    runs = []
    for offset in range(731):
        day = start + timedelta(days=offset)
        by_dom, by_dow = day.day in days, (day.isoweekday() % 7) in weekdays
        restricted = dom != "*" and dow != "*"
        if day.month in months and ((by_dom or by_dow) if restricted else (by_dom and by_dow)):
            runs += [day.replace(hour=h, minute=m) for h in sorted(hours) for m in sorted(minutes)]
    return max(b - a for a, b in itertools.pairwise(runs))


@pytest.mark.parametrize(("expression", "gap"), [("23 4 * * *", 1), ("0 5 * * 1", 7), ("0 0 1 * *", 31)])
def test_the_schedule_interval_is_measured(expression: str, gap: int) -> None:
    assert cron_longest_gap(expression) == timedelta(days=gap)


def test_the_schedule_fits_inside_every_stacks_rotation_window(rotate: dict[str, Any]) -> None:
    """Lifecycle row `rotating-on-refresh`: rotation happens only when something runs refresh + up between
    rotationDays and lifetimeDays. Every token stack file's window must hold the schedule's longest gap, so a run
    always falls inside it."""
    (schedule,) = rotate["on"]["schedule"]
    gap = cron_longest_gap(schedule["cron"])
    for stack in (s for s in stack_files() if uses_token(s)):
        token = stack_config(stack).get("adf-databricks:token") or {}
        window = timedelta(days=int(token.get("lifetimeDays", 90)) - int(token.get("rotationDays", 60)))
        assert gap < window, f"{stack}: the schedule runs every {gap}, the rotation window is {window}"


def test_every_deploy_runs_the_smoke_pipeline_after_its_up(deploy: dict[str, Any], dev_plan: Any) -> None:
    """Each `up` job then runs the smoke pipeline with that stack's own outputs, so a deploy whose token, roles,
    Key Vault path or compute do not work fails (the script's logic: tests/test_smoke_pipeline.py)."""
    for job in (deploy["jobs"]["up"], deploy["jobs"]["up-protected"]):
        names = [step.get("uses") or step.get("name") for step in job["steps"]]
        assert names.index("Smoke test") > names.index("./.github/actions/pulumi"), names
        between = names[names.index("./.github/actions/pulumi") + 1 : names.index("Smoke test")]
        assert any(str(n).startswith("azure/login@") for n in between), "a fresh login (`github-oidc-cli-expiry`)"
        smoke = next(step for step in job["steps"] if step.get("name") == "Smoke test")
        assert smoke["run"].startswith("bash .github/scripts/run-smoke-pipeline.sh")
        assert smoke["env"]["STACK"] == "${{ matrix.stack }}"
        for output in ("resourceGroupName", "factoryName", "smokePipelineName"):
            assert f'pulumi stack output {output} -s "$STACK"' in smoke["run"]
            assert output in dev_plan.outputs, output


# --------------------------------------------------------------------------------------------------
# What a real run meets that the fake cloud does not: auth lifetimes, rate limits, concurrency.
# --------------------------------------------------------------------------------------------------

GITHUB_OIDC_AZURE = "github-oidc-azure"
SDK_GITHUB_OIDC_AZURE_ENV = ("ARM_CLIENT_ID", "ARM_TENANT_ID")
"""The variables databricks-sdk-go reads for `azure_client_id` and `azure_tenant_id` (config/config.go env tags)."""
GITHUB_TOKENS = {"${{ github.token }}", "${{ secrets.GITHUB_TOKEN }}"}
ENGINE_COMMAND = re.compile(r"\bpulumi\s+(preview|up|refresh|destroy|import|plugin\s+install)\b|pulumi_up\.py")


def all_workflows(project_dir: Path) -> dict[str, dict[str, Any]]:
    return {name: load(project_dir / ".github/workflows" / name) for name in WORKFLOWS}


def runs_the_program(job: dict[str, Any]) -> bool:
    return bool(pulumi_steps(job))


def test_every_job_that_runs_the_program_hands_the_databricks_provider_github_oidc(project_dir: Path) -> None:
    """Row `github-oidc-cli-expiry`: under azure/login the Azure CLI's federated token expires about 5 minutes
    after login (Azure/login #372) and the provider first needs a Databricks token once the workspace exists,
    minutes later. databricks-sdk-go config/auth_azure_github_oidc.go (`github-oidc-azure`) fetches its own
    GitHub ID token when the provider is configured; it needs the workspace host (the program's), the client
    and tenant ids (ARM_CLIENT_ID, ARM_TENANT_ID: config/config.go) and ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN,
    which GitHub sets only for a job with `id-token: write` (docs.github.com, "About security hardening with
    OpenID Connect")."""
    seen = set()
    for name, workflow in all_workflows(project_dir).items():
        for job_name, job in workflow["jobs"].items():
            if not runs_the_program(job):
                continue
            seen.add((name, job_name))
            env = {**workflow.get("env", {}), **job.get("env", {})}
            assert env["DATABRICKS_AUTH_TYPE"] == GITHUB_OIDC_AZURE, (name, job_name)
            for variable in SDK_GITHUB_OIDC_AZURE_ENV:
                assert re.fullmatch(r"\$\{\{ vars\.AZURE_\w+ }}", env[variable]), (name, job_name, variable)
            assert job["permissions"]["id-token"] == "write", (name, job_name)
    assert seen == {
        ("pull-request.yml", "preview"),
        ("deploy.yml", "up"),
        ("deploy.yml", "up-protected"),
        ("rotate.yml", "rotate"),
    }
    assert not any("azure-cli" in p.read_text() for p in (project_dir / ".github").rglob("*.yml"))


@pytest.mark.parametrize("stack", stack_files())
def test_the_program_leaves_the_databricks_auth_type_to_the_environment(plan_for: PlanFor, stack: str) -> None:
    """Row `github-oidc-cli-expiry`: an explicit provider reads no `databricks:` stack config, and an `authType`
    input would override DATABRICKS_AUTH_TYPE (terraform-provider-databricks docs/index.md, `auth_type`), so
    CI could not choose `github-oidc-azure` and a laptop its `az login`."""
    provider = plan_for(stack).one("pulumi:providers:databricks")
    assert "authType" not in provider.inputs
    assert "azureWorkspaceResourceId" in provider.inputs


def downloads_plugins(step: dict[str, Any]) -> bool:
    """A step that runs the Pulumi engine, or the official action (which runs it or installs the CLI)."""
    return is_pulumi_action(step) or bool(ENGINE_COMMAND.search(str(step.get("run", ""))))


def steps_without_token(project_dir: Path, action: dict[str, Any]) -> list[str]:
    """Every step, in every workflow and in the shared action, that can download plugins without a token."""
    missing = []
    for name, workflow in all_workflows(project_dir).items():
        for job_name, job in workflow["jobs"].items():
            for step in job["steps"]:
                env = {**workflow.get("env", {}), **job.get("env", {}), **step.get("env", {})}
                if downloads_plugins(step) and env.get("GITHUB_TOKEN") not in GITHUB_TOKENS:
                    missing.append(f"{name}/{job_name}: {step.get('name') or step.get('uses') or step['run']}")
    for step in action["runs"]["steps"]:
        if downloads_plugins(step) and step.get("env", {}).get("GITHUB_TOKEN") not in GITHUB_TOKENS:
            missing.append(f"{ACTION}: {step.get('name') or step.get('uses')}")
    return missing


def test_every_step_that_can_download_plugins_has_a_github_token(project_dir: Path, action: dict[str, Any]) -> None:
    """Row `plugin-download-rate-limit`: plugins served from `github://api.github.com/...` (pulumiverse_time's
    pulumi-plugin.json) are resolved through the GitHub API, 60 unauthenticated requests an hour per address;
    the CLI authenticates them only with GITHUB_TOKEN set (pulumi/pulumi #11743, pulumi/actions #815). The
    action's own `github-token` input is for pull-request comments only (pulumi/actions src/config.ts)."""
    assert steps_without_token(project_dir, action) == []
    assert sum(downloads_plugins(s) for s in action["runs"]["steps"]) == 4, "preview first, preview, install, up"


def test_the_token_check_finds_a_step_without_one(project_dir: Path, action: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(action))
    del next(s for s in broken["runs"]["steps"] if s.get("name") == "Up")["env"]["GITHUB_TOKEN"]
    assert steps_without_token(project_dir, broken) == [f"{ACTION}: Up"]
    assert downloads_plugins({"run": "pulumi refresh --yes -s dev"})
    assert not downloads_plugins({"run": 'pulumi stack output factoryName -s "$STACK"'})


def test_every_job_that_signs_in_by_oidc_ends_within_one_access_token_lifetime(project_dir: Path) -> None:
    """Row `github-oidc-cli-expiry`: the Azure CLI cannot renew its federated login, so the state backend and
    the Key Vault secrets provider (both through the CLI) and the Databricks provider (`github-oidc-azure`
    refreshes with the ID token it fetched first: databricks-sdk-go config/auth_azure_github_oidc.go) keep
    the access tokens they got first. Those last 60 to 90 minutes (learn.microsoft.com, "Access tokens in
    the Microsoft identity platform", token lifetime): a job that signs in ends within 60."""
    for name, workflow in all_workflows(project_dir).items():
        for job_name, job in workflow["jobs"].items():
            signs_in = runs_the_program(job) or any(
                str(s.get("uses", "")).startswith("azure/login@") for s in job["steps"]
            )
            if signs_in:
                assert job["timeout-minutes"] <= 60, (name, job_name)


def concurrency_groups(scope: dict[str, Any], stacks: list[str]) -> set[str]:
    """The groups a workflow or job joins, for each stack its matrix may hold."""
    group = (scope.get("concurrency") or {}).get("group")
    return {group.replace("${{ matrix.stack }}", stack) for stack in stacks} if group else set()


def test_no_other_workflow_joins_a_deploys_concurrency_group(project_dir: Path, deploy: dict[str, Any]) -> None:
    """Row `concurrency-pending-cancel` (docs.github.com, "Control the concurrency of workflows and jobs"): a job
    newly queued in a group cancels the group's pending job whatever `cancel-in-progress` says. So the daily
    rotation (or any other workflow) in a deploy's group could cancel a pending deploy of a merged change; only
    deploys share it, and a running deploy is never cancelled."""
    stacks = [*stack_files(), "a-new-stack"]
    deploy_jobs = [deploy["jobs"]["up"], deploy["jobs"]["up-protected"]]
    for job in deploy_jobs:
        assert job["concurrency"] == {"group": "pulumi-up-${{ matrix.stack }}", "cancel-in-progress": False}
    deploy_groups = set().union(*(concurrency_groups(job, stacks) for job in deploy_jobs))
    for name, workflow in all_workflows(project_dir).items():
        if name == "deploy.yml":
            continue
        scopes = [workflow, *workflow["jobs"].values()]
        assert set().union(*(concurrency_groups(s, stacks) for s in scopes)).isdisjoint(deploy_groups), name


def test_a_deploy_outwaits_any_rotation_and_a_rotation_gives_way(
    deploy: dict[str, Any], rotate: dict[str, Any], action: dict[str, Any]
) -> None:
    """Row `concurrency-pending-cancel`: rotation and deploy meet on the stack's lock instead (pulumi/pulumi
    pkg/backend/diy/lock.go: an update writes a lock file and refuses with "the stack is currently locked" while
    another's is there). A rotation holds it no longer than its job runs (GitHub ends a job at its
    `timeout-minutes`), so a deploy that waits at least that long never fails because of a rotation; a rotation
    that meets a deploy waits less than its own job may run and then ends cleanly (tests/test_lock_wait.py runs
    the waiting against a fake `pulumi`)."""
    rotation_job = rotate["jobs"]["rotate"]
    (rotation,) = pulumi_steps(rotation_job)
    assert rotation["on-lock"] == "skip"
    assert int(rotation["lock-wait-seconds"]) < rotation_job["timeout-minutes"] * 60
    for name in ("up", "up-protected"):
        (up,) = pulumi_steps(deploy["jobs"][name])
        assert up["on-lock"] == "fail", "a deploy never skips silently"
        assert int(up["lock-wait-seconds"]) >= rotation_job["timeout-minutes"] * 60
    step = up_step(action)
    assert step["env"]["ON_LOCK"] == "${{ inputs.on-lock }}"
    assert step["env"]["LOCK_WAIT"] == "${{ inputs.lock-wait-seconds }}"
    assert '--on-lock "$ON_LOCK" --wait-seconds "$LOCK_WAIT"' in step["run"]
    assert step["run"].startswith("python .github/scripts/pulumi_up.py ")


# --- The offline change report (docs/preview.md): every stack, forks included, commented without their code.


@pytest.fixture(scope="module")
def change_comment(project_dir: Path) -> dict[str, Any]:
    return load(project_dir / ".github/workflows/change-report-comment.yml")


def test_every_pull_request_gets_the_change_report_of_every_stack_without_credentials(
    pull_request: dict[str, Any],
) -> None:
    """No fork condition and no id-token: the report runs offline, so a fork's pull request gets it too."""
    job = pull_request["jobs"]["change-report"]
    assert "if" not in job
    assert job["permissions"] == {"contents": "read"}
    script = next(step["run"] for step in job["steps"] if step.get("name") == "change report per stack")
    assert "for file in stacks/Pulumi.*.yaml" in script, "the stacks come from the folder, not a list"
    assert "--against" in script and "--format markdown" in script
    upload = next(step for step in job["steps"] if str(step.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()", "a report with data loss is commented too"
    assert job["steps"][0]["with"]["fetch-depth"] == 0


def test_data_loss_fails_the_job_unless_the_pull_request_is_labelled_allow_data_loss(
    pull_request: dict[str, Any], tmp_path: Path
) -> None:
    """The step's own shell, run against stand-ins of the report: exit 3 fails, unless the label is set."""
    job = pull_request["jobs"]["change-report"]
    step = next(step for step in job["steps"] if step.get("name") == "change report per stack")
    assert "allow-data-loss" in step["env"]["ALLOW_DATA_LOSS"]
    assert {"labeled", "unlabeled"} <= set(pull_request["on"]["pull_request"]["types"])
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text("config: {}\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text("#!/bin/sh\necho '### report'\nexit 3\n")
    (bin_dir / "python").chmod(0o755)

    def run(allow: str) -> int:
        env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "BASE": "origin/main", "ALLOW_DATA_LOSS": allow, "PR_NUMBER": "7"}
        return subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env=env, check=False).returncode

    assert run("false") == 1
    assert run("true") == 0
    assert (tmp_path / "change-reports" / "dev.md").read_text() == "### report\n"
    assert (tmp_path / "change-reports" / "pr-number").read_text() == "7\n"


def test_the_comment_is_posted_without_checking_out_the_pull_request(change_comment: dict[str, Any]) -> None:
    """A `workflow_run` job holds a write token: it must not run the pull request's code (GitHub Security Lab,
    "Keeping your GitHub Actions and workflows secure: Preventing pwn requests")."""
    assert change_comment["on"]["workflow_run"]["workflows"] == ["pull request"]
    assert change_comment["permissions"] == {}
    job = change_comment["jobs"]["comment"]
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    uses = [str(step.get("uses", "")) for step in job["steps"]]
    assert not any(u.startswith("actions/checkout") for u in uses)
    assert not any("run" in step for step in job["steps"])
    script = job["steps"][-1]["with"]["script"]
    assert "workflow_run.head_sha" in script, "the artifact's pull request number is checked against the run"
    assert "updateComment" in script, "one comment per pull request, updated"
