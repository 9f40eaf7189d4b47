"""The policy pack in policy/: each rule on a passing and a failing resource, the real stacks, the pack over gRPC.

Resources reach the rules as the engine hands them over: properties serialized to a protobuf Struct (secrets
as secret objects, numbers as doubles), deserialized by pulumi_policy itself (secrets in plain text) and
wrapped in its unknown-checking proxies (read-only Mappings, not dicts). A resource policy gets the
resource's inputs; a stack policy gets every resource's outputs, plus the `pulumi:pulumi:Stack` resource
whose outputs are the stack outputs. Failing cases start from the real program's resources and change one
property, so a rule that passes everything, or fails everything, is caught.
"""

from __future__ import annotations

import copy
import os
import queue
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from plans import planned
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE, UNKNOWN_STRING_VALUE, UnknownValueError
from support import JUDGED_ON, stacks

from components import preview
from components.offline.network_state import NETWORK_TYPES
from components.offline.plan import Plan, ResourceRecord, Secret
from components.offline.policy import (
    Violation,
    engine_view,
    evaluate,
    provider_of,
    resource_args,
    root_urn,
    run_resource_policy,
    run_stack_policy,
    stack_args,
    stack_outputs,
    to_struct,
)
from components.offline.project import Project, load_project, stack_config
from components.offline.run import PROJECT_DIR, run_program
from policy import rules

POLICY_DIR = PROJECT_DIR / "policy"
CANARY = "dapi0123456789abcdef0123456789abcdef-canary"
"""A token-shaped secret planted in failing cases: it must never appear in a violation message."""

PLANS: dict[str, tuple[str, dict[str, Any] | None]] = {stack: (stack, None) for stack in stacks()}
"""Every stack file as it is, under its own name, then variants of the shipped dev and prod stacks."""
PLANS |= {
    "prod-unprotected": ("prod", {"protect": False}),
    "dev-msi": ("dev", {"auth": "managedIdentity", "managedIdentity": {"userAssigned": True}}),
    "prod-msi": ("prod", {"auth": "managedIdentity", "managedIdentity": {"userAssigned": True}}),
    "prod-msi-unprotected": (
        "prod",
        {"auth": "managedIdentity", "managedIdentity": {"userAssigned": True}, "protect": False},
    ),
    "dev-pool": (
        "dev",
        {
            "clusterMode": "instancePool",
            "instancePool": {"sparkVersion": "16.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "workers": "4"},
        },
    ),
    "dev-job": (
        "dev",
        {
            "clusterMode": "newJobCluster",
            "jobCluster": {"sparkVersion": "16.4.x-scala2.12", "nodeType": "Standard_DS3_v2", "workers": "2:8"},
        },
    ),
}
PLANS["dev-serverless"] = ("dev", {"clusterMode": "serverless"})
PASSING_PLANS = (*stacks(), "dev-msi", "prod-msi", "dev-pool", "dev-job", "dev-serverless")

# --------------------------------------------------------------------------------------------------
# The engine's view of a plan.
# --------------------------------------------------------------------------------------------------


RESOURCE_POLICIES = [p for p in rules.ALL_POLICIES if isinstance(p, ResourceValidationPolicy)]
STACK_POLICIES = [p for p in rules.ALL_POLICIES if isinstance(p, StackValidationPolicy)]


ADVISORY_POLICIES = ("prod-databricks-runtime-ageing", "public-endpoints", "prod-delete-locks", "prod-budget")
"""The pack's warnings; every other rule is mandatory."""


@pytest.fixture(scope="module")
def plans() -> Callable[[str], Plan]:
    cache: dict[str, Plan] = {}

    def get(key: str) -> Plan:
        if key not in cache:
            stack, overrides = PLANS[key]
            cache[key] = planned(stack, overrides)
        return cache[key]

    return get


def token_value(plan: Plan) -> str:
    value = plan.one(rules.TOKEN).outputs["tokenValue"]
    assert isinstance(value, Secret) and isinstance(value.value, str) and value.value.startswith("dapi")
    return value.value


# --------------------------------------------------------------------------------------------------
# One rule at a time: a real resource passes; the same resource with one property changed fails.
# --------------------------------------------------------------------------------------------------

Edit = Callable[[dict[str, Any]], None]


def setting(*path: str, value: Any) -> Edit:
    def edit(props: dict[str, Any]) -> None:
        node = props
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value

    return edit


def removing(*path: str) -> Edit:
    def edit(props: dict[str, Any]) -> None:
        node = props
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return edit


def chain(*edits: Edit) -> Edit:
    def edit(props: dict[str, Any]) -> None:
        for each in edits:
            each(props)

    return edit


@dataclass(frozen=True)
class Case:
    id: str
    policy: ResourceValidationPolicy
    plan: str
    type: str
    violations: int
    """How many violations the rule must report: 0 for a passing case."""
    name: str | None = None
    edit: Edit | None = None
    resource_type: str | None = None
    config: Mapping[str, Any] | None = None
    fragment: str = ""
    """Text every violation message must contain (which property is wrong)."""
    planted: tuple[str, ...] = field(default=())
    """Values planted by `edit` that no message may echo."""


DATABRICKS_LS = "adf-databricks-databricks-linked-service"
KEY_VAULT_LS = "adf-databricks-key-vault-linked-service"
SECURE_TOKEN = {"type": "SecureString", "value": CANARY}
DAY = 86_400

CASES = [
    # databricks-cluster-autotermination
    Case("cluster-dev", rules.cluster_autotermination, "dev", rules.CLUSTER, 0),
    Case("cluster-pool", rules.cluster_autotermination, "dev-msi", rules.CLUSTER, 0),
    Case(
        "cluster-zero",
        rules.cluster_autotermination,
        "dev",
        rules.CLUSTER,
        1,
        edit=setting("autoterminationMinutes", value=0),
        fragment="autoterminationMinutes",
    ),
    Case(
        "cluster-missing",
        rules.cluster_autotermination,
        "dev",
        rules.CLUSTER,
        1,
        edit=removing("autoterminationMinutes"),
        fragment="autoterminationMinutes",
    ),
    Case(
        "cluster-bool",
        rules.cluster_autotermination,
        "dev",
        rules.CLUSTER,
        1,
        edit=setting("autoterminationMinutes", value=True),
    ),
    # databricks-token-finite-lifetime
    Case("token-dev", rules.token_finite_lifetime, "dev", rules.TOKEN, 0),
    Case("token-prod", rules.token_finite_lifetime, "prod", rules.TOKEN, 0),
    Case(
        "token-no-lifetime",
        rules.token_finite_lifetime,
        "dev",
        rules.TOKEN,
        1,
        edit=removing("lifetimeSeconds"),
        fragment="lifetimeSeconds",
    ),
    Case(
        "token-zero",
        rules.token_finite_lifetime,
        "dev",
        rules.TOKEN,
        1,
        edit=setting("lifetimeSeconds", value=0),
        fragment="lifetimeSeconds",
    ),
    Case(
        "token-negative",
        rules.token_finite_lifetime,
        "dev",
        rules.TOKEN,
        1,
        edit=setting("lifetimeSeconds", value=-1),
    ),
    Case(
        "token-too-long",
        rules.token_finite_lifetime,
        "dev",
        rules.TOKEN,
        1,
        edit=setting("lifetimeSeconds", value=731 * DAY),
        fragment="730 days",
        planted=(str(731 * DAY),),
    ),
    Case(
        "token-longest-allowed",
        rules.token_finite_lifetime,
        "dev",
        rules.TOKEN,
        0,
        edit=setting("lifetimeSeconds", value=730 * DAY),
    ),
    Case(
        "token-config-max",
        rules.token_finite_lifetime,
        "dev",
        rules.TOKEN,
        1,
        config={"maxLifetimeDays": 30},
        fragment="30 days",
    ),
    Case(
        "token-config-max-float",
        rules.token_finite_lifetime,
        "dev",
        rules.TOKEN,
        0,
        config={"maxLifetimeDays": 365.0},
    ),
    Case(
        "obo-token-no-lifetime",
        rules.token_finite_lifetime,
        "dev",
        rules.TOKEN,
        1,
        edit=removing("lifetimeSeconds"),
        resource_type=rules.OBO_TOKEN,
    ),
    # key-vault-purge-protection
    Case("vault-dev", rules.key_vault_purge_protection, "dev", rules.VAULT, 0),
    Case("vault-prod", rules.key_vault_purge_protection, "prod", rules.VAULT, 0),
    Case(
        "vault-off",
        rules.key_vault_purge_protection,
        "dev",
        rules.VAULT,
        1,
        edit=setting("properties", "enablePurgeProtection", value=False),
        fragment="enablePurgeProtection",
    ),
    Case(
        "vault-unset",
        rules.key_vault_purge_protection,
        "dev",
        rules.VAULT,
        1,
        edit=removing("properties", "enablePurgeProtection"),
        fragment="enablePurgeProtection",
    ),
    Case(
        "vault-versioned-type",
        rules.key_vault_purge_protection,
        "dev",
        rules.VAULT,
        1,
        edit=removing("properties", "enablePurgeProtection"),
        resource_type="azure-native:keyvault/v20230701:Vault",
    ),
    # key-vault-secret-expiry
    Case("secret-dev", rules.key_vault_secret_expiry, "dev", rules.VAULT_SECRET, 0),
    Case("secret-prod", rules.key_vault_secret_expiry, "prod", rules.VAULT_SECRET, 0),
    Case(
        "secret-no-expiry",
        rules.key_vault_secret_expiry,
        "dev",
        rules.VAULT_SECRET,
        1,
        edit=removing("properties", "attributes", "expires"),
        fragment="expires",
    ),
    Case(
        "secret-no-attributes",
        rules.key_vault_secret_expiry,
        "dev",
        rules.VAULT_SECRET,
        1,
        edit=removing("properties", "attributes"),
        fragment="expires",
    ),
    Case(
        "secret-disabled-no-expiry",
        rules.key_vault_secret_expiry,
        "dev",
        rules.VAULT_SECRET,
        0,
        edit=chain(
            removing("properties", "attributes", "expires"),
            setting("properties", "attributes", "enabled", value=False),
        ),
    ),
    Case(
        "secret-enabled-unset-no-expiry",
        rules.key_vault_secret_expiry,
        "dev",
        rules.VAULT_SECRET,
        1,
        edit=chain(removing("properties", "attributes", "expires"), removing("properties", "attributes", "enabled")),
        fragment="expires",
    ),
    Case(
        "secret-with-planted-value-no-expiry",
        rules.key_vault_secret_expiry,
        "dev",
        rules.VAULT_SECRET,
        1,
        edit=chain(setting("properties", "value", value=Secret(CANARY)), removing("properties", "attributes")),
        planted=(CANARY,),
    ),
    # databricks-workspace-no-public-ip
    Case("workspace-dev", rules.workspace_no_public_ip, "dev", rules.WORKSPACE, 0),
    Case("workspace-prod", rules.workspace_no_public_ip, "prod", rules.WORKSPACE, 0),
    Case(
        "workspace-public-ip",
        rules.workspace_no_public_ip,
        "dev",
        rules.WORKSPACE,
        1,
        edit=setting("parameters", "enableNoPublicIp", "value", value=False),
        fragment="enableNoPublicIp",
    ),
    Case(
        "workspace-no-parameters",
        rules.workspace_no_public_ip,
        "dev",
        rules.WORKSPACE,
        1,
        edit=removing("parameters"),
        fragment="enableNoPublicIp",
    ),
    # linked-service-no-inline-token
    Case("ls-dev", rules.linked_service_no_inline_token, "dev", rules.LINKED_SERVICE, 0, name=DATABRICKS_LS),
    Case("ls-prod", rules.linked_service_no_inline_token, "prod", rules.LINKED_SERVICE, 0, name=DATABRICKS_LS),
    Case("ls-msi", rules.linked_service_no_inline_token, "dev-msi", rules.LINKED_SERVICE, 0, name=DATABRICKS_LS),
    Case("ls-key-vault", rules.linked_service_no_inline_token, "dev", rules.LINKED_SERVICE, 0, name=KEY_VAULT_LS),
    Case(
        "ls-inline-secure-string",
        rules.linked_service_no_inline_token,
        "prod",
        rules.LINKED_SERVICE,
        1,
        name=DATABRICKS_LS,
        edit=setting("properties", "accessToken", value=Secret(SECURE_TOKEN)),
        fragment="properties.accessToken",
        planted=(CANARY,),
    ),
    Case(
        "ls-inline-secure-string-not-secret",
        rules.linked_service_no_inline_token,
        "dev",
        rules.LINKED_SERVICE,
        1,
        name=DATABRICKS_LS,
        edit=setting("properties", "accessToken", value=SECURE_TOKEN),
        fragment="SecureString",
        planted=(CANARY,),
    ),
    Case(
        "ls-plain-string-token",
        rules.linked_service_no_inline_token,
        "dev",
        rules.LINKED_SERVICE,
        1,
        name=DATABRICKS_LS,
        edit=setting("properties", "accessToken", value=CANARY),
        fragment="AzureKeyVaultSecret",
        planted=(CANARY,),
    ),
    Case(
        "ls-secure-string-elsewhere",
        rules.linked_service_no_inline_token,
        "dev",
        rules.LINKED_SERVICE,
        1,
        name=KEY_VAULT_LS,
        edit=setting("properties", "credential", "secret", value=SECURE_TOKEN),
        fragment="properties.credential.secret",
        planted=(CANARY,),
    ),
    Case(
        "ls-versioned-type",
        rules.linked_service_no_inline_token,
        "dev",
        rules.LINKED_SERVICE,
        1,
        name=DATABRICKS_LS,
        edit=setting("properties", "accessToken", value=SECURE_TOKEN),
        resource_type="azure-native:datafactory/v20180601:LinkedService",
        planted=(CANARY,),
    ),
    # prod-resources-protected
    Case("protect-prod-workspace", rules.prod_resources_protected, "prod", rules.WORKSPACE, 0),
    Case("protect-dev-workspace", rules.prod_resources_protected, "dev", rules.WORKSPACE, 0),
    Case(
        "protect-prod-unprotected-workspace",
        rules.prod_resources_protected,
        "prod-unprotected",
        rules.WORKSPACE,
        1,
        fragment="'prod'",
    ),
    Case(
        "protect-prod-stacks-config",
        rules.prod_resources_protected,
        "prod-unprotected",
        rules.WORKSPACE,
        0,
        config={"prodStacks": ["live", "live-*"]},
    ),
    Case(
        "protect-types-config",
        rules.prod_resources_protected,
        "prod",
        rules.TOKEN,
        1,
        config={"protectedTypes": [rules.TOKEN]},
    ),
]


RUNTIME_TTL = ("properties", "computeProperties", "dataFlowProperties", "timeToLive")
CASES += [
    # prod-data-flow-runtime-ttl-cap
    Case("runtime-prod-cold", rules.prod_data_flow_runtime_cold, "prod", rules.INTEGRATION_RUNTIME, 0),
    Case("runtime-dev-warm", rules.prod_data_flow_runtime_cold, "dev", rules.INTEGRATION_RUNTIME, 0),
    Case(
        "runtime-prod-warm",
        rules.prod_data_flow_runtime_cold,
        "prod",
        rules.INTEGRATION_RUNTIME,
        1,
        edit=setting(*RUNTIME_TTL, value=30),
        fragment="timeToLive",
    ),
    Case(
        "runtime-prod-warm-versioned-type",
        rules.prod_data_flow_runtime_cold,
        "prod",
        rules.INTEGRATION_RUNTIME,
        1,
        edit=setting(*RUNTIME_TTL, value=30),
        resource_type="azure-native:datafactory/v20180601:IntegrationRuntime",
    ),
    Case(
        "runtime-prod-within-configured-cap",
        rules.prod_data_flow_runtime_cold,
        "prod",
        rules.INTEGRATION_RUNTIME,
        0,
        edit=setting(*RUNTIME_TTL, value=30),
        config={"maxTimeToLiveMinutes": 60},
    ),
    Case(
        "runtime-prod-ttl-not-a-number",
        rules.prod_data_flow_runtime_cold,
        "prod",
        rules.INTEGRATION_RUNTIME,
        1,
        edit=setting(*RUNTIME_TTL, value="30"),
    ),
]


NEW_CLUSTER_VERSION = ("properties", "newClusterVersion")
AS_PROD = {"prodStacks": ["dev"]}
"""dev holds the interactive cluster and the pool plans: the policy config's prodStacks makes it prod here."""
CASES += [
    # prod-databricks-runtime-supported (lifecycle row `dbr-lts-support`): prod ships 16.4 LTS, which ends 2028-05-09
    Case(
        "runtime-prod-supported",
        rules.prod_databricks_runtime_supported,
        "prod",
        rules.LINKED_SERVICE,
        0,
        name=DATABRICKS_LS,
        config={"judgedOn": "2028-05-08"},
    ),
    Case(
        "runtime-prod-ended",
        rules.prod_databricks_runtime_supported,
        "prod",
        rules.LINKED_SERVICE,
        1,
        name=DATABRICKS_LS,
        config={"judgedOn": "2028-05-09"},
        fragment="properties.newClusterVersion in prod stack 'prod': Databricks Runtime 16.4 LTS reached",
    ),
    Case(
        "runtime-prod-no-such-build",
        rules.prod_databricks_runtime_supported,
        "prod",
        rules.LINKED_SERVICE,
        1,
        name=DATABRICKS_LS,
        edit=setting(*NEW_CLUSTER_VERSION, value="17.3.x-scala2.12"),
        fragment="17.3 LTS has no Scala 2.12 build",
    ),
    Case(
        "runtime-dev-ended-is-not-prod",
        rules.prod_databricks_runtime_supported,
        "dev",
        rules.CLUSTER,
        0,
        config={"judgedOn": "2028-05-09"},
    ),
    Case(
        "runtime-cluster-ended",
        rules.prod_databricks_runtime_supported,
        "dev",
        rules.CLUSTER,
        1,
        config={**AS_PROD, "judgedOn": "2028-05-09"},
        fragment="sparkVersion in prod stack 'dev'",
    ),
    Case(
        "runtime-pool-ended",
        rules.prod_databricks_runtime_supported,
        "dev-pool",
        rules.INSTANCE_POOL,
        1,
        config={**AS_PROD, "judgedOn": "2028-06-01"},
        fragment="preloadedSparkVersions[0] in prod stack 'dev'",
    ),
    Case(
        "runtime-key-vault-link-has-none",
        rules.prod_databricks_runtime_supported,
        "prod",
        rules.LINKED_SERVICE,
        0,
        name=KEY_VAULT_LS,
        config={"judgedOn": "2030-01-01"},
    ),
    # prod-private-networking: prod's workspace and vault answer only through private endpoints (lifecycle rows
    # `private-link`, `workspace-pna-private-link`); public-endpoints (advisory) reports public ones elsewhere.
    Case("prod-workspace-private", rules.prod_private_networking, "prod", rules.WORKSPACE, 0),
    Case("prod-vault-private", rules.prod_private_networking, "prod", rules.VAULT, 0),
    Case(
        "prod-workspace-public",
        rules.prod_private_networking,
        "prod",
        rules.WORKSPACE,
        1,
        edit=setting("publicNetworkAccess", value="Enabled"),
        fragment="publicNetworkAccess must be Disabled",
    ),
    Case(
        "prod-vault-public",
        rules.prod_private_networking,
        "prod",
        rules.VAULT,
        1,
        edit=setting("properties", "publicNetworkAccess", value="Enabled"),
        fragment="properties.publicNetworkAccess must be Disabled",
    ),
    Case("dev-public-workspace-is-not-prod", rules.prod_private_networking, "dev", rules.WORKSPACE, 0),
    Case(
        "dev-workspace-public-reported",
        rules.public_endpoints,
        "dev",
        rules.WORKSPACE,
        1,
        fragment="answers on the public internet",
    ),
    Case("dev-vault-public-reported", rules.public_endpoints, "dev", rules.VAULT, 1, fragment="network.mode: private"),
    Case("prod-is-not-reported-as-advisory", rules.public_endpoints, "prod", rules.WORKSPACE, 0),
    # prod-databricks-runtime-ageing (advisory): six months ahead, and runtimes the table does not track
    Case(
        "runtime-prod-not-yet-ageing",
        rules.prod_databricks_runtime_ageing,
        "prod",
        rules.LINKED_SERVICE,
        0,
        name=DATABRICKS_LS,
        config={"judgedOn": "2027-11-08"},
    ),
    Case(
        "runtime-prod-ageing",
        rules.prod_databricks_runtime_ageing,
        "prod",
        rules.LINKED_SERVICE,
        1,
        name=DATABRICKS_LS,
        config={"judgedOn": "2027-11-09"},
        fragment="reaches end of support on 2028-05-09 (judged on 2027-11-09)",
    ),
    Case(
        "runtime-prod-ended-is-not-a-mere-warning",
        rules.prod_databricks_runtime_ageing,
        "prod",
        rules.LINKED_SERVICE,
        0,
        name=DATABRICKS_LS,
        config={"judgedOn": "2028-05-09"},
    ),
    Case(
        "runtime-prod-untracked",
        rules.prod_databricks_runtime_ageing,
        "prod",
        rules.LINKED_SERVICE,
        1,
        name=DATABRICKS_LS,
        edit=setting(*NEW_CLUSTER_VERSION, value="16.2.x-scala2.12"),
        fragment="16.2 is not an LTS version this package tracks",
    ),
]


def case_record(plan: Plan, case: Case) -> ResourceRecord:
    return plan.one(case.type, case.name)


def case_args(plans: Callable[[str], Plan], case: Case) -> ResourceValidationArgs:
    plan = plans(case.plan)
    record = case_record(plan, case)
    inputs = copy.deepcopy(record.inputs)
    if case.edit:
        case.edit(inputs)
    return resource_args(plan, record, inputs=inputs, resource_type=case.resource_type, config=case.config)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_verdict(plans: Callable[[str], Plan], case: Case) -> None:
    violations = run_resource_policy(case.policy, case_args(plans, case))
    assert len(violations) == case.violations, [v.message for v in violations]
    for violation in violations:
        assert case.fragment in violation.message
        assert violation.urn is None, "a resource rule reports against the resource it validates"


@pytest.mark.parametrize("case", [c for c in CASES if c.planted], ids=[c.id for c in CASES if c.planted])
def test_violation_messages_never_echo_a_planted_value(plans: Callable[[str], Plan], case: Case) -> None:
    args = case_args(plans, case)
    props = rules.walk(args.props)
    assert any(any(p in str(node.value) for p in case.planted) for node in props), "the rule sees the value"
    violations = run_resource_policy(case.policy, args)
    assert violations
    for violation in violations:
        for planted in case.planted:
            assert planted not in violation.message


def test_every_resource_rule_has_a_passing_and_a_failing_case() -> None:
    for policy in RESOURCE_POLICIES:
        verdicts = {c.violations > 0 for c in CASES if c.policy is policy}
        assert verdicts == {True, False}, policy.name


def test_the_pack_has_eighteen_rules_all_mandatory_but_four_warnings() -> None:
    names = [p.name for p in rules.ALL_POLICIES]
    assert names == [
        "databricks-cluster-autotermination",
        "databricks-token-finite-lifetime",
        "key-vault-purge-protection",
        "key-vault-secret-expiry",
        "databricks-workspace-no-public-ip",
        "linked-service-no-inline-token",
        "prod-resources-protected",
        "token-not-in-stack-outputs",
        "prod-data-flow-runtime-ttl-cap",
        "databricks-activities-on-stack-linked-service",
        "prod-databricks-runtime-supported",
        "prod-databricks-runtime-ageing",
        "prod-private-networking",
        "public-endpoints",
        "prod-diagnostics",
        "prod-alert-receiver",
        "prod-delete-locks",
        "prod-budget",
    ]
    levels = {p.name: p.enforcement_level for p in rules.ALL_POLICIES}
    for advisory in ADVISORY_POLICIES:
        assert levels.pop(advisory) == EnforcementLevel.ADVISORY
    assert set(levels.values()) == {EnforcementLevel.MANDATORY}
    assert all(p.description and p.remediation_steps for p in rules.ALL_POLICIES)
    assert [p.name for p in STACK_POLICIES] == [
        "token-not-in-stack-outputs",
        "databricks-activities-on-stack-linked-service",
        "prod-diagnostics",
        "prod-alert-receiver",
        "prod-delete-locks",
        "prod-budget",
    ]


def test_a_rule_ignores_other_resource_types(plans: Callable[[str], Plan]) -> None:
    """A Key Vault without purge protection is not a cluster: only the vault rule reports it."""
    plan = plans("dev")
    record = plan.one(rules.VAULT)
    inputs = copy.deepcopy(record.inputs)
    removing("properties", "enablePurgeProtection")(inputs)
    reporting = [
        p.name for p in RESOURCE_POLICIES if run_resource_policy(p, resource_args(plan, record, inputs=inputs))
    ]
    assert reporting == ["key-vault-purge-protection", "public-endpoints"], "dev's vault is public: reported"


def test_an_unknown_secret_expiry_is_not_taken_as_compliant(plans: Callable[[str], Plan]) -> None:
    """During a first preview the expiry is unknown: the SDK turns the raise into "can't run during preview"."""
    plan = plans("dev")
    record = plan.one(rules.VAULT_SECRET)
    inputs = copy.deepcopy(record.inputs)
    setting("properties", "attributes", "expires", value=UNKNOWN_NUMBER_VALUE)(inputs)
    with pytest.raises(UnknownValueError):
        run_resource_policy(rules.key_vault_secret_expiry, resource_args(plan, record, inputs=inputs))


def test_a_linked_service_with_unknown_endpoints_is_still_checked(plans: Callable[[str], Plan]) -> None:
    """In a preview the domain and cluster id are unknown; the inline token is still found."""
    plan = plans("dev")
    record = plan.one(rules.LINKED_SERVICE, DATABRICKS_LS)
    inputs = copy.deepcopy(record.inputs)
    setting("properties", "domain", value=UNKNOWN_STRING_VALUE)(inputs)
    setting("properties", "existingClusterId", value=UNKNOWN_STRING_VALUE)(inputs)
    args = resource_args(plan, record, inputs=inputs)
    assert run_resource_policy(rules.linked_service_no_inline_token, args) == []
    setting("properties", "accessToken", value=Secret(SECURE_TOKEN))(inputs)
    args = resource_args(plan, record, inputs=inputs)
    assert len(run_resource_policy(rules.linked_service_no_inline_token, args)) == 1


def test_a_stack_where_the_program_sets_no_public_ip_false_fails() -> None:
    plan = planned("dev", {"workspace": {"sku": "premium", "noPublicIp": False}})
    record = plan.one(rules.WORKSPACE)
    violations = run_resource_policy(rules.workspace_no_public_ip, resource_args(plan, record))
    assert len(violations) == 1


# --------------------------------------------------------------------------------------------------
# The real stacks pass the whole pack.
# --------------------------------------------------------------------------------------------------

CHECKED_TYPES = {
    rules.TOKEN,
    rules.VAULT,
    rules.VAULT_SECRET,
    rules.WORKSPACE,
    rules.LINKED_SERVICE,
    rules.INTEGRATION_RUNTIME,
    rules.PIPELINE,
}


@pytest.mark.parametrize("key", PASSING_PLANS)
def test_every_resource_passes_every_resource_rule(plans: Callable[[str], Plan], key: str) -> None:
    """Every rule but `public-endpoints`, an advisory report that public stacks (dev's) are meant to draw."""
    plan = plans(key)
    failures = [
        (policy.name, record.name, v.message)
        for record in plan.resources
        for policy in RESOURCE_POLICIES
        if policy is not rules.public_endpoints
        for v in run_resource_policy(policy, resource_args(plan, record))
    ]
    assert failures == []


@pytest.mark.parametrize("key", PASSING_PLANS)
def test_every_stack_passes_every_stack_rule(plans: Callable[[str], Plan], key: str) -> None:
    plan = plans(key)
    args = stack_args(plan)
    assert [r.resource_type for r in args.resources].count(rules.STACK) == 1
    for policy in STACK_POLICIES:
        assert run_stack_policy(policy, args) == [], policy.name


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_dev_and_prod_pass_and_the_rules_had_something_to_check(plans: Callable[[str], Plan], stack: str) -> None:
    """Not vacuous: both stacks hold the resources the rules look at, and the token value is visible."""
    plan = plans(stack)
    assert {r.type for r in plan.resources} >= CHECKED_TYPES
    assert (rules.CLUSTER in {r.type for r in plan.resources}) is (stack == "dev")
    tokens = rules.token_values(stack_args(plan).resources)
    assert tokens == [("adf-databricks-token", token_value(plan))]


# --------------------------------------------------------------------------------------------------
# prod-resources-protected: which stacks are prod, and what the program does with `protect`.
# --------------------------------------------------------------------------------------------------


def violating_types(plan: Plan, config: Mapping[str, Any] | None = None) -> set[str]:
    return {
        record.type
        for record in plan.resources
        if run_resource_policy(rules.prod_resources_protected, resource_args(plan, record, config=config))
    }


TOKEN_MODE_STATEFUL = set(rules.DEFAULT_PROTECTED_TYPES) - {rules.USER_ASSIGNED_IDENTITY}
"""Token mode creates no user-assigned identity; the other stateful types are always there."""
PRIVATE_PROTECTED = {*NETWORK_TYPES, "azure-native:resources:Resource"}
"""A private stack's network, and the factory's managed virtual network (protected with the factory)."""
IDENTITY_MODE_STATEFUL = set(rules.DEFAULT_PROTECTED_TYPES)
"""The Key Vault stays in every auth mode (lifecycle rows `kv-secret-dataplane-delete`, `kv-soft-delete-name` and
`azure-native-no-adopt`), so identity mode has every stateful type."""


def test_dev_without_protect_is_fine(plans: Callable[[str], Plan]) -> None:
    plan = plans("dev")
    assert plan.stack == "dev"
    assert [r for r in plan.resources if r.protect] == []
    assert {r.type for r in plan.resources} >= TOKEN_MODE_STATEFUL
    assert violating_types(plan) == set()


def test_prod_with_protect_is_fine(plans: Callable[[str], Plan]) -> None:
    """prod is private: its network resources are protected too (the path to the protected workspace and vault)."""
    plan = plans("prod")
    assert {r.type for r in plan.resources if r.protect} == TOKEN_MODE_STATEFUL | PRIVATE_PROTECTED
    assert violating_types(plan) == set()


def test_prod_without_protect_fails_for_every_stateful_resource(plans: Callable[[str], Plan]) -> None:
    assert violating_types(plans("prod-unprotected")) == TOKEN_MODE_STATEFUL


def test_prod_protects_the_user_assigned_identity(plans: Callable[[str], Plan]) -> None:
    plan = plans("prod-msi")
    assert {r.type for r in plan.resources if r.protect} == IDENTITY_MODE_STATEFUL | PRIVATE_PROTECTED
    assert violating_types(plan) == set()


def test_prod_with_an_unprotected_user_assigned_identity_fails(plans: Callable[[str], Plan]) -> None:
    assert violating_types(plans("prod-msi-unprotected")) == IDENTITY_MODE_STATEFUL


@pytest.mark.parametrize("stack", ["prod-weu", "production", "PROD"])
def test_a_prod_named_stack_without_protect_fails(stack: str) -> None:
    project = load_project(PROJECT_DIR)
    plan = run_program(project, stack, stack_config(project, "prod", {"protect": False}))
    assert plan.stack == stack
    assert violating_types(plan) == TOKEN_MODE_STATEFUL


def test_a_non_prod_stack_named_in_config_is_prod() -> None:
    project = load_project(PROJECT_DIR)
    plan = run_program(project, "live", stack_config(project, "dev"))
    assert violating_types(plan) == set()
    assert violating_types(plan, {"prodStacks": ["live"]}) == TOKEN_MODE_STATEFUL


@pytest.mark.parametrize(
    ("stack", "prod"),
    [
        *[("prod", True), ("prod-weu", True), ("production", True), ("Prod", True)],
        *[("dev", False), ("preprod", False), ("staging", False), ("test-prod", False)],
    ],
)
def test_is_prod_stack(stack: str, prod: bool) -> None:
    assert rules.is_prod_stack(stack) is prod


@pytest.mark.parametrize(
    ("urn", "stack"),
    [
        ("urn:pulumi:prod::adf-databricks::azure-native:keyvault:Vault::kv", "prod"),
        ("urn:pulumi:prod-weu::p::a:b:C$azure-native:keyvault:Vault::kv", "prod-weu"),
        ("not-a-urn", None),
        ("urn:pulumi:::p::t::n", None),
    ],
)
def test_stack_from_urn(urn: str, stack: str | None) -> None:
    assert rules.stack_from_urn(urn) == stack


@pytest.mark.parametrize(
    ("actual", "canonical", "matches"),
    [
        ("azure-native:keyvault:Vault", "azure-native:keyvault:Vault", True),
        ("azure-native:keyvault/v20230701:Vault", "azure-native:keyvault:Vault", True),
        ("azure-native:keyvault:Secret", "azure-native:keyvault:Vault", False),
        ("azure-native:keyvaultx/v1:Vault", "azure-native:keyvault:Vault", False),
        ("databricks:index/cluster:Cluster", "databricks:index/cluster:Cluster", True),
        ("databricks:index/clusterPolicy:ClusterPolicy", "databricks:index/cluster:Cluster", False),
    ],
)
def test_type_matches(actual: str, canonical: str, matches: bool) -> None:
    assert rules.type_matches(actual, canonical) is matches


# --------------------------------------------------------------------------------------------------
# token-not-in-stack-outputs.
# --------------------------------------------------------------------------------------------------


def test_stack_outputs_with_the_token_fail_and_never_echo_it(plans: Callable[[str], Plan]) -> None:
    plan = plans("dev")
    token = token_value(plan)
    outputs = stack_outputs(plan) | {
        "adminToken": Secret(token),
        "connection": {"headers": [f"Authorization: Bearer {token}"]},
        "byToken": {token: "x"},
    }
    violations = run_stack_policy(rules.token_not_in_stack_outputs, stack_args(plan, outputs=outputs))
    messages = sorted(v.message for v in violations)
    assert len(violations) == 3
    assert {v.urn for v in violations} == {root_urn(plan)}
    assert any("'adminToken'" in m for m in messages)
    assert any("'connection.headers[0]'" in m for m in messages)
    assert any("'byToken.[secret]'" in m for m in messages)
    assert all(token not in m for m in messages)


def test_a_program_that_exports_the_token_fails(tmp_path: Path) -> None:
    """The real engine path: the program exports `token_value`, which the engine keeps as a secret output."""
    (tmp_path / "__main__.py").write_text(
        textwrap.dedent(
            """
            import pulumi
            import pulumi_databricks as databricks

            token = databricks.Token("leaky-token", lifetime_seconds=3600)
            pulumi.export("token", token.token_value)
            pulumi.export("tokenId", token.token_id)
            """
        )
    )
    project = Project(name="leaky", directory=tmp_path, stack_config_dir=tmp_path, config={})
    plan = run_program(project, "dev", {})
    assert plan.outputs["token"].secret
    violations = run_stack_policy(rules.token_not_in_stack_outputs, stack_args(plan))
    assert [v.message.split("'")[1] for v in violations] == ["token"]
    assert token_value(plan) not in violations[0].message


def test_an_unknown_token_value_is_skipped_not_crashed(plans: Callable[[str], Plan]) -> None:
    """First preview of a new stack: the token's value is unknown; nothing to compare, no error."""
    plan = plans("dev")
    record = plan.one(rules.TOKEN)
    unknown = engine_view({**{k: v for k, v in record.outputs.items()}, "tokenValue": UNKNOWN_STRING_VALUE})
    args = stack_args(plan, outputs={"token": UNKNOWN_STRING_VALUE}, props={record.name: unknown})
    assert rules.token_values(args.resources) == []
    assert run_stack_policy(rules.token_not_in_stack_outputs, args) == []


def test_a_short_token_value_is_not_compared() -> None:
    resource = PolicyResource(
        rules.TOKEN,
        engine_view({"tokenValue": "x"}),
        "urn:pulumi:dev::p::databricks:index/token:Token::t",
        "t",
        PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), []),
        None,
        None,
        [],
        {},
    )
    assert rules.token_values([resource]) == []


# --------------------------------------------------------------------------------------------------
# The pack as the Pulumi CLI runs it: `python -u -m pulumi.policy <engine> policy/`, spoken to over gRPC.
# --------------------------------------------------------------------------------------------------


def _first_line(stream: Any, timeout: float) -> bytes:
    lines: queue.Queue[bytes] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    return lines.get(timeout=timeout)


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    workdir = tmp_path_factory.mktemp("policy-run")
    stderr_path = workdir / "stderr.txt"
    env = {**os.environ, "PULUMI_PROJECT": "adf-databricks", "PULUMI_STACK": "prod", "PULUMI_DRY_RUN": "true"}
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:0", str(POLICY_DIR)],
            cwd=workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    try:
        try:
            port = int(_first_line(process.stdout, timeout=60).strip())
        except (queue.Empty, ValueError):
            pytest.fail(f"the policy pack did not start:\n{stderr_path.read_text()}")
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=30)
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def analyze_request(plan: Plan, record: ResourceRecord, inputs: Mapping[str, Any] | None = None) -> Any:
    provider = provider_of(plan, record)
    return analyzer_pb2.AnalyzeRequest(
        type=record.type,
        properties=to_struct(record.inputs if inputs is None else inputs),
        urn=record.urn,
        name=record.name,
        options=analyzer_pb2.AnalyzerResourceOptions(protect=record.protect, parent=record.parent),
        provider=analyzer_pb2.AnalyzerProviderResource(
            type=provider.resource_type, urn=provider.urn, name=provider.name, properties=struct_pb2.Struct()
        )
        if provider
        else None,
    )


def analyze_stack_request(plan: Plan, outputs: Mapping[str, Any]) -> Any:
    root = root_urn(plan)
    resources = [
        analyzer_pb2.AnalyzerResource(type=rules.STACK, properties=to_struct(outputs), urn=root, name=root)
    ] + [
        analyzer_pb2.AnalyzerResource(
            type=r.type,
            properties=to_struct(r.outputs),
            urn=r.urn,
            name=r.name,
            options=analyzer_pb2.AnalyzerResourceOptions(protect=r.protect),
            parent=r.parent,
            dependencies=list(r.dependencies),
        )
        for r in plan.resources
    ]
    return analyzer_pb2.AnalyzeStackRequest(resources=resources)


def test_run_by_hand_the_pack_says_how_it_is_run_and_stops() -> None:
    """`python policy/__main__.py` with no engine attached: the server would wait for an engine that never
    comes, printing nothing. It says how the pack is run instead, and exits non-zero at once."""
    result = subprocess.run(
        [sys.executable, str(POLICY_DIR / "__main__.py")],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "pulumi preview -s <stack> --policy-pack policy" in result.stderr
    assert "policy/.venv/bin/pip install -q -r policy/requirements.txt" in result.stderr
    assert result.stdout == ""


def test_launched_as_an_executable_analyzer_the_pack_serves() -> None:
    """As the engine tier launches it (tests/engine/harness.py): `__main__.py <engine address>` from policy/. The
    engine hands an executable pack its address as the only argument (pulumi pkg/v3 resource/plugin/
    analyzer_plugin.go, NewPolicyAnalyzer); the pack then serves and prints its port, as the engine expects."""
    process = subprocess.Popen(
        [sys.executable, "-u", "__main__.py", "127.0.0.1:0"],
        cwd=POLICY_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert int(_first_line(process.stdout, timeout=60).strip()) > 0
    finally:
        process.kill()
        process.wait(timeout=10)


def test_the_cli_sees_the_pack(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "adf-databricks-policies"
    assert [p.name for p in info.policies] == [p.name for p in rules.ALL_POLICIES]
    levels = {p.name: p.enforcementLevel for p in info.policies}
    for advisory in ADVISORY_POLICIES:
        assert levels.pop(advisory) == analyzer_pb2.ADVISORY, "the pack's default does not win"
    assert set(levels.values()) == {analyzer_pb2.MANDATORY}
    schema = {p.name: json_format.MessageToDict(p.configSchema) for p in info.policies}
    assert schema["prod-resources-protected"]["properties"]["prodStacks"]["default"] == ["prod*"]


@pytest.mark.parametrize("key", stacks())
def test_the_cli_passes_the_real_stacks(
    analyzer: analyzer_pb2_grpc.AnalyzerStub, plans: Callable[[str], Plan], key: str
) -> None:
    """Runtime support judged on the tests' day, passed as the CLI passes policy config (the pack runs in a process
    of its own, on its own clock)."""
    plan = plans(key)
    configured = {}
    for name in ("prod-databricks-runtime-supported", "prod-databricks-runtime-ageing"):
        configured[name] = analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.MANDATORY)
        configured[name].properties.update({"judgedOn": JUDGED_ON.isoformat()})
    configured["prod-databricks-runtime-ageing"].enforcementLevel = analyzer_pb2.ADVISORY
    try:
        analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=configured))
        for record in plan.resources:
            response = analyzer.Analyze(analyze_request(plan, record))
            reported = [d.message for d in response.diagnostics if d.policyName != "public-endpoints"]
            assert reported == [], record.name
            public = [d for d in response.diagnostics if d.policyName == "public-endpoints"]
            # A public stack's workspace and vault are reported, as advisories (not in prod, where that is
            # prod-private-networking's); a private stack's (prod's) nothing.
            private = bool(plan.by_type("azure-native:network:PrivateEndpoint"))
            public_elsewhere = not private and not rules.is_prod_stack(plan.stack)
            expected = 1 if public_elsewhere and record.type in rules.PUBLIC_ENDPOINT_TYPES else 0
            assert len(public) == expected and all(d.enforcementLevel == analyzer_pb2.ADVISORY for d in public)
    finally:
        analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={}))
    response = analyzer.AnalyzeStack(analyze_stack_request(plan, stack_outputs(plan)))
    assert [d.message for d in response.diagnostics] == []


def test_the_cli_reports_an_ended_prod_runtime(
    analyzer: analyzer_pb2_grpc.AnalyzerStub, plans: Callable[[str], Plan]
) -> None:
    """Lifecycle row `dbr-lts-support`, through the CLI's own path: prod's 16.4 LTS on its end-of-support day is a
    mandatory violation on the linked service that sends it."""
    plan = plans("prod")
    record = plan.one(rules.LINKED_SERVICE, DATABRICKS_LS)
    config = analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.MANDATORY)
    config.properties.update({"judgedOn": "2028-05-09"})
    try:
        analyzer.Configure(
            analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={"prod-databricks-runtime-supported": config})
        )
        diagnostics = analyzer.Analyze(analyze_request(plan, record)).diagnostics
    finally:
        analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={}))
    assert [(d.policyName, d.enforcementLevel) for d in diagnostics] == [
        ("prod-databricks-runtime-supported", analyzer_pb2.MANDATORY)
    ]
    assert "16.4 LTS reached end of support on 2028-05-09" in diagnostics[0].message


def test_the_cli_blocks_an_inline_token_without_printing_it(
    analyzer: analyzer_pb2_grpc.AnalyzerStub, plans: Callable[[str], Plan]
) -> None:
    plan = plans("prod")
    record = plan.one(rules.LINKED_SERVICE, DATABRICKS_LS)
    inputs = copy.deepcopy(record.inputs)
    setting("properties", "accessToken", value=Secret(SECURE_TOKEN))(inputs)
    response = analyzer.Analyze(analyze_request(plan, record, inputs))
    assert [(d.policyName, d.enforcementLevel) for d in response.diagnostics] == [
        ("linked-service-no-inline-token", analyzer_pb2.MANDATORY)
    ]
    assert CANARY not in response.diagnostics[0].message


def test_the_cli_blocks_unprotected_prod(
    analyzer: analyzer_pb2_grpc.AnalyzerStub, plans: Callable[[str], Plan]
) -> None:
    plan = plans("prod-unprotected")
    found = {
        record.type
        for record in plan.resources
        for d in analyzer.Analyze(analyze_request(plan, record)).diagnostics
        if d.policyName == "prod-resources-protected"
    }
    assert found == TOKEN_MODE_STATEFUL


def test_the_cli_blocks_a_token_in_a_stack_output(
    analyzer: analyzer_pb2_grpc.AnalyzerStub, plans: Callable[[str], Plan]
) -> None:
    plan = plans("dev")
    token = token_value(plan)
    response = analyzer.AnalyzeStack(analyze_stack_request(plan, stack_outputs(plan) | {"leak": Secret(token)}))
    assert [(d.policyName, d.urn) for d in response.diagnostics] == [("token-not-in-stack-outputs", root_urn(plan))]
    assert token not in response.diagnostics[0].message


def test_the_cli_passes_policy_config(analyzer: analyzer_pb2_grpc.AnalyzerStub, plans: Callable[[str], Plan]) -> None:
    plan = plans("prod-unprotected")
    record = plan.one(rules.WORKSPACE)
    config = analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.MANDATORY)
    config.properties.update({"prodStacks": ["live"]})
    try:
        analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={"prod-resources-protected": config}))
        assert list(analyzer.Analyze(analyze_request(plan, record)).diagnostics) == []
    finally:
        analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={}))
    assert len(analyzer.Analyze(analyze_request(plan, record)).diagnostics) == 1


# --------------------------------------------------------------------------------------------------
# databricks-activities-on-stack-linked-service: the smoke pipeline runs on the stack's own linked service.
# --------------------------------------------------------------------------------------------------

SMOKE_PIPELINE = "adf-databricks-smoke-pipeline"


def pipeline_outputs(plan: Plan, reference: str) -> dict[str, Any]:
    record = plan.one(rules.PIPELINE, SMOKE_PIPELINE)
    outputs = copy.deepcopy(record.outputs)
    outputs["activities"][0]["linkedServiceName"]["referenceName"] = reference
    return outputs


@pytest.mark.parametrize("key", ["dev", "dev-serverless"])
def test_the_smoke_activity_on_our_linked_service_passes(plans: Callable[[str], Plan], key: str) -> None:
    plan = plans(key)
    assert run_stack_policy(rules.databricks_activities_on_stack_linked_service, stack_args(plan)) == []


@pytest.mark.parametrize("key", ["dev", "dev-serverless"])
def test_a_smoke_activity_on_another_linked_service_fails(plans: Callable[[str], Plan], key: str) -> None:
    plan = plans(key)
    args = stack_args(plan, props={SMOKE_PIPELINE: engine_view(pipeline_outputs(plan, "SomeoneElsesDatabricks"))})
    violations = run_stack_policy(rules.databricks_activities_on_stack_linked_service, args)
    assert [v.urn for v in violations] == [plan.one(rules.PIPELINE).urn]
    assert "activities[0].linkedServiceName" in violations[0].message


def test_a_pipeline_that_does_not_wait_for_the_linked_service_fails(plans: Callable[[str], Plan]) -> None:
    """The reference must be to a linked service the pipeline depends on: ADF refuses a dangling one."""
    plan = plans("dev")
    args = stack_args(plan)
    pipeline = next(r for r in args.resources if r.resource_type == rules.PIPELINE)
    pipeline.dependencies = [d for d in pipeline.dependencies if d.resource_type != rules.LINKED_SERVICE]
    assert len(run_stack_policy(rules.databricks_activities_on_stack_linked_service, args)) == 1


# --------------------------------------------------------------------------------------------------
# Operations in prod: diagnostics and an alert receiver (mandatory), locks and a budget (advisory).
# --------------------------------------------------------------------------------------------------

OPERATIONS_POLICIES = [rules.prod_diagnostics, rules.prod_alert_receiver, rules.prod_delete_locks, rules.prod_budget]


def operations_verdicts(plan: Plan) -> dict[str, list[Violation]]:
    return {p.name: run_stack_policy(p, stack_args(plan)) for p in OPERATIONS_POLICIES}


def test_the_shipped_prod_stack_passes_the_operations_rules(plans: Callable[[str], Plan]) -> None:
    assert operations_verdicts(plans("prod")) == {p.name: [] for p in OPERATIONS_POLICIES}


def test_dev_is_not_held_to_the_operations_rules(plans: Callable[[str], Plan]) -> None:
    """dev has no operations at all (the contract's defaults), and is not a prod stack."""
    assert operations_verdicts(plans("dev")) == {p.name: [] for p in OPERATIONS_POLICIES}


def test_prod_without_operations_is_refused_for_logs_and_receivers_and_warned_about_locks_and_budget() -> None:
    """Each rule names the resource it finds wanting and the config key that fixes it."""
    plan = planned("prod", {"operations": None})
    found = operations_verdicts(plan)
    diagnosed = {v.urn for v in found["prod-diagnostics"]}
    assert diagnosed == {plan.one(t).urn for t in (rules.FACTORY, rules.VAULT, rules.WORKSPACE)}
    assert [v.urn for v in found["prod-alert-receiver"]] == [plan.one(rules.FACTORY).urn]
    assert {v.urn for v in found["prod-delete-locks"]} == diagnosed
    assert len(found["prod-budget"]) == 1
    for name, violations in found.items():
        key = {"prod-diagnostics": "diagnostics", "prod-alert-receiver": "alerts", "prod-delete-locks": "locks"}
        assert all(f"operations.{key.get(name, 'budget')}" in v.message for v in violations), name


def test_an_action_group_without_receivers_reaches_nobody(plans: Callable[[str], Plan]) -> None:
    plan = plans("prod")
    group = plan.one(rules.ACTION_GROUP)
    emptied = {group.name: engine_view({**group.outputs, "emailReceivers": [], "webhookReceivers": []})}
    assert len(run_stack_policy(rules.prod_alert_receiver, stack_args(plan, props=emptied))) == 1


def test_a_standard_workspace_needs_no_diagnostic_setting() -> None:
    """Azure Databricks "Diagnostic log reference": diagnostic logs need the Premium plan."""
    plan = planned("prod", {"workspace": {"sku": "standard", "noPublicIp": True}})
    assert run_stack_policy(rules.prod_diagnostics, stack_args(plan)) == []


# --- The pack offline: `python -m components.preview <stack> --policy` runs these same policy objects.


@pytest.mark.parametrize("stack", stacks())
def test_the_offline_run_of_the_pack_passes_every_shipped_stack(stack: str) -> None:
    """What `pulumi preview --policy-pack policy` would say of each stack file, without the CLI."""
    assert [str(f) for f in evaluate(planned(stack), JUDGED_ON) if f.level == "mandatory"] == []


def test_the_offline_run_reports_each_violation_with_its_enforcement_level(capsys: pytest.CaptureFixture[str]) -> None:
    """An unprotected prod breaks `prod-resources-protected` (mandatory) for each stateful resource: the preview with
    `--policy` lists each, with its level, and exits 1 as the CLI's preview with the pack would fail."""
    findings = evaluate(planned("prod", {"protect": False}), JUDGED_ON)
    protected = [f for f in findings if f.policy == "prod-resources-protected"]
    assert {f.level for f in protected} == {"mandatory"}
    assert {f.urn.rsplit("::", 1)[1] for f in protected} >= {"adf-databricks-workspace", "adf-databricks-key-vault"}
    code = preview.main(["prod", "--set", "adf-databricks:protect=false", "--policy", "--today", str(JUDGED_ON)])
    out = capsys.readouterr().out
    assert code == 1
    assert "[mandatory] prod-resources-protected: adf-databricks-workspace:" in out
