"""Meta Marketing API: daily campaign insights of an ad account."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import requests

from connectors.api_figures import FigureNotes
from connectors.api_pull import ApiAccount, DayChunk, windows
from connectors.api_session import ApiSession, Clock, RetryPolicy, Verdict, default_verdict, without_params
from connectors.campaign_days import (
    CampaignDay, NotANumber, WeeklyReach, count, exact_decimal, week_days, weekly_reach_row, whole_number,
)
from connectors.credentials import renew_hint
from connectors.facebook import settings

PLATFORM = "Meta"


def classify(response: requests.Response, now: float) -> Verdict:
    """Meta throttles with HTTP 400 and an error code; its usage headers say how many minutes to wait."""
    if response.ok:
        return Verdict.ok()
    verdict = default_verdict(response, now)
    error = _error(response)
    code = error.get("code")
    if code in settings.RATE_LIMIT_CODES:
        minutes = _minutes_to_regain_access(response)
        return Verdict("retry", verdict.message, minutes * 60 if minutes else None)
    if code == settings.TOKEN_ERROR_CODE or response.status_code == 401:
        return Verdict("auth", f"{verdict.message}; renew the token in {renew_hint('facebook')}")
    return verdict


def _error(response: requests.Response) -> dict:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return {}
    return error if isinstance(error, dict) else {}


def _minutes_to_regain_access(response: requests.Response) -> float:
    """The longest wait any usage header announces: business use cases in minutes, the ad account in seconds."""
    minutes = 0.0
    for header in settings.USAGE_HEADERS:
        try:
            usage = json.loads(response.headers.get(header) or "{}")
        except ValueError:
            continue
        if not isinstance(usage, dict):
            continue
        minutes = max(minutes, float(usage.get("reset_time_duration") or 0) / 60)
        entries = [entry for value in usage.values() for entry in (value if isinstance(value, list) else [value])]
        for entry in entries:
            if isinstance(entry, dict):
                minutes = max(minutes, float(entry.get("estimated_time_to_regain_access") or 0))
    return minutes


def meta_session(account: ApiAccount, credentials: dict[str, str], clock: Clock, policy: RetryPolicy) -> ApiSession:
    # The token goes in a header, never in a URL that could be logged.
    return ApiSession(
        PLATFORM, account.account_id, classify, policy, clock,
        headers={"Authorization": f"Bearer {credentials['ROI_META_TOKEN']}"},
    )


def graph_base(account: ApiAccount) -> str:
    return f"{(account.api_base or settings.API_BASE).rstrip('/')}/{settings.API_VERSION}"


def graph_pages(session: ApiSession, url: str, params: dict[str, str]) -> Iterator[tuple[str, dict]]:
    """(page url, body) for every page of a Graph API list, following `paging.next`."""
    response = session.request("GET", url, params=params)
    while True:
        body = session.json_of(response, "GET", response.url)
        yield response.url, body
        try:
            next_url = (body.get("paging") or {}).get("next")
        except AttributeError as error:
            raise session.malformed("GET", response.url, f"unreadable paging: {error}") from error
        if not next_url:
            return
        # Meta puts the access token into its paging links; the header carries it instead.
        response = session.request("GET", without_params(next_url, {"access_token"}))


class MetaAdsApi:
    def __init__(self, account: ApiAccount, credentials: dict[str, str], clock: Clock, policy: RetryPolicy):
        self.account = account
        # The config keeps the account's digits (settings.ACCOUNT_ID): the Graph API names it act_<digits>.
        self.insights_url = f"{graph_base(account)}/act_{account.account_id}/insights"
        self.action_types = account.conversion_action_types or settings.DEFAULT_CONVERSION_ACTION_TYPES
        self.session = meta_session(account, credentials, clock, policy)
        self.notes = FigureNotes()

    def campaign_days(self, start: date, end: date) -> Iterator[DayChunk]:
        for first, last in windows(start, end, settings.WINDOW_DAYS):
            yield DayChunk(first, last, list(self._insights(first, last)))

    def _insights(self, first: date, last: date) -> Iterator[CampaignDay]:
        time_range = json.dumps({"since": first.isoformat(), "until": last.isoformat()}, separators=(",", ":"))
        params = {
            "level": "campaign",
            "time_increment": "1",
            "time_range": time_range,
            "fields": ",".join(settings.INSIGHT_FIELDS),
            "limit": str(settings.PAGE_LIMIT),
        }
        for page_url, body in graph_pages(self.session, self.insights_url, params):
            try:
                rows = [self._row(row) for row in body["data"]]
            except (KeyError, TypeError, NotANumber, ValueError) as error:
                raise self.session.malformed("GET", page_url, f"unreadable insights row: {error}") from error
            yield from rows

    def weekly_reach(self, weeks: list[date]) -> list[WeeklyReach]:
        """Reach and impressions of each ISO week (given by its Monday), one account-level request per week."""
        spans = [week_days(monday) for monday in weeks]
        return [row for monday, sunday in spans for row in self._week_reach(monday, sunday)]

    def _week_reach(self, monday: date, sunday: date) -> list[WeeklyReach]:
        params = {
            "level": settings.REACH_LEVEL,
            "time_increment": "all_days",  # one row over the whole range, never one per day
            "time_range": json.dumps({"since": monday.isoformat(), "until": sunday.isoformat()}, separators=(",", ":")),
            "fields": ",".join(settings.REACH_FIELDS),
        }
        request = self.session.request("GET", self.insights_url, params=params)
        body = self.session.json_of(request, "GET", request.url)
        try:
            rows = body["data"]
            if len(rows) > 1:
                raise ValueError(f"{len(rows)} rows for one account and week")
            for row in rows:
                if (row["date_start"], row["date_stop"]) != (monday.isoformat(), sunday.isoformat()):
                    raise ValueError(f"row covers {row['date_start']}..{row['date_stop']}, not {monday}..{sunday}")
            week = [self._week_row(row, monday) for row in rows]
        except (KeyError, TypeError, AttributeError, NotANumber, ValueError) as error:
            raise self.session.malformed("GET", request.url, f"unreadable weekly reach: {error}") from error
        return [row for row in week if row is not None]

    def _week_row(self, row: dict, monday: date) -> WeeklyReach | None:
        read = self.notes.reader(settings.REACH_FIGURES, row, monday)
        return weekly_reach_row(monday, read("reach", count), read("impressions", count))

    def _row(self, row: dict) -> CampaignDay:
        if row["date_start"] != row["date_stop"]:
            raise ValueError(f"row covers {row['date_start']}..{row['date_stop']}, not one day")
        day, campaign_id = date.fromisoformat(row["date_start"]), str(row["campaign_id"])
        read = self.notes.reader(settings.AD_FIGURES, row, day, campaign_id)
        return CampaignDay(
            day=day,
            campaign_id=campaign_id,
            campaign_name=row.get("campaign_name"),
            currency=row.get("account_currency") or self.account.currency,
            spend=read("spend", exact_decimal),
            impressions=read("impressions", whole_number),
            clicks=read("inline_link_clicks", whole_number),
            conversions=read("actions", self._action),
            platform_revenue=read("action_values", self._action),
        )

    def _action(self, entries: list, what: str):
        """The first configured action type present (None if none is)."""
        values = {entry["action_type"]: entry["value"] for entry in entries}
        for action_type in self.action_types:
            if action_type in values:
                return exact_decimal(values[action_type], f"{what}[{action_type}]")
        return None
