"""LinkedIn Campaign Manager exports: UTF-16 LE tab-separated with a preamble, English and Dutch."""

from datetime import date
from decimal import Decimal

from tests.conftest import load_export, utf16

ENGLISH = """Campaign Performance Report (in UTC)
"Report Start: September 1, 2026, 12:00 AM"
"Report End: September 2, 2026, 11:59 PM"
"Date Generated: September 3, 2026, 9:15 AM"

Start Date (in UTC)\tAccount Name\tCurrency\tCampaign ID\tCampaign Name\tTotal Spent\tImpressions\tClicks\tClick Through Rate\tConversions\tLeads
9/1/2026\tAcme SAS\tEUR\t612345001\tÉvénement Paris – décideurs IT\t55.39\t3422\t11\t0.321%\t1\t-
9/2/2026\tAcme SAS\tEUR\t612345001\tÉvénement Paris – décideurs IT\t26.03\t1930\t6\t0.311%\t-\t0
Total\t\t\t\t\t81.42\t5352\t17\t0.318%\t1\t0
"""


def test_english_export_reads_days_money_and_empty_cells(tmp_path):
    loaded = load_export(tmp_path, "linkedin", "campaign_performance_report.csv", utf16(ENGLISH))
    assert loaded.report.rejected == {}
    first, second = loaded.rows
    assert (first["date"], first["campaign_id"], first["campaign_name"]) == (
        date(2026, 9, 1), "612345001", "Événement Paris – décideurs IT")
    assert (first["spend"], first["impressions"], first["clicks"], first["conversions"]) == (
        Decimal("55.39"), 3422, 11, Decimal("1"))
    assert first["line"] == 7 and first["currency"] == "EUR"
    assert second["conversions"] is None  # "-" is empty, not zero
    assert len(loaded.rows) == 2  # the total row is not data


DUTCH = """Rapport met campagneprestaties (in UTC)
"Begindatum van rapport: 23 september 2026 00:00"
"Einddatum van rapport: 24 september 2026 23:59"
"Datum aangemaakt: 25 september 2026 09:12"

Begindatum (in UTC)\tAccountnaam\tValuta\tCampagne-ID\tCampagnenaam\tTotaal besteed\tWeergaven\tKlikken\tDoorklikfrequentie (CTR)\tConversies\tLeads
23-9-2026\tAcme B.V.\tEUR\t612345002\tNL – Inkoopmanagers\t"9,36"\t"1.234"\t4\t"0,341%"\t"1,5"\t0
24-9-2026\tAcme B.V.\tEUR\t612345002\tNL – Inkoopmanagers\t"1.204,50"\t987\t-\t"0,000%"\t-\t-
Totaal\t\t\t\t\t"1.213,86"\t"2.221"\t4\t"0,180%"\t"1,5"\t0
"""


def test_dutch_export_reads_day_month_dates_decimal_commas_and_thousands(tmp_path):
    loaded = load_export(tmp_path, "linkedin", "campagneprestaties.csv", utf16(DUTCH))
    assert loaded.report.rejected == {}
    assert loaded.report.rows_loaded == 2
    first, second = loaded.rows
    assert (first["line"], first["date"], first["campaign_id"], first["campaign_name"], first["currency"]) == (
        7, date(2026, 9, 23), "612345002", "NL – Inkoopmanagers", "EUR")
    assert (first["spend"], first["impressions"], first["clicks"], first["conversions"]) == (
        Decimal("9.36"), 1234, 4, Decimal("1.5"))
    assert (second["line"], second["date"], second["spend"], second["impressions"]) == (
        8, date(2026, 9, 24), Decimal("1204.50"), 987)
    assert second["clicks"] == 0  # "-" clicks: no clicks
    assert second["conversions"] is None  # "-" conversions: unknown, not zero
    assert first["platform_revenue"] is None and second["platform_revenue"] is None  # LinkedIn has no revenue


def test_columns_in_another_order_still_read(tmp_path):
    content = """Campaign Performance Report (in UTC)
"Report Start: September 1, 2026, 12:00 AM"
"Report End: September 1, 2026, 11:59 PM"
"Date Generated: September 2, 2026, 8:00 AM"

Campaign ID\tClicks\tImpressions\tCampaign Name\tConversions\tTotal Spent\tCurrency\tStart Date (in UTC)
612345003\t14\t4100\tUK – CFO awareness\t2\t73.10\tGBP\t9/1/2026
"""
    loaded = load_export(tmp_path, "linkedin", "campaign_performance_report.csv", utf16(content))
    assert loaded.report.rejected == {}
    [row] = loaded.rows
    assert (row["date"], row["campaign_id"], row["campaign_name"], row["currency"]) == (
        date(2026, 9, 1), "612345003", "UK – CFO awareness", "GBP")
    assert (row["spend"], row["impressions"], row["clicks"], row["conversions"]) == (
        Decimal("73.10"), 4100, 14, Decimal("2"))


def test_longer_preamble_still_finds_the_header(tmp_path):
    content = """Campaign Performance Report (in UTC)
Account: Acme
"Report Start: September 1, 2026, 12:00 AM"
"Report End: September 1, 2026, 11:59 PM"
"Date Generated: September 2, 2026, 8:00 AM"

Start Date (in UTC)\tAccount Name\tCurrency\tCampaign ID\tCampaign Name\tTotal Spent\tImpressions\tClicks\tConversions
9/1/2026\tAcme\tEUR\t612345004\tDACH – Procurement\t42.00\t2500\t9\t0
"""
    loaded = load_export(tmp_path, "linkedin", "campaign_performance_report.csv", utf16(content))
    assert loaded.report.rejected == {}
    [row] = loaded.rows
    assert row["line"] == 8  # the preamble is one line longer than usual
    assert (row["date"], row["campaign_id"], row["spend"], row["impressions"], row["clicks"], row["conversions"]) == (
        date(2026, 9, 1), "612345004", Decimal("42.00"), 2500, 9, Decimal("0"))


def test_report_without_total_spent_is_rejected_naming_the_missing_column(tmp_path):
    content = """Campaign Performance Report (in UTC)
"Report Start: September 1, 2026, 12:00 AM"
"Report End: September 30, 2026, 11:59 PM"
"Date Generated: October 1, 2026, 8:00 AM"

Start Date (in UTC)\tAccount Name\tCurrency\tCampaign ID\tCampaign Name\tImpressions\tClicks\tReach
9/1/2026\tAcme\tEUR\t612345001\tÉvénement Paris – décideurs IT\t95210\t311\t40122
"""
    loaded = load_export(tmp_path, "linkedin", "reach_report.csv", utf16(content))
    assert loaded.rows == []
    message = loaded.report.rejected["linkedin/123/reach_report.csv"]
    assert "no LinkedIn Campaign Manager header row found" in message
    assert "line 6 looks like the en header but lacks 'Total Spent'" in message


def _english(rows: str) -> bytes:
    """An English export with the usual preamble (header on line 6) and the given data lines."""
    return utf16("""Campaign Performance Report (in UTC)
"Report Start: September 1, 2026, 12:00 AM"
"Report End: September 2, 2026, 11:59 PM"
"Date Generated: September 3, 2026, 9:15 AM"

Start Date (in UTC)\tCurrency\tCampaign ID\tCampaign Name\tTotal Spent\tImpressions\tClicks\tConversions
""" + rows)


def test_bad_number_rejects_the_whole_file_with_line_and_column(tmp_path):
    loaded = load_export(tmp_path, "linkedin", "report.csv", _english(
        "9/1/2026\tEUR\t612345001\tParis – IT\t55.39\t3422\t11\t1\n"
        "9/2/2026\tEUR\t612345001\tParis – IT\t12,3a\t1930\t6\t0\n"
    ))
    assert loaded.rows == []  # nothing of the file, not even its good first row
    assert loaded.report.loaded == []
    assert loaded.report.rejected == {
        "linkedin/123/report.csv": "linkedin/123/report.csv, line 8, column 'Total Spent': cannot read '12,3a' as a number"
    }


def test_bad_date_rejects_the_file_with_line_and_column(tmp_path):
    loaded = load_export(tmp_path, "linkedin", "report.csv", _english(
        "9/1/2026\tEUR\t612345001\tParis – IT\t55.39\t3422\t11\t1\n"
        "9/31/2026\tEUR\t612345001\tParis – IT\t26.03\t1930\t6\t0\n"
    ))
    assert loaded.rows == []
    assert loaded.report.rejected == {
        "linkedin/123/report.csv":
            "linkedin/123/report.csv, line 8, column 'Start Date (in UTC)': cannot read '9/31/2026' as a date"
    }


def test_unknown_currency_code_rejects_the_file_naming_line_column_and_code(tmp_path):
    loaded = load_export(tmp_path, "linkedin", "report.csv", _english(
        "9/1/2026\tEUR\t612345001\tParis – IT\t55.39\t3422\t11\t1\n"
        "9/1/2026\tARS\t612345009\tBuenos Aires – IT\t15000.00\t8800\t31\t0\n"
    ))
    assert loaded.rows == []
    message = loaded.report.rejected["linkedin/123/report.csv"]
    assert message.startswith("linkedin/123/report.csv, line 8, column 'Currency': unknown currency 'ARS'")


def test_lf_line_ends_read_like_crlf(tmp_path):
    text = ENGLISH
    lf = b"\xff\xfe" + text.encode("utf-16-le")  # no CRLF conversion
    assert b"\r\x00" not in lf
    loaded = load_export(tmp_path, "linkedin", "campaign_performance_report.csv", lf)
    assert loaded.report.rejected == {}
    assert [(row["line"], row["date"], row["spend"], row["impressions"], row["clicks"]) for row in loaded.rows] == [
        (7, date(2026, 9, 1), Decimal("55.39"), 3422, 11),
        (8, date(2026, 9, 2), Decimal("26.03"), 1930, 6),
    ]


def _report(start: str, end: str, rows: str, header: str = "Start Date (in UTC)\tCurrency\tCampaign ID\tCampaign Name"
            "\tTotal Spent\tImpressions\tClicks\tConversions") -> bytes:
    """An English export whose preamble names the range start..end (e.g. "September 1, 2026")."""
    return utf16(f"""Campaign Performance Report (in UTC)
"Report Start: {start}, 12:00 AM"
"Report End: {end}, 11:59 PM"
"Date Generated: October 1, 2026, 8:42 AM"

{header}
""" + rows)


ALL_BREAKDOWN_HINT = (
    "download it again from Campaign Manager with Time breakdown: Daily (if the campaigns really delivered only on "
    "2026-09-01, export that day alone)"
)


def test_time_breakdown_all_is_rejected_with_how_to_download_it_daily(tmp_path):
    # One row per campaign holding the whole month, dated the month's first day.
    loaded = load_export(tmp_path, "linkedin", "campaign_performance_report.csv", _report(
        "September 1, 2026", "September 30, 2026",
        "9/1/2026\tEUR\t612345001\tParis – IT\t1604.40\t95210\t311\t12\n"
        "9/1/2026\tEUR\t612345003\tLivre blanc cybersécurité\t3520.75\t120442\t604\t27\n"
        "Total\t\t\t\t5125.15\t215652\t915\t39\n",
    ))
    assert loaded.rows == []
    assert loaded.report.rejected == {"linkedin/123/campaign_performance_report.csv": (
        "linkedin/123/campaign_performance_report.csv, line 2: the report covers 2026-09-01 to 2026-09-30 but every "
        "row is dated 2026-09-01: its rows are totals over several days, not days; " + ALL_BREAKDOWN_HINT)}


def test_a_dutch_all_breakdown_is_rejected_too(tmp_path):
    content = """Rapport met campagneprestaties (in UTC)
"Begindatum van rapport: 1 september 2026 00:00"
"Einddatum van rapport: 30 september 2026 23:59"
"Datum aangemaakt: 1 oktober 2026 08:42"

Begindatum (in UTC)\tValuta\tCampagne-ID\tCampagnenaam\tTotaal besteed\tWeergaven\tKlikken\tConversies
1-9-2026\tEUR\t612346001\tNL – Webinar IT-beslissers\t"4.102,15"\t"113.858"\t"1.023"\t35
"""
    loaded = load_export(tmp_path, "linkedin", "campagneprestaties.csv", utf16(content))
    assert loaded.rows == []
    assert loaded.report.rejected["linkedin/123/campagneprestaties.csv"] == (
        "linkedin/123/campagneprestaties.csv, line 2: the report covers 2026-09-01 to 2026-09-30 but every row is "
        "dated 2026-09-01: its rows are totals over several days, not days; " + ALL_BREAKDOWN_HINT)


def test_time_breakdown_monthly_is_rejected(tmp_path):
    loaded = load_export(tmp_path, "linkedin", "campaign_performance_report.csv", _report(
        "August 15, 2026", "September 30, 2026",
        "8/15/2026\tEUR\t612345001\tParis – IT\t811.20\t45001\t150\t6\n"
        "9/1/2026\tEUR\t612345001\tParis – IT\t1604.40\t95210\t311\t12\n",
    ))
    assert loaded.rows == []
    assert loaded.report.rejected["linkedin/123/campaign_performance_report.csv"] == (
        "linkedin/123/campaign_performance_report.csv, line 2: the report covers 2026-08-15 to 2026-09-30 but every "
        "row is dated 2026-08-15 or the first of a month: its rows are totals over several days, not days; "
        "download it again from Campaign Manager with Time breakdown: Daily (if the campaigns really delivered only "
        "on 2026-08-15, export that day alone)")


def test_a_daily_export_over_several_days_loads_every_day(tmp_path):
    loaded = load_export(tmp_path, "linkedin", "campaign_performance_report.csv", _report(
        "August 31, 2026", "September 2, 2026",
        "8/31/2026\tEUR\t612345001\tParis – IT\t40.00\t3001\t9\t0\n"
        "9/1/2026\tEUR\t612345001\tParis – IT\t55.39\t3422\t11\t1\n"
        "9/2/2026\tEUR\t612345001\tParis – IT\t26.03\t1930\t6\t0\n"
        "Total\t\t\t\t121.42\t8353\t26\t1\n",
    ))
    assert loaded.report.rejected == {}
    assert [(row["line"], row["date"], row["spend"]) for row in loaded.rows] == [
        (7, date(2026, 8, 31), Decimal("40.00")), (8, date(2026, 9, 1), Decimal("55.39")),
        (9, date(2026, 9, 2), Decimal("26.03"))]


def test_a_one_day_report_loads(tmp_path):
    loaded = load_export(tmp_path, "linkedin", "campaign_performance_report.csv", _report(
        "September 1, 2026", "September 1, 2026", "9/1/2026\tEUR\t612345001\tParis – IT\t55.39\t3422\t11\t1\n"))
    assert loaded.report.rejected == {}
    assert [(row["date"], row["spend"]) for row in loaded.rows] == [(date(2026, 9, 1), Decimal("55.39"))]


END_DATE_HEADER = ("Start Date (in UTC)\tEnd Date (in UTC)\tCurrency\tCampaign ID\tCampaign Name\tTotal Spent"
                   "\tImpressions\tClicks\tConversions")


def test_an_end_date_column_must_end_each_row_on_its_start_day(tmp_path):
    daily = load_export(tmp_path / "daily", "linkedin", "report.csv", _report(
        "September 1, 2026", "September 2, 2026",
        "9/1/2026\t9/1/2026\tEUR\t612345001\tParis – IT\t55.39\t3422\t11\t1\n"
        "9/2/2026\t9/2/2026\tEUR\t612345001\tParis – IT\t26.03\t1930\t6\t0\n", header=END_DATE_HEADER))
    assert daily.report.rejected == {}
    assert [(row["date"], row["spend"]) for row in daily.rows] == [
        (date(2026, 9, 1), Decimal("55.39")), (date(2026, 9, 2), Decimal("26.03"))]

    whole = load_export(tmp_path / "all", "linkedin", "report.csv", _report(
        "September 1, 2026", "September 2, 2026",
        "9/1/2026\t9/2/2026\tEUR\t612345001\tParis – IT\t81.42\t5352\t17\t1\n", header=END_DATE_HEADER))
    assert whole.rows == []
    assert whole.report.rejected == {"linkedin/123/report.csv": (
        "linkedin/123/report.csv, line 7, column 'End Date (in UTC)': row covers several days (the export has no "
        "daily breakdown) and cannot be split into days; download it again from Campaign Manager with Time "
        "breakdown: Daily")}


def test_a_daily_export_of_a_months_last_and_next_first_day_loads(tmp_path):
    # Both rows on the range's first day or a first of a month, yet each covers one day: daily.
    loaded = load_export(tmp_path, "linkedin", "campaign_performance_report.csv", _report(
        "August 31, 2026", "September 1, 2026",
        "8/31/2026\tEUR\t612345001\tParis – IT\t40.00\t3001\t9\t0\n"
        "9/1/2026\tEUR\t612345001\tParis – IT\t55.39\t3422\t11\t1\n",
    ))
    assert loaded.report.rejected == {}
    assert [row["date"] for row in loaded.rows] == [date(2026, 8, 31), date(2026, 9, 1)]


def test_a_report_without_campaign_id_is_keyed_by_campaign_name(tmp_path):
    # Older reports name the campaign without its ID; the preamble and the total row stay what they are.
    content = ENGLISH.replace("Currency\tCampaign ID\t", "Currency\t").replace("EUR\t612345001\t", "EUR\t")
    content = content.replace("Total\t\t\t\t\t", "Total\t\t\t\t")
    loaded = load_export(tmp_path, "linkedin", "campaign_performance_report.csv", utf16(content),
                         account_id="508765432")  # fmt: skip
    assert loaded.report.rejected == {}
    rows = [(row["line"], row["date"], row["campaign_id"], row["keyed_by_name"], row["spend"]) for row in loaded.rows]
    assert rows == [
        (7, date(2026, 9, 1), "name:508765432:Événement Paris – décideurs IT", True, Decimal("55.39")),
        (8, date(2026, 9, 2), "name:508765432:Événement Paris – décideurs IT", True, Decimal("26.03")),
    ]
