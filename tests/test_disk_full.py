"""A full disk under working_dir: a message naming the path (no trace), the analysts' file intact, never an empty or
half-copied working database left behind, and the next run with space again restores the working database from the
analysts' file by itself. On a real filesystem of a few MB (tmpfs), so the disk really fills."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.conftest import roi

SEPTEMBER = ("--start", "2026-09-01", "--end", "2026-09-30")
NEW_EXPORT = "deals_2026-10-05.csv"


@pytest.fixture
def small_disk(tmp_path: Path):
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mount)], capture_output=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def _fill(disk: Path, leave: int) -> Path:
    filler = disk / "filler"
    with open(filler, "wb") as handle:
        handle.truncate(0)
        block = b"\0" * 2**20
        while shutil.disk_usage(disk).free > leave + len(block):
            handle.write(block)
            handle.flush()
            os.fsync(handle.fileno())
    return filler


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_clean(result: subprocess.CompletedProcess, work: Path) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "Stack Trace" not in output
    assert f"{work}: no space left on the disk holding it" in result.stderr
    assert "nothing published" in result.stderr
    for path in work.iterdir():  # no empty working database, no half-made copy
        assert not path.name.endswith((".publishing", ".copying", ".partial")), path
        if path.name.startswith("roi.duckdb"):
            assert path.stat().st_size > 0, path


def test_a_full_disk_under_working_dir_is_named_and_the_next_run_recovers(sample, small_disk):
    config = sample / "roi.toml"
    work = small_disk / "work"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('revenue_source = "crm"', f'revenue_source = "crm"\nworking_dir = "{work}"'),
                      encoding="utf-8")
    first = roi("run", *SEPTEMBER, config=config)
    assert first.returncode == 0, first.stderr
    warehouse = sample / "data" / "roi.duckdb"
    published = _digest(warehouse)

    # A new CRM export to load, and the disk nearly full: the run cannot write it.
    crm = sample / "data" / "exports" / "crm"
    (crm / NEW_EXPORT).write_bytes(b"deal_id,close_date,channel,campaign_id,amount,currency\r\n"
                                   + b"".join(b"D-9%05d,2026-09-15,facebook,120210000000001001,100.00,EUR\r\n" % n
                                              for n in range(20000)))
    filler = _fill(small_disk, leave=256 * 1024)
    full = roi("run", *SEPTEMBER, config=config)
    _assert_clean(full, work)
    assert _digest(warehouse) == published  # the analysts' file untouched

    # Still full: restoring the working database from the analysts' file fails the same clean way.
    again = roi("run", *SEPTEMBER, config=config)
    _assert_clean(again, work)
    assert _digest(warehouse) == published

    # Space again: the working database comes back from the analysts' file by itself and the new export loads.
    filler.unlink()
    recovered = roi("run", *SEPTEMBER, config=config)
    assert recovered.returncode == 0, recovered.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        loaded = con.execute("SELECT count(*) FROM raw.crm_deals WHERE source LIKE ?", [f"%{NEW_EXPORT}"]).fetchone()
    assert loaded == (20000,)


def test_an_empty_working_database_left_by_an_older_version_is_restored_from_the_analysts_file(sample):
    config = sample / "roi.toml"
    assert roi("run", *SEPTEMBER, config=config).returncode == 0
    warehouse, work = sample / "data" / "roi.duckdb", sample / "data" / ".roi-work"
    totals = "SELECT count(*), sum(spend) FROM marts.campaign_daily"
    checked = "SELECT path, checked_at FROM raw.export_files ORDER BY path"  # a file read again is checked again
    with duckdb.connect(str(warehouse), read_only=True) as con:
        before = con.execute(totals).fetchone(), con.execute(checked).fetchall()
    (work / "roi.duckdb").write_bytes(b"")  # what a full disk used to leave, failing every later run
    (work / "last_run.json").write_bytes(b"")
    status = roi("status", config=config)
    assert "Traceback" not in status.stderr and f"last run: unknown: {work / 'last_run.json'} is unreadable" in \
        status.stdout
    again = roi("run", *SEPTEMBER, config=config)
    assert again.returncode == 0, again.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:  # restored, not rebuilt: no file read again
        assert (con.execute(totals).fetchone(), con.execute(checked).fetchall()) == before
