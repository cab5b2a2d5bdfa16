"""Publish the analysts' copy of the warehouse: a complete, consistent file, swapped in atomically.

DuckDB allows one writing process or many reading ones, never both. The pipeline therefore writes a working
database of its own; after a successful run the working file is copied beside the analysts' file and renamed
over it. An analyst holding the old file open keeps reading the old, complete snapshot (the old inode lives on
until closed) and sees the new data on the next connect; nobody ever waits on a lock, and a run killed at any
point leaves the analysts' file as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

# The marts published as Parquet for tools that do not speak DuckDB.
PARQUET_MARTS = ("campaign_daily", "roi_local", "roi_global", "local_vs_global", "unmatched_revenue")
PARTIAL = ".publishing"  # suffix of a copy being written; a leftover one is from a killed run


def publish_database(con: duckdb.DuckDBPyConnection, working: Path, target: Path) -> int:
    """Checkpoint the working database (`con` keeps other writers out meanwhile), copy it, rename the copy over
    `target`. Returns the published file's size."""
    con.execute("CHECKPOINT")
    partial = target.with_name(target.name + PARTIAL)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(working, partial)  # copied by the kernel (copy_file_range/sendfile), not through Python
    descriptor = os.open(partial, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(partial, target)
    _sync_folder(target.parent)
    return target.stat().st_size


def publish_parquet(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, Path]:
    """Each mart as <folder>/<mart>.parquet, each file written aside then renamed over the old one."""
    folder.mkdir(parents=True, exist_ok=True)
    published = {}
    for mart in PARQUET_MARTS:
        path = folder / f"{mart}.parquet"
        partial = path.with_name(path.name + PARTIAL)
        # COPY takes no bound parameter for its target; the path is the config's, quoted as a literal.
        literal = "'" + str(partial).replace("'", "''") + "'"
        con.execute(f"COPY (SELECT * FROM marts.{mart}) TO {literal} (FORMAT parquet)")
        os.replace(partial, path)
        published[mart] = path
    _sync_folder(folder)
    return published


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
