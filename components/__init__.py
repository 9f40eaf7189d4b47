"""adf-databricks: Azure Data Factory with Azure Databricks (and its Data Flow runtime), as one Pulumi component.

Public API: the component and its args, the settings types, and the config loader.
"""

from components.config import ConfigError, load_settings, read_config
from components.platform import AdfDatabricks, AdfDatabricksArgs
from components.settings import (
    AuthMode,
    Autoscale,
    ClusterMode,
    ClusterOptions,
    DataFlowComputeType,
    DataFlowRuntimeSpec,
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
    "load_settings",
    "read_config",
]
