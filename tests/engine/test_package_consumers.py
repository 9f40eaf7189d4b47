"""Programs in other languages consume the package: checked with the real Pulumi CLI, Pulumi's own SDK generators,
`tsc`, `go` and Pulumi YAML's language host (issue 14 item 6; issue 15 item 3, "a Pulumi YAML program consumes the
component package").

Tools: the CLI from `.ci/engine-tools` (or `pulumi` on PATH), `gen-sdk` and `pulumi-language-yaml` from
`.ci/consumer-tools`, Node.js/npm and Go. Without one of them a test skips, or fails when `ADF_ENGINE_REQUIRED=1`.

What stands in for what, and why:
- The component provider. `pulumi package add components/plugin` runs the plugin folder through the Python language
  host, which the Go module proxy does not serve (see .ci/engine-tools). A provider executable named
  `pulumi-resource-adf-databricks` on PATH that runs the same `components/plugin/__main__.py` is what the engine
  loads instead: `getPluginInfoAndPath` in sdk/go/common/workspace/plugins.go (pulumi v3.274.1) takes
  `exec.LookPath("pulumi-resource-<name>")` before the plugin cache, whatever version is asked for, unless
  PULUMI_IGNORE_AMBIENT_PLUGINS is set; a project `packages:`/`plugins:` entry comes first.
- SDK generation. `pulumi package add` generates through the project's language host (GenSDK in
  pkg/cmd/pulumi/packages/packages.go), and the proxy serves neither pulumi-language-nodejs nor pulumi-language-go.
  Those hosts call `codegen/nodejs.GeneratePackage` and `codegen/go.GeneratePackage`; `gen-sdk` calls the same
  functions (pkg/v3 v3.274.1) with what `package add` sets: SupportPack on, a local Node.js SDK.
- Linking. `package add` then links the SDK as the language host does: Node.js `npm pkg set
  dependencies.<name>=file:sdks/<name>` (sdk/nodejs/npm, getLinkPackageProperty); Go a `require` and a `replace` of
  the generated module by `./sdks/<name>` in go.mod. The examples carry those lines; the tests generate `sdks/`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
GOLDEN_SCHEMA = REPO / "tests" / "golden" / "adf-databricks.schema.json"
EXAMPLES = REPO / "examples"
PACKAGE = "adf-databricks"
SDK_DIR = Path("sdks") / PACKAGE
"""Where `pulumi package add` puts the generated SDK inside the consuming project."""
COMPONENT_TYPE = "adf-databricks:index:AdfDatabricks"


def _missing(message: str) -> NoReturn:
    if os.environ.get("ADF_ENGINE_REQUIRED") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _checked_folder(script: str) -> Path | None:
    path = REPO / ".ci" / script
    if not path.exists():
        return None
    found = subprocess.run([str(path), "--check"], capture_output=True, text=True, check=False)
    return Path(found.stdout.strip()) if found.returncode == 0 else None


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=timeout)


@pytest.fixture(scope="module")
def cli() -> Path:
    """The folder holding the `pulumi` binary."""
    folder = _checked_folder("engine-tools")
    if folder is None:
        found = shutil.which("pulumi")
        folder = Path(found).parent if found else None
    if folder is None:
        _missing("the Pulumi CLI: run .ci/engine-tools (docs/engine.md)")
    return folder


@pytest.fixture(scope="module")
def consumer_tools() -> Path:
    folder = _checked_folder("consumer-tools")
    if folder is None:
        _missing("gen-sdk and pulumi-language-yaml: run .ci/consumer-tools")
    return folder


@pytest.fixture(scope="module")
def provider_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with `pulumi-resource-adf-databricks`: our component provider, as the engine finds it on PATH."""
    folder = tmp_path_factory.mktemp("provider-bin")
    script = folder / f"pulumi-resource-{PACKAGE}"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{REPO / "components" / "plugin"}" "$@"\n')
    script.chmod(0o755)
    return folder


def _cli_env(home: Path, *bins: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "ARM_", "DATABRICKS_"))},
        "PATH": os.pathsep.join([*map(str, bins), os.environ.get("PATH", "")]),
        "PULUMI_HOME": str(home),
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        # A bare package name is otherwise looked up in the Pulumi Registry over the network.
        "PULUMI_DISABLE_REGISTRY_RESOLVE": "true",
    }


@pytest.fixture(scope="module")
def sdks(consumer_tools: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The TypeScript and Go SDKs generated from the pinned schema: `<out>/nodejs`, `<out>/go`."""
    out = tmp_path_factory.mktemp("sdks")
    generated = _run(
        [str(consumer_tools / "gen-sdk"), "-schema", str(GOLDEN_SCHEMA), "-out", str(out)], out, dict(os.environ)
    )
    assert generated.returncode == 0, generated.stderr
    return out


# --- the schema the CLI reads from the provider ---------------------------------------------------------------


def test_the_cli_reads_the_pinned_schema_from_the_component_provider(
    cli: Path, provider_bin: Path, tmp_path: Path
) -> None:
    """`pulumi package get-schema` launches our provider and asks it for its schema (schemaJSONBytes in
    pkg/cmd/pulumi/packages/packages.go): it is the golden one every SDK is generated from.

    The CLI prints a schema after a round trip through its Go `schema.PackageSpec`, which drops nulls, empty lists
    and fields it does not model (e.g. a map's value description); so the golden file is compared after the same
    round trip, by giving the CLI the file itself (a `.json` source is read, not launched).
    """
    env = _cli_env(tmp_path / "home", provider_bin, cli)
    served = _run(["pulumi", "package", "get-schema", str(provider_bin / f"pulumi-resource-{PACKAGE}")], tmp_path, env)
    assert served.returncode == 0, served.stderr
    pinned = _run(["pulumi", "package", "get-schema", str(GOLDEN_SCHEMA)], tmp_path, env)
    assert pinned.returncode == 0, pinned.stderr
    assert json.loads(served.stdout) == json.loads(pinned.stdout)
    golden = json.loads(GOLDEN_SCHEMA.read_text(encoding="utf-8"))
    schema = json.loads(served.stdout)
    assert (schema["name"], schema["version"], list(schema["resources"])) == (
        golden["name"],
        golden["version"],
        [COMPONENT_TYPE],
    )
    assert set(schema["types"]) == set(golden["types"])


# --- TypeScript --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def typescript_project(sdks: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of examples/typescript with the generated SDK where `pulumi package add` puts it, dependencies
    installed with npm (the SDK's own install compiles it, as for a user)."""
    npm = shutil.which("npm")
    if npm is None:
        _missing("npm (Node.js 20) is needed for the TypeScript example")
    project = tmp_path_factory.mktemp("typescript") / "project"
    shutil.copytree(EXAMPLES / "typescript", project, ignore=shutil.ignore_patterns("node_modules", "sdks", "bin"))
    shutil.copytree(sdks / "nodejs", project / SDK_DIR)
    installed = _run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error"], project, dict(os.environ))
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return project


def _tsc(project: Path, source: str) -> subprocess.CompletedProcess[str]:
    """Type-check `source` as the example's index.ts, with the example's compiler options."""
    (project / "checked.ts").write_text(source)
    (project / "tsconfig.checked.json").write_text(json.dumps({"extends": "./tsconfig.json", "files": ["checked.ts"]}))
    tsc = project / "node_modules" / ".bin" / "tsc"
    return _run([str(tsc), "--noEmit", "--pretty", "false", "-p", "tsconfig.checked.json"], project, dict(os.environ))


def test_the_typescript_example_links_the_sdk_as_package_add_does() -> None:
    package = json.loads((EXAMPLES / "typescript" / "package.json").read_text())
    assert package["dependencies"][f"@pulumi/{PACKAGE}"] == f"file:{SDK_DIR.as_posix()}"
    assert package["dependencies"]["@pulumi/pulumi"] == "3.270.0", "pinned exactly: the newest on npm"


def test_the_typescript_example_compiles_against_the_generated_sdk(typescript_project: Path) -> None:
    checked = _tsc(typescript_project, (typescript_project / "index.ts").read_text())
    assert checked.returncode == 0, checked.stdout + checked.stderr


TYPESCRIPT_BREAKS = {
    "an enum member the schema does not have": ("adf.ClusterMode.INSTANCE_POOL", "adf.ClusterMode.WARM_POOL", "TS2339"),
    "a number where the schema says string": ('workers: "4"', "workers: 4", "TS2322"),
    "a key the schema does not have": ("maxCapacity: 10,", "maxCapacity: 10, maxIdle: 2,", "TS2353"),
}


@pytest.mark.parametrize("mistake", TYPESCRIPT_BREAKS)
def test_a_broken_typescript_program_does_not_compile(typescript_project: Path, mistake: str) -> None:
    """The typed SDK is what catches a caller's mistake before anything runs."""
    right, wrong, code = TYPESCRIPT_BREAKS[mistake]
    source = (typescript_project / "index.ts").read_text()
    assert right in source, f"the example no longer contains {right!r}: update this case"
    checked = _tsc(typescript_project, source.replace(right, wrong, 1))
    assert checked.returncode != 0
    assert code in checked.stdout, checked.stdout


# --- Go ----------------------------------------------------------------------------------------------------------


def _go_env() -> dict[str, str]:
    """Go's caches outside the clone, shared with the CLI's build (.ci/engine-tools)."""
    home = Path(os.environ.get("ADF_ENGINE_HOME", Path.home() / ".cache" / "adf-databricks-engine"))
    return {
        **os.environ,
        "GOMODCACHE": str(home / "go" / "mod"),
        "GOCACHE": str(home / "go" / "cache"),
        "GOFLAGS": "-mod=readonly",
        "GOTOOLCHAIN": "local",
    }


@pytest.fixture(scope="module")
def go() -> str:
    found = shutil.which("go")
    if found is None:
        _missing("go (1.26) is needed for the Go example")
    return found


def _go_project(sdks: Path, root: Path, main: str | None = None) -> Path:
    project = root / "project"
    shutil.copytree(EXAMPLES / "go", project, ignore=shutil.ignore_patterns("sdks"))
    shutil.copytree(sdks / "go", project / SDK_DIR)
    if main is not None:
        (project / "main.go").write_text(main)
    return project


def test_the_go_example_requires_and_replaces_the_generated_module(sdks: Path) -> None:
    """What `pulumi package add` writes to go.mod: the generated module, replaced by its folder under sdks/."""
    module = re.search(r"^module (\S+)$", (sdks / "go" / "go.mod").read_text(), re.MULTILINE)
    assert module is not None
    example = (EXAMPLES / "go" / "go.mod").read_text()
    assert re.search(rf"^\s*{re.escape(module[1])} v\S+$", example, re.MULTILINE), example
    assert f"replace {module[1]} => ./{SDK_DIR.as_posix()}" in example
    assert f'"{module[1]}/adfdatabricks"' in (EXAMPLES / "go" / "main.go").read_text()


def test_the_go_example_builds_and_vets_against_the_generated_sdk(go: str, sdks: Path, tmp_path: Path) -> None:
    project = _go_project(sdks, tmp_path)
    built = _run([go, "build", "-trimpath", "-o", str(tmp_path / "program"), "."], project, _go_env())
    assert built.returncode == 0, built.stderr
    vetted = _run([go, "vet", "-trimpath", "."], project, _go_env())
    assert vetted.returncode == 0, vetted.stderr


GO_BREAKS = {
    "an enum member the schema does not have": (
        "adf.ClusterMode_EXISTING_CLUSTER",
        "adf.ClusterMode_WARM",
        "undefined: adf.ClusterMode_WARM",
    ),
    "a number where the schema says string": (
        'NodeType:               pulumi.StringRef("Standard_DS3_v2")',
        "NodeType:               pulumi.IntRef(3)",
        "cannot use pulumi.IntRef(3)",
    ),
}


@pytest.mark.parametrize("mistake", GO_BREAKS)
def test_a_broken_go_program_does_not_compile(go: str, sdks: Path, tmp_path: Path, mistake: str) -> None:
    right, wrong, message = GO_BREAKS[mistake]
    source = (EXAMPLES / "go" / "main.go").read_text()
    assert right in source, f"the example no longer contains {right!r}: update this case"
    project = _go_project(sdks, tmp_path, source.replace(right, wrong, 1))
    vetted = _run([go, "vet", "-trimpath", "."], project, _go_env())
    assert vetted.returncode != 0
    assert message in vetted.stderr, vetted.stderr


# --- YAML, through the real CLI ----------------------------------------------------------------------------------


@pytest.fixture
def yaml_workbench(cli: Path, consumer_tools: Path, provider_bin: Path, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """examples/yaml in a temporary folder, a file backend, and on PATH: the YAML language host, our provider and
    the engine tier's stand-ins for azure-native, databricks and time (the component's children need them even in a
    preview: it invokes azure-native's getClientConfig and the engine checks every child's inputs)."""
    try:
        from tests.engine.harness import Engine
    except ImportError:
        _missing("the engine tier's stand-in providers (tests/engine/harness.py, tests/engine/standin)")
    (tmp_path / "engine").mkdir()
    engine = Engine(tmp_path / "engine", cli)
    project = tmp_path / "yaml"
    shutil.copytree(EXAMPLES / "yaml", project)
    # The example's `packages:` entry names the plugin folder, which the engine would run through the Python
    # language host (absent here); without it the engine takes our provider from PATH. The program is unchanged.
    document = yaml.safe_load((project / "Pulumi.yaml").read_text())
    assert document.pop("packages") == {PACKAGE: "../../components/plugin"}
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    env = {
        **engine.env,
        "PATH": os.pathsep.join([str(consumer_tools), str(provider_bin), engine.env["PATH"]]),
        "PULUMI_DISABLE_REGISTRY_RESOLVE": "true",
    }
    yield {"project": project, "env": env, "outputs": list(document["outputs"])}


def _pulumi(workbench: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    return _run(["pulumi", *args, "--non-interactive"], workbench["project"], workbench["env"])


def test_a_yaml_program_consumes_the_component_through_the_cli(yaml_workbench: dict[str, Any]) -> None:
    """preview, up, and a second preview that changes nothing: the YAML host resolves `adf-databricks:AdfDatabricks`
    from our provider's schema, the engine calls Construct on it, and the component's children reach the cloud."""
    assert _pulumi(yaml_workbench, "stack", "init", "dev").returncode == 0

    preview = _pulumi(yaml_workbench, "preview", "-s", "dev", "--json")
    assert preview.returncode == 0, preview.stdout[-3000:] + preview.stderr[-3000:]
    planned = json.loads(preview.stdout)
    types = {step["urn"].split("::")[-2].split("$")[-1] for step in planned["steps"]}
    assert COMPONENT_TYPE in types
    assert {"azure-native:databricks:Workspace", "azure-native:datafactory:LinkedService"} <= types
    created = planned["changeSummary"]["create"]

    up = _pulumi(yaml_workbench, "up", "-s", "dev", "--yes", "--skip-preview")
    assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
    outputs = json.loads(_pulumi(yaml_workbench, "stack", "output", "-s", "dev", "--json").stdout)
    assert sorted(outputs) == sorted(yaml_workbench["outputs"])
    assert outputs["linkedServiceName"] == "AzureDatabricks"
    assert outputs["factoryName"].startswith("adf-data-platform-yaml-dev")
    assert outputs["workspaceUrl"].startswith("https://adb-")

    again = _pulumi(yaml_workbench, "preview", "-s", "dev", "--json")
    assert again.returncode == 0, again.stderr[-3000:]
    assert json.loads(again.stdout)["changeSummary"] == {"same": created}
