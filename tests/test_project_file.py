"""Pulumi.yaml and the stack files, checked the way the Pulumi CLI checks them before a run.

What the preview refuses, with its messages, is tests/test_bad_input.py's table; that the real CLI accepts this
Pulumi.yaml and refuses one that breaks its project schema, tests/engine (test_engine_agreement.py,
test_engine_lifecycle.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from components import config as config_module
from components.config import load_settings
from components.offline.project import (
    ProjectError,
    find_project,
    load_project,
    parse_path,
    read_stack,
    stack_config,
)
from components.settings import KeyVaultSpec, LinkedServiceSpec, TokenSpec, WorkspaceSpec

SHARED_SPECS = Path(__file__).resolve().parents[2] / "shared" / "specs"


@pytest.fixture(scope="module")
def pulumi_yaml(project_dir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())
    return loaded


def test_project_is_python_with_stacks_in_their_own_folder(pulumi_yaml: dict[str, Any]) -> None:
    assert pulumi_yaml["name"] == "adf-databricks"
    assert pulumi_yaml["runtime"]["name"] == "python"
    assert pulumi_yaml["stackConfigDir"] == "stacks"


def test_every_key_has_a_description_and_a_default(pulumi_yaml: dict[str, Any]) -> None:
    for key, declaration in pulumi_yaml["config"].items():
        assert declaration.get("description"), key
        assert "default" in declaration, key


def test_scalar_keys_are_typed_and_object_keys_are_not(pulumi_yaml: dict[str, Any]) -> None:
    for key, declaration in pulumi_yaml["config"].items():
        if isinstance(declaration["default"], dict):
            assert "type" not in declaration, f"{key}: older CLIs reject `type: object`"
        else:
            assert declaration["type"] in ("string", "integer", "boolean", "array"), key


def test_program_reads_exactly_the_declared_keys(pulumi_yaml: dict[str, Any]) -> None:
    assert set(config_module.DECLARED_KEYS) == set(pulumi_yaml["config"])


def test_declared_defaults_are_what_the_program_assumes(pulumi_yaml: dict[str, Any]) -> None:
    defaults = {key: d["default"] for key, d in pulumi_yaml["config"].items()}
    settings = load_settings(
        {**defaults, "interactiveCluster": {"sparkVersion": "s", "nodeType": "n", "numWorkers": 1}},
        project="adf-databricks",
        stack="dev",
        location="westeurope",
    )
    assert settings.cluster_mode.value == defaults["clusterMode"]
    assert settings.auth.value == defaults["auth"]
    assert settings.workspace == WorkspaceSpec()
    assert settings.token == TokenSpec()
    assert settings.key_vault == KeyVaultSpec()
    assert settings.linked_service == LinkedServiceSpec()
    assert settings.protect is defaults["protect"]


def test_keys_of_other_namespaces_are_left_to_their_providers(project_dir: Path) -> None:
    values = stack_config(load_project(project_dir), "dev")
    assert values["azure-native:location"] == "westeurope"


def test_declared_defaults_fill_what_the_stack_file_leaves_out(project_dir: Path) -> None:
    values = stack_config(load_project(project_dir), "dev")
    assert values["adf-databricks:auth"] == "accessToken"
    # An object's declared default is {}: nested defaults are the validator's (components/args.py DEFAULTS).
    assert values["adf-databricks:linkedService"] == {}
    assert values["adf-databricks:protect"] is False


def test_pulumi_yaml_is_found_from_the_current_folder_upwards(project_dir: Path, tmp_path: Path) -> None:
    """As the CLI looks for it (pulumi preview from a subfolder works); never from where the package is installed."""
    assert find_project(project_dir / "stacks") == project_dir.resolve()
    nested = tmp_path / "mine" / "src" / "deep"
    nested.mkdir(parents=True)
    (tmp_path / "mine" / "Pulumi.yaml").write_text("name: mine\nruntime: python\n")
    assert find_project(nested) == (tmp_path / "mine").resolve()
    with pytest.raises(ProjectError, match=r"no Pulumi\.yaml in .* or any folder above it"):
        find_project(tmp_path)


def test_the_program_runs_from_pulumi_yamls_main(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: mine\nruntime: python\nmain: src/\n")
    assert load_project(tmp_path).program == tmp_path / "src" / "__main__.py"


def test_set_paths_follow_pulumi_config_set_path() -> None:
    """`pulumi config set --path`: dotted names, [N] list items, ["a.b"] for keys with dots."""
    assert parse_path("token.lifetimeDays", "adf-databricks") == ("adf-databricks:token", "lifetimeDays")
    assert parse_path('adf-databricks:jobCluster.sparkConf["spark.x.y"]', "p") == (
        "adf-databricks:jobCluster",
        "sparkConf",
        "spark.x.y",
    )
    assert parse_path("ns:list[2].name", "p") == ("ns:list", 2, "name")


def test_dev_uses_the_warm_cluster_and_prod_a_job_cluster_per_run(project_dir: Path) -> None:
    project = load_project(project_dir)
    assert stack_config(project, "dev")["adf-databricks:clusterMode"] == "existingCluster"
    assert stack_config(project, "prod")["adf-databricks:clusterMode"] == "newJobCluster"


def _scratch_stack(folder: Path, stack_file: str) -> Path:
    """A project `mine` declaring `tags` and `cluster`, with `stack_file` as its stack `s`."""
    (folder / "Pulumi.yaml").write_text(
        "name: mine\nruntime: python\nconfig:\n  tags:\n    default: {}\n  cluster:\n    default: {}\n"
    )
    (folder / "Pulumi.s.yaml").write_text(stack_file, encoding="utf-8")
    return folder


def test_merge_keys_and_anchors_read_as_yaml_v3_reads_them(tmp_path: Path) -> None:
    """yaml.v3 supports `<<` (decode.go, `merge`): a key given in the mapping wins, then the earlier merged one; a
    merged key is reported where it was written."""
    project = load_project(
        _scratch_stack(
            tmp_path,
            "config:\n"
            "  mine:tags: &tags {team: data, tier: gold}\n"
            "  mine:cluster:\n"
            "    <<: [*tags, {team: ml, size: 2}]\n"
            "    tier: silver\n",
        )
    )
    read = read_stack(project, "s")
    assert not read.findings
    assert read.values["mine:cluster"] == {"team": "data", "tier": "silver", "size": 2}
    assert read.locate(("mine:cluster", "team")) == f"{tmp_path / 'Pulumi.s.yaml'}:2:21"
    assert read.locate(("mine:cluster", "tier")) == f"{tmp_path / 'Pulumi.s.yaml'}:5:5"


def test_an_anchor_defined_again_replaces_the_first(tmp_path: Path) -> None:
    """yaml.v3 keeps the latest node of an anchor's name (decode.go, `parser.anchor`), without an error."""
    stack = "config:\n  mine:tags: &t {a: x}\n  mine:cluster: &t {b: y}\n  other:k: *t\n"
    project = load_project(_scratch_stack(tmp_path, stack))
    assert read_stack(project, "s").values["other:k"] == {"b": "y"}


def test_a_tab_separates_values_inside_brackets(tmp_path: Path) -> None:
    """yaml.v3 allows tabs between tokens in flow context (scannerc.go, yaml_parser_scan_to_next_token); at the
    start of a line they stay an error (tests/test_bad_input.py, "tab indentation")."""
    project = load_project(_scratch_stack(tmp_path, "config:\n  mine:tags: {team:\tdata,\tlist: [a,\tb]}\n"))
    assert stack_config(project, "s")["mine:tags"] == {"team": "data", "list": ["a", "b"]}


@pytest.mark.parametrize("line_break", ["\x85", "\u2028", "\u2029"])
def test_unicode_line_breaks_end_a_line_as_in_yaml_v3(tmp_path: Path, line_break: str) -> None:
    """yaml.v3 takes NEL, LS and PS for line breaks (yamlprivateh.go, `is_break`): after one, `b` starts a line of
    its own at column 1, read as a key without its `:` (found missing at the start of the line after)."""
    project = load_project(_scratch_stack(tmp_path, f"config:\n  mine:tags: a{line_break}b\n"))
    with pytest.raises(ProjectError) as refused:
        read_stack(project, "s")
    assert str(refused.value).startswith(
        f"{tmp_path / 'Pulumi.s.yaml'}:4:1: not valid YAML: could not find expected ':'"
    )


def _missing_lines(shared: list[str], ours: list[str]) -> list[str]:
    """The lines of `shared` that `ours` does not keep, in order (`ours` may add lines anywhere)."""
    missing: list[str] = []
    at = 0
    for line in shared:
        try:
            at = ours.index(line, at) + 1
        except ValueError:
            missing.append(line)
    return missing


def test_a_copy_that_edits_a_shared_row_is_caught() -> None:
    assert _missing_lines(["| 1 `a` | x |", "| 2 `b` | y |"], ["| 1 `a` | x |", "| 3 `c` | z |", "| 2 `b` | y |"]) == []
    assert _missing_lines(["| 1 `a` | x |", "| 2 `b` | y |"], ["| 1 `a` | x, edited |", "| 2 `b` | y |"]) == [
        "| 1 `a` | x |"
    ]


@pytest.mark.skipif(not SHARED_SPECS.is_dir(), reason="the team's shared specs are not beside this clone")
def test_vendored_specs_keep_every_shared_line_and_only_add(specs: Path) -> None:
    """The project's copy is the team's copy plus what this project added (rows for the types it builds, new
    schema views); a fact of the team's is never edited here, only added to, so the two never disagree."""
    for shared in SHARED_SPECS.iterdir():
        ours = specs / shared.name
        assert ours.is_file(), f"{shared.name} of the team's specs is missing from components/offline/specs"
        missing = _missing_lines(shared.read_text().splitlines(), ours.read_text().splitlines())
        assert not missing, f"{shared.name}: lines of the team's copy changed or gone here: {missing[:3]}"
