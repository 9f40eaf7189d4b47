"""Runtimes age: a Databricks runtime past its end of support is refused, one within six months of it is warned
about, judged on a day the tests set (lifecycle row `dbr-lts-support`).

Sources: the row itself, which quotes Databricks' "Databricks Runtime release notes versions and compatibility"
table (learn.microsoft.com/azure/databricks/release-notes/runtime); "Databricks support lifecycles" for what end of
support means (no support or fixes; removed at end of life) and the six months of a non-LTS release; the
Databricks Runtime 16.4 LTS release notes for its two Scala builds ("Starting with Databricks Runtime 17 (Spark 4),
only Scala 2.13 will be supported"); databricks/terraform-provider-databricks issue #5277 for the keys
16.4.x-scala2.12 and 17.3.x-scala2.13 as a workspace lists them.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from plans import INTERACTIVE, JOB_CLUSTER, RecordingMocks, plan_from_values, planned
from support import JUDGED_ON, PROJECT_DIR, preview_here

from components import generate, runtimes
from components.config import ConfigError
from components.offline.project import SPECS, load_project, stack_config
from components.offline.run import run_stack

SHIPPED = [
    *sorted((PROJECT_DIR / "stacks").glob("Pulumi.*.yaml")),
    *sorted(p for p in (PROJECT_DIR / "examples").rglob("*") if p.suffix in {".yaml", ".ts", ".go", ".py"}),
]
RUNTIME_KEY = re.compile(r"\b\d+(?:\.\d+)?\.x-[a-z0-9.-]*scala\d\.\d+\b")


def lifecycle_row(name: str) -> str:
    """The rule cell of the project's lifecycle table row `name`."""
    text = (SPECS / "azure-lifecycle-rules.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if f"`{name}`" in line)
    return row.split("|")[2]


def test_the_table_carries_every_lts_of_the_lifecycle_row_with_its_date() -> None:
    """Each "<version> LTS ... <date>" of row `dbr-lts-support` (the last date of each entry is its end of
    support; 18 LTS also names its release date) is a row of the one table, with that date."""
    stated = {}
    for entry in lifecycle_row("dbr-lts-support").split(":", 1)[1].split(";"):
        version = re.search(r"(\d+(?:\.\d+)?) LTS", entry)
        dates = re.findall(r"\d{4}-\d{2}-\d{2}", entry)
        if version and dates:
            stated[version.group(1)] = date.fromisoformat(dates[-1])
    table = {r.version: r.end_of_support for r in runtimes.LTS_RUNTIMES}
    assert set(stated) == {"13.3", "14.3", "15.4", "16.4", "17.3", "18"}
    assert {v: table[v] for v in stated} == stated


def test_the_table_is_oldest_first_and_ends_later_each_line() -> None:
    """Everything older than the first row ended before it: the rule for keys older than the table relies on it."""
    numbers = [r.number for r in runtimes.LTS_RUNTIMES]
    ends = [r.end_of_support for r in runtimes.LTS_RUNTIMES]
    assert numbers == sorted(numbers) and ends == sorted(ends)


@pytest.mark.parametrize(
    ("key", "day", "support"),
    [
        ("16.4.x-scala2.12", date(2027, 11, 8), runtimes.Support.SUPPORTED),
        ("16.4.x-scala2.12", date(2027, 11, 9), runtimes.Support.ENDING),
        ("16.4.x-scala2.12", date(2028, 5, 8), runtimes.Support.ENDING),
        ("16.4.x-scala2.12", date(2028, 5, 9), runtimes.Support.ENDED),
        ("16.4.x-scala2.13", date(2027, 1, 1), runtimes.Support.SUPPORTED),
        ("16.4.x-photon-scala2.12", date(2027, 1, 1), runtimes.Support.SUPPORTED),
        ("16.4.x-cpu-ml-scala2.12", date(2027, 1, 1), runtimes.Support.SUPPORTED),
        ("13.3.x-scala2.12", date(2026, 8, 22), runtimes.Support.ENDED),
        ("9.1.x-scala2.12", date(2025, 3, 18), runtimes.Support.ENDED),
        ("17.3.x-scala2.12", date(2027, 1, 1), runtimes.Support.NO_SUCH_BUILD),
        ("15.4.x-scala2.13", date(2027, 1, 1), runtimes.Support.NO_SUCH_BUILD),
        ("16.2.x-scala2.12", date(2027, 1, 1), runtimes.Support.UNTRACKED),
        ("18.2.x-scala2.13", date(2027, 1, 1), runtimes.Support.UNTRACKED),
        ("custom-image", date(2027, 1, 1), runtimes.Support.UNTRACKED),
    ],
)
def test_a_runtime_key_is_judged_by_its_line_its_scala_build_and_the_day(
    key: str, day: date, support: runtimes.Support
) -> None:
    """Ending: from six months before the end-of-support date; ended: from that date on. Photon and ML builds
    share their line's dates (the table lists "Databricks Runtime 15.4 LTS for Machine Learning" beside 15.4 LTS).
    Non-LTS releases and keys the table does not know are warned about, never refused: ML, Photon and custom-image
    keys exist that no table here can list."""
    assert runtimes.judge(key, day).support is support


def test_six_months_before_the_last_day_of_a_month_is_that_months_last_day() -> None:
    assert runtimes.months_before(date(2028, 8, 31), 6) == date(2028, 2, 29)
    assert runtimes.months_before(date(2027, 2, 1), 6) == date(2026, 8, 1)


def test_an_ended_runtime_is_refused_with_the_key_and_supported_replacements(tmp_path: Path) -> None:
    """Refused before anything is registered, naming the stack, the key, the reason and what to use instead: the
    newest supported LTS that keeps the user's Scala build, and the newest verified LTS key."""
    mocks = RecordingMocks()
    with runtimes.judged_on(date(2027, 8, 19)), pytest.raises(ConfigError) as caught:
        run_stack("prod", {"jobCluster": {**JOB_CLUSTER, "sparkVersion": "15.4.x-scala2.12"}}, mocks=mocks)
    assert mocks.registered == []
    assert caught.value.stack == "prod"
    [problem] = caught.value.problems
    assert problem.startswith('adf-databricks:jobCluster.sparkVersion: "15.4.x-scala2.12": ')
    assert "15.4 LTS reached end of support on 2027-08-19 (judged on 2027-08-19)" in problem
    assert problem.endswith("use 16.4.x-scala2.12 (keeps Scala 2.12) or 17.3.x-scala2.13 (Spark 4.0.0, Scala 2.13)")


def test_a_scala_build_databricks_does_not_ship_is_refused() -> None:
    """17.3 LTS is Spark 4 and Scala 2.13 only: a Scala 2.12 key would be refused by the workspace at cluster
    create, so it is refused here, with the key that exists and the 16.4 build that keeps Scala 2.12."""
    with pytest.raises(ConfigError) as caught:
        plan_from_values("dev", {"interactiveCluster": {**INTERACTIVE, "sparkVersion": "17.3.x-scala2.12"}})
    [problem] = [p for p in caught.value.problems if "sparkVersion" in p]
    assert "17.3 LTS has no Scala 2.12 build (only 17.3.x-scala2.13)" in problem
    assert "16.4.x-scala2.12 (keeps Scala 2.12)" in problem


def test_the_preview_warns_six_months_ahead_and_only_then() -> None:
    """prod ships 16.4 LTS (end of support 2028-05-09): silent the day before the six months start, warned from
    their first day, refused on the end date; the warning names the stack, the key and the replacement, which for
    the last Scala 2.12 line is a Scala 2.13 one."""
    quiet = preview_here("prod", "--today", "2027-11-08")
    warned = preview_here("prod", "--today", "2027-11-09")
    refused = preview_here("prod", "--today", "2028-05-09")
    # prod is private: it always carries its networking warning (the deploy path, the factory); runtimes aside.
    assert quiet.returncode == 0 and "sparkVersion" not in quiet.stdout.split("Warnings:\n", 1)[-1]
    assert warned.returncode == 0
    warnings = warned.stdout.split("Warnings:\n", 1)[1].splitlines()
    (warning,) = [line.strip() for line in warnings if "sparkVersion" in line]
    assert warning == (
        "AdfDatabricks 'adf-databricks' (stack 'prod'): jobCluster.sparkVersion: \"16.4.x-scala2.12\": Databricks "
        "Runtime 16.4 LTS reaches end of support on 2028-05-09 (judged on 2027-11-09); from that day this runtime "
        "is refused: use 17.3.x-scala2.13 (Spark 4.0.0, Scala 2.13): no later LTS has a Scala 2.12 build, so Scala "
        "libraries move to 2.13"
    )
    assert refused.returncode == 1
    assert 'adf-databricks:jobCluster.sparkVersion: "16.4.x-scala2.12": Databricks Runtime 16.4 LTS reached' in (
        refused.stderr
    )


def test_the_preview_is_byte_identical_for_the_same_input_and_day() -> None:
    first = preview_here("prod", "--today", "2027-12-01", "--json")
    second = preview_here("prod", "--today", "2027-12-01", "--json")
    assert first.returncode == 0 and first.stdout == second.stdout


def test_a_warning_is_said_once() -> None:
    """The stack program's config is validated once, by the component (stack_args only reads it), which warns:
    `pulumi up` prints each warning once."""
    with runtimes.judged_on(date(2028, 1, 1)):
        plan = run_stack("dev")
    assert len(plan.warnings) == 1
    assert "interactiveCluster.sparkVersion" in plan.warnings[0]


def test_non_lts_and_unknown_runtimes_are_warned_about_not_refused() -> None:
    plan = plan_from_values("dev", {"interactiveCluster": {**INTERACTIVE, "sparkVersion": "16.2.x-scala2.12"}})
    [warning] = plan.warnings
    assert "16.2 is not an LTS version this package tracks" in warning
    assert "Databricks supports a non-LTS runtime for six months" in warning


def test_a_runtime_is_judged_only_where_the_cluster_mode_uses_it() -> None:
    """A leftover jobCluster section in existingCluster mode creates nothing, so its runtime is not judged."""
    values = stack_config(load_project(PROJECT_DIR), "dev")
    values["adf-databricks:jobCluster"] = {**JOB_CLUSTER, "sparkVersion": "13.3.x-scala2.12"}
    overrides = {k.removeprefix("adf-databricks:"): v for k, v in values.items() if k.startswith("adf-databricks:")}
    assert planned("dev", overrides).warnings == []


def test_every_shipped_stack_and_example_runs_a_supported_lts_that_keeps_scala_2_12() -> None:
    """Moving users' Scala 2.12 libraries to Scala 2.13 is their decision, not a default's: the shipped runtime is the
    newest LTS with a Scala 2.12 build (16.4), judged on the tests' day."""
    found = {(path.relative_to(PROJECT_DIR), key) for path in SHIPPED for key in RUNTIME_KEY.findall(path.read_text())}
    assert {str(path) for path, _ in found} >= {"stacks/Pulumi.dev.yaml", "stacks/Pulumi.prod.yaml"}
    for path, key in found:
        verdict = runtimes.judge(key, JUDGED_ON)
        assert verdict.support is runtimes.Support.SUPPORTED, (path, key, verdict.reason)
        assert key.endswith("scala2.12"), (path, key)
    newest_with_scala_2_12 = [r for r in runtimes.LTS_RUNTIMES if "2.12" in r.scala][-1]
    assert {key for _, key in found} == {newest_with_scala_2_12.key("2.12")}


def test_the_policy_pack_carries_the_one_table_verbatim() -> None:
    """The pack runs in its own environment (policy/requirements.txt), so it holds a generated copy."""
    source = (PROJECT_DIR / "components" / "runtimes.py").read_text(encoding="utf-8")
    copy = (PROJECT_DIR / "policy" / "runtimes.py").read_text(encoding="utf-8")
    assert copy == generate.render_policy_runtimes(source), "run: python -m components.generate"
