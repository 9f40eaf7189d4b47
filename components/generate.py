"""`python -m components.generate`: rewrite what is derived from the contract in `components/args.py`:
Pulumi.yaml's `config:` block, the configuration table of `docs/configuration.md`, and the pinned package schema
(`tests/golden/adf-databricks.schema.json`, which every language's SDK is generated from); and the policy pack's
copy of the runtime support table (`policy/runtimes.py`, from `components/runtimes.py`)."""

import json
import sys
from pathlib import Path

import yaml
from pulumi.provider.experimental.component import ComponentProvider

from components import AdfDatabricks, __version__
from components.contract import config_declarations, readme_table

TABLE_START = "<!-- config-table:start -->"
TABLE_END = "<!-- config-table:end -->"
CONFIG_REFERENCE = Path("docs") / "configuration.md"
"""The user's configuration reference, which holds the generated table between the markers."""
CONFIG_START = "# config: generated from components/args.py by `python -m components.generate`; do not edit by hand.\n"


def render_pulumi_yaml(current: str) -> str:
    """Pulumi.yaml with its `config:` block replaced by the derived one (everything before it kept)."""
    head = current.split(CONFIG_START, 1)[0] if CONFIG_START in current else current.split("\nconfig:", 1)[0] + "\n"
    block = yaml.safe_dump({"config": config_declarations()}, sort_keys=False, width=100, allow_unicode=True)
    return head + CONFIG_START + block


POLICY_RUNTIMES_HEADER = (
    "# Generated from components/runtimes.py by `python -m components.generate`; do not edit by hand.\n"
    "# The policy pack runs in an environment of its own (policy/requirements.txt), so it carries this copy.\n"
)


def render_policy_runtimes(source: str) -> str:
    """policy/runtimes.py: the component's runtime support module, verbatim, under a header."""
    return POLICY_RUNTIMES_HEADER + source


def render_config_table(current: str) -> str:
    """The configuration reference with the table between its markers replaced by the derived one."""
    before, rest = current.split(TABLE_START, 1)
    _, after = rest.split(TABLE_END, 1)
    return f"{before}{TABLE_START}\n{readme_table()}\n{TABLE_END}{after}"


ROOT = Path(__file__).resolve().parents[1]


def main(root: Path = ROOT) -> int:
    """Rewrite Pulumi.yaml's config block, the configuration reference's table, the policy pack's runtime table
    and the schema."""
    for name, render in ((Path("Pulumi.yaml"), render_pulumi_yaml), (CONFIG_REFERENCE, render_config_table)):
        path = root / name
        path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"wrote {path}")
    schema = root / "tests" / "golden" / "adf-databricks.schema.json"
    provider = ComponentProvider([AdfDatabricks], "adf-databricks", version=__version__)
    schema.write_text(json.dumps(json.loads(provider.schema or "{}"), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {schema}")
    runtimes = root / "policy" / "runtimes.py"
    runtimes.write_text(render_policy_runtimes((root / "components" / "runtimes.py").read_text(encoding="utf-8")))
    print(f"wrote {runtimes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
