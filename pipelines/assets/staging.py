"""Staging assets: overlapping exports resolved to one row per key, the newest file winning."""

import dagster as dg

from pipelines.assets.metadata import table_metadata
from pipelines.assets.raw import CHANNEL_ADS, CRM_DEALS
from pipelines.partitions import run_days, writer_settings
from pipelines.resources import WarehouseResource
from warehouse import quality
from connectors.channels import CHANNELS
from warehouse.staging import build_stg_ad_performance, build_stg_crm_revenue, build_stg_posts

GROUP = "staging"
STG_AD_PERFORMANCE = dg.AssetKey(["staging", "stg_ad_performance"])
STG_CRM_REVENUE = dg.AssetKey(["staging", "stg_crm_revenue"])
STG_POSTS = dg.AssetKey(["staging", "stg_posts"])
CHANNEL_POSTS = [dg.AssetKey(["raw", f"{channel}_posts"]) for channel in CHANNELS]
AD_KEY = ("date", "channel", "account_id", "campaign_id")


def build_staging_assets(partitions: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    common = writer_settings(partitions, GROUP)

    @dg.asset(
        key=STG_AD_PERFORMANCE,
        kinds={"duckdb"},
        deps=list(CHANNEL_ADS.values()),
        check_specs=[
            dg.AssetCheckSpec("unique_key", asset=STG_AD_PERFORMANCE),
            dg.AssetCheckSpec(
                "campaign_names_unambiguous", asset=STG_AD_PERFORMANCE,
                description="a campaign of an export without campaign IDs is at most one campaign ID of its account",
            ),
        ],
        **common,
    )
    def stg_ad_performance(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        """Every channel's campaign performance, one row per day, channel, account and campaign, in the
        campaign's own currency.

        Where exports overlap, the newest file wins, so numbers a platform restated replace the old ones and
        loading the same files twice changes nothing.
        """
        start, end = run_days(context)
        with warehouse.connect() as con:
            rows = build_stg_ad_performance(con, start, end)
            outcomes = {
                "unique_key": quality.duplicate_keys_between(con, "staging.stg_ad_performance", AD_KEY, start, end),
                "campaign_names_unambiguous": quality.campaign_names_unambiguous(con),
            }
            metadata = table_metadata(con, "staging.stg_ad_performance", rows)
        return dg.MaterializeResult(
            metadata=metadata,
            check_results=[
                dg.AssetCheckResult(check_name=name, passed=outcome.passed, description=outcome.description,
                                    metadata=outcome.metadata)
                for name, outcome in outcomes.items()
            ],
        )

    @dg.asset(key=STG_CRM_REVENUE, kinds={"duckdb"}, deps=[CRM_DEALS], **common)
    def stg_crm_revenue(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        """Attributed revenue, one row per won deal: a deal seen again in a newer CRM export replaces the
        older row (its amount or close date changed)."""
        with warehouse.connect() as con:
            rows = build_stg_crm_revenue(con)
            metadata = table_metadata(con, "staging.stg_crm_revenue", rows)
        return dg.MaterializeResult(metadata=metadata)

    @dg.asset(key=STG_POSTS, kinds={"duckdb"}, deps=CHANNEL_POSTS, **common)
    def stg_posts(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        """Organic posts of every channel's pages, one row per post with its latest numbers (impressions,
        engagements = clicks + reactions + comments + shares, video views): the touches that are not ads."""
        with warehouse.connect() as con:
            rows = build_stg_posts(con)
            metadata = table_metadata(con, "staging.stg_posts", rows)
        return dg.MaterializeResult(metadata=metadata)

    return [stg_ad_performance, stg_crm_revenue, stg_posts]
