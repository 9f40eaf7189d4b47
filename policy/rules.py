"""The adf-databricks policies: what a platform team enforces with `pulumi preview --policy-pack policy`.

Every policy is mandatory but two: `prod-databricks-runtime-ageing` and `public-endpoints` are advisory, warnings
that block nothing.
`__main__.py` only hands `ALL_POLICIES` to `PolicyPack` (constructing a `PolicyPack` starts the policy server), so
this module is importable by tests without the Pulumi CLI.

What each policy sees
---------------------
A `ResourceValidationPolicy` is called by the engine with the resource's *inputs* (`args.props`) and its
options (`args.opts.protect`, ...); `for_types` hands each rule a plain `Resource` (type, inputs, URN, protect,
the policy's config) made from them, so the same rule functions serve the pack and an offline run
(`python -m components.preview <stack> --policy`). A `StackValidationPolicy` runs once all resources are registered and
sees every resource's *outputs* (`PolicyResource.props`), including the root `pulumi:pulumi:Stack`
resource, whose outputs are the stack outputs.

Policies see secret values in plain text. No violation message here ever includes a property value: a
message names the property (its path) and what is expected of it, never what it holds. The one exception is the
runtime rules' naming of the Databricks Runtime version they judge: a version is no secret, and the verdict is
about it.

During a preview some values are not known yet (a new token's value, the Key Vault secret's expiry that
comes from it). Reading one raises the SDK's `UnknownValueError`; for a resource policy the SDK then
reports "can't run policy during preview" as an advisory, and the check runs for real on `pulumi up`,
before the resource is created. Walks over whole property trees skip unknown leaves instead.

How "prod" is decided (`prod-resources-protected`)
--------------------------------------------------
The stack name is read from the resource's URN (`urn:pulumi:<stack>::<project>::<type>::<name>`): the
engine always sends it and it names exactly the stack being deployed, with no organization prefix. (The
policy process also gets `PULUMI_STACK`, so `pulumi.get_stack()` is the fallback when a URN cannot be
parsed.) A stack is prod when its name matches one of the `prodStacks` glob patterns of the policy's
config, compared case-insensitively; the default is `["prod*"]` (prod, prod-weu, production). The
resource types that must be protected in prod are `protectedTypes`, by default the ones the program
protects when `adf-databricks:protect` is true: resource group, Databricks workspace, Key Vault, Data
Factory, and the user-assigned identity where there is one. Override both in a policy config file, e.g.
`{"prod-resources-protected": {"prodStacks": ["prod*", "live"]}}`, passed with `--policy-pack-config`.

How a prod stack's Databricks runtimes are judged (`prod-databricks-runtime-*`)
-----------------------------------------------------------------------------
The same table and rule as the component's validator (lifecycle row `dbr-lts-support`): `runtimes.py` beside this
file is a generated copy of components/runtimes.py, because the pack runs in an environment of its own. In a prod
stack, a runtime past its end of support (or in a Scala build Databricks does not ship) is a mandatory violation;
one within six months of it, or one the table does not track, an advisory one. The runtime keys are read where
each resource holds them: a cluster's `sparkVersion`, a pool's `preloadedSparkVersions`, an AzureDatabricks linked
service's `properties.newClusterVersion`. They are judged on the day the policy runs, or on the policy config's
`judgedOn` (YYYY-MM-DD), to rehearse a day ahead.

How "the token never in a stack output" is checked (`token-not-in-stack-outputs`)
---------------------------------------------------------------------------------
Stack outputs are visible to a stack policy: the engine passes the `pulumi:pulumi:Stack` resource with the
outputs the program exported (registered on the root resource), and every `databricks:index/token:Token`
(and `oboToken:OboToken`) with its `tokenValue` output in plain text. The policy collects the known token
values and reports every stack output (at any depth, as a value or as a map key) whose string contains
one, even when the output was exported as a Pulumi secret: a secret output is still readable with
`pulumi stack output --show-secrets` and through every `StackReference`. A name-based check (outputs
called `token`) would be a guess; comparing values is exact. Its limit: on the first preview of a new
stack the token does not exist yet, its value is unknown, and there is nothing to compare; the check
then runs on `pulumi up` (stack policies run after the update, so a mandatory violation fails it) and on
every later preview, which sees the token's value in state.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import pulumi
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import Secret as PolicySecret
from pulumi_policy.proxy import UnknownValueError

if TYPE_CHECKING:  # mypy reads this file as the CLI runs it: policy/ first on sys.path
    import runtimes
else:
    try:  # the CLI runs the pack with policy/ first on sys.path (__main__.py)
        import runtimes
    except ModuleNotFoundError:  # imported as `policy.rules` (tests, tools)
        from policy import runtimes

CLUSTER: Final = "databricks:index/cluster:Cluster"
INSTANCE_POOL: Final = "databricks:index/instancePool:InstancePool"
TOKEN: Final = "databricks:index/token:Token"
OBO_TOKEN: Final = "databricks:index/oboToken:OboToken"
TOKEN_TYPES: Final = frozenset({TOKEN, OBO_TOKEN})
WORKSPACE: Final = "azure-native:databricks:Workspace"
VAULT: Final = "azure-native:keyvault:Vault"
VAULT_SECRET: Final = "azure-native:keyvault:Secret"
LINKED_SERVICE: Final = "azure-native:datafactory:LinkedService"
RESOURCE_GROUP: Final = "azure-native:resources:ResourceGroup"
FACTORY: Final = "azure-native:datafactory:Factory"
USER_ASSIGNED_IDENTITY: Final = "azure-native:managedidentity:UserAssignedIdentity"
STACK: Final = "pulumi:pulumi:Stack"
PIPELINE: Final = "azure-native:datafactory:Pipeline"
INTEGRATION_RUNTIME: Final = "azure-native:datafactory:IntegrationRuntime"
DATABRICKS_ACTIVITY_TYPES: Final = frozenset(
    {"DatabricksNotebook", "DatabricksJob", "DatabricksSparkJar", "DatabricksSparkPython"}
)
DEFAULT_MAX_PROD_RUNTIME_TTL_MINUTES: Final = 0
"""Prod Data Flows start cold: a warm runtime bills its TTL after every run, which scheduled runs rarely use."""

DEFAULT_PROD_STACKS: Final = ("prod*",)
DEFAULT_PROTECTED_TYPES: Final = (RESOURCE_GROUP, WORKSPACE, VAULT, FACTORY, USER_ASSIGNED_IDENTITY)
DEFAULT_MAX_TOKEN_LIFETIME_DAYS: Final = 730
SECONDS_PER_DAY: Final = 86_400
MIN_TOKEN_LENGTH: Final = 16
"""Shorter token values are not compared, so an empty or placeholder value never matches everything."""
REDACTED: Final = "[secret]"

# --------------------------------------------------------------------------------------------------
# Helpers: property access that works on the SDK's read-only proxies (Mappings, not dicts).
# --------------------------------------------------------------------------------------------------


def type_matches(resource_type: str, canonical: str) -> bool:
    """`canonical`, or the same azure-native resource pinned to an API version (`module/v20180601`)."""
    if resource_type == canonical:
        return True
    package, _, rest = canonical.partition(":")
    module, _, name = rest.partition(":")
    if package != "azure-native" or not module or not name:
        return False
    parts = resource_type.split(":")
    return (
        len(parts) == 3
        and parts[0] == package
        and parts[2] == name
        and parts[1].startswith(f"{module}/v")
        and "/" not in parts[1][len(module) + 1 :]
    )


def get_path(props: Mapping[str, Any], *path: str) -> Any:
    """The value at `path`, or None where a step is missing or not a map. Unknown values raise."""
    value: Any = props
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def is_positive_number(value: Any) -> bool:
    """Numbers arrive as floats from the engine (protobuf), as ints from Python; booleans are not numbers."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _join(path: str, key: str) -> str:
    if key.startswith("["):
        return f"{path}{key}"
    return f"{path}.{key}" if path else key


def _children(value: Any) -> Iterator[tuple[str, Any]]:
    """(key, child) of a map or list, skipping children whose value is unknown during preview."""
    if isinstance(value, Mapping):
        for key in value:
            try:
                yield str(key), value[key]
            except UnknownValueError:
                continue
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        for index in range(len(value)):
            try:
                yield f"[{index}]", value[index]
            except UnknownValueError:
                continue


class Node(NamedTuple):
    path: str
    """Dotted path from the root, `[i]` for list items; "" for the root."""
    key: str
    """The last step of `path`: a map key or `[i]`."""
    value: Any


def walk(value: Any, path: str = "", key: str = "") -> Iterator[Node]:
    """Every node of a property tree, root first; values unknown during preview are skipped."""
    if isinstance(value, PolicySecret):
        value = value.value
    yield Node(path, key, value)
    for child_key, child in _children(value):
        yield from walk(child, _join(path, child_key), child_key)


def config_strings(config: Mapping[str, Any], key: str, default: Sequence[str]) -> tuple[str, ...]:
    value = config.get(key)
    if isinstance(value, Sequence) and not isinstance(value, str) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return tuple(default)


def config_positive_number(config: Mapping[str, Any], key: str, default: float) -> float:
    value: Any = config.get(key)
    return float(value) if is_positive_number(value) else float(default)


def stack_from_urn(urn: str) -> str | None:
    """`urn:pulumi:<stack>::<project>::<type>::<name>` → `<stack>`."""
    head = urn.split("::", 1)[0]
    prefix = "urn:pulumi:"
    if not head.startswith(prefix) or len(head) == len(prefix):
        return None
    return head[len(prefix) :]


def is_prod_stack(stack: str, patterns: Sequence[str] = DEFAULT_PROD_STACKS) -> bool:
    return any(fnmatch.fnmatchcase(stack.lower(), pattern.lower()) for pattern in patterns)


def redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


class Resource(NamedTuple):
    """One resource as a rule reads it: plain data, whoever hands it over (the engine through the pack, or
    `components/offline/policy.py` from an offline plan)."""

    resource_type: str
    props: Mapping[str, Any]
    """The resource's inputs (secrets in plain text)."""
    urn: str
    protect: bool = False
    config: Mapping[str, Any] = {}
    """The policy's config (its defaults, or what `--policy-pack-config` sets)."""

    @classmethod
    def of(cls, args: ResourceValidationArgs) -> Resource:
        return cls(args.resource_type, args.props, args.urn, bool(args.opts.protect), args.get_config())


ResourceRule = Callable[[Resource, ReportViolation], None]
ResourceCheck = Callable[[ResourceValidationArgs, ReportViolation], None]


def for_types(canonical_types: Sequence[str] | None, rule: ResourceRule) -> ResourceCheck:
    """The pack's validate function for a rule: the engine's args as a `Resource`, for resources of these types
    (None: every type)."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if canonical_types is None or any(type_matches(args.resource_type, t) for t in canonical_types):
            rule(Resource.of(args), report_violation)

    validate.__doc__ = rule.__doc__
    return validate


# --------------------------------------------------------------------------------------------------
# The rules.
# --------------------------------------------------------------------------------------------------


def check_cluster_autotermination(resource: Resource, report_violation: ReportViolation) -> None:
    """An all-purpose cluster without `autoterminationMinutes` (or with 0) runs, and bills, until stopped."""
    if not is_positive_number(get_path(resource.props, "autoterminationMinutes")):
        report_violation(
            "autoterminationMinutes is missing or not a positive number of minutes: the cluster would never "
            "stop on its own. Set adf-databricks:interactiveCluster.autoterminationMinutes (10-10000).",
            None,
        )


def check_token_lifetime(resource: Resource, report_violation: ReportViolation) -> None:
    """A Databricks token without `lifetimeSeconds` (or with 0 or less) never expires."""
    lifetime = get_path(resource.props, "lifetimeSeconds")
    if not is_positive_number(lifetime):
        report_violation(
            "lifetimeSeconds is missing or not positive: the token would never expire. "
            "Set adf-databricks:token.lifetimeDays.",
            None,
        )
        return
    max_days = config_positive_number(resource.config, "maxLifetimeDays", DEFAULT_MAX_TOKEN_LIFETIME_DAYS)
    if lifetime > max_days * SECONDS_PER_DAY:
        report_violation(
            f"lifetimeSeconds is longer than the allowed maximum of {max_days:g} days "
            f"(policy config maxLifetimeDays). Lower adf-databricks:token.lifetimeDays.",
            None,
        )


def check_vault_purge_protection(resource: Resource, report_violation: ReportViolation) -> None:
    """Without purge protection a deleted vault, and the secrets in it, can be purged before retention ends."""
    if get_path(resource.props, "properties", "enablePurgeProtection") is not True:
        report_violation(
            "properties.enablePurgeProtection must be true: without it a deleted vault and its secrets can be "
            "purged at once. (Purge protection cannot be turned off again once on.)",
            None,
        )


def check_secret_expiry(resource: Resource, report_violation: ReportViolation) -> None:
    """A Key Vault secret must carry an expiry (`properties.attributes.expires`, epoch seconds).

    A disabled secret (`attributes.enabled: false`) cannot be read at all, so it needs none: that is how
    the token's secret rests in managedIdentity mode, where it may not be deleted (lifecycle row
    `kv-secret-dataplane-delete`).
    """
    if get_path(resource.props, "properties", "attributes", "enabled") is False:
        return
    if not is_positive_number(get_path(resource.props, "properties", "attributes", "expires")):
        report_violation(
            "properties.attributes.expires is missing or not a positive epoch time: the secret would never "
            "expire. Give it the expiry of what it holds (the token's expiry time).",
            None,
        )


def check_workspace_no_public_ip(resource: Resource, report_violation: ReportViolation) -> None:
    """Secure cluster connectivity: cluster nodes get no public IP addresses."""
    if get_path(resource.props, "parameters", "enableNoPublicIp", "value") is not True:
        report_violation(
            "parameters.enableNoPublicIp.value must be true (secure cluster connectivity: no public IPs on "
            "cluster nodes). Set adf-databricks:workspace.noPublicIp: true.",
            None,
        )


def _is_type(value: Any, expected: str) -> bool:
    return isinstance(value, Mapping) and get_path(value, "type") == expected


def check_linked_service_token(resource: Resource, report_violation: ReportViolation) -> None:
    """No secret typed inline into a linked service; an AzureDatabricks access token comes from Key Vault."""
    properties = get_path(resource.props, "properties")
    if not isinstance(properties, Mapping):
        return
    inline = [node.path for node in walk(properties, "properties") if _is_type(node.value, "SecureString")]
    for path in inline:
        report_violation(
            f"{path} is an inline SecureString: the secret would be stored in the factory definition and in "
            f"Pulumi state. Reference a Key Vault secret (type AzureKeyVaultSecret) instead.",
            None,
        )
    if get_path(properties, "type") != "AzureDatabricks" or "properties.accessToken" in inline:
        return
    token = get_path(properties, "accessToken")
    if token is not None and not _is_type(token, "AzureKeyVaultSecret"):
        report_violation(
            "properties.accessToken must reference a Key Vault secret (type AzureKeyVaultSecret); it holds "
            "something else.",
            None,
        )


def check_prod_protected(resource: Resource, report_violation: ReportViolation) -> None:
    """In a prod stack, the resources that hold data or state are `protect`ed from deletion."""
    config = resource.config
    protected_types = config_strings(config, "protectedTypes", DEFAULT_PROTECTED_TYPES)
    if not any(type_matches(resource.resource_type, t) for t in protected_types):
        return
    stack = stack_from_urn(resource.urn) or pulumi.get_stack()
    if not is_prod_stack(stack, config_strings(config, "prodStacks", DEFAULT_PROD_STACKS)):
        return
    if not resource.protect:
        report_violation(
            f"stack '{stack}' is a prod stack and this {resource.resource_type} is not protected. "
            f"Set adf-databricks:protect: true in its stack file.",
            None,
        )


PUBLIC_ENDPOINT_TYPES: Final = (WORKSPACE, VAULT)
"""The data-plane endpoints network.mode private takes off the internet (lifecycle rows `private-link`,
`workspace-pna-private-link`): both read `properties.publicNetworkAccess` in the REST models (the workspace's at
the top level of azure-native's inputs, the vault's under `properties`)."""


def _public_endpoint(args: ResourceValidationArgs) -> str | None:
    """The property path that leaves this workspace or vault public, or None."""
    if type_matches(args.resource_type, WORKSPACE):
        path: tuple[str, ...] = ("publicNetworkAccess",)
    elif type_matches(args.resource_type, VAULT):
        path = ("properties", "publicNetworkAccess")
    else:
        return None
    return None if get_path(args.props, *path) == "Disabled" else ".".join(path)


def check_public_endpoints(prod: bool) -> ResourceCheck:
    """In prod stacks (`prod`), a public workspace or vault is a violation; elsewhere it is reported (advisory)."""

    def check(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        stack = stack_from_urn(args.urn) or pulumi.get_stack()
        patterns = config_strings(args.get_config(), "prodStacks", DEFAULT_PROD_STACKS)
        if is_prod_stack(stack, patterns) is not prod:
            return
        path = _public_endpoint(args)
        if path is not None:
            report_violation(
                f"{path} must be Disabled: this {args.resource_type} answers on the public internet. Set "
                f"adf-databricks:network.mode: private (and network.deployRunner) in stack '{stack}'.",
                None,
            )

    return check


def token_values(resources: Sequence[PolicyResource]) -> list[tuple[str, str]]:
    """(resource name, token value) of every token whose value is known."""
    found: list[tuple[str, str]] = []
    for resource in resources:
        if resource.resource_type not in TOKEN_TYPES:
            continue
        try:
            value = get_path(resource.props, "tokenValue")
        except UnknownValueError:
            continue
        if isinstance(value, str) and len(value) >= MIN_TOKEN_LENGTH:
            found.append((resource.name, value))
    return found


def check_token_not_in_outputs(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """No stack output (at any depth, as a value or a key) contains a Databricks token's value."""
    tokens = token_values(args.resources)
    if not tokens:
        return
    secrets = [value for _, value in tokens]
    for stack in (r for r in args.resources if r.resource_type == STACK):
        for node in walk(stack.props):
            leaf = node.value if isinstance(node.value, str) else ""
            for name, value in tokens:
                if node.path and (value in leaf or value in node.key):
                    report_violation(
                        f"stack output '{redact(node.path, secrets)}' contains the value of Databricks token "
                        f"'{name}'. Export where the token is kept (Key Vault URI and secret name), never "
                        f"the token; a secret output is still readable through StackReference.",
                        stack.urn,
                    )


def check_prod_runtime_ttl(resource: Resource, report_violation: ReportViolation) -> None:
    """In a prod stack, a Data Flow runtime's time to live is at most `maxTimeToLiveMinutes` (default 0)."""
    config = resource.config
    stack = stack_from_urn(resource.urn) or pulumi.get_stack()
    if not is_prod_stack(stack, config_strings(config, "prodStacks", DEFAULT_PROD_STACKS)):
        return
    ttl = get_path(resource.props, "properties", "computeProperties", "dataFlowProperties", "timeToLive")
    limit = config.get("maxTimeToLiveMinutes", DEFAULT_MAX_PROD_RUNTIME_TTL_MINUTES)
    limit = limit if isinstance(limit, int | float) and not isinstance(limit, bool) and limit >= 0 else 0
    if ttl is None:
        return
    if isinstance(ttl, bool) or not isinstance(ttl, int | float) or ttl > limit:
        report_violation(
            f"properties.computeProperties.dataFlowProperties.timeToLive is above {limit:g} minutes (policy config "
            f"maxTimeToLiveMinutes) in prod stack '{stack}': a warm Data Flow cluster is billed for its whole TTL "
            f"after every run. Lower adf-databricks:dataFlowRuntime.timeToLiveMinutes.",
            None,
        )


def runtime_keys(resource: Resource) -> list[tuple[str, str]]:
    """(property path, Databricks Runtime key) of each runtime the resource asks for."""
    props = resource.props
    found: list[tuple[str, Any]] = []
    if type_matches(resource.resource_type, CLUSTER):
        found.append(("sparkVersion", get_path(props, "sparkVersion")))
    elif type_matches(resource.resource_type, INSTANCE_POOL):
        found += [
            (f"preloadedSparkVersions[{i}]", v) for i, v in enumerate(get_path(props, "preloadedSparkVersions") or [])
        ]
    elif type_matches(resource.resource_type, LINKED_SERVICE) and (
        get_path(props, "properties", "type") == "AzureDatabricks"
    ):
        found.append(("properties.newClusterVersion", get_path(props, "properties", "newClusterVersion")))
    return [(path, key) for path, key in found if isinstance(key, str) and key]


def judged_on(config: Mapping[str, Any]) -> date:
    """The policy config's `judgedOn` day, or the day the policy runs."""
    value = config.get("judgedOn")
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return runtimes.today()


def _prod_runtime_verdicts(resource: Resource) -> Iterator[tuple[str, str, runtimes.Verdict]]:
    """(property path, stack, verdict) of each runtime of a resource in a prod stack."""
    config = resource.config
    stack = stack_from_urn(resource.urn) or pulumi.get_stack()
    if not is_prod_stack(stack, config_strings(config, "prodStacks", DEFAULT_PROD_STACKS)):
        return
    day = judged_on(config)
    for path, key in runtime_keys(resource):
        yield path, stack, runtimes.judge(key, day)


def check_prod_runtime_supported(resource: Resource, report_violation: ReportViolation) -> None:
    """In a prod stack, no Databricks runtime past its end of support, nor a build Databricks does not ship."""
    for path, stack, verdict in _prod_runtime_verdicts(resource):
        if verdict.support.refused:
            report_violation(f"{path} in prod stack '{stack}': {verdict.reason}.", None)


def check_prod_runtime_ageing(resource: Resource, report_violation: ReportViolation) -> None:
    """In a prod stack, a Databricks runtime within six months of its end of support, or one not tracked."""
    for path, stack, verdict in _prod_runtime_verdicts(resource):
        if not verdict.support.refused and verdict.reason:
            report_violation(f"{path} in prod stack '{stack}': {verdict.reason}.", None)


def _our_databricks_links(resource: PolicyResource) -> set[str]:
    """Names of the AzureDatabricks linked services `resource` waits for (the stack creates them)."""
    names: set[str] = set()
    for dependency in resource.dependencies:
        if not type_matches(dependency.resource_type, LINKED_SERVICE):
            continue
        name = get_path(dependency.props, "name")
        if get_path(dependency.props, "properties", "type") == "AzureDatabricks" and isinstance(name, str):
            names.add(name)
    return names


def check_activities_on_stack_linked_service(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Every Databricks activity of every pipeline runs on an AzureDatabricks linked service of this stack."""
    for pipeline in (r for r in args.resources if type_matches(r.resource_type, PIPELINE)):
        ours = _our_databricks_links(pipeline)
        for node in walk(get_path(pipeline.props, "activities") or [], "activities"):
            if not isinstance(node.value, Mapping) or node.value.get("type") not in DATABRICKS_ACTIVITY_TYPES:
                continue
            reference = get_path(node.value, "linkedServiceName", "referenceName")
            if reference not in ours:
                report_violation(
                    f"{node.path}.linkedServiceName does not name an AzureDatabricks linked service this stack "
                    f"creates (and the pipeline waits for): the activity would run on compute and credentials "
                    f"the stack does not manage.",
                    pipeline.urn,
                )


# --------------------------------------------------------------------------------------------------
# The pack's policies.
# --------------------------------------------------------------------------------------------------

_TYPE_LIST: Final = {"type": "array", "items": {"type": "string"}}


def mandatory(
    name: str,
    description: str,
    validate: ResourceCheck,
    severity: Severity,
    remediation: str,
    *,
    config: Mapping[str, Any] | None = None,
) -> ResourceValidationPolicy:
    """Every rule of this pack blocks the deployment: a platform team signs off on all of them."""
    return ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=severity,
        config_schema=PolicyConfigSchema(properties=dict(config)) if config else None,
        remediation_steps=remediation,
    )


cluster_autotermination = mandatory(
    "databricks-cluster-autotermination",
    "Databricks clusters must autoterminate (autoterminationMinutes > 0).",
    for_types([CLUSTER], check_cluster_autotermination),
    Severity.MEDIUM,
    "Set autoterminationMinutes on the cluster (adf-databricks:interactiveCluster).",
)

token_finite_lifetime = mandatory(
    "databricks-token-finite-lifetime",
    "Databricks access tokens must have a finite lifetime (lifetimeSeconds > 0, at most maxLifetimeDays).",
    for_types(sorted(TOKEN_TYPES), check_token_lifetime),
    Severity.HIGH,
    "Set lifetimeSeconds (adf-databricks:token.lifetimeDays).",
    config={
        "maxLifetimeDays": {
            "type": "number",
            "exclusiveMinimum": 0,
            "default": DEFAULT_MAX_TOKEN_LIFETIME_DAYS,
            "description": "The longest lifetime a token may have, in days.",
        }
    },
)

key_vault_purge_protection = mandatory(
    "key-vault-purge-protection",
    "Key Vaults must have purge protection enabled.",
    for_types([VAULT], check_vault_purge_protection),
    Severity.HIGH,
    "Set properties.enablePurgeProtection: true on the vault.",
)

key_vault_secret_expiry = mandatory(
    "key-vault-secret-expiry",
    "Key Vault secrets must carry an expiry (properties.attributes.expires).",
    for_types([VAULT_SECRET], check_secret_expiry),
    Severity.MEDIUM,
    "Set properties.attributes.expires (epoch seconds) on the secret.",
)

workspace_no_public_ip = mandatory(
    "databricks-workspace-no-public-ip",
    "Databricks workspaces must use secure cluster connectivity (no public IPs).",
    for_types([WORKSPACE], check_workspace_no_public_ip),
    Severity.HIGH,
    "Set adf-databricks:workspace.noPublicIp: true.",
)

linked_service_no_inline_token = mandatory(
    "linked-service-no-inline-token",
    "Data Factory linked services must not hold an inline SecureString; "
    "an AzureDatabricks access token must be a Key Vault secret reference.",
    for_types([LINKED_SERVICE], check_linked_service_token),
    Severity.CRITICAL,
    "Use auth: accessToken (token kept in Key Vault) or auth: managedIdentity.",
)

prod_resources_protected = mandatory(
    "prod-resources-protected",
    "In prod stacks (name matching prodStacks, default prod*), the resource group, workspace, "
    "Key Vault, Data Factory and user-assigned identity must be protected.",
    for_types(None, check_prod_protected),
    Severity.HIGH,
    "Set adf-databricks:protect: true in the prod stack file.",
    config={
        "prodStacks": {
            **_TYPE_LIST,
            "default": list(DEFAULT_PROD_STACKS),
            "description": "Glob patterns (case-insensitive) of the stack names that are prod.",
        },
        "protectedTypes": {
            **_TYPE_LIST,
            "default": list(DEFAULT_PROTECTED_TYPES),
            "description": "Resource types that must be protected in prod stacks.",
        },
    },
)

token_not_in_stack_outputs = StackValidationPolicy(
    name="token-not-in-stack-outputs",
    description="No stack output may contain a Databricks access token, not even as a secret.",
    validate=check_token_not_in_outputs,
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.CRITICAL,
    remediation_steps="Remove the export; consumers read the token from Key Vault (keyVaultUri, secretName).",
)

prod_data_flow_runtime_cold = mandatory(
    "prod-data-flow-runtime-ttl-cap",
    "In prod stacks, a Data Flow integration runtime's time to live is at most maxTimeToLiveMinutes (default 0: cold).",
    for_types([INTEGRATION_RUNTIME], check_prod_runtime_ttl),
    Severity.LOW,
    "Lower adf-databricks:dataFlowRuntime.timeToLiveMinutes in the prod stack file, or raise the cap.",
    config={
        "prodStacks": {
            **_TYPE_LIST,
            "default": list(DEFAULT_PROD_STACKS),
            "description": "Glob patterns (case-insensitive) of the stack names that are prod.",
        },
        "maxTimeToLiveMinutes": {
            "type": "number",
            "minimum": 0,
            "default": DEFAULT_MAX_PROD_RUNTIME_TTL_MINUTES,
            "description": "The longest time to live a prod Data Flow runtime may keep a cluster warm, in minutes.",
        },
    },
)

_PROD_STACKS_CONFIG: Final = {
    **_TYPE_LIST,
    "default": list(DEFAULT_PROD_STACKS),
    "description": "Glob patterns (case-insensitive) of the stack names that are prod.",
}
_JUDGED_ON_CONFIG: Final = {
    "type": "string",
    "description": "Judge Databricks runtime support as on this day (YYYY-MM-DD) instead of the day the policy runs.",
}
RUNTIME_TYPES: Final = (CLUSTER, INSTANCE_POOL, LINKED_SERVICE)

prod_databricks_runtime_supported = mandatory(
    "prod-databricks-runtime-supported",
    "In prod stacks, every Databricks runtime (cluster, pool, linked service job cluster) is an LTS version within "
    "its support (lifecycle row dbr-lts-support), in a Scala build Databricks ships.",
    for_types(RUNTIME_TYPES, check_prod_runtime_supported),
    Severity.HIGH,
    "Move adf-databricks:<cluster section>.sparkVersion to a supported LTS runtime (the message names one).",
    config={"prodStacks": _PROD_STACKS_CONFIG, "judgedOn": _JUDGED_ON_CONFIG},
)

prod_databricks_runtime_ageing = ResourceValidationPolicy(
    name="prod-databricks-runtime-ageing",
    description="In prod stacks, a warning for a Databricks runtime within six months of its end of support, or "
    "one the runtime table does not track (non-LTS, unverified key).",
    validate=for_types(RUNTIME_TYPES, check_prod_runtime_ageing),
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.LOW,
    config_schema=PolicyConfigSchema(properties={"prodStacks": _PROD_STACKS_CONFIG, "judgedOn": _JUDGED_ON_CONFIG}),
    remediation_steps="Plan the move of adf-databricks:<cluster section>.sparkVersion to the newer LTS runtime the "
    "message names, before the date it gives.",
)

databricks_activities_on_stack_linked_service = StackValidationPolicy(
    name="databricks-activities-on-stack-linked-service",
    description="Databricks activities (the smoke pipeline's among them) run only on this stack's AzureDatabricks "
    "linked service.",
    validate=check_activities_on_stack_linked_service,
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.MEDIUM,
    remediation_steps="Reference the stack's linked service (output linkedServiceName) and let the pipeline "
    "depend on it.",
)

prod_private_networking = mandatory(
    "prod-private-networking",
    "In prod stacks, the Databricks workspace and the Key Vault answer only through private endpoints "
    "(publicNetworkAccess Disabled).",
    check_public_endpoints(prod=True),
    Severity.HIGH,
    "Set adf-databricks:network.mode: private and network.deployRunner in the prod stack file.",
    config={"prodStacks": _PROD_STACKS_CONFIG},
)

public_endpoints = ResourceValidationPolicy(
    name="public-endpoints",
    description="Outside prod stacks, a report of every Databricks workspace and Key Vault reachable from the "
    "public internet (publicNetworkAccess not Disabled).",
    validate=check_public_endpoints(prod=False),
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.LOW,
    config_schema=PolicyConfigSchema(properties={"prodStacks": _PROD_STACKS_CONFIG}),
    remediation_steps="Set adf-databricks:network.mode: private where the stack's data must stay off the internet.",
)

ALL_POLICIES: Final[list[Policy]] = [
    cluster_autotermination,
    token_finite_lifetime,
    key_vault_purge_protection,
    key_vault_secret_expiry,
    workspace_no_public_ip,
    linked_service_no_inline_token,
    prod_resources_protected,
    token_not_in_stack_outputs,
    prod_data_flow_runtime_cold,
    databricks_activities_on_stack_linked_service,
    prod_databricks_runtime_supported,
    prod_databricks_runtime_ageing,
    prod_private_networking,
    public_endpoints,
]
