"""Whatever a user gets wrong in a stack file, a `--set` value or Pulumi.yaml: one clear message, exit 1, no traceback.

Each case writes its files into a scratch copy of the project and runs the preview's `main()` in this process, as
`python -m components.preview` runs it (its one run in a process of its own is in tests/test_preview.py: the entry
only passes main's exit status to `sys.exit`). The message must say where
(file:line:column, or the `--set` option) and what is wrong, in the words the user wrote.

What the CLI itself refuses, and so must the preview: a config key without `<namespace>:` (pulumi/pulumi,
sdk/go/common/resource/config/key.go, `ParseKey`: "configuration keys should be of the form
`<namespace>:<name>`"); a mapping key given twice, and yes/no/on/off as text rather than booleans in untyped
values (gopkg.in/yaml.v3, README "Compatibility" and decode.go: "mapping key ... already defined"); an alias inside
the value of its own anchor (decode.go, `alias`: "anchor ... value contains itself"); a stack name
outside 1-100 letters, digits, _ . - (sdk/go/common/tokens/stack_name.go, `ParseStackName`).

What Azure or Databricks would refuse at deploy time, each refused here with its lifecycle row (components/offline/
specs/azure-lifecycle-rules.md): a retired data flow compute type (`computeoptimized-retired`), an access mode that
needs a cluster kind the linked service lacks (`access-mode-kind`), a single-user cluster with no user
(`single-user-name`), a runtime past its end of support (`dbr-lts-support`), a rotation that an unused token does not
live to see (`pat-lifecycle`), a region Azure does not have, a tag that would replace a standard one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from support import PROJECT_DIR, copy_project, preview_here

DEV = (PROJECT_DIR / "stacks" / "Pulumi.dev.yaml").read_text()
FILE = "stacks/Pulumi.case.yaml"


@dataclass(frozen=True)
class Case:
    """One bad input and the words the user must see."""

    stack_file: str | bytes = DEV
    stack: str = "case"
    """The stack name, and so the file name: stacks/Pulumi.<stack>.yaml."""
    sets: tuple[str, ...] = ()
    project_file: str | bytes | None = None
    """Replaces Pulumi.yaml; "" removes it."""
    expect: tuple[str, ...] = ()


def config(*lines: str) -> str:
    """A stack file: dev's location and cluster, plus `lines` under config:."""
    return (
        "config:\n  azure-native:location: westeurope\n  adf-databricks:interactiveCluster:\n"
        "    sparkVersion: 16.4.x-scala2.12\n    nodeType: Standard_DS3_v2\n    numWorkers: 1\n"
        + "".join(f"  {line}\n" for line in lines)
    )


STACK_FILES: dict[str, Case] = {
    "empty file": Case(
        stack_file="",
        expect=(f"{FILE}: azure-native:location: is required", "adf-databricks:interactiveCluster: is required"),
    ),
    "only comments": Case(stack_file="# dev\n\n# nothing yet\n", expect=("azure-native:location: is required",)),
    "only blank lines": Case(stack_file="\n\n   \n", expect=("azure-native:location: is required",)),
    "tab indentation": Case(
        stack_file="config:\n\tazure-native:location: westeurope\n",
        expect=(f"{FILE}:2:1: not valid YAML", "YAML indents with spaces, never tabs"),
    ),
    "unclosed flow list": Case(
        stack_file="config:\n  adf-databricks:tags: [a, b\n", expect=(f"{FILE}:3:1: not valid YAML",)
    ),
    "bad indentation": Case(
        stack_file="config:\n  azure-native:location: westeurope\n adf-databricks:protect: true\n",
        expect=(f"{FILE}:3:", "not valid YAML"),
    ),
    "top level is a list": Case(stack_file="- config\n- dev\n", expect=(f"{FILE}: must be a mapping with a config:",)),
    "top level is text": Case(
        stack_file="westeurope\n", expect=('must be a mapping with a config: section, not "westeurope"',)
    ),
    "config is a list": Case(
        stack_file="config:\n  - azure-native:location\n", expect=(f"{FILE}:1:1: config: must be a mapping",)
    ),
    "config is text": Case(
        stack_file="config: westeurope\n",
        expect=('config: must be a mapping of namespace:key: value, not "westeurope"',),
    ),
    "config is null": Case(stack_file="config:\n", expect=("azure-native:location: is required",)),
    "no config wrapper": Case(
        stack_file="azure-native:location: westeurope\nadf-databricks:clusterMode: newJobCluster\n",
        expect=(
            f"{FILE}:1:1: azure-native:location, adf-databricks:clusterMode: at the top "
            "level, where Pulumi ignores them",
            "indent them under config:",
        ),
    ),
    "misspelt config": Case(
        stack_file="confg:\n  azure-native:location: westeurope\n",
        expect=("confg: is not a stack file setting; did you mean config?",),
    ),
    "key without namespace": Case(
        stack_file=config("clusterMode: existingCluster"),
        expect=(
            f"{FILE}:7:3: clusterMode: a stack file's config keys are written namespace:key, "
            "e.g. adf-databricks:clusterMode",
        ),
    ),
    "misspelt namespace": Case(
        stack_file=config("azure-natve:subscriptionId: x"),
        expect=(
            "azure-natve:subscriptionId: no provider or project has the namespace "
            "azure-natve; did you mean azure-native?",
        ),
    ),
    "unknown namespace": Case(
        stack_file=config("aws:region: eu-west-1"),
        expect=("namespace aws", "namespaces here: adf-databricks, azure-native"),
    ),
    "misspelt provider key": Case(
        stack_file="config:\n  azure-native:locaton: westeurope\n",
        expect=(
            f"{FILE}:2:3: azure-native:locaton: is not a setting of the azure-native "
            "provider; did you mean azure-native:location?",
            "azure-native:location: is required",
        ),
    ),
    "undeclared project key": Case(
        stack_file=config("adf-databricks:clusterSize: large"),
        expect=(
            f"{FILE}:7:3: adf-databricks:clusterSize: is not declared in Pulumi.yaml; did you "
            "mean adf-databricks:clusterMode?",
        ),
    ),
    "undeclared key with the other problems": Case(
        stack_file=config("adf-databricks:tokn: {lifetimeDays: 3}", "adf-databricks:protect: maybe"),
        expect=("did you mean adf-databricks:token?", 'adf-databricks:protect: "maybe": must be true or false'),
    ),
    "duplicated top-level key": Case(
        stack_file=config("adf-databricks:protect: true", "adf-databricks:protect: false"),
        expect=(f"{FILE}:8:3: adf-databricks:protect: is given twice (first at line 7)",),
    ),
    "duplicated nested key": Case(
        stack_file=config("adf-databricks:token:", "  lifetimeDays: 30", "  lifetimeDays: 60"),
        expect=(f"{FILE}:9:5: adf-databricks:token.lifetimeDays: is given twice (first at line 8)",),
    ),
    "object key given text": Case(
        stack_file=config("adf-databricks:token: 5"),
        expect=("adf-databricks:token: 5: must be an object with keys lifetimeDays, rotationDays",),
    ),
    "object key given a list": Case(
        stack_file=config("adf-databricks:workspace: [premium]"),
        expect=('adf-databricks:workspace: ["premium"]: must be an object',),
    ),
    "nested object given a number": Case(
        stack_file=config("adf-databricks:workspace: {vnet: 3}"),
        expect=("adf-databricks:workspace.vnet: 3: must be an object with keys id",),
    ),
    "autoscale given text": Case(
        stack_file="config:\n  azure-native:location: westeurope\n  adf-databricks:interactiveCluster:\n"
        "    sparkVersion: s\n    nodeType: n\n    autoscale: two\n",
        expect=(
            'adf-databricks:interactiveCluster.autoscale: "two": must be an object with keys minWorkers, maxWorkers',
        ),
    ),
    "parameters given a list": Case(
        stack_file=config("adf-databricks:linkedService: {parameters: [a]}"),
        expect=('adf-databricks:linkedService.parameters: ["a"]: must be an object of name: {type, defaultValue}',),
    ),
    "one parameter given a number": Case(
        stack_file=config("adf-databricks:linkedService: {parameters: {env: 5}}"),
        expect=("adf-databricks:linkedService.parameters.env: 5: must be an object with keys type, defaultValue",),
    ),
    "annotations given text": Case(
        stack_file=config("adf-databricks:linkedService: {annotations: prod}"),
        expect=('linkedService.annotations: "prod": must be a list',),
    ),
    "list item given an object": Case(
        stack_file=config("adf-databricks:keyVault: {allowedIpRanges: [{ip: 1}]}"),
        expect=("adf-databricks:keyVault.allowedIpRanges[0]: {ip: 1}: must be text",),
    ),
    "tags given a list": Case(
        stack_file=config("adf-databricks:tags: [a, b]"),
        expect=('adf-databricks:tags: ["a", "b"]: must be an object of names to text values',),
    ),
    "text key given an object": Case(
        stack_file=config("adf-databricks:clusterMode: {mode: x}"),
        expect=('adf-databricks:clusterMode: {mode: "x"}: must be text',),
    ),
    "text key given a list": Case(
        stack_file=config("adf-databricks:auth: [accessToken]"),
        expect=('adf-databricks:auth: ["accessToken"]: must be text',),
    ),
    "misspelt choice": Case(
        stack_file=config("adf-databricks:clusterMode: existingClustr"),
        expect=('"existingClustr" is not allowed; did you mean existingCluster?',),
    ),
    "yes for a boolean": Case(
        stack_file=config("adf-databricks:protect: yes"),
        expect=('adf-databricks:protect: "yes": must be true or false (YAML 1.2',),
    ),
    "on for a nested boolean": Case(
        stack_file=config("adf-databricks:workspace: {noPublicIp: on}"),
        expect=('adf-databricks:workspace.noPublicIp: "on": must be true or false',),
    ),
    "null for a required section": Case(
        stack_file="config:\n  azure-native:location: westeurope\n  adf-databricks:interactiveCluster: ~\n",
        expect=("adf-databricks:interactiveCluster: is required",),
    ),
    "huge number": Case(
        stack_file=config("adf-databricks:token: {lifetimeDays: 99999999999999999999999}"),
        expect=("adf-databricks:token.lifetimeDays: 1e+23: must be a whole number from 1 to 730",),
    ),
    "infinite number": Case(
        stack_file=config("adf-databricks:token: {rotationDays: .inf}"),
        expect=("token.rotationDays: .inf: must be a whole number",),
    ),
    "negative number": Case(
        stack_file=config("adf-databricks:token: {lifetimeDays: -5}"), expect=("token.lifetimeDays: -5: must be",)
    ),
    "decimal where a whole number is meant": Case(
        stack_file=config("adf-databricks:token: {lifetimeDays: 7.5}"),
        expect=("token.lifetimeDays: 7.5: must be a whole number",),
    ),
    "decimal where text is meant": Case(
        stack_file=config("adf-databricks:tags: {version: 1.10}"),
        expect=("adf-databricks:tags.version: 1.1: a decimal number where text is meant; write it in quotes",),
    ),
    "unicode in a name": Case(
        stack_file=config("adf-databricks:names: {keyVault: kv-été-data}"),
        expect=('adf-databricks:names.keyVault: "kv-été-data": Key Vault names allow',),
    ),
    "unicode key": Case(
        stack_file=config("adf-databricks:tökén: {}"),
        expect=("adf-databricks:tökén: is not declared", "did you mean adf-databricks:token?"),
    ),
    "not UTF-8": Case(
        stack_file=b"config:\n  azure-native:location: west\xffeurope\n",
        expect=(f"{FILE}:2:30: is not UTF-8 text (byte 0xff); save it as UTF-8",),
    ),
    "UTF-16": Case(stack_file="config: {}\n".encode("utf-16"), expect=("is not UTF-8 text (byte 0xff)",)),
    "control character": Case(
        stack_file="config:\n  azure-native:location: we\x07st\n",
        expect=(f"{FILE}:2:28: character U+0007 is not allowed in YAML",),
    ),
    "binary tag": Case(
        stack_file=config("adf-databricks:protect: !!binary dHJ1ZQ=="),
        expect=("the tag tag:yaml.org,2002:binary is not supported here",),
    ),
    "custom tag": Case(
        stack_file=config("adf-databricks:clusterMode: !Ref mode"),
        expect=(f"{FILE}:7:31: the tag !Ref is not supported",),
    ),
    "an anchor inside its own value": Case(
        stack_file=config("adf-databricks:tags: &t {a: *t}"),
        expect=(f"{FILE}:7:24: the anchor &t is used inside its own value",),
    ),
    "a list as a key": Case(
        stack_file="config:\n  ? [a, b]\n  : c\n", expect=(f"{FILE}:2:5: a key must be plain text",)
    ),
    "a list of mappings as a key": Case(
        stack_file="config:\n  ? [{a: 1}]\n  : c\n", expect=(f"{FILE}:2:5: a key must be plain text",)
    ),
    "managed group is the workspace's group": Case(
        stack_file=config("adf-databricks:names: {managedResourceGroup: rg-adf-databricks-case}"),
        expect=("adf-databricks:names.managedResourceGroup: the workspace's managed resource group",),
    ),
    "retired data flow compute type": Case(
        stack_file=config("adf-databricks:dataFlowRuntime: {computeType: ComputeOptimized}"),
        expect=(
            f'{FILE}:7:36: adf-databricks:dataFlowRuntime.computeType: "ComputeOptimized" is not allowed: the Compute '
            "optimized data flow compute type is retired",
            "use General or MemoryOptimized",
        ),
    ),
    "access mode that needs a cluster kind": Case(
        stack_file="config:\n  azure-native:location: westeurope\n  adf-databricks:clusterMode: newJobCluster\n"
        "  adf-databricks:jobCluster:\n    sparkVersion: 16.4.x-scala2.12\n    nodeType: n\n    workers: 2\n"
        "    dataSecurityMode: DATA_SECURITY_MODE_AUTO\n",
        expect=(
            f"{FILE}:8:5: adf-databricks:jobCluster.dataSecurityMode: DATA_SECURITY_MODE_AUTO needs the cluster "
            "kind field",
            "choose the mode: USER_ISOLATION (standard) or SINGLE_USER (dedicated)",
        ),
    ),
    "single-user cluster without its user": Case(
        stack_file="config:\n  azure-native:location: westeurope\n  adf-databricks:interactiveCluster:\n"
        "    sparkVersion: 16.4.x-scala2.12\n    nodeType: n\n    numWorkers: 1\n    dataSecurityMode: SINGLE_USER\n",
        expect=("adf-databricks:interactiveCluster.singleUserName: is required with dataSecurityMode SINGLE_USER",),
    ),
    "runtime past its end of support": Case(
        stack_file="config:\n  azure-native:location: westeurope\n  adf-databricks:interactiveCluster:\n"
        "    sparkVersion: 13.3.x-scala2.12\n    nodeType: n\n    numWorkers: 1\n",
        expect=(
            f'{FILE}:4:5: adf-databricks:interactiveCluster.sparkVersion: "13.3.x-scala2.12": Databricks Runtime '
            "13.3 LTS reached end of support on 2026-08-22",
            "use 16.4.x-scala2.12 (keeps Scala 2.12) or 17.3.x-scala2.13",
        ),
    ),
    "rotation a revoked token never sees": Case(
        stack_file=config("adf-databricks:token: {rotationDays: 90}"),
        expect=(
            "adf-databricks:token.rotationDays: 90: must be a whole number from 1 to 89: Databricks revokes a token "
            "that goes unused for 90 days",
        ),
    ),
    "region Azure does not have": Case(
        stack_file=config().replace("westeurope", "westeruope"),
        expect=(f'{FILE}:2:3: azure-native:location: "westeruope": is not an Azure region; did you mean westeurope?',),
    ),
    "tag that would replace a standard one": Case(
        stack_file=config("adf-databricks:tags: {Environment: test}"),
        expect=("adf-databricks:tags.Environment: would replace the standard tag environment",),
    ),
    "stack name the CLI refuses": Case(
        stack="my stack",
        expect=(
            'stacks/Pulumi.my stack.yaml: stack: "my stack": the Pulumi CLI refuses this stack name (invalid '
            "character ' ' at position 2)",
            "rename the stack and its file, e.g. Pulumi.my-stack.yaml",
        ),
    ),
    "init script outside the allowed places": Case(
        stack_file="config:\n  azure-native:location: westeurope\n  adf-databricks:clusterMode: newJobCluster\n"
        "  adf-databricks:jobCluster:\n    sparkVersion: s\n    nodeType: n\n    workers: 2\n"
        "    initScripts: [/Workspace/a.sh, s3://b/c.sh]\n",
        expect=(
            f'{FILE}:8:36: adf-databricks:jobCluster.initScripts[1]: "s3://b/c.sh": must be a path under /Workspace/',
        ),
    ),
}

SETS: dict[str, Case] = {
    "no equals sign": Case(
        sets=("adf-databricks:clusterMode",), expect=("--set adf-databricks:clusterMode: write --set key=value",)
    ),
    "no key": Case(sets=("=newJobCluster",), expect=("write --set key=value",)),
    "bad YAML value": Case(
        sets=("adf-databricks:workspace={sku: [premium}",),
        expect=("--set adf-databricks:workspace={sku: [premium}:1:", "not valid YAML", "quote it to pass text"),
    ),
    "duplicated key in the value": Case(
        sets=("adf-databricks:token={lifetimeDays: 1, lifetimeDays: 2}",),
        expect=("lifetimeDays is given twice in the value",),
    ),
    "bad value at a nested path": Case(
        sets=("adf-databricks:token.lifetimeDays=0",),
        expect=(
            "--set adf-databricks:token.lifetimeDays=0: adf-databricks:token.lifetimeDays: 0: must be a whole number",
        ),
    ),
    "undeclared key": Case(
        sets=("adf-databricks:tokn.lifetimeDays=5",),
        expect=(
            "--set adf-databricks:tokn.lifetimeDays=5: adf-databricks:tokn: is not declared "
            "in Pulumi.yaml; did you mean adf-databricks:token?",
        ),
    ),
    "unreadable path": Case(sets=("adf-databricks:token..x=1",), expect=("cannot read the key path at ..x",)),
    "path through a number": Case(
        sets=("adf-databricks:interactiveCluster.numWorkers.x=1",),
        expect=("adf-databricks:interactiveCluster.numWorkers is 1, not an object: cannot set .x",),
    ),
    "list index past the end": Case(
        sets=("adf-databricks:linkedService.annotations[3]=x",), expect=("has 0 items: cannot set [3]",)
    ),
    "misspelt namespace": Case(
        sets=("azure-natve:location=westeurope",),
        expect=(
            "--set azure-natve:location=westeurope: azure-natve:location: no provider",
            "did you mean azure-native?",
        ),
    ),
    "yes for a boolean": Case(
        sets=("adf-databricks:protect=yes",),
        expect=('--set adf-databricks:protect=yes: adf-databricks:protect: "yes": must be true or false',),
    ),
    "list for an object": Case(
        sets=("adf-databricks:workspace=[premium]",),
        expect=('--set adf-databricks:workspace=[premium]: adf-databricks:workspace: ["premium"]: must be an object',),
    ),
    "empty required value": Case(
        sets=("azure-native:location=",), expect=("--set azure-native:location=: azure-native:location: is required",)
    ),
    "rotation at 90 days": Case(
        sets=("adf-databricks:token.rotationDays=90",),
        expect=(
            "--set adf-databricks:token.rotationDays=90: adf-databricks:token.rotationDays: 90: must be a whole "
            "number from 1 to 89",
        ),
    ),
    "both a file and a --set problem": Case(
        stack_file=config("adf-databricks:protect: maybe"),
        sets=("adf-databricks:token.rotationDays=0",),
        expect=(
            f"{FILE}:7:3: adf-databricks:protect",
            "--set adf-databricks:token.rotationDays=0:",
            f"Fix {FILE} and the --set values",
        ),
    ),
}

PROJECT = (PROJECT_DIR / "Pulumi.yaml").read_text()
PROJECT_FILES: dict[str, Case] = {
    "no Pulumi.yaml": Case(project_file="", expect=("no Pulumi.yaml in", "or any folder above it")),
    "empty Pulumi.yaml": Case(project_file="\n", expect=("Pulumi.yaml: must be a mapping with at least `name:`",)),
    "Pulumi.yaml is a list": Case(
        project_file="- name\n- runtime\n",
        expect=("Pulumi.yaml: must be a mapping with at least `name:` and `runtime:`",),
    ),
    "Pulumi.yaml does not parse": Case(
        project_file="name: adf-databricks\nruntime: {name: python\n", expect=("Pulumi.yaml:3:1: not valid YAML",)
    ),
    "Pulumi.yaml with tabs": Case(
        project_file="name: adf-databricks\n\truntime: python\n",
        expect=("Pulumi.yaml:2:1: not valid YAML", "never tabs"),
    ),
    "no name": Case(project_file="runtime: python\n", expect=("Pulumi.yaml: (top level): name is required",)),
    "name is a list": Case(
        project_file="name: [adf]\nruntime: python\n", expect=('Pulumi.yaml:1:1: name: ["adf"]: must be text',)
    ),
    "duplicated key": Case(
        project_file=PROJECT + "name: other\n", expect=("Pulumi.yaml:", ": name is given twice (first at line 1)")
    ),
    "object key declared with type object": Case(
        project_file=PROJECT.replace("  workspace:\n", "  workspace:\n    type: object\n"),
        expect=(
            f"Pulumi.yaml:{PROJECT.splitlines().index('  workspace:') + 2}:5: config.workspace.type: "
            '"object" is not allowed (use one of string | integer | boolean | array)',
        ),
    ),
    "not UTF-8": Case(
        project_file=b"name: adf\xfe\nruntime: python\n", expect=("Pulumi.yaml:1:10: is not UTF-8 text (byte 0xfe)",)
    ),
    "stack folder missing": Case(
        project_file=PROJECT.replace("stackConfigDir: stacks", "stackConfigDir: configs"),
        expect=("no stack file configs/Pulumi.case.yaml", "(stacks: none)"),
    ),
    "program missing": Case(
        project_file=PROJECT.replace("runtime:", "main: src/\nruntime:"), expect=("src/__main__.py",)
    ),
}
CASES = {f"stack file: {k}": v for k, v in STACK_FILES.items()} | {f"--set: {k}": v for k, v in SETS.items()}
CASES |= {f"Pulumi.yaml: {k}": v for k, v in PROJECT_FILES.items()}


def scratch(tmp_path: Path, case: Case) -> Path:
    project = copy_project(tmp_path / "project")
    stack = project / "stacks" / f"Pulumi.{case.stack}.yaml"
    if isinstance(case.stack_file, bytes):
        stack.write_bytes(case.stack_file)
    else:
        stack.write_text(case.stack_file)
    if case.project_file == "":
        (project / "Pulumi.yaml").unlink()
    elif isinstance(case.project_file, bytes):
        (project / "Pulumi.yaml").write_bytes(case.project_file)
    elif case.project_file is not None:
        (project / "Pulumi.yaml").write_text(case.project_file)
    return project


def options(case: Case) -> list[str]:
    return [arg for text in case.sets for arg in ("--set", text)]


def assert_one_clear_message(stdout: str, stderr: str, code: int, case: Case) -> None:
    assert code == 1, stdout + stderr
    assert stdout == ""
    assert stderr.startswith("error: ")
    assert "Traceback" not in stderr and 'File "' not in stderr
    for words in case.expect:
        assert words in stderr, f"{words!r} not in:\n{stderr}"


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_ends_in_one_clear_message(tmp_path: Path, case: Case) -> None:
    project = scratch(tmp_path, case)
    result = preview_here(case.stack, *options(case), cwd=project)
    assert_one_clear_message(result.stdout, result.stderr, result.returncode, case)


def test_every_kind_of_input_has_cases() -> None:
    assert len(STACK_FILES) >= 40 and len(SETS) >= 12 and len(PROJECT_FILES) >= 10
