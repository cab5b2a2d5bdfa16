"""Platform credentials, read only from environment variables (never from the config, never logged)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from connectors.youtube.settings import ACCOUNT_ID as GOOGLE_CUSTOMER_ID

# channel -> the variables it needs; a tuple of alternatives means "all of one group".
REQUIRED = {
    "linkedin": [("ROI_LINKEDIN_TOKEN",)],
    "twitter": [("ROI_X_CONSUMER_KEY", "ROI_X_CONSUMER_SECRET", "ROI_X_ACCESS_TOKEN", "ROI_X_ACCESS_SECRET")],
    "facebook": [("ROI_META_TOKEN",)],
    "youtube": [("ROI_GOOGLE_ADS_DEVELOPER_TOKEN", "ROI_GOOGLE_ADS_LOGIN_CUSTOMER_ID")],
}
# Organic posts need the same variables, except YouTube: the Data API takes no Google Ads developer token.
POSTS_REQUIRED = {**REQUIRED, "youtube": []}
# Google Ads: an access token, or what refreshes one.
GOOGLE_ACCESS_TOKEN = "ROI_GOOGLE_ADS_ACCESS_TOKEN"
GOOGLE_REFRESH = ("ROI_GOOGLE_ADS_CLIENT_ID", "ROI_GOOGLE_ADS_CLIENT_SECRET", "ROI_GOOGLE_ADS_REFRESH_TOKEN")
GOOGLE_LOGIN_CUSTOMER_ID = "ROI_GOOGLE_ADS_LOGIN_CUSTOMER_ID"  # the manager account, sent as digits only
# Every variable holding a credential: their values are redacted from every message (connectors/secrets.py).
CREDENTIAL_VARIABLES = tuple(dict.fromkeys(
    [name for groups in REQUIRED.values() for group in groups for name in group] + [GOOGLE_ACCESS_TOKEN, *GOOGLE_REFRESH]
))


class MissingCredentials(ValueError):
    """Names the environment variables to set (missing, or not of their form); raised before any request."""


def credentials_for(channel: str, environ: Mapping[str, str] | None = None, posts: bool = False) -> dict[str, str]:
    """The channel's credentials for its ads API, or with `posts` for its organic posts."""
    environ = os.environ if environ is None else environ
    names = [name for group in (POSTS_REQUIRED if posts else REQUIRED)[channel] for name in group]
    missing = [name for name in names if not environ.get(name)]
    found = {name: environ[name] for name in names if environ.get(name)}
    if channel == "youtube":
        if environ.get(GOOGLE_ACCESS_TOKEN):
            found[GOOGLE_ACCESS_TOKEN] = environ[GOOGLE_ACCESS_TOKEN]
        elif all(environ.get(name) for name in GOOGLE_REFRESH):
            found.update({name: environ[name] for name in GOOGLE_REFRESH})
        else:
            missing.append(f"{GOOGLE_ACCESS_TOKEN} (or {', '.join(GOOGLE_REFRESH)})")
    if missing:
        raise MissingCredentials(f"{channel} API accounts need the environment variable(s) {', '.join(missing)}")
    if GOOGLE_LOGIN_CUSTOMER_ID in found:
        found[GOOGLE_LOGIN_CUSTOMER_ID] = _google_customer_id(found[GOOGLE_LOGIN_CUSTOMER_ID])
    return found


def _google_customer_id(text: str) -> str:
    customer_id = GOOGLE_CUSTOMER_ID.normalized(text)
    if customer_id is None:  # the value is not repeated: this module never prints a credential
        raise MissingCredentials(f"{GOOGLE_LOGIN_CUSTOMER_ID} is not {GOOGLE_CUSTOMER_ID.accepted} (the manager's)")
    return customer_id


def renew_hint(channel: str) -> str:
    """Which variables hold the credentials to renew when a platform refuses them."""
    names = [name for group in REQUIRED[channel] for name in group]
    if channel == "youtube":
        names = [GOOGLE_ACCESS_TOKEN, *GOOGLE_REFRESH]
    return ", ".join(names)
