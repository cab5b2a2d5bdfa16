"""X organic posts: the user timeline of the account (API v2), with each post's organic numbers.

Same OAuth 1.0a user context and rate-limit handling as the ads client (connectors/twitter/api.py).
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from connectors.api_figures import FigureNotes
from connectors.api_pull import ApiAccount, cursor_pages
from connectors.api_session import Clock, RetryPolicy
from connectors.campaign_days import NotANumber, count
from connectors.organic_posts import OrganicPost, local_time, utc_bounds, within
from connectors.twitter import settings
from connectors.twitter.api import x_session


class XPostsApi:
    def __init__(self, account: ApiAccount, credentials: dict[str, str], clock: Clock, policy: RetryPolicy):
        self.account = account
        self.base = f"{(account.api_base or settings.POSTS_API_BASE).rstrip('/')}/{settings.POSTS_API_VERSION}"
        self.session = x_session(account, credentials, clock, policy)
        self.zone = ZoneInfo(account.timezone)
        self.notes = FigureNotes()

    def posts(self, first: date, last: date) -> list[OrganicPost]:
        """The account's posts published on first..last (its days), with their numbers now."""
        start, end = utc_bounds(first, last, self.zone)
        url = (
            f"{self.base}/users/{quote(str(self.account.page_id), safe='')}/tweets"
            f"?max_results={settings.POSTS_PAGE_SIZE}&start_time={_z(start)}&end_time={_z(end)}"
            f"&exclude={settings.POSTS_EXCLUDE}&tweet.fields={','.join(settings.POST_FIELDS)}"
        )
        rows = []
        pages = cursor_pages(self.session, url, "pagination_token", lambda body: (body.get("meta") or {}).get("next_token"))
        for page_url, body in pages:
            try:
                rows.extend(self._row(post) for post in body.get("data") or [])
            except (KeyError, TypeError, AttributeError, ValueError, NotANumber) as error:
                raise self.session.malformed("GET", page_url, f"unreadable post: {error!r}") from error
        return within(rows, first, last)

    def _row(self, post: dict) -> OrganicPost:
        # Without organic numbers (posts older than 30 days) the public ones, whose link clicks are not public.
        organic = post.get("organic_metrics")
        metrics = organic or post["public_metrics"]
        post_id = str(post["id"])
        published_at = local_time(datetime.fromisoformat(post["created_at"].replace("Z", "+00:00")), self.zone)
        read = self.notes.reader(settings.POST_FIGURES, metrics, published_at.date(), post_id)
        return OrganicPost(
            post_id=post_id,
            published_at=published_at,
            title=post.get("text"),
            impressions=read("impression_count", count),
            clicks=read("organic_metrics.url_link_clicks", count, (organic or {}).get("url_link_clicks")),
            reactions=read("like_count", count),
            comments=read("reply_count", count),
            shares=read("retweet_count", count),
        )


def _z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
