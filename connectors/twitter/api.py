"""X Ads API v12: campaigns of an ad account, and their daily stats (OAuth 1.0a)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import requests
from requests_oauthlib import OAuth1

from connectors.api_figures import FigureNotes
from connectors.api_pull import ApiAccount, DayChunk, batches, cursor_pages, windows
from connectors.api_session import ApiSession, Clock, RetryPolicy, Verdict, default_verdict
from connectors.campaign_days import CampaignDay, NotANumber, from_micros, whole_number
from connectors.credentials import renew_hint
from connectors.twitter import settings

PLATFORM = "X"


def classify(response: requests.Response, now: float) -> Verdict:
    """On 429 wait until the exhausted limit (user or account level) resets; on 503 honour retry-after."""
    verdict = default_verdict(response, now)
    if response.status_code == 429:
        resets = [
            float(response.headers[f"{limit}-reset"])
            for limit in settings.RATE_LIMIT_HEADERS
            if response.headers.get(f"{limit}-remaining") == "0"
            and response.headers.get(f"{limit}-reset", "").strip().isdigit()
        ]
        if resets:
            return Verdict("retry", verdict.message, max(1.0, max(resets) - now + 1))
    if verdict.kind == "auth":
        return Verdict("auth", f"{verdict.message}; renew the credentials in {renew_hint('twitter')}")
    return verdict


def x_session(account: ApiAccount, credentials: dict[str, str], clock: Clock, policy: RetryPolicy) -> ApiSession:
    """OAuth 1.0a user context: the app's consumer key and the user's access token sign every request."""
    auth = OAuth1(
        credentials["ROI_X_CONSUMER_KEY"], credentials["ROI_X_CONSUMER_SECRET"],
        credentials["ROI_X_ACCESS_TOKEN"], credentials["ROI_X_ACCESS_SECRET"],
    )
    return ApiSession(PLATFORM, account.account_id, classify, policy, clock, auth=auth)


class XAdsApi:
    def __init__(self, account: ApiAccount, credentials: dict[str, str], clock: Clock, policy: RetryPolicy):
        self.account = account
        self.base = f"{(account.api_base or settings.API_BASE).rstrip('/')}/{settings.API_VERSION}"
        self.zone = ZoneInfo(account.timezone)
        self.session = x_session(account, credentials, clock, policy)
        self.notes = FigureNotes()

    def campaigns(self) -> dict[str, tuple[str, str]]:
        """Campaign id -> (name, currency), deleted ones included (they have history), following next_cursor."""
        url = f"{self.base}/accounts/{self.account.account_id}/campaigns?count={settings.CAMPAIGN_PAGE_SIZE}&with_deleted=true"
        campaigns: dict[str, tuple[str, str]] = {}
        for page_url, body in cursor_pages(self.session, url, "cursor", lambda body: body.get("next_cursor")):
            try:
                for campaign in body["data"]:
                    campaigns[str(campaign["id"])] = (campaign.get("name"), campaign.get("currency") or self.account.currency)
            except (KeyError, TypeError) as error:
                raise self.session.malformed("GET", page_url, f"no campaign list ({error!r} missing)") from error
        return campaigns

    def campaign_days(self, start: date, end: date) -> Iterator[DayChunk]:
        campaigns = self.campaigns()
        ids = sorted(campaigns)
        for first, last in windows(start, end, settings.STATS_WINDOW_DAYS):
            rows: list[CampaignDay] = []
            for batch in batches(ids, settings.ENTITIES_PER_REQUEST):
                rows.extend(self._stats(first, last, batch, campaigns))
            yield DayChunk(first, last, rows)

    def _midnight(self, day: date) -> str:
        local = datetime.combine(day, time(0), tzinfo=self.zone)
        return local.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _stats(self, first: date, last: date, campaign_ids: list[str], campaigns) -> list[CampaignDay]:
        url = (
            f"{self.base}/stats/accounts/{self.account.account_id}?entity=CAMPAIGN"
            f"&entity_ids={','.join(campaign_ids)}&start_time={self._midnight(first)}"
            f"&end_time={self._midnight(last + timedelta(days=1))}&granularity=DAY"
            f"&placement={settings.PLACEMENT}&metric_groups={','.join(settings.METRIC_GROUPS)}"
        )
        body = self.session.get_json(url)
        days = (last - first).days + 1
        try:
            rows = []
            for entity in body["data"]:
                name, currency = campaigns.get(str(entity["id"]), (None, self.account.currency))
                metrics = entity["id_data"][0]["metrics"]
                rows.extend(self._entity_rows(str(entity["id"]), name, currency, metrics, first, days))
            return rows
        except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
            raise self.session.malformed("GET", url, f"unreadable stats: {error}") from error

    def _entity_rows(self, campaign_id, name, currency, metrics, first: date, days: int) -> list[CampaignDay]:
        rows = []
        for index in range(days):
            day = first + timedelta(days=index)
            figure = self._day_reader(metrics, campaign_id, day, index, days)
            spend = figure(settings.SPEND_MICROS, from_micros)
            impressions, clicks = figure("impressions", whole_number), figure("clicks", whole_number)
            if not (spend or impressions or clicks) and settings.CONVERSIONS not in metrics:
                continue  # nothing delivered that day, nothing else known
            conversions = figure(f"{settings.CONVERSIONS}.metric", whole_number)
            row = CampaignDay(
                day=day,
                campaign_id=campaign_id,
                campaign_name=name,
                currency=currency,
                spend=spend,
                impressions=impressions,
                clicks=clicks,
                conversions=None if conversions is None else Decimal(conversions),
                platform_revenue=figure(f"{settings.CONVERSIONS}.sale_amount", from_micros),
            )
            if row.spend or row.impressions or row.clicks or row.conversions or row.platform_revenue:
                rows.append(row)
        return rows

    def _day_reader(self, metrics: dict, campaign_id: str, day: date, index: int, days: int):
        """`figure(metric, parse)`: a metric's value on the window's day `index`, read by the rule of AD_FIGURES."""
        read = self.notes.reader(settings.AD_FIGURES, metrics, day, campaign_id)

        def figure(metric: str, parse):
            present = metric.split(".")[0] in metrics  # a metric left out of the answer is missing
            return read(metric, _on_day(parse, index, days), metrics if present else None)

        return figure


def _on_day(parse, index: int, days: int):
    """A parser of one day's value of a per-day metric (an array over the window; null where it did not serve)."""

    def day_value(metrics: dict, metric: str):
        values = metrics
        for part in metric.split("."):
            values = None if values is None else values.get(part)
        if values is not None and len(values) != days:
            raise NotANumber(f"{metric} has {len(values)} values for {days} days")
        value = None if values is None else values[index]
        return parse(0 if value is None else value, metric)

    return day_value
