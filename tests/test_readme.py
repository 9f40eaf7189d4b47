"""The README and docs/ tell the truth: the README's commands are the ones CI runs, its examples run as written,
the generated parts (diagrams, tables, example output) are what the code produces now, and it stays short."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from plans import planned
from support import PROJECT_DIR, between, code_blocks, doc, doc_section, preview_here, stacks

from components.config import ConfigError, load_settings
from components.offline.render import mermaid

README_LIMIT = 20_000
"""Characters: a README a user reads in ten minutes (pulumi-awsx's is about 5,000, pulumi-eks's about 6,000)."""
DOCUMENTS = ["README.md", *sorted(str(p.relative_to(PROJECT_DIR)) for p in (PROJECT_DIR / "docs").glob("*.md"))]


def quick_start_commands() -> list[str]:
    return [block.strip() for block in code_blocks(doc_section("README.md", "## Quick start"), "bash")]


def test_readme_gives_exactly_two_setup_commands() -> None:
    preview_command, tests = quick_start_commands()
    assert preview_command.endswith("-m components.preview dev")
    assert tests.endswith("-m pytest -n auto")  # the unit tier over every core (pytest-xdist)
    # the preview installs the runtime set only; the tests, the development set (tests/test_requirements.py)
    assert " -r requirements.txt " in preview_command
    assert " -r requirements-dev.txt " in tests


def test_ci_runs_the_readmes_test_command_verbatim() -> None:
    tests = quick_start_commands()[1]
    assert tests in (PROJECT_DIR / ".ci" / "run").read_text()


def test_the_readme_is_read_in_ten_minutes() -> None:
    assert len(doc("README.md")) <= README_LIMIT


def drawn_stacks() -> list[str]:
    return re.findall(r"<!-- mermaid:(\S+):start -->", doc("docs/resources.md"))


@pytest.mark.parametrize("stack", drawn_stacks())
def test_the_resource_graphs_are_what_the_preview_draws_now(stack: str) -> None:
    assert stack in stacks(), f"docs/resources.md draws {stack}, which has no stack file"
    shown = between(doc("docs/resources.md"), f"mermaid:{stack}").removeprefix("```mermaid").removesuffix("```")
    regenerate = f"regenerate: python -m components.preview {stack} --format mermaid"
    assert shown.strip() == mermaid(planned(stack)), regenerate


def test_every_declared_config_key_is_documented(project_dir: Path) -> None:
    reference = doc("docs/configuration.md")
    declared = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())["config"]
    for key in declared:
        assert f"`{key}" in reference, key


def test_the_readmes_python_program_previews_as_written(tmp_path: Path) -> None:
    """A newcomer copies the README's Python section into a folder — its Pulumi.yaml, its stack file, its
    `__main__.py` — and previews it as the README says, from that folder with the checkout importable (in this
    process, as PYTHONPATH makes it; tests/test_preview.py runs the command in a process of its own). The plan is
    built from the stack file's values: the program reads its stack's config, it hard-codes none."""
    section = doc_section("README.md", "## Use it from your language").split("**TypeScript", 1)[0]
    project_file, stack_file = code_blocks(section, "yaml")
    (program,) = code_blocks(section, "python")
    stack = re.search(r"`stacks/Pulumi\.(\w+)\.yaml`", section).group(1)  # type: ignore[union-attr]
    assert f"python -m components.preview {stack}" in section
    (tmp_path / "Pulumi.yaml").write_text(project_file)
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / f"Pulumi.{stack}.yaml").write_text(stack_file)
    (tmp_path / "__main__.py").write_text(program)

    result = preview_here(stack, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(stack_file)["config"]
    settings = config[f"{yaml.safe_load(project_file)['name']}:platform"]
    assert f"location: {config['azure-native:location']}" in result.stdout
    assert f"properties.newClusterNumOfWorker: {settings['jobCluster']['workers']}" in result.stdout
    assert f"properties.newClusterVersion: {settings['jobCluster']['sparkVersion']}" in result.stdout
    assert settings["auth"] == "managedIdentity"
    assert "properties.authentication: MSI" in result.stdout


def test_the_readmes_typescript_is_the_example_the_engine_tier_compiles() -> None:
    """The README quotes `examples/typescript/index.ts`, which tests/engine/test_package_consumers.py compiles
    against the generated SDK; a snippet of its own would be checked by nothing."""
    section = doc_section("README.md", "## Use it from your language")
    (snippet,) = code_blocks(section, "typescript")
    assert "`examples/typescript/index.ts`" in section
    assert snippet in (PROJECT_DIR / "examples" / "typescript" / "index.ts").read_text()


def test_the_validation_example_is_what_the_validator_says() -> None:
    """docs/configuration.md shows what `pulumi up` prints for prod with two mistakes; the validator says it."""
    (shown,) = code_blocks(doc_section("docs/configuration.md", "## Every problem at once"), "text")
    config = yaml.safe_load((PROJECT_DIR / "stacks" / "Pulumi.prod.yaml").read_text())["config"]
    raw = {key.split(":", 1)[1]: value for key, value in config.items() if key.startswith("adf-databricks:")}
    for line in shown.splitlines()[1:]:
        key, value = re.fullmatch(r"  - adf-databricks:(\w+\.\w+): (\S+?):? .*", line).groups()  # type: ignore[union-attr]
        section, name = key.split(".")
        raw[section] = {**raw[section], name: yaml.safe_load(value)}
    with pytest.raises(ConfigError) as error:
        load_settings(raw, project="adf-databricks", stack="prod", location=config["azure-native:location"])
    assert str(error.value) == shown.strip()


@pytest.mark.parametrize("name", DOCUMENTS)
def test_links_stay_in_the_repository_or_go_to_public_sources(name: str) -> None:
    for target in re.findall(r"\]\(([^)\s]+)\)", doc(name)):
        if re.match(r"https://", target):
            continue
        assert "://" not in target, f"{name}: {target}"
        path = (PROJECT_DIR / name).parent / target.split("#", 1)[0]
        assert path.resolve().is_relative_to(PROJECT_DIR) and path.exists(), f"{name}: {target}"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_lifecycle_facts_are_cited_by_name_not_by_row_number(name: str) -> None:
    """Row numbers change when rows are added; the short names in backticks do not."""
    assert not re.findall(r"\b(?:rows?|rules?) \d+", doc(name)), name


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_sentence_describes_the_machine_the_project_was_built_on(name: str) -> None:
    text = doc(name).lower()
    for phrase in ("this machine", "2 cores", "2-core", "on our machine"):
        assert phrase not in text, f"{name}: {phrase}"
