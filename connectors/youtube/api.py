"""Google Ads API: daily metrics of an account's video (YouTube) campaigns, through searchStream."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import requests

from connectors.api_figures import FigureNotes
from connectors.api_pull import ApiAccount, DayChunk, windows
from connectors.api_session import ApiSession, Clock, RetryPolicy, Verdict, default_verdict
from connectors.campaign_days import CampaignDay, NotANumber, exact_decimal, from_micros, whole_number
from connectors.credentials import GOOGLE_ACCESS_TOKEN, GOOGLE_LOGIN_CUSTOMER_ID, renew_hint
from connectors.secrets import remember
from connectors.youtube import settings

PLATFORM = "Google Ads"
RETRY_DELAY = re.compile(r'"retryDelay"\s*:\s*"(\d+)(?:\.\d+)?s"')


def classify(response: requests.Response, now: float) -> Verdict:
    """RESOURCE_EXHAUSTED says how long to wait (seconds, or hours for the daily quota); the session decides
    whether that fits in this run."""
    verdict = default_verdict(response, now)
    if response.status_code == 429:
        delay = RETRY_DELAY.search(response.text)
        return Verdict("retry", verdict.message, float(delay.group(1)) if delay else verdict.wait_seconds)
    if verdict.kind == "auth":
        return Verdict("auth", f"{verdict.message}; renew the credentials in {renew_hint('youtube')}")
    return verdict


def classify_token(response: requests.Response, now: float) -> Verdict:
    verdict = default_verdict(response, now)
    if response.status_code in (400, 401) and ("invalid_grant" in response.text or "invalid_client" in response.text):
        return Verdict("auth", f"the OAuth client or refresh token was refused; renew {renew_hint('youtube')}")
    return verdict


def google_access_token(account: ApiAccount, credentials: dict[str, str], clock: Clock, policy: RetryPolicy) -> str:
    """The access token given, or one refreshed from the OAuth client and refresh token (Google's token endpoint)."""
    if GOOGLE_ACCESS_TOKEN in credentials:
        return credentials[GOOGLE_ACCESS_TOKEN]
    token_url = account.token_url or settings.TOKEN_URL
    oauth = ApiSession(f"{PLATFORM} OAuth", account.account_id, classify_token, policy, clock)
    form = {
        "grant_type": "refresh_token",
        "client_id": credentials["ROI_GOOGLE_ADS_CLIENT_ID"],
        "client_secret": credentials["ROI_GOOGLE_ADS_CLIENT_SECRET"],
        "refresh_token": credentials["ROI_GOOGLE_ADS_REFRESH_TOKEN"],
    }
    body = oauth.post_json(token_url, data=form)
    token = body.get("access_token") if isinstance(body, dict) else None
    if not token:
        raise oauth.malformed("POST", token_url, "no access_token in the token response")
    remember(str(token))  # not in the environment, yet as secret as what refreshed it
    return token


class GoogleAdsApi:
    def __init__(self, account: ApiAccount, credentials: dict[str, str], clock: Clock, policy: RetryPolicy):
        self.account = account
        self.customer_id = account.account_id  # digits only, as the config keeps it
        self.base = f"{(account.api_base or settings.API_BASE).rstrip('/')}/{settings.API_VERSION}"
        self.credentials = credentials
        self.clock, self.policy = clock, policy
        self.session = ApiSession(
            PLATFORM, account.account_id, classify, policy, clock,
            headers={
                "developer-token": credentials["ROI_GOOGLE_ADS_DEVELOPER_TOKEN"],
                "login-customer-id": credentials[GOOGLE_LOGIN_CUSTOMER_ID],
            },
        )
        self.notes = FigureNotes()

    def campaign_days(self, start: date, end: date) -> Iterator[DayChunk]:
        token = google_access_token(self.account, self.credentials, self.clock, self.policy)
        self.session.set_header("Authorization", f"Bearer {token}")
        for first, last in windows(start, end, settings.WINDOW_DAYS):
            yield DayChunk(first, last, self._search(first, last))

    def _search(self, first: date, last: date) -> list[CampaignDay]:
        url = f"{self.base}/customers/{self.customer_id}/googleAds:searchStream"
        query = settings.QUERY.format(first=first.isoformat(), last=last.isoformat())
        batches = self.session.post_json(url, json={"query": query})
        try:
            return [self._row(result) for batch in batches for result in batch.get("results", [])]
        except (KeyError, TypeError, AttributeError, NotANumber, ValueError) as error:
            raise self.session.malformed("POST", url, f"unreadable result: {error}") from error

    def _row(self, result: dict) -> CampaignDay:
        day, campaign_id = date.fromisoformat(result["segments"]["date"]), str(result["campaign"]["id"])
        read = self.notes.reader(settings.AD_FIGURES, result, day, campaign_id)
        return CampaignDay(
            day=day,
            campaign_id=campaign_id,
            campaign_name=result["campaign"].get("name"),
            currency=result.get("customer", {}).get("currencyCode") or self.account.currency,
            spend=read("metrics.costMicros", from_micros),
            impressions=read("metrics.impressions", whole_number),
            clicks=read("metrics.clicks", whole_number),
            conversions=read("metrics.conversions", exact_decimal),
            platform_revenue=read("metrics.conversionsValue", exact_decimal),
        )
