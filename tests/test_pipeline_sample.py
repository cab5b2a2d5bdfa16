"""End to end: the Dagster job on the bundled sample into a temporary DuckDB file, checked to the cent.

The expected figures come from the sample's own writer (expected.json) and from an independent Decimal computation
of the FX conversion and the ROI rollup, never from the warehouse itself.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_pipeline, touch

MICRO = Decimal("0.000001")
CENT = Decimal("0.01")


def ecb_rates(path: Path) -> dict[str, list[tuple[date, Decimal]]]:
    """The ECB file read with the csv module, oldest day first per currency."""
    rates: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        for row in reader:
            day = date.fromisoformat(row[0])
            rates["EUR"].append((day, Decimal(1)))
            for code, cell in zip(header[1:], row[1:]):
                if code and cell not in ("", "N/A"):
                    rates[code].append((day, Decimal(cell)))
    return {code: sorted(values) for code, values in rates.items()}


def rate_on(rates, currency: str, day: date) -> Decimal:
    earlier = [rate for rate_day, rate in rates[currency] if rate_day <= day]
    return earlier[-1]


def to_eur(rates, amount: Decimal, currency: str, day: date) -> Decimal:
    return (amount / rate_on(rates, currency, day)).quantize(CENT, rounding=ROUND_HALF_UP)


def final_deals(crm_folder: Path) -> dict[str, dict]:
    """CRM deals, a deal in a newer file replacing the older row."""
    deals: dict[str, dict] = {}
    for path in sorted(crm_folder.glob("*.csv"), key=lambda p: p.stat().st_mtime):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                deals[row["deal_id"]] = row
    return deals


@pytest.fixture
def september(sample):
    return run_pipeline(sample / "roi.toml")


def test_sample_month_loads_every_export_exactly(september, expected):
    assert september.result.success
    assert september.problems == []
    loaded = {
        (channel, account): (spend, impressions, clicks)
        for channel, account, spend, impressions, clicks in september.query(
            """SELECT channel, account_id, sum(spend_original), sum(impressions), sum(clicks)
               FROM marts.campaign_daily GROUP BY ALL"""
        )
    }
    for key, account in expected["accounts"].items():
        channel, account_id = key.split("/")
        assert loaded[(channel, account_id)] == (
            Decimal(account["spend"]), account["impressions"], account["clicks"]), key


def test_sample_month_roi_local_and_global_to_the_cent(september, sample, expected):
    rates = ecb_rates(sample / "data" / "fx" / "eurofxref-hist.csv")
    market_of = {(a["channel"], a["account_id"]): a["market"] for a in expected["accounts"].values()}
    campaign_account = {
        (a["channel"], campaign): a["account_id"] for a in expected["accounts"].values() for campaign in a["campaigns"]
    }
    spend: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for day, channel, account_id, currency, amount in september.query(
        "SELECT date, channel, account_id, currency, spend_original FROM marts.campaign_daily"
    ):
        spend[(market_of[(channel, account_id)], channel)] += to_eur(rates, amount, currency, day)
    revenue: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for deal in final_deals(sample / "data" / "exports" / "crm").values():
        account_id = campaign_account[(deal["channel"], deal["campaign_id"])]
        day = date.fromisoformat(deal["close_date"])
        revenue[(market_of[(deal["channel"], account_id)], deal["channel"])] += to_eur(
            rates, Decimal(deal["amount"]), deal["currency"], day)

    local = {
        (market, channel): (s, r, n, roi)
        for market, channel, s, r, n, roi in september.query(
            """SELECT market, channel, sum(spend), sum(revenue), sum(net_return),
                      marts.roi(sum(net_return), sum(spend)) FROM marts.roi_local GROUP BY ALL"""
        )
    }
    assert set(local) == set(spend)
    for key, (s, r, n, roi) in local.items():
        assert s == spend[key], key
        assert r == revenue[key], key
        assert n == revenue[key] - spend[key], key
        assert roi == (n / s).quantize(MICRO, rounding=ROUND_HALF_UP), key

    # Global: the sum of the local net returns over the total spend, per channel and for the company.
    by_channel = {
        channel: (s, n, roi)
        for channel, s, n, roi in september.query(
            """SELECT channel, sum(spend), sum(net_return), marts.roi(sum(net_return), sum(spend))
               FROM marts.roi_global GROUP BY channel"""
        )
    }
    for channel, (s, n, roi) in by_channel.items():
        assert s == sum(v for (m, c), v in spend.items() if c == channel)
        assert n == sum(local[k][2] for k in local if k[1] == channel)
        assert roi == (n / s).quantize(MICRO, rounding=ROUND_HALF_UP)
    company_net = sum(n for _, n, _ in by_channel.values())
    assert company_net == sum(revenue.values()) - sum(spend.values())
    # The article's finding holds in the sample: every local market beats the global campaigns.
    assert all(roi > 0 for (market, _), (_, _, _, roi) in local.items() if market != "GLOBAL")
    assert all(roi < 0 for (market, _), (_, _, _, roi) in local.items() if market == "GLOBAL")


def test_local_vs_global_compares_scopes_per_month(september):
    rows = september.query(
        """SELECT channel, local_ctr, global_ctr, ctr_uplift FROM marts.local_vs_global
           WHERE month = DATE '2026-09-01' ORDER BY channel"""
    )
    assert [row[0] for row in rows] == ["facebook", "linkedin", "twitter", "youtube"]
    for channel, local_ctr, global_ctr, uplift in rows:
        clicks_l, impressions_l, clicks_g, impressions_g = september.query(
            """SELECT sum(clicks) FILTER (scope = 'local'), sum(impressions) FILTER (scope = 'local'),
                      sum(clicks) FILTER (scope = 'global'), sum(impressions) FILTER (scope = 'global')
               FROM marts.campaign_daily WHERE channel = ?""",
            [channel],
        )[0]
        assert local_ctr == (Decimal(clicks_l) / impressions_l).quantize(MICRO, rounding=ROUND_HALF_UP)
        assert global_ctr == (Decimal(clicks_g) / impressions_g).quantize(MICRO, rounding=ROUND_HALF_UP)
        assert Decimal("0.30") < uplift < Decimal("0.40")  # the sample's local pages do ~35% better


TABLES = [
    "raw.linkedin_ads", "raw.twitter_ads", "raw.facebook_ads", "raw.youtube_ads", "raw.crm_deals", "raw.fx_rates",
    "staging.stg_ad_performance", "staging.stg_crm_revenue", "marts.campaign_daily", "marts.roi_local",
    "marts.roi_global", "marts.local_vs_global", "marts.unmatched_revenue",
]


def snapshot(run) -> dict[str, list[tuple]]:
    return {table: sorted(run.query(f"SELECT * FROM {table}"), key=repr) for table in TABLES}


def test_running_twice_changes_nothing(sample):
    first = run_pipeline(sample / "roi.toml")
    before = snapshot(first)
    second = run_pipeline(sample / "roi.toml")
    assert second.problems == []
    assert snapshot(second) == before
    assert all(len(rows) > 0 for table, rows in before.items() if table != "marts.unmatched_revenue")


def test_newer_export_wins_for_the_days_it_covers(sample, september):
    folder = sample / "data" / "exports" / "twitter" / "18ce54d4x5t"
    original = next(folder.glob("*.csv"))
    header = original.read_text(encoding="utf-8").splitlines()[0]
    restated = folder / "x_ads_restated_2026-10-05.csv"
    restated.write_text(
        header + "\nuk4p1,UK – restated,https://ads.x.com/c/uk4p1,2026-09-08,2026-08-18,2026-10-31,"
        "99.99,1000,40,20,30,20,4.0%,0,0\n",
        encoding="utf-8",
    )
    touch(restated, datetime(2026, 10, 5, 8, 0))
    rerun = run_pipeline(sample / "roi.toml", date(2026, 9, 1), date(2026, 9, 30))
    assert rerun.problems == []
    assert rerun.query(
        """SELECT spend_original, impressions, clicks, campaign_name FROM marts.campaign_daily
           WHERE channel = 'twitter' AND campaign_id = 'uk4p1' AND date = DATE '2026-09-08'"""
    ) == [(Decimal("99.99"), 1000, 30, "UK – restated")]
    unchanged_days = """SELECT date, campaign_id, spend_original FROM marts.campaign_daily
                        WHERE channel = 'twitter' AND date <> DATE '2026-09-08' ORDER BY 1, 2"""
    assert rerun.query(unchanged_days) == september.query(unchanged_days)

    # Restatement is by modification time, not by name: make the original the newest again and it wins.
    touch(original, datetime(2026, 10, 6, 8, 0))
    back = run_pipeline(sample / "roi.toml", date(2026, 9, 8), date(2026, 9, 8))
    assert back.query(
        """SELECT spend_original FROM marts.campaign_daily
           WHERE channel = 'twitter' AND campaign_id = 'uk4p1' AND date = DATE '2026-09-08'"""
    ) == september.query(
        """SELECT spend_original FROM marts.campaign_daily
           WHERE channel = 'twitter' AND campaign_id = 'uk4p1' AND date = DATE '2026-09-08'"""
    )


def test_newer_crm_file_replaces_a_deal(september, expected):
    replaced = expected["crm"]["replaced_deal"]
    assert september.query(
        "SELECT amount FROM staging.stg_crm_revenue WHERE deal_id = ?", [replaced["deal_id"]]
    ) == [(Decimal(replaced["new_amount"]),)]
    assert september.query("SELECT count(*) FROM staging.stg_crm_revenue")[0][0] == expected["crm"]["deals"]


def test_a_deal_moved_to_another_day_leaves_its_old_day(sample, september):
    deal_id, old_day, campaign, channel = september.query(
        """SELECT deal_id, close_date, campaign_id, channel FROM staging.stg_crm_revenue
           WHERE currency = 'EUR' ORDER BY deal_id LIMIT 1"""
    )[0]
    crm = sample / "data" / "exports" / "crm" / "deals_2026-10-20.csv"
    crm.write_text(
        f"deal_id,close_date,channel,campaign_id,amount,currency\n{deal_id},2026-09-29,{channel},{campaign},100.00,EUR\n",
        encoding="utf-8",
    )
    touch(crm, datetime(2026, 10, 20, 9, 0))
    revenue_on = """SELECT coalesce(sum(revenue), 0) FROM marts.campaign_daily
                    WHERE channel = ? AND campaign_id = ? AND date = ?"""
    old_revenue = september.query(revenue_on, [channel, campaign, old_day])[0][0]
    old_deal = september.query("SELECT amount FROM staging.stg_crm_revenue WHERE deal_id = ?", [deal_id])[0][0]

    # A daily run for the 29th only: the deal's old day is refreshed too.
    rerun = run_pipeline(sample / "roi.toml", date(2026, 9, 29), date(2026, 9, 29))
    assert rerun.problems == []
    assert rerun.query(revenue_on, [channel, campaign, old_day])[0][0] == old_revenue - old_deal
    assert rerun.query(
        """SELECT sum(revenue) FROM marts.campaign_daily WHERE channel = ? AND campaign_id = ?
           AND date = DATE '2026-09-29'""", [channel, campaign]
    )[0][0] >= Decimal("100")


def test_platform_revenue_source(sample):
    config = sample / "roi.toml"
    config.write_text(config.read_text().replace('revenue_source = "crm"', 'revenue_source = "platform"'))
    run = run_pipeline(config)
    assert run.problems == []
    rows = run.query(
        """SELECT count(*) FILTER (revenue <> coalesce(platform_revenue, 0)), sum(revenue),
                  sum(platform_revenue) FROM marts.campaign_daily"""
    )
    mismatched, revenue, platform = rows[0]
    assert mismatched == 0 and revenue == platform and revenue > 0


def test_revenue_on_a_day_without_delivery_gets_a_zero_spend_row(sample):
    crm = sample / "data" / "exports" / "crm" / "deals_2026-10-25.csv"
    crm.write_text(
        "deal_id,close_date,channel,campaign_id,amount,currency\nD-LATE,2026-10-03,linkedin,612346001,800.00,EUR\n",
        encoding="utf-8",
    )
    touch(crm, datetime(2026, 10, 25, 9, 0))
    run = run_pipeline(sample / "roi.toml", date(2026, 10, 3), date(2026, 10, 3))
    assert run.problems == []
    assert run.query(
        """SELECT account_id, market, scope, currency, spend_original, spend, impressions, revenue
           FROM marts.campaign_daily WHERE date = DATE '2026-10-03'"""
    ) == [("508765433", "NL", "local", "EUR", Decimal("0"), Decimal("0.00"), 0, Decimal("800.00"))]
    assert run.query("SELECT market, channel, spend, revenue, net_return, roi FROM marts.roi_local") == [
        ("NL", "linkedin", Decimal("0.00"), Decimal("800.00"), Decimal("800.00"), None)
    ]


def test_marts_are_published_for_analysts_and_as_parquet(sample):
    config = sample / "roi.toml"
    config.write_text(config.read_text().replace(
        'revenue_source = "crm"', 'revenue_source = "crm"\nparquet_dir = "data/parquet"'))
    run = run_pipeline(config)
    assert run.problems == []
    totals = "SELECT sum(spend), sum(revenue), count(*) FROM marts.campaign_daily"
    assert run.query_published(totals) == run.query(totals)
    assert run.query_published("SELECT count(*) FROM marts.roi_global") == run.query(
        "SELECT count(*) FROM marts.roi_global")
    parquet = sample / "data" / "parquet"
    assert sorted(path.name for path in parquet.iterdir()) == [
        "campaign_daily.parquet", "local_vs_global.parquet", "roi_global.parquet", "roi_local.parquet",
        "unmatched_revenue.parquet"]
    with duckdb.connect() as con:
        assert con.execute(
            "SELECT sum(spend), sum(revenue), count(*) FROM read_parquet(?)", [str(parquet / "campaign_daily.parquet")]
        ).fetchall() == run.query(totals)
        assert con.execute("SELECT typeof(spend) FROM read_parquet(?) LIMIT 1",
                           [str(parquet / "roi_local.parquet")]).fetchone() == ("DECIMAL(18,2)",)
