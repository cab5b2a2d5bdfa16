"""The lineage as the Dagster UI shows it: the real webserver (`dg dev -w workspace.yaml`) on a loopback port, asked
through its GraphQL endpoint, with the fields the UI's own asset graph and asset check queries read.

tests/test_definitions.py checks the same graph in-process; this one proves that what reaches a browser (through the
code server, the workspace and the GraphQL schema) is that graph: the edges raw -> staging -> marts, the groups, the
checks on their assets, descriptions and kinds. Further assets downstream of the marts (a publish step) may be added
without breaking it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# How long the webserver may take to answer with the loaded code location. On a 2-core machine, busy with other
# tests, `dg dev` (webserver, daemon and code server, each importing dagster) takes 10-40 s.
STARTUP_TIMEOUT = 120.0
# How long the server group gets to shut down after SIGTERM before it is killed.
SHUTDOWN_GRACE = 20.0

RAW = ["raw/linkedin_ads", "raw/twitter_ads", "raw/facebook_ads", "raw/youtube_ads"]

# Each asset of the pipeline with all its upstream assets (its dependencyKeys in the UI), and its group.
EXPECTED_PARENTS = {
    **{ads: {"raw/fx_rates", "raw/accounts"} for ads in RAW},
    "raw/crm_deals": {"raw/fx_rates"},
    "raw/fx_rates": set(),
    "raw/accounts": set(),
    "staging/stg_ad_performance": set(RAW),
    "staging/stg_crm_revenue": {"raw/crm_deals"},
    "marts/campaign_daily": {
        "raw/fx_rates",
        "raw/accounts",
        "staging/stg_ad_performance",
        "staging/stg_crm_revenue",
    },
    "marts/unmatched_revenue": {"raw/fx_rates", "staging/stg_ad_performance", "staging/stg_crm_revenue"},
    "marts/roi_local": {"marts/campaign_daily"},
    "marts/local_vs_global": {"marts/campaign_daily", "staging/stg_posts"},
    "marts/roi_global": {"marts/roi_local"},
    "staging/stg_posts": {f"raw/{channel}_posts" for channel in ("linkedin", "twitter", "facebook", "youtube")},
    "marts/contact_frequency": {"marts/campaign_daily", "staging/stg_posts"},
    "marts/engagement_trend": {"staging/stg_posts"},
}

EXPECTED_CHECKS = {
    **{ads: {"export_files_accepted", "api_pulls_complete"} for ads in RAW},
    "raw/crm_deals": {"export_files_accepted"},
    "raw/fx_rates": {"rates_file_accepted"},
    "raw/accounts": set(),
    "staging/stg_ad_performance": {"unique_key", "campaign_names_unambiguous"},
    "staging/stg_crm_revenue": set(),
    "marts/campaign_daily": {"unique_key", "non_negative_spend", "fx_rates_present"},
    "marts/unmatched_revenue": {"revenue_matched"},
    "marts/roi_local": set(),
    "marts/local_vs_global": set(),
    "marts/roi_global": {"global_equals_sum_of_local"},
}

TIERS = {"raw": 0, "staging": 1, "marts": 2}

# What the UI's code location status query (CodeLocationStatusQuery / LocationWorkspaceQuery) reads.
WORKSPACE_QUERY = """
query WorkspaceStatus {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on RepositoryLocation { name repositories { name } }
          ... on PythonError { message stack }
        }
      }
    }
    ... on PythonError { message stack }
  }
}
"""

# The fields of the UI's asset graph (AssetBaseNodeFragment, RepositoryAsset: dependencyKeys) and of its asset checks
# tab (AssetChecksQuery: assetChecksOrError).
ASSET_GRAPH_QUERY = """
query AssetGraph {
  assetNodes {
    id
    assetKey { path }
    groupName
    description
    kinds
    isPartitioned
    owners {
      __typename
      ... on UserAssetOwner { email }
      ... on TeamAssetOwner { team }
    }
    dependencyKeys { path }
    dependedByKeys { path }
    repository { name location { name } }
    hasAssetChecks
    assetChecksOrError {
      __typename
      ... on AssetChecks { checks { name description assetKey { path } } }
      ... on AssetCheckNeedsMigrationError { message }
    }
  }
}
"""


@dataclass
class DagsterUI:
    url: str
    log: Path

    def graphql(self, query: str, variables: dict | None = None, timeout: float = 30.0) -> dict:
        return graphql(self.url, query, variables, timeout)


def graphql(url: str, query: str, variables: dict | None = None, timeout: float = 30.0) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        f"{url}/graphql", data=body, headers={"Content-Type": "application/json", "Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        payload = json.load(response)
    assert not payload.get("errors"), payload["errors"]
    return payload["data"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dg_executable() -> str:
    """The `dg` of the interpreter running the tests (the project's venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "dg"
    found = str(beside) if beside.exists() else shutil.which("dg")
    assert found, "dg (dagster-dg-cli) is not installed: pip install -e '.[test]'"
    return found


# Runs the command with SIGINT and SIGTERM at their defaults. A shell that starts a job in the background leaves SIGINT
# ignored, ignored signals stay ignored across exec, and dagster dev maps SIGTERM onto SIGINT's handler: the server
# would then ignore SIGTERM too. (A wrapper rather than preexec_fn, which is unsafe once pytest has threads.)
DEFAULT_SIGNALS_EXEC = (
    "import os, signal, sys\n"
    "for sig in (signal.SIGINT, signal.SIGTERM):\n"
    "    signal.signal(sig, signal.SIG_DFL)\n"
    "os.execv(sys.argv[1], sys.argv[1:])\n"
)


def live_members(pgid: int) -> list[int]:
    """The processes of the group that are still running (zombies waiting for their reaper do not count)."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return []
        return [pgid]
    members = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members.append(int(entry.name))
    return members


def stop_group(process: subprocess.Popen) -> None:
    """Stop dg dev and everything it started (webserver, daemon, code servers): they share its process group."""
    pgid = process.pid  # start_new_session: the leader's pid is the group's id

    def signal_group(sig: int) -> None:
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            pass

    def wait_for_group(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while live_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.1)

    signal_group(signal.SIGTERM)  # dg dev shuts its services down in order
    try:
        process.wait(timeout=SHUTDOWN_GRACE)
    except subprocess.TimeoutExpired:
        pass
    # A code server that dagster restarted while shutting down missed the first signal.
    signal_group(signal.SIGTERM)
    wait_for_group(3)
    signal_group(signal.SIGKILL)
    process.wait(timeout=10)
    wait_for_group(10)
    left = live_members(pgid)
    assert not left, f"dagster processes left behind: {left}"


def log_tail(log: Path, lines: int = 60) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_until_loaded(url: str, process: subprocess.Popen, log: Path) -> None:
    """Poll until the webserver answers with its code location loaded and the asset nodes listed."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last = "no answer yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dg dev exited with {process.returncode} before serving:\n{log_tail(log)}")
        try:
            workspace = graphql(url, WORKSPACE_QUERY, timeout=10)["workspaceOrError"]
            entries = workspace.get("locationEntries") or []
            for entry in entries:
                error = entry["locationOrLoadError"]
                if error and error["__typename"] == "PythonError":
                    stack = "".join(error["stack"])
                    pytest.fail(f"code location {entry['name']} failed to load: {error['message']}\n{stack}")
            if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
                nodes = graphql(url, "{ assetNodes { assetKey { path } } }", timeout=10)["assetNodes"]
                if nodes:
                    return
                last = "no asset nodes yet"
            else:
                last = f"workspace: {workspace}"
        except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError, AssertionError) as exc:
            last = repr(exc)
        time.sleep(0.5)
    pytest.fail(f"no asset graph served within {STARTUP_TIMEOUT:.0f} s ({last}):\n{log_tail(log)}")


@contextmanager
def served(home: Path, config: Path) -> Iterator[DagsterUI]:
    """`dg dev -w workspace.yaml` on a free loopback port, with the instance `home` and the pipeline config
    `config`; stopped whatever happens."""
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    with open(home / "dagster.yaml", "a", encoding="utf-8") as settings:
        settings.write("\nnux:\n  enabled: false\n")  # no "join the community" dialog over the page
    log = home / "dg-dev.log"
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "ROI_CONFIG": str(config)}
    dg_dev = [dg_executable(), "dev", "-w", "workspace.yaml", "--port", str(port), "--host", "127.0.0.1"]
    command = [sys.executable, "-c", DEFAULT_SIGNALS_EXEC, *dg_dev]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_loaded(url, process, log)
        yield DagsterUI(url, log)
    finally:
        stop_group(process)


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory) -> Iterator[DagsterUI]:
    """The UI of the bundled sample's definitions, with a throwaway instance."""
    with served(tmp_path_factory.mktemp("dagster_home"), REPO / "sample" / "roi.toml") as ui:
        yield ui


@pytest.fixture(scope="module")
def asset_nodes(dagster_ui: DagsterUI) -> dict[str, dict]:
    nodes = dagster_ui.graphql(ASSET_GRAPH_QUERY)["assetNodes"]
    by_key = {"/".join(node["assetKey"]["path"]): node for node in nodes}
    assert len(by_key) == len(nodes), "an asset key listed twice"
    return by_key


def keys(asset_keys: list[dict]) -> set[str]:
    return {"/".join(key["path"]) for key in asset_keys}


def test_every_pipeline_asset_is_served_in_its_group(asset_nodes):
    missing = set(EXPECTED_PARENTS) - set(asset_nodes)
    assert not missing, f"not in the UI: {sorted(missing)}"
    for key in EXPECTED_PARENTS:
        assert asset_nodes[key]["groupName"] == key.split("/")[0], key
    # One code location, from workspace.yaml.
    locations = {node["repository"]["location"]["name"] for node in asset_nodes.values()}
    assert locations == {"pipelines.definitions"}


def test_edges_are_the_pipelines_dependencies(asset_nodes):
    for key, parents in EXPECTED_PARENTS.items():
        assert keys(asset_nodes[key]["dependencyKeys"]) == parents, key
    # The UI draws an edge from both ends: dependedByKeys is the mirror image of dependencyKeys.
    for key, node in asset_nodes.items():
        for parent in keys(node["dependencyKeys"]):
            assert parent in asset_nodes, (parent, key)
            assert key in keys(asset_nodes[parent]["dependedByKeys"]), (parent, key)
        for child in keys(node["dependedByKeys"]):
            assert key in keys(asset_nodes[child]["dependencyKeys"]), (key, child)


def test_lineage_never_flows_back_from_marts_to_staging_to_raw(asset_nodes):
    tiered = {key: node for key, node in asset_nodes.items() if node["groupName"] in TIERS}
    assert {node["groupName"] for node in tiered.values()} == set(TIERS)
    for key, node in tiered.items():
        for parent in keys(node["dependencyKeys"]):
            parent_group = asset_nodes[parent]["groupName"]
            # Whatever else is added (a publish step) sits downstream of the marts, never upstream of a tier.
            assert parent_group in TIERS, f"{parent} ({parent_group}) feeds {key}"
            assert TIERS[parent_group] <= TIERS[node["groupName"]], f"{parent} -> {key} flows backwards"


def test_checks_are_shown_on_their_assets(asset_nodes):
    for key, expected in EXPECTED_CHECKS.items():
        node = asset_nodes[key]
        checks = node["assetChecksOrError"]
        assert checks["__typename"] == "AssetChecks", (key, checks)
        names = {check["name"] for check in checks["checks"]}
        assert names == expected, key
        assert node["hasAssetChecks"] == bool(expected), key
        for check in checks["checks"]:
            assert "/".join(check["assetKey"]["path"]) == key


def test_every_asset_is_described_and_kinded(asset_nodes):
    for key, node in asset_nodes.items():
        assert node["description"] and node["description"].strip(), key
        assert "duckdb" in node["kinds"], (key, node["kinds"])
    for key in EXPECTED_PARENTS:
        assert asset_nodes[key]["owners"], key
        assert asset_nodes[key]["isPartitioned"], key
