"""The stack lists the workflows run on, derived from stacks/ and the program itself (never a copy).

    python .github/scripts/stacks.py deploy     # unprotected=[...] and protected=[...] (protect: true), and
                                                # runners={stack: runs-on label} (network.deployRunner)
    python .github/scripts/stacks.py private    # stacks=[...]: the stacks with network.mode private
    python .github/scripts/stacks.py rotation   # stacks=[{"stack", "targets", "runner"}]: token stacks, their
                                                # rotation chain's URNs (Rotating, Token, Secret) and runner

Each line is `name=<json>`, ready for $GITHUB_OUTPUT. Run from the repository root with the program's
virtualenv (it imports the component's config validation and runs the program offline for the URNs).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from components.config import load_settings  # noqa: E402
from components.offline.project import load_project, stack_config  # noqa: E402
from components.offline.run import run_stack  # noqa: E402
from components.settings import PlatformSettings  # noqa: E402

ROTATION_CHAIN = ("time:index/rotating:Rotating", "databricks:index/token:Token", "azure-native:keyvault:Secret")
"""What a due rotation changes (lifecycle rows `token-forcenew` and `rotating-on-refresh`): nothing else is touched
by the scheduled run."""


def settings(stack: str, root: Path = ROOT) -> PlatformSettings:
    project = load_project(root)
    config = stack_config(project, stack)
    prefix = f"{project.name}:"
    raw = {key[len(prefix) :]: value for key, value in config.items() if key.startswith(prefix)}
    location = config.get("azure-native:location")
    return load_settings(raw, project=project.name, stack=stack, location=location)


def deploy_lists(root: Path = ROOT) -> dict[str, Any]:
    """A private stack deploys from the runner its file names (network.deployRunner): its workspace and vault answer
    only inside the network (docs/networking.md)."""
    stacks = load_project(root).stacks()
    protected = [s for s in stacks if settings(s, root).protect]
    return {
        "unprotected": [s for s in stacks if s not in protected],
        "protected": protected,
        "runners": {s: settings(s, root).network.deploy_runner for s in stacks},
    }


def private_stacks(root: Path = ROOT) -> list[str]:
    return [s for s in load_project(root).stacks() if settings(s, root).network.is_private]


def rotation_targets(stack: str, root: Path = ROOT) -> str:
    plan = run_stack(stack, project_dir=root)
    return "\n".join(sorted(r.urn for r in plan.resources if r.type in ROTATION_CHAIN))


def rotation_list(root: Path = ROOT) -> list[dict[str, str]]:
    """A rotation creates a token through the workspace's API: a private stack's runs on its deploy runner."""
    stacks = [s for s in load_project(root).stacks() if settings(s, root).uses_token]
    return [
        {"stack": s, "targets": rotation_targets(s, root), "runner": settings(s, root).network.deploy_runner}
        for s in stacks
    ]


def main(argv: list[str]) -> int:
    outputs: dict[str, Any]
    if argv == ["deploy"]:
        outputs = dict(deploy_lists())
    elif argv == ["private"]:
        outputs = {"stacks": private_stacks()}
    elif argv == ["rotation"]:
        outputs = {"stacks": rotation_list()}
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for name, value in outputs.items():
        print(f"{name}={json.dumps(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
