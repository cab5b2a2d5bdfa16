"""Reading an export safely: rows cut short, numbers outside the file's locale, files that change or are still being
written, and days no export can hold. Each case a real run over the sample (or a real file through load_export)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import duckdb

from connectors.channels import EXPORT_FORMATS
from pipelines.config import load_config
from tests.conftest import load_export, roi, touch
from tests.test_bad_input import account_folder
from warehouse.exports import SETTLE_SECONDS, AccountExportSettings, find_export_files, sync_exports
from warehouse.schema import AD_TABLES
from warehouse.status import AccountStatus

US_META = ("facebook", "2345678901")
US_EXPORT = "Acme-US-Campaigns-1-Sep-2026-30-Sep-2026_2026-10-01.csv"
SEPTEMBER = ("--start", "2026-09-01", "--end", "2026-09-30")


def account_spend(sample, channel, account_id):
    with duckdb.connect(str(load_config(sample / "roi.toml").working_database), read_only=True) as con:
        return con.execute(
            f"SELECT count(*), sum(spend) FROM raw.{channel}_ads WHERE account_id = ?", [account_id]
        ).fetchone()


def test_a_download_cut_off_mid_row_is_rejected_and_the_previous_rows_stay(sample):
    first = roi("run", *SEPTEMBER, config=sample / "roi.toml")
    assert first.returncode == 0, first.stdout + first.stderr
    before = account_spend(sample, *US_META)
    export = account_folder(sample, *US_META) / US_EXPORT
    content = export.read_bytes()
    assert content.endswith(b",157.12,177,4,311.16,Ongoing\n")
    export.write_bytes(content[: -len(b"2,177,4,311.16,Ongoing\n")])  # cut inside the last row's spend: 157.1
    touch(export, datetime(2026, 10, 2, 9, 0))

    second = roi("run", *SEPTEMBER, config=sample / "roi.toml")
    assert second.returncode == 1, second.stdout + second.stderr
    assert (
        f"facebook/2345678901/{US_EXPORT}, line 59: 12 cells where the header has 16 (the row is cut short: a "
        "download that stopped mid-row?)"
    ) in second.stderr
    assert account_spend(sample, *US_META) == before


# --- Numbers are read in the file's own locale only ----------------------------------------------------------------

META_HEADER = "Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD),Impressions,Link clicks\n"
META_ROW = "2026-09-01,2026-09-01,US – Lookalike,120210000000000001,{spend},{impressions},{clicks}\n"


def meta_export(tmp_path, spend="153.42", impressions="20881", clicks="418", header=META_HEADER):
    content = header + META_ROW.format(spend="149.07", impressions="19930", clicks="401").replace("-01,", "-02,")
    content += META_ROW.format(spend=spend, impressions=impressions, clicks=clicks)
    return load_export(tmp_path, "facebook", "Acme-Campaigns.csv", b"\xef\xbb\xbf" + content.encode("utf-8"))


def test_an_english_export_reads_comma_thousands_and_refuses_a_decimal_comma(tmp_path):
    grouped = meta_export(tmp_path / "a", spend='"1,234.56"', impressions='"1,020,881"')
    assert grouped.report.rejected == {}
    assert [(row["spend"], row["impressions"]) for row in grouped.rows][-1] == (Decimal("1234.56"), 1020881)

    for case, spend in (("b", '"1.234,56"'), ("c", '"12,34"')):
        refused = meta_export(tmp_path / case, spend=spend)
        assert refused.rows == []
        assert refused.report.rejected == {"facebook/123/Acme-Campaigns.csv": (
            f"facebook/123/Acme-Campaigns.csv, line 3, column 'Amount spent (USD)': cannot read "
            f"'{spend.strip(chr(34))}' as a number")}


def test_a_french_export_refuses_a_decimal_point(tmp_path):
    french = ("Début des rapports;Fin des rapports;Nom de la campagne;Identifiant de la campagne;"
              "Montant dépensé (EUR);Impressions;Clics sur un lien\n"
              "2026-09-01;2026-09-01;FR – Salon;120210000000000101;1\u202f234,56;12\u00a0345;1\u00a0018\n"
              "2026-09-02;2026-09-02;FR – Salon;120210000000000101;157.12;9\u202f870;802\n")
    loaded = load_export(tmp_path, "facebook", "Acme-Campagnes.csv", french.encode("utf-8"))
    assert loaded.report.rejected == {"facebook/123/Acme-Campagnes.csv": (
        "facebook/123/Acme-Campagnes.csv, line 3, column 'Montant dépensé (EUR)': cannot read '157.12' as a number")}


def test_underscores_and_negative_counts_are_refused(tmp_path):
    underscore = meta_export(tmp_path / "a", impressions="1_000")
    assert underscore.report.rejected == {"facebook/123/Acme-Campaigns.csv": (
        "facebook/123/Acme-Campaigns.csv, line 3, column 'Impressions': cannot read '1_000' as a whole number")}
    negative = meta_export(tmp_path / "b", clicks="-3")
    assert negative.report.rejected == {"facebook/123/Acme-Campaigns.csv": (
        "facebook/123/Acme-Campaigns.csv, line 3, column 'Link clicks': '-3' is negative, and a count never is")}
    assert underscore.rows == negative.rows == []


def test_a_duplicated_spend_column_is_refused_naming_both(tmp_path):
    header = META_HEADER.replace("Link clicks\n", "Link clicks,Amount spent (USD)\n")
    loaded = meta_export(tmp_path, header=header)
    assert loaded.rows == []
    assert loaded.report.rejected == {"facebook/123/Acme-Campaigns.csv": (
        "facebook/123/Acme-Campaigns.csv, line 1, column 'Amount spent (USD)': columns 5 'Amount spent (USD)' and 8 "
        "'Amount spent (USD)' both hold the spend: which one to read cannot be told; remove one and save the file "
        "again")}


# --- A file is read from one stable version -----------------------------------------------------------------------

def test_a_file_modified_within_the_settle_time_waits_for_a_later_run(sample):
    first = roi("run", *SEPTEMBER, config=sample / "roi.toml")
    assert first.returncode == 0, first.stdout + first.stderr
    count, spend = account_spend(sample, *US_META)
    export = account_folder(sample, *US_META) / US_EXPORT
    export.write_bytes(export.read_bytes().replace(b",157.12,", b",158.00,"))
    touch(export, datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(seconds=5))  # still being written?

    waiting = roi("run", *SEPTEMBER, config=sample / "roi.toml", settle=False)
    assert waiting.returncode == 0, waiting.stdout + waiting.stderr
    said = re.search(rf"^waiting: facebook/2345678901/{re.escape(US_EXPORT)}: modified (\d+) s ago, perhaps still "
                     r"being written; it will be read by a later run, once unchanged for 60 s$", waiting.stdout, re.M)
    assert said and int(said.group(1)) < SETTLE_SECONDS, waiting.stdout
    assert "every asset loaded and every check passed; 1 file(s) waiting for a later run; run " in waiting.stdout
    assert account_spend(sample, *US_META) == (count, spend)  # not loaded, not rejected: its rows stay

    touch(export, datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(seconds=SETTLE_SECONDS + 1))
    settled = roi("run", *SEPTEMBER, config=sample / "roi.toml")
    assert settled.returncode == 0, settled.stdout + settled.stderr
    assert "waiting:" not in settled.stdout
    assert account_spend(sample, *US_META) == (count, spend + Decimal("0.88"))


def _sync_meta(tmp_path, scan):
    with duckdb.connect(str(tmp_path / "parse.duckdb")) as con:
        report = sync_exports(con, scan, "facebook", AD_TABLES["facebook"], EXPORT_FORMATS["facebook"],
                              {"123": AccountExportSettings("EUR")})
        rows = con.execute(f"SELECT line, spend FROM {AD_TABLES['facebook']} ORDER BY line").fetchall()
    return report, rows


def test_a_file_changed_while_it_is_read_keeps_its_rows_and_is_read_by_the_next_run(tmp_path):
    loaded = meta_export(tmp_path, spend="157.12")
    assert [row["spend"] for row in loaded.rows] == [Decimal("149.07"), Decimal("157.12")]
    export = tmp_path / "exports" / "facebook" / "123" / "Acme-Campaigns.csv"
    touch(export, datetime(2026, 10, 2, 9, 0))
    listed = find_export_files(tmp_path / "exports", "facebook", per_account=True)
    # Rewritten after it was listed (a download replacing it): what is read is not the version listed.
    export.write_bytes(export.read_bytes().replace(b",157.12,", b",15"))
    touch(export, datetime(2026, 10, 2, 9, 1))

    report, rows = _sync_meta(tmp_path, listed)
    assert report.loaded == [] and report.rejected == {}
    assert report.waiting == {"facebook/123/Acme-Campaigns.csv": (
        "facebook/123/Acme-Campaigns.csv: changed while it was read; it will be read by the next run")}
    assert rows == [(2, Decimal("149.07")), (3, Decimal("157.12"))]  # the previous version's rows

    export.write_bytes(export.read_bytes().replace(b",15", b",158.65,"))
    touch(export, datetime(2026, 10, 2, 9, 2))
    report, rows = _sync_meta(tmp_path, find_export_files(tmp_path / "exports", "facebook", per_account=True))
    assert report.loaded == ["facebook/123/Acme-Campaigns.csv"] and report.waiting == {}
    assert rows == [(2, Decimal("149.07")), (3, Decimal("158.65"))]


# --- Dates -----------------------------------------------------------------------------------------------------------

def test_a_row_dated_after_tomorrow_or_before_history_start_is_rejected_and_cannot_make_the_account_fresh(sample):
    first = roi("run", *SEPTEMBER, config=sample / "roi.toml")
    assert first.returncode == 0, first.stdout + first.stderr
    before = account_spend(sample, *US_META)
    export = account_folder(sample, *US_META) / US_EXPORT
    good = export.read_bytes()
    last_row = good.splitlines(keepends=True)[-1]
    config = load_config(sample / "roi.toml")
    account = next(a for a in config.accounts if a.account_id == US_META[1])
    tomorrow = datetime.now(ZoneInfo(account.timezone)).date() + timedelta(days=1)
    for day, reason in (
        ("2099-09-01", f"'2099-09-01' is after {tomorrow}, tomorrow in the account's timezone: no export holds "
                       "days to come"),
        ("2025-12-31", "'2025-12-31' is before history_start 2026-01-01 in the config: days before it are not "
                       "loaded"),
    ):
        export.write_bytes(good + last_row.replace(b"2026-09-30,2026-09-30", f"{day},{day}".encode()))
        touch(export, datetime(2026, 10, 2, 9, 0))
        done = roi("run", *SEPTEMBER, config=sample / "roi.toml")
        assert done.returncode == 1, done.stdout + done.stderr
        assert f"facebook/2345678901/{US_EXPORT}, line 60, column 'Reporting starts': {reason}" in done.stderr
        assert account_spend(sample, *US_META) == before

    status = roi("status", config=sample / "roi.toml")
    line = next(line for line in status.stdout.splitlines() if line.startswith("facebook 2345678901"))
    assert " 2026-09-30 " in line and "fresh" not in line.split("2026-09-30", 1)[1], line


def test_rows_dated_after_tomorrow_loaded_before_cannot_make_an_account_fresh():
    state = AccountStatus("facebook", "2345678901", date(2099, 9, 1), None, None, None)
    assert state.problems(date(2026, 12, 5), freshness_days=3) == [
        "dated in the future: rows up to 2099-09-01 (loaded before such rows were refused)"]
    assert AccountStatus("facebook", "2345678901", date(2026, 12, 6), None, None, None).problems(
        date(2026, 12, 5), freshness_days=3) == []
