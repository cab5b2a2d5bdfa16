"""Reading an export safely: rows cut short, numbers outside the file's locale, files that change or are still being
written, and days no export can hold. Each case a real run over the sample (or a real file through load_export)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tests.conftest import load_export, roi, touch
from tests.test_bad_input import account_folder

US_META = ("facebook", "2345678901")
US_EXPORT = "Acme-US-Campaigns-1-Sep-2026-30-Sep-2026_2026-10-01.csv"
SEPTEMBER = ("--start", "2026-09-01", "--end", "2026-09-30")


def account_spend(sample, channel, account_id):
    from pipelines.config import load_config
    import duckdb

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
