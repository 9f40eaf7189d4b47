"""The adf-databricks policy pack: `pulumi preview --policy-pack policy`.

Constructing `PolicyPack` starts the policy server and blocks, so nothing but this entry point does it.
The CLI runs this file with `policy/` first on `sys.path`, hence the top-level `rules` import.
"""

from pulumi_policy import EnforcementLevel, PolicyPack
from rules import ALL_POLICIES

PolicyPack(
    name="adf-databricks-policies",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=ALL_POLICIES,
    description="Guardrails for the adf-databricks platform: Azure Data Factory on Azure Databricks.",
)
