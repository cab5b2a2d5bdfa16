"""Bad input: a clear error naming file, line and column; the bad file rejected whole; good data still flows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import duckdb

from pipelines.config import load_config
from tests.conftest import roi, run_pipeline, touch, utf16

LINKEDIN_FR = ("linkedin", "508765432")


def account_folder(sample, channel, account_id):
    return sample / "data" / "exports" / channel / account_id


def rows_of(run, channel, account_id):
    return run.query(
        f"SELECT count(*), sum(spend) FROM raw.{channel}_ads WHERE account_id = ?", [account_id]
    )[0]


def break_a_number(path, find: str, replace: str, encoding: str) -> None:
    text = path.read_bytes().decode(encoding)
    assert find in text
    path.write_bytes(text.replace(find, replace, 1).encode(encoding))


def test_a_broken_file_is_rejected_whole_and_its_previous_rows_stay(sample, expected):
    first = run_pipeline(sample / "roi.toml")
    assert first.problems == []
    before = rows_of(first, "youtube", "7712345678")
    report = account_folder(sample, "youtube", "7712345678") / "Campaign_report_2026-10-01.csv"
    lines = report.read_bytes().decode("utf-8").split("\r\n")
    assert lines[2].startswith("Day,") and ',EUR,"' in lines[3]
    lines[3] = lines[3].replace(',EUR,"', ',EUR,"1O', 1)  # a letter O typed for a zero in Impr.
    report.write_text("\r\n".join(lines), encoding="utf-8", newline="")
    touch(report, datetime(2026, 10, 3, 9, 0))

    second = run_pipeline(sample / "roi.toml")
    assert not second.result.success or second.problems
    assert any(
        "youtube/7712345678/Campaign_report_2026-10-01.csv, line 4, column 'Impr.': cannot read" in problem
        for problem in second.problems
    ), second.problems
    assert rows_of(second, "youtube", "7712345678") == before  # nothing lost
    # Every other account still loads and adds up.
    for key, account in expected["accounts"].items():
        channel, account_id = key.split("/")
        spend = second.query(
            "SELECT sum(spend_original) FROM marts.campaign_daily WHERE channel = ? AND account_id = ?",
            [channel, account_id],
        )[0][0]
        assert spend == Decimal(account["spend"]), key


def test_a_broken_new_file_loads_nothing_of_itself(sample):
    folder = account_folder(sample, *LINKEDIN_FR)
    good = next(folder.glob("*2026-10-01.csv"))
    text = good.read_bytes().decode("utf-16")
    lines = text.split("\r\n")
    header_at = next(i for i, line in enumerate(lines) if line.startswith("Start Date"))
    lines[header_at + 3] = lines[header_at + 3].replace("/2026", "/20x6", 1)
    broken = folder / "campaign_performance_report_2026-10-09.csv"
    broken.write_bytes("\r\n".join(lines).encode("utf-16"))
    touch(broken, datetime(2026, 10, 9, 9, 0))

    run = run_pipeline(sample / "roi.toml")
    assert any(
        f"linkedin/508765432/campaign_performance_report_2026-10-09.csv, line {header_at + 4}, "
        "column 'Start Date (in UTC)': cannot read" in problem
        for problem in run.problems
    ), run.problems
    assert run.query(
        "SELECT count(*) FROM raw.linkedin_ads WHERE source LIKE '%2026-10-09.csv'"
    ) == [(0,)]
    assert run.query(
        "SELECT status FROM raw.export_files WHERE path LIKE '%2026-10-09.csv'"
    ) == [("rejected",)]


def test_an_unknown_currency_rejects_the_file(sample):
    report = account_folder(sample, "youtube", "7798765432") / "Campaign_report_2026-10-01.csv"
    break_a_number(report, "\tUSD\t", "\tXYZ\t", "utf-16")
    run = run_pipeline(sample / "roi.toml")
    assert any(
        "youtube/7798765432/Campaign_report_2026-10-01.csv, line 4, column 'Currency code': unknown currency 'XYZ'"
        in problem for problem in run.problems
    ), run.problems
    assert run.query("SELECT count(*) FROM raw.youtube_ads WHERE account_id = '7798765432'") == [(0,)]
    assert run.query("SELECT count(*) FROM marts.campaign_daily WHERE currency = 'XYZ'") == [(0,)]


def test_revenue_for_an_unknown_campaign_is_kept_and_flagged(sample):
    crm = sample / "data" / "exports" / "crm" / "deals_2026-10-15.csv"
    crm.write_text(
        "deal_id,close_date,channel,campaign_id,amount,currency\nD-999,2026-09-12,linkedin,999999,1500.00,EUR\n",
        encoding="utf-8",
    )
    touch(crm, datetime(2026, 10, 15, 9, 0))
    run = run_pipeline(sample / "roi.toml")
    assert run.query(
        "SELECT deal_id, close_date, amount_original, amount FROM marts.unmatched_revenue"
    ) == [("D-999", date(2026, 9, 12), Decimal("1500.00"), Decimal("1500.00"))]
    assert [p for p in run.problems if "revenue_matched" in p] == [
        "check marts/unmatched_revenue:revenue_matched: 1 deal(s) match no campaign of a configured account "
        "(see marts.unmatched_revenue): deal D-999 (linkedin campaign '999999', 1500.000000 EUR, "
        "crm/deals_2026-10-15.csv): no campaign of the channel has this ID or name"
    ]
    assert run.query("SELECT count(*) FROM marts.campaign_daily WHERE campaign_id = '999999'") == [(0,)]


def test_a_deleted_export_takes_its_rows_with_it(sample):
    first = run_pipeline(sample / "roi.toml")
    assert rows_of(first, "twitter", "18ce54d4x5t")[0] > 0
    for path in account_folder(sample, "twitter", "18ce54d4x5t").glob("*.csv"):
        path.unlink()
    second = run_pipeline(sample / "roi.toml")
    assert rows_of(second, "twitter", "18ce54d4x5t") == (0, None)
    assert second.query(
        "SELECT count(*) FROM marts.campaign_daily WHERE account_id = '18ce54d4x5t' AND spend_original > 0"
    ) == [(0,)]


def test_a_bad_rates_file_keeps_the_previous_rates(sample):
    first = run_pipeline(sample / "roi.toml")
    rates = sample / "data" / "fx" / "eurofxref-hist.csv"
    text = rates.read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace(",", ",abc", 1).replace(",abc", ",", 1).replace(text[3].split(",")[1], "1.1x6", 1)
    rates.write_text("\n".join(text) + "\n", encoding="utf-8")
    second = run_pipeline(sample / "roi.toml")
    assert any("eurofxref-hist.csv, line 4, column 'USD': cannot read '1.1x6' as a rate" in p for p in second.problems), second.problems
    assert second.query("SELECT count(*) FROM raw.fx_rates") == first.query("SELECT count(*) FROM raw.fx_rates")


def test_a_day_without_an_ecb_rate_fails_the_fx_check_naming_currency_and_day(sample):
    folder = account_folder(sample, "facebook", "2345678901")
    june = folder / "Acme-US-Campaigns-15-Jun-2026_2026-06-16.csv"
    june.write_bytes(
        b"\xef\xbb\xbfReporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD),Impressions,"
        b"Link clicks,Results,Purchases conversion value\n"
        b"2026-06-15,2026-06-15,US - Early test,120210000000002001,40.00,4000,35,,\n"
    )
    run = run_pipeline(sample / "roi.toml", date(2026, 6, 15), date(2026, 6, 15))
    assert [p for p in run.problems if "fx_rates_present" in p] == [
        "check marts/campaign_daily:fx_rates_present: no ECB rate on or before the day for 1 currency-day(s): "
        "USD on 2026-06-15"
    ]
    assert run.query("SELECT spend_original, spend FROM marts.campaign_daily") == [(Decimal("40.00"), None)]


def test_negative_spend_fails_its_check_naming_the_campaign(sample):
    folder = account_folder(sample, "twitter", "18ce54d4x5t")
    header = next(folder.glob("*.csv")).read_text(encoding="utf-8").splitlines()[0]
    refund = folder / "x_ads_refund_2026-10-04.csv"
    refund.write_text(
        header + "\nuk4p1,UK – refund,https://ads.x.com/c/uk4p1,2026-09-09,2026-08-18,2026-10-31,-12.50,0,0,0,0,0,0%,0,0\n",
        encoding="utf-8",
    )
    touch(refund, datetime(2026, 10, 4, 9, 0))
    run = run_pipeline(sample / "roi.toml", date(2026, 9, 9), date(2026, 9, 9))
    assert [p for p in run.problems if "non_negative_spend" in p] == [
        "check marts/campaign_daily:non_negative_spend: 1 row(s) with negative spend: "
        "2026-09-09 twitter account 18ce54d4x5t campaign uk4p1: -12.500000 GBP"
    ]


def test_a_linkedin_export_of_totals_over_the_month_is_refused_and_the_run_exits_1(sample, expected):
    # Time breakdown "All": one row per campaign for the whole of September, dated September 1.
    folder = account_folder(sample, *LINKEDIN_FR)
    totals = folder / "campaign_performance_report_2026-10-02.csv"
    totals.write_bytes(utf16(
        "Campaign Performance Report (in UTC)\n"
        '"Report Start: September 1, 2026, 12:00 AM"\n'
        '"Report End: September 30, 2026, 11:59 PM"\n'
        '"Date Generated: October 2, 2026, 9:03 AM"\n'
        "\n"
        "Start Date (in UTC)\tAccount Name\tCurrency\tCampaign ID\tCampaign Name\tCampaign Status\tTotal Spent"
        "\tImpressions\tClicks\tClick Through Rate\tAverage CPC\tTotal Engagements\tConversions\tLeads\n"
        "9/1/2026\tAcme France\tEUR\t612345001\tÉvénement Paris – décideurs IT\tActive\t4210.55\t118340\t561"
        "\t0.474%\t7.51\t902\t11\t-\n"
        "9/1/2026\tAcme France\tEUR\t612345003\tFR – Livre blanc cybersécurité\tActive\t3305.20\t95114\t512"
        "\t0.538%\t6.46\t833\t19\t-\n"
        "Total\t\t\t\t\t\t7515.75\t213454\t1073\t0.503%\t7.00\t1735\t30\t-\n"
    ))
    touch(totals, datetime(2026, 10, 2, 9, 5))

    done = roi("run", "--start", "2026-09-01", "--end", "2026-09-30", config=sample / "roi.toml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "check raw/linkedin_ads:export_files_accepted: linkedin/508765432/campaign_performance_report_2026-10-02.csv, "
        "line 2: the report covers 2026-09-01 to 2026-09-30 but every row is dated 2026-09-01: its rows are totals "
        "over several days, not days; download it again from Campaign Manager with Time breakdown: Daily (if the "
        "campaigns really delivered only on 2026-09-01, export that day alone)"
    ) in done.stderr
    assert "1 problem(s)" in done.stderr
    # Nothing of it was loaded: the account's spend is its daily exports'.
    with duckdb.connect(str(load_config(sample / "roi.toml").working_database), read_only=True) as con:
        assert con.execute(
            "SELECT count(*) FROM raw.linkedin_ads WHERE source LIKE '%2026-10-02.csv'").fetchone() == (0,)
        spend = con.execute("SELECT sum(spend_original) FROM marts.campaign_daily "
                            "WHERE channel = 'linkedin' AND account_id = ?", [LINKEDIN_FR[1]]).fetchone()[0]
    assert spend == Decimal(expected["accounts"]["linkedin/508765432"]["spend"])
