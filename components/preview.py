"""Offline preview: what `pulumi preview -s <stack>` would create, without a Pulumi CLI or Azure.

    python -m components.preview dev
    python -m components.preview prod --format adf
    python -m components.preview dev --set adf-databricks:clusterMode=newJobCluster --format json

Runs the project's real `__main__.py` under Pulumi's mock runtime with the stack file plus the
Pulumi.yaml defaults. Exits 1 with the validation error for a bad stack file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from components.config import ConfigError
from components.offline.mocks import OFFLINE_SUBSCRIPTION_ID, AzureMocks
from components.offline.project import ProjectError
from components.offline.render import FORMATS
from components.offline.run import PROJECT_DIR, run_stack


def _override(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"--set takes key=value, got {text!r}")
    return key, yaml.safe_load(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m components.preview", description=__doc__.split("\n\n")[0])
    parser.add_argument("stack", help="a stack with a file stacks/Pulumi.<stack>.yaml")
    parser.add_argument("--format", choices=sorted(FORMATS), default="text")
    parser.add_argument("--json", action="store_const", const="json", dest="format", help="same as --format json")
    parser.add_argument(
        "--set",
        type=_override,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a stack-file value, as `pulumi config set` would (value is YAML)",
    )
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="the folder holding Pulumi.yaml")
    parser.add_argument(
        "--subscription-id",
        default=OFFLINE_SUBSCRIPTION_ID,
        help="your subscription id, to see the globally unique names `pulumi up` will use",
    )
    args = parser.parse_args(argv)
    try:
        plan = run_stack(
            args.stack, dict(args.set), project_dir=args.project_dir, mocks=AzureMocks(args.subscription_id)
        )
    except (ConfigError, ProjectError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(FORMATS[args.format](plan))
    return 0


if __name__ == "__main__":
    sys.exit(main())
