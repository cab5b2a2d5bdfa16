"""Rules every export shares: header detection, empty files, the folder layout, the configured accounts."""

from datetime import date
from decimal import Decimal

from tests.conftest import load_export, utf16

LINKEDIN_HEADER = ("Start Date (in UTC)\tCurrency\tCampaign ID\tCampaign Name\tTotal Spent\tImpressions\tClicks\t"
                   "Conversions\n")
LINKEDIN_EXPORT = utf16("""Campaign Performance Report (in UTC)
"Report Start: September 1, 2026, 12:00 AM"
"Report End: September 1, 2026, 11:59 PM"
"Date Generated: September 2, 2026, 8:00 AM"

""" + LINKEDIN_HEADER + "9/1/2026\tEUR\t612345001\tParis – IT\t55.39\t3422\t11\t1\n")


def test_file_without_a_recognisable_header_is_rejected(tmp_path):
    analytics = """# ----------------------------------------
# Acme website – Sessions by day
# 20260901-20260930
# ----------------------------------------

Day Index,Sessions
9/1/26,1520
9/2/26,1488
"""
    loaded = load_export(tmp_path, "linkedin", "analytics.csv", analytics.encode("utf-8"))
    assert loaded.rows == []
    assert loaded.report.rejected == {
        "linkedin/123/analytics.csv":
            "linkedin/123/analytics.csv: no LinkedIn Campaign Manager header row found in the first 60 lines "
            "(expected 'Start Date (in UTC)', 'Campaign Name', 'Total Spent', 'Impressions', 'Clicks')"
    }


def test_empty_file_is_rejected(tmp_path):
    loaded = load_export(tmp_path, "twitter", "campaigns.csv", b"")
    assert loaded.rows == []
    assert loaded.report.loaded == []
    assert loaded.report.rejected == {"twitter/123/campaigns.csv": "twitter/123/campaigns.csv: the file is empty"}


def test_file_outside_an_account_folder_is_rejected(tmp_path):
    stray = tmp_path / "exports" / "linkedin" / "campaign_performance_report.csv"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(LINKEDIN_EXPORT)
    loaded = load_export(tmp_path, "linkedin", "campaign_performance_report.csv", LINKEDIN_EXPORT)
    assert loaded.report.rejected == {
        "linkedin/campaign_performance_report.csv":
            "linkedin/campaign_performance_report.csv: "
            "expected linkedin/<account_id>/<file>.csv under the exports folder"
    }
    # Only the file in the account folder is loaded.
    assert loaded.report.loaded == ["linkedin/123/campaign_performance_report.csv"]
    assert [(row["source"], row["account_id"], row["spend"]) for row in loaded.rows] == [
        ("linkedin/123/campaign_performance_report.csv", "123", Decimal("55.39"))]


def test_account_folder_not_in_the_config_is_rejected(tmp_path):
    unknown = tmp_path / "exports" / "linkedin" / "508765432" / "campaign_performance_report.csv"
    unknown.parent.mkdir(parents=True)
    unknown.write_bytes(LINKEDIN_EXPORT)
    loaded = load_export(tmp_path, "linkedin", "campaign_performance_report.csv", LINKEDIN_EXPORT, account_id="123")
    assert loaded.report.rejected == {
        "linkedin/508765432/campaign_performance_report.csv":
            "linkedin/508765432/campaign_performance_report.csv: account 508765432 is not in the config (renamed or "
            "removed?): not loaded; put it back in the config, or run `roi forget linkedin 508765432` to remove its "
            "rows and leave its files alone until they change"
    }
    assert loaded.report.loaded == ["linkedin/123/campaign_performance_report.csv"]
    assert {row["account_id"] for row in loaded.rows} == {"123"}


def test_header_match_ignores_case_extra_spaces_and_no_break_spaces(tmp_path):
    content = ("START DATE (IN UTC)\t currency \tCampaign\u00a0ID\tcampaign  name\tTotal\u00a0Spent \t"
               "IMPRESSIONS\tClicks\n"
               "9/1/2026\tEUR\t612345001\tParis – IT\t55.39\t3422\t11\n"
               "9/2/2026\tEUR\t612345001\tParis – IT\t26.03\t1930\t6\n")
    loaded = load_export(tmp_path, "linkedin", "report.csv", utf16(content))
    assert loaded.report.rejected == {}
    assert [(row["date"], row["campaign_id"], row["campaign_name"], row["currency"], row["spend"],
             row["impressions"], row["clicks"]) for row in loaded.rows] == [
        (date(2026, 9, 1), "612345001", "Paris – IT", "EUR", Decimal("55.39"), 3422, 11),
        (date(2026, 9, 2), "612345001", "Paris – IT", "EUR", Decimal("26.03"), 1930, 6),
    ]


def test_error_names_the_column_as_the_file_writes_it(tmp_path):
    content = ("START DATE (IN UTC)\tCurrency\tCampaign\u00a0ID\tCampaign Name\tTotal\u00a0Spent\tImpressions\tClicks\n"
               "9/1/2026\tEUR\t612345001\tParis – IT\t55,39 €\t3422\t11\n")
    loaded = load_export(tmp_path, "linkedin", "report.csv", utf16(content))
    assert loaded.rows == []
    assert loaded.report.rejected == {
        "linkedin/123/report.csv":
            "linkedin/123/report.csv, line 2, column 'Total\u00a0Spent': cannot read '55,39 €' as a number"
    }


BLANK_LINE_EXPORT = utf16("""Campaign Performance Report (in UTC)
"Report Start: September 1, 2026, 12:00 AM"
"Report End: September 2, 2026, 11:59 PM"
"Date Generated: September 3, 2026, 9:15 AM"

""" + LINKEDIN_HEADER + """9/1/2026\tEUR\t612345001\tParis – IT\t55.39\t3422\t11\t1

9/2/2026\tEUR\t612345001\tParis – IT\t26.03\t1930\t6\t0
""")


def test_blank_line_between_rows_keeps_line_numbers_right(tmp_path):
    loaded = load_export(tmp_path, "linkedin", "report.csv", BLANK_LINE_EXPORT)
    assert loaded.report.rejected == {}
    assert [(row["line"], row["date"]) for row in loaded.rows] == [(7, date(2026, 9, 1)), (9, date(2026, 9, 2))]


def test_blank_line_between_rows_keeps_error_line_right(tmp_path):
    broken = BLANK_LINE_EXPORT.replace("26.03".encode("utf-16-le"), "26,0x".encode("utf-16-le"))
    loaded = load_export(tmp_path, "linkedin", "report.csv", broken)
    assert loaded.rows == []
    assert loaded.report.rejected == {
        "linkedin/123/report.csv": "linkedin/123/report.csv, line 9, column 'Total Spent': cannot read '26,0x' as a number"
    }


def test_utf16_characters_holding_a_newline_byte_do_not_shift_line_numbers(tmp_path):
    # 'Ċ' (U+010A) is written 0A 01 in UTF-16 LE: a newline byte that is not a newline.
    with_blank_line = BLANK_LINE_EXPORT.replace(b"P\x00a\x00", "Ċ".encode("utf-16-le"))
    without = with_blank_line.replace("\r\n\r\n9/2".encode("utf-16-le"), "\r\n9/2".encode("utf-16-le"))
    loaded = load_export(tmp_path / "a", "linkedin", "report.csv", without)
    assert [(row["line"], row["campaign_name"]) for row in loaded.rows] == [(7, "Ċris – IT"), (8, "Ċris – IT")]
    loaded = load_export(tmp_path / "b", "linkedin", "report.csv", with_blank_line)
    assert [row["line"] for row in loaded.rows] == [7, 9]


def test_files_of_one_shape_load_together_and_a_bad_one_is_rejected_alone(tmp_path):
    # Three downloads of one account, read as one batch: each keeps its own line numbers, and the one DuckDB's reader
    # refuses (a cell too many) is rejected alone, named with its line, while the others load.
    folder = tmp_path / "exports" / "linkedin" / "123"
    folder.mkdir(parents=True)
    second_day = BLANK_LINE_EXPORT.decode("utf-16").replace("9/1/2026", "9/3/2026").replace("9/2/2026", "9/4/2026")
    (folder / "a.csv").write_bytes(LINKEDIN_EXPORT)
    (folder / "b.csv").write_bytes(second_day.replace("\t26.03\t1930\t6\t0", "\t26.03\t1930\t6\t0\tnote").encode("utf-16"))
    loaded = load_export(tmp_path, "linkedin", "c.csv", second_day.encode("utf-16"))
    assert loaded.report.loaded == ["linkedin/123/a.csv", "linkedin/123/c.csv"]
    assert loaded.report.rejected == {
        "linkedin/123/b.csv": "linkedin/123/b.csv, line 9: 9 cells where the header has 8 "
        "(a separator inside an unquoted value?)"
    }
    assert [(row["source"], row["line"], row["date"], row["spend"]) for row in loaded.rows] == [
        ("linkedin/123/a.csv", 7, date(2026, 9, 1), Decimal("55.39")),
        ("linkedin/123/c.csv", 7, date(2026, 9, 3), Decimal("55.39")),
        ("linkedin/123/c.csv", 9, date(2026, 9, 4), Decimal("26.03")),
    ]
