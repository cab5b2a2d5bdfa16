"""Every line of every export accounted for: line ends, encodings, blank lines, total rows, quoted multi-line cells.

A file is read right whatever ends its lines (LF, CRLF, CR, a mixture) and whatever it is encoded in (UTF-8 with or
without a BOM, UTF-16 LE or BE, Windows-1252); raw.export_files says how its lines divide, and the loaded numbers
are the file's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import load_export, run_pipeline, touch

RECONCILED = ("SELECT lines, header_line, blank_lines, rows, summary_rows, skipped_rows, continuation_lines "
              "FROM raw.export_files WHERE status = 'loaded' ORDER BY path")  # fmt: skip


def registry(tmp_path) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "parse.duckdb"), read_only=True) as con:
        return con.execute(RECONCILED).fetchall()


def reconciles(lines, header_line, blank_lines, rows, summary_rows, skipped_rows, continuation_lines) -> bool:
    return lines == header_line + blank_lines + rows + summary_rows + skipped_rows + continuation_lines


# --- The LinkedIn export: a preamble ending in LF above a table ending in CRLF ----------------------------


def test_a_linkedin_export_with_an_lf_preamble_above_a_crlf_table_loads_every_row(sample, expected):
    """Once recorded as loaded with 0 rows (DuckDB's reader picks one line end for the whole file)."""
    folder = sample / "data" / "exports" / "linkedin" / "508765432"
    export = next(folder.glob("*2026-10-01.csv"))
    moment = datetime.fromtimestamp(export.stat().st_mtime)
    text = export.read_bytes().decode("utf-16")
    preamble, table = text.split("\r\n\r\n", 1)
    assert preamble.startswith("Campaign Performance Report") and table.startswith("Start Date (in UTC)")
    export.write_bytes(b"\xff\xfe" + (preamble.replace("\r\n", "\n") + "\n\n" + table).encode("utf-16-le"))
    touch(export, moment)

    run = run_pipeline(sample / "roi.toml")
    assert run.problems == []
    account = expected["accounts"]["linkedin/508765432"]
    assert run.query(
        "SELECT sum(spend_original) FROM marts.campaign_daily WHERE channel = 'linkedin' AND account_id = '508765432'"
    ) == [(Decimal(account["spend"]),)]
    [(lines, header_line, blank_lines, rows, summary_rows, skipped_rows, continuation)] = run.query(
        RECONCILED.replace("ORDER BY", "AND path = ? ORDER BY"), [f"linkedin/508765432/{export.name}"]
    )
    assert rows == table.count("\r\n") - 1 - summary_rows and rows > 0
    assert header_line == 6 and reconciles(lines, header_line, blank_lines, rows, summary_rows, skipped_rows,
                                           continuation)  # fmt: skip


# --- Every line end and encoding ---------------------------------------------------------------------------------

PREAMBLE = [
    "Campaign Performance Report (in UTC)",
    '"Report Start: September 1, 2026, 12:00 AM"',
    '"Report End: September 2, 2026, 11:59 PM"',
    '"Date Generated: September 3, 2026, 9:15 AM"',
    "",
]
TABLE = [
    "Start Date (in UTC)\tAccount Name\tCurrency\tCampaign ID\tCampaign Name\tTotal Spent\tImpressions\tClicks",
    "9/1/2026\tAcme SAS\tEUR\t612345001\tÉvénement Paris – décideurs €\t55.39\t3422\t11",
    "9/2/2026\tAcme SAS\tEUR\t612345001\tÉvénement Paris – décideurs €\t26.03\t1930\t6",
    "Total\t\t\t\t\t81.42\t5352\t17",
]
ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8 with BOM": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "utf-16 LE with BOM": lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
    "utf-16 LE": lambda text: text.encode("utf-16-le"),
    "utf-16 BE with BOM": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "utf-16 BE": lambda text: text.encode("utf-16-be"),
    "windows-1252": lambda text: text.encode("cp1252"),
}
LINE_ENDS = {
    "LF": ["\n"] * 9,
    "CRLF": ["\r\n"] * 9,
    "CR": ["\r"] * 9,
    "LF preamble, CRLF table": ["\n"] * 5 + ["\r\n"] * 4,
    "CRLF preamble, LF table": ["\r\n"] * 5 + ["\n"] * 4,
    "each its own": ["\r\n", "\n", "\r", "\n", "\r\n", "\r", "\r\n", "\n", "\r"],
}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("line_ends", LINE_ENDS)
def test_every_line_end_and_encoding_reads_the_same_rows(tmp_path, encoding, line_ends):
    lines = PREAMBLE + TABLE
    text = "".join(line + end for line, end in zip(lines, LINE_ENDS[line_ends]))
    loaded = load_export(tmp_path, "linkedin", "report.csv", ENCODINGS[encoding](text))
    assert loaded.report.rejected == {}
    assert [(row["line"], row["date"], row["campaign_name"], row["spend"], row["impressions"], row["clicks"])
            for row in loaded.rows] == [  # fmt: skip
        (7, date(2026, 9, 1), "Événement Paris – décideurs €", Decimal("55.39"), 3422, 11),
        (8, date(2026, 9, 2), "Événement Paris – décideurs €", Decimal("26.03"), 1930, 6),
    ]
    assert registry(tmp_path) == [(9, 6, 0, 2, 1, 0, 0)]


def test_line_ends_that_change_past_the_head_of_a_large_file_still_load_every_row(tmp_path):
    """The layout sees only the head: a file whose lines end differently further down is found out by its count."""
    header = "ID,Campaign,Time,Spend,Impressions,Clicks"
    rows = [f"c{n % 7},Campaign {n % 7},{date(2026, 1, 1) + timedelta(days=n // 7)},{n}.25,{n * 3},{n % 11}"
            for n in range(9000)]  # fmt: skip
    text = header + "\r\n" + "\r\n".join(rows[:7000]) + "\r\n" + "\n".join(rows[7000:]) + "\n"
    assert len(text.encode()) > 256 * 1024 and text.index("\n", text.index(rows[7000])) > 256 * 1024
    loaded = load_export(tmp_path, "twitter", "campaigns.csv", text.encode("utf-8"))
    assert loaded.report.rejected == {}
    assert loaded.report.rows_loaded == 9000
    assert sum(row["spend"] for row in loaded.rows) == sum(Decimal(f"{n}.25") for n in range(9000))
    assert [row["line"] for row in loaded.rows] == list(range(2, 9002))
    assert registry(tmp_path) == [(9001, 1, 0, 9000, 0, 0, 0)]


def test_windows_1252_characters_are_read_as_windows_writes_them(tmp_path):
    """Dashes, quotes and the euro sign are bytes 0x80-0x9F there, control characters in latin-1."""
    text = ("ID,Campaign,Time,Spend,Impressions,Clicks\r\n"
            "2wap7,Q3 – “Summit” €uro,2026-09-01,41.27,18342,301\r\n")  # fmt: skip
    assert b"\x96" in text.encode("cp1252")
    loaded = load_export(tmp_path, "twitter", "campaigns.csv", text.encode("cp1252"))
    assert [row["campaign_name"] for row in loaded.rows] == ["Q3 – “Summit” €uro"]


# --- Total and summary rows by their shape -----------------------------------------------------------------------


def test_an_x_total_row_with_an_empty_first_cell_is_skipped_and_counted(tmp_path):
    text = ("ID,Campaign,Campaign URL,Time,Spend,Impressions,Clicks\n"
            "2wap7,Autumn launch,https://ads.x.com/campaigns/2wap7,2026-09-01,41.27,18342,301\n"
            "2wap7,Autumn launch,https://ads.x.com/campaigns/2wap7,2026-09-02,38.90,17011,280\n"
            ",Total,,,80.17,35353,581\n")  # fmt: skip
    loaded = load_export(tmp_path, "twitter", "campaigns.csv", text.encode("utf-8"))
    assert loaded.report.rejected == {}
    assert [(row["date"], row["spend"]) for row in loaded.rows] == [
        (date(2026, 9, 1), Decimal("41.27")), (date(2026, 9, 2), Decimal("38.90"))]
    assert registry(tmp_path) == [(4, 1, 0, 2, 1, 0, 0)]


def test_a_google_ads_report_accounts_for_its_preamble_blank_lines_totals_and_other_campaign_types(tmp_path):
    text = ("Campaign report\r\n"
            '"September 1, 2026 - September 2, 2026"\r\n'
            "Day,Campaign ID,Campaign,Campaign type,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\r\n"
            "2026-09-01,21456789012,Brand video – TrueView,Video,EUR,\"12,345\",120,142.57,2.00,180.00\r\n"
            "2026-09-01,21456789013,Brand search,Search,EUR,900,40,22.10,1.00,50.00\r\n"
            "\r\n"
            "2026-09-02,21456789012,Brand video – TrueView,Video,EUR,\"11,010\",101,130.10,0.00,0.00\r\n"
            "Total: Campaigns,--,--,--,EUR,\"24,255\",261,294.77,3.00,230.00\r\n"
            "Total: Account,--,--,--,EUR,\"24,255\",261,294.77,3.00,230.00\r\n")  # fmt: skip
    loaded = load_export(tmp_path, "youtube", "Campaign report.csv", text.encode("utf-8"))
    assert loaded.report.rejected == {}
    assert [(row["line"], row["spend"]) for row in loaded.rows] == [(4, Decimal("142.57")), (7, Decimal("130.10"))]
    assert registry(tmp_path) == [(9, 3, 1, 2, 2, 1, 0)]


def test_a_total_label_alone_does_not_hide_a_row_that_has_a_day(tmp_path):
    """`Total` is a summary only on a row without a day: a campaign called Total is data."""
    text = ("ID,Campaign,Time,Spend,Impressions,Clicks\n"
            "2wap7,Total,2026-09-01,41.27,18342,301\n")  # fmt: skip
    loaded = load_export(tmp_path, "twitter", "campaigns.csv", text.encode("utf-8"))
    assert [(row["campaign_name"], row["spend"]) for row in loaded.rows] == [("Total", Decimal("41.27"))]


def test_a_row_without_a_day_that_is_no_total_rejects_the_file(tmp_path):
    text = ("ID,Campaign,Time,Spend,Impressions,Clicks\n"
            "2wap7,Autumn launch,2026-09-01,41.27,18342,301\n"
            "2wap7,Autumn launch,,38.90,17011,280\n")  # fmt: skip
    loaded = load_export(tmp_path, "twitter", "campaigns.csv", text.encode("utf-8"))
    assert loaded.rows == []
    assert loaded.report.rejected == {
        "twitter/123/campaigns.csv": "twitter/123/campaigns.csv, line 3, column 'Time': empty cell, which every row needs"
    }


# --- Generated exports: loaded + skipped lines reconcile, the numbers are the generator's ------------------------

NAMES = ["Autumn launch", "Événement – Paris", "Q3 \"Summit\", €", "two\nlines", "Total recall"]


@st.composite
def exports(draw):
    """An X campaign export as some tool might write it: any line ends, encoding and BOM, blank lines, a total row,
    quoted cells with separators, quotes and newlines."""
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "cp1252"]))
    bom = draw(st.booleans()) and encoding.startswith("utf-16")
    delimiter = "\t" if encoding.startswith("utf-16") else ","
    rows = draw(st.lists(st.tuples(
        st.integers(0, 4), st.integers(0, 60), st.decimals(0, 99999, places=2), st.integers(0, 10**7),
        st.integers(0, 10**5)), min_size=1, max_size=25))  # fmt: skip
    lines = [delimiter.join(["ID", "Campaign", "Time", "Spend", "Impressions", "Clicks"])]
    blank_lines = 0
    for campaign, day, spend, impressions, clicks in rows:
        if draw(st.integers(0, 5)) == 0:
            lines.append("")
            blank_lines += 1
        name = '"' + NAMES[campaign].replace('"', '""') + '"'
        lines.append(delimiter.join([f"c{campaign}", name, str(date(2026, 9, 1) + timedelta(days=day)),
                                     str(spend), str(impressions), str(clicks)]))  # fmt: skip
    total = draw(st.booleans())
    if total:
        lines.append(delimiter.join(["", "Total", "", str(sum(row[2] for row in rows)), "", ""]))
    ends = draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=len(lines), max_size=len(lines)))
    if draw(st.booleans()):
        ends = [ends[0]] * len(lines)
    for index in range(1, len(lines)):
        if ends[index - 1] == "\r" and lines[index] == "" and ends[index] == "\n":
            ends[index] = "\r"  # CR then an empty line ending in LF would be one CRLF
    text = "".join(line + end for line, end in zip(lines, ends))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no line end after the last line
    data = (b"\xff\xfe" if bom and encoding == "utf-16-le" else b"\xfe\xff" if bom else b"") + text.encode(encoding)
    physical = len(lines) + sum(NAMES[row[0]].count("\n") for row in rows)
    return data, rows, blank_lines, int(total), physical


@settings(max_examples=30, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(generated=exports())
def test_generated_exports_reconcile_line_for_line_and_load_the_generators_numbers(tmp_path_factory, generated):
    data, rows, blank_lines, summary_rows, physical_lines = generated
    tmp_path = tmp_path_factory.mktemp("generated")
    loaded = load_export(tmp_path, "twitter", "campaigns.csv", data)
    assert loaded.report.rejected == {}
    assert [(row["campaign_id"], row["campaign_name"], row["date"], row["spend"], row["impressions"], row["clicks"])
            for row in loaded.rows] == [  # fmt: skip
        (f"c{campaign}", NAMES[campaign], date(2026, 9, 1) + timedelta(days=day), spend, impressions, clicks)
        for campaign, day, spend, impressions, clicks in rows
    ]
    [counts] = registry(tmp_path)
    assert reconciles(*counts)
    lines, header_line, blanks, loaded_rows, summaries, skipped, continuation = counts
    assert (lines, header_line, blanks, loaded_rows, summaries, skipped) == (
        physical_lines, 1, blank_lines, len(rows), summary_rows, 0)
    assert continuation == sum(NAMES[row[0]].count("\n") for row in rows)


def test_a_file_whose_rows_the_reader_does_not_all_read_is_rejected_naming_the_first_one(tmp_path):
    """A quote left open in a preamble line (an edited file) makes DuckDB's reader take the rest of the file for one
    quoted cell: 0 rows read where the table has 3. Once loaded as 0 rows; now refused, nothing of it loaded."""
    lines = PREAMBLE[:1] + ['"Report Start: September 1, 2026, 12:00 AM'] + PREAMBLE[2:] + TABLE[:2] + [""] + TABLE[2:]
    loaded = load_export(tmp_path, "linkedin", "report.csv", ENCODINGS["utf-16 LE with BOM"]("\r\n".join(lines) + "\r\n"))
    assert loaded.rows == []
    assert loaded.report.rejected == {"linkedin/123/report.csv": (
        "linkedin/123/report.csv, line 7: 3 rows follow the header but 0 could be read as LinkedIn Campaign Manager "
        "rows, so some lines are unaccounted for (a file cut short or changed while it was read, or a quote left "
        "open); nothing of the file was loaded")}
    assert registry(tmp_path) == []
