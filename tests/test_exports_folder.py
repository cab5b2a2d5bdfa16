"""What the exports folder holds decides what is deleted, as users run `roi run`: only a file missing from a folder
that is there and readable loses its rows; a missing or empty exports folder, a vanished account folder, an
account no longer in the config, links leading outside and things that are not files are named, never silent."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from pipelines.config import load_config
from tests.conftest import roi
from warehouse.schema import AD_TABLES

SEPTEMBER = ("--start", "2026-09-01", "--end", "2026-09-30")
UK_TWITTER = "18ce54d4x5t"


def published(sample: Path) -> dict[str, tuple]:
    """Per raw table of the analysts' file: rows and total spend (amount for the CRM), per account."""
    with duckdb.connect(str(sample / "data" / "roi.duckdb"), read_only=True) as con:  # the config's warehouse
        totals = {
            table: tuple(con.execute(
                f"SELECT account_id, count(*), sum(spend) FROM {table} GROUP BY 1 ORDER BY 1").fetchall())
            for table in AD_TABLES.values()
        }
        totals["raw.crm_deals"] = con.execute("SELECT count(*), sum(amount) FROM raw.crm_deals").fetchone()
        totals["marts"] = con.execute("SELECT count(*), sum(spend) FROM marts.campaign_daily").fetchone()
    return totals


def rows_of(sample: Path, table: str, source: str) -> int:
    with duckdb.connect(str(sample / "data" / "roi.duckdb"), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table} WHERE source = ?", [source]).fetchone()[0]


def test_an_exports_folder_renamed_away_or_empty_removes_nothing(sample):
    config = sample / "roi.toml"
    assert roi("run", *SEPTEMBER, config=config).returncode == 0
    before = published(sample)
    assert before["raw.crm_deals"][0] > 0 and all(before[table] for table in AD_TABLES.values())
    exports = sample / "data" / "exports"
    away = exports.rename(sample / "data" / "exports-away")

    gone = roi("run", *SEPTEMBER, config=config)
    assert gone.returncode == 2
    assert f"exports_dir: folder {exports} does not exist" in gone.stderr
    assert published(sample) == before

    exports.mkdir()  # a share that did not mount: its mount point, empty
    empty = roi("run", *SEPTEMBER, config=config)
    assert empty.returncode == 1, empty.stdout
    assert (f"check raw/crm_deals:export_files_accepted: crm/deals_2026-09-20.csv: not found, and the exports folder "
            f"{exports} is empty or missing (not mounted?): its rows are kept and still published") in empty.stderr
    assert f"roi forget twitter {UK_TWITTER}" in empty.stderr
    assert f"published: {sample / 'data' / 'roi.duckdb'}" in empty.stdout
    assert published(sample) == before

    exports.rmdir()
    away.rename(exports)  # mounted again: everything as it was, every check passing
    back = roi("run", *SEPTEMBER, config=config)
    assert back.returncode == 0, back.stderr
    assert published(sample) == before


def test_a_vanished_account_folder_keeps_its_rows_until_forgotten(sample):
    config = sample / "roi.toml"
    exports = sample / "data" / "exports"
    assert roi("run", *SEPTEMBER, config=config).returncode == 0

    # One file deleted from a folder that is there: its rows go, as they always did.
    newer = "facebook/1234567890/Acme-France-Campaigns-10-Sep-2026-30-Sep-2026_2026-10-01.csv"
    older = "facebook/1234567890/Acme-France-Campaigns-1-Sep-2026-15-Sep-2026_2026-09-16.csv"
    older_rows = rows_of(sample, "raw.facebook_ads", older)
    assert rows_of(sample, "raw.facebook_ads", newer) > 0 and older_rows > 0
    (exports / newer).unlink()
    deleted = roi("run", *SEPTEMBER, config=config)
    assert deleted.returncode == 0, deleted.stderr
    assert rows_of(sample, "raw.facebook_ads", newer) == 0
    assert rows_of(sample, "raw.facebook_ads", older) == older_rows
    after_delete = published(sample)

    # A whole account folder gone: nothing removed, the run fails naming it.
    shutil.rmtree(exports / "twitter" / UK_TWITTER)
    vanished = roi("run", *SEPTEMBER, config=config)
    assert vanished.returncode == 1
    assert (f"check raw/twitter_ads:export_files_accepted: twitter/{UK_TWITTER}/x_ads_campaigns_2026-09-01_2026-09-30_"
            f"downloaded_2026-10-01.csv: not found, and its folder twitter/{UK_TWITTER}/ is missing from the exports "
            f"folder {exports}: its rows are kept and still published; if the folder was removed on purpose, run "
            f"`roi forget twitter {UK_TWITTER}` to remove them") in vanished.stderr
    assert published(sample) == after_delete
    status = roi("status", config=config)
    assert status.returncode == 1 and f"twitter/{UK_TWITTER}/ is missing" in status.stdout

    # Removed on purpose: `roi forget` takes exactly that account's rows, logged; the next run publishes it.
    forget = roi("forget", "twitter", UK_TWITTER, config=config)
    assert forget.returncode == 0, forget.stderr
    assert f"forgotten: twitter/{UK_TWITTER}/x_ads_campaigns_2026-09-01_2026-09-30_downloaded_2026-10-01.csv: " in (
        forget.stdout)
    log = load_config(config).working_database.parent / "forgotten.log"
    assert f"roi forget twitter account {UK_TWITTER}: twitter/{UK_TWITTER}/" in log.read_text(encoding="utf-8")
    again = roi("run", *SEPTEMBER, config=config)
    assert f"twitter/{UK_TWITTER}/" not in again.stderr
    after = published(sample)
    assert [row for row in after["raw.twitter_ads"] if row[0] == UK_TWITTER] == []
    others = [row for row in after_delete["raw.twitter_ads"] if row[0] != UK_TWITTER]
    assert [row for row in after["raw.twitter_ads"] if row[0] != UK_TWITTER] == others
    assert {t: v for t, v in after.items() if t not in ("raw.twitter_ads", "marts")} == {
        t: v for t, v in after_delete.items() if t not in ("raw.twitter_ads", "marts")}
    assert after["marts"][1] < after_delete["marts"][1]

    nothing = roi("forget", "twitter", UK_TWITTER, config=config)
    assert nothing.returncode == 1 and "no loaded export file of twitter account 18ce54d4x5t" in nothing.stderr


def test_an_account_renamed_in_the_config_names_its_files_until_forgotten(sample):
    config = sample / "roi.toml"
    assert roi("run", *SEPTEMBER, config=config).returncode == 0
    rows = dict((account, count) for account, count, _ in published(sample)["raw.twitter_ads"])
    assert rows[UK_TWITTER] > 0
    config.write_text(config.read_text().replace(f'"{UK_TWITTER}"', '"18ce54d4x5u"'))

    renamed = roi("run", *SEPTEMBER, config=config)
    assert renamed.returncode == 1
    file = f"twitter/{UK_TWITTER}/x_ads_campaigns_2026-09-01_2026-09-30_downloaded_2026-10-01.csv"
    assert (f"{file}: account {UK_TWITTER} is not in the config (renamed or removed?): its rows are kept but count in "
            f"no market; put it back in the config, or run `roi forget twitter {UK_TWITTER}`") in renamed.stderr
    assert rows_of(sample, "raw.twitter_ads", file) == rows[UK_TWITTER]
    again = roi("run", *SEPTEMBER, config=config)  # unchanged files are named again, every run
    assert again.returncode == 1 and f"{file}: account {UK_TWITTER} is not in the config" in again.stderr

    assert roi("forget", "twitter", UK_TWITTER, config=config).returncode == 0
    forgotten = roi("run", *SEPTEMBER, config=config)  # its folder is still there: its files are left alone
    assert file not in forgotten.stderr
    assert rows_of(sample, "raw.twitter_ads", file) == 0


def test_links_outside_fifos_and_folders_named_csv_are_named_and_skipped(sample, tmp_path):
    config = sample / "roi.toml"
    exports = sample / "data" / "exports"
    outside = tmp_path / "outside"
    outside.mkdir()
    deal = outside / "deal.csv"
    deal.write_bytes(b"deal_id,close_date,channel,campaign_id,amount,currency\n"
                     b"D-OUT,2026-09-03,facebook,120210000000001001,1000000.00,EUR\n")
    (exports / "crm" / "outside.csv").symlink_to(deal)
    account = exports / "linkedin" / "508765433"
    moved = shutil.move(account, outside / "508765433")
    account.symlink_to(moved, target_is_directory=True)
    os.mkfifo(exports / "facebook" / "1234567890" / "pipe.csv")
    (exports / "youtube" / "7712345678" / "x.csv").mkdir()

    refused = roi("run", *SEPTEMBER, config=config)  # a FIFO opened would block here until the timeout
    assert refused.returncode == 1
    for line in (f"crm/outside.csv: a link to {deal}, outside the exports folder: not followed (set follow_symlinks "
                 "= true in the config to read it)",
                 f"linkedin/508765433: a link to {moved}, outside the exports folder: not followed",
                 "facebook/1234567890/pipe.csv: not a regular file (a FIFO): skipped, never opened",
                 "youtube/7712345678/x.csv: a folder named like a CSV file: skipped"):
        assert line in refused.stderr
    assert rows_of(sample, "raw.crm_deals", "crm/outside.csv") == 0
    assert dict((a, n) for a, n, _ in published(sample)["raw.linkedin_ads"]).get("508765433") is None

    config.write_text("follow_symlinks = true\n" + config.read_text())
    followed = roi("run", *SEPTEMBER, config=config)
    assert followed.returncode == 1  # the FIFO and the folder are still named
    assert "outside the exports folder" not in followed.stderr and "pipe.csv: not a regular file" in followed.stderr
    assert rows_of(sample, "raw.crm_deals", "crm/outside.csv") == 1
    assert dict((a, n) for a, n, _ in published(sample)["raw.linkedin_ads"])["508765433"] > 0


def test_links_inside_the_exports_folder_are_followed_and_a_loop_ends(tmp_path):
    from warehouse.exports import find_export_files

    account = tmp_path / "exports" / "linkedin" / "123"
    account.mkdir(parents=True)
    (tmp_path / "exports" / "shared").mkdir()
    (tmp_path / "exports" / "shared" / "report.csv").write_bytes(b"x\n")
    (account / "report.csv").symlink_to(tmp_path / "exports" / "shared" / "report.csv")
    (account / "loop").symlink_to(account.parent, target_is_directory=True)
    scan = find_export_files(tmp_path / "exports", "linkedin", per_account=True)
    assert [export.relative for export in scan.files] == ["linkedin/123/report.csv"]
    assert scan.misplaced == {"linkedin/123/loop": "a link to a folder already read (a loop): skipped"}
    assert scan.folders_read == {"linkedin", "linkedin/123"}
