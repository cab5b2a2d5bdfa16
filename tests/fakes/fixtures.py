"""pytest fixture `fake_platforms`: all four fake ad platforms on one loopback server, with no data yet.

Use it from a test module (or a conftest) by importing it:

    from tests.fakes.fixtures import fake_platforms  # noqa: F401  (pytest finds the fixture by name)

    def test_something(fake_platforms, monkeypatch):
        fakes = fake_platforms
        for name, value in fakes.environment().items():      # ROI_* variables matching the fakes' credentials
            monkeypatch.setenv(name, value)
        fakes.linkedin.put("507404993", CampaignDay(date(2026, 9, 1), "312345678", "Brand", "EUR",
                                                    Decimal("209.449"), 19090, 100, Decimal(3), Decimal("150.00")))
        fakes.twitter.add_account("18ce54d4x5t", timezone="America/Los_Angeles")
        fakes.facebook.put("1234567890", CampaignDay(...))
        fakes.youtube.put("1234567890", CampaignDay(...))   # Google Ads customer id, digits only
        # every account's api_base is fakes.base_url; Google's token_url is fakes.youtube.token_url
        ...
        fakes.linkedin.put("507404993", CampaignDay(...same day, new numbers...))   # a restatement before run 2
        fakes.linkedin.daily_quota()                 # or fakes.fail("linkedin", 500, {...}, times=2)
        assert [r.path for r in fakes.requests_for("linkedin")] == [...]

Data: `fake.put(account_id, *CampaignDay)` adds or replaces (same campaign and day) facts; `fake.remove(...)`,
`fake.set_days(...)`, or edit `fake.accounts[account_id]` (a list) directly. `fake.add_campaign(account_id, id, name,
status=..., deleted=True | channel_type="SEARCH")` lists campaigns without delivery or overrides their attributes.
`fake.omitted_fields.add("approximateMemberReach")` leaves a field out of the ads answers (LinkedIn analytics, Meta
insights, X stats metrics), as real answers sometimes do; `fake.garbled_fields["action_values"] = "n/a"` sends
something else in its place (Google Ads: by GAQL name, e.g. "metrics.conversions_value"). Smaller pages to force
pagination:
`fakes.linkedin.campaign_page_size`, `fakes.twitter.campaign_page_size`, `fakes.facebook.page_size`,
`fakes.youtube.batch_size`.

Credentials: the constants below, accepted by the fakes; change them on the fake objects for negative tests
(e.g. `fakes.facebook.expired_tokens.add(META_TOKEN)`, `fakes.linkedin.revoked_tokens.add(LINKEDIN_TOKEN)`).
Google Ads accepts GOOGLE_ACCESS_TOKEN directly and any token its /token endpoint issued for the refresh token.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.facebook import FacebookFake
from tests.fakes.linkedin import LinkedInFake
from tests.fakes.server import FakePlatforms
from tests.fakes.twitter import TwitterFake
from tests.fakes.youtube import GoogleAdsFake

LINKEDIN_TOKEN = "fake-linkedin-token"
X_CONSUMER_KEY = "fake-x-consumer-key"
X_CONSUMER_SECRET = "fake-x-consumer-secret"
X_ACCESS_TOKEN = "fake-x-access-token"
X_ACCESS_SECRET = "fake-x-access-secret"
META_TOKEN = "fake-meta-token"
GOOGLE_DEVELOPER_TOKEN = "fake-google-developer-token"
GOOGLE_LOGIN_CUSTOMER_ID = "9999999999"
GOOGLE_ACCESS_TOKEN = "ya29.fake-static"
GOOGLE_CLIENT_ID = "fake-client-id.apps.googleusercontent.com"
GOOGLE_CLIENT_SECRET = "fake-client-secret"
GOOGLE_REFRESH_TOKEN = "1//fake-refresh-token"


class AllFakes(FakePlatforms):
    """FakePlatforms with the four fakes, typed attributes for editors, and the matching environment."""

    linkedin: LinkedInFake
    twitter: TwitterFake
    facebook: FacebookFake
    youtube: GoogleAdsFake

    def environment(self, google_refresh: bool = False) -> dict[str, str]:
        """The ROI_* variables that authenticate against these fakes (Google: a static token, or the refresh flow)."""
        env = {
            "ROI_LINKEDIN_TOKEN": LINKEDIN_TOKEN,
            "ROI_X_CONSUMER_KEY": X_CONSUMER_KEY,
            "ROI_X_CONSUMER_SECRET": X_CONSUMER_SECRET,
            "ROI_X_ACCESS_TOKEN": X_ACCESS_TOKEN,
            "ROI_X_ACCESS_SECRET": X_ACCESS_SECRET,
            "ROI_META_TOKEN": META_TOKEN,
            "ROI_GOOGLE_ADS_DEVELOPER_TOKEN": GOOGLE_DEVELOPER_TOKEN,
            "ROI_GOOGLE_ADS_LOGIN_CUSTOMER_ID": GOOGLE_LOGIN_CUSTOMER_ID,
        }
        if google_refresh:
            env.update(
                ROI_GOOGLE_ADS_CLIENT_ID=GOOGLE_CLIENT_ID,
                ROI_GOOGLE_ADS_CLIENT_SECRET=GOOGLE_CLIENT_SECRET,
                ROI_GOOGLE_ADS_REFRESH_TOKEN=GOOGLE_REFRESH_TOKEN,
            )
        else:
            env["ROI_GOOGLE_ADS_ACCESS_TOKEN"] = GOOGLE_ACCESS_TOKEN
        return env


def make_fakes(httpserver) -> AllFakes:
    return AllFakes(
        httpserver,
        LinkedInFake(tokens={LINKEDIN_TOKEN}),
        TwitterFake(
            consumer_key=X_CONSUMER_KEY,
            consumer_secret=X_CONSUMER_SECRET,
            access_token=X_ACCESS_TOKEN,
            access_secret=X_ACCESS_SECRET,
        ),
        FacebookFake(tokens={META_TOKEN}),
        GoogleAdsFake(
            developer_token=GOOGLE_DEVELOPER_TOKEN,
            login_customer_id=GOOGLE_LOGIN_CUSTOMER_ID,
            access_tokens={GOOGLE_ACCESS_TOKEN},
            client_id=GOOGLE_CLIENT_ID,
            client_secret=GOOGLE_CLIENT_SECRET,
            refresh_token=GOOGLE_REFRESH_TOKEN,
        ),
    )


@pytest.fixture
def fake_platforms(httpserver) -> Iterator[AllFakes]:
    """All four fakes, empty, on the test's pytest-httpserver; fails the test if a fake itself crashed."""
    fakes = make_fakes(httpserver)
    yield fakes
    assert not fakes.errors, "a fake server raised:\n" + "\n".join(fakes.errors)
