"""YouTube organic videos: the channel's uploads (Data API v3) and each video's lifetime statistics.

The OAuth access token comes exactly as for Google Ads (connectors/youtube/api.py): given, or refreshed.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import quote
from zoneinfo import ZoneInfo

import requests

from connectors.api_figures import FigureNotes
from connectors.api_pull import ApiAccount, batches, cursor_pages
from connectors.api_session import ApiSession, Clock, RetryPolicy, Verdict, default_verdict
from connectors.campaign_days import NotANumber, count
from connectors.credentials import renew_hint
from connectors.organic_posts import OrganicPost, local_time, utc_bounds, within
from connectors.youtube import settings
from connectors.youtube.api import google_access_token

PLATFORM = "YouTube"


def classify(response: requests.Response, now: float) -> Verdict:
    """The Data API says 403 for a spent daily quota and for going too fast; its `reason` tells which."""
    verdict = default_verdict(response, now)
    reasons = _reasons(response)
    if reasons & settings.QUOTA_REASONS:
        return Verdict("quota", "daily YouTube Data API quota spent", retry_at=_next_pacific_midnight(now))
    if reasons & settings.RATE_REASONS:
        return Verdict("retry", verdict.message, verdict.wait_seconds)
    if verdict.kind == "auth":
        return Verdict("auth", f"{verdict.message}; renew the credentials in {renew_hint('youtube')}")
    return verdict


def _reasons(response: requests.Response) -> set[str]:
    if response.ok:
        return set()
    try:
        errors = (response.json().get("error") or {}).get("errors") or []
        return {error.get("reason") for error in errors if isinstance(error, dict)}
    except (ValueError, AttributeError):
        return set()


def _next_pacific_midnight(now: float) -> datetime:
    zone = ZoneInfo(settings.QUOTA_RESET_TIMEZONE)
    tomorrow = datetime.fromtimestamp(now, tz=zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=zone).astimezone(timezone.utc)


class YouTubePostsApi:
    def __init__(self, account: ApiAccount, credentials: dict[str, str], clock: Clock, policy: RetryPolicy):
        self.account = account
        self.base = f"{(account.api_base or settings.DATA_API_BASE).rstrip('/')}{settings.DATA_API_PATH}"
        self.credentials, self.clock, self.policy = credentials, clock, policy
        self.session = ApiSession(PLATFORM, account.account_id, classify, policy, clock)
        self.zone = ZoneInfo(account.timezone)
        self.notes = FigureNotes()

    def posts(self, first: date, last: date) -> list[OrganicPost]:
        """The channel's videos published on first..last (the account's days), with their numbers now."""
        token = google_access_token(self.account, self.credentials, self.clock, self.policy)
        self.session.set_header("Authorization", f"Bearer {token}")
        start, end = utc_bounds(first, last, self.zone)
        ids = [video for video, published in self._uploads() if start <= published < end]
        rows = []
        for batch in batches(ids, settings.VIDEOS_PER_REQUEST):
            url = f"{self.base}/videos?part=snippet,statistics&id={','.join(quote(v, safe='') for v in batch)}"
            body = self.session.get_json(url)
            try:
                rows.extend(self._row(video) for video in body["items"])
            except (KeyError, TypeError, AttributeError, ValueError, NotANumber) as error:
                raise self.session.malformed("GET", url, f"unreadable video: {error!r}") from error
        return within(rows, first, last)

    def _uploads(self) -> list[tuple[str, datetime]]:
        """(video id, publish instant) of every upload of the channel."""
        url = f"{self.base}/channels?part=contentDetails&id={quote(str(self.account.page_id), safe='')}"
        body = self.session.get_json(url)
        try:
            playlist = body["items"][0]["contentDetails"]["relatedPlaylists"]["uploads"]
        except (KeyError, IndexError, TypeError) as error:
            raise self.session.malformed("GET", url, f"no uploads playlist for channel {self.account.page_id} "
                                         f"({error!r} missing: is page_id the channel id, UC…?)") from error
        url = (f"{self.base}/playlistItems?part=contentDetails&playlistId={quote(playlist, safe='')}"
               f"&maxResults={settings.UPLOADS_PAGE_SIZE}")
        uploads = []
        for page_url, body in cursor_pages(self.session, url, "pageToken", lambda body: body.get("nextPageToken")):
            try:
                for item in body["items"]:
                    details = item["contentDetails"]
                    if details.get("videoPublishedAt"):  # absent while a video is private or scheduled
                        uploads.append((details["videoId"], _instant(details["videoPublishedAt"])))
            except (KeyError, TypeError, ValueError) as error:
                raise self.session.malformed("GET", page_url, f"unreadable upload: {error!r}") from error
        return uploads

    def _row(self, video: dict) -> OrganicPost:
        post_id = str(video["id"])
        published_at = local_time(_instant(video["snippet"]["publishedAt"]), self.zone)
        read = self.notes.reader(settings.POST_FIGURES, video, published_at.date(), post_id)
        views = read("statistics.viewCount", count)
        return OrganicPost(
            post_id=post_id,
            published_at=published_at,
            title=video["snippet"].get("title"),
            impressions=views,  # no API gives thumbnail impressions (see settings)
            reactions=read("statistics.likeCount", count),
            comments=read("statistics.commentCount", count),
            video_views=views,
        )


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
