"""Files of one shape read as one batch: each file keeps its own line numbers, first bad cell and registry row, and
a reload replaces, keeps or removes each file's rows on its own."""

import os
from datetime import date
from decimal import Decimal

import duckdb

from connectors.channels import EXPORT_FORMATS
from connectors.ecb.reference_rates import detect_rates_layout
from tests.conftest import ECB_HEADER, utf16
from warehouse.exports import find_export_files, sync_exports
from warehouse.fx import load_fx_rates
from warehouse.schema import AD_TABLES, ensure_schema

HEADER = "Start Date (in UTC)\tCurrency\tCampaign ID\tCampaign Name\tTotal Spent\tImpressions\tClicks\tConversions\n"
PREAMBLE = """Campaign Performance Report (in UTC)
"Report Start: September 1, 2026, 12:00 AM"
"Report End: September 30, 2026, 11:59 PM"
"Date Generated: October 1, 2026, 8:00 AM"

"""


def export(*rows: str) -> bytes:
    """A LinkedIn export: its header on line 6, so its first row is on line 7."""
    return utf16(PREAMBLE + HEADER + "".join(row + "\n" for row in rows))


def row(day: int, spend: str = "10.00", campaign: str = "612345001") -> str:
    return f"9/{day}/2026\tEUR\t{campaign}\tParis – IT\t{spend}\t100\t5\t1"


def write(folder, name: str, content: bytes, mtime: int) -> None:
    path = folder / name
    path.write_bytes(content)
    os.utime(path, (mtime, mtime))


def sync(con, exports):
    scan = find_export_files(exports, "linkedin", per_account=True)
    return sync_exports(con, scan, "linkedin", AD_TABLES["linkedin"], EXPORT_FORMATS["linkedin"],
                        {"123": "EUR"})  # fmt: skip


def rows(con):
    return con.execute("SELECT source, line, date, spend FROM raw.linkedin_ads ORDER BY source, line").fetchall()


def changed_days(con):
    days = {day for (day,) in con.execute("SELECT date FROM raw.changed_days").fetchall()}
    con.execute("DELETE FROM raw.changed_days")
    return days


def test_a_batch_numbers_checks_and_records_each_file_on_its_own(tmp_path):
    exports = tmp_path / "exports"
    folder = exports / "linkedin" / "123"
    folder.mkdir(parents=True)
    rates = tmp_path / "rates.csv"
    rates.write_text(ECB_HEADER + "\n2026-09-01,1.1650,172.45,N/A,24.512,7.4630,0.86230,395.10,4.2630,5.0765,11.0450,"
                     "0.9350,\n", encoding="utf-8")  # fmt: skip
    write(folder, "a.csv", export(row(1), row(2)), 1_790_000_000)
    # A blank line and a value over two lines shift b's later rows; its bad cell is on line 11.
    write(folder, "b.csv", export(row(3), "", row(4).replace("Paris – IT", '"Paris\n– IT"'), row(5, "1O.00")),
          1_790_000_100)  # fmt: skip
    write(folder, "c.csv", export(row(6), "", row(7)), 1_790_000_200)
    # A row with a campaign but no day is data, and rejects its file.
    write(folder, "d.csv", export(row(8), "\t\t612345001\t\t\t\t\t"), 1_790_000_300)
    write(folder, "e.csv", export(), 1_790_000_350)  # no rows yet: loaded, holding none
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_schema(con)
        load_fx_rates(con, detect_rates_layout(rates))
        report = sync(con, exports)
        assert report.loaded == ["linkedin/123/a.csv", "linkedin/123/c.csv", "linkedin/123/e.csv"]
        assert report.rows_loaded == 4
        assert report.rejected == {
            "linkedin/123/b.csv": "linkedin/123/b.csv, line 11, column 'Total Spent': cannot read '1O.00' as a number",
            "linkedin/123/d.csv": "linkedin/123/d.csv, line 8, column 'Start Date (in UTC)': "
            "empty cell, which every row needs",
        }
        assert rows(con) == [
            ("linkedin/123/a.csv", 7, date(2026, 9, 1), Decimal("10.00")),
            ("linkedin/123/a.csv", 8, date(2026, 9, 2), Decimal("10.00")),
            ("linkedin/123/c.csv", 7, date(2026, 9, 6), Decimal("10.00")),
            ("linkedin/123/c.csv", 9, date(2026, 9, 7), Decimal("10.00")),
        ]
        assert changed_days(con) == {date(2026, 9, day) for day in (1, 2, 6, 7)}
        registry = con.execute(
            "SELECT path, status, rows, first_day, last_day FROM raw.export_files ORDER BY path"
        ).fetchall()
        assert [entry[:2] for entry in registry] == [
            ("linkedin/123/a.csv", "loaded"), ("linkedin/123/b.csv", "rejected"), ("linkedin/123/c.csv", "loaded"),
            ("linkedin/123/d.csv", "rejected"), ("linkedin/123/e.csv", "loaded"),
        ]
        assert registry[0][2:] == (2, date(2026, 9, 1), date(2026, 9, 2))
        assert registry[2][2:] == (2, date(2026, 9, 6), date(2026, 9, 7))
        assert registry[4][2:] == (0, None, None)

        # Restated c, fixed b, deleted a, d unchanged (still rejected, not read again).
        write(folder, "b.csv", export(row(3), "", row(4, "20.00")), 1_790_000_400)
        write(folder, "c.csv", export(row(6, "30.00")), 1_790_000_500)
        (folder / "a.csv").unlink()
        report = sync(con, exports)
        assert report.loaded == ["linkedin/123/b.csv", "linkedin/123/c.csv"]
        assert report.unchanged == ["linkedin/123/e.csv"]
        assert report.removed == ["linkedin/123/a.csv"]
        assert list(report.rejected) == ["linkedin/123/d.csv"]
        assert rows(con) == [
            ("linkedin/123/b.csv", 7, date(2026, 9, 3), Decimal("10.00")),
            ("linkedin/123/b.csv", 9, date(2026, 9, 4), Decimal("20.00")),
            ("linkedin/123/c.csv", 7, date(2026, 9, 6), Decimal("30.00")),
        ]
        # The old rows' days (c's 9/7, a's) change as much as the new ones'.
        assert changed_days(con) == {date(2026, 9, day) for day in (1, 2, 3, 4, 6, 7)}

        report = sync(con, exports)
        assert report.unchanged == ["linkedin/123/b.csv", "linkedin/123/c.csv", "linkedin/123/e.csv"]
        assert changed_days(con) == set()
