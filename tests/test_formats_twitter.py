"""X Ads Manager campaign exports: UTF-8 comma or UTF-16 tab, no currency column (the account's currency applies)."""

from datetime import date
from decimal import Decimal

from tests.conftest import load_export, utf16

HEADER = ("ID,Campaign,Campaign URL,Time,Campaign start date,Campaign end date,Spend,Impressions,Engagements,"
          "Billed engagements,Clicks,Link clicks,Engagement rate,Conversions,Conversion sale amount")

UTF8_EXPORT = HEADER + """
2wap7,Autumn launch – website clicks,https://ads.x.com/campaigns/2wap7,2026-09-01,2026-08-28,2026-09-30,41.27,18342,512,287,301,287,2.79%,3,450.00
2wap7,Autumn launch – website clicks,https://ads.x.com/campaigns/2wap7,2026-09-02,2026-08-28,2026-09-30,38.90,17011,470,266,280,266,2.76%,0,0.00
2wamv,UK brand awareness,https://ads.x.com/campaigns/2wamv,2026-09-01,2026-09-01,2026-09-15,12.05,9020,130,0,44,39,1.44%,,
Total,,,,,,92.22,44373,1112,553,625,592,2.51%,3,450.00
"""

EXPECTED = [
    # (line, date, campaign_id, campaign_name, currency, spend, impressions, clicks, conversions, platform_revenue)
    (2, date(2026, 9, 1), "2wap7", "Autumn launch – website clicks", "GBP",
     Decimal("41.27"), 18342, 301, Decimal("3"), Decimal("450.00")),
    (3, date(2026, 9, 2), "2wap7", "Autumn launch – website clicks", "GBP",
     Decimal("38.90"), 17011, 280, Decimal("0"), Decimal("0.00")),
    (4, date(2026, 9, 1), "2wamv", "UK brand awareness", "GBP", Decimal("12.05"), 9020, 44, None, None),
]


def _rows(loaded):
    return [
        (row["line"], row["date"], row["campaign_id"], row["campaign_name"], row["currency"], row["spend"],
         row["impressions"], row["clicks"], row["conversions"], row["platform_revenue"])
        for row in loaded.rows
    ]


def test_utf8_comma_export_reads_clicks_conversions_and_the_accounts_currency(tmp_path):
    loaded = load_export(tmp_path, "twitter", "campaigns.csv", UTF8_EXPORT.encode("utf-8"), account_currency="GBP")
    assert loaded.report.rejected == {}
    assert loaded.report.rows_loaded == 3  # the trailing Total row is not data
    # Clicks come from `Clicks` (301), not `Link clicks` (287); blank conversion cells are unknown, not zero.
    assert _rows(loaded) == EXPECTED
    assert {row["account_id"] for row in loaded.rows} == {"123"}


def test_utf16_tab_export_gives_the_same_rows(tmp_path):
    tabbed = UTF8_EXPORT.replace(",", "\t")
    loaded = load_export(tmp_path, "twitter", "campaigns.csv", utf16(tabbed), account_currency="GBP")
    assert loaded.report.rejected == {}
    assert _rows(loaded) == EXPECTED


def test_export_without_conversion_columns_leaves_conversions_and_revenue_null(tmp_path):
    content = """ID,Campaign,Campaign URL,Time,Campaign start date,Campaign end date,Spend,Impressions,Engagements,Billed engagements,Clicks,Engagement rate
2wb01,DE – Awareness,https://ads.x.com/campaigns/2wb01,2026-09-03,2026-09-01,2026-09-30,"1,020.40","120,551",2210,0,"1,318",1.83%
Total,,,,,,"1,020.40","120,551",2210,0,"1,318",1.83%
"""
    loaded = load_export(tmp_path, "twitter", "awareness.csv", content.encode("utf-8"), account_currency="EUR")
    assert loaded.report.rejected == {}
    assert _rows(loaded) == [
        (2, date(2026, 9, 3), "2wb01", "DE – Awareness", "EUR", Decimal("1020.40"), 120551, 1318, None, None),
    ]


def test_campaign_name_with_a_comma_inside_quotes(tmp_path):
    content = """ID,Campaign,Time,Spend,Impressions,Engagements,Clicks,Link clicks
2wc11,"Webinar, Q3 – CFOs, UK",2026-09-04,19.99,5120,88,47,41
"""
    loaded = load_export(tmp_path, "twitter", "webinar.csv", content.encode("utf-8"), account_currency="GBP")
    assert loaded.report.rejected == {}
    assert _rows(loaded) == [
        (2, date(2026, 9, 4), "2wc11", "Webinar, Q3 – CFOs, UK", "GBP", Decimal("19.99"), 5120, 47, None, None),
    ]


def test_an_export_without_a_time_column_is_rejected_saying_how_to_export_it_daily(tmp_path):
    content = """ID,Campaign,Campaign URL,Campaign start date,Campaign end date,Spend,Impressions,Engagements,Clicks
2wap7,Autumn launch – website clicks,https://ads.x.com/campaigns/2wap7,2026-08-28,2026-09-30,80.17,35353,982,581
"""
    loaded = load_export(tmp_path, "twitter", "campaigns.csv", content.encode("utf-8"), account_currency="GBP")
    assert loaded.rows == []
    message = loaded.report.rejected["twitter/123/campaigns.csv"]
    assert message.endswith("line 1 looks like the en header but lacks 'Time': export again from the campaign "
                            "dashboard's Export button with daily segments")
