"""Publish the analysts' copy of the warehouse: a complete, consistent file, swapped in atomically.

DuckDB allows one writing process or many reading ones, never both. The pipeline therefore writes a working
database of its own; after a successful run the checkpointed working file is renamed over the analysts' file. An
analyst holding the old file open keeps reading the old, complete snapshot (the old inode lives on until closed) and
sees the new data on the next connect; nobody ever waits on a lock, and a run killed at any point leaves the
analysts' file whole, the old one or the new one.

The rename moves a file already on disk, so publishing costs the same whatever the history. The next run needs its
working file back: it is copied from the analysts' file without waiting for the disk, and a marker beside it (with
the machine's boot id) says so until that run has flushed it. After a reboot with the marker still there, the copy
may not have reached the disk, so it is made again; a missing working file is restored the same way. Where the
working folder is on another filesystem than the analysts' file, publishing copies and flushes the whole file
instead.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import duckdb

from warehouse.database import is_duckdb_file

# The marts published as Parquet for tools that do not speak DuckDB.
PARQUET_MARTS = ("campaign_daily", "roi_local", "roi_global", "local_vs_global", "unmatched_revenue")
PARTIAL = ".publishing"  # suffix of a copy being written; a leftover one is from a killed run
COPYING = ".copying"  # suffix of the working file's copy being made
UNFLUSHED = ".unflushed"  # marker beside the working file: its copy may still be only in memory
WAL = ".wal"  # DuckDB's write-ahead log beside a database file
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")  # changes at every boot (Linux)


def publish_database(working: Path, target: Path) -> int:
    """Move the working database, checkpointed and closed, over `target`, and put a copy back as the next run's
    working file. Returns the published file's size."""
    wal = _beside(working, WAL)
    if wal.exists() and wal.stat().st_size:
        raise RuntimeError(f"{working}: not checkpointed ({wal.name} holds changes), not published")
    target.parent.mkdir(parents=True, exist_ok=True)
    _flush(working)  # a no-op after DuckDB's checkpoint, which flushed it: the rename must not publish less
    try:
        os.replace(working, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        _copy_flushed(working, target)  # another filesystem: no rename across it
        return target.stat().st_size
    _flush_folder(target.parent)
    _copy_back(target, working)
    return target.stat().st_size


def ready_working_copy(working: Path, target: Path) -> None:
    """Make sure the working file is whole before anything opens it (under the run's writer lock)."""
    _beside(working, COPYING).unlink(missing_ok=True)  # a copy killed half-way
    marker = _beside(working, UNFLUSHED)
    if marker.exists() and target.exists() and marker.read_text(encoding="utf-8") != _boot_id():
        discard_working_copy(working)  # copied before a reboot, which may have lost it
    if working.exists() and not is_duckdb_file(working):
        discard_working_copy(working)  # empty or cut short (a full disk): restored below, or started afresh
    if not working.exists() and target.exists():
        working.parent.mkdir(parents=True, exist_ok=True)
        _copy_flushed(target, working)
    if marker.exists():
        if working.exists():
            _flush(working)  # only in memory at worst: on disk now
        marker.unlink()
        _flush_folder(working.parent)


def discard_working_copy(working: Path) -> None:
    """Remove the working file and its log; the next run restores it from the analysts' file."""
    working.unlink(missing_ok=True)
    _beside(working, WAL).unlink(missing_ok=True)


def _copy_back(published: Path, working: Path) -> None:
    """The next run's working file, copied from the published one without waiting for the disk."""
    boot_id = _boot_id()
    if boot_id is None:  # no way to tell a reboot: flush now
        _copy_flushed(published, working)
        return
    marker = _beside(working, UNFLUSHED)
    marker.write_text(boot_id, encoding="utf-8")
    _flush(marker)
    _flush_folder(working.parent)  # the marker is on disk before the copy could be lost
    partial = _beside(working, COPYING)
    _copy(published, partial)  # copied by the kernel (copy_file_range/sendfile), not through Python
    os.replace(partial, working)


def _copy_flushed(source: Path, target: Path) -> None:
    """Copy aside, flush, rename over `target`."""
    partial = _beside(target, PARTIAL)
    _copy(source, partial)
    _flush(partial)
    os.replace(partial, target)
    _flush_folder(target.parent)


def _copy(source: Path, partial: Path) -> None:
    """A copy that fails half-way (a full disk) leaves nothing behind."""
    try:
        shutil.copyfile(source, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _boot_id() -> str | None:
    try:
        return BOOT_ID.read_text(encoding="ascii").strip()
    except OSError:
        return None


def _flush(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def publish_parquet(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, Path]:
    """Each mart as <folder>/<mart>.parquet, each file written aside then renamed over the old one."""
    folder.mkdir(parents=True, exist_ok=True)
    published = {}
    for mart in PARQUET_MARTS:
        path = folder / f"{mart}.parquet"
        partial = _beside(path, PARTIAL)
        # COPY takes no bound parameter for its target; the path is the config's, quoted as a literal.
        literal = "'" + str(partial).replace("'", "''") + "'"
        con.execute(f"COPY (SELECT * FROM marts.{mart}) TO {literal} (FORMAT parquet)")
        os.replace(partial, path)
        published[mart] = path
    _flush_folder(folder)
    return published


def _flush_folder(folder: Path) -> None:
    """Make a rename in it durable."""
    _flush(folder)
