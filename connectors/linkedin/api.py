"""LinkedIn Marketing API: campaigns of an ad account, and their daily adAnalytics."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from urllib.parse import quote

import requests

from connectors.api_figures import FigureNotes
from connectors.api_pull import ApiAccount, DayChunk, batches, cursor_pages, windows
from connectors.api_session import ApiSession, Clock, RetryPolicy, Verdict, default_verdict
from connectors.campaign_days import (
    CampaignDay, NotANumber, WeeklyReach, count, exact_decimal, week_days, weekly_reach_row, whole_number,
)
from connectors.credentials import renew_hint
from connectors.linkedin import settings

PLATFORM = "LinkedIn"


def classify(response: requests.Response, now: float) -> Verdict:
    """A daily quota (429 saying "DAY limit") resets at midnight UTC: stop, don't wait for it."""
    if response.status_code == 429 and settings.DAILY_LIMIT_MARKER in response.text:
        tomorrow = datetime.fromtimestamp(now, tz=timezone.utc).date() + timedelta(days=1)
        midnight = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=timezone.utc)
        return Verdict("quota", "daily API limit reached", retry_at=midnight)
    verdict = default_verdict(response, now)
    if response.status_code == 401 or _service_error_code(response) in settings.TOKEN_ERROR_CODES:
        return Verdict("auth", f"{verdict.message}; renew the token in {renew_hint('linkedin')}")
    return verdict


def _service_error_code(response: requests.Response) -> int | None:
    try:
        return response.json().get("serviceErrorCode")
    except ValueError:
        return None


def linkedin_session(account: ApiAccount, credentials: dict[str, str], clock: Clock, policy: RetryPolicy) -> ApiSession:
    """The versioned REST API's session: bearer token, LinkedIn-Version and Rest.li 2.0 on every request."""
    return ApiSession(
        PLATFORM, account.account_id, classify, policy, clock,
        headers={
            "Authorization": f"Bearer {credentials['ROI_LINKEDIN_TOKEN']}",
            "LinkedIn-Version": settings.API_VERSION,
            "X-Restli-Protocol-Version": "2.0.0",
        },
    )


def linkedin_base(account: ApiAccount) -> str:
    return (account.api_base or settings.API_BASE).rstrip("/")


class LinkedInAdsApi:
    def __init__(self, account: ApiAccount, credentials: dict[str, str], clock: Clock, policy: RetryPolicy):
        self.account = account
        self.base = linkedin_base(account)
        self.session = linkedin_session(account, credentials, clock, policy)
        self.notes = FigureNotes()

    def campaigns(self) -> dict[str, str]:
        """Campaign id -> name, every status, following metadata.nextPageToken."""
        statuses = ",".join(settings.CAMPAIGN_STATUSES)
        url = (f"{self.base}/rest/adAccounts/{self.account.account_id}/adCampaigns?q=search"
               f"&search=(status:(values:List({statuses})))&pageSize={settings.CAMPAIGN_PAGE_SIZE}")
        names: dict[str, str] = {}
        pages = cursor_pages(self.session, url, "pageToken", lambda body: (body.get("metadata") or {}).get("nextPageToken"))
        for page_url, body in pages:
            try:
                names.update({str(element["id"]): element.get("name") for element in body["elements"]})
            except (KeyError, TypeError) as error:
                raise self.session.malformed("GET", page_url, f"no campaign list ({error!r} missing)") from error
        return names

    def campaign_days(self, start: date, end: date) -> Iterator[DayChunk]:
        names = self.campaigns()
        ids = sorted(names)
        for first, last in windows(start, end, settings.WINDOW_DAYS):
            rows: list[CampaignDay] = []
            for batch in batches(ids, settings.CAMPAIGNS_PER_REQUEST):
                rows.extend(self._analytics(first, last, batch, names))
            yield DayChunk(first, last, rows)

    def _analytics(self, first: date, last: date, campaign_ids: list[str], names: dict[str, str]):
        # Rest.li 2.0: parentheses, colons and commas stay as they are; only the URNs are percent-encoded.
        campaigns = ",".join(quote(settings.CAMPAIGN_URN + campaign_id, safe="") for campaign_id in campaign_ids)
        url = (
            f"{self.base}/rest/adAnalytics?q=analytics&pivot=(value:CAMPAIGN)&timeGranularity=(value:DAILY)"
            f"&dateRange=(start:{_restli_date(first)},end:{_restli_date(last)})"
            f"&campaigns=List({campaigns})&fields={','.join(settings.ANALYTICS_FIELDS)}"
        )
        body = self.session.get_json(url)
        try:
            return [self._row(element, names) for element in body["elements"]]
        except (KeyError, TypeError, NotANumber, ValueError) as error:
            raise self.session.malformed("GET", url, f"unreadable analytics element: {error}") from error

    def weekly_reach(self, weeks: list[date]) -> list[WeeklyReach]:
        """Unique member reach and impressions of each ISO week (given by its Monday, UTC days like the daily rows),
        one account-pivot request per week over the whole week."""
        spans = [week_days(monday) for monday in weeks]
        return [row for monday, sunday in spans for row in self._week_reach(monday, sunday)]

    def _week_reach(self, monday: date, sunday: date) -> list[WeeklyReach]:
        account_urn = settings.ACCOUNT_URN + self.account.account_id
        url = (
            f"{self.base}/rest/adAnalytics?q=analytics&pivot=(value:ACCOUNT)&timeGranularity=(value:ALL)"
            f"&dateRange=(start:{_restli_date(monday)},end:{_restli_date(sunday)})"
            f"&accounts=List({quote(account_urn, safe='')})&fields={','.join(settings.REACH_FIELDS)}"
        )
        body = self.session.get_json(url)
        try:
            elements = body["elements"]
            if len(elements) > 1:
                raise ValueError(f"{len(elements)} elements for one account and week")
            week = [self._week_row(element, account_urn, monday, sunday) for element in elements]
        except (KeyError, TypeError, AttributeError, NotANumber, ValueError) as error:
            raise self.session.malformed("GET", url, f"unreadable weekly reach: {error}") from error
        return [row for row in week if row is not None]

    def _week_row(self, element: dict, account_urn: str, monday: date, sunday: date) -> WeeklyReach | None:
        if element["pivotValues"] != [account_urn]:
            raise ValueError(f"element for {element['pivotValues']}, not {account_urn}")
        span = element.get("dateRange")
        if span is not None:  # with granularity ALL: the requested range, or the part of it with activity
            start, end = span["start"], span.get("end", span["start"])
            first, last = date(start["year"], start["month"], start["day"]), date(end["year"], end["month"], end["day"])
            if not monday <= first <= last <= sunday:
                raise ValueError(f"element covers {first}..{last}, not {monday}..{sunday}")
        read = self.notes.reader(settings.REACH_FIGURES, element, monday)
        return weekly_reach_row(monday, read("approximateMemberReach", count), read("impressions", count))

    def _row(self, element: dict, names: dict[str, str]) -> CampaignDay:
        start = element["dateRange"]["start"]
        day = date(start["year"], start["month"], start["day"])
        campaign_id = element["pivotValues"][0].removeprefix(settings.CAMPAIGN_URN)
        read = self.notes.reader(settings.AD_FIGURES, element, day, campaign_id)
        return CampaignDay(
            day=day,
            campaign_id=campaign_id,
            campaign_name=names.get(campaign_id),
            currency=self.account.currency,
            spend=read("costInLocalCurrency", exact_decimal),
            impressions=read("impressions", whole_number),
            clicks=read("clicks", whole_number),
            conversions=read("externalWebsiteConversions", exact_decimal),
            platform_revenue=read("conversionValueInLocalCurrency", exact_decimal),
        )


def _restli_date(day: date) -> str:
    return f"(year:{day.year},month:{day.month},day:{day.day})"
