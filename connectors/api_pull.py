"""What every platform client shares: the account it pulls, the chunks of complete days it yields."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import quote

from connectors.campaign_days import CampaignDay


@dataclass(frozen=True)
class ApiAccount:
    """An account pulled through its platform's API (from the config; no credentials here): its ads, and with a
    `page_id` its page's organic posts (LinkedIn organization, X user, Facebook page, YouTube channel)."""

    channel: str
    account_id: str
    currency: str
    timezone: str = "UTC"
    api_base: str | None = None
    conversion_action_types: tuple[str, ...] = ()
    token_url: str | None = None
    page_id: str | None = None


@dataclass(frozen=True)
class DayChunk:
    """Days first..last, every request for them answered: safe to replace those days with `rows`."""

    first: date
    last: date
    rows: list[CampaignDay] = field(default_factory=list)


def windows(start: date, end: date, days: int) -> Iterator[tuple[date, date]]:
    """start..end (inclusive) cut into windows of at most `days` days."""
    first = start
    while first <= end:
        last = min(end, first + timedelta(days=days - 1))
        yield first, last
        first = last + timedelta(days=1)


def batches(items: list[str], size: int) -> Iterator[list[str]]:
    for index in range(0, len(items), size):
        yield items[index : index + size]


def cursor_pages(session, url: str, cursor_param: str, next_cursor) -> Iterator[tuple[str, dict]]:
    """(page url, body) for every page of a cursor-paginated list; `next_cursor(body)` is None on the last page."""
    page_url = url
    while True:
        body = session.get_json(page_url)
        yield page_url, body
        try:
            cursor = next_cursor(body)
        except (AttributeError, TypeError) as error:
            raise session.malformed("GET", page_url, f"no paging cursor ({error})") from error
        if not cursor:
            return
        page_url = f"{url}&{cursor_param}={quote(str(cursor), safe='')}"
