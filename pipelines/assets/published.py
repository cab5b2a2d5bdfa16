"""The analysts' copy of the warehouse, published after the marts are refreshed and their integrity checks pass."""

import dagster as dg

from pipelines.assets.marts import MART_TABLES
from pipelines.assets.raw import OWNERS
from pipelines.partitions import SINGLE_RUN
from pipelines.resources import DUCKDB_POOL, RoiConfigResource, WarehouseResource
from warehouse.publish import publish_database, publish_parquet

ANALYST_WAREHOUSE = dg.AssetKey(["published", "analyst_warehouse"])


def build_published_assets(partitions: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    @dg.asset(
        key=ANALYST_WAREHOUSE,
        group_name="published",
        owners=OWNERS,
        kinds={"duckdb", "parquet"},
        deps=list(MART_TABLES),
        partitions_def=partitions,
        backfill_policy=SINGLE_RUN,
        pool=DUCKDB_POOL,
    )
    def analyst_warehouse(context: dg.AssetExecutionContext, roi: RoiConfigResource, warehouse: WarehouseResource):
        """The DuckDB file analysts open (config `warehouse`), and each mart as Parquet (config `parquet_dir`).

        A complete copy of the pipeline's database, written aside and renamed over the old file, so an analyst
        with the file open keeps a consistent snapshot and sees the new data on the next connect. Skipped when
        an integrity check of the marts fails: analysts keep the last good file.
        """
        config = roi.load()
        with warehouse.connect() as con:
            size = publish_database(con, config.working_database, config.warehouse)
            parquet = publish_parquet(con, config.parquet_dir) if config.parquet_dir else {}
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(config.warehouse)),
                "size_bytes": size,
                "parquet_files": dg.MetadataValue.json({mart: str(path) for mart, path in parquet.items()}),
            }
        )

    return [analyst_warehouse]
