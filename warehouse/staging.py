"""Resolve overlapping inputs into one row per key: the newest file wins.

Exports overlap (a marketer downloads 1–15 September, then 10–30 September); for each day, account and campaign the
rows of the file with the newest modification time are kept, so restated numbers replace old ones and loading the
same files again changes nothing. Rows of one file with the same key (an ad-level export) are summed.
"""

from __future__ import annotations

from datetime import date

import duckdb

from warehouse.database import transaction
from warehouse.refresh import REFRESHED, create_refresh_days
from warehouse.schema import AD_TABLES, POST_TABLES


ROWS_PER_STATEMENT = 250_000

# Each source of a channel's refreshed rows ranked once, oldest first (modification time, then name): newest-wins
# then compares integers, not timestamps and paths, on every row.
_SOURCE_RANKS = f"""
CREATE OR REPLACE TEMP TABLE source_ranks AS
SELECT source, row_number() OVER (ORDER BY source_updated_at, source) AS rank
FROM (SELECT DISTINCT source, source_updated_at FROM {{table}} WHERE {REFRESHED})
"""

# The rows of some consecutive refreshed days, the newest source's per day, account and campaign (see the module
# docstring), in day order: staging stays clustered by day, so later runs read and rewrite only their days' blocks.
_NEWEST_ROWS = f"""
INSERT INTO staging.stg_ad_performance
WITH export_rows AS (
    SELECT r.*, s.rank FROM {{table}} r JOIN source_ranks s USING (source)
    WHERE date BETWEEN $first AND $last AND {REFRESHED}),
newest AS (SELECT date, account_id, campaign_id, max(rank) AS rank FROM export_rows GROUP BY ALL)
SELECT date, $channel, account_id, campaign_id,
       arg_max(campaign_name, coalesce(line, 0)), arg_max(currency, coalesce(line, 0)),
       sum(spend), sum(impressions), sum(clicks), sum(conversions), sum(platform_revenue),
       any_value(source)  -- one source per rank
FROM export_rows JOIN newest USING (date, account_id, campaign_id, rank)
GROUP BY date, account_id, campaign_id, rank
ORDER BY date
"""


def build_stg_ad_performance(con: duckdb.DuckDBPyConnection, start: date, end: date) -> int:
    """Replace the days start..end (and changed days already built) of staging.stg_ad_performance in one
    transaction; returns its row count over those days.

    Resolved a few days at a time: newest-wins only ever compares rows of one day, and a statement over at most
    ROWS_PER_STATEMENT rows stays in memory where a whole backfill's would spill to disk.
    """
    create_refresh_days(con, start, end)
    with transaction(con):
        con.execute(f"DELETE FROM staging.stg_ad_performance WHERE {REFRESHED}")
        for channel, table in AD_TABLES.items():
            rows = con.execute(f"SELECT date, count(*) FROM {table} WHERE {REFRESHED} GROUP BY 1 ORDER BY 1").fetchall()
            con.execute(_SOURCE_RANKS.format(table=table))
            for first, last in _day_ranges(rows):
                con.execute(_NEWEST_ROWS.format(table=table), {"channel": channel, "first": first, "last": last})
    return con.execute(f"SELECT count(*) FROM staging.stg_ad_performance WHERE {REFRESHED}").fetchone()[0]


def _day_ranges(rows_per_day: list[tuple[date, int]]) -> list[tuple[date, date]]:
    """Consecutive days holding at most ROWS_PER_STATEMENT rows together (a day alone may hold more)."""
    ranges: list[tuple[date, date]] = []
    rows = 0
    for day, count in rows_per_day:
        if ranges and rows + count <= ROWS_PER_STATEMENT:
            ranges[-1] = (ranges[-1][0], day)
            rows += count
        else:
            ranges.append((day, day))
            rows = count
    return ranges


def build_stg_crm_revenue(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild staging.stg_crm_revenue: one row per deal, from the newest file (then the last line) naming it."""
    with transaction(con):
        con.execute("DELETE FROM staging.stg_crm_revenue")
        con.execute(
            """INSERT INTO staging.stg_crm_revenue
               SELECT deal_id, close_date, channel, campaign_id, amount, currency, source
               FROM raw.crm_deals
               QUALIFY row_number() OVER (
                   PARTITION BY deal_id ORDER BY source_updated_at DESC, source DESC, line DESC) = 1"""
        )
    return con.execute("SELECT count(*) FROM staging.stg_crm_revenue").fetchone()[0]


def _post_rows_union() -> tuple[str, dict[str, str]]:
    selects, params = [], {}
    for number, (channel, table) in enumerate(POST_TABLES.items()):
        selects.append(f"SELECT $channel_{number} AS channel, * FROM {table}")
        params[f"channel_{number}"] = channel
    return " UNION ALL ".join(selects), params


def build_stg_posts(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild staging.stg_posts: one row per post, from the newest export naming it (a post's numbers keep
    growing after it is published; the latest export has them all)."""
    union, params = _post_rows_union()
    with transaction(con):
        con.execute("DELETE FROM staging.stg_posts")
        con.execute(
            f"""INSERT INTO staging.stg_posts
                SELECT date, channel, account_id, post_id, published_at, title, impressions,
                       coalesce(clicks, 0) + coalesce(reactions, 0) + coalesce(comments, 0) + coalesce(shares, 0),
                       clicks, reactions, comments, shares, video_views, source
                FROM ({union})
                QUALIFY row_number() OVER (PARTITION BY channel, account_id, post_id
                                           ORDER BY source_updated_at DESC, source DESC, line DESC) = 1""",
            params,
        )
    return con.execute("SELECT count(*) FROM staging.stg_posts").fetchone()[0]
