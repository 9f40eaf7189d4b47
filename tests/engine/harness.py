"""The engine tier's workbench: a project folder, a file state backend, the stand-in plugins on PATH and the
fake cloud's store, all in one temporary folder per test; operations go through the real `pulumi` CLI.

Where the tools come from: `.ci/engine-tools --check` prints the folder the tools were built into (it never
builds). Without it the engine tests skip, unless `ADF_ENGINE_REQUIRED=1` (CI), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.offline.cloud_state import OFFLINE_SUBSCRIPTION_ID
from tests.engine.standin import store

REPO = Path(__file__).resolve().parents[2]
PROJECT = "adf-databricks"
PASSPHRASE = "engine-tier-passphrase"
EPOCH = 1_793_500_000
"""The fake cloud's clock at the start of every test (2026-10-31): fixed, so runs are reproducible."""
DAY = 86_400
PACKAGES = ("azure-native", "databricks", "time")


def tools_bin() -> Path | None:
    found = subprocess.run([str(REPO / ".ci" / "engine-tools"), "--check"], capture_output=True, text=True, check=False)
    return Path(found.stdout.strip()) if found.returncode == 0 else None


def require_tools() -> Path:
    """The tools' folder; skips the test without it, or fails it when the engine tier is required."""
    found = tools_bin()
    if found is None:
        message = "engine tools not built: run .ci/engine-tools (see docs/engine.md)"
        if os.environ.get("ADF_ENGINE_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found


def policy_venv() -> Path:
    venv = REPO / "policy" / ".venv"
    if not (venv / "bin" / "python").exists():
        message = (
            "policy/.venv missing: python3 -m venv policy/.venv && "
            "policy/.venv/bin/pip install -r policy/requirements.txt"
        )
        if os.environ.get("ADF_ENGINE_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return venv


@dataclass
class Result:
    ok: bool
    events: list[dict[str, Any]]
    output: list[str]
    changes: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.output) + "\n" + self.error

    def steps(self, *ops: str) -> list[dict[str, Any]]:
        """The resource steps the engine announced, in order (resource pre-events), optionally by op."""
        return [e for e in self.events if e["kind"] == "pre" and (not ops or e["op"] in ops)]

    def ops_for(self, type_: str) -> list[str]:
        return [e["op"] for e in self.steps() if e["type"] == type_]

    def changed(self) -> list[dict[str, Any]]:
        return [e for e in self.steps() if e["op"] not in ("same", "read", "refresh")]


class Engine:
    """One project, one backend, one fake cloud."""

    def __init__(
        self, root: Path, tools: Path, store_path: Path | None = None, subscription: str = OFFLINE_SUBSCRIPTION_ID
    ) -> None:
        self.root = root
        self.tools = tools
        self.subscription = subscription
        self.neighbour: Engine | None = None
        self.project = root / "project"
        self.project.mkdir()
        shutil.copy(REPO / "Pulumi.yaml", self.project / "Pulumi.yaml")
        shutil.copytree(REPO / "stacks", self.project / "stacks")
        self.bin = root / "bin"
        self.bin.mkdir()
        for package in PACKAGES:
            self._script(
                f"pulumi-resource-{package}",
                f'PYTHONPATH="{REPO}" exec "{sys.executable}" -m tests.engine.standin {package} "$@"',
            )
        # The policy pack, launched as an analyzer plugin: the engine runs an executable given as the pack's
        # path directly (pkg/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer). A pack folder would need
        # Pulumi's Python language host, which the Go module proxy does not serve. The pack's own code,
        # virtualenv and PulumiPolicy.yaml are used; the engine enforces what it reports. The engine passes its
        # own address as the first argument, which is how the pack knows it is not run by hand.
        self.policy_pack = self.bin / "policy" / "adf-databricks-policy"
        self.policy_pack.parent.mkdir()
        shutil.copy(REPO / "policy" / "PulumiPolicy.yaml", self.policy_pack.parent / "PulumiPolicy.yaml")
        self._script(
            "policy/adf-databricks-policy",
            f'cd "{REPO / "policy"}" && exec .venv/bin/python -u __main__.py "$@"',
        )
        self.store = store_path or root / "cloud.json"
        if store_path is None:
            store.write(self.store, store.initial(EPOCH))
        (root / "state").mkdir()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "ARM_", "DATABRICKS_"))},
            "PATH": os.pathsep.join([str(self.bin), str(tools), os.environ.get("PATH", "")]),
            "PULUMI_HOME": str(root / "home"),
            "PULUMI_BACKEND_URL": f"file://{root / 'state'}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DIY_BACKEND_NO_LEGACY_WARNING": "true",
            store.ENV: str(self.store),
        }

    def elsewhere(self, subscription: str) -> Engine:
        """A second copy of the project, with its own folder and state backend, deploying into `subscription` of
        the same tenant: it shares this fake cloud (and so the tenant's role assignments)."""
        if self.neighbour is None:
            root = self.root / "elsewhere"
            root.mkdir()
            self.neighbour = Engine(root, self.tools, store_path=self.store, subscription=subscription)
        return self.neighbour

    def _script(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)

    # --- the stack file and the cloud -----------------------------------------------------------------

    def stack_file(self, stack: str) -> Path:
        return self.project / "stacks" / f"Pulumi.{stack}.yaml"

    def configure(self, stack: str, overrides: dict[str, Any]) -> None:
        """Set project keys in the stack file, as a user edits it (None removes a key)."""
        path = self.stack_file(stack)
        document = yaml.safe_load(path.read_text())
        config = document.setdefault("config", {})
        for key, value in overrides.items():
            full = key if ":" in key else f"{PROJECT}:{key}"
            if value is None:
                config.pop(full, None)
            else:
                config[full] = value
        path.write_text(yaml.safe_dump(document, sort_keys=False))

    def cloud(self) -> dict[str, Any]:
        return store.read(self.store)

    def change_cloud(self, **values: Any) -> None:
        with store.opened(self.store) as cloud:
            cloud.update(values)

    def advance(self, days: float) -> None:
        with store.opened(self.store) as cloud:
            cloud["now"] += int(days * DAY)

    # --- running --------------------------------------------------------------------------------------

    def run(self, op: str, stack: str, program: str = "real", **options: Any) -> Result:
        self.change_cloud(subscriptionId=self.subscription)
        request_path = self.root / "request.json"
        result_path = self.root / "result.json"
        result_path.unlink(missing_ok=True)
        request_path.write_text(
            json.dumps(
                {
                    "op": op,
                    "stack": stack,
                    "program": program,
                    "project_dir": str(self.project),
                    "options": options,
                    "result": str(result_path),
                }
            )
        )
        subprocess.run(
            [sys.executable, "-m", "tests.engine.drive", str(request_path)],
            cwd=REPO,
            env={**self.env, "PYTHONPATH": str(REPO)},
            check=False,
            timeout=900,
        )
        data = json.loads(result_path.read_text())
        return Result(**{k: v for k, v in data.items() if k in Result.__dataclass_fields__})

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pulumi", *args, "--non-interactive"],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=300,
        )
