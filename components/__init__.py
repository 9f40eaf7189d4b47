"""adf-databricks: Azure Data Factory with Azure Databricks (and its Data Flow runtime), as one Pulumi component.

Public API: the component and its args, the settings types, and the config loader.
"""

from .args import AdfDatabricksArgs, AuthMode, ClusterMode, DataFlowComputeType, WorkspaceSku
from .config import ConfigError, load_settings, read_config, settings_from_args, stack_args
from .contract import from_contract
from .platform import AdfDatabricks
from .settings import (
    Autoscale,
    ClusterOptions,
    DataFlowRuntimeSpec,
    FixedSize,
    InstancePoolSpec,
    InteractiveClusterSpec,
    JobClusterSpec,
    PlatformSettings,
    SingleNode,
    TokenSpec,
    WorkspaceSpec,
)

__version__ = "0.2.0"

__all__ = [
    "AdfDatabricks",
    "AdfDatabricksArgs",
    "AuthMode",
    "Autoscale",
    "ClusterMode",
    "ClusterOptions",
    "ConfigError",
    "DataFlowComputeType",
    "DataFlowRuntimeSpec",
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
