"""Databricks Runtime support: the one table of LTS lines and their end-of-support dates, and how a runtime key
(`sparkVersion`, e.g. 16.4.x-scala2.12) is judged on a given day.

Lifecycle row `dbr-lts-support`: a runtime past its end of support is refused, one within six months of it is
warned about. Dates: Databricks' "Databricks Runtime release notes versions and compatibility" table
(learn.microsoft.com/azure/databricks/release-notes/runtime; the 10.4-12.2 rows from the same table's earlier
editions). What end of support means: "Databricks support lifecycles" (no support or fixes, gone from the UI;
removed at end of life, when its workloads fail; a non-LTS release is supported for six months). Scala builds:
16.4 LTS ships a Scala 2.12 and a Scala 2.13 image, runtimes from 17 on are Scala 2.13 only, older ones Scala
2.12 only (Databricks Runtime 16.4 LTS release notes). Keys as Databricks lists them: 16.4.x-scala2.12 and
17.3.x-scala2.13 (databricks/terraform-provider-databricks issue #5277: the `databricks_spark_version` data source
reading a workspace's list), 15.4.x-scala2.12 and 13.3.x-scala2.12 (databricks/databricks-sdk-java
`ClustersExtTest`, realistic API responses). The 18 LTS key is not verified: the table matches `18.x-...`, warns
about any other 18.* key as untracked, and never recommends an 18 key.

The day a runtime is judged on is today's UTC date, unless a caller fixes it with `judged_on` (the offline
preview's `--today`, the tests): what a plan registers never depends on it, only whether it is refused or warned.

This module uses the standard library only: the policy pack carries a generated copy of it
(`python -m components.generate` writes policy/runtimes.py), so one table serves both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum


@dataclass(frozen=True)
class LtsRuntime:
    """One Databricks Runtime LTS line."""

    version: str
    """As the runtime key spells it: "16.4" for 16.4.x-..., "18" for 18.x-..."""
    spark: str
    scala: tuple[str, ...]
    """The Scala builds Databricks ships for this line (each a key `<version>.x-scala<scala>`)."""
    end_of_support: date
    key_verified: bool = True
    """Whether its keys were seen as Databricks lists them; only verified keys are recommended."""

    @property
    def number(self) -> tuple[int, int]:
        major, _, minor = self.version.partition(".")
        return int(major), int(minor or 0)

    def key(self, scala: str) -> str:
        return f"{self.version}.x-scala{scala}"


LTS_RUNTIMES: tuple[LtsRuntime, ...] = (
    LtsRuntime("10.4", "3.2.1", ("2.12",), date(2025, 3, 18)),
    LtsRuntime("11.3", "3.3.0", ("2.12",), date(2025, 10, 19)),
    LtsRuntime("12.2", "3.3.2", ("2.12",), date(2026, 3, 1)),
    LtsRuntime("13.3", "3.4.1", ("2.12",), date(2026, 8, 22)),
    LtsRuntime("14.3", "3.5.0", ("2.12",), date(2027, 2, 1)),
    LtsRuntime("15.4", "3.5.0", ("2.12",), date(2027, 8, 19)),
    LtsRuntime("16.4", "3.5.2", ("2.12", "2.13"), date(2028, 5, 9)),
    LtsRuntime("17.3", "4.0.0", ("2.13",), date(2028, 10, 22)),
    LtsRuntime("18", "4.1.0", ("2.13",), date(2029, 6, 10), key_verified=False),
)
"""Oldest first. Every runtime older than the first row ended before the first row's date."""

WARNING_MONTHS = 6
"""How long before its end of support a runtime is warned about."""

_KEY = re.compile(r"(?P<version>\d+(?:\.\d+)?)\.x-(?:(?P<variant>[a-z0-9-]+?)-)?scala(?P<scala>\d+\.\d+)")
"""`<version>.x-[<variant>-]scala<scala>`: 16.4.x-scala2.12, 15.4.x-photon-scala2.12, 16.4.x-cpu-ml-scala2.12."""


class Support(Enum):
    SUPPORTED = "supported"
    ENDING = "ending"
    """Supported, but within WARNING_MONTHS of its end: warned about."""
    ENDED = "ended"
    """Past its end of support: refused."""
    NO_SUCH_BUILD = "no such build"
    """A tracked LTS line in a Scala build Databricks does not ship: refused."""
    UNTRACKED = "untracked"
    """Not an LTS line of the table (a non-LTS release, an unverified key): warned about, not refused."""

    @property
    def refused(self) -> bool:
        return self in (Support.ENDED, Support.NO_SUCH_BUILD)


@dataclass(frozen=True)
class Verdict:
    support: Support
    reason: str
    """What the user reads after the key and value; empty when supported."""


_judged_on: date | None = None


def today() -> date:
    """The day runtime support is judged on: fixed by `judged_on`, else today's date in UTC."""
    return _judged_on or datetime.now(UTC).date()


@contextmanager
def judged_on(day: date) -> Iterator[None]:
    """Judge runtime support as on `day` inside the block (the offline preview's `--today`, tests)."""
    global _judged_on  # noqa: PLW0603 - the one clock seam; restored on exit
    before, _judged_on = _judged_on, day
    try:
        yield
    finally:
        _judged_on = before


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier (the month's last day where that month is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for candidate in range(day.day, 0, -1):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


def supported_on(day: date) -> list[LtsRuntime]:
    """The LTS lines still supported on `day`, oldest first."""
    return [r for r in LTS_RUNTIMES if day < r.end_of_support]


def recommendation(scala: str | None, day: date, outlives: date | None = None) -> str:
    """What to use instead: the newest supported LTS in the same Scala build, and the newest of all (verified keys
    only; with `outlives`, only lines supported beyond that date)."""
    current = [r for r in supported_on(day) if r.key_verified and (outlives is None or r.end_of_support > outlives)]
    if not current:
        return "use a supported Databricks Runtime LTS version your workspace lists"
    newest = current[-1]
    newest_key = f"{newest.key(newest.scala[-1])} (Spark {newest.spark}, Scala {newest.scala[-1]})"
    same_scala = [r for r in current if scala in r.scala]
    if not same_scala:
        return (
            f"use {newest_key}: no later LTS has a Scala {scala} build, so Scala libraries move to {newest.scala[-1]}"
        )
    if same_scala[-1] is newest:
        return f"use {newest_key}"
    return f"use {same_scala[-1].key(scala or '')} (keeps Scala {scala}) or {newest_key}"


def judge(key: str, day: date) -> Verdict:
    """How Databricks supports the runtime `key` on `day`."""
    match = _KEY.fullmatch(key.strip())
    if match is None:
        return Verdict(
            Support.UNTRACKED,
            "is not a Databricks Runtime key of the form <version>.x-scala<2.12|2.13> (e.g. 16.4.x-scala2.12), so "
            "its support is not checked; make sure your workspace lists it",
        )
    version, scala = match["version"], match["scala"]
    line = next((r for r in LTS_RUNTIMES if r.version == version), None)
    if line is None:
        return _untracked(version, scala, day)
    if scala not in line.scala:
        builds = " and ".join(line.key(s) for s in line.scala)
        return Verdict(
            Support.NO_SUCH_BUILD,
            f"Databricks Runtime {line.version} LTS has no Scala {scala} build (only {builds}); "
            f"{recommendation(scala, day)}",
        )
    return _lts(line, scala, day)


def _lts(line: LtsRuntime, scala: str, day: date) -> Verdict:
    end = line.end_of_support.isoformat()
    if day >= line.end_of_support:
        return Verdict(
            Support.ENDED,
            f"Databricks Runtime {line.version} LTS reached end of support on {end} (judged on {day.isoformat()}): "
            f"Databricks gives it no support or fixes, and removes it at end of life (its runs then fail); "
            f"{recommendation(scala, day, outlives=line.end_of_support)}",
        )
    if day >= months_before(line.end_of_support, WARNING_MONTHS):
        return Verdict(
            Support.ENDING,
            f"Databricks Runtime {line.version} LTS reaches end of support on {end} (judged on "
            f"{day.isoformat()}); from that day this runtime is refused: "
            f"{recommendation(scala, day, outlives=line.end_of_support)}",
        )
    return Verdict(Support.SUPPORTED, "")


def _untracked(version: str, scala: str, day: date) -> Verdict:
    major, _, minor = version.partition(".")
    oldest = LTS_RUNTIMES[0]
    if (int(major), int(minor or 0)) < oldest.number and day >= oldest.end_of_support:
        return Verdict(
            Support.ENDED,
            f"Databricks Runtime {version} is older than {oldest.version} LTS, whose support ended on "
            f"{oldest.end_of_support.isoformat()}: it is no longer supported; {recommendation(scala, day)}",
        )
    lines = ", ".join(r.version for r in supported_on(day))
    return Verdict(
        Support.UNTRACKED,
        f"Databricks Runtime {version} is not an LTS version this package tracks (supported LTS: {lines}), so its "
        f"end of support is not checked; Databricks supports a non-LTS runtime for six months",
    )
