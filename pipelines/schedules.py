"""The daily schedule: every morning, one run over yesterday and the restatement window before it."""

from datetime import date, datetime, timedelta

import dagster as dg

from connectors.api_clients import LOOKBACK_DAYS
from pipelines.config import RoiConfig
from pipelines.partitions import run_tags

SCHEDULE_NAME = "roi_daily"


def restatement_window(config: RoiConfig) -> int:
    """The longest restatement window of the accounts: an API account's own or its platform's; a CSV account's
    only if the config sets one (new exports mark their own days as changed)."""
    windows = [
        account.lookback_days if account.lookback_days is not None
        else LOOKBACK_DAYS[account.channel] if account.source == "api" else 0
        for account in config.accounts
    ]
    return max(windows, default=0)


def daily_days(config: RoiConfig, tick: datetime) -> tuple[date, date]:
    """First and last day of the run a tick starts: yesterday (in the schedule's timezone) and the window."""
    yesterday = tick.date() - timedelta(days=1)
    first = max(config.history_start, yesterday - timedelta(days=restatement_window(config)))
    return first, yesterday


def daily_schedule(job, config: RoiConfig) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=SCHEDULE_NAME,
        job=job,
        cron_schedule=f"0 {config.schedule.hour} * * *",
        execution_timezone=config.schedule.timezone,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="Every morning: yesterday plus the restatement window, as one run over that range of days.",
    )
    def roi_daily(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        """Numbers for yesterday, and the days the platforms may still have restated, refreshed before work."""
        first, last = daily_days(config, context.scheduled_execution_time)
        return dg.RunRequest(
            run_key=f"daily-{last}",
            tags=run_tags(first, last),
        )

    return roi_daily
