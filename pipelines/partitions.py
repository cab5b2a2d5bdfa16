"""Daily partitions: one per reporting day; a run over a range of days is a single run (one DuckDB writer)."""

from __future__ import annotations

import warnings
from datetime import date

import dagster as dg

from pipelines.config import RoiConfig
from pipelines.resources import DUCKDB_POOL

# A range of days is one run: one DuckDB writer, one transaction per table, not one run per day.
SINGLE_RUN = dg.BackfillPolicy.single_run()
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)


# Who answers for the assets, shown in the UI.
OWNERS = ["team:marketing-analytics"]


def writer_settings(partitions: dg.PartitionsDefinition, group: str) -> dict:
    """What every asset writing the warehouse shares: its group, owners, daily partitions run as one range, and
    the DuckDB writers' pool (one at a time)."""
    return dict(
        group_name=group, owners=OWNERS, partitions_def=partitions, backfill_policy=SINGLE_RUN, pool=DUCKDB_POOL
    )


def daily_partitions(config: RoiConfig) -> dg.DailyPartitionsDefinition:
    return dg.DailyPartitionsDefinition(start_date=config.history_start.isoformat())


def partition_days(context: dg.AssetExecutionContext) -> tuple[date, date]:
    """First and last day (inclusive) of the run's partition range."""
    keys = context.partition_key_range
    return date.fromisoformat(keys.start), date.fromisoformat(keys.end)
