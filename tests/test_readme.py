"""The README tells the truth: its commands are the ones CI runs, its diagrams and tables are current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from components.offline.render import mermaid
from components.offline.run import run_stack


@pytest.fixture(scope="module")
def readme(project_dir: Path) -> str:
    return (project_dir / "README.md").read_text()


def quick_start_commands(readme: str) -> list[str]:
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, re.DOTALL)]


def test_readme_gives_exactly_two_setup_commands(readme: str) -> None:
    preview, tests = quick_start_commands(readme)
    assert preview.endswith("-m components.preview dev")
    assert tests.endswith("-m pytest")
    # the preview installs the runtime set only; the tests, the development set (tests/test_requirements.py)
    assert " -r requirements.txt " in preview
    assert " -r requirements-dev.txt " in tests


def test_ci_runs_the_readmes_test_command_verbatim(readme: str, project_dir: Path) -> None:
    tests = quick_start_commands(readme)[1]
    assert tests in (project_dir / ".ci" / "run").read_text()


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_readme_diagrams_are_what_the_preview_draws_now(readme: str, stack: str) -> None:
    block = readme.split(f"<!-- mermaid:{stack}:start -->", 1)[1].split(f"<!-- mermaid:{stack}:end -->", 1)[0]
    shown = block.strip().removeprefix("```mermaid").removesuffix("```").strip()
    assert shown == mermaid(run_stack(stack)), f"regenerate: python -m components.preview {stack} --format mermaid"


def test_every_declared_config_key_is_documented(readme: str, project_dir: Path) -> None:
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    declared = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())["config"]
    for key in declared:
        assert f"`{key}" in section, key
