"""Campaigns of exports without a campaign ID column (Meta's default columns), keyed by name within their account.

Such a row (raw `keyed_by_name`) belongs to the campaign that the account's rows with IDs (other files, API pulls)
give that exact name, when exactly one ID has it; otherwise it keeps a stable name key,
`name:<account id>:<campaign name>`. The rule is a function of the raw table's contents, so every raw load (a file,
a deleted file, an API chunk) applies it again to the table it changed, in its own transaction: rows change key as
an ID becomes known (or is lost), and their days are logged as changed, so staging's newest-wins per day, account
and campaign sees one campaign where a file with IDs and one without overlap, never two. A campaign known only by
name that is renamed becomes a second campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from warehouse.refresh import record_changed_days
from warehouse.schema import AD_TABLES

NAME_KEY_PREFIX = "name:"


def name_key_sql(account_id: str, campaign_name: str) -> str:
    """SQL for the key of a campaign known only by its name, from SQL for its account and name: unique within its
    channel, as staging.campaigns needs."""
    return f"concat('{NAME_KEY_PREFIX}', {account_id}, ':', {campaign_name})"


# Each name of the table's name-keyed rows, with the IDs that the account's rows with IDs give that very name.
_NAME_IDS = """
WITH named AS (SELECT DISTINCT account_id, campaign_name FROM {table} WHERE keyed_by_name),
known AS (
    SELECT account_id, campaign_name, list(DISTINCT campaign_id ORDER BY campaign_id) AS ids FROM {table}
    WHERE NOT keyed_by_name AND (account_id, campaign_name) IN (FROM named) GROUP BY ALL)
SELECT account_id, campaign_name, coalesce(ids, []) AS ids FROM named LEFT JOIN known USING (account_id, campaign_name)
"""

_NEW_KEYS = f"""
CREATE OR REPLACE TEMP TABLE campaign_name_keys AS
SELECT account_id, campaign_name,
       CASE WHEN len(ids) = 1 THEN ids[1] ELSE {name_key_sql('account_id', 'campaign_name')} END AS campaign_id
FROM ({_NAME_IDS})
"""

_MOVED = """WHERE r.keyed_by_name AND r.account_id = k.account_id AND r.campaign_name = k.campaign_name
              AND r.campaign_id <> k.campaign_id"""


def resolve_campaign_names(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Give the name-keyed rows of an ads table the key their name has now, logging their days as changed; call in
    the transaction of any change to the table's rows. Where no file lacks campaign IDs, a look at one column."""
    if not _has_rows_keyed_by_name(con, table):
        return
    con.execute(_NEW_KEYS.format(table=table))
    record_changed_days(con, f"SELECT r.date FROM {table} r, campaign_name_keys k {_MOVED}")
    con.execute(f"UPDATE {table} r SET campaign_id = k.campaign_id FROM campaign_name_keys k {_MOVED}")


def _has_rows_keyed_by_name(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return con.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE keyed_by_name)").fetchone()[0]


@dataclass(frozen=True)
class NameKeyedCampaign:
    """A campaign whose rows are still keyed by name, and the campaign IDs of its account with that name (two or
    more: ambiguous, so its rows are counted beside theirs)."""

    channel: str
    account_id: str
    campaign_name: str
    campaign_id: str
    first_day: date
    last_day: date
    same_name_ids: tuple[str, ...]

    @property
    def ambiguous(self) -> bool:
        return len(self.same_name_ids) > 1


def name_keyed_campaigns(con: duckdb.DuckDBPyConnection) -> list[NameKeyedCampaign]:
    """Every campaign keyed by name, by channel, account and name."""
    found = []
    for channel, table in AD_TABLES.items():
        if not _has_column(con, table, "keyed_by_name") or not _has_rows_keyed_by_name(con, table):
            continue  # an analysts' file written before the column (roi status before the first run)
        rows = con.execute(
            f"""WITH names AS ({_NAME_IDS.format(table=table)})
                SELECT r.account_id, r.campaign_name, r.campaign_id, min(r.date), max(r.date), any_value(n.ids)
                FROM {table} r JOIN names n USING (account_id, campaign_name)
                WHERE r.keyed_by_name AND starts_with(r.campaign_id, $prefix)
                GROUP BY ALL ORDER BY ALL""",
            {"prefix": NAME_KEY_PREFIX},
        ).fetchall()
        found += [NameKeyedCampaign(channel, *row[:5], tuple(row[5])) for row in rows]
    return found


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    schema, name = table.split(".")
    return con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? AND column_name = ?",
        [schema, name, column],
    ).fetchone()[0] > 0
