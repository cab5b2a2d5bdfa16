"""Publishing the analysts' file by renaming the working one, and the working copy put back for the next run,
through every state a kill or a reboot can leave (warehouse/publish.py)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from warehouse import publish
from warehouse.publish import COPYING, UNFLUSHED, publish_database, ready_working_copy


def make_database(path: Path, rows: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE OR REPLACE TABLE t AS SELECT range AS i FROM range(?)", [rows])


def rows_in(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT count(*) FROM t").fetchone()[0]


def beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


@pytest.fixture
def files(tmp_path):
    working, target = tmp_path / ".roi-work" / "roi.duckdb", tmp_path / "roi.duckdb"
    make_database(target, 10)  # the analysts' file of the last run
    make_database(working, 20)  # this run's
    return working, target


def test_publishing_moves_the_working_file_and_copies_it_back_for_the_next_run(files):
    working, target = files
    moved = os.stat(working).st_ino
    assert publish_database(working, target) == target.stat().st_size
    assert os.stat(target).st_ino == moved  # renamed, not copied
    assert rows_in(target) == 20 and working.read_bytes() == target.read_bytes()
    assert beside(working, UNFLUSHED).exists()  # until the next run has flushed the copy

    ready_working_copy(working, target)
    assert not beside(working, UNFLUSHED).exists()
    assert rows_in(working) == 20


def test_an_analyst_connected_to_the_old_file_keeps_reading_it(files):
    working, target = files
    analyst = duckdb.connect(str(target), read_only=True)
    publish_database(working, target)
    assert analyst.execute("SELECT count(*) FROM t").fetchone() == (10,)
    analyst.close()
    assert rows_in(target) == 20


def test_a_copy_made_before_a_reboot_is_made_again_from_the_analysts_file(files, monkeypatch):
    working, target = files
    publish_database(working, target)
    # After a crash the copy's pages may be lost: only the marker (flushed before the copy) tells.
    working.write_bytes(b"\0" * 4096)
    beside(working, ".wal").write_bytes(b"stale")
    monkeypatch.setattr(publish, "BOOT_ID", target.parent / "boot_id")
    (target.parent / "boot_id").write_text("another-boot\n", encoding="ascii")

    ready_working_copy(working, target)
    assert working.read_bytes() == target.read_bytes() and rows_in(working) == 20
    assert not beside(working, ".wal").exists() and not beside(working, UNFLUSHED).exists()


def test_a_copy_killed_half_way_or_a_missing_working_file_is_restored(files):
    working, target = files
    publish_database(working, target)
    working.rename(beside(working, COPYING))  # killed before the copy was renamed into place
    beside(working, COPYING).write_bytes(b"half")

    ready_working_copy(working, target)
    assert not beside(working, COPYING).exists()
    assert working.read_bytes() == target.read_bytes()


def test_a_working_file_without_an_analysts_file_is_never_discarded(files, monkeypatch):
    working, target = files
    target.unlink()
    beside(working, UNFLUSHED).write_text("another-boot", encoding="utf-8")
    ready_working_copy(working, target)
    assert rows_in(working) == 20 and not beside(working, UNFLUSHED).exists()


def test_a_fresh_working_file_is_left_alone(files):
    working, target = files
    before = working.read_bytes()
    ready_working_copy(working, target)
    assert working.read_bytes() == before and not target.with_name("roi.duckdb.publishing").exists()


def test_across_filesystems_the_file_is_copied_and_flushed(tmp_path):
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs /dev/shm on another filesystem than the test's folder")
    target = tmp_path / "roi.duckdb"
    make_database(target, 10)
    working_dir = shm / f"roi-publish-{os.getpid()}"
    working = working_dir / "roi.duckdb"
    try:
        make_database(working, 20)
        publish_database(working, target)
        assert rows_in(target) == 20 and rows_in(working) == 20  # the working file stays where it is
        assert not beside(working, UNFLUSHED).exists() and not beside(target, ".publishing").exists()
    finally:
        for path in working_dir.glob("*"):
            path.unlink()
        working_dir.rmdir()


def test_a_working_file_with_changes_only_in_its_log_is_not_published(files):
    working, target = files
    before = target.read_bytes()
    con = duckdb.connect(str(working))
    con.execute("SET checkpoint_threshold = '1GB'")
    con.execute("INSERT INTO t VALUES (99)")  # committed to the write-ahead log, not yet to the file
    try:
        with pytest.raises(RuntimeError, match="not checkpointed"):
            publish_database(working, target)
    finally:
        con.close()
    assert target.read_bytes() == before and working.exists()
