"""The Dagster definitions as people see them in the UI: lineage raw -> staging -> marts, described, checked."""

from __future__ import annotations

import os
import subprocess
import sys

import dagster as dg
import pytest

from pipelines.config import load_config
from pipelines.definitions import JOB_NAME, build_defs
from tests.conftest import REPO

EXPECTED_CHECKS = {
    ("raw/linkedin_ads", "export_files_accepted"),
    ("raw/twitter_ads", "export_files_accepted"),
    ("raw/facebook_ads", "export_files_accepted"),
    ("raw/youtube_ads", "export_files_accepted"),
    ("raw/crm_deals", "export_files_accepted"),
    ("raw/linkedin_posts", "export_files_accepted"),
    ("raw/twitter_posts", "export_files_accepted"),
    ("raw/facebook_posts", "export_files_accepted"),
    ("raw/youtube_posts", "export_files_accepted"),
    ("raw/linkedin_ads", "api_pulls_complete"),
    ("raw/twitter_ads", "api_pulls_complete"),
    ("raw/facebook_ads", "api_pulls_complete"),
    ("raw/youtube_ads", "api_pulls_complete"),
    ("raw/linkedin_posts", "api_pulls_complete"),
    ("raw/twitter_posts", "api_pulls_complete"),
    ("raw/facebook_posts", "api_pulls_complete"),
    ("raw/youtube_posts", "api_pulls_complete"),
    ("raw/linkedin_posts", "posts_counted_once"),
    ("raw/fx_rates", "rates_file_accepted"),
    ("staging/stg_ad_performance", "unique_key"),
    ("staging/stg_ad_performance", "campaign_names_unambiguous"),
    ("marts/campaign_daily", "unique_key"),
    ("marts/campaign_daily", "non_negative_spend"),
    ("marts/campaign_daily", "fx_rates_present"),
    ("marts/unmatched_revenue", "revenue_matched"),
    ("marts/roi_global", "global_equals_sum_of_local"),
}


@pytest.fixture(scope="module")
def asset_graph(tmp_path_factory):
    defs = build_defs(load_config(REPO / "sample" / "roi.toml"))
    return defs, defs.resolve_asset_graph()


def test_lineage_reads_raw_then_staging_then_marts(asset_graph):
    _, graph = asset_graph
    order = {"raw": 0, "staging": 1, "marts": 2, "published": 3}
    keys = list(graph.get_all_asset_keys())
    assert {key.path[0] for key in keys} == set(order)
    for key in keys:
        node = graph.get(key)
        assert node.group_name == key.path[0], key
        for parent in node.parent_keys:
            assert order[parent.path[0]] <= order[key.path[0]], (parent, key)
    assert graph.get(dg.AssetKey(["marts", "roi_global"])).parent_keys == {dg.AssetKey(["marts", "roi_local"])}
    assert dg.AssetKey(["staging", "stg_ad_performance"]) in graph.get(
        dg.AssetKey(["marts", "campaign_daily"])).parent_keys


def test_every_asset_is_described_partitioned_and_owned(asset_graph):
    _, graph = asset_graph
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description and len(node.description) > 60, key
        assert isinstance(node.partitions_def, dg.MonthlyPartitionsDefinition), key
        assert node.owners, key
        assert "duckdb" in node.kinds, key


def test_marts_expect_a_daily_refresh(asset_graph):
    _, graph = asset_graph
    for key in graph.get_all_asset_keys():
        policy = graph.get(key).freshness_policy
        assert (policy is not None) == (key.path[0] == "marts"), key
    policy = graph.get(dg.AssetKey(["marts", "roi_global"])).freshness_policy
    assert policy.fail_window.to_timedelta().days == 2


def test_asset_checks_guard_every_rule(asset_graph):
    _, graph = asset_graph
    checks = {(key.asset_key.to_user_string(), key.name) for key in graph.asset_check_keys}
    assert checks == EXPECTED_CHECKS


def test_job_and_daily_schedule(asset_graph):
    defs, _ = asset_graph
    job = defs.resolve_job_def(JOB_NAME)
    assert job.executor_def.name == "in_process"
    schedule = defs.resolve_schedule_def("roi_daily")
    assert schedule.cron_schedule == "0 6 * * *" and schedule.execution_timezone == "UTC"


def test_workspace_loads_in_dagster(tmp_path):
    env = {**os.environ, "ROI_CONFIG": str(REPO / "sample" / "roi.toml"), "DAGSTER_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "All code locations passed validation" in done.stdout + done.stderr


def test_a_config_error_stops_the_definitions_from_loading_naming_it(sample, tmp_path):
    from tests.test_cli import sar_account

    config, message = sar_account(sample)
    env = {**os.environ, "ROI_CONFIG": str(config), "DAGSTER_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1
    assert "pipelines.config.ConfigError: " + message.removeprefix("roi: config error: ") in done.stdout + done.stderr


def test_the_data_dictionary_describes_every_mart_column_and_the_files_registry(tmp_path):
    import re

    import duckdb

    from warehouse.schema import ensure_schema

    text = (REPO / "docs" / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    documented: dict[str, set[str]] = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        table = section.splitlines()[0].strip()
        documented[table] = set(re.findall(r"^\| (\w+) \|", section, flags=re.M)) - {"column"}
    with duckdb.connect(str(tmp_path / "roi.duckdb")) as con:
        ensure_schema(con)
        columns = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'marts' OR (table_schema, table_name) = ('raw', 'export_files')"
        ).fetchall()
    actual: dict[str, set[str]] = {}
    for schema, table, column in columns:
        actual.setdefault(f"{schema}.{table}", set()).add(column)
    assert documented == actual
