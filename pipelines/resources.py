"""Resources: the config file, and the warehouse (DuckDB) that every writing asset opens."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from connectors.api_session import Clock, RetryPolicy, SystemClock
from pipelines.config import RoiConfig, load_config
from warehouse.schema import ensure_schema

# Steps that write the warehouse take a slot in this pool; dagster.yaml limits it to one at a time.
DUCKDB_POOL = "duckdb"


class RoiConfigResource(dg.ConfigurableResource):
    """The pipeline's TOML config (accounts, markets, folders, reporting currency)."""

    path: str

    def load(self) -> RoiConfig:
        return load_config(self.path)


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
    """The pipeline's working DuckDB database, its schema created on first use."""

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.get_connection() as con:
            ensure_schema(con)
            yield con


def build_resources(config: RoiConfig) -> dict[str, dg.ConfigurableResource]:
    config.working_database.parent.mkdir(parents=True, exist_ok=True)
    return {
        "roi": RoiConfigResource(path=str(config.path)),
        # The pipeline's own database; analysts get a published copy (assets/published.py).
        "warehouse": WarehouseResource(
            database=str(config.working_database),
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
