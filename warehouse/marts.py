"""The analyst tables: campaign_daily, roi_local, roi_global, local_vs_global and unmatched_revenue.

All marts are refreshed together, in one transaction, for the days of the run plus the built days whose inputs
changed since (see warehouse/refresh.py), so analysts never see roi_global computed from a different roi_local,
and a daily run does not rebuild all of history.

ROI is defined once, by the macros marts.net_return and marts.roi in schema.py.
Global figures are sums of local ones: net_return_global = sum of the markets' net returns, and
roi_global = net_return_global / sum of spend, the spend-weighted mean of the local ROIs (never their sum).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import duckdb

from warehouse.database import transaction
from warehouse.refresh import REFRESHED, create_refresh_days, mark_refreshed, refreshed_day_ranges

# campaign_daily rows per statement (measured at 10M rows): a million sort within the 1 GB memory limit, and
# statements of a quarter of that leave partly filled row groups that the next checkpoint rewrites (4 s, 100 MB).
ROWS_PER_STATEMENT = 1_000_000

# Days the marts already hold where a deal was matched to a campaign and no longer is, or the other way round (a
# campaign an export now knows, an account removed from the config). Deals that changed themselves, and campaigns
# whose account, name or currency changed (with the deals naming them by ID or by name), are logged in
# raw.changed_days by staging.
_UNMATCHED_CHANGED_DAYS = """
SELECT close_date AS date FROM (
    (SELECT deal_id, close_date, channel, campaign_id, amount_original, currency FROM unmatched_now
     EXCEPT SELECT deal_id, close_date, channel, campaign_id, amount_original, currency FROM marts.unmatched_revenue)
    UNION ALL
    (SELECT deal_id, close_date, channel, campaign_id, amount_original, currency FROM marts.unmatched_revenue
     EXCEPT SELECT deal_id, close_date, channel, campaign_id, amount_original, currency FROM unmatched_now)
) WHERE $use_crm AND close_date IN (SELECT date FROM staging.refreshed_days)
"""

# A deal names its campaign by ID or by name. One whose campaign_id is no campaign ID of its channel is matched by
# name: to the one campaign of the channel whose latest name that is, exactly. A name several campaigns have (in one
# account or across accounts) matches none of them: one is never picked silently, the deal is unmatched and says why.
_DEALS_BY_NAME = """
CREATE OR REPLACE TEMP TABLE deals_by_name AS
SELECT s.deal_id, CASE WHEN count(*) = 1 THEN min(c.campaign_id) END AS campaign_id,
       list(c.campaign_id || ' (account ' || c.account_id || ')' ORDER BY c.account_id, c.campaign_id) AS candidates
FROM staging.stg_crm_revenue s JOIN staging.campaigns c ON c.channel = s.channel AND c.campaign_name = s.campaign_id
WHERE $use_crm AND NOT EXISTS (
    SELECT 1 FROM staging.campaigns i WHERE i.channel = s.channel AND i.campaign_id = s.campaign_id)
GROUP BY s.deal_id
"""

# Every deal with the campaign it is attributed to (its campaign_id where no name matched).
_DEALS_ATTRIBUTED = """
CREATE OR REPLACE TEMP VIEW deals_attributed AS
SELECT s.*, coalesce(n.campaign_id, s.campaign_id) AS attributed_campaign_id, n.candidates AS name_matches
FROM staging.stg_crm_revenue s LEFT JOIN deals_by_name n USING (deal_id)
"""

# Deals matched to no campaign of a configured account (few), with why, then converted.
_UNMATCHED_NOW = """
CREATE OR REPLACE TEMP TABLE unmatched_now AS
SELECT d.deal_id, d.close_date, d.channel, d.campaign_id, d.amount AS amount_original, d.currency,
       marts.convert_money(d.amount, d.currency, d.reporting_currency, f.rate, t.rate) AS amount, d.source, d.reason
FROM (SELECT s.*, $reporting_currency AS reporting_currency,
             CASE WHEN len(s.name_matches) > 1 THEN 'the name of ' || len(s.name_matches) || ' campaigns: '
                                                     || array_to_string(s.name_matches, ', ')
                  WHEN c.campaign_id IS NULL THEN 'no campaign of the channel has this ID or name'
                  ELSE 'campaign ' || c.campaign_id || ' is of account ' || c.account_id
                       || ', which is not in the config' END AS reason
      FROM deals_attributed s
      LEFT JOIN staging.campaigns c ON c.channel = s.channel AND c.campaign_id = s.attributed_campaign_id
      WHERE $use_crm AND NOT EXISTS (
          SELECT 1 FROM raw.accounts a WHERE a.channel = c.channel AND a.account_id = c.account_id)) d
ASOF LEFT JOIN raw.fx_rates f ON d.currency = f.currency AND d.close_date >= f.date
ASOF LEFT JOIN raw.fx_rates t ON d.reporting_currency = t.currency AND d.close_date >= t.date
"""

# The rate rule, applied once per refreshed day and currency: the ECB's rate of the day, or the latest earlier one
# (weekends, TARGET holidays). Millions of campaign rows then join it on equality, not each one by an ASOF join.
_FX_ON_DAY = """
CREATE OR REPLACE TEMP TABLE fx_on_day AS
SELECT x.date, x.currency, f.rate
FROM (SELECT d.date, c.currency FROM refresh_days d, (SELECT DISTINCT currency FROM raw.fx_rates) c) x
ASOF JOIN raw.fx_rates f ON f.currency = x.currency AND x.date >= f.date
"""

# The campaign rows of some consecutive refreshed days, in day order (see refreshed_day_ranges).
_CAMPAIGN_DAILY = f"""
INSERT INTO marts.campaign_daily
WITH ads AS (
    SELECT * FROM staging.stg_ad_performance WHERE date BETWEEN $first AND $last AND {REFRESHED}
),
deals AS (
    SELECT close_date AS date, channel, attributed_campaign_id AS campaign_id, amount, currency,
           $reporting_currency AS reporting_currency
    FROM deals_attributed
    WHERE $use_crm AND close_date BETWEEN $first AND $last AND close_date IN (SELECT date FROM refresh_days)
),
deal_revenue AS (
    -- each deal at its close date's rate; one missing rate makes the day's revenue unknown, not smaller
    SELECT date, channel, campaign_id,
           CASE WHEN bool_or(revenue IS NULL) THEN NULL ELSE sum(revenue) END AS revenue
    FROM (
        SELECT d.date, d.channel, d.campaign_id,
               marts.convert_money(d.amount, d.currency, d.reporting_currency, f.rate, t.rate) AS revenue
        FROM deals d
        LEFT JOIN fx_on_day f ON f.currency = d.currency AND f.date = d.date
        LEFT JOIN fx_on_day t ON t.currency = d.reporting_currency AND t.date = d.date)
    GROUP BY ALL
),
campaign_days AS (
    SELECT coalesce(a.date, r.date) AS date,
           coalesce(a.channel, r.channel) AS channel,
           coalesce(a.account_id, c.account_id) AS account_id,
           coalesce(a.campaign_id, r.campaign_id) AS campaign_id,
           coalesce(a.campaign_name, c.campaign_name) AS campaign_name,
           coalesce(a.currency, c.currency) AS currency,
           coalesce(a.spend, 0) AS spend_original,
           coalesce(a.impressions, 0) AS impressions,
           coalesce(a.clicks, 0) AS clicks,
           a.conversions,
           a.platform_revenue AS platform_revenue_original,
           r.date IS NOT NULL AS has_deals,
           r.revenue AS crm_revenue,
           $reporting_currency AS reporting_currency
    FROM ads a
    FULL OUTER JOIN deal_revenue r
        ON a.date = r.date AND a.channel = r.channel AND a.campaign_id = r.campaign_id
    -- a deal closed on a day without delivery: its campaign's latest account, name and currency
    LEFT JOIN staging.campaigns c ON c.channel = r.channel AND c.campaign_id = r.campaign_id
)
SELECT x.date, x.channel, x.account_id, x.campaign_id, x.campaign_name, acc.market, acc.scope, x.currency,
       x.spend_original,
       marts.convert_money(x.spend_original, x.currency, x.reporting_currency, f.rate, t.rate) AS spend,
       x.impressions, x.clicks, x.conversions,
       marts.convert_money(x.platform_revenue_original, x.currency, x.reporting_currency, f.rate, t.rate)
           AS platform_revenue,
       CASE WHEN $use_crm THEN (CASE WHEN x.has_deals THEN x.crm_revenue ELSE 0 END)
            WHEN x.platform_revenue_original IS NULL THEN 0
            ELSE marts.convert_money(x.platform_revenue_original, x.currency, x.reporting_currency, f.rate, t.rate)
       END AS revenue
FROM campaign_days x
JOIN raw.accounts acc ON acc.channel = x.channel AND acc.account_id = x.account_id
LEFT JOIN fx_on_day f ON f.currency = x.currency AND f.date = x.date
LEFT JOIN fx_on_day t ON t.currency = x.reporting_currency AND t.date = x.date
ORDER BY x.date
"""

_ROI_LOCAL = """
INSERT INTO marts.roi_local
SELECT date, market, channel, sum(spend), sum(revenue),
       marts.net_return(sum(revenue), sum(spend)),
       marts.roi(marts.net_return(sum(revenue), sum(spend)), sum(spend))
FROM marts.campaign_daily
WHERE date IN (SELECT date FROM refresh_days)
GROUP BY date, market, channel
"""

# The global figure is built from the local ones, never from campaign rows directly.
_ROI_GLOBAL = """
INSERT INTO marts.roi_global
SELECT date, channel, sum(spend), sum(revenue), sum(net_return), marts.roi(sum(net_return), sum(spend))
FROM marts.roi_local
WHERE date IN (SELECT date FROM refresh_days)
GROUP BY date, channel
"""

# Campaign sums of local-scope and of global-scope accounts, for whatever a query groups by.
SCOPE_SUMS = """sum(spend) FILTER (WHERE scope = 'local') AS local_spend,
           sum(revenue) FILTER (WHERE scope = 'local') AS local_revenue,
           sum(clicks) FILTER (WHERE scope = 'local') AS local_clicks,
           sum(impressions) FILTER (WHERE scope = 'local') AS local_impressions,
           sum(spend) FILTER (WHERE scope = 'global') AS global_spend,
           sum(revenue) FILTER (WHERE scope = 'global') AS global_revenue,
           sum(clicks) FILTER (WHERE scope = 'global') AS global_clicks,
           sum(impressions) FILTER (WHERE scope = 'global') AS global_impressions"""

_MONTHS = "SELECT DISTINCT CAST(date_trunc('month', date) AS DATE) AS month FROM refresh_days"
_WEEKS = "SELECT DISTINCT CAST(date_trunc('week', date) AS DATE) AS week FROM refresh_days"
# Their days, so that reading campaign_daily (clustered by day) skips the blocks of other days.
_MONTH_DAYS = f"""SELECT CAST(unnest(generate_series(month, CAST(month + INTERVAL 1 MONTH AS DATE) - 1, INTERVAL 1 DAY))
                         AS DATE) AS date FROM ({_MONTHS})"""
_WEEK_DAYS = f"SELECT CAST(week + INTERVAL (lag) DAY AS DATE) AS date FROM ({_WEEKS}), range(7) AS lags(lag)"

_LOCAL_VS_GLOBAL = f"""
INSERT INTO marts.local_vs_global
WITH paid AS (
    SELECT CAST(date_trunc('month', date) AS DATE) AS month, channel,
           {SCOPE_SUMS}
    FROM marts.campaign_daily
    WHERE date IN ({_MONTH_DAYS})
    GROUP BY ALL
),
organic AS (
    SELECT CAST(date_trunc('month', p.date) AS DATE) AS month, p.channel,
           sum(p.engagements) FILTER (WHERE a.scope = 'local') AS local_engagements,
           sum(p.impressions) FILTER (WHERE a.scope = 'local') AS local_post_impressions,
           sum(p.engagements) FILTER (WHERE a.scope = 'global') AS global_engagements,
           sum(p.impressions) FILTER (WHERE a.scope = 'global') AS global_post_impressions
    FROM staging.stg_posts p JOIN raw.accounts a USING (channel, account_id)
    WHERE CAST(date_trunc('month', p.date) AS DATE) IN ({_MONTHS})
    GROUP BY ALL
),
ratios AS (
    SELECT month, channel,
           marts.roi(marts.net_return(local_revenue, local_spend), local_spend) AS local_roi,
           marts.roi(marts.net_return(global_revenue, global_spend), global_spend) AS global_roi,
           marts.ratio(local_clicks, local_impressions) AS local_ctr,
           marts.ratio(global_clicks, global_impressions) AS global_ctr,
           marts.ratio(local_engagements, local_post_impressions) AS local_engagement_rate,
           marts.ratio(global_engagements, global_post_impressions) AS global_engagement_rate
    FROM paid FULL OUTER JOIN organic USING (month, channel)
)
SELECT month, channel, local_roi, global_roi, local_ctr, global_ctr,
       marts.ratio(local_ctr, global_ctr) - 1 AS ctr_uplift,
       local_engagement_rate, global_engagement_rate,
       marts.ratio(local_engagement_rate, global_engagement_rate) - 1 AS engagement_uplift
FROM ratios
"""

# Touches per ISO week: organic posts published plus days with ad delivery, per channel and market.
_CONTACT_FREQUENCY = f"""
INSERT INTO marts.contact_frequency
WITH posts AS (
    SELECT CAST(date_trunc('week', p.date) AS DATE) AS week, p.channel, a.market, count(*) AS posts,
           sum(p.impressions) AS impressions, sum(p.engagements) AS engagements
    FROM staging.stg_posts p JOIN raw.accounts a USING (channel, account_id)
    WHERE CAST(date_trunc('week', p.date) AS DATE) IN ({_WEEKS})
    GROUP BY ALL
),
ads AS (
    SELECT CAST(date_trunc('week', date) AS DATE) AS week, channel, market,
           count(DISTINCT date) FILTER (WHERE impressions > 0) AS ad_delivery_days, sum(impressions) AS impressions
    FROM marts.campaign_daily
    WHERE date IN ({_WEEK_DAYS})
    GROUP BY ALL
),
weekly_reach AS (
    -- one figure per account and week from a pull over the whole week, never a sum of daily reach; unknown when
    -- an account's is (the others' alone would be too low)
    SELECT r.week, r.channel, a.market, CASE WHEN count(r.reach) = count(*) THEN sum(r.reach) END AS reach,
           sum(r.impressions) AS impressions
    FROM raw.weekly_reach r JOIN raw.accounts a USING (channel, account_id)
    WHERE r.week IN ({_WEEKS})
    GROUP BY ALL
)
SELECT week, channel, market,
       coalesce(posts.posts, 0), coalesce(ads.ad_delivery_days, 0),
       coalesce(posts.posts, 0) + coalesce(ads.ad_delivery_days, 0) AS touches,
       coalesce(posts.impressions, 0) + coalesce(ads.impressions, 0),
       coalesce(posts.engagements, 0),
       marts.ratio(posts.engagements, posts.impressions),
       weekly_reach.reach,
       marts.ratio(weekly_reach.impressions, weekly_reach.reach),
       coalesce(posts.posts, 0) + coalesce(ads.ad_delivery_days, 0) > $contact_threshold
FROM posts
FULL OUTER JOIN ads USING (week, channel, market)
LEFT JOIN weekly_reach USING (week, channel, market)
"""

# Organic engagement rate per week; a week's row also depends on the week before and the one 12 weeks before.
_ENGAGEMENT_TREND = f"""
INSERT INTO marts.engagement_trend
WITH affected AS (
    SELECT DISTINCT CAST(week + INTERVAL (7 * lag) DAY AS DATE) AS week
    FROM ({_WEEKS}), (VALUES (0), (1), (12)) AS lags(lag)
),
weekly AS (
    -- the affected weeks and the ones they compare with
    SELECT CAST(date_trunc('week', p.date) AS DATE) AS week, p.channel, a.market,
           sum(p.impressions) AS impressions, sum(p.engagements) AS engagements,
           marts.ratio(sum(p.engagements), sum(p.impressions)) AS rate
    FROM staging.stg_posts p JOIN raw.accounts a USING (channel, account_id)
    WHERE CAST(date_trunc('week', p.date) AS DATE) IN (
        SELECT CAST(week - INTERVAL (7 * lag) DAY AS DATE) FROM affected, (VALUES (0), (1), (12)) AS lags(lag))
    GROUP BY ALL
)
SELECT w.week, w.channel, w.market, w.impressions, w.engagements, w.rate,
       marts.ratio(w.rate, before.rate) - 1 AS change_1w,
       marts.ratio(w.rate, quarter.rate) - 1 AS change_12w,
       coalesce(marts.ratio(w.rate, quarter.rate) - 1 < $decline_threshold, false) AS declining
FROM weekly w
LEFT JOIN weekly before ON before.channel = w.channel AND before.market = w.market
    AND before.week = CAST(w.week - INTERVAL 7 DAY AS DATE)
LEFT JOIN weekly quarter ON quarter.channel = w.channel AND quarter.market = w.market
    AND quarter.week = CAST(w.week - INTERVAL 84 DAY AS DATE)
WHERE w.week IN (SELECT week FROM affected)
"""


@dataclass(frozen=True)
class MartsRefresh:
    """What one refresh rewrote."""

    days: list[date]
    row_counts: dict[str, int]
    spend_totals: dict[str, object]


def refresh_marts(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    reporting_currency: str,
    revenue_source: str,
    contact_threshold: int = 7,
    decline_threshold: Decimal = Decimal("-0.22"),
) -> MartsRefresh:
    """Rewrite every mart for start..end (plus days with changed CRM revenue), all in one transaction.

    Leaves the temp table `refresh_days` on the connection for the data-quality checks that follow.
    """
    params = {"reporting_currency": reporting_currency, "use_crm": revenue_source == "crm"}
    with transaction(con):
        con.execute(_DEALS_BY_NAME, {"use_crm": params["use_crm"]})
        con.execute(_DEALS_ATTRIBUTED)
        con.execute(_UNMATCHED_NOW, params)
        create_refresh_days(con, start, end, also=_UNMATCHED_CHANGED_DAYS, params={"use_crm": params["use_crm"]})
        for table in ("campaign_daily", "roi_local", "roi_global"):
            con.execute(f"DELETE FROM marts.{table} WHERE date IN (SELECT date FROM refresh_days)")
        con.execute(f"DELETE FROM marts.local_vs_global WHERE month IN ({_MONTHS})")
        con.execute(f"DELETE FROM marts.contact_frequency WHERE week IN ({_WEEKS})")
        con.execute(
            f"""DELETE FROM marts.engagement_trend WHERE week IN (
                SELECT CAST(week + INTERVAL (7 * lag) DAY AS DATE) FROM ({_WEEKS}), (VALUES (0), (1), (12)) l(lag))"""
        )
        con.execute(_FX_ON_DAY)
        for first, last in refreshed_day_ranges(con, "staging.stg_ad_performance", ROWS_PER_STATEMENT):
            con.execute(_CAMPAIGN_DAILY, {**params, "first": first, "last": last})
        con.execute(_ROI_LOCAL)
        con.execute(_ROI_GLOBAL)
        con.execute(_LOCAL_VS_GLOBAL)
        con.execute(_CONTACT_FREQUENCY, {"contact_threshold": contact_threshold})
        con.execute(_ENGAGEMENT_TREND, {"decline_threshold": decline_threshold})
        con.execute("DELETE FROM marts.unmatched_revenue")
        con.execute("INSERT INTO marts.unmatched_revenue SELECT * FROM unmatched_now")
        mark_refreshed(con)
    days = [row[0] for row in con.execute("SELECT date FROM refresh_days ORDER BY date").fetchall()]
    return MartsRefresh(days=days, row_counts=_row_counts(con), spend_totals=_spend_totals(con))


def _row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    counts = {}
    for table, day in (("campaign_daily", "date"), ("roi_local", "date"), ("roi_global", "date")):
        counts[table] = con.execute(
            f"SELECT count(*) FROM marts.{table} WHERE {day} IN (SELECT date FROM refresh_days)"
        ).fetchone()[0]
    counts["local_vs_global"] = con.execute(
        f"SELECT count(*) FROM marts.local_vs_global WHERE month IN ({_MONTHS})"
    ).fetchone()[0]
    for table in ("contact_frequency", "engagement_trend"):
        counts[table] = con.execute(f"SELECT count(*) FROM marts.{table} WHERE week IN ({_WEEKS})").fetchone()[0]
    counts["unmatched_revenue"] = con.execute("SELECT count(*) FROM marts.unmatched_revenue").fetchone()[0]
    return counts


def _spend_totals(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    spend, revenue, net_return = con.execute(
        "SELECT sum(spend), sum(revenue), sum(net_return) FROM marts.roi_global "
        "WHERE date IN (SELECT date FROM refresh_days)"
    ).fetchone()
    return {"spend": spend, "revenue": revenue, "net_return": net_return}
