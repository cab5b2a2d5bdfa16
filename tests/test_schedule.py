"""The daily schedule: one run per tick, over yesterday and the longest restatement window."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines.config import load_config
from pipelines.definitions import build_defs

RANGE = ("roi/first_day", "roi/last_day")
MONTHS = ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end")


def evaluate(config_path, tick: datetime):
    defs = build_defs(load_config(config_path))
    schedule = defs.resolve_schedule_def("roi_daily")
    with dg.instance_for_test() as instance:
        data = schedule.evaluate_tick(dg.build_schedule_context(instance=instance, scheduled_execution_time=tick))
    return schedule, data.run_requests


def with_settings(sample, extra_top: str = "", account_change: tuple[str, str] | None = None):
    config = sample / "roi.toml"
    text = config.read_text()
    if account_change:
        text = text.replace(*account_change, 1)
    head, accounts = text.split("[[accounts]]", 1)
    config.write_text(head + extra_top + "\n[[accounts]]" + accounts)
    return config


def test_one_run_over_yesterday_and_the_longest_window(sample):
    # A Meta account pulled from the API (28-day window) and a schedule at 07:00 Paris time.
    config = with_settings(
        sample, '[schedule]\nhour = 7\ntimezone = "Europe/Paris"\n',
        ('channel = "facebook"\naccount_id = "1234567890"\nmarket = "FR"\nscope = "local"\ncurrency = "EUR"',
         'channel = "facebook"\naccount_id = "1234567890"\nmarket = "FR"\nscope = "local"\ncurrency = "EUR"\n'
         'source = "api"'),
    )
    schedule, requests = evaluate(config, datetime(2026, 10, 5, 7, 0, tzinfo=ZoneInfo("Europe/Paris")))
    assert schedule.cron_schedule == "0 7 * * *" and schedule.execution_timezone == "Europe/Paris"
    [request] = requests
    assert (request.tags[RANGE[0]], request.tags[RANGE[1]]) == ("2026-09-06", "2026-10-04")
    # The run covers those days; Dagster sees the months that hold them.
    assert (request.tags[MONTHS[0]], request.tags[MONTHS[1]]) == ("2026-09-01", "2026-10-01")
    assert request.partition_key_range.start == "2026-09-01"


def test_csv_only_accounts_refresh_yesterday(sample):
    _, [request] = evaluate(sample / "roi.toml", datetime(2026, 10, 5, 6, 0, tzinfo=ZoneInfo("UTC")))
    assert (request.tags[RANGE[0]], request.tags[RANGE[1]]) == ("2026-10-04", "2026-10-04")
    assert request.run_key == "daily-2026-10-04"


def test_the_window_never_starts_before_history(sample):
    config = with_settings(sample, account_change=('scope = "local"\ncurrency = "EUR"\n',
                                                       'scope = "local"\ncurrency = "EUR"\nlookback_days = 400\n'))
    _, [request] = evaluate(config, datetime(2026, 2, 2, 6, 0, tzinfo=ZoneInfo("UTC")))
    assert (request.tags[RANGE[0]], request.tags[RANGE[1]]) == ("2026-01-01", "2026-02-01")
