"""Connection helpers shared by every writer and reader of the warehouse file."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: a failure (or a kill) part-way leaves the tables as they were."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


class DiskFull(RuntimeError):
    """No space left where the working database is written; the analysts' file is untouched."""


def is_duckdb_file(path: Path) -> bool:
    """A DuckDB database (its header written), not an empty file or some other file."""
    try:
        with open(path, "rb") as handle:
            return handle.read(12)[8:12] == DUCKDB_MAGIC
    except OSError:
        return False


def is_disk_full(error: BaseException) -> bool:
    """A full disk, as the OS says it (ENOSPC) or as DuckDB wraps it in its own errors."""
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EDQUOT)
    return isinstance(error, duckdb.Error) and ("No space left on device" in str(error) or "Disk quota" in str(error))


def io_problem(error: OSError, where: Path | str = "the working folder") -> str:
    """A failed read or write as one line naming the path; a full disk says so, with the space left."""
    where = error.filename or where
    if is_disk_full(error):
        return disk_full(where)
    return f"{where}: {error.strerror or error}"


def disk_full(where: Path | str, needed: int | None = None) -> str:
    wanted = f"; about {needed / 2**20:.1f} MiB needed" if needed else ""
    return f"{where}: no space left on the disk holding it ({_free_space(where)}{wanted}); free some and run again"


def _free_space(path) -> str:
    folder = next((p for p in (Path(path), *Path(path).parents) if p.is_dir()), None)
    if folder is None:
        return "free space unknown"
    return f"{shutil.disk_usage(folder).free / 2**20:.1f} MiB free"


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    if not Path(path).exists():
        raise FileNotFoundError(f"{path}: no warehouse yet; run `roi run --start … --end …` first")
    return duckdb.connect(str(path), read_only=True)


# Lock files this process holds, and how many times: `roi run` takes the lock, then its run's warehouse resource
# takes it again (runs launched from the UI only take the latter); flock would make the second wait for the first.
_HELD: dict[Path, int] = {}


@contextmanager
def writer_lock(lock_file: Path, on_wait) -> Iterator[None]:
    """One writing run at a time: a second one waits here (after `on_wait(who holds it)`) instead of failing
    on DuckDB's file lock half-way. The lock dies with its process, so a killed run never leaves it behind.
    Taken again by the process that holds it, it is already held."""
    key = Path(os.path.abspath(lock_file))
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    with _exclusive(key, on_wait):
        _HELD[key] = 1
        try:
            yield
        finally:
            del _HELD[key]


@contextmanager
def _exclusive(lock_file: Path, on_wait) -> Iterator[None]:
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            on_wait(handle.read().strip() or "another run")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"run of pid {os.getpid()} started {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
