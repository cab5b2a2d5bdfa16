"""Monthly partitions, and the exact days of a run within them.

A partition is a month of reporting days: a three-year backfill is 36 partitions, not 1,096, so Dagster's
bookkeeping (one materialization event per partition and asset) stays small next to the data. The days a run
works on are exact all the same: `roi run`, the schedule and the sensor tag the run with its first and last day;
a month launched from the UI without them covers the month up to yesterday.
"""

from __future__ import annotations

import warnings
from datetime import date, datetime, timedelta, timezone

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from pipelines.config import RoiConfig
from pipelines.resources import DUCKDB_POOL

# A range of months is one run: one DuckDB writer, one transaction per table, not one run per month.
SINGLE_RUN = dg.BackfillPolicy.single_run()
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)

FIRST_DAY_TAG = "roi/first_day"
LAST_DAY_TAG = "roi/last_day"

# Who answers for the assets, shown in the UI.
OWNERS = ["team:marketing-analytics"]


def writer_settings(partitions: dg.PartitionsDefinition, group: str) -> dict:
    """What every asset writing the warehouse shares: its group, owners, monthly partitions run as one range, and
    the DuckDB writers' pool (one at a time)."""
    return dict(
        group_name=group, owners=OWNERS, partitions_def=partitions, backfill_policy=SINGLE_RUN, pool=DUCKDB_POOL
    )


def monthly_partitions(config: RoiConfig) -> dg.MonthlyPartitionsDefinition:
    """From the month of `history_start` to the current month (which fills day by day)."""
    return dg.MonthlyPartitionsDefinition(start_date=config.history_start.replace(day=1).isoformat(), end_offset=1)


def month_key(day: date) -> str:
    return day.replace(day=1).isoformat()


def run_tags(first: date, last: date) -> dict[str, str]:
    """Tags of a run over the days first..last: the months holding them, and the days themselves."""
    return {
        ASSET_PARTITION_RANGE_START_TAG: month_key(first),
        ASSET_PARTITION_RANGE_END_TAG: month_key(last),
        FIRST_DAY_TAG: first.isoformat(),
        LAST_DAY_TAG: last.isoformat(),
    }


def tagged_days(tags: dict[str, str]) -> tuple[date, date] | None:
    if FIRST_DAY_TAG in tags and LAST_DAY_TAG in tags:
        return date.fromisoformat(tags[FIRST_DAY_TAG]), date.fromisoformat(tags[LAST_DAY_TAG])
    return None


def run_days(context: dg.AssetExecutionContext) -> tuple[date, date]:
    """First and last day (inclusive) of the run: its tagged days, else its months up to yesterday (UTC)."""
    days = tagged_days(context.run.tags)
    if days is not None:
        return days
    window = context.partition_time_window
    yesterday = datetime.now(timezone.utc).date() - timedelta(days=1)
    return window.start.date(), min(window.end.date() - timedelta(days=1), yesterday)
