"""Offline preview: what `pulumi preview -s <stack>` would create, without a Pulumi CLI or Azure.

    python -m components.preview dev
    python -m components.preview -s prod --format adf
    python -m components.preview dev --set adf-databricks:clusterMode=newJobCluster --format json
    python -m components.preview prod --against main --format markdown

`--against <git ref>` (default: the merge base of HEAD with main) prints a change report instead: what the next
`pulumi up` would do to the stack as that ref deployed it, per resource (docs/preview.md). Exit codes: 0, 1 invalid
stack, 2 cannot compare (the ref does not resolve or its program does not run), 3 data loss.

Like the CLI, it uses the nearest Pulumi.yaml at or above the current folder — this repository's, or your own
program's — and that project's stack files; `components` must be importable (it is from the repository's root;
elsewhere put the checkout on PYTHONPATH). It runs the program's real `__main__.py` under Pulumi's mock runtime
with the stack file plus the Pulumi.yaml defaults. A bad project file, stack file, `--set` or program prints
every problem at once, each with where it was written, and exits 1. The same stack and config print the same
bytes every time: ids and times come from a fixed clock unless `--real-clock` is given. Databricks runtime
support is judged on today's date (UTC), as `pulumi up` judges it, or on the day `--today` names: the same stack,
config and day print the same bytes.
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
from components.offline import baseline, change_render
from components.offline.changes import compare
from components.offline.collector import collect_cycles_rarely
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
    parser.add_argument(
        "stack", nargs="?", help="a stack with a file Pulumi.<stack>.yaml in the project's stackConfigDir"
    )
    # `-s` / `--stack`, as `pulumi preview -s dev` takes it: the habit Pulumi users bring.
    parser.add_argument("-s", "--stack", dest="stack_option", metavar="STACK", help="the stack, as pulumi takes it")
    parser.add_argument("--format", choices=sorted({*FORMATS, *change_render.FORMATS}), default="text")
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
        "--policy",
        action="store_true",
        help="also run the policy pack's own rules (policy/rules.py) on the plan, as `--policy-pack policy` would, "
        "and list each violation with its enforcement level; a mandatory one exits 1",
    )
    parser.add_argument(
        "--against",
        nargs="?",
        const="",
        default=None,
        metavar="REF",
        help="print a change report against this git ref (default: the merge base of HEAD with main): per resource "
        "create, update, replace or delete, and what would lose data (formats: text, json, markdown)",
    )
    parser.add_argument(
        "--real-clock",
        action="store_true",
        help=f"ids and times from the current time instead of {FIXED_CLOCK:%Y-%m-%d} (output then differs per run)",
    )
    return parser


def _stack(args: argparse.Namespace, parser: argparse.ArgumentParser) -> str:
    """The stack, given as `dev` or as `-s dev` (not two different ones)."""
    given: set[str] = {name for name in (args.stack, args.stack_option) if name}
    if len(given) != 1:
        parser.error(
            "name one stack: python -m components.preview <stack>, or -s <stack>"
            if not given
            else f"two stacks given ({', '.join(sorted(given))}): name one"
        )
    return given.pop()


class _Where:
    """Which file a finding is in: the stack file (or a `--set`), or the program."""

    def __init__(self, read: StackConfig) -> None:
        self.program = relative(read.project.program)
        self.sets = [f"--set {override.text}" for override in read.overrides]

    def in_program(self, finding: Finding) -> bool:
        return finding.where == self.program or finding.where.startswith(f"{self.program}:")

    def position(self, finding: Finding) -> tuple[int, int, int]:
        """Report order: the stack file top to bottom, what is missing from it, `--set` values in the order given,
        the program."""
        if self.in_program(finding):
            return (3, 0, 0)
        match = re.search(r":(\d+):(\d+)$", finding.where)
        if match:
            return (0, int(match.group(1)), int(match.group(2)))
        if finding.where in self.sets:
            return (2, self.sets.index(finding.where), 0)
        return (1, 0, 0)


def report(read: StackConfig, findings: list[Finding]) -> str:
    """One message for every problem, each counted once: where it was written, the key as written, what is
    allowed. A problem in the program is reported at the program's line, never blamed on the stack file."""
    where = _Where(read)
    ordered = sorted(findings, key=where.position)
    in_program = [f for f in ordered if where.in_program(f)]
    kind = "problem" if in_program else "configuration problem"
    count = f"{len(ordered)} {kind}{'s' if len(ordered) != 1 else ''}"
    fix = []
    if any(not f.where.startswith("--set ") and f not in in_program for f in ordered):
        fix.append(read.shown)
    if any(f.where.startswith("--set ") for f in ordered):
        fix.append("the --set values")
    if in_program:
        fix.append(where.program)
    return "\n".join(
        [f"Stack '{read.stack}' has {count} (nothing was created):"]
        + ["  - " + str(f).replace("\n", "\n    ") for f in ordered]
        + [f"Fix {' and '.join(fix)}, then preview again."]
    )


def _program_line(error: Exception, program: Path) -> str:
    """`__main__.py:12`: the program's last line in the traceback (the call that failed), or the program."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename).resolve() == program.resolve()]
    return f"{relative(program)}:{frames[-1].lineno}" if frames else relative(program)


def _program_failure(error: Exception, program: Path) -> Finding:
    """A program that stops with something other than a config error: where in the program, no traceback."""
    where = _program_line(error, program)
    if isinstance(error, pulumi.RunError):
        return Finding(where, "", str(error))
    return Finding(where, "", f"the program stopped with {type(error).__name__}: {error}")


def _config_error(error: Exception) -> ConfigError | None:
    """The component's ConfigError, whichever copy raised it: this checkout's `components`, or an installed
    `adf_databricks` that a consumer's program imports (the same class from another module, so an `except
    ConfigError` misses it and its problems would arrive as one nested, miscounted finding)."""
    if isinstance(error, ConfigError):
        return error
    issues = getattr(error, "issues", None)
    if type(error).__name__ == ConfigError.__name__ and isinstance(issues, list) and hasattr(error, "component"):
        return error  # type: ignore[return-value]  # the installed package's ConfigError: the same fields
    return None


def _config_findings(read: StackConfig, error: ConfigError) -> list[Finding]:
    """Stack config problems (`stack_args`, `load_settings`) point into the stack file; the component's own
    args problems point at the program line that built the args: that is where the mistake is."""
    if error.component is None:
        return [read.finding(p) for p in error.issues]
    where = _program_line(error, read.project.program)
    return [Finding(where, f"AdfDatabricks '{error.component}' {p.key}", p.message) for p in error.issues]


def plan_or_findings(read: StackConfig, mocks: AzureMocks) -> tuple[Plan | None, list[Finding]]:
    """Run the program whatever was found before it, so that its own problems are reported in the same report."""
    findings = list(read.findings)
    try:
        plan = run_program(read.project, read.stack, read.values, mocks, read.secret_keys)
    except Exception as error:  # the user's program: report what it found, never a traceback
        config = _config_error(error)
        if config is not None:
            return None, findings + _config_findings(read, config)
        return None, [*findings, _program_failure(error, read.project.program)]
    return (None if findings else plan), findings


def change_report(args: argparse.Namespace, read: StackConfig, now: float | None) -> int:
    """Both plans at one clock and day: the base's in a process of its own (started first, so the two build in
    parallel) or, when the base's program is the working tree's, here after the head's; the head's here."""
    clock = now if now is not None else datetime.now(UTC).timestamp()
    today = args.today or runtimes.today()
    folder = read.project.directory
    try:
        ref = args.against or baseline.default_ref(folder)
        with baseline.exported(folder, ref) as base:
            here = baseline.same_program(base, folder, read.project.stack_config_dir)
            process = None if here else baseline.start(base, read.stack, args.subscription_id, clock, today.isoformat())
            with runtimes.judged_on(today):
                head, findings = plan_or_findings(read, AzureMocks(args.subscription_id, now=clock))
            if head is None:
                if process is not None:
                    process.kill()
                    process.wait()
                print(f"error: {report(read, findings)}", file=sys.stderr)
                return change_render.EXIT_INVALID
            if here:
                with runtimes.judged_on(today):
                    base_plan = baseline.build_here(
                        base, read.stack, head.project, AzureMocks(args.subscription_id, now=clock)
                    )
            else:
                base_plan = baseline.finish(base, process, head.project, read.stack)
    except baseline.CannotCompareError as error:
        print(f"cannot compare: {error}", file=sys.stderr)
        return change_render.EXIT_CANNOT_COMPARE
    changes = compare(base_plan, head, f"{args.against or 'the merge base with main'} ({base.commit[:12]})")
    print(change_render.FORMATS[args.format](changes))
    code = change_render.exit_code(changes)
    return policies(head, today) or code if args.policy else code


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    stack = _stack(args, parser)
    try:
        project = load_project(args.project_dir or find_project(Path.cwd()))
        if not project.program.is_file():
            raise ProjectError(f"no program at {relative(project.program)} (Pulumi.yaml's main, or __main__.py)")
        overrides = [parse_override(text, project.name) for text in args.set]
        read = read_stack(project, stack, overrides)
    except ProjectError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    now = None if args.real_clock else FIXED_CLOCK.timestamp()
    if args.against is not None:
        if args.format not in change_render.FORMATS:
            parser.error(f"--against prints {', '.join(sorted(change_render.FORMATS))}, not {args.format}")
        return change_report(args, read, now)
    if args.format not in FORMATS:
        parser.error(f"--format {args.format} is a change report's format: add --against")
    with runtimes.judged_on(args.today or runtimes.today()):
        plan, findings = plan_or_findings(read, AzureMocks(args.subscription_id, now=now))
    if plan is None:
        print(f"error: {report(read, findings)}", file=sys.stderr)
        return 1
    print(FORMATS[args.format](plan))
    return policies(plan, args.today or runtimes.today()) if args.policy else 0


def policies(plan: Plan, today: date) -> int:
    """The pack's verdicts on the plan, printed after it: 1 when a mandatory policy fails, as the CLI would."""
    try:
        from components.offline.policy import blocks, evaluate
    except ModuleNotFoundError as missing:  # pulumi_policy is the pack's dependency, not the preview's
        print(f"error: --policy needs {missing.name}: pip install -r policy/requirements.txt", file=sys.stderr)
        return 1
    findings = evaluate(plan, today)
    print("", "Policies (policy/rules.py, run offline):", sep="\n")
    print("\n".join(f"    {f}" for f in findings) if findings else "    no violations")
    return 1 if blocks(findings) else 0


if __name__ == "__main__":
    collect_cycles_rarely()
    sys.exit(main())
