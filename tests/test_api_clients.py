"""Each platform's API client against its fake server on loopback: real shapes, pagination, rate limits, quotas,
refused tokens and malformed answers. The clock is fake: no test sleeps."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from connectors.api_clients import API_CLIENTS
from connectors.api_pull import ApiAccount
from connectors.api_session import AuthError, MalformedResponse, QuotaExhausted, RetryPolicy
from connectors.credentials import credentials_for
from tests.fakes.clock import FakeClock
from tests.fakes.data import CampaignDay
from tests.fakes.fixtures import fake_platforms  # noqa: F401

SEPT = date(2026, 9, 1)


def day(n: int) -> date:
    return date(2026, 9, n)


def fact(n, campaign="c1", spend="10.00", impressions=1000, clicks=10, conversions="1", revenue="50.00",
         name="Campaign one", currency="EUR") -> CampaignDay:
    return CampaignDay(day(n), campaign, name, currency, Decimal(spend), impressions, clicks,
                       Decimal(conversions), Decimal(revenue))


def client(fakes, channel, account_id, clock=None, policy=None, **account):
    env = fakes.environment(google_refresh=account.pop("google_refresh", False))
    api_account = ApiAccount(channel=channel, account_id=account_id, currency=account.pop("currency", "EUR"),
                             api_base=fakes.base_url, **account)
    return API_CLIENTS[channel](api_account, credentials_for(channel, env), clock or FakeClock(),
                                policy or RetryPolicy())


def pulled(api, first, last):
    return [row for chunk in api.campaign_days(first, last) for row in chunk.rows]


# --- LinkedIn -------------------------------------------------------------------------------------------------------

def test_linkedin_pages_campaigns_and_reads_daily_analytics(fake_platforms):
    fakes = fake_platforms
    fakes.linkedin.campaign_page_size = 2
    for n in range(1, 26):  # 25 campaigns: two analytics batches of at most 20, campaigns over 13 pages
        fakes.linkedin.put("508765432", fact(3, campaign=str(612345000 + n), name=f"C{n}", spend=f"{n}.449"))
    rows = pulled(client(fakes, "linkedin", "508765432"), day(1), day(7))
    assert len(rows) == 25
    first = min(rows, key=lambda r: int(r.campaign_id))
    assert (first.day, first.campaign_id, first.campaign_name, first.spend, first.impressions, first.clicks,
            first.conversions, first.platform_revenue) == (
        day(3), "612345001", "C1", Decimal("1.449"), 1000, 10, Decimal(1), Decimal("50.00"))
    analytics = fakes.requests_for("linkedin", "adAnalytics")
    assert len(analytics) == 2  # 20 + 5 campaigns
    assert "(value:CAMPAIGN)" in analytics[0].query_string and "urn%3Ali%3AsponsoredCampaign%3A612345001" in analytics[0].query_string


def test_linkedin_daily_quota_stops_until_midnight_utc(fake_platforms):
    fakes = fake_platforms
    fakes.linkedin.put("508765432", fact(3))
    fakes.linkedin.daily_quota(when=lambda request: "adAnalytics" in request.path)
    clock = FakeClock(datetime(2026, 9, 21, 15, 0, tzinfo=timezone.utc).timestamp())
    with pytest.raises(QuotaExhausted) as error:
        pulled(client(fakes, "linkedin", "508765432", clock), day(1), day(7))
    assert error.value.retry_at == datetime(2026, 9, 22, tzinfo=timezone.utc)
    assert clock.sleeps == []
    assert "LinkedIn account 508765432: daily API limit reached; retry after 2026-09-22 00:00 UTC" in str(error.value)


def test_linkedin_revoked_token_is_not_retried_and_names_the_variable(fake_platforms):
    fakes = fake_platforms
    fakes.linkedin.revoked_token()
    clock = FakeClock()
    with pytest.raises(AuthError) as error:
        pulled(client(fakes, "linkedin", "508765432", clock), day(1), day(7))
    assert "ROI_LINKEDIN_TOKEN" in str(error.value) and clock.sleeps == []
    assert "fake-linkedin-token" not in str(error.value)


def test_linkedin_non_numeric_cost_is_rejected_naming_the_request(fake_platforms):
    fakes = fake_platforms
    fakes.linkedin.put("508765432", fact(3))
    fakes.fail("linkedin", 200, {"paging": {}, "elements": [{
        "pivotValues": ["urn:li:sponsoredCampaign:c1"],
        "dateRange": {"start": {"year": 2026, "month": 9, "day": 3}, "end": {"year": 2026, "month": 9, "day": 3}},
        "impressions": 10, "clicks": 1, "costInLocalCurrency": "12,5O"}]},
        when=lambda request: "adAnalytics" in request.path)
    with pytest.raises(MalformedResponse) as error:
        pulled(client(fakes, "linkedin", "508765432"), day(1), day(7))
    assert "costInLocalCurrency is '12,5O', not a number" in str(error.value)
    assert "(GET /rest/adAnalytics?q=analytics" in str(error.value)


# --- X --------------------------------------------------------------------------------------------------------------

def test_x_stats_in_account_timezone_windows_and_micros(fake_platforms):
    fakes = fake_platforms
    fakes.twitter.campaign_page_size = 1
    fakes.twitter.add_account("18ce54d4x5t", timezone="America/Los_Angeles")
    fakes.twitter.put("18ce54d4x5t", fact(2, campaign="uk4p1", spend="41.27", currency="USD"),
                      fact(9, campaign="uk4p2", spend="38.90", conversions="0", revenue="0", currency="USD"))
    rows = pulled(client(fakes, "twitter", "18ce54d4x5t", timezone="America/Los_Angeles"), day(1), day(10))
    assert sorted((r.day, r.campaign_id, r.spend, r.currency, r.conversions, r.platform_revenue) for r in rows) == [
        (day(2), "uk4p1", Decimal("41.27"), "USD", Decimal(1), Decimal("50.00")),
        (day(9), "uk4p2", Decimal("38.90"), "USD", Decimal(0), Decimal(0)),
    ]
    stats = fakes.requests_for("twitter", "stats")
    assert [(r.args["start_time"], r.args["end_time"]) for r in stats] == [
        ("2026-09-01T07:00:00Z", "2026-09-08T07:00:00Z"), ("2026-09-08T07:00:00Z", "2026-09-11T07:00:00Z")]


def test_x_429_waits_until_the_rate_limit_resets(fake_platforms):
    fakes = fake_platforms
    fakes.twitter.put("18ce54d4x5t", fact(2, campaign="uk4p1"))
    clock = FakeClock()
    fakes.twitter.rate_limited(reset_epoch=int(clock.now()) + 120, when=lambda request: "stats" in request.path)
    fakes.twitter.over_capacity(retry_after=5, when=lambda request: "stats" in request.path)
    rows = pulled(client(fakes, "twitter", "18ce54d4x5t", clock), day(1), day(3))
    assert len(rows) == 1
    assert clock.sleeps == [121.0, 5.0]


# --- Meta -----------------------------------------------------------------------------------------------------------

def test_meta_follows_paging_without_the_token_in_urls_and_never_adds_purchase_types(fake_platforms):
    fakes = fake_platforms
    fakes.facebook.page_size = 2
    fakes.facebook.put("1234567890", *(fact(n, conversions="2", revenue="99.90") for n in range(1, 6)))
    rows = pulled(client(fakes, "facebook", "1234567890"), day(1), day(5))
    assert [(r.day, r.conversions, r.platform_revenue) for r in rows] == [
        (day(n), Decimal(2), Decimal("99.90")) for n in range(1, 6)]  # not 6 = purchase + omni + pixel
    insights = fakes.requests_for("facebook", "insights")
    assert len(insights) == 3
    assert all("access_token" not in r.query_string for r in insights)
    assert all(r.headers["Authorization"] == "Bearer fake-meta-token" for r in insights)


def test_meta_throttle_waits_the_minutes_its_usage_header_gives(fake_platforms):
    fakes = fake_platforms
    fakes.facebook.put("1234567890", fact(1))
    fakes.facebook.throttled(code=80004, subcode=2446079, estimated_minutes=3)
    fakes.facebook.throttled(code=17, subcode=2446079, estimated_minutes=0)
    clock = FakeClock()
    rows = pulled(client(fakes, "facebook", "1234567890", clock, RetryPolicy(base_backoff_seconds=4)), day(1), day(1))
    assert len(rows) == 1
    assert clock.sleeps[0] == 180.0 and 4 <= clock.sleeps[1] <= 8  # the second attempt's backoff


def test_meta_expired_token(fake_platforms):
    fakes = fake_platforms
    fakes.facebook.expired_token()
    with pytest.raises(AuthError) as error:
        pulled(client(fakes, "facebook", "1234567890"), day(1), day(1))
    assert "ROI_META_TOKEN" in str(error.value) and "Session has expired" in str(error.value)


# --- Google Ads -----------------------------------------------------------------------------------------------------

def test_google_ads_refreshes_its_token_and_reads_batches(fake_platforms):
    fakes = fake_platforms
    fakes.youtube.batch_size = 2
    fakes.youtube.put("7712345678", *(fact(n, campaign="21456789012", spend="142.57") for n in range(1, 6)),
                      fact(3, campaign="21456789013", spend="0.00", impressions=0, clicks=0, conversions="0", revenue="0"))
    api = client(fakes, "youtube", "7712345678", google_refresh=True, token_url=fakes.youtube.token_url)
    rows = pulled(api, day(1), day(5))
    assert [(r.day, r.spend, r.conversions, r.platform_revenue) for r in rows] == [
        (day(n), Decimal("142.57"), Decimal(1), Decimal("50.00")) for n in range(1, 6)]
    assert len(fakes.requests_for("youtube", "/token")) == 1


def test_google_ads_short_exhaustion_waits_and_daily_quota_stops(fake_platforms):
    fakes = fake_platforms
    fakes.youtube.put("7712345678", fact(1, campaign="21456789012"))
    fakes.youtube.temporarily_exhausted(seconds=30)
    clock = FakeClock()
    assert len(pulled(client(fakes, "youtube", "7712345678", clock), day(1), day(1))) == 1
    assert clock.sleeps == [30.0]
    fakes.youtube.quota_exhausted(retry_seconds=40591)
    with pytest.raises(QuotaExhausted) as error:
        pulled(client(fakes, "youtube", "7712345678", clock), day(1), day(1))
    assert error.value.retry_at.timestamp() == pytest.approx(clock.now() + 40591)
    assert clock.sleeps == [30.0]


def test_google_ads_unauthenticated_names_the_variables(fake_platforms):
    fakes = fake_platforms
    fakes.youtube.unauthenticated()
    with pytest.raises(AuthError) as error:
        pulled(client(fakes, "youtube", "7712345678"), day(1), day(1))
    assert "ROI_GOOGLE_ADS_ACCESS_TOKEN" in str(error.value)


def test_a_day_is_yielded_only_once_every_request_for_it_succeeded(fake_platforms):
    fakes = fake_platforms
    for n in range(1, 26):  # two analytics requests for the same days: 20 campaigns, then 5
        fakes.linkedin.put("508765432", fact(3, campaign=str(612345000 + n)))
    fakes.linkedin.server_error(times=50, when=lambda request: "adAnalytics" in request.path
                                and "612345021" in request.query_string)
    api = client(fakes, "linkedin", "508765432", policy=RetryPolicy(max_attempts=2))
    chunks = []
    with pytest.raises(Exception) as error:
        for chunk in api.campaign_days(day(1), day(7)):
            chunks.append(chunk)
    assert chunks == []  # the first 20 campaigns' rows were not handed over on their own
    assert "gave up after 2 attempts: HTTP 500" in str(error.value)


def test_meta_ad_account_usage_reset_is_honoured(fake_platforms):
    fakes = fake_platforms
    fakes.facebook.put("1234567890", fact(1))
    fakes.fail("facebook", 400, {"error": {"message": "(#4) Application request limit reached", "code": 4}},
               headers={"x-ad-account-usage": '{"acc_id_util_pct": 100, "reset_time_duration": 240}'})
    clock = FakeClock()
    assert len(pulled(client(fakes, "facebook", "1234567890", clock), day(1), day(1))) == 1
    assert clock.sleeps == [240.0]


# --- Optional figures: unknown and noted, the day still loads; required ones: the answer is refused ---------------

ACCOUNT_IDS = {"linkedin": "508765432", "twitter": "18ce54d4x5t", "facebook": "1234567890", "youtube": "7712345678"}
CAMPAIGN_IDS = {"linkedin": "612345001", "twitter": "uk4p1", "facebook": "120210000000001001", "youtube": "21456789012"}


def three_days(fakes, channel: str):
    fakes[channel].put(ACCOUNT_IDS[channel], *(fact(n, campaign=CAMPAIGN_IDS[channel]) for n in (1, 2, 3)))
    return client(fakes, channel, ACCOUNT_IDS[channel])


@pytest.mark.parametrize("channel, leave_out, conversions, revenue, notes", [
    ("linkedin", lambda fake: fake.omitted_fields.add("conversionValueInLocalCurrency"), Decimal(1), None, (
        "conversionValueInLocalCurrency missing in 3 campaign days (2026-09-01..2026-09-03): platform_revenue "
        "unknown (NULL)",)),
    ("twitter", lambda fake: fake.omitted_fields.add("conversion_purchases"), None, None, (
        "conversion_purchases.metric missing in 3 campaign days (2026-09-01..2026-09-03): conversions unknown (NULL)",
        "conversion_purchases.sale_amount missing in 3 campaign days (2026-09-01..2026-09-03): platform_revenue "
        "unknown (NULL)")),
    ("facebook", lambda fake: fake.garbled_fields.update(action_values="n/a"), Decimal(1), None, (
        "action_values unreadable in 3 campaign days (2026-09-01..2026-09-03): platform_revenue unknown (NULL)",)),
    # proto3 JSON writes a double that is not a number as a string
    ("youtube", lambda fake: fake.garbled_fields.update({"metrics.conversions_value": "NaN"}), Decimal(1), None, (
        "metrics.conversionsValue unreadable in 3 campaign days (2026-09-01..2026-09-03): platform_revenue unknown "
        "(NULL)",)),
])
def test_an_optional_figure_left_out_or_garbled_is_unknown_and_noted_and_the_days_load(
    fake_platforms, channel, leave_out, conversions, revenue, notes
):
    leave_out(fake_platforms[channel])
    api = three_days(fake_platforms, channel)
    assert [(r.day, r.campaign_id, r.spend, r.impressions, r.clicks, r.conversions, r.platform_revenue)
            for r in pulled(api, day(1), day(3))] == [
        (day(n), CAMPAIGN_IDS[channel], Decimal("10.00"), 1000, 10, conversions, revenue) for n in (1, 2, 3)]
    assert api.notes.lines() == notes


@pytest.mark.parametrize("channel, leave_out, detail", [
    ("linkedin", lambda fake: fake.omitted_fields.add("costInLocalCurrency"),
     "unreadable analytics element: costInLocalCurrency is missing (GET /rest/adAnalytics?"),
    ("twitter", lambda fake: fake.omitted_fields.add("clicks"),
     "unreadable stats: clicks is missing (GET /12/stats/accounts/18ce54d4x5t?"),
    ("facebook", lambda fake: fake.omitted_fields.add("impressions"),
     "unreadable insights row: impressions is missing (GET /v25.0/act_1234567890/insights?"),
    ("youtube", lambda fake: fake.garbled_fields.update({"metrics.clicks": "ten"}),
     "unreadable result: metrics.clicks is 'ten', not a number "
     "(POST /v22/customers/7712345678/googleAds:searchStream)"),
])
def test_a_required_figure_left_out_or_garbled_refuses_the_answer_naming_it(fake_platforms, channel, leave_out, detail):
    leave_out(fake_platforms[channel])
    api = three_days(fake_platforms, channel)
    with pytest.raises(MalformedResponse) as error:
        pulled(api, day(1), day(3))
    assert detail in str(error.value)
    assert api.notes.lines() == ()
