"""`python -m components.generate`: rewrite Pulumi.yaml's `config:` block and the README's configuration table
from the contract in `components/args.py`."""

import sys
from pathlib import Path

from components.contract import render_pulumi_yaml, render_readme

ROOT = Path(__file__).resolve().parents[1]


def main(root: Path = ROOT) -> int:
    """Rewrite Pulumi.yaml's config block and the README table from the contract."""
    for name, render in (("Pulumi.yaml", render_pulumi_yaml), ("README.md", render_readme)):
        path = root / name
        path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
