"""`python -m components.generate`: rewrite what is derived from the contract in `components/args.py`:
Pulumi.yaml's `config:` block, the configuration table of `docs/configuration.md`, the pinned package schema
(`tests/golden/adf-databricks.schema.json`, which every language's SDK is generated from) and the settings model's
fields (`components/settings_fields.py`); and the policy pack's copy of the runtime support table
(`policy/runtimes.py`, from `components/runtimes.py`)."""

import json
import sys
import textwrap
from enum import Enum
from pathlib import Path

import yaml
from pulumi.provider.experimental.component import ComponentProvider

from components import AdfDatabricks, __version__, args
from components.contract import SettingsField, config_declarations, readme_table, settings_sections

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


SETTINGS_FIELDS = Path("components") / "settings_fields.py"
SETTINGS_FIELDS_HEAD = '''"""Settings fields: one per contract key that holds a value, with its type and default.

Generated from components/args.py by `python -m components.generate`; do not edit by hand. components/settings.py
builds on these classes: it adds the sections each holds, the keys it keeps in another shape
(`components.contract.SETTINGS_SHAPES`) and what it derives from them.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

'''


def settings_class_name(path: str, cls: type) -> str:
    """`AccessToken` → `AccessTokenFields`; the top level's are `PlatformFields`."""
    return f"{cls.__name__ if path else 'Platform'}Fields"


def render_settings_fields() -> str:
    """components/settings_fields.py: a frozen dataclass per section of the contract, of its plain keys."""
    sections = settings_sections()
    used = {f.annotation.split(" ")[0] for _, fields in sections.values() for f in fields}
    enums = sorted(name for name in used if Enum in getattr(getattr(args, name, None), "__mro__", ()))
    classes = [_settings_class(settings_class_name(path, cls), cls, fields) for path, (cls, fields) in sections.items()]
    names = "".join(f"    {name},\n" for name in ("DEFAULTS", *enums))
    return SETTINGS_FIELDS_HEAD + f"from .args import (\n{names})\n" + "".join(classes)


def _settings_class(name: str, cls: type, fields: tuple[SettingsField, ...]) -> str:
    lines = ["", "", "@dataclass(frozen=True, kw_only=True)", f"class {name}:", *_docstring(cls.__doc__ or name, 4), ""]
    for item in fields:
        default = f" = {item.default}" if item.default else ""
        lines += [f"    {item.name}: {item.annotation}{default}", *_docstring(item.key.description, 4)]
    return "\n".join(lines) + "\n"


def _docstring(text: str, indent: int) -> list[str]:
    pad = " " * indent
    wrapped = textwrap.wrap(" ".join(text.split()), width=117 - indent, break_on_hyphens=False) or [""]
    wrapped[0] = f'"""{wrapped[0]}'
    wrapped[-1] = f'{wrapped[-1]}"""'
    return [f"{pad}{line}" for line in wrapped]


ROOT = Path(__file__).resolve().parents[1]


def main(root: Path = ROOT) -> int:
    """Rewrite Pulumi.yaml's config block, the configuration reference's table, the schema, the settings model's
    fields and the policy pack's runtime table."""
    for name, render in ((Path("Pulumi.yaml"), render_pulumi_yaml), (CONFIG_REFERENCE, render_config_table)):
        path = root / name
        path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"wrote {path}")
    schema = root / "tests" / "golden" / "adf-databricks.schema.json"
    provider = ComponentProvider([AdfDatabricks], "adf-databricks", version=__version__)
    schema.write_text(json.dumps(json.loads(provider.schema or "{}"), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {schema}")
    fields = root / SETTINGS_FIELDS
    fields.write_text(render_settings_fields(), encoding="utf-8")
    print(f"wrote {fields}")
    runtimes = root / "policy" / "runtimes.py"
    runtimes.write_text(render_policy_runtimes((root / "components" / "runtimes.py").read_text(encoding="utf-8")))
    print(f"wrote {runtimes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
