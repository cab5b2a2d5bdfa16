"""Meta Ads Manager exports with a daily breakdown: English UTF-8 with a BOM, French with semicolons."""

from datetime import date
from decimal import Decimal

import duckdb

from tests.conftest import load_export

BOM = b"\xef\xbb\xbf"

ENGLISH = """Reporting starts,Reporting ends,Campaign name,Campaign ID,Campaign delivery,Result indicator,Amount spent (USD),Impressions,Clicks (all),Link clicks,Results,Cost per result,Purchases conversion value
2026-09-01,2026-09-01,US – Lookalike purchasers,120210000000000001,active,actions:offsite_conversion.fb_pixel_purchase,153.42,20881,612,418,7,21.917143,1250.80
2026-09-02,2026-09-02,US – Lookalike purchasers,120210000000000001,active,actions:offsite_conversion.fb_pixel_purchase,149.07,19930,577,401,,,
2026-09-01,2026-09-01,US – Retargeting,120210000000000002,inactive,,,,,,,,
"""


def _rows(loaded):
    return [
        (row["line"], row["date"], row["campaign_id"], row["campaign_name"], row["currency"], row["spend"],
         row["impressions"], row["clicks"], row["conversions"], row["platform_revenue"])
        for row in loaded.rows
    ]


def test_english_export_with_bom_reads_currency_from_header_and_meta_columns(tmp_path):
    loaded = load_export(tmp_path, "facebook", "Acme-Campaigns-Sep-1-2026-Sep-2-2026.csv",
                         BOM + ENGLISH.encode("utf-8"), account_currency="EUR")
    assert loaded.report.rejected == {}
    # Currency from `Amount spent (USD)`, not the account's EUR; clicks from `Link clicks`, not `Clicks (all)`;
    # conversions from `Results`; revenue from `Purchases conversion value`; blank measures are 0, blank results NULL.
    assert _rows(loaded) == [
        (2, date(2026, 9, 1), "120210000000000001", "US – Lookalike purchasers", "USD",
         Decimal("153.42"), 20881, 418, Decimal("7"), Decimal("1250.80")),
        (3, date(2026, 9, 2), "120210000000000001", "US – Lookalike purchasers", "USD",
         Decimal("149.07"), 19930, 401, None, None),
        (4, date(2026, 9, 1), "120210000000000002", "US – Retargeting", "USD", Decimal("0"), 0, 0, None, None),
    ]


FRENCH = (
    "Début des rapports;Fin des rapports;Nom de la campagne;Identifiant de la campagne;Montant dépensé (EUR);"
    "Impressions;Clics sur un lien;Résultats;Indicateur de résultats;Valeur de conversion des achats\n"
    "2026-09-01;2026-09-01;FR – Salon Paris, décideurs;120210000000000101;1\u202f234,56;12\u00a0345;1\u00a0018;14;"
    "actions:offsite_conversion.fb_pixel_purchase;3\u202f480,00\n"
    "2026-09-02;2026-09-02;FR – Salon Paris, décideurs;120210000000000101;987,6;9\u202f870;802;;;\n"
)


def test_french_export_semicolons_decimal_commas_and_unicode_thousand_spaces(tmp_path):
    loaded = load_export(tmp_path, "facebook", "Acme-Campagnes-1-sept-2026.csv",
                         BOM + FRENCH.encode("utf-8"), account_currency="EUR")
    assert loaded.report.rejected == {}
    assert _rows(loaded) == [
        (2, date(2026, 9, 1), "120210000000000101", "FR – Salon Paris, décideurs", "EUR",
         Decimal("1234.56"), 12345, 1018, Decimal("14"), Decimal("3480.00")),
        (3, date(2026, 9, 2), "120210000000000101", "FR – Salon Paris, décideurs", "EUR",
         Decimal("987.6"), 9870, 802, None, None),
    ]


def test_export_without_daily_breakdown_is_rejected_with_the_reason_and_line(tmp_path):
    content = """Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (EUR),Impressions,Link clicks,Results,Purchases conversion value
2026-09-01,2026-09-01,DE – Messe Leads,120210000000000201,88.10,10210,150,3,0
2026-09-01,2026-09-30,DE – Messe Leads,120210000000000201,2410.75,301554,4402,81,0
"""
    loaded = load_export(tmp_path, "facebook", "monthly.csv", BOM + content.encode("utf-8"))
    assert loaded.rows == []
    message = loaded.report.rejected["facebook/123/monthly.csv"]
    assert message.startswith("facebook/123/monthly.csv, line 3, column 'Reporting ends': row covers several days")
    assert "no daily breakdown" in message


def test_summary_row_without_campaign_name_and_id_is_skipped(tmp_path):
    content = """Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (EUR),Impressions,Link clicks,Results,Result indicator,Purchases conversion value
2026-09-01,2026-09-30,,,318.55,40112,633,12,actions:offsite_conversion.fb_pixel_purchase,980.00
2026-09-01,2026-09-01,ES – Feria Madrid,120210000000000301,160.30,20050,320,6,actions:offsite_conversion.fb_pixel_purchase,490.00
2026-09-02,2026-09-02,ES – Feria Madrid,120210000000000301,158.25,20062,313,6,actions:offsite_conversion.fb_pixel_purchase,490.00
"""
    loaded = load_export(tmp_path, "facebook", "madrid.csv", BOM + content.encode("utf-8"))
    assert loaded.report.rejected == {}
    assert loaded.report.rows_loaded == 2
    assert _rows(loaded) == [
        (3, date(2026, 9, 1), "120210000000000301", "ES – Feria Madrid", "EUR",
         Decimal("160.30"), 20050, 320, Decimal("6"), Decimal("490.00")),
        (4, date(2026, 9, 2), "120210000000000301", "ES – Feria Madrid", "EUR",
         Decimal("158.25"), 20062, 313, Decimal("6"), Decimal("490.00")),
    ]


# Breakdown > By time > Day with a `Day` column: the report's whole range in Reporting starts/ends on every row.
BY_DAY = """Reporting starts,Reporting ends,Day,Campaign name,Campaign ID,Result indicator,Results,Amount spent (EUR),Impressions,Link clicks,Purchases conversion value
2026-09-01,2026-09-30,2026-09-01,DE – Messe Leads,120210000000000201,actions:offsite_conversion.fb_pixel_purchase,3,88.10,10210,150,270.00
2026-09-01,2026-09-30,2026-09-02,DE – Messe Leads,120210000000000201,actions:offsite_conversion.fb_pixel_purchase,,91.45,10877,162,
2026-09-01,2026-09-30,2026-09-30,DE – Messe Leads,120210000000000201,actions:offsite_conversion.fb_pixel_purchase,1,79.99,9120,133,95.50
"""


def test_a_day_column_gives_each_row_its_day_whatever_the_reporting_range(tmp_path):
    loaded = load_export(tmp_path, "facebook", "Acme-Campaigns-1-Sep-2026-30-Sep-2026.csv",
                         BOM + BY_DAY.encode("utf-8"))
    assert loaded.report.rejected == {}
    assert _rows(loaded) == [
        (2, date(2026, 9, 1), "120210000000000201", "DE – Messe Leads", "EUR",
         Decimal("88.10"), 10210, 150, Decimal("3"), Decimal("270.00")),
        (3, date(2026, 9, 2), "120210000000000201", "DE – Messe Leads", "EUR",
         Decimal("91.45"), 10877, 162, None, None),
        (4, date(2026, 9, 30), "120210000000000201", "DE – Messe Leads", "EUR",
         Decimal("79.99"), 9120, 133, Decimal("1"), Decimal("95.50")),
    ]


def test_a_french_jour_column_gives_each_row_its_day(tmp_path):
    content = (
        "Début des rapports;Fin des rapports;Jour;Nom de la campagne;Identifiant de la campagne;"
        "Montant dépensé (EUR);Impressions;Clics sur un lien;Résultats;Indicateur de résultats\n"
        "2026-09-01;2026-09-30;2026-09-14;FR – Salon Lyon;120210000000000102;1\u202f010,40;8\u202f012;97;2;"
        "actions:offsite_conversion.fb_pixel_purchase\n"
        "2026-09-01;2026-09-30;2026-09-15;FR – Salon Lyon;120210000000000102;12,5;1\u00a0003;8;;\n"
    )
    loaded = load_export(tmp_path, "facebook", "Acme-Campagnes.csv", BOM + content.encode("utf-8"))
    assert loaded.report.rejected == {}
    assert _rows(loaded) == [
        (2, date(2026, 9, 14), "120210000000000102", "FR – Salon Lyon", "EUR",
         Decimal("1010.40"), 8012, 97, Decimal("2"), None),
        (3, date(2026, 9, 15), "120210000000000102", "FR – Salon Lyon", "EUR",
         Decimal("12.5"), 1003, 8, None, None),
    ]


def test_an_export_without_any_day_column_says_how_to_add_one(tmp_path):
    content = """Campaign name,Campaign ID,Amount spent (EUR),Impressions,Link clicks,Results,Result indicator
DE – Messe Leads,120210000000000201,2410.75,301554,4402,81,actions:offsite_conversion.fb_pixel_purchase
"""
    loaded = load_export(tmp_path, "facebook", "no-dates.csv", BOM + content.encode("utf-8"))
    assert loaded.rows == []
    assert loaded.report.rejected["facebook/123/no-dates.csv"] == (
        "facebook/123/no-dates.csv: no Meta Ads Manager header row found in the first 60 lines (expected "
        "'Reporting starts' or 'Day', 'Campaign name', 'Amount spent ({currency})', 'Impressions', "
        "'Link clicks'); line 1 looks like the en header but lacks 'Reporting starts' or 'Day': "
        "export again with Breakdown > By time > Day"
    )


# One purchase campaign, one reach campaign (Results = people reached) and one optimized for link clicks.
MIXED_OBJECTIVES = """Reporting starts,Reporting ends,Campaign name,Campaign ID,Result indicator,Results,Amount spent (EUR),Impressions,Link clicks,Purchases conversion value
2026-09-01,2026-09-01,FR – Retargeting purchasers,120210000000000401,actions:offsite_conversion.fb_pixel_purchase,7,153.42,20881,418,1250.80
2026-09-01,2026-09-01,FR – Notoriété salon,120210000000000402,reach,1200,80.00,2950,12,
2026-09-02,2026-09-02,FR – Notoriété salon,120210000000000402,reach,1085,80.00,2711,9,
2026-09-02,2026-09-02,FR – Trafic site,120210000000000403,actions:link_click,95,40.10,8804,95,
"""


def test_results_count_as_conversions_only_where_the_indicator_is_the_accounts_conversion(tmp_path):
    loaded = load_export(tmp_path, "facebook", "mixed.csv", BOM + MIXED_OBJECTIVES.encode("utf-8"))
    assert loaded.report.rejected == {}
    assert [(row["campaign_id"], row["date"], row["conversions"]) for row in loaded.rows] == [
        ("120210000000000401", date(2026, 9, 1), Decimal("7")),  # 7 purchases
        ("120210000000000402", date(2026, 9, 1), None),  # 1,200 people reached are not conversions
        ("120210000000000402", date(2026, 9, 2), None),
        ("120210000000000403", date(2026, 9, 2), None),  # nor are 95 link clicks
    ]
    note = ("conversions left unknown on 3 row(s) whose 'Results' are not the account's conversions "
            "(actions:offsite_conversion.fb_pixel_purchase): 2 with Result indicator 'reach', "
            "1 with Result indicator 'actions:link_click'")
    assert loaded.report.notes == {"facebook/123/mixed.csv": note}
    with duckdb.connect(str(tmp_path / "parse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT path, status, rows, notes FROM raw.export_files").fetchall() == [
            ("facebook/123/mixed.csv", "loaded", 4, note)]


def test_the_accounts_configured_conversion_action_types_decide_what_counts(tmp_path):
    content = """Reporting starts,Reporting ends,Campaign name,Campaign ID,Result indicator,Results,Amount spent (EUR),Impressions,Link clicks
2026-09-01,2026-09-01,DE – Whitepaper leads,120210000000000501,actions:lead,12,210.00,15020,301
2026-09-01,2026-09-01,DE – Shop,120210000000000502,actions:offsite_conversion.fb_pixel_purchase,3,99.00,8001,120
"""
    loaded = load_export(tmp_path, "facebook", "leads.csv", BOM + content.encode("utf-8"),
                         conversion_action_types=("lead", "onsite_conversion.lead_grouped"))
    assert [(row["campaign_id"], row["conversions"]) for row in loaded.rows] == [
        ("120210000000000501", Decimal("12")), ("120210000000000502", None)]
    assert loaded.report.notes == {"facebook/123/leads.csv": (
        "conversions left unknown on 1 row(s) whose 'Results' are not the account's conversions "
        "(actions:lead, actions:onsite_conversion.lead_grouped): "
        "1 with Result indicator 'actions:offsite_conversion.fb_pixel_purchase'")}


def test_results_without_a_result_indicator_column_are_not_taken_for_conversions(tmp_path):
    content = """Reporting starts,Reporting ends,Campaign name,Campaign ID,Results,Amount spent (EUR),Impressions,Link clicks
2026-09-01,2026-09-01,US – Lookalike purchasers,120210000000000001,7,153.42,20881,418
2026-09-02,2026-09-02,US – Lookalike purchasers,120210000000000001,,149.07,19930,401
"""
    loaded = load_export(tmp_path, "facebook", "no-indicator.csv", BOM + content.encode("utf-8"))
    assert loaded.report.rejected == {}
    assert [row["conversions"] for row in loaded.rows] == [None, None]
    assert loaded.report.notes == {"facebook/123/no-indicator.csv": (
        "conversions left unknown on 1 row(s) whose 'Results' are not the account's conversions "
        "(actions:offsite_conversion.fb_pixel_purchase): the file has no 'Result indicator' column to say what "
        "they count")}


def test_a_warehouse_from_before_file_notes_gains_them(tmp_path):
    from warehouse.schema import ensure_schema

    with duckdb.connect(str(tmp_path / "parse.duckdb")) as con:  # the file load_export loads into
        ensure_schema(con)
        for column in ("notes", "lines", "header_line", "blank_lines", "continuation_lines", "summary_rows",
                       "skipped_rows"):  # the columns added since
            con.execute(f"ALTER TABLE raw.export_files DROP COLUMN {column}")
        con.execute("INSERT INTO raw.export_files VALUES ('facebook/123/old.csv', 'facebook', '123', "
                    "TIMESTAMP '2026-09-02 08:00:00', 120, 'rejected', NULL, NULL, NULL, 'bad', now()::TIMESTAMP)")
        con.execute("UPDATE raw.schema_version SET version = 'older'")
    loaded = load_export(tmp_path, "facebook", "mixed.csv", BOM + MIXED_OBJECTIVES.encode("utf-8"))
    assert loaded.report.removed == ["facebook/123/old.csv"]  # no longer in the folder
    with duckdb.connect(str(tmp_path / "parse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT path, status, notes FROM raw.export_files").fetchall() == [
            ("facebook/123/mixed.csv", "loaded", loaded.report.notes["facebook/123/mixed.csv"])]


# Ads Manager's "Performance and clicks" columns with Breakdown > By time > Day, as exported: no `Campaign ID`, and
# a CPM header quoted for its comma.
PERFORMANCE_AND_CLICKS = (
    'Reporting starts,Reporting ends,Campaign name,Campaign delivery,Attribution setting,Results,Result indicator,'
    'Reach,Frequency,Cost per results,Amount spent (EUR),Impressions,"CPM (cost per 1,000 impressions) (EUR)",'
    'Link clicks,CPC (cost per link click) (EUR),CTR (link click-through rate),Clicks (all),CTR (all),'
    'CPC (all) (EUR),Ends\n'
    '2026-09-01,2026-09-01,Rentrée – notoriété,active,7-day click or 1-day view,3,'
    'actions:offsite_conversion.fb_pixel_purchase,7412,1.160820,14.353333,43.06,8604,5.004649,97,0.443918,'
    '1.127383,131,1.522548,0.328702,Ongoing\n'
    '2026-09-01,2026-09-01,,,,3,,7412,1.160820,,43.06,8604,5.004649,97,0.443918,1.127383,131,1.522548,0.328702,\n'
)


def test_default_columns_without_campaign_id_load_keyed_by_name_in_the_account(tmp_path):
    loaded = load_export(tmp_path, "facebook", "Acme-Campaigns-1-Sep-2026-1-Sep-2026.csv",
                         BOM + PERFORMANCE_AND_CLICKS.encode("utf-8"), account_id="1234567890")
    assert loaded.report.rejected == {}
    # The campaign's key is its name within the account; the summary row (no name) is not a campaign.
    assert _rows(loaded) == [
        (2, date(2026, 9, 1), "name:1234567890:Rentrée – notoriété", "Rentrée – notoriété", "EUR", Decimal("43.06"),
         8604, 97, Decimal("3"), None),
    ]
    assert [row["keyed_by_name"] for row in loaded.rows] == [True]


def test_an_export_without_link_clicks_names_the_column_and_how_to_add_it(tmp_path):
    # The "Performance" preset, Ads Manager's default: neither `Campaign ID` nor `Link clicks`.
    performance = (
        "Reporting starts,Reporting ends,Campaign name,Campaign delivery,Attribution setting,Results,"
        "Result indicator,Reach,Impressions,Cost per results,Amount spent (EUR),Ends\n"
        "2026-09-01,2026-09-01,Rentrée – notoriété,active,7-day click or 1-day view,3,"
        "actions:offsite_conversion.fb_pixel_purchase,7412,8604,14.353333,43.06,Ongoing\n"
    )
    loaded = load_export(tmp_path, "facebook", "Acme-Campaigns.csv", BOM + performance.encode("utf-8"))
    assert loaded.rows == []
    assert loaded.report.rejected == {
        "facebook/123/Acme-Campaigns.csv":
            "facebook/123/Acme-Campaigns.csv: no Meta Ads Manager header row found in the first 60 lines (expected "
            "'Reporting starts' or 'Day', 'Campaign name', 'Amount spent ({currency})', 'Impressions', "
            "'Link clicks'); line 1 looks like the en header but lacks 'Link clicks'; add 'Link clicks' in Ads "
            "Manager: Columns > Customize columns, tick each, Apply, then Reports > Export table data again (with "
            "Breakdown > By time > Day)"
    }
