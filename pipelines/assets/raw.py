"""Raw assets: the inputs mirrored into the warehouse as they are (export files row for row, ECB rates, accounts)."""

import dagster as dg

from connectors.channels import CHANNELS, EXPORT_FORMATS
from connectors.crm.export import CRM_EXPORT
from connectors.ecb.reference_rates import detect_rates_layout
from connectors.export_layout import ExportError
from pipelines.assets.loads import (
    API_PULLS_COMPLETE, FILES_ACCEPTED, files_check, log_load, pull_api_accounts, pull_metadata, pulls_check,
    sync_metadata,
)
from pipelines.assets.metadata import money, table_metadata
from pipelines.partitions import run_days, writer_settings
from pipelines.resources import PlatformApiResource, RoiConfigResource, WarehouseResource
from warehouse.database import transaction
from warehouse.exports import AccountExportSettings, find_export_files, sync_exports
from warehouse.fx import load_fx_rates
from warehouse.schema import AD_TABLES

GROUP = "raw"

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


def build_raw_assets(partitions: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    common = writer_settings(partitions, GROUP)

    @dg.asset(
        key=FX_RATES,
        kinds={"duckdb", "csv"},
        check_specs=[dg.AssetCheckSpec("rates_file_accepted", asset=FX_RATES)],
        **common,
    )
    def fx_rates(
        context: dg.AssetExecutionContext,
        roi: RoiConfigResource,
        warehouse: WarehouseResource,
        platform_api: PlatformApiResource,
    ):
        """The ECB's euro reference rates, one row per day and currency (units per euro; EUR itself is 1).

        Every amount is converted to the reporting currency at the rate of its day, or the latest earlier rate on
        weekends and holidays. With `fx_rates_url` set, the ECB's history and daily files are downloaded first.
        A bad or missing rates file is rejected whole and the previous rates stay.
        """
        config = roi.load()
        problems = []
        downloaded = {}
        if config.fx_rates_url:
            from connectors.ecb.download import download_reference_rates  # an HTTP library, only for downloads

            try:
                got = download_reference_rates(
                    config.fx_rates, base_url=config.fx_rates_url, clock=platform_api.clock(),
                    policy=platform_api.policy(),
                )
                downloaded = {"newest_rates_day": str(got.newest_day), "downloaded_days": got.days}
            except ExportError as error:  # the last good file stays
                problems.append(str(error))
        with warehouse.connect() as con:
            try:
                if not config.fx_rates.exists():
                    raise ExportError(config.fx_rates, "no rates file yet")
                rows = load_fx_rates(con, detect_rates_layout(config.fx_rates))
            except ExportError as error:
                rows = con.execute("SELECT count(*) FROM raw.fx_rates").fetchone()[0]
                problems.append(str(error))
            first, last, currencies = con.execute(
                "SELECT min(date), max(date), count(DISTINCT currency) FROM raw.fx_rates WHERE currency <> 'EUR'"
            ).fetchone()
            metadata = table_metadata(
                con, "raw.fx_rates", rows, first_day=str(first), last_day=str(last), currencies=currencies,
                **downloaded,
            )
        check = dg.AssetCheckResult(
            passed=not problems, description="; ".join(problems) or f"{config.fx_rates.name} read"
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
        scan = find_export_files(config.exports_dir, "crm", per_account=False, follow_symlinks=config.follow_symlinks)
        with warehouse.connect() as con:
            report = sync_exports(con, scan, "crm", "raw.crm_deals", CRM_EXPORT, None)
            rows = con.execute("SELECT count(*) FROM raw.crm_deals").fetchone()[0]
            metadata = table_metadata(con, "raw.crm_deals", rows, **sync_metadata(report))
            check = files_check(CRM_DEALS, "crm", con)
        return dg.MaterializeResult(metadata=metadata, check_results=[check])

    return [fx_rates, accounts, crm_deals, *(_channel_asset(channel, common) for channel in CHANNELS)]


def _channel_asset(channel: str, common: dict) -> dg.AssetsDefinition:
    key = CHANNEL_ADS[channel]
    table = AD_TABLES[channel]
    label = CHANNEL_LABELS[channel]

    @dg.asset(
        key=key,
        kinds={"duckdb", "csv", "api"},
        deps=[FX_RATES, ACCOUNTS],
        check_specs=[
            dg.AssetCheckSpec(FILES_ACCEPTED, asset=key),
            dg.AssetCheckSpec(API_PULLS_COMPLETE, asset=key),
        ],
        description=(
            f"{label} campaign performance, one row per campaign and day as the platform reports it: spend in the "
            "campaign's currency, impressions, clicks, conversions, platform revenue. From the exports in "
            f"`<exports_dir>/{channel}/<account_id>/` (a file that cannot be read is rejected whole, named with "
            "line and column, and its previous rows stay) and, for accounts with `source = \"api\"`, from the "
            "platform's API, re-pulling the restatement window before the run's last day."
        ),
        **common,
    )
    def channel_ads(
        context: dg.AssetExecutionContext,
        roi: RoiConfigResource,
        warehouse: WarehouseResource,
        platform_api: PlatformApiResource,
    ):
        config = roi.load()
        accounts = [account for account in config.accounts if account.channel == channel]
        scan = find_export_files(config.exports_dir, channel, per_account=True, follow_symlinks=config.follow_symlinks)
        start, end = run_days(context)
        with warehouse.connect() as con:
            report = sync_exports(
                con, scan, channel, table, EXPORT_FORMATS[channel],
                {a.account_id: AccountExportSettings(a.currency, a.conversion_action_types, config.history_start,
                                                     a.timezone) for a in accounts},
            )
            pulls = pull_api_accounts(con, config, channel, start, end, platform_api)
            rows = con.execute(f"SELECT count(*) FROM {table} WHERE date BETWEEN ? AND ?", [start, end]).fetchone()[0]
            spend = con.execute(
                f"SELECT currency, sum(spend) FROM {table} WHERE date BETWEEN ? AND ? GROUP BY 1 ORDER BY 1",
                [start, end],
            ).fetchall()
            metadata = table_metadata(
                con, table, rows, **sync_metadata(report), **pull_metadata(pulls),
                spend_by_currency=dg.MetadataValue.json({currency: money(total) for currency, total in spend}),
            )
            checks = [files_check(key, channel, con), pulls_check(key, pulls)]
        log_load(context, report, pulls)
        return dg.MaterializeResult(metadata=metadata, check_results=checks)

    return channel_ads


