"""The daily schedule: every morning, one run for yesterday's partition."""

from __future__ import annotations

import dagster as dg

DAILY_HOUR = 6


def daily_schedule(job: dg.UnresolvedAssetJobDefinition) -> dg.ScheduleDefinition:
    return dg.build_schedule_from_partitioned_job(job, hour_of_day=DAILY_HOUR, name="roi_daily")
