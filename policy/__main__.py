"""The adf-databricks policy pack: `pulumi preview -s <stack> --policy-pack policy`.

Constructing `PolicyPack` starts the policy server and blocks, so nothing but this entry point does it.
The CLI runs this file with `policy/` first on `sys.path`, hence the top-level `rules` import.

The engine always starts a pack with its own address (host:port) as the first argument: through Python's
language host as `python -m pulumi.policy <engine> <pack folder>` (pulumi's `pulumi/policy/__main__.py`, which
runs this file with the arguments left as they are), or as `<executable> <engine>` when the pack is an
executable (pulumi pkg/v3 `resource/plugin/analyzer_plugin.go`, NewPolicyAnalyzer: `[]string{host.ServerAddr()}`).
Run by hand, without it, the server would wait for an engine that never comes, silently: say how it is run.
"""

import re
import sys

ENGINE_ADDRESS = re.compile(r"\S+:\d+")
HOW_IT_RUNS = """\
This is the adf-databricks policy pack; the Pulumi CLI runs it, alongside a preview or an update:

    pulumi preview -s <stack> --policy-pack policy      (from the project's folder)
    pulumi up -s <stack> --policy-pack policy

It runs in policy/.venv, the virtualenv PulumiPolicy.yaml names; create it once with:

    python3 -m venv policy/.venv && policy/.venv/bin/pip install -q -r policy/requirements.txt

The rules are tested offline, without the CLI, with:

    python -m pytest tests/test_policy.py"""


def started_by_the_engine(arguments: list[str]) -> bool:
    return bool(arguments) and ENGINE_ADDRESS.fullmatch(arguments[0]) is not None


def main() -> int:
    if not started_by_the_engine(sys.argv[1:]):
        print(HOW_IT_RUNS, file=sys.stderr)
        return 2
    from pulumi_policy import EnforcementLevel, PolicyPack
    from rules import ALL_POLICIES

    PolicyPack(
        name="adf-databricks-policies",
        enforcement_level=EnforcementLevel.MANDATORY,
        policies=ALL_POLICIES,
        description="Guardrails for the adf-databricks platform: Azure Data Factory on Azure Databricks.",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
