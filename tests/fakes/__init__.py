"""Fake LinkedIn, X, Meta and Google Ads APIs on one loopback pytest-httpserver, for the API connectors' tests.

See `tests/fakes/fixtures.py` for the `fake_platforms` fixture and `tests/fakes/server.py` for failure scripting.
"""

from tests.fakes.data import CampaignDay, CampaignInfo
from tests.fakes.facebook import FacebookFake
from tests.fakes.linkedin import LinkedInFake, parse_restli
from tests.fakes.server import FakePlatforms, PlatformFake, RecordedRequest, nth
from tests.fakes.twitter import TwitterFake
from tests.fakes.youtube import GoogleAdsFake

__all__ = [
    "CampaignDay",
    "CampaignInfo",
    "FacebookFake",
    "FakePlatforms",
    "GoogleAdsFake",
    "LinkedInFake",
    "PlatformFake",
    "RecordedRequest",
    "TwitterFake",
    "nth",
    "parse_restli",
]
