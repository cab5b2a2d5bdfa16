"""Which client pulls which channel (its ads, its pages' organic posts), and how far back each re-pulls."""

from __future__ import annotations

from connectors.facebook import settings as facebook
from connectors.linkedin import settings as linkedin
from connectors.twitter import settings as twitter
from connectors.youtube import settings as youtube

SETTINGS = {"linkedin": linkedin, "twitter": twitter, "facebook": facebook, "youtube": youtube}

# How many days back a platform still restates its numbers: the daily run re-pulls them.
LOOKBACK_DAYS = {channel: settings.LOOKBACK_DAYS for channel, settings in SETTINGS.items()}
# How many days back a post's numbers still grow: the daily run re-pulls the posts published then.
POSTS_LOOKBACK_DAYS = {channel: settings.POSTS_LOOKBACK_DAYS for channel, settings in SETTINGS.items()}
# Whether the API names a post as the channel's export does (else a post in both cannot be counted once).
POST_IDS_MATCH_EXPORT = {channel: settings.POST_IDS_MATCH_EXPORT for channel, settings in SETTINGS.items()}


def __getattr__(name: str):
    """API_CLIENTS and POSTS_CLIENTS, imported on first use: the clients bring an HTTP library that a run without
    API accounts never needs."""
    if name not in ("API_CLIENTS", "POSTS_CLIENTS"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from connectors.facebook.api import MetaAdsApi
    from connectors.facebook.posts_api import MetaPostsApi
    from connectors.linkedin.api import LinkedInAdsApi
    from connectors.linkedin.posts_api import LinkedInPostsApi
    from connectors.twitter.api import XAdsApi
    from connectors.twitter.posts_api import XPostsApi
    from connectors.youtube.api import GoogleAdsApi
    from connectors.youtube.posts_api import YouTubePostsApi

    clients = {
        "API_CLIENTS": {
            "linkedin": LinkedInAdsApi,
            "twitter": XAdsApi,
            "facebook": MetaAdsApi,
            "youtube": GoogleAdsApi,
        },
        "POSTS_CLIENTS": {
            "linkedin": LinkedInPostsApi,
            "twitter": XPostsApi,
            "facebook": MetaPostsApi,
            "youtube": YouTubePostsApi,
        },
    }
    globals().update(clients)
    return clients[name]
