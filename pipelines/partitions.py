"""Daily partitions: one per reporting day; a run over a range of days is a single run (one DuckDB writer)."""

from __future__ import annotations

import warnings
from datetime import date

import dagster as dg

from pipelines.config import RoiConfig

# A range of days is one run: one DuckDB writer, one transaction per table, not one run per day.
SINGLE_RUN = dg.BackfillPolicy.single_run()
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)


def daily_partitions(config: RoiConfig) -> dg.DailyPartitionsDefinition:
    return dg.DailyPartitionsDefinition(start_date=config.history_start.isoformat())


def partition_days(context: dg.AssetExecutionContext) -> tuple[date, date]:
    """First and last day (inclusive) of the run's partition range."""
    keys = context.partition_key_range
    return date.fromisoformat(keys.start), date.fromisoformat(keys.end)
