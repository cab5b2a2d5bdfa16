"""The warehouse's tables and the two money rules every query shares: currency conversion and ratios.

Three schemas, read left to right: `raw` mirrors the inputs (export files row for row, the ECB rates, the config's
accounts), `staging` resolves overlaps between files, `marts` is what analysts query.
Money is DECIMAL: as given in the inputs' own currencies, and to the cent in the reporting currency.
"""

from __future__ import annotations

import hashlib

import duckdb

from warehouse.database import transaction

# Amounts as the platforms and the CRM give them (LinkedIn reports sub-cent spend, X and Google micros).
MONEY = "DECIMAL(18,6)"
# Amounts in the reporting currency: converted per row and rounded to the cent, so every total adds up as shown.
REPORTING_MONEY = "DECIMAL(18,2)"

# The platform channels, each with a raw table of its export rows in the common shape.
AD_TABLES = {
    "linkedin": "raw.linkedin_ads",
    "twitter": "raw.twitter_ads",
    "facebook": "raw.facebook_ads",
    "youtube": "raw.youtube_ads",
}

# What a platform reports for a campaign and day, in the campaign's currency.
# Organic posts of each channel's pages (LinkedIn page, X account, Facebook page, YouTube channel).
POST_TABLES = {
    "linkedin": "raw.linkedin_posts",
    "twitter": "raw.twitter_posts",
    "facebook": "raw.facebook_posts",
    "youtube": "raw.youtube_posts",
}

_POST_COLUMNS = """
    source VARCHAR NOT NULL,            -- the export file (path under the exports folder), or api:<channel>/<account>
    source_updated_at TIMESTAMP NOT NULL,
    line BIGINT,
    account_id VARCHAR NOT NULL,
    post_id VARCHAR NOT NULL,
    published_at TIMESTAMP,             -- as the platform gives it, in the account's timezone
    date DATE NOT NULL,                 -- the day it was published
    title VARCHAR,
    impressions BIGINT NOT NULL,
    clicks BIGINT,
    reactions BIGINT,                   -- likes, reactions
    comments BIGINT,
    shares BIGINT,                      -- shares, reposts
    video_views BIGINT
"""

_CAMPAIGN_DAY_MEASURES = f"""
    campaign_name VARCHAR,
    currency VARCHAR NOT NULL,
    spend {MONEY} NOT NULL,
    impressions BIGINT NOT NULL,
    clicks BIGINT NOT NULL,
    conversions {MONEY},
    platform_revenue {MONEY}
"""

# A row of an export without a campaign ID column (warehouse/campaign_names.py).
_KEYED_BY_NAME = "keyed_by_name BOOLEAN DEFAULT false"

_AD_ROWS_COLUMNS = f"""
    source VARCHAR NOT NULL,            -- the export file (path under the exports folder), or api:<channel>/<account>
    source_updated_at TIMESTAMP NOT NULL,  -- the file's modification time, or when the API was asked
    line BIGINT,                        -- line of the row in its file (none for API rows)
    account_id VARCHAR NOT NULL,
    date DATE NOT NULL,
    campaign_id VARCHAR NOT NULL,       -- keyed_by_name: the ID the account's other rows give its name, or a name key
    {_CAMPAIGN_DAY_MEASURES},
    {_KEYED_BY_NAME}
"""

_UNMATCHED_REASON = "reason VARCHAR"  # why a CRM deal matches no campaign

DDL = [
    "CREATE SCHEMA IF NOT EXISTS raw",
    "CREATE SCHEMA IF NOT EXISTS staging",
    "CREATE SCHEMA IF NOT EXISTS marts",
    """CREATE TABLE IF NOT EXISTS raw.export_files (
        path VARCHAR NOT NULL,              -- under the exports folder, e.g. linkedin/508765432/report.csv
        kind VARCHAR NOT NULL,              -- a channel, or crm
        account_id VARCHAR,
        modified_at TIMESTAMP NOT NULL,
        size_bytes BIGINT NOT NULL,
        status VARCHAR NOT NULL,            -- loaded | rejected
        rows BIGINT,
        first_day DATE,
        last_day DATE,
        error VARCHAR,
        checked_at TIMESTAMP NOT NULL,
        notes VARCHAR                       -- a loaded file read otherwise than it says (conversions left unknown)
    )""",
    *(f"CREATE TABLE IF NOT EXISTS {table} ({_AD_ROWS_COLUMNS})" for table in AD_TABLES.values()),
    *(f"CREATE TABLE IF NOT EXISTS {table} ({_POST_COLUMNS})" for table in POST_TABLES.values()),
    f"""CREATE TABLE IF NOT EXISTS raw.crm_deals (
        source VARCHAR NOT NULL,
        source_updated_at TIMESTAMP NOT NULL,
        line BIGINT NOT NULL,
        deal_id VARCHAR NOT NULL,
        close_date DATE NOT NULL,
        channel VARCHAR NOT NULL,
        campaign_id VARCHAR NOT NULL,
        amount {MONEY} NOT NULL,
        currency VARCHAR NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS raw.fx_rates (
        date DATE NOT NULL,
        currency VARCHAR NOT NULL,
        rate DECIMAL(18,6) NOT NULL         -- units of currency for one euro, as the ECB quotes it
    )""",
    """CREATE TABLE IF NOT EXISTS raw.changed_days (
        -- days whose raw rows changed since the marts last refreshed (see warehouse/refresh.py)
        date DATE NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS raw.api_missing_days (
        -- days asked of an API and not yet answered in full: the next run pulls them again
        channel VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        date DATE NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS raw.api_pulls (
        -- one row per account and run: what was asked, and how it ended
        channel VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        first_day DATE NOT NULL,
        last_day DATE NOT NULL,
        status VARCHAR NOT NULL,            -- complete | stopped
        rows BIGINT NOT NULL,
        requests BIGINT NOT NULL,
        message VARCHAR,
        retry_at TIMESTAMP,
        pulled_at TIMESTAMP NOT NULL,
        notes VARCHAR[]                     -- optional figures the answers left out or garbled: unknown (NULL)
    )""",
    """CREATE TABLE IF NOT EXISTS raw.weekly_reach (
        -- unique people an account's ads reached in an ISO week, from one pull over that week: reach is not
        -- additive over days, so it is never summed from daily numbers
        channel VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        week DATE NOT NULL,                 -- Monday
        reach BIGINT,                       -- NULL: the platform left it out of its answer (see raw.api_pulls.notes)
        impressions BIGINT NOT NULL,        -- of the same pull, so impressions / reach is the week's frequency
        source VARCHAR NOT NULL,
        source_updated_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS raw.accounts (
        channel VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        market VARCHAR NOT NULL,
        scope VARCHAR NOT NULL,
        currency VARCHAR NOT NULL
    )""",
    f"""CREATE TABLE IF NOT EXISTS staging.stg_ad_performance (
        date DATE NOT NULL,
        channel VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        campaign_id VARCHAR NOT NULL,
        {_CAMPAIGN_DAY_MEASURES},
        source VARCHAR NOT NULL
    )""",
    f"""CREATE TABLE IF NOT EXISTS staging.stg_crm_revenue (
        deal_id VARCHAR NOT NULL,
        close_date DATE NOT NULL,
        channel VARCHAR NOT NULL,
        campaign_id VARCHAR NOT NULL,
        amount {MONEY} NOT NULL,
        currency VARCHAR NOT NULL,
        source VARCHAR NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS staging.crm_files_staged (
        -- the raw.export_files rows of the CRM files as stg_crm_revenue last saw them, to find the changed ones
        path VARCHAR NOT NULL,
        modified_at TIMESTAMP NOT NULL,
        size_bytes BIGINT NOT NULL,
        status VARCHAR NOT NULL,
        checked_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS staging.campaigns (
        -- every campaign any loaded export knows, with its latest account, name and currency (for CRM
        -- attribution); kept up to date from raw by each staging refresh (warehouse/staging.py)
        channel VARCHAR NOT NULL,
        campaign_id VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        campaign_name VARCHAR,
        currency VARCHAR NOT NULL,
        last_date DATE NOT NULL,            -- its latest day: the account and currency are that day's
        name_date DATE                      -- its latest day with a name
    )""",
    """CREATE TABLE IF NOT EXISTS staging.refreshed_days (
        -- the days the marts hold, and when they were last rebuilt
        date DATE NOT NULL,
        refreshed_at TIMESTAMP NOT NULL
    )""",
    f"""CREATE TABLE IF NOT EXISTS marts.campaign_daily (
        date DATE NOT NULL,
        channel VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        campaign_id VARCHAR NOT NULL,
        campaign_name VARCHAR,
        market VARCHAR NOT NULL,
        scope VARCHAR NOT NULL,
        currency VARCHAR NOT NULL,          -- the campaign's own currency
        spend_original {MONEY} NOT NULL,
        spend {REPORTING_MONEY},            -- reporting currency; NULL only when the ECB has no rate
        impressions BIGINT NOT NULL,
        clicks BIGINT NOT NULL,
        conversions {MONEY},
        platform_revenue {REPORTING_MONEY},
        revenue {REPORTING_MONEY}
    )""",
    f"""CREATE TABLE IF NOT EXISTS marts.unmatched_revenue (
        deal_id VARCHAR NOT NULL,
        close_date DATE NOT NULL,
        channel VARCHAR NOT NULL,
        campaign_id VARCHAR NOT NULL,
        amount_original {MONEY} NOT NULL,
        currency VARCHAR NOT NULL,
        amount {REPORTING_MONEY},
        source VARCHAR NOT NULL,
        {_UNMATCHED_REASON}
    )""",
    f"""CREATE TABLE IF NOT EXISTS marts.roi_local (
        date DATE NOT NULL,
        market VARCHAR NOT NULL,
        channel VARCHAR NOT NULL,
        spend {REPORTING_MONEY},
        revenue {REPORTING_MONEY},
        net_return {REPORTING_MONEY},
        roi DECIMAL(18,6)
    )""",
    f"""CREATE TABLE IF NOT EXISTS marts.roi_global (
        date DATE NOT NULL,
        channel VARCHAR NOT NULL,
        spend {REPORTING_MONEY},
        revenue {REPORTING_MONEY},
        net_return {REPORTING_MONEY},
        roi DECIMAL(18,6)
    )""",
    """CREATE TABLE IF NOT EXISTS marts.local_vs_global (
        month DATE NOT NULL,
        channel VARCHAR NOT NULL,
        local_roi DECIMAL(18,6),
        global_roi DECIMAL(18,6),
        local_ctr DECIMAL(18,6),
        global_ctr DECIMAL(18,6),
        ctr_uplift DECIMAL(18,6),
        local_engagement_rate DECIMAL(18,6),   -- organic posts of local pages
        global_engagement_rate DECIMAL(18,6),  -- organic posts of the global page
        engagement_uplift DECIMAL(18,6)        -- local / global - 1 (the article's "35% better")
    )""",
    """CREATE TABLE IF NOT EXISTS staging.stg_posts (
        date DATE NOT NULL,
        channel VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        post_id VARCHAR NOT NULL,
        published_at TIMESTAMP,
        title VARCHAR,
        impressions BIGINT NOT NULL,
        engagements BIGINT NOT NULL,        -- clicks + reactions + comments + shares
        clicks BIGINT,
        reactions BIGINT,
        comments BIGINT,
        shares BIGINT,
        video_views BIGINT,
        source VARCHAR NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS marts.contact_frequency (
        week DATE NOT NULL,                 -- Monday of the ISO week
        channel VARCHAR NOT NULL,
        market VARCHAR NOT NULL,
        posts BIGINT NOT NULL,              -- organic posts published
        ad_delivery_days BIGINT NOT NULL,   -- days on which an ad of the market was delivered
        touches BIGINT NOT NULL,            -- posts + ad delivery days: contacts with the audience that week
        impressions BIGINT NOT NULL,        -- organic and paid
        engagements BIGINT NOT NULL,        -- organic
        engagement_rate DECIMAL(18,6),      -- organic engagements / organic impressions
        reach BIGINT,                       -- unique people reached that week, where a weekly pull gives it
        frequency DECIMAL(18,6),            -- impressions / reach over the week; never from summed daily reach
        over_threshold BOOLEAN NOT NULL     -- touches above the config's contact_threshold (the article's 6-7)
    )""",
    """CREATE TABLE IF NOT EXISTS marts.engagement_trend (
        week DATE NOT NULL,
        channel VARCHAR NOT NULL,
        market VARCHAR NOT NULL,
        impressions BIGINT NOT NULL,
        engagements BIGINT NOT NULL,
        engagement_rate DECIMAL(18,6),
        change_1w DECIMAL(18,6),            -- rate / rate a week earlier - 1
        change_12w DECIMAL(18,6),           -- rate / rate 12 weeks earlier - 1
        declining BOOLEAN NOT NULL          -- change_12w below the config's decline_threshold (the article's -22%)
    )""",
]

# DuckDB divides DECIMALs into DOUBLEs; these divide exactly in integer micro-units and round half away from zero.
MACROS = [
    # Exact value of a DECIMAL with at most six decimals, in millionths.
    "CREATE OR REPLACE MACRO marts.to_micros(x) AS CAST(CAST(x AS DECIMAL(38,6)) * 1000000 AS HUGEINT)",
    "CREATE OR REPLACE MACRO marts.from_micros(m) AS CAST(CAST(m AS DECIMAL(38,0)) * 0.000001 AS DECIMAL(18,6))",
    """CREATE OR REPLACE MACRO marts.divide_round(numerator, denominator) AS
        CASE WHEN denominator = 0 THEN NULL
             ELSE sign(numerator) * sign(denominator)
                  * ((2 * abs(numerator) + abs(denominator)) // (2 * abs(denominator))) END""",
    # The one ROI-style ratio: numerator / denominator to six decimals, NULL when the denominator is 0 or NULL.
    """CREATE OR REPLACE MACRO marts.ratio(numerator, denominator) AS
        marts.from_micros(marts.divide_round(marts.to_micros(numerator) * 1000000, marts.to_micros(denominator)))""",
    # Conversion to the cent, exactly but fast: integer division of HUGEINTs is slow, so the cents are estimated in
    # DOUBLE (off by at most one below 10^13 cents) and corrected by the sign of one exact DECIMAL remainder.
    """CREATE OR REPLACE MACRO marts.cents_estimate(amount, rate_from, rate_to) AS
        CAST(round(CAST(amount AS DOUBLE) * CAST(rate_to AS DOUBLE) / CAST(rate_from AS DOUBLE) * 100)
             AS DECIMAL(38,0))""",
    # Twice (amount * rate_to * 100 - cents * rate_from): its sign and size say whether `cents` is the rounding.
    """CREATE OR REPLACE MACRO marts.twice_remainder(amount, rate_from, rate_to, cents) AS
        2 * (CAST(amount AS DECIMAL(38,6)) * rate_to * 100 - cents * rate_from)""",
    # The estimate moved by one where the remainder says so; a half cent rounds away from zero.
    """CREATE OR REPLACE MACRO marts.cents_rounded(amount, rate_from, cents, twice_remainder) AS
        cents + CASE WHEN twice_remainder > rate_from OR (amount >= 0 AND twice_remainder = rate_from) THEN 1
                     WHEN twice_remainder < -rate_from OR (amount < 0 AND twice_remainder = -rate_from) THEN -1
                     ELSE 0 END""",
    # An amount in a currency quoted `rate_from` per euro, into one quoted `rate_to` per euro, to the cent (half
    # away from zero); beyond the estimate's reach (10^11 units), by exact integer division.
    """CREATE OR REPLACE MACRO marts.convert_at(amount, rate_from, rate_to) AS
        CASE WHEN rate_from = 0 THEN NULL
             WHEN abs(marts.cents_estimate(amount, rate_from, rate_to)) < 1e13 THEN CAST(marts.cents_rounded(
                 amount, rate_from, marts.cents_estimate(amount, rate_from, rate_to),
                 marts.twice_remainder(amount, rate_from, rate_to, marts.cents_estimate(amount, rate_from, rate_to))
             ) * 0.01 AS DECIMAL(18,2))
             ELSE CAST(CAST(marts.divide_round(marts.to_micros(amount) * marts.to_micros(rate_to),
                                               marts.to_micros(rate_from) * 10000) AS DECIMAL(38,0)) * 0.01
                       AS DECIMAL(18,2)) END""",
    # The one FX rule: with the ECB rates of the day (NULL when one is missing); a currency into itself needs none,
    # only rounding to the cent (a DECIMAL cast rounds half away from zero).
    """CREATE OR REPLACE MACRO marts.convert_money(amount, currency_from, currency_to, rate_from, rate_to) AS
        CASE WHEN currency_from = currency_to THEN CAST(amount AS DECIMAL(18,2))
             ELSE marts.convert_at(amount, rate_from, rate_to) END""",
    # The one ROI definition. Global ROI = sum of local net returns / sum of spend; ROI ratios are never added.
    "CREATE OR REPLACE MACRO marts.net_return(revenue, spend) AS revenue - spend",
    "CREATE OR REPLACE MACRO marts.roi(net_return, spend) AS marts.ratio(net_return, spend)",
]

# Table macros for analysts: ROI over any period, summed first and divided last.
TABLE_MACROS = [
    """CREATE OR REPLACE MACRO marts.roi_between(first_day, last_day) AS TABLE
        SELECT market, channel, sum(spend) AS spend, sum(revenue) AS revenue, sum(net_return) AS net_return,
               marts.roi(sum(net_return), sum(spend)) AS roi
        FROM marts.roi_local WHERE date BETWEEN first_day AND last_day
        GROUP BY market, channel ORDER BY market, channel""",
    """CREATE OR REPLACE MACRO marts.global_roi_between(first_day, last_day) AS TABLE
        SELECT coalesce(channel, 'ALL') AS channel, sum(spend) AS spend, sum(revenue) AS revenue,
               sum(net_return) AS net_return, marts.roi(sum(net_return), sum(spend)) AS roi
        FROM marts.roi_global WHERE date BETWEEN first_day AND last_day
        GROUP BY ROLLUP (channel) ORDER BY channel IS NULL, channel""",
]


# Columns added after a table was first released: existing warehouses gain them in place.
MIGRATIONS = [
    # How each loaded file's lines reconcile: lines = header_line (the preamble, then the header) + blank_lines +
    # rows + summary_rows + skipped_rows + continuation_lines (lines inside quoted cells that span several).
    *(f"ALTER TABLE raw.export_files ADD COLUMN IF NOT EXISTS {column} BIGINT"
      for column in ("lines", "header_line", "blank_lines", "continuation_lines", "summary_rows", "skipped_rows")),
    *(f"ALTER TABLE marts.local_vs_global ADD COLUMN IF NOT EXISTS {column} DECIMAL(18,6)"
      for column in ("local_engagement_rate", "global_engagement_rate", "engagement_uplift")),
    "ALTER TABLE raw.api_pulls ADD COLUMN IF NOT EXISTS notes VARCHAR[]",
    "ALTER TABLE raw.weekly_reach ALTER COLUMN reach DROP NOT NULL",
    "ALTER TABLE raw.export_files ADD COLUMN IF NOT EXISTS notes VARCHAR",
    *(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {_KEYED_BY_NAME}" for table in AD_TABLES.values()),
    f"ALTER TABLE marts.unmatched_revenue ADD COLUMN IF NOT EXISTS {_UNMATCHED_REASON}",
]


def _statements() -> list[str]:
    return [*DDL, *MIGRATIONS, *MACROS, *TABLE_MACROS]


# The schema's fingerprint: a database stamped with it has every table, view and macro of this version.
SCHEMA_VERSION = hashlib.sha256("\n;\n".join(_statements()).encode("utf-8")).hexdigest()[:16]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create whatever is missing; safe to call at the start of every step (a database already at this version
    answers one query instead of re-running every statement)."""
    try:
        if con.execute("SELECT version FROM raw.schema_version").fetchall() == [(SCHEMA_VERSION,)]:
            return
    except duckdb.CatalogException:
        pass
    with transaction(con):
        had_campaigns_view = _exists(con, "duckdb_views()", "view_name", "campaigns")
        if had_campaigns_view:  # before the table, a view of that name aggregated all of raw on every query
            con.execute("DROP VIEW staging.campaigns")
        for statement in _statements():
            con.execute(statement)
        if had_campaigns_view:
            from warehouse.staging import rebuild_campaigns  # staging imports this module

            rebuild_campaigns(con)
        if _exists(con, "duckdb_tables()", "table_name", "crm_revenue_applied"):
            con.execute(_CRM_PENDING_DAYS)
            con.execute("DROP TABLE staging.crm_revenue_applied")
        con.execute("CREATE OR REPLACE TABLE raw.schema_version AS SELECT ? AS version", [SCHEMA_VERSION])


# Before CRM staging logged the days it changes, the marts compared it with a copy of what they last applied: the
# days of changes not applied yet are logged once, as that copy goes.
_DEAL_COLUMNS = "deal_id, close_date, channel, campaign_id, amount, currency"
_CRM_PENDING_DAYS = f"""
INSERT INTO raw.changed_days
SELECT DISTINCT close_date FROM (
    (SELECT {_DEAL_COLUMNS} FROM staging.stg_crm_revenue EXCEPT SELECT {_DEAL_COLUMNS} FROM staging.crm_revenue_applied)
    UNION ALL
    (SELECT {_DEAL_COLUMNS} FROM staging.crm_revenue_applied EXCEPT SELECT {_DEAL_COLUMNS} FROM staging.stg_crm_revenue))
"""


def _exists(con: duckdb.DuckDBPyConnection, catalog: str, column: str, name: str) -> bool:
    """Whether the staging schema has an object of this name in a DuckDB catalog function (an older version's)."""
    return con.execute(
        f"SELECT count(*) FROM {catalog} WHERE schema_name = 'staging' AND {column} = $name", {"name": name}
    ).fetchone()[0] > 0
