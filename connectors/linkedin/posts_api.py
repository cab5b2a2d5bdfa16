"""LinkedIn organic posts: a company page's posts (Posts API) and their lifetime numbers (share statistics).

Same token, headers, Rest.li encoding and rate-limit handling as the ads client (connectors/linkedin/api.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from urllib.parse import quote
from zoneinfo import ZoneInfo

from connectors.api_figures import FigureNotes
from connectors.api_pull import ApiAccount, batches
from connectors.api_session import Clock, RetryPolicy
from connectors.campaign_days import NotANumber, count, whole_number
from connectors.linkedin import settings
from connectors.linkedin.api import linkedin_base, linkedin_session
from connectors.organic_posts import OrganicPost, local_time, utc_bounds, within

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Statistics are asked per kind of post: the finder's parameter for each URN prefix.
STATISTICS_PARAMS = {"urn:li:share:": "shares", "urn:li:ugcPost:": "ugcPosts"}


class LinkedInPostsApi:
    def __init__(self, account: ApiAccount, credentials: dict[str, str], clock: Clock, policy: RetryPolicy):
        self.account = account
        self.base = linkedin_base(account)
        self.session = linkedin_session(account, credentials, clock, policy)
        self.zone = ZoneInfo(account.timezone)
        self.organization = quote(settings.ORGANIZATION_URN + str(account.page_id), safe="")
        self.notes = FigureNotes()

    def posts(self, first: date, last: date) -> list[OrganicPost]:
        """The page's organic posts published on first..last (the account's days), with their numbers now."""
        start, end = utc_bounds(first, last, self.zone)
        listed = self._published(start, end)
        statistics = self._statistics(list(listed))
        rows = []
        for urn, (published, text) in listed.items():
            stats = statistics.get(urn)
            try:
                rows.append(self._row(urn, published, text, stats))
            except (KeyError, TypeError, NotANumber) as error:
                raise self.session.malformed("GET", f"{self.base}/rest/organizationalEntityShareStatistics",
                                             f"unreadable statistics of {urn}: {error}") from error
        return within(rows, first, last)

    def _published(self, start: datetime, end: datetime) -> dict[str, tuple[datetime, str | None]]:
        """URN -> (publish instant, text) of the organic posts published in [start, end), newest created first."""
        url = (f"{self.base}/rest/posts?author={self.organization}&q=author"
               f"&count={settings.POSTS_PAGE_SIZE}&sortBy={settings.POSTS_SORT}")
        created_early = start - timedelta(days=settings.SCHEDULED_AHEAD_DAYS)
        found: dict[str, tuple[datetime, str | None]] = {}
        offset = 0
        while True:
            page_url = f"{url}&start={offset}"
            body = self.session.get_json(page_url)
            try:
                elements = body["elements"]
                oldest = None
                for element in elements:
                    created = _instant(element["createdAt"], "createdAt")
                    oldest = created if oldest is None else min(oldest, created)
                    published = _instant(element.get("publishedAt") or element["createdAt"], "publishedAt")
                    if _organic(element) and start <= published < end:
                        found.setdefault(str(element["id"]), (published, element.get("commentary")))
            except (KeyError, TypeError, AttributeError, NotANumber) as error:
                raise self.session.malformed("GET", page_url, f"unreadable post: {error!r}") from error
            if not _more(body, len(elements)) or (oldest is not None and oldest < created_early):
                return found
            offset += len(elements)

    def _statistics(self, urns: list[str]) -> dict[str, dict]:
        """URN -> totalShareStatistics, asked in batches per kind of post."""
        unknown = [urn for urn in urns if not urn.startswith(tuple(STATISTICS_PARAMS))]
        if unknown:
            raise self.session.malformed("GET", f"{self.base}/rest/posts", f"posts of unknown kind {unknown[:3]}")
        found: dict[str, dict] = {}
        for prefix, param in STATISTICS_PARAMS.items():
            for batch in batches([urn for urn in urns if urn.startswith(prefix)], settings.POST_STATISTICS_BATCH):
                listed = ",".join(quote(urn, safe="") for urn in batch)
                url = (f"{self.base}/rest/organizationalEntityShareStatistics?q=organizationalEntity"
                       f"&organizationalEntity={self.organization}&{param}=List({listed})")
                body = self.session.get_json(url)
                try:
                    for element in body["elements"]:
                        urn = element.get("share") or element.get("ugcPost")
                        if urn not in batch:
                            raise ValueError(f"statistics of {urn!r}, a post not asked for")
                        found[urn] = element["totalShareStatistics"]
                except (KeyError, TypeError, AttributeError, ValueError) as error:
                    raise self.session.malformed("GET", url, f"unreadable share statistics: {error}") from error
        return found

    def _row(self, urn: str, published: datetime, text: str | None, stats: dict | None) -> OrganicPost:
        # No statistics: a post of the last minutes, or older than the 12 months LinkedIn keeps. It was published
        # all the same (a touch); its impressions are none known, its other counts unknown.
        published_at = local_time(published, self.zone)
        if stats is None:
            return OrganicPost(urn, published_at, text, 0)
        read = self.notes.reader(settings.POST_FIGURES, stats, published_at.date(), urn)
        return OrganicPost(
            post_id=urn,
            published_at=published_at,
            title=text,
            impressions=read("impressionCount", count),
            clicks=read("clickCount", count),
            reactions=read("likeCount", count),
            comments=read("commentCount", count),
            shares=read("shareCount", count),
        )


def _more(body: dict, got: int) -> bool:
    """Another page follows: a `next` link, or a full page (LinkedIn may answer fewer than asked before the end)."""
    links = (body.get("paging") or {}).get("links") or []
    return got > 0 and (got >= settings.POSTS_PAGE_SIZE or any(link.get("rel") == "next" for link in links))


def _organic(element: dict) -> bool:
    """Published, and shown in the page's feed (a post that only runs as an ad is paid delivery)."""
    feed = (element.get("distribution") or {}).get("feedDistribution")
    return element.get("lifecycleState") == "PUBLISHED" and feed != "NONE"


def _instant(milliseconds: object, what: str) -> datetime:
    return EPOCH + timedelta(milliseconds=whole_number(milliseconds, what))
