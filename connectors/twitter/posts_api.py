"""X organic posts: the user timeline of the account (API v2), with each post's organic numbers.

Same OAuth 1.0a user context and rate-limit handling as the ads client (connectors/twitter/api.py).
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from connectors.api_pull import ApiAccount, cursor_pages
from connectors.api_session import Clock, RetryPolicy
from connectors.campaign_days import NotANumber
from connectors.organic_posts import OrganicPost, count, local_time, required_count, utc_bounds, within
from connectors.twitter import settings
from connectors.twitter.api import x_session


class XPostsApi:
    def __init__(self, account: ApiAccount, credentials: dict[str, str], clock: Clock, policy: RetryPolicy):
        self.account = account
        self.base = f"{(account.api_base or settings.POSTS_API_BASE).rstrip('/')}/{settings.POSTS_API_VERSION}"
        self.session = x_session(account, credentials, clock, policy)
        self.zone = ZoneInfo(account.timezone)

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
        organic = post.get("organic_metrics")
        metrics = organic or post["public_metrics"]
        published = datetime.fromisoformat(post["created_at"].replace("Z", "+00:00"))
        return OrganicPost(
            post_id=str(post["id"]),
            published_at=local_time(published, self.zone),
            title=post.get("text"),
            impressions=required_count(metrics.get("impression_count"), "impression_count"),
            # Without organic numbers (posts older than 30 days) link clicks are not public.
            clicks=count(organic.get("url_link_clicks"), "url_link_clicks") if organic else None,
            reactions=count(metrics.get("like_count"), "like_count"),
            comments=count(metrics.get("reply_count"), "reply_count"),
            shares=count(metrics.get("retweet_count"), "retweet_count"),
        )


def _z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
