"""Resolve overlapping inputs into one row per key: the newest file wins.

Exports overlap (a marketer downloads 1–15 September, then 10–30 September); for each day, account and campaign the
rows of the file with the newest modification time are kept, so restated numbers replace old ones and loading the
same files again changes nothing. Rows of one file with the same key (an ad-level export) are summed.
"""

from __future__ import annotations

from datetime import date

import duckdb

from warehouse.database import transaction
from warehouse.refresh import REFRESHED, create_refresh_days, record_changed_days, refreshed_day_ranges
from warehouse.schema import AD_TABLES, POST_TABLES

ROWS_PER_STATEMENT = 1_000_000  # 2 million took more CPU and memory (RSS 1.1 GB) under the 1 GB memory limit

# Each source of a channel's refreshed rows ranked once, oldest first (modification time, then name): newest-wins
# then compares integers, not timestamps and paths, on every row.
_SOURCE_RANKS = f"""
CREATE OR REPLACE TEMP TABLE source_ranks AS
SELECT source, row_number() OVER (ORDER BY source_updated_at, source) AS rank
FROM (SELECT DISTINCT source, source_updated_at FROM {{table}} WHERE {REFRESHED})
"""

_IN_RANGE = f"date BETWEEN $first AND $last AND {REFRESHED}"

# The rows of some consecutive refreshed days, the newest source's per day, account and campaign (see the module
# docstring), in day order: staging stays clustered by day, so later runs read and rewrite only their days' blocks.
# A row alone on its key is its key's staging row as it is: most are (only restated days come twice), and finding
# them by a hash of the key costs a fraction of resolving every key (keys sharing a hash just take the full way).
_NEWEST_ROWS = f"""
INSERT INTO staging.stg_ad_performance
WITH alone AS (
    SELECT min(rowid) AS id FROM {{table}} WHERE {_IN_RANGE}
    GROUP BY hash(date, account_id, campaign_id) HAVING count(*) = 1),
export_rows AS (
    SELECT r.*, s.rank FROM {{table}} r JOIN source_ranks s USING (source)
    WHERE {_IN_RANGE} AND r.rowid NOT IN (SELECT id FROM alone)),
newest AS (SELECT date, account_id, campaign_id, max(rank) AS rank FROM export_rows GROUP BY ALL)
SELECT date, $channel, account_id, campaign_id, campaign_name, currency,
       spend, impressions, clicks, conversions, platform_revenue, source
FROM {{table}} WHERE {_IN_RANGE} AND rowid IN (SELECT id FROM alone)
UNION ALL
SELECT date, $channel, account_id, campaign_id,
       arg_max(campaign_name, coalesce(line, 0)), arg_max(currency, coalesce(line, 0)),
       sum(spend), sum(impressions), sum(clicks), sum(conversions), sum(platform_revenue),
       any_value(source)  -- one source per rank
FROM export_rows JOIN newest USING (date, account_id, campaign_id, rank)
GROUP BY date, account_id, campaign_id, rank
ORDER BY date
"""


def build_stg_ad_performance(con: duckdb.DuckDBPyConnection, start: date, end: date) -> int:
    """Replace the days start..end (and changed days already built) of staging.stg_ad_performance, and bring
    staging.campaigns up to date with raw, in one transaction; returns its row count over those days.

    Resolved a few days at a time: newest-wins only ever compares rows of one day, and a statement over at most
    ROWS_PER_STATEMENT rows stays in memory where a whole backfill's would spill to disk.
    """
    create_refresh_days(con, start, end)
    with transaction(con):
        con.execute(f"DELETE FROM staging.stg_ad_performance WHERE {REFRESHED}")
        for channel, table in AD_TABLES.items():
            con.execute(_SOURCE_RANKS.format(table=table))
            for first, last in refreshed_day_ranges(con, table, ROWS_PER_STATEMENT):
                con.execute(_NEWEST_ROWS.format(table=table), {"channel": channel, "first": first, "last": last})
        _update_campaigns(con)
    return con.execute(f"SELECT count(*) FROM staging.stg_ad_performance WHERE {REFRESHED}").fetchone()[0]


# staging.campaigns holds every campaign any loaded export knows (built days or not, as the README promises for
# CRM attribution), so it derives from raw. Raw loaders log the days they change in raw.changed_days, in the same
# transaction as the rows, so only campaigns seen on those days, or whose latest day was one of them, change.

# Each campaign's latest account, name and currency among some raw rows of one channel (`{where}`), with the days
# they come from. They are read on its latest day (for the name, its latest day with one), where the greatest
# account id wins (so any order of runs agrees), then the newest source, as in staging. Two passes: one arg_max over
# every row with this whole order as its key is three times slower.
_ON_THE_DAY = "row(r.account_id, r.source_updated_at, r.source, coalesce(r.line, 0))"
_LATEST_OF_ROWS = f"""
INSERT INTO campaigns_seen
WITH r AS (SELECT * FROM {{table}} WHERE {{where}}),
latest AS (
    SELECT campaign_id, max(date) AS last_date, max(date) FILTER (WHERE campaign_name IS NOT NULL) AS name_date
    FROM r GROUP BY campaign_id)
SELECT $channel, campaign_id, arg_max(r.account_id, {_ON_THE_DAY}) FILTER (WHERE r.date = last_date),
       arg_max(r.campaign_name, {_ON_THE_DAY}) FILTER (WHERE r.date = name_date),
       arg_max(r.currency, {_ON_THE_DAY}) FILTER (WHERE r.date = last_date), last_date, name_date
FROM latest JOIN r USING (campaign_id)
WHERE r.date = last_date OR r.date = name_date
GROUP BY campaign_id, last_date, name_date
"""

_NO_CAMPAIGNS_SEEN = "CREATE OR REPLACE TEMP TABLE campaigns_seen AS FROM staging.campaigns LIMIT 0"
_CHANGED = "date IN (SELECT date FROM raw.changed_days)"

# Campaigns whose stored latest day changed and is no longer reached by that day's rows (a file deleted, a campaign
# gone from a restated day): their latest is somewhere in older days, so they are recomputed from all their rows.
_CAMPAIGNS_LOST = """
CREATE OR REPLACE TEMP TABLE campaigns_lost AS
SELECT channel, campaign_id FROM staging.campaigns c LEFT JOIN campaigns_seen s USING (channel, campaign_id)
WHERE (c.last_date IN (SELECT date FROM raw.changed_days) AND coalesce(s.last_date < c.last_date, true))
   OR (c.name_date IN (SELECT date FROM raw.changed_days) AND coalesce(s.name_date < c.name_date, true))
"""

# The new entry of each campaign seen or lost: the latest of its stored entry and the changed days' rows; on the
# same day the changed rows win (they replaced that day's rows).
_CAMPAIGNS_MERGED = """
CREATE OR REPLACE TEMP TABLE campaigns_merged AS
SELECT channel, campaign_id, arg_max(account_id, row(last_date, fresh)) AS account_id,
       arg_max(campaign_name, row(name_date, fresh)) AS campaign_name, arg_max(currency, row(last_date, fresh)) AS currency,
       max(last_date) AS last_date, max(name_date) AS name_date
FROM (SELECT *, false AS fresh FROM staging.campaigns
      WHERE (channel, campaign_id) IN (SELECT channel, campaign_id FROM campaigns_seen)
        AND (channel, campaign_id) NOT IN (SELECT channel, campaign_id FROM campaigns_lost)
      UNION ALL SELECT *, true FROM campaigns_seen)
GROUP BY channel, campaign_id
"""

_CAMPAIGNS_TOUCHED = """
SELECT channel, campaign_id FROM campaigns_seen UNION SELECT channel, campaign_id FROM campaigns_lost
"""

# Days the marts built with a campaign's old account, name or currency: a deal closed on a day without delivery
# takes them from staging.campaigns. A deal may name its campaign by name (warehouse/marts.py): the deals naming a
# changed campaign's old or new name may now match another campaign, or none.
_CAMPAIGN_CHANGED_DAYS = f"""
WITH changed AS (
    SELECT channel, campaign_id, c.campaign_name AS old_name, m.campaign_name AS new_name FROM ({_CAMPAIGNS_TOUCHED})
    LEFT JOIN staging.campaigns c USING (channel, campaign_id) LEFT JOIN campaigns_merged m USING (channel, campaign_id)
    WHERE row(c.account_id, c.campaign_name, c.currency) IS DISTINCT FROM row(m.account_id, m.campaign_name, m.currency))
SELECT close_date AS date FROM staging.stg_crm_revenue
WHERE (channel, campaign_id) IN (SELECT channel, campaign_id FROM changed UNION SELECT channel, old_name FROM changed
                                 UNION SELECT channel, new_name FROM changed)
"""


def _update_campaigns(con: duckdb.DuckDBPyConnection) -> None:
    """staging.campaigns after raw changed on the days of raw.changed_days."""
    con.execute(_NO_CAMPAIGNS_SEEN)
    _campaigns_of_rows(con, _CHANGED)
    con.execute(_CAMPAIGNS_LOST)
    if con.execute("SELECT count(*) FROM campaigns_lost").fetchone()[0]:
        _campaigns_of_rows(con, "campaign_id IN (SELECT campaign_id FROM campaigns_lost WHERE channel = $channel)")
    con.execute(_CAMPAIGNS_MERGED)
    record_changed_days(con, _CAMPAIGN_CHANGED_DAYS)
    con.execute(f"DELETE FROM staging.campaigns WHERE (channel, campaign_id) IN ({_CAMPAIGNS_TOUCHED})")
    con.execute("INSERT INTO staging.campaigns SELECT * FROM campaigns_merged")


def _campaigns_of_rows(con: duckdb.DuckDBPyConnection, where: str) -> None:
    """Add to the temp table campaigns_seen the latest of each campaign in the raw rows `where` selects."""
    for channel, table in AD_TABLES.items():
        con.execute(_LATEST_OF_ROWS.format(table=table, where=where), {"channel": channel})


def rebuild_campaigns(con: duckdb.DuckDBPyConnection) -> None:
    """staging.campaigns from all of raw (a warehouse migrating from the former view of that name)."""
    con.execute("DELETE FROM staging.campaigns")
    con.execute(_NO_CAMPAIGNS_SEEN)
    _campaigns_of_rows(con, "true")
    con.execute("INSERT INTO staging.campaigns SELECT * FROM campaigns_seen")


CRM_KIND = "crm"  # raw.export_files.kind of the CRM exports

# CRM files whose loaded version differs from the one staged: raw.export_files gets a new row (a new checked_at)
# with each load of a file and loses it when the file is deleted, in the same transaction as the file's rows.
_CRM_FILES = "SELECT path, modified_at, size_bytes, status, checked_at FROM raw.export_files WHERE kind = $kind"
_CRM_FILES_CHANGED = f"""
CREATE OR REPLACE TEMP TABLE crm_files_changed AS
SELECT path FROM (({_CRM_FILES}) EXCEPT (FROM staging.crm_files_staged))
UNION SELECT path FROM ((FROM staging.crm_files_staged) EXCEPT ({_CRM_FILES}))
"""

# The deals a changed file names now or named when staged.
_CRM_DEALS_CHANGED = """
CREATE OR REPLACE TEMP TABLE crm_deals_changed AS
SELECT deal_id FROM raw.crm_deals WHERE source IN (SELECT path FROM crm_files_changed)
UNION SELECT deal_id FROM staging.stg_crm_revenue WHERE source IN (SELECT path FROM crm_files_changed)
"""

# Those deals resolved again from all their rows: the newest file naming a deal wins, then its last line.
_CRM_DEALS_RESTAGED = """
CREATE OR REPLACE TEMP TABLE crm_deals_restaged AS
SELECT deal_id, close_date, channel, campaign_id, amount, currency, source
FROM raw.crm_deals WHERE deal_id IN (SELECT deal_id FROM crm_deals_changed)
QUALIFY row_number() OVER (PARTITION BY deal_id ORDER BY source_updated_at DESC, source DESC, line DESC) = 1
"""

_CRM_DEALS_STAGED = "SELECT * FROM staging.stg_crm_revenue WHERE deal_id IN (SELECT deal_id FROM crm_deals_changed)"

# The days a restaged deal closes on, before or after, where something about it changed.
_CRM_CHANGED_DAYS = f"""
SELECT close_date AS date FROM (({_CRM_DEALS_STAGED}) EXCEPT (FROM crm_deals_restaged)
                                UNION ALL ((FROM crm_deals_restaged) EXCEPT ({_CRM_DEALS_STAGED})))
"""


def build_stg_crm_revenue(con: duckdb.DuckDBPyConnection) -> int:
    """Bring staging.stg_crm_revenue up to date: one row per deal, from the newest file (then the last line) naming
    it. Only the deals of CRM files loaded or deleted since the last time are resolved again; the days their old and
    new rows close on are logged in raw.changed_days, so the marts refresh them. Returns the table's row count."""
    with transaction(con):
        con.execute(_CRM_FILES_CHANGED, {"kind": CRM_KIND})
        if con.execute("SELECT count(*) FROM crm_files_changed").fetchone()[0]:
            con.execute(_CRM_DEALS_CHANGED)
            con.execute(_CRM_DEALS_RESTAGED)
            record_changed_days(con, _CRM_CHANGED_DAYS)
            con.execute("DELETE FROM staging.stg_crm_revenue WHERE deal_id IN (SELECT deal_id FROM crm_deals_changed)")
            con.execute("INSERT INTO staging.stg_crm_revenue FROM crm_deals_restaged")
            con.execute("DELETE FROM staging.crm_files_staged")
            con.execute(f"INSERT INTO staging.crm_files_staged {_CRM_FILES}", {"kind": CRM_KIND})
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
