"""`pulumi up` on one stack that waits, bounded, while another update holds the stack's lock.

    python .github/scripts/pulumi_up.py --stack dev --on-lock fail [--wait-seconds 900] [--refresh true]
                                        [--targets "<urn>\\n<urn>"]

Deploys and the scheduled rotation share each stack's state but not a GitHub concurrency group (lifecycle
row `concurrency-pending-cancel`: a queued job of a group cancels the group's pending one, so a rotation in
the deploy's group could cancel a pending deploy). When they meet, the one that comes second finds the stack
locked: it prints the wait and tries again every --poll-seconds until --wait-seconds have passed. Then
`--on-lock fail` (a deploy) fails with a clear message, and `--on-lock skip` (the rotation) ends cleanly with
a warning: the next scheduled run rotates. Any other failure ends the script at once with pulumi's status.

The lock texts are the two the Pulumi Automation API itself takes for a concurrent update
(pulumi/pulumi sdk/go/auto/errors.go, IsConcurrentUpdateError): the DIY backend's (`azblob://`, ours) and
the Pulumi Cloud's.

Environment: PULUMI_SECRETS_PROVIDER (used when the stack has to be created), GITHUB_TOKEN (plugin
downloads, lifecycle row `plugin-download-rate-limit`), PULUMI_UP_FAKE_CLOCK=1 counts waits instead of
sleeping (tests).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

LOCKED = ("the stack is currently locked by", "[409] Conflict: Another update is currently in progress.")


@dataclass
class Clock:
    """Real time, or (fake) a counter that waiting advances, so tests never sleep."""

    fake: bool
    elapsed: float = field(default=0.0)

    def now(self) -> float:
        return self.elapsed if self.fake else time.monotonic()

    def wait(self, seconds: float) -> None:
        if self.fake:
            self.elapsed += seconds
        else:
            time.sleep(seconds)


def run_streaming(command: Sequence[str]) -> tuple[int, bool]:
    """Run a command with its output shown as it comes; return its status and whether it met a lock."""
    locked = False
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            locked = locked or any(text in line for text in LOCKED)
    return process.returncode, locked


def up_command(args: argparse.Namespace) -> list[str]:
    """What the action's `up` did through the Automation API: no second preview, the policy pack, targets."""
    command = ["pulumi", "up", "--yes", "--skip-preview", "--stack", args.stack, "--policy-pack", "policy"]
    if args.refresh == "true":
        command.append("--refresh")
    for urn in args.targets.split():
        command += ["--target", urn]
    return command


def select_command(stack: str) -> list[str]:
    """Select the stack, creating it when missing (the action's `upsert`)."""
    command = ["pulumi", "stack", "select", "--create", stack]
    provider = os.environ.get("PULUMI_SECRETS_PROVIDER")
    return [*command, "--secrets-provider", provider] if provider else command


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--on-lock", choices=("fail", "skip"), required=True)
    parser.add_argument("--wait-seconds", type=int, default=900)
    parser.add_argument("--poll-seconds", type=int, default=30)
    parser.add_argument("--targets", default="", help="URNs separated by whitespace (none: the whole stack)")
    parser.add_argument("--refresh", choices=("true", "false"), default="false")
    return parser.parse_args(argv)


def main(argv: Sequence[str], clock: Clock) -> int:
    args = parse(argv)
    status, _ = run_streaming(select_command(args.stack))
    if status != 0:
        return status
    deadline = clock.now() + args.wait_seconds
    while True:
        status, locked = run_streaming(up_command(args))
        if status == 0 or not locked:
            return status
        left = deadline - clock.now()
        if left < args.poll_seconds:
            return gave_up(args)
        print(
            f"Stack {args.stack} is locked by another update; waiting {args.poll_seconds}s "
            f"({int(left)}s of the {args.wait_seconds}s lock wait left).",
            flush=True,
        )
        clock.wait(args.poll_seconds)


def gave_up(args: argparse.Namespace) -> int:
    held = f"stack {args.stack} was still locked by another update after {args.wait_seconds}s"
    if args.on_lock == "skip":
        print(f"::warning::{held}; nothing changed, the next scheduled run tries again.", flush=True)
        return 0
    print(
        f"::error::{held}. If no update is running (a cancelled job can leave its lock behind), "
        f"remove the lock with `pulumi cancel --stack {args.stack}` and run the deploy again.",
        flush=True,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], Clock(fake=bool(os.environ.get("PULUMI_UP_FAKE_CLOCK")))))
