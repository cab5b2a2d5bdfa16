"""Google Ads campaign report downloads for YouTube: "CSV" (UTF-8 comma) and "Excel .csv" (UTF-16 LE tab)."""

from datetime import date
from decimal import Decimal

from tests.conftest import load_export, utf16

CSV_DOWNLOAD = """Campaign report
"September 1, 2026 - September 2, 2026"
Day,Campaign ID,Campaign,Campaign type,Currency code,Impr.,TrueView views,Clicks,Cost,Conversions,Conv. value
2026-09-01,21456789012,Brand video – TrueView,Video,EUR,"12,345","1,530",211,142.57,2.00,180.00
2026-09-01,21456789013,Brand search – exact,Search,EUR,"3,210",--,402,"1,310.44",9.00,810.00
2026-09-02,21456789012,Brand video – TrueView,Video,EUR,"11,010","1,402",187,"1,130.10",--,--
2026-09-02,21456789014,Prospecting – Display,Display,EUR,"80,112",--,95,60.12,0.00,0.00
Total: Campaigns,--,--,--,EUR,"106,677","2,932",895,"2,643.23",11.00,990.00
Total: Account,--,--,--,EUR,"106,677","2,932",895,"2,643.23",11.00,990.00
"""

EXPECTED = [
    # (line, date, campaign_id, campaign_name, currency, spend, impressions, clicks, conversions, platform_revenue)
    (4, date(2026, 9, 1), "21456789012", "Brand video – TrueView", "EUR",
     Decimal("142.57"), 12345, 211, Decimal("2.00"), Decimal("180.00")),
    (6, date(2026, 9, 2), "21456789012", "Brand video – TrueView", "EUR",
     Decimal("1130.10"), 11010, 187, None, None),
]


def _rows(loaded):
    return [
        (row["line"], row["date"], row["campaign_id"], row["campaign_name"], row["currency"], row["spend"],
         row["impressions"], row["clicks"], row["conversions"], row["platform_revenue"])
        for row in loaded.rows
    ]


def test_csv_download_keeps_only_video_campaigns_and_skips_totals(tmp_path):
    loaded = load_export(tmp_path, "youtube", "Campaign report.csv", CSV_DOWNLOAD.encode("utf-8"))
    assert loaded.report.rejected == {}
    assert loaded.report.rows_loaded == 2  # no Search, no Display, no Total rows
    assert _rows(loaded) == EXPECTED


EXCEL_DOWNLOAD = """Campaign report
September 1, 2026 - September 2, 2026
Day\tCampaign ID\tCampaign\tCampaign type\tCurrency code\tImpr.\tTrueView views\tClicks\tCost\tConversions\tConv. value
2026-09-01\t21456789012\tBrand video – TrueView\tVideo\tEUR\t12,345\t1,530\t211\t142.57\t2.00\t180.00
2026-09-01\t21456789013\tBrand search – exact\tSearch\tEUR\t3,210\t--\t402\t1,310.44\t9.00\t810.00
2026-09-02\t21456789012\tBrand video – TrueView\tVideo\tEUR\t11,010\t1,402\t187\t"1,130.10"\t--\t--
2026-09-02\t21456789014\tProspecting – Display\tDisplay\tEUR\t80,112\t--\t95\t60.12\t0.00\t0.00
Total: Campaigns\t--\t--\t--\tEUR\t106,677\t2,932\t895\t2,643.23\t11.00\t990.00
Total: Account\t--\t--\t--\tEUR\t106,677\t2,932\t895\t2,643.23\t11.00\t990.00
"""


def test_excel_csv_download_utf16_tab_gives_the_same_rows(tmp_path):
    loaded = load_export(tmp_path, "youtube", "Campaign report.csv", utf16(EXCEL_DOWNLOAD))
    assert loaded.report.rejected == {}
    assert _rows(loaded) == EXPECTED


def test_views_and_impressions_header_names_are_read(tmp_path):
    content = """Campaign report
"September 3, 2026 - September 3, 2026"
Day,Campaign ID,Campaign,Campaign type,Currency code,Impressions,Views,Clicks,Cost,Conversions,Conv. value
2026-09-03,21456789015,UK – Product demo,Video,GBP,"7,204",911,64,58.20,1.00,240.00
"""
    loaded = load_export(tmp_path, "youtube", "report.csv", content.encode("utf-8"))
    assert loaded.report.rejected == {}
    assert _rows(loaded) == [
        (4, date(2026, 9, 3), "21456789015", "UK – Product demo", "GBP",
         Decimal("58.20"), 7204, 64, Decimal("1.00"), Decimal("240.00")),
    ]


def test_missing_campaign_type_column_is_rejected_naming_it(tmp_path):
    content = """Campaign report
"September 1, 2026 - September 1, 2026"
Day,Campaign ID,Campaign,Currency code,Impr.,TrueView views,Clicks,Cost,Conversions,Conv. value
2026-09-01,21456789012,Brand video – TrueView,EUR,"12,345","1,530",211,142.57,2.00,180.00
"""
    loaded = load_export(tmp_path, "youtube", "no-type.csv", content.encode("utf-8"))
    assert loaded.rows == []
    message = loaded.report.rejected["youtube/123/no-type.csv"]
    assert "no Google Ads campaign report header row found" in message
    assert "line 3 looks like the en header but lacks 'Campaign type'" in message


def test_a_report_without_the_day_segment_is_rejected_saying_how_to_add_it(tmp_path):
    # Not segmented by day: one row per campaign for the preamble's whole range, and no `Day` column.
    content = """Campaign report
"September 1, 2026 - September 30, 2026"
Campaign ID,Campaign,Campaign type,Currency code,Impr.,TrueView views,Clicks,Cost,Conversions,Conv. value
21456789012,Brand video – TrueView,Video,EUR,"312,345","41,530","5,211","4,142.57",52.00,"4,680.00"
Total: Account,--,--,EUR,"312,345","41,530","5,211","4,142.57",52.00,"4,680.00"
"""
    loaded = load_export(tmp_path, "youtube", "Campaign report.csv", content.encode("utf-8"))
    assert loaded.rows == []
    assert loaded.report.rejected["youtube/123/Campaign report.csv"] == (
        "youtube/123/Campaign report.csv: no Google Ads campaign report header row found in the first 60 lines "
        "(expected 'Day', 'Campaign', 'Campaign type', 'Cost', 'Impr.', 'Clicks'); line 3 looks "
        "like the en header but lacks 'Day': segment the report by day (Segment > Time > Day) and download it again"
    )


def test_a_report_without_campaign_id_is_keyed_by_name_and_without_clicks_says_how_to_add_them(tmp_path):
    # Google Ads' default campaign columns have no `Campaign ID`; with `Clicks` added, the report loads by name.
    default = """Campaign report
"September 1, 2026 - September 1, 2026"
Day,Campaign,Campaign type,Currency code,Impr.,Views,Clicks,Cost,Conversions,Conv. value
2026-09-01,Brand video – TrueView,Video,EUR,"12,345","1,530",211,142.57,2.00,180.00
Total: Campaigns,--,--,EUR,"12,345","1,530",211,142.57,2.00,180.00
"""
    loaded = load_export(tmp_path, "youtube", "Campaign report.csv", default.encode("utf-8"), account_id="7712345678")
    assert loaded.report.rejected == {}
    assert _rows(loaded) == [
        (4, date(2026, 9, 1), "name:7712345678:Brand video – TrueView", "Brand video – TrueView", "EUR",
         Decimal("142.57"), 12345, 211, Decimal("2.00"), Decimal("180.00")),
    ]

    no_clicks = default.replace(",Clicks", "").replace(",211", "")
    loaded = load_export(tmp_path / "again", "youtube", "Campaign report.csv", no_clicks.encode("utf-8"))
    assert loaded.report.rejected["youtube/123/Campaign report.csv"].endswith(
        "line 3 looks like the en header but lacks 'Clicks'; add 'Clicks' in Google Ads: Campaigns > Columns > "
        "Modify columns, Apply, then Download again (segmented by Segment > Time > Day)"
    )
