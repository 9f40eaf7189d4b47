"""The Azure regions a stack's `location` may name: one list, with where it comes from.

Azure compares locations without case and spaces: "West Europe", "west europe" and "westeurope" are one region
(pulumi/pulumi-azure-native PR #2281, "All location properties in Azure are case- and space-insensitive"; Azure
SDKs map a display name to its name the same way: Azure/azure-sdk-for-java `Region.fromName`). A stack file may
give either; the value is passed to Azure as written.

Sources: the public cloud's programmatic names from Microsoft's "Azure regions list"
(MicrosoftDocs/reliability-docs articles/reliability/regions-list.md, every row including the restricted and
coming-soon regions, and Sweden South, named there as Sweden Central's restricted pair); the sovereign clouds'
from Azure/azure-sdk-for-java `com.azure.core.management.Region` (Azure China and Azure Government; US Gov Iowa
and the closed Azure Germany cloud left out). A new region is one line here, with its source.
"""

from __future__ import annotations

import re

PUBLIC_CLOUD = (
    "australiacentral",
    "australiacentral2",
    "australiaeast",
    "australiasoutheast",
    "austriaeast",
    "belgiumcentral",
    "brazilsouth",
    "brazilsoutheast",
    "canadacentral",
    "canadaeast",
    "centralindia",
    "centralus",
    "chilecentral",
    "denmarkeast",
    "eastasia",
    "eastus",
    "eastus2",
    "francecentral",
    "francesouth",
    "germanynorth",
    "germanywestcentral",
    "indonesiacentral",
    "israelcentral",
    "italynorth",
    "japaneast",
    "japanwest",
    "koreacentral",
    "koreasouth",
    "malaysiawest",
    "mexicocentral",
    "newzealandnorth",
    "northcentralus",
    "northeurope",
    "norwayeast",
    "norwaywest",
    "polandcentral",
    "qatarcentral",
    "southafricanorth",
    "southafricawest",
    "southcentralus",
    "southindia",
    "southeastasia",
    "spaincentral",
    "swedencentral",
    "swedensouth",
    "switzerlandnorth",
    "switzerlandwest",
    "uaecentral",
    "uaenorth",
    "uksouth",
    "ukwest",
    "westcentralus",
    "westeurope",
    "westindia",
    "westus",
    "westus2",
    "westus3",
)
SOVEREIGN_CLOUDS = (
    "chinaeast",
    "chinaeast2",
    "chinanorth",
    "chinanorth2",
    "usdodcentral",
    "usdodeast",
    "usgovarizona",
    "usgovtexas",
    "usgovvirginia",
)
REGIONS = frozenset(PUBLIC_CLOUD + SOVEREIGN_CLOUDS)


def normalized(location: str) -> str:
    """A location as Azure compares it: without case and whitespace ("West Europe" → "westeurope")."""
    return re.sub(r"\s+", "", location).lower()


def is_region(location: str) -> bool:
    return normalized(location) in REGIONS
