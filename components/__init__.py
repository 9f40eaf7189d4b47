"""adf-databricks: Azure Data Factory Data Flows on Azure Databricks, as one Pulumi component.

Public API: the component and its args, the settings types, and the config loader.
"""

from components.args import AdfDatabricksArgs
from components.config import ConfigError, load_settings, read_config, settings_from_args, stack_args
from components.contract import from_contract
from components.platform import AdfDatabricks
from components.settings import (
    AuthMode,
    Autoscale,
    ClusterMode,
    ClusterOptions,
    FixedSize,
    InstancePoolSpec,
    InteractiveClusterSpec,
    JobClusterSpec,
    PlatformSettings,
    SingleNode,
    TokenSpec,
    WorkspaceSku,
    WorkspaceSpec,
)

__version__ = "0.1.0"

__all__ = [
    "AdfDatabricks",
    "AdfDatabricksArgs",
    "AuthMode",
    "Autoscale",
    "ClusterMode",
    "ClusterOptions",
    "ConfigError",
    "FixedSize",
    "InstancePoolSpec",
    "InteractiveClusterSpec",
    "JobClusterSpec",
    "PlatformSettings",
    "SingleNode",
    "TokenSpec",
    "WorkspaceSku",
    "WorkspaceSpec",
    "from_contract",
    "load_settings",
    "read_config",
    "settings_from_args",
    "stack_args",
]
