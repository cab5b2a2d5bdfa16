"""Resources: the config file, and the warehouse (DuckDB) that every writing asset opens."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipelines.config import RoiConfig, load_config
from warehouse.schema import ensure_schema

# Steps that write the warehouse take a slot in this pool; dagster.yaml limits it to one at a time.
DUCKDB_POOL = "duckdb"


class RoiConfigResource(dg.ConfigurableResource):
    """The pipeline's TOML config (accounts, markets, folders, reporting currency)."""

    path: str

    def load(self) -> RoiConfig:
        return load_config(self.path)


class WarehouseResource(DuckDBResource):
    """The DuckDB warehouse file, its schema created on first use."""

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.get_connection() as con:
            ensure_schema(con)
            yield con


def build_resources(config: RoiConfig) -> dict[str, dg.ConfigurableResource]:
    config.warehouse.parent.mkdir(parents=True, exist_ok=True)
    return {
        "roi": RoiConfigResource(path=str(config.path)),
        "warehouse": WarehouseResource(database=str(config.warehouse)),
    }
