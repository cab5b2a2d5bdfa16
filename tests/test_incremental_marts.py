"""Incremental maintenance equals a build from scratch: after inputs change (a restated and renamed campaign moved
to another account, a CRM deal moved to a day outside the run, a deleted export, an older warehouse's schema), a
daily run leaves staging and the marts exactly as a fresh warehouse built from the same inputs."""

from __future__ import annotations

import csv
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb

from tests.conftest import run_pipeline, touch

SEPTEMBER = (date(2026, 9, 1), date(2026, 9, 30))
DAILY = (date(2026, 9, 29), date(2026, 9, 30))  # a daily run: none of the days changed below but the 30th
UK, GLOBAL = "18ce54d4x5t", "18ce54gl0b1"  # the sample's two X accounts
GAP_DAY = date(2026, 9, 11)  # X campaign uk4p1 delivered nothing that day

COMPARED = [
    "staging.stg_ad_performance", "staging.stg_crm_revenue", "staging.campaigns", "marts.campaign_daily",
    "marts.roi_local", "marts.roi_global", "marts.local_vs_global", "marts.unmatched_revenue",
    "marts.contact_frequency", "marts.engagement_trend",
]


def contents(database: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {table: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in COMPARED}


def fresh_build(sample: Path, tmp_path: Path) -> dict[str, list[tuple]]:
    """The same inputs (files and their modification times) into a new warehouse, all of September at once."""
    fresh = tmp_path / "fresh"
    shutil.copytree(sample, fresh, ignore=shutil.ignore_patterns("roi.duckdb*", ".roi-work", "reports"))
    run = run_pipeline(fresh / "roi.toml", *SEPTEMBER)
    assert run.problems == []
    return contents(run.config.working_database)


def write_crm(sample: Path, name: str, rows: list[str], moment: datetime) -> None:
    path = sample / "data" / "exports" / "crm" / name
    path.write_text("deal_id,close_date,channel,campaign_id,amount,currency\n" + "".join(f"{row}\n" for row in rows),
                    encoding="utf-8")  # fmt: skip
    touch(path, moment)


def write_x_export(sample: Path, account: str, name: str, rows: list[str], moment: datetime) -> None:
    folder = sample / "data" / "exports" / "twitter" / account
    header = next((sample / "data" / "exports" / "twitter" / UK).glob("*.csv")).read_text(encoding="utf-8")
    path = folder / name
    path.write_text(header.splitlines()[0] + "\n" + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    touch(path, moment)


def x_row(campaign: str, name: str, day: date, spend: str) -> str:
    return f"{campaign},{name},https://ads.x.com/c/{campaign},{day},2026-08-18,2026-10-31,{spend},1000,40,20,30,20,4.0%,1,10"


def a_deal_to_move(sample: Path) -> dict:
    """A deal of the older CRM file that the newer one does not restate."""
    files = sorted((sample / "data" / "exports" / "crm").glob("*.csv"), key=lambda p: p.stat().st_mtime)
    restated = {row["deal_id"] for row in csv.DictReader(files[-1].open(encoding="utf-8"))}
    return next(row for row in csv.DictReader(files[0].open(encoding="utf-8")) if row["deal_id"] not in restated
                and row["close_date"] != "2026-09-10")  # fmt: skip


def test_a_daily_run_after_restatements_equals_a_fresh_build(sample, tmp_path):
    write_crm(sample, "deals_2026-10-03.csv", [f"D-GAP,{GAP_DAY},twitter,uk4p1,500.00,EUR"], datetime(2026, 10, 3, 9))
    first = run_pipeline(sample / "roi.toml", *SEPTEMBER)
    assert first.problems == []
    assert first.query("SELECT account_id FROM marts.campaign_daily WHERE date = ? AND campaign_id = 'uk4p1'",
                       [GAP_DAY]) == [(UK,)]  # fmt: skip

    # Campaign uk4p1 restated on its last day in the global account under a new name; a deal moved to the 10th.
    write_x_export(sample, GLOBAL, "x_moved_2026-10-04.csv", [x_row("uk4p1", "UK – now global", date(2026, 9, 30), "12.34")],
                   datetime(2026, 10, 4, 8))  # fmt: skip
    moved = a_deal_to_move(sample)
    write_crm(sample, "deals_2026-10-05.csv",
              [f"{moved['deal_id']},2026-09-10,{moved['channel']},{moved['campaign_id']},321.09,{moved['currency']}"],
              datetime(2026, 10, 5, 9))  # fmt: skip
    daily = run_pipeline(sample / "roi.toml", *DAILY)
    assert daily.problems == []

    incremental = contents(daily.config.working_database)
    campaign = [row for row in incremental["staging.campaigns"] if row[1] == "uk4p1"]
    assert [row[2:5] for row in campaign] == [(GLOBAL, "UK – now global", "USD")]
    # The deal on a day without delivery follows its campaign's account, though its day was not in the run.
    gap = [row for row in incremental["marts.campaign_daily"] if row[0] == GAP_DAY and row[3] == "uk4p1"]
    assert [(row[2], row[5]) for row in gap] == [(GLOBAL, "GLOBAL")]
    assert incremental == fresh_build(sample, tmp_path)


def test_a_deleted_export_takes_its_campaigns_in_a_daily_run(sample, tmp_path):
    write_crm(sample, "deals_2026-10-03.csv", [f"D-GAP,{GAP_DAY},twitter,uk4p2,500.00,EUR"], datetime(2026, 10, 3, 9))
    write_x_export(sample, UK, "x_later_2026-10-02.csv", [x_row("uk4p2", "UK – later", date(2026, 9, 30), "5.00")],
                   datetime(2026, 10, 2, 8))  # fmt: skip
    assert run_pipeline(sample / "roi.toml", *SEPTEMBER).problems == []

    # Its latest day gone, uk4p2 falls back to the main export's days and name.
    (sample / "data" / "exports" / "twitter" / UK / "x_later_2026-10-02.csv").unlink()
    daily = run_pipeline(sample / "roi.toml", *DAILY)
    assert daily.problems == []
    incremental = contents(daily.config.working_database)
    assert [row[3] for row in incremental["staging.campaigns"] if row[1] == "uk4p2"] == ["UK – Cloud migration guide"]
    assert incremental == fresh_build(sample, tmp_path)


# What a warehouse of the version before staging.campaigns was a table holds: the view, and the copy of the CRM
# deals the marts last applied.
OLD_CAMPAIGNS_VIEW = "CREATE VIEW staging.campaigns AS " + " UNION ALL ".join(
    f"""SELECT '{channel}' AS channel, campaign_id, arg_max(account_id, date) AS account_id,
               arg_max(campaign_name, date) AS campaign_name, arg_max(currency, date) AS currency
        FROM raw.{channel}_ads GROUP BY campaign_id"""
    for channel in ("linkedin", "twitter", "facebook", "youtube")
)


def test_an_older_warehouse_migrates_from_the_campaigns_view(sample, tmp_path):
    first = run_pipeline(sample / "roi.toml", *SEPTEMBER)
    assert first.problems == []
    with duckdb.connect(str(first.config.working_database)) as con:
        con.execute("DROP TABLE staging.campaigns")
        con.execute("DROP TABLE staging.crm_files_staged")
        con.execute(OLD_CAMPAIGNS_VIEW)
        con.execute("""CREATE TABLE staging.crm_revenue_applied AS
                       SELECT deal_id, close_date, channel, campaign_id, amount, currency FROM staging.stg_crm_revenue""")
        # A deal changed in staging that the marts had not applied yet (their refresh failed): its day is pending.
        con.execute("UPDATE staging.crm_revenue_applied SET amount = amount + 1 WHERE close_date = DATE '2026-09-12'")
        con.execute("UPDATE marts.campaign_daily SET revenue = revenue + 1 WHERE date = DATE '2026-09-12' AND revenue > 0")
        # Columns added since: which rows are keyed by name, why a deal is unmatched.
        for channel in ("linkedin", "twitter", "facebook", "youtube"):
            con.execute(f"ALTER TABLE raw.{channel}_ads DROP COLUMN keyed_by_name")
        con.execute("ALTER TABLE marts.unmatched_revenue DROP COLUMN reason")
        con.execute("UPDATE raw.schema_version SET version = 'older'")
    daily = run_pipeline(sample / "roi.toml", *DAILY)
    assert daily.problems == []
    with duckdb.connect(str(daily.config.working_database), read_only=True) as con:
        assert con.execute("SELECT table_type FROM information_schema.tables WHERE table_schema = 'staging' "
                           "AND table_name IN ('campaigns', 'crm_revenue_applied')").fetchall() == [("BASE TABLE",)]  # fmt: skip
    assert contents(daily.config.working_database) == fresh_build(sample, tmp_path)
