"""Organic posts through the platforms' APIs: each client against its fake on loopback (real shapes, paging, rate
limits, quotas), the loader (a pull replaces an account's posts whole or not at all), the config keys, and Dagster
runs that land API posts in the engagement marts with numbers computed by hand, a post in both an export and the
API counted once. The clock is fake: no test sleeps."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from connectors.api_clients import POSTS_CLIENTS
from connectors.api_pull import ApiAccount
from connectors.api_session import AuthError, MalformedResponse, QuotaExhausted, RetryPolicy
from connectors.credentials import MissingCredentials, credentials_for
from connectors.organic_posts import OrganicPost
from pipelines.config import ConfigError, load_config
from pipelines.runs import materialize_days, run_problems
from tests.conftest import REPO, PipelineRun, touch
from tests.fakes.clock import FakeClock
from tests.fakes.data import PostFact
from tests.fakes.fixtures import (
    GOOGLE_CLIENT_SECRET, GOOGLE_REFRESH_TOKEN, LINKEDIN_TOKEN, META_TOKEN, X_ACCESS_SECRET, X_CONSUMER_SECRET,
    fake_platforms,  # noqa: F401
)
from tests.test_api_pipeline import api_resource
from warehouse.api_posts import pull_posts, replace_posts
from warehouse.schema import ensure_schema

UTC = timezone.utc
SECRETS = (LINKEDIN_TOKEN, META_TOKEN, X_CONSUMER_SECRET, X_ACCESS_SECRET, GOOGLE_CLIENT_SECRET, GOOGLE_REFRESH_TOKEN)
PAGES = {  # channel -> (config account id, page id)
    "linkedin": ("508765432", "2414183"),
    "twitter": ("18ce54d4x5t", "1372819"),
    "facebook": ("1234567890", "104857600"),
    "youtube": ("7712345678", "UCabcdefghijklmnopqrstuv"),
}


def day(n: int) -> date:
    return date(2026, 9, n)


def at(n: int, hour: int = 12, minute: int = 0, month: int = 9) -> datetime:
    return datetime(2026, month, n, hour, minute, tzinfo=UTC)


def posts_client(fakes, channel: str, clock=None, policy=None, zone: str = "UTC", google_refresh=False):
    account_id, page_id = PAGES[channel]
    account = ApiAccount(channel=channel, account_id=account_id, currency="EUR", timezone=zone,
                         api_base=fakes.base_url, page_id=page_id,
                         token_url=fakes.youtube.token_url if google_refresh else None)
    credentials = credentials_for(channel, fakes.environment(google_refresh=google_refresh), posts=True)
    return POSTS_CLIENTS[channel](account, credentials, clock or FakeClock(), policy or RetryPolicy())


def by_id(posts: list[OrganicPost]) -> list[OrganicPost]:
    return sorted(posts, key=lambda post: post.post_id)


# --- LinkedIn ---------------------------------------------------------------------------------------------------------

def linkedin_page(fakes) -> None:
    page = PAGES["linkedin"][1]
    fakes.linkedin.put_posts(
        page,
        PostFact("urn:li:share:7240000000000000001", at(3, 8), "Rentrée: nos webinaires", 1200, 30, 40, 5, 3),
        # 22:30 UTC on the 6th is 00:30 on the 7th in Paris: the account's day
        PostFact("urn:li:ugcPost:7240000000000000002", at(6, 22, 30), "Étude de cas", 800, 12, 25, 2, 1),
        PostFact("urn:li:share:7240000000000000003", at(4), "Sponsored only", 5000, 90, 10, 0, 0, dark=True),
        PostFact("urn:li:share:7230000000000000004", at(20, month=8), "Août", 700, 7, 7, 0, 0),
        # written on 15 August, published (scheduled) on the 5th
        PostFact("urn:li:share:7240000000000000005", at(5, 7), "Programmé", 300, 3, 9, 1, 0,
                 created_at=at(15, month=8)),
        # older posts: listing stops at the first page reaching back past the scheduling margin (about June 1st)
        *(PostFact(f"urn:li:share:72300000000000001{n:02d}", at(10 - n, month=7 if n < 3 else 4), f"Old {n}", 100,
                   1, 1, 0, 0) for n in range(6)),
    )


def test_linkedin_reads_the_page_posts_and_their_share_statistics(fake_platforms):
    fakes = fake_platforms
    linkedin_page(fakes)
    fakes.linkedin.posts_page_size = 2
    posts = posts_client(fakes, "linkedin", zone="Europe/Paris").posts(day(1), day(10))
    assert by_id(posts) == [
        OrganicPost("urn:li:share:7240000000000000001", datetime(2026, 9, 3, 10, 0), "Rentrée: nos webinaires",
                    1200, 30, 40, 5, 3),
        OrganicPost("urn:li:share:7240000000000000005", datetime(2026, 9, 5, 9, 0), "Programmé", 300, 3, 9, 1, 0),
        OrganicPost("urn:li:ugcPost:7240000000000000002", datetime(2026, 9, 7, 0, 30), "Étude de cas", 800, 12, 25,
                    2, 1),
    ]
    assert posts[0].video_views is None  # LinkedIn's video views are another endpoint: unknown, not zero
    listing = fakes.requests_for("linkedin", "/rest/posts")
    assert "author=urn%3Ali%3Aorganization%3A2414183" in listing[0].query_string
    assert [r.args["start"] for r in listing] == ["0", "2", "4", "6", "8"]  # stops once past the scheduling margin
    statistics = fakes.requests_for("linkedin", "organizationalEntityShareStatistics")
    assert [("shares=List(" in r.query_string, "ugcPosts=List(" in r.query_string) for r in statistics] == [
        (True, False), (False, True)]
    assert "urn%3Ali%3Ashare%3A7240000000000000001" in statistics[0].query_string
    assert all(r.headers["LinkedIn-Version"] and r.headers["X-Restli-Protocol-Version"] == "2.0.0" for r in listing)


def test_linkedin_statistics_are_asked_twenty_posts_at_a_time(fake_platforms):
    fakes = fake_platforms
    fakes.linkedin.put_posts(PAGES["linkedin"][1], *(
        PostFact(f"urn:li:share:{7240000000000000100 + n}", at(2, 8, n), f"Post {n}", 100 + n, 1, 2, 0, 0)
        for n in range(45)))
    posts = posts_client(fakes, "linkedin").posts(day(1), day(3))
    assert len(posts) == 45 and sum(post.impressions for post in posts) == 45 * 100 + sum(range(45))
    assert len(fakes.requests_for("linkedin", "organizationalEntityShareStatistics")) == 3  # 20 + 20 + 5


def test_linkedin_daily_quota_stops_the_posts_pull_until_midnight(fake_platforms):
    fakes = fake_platforms
    linkedin_page(fakes)
    fakes.linkedin.daily_quota(when=lambda request: "ShareStatistics" in request.path)
    clock = FakeClock(datetime(2026, 9, 21, 15, 0, tzinfo=UTC).timestamp())
    with pytest.raises(QuotaExhausted) as error:
        posts_client(fakes, "linkedin", clock).posts(day(1), day(10))
    assert error.value.retry_at == datetime(2026, 9, 22, tzinfo=UTC) and clock.sleeps == []


# --- X ----------------------------------------------------------------------------------------------------------------

def x_account(fakes) -> None:
    fakes.twitter.put_posts(
        PAGES["twitter"][1],
        PostFact("1831000000000000001", at(2, 9, 15), "Our September webinar", 2400, 31, 52, 4, 6),
        PostFact("1831000000000000002", at(4, 23, 50), "Late post", 900, 5, 11, 1, 0),
        PostFact("1831000000000000003", at(8), "Recap", 1500, 14, 20, 3, 2),
        PostFact("1820000000000000004", at(25, month=8), "August", 1000, 1, 1, 0, 0),
    )


def test_x_reads_the_timeline_with_organic_numbers_across_pages(fake_platforms):
    fakes = fake_platforms
    x_account(fakes)
    fakes.twitter.tweets_page_size = 2
    posts = posts_client(fakes, "twitter", zone="Europe/London").posts(day(1), day(10))
    assert by_id(posts) == [
        OrganicPost("1831000000000000001", datetime(2026, 9, 2, 10, 15), "Our September webinar", 2400, 31, 52, 4, 6),
        OrganicPost("1831000000000000002", datetime(2026, 9, 5, 0, 50), "Late post", 900, 5, 11, 1, 0),
        OrganicPost("1831000000000000003", datetime(2026, 9, 8, 13, 0), "Recap", 1500, 14, 20, 3, 2),
    ]
    pages = fakes.requests_for("twitter", "/2/users/1372819/tweets")
    assert len(pages) == 2 and "pagination_token" not in pages[0].args and pages[1].args["pagination_token"]
    # London midnight of the 1st and of the 11th, in UTC
    assert (pages[0].args["start_time"], pages[0].args["end_time"]) == ("2026-08-31T23:00:00Z", "2026-09-10T23:00:00Z")
    assert pages[0].headers["Authorization"].startswith("OAuth ")


def test_x_posts_past_thirty_days_fall_back_to_public_numbers_without_clicks(fake_platforms):
    fakes = fake_platforms
    x_account(fakes)
    fakes.twitter.now = at(5, month=10)  # the 2nd is more than 30 days before
    post = next(p for p in posts_client(fakes, "twitter").posts(day(1), day(10)) if p.post_id.endswith("01"))
    assert (post.impressions, post.clicks, post.reactions) == (2500, None, 53)  # public: promoted delivery included


def test_x_rate_limit_waits_for_the_reset_under_the_same_policy(fake_platforms):
    fakes = fake_platforms
    x_account(fakes)
    clock = FakeClock(1_788_220_000.0)
    fakes.twitter.rate_limited(reset_epoch=1_788_220_300)
    posts = posts_client(fakes, "twitter", clock).posts(day(1), day(10))
    assert len(posts) == 3
    assert clock.sleeps == [301.0]
    with pytest.raises(QuotaExhausted):  # a reset beyond the run's wait budget stops the pull instead
        fakes.twitter.rate_limited(reset_epoch=1_788_230_000)
        posts_client(fakes, "twitter", FakeClock(1_788_220_000.0), RetryPolicy(max_total_wait_seconds=600)).posts(
            day(1), day(10))


# --- Meta -------------------------------------------------------------------------------------------------------------

def facebook_page(fakes) -> None:
    page = PAGES["facebook"][1]
    fakes.facebook.put_posts(
        page,
        PostFact(f"{page}_901", at(1, 16), "Bienvenue en septembre", 3100, 42, 120, 14, 9),
        PostFact(f"{page}_902", at(3, 7), "Vidéo: la démo", 5200, 0, 88, 6, 0, video_views=1900),
        PostFact(f"{page}_903", at(9, 21, 59), "Dernier post", 1000, 8, 15, 2, 1),
        PostFact(f"{page}_800", at(28, month=8), "Août", 999, 9, 9, 9, 9),
    )


def test_meta_reads_page_posts_with_insights_and_pages_without_leaking_the_token(fake_platforms):
    fakes = fake_platforms
    facebook_page(fakes)
    fakes.facebook.page_size = 2
    posts = posts_client(fakes, "facebook", zone="Europe/Paris").posts(day(1), day(10))
    page = PAGES["facebook"][1]
    assert by_id(posts) == [
        OrganicPost(f"{page}_901", datetime(2026, 9, 1, 18, 0), "Bienvenue en septembre", 3100, 42, 120, 14, 9, 0),
        # nobody clicked a link: the click type is left out, which is zero; nobody shared: `shares` absent, zero
        OrganicPost(f"{page}_902", datetime(2026, 9, 3, 9, 0), "Vidéo: la démo", 5200, 0, 88, 6, 0, 1900),
        OrganicPost(f"{page}_903", datetime(2026, 9, 9, 23, 59), "Dernier post", 1000, 8, 15, 2, 1, 0),
    ]
    requests = fakes.requests_for("facebook", f"/{page}/posts")
    assert len(requests) == 2 and requests[1].args["after"]
    assert all("access_token" not in r.query_string for r in requests)
    assert all(r.headers["Authorization"] == f"Bearer {META_TOKEN}" for r in requests)


def test_meta_page_throttling_waits_as_meta_says(fake_platforms):
    fakes = fake_platforms
    facebook_page(fakes)
    clock = FakeClock()
    fakes.facebook.throttled(code=32, estimated_minutes=3)
    assert len(posts_client(fakes, "facebook", clock).posts(day(1), day(10))) == 3
    assert clock.sleeps == [180.0]


def test_meta_rejects_a_post_without_its_impressions(fake_platforms):
    fakes = fake_platforms
    facebook_page(fakes)
    fakes.fail("facebook", 200, {"data": [{"id": "104857600_1", "created_time": "2026-09-02T10:00:00+0000",
                                                    "reactions": {"summary": {"total_count": 1}},
                                                    "comments": {"summary": {"total_count": 0}}}]})
    with pytest.raises(MalformedResponse) as error:
        posts_client(fakes, "facebook").posts(day(1), day(10))
    assert "post_media_view is missing" in str(error.value)


# --- YouTube ----------------------------------------------------------------------------------------------------------

def youtube_channel(fakes) -> None:
    channel = PAGES["youtube"][1]
    fakes.youtube.put_posts(
        channel,
        PostFact("dQw4w9WgXcQ", at(2, 15), "Spring launch teaser", 0, reactions=310, comments=24, video_views=9021),
        PostFact("aBcD123xyz0", at(9, 6), "How it works", 0, reactions=120, comments=7, video_views=6213),
        PostFact("oldVideo001", at(1, month=6), "June", 0, reactions=1, comments=1, video_views=50),
    )
    fakes.youtube.hidden_likes.add("aBcD123xyz0")


def test_youtube_lists_the_uploads_and_reads_video_statistics(fake_platforms):
    fakes = fake_platforms
    youtube_channel(fakes)
    fakes.youtube.uploads_page_size = 1
    posts = posts_client(fakes, "youtube", zone="Europe/Berlin", google_refresh=True).posts(day(1), day(10))
    assert by_id(posts) == [
        # likes hidden by the channel: unknown, not zero; views stand for impressions (no API gives thumbnail ones)
        OrganicPost("aBcD123xyz0", datetime(2026, 9, 9, 8, 0), "How it works", 6213, None, None, 7, None, 6213),
        OrganicPost("dQw4w9WgXcQ", datetime(2026, 9, 2, 17, 0), "Spring launch teaser", 9021, None, 310, 24, None,
                    9021),
    ]
    data_api = fakes.requests_for("youtube", "/youtube/v3/")
    assert [r.path for r in data_api] == ["/youtube/v3/channels"] + ["/youtube/v3/playlistItems"] * 3 + [
        "/youtube/v3/videos"]
    assert data_api[0].args["id"] == PAGES["youtube"][1] and data_api[1].args["playlistId"] == "UUabcdefghijklmnopqrstuv"
    assert all(r.headers["Authorization"] == "Bearer ya29.fake-1" for r in data_api)  # refreshed as for Google Ads
    assert all("developer-token" not in r.headers for r in data_api)  # Google Ads' token stays with Google Ads


def test_youtube_daily_quota_stops_until_midnight_pacific(fake_platforms):
    fakes = fake_platforms
    youtube_channel(fakes)
    fakes.youtube.quota_exceeded(when=lambda request: "/videos" in request.path)
    clock = FakeClock(datetime(2026, 9, 21, 15, 0, tzinfo=UTC).timestamp())
    with pytest.raises(QuotaExhausted) as error:
        posts_client(fakes, "youtube", clock).posts(day(1), day(10))
    assert error.value.retry_at == datetime(2026, 9, 22, 7, 0, tzinfo=UTC) and clock.sleeps == []


def test_youtube_short_rate_limit_is_retried_with_backoff(fake_platforms):
    fakes = fake_platforms
    youtube_channel(fakes)
    fakes.youtube.youtube_rate_limited(times=2)
    clock = FakeClock()
    assert len(posts_client(fakes, "youtube", clock).posts(day(1), day(10))) == 2
    assert len(clock.sleeps) == 2 and 1 <= clock.sleeps[0] <= 2 and 2 <= clock.sleeps[1] <= 4


def test_youtube_posts_need_no_google_ads_developer_token():
    environ = {"ROI_GOOGLE_ADS_ACCESS_TOKEN": "ya29.x"}
    assert credentials_for("youtube", environ, posts=True) == environ
    with pytest.raises(MissingCredentials):
        credentials_for("youtube", environ)


# --- Refused credentials never retried, never repeated ----------------------------------------------------------------

@pytest.mark.parametrize("channel", sorted(PAGES))
def test_refused_credentials_stop_at_once_and_name_the_variables_not_the_secrets(fake_platforms, channel):
    fakes = fake_platforms
    {"linkedin": linkedin_page, "twitter": x_account, "facebook": facebook_page, "youtube": youtube_channel}[channel](
        fakes)
    {"linkedin": lambda: fakes.linkedin.revoked_token(), "twitter": lambda: fakes.twitter.unauthorized(),
     "facebook": lambda: fakes.facebook.expired_token(), "youtube": lambda: fakes.youtube.unauthenticated(when=lambda request: "/youtube/" in request.path)}[channel]()
    clock = FakeClock()
    with pytest.raises(AuthError) as error:
        posts_client(fakes, channel, clock, google_refresh=channel == "youtube").posts(day(1), day(10))
    assert clock.sleeps == [] and "renew" in str(error.value)
    assert not any(secret in str(error.value) for secret in SECRETS)
