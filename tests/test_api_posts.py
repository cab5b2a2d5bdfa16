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
from pipelines.cli import EXIT_FAILED, print_status
from pipelines.config import ConfigError, load_config
from pipelines.runs import materialize_days, run_problems
from tests.conftest import REPO, PipelineRun, settle_exports, touch
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
    fakes.twitter.now = at(5, month=10)  # the 2nd and the 4th are more than 30 days before
    api = posts_client(fakes, "twitter")
    post = next(p for p in api.posts(day(1), day(10)) if p.post_id.endswith("01"))
    assert (post.impressions, post.clicks, post.reactions) == (2500, None, 53)  # public: promoted delivery included
    assert api.notes.lines() == (
        "organic_metrics.url_link_clicks missing in 2 posts (2026-09-02..2026-09-04): clicks unknown (NULL)",)


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


def test_meta_a_post_without_its_reaction_and_comment_counts_keeps_its_impressions_and_notes_them(fake_platforms):
    fakes = fake_platforms
    insights = {"data": [{"name": "post_media_view", "period": "lifetime", "values": [{"value": 900}]}]}
    fakes.fail("facebook", 200, {"data": [
        {"id": "104857600_1", "created_time": "2026-09-02T10:00:00+0000", "insights": insights,
         "reactions": {"summary": {"total_count": 7}}, "comments": {"summary": {"total_count": "many"}}},
        {"id": "104857600_2", "created_time": "2026-09-03T10:00:00+0000", "insights": insights,
         "shares": {"count": 2}}]})
    api = posts_client(fakes, "facebook")
    assert by_id(api.posts(day(1), day(10))) == [
        OrganicPost("104857600_1", datetime(2026, 9, 2, 10), None, 900, None, 7, None, 0, None),
        OrganicPost("104857600_2", datetime(2026, 9, 3, 10), None, 900, None, None, None, 2, None),
    ]
    assert api.notes.lines() == (
        "post_clicks_by_type missing in 2 posts (2026-09-02..2026-09-03): clicks unknown (NULL)",
        "comments.summary.total_count unreadable in 1 post (2026-09-02): comments unknown (NULL)",
        "post_video_views missing in 2 posts (2026-09-02..2026-09-03): video_views unknown (NULL)",
        "reactions.summary.total_count missing in 1 post (2026-09-03): reactions unknown (NULL)",
        "comments.summary.total_count missing in 1 post (2026-09-03): comments unknown (NULL)",
    )


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
    api = posts_client(fakes, "youtube", zone="Europe/Berlin", google_refresh=True)
    posts = api.posts(day(1), day(10))
    assert by_id(posts) == [
        # likes hidden by the channel: unknown, not zero; views stand for impressions (no API gives thumbnail ones)
        OrganicPost("aBcD123xyz0", datetime(2026, 9, 9, 8, 0), "How it works", 6213, None, None, 7, None, 6213),
        OrganicPost("dQw4w9WgXcQ", datetime(2026, 9, 2, 17, 0), "Spring launch teaser", 9021, None, 310, 24, None,
                    9021),
    ]
    assert api.notes.lines() == ("statistics.likeCount missing in 1 post (2026-09-09): reactions unknown (NULL)",)
    data_api = fakes.requests_for("youtube", "/youtube/v3/")
    assert [r.path for r in data_api] == ["/youtube/v3/channels"] + ["/youtube/v3/playlistItems"] * 3 + [
        "/youtube/v3/videos"]
    assert data_api[0].args["id"] == PAGES["youtube"][1] and data_api[1].args["playlistId"] == "UUabcdefghijklmnopqrstuv"
    assert all(r.headers["Authorization"] == "Bearer ya29.fake-1" for r in data_api)  # refreshed as for Google Ads
    assert all("developer-token" not in r.headers for r in data_api)  # Google Ads' token stays with Google Ads


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


# --- Quotas and refused credentials: stop at once, never retried ---------------------------------------------------------

PAGE_DATA = {"linkedin": linkedin_page, "twitter": x_account, "facebook": facebook_page, "youtube": youtube_channel}


@pytest.mark.parametrize(("channel", "reset"), [
    ("linkedin", datetime(2026, 9, 22, tzinfo=UTC)),  # LinkedIn's day limit: midnight UTC
    ("youtube", datetime(2026, 9, 22, 7, 0, tzinfo=UTC)),  # the Data API's daily quota: midnight Pacific
])
def test_a_daily_quota_stops_the_posts_pull_until_it_resets(fake_platforms, channel, reset):
    fakes = fake_platforms
    PAGE_DATA[channel](fakes)
    if channel == "linkedin":
        fakes.linkedin.daily_quota(when=lambda request: "ShareStatistics" in request.path)
    else:
        fakes.youtube.quota_exceeded(when=lambda request: "/videos" in request.path)
    clock = FakeClock(datetime(2026, 9, 21, 15, 0, tzinfo=UTC).timestamp())
    with pytest.raises(QuotaExhausted) as error:
        posts_client(fakes, channel, clock).posts(day(1), day(10))
    assert error.value.retry_at == reset and clock.sleeps == []


@pytest.mark.parametrize("channel", sorted(PAGES))
def test_refused_credentials_stop_at_once_and_name_the_variables_not_the_secrets(fake_platforms, channel):
    fakes = fake_platforms
    PAGE_DATA[channel](fakes)
    {"linkedin": lambda: fakes.linkedin.revoked_token(), "twitter": lambda: fakes.twitter.unauthorized(),
     "facebook": lambda: fakes.facebook.expired_token(), "youtube": lambda: fakes.youtube.unauthenticated(when=lambda request: "/youtube/" in request.path)}[channel]()
    clock = FakeClock()
    with pytest.raises(AuthError) as error:
        posts_client(fakes, channel, clock, google_refresh=channel == "youtube").posts(day(1), day(10))
    assert clock.sleeps == [] and "renew" in str(error.value)
    assert not any(secret in str(error.value) for secret in SECRETS)


# --- The loader: a pull replaces the account's API posts of its days, whole or not at all -----------------------------

@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "roi.duckdb")) as con:
        ensure_schema(con)
        yield con


def facebook_account() -> ApiAccount:
    account_id, page_id = PAGES["facebook"]
    return ApiAccount(channel="facebook", account_id=account_id, currency="EUR", page_id=page_id)


POSTS_ROWS = """SELECT source, account_id, post_id, published_at, date, impressions, clicks, reactions, comments,
                       shares, video_views FROM raw.facebook_posts ORDER BY post_id"""


def test_a_pull_replaces_the_posts_of_its_days_and_leaves_the_rest(fake_platforms, con):
    fakes = fake_platforms
    facebook_page(fakes)
    page = PAGES["facebook"][1]
    pulled = datetime(2026, 9, 21, 6, 0)
    august = pull_posts(con, posts_client(fakes, "facebook"), facebook_account(), date(2026, 8, 1), day(10), pulled)
    assert (august.channel, august.complete, august.rows) == ("facebook_posts", True, 4)
    # Numbers grew, a post was deleted: the next pull of 1..10 September replaces those days only.
    fakes.facebook.posts[page] = [p for p in fakes.facebook.posts[page] if p.post_id != f"{page}_903"]
    fakes.facebook.put_posts(page, PostFact(f"{page}_901", at(1, 16), "Bienvenue", 3500, 50, 140, 15, 10))
    again = pull_posts(con, posts_client(fakes, "facebook"), facebook_account(), day(1), day(10), pulled)
    assert (again.complete, again.rows) == (True, 2)
    assert con.execute(POSTS_ROWS).fetchall() == [
        ("api:facebook/1234567890", "1234567890", f"{page}_800", datetime(2026, 8, 28, 12), date(2026, 8, 28),
         999, 9, 9, 9, 9, 0),  # outside the days pulled again: kept
        ("api:facebook/1234567890", "1234567890", f"{page}_901", datetime(2026, 9, 1, 16), day(1),
         3500, 50, 140, 15, 10, 0),
        ("api:facebook/1234567890", "1234567890", f"{page}_902", datetime(2026, 9, 3, 7), day(3),
         5200, 0, 88, 6, 0, 1900),
    ]
    assert con.execute("SELECT count(*) FROM raw.api_missing_days").fetchone() == (0,)
    # The days whose posts changed are rebuilt by the next marts refresh (those the marts already hold).
    assert {day(1), day(3), day(9)} <= {row[0] for row in con.execute("SELECT date FROM raw.changed_days").fetchall()}


def test_a_failed_page_leaves_the_previous_posts_and_the_next_run_asks_again(fake_platforms, con):
    fakes = fake_platforms
    facebook_page(fakes)
    page = PAGES["facebook"][1]
    fakes.facebook.page_size = 2
    first = pull_posts(con, posts_client(fakes, "facebook"), facebook_account(), day(1), day(10), datetime(2026, 9, 20))
    before = con.execute(POSTS_ROWS).fetchall()
    assert first.complete and len(before) == 3
    fakes.facebook.put_posts(page, PostFact(f"{page}_901", at(1, 16), "Bienvenue", 9999, 1, 1, 1, 1))
    fakes.facebook.server_error(times=3, when=lambda request: "after=" in request.query_string)  # page 2 fails
    clock = FakeClock()
    stopped = pull_posts(con, posts_client(fakes, "facebook", clock, RetryPolicy(max_attempts=3)), facebook_account(),
                         day(1), day(10), datetime(2026, 9, 21))
    assert (stopped.complete, stopped.rows, stopped.requests) == (False, 0, 4)  # page 1, then page 2 three times
    assert len(clock.sleeps) == 2  # retried under the session's policy, then given up
    assert "gave up after 3 attempts" in stopped.message and META_TOKEN not in stopped.message
    assert con.execute(POSTS_ROWS).fetchall() == before  # page 1's newer numbers were not written either
    assert con.execute(
        "SELECT channel, status, rows, message IS NOT NULL FROM raw.api_pulls ORDER BY pulled_at").fetchall() == [
        ("facebook_posts", "complete", 3, False), ("facebook_posts", "stopped", 0, True)]
    assert con.execute("SELECT DISTINCT channel, min(date), max(date) FROM raw.api_missing_days GROUP BY 1").fetchall() \
        == [("facebook_posts", day(1), day(10))]
    resumed = pull_posts(con, posts_client(fakes, "facebook"), facebook_account(), day(1), day(10), datetime(2026, 9, 22))
    assert resumed.complete and con.execute(
        "SELECT impressions FROM raw.facebook_posts WHERE post_id = ?", [f"{page}_901"]).fetchone() == (9999,)
    assert con.execute("SELECT count(*) FROM raw.api_missing_days").fetchone() == (0,)


def test_posts_outside_the_days_pulled_are_refused(con):
    post = OrganicPost("1", datetime(2026, 9, 12, 8), "x", 10)
    with pytest.raises(ValueError, match="outside the days pulled"):
        replace_posts(con, "twitter", "a", day(1), day(10), [post], datetime(2026, 9, 21))
    assert con.execute("SELECT count(*) FROM raw.twitter_posts").fetchone() == (0,)


# --- Config -------------------------------------------------------------------------------------------------------------

CONFIG = """
reporting_currency = "EUR"
warehouse = "roi.duckdb"
exports_dir = "exports"
fx_rates = "rates.csv"
revenue_source = "platform"
history_start = "2026-01-01"

[[accounts]]
channel = "{channel}"
account_id = "{account_id}"
market = "FR"
scope = "local"
currency = "EUR"
{extra}
"""


def config_file(folder: Path, channel: str = "facebook", extra: str = "") -> Path:
    (folder / "exports").mkdir(parents=True, exist_ok=True)
    (folder / "rates.csv").write_text("Date,USD,\n2026-09-01,1.165,\n", encoding="utf-8")
    path = folder / "roi.toml"
    path.write_text(CONFIG.format(channel=channel, account_id=PAGES[channel][0], extra=extra), encoding="utf-8")
    return path


def test_posts_source_api_reads_page_id_and_its_own_lookback(tmp_path):
    config = load_config(config_file(tmp_path, "youtube", 'posts_source = "api"\npage_id = "UCabcdefghijklmnopqrstuv"'
                                                          "\nposts_lookback_days = 120"))
    account = config.accounts[0]
    assert (account.source, account.posts_source, account.page_id, account.posts_lookback_days) == (
        "csv", "api", "UCabcdefghijklmnopqrstuv", 120)
    assert load_config(config_file(tmp_path, "facebook")).accounts[0].posts_source == "csv"


@pytest.mark.parametrize(("channel", "extra", "message"), [
    ("facebook", 'posts_source = "rss"', "accounts[1].posts_source: unknown source 'rss' (expected one of csv, api)"),
    ("facebook", 'posts_source = "api"', 'accounts[1]: posts_source = "api" needs page_id, the Facebook page id'),
    ("twitter", 'posts_source = "api"\npage_id = "@AcmeUK"',
     "accounts[1].page_id: '@AcmeUK' is not the account's numeric X user id (not the @handle)"),
    ("youtube", 'posts_source = "api"\npage_id = "AcmeChannel"', "is not the YouTube channel id (UC followed by 22"),
    ("linkedin", 'page_id = "2414183"', 'accounts[1].page_id: only read with posts_source = "api"'),
    ("linkedin", 'posts_source = "api"\npage_id = "2414183"\nposts_lookback_days = -3',
     "accounts[1].posts_lookback_days: must be a whole number"),
])
def test_posts_keys_mistakes_are_named(tmp_path, channel, extra, message):
    path = config_file(tmp_path, channel, extra)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert message in str(error.value) and str(path) in str(error.value)


# --- Dagster runs: API posts in the engagement marts -------------------------------------------------------------------

RUN_ACCOUNTS = {  # channel -> (market, scope, timezone)
    "linkedin": ("FR", "local", "Europe/Paris"),
    "twitter": ("UK", "local", "Europe/London"),
    "facebook": ("GLOBAL", "global", "UTC"),
    "youtube": ("DE", "local", "Europe/Berlin"),
}
WEEK = day(7)  # Monday 7 September 2026: the run covers this ISO week
FACEBOOK_EXPORT = (  # an earlier export of the page: post 901 with older numbers, and post 902 the API is not asked
    "Post ID,Page ID,Page name,Title,Description,Publish time,Post type,Permalink,Reach,Impressions,Reactions,"
    "Comments,Shares,Total clicks,Link clicks,Seconds viewed,3-second video views\n"
    "104857600_901,104857600,Acme,,Salon Big Data,09/08/2026 10:00,Photos,https://facebook.com/p/901,600,800,20,2,2,"
    "30,8,,\n"
    "104857600_902,104857600,Acme,,Livre blanc,09/09/2026 14:00,Photos,https://facebook.com/p/902,500,600,20,3,1,"
    "25,6,,\n"
)
LINKEDIN_EXPORT = (
    "Post title,Post link,Post type,Posted by,Created date,Impressions,Clicks,Likes,Comments,Reposts\n"
    "Étude de cas,https://www.linkedin.com/feed/update/urn:li:activity:7240001122334455667,Organic,Claire,9/10/2026,"
    "480,5,10,0,0\n"
)


def run_config(folder: Path, base_url: str) -> Path:
    (folder / "exports").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "sample" / "data" / "fx" / "eurofxref-hist.csv", folder / "rates.csv")
    lines = ['reporting_currency = "EUR"', 'warehouse = "roi.duckdb"', 'exports_dir = "exports"',
             'fx_rates = "rates.csv"', 'revenue_source = "platform"', 'history_start = "2026-01-01"']
    for channel, (market, scope, zone) in RUN_ACCOUNTS.items():
        account_id, page_id = PAGES[channel]
        lines += ["", "[[accounts]]", f'channel = "{channel}"', f'account_id = "{account_id}"', f'market = "{market}"',
                  f'scope = "{scope}"', 'currency = "EUR"', f'timezone = "{zone}"', f'api_base = "{base_url}"',
                  'posts_source = "api"', f'page_id = "{page_id}"']
    path = folder / "roi.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def pages_of_september(fakes) -> None:
    li, x, fb, yt = (PAGES[channel][1] for channel in ("linkedin", "twitter", "facebook", "youtube"))
    fakes.linkedin.put_posts(
        li,
        PostFact("urn:li:share:7240000000000000001", at(8, 8), "Webinar", 1000, 20, 30, 5, 5),  # 60 engagements
        PostFact("urn:li:ugcPost:7240000000000000002", at(10, 10), "Étude de cas", 500, 5, 10, 0, 0),  # 15
        PostFact("urn:li:share:7240000000000000003", at(2, 9), "La semaine d'avant", 1000, 40, 50, 5, 5),  # 100
    )
    fakes.twitter.put_posts(
        x,
        PostFact("1831000000000000001", at(7, 9), "Monday", 2000, 40, 30, 5, 5),  # 80
        PostFact("1831000000000000002", at(9, 12), "Wednesday", 1000, 20, 15, 3, 2),  # 40
        PostFact("1831000000000000003", at(13, 22, 30), "Sunday night", 1000, 20, 15, 3, 2),  # 23:30 in London: 40
        PostFact("1831000000000000004", at(13, 23, 30), "Monday in London", 7777, 7, 7, 7, 7),  # the 14th: not asked
    )
    fakes.facebook.put_posts(fb, PostFact(f"{fb}_901", at(8, 10), "Salon Big Data", 1000, 10, 30, 5, 5))  # 50
    fakes.youtube.put_posts(yt, PostFact("dQw4w9WgXcQ", at(11, 15), "Demo", 0, reactions=80, comments=20,
                                         video_views=2000))  # 100 engagements per 2,000 views


def run_posts(fakes, config_path: Path, instance=None) -> PipelineRun:
    config = load_config(config_path)
    resources = {"platform_api": api_resource(FakeClock(), fakes.environment())}  # now: 2026-09-21
    owned = instance is None
    instance = instance or dg.DagsterInstance.ephemeral()
    try:
        settle_exports(config)
        result = materialize_days(config, WEEK, WEEK + timedelta(days=6), instance, resources=resources)
        return PipelineRun(result, run_problems(result), config)
    finally:
        if owned:
            instance.dispose()


def drop_export(folder: Path, channel: str, name: str, text: str) -> Path:
    """A page export where a marketer drops it: <exports>/<channel>_posts/<account>/<name>."""
    path = folder / "exports" / f"{channel}_posts" / PAGES[channel][0] / name
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


def materialized(run: PipelineRun, key: str) -> dict:
    [event] = [e for e in run.result.all_events if e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
               and e.asset_key == dg.AssetKey(key.split("/"))]
    return event.event_specific_data.materialization.metadata


def test_api_posts_land_in_contact_frequency_and_engagement_trend(fake_platforms, tmp_path):
    fakes = fake_platforms
    pages_of_september(fakes)
    config_path = run_config(tmp_path, fakes.base_url)
    # downloaded before the API pull (the clock says the 21st)
    touch(drop_export(tmp_path, "facebook", "posts.csv", FACEBOOK_EXPORT), datetime(2026, 9, 15, 8, 0))
    with dg.instance_for_test() as instance:
        run = run_posts(fakes, config_path, instance)
        logs = repr(list(instance.all_logs(run.result.run_id)))
    assert run.problems == []
    # Hand-computed, per channel and market, for the week of 7 September (no ads: touches are the posts):
    # FR LinkedIn 2 posts, 60 + 15 engagements of 1,000 + 500 impressions; UK X 3 posts, 160 of 4,000;
    # GLOBAL Facebook: post 901 from the API (newer than the export: 50 of 1,000, not the export's 32 of 800) and
    # post 902 from the export only (30 of 600); DE YouTube one video, 100 engagements per 2,000 views.
    assert run.query(
        """SELECT channel, market, posts, ad_delivery_days, touches, impressions, engagements, engagement_rate,
                  reach, over_threshold FROM marts.contact_frequency WHERE week = ? ORDER BY channel""", [WEEK]) == [
        ("facebook", "GLOBAL", 2, 0, 2, 1600, 80, Decimal("0.050000"), None, False),
        ("linkedin", "FR", 2, 0, 2, 1500, 75, Decimal("0.050000"), None, False),
        ("twitter", "UK", 3, 0, 3, 4000, 160, Decimal("0.040000"), None, False),
        ("youtube", "DE", 1, 0, 1, 2000, 100, Decimal("0.050000"), None, False),
    ]
    # LinkedIn's week before (pulled with the 28-day lookback): 100 of 1,000, so 5% is half of 10%.
    assert run.query(
        "SELECT engagement_rate, change_1w, change_12w, declining FROM marts.engagement_trend "
        "WHERE week = ? AND channel = 'linkedin'", [WEEK]) == [(Decimal("0.050000"), Decimal("-0.500000"), None, False)]
    # The post in both the export and the API counts once, with the API's newer numbers.
    assert run.query("SELECT post_id, impressions, source FROM staging.stg_posts WHERE channel = 'facebook' "
                     "ORDER BY post_id") == [
        ("104857600_901", 1000, "api:facebook/1234567890"),
        ("104857600_902", 600, "facebook_posts/1234567890/posts.csv")]
    assert run.query("SELECT count(*) FROM raw.facebook_posts WHERE post_id = '104857600_901'") == [(2,)]
    assert run.query("SELECT channel, status, rows FROM raw.api_pulls ORDER BY channel") == [
        ("facebook_posts", "complete", 1), ("linkedin_posts", "complete", 3), ("twitter_posts", "complete", 3),
        ("youtube_posts", "complete", 1)]
    # Each pull covered the run's week and the channel's lookback before its last day.
    assert run.query("SELECT channel, first_day, last_day FROM raw.api_pulls ORDER BY channel") == [
        ("facebook_posts", date(2026, 8, 16), day(13)), ("linkedin_posts", date(2026, 8, 16), day(13)),
        ("twitter_posts", date(2026, 8, 30), day(13)), ("youtube_posts", date(2026, 6, 15), day(13))]
    metadata = materialized(run, "raw/twitter_posts")
    assert (metadata["api_accounts"].value, metadata["api_rows"].value) == (1, 3)
    assert metadata["api_requests"].value == 1
    for secret in SECRETS:
        assert secret not in logs


def test_a_stopped_pull_and_a_linkedin_page_in_both_sources_fail_their_checks(fake_platforms, tmp_path, capsys):
    fakes = fake_platforms
    pages_of_september(fakes)
    config_path = run_config(tmp_path, fakes.base_url)
    drop_export(tmp_path, "linkedin", "content.csv", LINKEDIN_EXPORT)
    fakes.facebook.expired_token(times=5)
    run = run_posts(fakes, config_path)
    facebook, linkedin = sorted(run.problems)
    assert linkedin == (
        "check raw/linkedin_posts:posts_counted_once: account 508765432 has 1 post row(s) from exports and posts from "
        "the API, which name posts differently: the same post may count twice. Keep one source: remove "
        'linkedin_posts/508765432/ from the exports folder, or set posts_source = "csv"')
    assert facebook.startswith("check raw/facebook_posts:api_pulls_complete: Meta account 1234567890: ")
    assert "renew the token in ROI_META_TOKEN" in facebook and META_TOKEN not in facebook
    # The other pages carried on.
    assert run.query("SELECT channel, posts FROM marts.contact_frequency WHERE week = ? ORDER BY channel", [WEEK]) == [
        ("linkedin", 3), ("twitter", 3), ("youtube", 1)]
    assert run.query("SELECT channel, status FROM raw.api_pulls ORDER BY channel") == [
        ("facebook_posts", "stopped"), ("linkedin_posts", "complete"), ("twitter_posts", "complete"),
        ("youtube_posts", "complete")]
    # `roi status` says so too, on the account's line.
    capsys.readouterr()
    assert print_status(run.config) == EXIT_FAILED
    facebook_line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("facebook 1234567890"))
    assert "last posts pull stopped: Meta account 1234567890: " in facebook_line and META_TOKEN not in facebook_line


def test_posts_without_optional_counts_load_with_them_unknown_and_roi_status_notes_it(fake_platforms, tmp_path,
                                                                                      capsys):
    fakes = fake_platforms
    pages_of_september(fakes)
    fakes.youtube.hidden_likes.add("dQw4w9WgXcQ")  # the channel hides its likes
    fakes.twitter.now = at(10, month=10)  # the posts of the 7th and the 9th are past 30 days: no organic numbers
    run = run_posts(fakes, run_config(tmp_path, fakes.base_url))
    assert run.problems == []
    assert run.query("SELECT channel, post_id, impressions, clicks, reactions, comments, shares, engagements "
                     "FROM staging.stg_posts WHERE channel IN ('twitter', 'youtube') ORDER BY ALL") == [
        # public numbers (promoted delivery included), clicks unknown
        ("twitter", "1831000000000000001", 2100, None, 31, 5, 5, 41),
        ("twitter", "1831000000000000002", 1100, None, 16, 3, 2, 21),
        ("twitter", "1831000000000000003", 1000, 20, 15, 3, 2, 40),
        ("youtube", "dQw4w9WgXcQ", 2000, None, None, 20, None, 20),  # likes unknown: counted as none
    ]
    assert run.query("SELECT channel, posts, impressions, engagements, engagement_rate FROM marts.contact_frequency "
                     "WHERE week = ? AND channel IN ('twitter', 'youtube') ORDER BY channel", [WEEK]) == [
        ("twitter", 3, 4200, 102, Decimal("0.024286")), ("youtube", 1, 2000, 20, Decimal("0.010000"))]
    notes = {
        "twitter_posts": ["organic_metrics.url_link_clicks missing in 2 posts (2026-09-07..2026-09-09): clicks "
                          "unknown (NULL)"],
        "youtube_posts": ["statistics.likeCount missing in 1 post (2026-09-11): reactions unknown (NULL)"],
    }
    assert run.query("SELECT channel, status, notes FROM raw.api_pulls ORDER BY channel") == [
        ("facebook_posts", "complete", None), ("linkedin_posts", "complete", None),
        ("twitter_posts", "complete", notes["twitter_posts"]), ("youtube_posts", "complete", notes["youtube_posts"])]
    capsys.readouterr()
    print_status(run.config)  # exit 1 here: these accounts' ads have no data at all
    out = capsys.readouterr().out.splitlines()
    for channel in ("twitter", "youtube"):
        account = next(index for index, line in enumerate(out) if line.startswith(f"{channel} {PAGES[channel][0]}"))
        assert "no data" in out[account] and "posts pull" not in out[account]  # a note is not a problem
        assert out[account + 1].strip() == f"posts pull note: {notes[f'{channel}_posts'][0]}"
