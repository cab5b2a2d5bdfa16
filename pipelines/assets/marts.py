"""Mart assets: the tables analysts query, refreshed together in one transaction."""

from datetime import timedelta

import dagster as dg

from pipelines.assets.metadata import money, table_metadata
from pipelines.assets.raw import ACCOUNTS, FX_RATES
from pipelines.assets.staging import AD_KEY, STG_AD_PERFORMANCE, STG_CRM_REVENUE, STG_POSTS
from pipelines.partitions import OWNERS, SINGLE_RUN, run_days
from pipelines.resources import DUCKDB_POOL, RoiConfigResource, WarehouseResource
from warehouse import quality
from warehouse.marts import refresh_marts

GROUP = "marts"
CAMPAIGN_DAILY = dg.AssetKey(["marts", "campaign_daily"])
UNMATCHED_REVENUE = dg.AssetKey(["marts", "unmatched_revenue"])
ROI_LOCAL = dg.AssetKey(["marts", "roi_local"])
ROI_GLOBAL = dg.AssetKey(["marts", "roi_global"])
LOCAL_VS_GLOBAL = dg.AssetKey(["marts", "local_vs_global"])
CONTACT_FREQUENCY = dg.AssetKey(["marts", "contact_frequency"])
ENGAGEMENT_TREND = dg.AssetKey(["marts", "engagement_trend"])

MART_TABLES = {
    CAMPAIGN_DAILY: "marts.campaign_daily",
    UNMATCHED_REVENUE: "marts.unmatched_revenue",
    ROI_LOCAL: "marts.roi_local",
    ROI_GLOBAL: "marts.roi_global",
    LOCAL_VS_GLOBAL: "marts.local_vs_global",
    CONTACT_FREQUENCY: "marts.contact_frequency",
    ENGAGEMENT_TREND: "marts.engagement_trend",
}

_SPECS = [
    dg.AssetSpec(
        CAMPAIGN_DAILY,
        deps=[STG_AD_PERFORMANCE, STG_CRM_REVENUE, FX_RATES, ACCOUNTS],
        description=(
            "One row per day, channel, account and campaign with its market and scope: spend in the campaign's "
            "currency and in the reporting currency (ECB rate of the day), impressions, clicks, conversions, the "
            "platform's own conversion value and the revenue ROI is computed from (CRM attributed revenue on the "
            "deal's close date, or the platform's value, per `revenue_source`)."
        ),
    ),
    dg.AssetSpec(
        UNMATCHED_REVENUE,
        deps=[STG_CRM_REVENUE, STG_AD_PERFORMANCE, FX_RATES],
        description=(
            "CRM deals attributed to a campaign that no export of a configured account knows: kept here, never "
            "dropped, until the campaign's exports arrive or the CRM attribution is fixed."
        ),
    ),
    dg.AssetSpec(
        ROI_LOCAL,
        deps=[CAMPAIGN_DAILY],
        description=(
            "Local ROI: per day, market and channel, spend, revenue, net return (revenue - spend) and ROI "
            "(net return / spend, empty when nothing was spent). Global-scope accounts form their own market."
        ),
    ),
    dg.AssetSpec(
        ROI_GLOBAL,
        deps=[ROI_LOCAL],
        description=(
            "Global ROI, built as the sum of the local ones: per day and channel, the markets' net returns added "
            "up, over their total spend (the spend-weighted mean of the local ROIs; ROI ratios are never added)."
        ),
    ),
    dg.AssetSpec(
        LOCAL_VS_GLOBAL,
        deps=[CAMPAIGN_DAILY, STG_POSTS],
        description=(
            "Per month and channel, local-scope accounts against global-scope ones: campaign ROI, click-through "
            "rate and the local CTR uplift, and the organic engagement rate of local pages against the global "
            "page (the article's 'local pages perform 35% better')."
        ),
    ),
    dg.AssetSpec(
        CONTACT_FREQUENCY,
        deps=[CAMPAIGN_DAILY, STG_POSTS],
        description=(
            "Per ISO week, channel and market: how often the brand touched its audience (organic posts published "
            "plus days with ad delivery), the organic engagement rate, and a flag when touches exceed the "
            "`contact_threshold` (the article: 15-20 a week where 6-7 suffice). Frequency = impressions / reach "
            "only where a weekly reach is known; daily reach is never summed."
        ),
    ),
    dg.AssetSpec(
        ENGAGEMENT_TREND,
        deps=[STG_POSTS],
        description=(
            "Organic engagement rate per channel and market by week, its change week over week and over 12 weeks, "
            "and a flag when the 12-week change falls below `decline_threshold` (the article's -22%)."
        ),
    ),
]

# Blocking checks guard the marts' integrity: when one fails the analysts' file is not replaced.
_CHECKS = [
    dg.AssetCheckSpec(
        "unique_key", asset=CAMPAIGN_DAILY, blocking=True, description="one row per day, channel, account, campaign"
    ),
    dg.AssetCheckSpec("non_negative_spend", asset=CAMPAIGN_DAILY, description="no negative spend"),
    dg.AssetCheckSpec(
        "fx_rates_present", asset=CAMPAIGN_DAILY, blocking=True, description="an ECB rate for every currency and day"
    ),
    dg.AssetCheckSpec("revenue_matched", asset=UNMATCHED_REVENUE, description="all CRM revenue matches a campaign"),
    dg.AssetCheckSpec(
        "global_equals_sum_of_local", asset=ROI_GLOBAL, blocking=True,
        description="global net return = sum of local, to the cent",
    ),
]


def build_mart_assets(partitions: dg.PartitionsDefinition, freshness_days: int) -> list[dg.AssetsDefinition]:
    # The marts are expected to be refreshed every day; the UI flags them once `freshness_days` pass without.
    freshness = dg.FreshnessPolicy.time_window(
        fail_window=timedelta(days=freshness_days), warn_window=timedelta(hours=26)
    ) if freshness_days > 1 else dg.FreshnessPolicy.time_window(fail_window=timedelta(days=freshness_days))

    @dg.multi_asset(
        name="marts",
        specs=[
            spec.replace_attributes(group_name=GROUP, owners=OWNERS, kinds={"duckdb"}, freshness_policy=freshness)
            for spec in _SPECS
        ],
        check_specs=_CHECKS,
        partitions_def=partitions,
        backfill_policy=SINGLE_RUN,
        pool=DUCKDB_POOL,
        can_subset=False,
    )
    def marts(context: dg.AssetExecutionContext, roi: RoiConfigResource, warehouse: WarehouseResource):
        """Refresh every mart for the run's days, and the days whose CRM revenue changed, in one transaction."""
        config = roi.load()
        start, end = run_days(context)
        use_crm = config.revenue_source == "crm"
        with warehouse.connect() as con:
            refresh = refresh_marts(
                con, start, end, config.reporting_currency, config.revenue_source,
                config.contact_threshold, config.decline_threshold,
            )
            extra_days = [str(day) for day in refresh.days if not start <= day <= end]
            if extra_days:
                context.log.info(f"CRM revenue changed on days outside the run, refreshed too: {extra_days}")
            for key, table in MART_TABLES.items():
                metadata = table_metadata(con, table, refresh.row_counts[table.split(".")[1]])
                if key in (CAMPAIGN_DAILY, ROI_LOCAL, ROI_GLOBAL):
                    metadata.update({name: money(value) for name, value in refresh.spend_totals.items()})
                    metadata["reporting_currency"] = config.reporting_currency
                if key == CAMPAIGN_DAILY:
                    metadata["refreshed_days"] = len(refresh.days)
                yield dg.MaterializeResult(asset_key=key, metadata=metadata)
            outcomes = {
                (CAMPAIGN_DAILY, "unique_key"): quality.duplicate_keys(
                    con, "marts.campaign_daily", AD_KEY, quality.REFRESHED
                ),
                (CAMPAIGN_DAILY, "non_negative_spend"): quality.non_negative_spend(con),
                (CAMPAIGN_DAILY, "fx_rates_present"): quality.fx_rates_present(con, config.reporting_currency, use_crm),
                (UNMATCHED_REVENUE, "revenue_matched"): quality.revenue_matched(con),
                (ROI_GLOBAL, "global_equals_sum_of_local"): quality.global_equals_sum_of_local(con),
            }
        for (key, name), outcome in outcomes.items():
            yield dg.AssetCheckResult(
                asset_key=key,
                check_name=name,
                passed=outcome.passed,
                description=outcome.description,
                metadata=outcome.metadata,
            )

    return [marts]
