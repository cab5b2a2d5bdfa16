"""Load API pulls into the raw tables: a chunk of days replaces exactly those days of that account, in one
transaction, only once every request for them has succeeded. Likewise a platform's weekly reach replaces the weeks
asked of it (raw.weekly_reach)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import duckdb

from connectors.api_pull import ApiAccount, DayChunk
from connectors.api_session import ApiError
from connectors.campaign_days import WeeklyReach, complete_weeks, week_days
from connectors.secrets import redact
from warehouse.campaign_names import resolve_campaign_names
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
    con: duckdb.DuckDBPyConnection, kind: str, account_id: str, start: date, end: date, lookback_days: int,
    history_start: date,
) -> tuple[date, date]:
    """A run's days, the restatement window before its last day, and the days an earlier pull of this kind (a
    channel's ads, or its `<channel>_posts`) left missing."""
    missing = con.execute(
        "SELECT min(date) FROM raw.api_missing_days WHERE channel = ? AND account_id = ?", [kind, account_id]
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
        resolve_campaign_names(con, table)  # rows of exports without campaign IDs may now find theirs
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
    notes: tuple[str, ...] = ()  # optional figures the answers left out or garbled: unknown (NULL), not a failure


def pull_account(
    con: duckdb.DuckDBPyConnection, client, account: ApiAccount, first: date, last: date, pulled_at: datetime
) -> PullOutcome:
    """Pull first..last chunk by chunk, each complete chunk replacing its days, then the reach of each complete ISO
    week inside (platforms that report it). Stops cleanly on an ApiError; one raw.api_pulls row says how it ended."""
    loads = _campaign_chunks(con, client, account, first, last, pulled_at)
    return run_pull(con, client, account.channel, account.account_id, first, last, loads, pulled_at)


def run_pull(
    con: duckdb.DuckDBPyConnection, client, kind: str, account_id: str, first: date, last: date,
    loads: Iterator[int], pulled_at: datetime,
) -> PullOutcome:
    """Run one account's pull of first..last: `loads` commits one step at a time, yielding the rows each wrote.
    Until a step covering them commits the days count as missing; an ApiError stops the pull cleanly (what
    committed stays); one raw.api_pulls row (under `kind`) says how it ended, with the client's notes of the
    optional figures it did not get."""
    mark_requested(con, kind, account_id, first, last)
    rows, message, retry_at = 0, None, None
    try:
        for written in loads:
            rows += written
    except ApiError as error:
        message, retry_at = redact(error), getattr(error, "retry_at", None)
    # Redacted again here, where a pull's words go on to raw.api_pulls, metadata, logs and `roi status`.
    outcome = PullOutcome(kind, account_id, first, last, message is None, rows, client.session.requests_made,
                          message, retry_at, tuple(redact(note) for note in client.notes.lines()))
    record_pull(con, outcome, pulled_at)
    return outcome


def _campaign_chunks(
    con: duckdb.DuckDBPyConnection, client, account: ApiAccount, first: date, last: date, pulled_at: datetime
) -> Iterator[int]:
    currencies = set(known_currencies(con))
    for chunk in client.campaign_days(first, last):
        unknown = sorted({row.currency for row in chunk.rows} - currencies)
        if unknown:
            raise ApiError(client.session.platform, account.account_id, f"days {chunk.first}..{chunk.last}",
                           f"unknown currency {', '.join(unknown)}: the ECB reference rates have no such currency")
        yield replace_days(con, account.channel, account.account_id, chunk, pulled_at)
    _pull_weekly_reach(con, client, account, first, last, pulled_at)


def record_pull(con: duckdb.DuckDBPyConnection, outcome: PullOutcome, pulled_at: datetime) -> None:
    retry_at = outcome.retry_at.astimezone(timezone.utc).replace(tzinfo=None) if outcome.retry_at else None
    con.execute(
        "INSERT INTO raw.api_pulls (channel, account_id, first_day, last_day, status, rows, requests, message, "
        "retry_at, pulled_at, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [outcome.channel, outcome.account_id, outcome.first, outcome.last,
         "complete" if outcome.complete else "stopped", outcome.rows, outcome.requests, outcome.message,
         retry_at, pulled_at, list(outcome.notes) or None],
    )


def replace_weekly_reach(
    con: duckdb.DuckDBPyConnection,
    channel: str,
    account_id: str,
    rows: list[WeeklyReach],
    pulled_at: datetime,
    weeks: list[date] | None = None,
) -> int:
    """The account's raw.weekly_reach for `weeks` (default: the rows' weeks) becomes `rows`, in one transaction: a
    week asked and absent from the rows had no delivery. The weeks' days are recorded as changed, so the marts
    rebuild them, and as answered (no longer in raw.api_missing_days)."""
    asked = sorted(set(weeks if weeks is not None else (row.week for row in rows)))
    stray = sorted({row.week for row in rows} - set(asked))
    if stray:
        raise ValueError(f"weekly reach for {stray}, weeks that were not asked")
    spans = [week_days(monday) for monday in asked]
    source = api_source(channel, account_id)
    days_sql = "SELECT CAST(unnest(generate_series(CAST(? AS DATE), CAST(? AS DATE), INTERVAL 1 DAY)) AS DATE) AS date"
    with transaction(con):
        for monday, sunday in spans:
            con.execute(
                "DELETE FROM raw.weekly_reach WHERE channel = ? AND account_id = ? AND week = ?",
                [channel, account_id, monday],
            )
            con.execute(
                "DELETE FROM raw.api_missing_days WHERE channel = ? AND account_id = ? AND date BETWEEN ? AND ?",
                [channel, account_id, monday, sunday],
            )
            record_changed_days(con, days_sql, [monday, sunday])
        if rows:
            con.executemany(
                "INSERT INTO raw.weekly_reach (channel, account_id, week, reach, impressions, source, "
                "source_updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [[channel, account_id, row.week, row.reach, row.impressions, source, pulled_at] for row in rows],
            )
    return len(rows)


def _pull_weekly_reach(
    con: duckdb.DuckDBPyConnection, client, account: ApiAccount, first: date, last: date, pulled_at: datetime
) -> None:
    """One request per complete ISO week inside first..last, for clients that report reach (`weekly_reach`). Until
    it succeeds the weeks' days count as missing, so a failure here has the next run pull them again."""
    weeks = complete_weeks(first, last)
    if not weeks or not hasattr(client, "weekly_reach"):
        return
    mark_requested(con, account.channel, account.account_id, weeks[0], week_days(weeks[-1])[1])
    replace_weekly_reach(con, account.channel, account.account_id, client.weekly_reach(weeks), pulled_at, weeks)
