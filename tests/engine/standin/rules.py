"""What the real providers do on diff, for the types our program uses, as the stand-ins answer it.

The facts are `components/offline/replacements.py`'s table, the one the mock tier and the change report read: which
input changes replace a resource, in which order, which outputs are secret, each row with its source. This module
only groups that table per provider package, as each stand-in plugin serves one package.
"""

from __future__ import annotations

from components.offline.replacements import TABLE, TypeRules

PACKAGES: dict[str, dict[str, TypeRules]] = {
    package: {type_: rules for type_, rules in TABLE.items() if type_.split(":", 1)[0] == package}
    for package in ("azure-native", "databricks", "time")
}
AZURE_NATIVE = PACKAGES["azure-native"]
DATABRICKS = PACKAGES["databricks"]
TIME = PACKAGES["time"]
SDK_DISTRIBUTIONS = {
    "azure-native": "pulumi_azure_native",
    "databricks": "pulumi_databricks",
    "time": "pulumiverse_time",
}
"""The Python SDK each stand-in answers for: it reports that SDK's version, the one the program asks for."""

__all__ = ["AZURE_NATIVE", "DATABRICKS", "PACKAGES", "SDK_DISTRIBUTIONS", "TIME", "TypeRules"]
