"""Which client pulls which channel, and each channel's restatement window."""

from __future__ import annotations

from connectors.facebook import settings as facebook
from connectors.facebook.api import MetaAdsApi
from connectors.linkedin import settings as linkedin
from connectors.linkedin.api import LinkedInAdsApi
from connectors.twitter import settings as twitter
from connectors.twitter.api import XAdsApi
from connectors.youtube import settings as youtube
from connectors.youtube.api import GoogleAdsApi

API_CLIENTS = {
    "linkedin": LinkedInAdsApi,
    "twitter": XAdsApi,
    "facebook": MetaAdsApi,
    "youtube": GoogleAdsApi,
}

# How many days back a platform still restates its numbers: the daily run re-pulls them.
LOOKBACK_DAYS = {
    "linkedin": linkedin.LOOKBACK_DAYS,
    "twitter": twitter.LOOKBACK_DAYS,
    "facebook": facebook.LOOKBACK_DAYS,
    "youtube": youtube.LOOKBACK_DAYS,
}
