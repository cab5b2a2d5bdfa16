"""CRM attributed-revenue export: `deal_id,close_date,channel,campaign_id,amount,currency`, every cell required."""

from datetime import date
from decimal import Decimal

from tests.conftest import load_export

HEADER = "deal_id,close_date,channel,campaign_id,amount,currency\n"


def test_rows_are_read_exactly(tmp_path):
    content = HEADER + (
        "D-2026-0412,2026-09-03,linkedin,612345001,12500.00,EUR\n"
        "D-2026-0418,2026-09-07,facebook,120210000000000001,4999.99,USD\n"
        "D-2026-0423,2026-09-15,youtube,21456789012,830.5,GBP\n"
        "D-2026-0430,2026-09-30,twitter,2wap7,1200000,JPY\n"
    )
    loaded = load_export(tmp_path, "crm", "won_deals_2026-09.csv", content.encode("utf-8"))
    assert loaded.report.rejected == {}
    assert loaded.report.loaded == ["crm/won_deals_2026-09.csv"]
    assert [
        (row["line"], row["deal_id"], row["close_date"], row["channel"], row["campaign_id"], row["amount"],
         row["currency"])
        for row in loaded.rows
    ] == [
        (2, "D-2026-0412", date(2026, 9, 3), "linkedin", "612345001", Decimal("12500.00"), "EUR"),
        (3, "D-2026-0418", date(2026, 9, 7), "facebook", "120210000000000001", Decimal("4999.99"), "USD"),
        (4, "D-2026-0423", date(2026, 9, 15), "youtube", "21456789012", Decimal("830.50"), "GBP"),
        (5, "D-2026-0430", date(2026, 9, 30), "twitter", "2wap7", Decimal("1200000"), "JPY"),
    ]


def _rejection(tmp_path, rows: str) -> str:
    loaded = load_export(tmp_path, "crm", "deals.csv", (HEADER + rows).encode("utf-8"))
    assert loaded.rows == []  # nothing of a rejected file is loaded, not even its good rows
    assert loaded.report.loaded == []
    return loaded.report.rejected["crm/deals.csv"]


def test_unknown_channel_is_rejected_naming_line_and_column(tmp_path):
    message = _rejection(tmp_path,
                         "D-2026-0412,2026-09-03,linkedin,612345001,12500.00,EUR\n"
                         "D-2026-0413,2026-09-04,tiktok,7345001122,900.00,EUR\n")
    assert message == ("crm/deals.csv, line 3, column 'channel': "
                       "'tiktok' is not one of linkedin, twitter, facebook, youtube")


def test_empty_amount_is_rejected(tmp_path):
    message = _rejection(tmp_path,
                         "D-2026-0412,2026-09-03,linkedin,612345001,12500.00,EUR\n"
                         "D-2026-0414,2026-09-05,linkedin,612345001,,EUR\n")
    assert message == "crm/deals.csv, line 3, column 'amount': empty cell, which every row needs"


def test_unknown_currency_is_rejected(tmp_path):
    message = _rejection(tmp_path, "D-2026-0415,2026-09-06,youtube,21456789012,2500000,ARS\n")
    assert message.startswith("crm/deals.csv, line 2, column 'currency': unknown currency 'ARS'")


def test_bad_close_date_is_rejected_with_line_and_column(tmp_path):
    message = _rejection(tmp_path,
                         "D-2026-0412,2026-09-03,linkedin,612345001,12500.00,EUR\n"
                         "D-2026-0416,2026-09-08,linkedin,612345001,300.00,EUR\n"
                         "D-2026-0417,2026-13-01,facebook,120210000000000001,640.00,EUR\n")
    assert message == "crm/deals.csv, line 4, column 'close_date': cannot read '2026-13-01' as a date"
