"""Raw organic-post assets: the posts of the brand's own pages, one asset per channel, mirrored from their exports
and pulled from the platforms' APIs.

Organic posts are the touches the brand makes without paying: with ad delivery they make the contact frequency of
a market (the article's 15-20 touches a week where 6-7 suffice) and their engagement is the article's engagement
trend. Files live in `<exports_dir>/<channel>_posts/<account_id>/*.csv`, under the same account ids as the config's
accounts, and follow the paid exports' rules: header found by content, one alias table per channel, a file that
cannot be read rejected whole (named with line and column) while its previous rows stay. Accounts with
`posts_source = "api"` have their page's posts pulled as well (warehouse/api_posts.py).
"""

import dagster as dg

from connectors.api_clients import POST_IDS_MATCH_EXPORT
from connectors.channels import ORGANIC_FORMATS, ORGANIC_KINDS
from pipelines.assets.metadata import table_metadata
from pipelines.assets.loads import (
    API_PULLS_COMPLETE, FILES_ACCEPTED, files_check, log_load, pull_api_accounts, pull_metadata, pulls_check,
    sync_metadata,
)
from pipelines.assets.raw import ACCOUNTS, GROUP
from pipelines.partitions import run_days, writer_settings
from pipelines.resources import PlatformApiResource, RoiConfigResource, WarehouseResource
from warehouse.api_posts import accounts_in_both
from warehouse.exports import find_export_files, sync_exports
from warehouse.schema import POST_TABLES

POSTS_COUNTED_ONCE = "posts_counted_once"

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

    checks = [dg.AssetCheckSpec(FILES_ACCEPTED, asset=key), dg.AssetCheckSpec(API_PULLS_COMPLETE, asset=key)]
    if not POST_IDS_MATCH_EXPORT[channel]:
        checks.append(dg.AssetCheckSpec(POSTS_COUNTED_ONCE, asset=key))

    @dg.asset(
        key=key,
        kinds={"duckdb", "csv", "api"},
        deps=[ACCOUNTS],
        check_specs=checks,
        description=(
            f"{PAGE_LABELS[channel]}: the organic posts of the brand's own pages, one row per post with its publish "
            "time, impressions, clicks, reactions, comments, shares and video views. These are the touches that, "
            "with ad delivery days, make a market's contact frequency, and whose engagement rate is the engagement "
            f"trend (local pages against the global page). From the exports in `<exports_dir>/{kind}/<account_id>/`, "
            "the account ids of the config; a file that cannot be read is rejected whole, named with line and "
            "column, and its previous rows stay. For accounts with `posts_source = \"api\"`, from the platform's "
            "API too: the posts of the page `page_id` published in the run's days and the weeks before (their "
            "numbers keep growing), all pages of a pull or nothing. Every source's rows are kept as they are: "
            "where they overlap, staging keeps the newest source's row per post, so a post counts once (LinkedIn "
            "names posts otherwise in its export than in its API: its `posts_counted_once` check fails when a page "
            "has both)."
        ),
        **common,
    )
    def channel_posts(
        context: dg.AssetExecutionContext,
        roi: RoiConfigResource,
        warehouse: WarehouseResource,
        platform_api: PlatformApiResource,
    ):
        config = roi.load()
        accounts = {a.account_id: a.currency for a in config.accounts if a.channel == channel}
        scan = find_export_files(config.exports_dir, kind, per_account=True, follow_symlinks=config.follow_symlinks)
        start, end = run_days(context)
        with warehouse.connect() as con:
            report = sync_exports(con, scan, kind, table, export_format, accounts)
            pulls = pull_api_accounts(con, config, channel, start, end, platform_api, posts=True)
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
                con, table, rows, **sync_metadata(report), **pull_metadata(pulls), impressions=int(impressions),
                posts_by_account=dg.MetadataValue.json(dict(by_account)),
            )
            results = [files_check(key, kind, con), pulls_check(key, pulls)]
            if not POST_IDS_MATCH_EXPORT[channel]:
                results.append(_counted_once_check(key, channel, con))
        log_load(context, report, pulls)
        return dg.MaterializeResult(metadata=metadata, check_results=results)

    return channel_posts


def _counted_once_check(asset_key: dg.AssetKey, channel: str, con) -> dg.AssetCheckResult:
    """Where the API names a post otherwise than the export (LinkedIn), a page with both would count posts twice."""
    both = accounts_in_both(con, channel)
    kind = ORGANIC_KINDS[channel]
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=POSTS_COUNTED_ONCE,
        passed=not both,
        description="; ".join(
            f"account {account} has {rows} post row(s) from exports and posts from the API, which name posts "
            f"differently: the same post may count twice. Keep one source: remove {kind}/{account}/ from the "
            f"exports folder, or set posts_source = \"csv\"" for account, rows in both.items()
        ) or "every page's posts come from one source",
        metadata={"accounts_in_both": dg.MetadataValue.json(both)},
    )
