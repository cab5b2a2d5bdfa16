"""The common shape of an organic post as the API clients produce it: one row per post of a page, with its
numbers so far. The CSV path produces the same columns in DuckDB (raw.<channel>_posts, warehouse/exports.py).

A post's numbers keep growing for weeks after it is published, so a pull asks for the posts published on some days
and reads each one's lifetime numbers as they are now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class OrganicPost:
    post_id: str  # as the platform's export names it, so a post in both an export and the API is one post
    published_at: datetime  # in the account's timezone, without offset (like the exports)
    title: str | None
    impressions: int
    clicks: int | None = None  # None: the platform gives no such count (not zero)
    reactions: int | None = None
    comments: int | None = None
    shares: int | None = None
    video_views: int | None = None

    @property
    def day(self) -> date:
        return self.published_at.date()


def local_time(moment: datetime, zone: ZoneInfo) -> datetime:
    """An aware instant as the account's wall-clock time, without offset."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment} has no timezone")
    return moment.astimezone(zone).replace(tzinfo=None)


def utc_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants of the account's days first..last: [midnight of first, midnight after last), in UTC."""
    start = datetime.combine(first, time(0), tzinfo=zone).astimezone(timezone.utc)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone).astimezone(timezone.utc)
    return start, end


def within(posts: list[OrganicPost], first: date, last: date) -> list[OrganicPost]:
    """The posts published on first..last, each once (a post seen on two pages of a shifting list is one post)."""
    kept: dict[str, OrganicPost] = {}
    for post in posts:
        if first <= post.day <= last:
            kept.setdefault(post.post_id, post)
    return list(kept.values())
