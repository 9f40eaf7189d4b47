"""Two locked sets: requirements.txt is what the preview and `pulumi up` need, nothing more; requirements-dev.txt
adds the tools. Each lock is exactly the closure of what pyproject.toml declares for it, at exact versions, and the
suite runs on those versions."""

from __future__ import annotations

import re
import subprocess
import tomllib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# pip freeze leaves these out: every virtualenv has its own.
INSTALLER = {"pip", "setuptools"}


def closure(requirements: Iterable[str]) -> dict[str, str]:
    """Each installed distribution `requirements` pull in (extras and markers followed) → its installed version."""
    found: dict[str, str] = {}
    todo = [Requirement(text) for text in requirements]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in found or name in INSTALLER:
            continue
        distribution = metadata.distribution(requirement.name)
        found[name] = distribution.version
        for text in distribution.requires or []:
            dependency = Requirement(text)
            extras = requirement.extras or {""}
            if dependency.marker is None or any(dependency.marker.evaluate({"extra": e}) for e in extras):
                todo.append(dependency)
    return found


def locked(path: Path) -> dict[str, str]:
    """A lock file's pins, name → version; a line that is not `name==version` fails the test."""
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if not line or line.startswith("#") or line == "-r requirements.txt":
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;]+)", line)
        assert match, f"{path.name}: {line!r} is not an exact pin"
        pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


@pytest.fixture(scope="module")
def declared(project_dir: Path) -> dict[str, list[str]]:
    project = tomllib.loads((project_dir / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    runtime = [*project["dependencies"], *extras["preview"]]
    return {"runtime": runtime, "tools": extras["dev"], "dev": [*runtime, *extras["dev"]]}


def test_the_runtime_lock_is_what_the_program_and_the_preview_need(
    project_dir: Path, declared: dict[str, list[str]]
) -> None:
    assert locked(project_dir / "requirements.txt") == closure(declared["runtime"])


def test_the_development_lock_is_the_runtime_lock_plus_the_tools(
    project_dir: Path, declared: dict[str, list[str]]
) -> None:
    dev_file = project_dir / "requirements-dev.txt"
    assert "-r requirements.txt" in dev_file.read_text().splitlines()
    runtime = locked(project_dir / "requirements.txt")
    tools = locked(dev_file)
    assert not runtime.keys() & tools.keys(), "a package is pinned in both locks"
    assert runtime | tools == closure(declared["dev"])


def test_no_tool_is_in_the_runtime_lock(project_dir: Path, declared: dict[str, list[str]]) -> None:
    runtime = locked(project_dir / "requirements.txt")
    tools = {canonicalize_name(Requirement(text).name) for text in declared["tools"]}
    assert not tools & runtime.keys()


def test_ci_deploys_with_the_runtime_set(project_dir: Path) -> None:
    """The workflows and the action install the runtime set (and the policy pack and the Checkov job their own); only
    .ci/run, which runs the tests, installs the development set."""
    installs = {
        found
        for path in (project_dir / ".github").rglob("*.yml")
        for found in re.findall(r"pip install[^\n]*? -r (\S+)", path.read_text())
    }
    assert installs == {"requirements.txt", "policy/requirements.txt", "requirements-checkov.txt"}
    assert "pip install -q -r requirements-dev.txt" in (project_dir / ".ci" / "run").read_text()


def test_the_preview_imports_only_what_the_runtime_lock_holds(
    project_dir: Path, docs_preview_command: subprocess.CompletedProcess[str]
) -> None:
    """The tests run with the development set, where a tool's package (jsonschema, ruamel.yaml: check-jsonschema
    brings them) would be there for the preview too: the runtime set alone would then fail to run it. The modules
    are those the preview's own process imported (its import log: `import time: ... | <module>`)."""
    modules = {line.rsplit("|", 1)[1].strip() for line in docs_preview_command.stderr.splitlines() if "|" in line}
    assert "components.offline.run" in modules and "pulumi_azure_native" in modules
    owners = metadata.packages_distributions()
    distributions = {canonicalize_name(d) for m in modules for d in owners.get(m.partition(".")[0], [])}
    runtime = locked(project_dir / "requirements.txt").keys() | INSTALLER
    assert distributions - runtime == set()
