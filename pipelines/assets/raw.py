"""Raw assets: the inputs mirrored into the warehouse as they are (export files row for row, ECB rates, accounts)."""

import dagster as dg

from connectors.channels import CHANNELS, EXPORT_FORMATS
from connectors.crm.export import CRM_EXPORT
from connectors.ecb.reference_rates import detect_rates_layout
from connectors.export_layout import ExportError
from pipelines.assets.metadata import table_metadata
from pipelines.partitions import SINGLE_RUN, partition_days
from pipelines.resources import DUCKDB_POOL, RoiConfigResource, WarehouseResource
from warehouse.database import transaction
from warehouse.exports import SyncReport, find_export_files, rejected_files, sync_exports
from warehouse.fx import load_fx_rates
from warehouse.schema import AD_TABLES

GROUP = "raw"
OWNERS = ["team:marketing-analytics"]
FILES_ACCEPTED = "export_files_accepted"

FX_RATES = dg.AssetKey(["raw", "fx_rates"])
ACCOUNTS = dg.AssetKey(["raw", "accounts"])
CRM_DEALS = dg.AssetKey(["raw", "crm_deals"])
CHANNEL_ADS = {channel: dg.AssetKey(["raw", f"{channel}_ads"]) for channel in CHANNELS}

CHANNEL_LABELS = {
    "linkedin": "LinkedIn Campaign Manager",
    "twitter": "X Ads Manager",
    "facebook": "Meta Ads Manager",
    "youtube": "Google Ads (YouTube video campaigns)",
}


def _files_check(asset_key: dg.AssetKey, kind: str, con) -> dg.AssetCheckResult:
    rejected = rejected_files(con, kind)
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=FILES_ACCEPTED,
        passed=not rejected,
        description="; ".join(rejected.values()) if rejected else "every export file was read",
        metadata={"rejected_files": dg.MetadataValue.json(rejected)},
    )


def _sync_metadata(report: SyncReport) -> dict[str, object]:
    return {
        "files_loaded": len(report.loaded),
        "files_unchanged": len(report.unchanged),
        "files_rejected": len(report.rejected),
        "files_removed": len(report.removed),
        "rows_loaded": report.rows_loaded,
    }


def build_raw_assets(partitions: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    common = dict(
        group_name=GROUP,
        owners=OWNERS,
        partitions_def=partitions,
        backfill_policy=SINGLE_RUN,
        pool=DUCKDB_POOL,
    )

    @dg.asset(
        key=FX_RATES,
        kinds={"duckdb", "csv"},
        check_specs=[dg.AssetCheckSpec("rates_file_accepted", asset=FX_RATES)],
        **common,
    )
    def fx_rates(context: dg.AssetExecutionContext, roi: RoiConfigResource, warehouse: WarehouseResource):
        """The ECB's euro reference rates, one row per day and currency (units per euro; EUR itself is 1).

        Every amount is converted to the reporting currency at the rate of its day, or the latest earlier rate on
        weekends and holidays. A bad rates file is rejected whole and the previous rates stay.
        """
        config = roi.load()
        with warehouse.connect() as con:
            try:
                rows = load_fx_rates(con, detect_rates_layout(config.fx_rates))
                check = dg.AssetCheckResult(passed=True, description=f"{config.fx_rates.name} read")
            except ExportError as error:
                rows = con.execute("SELECT count(*) FROM raw.fx_rates").fetchone()[0]
                check = dg.AssetCheckResult(passed=False, description=str(error))
            first, last, currencies = con.execute(
                "SELECT min(date), max(date), count(DISTINCT currency) FROM raw.fx_rates WHERE currency <> 'EUR'"
            ).fetchone()
            metadata = table_metadata(
                con, "raw.fx_rates", rows, first_day=str(first), last_day=str(last), currencies=currencies
            )
        return dg.MaterializeResult(metadata=metadata, check_results=[check])

    @dg.asset(key=ACCOUNTS, kinds={"duckdb"}, **common)
    def accounts(context: dg.AssetExecutionContext, roi: RoiConfigResource, warehouse: WarehouseResource):
        """The ad accounts from the config: which market each one serves and whether it is local or global.

        A global-scope account (corporate campaigns for every market) is one more market in the rollup.
        """
        config = roi.load()
        with warehouse.connect() as con:
            with transaction(con):
                con.execute("DELETE FROM raw.accounts")
                con.executemany(
                    "INSERT INTO raw.accounts VALUES (?, ?, ?, ?, ?)",
                    [[a.channel, a.account_id, a.market, a.scope, a.currency] for a in config.accounts],
                )
            metadata = table_metadata(con, "raw.accounts", len(config.accounts))
        return dg.MaterializeResult(metadata=metadata)

    @dg.asset(
        key=CRM_DEALS,
        kinds={"duckdb", "csv"},
        deps=[FX_RATES],
        check_specs=[dg.AssetCheckSpec(FILES_ACCEPTED, asset=CRM_DEALS)],
        **common,
    )
    def crm_deals(context: dg.AssetExecutionContext, roi: RoiConfigResource, warehouse: WarehouseResource):
        """Won deals from the CRM export, attributed to a channel and campaign: the revenue side of ROI.

        Mirrors every file of `<exports_dir>/crm/`; a deal seen again in a newer file replaces the older row in
        staging. A file that cannot be read is rejected whole, named with its line and column.
        """
        config = roi.load()
        files, misplaced = find_export_files(config.exports_dir, "crm", per_account=False)
        with warehouse.connect() as con:
            report = sync_exports(con, files, misplaced, "crm", "raw.crm_deals", CRM_EXPORT, None)
            rows = con.execute("SELECT count(*) FROM raw.crm_deals").fetchone()[0]
            metadata = table_metadata(con, "raw.crm_deals", rows, **_sync_metadata(report))
            check = _files_check(CRM_DEALS, "crm", con)
        return dg.MaterializeResult(metadata=metadata, check_results=[check])

    return [fx_rates, accounts, crm_deals, *(_channel_asset(channel, common) for channel in CHANNELS)]


def _channel_asset(channel: str, common: dict) -> dg.AssetsDefinition:
    key = CHANNEL_ADS[channel]
    table = AD_TABLES[channel]
    label = CHANNEL_LABELS[channel]

    @dg.asset(
        key=key,
        kinds={"duckdb", "csv"},
        deps=[FX_RATES, ACCOUNTS],
        check_specs=[dg.AssetCheckSpec(FILES_ACCEPTED, asset=key)],
        description=(
            f"{label} campaign performance, one row per line of the exports in "
            f"`<exports_dir>/{channel}/<account_id>/`: day, campaign, spend in the campaign's currency, "
            "impressions, clicks, conversions, platform revenue. New and changed files are read; a file that "
            "cannot be read is rejected whole (named with line and column) and its previous rows stay."
        ),
        **common,
    )
    def channel_ads(context: dg.AssetExecutionContext, roi: RoiConfigResource, warehouse: WarehouseResource):
        config = roi.load()
        currencies = {a.account_id: a.currency for a in config.accounts if a.channel == channel}
        files, misplaced = find_export_files(config.exports_dir, channel, per_account=True)
        start, end = partition_days(context)
        with warehouse.connect() as con:
            report = sync_exports(con, files, misplaced, channel, table, EXPORT_FORMATS[channel], currencies)
            rows = con.execute(f"SELECT count(*) FROM {table} WHERE date BETWEEN ? AND ?", [start, end]).fetchone()[0]
            metadata = table_metadata(con, table, rows, **_sync_metadata(report))
            check = _files_check(key, channel, con)
        for relative, reason in report.rejected.items():
            context.log.error(reason)
        return dg.MaterializeResult(metadata=metadata, check_results=[check])

    return channel_ads
