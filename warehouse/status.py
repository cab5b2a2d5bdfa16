"""What `roi status` reports from the analysts' file: each account's last day with data, its last API pulls of
ads and of page posts (with their notes of figures left unknown), the campaigns keyed by name and the export files
that were rejected (read-only: it never waits on, or blocks, a run)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from connectors.channels import ORGANIC_KINDS
from connectors.secrets import redact
from warehouse.campaign_names import NameKeyedCampaign, name_keyed_campaigns
from warehouse.schema import AD_TABLES

__all__ = ["AccountStatus", "NameKeyedCampaign", "account_status", "name_keyed_campaigns", "rejected_files"]


@dataclass(frozen=True)
class AccountStatus:
    channel: str
    account_id: str
    last_day: date | None
    last_pull: str | None  # complete | stopped, for API accounts
    last_pull_message: str | None
    last_pull_at: datetime | None
    last_posts_pull: str | None = None  # the same for its page's posts, where they come from the API
    last_posts_pull_message: str | None = None
    # What the last pulls' answers left out: figures left unknown (NULL). Informational: not a problem.
    notes: tuple[str, ...] = ()

    def problems(self, today: date, freshness_days: int) -> list[str]:
        """Why this account needs attention: no data, data older than `freshness_days` or dated after tomorrow, a
        stopped pull."""
        problems = []
        if self.last_day is None:
            problems.append("no data")
        elif (self.last_day - today).days > 2:  # after tomorrow in any timezone: says nothing of freshness
            problems.append(f"dated in the future: rows up to {self.last_day} (loaded before such rows were refused)")
        elif (today - self.last_day).days > freshness_days:
            problems.append(f"stale: {(today - self.last_day).days} days old")
        if self.last_pull == "stopped":
            problems.append(f"last pull stopped: {self.last_pull_message}")
        if self.last_posts_pull == "stopped":
            problems.append(f"last posts pull stopped: {self.last_posts_pull_message}")
        return problems


def account_status(con: duckdb.DuckDBPyConnection, channel: str, account_id: str) -> AccountStatus:
    last_day = con.execute(
        f"SELECT max(date) FROM {AD_TABLES[channel]} WHERE account_id = ?", [account_id]
    ).fetchone()[0]
    status, message, pulled_at, notes = _last_pull(con, channel, account_id)
    posts_status, posts_message, _, posts_notes = _last_pull(con, ORGANIC_KINDS[channel], account_id)
    return AccountStatus(
        channel, account_id, last_day, status, message, pulled_at, posts_status, posts_message,
        tuple(f"ads pull note: {note}" for note in notes or ())
        + tuple(f"posts pull note: {note}" for note in posts_notes or ()),
    )


def _last_pull(con: duckdb.DuckDBPyConnection, kind: str, account_id: str) -> tuple:
    """(status, message, pulled_at, notes) of the account's last pull of `kind` (raw.api_pulls.channel), or Nones;
    redacted once more, for rows a version before the redaction wrote."""
    status, message, pulled_at, notes = con.execute(
        """SELECT status, message, pulled_at, notes FROM raw.api_pulls WHERE channel = ? AND account_id = ?
           ORDER BY pulled_at DESC LIMIT 1""",
        [kind, account_id],
    ).fetchone() or (None, None, None, None)
    return status, message and redact(message), pulled_at, notes and [redact(note) for note in notes]


def rejected_files(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT path, error FROM raw.export_files WHERE status = 'rejected' ORDER BY path"
    ).fetchall()


def file_notes(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Loaded files with something a reader should know about their numbers (e.g. Meta Results that are not the
    account's conversions, left unknown)."""
    return con.execute(
        "SELECT path, notes FROM raw.export_files WHERE status = 'loaded' AND notes IS NOT NULL ORDER BY path"
    ).fetchall()
