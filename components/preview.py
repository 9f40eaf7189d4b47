"""Offline preview: what `pulumi preview -s <stack>` would create, without a Pulumi CLI or Azure.

    python -m components.preview dev
    python -m components.preview prod --format adf
    python -m components.preview dev --set adf-databricks:clusterMode=newJobCluster --format json

Run it from a Pulumi project's folder (or below it): like the CLI, it uses the nearest Pulumi.yaml above the
current folder — this repository's, or your own program's — and that project's stack files. It runs the
program's real `__main__.py` under Pulumi's mock runtime with the stack file plus the Pulumi.yaml defaults.
A bad project file, stack file or `--set` prints every problem at once, each with where it was written, and
exits 1. The same stack and config print the same bytes every time: ids and times come from a fixed clock
unless `--real-clock` is given. Databricks runtime support is judged on today's date (UTC), as `pulumi up` judges
it, or on the day `--today` names: the same stack, config and day print the same bytes.
"""

from __future__ import annotations

import argparse
import re
import sys
import traceback
from datetime import UTC, date, datetime
from pathlib import Path

import pulumi

from components import runtimes
from components.config import ConfigError
from components.offline.mocks import OFFLINE_SUBSCRIPTION_ID, AzureMocks
from components.offline.plan import Plan
from components.offline.project import (
    Finding,
    ProjectError,
    StackConfig,
    find_project,
    load_project,
    parse_override,
    read_stack,
    relative,
)
from components.offline.render import FORMATS
from components.offline.run import run_program

FIXED_CLOCK = datetime(2026, 1, 1, tzinfo=UTC)
"""The time every offline preview runs at unless `--real-clock`: ids, token expiries and rotation dates derive
from it, so two previews of the same config are byte-identical."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m components.preview", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("stack", help="a stack with a file Pulumi.<stack>.yaml in the project's stackConfigDir")
    parser.add_argument("--format", choices=sorted(FORMATS), default="text")
    parser.add_argument("--json", action="store_const", const="json", dest="format", help="same as --format json")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a stack-file value, as `pulumi config set --path` would: KEY is namespace:key with .name, "
        '[0] or ["a.b"] for nested values; VALUE is YAML',
    )
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=None,
        help="the folder holding Pulumi.yaml (default: the nearest one at or above the current folder)",
    )
    parser.add_argument(
        "--subscription-id",
        default=OFFLINE_SUBSCRIPTION_ID,
        help="your subscription id, to see the globally unique names `pulumi up` will use",
    )
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="judge Databricks runtime support as on this day (default: today's date, UTC): a runtime past its end "
        "of support is refused, one within six months of it warned about",
    )
    parser.add_argument(
        "--real-clock",
        action="store_true",
        help=f"ids and times from the current time instead of {FIXED_CLOCK:%Y-%m-%d} (output then differs per run)",
    )
    return parser


def _position(finding: Finding) -> tuple[int, int, int]:
    """Report order: the stack file top to bottom, then what is missing from it, then `--set` values."""
    match = re.search(r":(\d+):(\d+)$", finding.where)
    if match:
        return (0, int(match.group(1)), int(match.group(2)))
    return (2 if finding.where.startswith("--set ") else 1, 0, 0)


def report(read: StackConfig, findings: list[Finding]) -> str:
    """One message for every problem: where each was written, the key as written, what is allowed."""
    ordered = sorted(findings, key=_position)
    count = f"{len(ordered)} configuration problem{'s' if len(ordered) != 1 else ''}"
    fix = []
    if any(not f.where.startswith("--set ") for f in ordered):
        fix.append(read.shown)
    if any(f.where.startswith("--set ") for f in ordered):
        fix.append("the --set values")
    return "\n".join(
        [f"Stack '{read.stack}' has {count} (nothing was created):"]
        + [f"  - {f}" for f in ordered]
        + [f"Fix {' and '.join(fix)}, then preview again."]
    )


def _program_failure(error: Exception, program: Path) -> Finding:
    """A program that stops with something other than a config error: where in the program, no traceback."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename).resolve() == program.resolve()]
    where = f"{relative(program)}:{frames[-1].lineno}" if frames else relative(program)
    if isinstance(error, pulumi.RunError):
        return Finding(where, "", str(error))
    return Finding(where, "", f"the program stopped with {type(error).__name__}: {error}")


def plan_or_findings(read: StackConfig, mocks: AzureMocks) -> tuple[Plan | None, list[Finding]]:
    """Run the program whatever was found before it, so that its own problems are reported in the same report."""
    findings = list(read.findings)
    try:
        plan = run_program(read.project, read.stack, read.values, mocks, read.secret_keys)
    except ConfigError as error:
        return None, findings + [read.finding(p) for p in error.issues]
    except Exception as error:  # the user's program: report it as one finding, never a traceback
        return None, [*findings, _program_failure(error, read.project.program)]
    return (None if findings else plan), findings


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        project = load_project(args.project_dir or find_project(Path.cwd()))
        if not project.program.is_file():
            raise ProjectError(f"no program at {relative(project.program)} (Pulumi.yaml's main, or __main__.py)")
        overrides = [parse_override(text, project.name) for text in args.set]
        read = read_stack(project, args.stack, overrides)
    except ProjectError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    now = None if args.real_clock else FIXED_CLOCK.timestamp()
    with runtimes.judged_on(args.today or runtimes.today()):
        plan, findings = plan_or_findings(read, AzureMocks(args.subscription_id, now=now))
    if plan is None:
        print(f"error: {report(read, findings)}", file=sys.stderr)
        return 1
    print(FORMATS[args.format](plan))
    return 0


if __name__ == "__main__":
    sys.exit(main())
