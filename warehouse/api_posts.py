"""Load organic posts pulled through the platforms' APIs into raw.<channel>_posts, beside the exports' rows.

A pull asks for the posts published on some days (the run's days and a lookback window: a post's numbers keep
growing for weeks). Only once every page of it has been answered do its posts replace, in one transaction, the
account's API posts of those days; a pull that stops part-way replaces nothing and leaves the previous rows. The
rows are keyed like the exports' (`post_id` as the export names the post), so staging keeps one row per post, the
newest source's: a post both in an export and in the API counts once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import duckdb

from connectors.api_pull import ApiAccount
from connectors.channels import ORGANIC_KINDS
from connectors.organic_posts import OrganicPost
from warehouse.api_loads import PullOutcome, api_source, run_pull
from warehouse.database import transaction
from warehouse.refresh import record_changed_days
from warehouse.schema import POST_TABLES

POST_COLUMNS = (
    "source", "source_updated_at", "line", "account_id", "post_id", "published_at", "date", "title",
    "impressions", "clicks", "reactions", "comments", "shares", "video_views",
)


def replace_posts(
    con: duckdb.DuckDBPyConnection,
    channel: str,
    account_id: str,
    first: date,
    last: date,
    posts: list[OrganicPost],
    pulled_at: datetime,
) -> int:
    """The account's API posts published on first..last become `posts` (a post absent was deleted or never was),
    in one transaction; the days are recorded as changed and as answered (no longer missing)."""
    stray = sorted({post.day for post in posts if not first <= post.day <= last})
    if stray:
        raise ValueError(f"posts published on {stray}, outside the days pulled ({first}..{last})")
    ids = [post.post_id for post in posts]
    if len(set(ids)) != len(ids):
        raise ValueError("a post listed twice in one pull")
    table = POST_TABLES[channel]
    source = api_source(channel, account_id)
    days_sql = f"SELECT date FROM {table} WHERE source = ? AND date BETWEEN ? AND ?"
    window = [source, first, last]
    with transaction(con):
        record_changed_days(con, days_sql, window)
        con.execute(f"DELETE FROM {table} WHERE source = ? AND date BETWEEN ? AND ?", window)
        if posts:
            con.executemany(
                f"INSERT INTO {table} ({', '.join(POST_COLUMNS)}) VALUES ({', '.join('?' for _ in POST_COLUMNS)})",
                [
                    [source, pulled_at, None, account_id, post.post_id, post.published_at, post.day, post.title,
                     post.impressions, post.clicks, post.reactions, post.comments, post.shares, post.video_views]
                    for post in posts
                ],
            )
        record_changed_days(con, days_sql, window)
        con.execute(
            "DELETE FROM raw.api_missing_days WHERE channel = ? AND account_id = ? AND date BETWEEN ? AND ?",
            [ORGANIC_KINDS[channel], account_id, first, last],
        )
    return len(posts)


def pull_posts(
    con: duckdb.DuckDBPyConnection, client, account: ApiAccount, first: date, last: date, pulled_at: datetime
) -> PullOutcome:
    """Pull the posts of the account's page published on first..last and replace them whole, or change nothing;
    raw.api_pulls records it under `<channel>_posts`."""
    loads = _all_posts(con, client, account, first, last, pulled_at)
    return run_pull(con, client, ORGANIC_KINDS[account.channel], account.account_id, first, last, loads, pulled_at)


def _all_posts(con, client, account: ApiAccount, first: date, last: date, pulled_at: datetime) -> Iterator[int]:
    posts = client.posts(first, last)  # every page answered, or an ApiError before anything is written
    yield replace_posts(con, account.channel, account.account_id, first, last, posts, pulled_at)


def accounts_in_both(con: duckdb.DuckDBPyConnection, channel: str) -> dict[str, int]:
    """Account -> its rows from exports, for the accounts whose posts come both from exports and from the API."""
    rows = con.execute(
        f"""SELECT account_id, count(*) FILTER (WHERE source NOT LIKE 'api:%') AS exported FROM {POST_TABLES[channel]}
            GROUP BY account_id HAVING exported > 0 AND count(*) FILTER (WHERE source LIKE 'api:%') > 0
            ORDER BY account_id"""
    ).fetchall()
    return dict(rows)
