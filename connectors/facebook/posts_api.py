"""Facebook organic posts: a page's posts (Graph API) with their lifetime insights, reactions, comments and shares.

Same token, error handling and paging as the ads client (connectors/facebook/api.py).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from connectors.api_figures import FigureNotes
from connectors.api_pull import ApiAccount
from connectors.api_session import Clock, RetryPolicy
from connectors.campaign_days import NotANumber, count
from connectors.facebook import settings
from connectors.facebook.api import graph_base, graph_pages, meta_session
from connectors.organic_posts import OrganicPost, local_time, utc_bounds, within


class MetaPostsApi:
    def __init__(self, account: ApiAccount, credentials: dict[str, str], clock: Clock, policy: RetryPolicy):
        self.account = account
        self.base = graph_base(account)
        self.session = meta_session(account, credentials, clock, policy)
        self.zone = ZoneInfo(account.timezone)
        self.notes = FigureNotes()

    def posts(self, first: date, last: date) -> list[OrganicPost]:
        """The page's posts published on first..last (the account's days), with their numbers now."""
        start, end = utc_bounds(first, last, self.zone)
        params = {
            "fields": ",".join(settings.POST_FIELDS),
            "since": str(int(start.timestamp())),
            "until": str(int(end.timestamp())),
            "limit": str(settings.POSTS_PAGE_LIMIT),
        }
        rows = []
        for page_url, body in graph_pages(self.session, f"{self.base}/{self.account.page_id}/posts", params):
            try:
                rows.extend(self._row(post) for post in body["data"])
            except (KeyError, TypeError, AttributeError, ValueError, NotANumber) as error:
                raise self.session.malformed("GET", page_url, f"unreadable post: {error!r}") from error
        return within(rows, first, last)

    def _row(self, post: dict) -> OrganicPost:
        insights = {item["name"]: item["values"][0]["value"] for item in (post.get("insights") or {}).get("data", [])}
        post_id = str(post["id"])
        published_at = local_time(datetime.strptime(post["created_time"], "%Y-%m-%dT%H:%M:%S%z"), self.zone)
        read = self.notes.reader(settings.POST_FIGURES, post, published_at.date(), post_id)
        return OrganicPost(
            post_id=post_id,
            published_at=published_at,
            title=post.get("message"),
            impressions=read(settings.POST_IMPRESSIONS_METRIC, count, insights.get(settings.POST_IMPRESSIONS_METRIC)),
            clicks=read(settings.POST_CLICKS_METRIC, _link_clicks, insights.get(settings.POST_CLICKS_METRIC)),
            reactions=read("reactions.summary.total_count", count),
            comments=read("comments.summary.total_count", count),
            shares=read("shares.count", count),
            video_views=read(settings.POST_VIDEO_VIEWS_METRIC, count, insights.get(settings.POST_VIDEO_VIEWS_METRIC)),
        )


def _link_clicks(clicks_by_type: dict, what: str) -> int:
    # Click types nobody used are left out of the dict.
    return count(clicks_by_type.get(settings.POST_CLICK_TYPE, 0), f"{what}[{settings.POST_CLICK_TYPE}]")
