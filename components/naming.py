"""Deterministic Azure names from project, stack and subscription, within Azure's naming rules.

The same inputs always give the same names, so `pulumi up` is idempotent. A name that would be too
long is shortened stably: truncated, then suffixed with a hash of the full name, never rejected.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .settings import NameOverrides


@dataclass(frozen=True)
class NameRule:
    """One Azure resource type's naming rule (databricks-constraints.md)."""

    resource: str
    min_len: int
    max_len: int
    pattern: re.Pattern[str]
    allowed: str

    def problems(self, name: str) -> list[str]:
        if not self.min_len <= len(name) <= self.max_len:
            return [f"{self.resource} names are {self.min_len}-{self.max_len} characters ({len(name)} given)"]
        if not self.pattern.fullmatch(name):
            return [f"{self.resource} names allow {self.allowed}"]
        return []


RESOURCE_GROUP = NameRule(
    "resource group", 1, 90, re.compile(r"[\w\-.()]*[\w\-()]"), "letters, digits, _ - . ( ), not ending in ."
)
WORKSPACE = NameRule("Databricks workspace", 3, 64, re.compile(r"[A-Za-z0-9_-]+"), "letters, digits, _ and -")
KEY_VAULT = NameRule(
    "Key Vault",
    3,
    24,
    re.compile(r"[A-Za-z](?!.*--)[A-Za-z0-9-]*[A-Za-z0-9]"),
    "letters, digits and -, starting with a letter, ending with a letter or digit, no --",
)
DATA_FACTORY = NameRule(
    "Data Factory",
    3,
    63,
    re.compile(r"[A-Za-z0-9](?!.*--)[A-Za-z0-9-]*[A-Za-z0-9]"),
    "letters, digits and -, not first or last, no --",
)
LOG_ANALYTICS = NameRule(
    "Log Analytics workspace",
    4,
    63,
    re.compile(r"[A-Za-z0-9][A-Za-z0-9-]+[A-Za-z0-9]"),
    "letters, digits and -, not first or last",
)
"""REST `Workspaces - Delete`: `workspaceName` "Regex pattern: ^[A-Za-z0-9][A-Za-z0-9-]+[A-Za-z0-9]$", 4-63."""
ACTION_GROUP_SHORT_MAX = 12
"""REST model `ActionGroup.groupShortName`: maxLength 12."""
SECRET = NameRule("Key Vault secret", 1, 127, re.compile(r"[A-Za-z0-9-]+"), "letters, digits and -")
# Data Factory object names: no dash, no . + ? / < > * % & : \ ; start with a letter, digit or _.
ADF_OBJECT = NameRule(
    "Data Factory linked service",
    1,
    260,
    re.compile(r"[A-Za-z0-9_][^-.+?/<>*%&:\\]*"),
    "letters, digits and _ (no - . + ? / < > * % & : \\), starting with a letter, digit or _",
)

RULES_BY_KEY: Mapping[str, NameRule] = {
    "names.resourceGroup": RESOURCE_GROUP,
    "names.workspace": WORKSPACE,
    "names.managedResourceGroup": RESOURCE_GROUP,
    "names.keyVault": KEY_VAULT,
    "names.dataFactory": DATA_FACTORY,
    "linkedService.name": ADF_OBJECT,
    "linkedService.connectVia": ADF_OBJECT,
}
"""The rule each config key that names a resource is held to: the validator refuses a name Azure would refuse."""

TOKEN_SECRET_NAME = "databricks-access-token"
DATA_FLOW_RUNTIME_NAME = "DataFlowRuntime"
"""The same in every stack, so a Data Flow activity's `integrationRuntime` reference moves unchanged.
Valid under both ADF's object-name rule and the stricter integration-runtime rule (letters, digits, -)."""
KEY_VAULT_LINKED_SERVICE_NAME = "AzureKeyVault"
UAMI_CREDENTIAL_NAME = "DatabricksUserAssignedIdentity"


@dataclass(frozen=True)
class ResourceNames:
    resource_group: str
    workspace: str
    managed_resource_group: str
    key_vault: str
    data_factory: str
    interactive_cluster: str
    instance_pool: str
    user_assigned_identity: str
    log_analytics: str = ""
    action_group: str = ""
    action_group_short: str = ""
    """An action group's short name: at most 12 characters (it is shown in the e-mails and SMS it sends)."""
    budget: str = ""


def digest(*parts: str, length: int = 6) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


def slug(text: str) -> str:
    """Lowercase letters, digits and single dashes; never empty."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return cleaned or "x"


def fit(prefix: str, body: str, max_len: int, unique: str = "") -> str:
    """`prefix-body[-unique]` within max_len; a long body is cut and marked with a hash of itself."""
    tail = f"-{unique}" if unique else ""
    name = f"{prefix}-{body}{tail}"
    if len(name) <= max_len:
        return name
    marker = digest(body, length=4)
    room = max_len - len(prefix) - len(tail) - len(marker) - 2
    cut = body[:room].rstrip("-")
    return f"{prefix}-{cut}-{marker}{tail}" if cut else f"{prefix}-{marker}{tail}"


def derive_names(project: str, stack: str, subscription_id: str, overrides: NameOverrides) -> ResourceNames:
    """Names for one stack. Globally unique names (vault, factory) carry a hash of the subscription."""
    body = slug(f"{project}-{stack}")
    unique = digest(subscription_id, project, stack)
    workspace = overrides.workspace or fit("dbw", body, WORKSPACE.max_len)
    return ResourceNames(
        resource_group=overrides.resource_group or fit("rg", body, RESOURCE_GROUP.max_len),
        workspace=workspace,
        managed_resource_group=overrides.managed_resource_group
        or fit("rg", f"{body}-dbw-managed", RESOURCE_GROUP.max_len),
        key_vault=overrides.key_vault or fit("kv", body, KEY_VAULT.max_len, unique),
        data_factory=overrides.data_factory or fit("adf", body, DATA_FACTORY.max_len, unique),
        interactive_cluster=f"{body}-interactive",
        instance_pool=f"{body}-pool",
        user_assigned_identity=fit("id", f"{body}-adf", RESOURCE_GROUP.max_len),
        log_analytics=fit("log", body, LOG_ANALYTICS.max_len),
        action_group=fit("ag", body, 260),
        action_group_short=slug(stack)[:ACTION_GROUP_SHORT_MAX].strip("-") or "alerts",
        # Budgets live at the subscription (to span two resource groups): unique there by project and stack.
        budget=fit("budget", body, 63),
    )


# Network resources (learn.microsoft.com, "Naming rules and restrictions for Azure resources", Microsoft.Network):
# virtual networks and private endpoints 2-64, network security groups 1-80 characters; letters, digits, _ . -,
# starting with a letter or digit and ending with a letter, digit or _.
VIRTUAL_NETWORK = NameRule(
    "virtual network",
    2,
    64,
    re.compile(r"[A-Za-z0-9][\w.-]*\w"),
    "letters, digits, _ . -, ending in a letter, digit or _",
)
NETWORK_SECURITY_GROUP = NameRule(
    "network security group",
    1,
    80,
    re.compile(r"[A-Za-z0-9]([\w.-]*\w)?"),
    "letters, digits, _ . -, ending in a letter, digit or _",
)
PRIVATE_ENDPOINT = NameRule(
    "private endpoint",
    2,
    64,
    re.compile(r"[A-Za-z0-9][\w.-]*\w"),
    "letters, digits, _ . -, ending in a letter, digit or _",
)
HOST_SUBNET_NAME = "snet-dbw-host"
CONTAINER_SUBNET_NAME = "snet-dbw-container"
ENDPOINT_SUBNET_NAME = "snet-private-endpoints"
"""Subnet names are unique within their VNet only: fixed, so a stack's VNet (or the one it is given) holds one set."""


@dataclass(frozen=True)
class NetworkNames:
    virtual_network: str
    network_security_group: str
    workspace_endpoint: str
    browser_auth_endpoint: str
    vault_endpoint: str


def network_names(project: str, stack: str) -> NetworkNames:
    """Unique within the stack's resource group, like the workspace's name."""
    body = slug(f"{project}-{stack}")
    return NetworkNames(
        virtual_network=fit("vnet", body, VIRTUAL_NETWORK.max_len),
        network_security_group=fit("nsg", body, NETWORK_SECURITY_GROUP.max_len),
        workspace_endpoint=fit("pe", f"{body}-dbw-ui-api", PRIVATE_ENDPOINT.max_len),
        browser_auth_endpoint=fit("pe", f"{body}-dbw-auth", PRIVATE_ENDPOINT.max_len),
        vault_endpoint=fit("pe", f"{body}-kv", PRIVATE_ENDPOINT.max_len),
    )
