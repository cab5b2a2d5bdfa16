"""What people read, published after the marts are refreshed and their integrity checks pass: the analysts' copy
of the warehouse, and the HTML report."""

import dagster as dg

from pipelines.assets.marts import MART_TABLES
from pipelines.partitions import run_days, writer_settings
from pipelines.resources import RoiConfigResource, WarehouseResource
from warehouse.publish import publish_database, publish_parquet
from warehouse.report_html import render_report

ANALYST_WAREHOUSE = dg.AssetKey(["published", "analyst_warehouse"])
ROI_REPORT = dg.AssetKey(["published", "roi_report"])
GROUP = "published"


def build_published_assets(partitions: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    @dg.asset(
        key=ANALYST_WAREHOUSE,
        kinds={"duckdb", "parquet"},
        deps=list(MART_TABLES),
        **writer_settings(partitions, GROUP),
    )
    def analyst_warehouse(context: dg.AssetExecutionContext, roi: RoiConfigResource, warehouse: WarehouseResource):
        """The DuckDB file analysts open (config `warehouse`), and each mart as Parquet (config `parquet_dir`).

        The pipeline's whole database, checkpointed and renamed over the old file, so an analyst with the file
        open keeps a consistent snapshot and sees the new data on the next connect. Skipped when an integrity
        check of the marts fails: analysts keep the last good file.
        """
        config = roi.load()
        with warehouse.connect() as con:
            parquet = publish_parquet(con, config.parquet_dir) if config.parquet_dir else {}
            con.execute("CHECKPOINT")
        warehouse.close()  # the file is moved: nothing may write it through an open connection
        size = publish_database(config.working_database, config.warehouse)
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(config.warehouse)),
                "size_bytes": size,
                "parquet_files": dg.MetadataValue.json({mart: str(path) for mart, path in parquet.items()}),
            }
        )

    @dg.asset(
        key=ROI_REPORT,
        kinds={"duckdb", "html"},
        deps=list(MART_TABLES),
        **writer_settings(partitions, GROUP),
    )
    def roi_report(context: dg.AssetExecutionContext, roi: RoiConfigResource, warehouse: WarehouseResource):
        """The run's ROI report for people who would rather look at a chart: one HTML file that opens offline,
        with local ROI by market and channel, the global net return as the sum of the local ones, local against
        global, spend share, contact frequency against the 6-7 a week guideline and the engagement trend. The
        same charts show here, in the materialization."""
        config = roi.load()
        start, end = run_days(context)
        with warehouse.connect() as con:
            report = render_report(con, start, end, config.reporting_currency, config.contact_threshold)
        path = report.write(config.reports_dir / f"roi-report-{start}-{end}.html")
        return dg.MaterializeResult(
            metadata={
                "report": dg.MetadataValue.path(str(path)),
                **{title: dg.MetadataValue.md(image) for title, image in report.markdown_images().items()},
                **{title: dg.MetadataValue.text("no data for this period yet") for title in report.empty},
            }
        )

    return [analyst_warehouse, roi_report]
