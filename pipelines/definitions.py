"""The Dagster definitions, loaded by workspace.yaml (`dg dev -w workspace.yaml`) and by the `roi` command."""

from __future__ import annotations

import dagster as dg

from pipelines.assets.marts import build_mart_assets
from pipelines.assets.organic import build_organic_assets
from pipelines.assets.published import build_published_assets
from pipelines.assets.raw import build_raw_assets
from pipelines.assets.staging import build_staging_assets
from pipelines.config import RoiConfig, load_config
from pipelines.partitions import monthly_partitions
from pipelines.resources import build_resources
from pipelines.schedules import daily_schedule
from pipelines.sensors import build_exports_sensor

JOB_NAME = "roi_pipeline"


def build_defs(config: RoiConfig, resources: dict | None = None) -> dg.Definitions:
    """The definitions for a config; `resources` replaces some (tests give the API a fake clock)."""
    partitions = monthly_partitions(config)
    assets = [
        *build_raw_assets(partitions),
        *build_organic_assets(partitions),
        *build_staging_assets(partitions),
        *build_mart_assets(partitions, config.freshness_days),
        *build_published_assets(partitions),
    ]
    job = dg.define_asset_job(
        JOB_NAME,
        selection=dg.AssetSelection.all(),
        description="Load the exports and rates, resolve overlaps, refresh the ROI marts for a range of days.",
    )
    return dg.Definitions(
        assets=assets,
        jobs=[job],
        schedules=[daily_schedule(job, config)],
        sensors=[build_exports_sensor(config, job)],
        resources={**build_resources(config), **(resources or {})},
        # One process: DuckDB takes one writer, and a run starts in a second instead of one process per step.
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_defs(load_config())
