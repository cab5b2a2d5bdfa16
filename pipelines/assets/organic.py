"""Raw organic-post assets: the posts of the brand's own pages, one asset per channel, mirrored from their exports.

Organic posts are the touches the brand makes without paying: with ad delivery they make the contact frequency of
a market (the article's 15-20 touches a week where 6-7 suffice) and their engagement is the article's engagement
trend. Files live in `<exports_dir>/<channel>_posts/<account_id>/*.csv`, under the same account ids as the config's
accounts, and follow the paid exports' rules: header found by content, one alias table per channel, a file that
cannot be read rejected whole (named with line and column) while its previous rows stay.
"""

import dagster as dg

from connectors.channels import ORGANIC_FORMATS, ORGANIC_KINDS
from pipelines.assets.metadata import table_metadata
from pipelines.assets.raw import ACCOUNTS, FILES_ACCEPTED, GROUP, _files_check, _sync_metadata
from pipelines.partitions import partition_days, writer_settings
from pipelines.resources import RoiConfigResource, WarehouseResource
from warehouse.exports import find_export_files, sync_exports
from warehouse.schema import POST_TABLES

CHANNEL_POSTS = {channel: dg.AssetKey(["raw", kind]) for channel, kind in ORGANIC_KINDS.items()}

PAGE_LABELS = {
    "linkedin": "LinkedIn company page posts (page content export)",
    "twitter": "X account posts (post activity export)",
    "facebook": "Facebook page posts (Meta Business Suite export)",
    "youtube": "YouTube channel videos (YouTube Studio table data)",
}


def build_organic_assets(partitions: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    """One raw asset per channel: `raw/<channel>_posts`."""
    common = writer_settings(partitions, GROUP)
    return [_posts_asset(channel, common) for channel in ORGANIC_FORMATS]


def _posts_asset(channel: str, common: dict) -> dg.AssetsDefinition:
    key = CHANNEL_POSTS[channel]
    kind = ORGANIC_KINDS[channel]
    table = POST_TABLES[channel]
    export_format = ORGANIC_FORMATS[channel]

    @dg.asset(
        key=key,
        kinds={"duckdb", "csv"},
        deps=[ACCOUNTS],
        check_specs=[dg.AssetCheckSpec(FILES_ACCEPTED, asset=key)],
        description=(
            f"{PAGE_LABELS[channel]}: the organic posts of the brand's own pages, one row per post with its publish "
            "time, impressions, clicks, reactions, comments, shares and video views. These are the touches that, "
            "with ad delivery days, make a market's contact frequency, and whose engagement rate is the engagement "
            f"trend (local pages against the global page). From the exports in `<exports_dir>/{kind}/<account_id>/`, "
            "the account ids of the config; a file that cannot be read is rejected whole, named with line and "
            "column, and its previous rows stay. Every file's rows are kept as they are: where files overlap, "
            "staging keeps the newest file's row per post."
        ),
        **common,
    )
    def channel_posts(context: dg.AssetExecutionContext, roi: RoiConfigResource, warehouse: WarehouseResource):
        config = roi.load()
        accounts = {a.account_id: a.currency for a in config.accounts if a.channel == channel}
        files, misplaced = find_export_files(config.exports_dir, kind, per_account=True)
        start, end = partition_days(context)
        with warehouse.connect() as con:
            report = sync_exports(con, files, misplaced, kind, table, export_format, accounts)
            rows, impressions = con.execute(
                f"SELECT count(*), coalesce(sum(impressions), 0) FROM {table} WHERE date BETWEEN ? AND ?",
                [start, end],
            ).fetchone()
            by_account = con.execute(
                f"SELECT account_id, count(DISTINCT post_id) FROM {table} WHERE date BETWEEN ? AND ? "
                "GROUP BY 1 ORDER BY 1",
                [start, end],
            ).fetchall()
            metadata = table_metadata(
                con, table, rows, **_sync_metadata(report), impressions=int(impressions),
                posts_by_account=dg.MetadataValue.json(dict(by_account)),
            )
            check = _files_check(key, kind, con)
        for problem in report.rejected.values():
            context.log.error(problem)
        return dg.MaterializeResult(metadata=metadata, check_results=[check])

    return channel_posts
