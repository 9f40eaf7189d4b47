"""The change report, as a reviewer runs it: `python -m components.preview <stack> --against <ref>`.

Each test works on a copy of the project in a git repository of its own: the copy's first commit stands for what is
deployed, an edit of its stack file or program for the pull request. The report must say, per resource, what the
next `pulumi up` does (create, update, replace with its order and the rule's source, delete), mark data loss loudly,
and exit 0 (fine), 1 (invalid stack), 2 (cannot compare) or 3 (data loss). Verdicts on every catalogue step are
checked in tests/test_lifecycle.py (`check_report`); the rows of the replacement table in tests/test_replacements.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from lifecycle_scenarios import FACTORY, RESOURCE_GROUP, SECRET, TOKEN, VAULT, WORKSPACE, stack_files

from components import preview
from components.offline import baseline
from components.offline.run import PROJECT_DIR

COPIED = ("components", "__main__.py", "Pulumi.yaml", "stacks")
GIT = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t"}
GIT |= {"GIT_COMMITTER_EMAIL": "t@example.com"}


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True, env={**os.environ, **GIT}
    )
    return done.stdout.strip()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project, committed once on `main`: the deployed state."""
    for name in COPIED:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", ".venv"))
        else:
            shutil.copy(source, tmp_path / name)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "deployed")
    return tmp_path


def edit_stack(project: Path, stack: str, **config: Any) -> None:
    """Set keys in the stack file as `pulumi config set` would (`azure-native:location`, or a project key)."""
    path = project / "stacks" / f"Pulumi.{stack}.yaml"
    document = yaml.safe_load(path.read_text())
    for key, value in config.items():
        name = key.replace("__", ":").replace("_", "-") if "__" in key else f"adf-databricks:{key}"
        document["config"][name] = value
    path.write_text(yaml.safe_dump(document))


def report(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = preview.main([*args, "--project-dir", str(project)])
    out, err = capsys.readouterr()
    return code, out, err


def resources(out: str) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in json.loads(out)["resources"]}


def test_every_stack_against_its_own_commit_changes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for stack in stack_files():
        code, out, err = report(project, capsys, stack, "--against", "main", "--format", "json")
        assert (code, err) == (0, ""), err
        assert {r["action"] for r in json.loads(out)["resources"]} == {"same"}, stack


def test_a_region_move_replaces_what_holds_data_delete_first_and_exits_3(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`fixed-name-delete-first` and the ARM location rule (replacement-sources.md#arm-location): every tracked resource
    is replaced, old one first; the workspace takes its notebooks and jobs along (`workspace-creation-only`), the vault
    its secrets into soft delete (`kv-soft-delete-name`)."""
    edit_stack(project, "dev", azure_native__location="northeurope")
    code, out, _ = report(project, capsys, "dev", "--against", "--format", "json")
    assert code == 3
    seen = resources(out)
    for name in (RESOURCE_GROUP, WORKSPACE, VAULT, FACTORY):
        assert (seen[name]["action"], seen[name]["order"]) == ("replace", "delete-first"), name
    location = next(p for p in seen[WORKSPACE]["properties"] if p["path"] == "location")
    assert (location["old"], location["new"]) == ("westeurope", "northeurope")
    assert "arm-location" in location["forcesReplacement"]
    provider = seen["adf-databricks-databricks"]
    assert (provider["action"], provider["knownAfterApply"]) == ("same", [WORKSPACE]), "the new workspace's URL"
    losses = {loss["urn"].rsplit("::", 1)[1]: loss for loss in json.loads(out)["dataLoss"]}
    assert set(losses) == {RESOURCE_GROUP, WORKSPACE, VAULT, FACTORY}
    assert "notebooks" in losses[WORKSPACE]["loses"] and "soft delete" in losses[VAULT]["loses"]


def test_a_protected_prod_says_the_real_up_will_refuse(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Pulumi refuses to delete or replace a resource marked `protect` (pulumi/pulumi `pkg/resource/deploy/step.go`)."""
    edit_stack(project, "prod", azure_native__location="northeurope")
    code, out, _ = report(project, capsys, "prod", "--against", "main")
    assert code == 3
    assert out.index("DATA LOSS") < out.index(f"+- replace {WORKSPACE}"), "data loss comes first"
    assert "protected: the real `pulumi up` will refuse this" in out


def test_a_shorter_token_lifetime_replaces_the_token_first_and_loses_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`token-forcenew` (terraform-provider-databricks tokens/resource_token.go): a new lifetime is a new token, made
    before the old is deleted; the secret takes the new value (shown masked)."""
    edit_stack(project, "dev", token={"lifetimeDays": 80, "rotationDays": 60})
    code, out, _ = report(project, capsys, "dev", "--against", "main", "--format", "json")
    assert code == 0
    seen = resources(out)
    assert (seen[TOKEN]["action"], seen[TOKEN]["order"]) == ("replace", "create-before-delete")
    assert seen[SECRET]["action"] == "update"
    assert json.loads(out)["dataLoss"] == []
    assert "dapi" not in out


def test_the_markdown_comment_is_the_same_bytes_every_time(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit_stack(project, "dev", azure_native__location="northeurope")
    first = report(project, capsys, "dev", "--against", "main", "--format", "markdown")
    second = report(project, capsys, "dev", "--against", "main", "--format", "markdown")
    assert first == second
    assert "[!CAUTION]" in first[1] and "| replace | `adf-databricks-workspace`" in first[1]


def test_a_stack_the_base_does_not_have_is_created_whole(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(project / "stacks" / "Pulumi.dev.yaml", project / "stacks" / "Pulumi.dev2.yaml")
    code, out, _ = report(project, capsys, "dev2", "--against", "main", "--format", "json")
    assert code == 0
    assert {r["action"] for r in json.loads(out)["resources"]} == {"create"}


def test_an_invalid_stack_exits_1_a_ref_that_cannot_run_exits_2(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report(project, capsys, "dev", "--against", "no-such-ref")[0] == 2
    (project / "__main__.py").write_text("raise RuntimeError('broken at this commit')\n")
    git(project, "commit", "-qam", "broken program")
    git(project, "checkout", "-q", "-b", "fix", "HEAD")
    (project / "__main__.py").write_text((PROJECT_DIR / "__main__.py").read_text())
    code, _, err = report(project, capsys, "dev", "--against", "HEAD")
    assert code == 2 and "cannot compare" in err and "broken at this commit" in err
    edit_stack(project, "dev", clusterMode="sometimes")
    code, _, err = report(project, capsys, "dev", "--against", "main")
    assert code == 1 and "clusterMode" in err


def test_the_base_is_built_here_only_when_its_program_is_the_working_trees(project: Path) -> None:
    """Only stack files edited: this process's program is the base's, so it builds the base's plan (no second
    process); anything else edited (here one comment in __main__.py): the base's own code, in its own process."""
    stacks = project / "stacks"
    edit_stack(project, "dev", azure_native__location="northeurope")
    with baseline.exported(project, "main") as base:
        assert baseline.same_program(base, project, stacks)
    with (project / "__main__.py").open("a") as program:
        program.write("# a comment\n")
    with baseline.exported(project, "main") as base:
        assert not baseline.same_program(base, project, stacks)


def test_the_base_built_in_its_own_process_reports_what_the_one_built_here_does(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_stack(project, "dev", azure_native__location="northeurope")
    here = report(project, capsys, "dev", "--against", "main", "--format", "json")
    with (project / "__main__.py").open("a") as program:
        program.write("# a comment\n")
    assert report(project, capsys, "dev", "--against", "main", "--format", "json") == here
    assert here[0] == 3


def test_a_base_whose_stack_file_is_invalid_cannot_be_compared(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_stack(project, "dev", clusterMode="sometimes")
    git(project, "commit", "-qam", "an invalid stack file")
    edit_stack(project, "dev", clusterMode="existingCluster")
    code, _, err = report(project, capsys, "dev", "--against", "HEAD")
    assert code == 2 and "cannot compare" in err and "clusterMode" in err
