"""Default downloads load: an ads export without a campaign ID column (Meta's default columns) is keyed by campaign
name within its account, takes the ID another file or an API pull of the account gives that name, and is never
counted twice beside it; CRM deals may name their campaign; `roi status` lists the campaigns keyed by name.

Real Dagster runs into real DuckDB files, on the bundled sample plus Meta exports written byte for byte as Ads
Manager writes them (UTF-8 with a BOM, commas, LF), and on the fake Meta API on loopback.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import dagster as dg

from pipelines.config import load_config
from pipelines.runs import materialize_days, run_problems
from tests.conftest import REPO, PipelineRun, load_script, run_pipeline, settle_exports, touch
from tests.fakes.clock import FakeClock
from tests.fakes.data import CampaignDay
from tests.fakes.fixtures import fake_platforms  # noqa: F401
from tests.test_api_pipeline import api_resource
from tests.test_incremental_marts import contents, fresh_build

SEPTEMBER = (date(2026, 9, 1), date(2026, 9, 30))
DAILY = (date(2026, 9, 29), date(2026, 9, 30))
GLOBAL, US = "3456789012", "2345678901"  # the sample's global (EUR) and US (USD) Meta accounts
RENTREE = "Global – Rentrée awareness"
RENTREE_ID = "120210000000003009"
BRAND, BRAND_ID = "Global – Brand awareness", "120210000000003001"  # a campaign of the sample's global export
BOM = b"\xef\xbb\xbf"

# Ads Manager's "Performance and clicks" columns with Breakdown > By time > Day: no `Campaign ID`.
PERFORMANCE_AND_CLICKS = [
    "Reporting starts", "Reporting ends", "Campaign name", "Campaign delivery", "Attribution setting", "Results",
    "Result indicator", "Reach", "Frequency", "Cost per results", "Amount spent ({currency})", "Impressions",
    "CPM (cost per 1,000 impressions) ({currency})", "Link clicks", "CPC (cost per link click) ({currency})",
    "CTR (link click-through rate)", "Clicks (all)", "CTR (all)", "CPC (all) ({currency})", "Ends",
]  # fmt: skip


@dataclass(frozen=True)
class MetaDay:
    day: date
    name: str
    spend: Decimal
    impressions: int
    link_clicks: int
    results: int  # purchases; 0 leaves Results blank, as Meta does


def ratio(numerator, denominator) -> str:
    return f"{Decimal(numerator) / Decimal(denominator):.6f}"


def meta_default_export(rows: list[MetaDay], currency: str = "EUR") -> bytes:
    """The export as Ads Manager writes it: UTF-8 with a BOM, commas, quotes only where a cell holds a comma."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([header.format(currency=currency) for header in PERFORMANCE_AND_CLICKS])
    for row in rows:
        reach, clicks_all = row.impressions * 86 // 100, row.link_clicks * 135 // 100
        writer.writerow([
            row.day, row.day, row.name, "active", "7-day click or 1-day view", row.results or "",
            "actions:offsite_conversion.fb_pixel_purchase" if row.results else "", reach,
            ratio(row.impressions, reach), ratio(row.spend, row.results) if row.results else "", row.spend,
            row.impressions, ratio(row.spend * 1000, row.impressions), row.link_clicks,
            ratio(row.spend, row.link_clicks), ratio(row.link_clicks * 100, row.impressions), clicks_all,
            ratio(clicks_all * 100, row.impressions), ratio(row.spend, clicks_all), "Ongoing",
        ])  # fmt: skip
    return BOM + text.getvalue().encode("utf-8")


def rentree_by_name(days: range) -> list[MetaDay]:
    return [MetaDay(date(2026, 9, n), RENTREE, Decimal(f"{40 + n}.{n:02d}"), 5000 + 10 * n, 50 + n, n % 3)
            for n in days]  # fmt: skip


def rentree_with_id(days: range) -> list:
    exportgen = load_script("bench/exportgen.py")
    return [exportgen.AdRow(date(2026, 9, n), RENTREE_ID, RENTREE, "EUR", Decimal(f"{100 + n}.50"), 9000 + n, 90 + n,
                            Decimal(n % 2), None) for n in days]  # fmt: skip


def write_default_export(sample: Path, account: str, name: str, rows: list[MetaDay], moment: datetime,
                         currency: str = "EUR") -> Path:  # fmt: skip
    path = sample / "data" / "exports" / "facebook" / account / name
    path.write_bytes(meta_default_export(rows, currency))
    touch(path, moment)
    return path


def write_id_export(sample: Path, name: str, rows: list, moment: datetime) -> Path:
    path = sample / "data" / "exports" / "facebook" / GLOBAL / name
    load_script("bench/exportgen.py").write_facebook(path, rows)
    touch(path, moment)
    return path


CAMPAIGN = """SELECT date, campaign_id, campaign_name, spend_original, spend, impressions, clicks, conversions
              FROM marts.campaign_daily WHERE channel = 'facebook' AND campaign_name = ? ORDER BY date"""


def from_name_file(row: MetaDay, campaign_id: str) -> tuple:
    conversions = Decimal(row.results) if row.results else None
    return (row.day, campaign_id, row.name, row.spend, row.spend, row.impressions, row.link_clicks, conversions)


def from_id_file(row) -> tuple:
    return (row.day, row.campaign_id, row.campaign_name, row.spend, row.spend, row.impressions, row.clicks,
            row.conversions)  # fmt: skip


def test_a_default_meta_export_loads_keyed_by_name_with_exact_numbers(sample):
    rows = rentree_by_name(range(1, 15))
    write_default_export(sample, GLOBAL, "Acme-Global-Campaigns-1-Sep-2026-14-Sep-2026.csv", rows,
                         datetime(2026, 10, 2, 8))  # fmt: skip
    run = run_pipeline(sample / "roi.toml", *SEPTEMBER)
    assert run.problems == []
    key = f"name:{GLOBAL}:{RENTREE}"
    assert run.query(CAMPAIGN, [RENTREE]) == [from_name_file(row, key) for row in rows]
    assert run.query("SELECT account_id, market, scope, currency FROM marts.campaign_daily WHERE campaign_id = ? "
                     "GROUP BY ALL", [key]) == [(GLOBAL, "GLOBAL", "global", "EUR")]  # fmt: skip


def test_a_later_export_with_ids_takes_the_rows_keyed_by_name_without_counting_a_day_twice(sample, tmp_path):
    by_name = rentree_by_name(range(1, 15))
    name_file = write_default_export(sample, GLOBAL, "Acme-Global-Campaigns-1-Sep-2026-14-Sep-2026.csv", by_name,
                                     datetime(2026, 10, 2, 8))  # fmt: skip
    assert run_pipeline(sample / "roi.toml", *SEPTEMBER).problems == []

    # Downloaded the next day with the Campaign ID column, over the 10th..20th: the newest download wins each day.
    with_id = rentree_with_id(range(10, 21))
    write_id_export(sample, "Acme-Global-Campaigns-10-Sep-2026-20-Sep-2026.csv", with_id, datetime(2026, 10, 3, 8))
    daily = run_pipeline(sample / "roi.toml", *DAILY)
    assert daily.problems == []
    expected = [from_name_file(row, RENTREE_ID) for row in by_name[:9]] + [from_id_file(row) for row in with_id]
    assert daily.query(CAMPAIGN, [RENTREE]) == expected
    assert daily.query("SELECT count(*) FROM marts.campaign_daily WHERE campaign_id LIKE 'name:%'") == [(0,)]
    assert daily.query("SELECT sum(spend) FROM marts.campaign_daily WHERE campaign_id = ?", [RENTREE_ID]) == [
        (sum(row.spend for row in by_name[:9]) + sum(row.spend for row in with_id),)]
    assert contents(daily.config.working_database) == fresh_build(sample, tmp_path / "first")

    # The default export downloaded again later: its days win back, already under the ID.
    touch(name_file, datetime(2026, 10, 4, 8))
    again = run_pipeline(sample / "roi.toml", *DAILY)
    assert again.problems == []
    assert again.query(CAMPAIGN, [RENTREE]) == (
        [from_name_file(row, RENTREE_ID) for row in by_name] + [from_id_file(row) for row in with_id[5:]])
    assert contents(again.config.working_database) == fresh_build(sample, tmp_path / "again")

    # The export with IDs deleted: the rows it keyed fall back to the name.
    (sample / "data" / "exports" / "facebook" / GLOBAL / "Acme-Global-Campaigns-10-Sep-2026-20-Sep-2026.csv").unlink()
    gone = run_pipeline(sample / "roi.toml", *DAILY)
    assert gone.problems == []
    assert gone.query(CAMPAIGN, [RENTREE]) == [from_name_file(row, f"name:{GLOBAL}:{RENTREE}") for row in by_name]
    assert contents(gone.config.working_database) == fresh_build(sample, tmp_path / "gone")


def test_a_name_known_to_another_file_of_the_account_takes_its_id_at_once(sample):
    brand = [MetaDay(date(2026, 9, n), BRAND, Decimal("1.00"), 100, 1, 0) for n in (1, 2)]
    # Older than the sample's export of that account (2026-10-01): the days keep its numbers, once.
    write_default_export(sample, GLOBAL, "Acme-Global-old.csv", brand, datetime(2026, 9, 3, 8))
    run = run_pipeline(sample / "roi.toml", *SEPTEMBER)
    assert run.problems == []
    assert run.query("SELECT DISTINCT campaign_id FROM raw.facebook_ads WHERE keyed_by_name") == [(BRAND_ID,)]
    export = next((sample / "data" / "exports" / "facebook" / GLOBAL).glob("Acme-Global-Campaigns-*.csv"))
    newest = [(date.fromisoformat(row["Reporting starts"]), BRAND_ID, Decimal(row["Amount spent (EUR)"]))
              for row in csv.DictReader(export.open(encoding="utf-8-sig"))
              if row["Campaign name"] == BRAND and row["Reporting starts"] <= "2026-09-02"]  # fmt: skip
    assert len(newest) == 2
    assert run.query("SELECT date, campaign_id, spend_original FROM marts.campaign_daily WHERE campaign_name = ? "
                     "AND date <= ? ORDER BY date", [BRAND, date(2026, 9, 2)]) == newest  # fmt: skip


CRM_HEADER = "deal_id,close_date,channel,campaign_id,amount,currency\n"


def test_crm_deals_may_name_their_campaign_and_an_ambiguous_name_matches_none(sample):
    write_default_export(sample, GLOBAL, "Acme-Global-Campaigns-1-Sep-2026-14-Sep-2026.csv",
                         rentree_by_name(range(1, 15)), datetime(2026, 10, 2, 8))  # fmt: skip
    retargeting = "Retargeting – site visitors"  # a name of two accounts' campaigns
    write_default_export(sample, GLOBAL, "Acme-Global-Retargeting.csv",
                         [MetaDay(date(2026, 9, 5), retargeting, Decimal("10.00"), 1000, 10, 0)], datetime(2026, 10, 2))
    write_default_export(sample, US, "Acme-US-Retargeting.csv",
                         [MetaDay(date(2026, 9, 5), retargeting, Decimal("12.00"), 1200, 12, 0)], datetime(2026, 10, 2),
                         currency="USD")  # fmt: skip
    crm_files = sorted((sample / "data" / "exports" / "crm").glob("*.csv"))
    assert not [line for path in crm_files for line in path.read_text(encoding="utf-8").splitlines()
                if f"2026-09-04,facebook,{BRAND_ID}," in line]  # fmt: skip
    deals = sample / "data" / "exports" / "crm" / "deals_2026-10-05.csv"
    deals.write_text(CRM_HEADER + f"D-N1,2026-09-03,facebook,{RENTREE},1000.00,EUR\n"
                     f"D-N2,2026-09-04,facebook,{BRAND},500.00,EUR\n"
                     f"D-N3,2026-09-05,facebook,{retargeting},300.00,EUR\n", encoding="utf-8")  # fmt: skip
    touch(deals, datetime(2026, 10, 5, 9))
    run = run_pipeline(sample / "roi.toml", *SEPTEMBER)

    revenue = "SELECT revenue FROM marts.campaign_daily WHERE date = ? AND campaign_id = ?"
    assert run.query(revenue, [date(2026, 9, 3), f"name:{GLOBAL}:{RENTREE}"]) == [(Decimal("1000.00"),)]
    assert run.query(revenue, [date(2026, 9, 4), BRAND_ID]) == [(Decimal("500.00"),)]
    both = f"name:{US}:{retargeting} (account {US}), name:{GLOBAL}:{retargeting} (account {GLOBAL})"
    assert run.query("SELECT deal_id, campaign_id, amount, reason FROM marts.unmatched_revenue") == [
        ("D-N3", retargeting, Decimal("300.00"), f"the name of 2 campaigns: {both}")]
    assert run.query("SELECT sum(revenue) FROM marts.campaign_daily WHERE campaign_name = ?", [retargeting]) == [
        (Decimal("0.00"),)]
    assert run.problems == [
        "check marts/unmatched_revenue:revenue_matched: 1 deal(s) match no campaign of a configured account (see "
        f"marts.unmatched_revenue): deal D-N3 (facebook campaign '{retargeting}', 300.000000 EUR, "
        f"crm/deals_2026-10-05.csv): the name of 2 campaigns: {both}"
    ]


def test_a_deal_naming_a_campaign_follows_it_when_an_export_brings_its_id(sample, tmp_path):
    write_default_export(sample, GLOBAL, "Acme-Global-Campaigns-1-Sep-2026-14-Sep-2026.csv",
                         rentree_by_name(range(1, 15)), datetime(2026, 10, 2, 8))  # fmt: skip
    deals = sample / "data" / "exports" / "crm" / "deals_2026-10-05.csv"
    deals.write_text(CRM_HEADER + f"D-N1,2026-09-16,facebook,{RENTREE},1000.00,EUR\n", encoding="utf-8")
    touch(deals, datetime(2026, 10, 5, 9))
    first = run_pipeline(sample / "roi.toml", *SEPTEMBER)
    assert first.problems == []
    # Closed on a day without delivery: a zero-spend row of the campaign keyed by name.
    deal_day = "SELECT campaign_id, spend, revenue FROM marts.campaign_daily WHERE date = ? AND campaign_name = ?"
    assert first.query(deal_day, [date(2026, 9, 16), RENTREE]) == [
        (f"name:{GLOBAL}:{RENTREE}", Decimal("0.00"), Decimal("1000.00"))]

    write_id_export(sample, "Acme-Global-Campaigns-10-Sep-2026-12-Sep-2026.csv", rentree_with_id(range(10, 13)),
                    datetime(2026, 10, 3, 8))  # fmt: skip
    daily = run_pipeline(sample / "roi.toml", *DAILY)
    assert daily.problems == []
    assert daily.query(deal_day, [date(2026, 9, 16), RENTREE]) == [(RENTREE_ID, Decimal("0.00"), Decimal("1000.00"))]
    assert contents(daily.config.working_database) == fresh_build(sample, tmp_path)


def test_status_lists_the_campaigns_keyed_by_name_and_flags_an_ambiguous_one(sample):
    write_default_export(sample, GLOBAL, "Acme-Global-Campaigns-1-Sep-2026-14-Sep-2026.csv",
                         rentree_by_name(range(1, 15)), datetime(2026, 10, 2, 8))  # fmt: skip
    # Two campaigns of the account share a name: the rows of a file without IDs cannot tell which is theirs.
    exportgen = load_script("bench/exportgen.py")
    twins = [exportgen.AdRow(date(2026, 9, 6), campaign_id, "Global – Retargeting", "EUR", Decimal("5.00"), 500, 5)
             for campaign_id in ("120210000000003021", "120210000000003022")]  # fmt: skip
    write_id_export(sample, "Acme-Global-twins.csv", twins, datetime(2026, 10, 1, 9))
    write_default_export(sample, GLOBAL, "Acme-Global-Retargeting.csv",
                         [MetaDay(date(2026, 9, 6), "Global – Retargeting", Decimal("10.00"), 1000, 10, 0)],
                         datetime(2026, 10, 2, 9))  # fmt: skip
    config = sample / "roi.toml"
    config.write_text(config.read_text().replace('revenue_source = "crm"',
                                                 'revenue_source = "crm"\nfreshness_days = 3650'))
    run = run_pipeline(config, *SEPTEMBER)
    assert run.problems == [
        "check staging/stg_ad_performance:campaign_names_unambiguous: 1 campaign name(s) in exports without a "
        "campaign ID column belong to several campaigns, so their rows are counted beside those campaigns' (download "
        f"those exports with the campaign ID column): facebook account {GLOBAL} 'Global – Retargeting' "
        "(2026-09-06..2026-09-06): campaigns 120210000000003021, 120210000000003022"
    ]

    env = {**os.environ, "ROI_CONFIG": str(config)}
    env.pop("DAGSTER_HOME", None)
    status = subprocess.run([str(Path(sys.executable).parent / "roi"), "status"], env=env, capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert status.returncode == 1  # the ambiguous name
    lines = status.stdout.splitlines()
    start = lines.index("keyed by name (their exports have no campaign ID column; renaming such a campaign splits it "
                        "in two; export with the campaign ID column to key them by ID):")  # fmt: skip
    assert lines[start + 1:start + 3] == [
        f"  facebook {GLOBAL}  'Global – Rentrée awareness'  2026-09-01..2026-09-14",
        f"  facebook {GLOBAL}  'Global – Retargeting'  2026-09-06..2026-09-06  AMBIGUOUS: campaigns "
        "120210000000003021, 120210000000003022 of the account have this name, so the days they share count twice",
    ]


# --- The same through the fake Meta API ---------------------------------------------------------------------------

API_ACCOUNT = "1234567890"
API_CAMPAIGN, API_NAME = "120210000000001001", "Événement Paris – décideurs IT"


def api_config(folder: Path, base_url: str) -> Path:
    (folder / "exports" / "facebook" / API_ACCOUNT).mkdir(parents=True)
    shutil.copy(REPO / "sample" / "data" / "fx" / "eurofxref-hist.csv", folder / "rates.csv")
    path = folder / "roi.toml"
    path.write_text(
        'reporting_currency = "EUR"\nwarehouse = "roi.duckdb"\nexports_dir = "exports"\nfx_rates = "rates.csv"\n'
        'revenue_source = "platform"\nhistory_start = "2026-01-01"\n\n[[accounts]]\nchannel = "facebook"\n'
        f'account_id = "{API_ACCOUNT}"\nmarket = "FR"\nscope = "local"\ncurrency = "EUR"\nsource = "api"\n'
        f'api_base = "{base_url}"\n',
        encoding="utf-8",
    )
    return path


def test_an_api_pull_takes_the_rows_keyed_by_name_and_the_newest_source_wins_each_day(fake_platforms, tmp_path):
    config_path = api_config(tmp_path, fake_platforms.base_url)
    by_name = [MetaDay(date(2026, 9, n), API_NAME, Decimal(f"{20 + n}.75"), 3000 + n, 30 + n, n % 2)
               for n in range(1, 15)]  # fmt: skip
    export = tmp_path / "exports" / "facebook" / API_ACCOUNT / "Acme-Campaigns-1-Sep-2026-14-Sep-2026.csv"
    export.write_bytes(meta_default_export(by_name))
    touch(export, datetime(2026, 9, 15, 8))  # older than the pulls (the fake clock says 2026-09-21)
    fake_platforms.facebook.add_account(API_ACCOUNT)
    clock = FakeClock()

    def run(start: date, end: date) -> PipelineRun:
        config = load_config(config_path)
        resources = {"platform_api": api_resource(clock, fake_platforms.environment())}
        with dg.DagsterInstance.ephemeral() as instance:
            settle_exports(config)
            result = materialize_days(config, start, end, instance, resources=resources)
            return PipelineRun(result, run_problems(result), config)

    first = run(date(2026, 9, 1), date(2026, 9, 20))  # the API has nothing yet
    assert first.problems == []
    by_name_key = f"name:{API_ACCOUNT}:{API_NAME}"
    assert first.query(CAMPAIGN, [API_NAME]) == [from_name_file(row, by_name_key) for row in by_name]

    pulled = [CampaignDay(date(2026, 9, n), API_CAMPAIGN, API_NAME, "EUR", Decimal(f"{200 + n}.10"), 7000 + n, 70 + n,
                          Decimal(n % 3), Decimal(0)) for n in range(10, 21)]  # fmt: skip
    fake_platforms.facebook.put(API_ACCOUNT, *pulled)
    daily = run(date(2026, 9, 20), date(2026, 9, 20))  # Meta's 28-day window: the 1st..20th pulled again
    assert daily.problems == []
    assert daily.query(CAMPAIGN, [API_NAME]) == [from_name_file(row, API_CAMPAIGN) for row in by_name[:9]] + [
        (f.day, API_CAMPAIGN, API_NAME, f.spend, f.spend, f.impressions, f.clicks, f.conversions or None)
        for f in pulled
    ]
