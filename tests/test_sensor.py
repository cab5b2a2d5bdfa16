"""The drop-folder sensor on real files: new, unchanged, changed, half-written, unreadable and out-of-range exports."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import pytest

from pipelines import sensors
from pipelines.config import load_config
from pipelines.definitions import JOB_NAME, build_defs
from pipelines.partitions import FIRST_DAY_TAG, LAST_DAY_TAG
from warehouse.exports import SETTLE_SECONDS
from tests.conftest import touch

NOW = datetime(2026, 10, 5, 12, 0)  # UTC; the last complete day is 4 October
LINKEDIN_FIRST = "linkedin/508765432/campaign_performance_report_2026-09-16.csv"
CRM_HEADER = "deal_id,close_date,channel,campaign_id,amount,currency\n"


def deals(*days: str) -> str:
    return CRM_HEADER + "".join(f"D-{n},{day},linkedin,612346001,100.00,EUR\n" for n, day in enumerate(days))


class DropFolder:
    """The sample's exports folder, the sensor as the definitions wire it, its cursor, and a clock the test moves."""

    def __init__(self, sample: Path, monkeypatch: pytest.MonkeyPatch):
        self.config = load_config(sample / "roi.toml")
        self.now = NOW
        monkeypatch.setattr(sensors, "now", lambda: self.now.replace(tzinfo=timezone.utc))
        self.defs = build_defs(self.config)
        self.sensor = self.defs.resolve_sensor_def("new_exports")
        self.cursor: str | None = None

    def tick(self) -> dict[str, tuple[str, str]]:
        """One evaluation; the requested runs as {trigger file: (first day, last day)}."""
        context = dg.build_sensor_context(cursor=self.cursor, definitions=self.defs)
        data = self.sensor.evaluate_tick(context)
        self.cursor = data.cursor
        runs = {}
        for request in data.run_requests:
            tags = request.tags
            days = (tags[FIRST_DAY_TAG], tags[LAST_DAY_TAG])
            assert request.partition_key_range.start == days[0][:8] + "01"  # the month holding the days
            runs[tags["roi/trigger_file"]] = days
            assert request.run_key.startswith(tags["roi/trigger_file"] + "@") and request.job_name in (None, JOB_NAME)
        return runs

    def drop(self, relative: str, text: str, modified: datetime) -> Path:
        path = self.config.exports_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        touch(path, modified)
        return path

    def in_cursor(self) -> set[str]:
        return set(json.loads(self.cursor))


@pytest.fixture
def folder(sample, monkeypatch) -> DropFolder:
    return DropFolder(sample, monkeypatch)


@pytest.fixture
def settled(folder) -> DropFolder:
    """The sample already seen by a first tick."""
    assert len(folder.tick()) == 24
    return folder


def test_new_files_each_request_one_run_for_their_days(folder):
    runs = folder.tick()
    assert len(runs) == 24  # every export of the sample: paid, organic posts, CRM
    posts = [path for path in runs if "_posts/" in path]
    assert len(posts) == 10 and all(runs[path][0] >= "2026-08-31" for path in posts)
    assert runs[LINKEDIN_FIRST] == ("2026-09-01", "2026-09-15")
    assert runs["linkedin/508765432/campaign_performance_report_2026-10-01.csv"] == ("2026-09-10", "2026-09-30")
    assert runs["facebook/1234567890/Acme-France-Campaigns-1-Sep-2026-15-Sep-2026_2026-09-16.csv"] == (
        "2026-09-01", "2026-09-15")
    assert runs["crm/deals_2026-09-20.csv"] == ("2026-09-01", "2026-09-18")
    stamp, size = json.loads(folder.cursor)[LINKEDIN_FIRST]
    path = folder.config.exports_dir / LINKEDIN_FIRST
    assert (stamp, size) == ("2026-09-16T09:15:00", path.stat().st_size)


def test_unchanged_files_request_nothing(settled):
    cursor = settled.cursor
    settled.now += timedelta(hours=1)
    assert settled.tick() == {}
    assert settled.cursor == cursor


def test_a_changed_file_requests_a_run_for_its_new_days(settled):
    settled.drop("crm/deals_2026-09-20.csv", deals("2026-09-03", "2026-09-25"), NOW - timedelta(minutes=5))
    assert settled.tick() == {"crm/deals_2026-09-20.csv": ("2026-09-03", "2026-09-25")}
    assert settled.tick() == {}
    # Same content and size, only a newer modification time: a new version, so a new run (with a new run key).
    touch(settled.config.exports_dir / "crm/deals_2026-09-20.csv", NOW - timedelta(minutes=2))
    assert settled.tick() == {"crm/deals_2026-09-20.csv": ("2026-09-03", "2026-09-25")}


def test_a_file_still_being_written_waits_until_it_settles(settled):
    relative = "crm/deals_2026-10-05.csv"
    settled.drop(relative, deals("2026-09-30", "2026-10-01"), NOW - timedelta(seconds=SETTLE_SECONDS - 1))
    assert settled.tick() == {}
    assert relative not in settled.in_cursor()
    # More rows are appended: the file is written again and still too fresh.
    settled.now += timedelta(seconds=30)
    settled.drop(relative, deals("2026-09-30", "2026-10-01", "2026-10-04"), settled.now - timedelta(seconds=5))
    assert settled.tick() == {}
    settled.now += timedelta(seconds=SETTLE_SECONDS)
    assert settled.tick() == {relative: ("2026-09-30", "2026-10-04")}
    assert relative in settled.in_cursor()


def test_a_known_file_being_rewritten_keeps_its_last_settled_version(settled):
    relative = "crm/deals_2026-10-02.csv"
    before = json.loads(settled.cursor)[relative]
    settled.drop(relative, deals("2026-09-12"), NOW - timedelta(seconds=10))
    assert settled.tick() == {}
    assert json.loads(settled.cursor)[relative] == before
    settled.now += timedelta(minutes=1)
    assert settled.tick() == {relative: ("2026-09-12", "2026-09-12")}


def test_an_unreadable_or_empty_file_is_reported_once_and_not_retried(settled, capfd):
    broken = "linkedin/508765432/notes.csv"
    settled.drop(broken, "these are not,the columns\nof any,export\n", NOW - timedelta(hours=1))
    settled.drop("crm/deals_empty.csv", CRM_HEADER, NOW - timedelta(hours=1))
    capfd.readouterr()
    assert settled.tick() == {}
    assert {broken, "crm/deals_empty.csv"} <= settled.in_cursor()
    log = capfd.readouterr().err  # the sensor's context.log, as the daemon would show it
    assert f"WARNING - no run for {broken}: no LinkedIn Campaign Manager header row" in log, log
    assert "WARNING - no run for crm/deals_empty.csv: no data rows" in log, log
    settled.now += timedelta(hours=1)
    assert settled.tick() == {}
    assert "WARNING" not in capfd.readouterr().err


def test_days_outside_the_history_are_clipped(settled):
    settled.drop("crm/straddles.csv", deals("2025-12-30", "2026-01-02", "2026-10-04", "2026-10-06"), NOW)
    settled.drop("crm/future.csv", deals("2026-10-05", "2026-10-09"), NOW)
    settled.drop("crm/too_old.csv", deals("2025-06-01", "2025-12-31"), NOW)
    settled.now += timedelta(minutes=2)
    assert settled.tick() == {"crm/straddles.csv": ("2026-01-01", "2026-10-04")}
    assert {"crm/future.csv", "crm/too_old.csv"} <= settled.in_cursor()
    assert settled.tick() == {}


def test_a_deleted_file_leaves_the_cursor(settled):
    (settled.config.exports_dir / LINKEDIN_FIRST).unlink()
    assert settled.tick() == {}
    assert LINKEDIN_FIRST not in settled.in_cursor() and len(settled.in_cursor()) == 23


def test_the_sensor_targets_the_job_and_is_off_until_turned_on(folder):
    assert folder.sensor.name == "new_exports" and folder.sensor.job_name == JOB_NAME
    assert folder.sensor.default_status == dg.DefaultSensorStatus.STOPPED
    assert folder.sensor.minimum_interval_seconds == 30 and "exports folder" in folder.sensor.description
