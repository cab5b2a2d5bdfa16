"""Resources: the config file, and the warehouse (DuckDB) that every writing asset opens."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from connectors.api_session import Clock, RetryPolicy, SystemClock
from pipelines.config import RoiConfig, load_config
from warehouse.database import DiskFull, disk_full, is_disk_full, writer_lock
from warehouse.publish import discard_working_copy, ready_working_copy
from warehouse.schema import ensure_schema

# Steps that write the warehouse take a slot in this pool; dagster.yaml limits it to one at a time.
DUCKDB_POOL = "duckdb"


class RoiConfigResource(dg.ConfigurableResource):
    """The pipeline's TOML config (accounts, markets, folders, reporting currency)."""

    path: str

    _config: RoiConfig | None = PrivateAttr(default=None)
    _in_run: bool = PrivateAttr(default=False)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._in_run = True

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self._config, self._in_run = None, False

    def load(self) -> RoiConfig:
        """The config, read once per run (every step of a run sees the same one)."""
        if not self._in_run:
            return load_config(self.path)
        if self._config is None:
            self._config = load_config(self.path)
        return self._config


class PlatformApiResource(dg.ConfigurableResource):
    """How the API clients talk to the platforms: request timeouts, and how long one account's pull may wait on
    rate limits before it stops and leaves the rest to the next run. Credentials come from the environment."""

    timeout_seconds: float = 60.0
    max_wait_seconds: float = 900.0

    def policy(self) -> RetryPolicy:
        return RetryPolicy(timeout_seconds=self.timeout_seconds, max_total_wait_seconds=self.max_wait_seconds)

    def clock(self) -> Clock:
        return SystemClock()

    def environ(self) -> Mapping[str, str]:
        return os.environ


class WarehouseResource(DuckDBResource):
    """The pipeline's working DuckDB database, its schema created on first use.

    In a run, every step shares one connection, opened by the first step and closed when the run ends: opening the
    file, checking its schema and checkpointing it on close cost 30-60 ms a step. The run holds the writer lock
    (`<working dir>/run.lock`) meanwhile, so a second run, from `roi run`, the UI or the daemon, waits for it
    instead of finding the file locked between two steps. Outside a run, each `connect()` opens its own connection.
    Before the file is opened, a working file missing or copied but not yet on disk is restored from the analysts'
    file (`published_database`, see warehouse/publish.py).
    """

    published_database: str | None = None

    _run: ExitStack | None = PrivateAttr(default=None)
    _con: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    _con_stack: ExitStack | None = PrivateAttr(default=None)
    _locked: bool = PrivateAttr(default=False)
    _log: object = PrivateAttr(default=None)
    _full: str | None = PrivateAttr(default=None)  # why the run stopped: the disk is full

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._run = ExitStack()
        self._log = context.log
        self._full = None

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self.close()
        run, self._run, self._locked = self._run, None, False
        if run is not None:
            run.close()

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._run is None:
            self._ready_working_copy()
            with self.get_connection() as con:
                ensure_schema(con)
                yield con
            return
        if self._full:  # a step found the disk full: the run's later steps must not start on an empty database
            raise DiskFull(self._full)
        if self._con is None:
            with self._disk_full_ends_the_run():
                if not self._locked:  # the run's first connection; reopened after publishing, the file is whole
                    self._run.enter_context(writer_lock(Path(self.database).parent / "run.lock", self._say_waiting))
                    self._locked = True
                    self._ready_working_copy()
                self._con_stack = ExitStack()
                self._con = self._con_stack.enter_context(self.get_connection())
                ensure_schema(self._con)
        try:
            with self._disk_full_ends_the_run():
                yield self._con
        except BaseException:
            if self._con is not None:
                _rollback(self._con)  # as closing the connection would: a failed step leaves nothing half-done
            raise
        finally:
            if self._con is not None:
                _drop_temp_tables(self._con)  # a step's work tables (whole batches of rows) end with it

    @contextmanager
    def _disk_full_ends_the_run(self) -> Iterator[None]:
        """A full disk leaves the working file in doubt (DuckDB gives up on it): it is dropped, to be restored whole
        from the analysts' file by the next run, and the run ends with a message naming the path, not a trace."""
        try:
            yield
        except Exception as error:
            if not is_disk_full(error):
                raise
            stack, self._con_stack, self._con = self._con_stack, None, None
            if stack is not None:
                with suppress(duckdb.Error):  # DuckDB may have invalidated it
                    stack.close()
            discard_working_copy(Path(self.database))
            published = Path(self.published_database) if self.published_database else None
            needed = published.stat().st_size if published and published.exists() else None
            source = f"restored from {published}" if needed is not None else "rebuilt"
            self._full = (f"{disk_full(Path(self.database).parent, needed)}; nothing published, the working database "
                          f"is {source} at the next run")
            raise DiskFull(self._full) from None

    def close(self) -> None:
        """Close the run's connection, keeping the run's lock (publishing moves the file); the next step that
        connects opens it again."""
        stack, self._con_stack, self._con = self._con_stack, None, None
        if stack is not None:
            stack.close()

    def _ready_working_copy(self) -> None:
        if self.published_database:
            ready_working_copy(Path(self.database), Path(self.published_database))

    def _say_waiting(self, holder: str) -> None:
        if self._log is not None:
            self._log.warning(f"waiting: the warehouse is being written by another {holder}")


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass  # no transaction open


def _drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    for name, kind in con.execute(
        "SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE temporary "
        "UNION ALL SELECT view_name, 'VIEW' FROM duckdb_views() WHERE temporary AND NOT internal"
    ).fetchall():
        con.execute(f'DROP {kind} IF EXISTS temp.main."{name}"')


def build_resources(config: RoiConfig) -> dict[str, dg.ConfigurableResource]:
    config.working_database.parent.mkdir(parents=True, exist_ok=True)
    return {
        "roi": RoiConfigResource(path=str(config.path)),
        # The pipeline's own database; analysts get a published copy (assets/published.py).
        "warehouse": WarehouseResource(
            database=str(config.working_database),
            published_database=str(config.warehouse),
            # DuckDB's own default is 80 % of the machine's memory, held as cache for the whole run; past the config's
            # limit, large loads and mart refreshes spill to `<working dir>/spill` instead.
            connection_config={
                "memory_limit": config.memory_limit,
                "temp_directory": str(config.working_database.parent / "spill"),
            },
        ),
        "platform_api": PlatformApiResource(
            timeout_seconds=config.api.timeout_seconds, max_wait_seconds=config.api.max_wait_seconds
        ),
    }
