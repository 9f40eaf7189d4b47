"""The adf-databricks component provider: Pulumi runs this to serve `AdfDatabricks` to programs in any language.

The schema (and from it each language's SDK) is inferred from the component's annotations and docstrings.
"""

import sys
from pathlib import Path

# Pulumi runs this file from its own folder; the component is the checkout's `components` package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pulumi.provider.experimental import component_provider_host

from components import AdfDatabricks, __version__

if __name__ == "__main__":
    component_provider_host([AdfDatabricks], name="adf-databricks", version=__version__)
