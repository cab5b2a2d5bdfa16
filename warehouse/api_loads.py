"""Load API pulls into the raw tables: a chunk of days replaces exactly those days of that account, in one
transaction, only once every request for them has succeeded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import duckdb

from connectors.api_pull import ApiAccount, DayChunk
from connectors.api_session import ApiError
from warehouse.database import transaction
from warehouse.exports import known_currencies
from warehouse.refresh import record_changed_days
from warehouse.schema import AD_TABLES

ROW_COLUMNS = (
    "source", "source_updated_at", "line", "account_id", "date", "campaign_id", "campaign_name", "currency",
    "spend", "impressions", "clicks", "conversions", "platform_revenue",
)


def api_source(channel: str, account_id: str) -> str:
    return f"api:{channel}/{account_id}"


def pull_window(
    con: duckdb.DuckDBPyConnection, account: ApiAccount, start: date, end: date, lookback_days: int, history_start: date
) -> tuple[date, date]:
    """A run's days, the restatement window before its last day, and the days an earlier pull left missing."""
    missing = con.execute(
        "SELECT min(date) FROM raw.api_missing_days WHERE channel = ? AND account_id = ?",
        [account.channel, account.account_id],
    ).fetchone()[0]
    first = min(day for day in (start, end - timedelta(days=lookback_days), missing) if day is not None)
    return max(first, history_start), end


def mark_requested(con: duckdb.DuckDBPyConnection, channel: str, account_id: str, first: date, last: date) -> None:
    """Until a chunk covering them commits, these days count as missing."""
    with transaction(con):
        con.execute(
            """INSERT INTO raw.api_missing_days
               SELECT ?, ?, CAST(unnest(generate_series(CAST(? AS DATE), CAST(? AS DATE), INTERVAL 1 DAY)) AS DATE)
               EXCEPT SELECT channel, account_id, date FROM raw.api_missing_days""",
            [channel, account_id, first, last],
        )


def replace_days(
    con: duckdb.DuckDBPyConnection, channel: str, account_id: str, chunk: DayChunk, pulled_at: datetime
) -> int:
    """The account's rows for chunk.first..chunk.last become the chunk's rows (days absent: no delivery)."""
    table = AD_TABLES[channel]
    source = api_source(channel, account_id)
    days = [chunk.first, chunk.last]
    with transaction(con):
        record_changed_days(
            con, f"SELECT date FROM {table} WHERE source = ? AND date BETWEEN ? AND ?", [source, *days]
        )
        con.execute(f"DELETE FROM {table} WHERE source = ? AND date BETWEEN ? AND ?", [source, *days])
        if chunk.rows:
            con.executemany(
                f"INSERT INTO {table} ({', '.join(ROW_COLUMNS)}) VALUES ({', '.join('?' for _ in ROW_COLUMNS)})",
                [
                    [source, pulled_at, None, account_id, row.day, row.campaign_id, row.campaign_name, row.currency,
                     row.spend, row.impressions, row.clicks, row.conversions, row.platform_revenue]
                    for row in chunk.rows
                ],
            )
        record_changed_days(
            con, f"SELECT date FROM {table} WHERE source = ? AND date BETWEEN ? AND ?", [source, *days]
        )
        con.execute(
            "DELETE FROM raw.api_missing_days WHERE channel = ? AND account_id = ? AND date BETWEEN ? AND ?",
            [channel, account_id, *days],
        )
    return len(chunk.rows)


@dataclass(frozen=True)
class PullOutcome:
    """How one account's pull ended; `complete` is False when it stopped part-way (the rest is pulled next run)."""

    channel: str
    account_id: str
    first: date
    last: date
    complete: bool
    rows: int
    requests: int
    message: str | None = None
    retry_at: datetime | None = None


def pull_account(
    con: duckdb.DuckDBPyConnection, client, account: ApiAccount, first: date, last: date, pulled_at: datetime
) -> PullOutcome:
    """Pull first..last chunk by chunk; each complete chunk replaces its days. Stops cleanly on an ApiError."""
    mark_requested(con, account.channel, account.account_id, first, last)
    currencies = set(known_currencies(con))
    rows, message, retry_at = 0, None, None
    try:
        for chunk in client.campaign_days(first, last):
            unknown = sorted({row.currency for row in chunk.rows} - currencies)
            if unknown:
                raise ApiError(client.session.platform, account.account_id, f"days {chunk.first}..{chunk.last}",
                               f"unknown currency {', '.join(unknown)}: the ECB reference rates have no such currency")
            rows += replace_days(con, account.channel, account.account_id, chunk, pulled_at)
    except ApiError as error:
        message, retry_at = str(error), getattr(error, "retry_at", None)
    outcome = PullOutcome(account.channel, account.account_id, first, last, message is None, rows,
                          client.session.requests_made, message, retry_at)
    record_pull(con, outcome, pulled_at)
    return outcome


def record_pull(con: duckdb.DuckDBPyConnection, outcome: PullOutcome, pulled_at: datetime) -> None:
    retry_at = outcome.retry_at.astimezone(timezone.utc).replace(tzinfo=None) if outcome.retry_at else None
    con.execute(
        "INSERT INTO raw.api_pulls VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [outcome.channel, outcome.account_id, outcome.first, outcome.last,
         "complete" if outcome.complete else "stopped", outcome.rows, outcome.requests, outcome.message,
         retry_at, pulled_at],
    )
