"""Fake Meta Graph API (Marketing API insights), any /v{N}.{M}/ version.

    meta = FacebookFake(tokens={"meta-token"}, page_size=3)
    meta.put("1234567890", CampaignDay(date(2026, 9, 1), "120210000000000001", "Spring Sale", "EUR",
                                       Decimal("123.45"), 10234, 250, Decimal(4), Decimal("399.96")))

Serves
- GET /v25.0/act_{id}                        the ad account (id, account_id, currency, timezone_name, name)
- GET /v25.0/act_{id}/insights?level=campaign&time_increment=1&time_range={"since":..,"until":..}
      &fields=campaign_id,campaign_name,account_currency,spend,impressions,inline_link_clicks,actions,action_values
      &limit=N[&after=CURSOR]
  one row per campaign and day with delivery, every number a string; `actions` holds `link_click` (plus
  `page_engagement`/`post_engagement` with the same count) and, when there were conversions, `purchase`,
  `omni_purchase` and `offsite_conversion.fb_pixel_purchase` with the SAME value; `action_values` the three purchase
  types with the revenue; each list absent when empty. `clicks` (all clicks) is above `inline_link_clicks`.
  Paging: `paging.cursors` always (on a non-empty page), `paging.next` (absolute URL, with `access_token=` when the
  request carried it in the query) only when more rows follow. Page size = min(limit, the fake's `page_size`).

- GET /v25.0/act_{id}/insights?level=account&time_range={"since":..,"until":..}&fields=reach,impressions
      [&time_increment=all_days]   one row over the whole range (absent when nothing was delivered), `reach` and
      `impressions` strings, date_start/date_stop = since/until.
  Reach (unique people) cannot be read off the CampaignDay facts: `set_weekly_reach(account, monday, reach)` fixes an
  ISO week's; otherwise it is derived (see WeeklyReachFacts), always below the sum of the daily reaches. Daily
  campaign rows answer `reach` too (impressions // 3), so tests can show that summing them gives another number.

Organic posts of pages (`put_posts(page_id, PostFact(...))`, ids `<page id>_<post id>`):
- GET /v25.0/{page_id}/posts?fields=id,created_time,message,shares,reactions.summary(total_count).limit(0),
      comments.summary(total_count).limit(0),insights.metric(post_media_view,post_clicks_by_type,post_video_views)
      &since=<unix>&until=<unix>&limit=N[&after=CURSOR]
  the page's posts created in [since, until], newest first, min(limit, `page_size`) a page, paging like insights
  (`paging.next` carries `access_token=` when the request did). `shares` absent when nobody shared; insights
  `{name, period: lifetime, values: [{value}]}`; post_clicks_by_type a dict without the click types nobody used.
  A metric in `retired_metrics` (or unknown) is error #100 for the whole request, as Meta answers.

Validates: token in `Authorization: Bearer`/`OAuth` or `access_token` (400 code 104 missing, 190 invalid, 190/463
for `expired_tokens`); level=campaign, time_increment=1, time_range JSON since<=until, known fields, cursor.
Sends x-business-use-case-usage, x-ad-account-usage, x-fb-ads-insights-throttle and x-app-usage on every response,
from `usage` (percentages; tests may raise them).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode

from werkzeug.wrappers import Request, Response

from tests.fakes.data import CampaignDay, PostFact, decimal_text
from tests.fakes.server import PlatformFake, RecordedRequest

INSIGHTS_FIELDS = {
    "account_id",
    "account_name",
    "account_currency",
    "campaign_id",
    "campaign_name",
    "spend",
    "impressions",
    "clicks",
    "inline_link_clicks",
    "actions",
    "action_values",
    "date_start",
    "date_stop",
    "reach",
}
INSIGHTS_LEVELS = ("campaign", "account")
PURCHASE_TYPES = ("offsite_conversion.fb_pixel_purchase", "omni_purchase", "purchase")
THROTTLE_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
}
AD_ACCOUNT_MESSAGE = (
    "({code}) There have been too many calls to this ad-account. Wait a bit and try again. For more info, please "
    "refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
)


def _cursor(index: int) -> str:
    return base64.b64encode(str(index).encode()).decode().replace("=", "ZD")


def _index(cursor: str) -> int:
    try:
        return int(base64.b64decode(cursor.replace("ZD", "=")).decode())
    except Exception:
        raise ValueError(cursor) from None


def row_reach(row: CampaignDay) -> int:
    """The people one campaign reached on one day: a third of its impressions."""
    return row.impressions // 3


def derived_reach(rows: list[CampaignDay]) -> int:
    """Unique people over several campaign-days: the largest daily audience plus 10% of the others (people overlap
    from day to day), so always less than the sum of the daily reaches once two days delivered."""
    reaches = sorted((row_reach(row) for row in rows), reverse=True)
    return reaches[0] + sum(reaches[1:]) // 10 if reaches else 0


class WeeklyReachFacts:
    """Unique reach per account and ISO week, for the fakes whose platforms report reach (Meta, LinkedIn).

    `set_weekly_reach(account_id, monday, reach)` fixes the reach of exactly that week (Monday..Sunday); any other
    range, or a week without a set value, gets `derived_reach` of its delivered campaign-days.
    """

    weekly_reach: dict[tuple[str, date], int]

    def set_weekly_reach(self, account_id: str, monday: date, reach: int):
        if monday.weekday() != 0:
            raise ValueError(f"{monday} is not a Monday")
        self.weekly_reach[(str(account_id), monday)] = reach
        return self

    def reach(self, account_id: str, start: date, end: date) -> int:
        fixed = self.weekly_reach.get((str(account_id), start))
        if fixed is not None and (end - start).days == 6:
            return fixed
        return derived_reach(self.delivered_days(str(account_id), start, end))  # type: ignore[attr-defined]


class FacebookFake(WeeklyReachFacts, PlatformFake):
    name = "facebook"
    path_pattern = re.compile(r"^/v\d+\.\d+/")

    def __init__(
        self,
        accounts: dict[str, Iterable[CampaignDay]] | None = None,
        *,
        tokens: Iterable[str] = (),
        expired_tokens: Iterable[str] = (),
        page_size: int = 5000,
        timezones: dict[str, str] | None = None,
    ):
        super().__init__(accounts)
        self.tokens = set(tokens)
        self.expired_tokens = set(expired_tokens)
        self.page_size = page_size
        self.timezones = dict(timezones or {})
        self.weekly_reach = {}
        self.usage: dict[str, int] = {"call_count": 2, "total_cputime": 1, "total_time": 1, "acc_id_util_pct": 1}
        self.retired_metrics: set[str] = {"post_impressions"}  # Meta replaced it by post_media_view in 2025
        self._trace = 0

    # --- canned errors -----------------------------------------------------------------------------------------------
    def throttled(
        self,
        code: int = 80004,
        subcode: int = 2446079,
        estimated_minutes: int = 0,
        times: int = 1,
        when=lambda request: True,
    ) -> FacebookFake:
        """A rate-limit error (HTTP 400, like the real API) with the usage header at 100% and the wait in minutes."""
        message = THROTTLE_MESSAGES.get(code) or AD_ACCOUNT_MESSAGE.format(code=f"#{code}")

        def headers(request: RecordedRequest) -> dict[str, str]:
            account = _account_in(request.path)
            return {
                "x-business-use-case-usage": json.dumps(
                    {
                        account: [
                            {
                                "type": "ads_insights",
                                "call_count": 100,
                                "total_cputime": 10,
                                "total_time": 15,
                                "estimated_time_to_regain_access": estimated_minutes,
                                "ads_api_access_tier": "standard_access",
                            }
                        ]
                    }
                ),
                "x-ad-account-usage": json.dumps(
                    {
                        "acc_id_util_pct": 100,
                        "reset_time_duration": estimated_minutes * 60,
                        "ads_api_access_tier": "standard_access",
                    }
                ),
            }

        return self._queue(
            400, lambda request: self._error_body(message, "OAuthException", code, subcode), headers, times, when
        )

    def user_request_limit(self, estimated_minutes: int = 0, times: int = 1, when=lambda request: True) -> FacebookFake:
        return self.throttled(17, 2446079, estimated_minutes, times, when)

    def expired_token(self, times: int = 1, when=lambda request: True) -> FacebookFake:
        return self._queue(400, lambda request: self._expired_body(), None, times, when)

    def reduce_data(self, times: int = 1, when=lambda request: True) -> FacebookFake:
        message = "Please reduce the amount of data you're asking for, then retry your request"
        return self._queue(500, lambda request: self._error_body(message, "OAuthException", 1, None), None, times, when)

    def server_error(self, status: int = 500, times: int = 1, when=lambda request: True) -> FacebookFake:
        message = "An unexpected error has occurred. Please retry your request later."
        return self._queue(
            status, lambda request: self._error_body(message, "OAuthException", 2, None, True), None, times, when
        )

    def _error_body(self, message: str, kind: str, code: int, subcode: int | None, transient: bool = False) -> dict:
        self._trace += 1
        error: dict[str, Any] = {"message": message, "type": kind, "code": code}
        if subcode is not None:
            error["error_subcode"] = subcode
        if transient:
            error["is_transient"] = True
        error["fbtrace_id"] = f"AFakeTrace{self._trace:06d}"
        return {"error": error}

    def _expired_body(self) -> dict:
        return self._error_body(
            "Error validating access token: Session has expired on Tuesday, 01-Sep-26 01:00:00 PDT. "
            "The current time is Tuesday, 01-Sep-26 02:00:00 PDT.",
            "OAuthException",
            190,
            463,
        )

    # --- HTTP ---------------------------------------------------------------------------------------------------------
    def default_headers(self, request: RecordedRequest) -> dict[str, str]:
        account = _account_in(request.path)
        usage = self.usage
        return {
            "x-business-use-case-usage": json.dumps(
                {
                    account: [
                        {
                            "type": "ads_insights",
                            "call_count": usage["call_count"],
                            "total_cputime": usage["total_cputime"],
                            "total_time": usage["total_time"],
                            "estimated_time_to_regain_access": 0,
                            "ads_api_access_tier": "standard_access",
                        }
                    ]
                }
            ),
            "x-ad-account-usage": json.dumps(
                {
                    "acc_id_util_pct": usage["acc_id_util_pct"],
                    "reset_time_duration": 0,
                    "ads_api_access_tier": "standard_access",
                }
            ),
            "x-fb-ads-insights-throttle": json.dumps(
                {
                    "app_id_util_pct": 0,
                    "acc_id_util_pct": usage["acc_id_util_pct"],
                    "ads_api_access_tier": "standard_access",
                }
            ),
            "x-app-usage": json.dumps({"call_count": 0, "total_cputime": 0, "total_time": 0}),
            "x-fb-rev": "1000000",
        }

    def handle(self, request: RecordedRequest, raw: Request) -> Response:
        params = dict(parse_qsl(request.query_string, keep_blank_values=True))
        problem = self._check_token(request, params)
        if problem is not None:
            return problem
        if request.method != "GET":
            return self._bad(request, "Unsupported post request.", 100)
        page = re.fullmatch(r"/v\d+\.\d+/(\d+)/posts", request.path)
        if page and page.group(1) in self.posts:
            return self._page_posts(request, raw, page.group(1), params)
        match = re.fullmatch(r"/v\d+\.\d+/act_(\d+)(/insights)?", request.path)
        if not match or match.group(1) not in self.accounts:
            target = request.path.split("/")[2] if request.path.count("/") >= 2 else request.path
            return self._bad(
                request,
                f"Unsupported get request. Object with ID '{target}' does not exist, cannot be loaded due to missing "
                "permissions, or does not support this operation.",
                100,
                33,
            )
        account_id = match.group(1)
        if match.group(2):
            return self._insights(request, raw, account_id, params)
        currencies = sorted({info.currency for info in self.campaign_list(account_id) if info.currency})
        return self.respond(
            request,
            200,
            {
                "id": f"act_{account_id}",
                "account_id": account_id,
                "name": f"Account {account_id}",
                "currency": currencies[0] if currencies else "USD",
                "timezone_name": self.timezones.get(account_id, "UTC"),
            },
        )

    def _bad(self, request: RecordedRequest, message: str, code: int, subcode: int | None = None) -> Response:
        kind = "GraphMethodException" if subcode == 33 else "OAuthException"
        return self.respond(request, 400, self._error_body(message, kind, code, subcode))

    def _check_token(self, request: RecordedRequest, params: dict[str, str]) -> Response | None:
        auth = request.headers.get("Authorization", "")
        token = None
        for scheme in ("Bearer ", "OAuth "):
            if auth.startswith(scheme):
                token = auth[len(scheme) :]
        token = token or params.get("access_token")
        if not token:
            return self._bad(request, "An access token is required to request this resource.", 104)
        if token in self.expired_tokens:
            return self.respond(request, 400, self._expired_body())
        if token not in self.tokens:
            return self._bad(request, "Invalid OAuth access token - Cannot parse access token", 190)
        return None

    def _insights(self, request: RecordedRequest, raw: Request, account_id: str, params: dict[str, str]) -> Response:
        level = params.get("level")
        if level not in INSIGHTS_LEVELS:
            return self._bad(request, f"(#100) level must be one of {INSIGHTS_LEVELS} in this fake, got {level!r}", 100)
        if level == "campaign" and params.get("time_increment") != "1":
            return self._bad(request, "(#100) time_increment must be 1 in this fake", 100)
        if level == "account" and params.get("time_increment", "all_days") != "all_days":
            return self._bad(request, "(#100) time_increment must be all_days (or absent) at level account here", 100)
        try:
            time_range = json.loads(params["time_range"])
            since = date.fromisoformat(time_range["since"])
            until = date.fromisoformat(time_range["until"])
        except (KeyError, ValueError, TypeError):
            return self._bad(request, "(#100) param time_range must be a JSON object with since and until dates", 100)
        if until < since:
            return self._bad(request, "(#100) time_range: since must be on or before until", 100)
        fields = [field for field in params.get("fields", "").split(",") if field]
        unknown = [field for field in fields if field not in INSIGHTS_FIELDS]
        if unknown:
            return self._bad(
                request,
                f"(#100) {unknown[0]} is not valid for fields param. (this fake knows {sorted(INSIGHTS_FIELDS)})",
                100,
            )
        try:
            limit = int(params.get("limit", "25"))
            if limit < 1:
                raise ValueError
        except ValueError:
            return self._bad(request, "(#100) param limit must be a positive integer", 100)
        try:
            offset = _index(params["after"]) + 1 if "after" in params else 0
        except ValueError:
            return self._bad(request, "(#100) Invalid cursor", 100)
        if level == "account":
            return self._account_insights(request, account_id, since, until, fields)
        rows = self.delivered_days(account_id, since, until)
        return self._page(request, raw, params, rows, offset, limit,
                          lambda row: self.as_answered(_row(account_id, row, fields)))

    def _page(self, request: RecordedRequest, raw: Request, params: dict[str, str], items: list, offset: int,
              limit: int, render) -> Response:
        """One page of a Graph API list: min(limit, page_size) items from `offset`, their cursors, and `paging.next`
        (an absolute URL, with the access token when the request carried it in the query) while more follow."""
        size = min(limit, self.page_size)
        page = items[offset : offset + size]
        body: dict[str, Any] = {"data": [render(item) for item in page]}
        if page:
            paging: dict[str, Any] = {"cursors": {"before": _cursor(offset), "after": _cursor(offset + len(page) - 1)}}
            if offset + len(page) < len(items):
                query = [
                    (key, value)
                    for key, value in parse_qsl(request.query_string, keep_blank_values=True)
                    if key not in ("after", "access_token")
                ]
                if "access_token" in params:
                    query.append(("access_token", params["access_token"]))
                query.append(("after", paging["cursors"]["after"]))
                paging["next"] = f"{raw.host_url.rstrip('/')}{request.path}?{urlencode(query)}"
            body["paging"] = paging
        return self.respond(request, 200, body)


    def _page_posts(self, request: RecordedRequest, raw: Request, page_id: str, params: dict[str, str]) -> Response:
        fields = _top_level(params.get("fields", "id"))
        metrics: list[str] = []
        for field in fields:
            name = field.split(".")[0].split("{")[0]
            if name not in POST_FIELDS:
                return self._bad(request, f"(#100) Tried accessing nonexisting field ({name}) on node type (Post)", 100)
            if name == "insights":
                found = re.fullmatch(r"insights\.metric\(([^)]*)\)", field)
                metrics = found.group(1).split(",") if found else []
                wrong = [m for m in metrics if m not in POST_METRICS or m in self.retired_metrics]
                if not metrics or wrong:
                    return self._bad(request, f"(#100) The value must be a valid insights metric: {wrong or metrics}",
                                     100)
        try:
            since = _moment(params["since"]) if "since" in params else None
            until = _moment(params["until"]) if "until" in params else None
            limit = int(params.get("limit", "25"))
            offset = _index(params["after"]) + 1 if "after" in params else 0
            if limit < 1:
                raise ValueError
        except ValueError:
            return self._bad(request, "(#100) since, until, limit or after is not valid", 100)
        posts = [post for post in self.page_posts(page_id)
                 if (since is None or post.published_at.timestamp() >= since)
                 and (until is None or post.published_at.timestamp() <= until)]
        return self._page(request, raw, params, posts, offset, limit, lambda post: _post(post, fields, metrics))

    def _account_insights(
        self, request: RecordedRequest, account_id: str, since: date, until: date, fields: list[str]
    ) -> Response:
        """One row for the whole range (the account's totals and its unique reach), none without delivery."""
        rows = self.delivered_days(account_id, since, until)
        if not rows:
            return self.respond(request, 200, {"data": []})
        values: dict[str, Any] = {
            "account_id": account_id,
            "account_name": f"Account {account_id}",
            "account_currency": rows[0].currency,
            "spend": decimal_text(sum((row.spend for row in rows), Decimal(0))),
            "impressions": str(sum(row.impressions for row in rows)),
            "clicks": str(sum(row.clicks + row.impressions // 1000 for row in rows)),
            "inline_link_clicks": str(sum(row.clicks for row in rows)),
            "reach": str(self.reach(account_id, since, until)),
        }
        out = self.as_answered({field: values[field] for field in fields if field in values})
        out["date_start"], out["date_stop"] = since.isoformat(), until.isoformat()
        paging = {"cursors": {"before": _cursor(0), "after": _cursor(0)}}
        return self.respond(request, 200, {"data": [out], "paging": paging})


POST_FIELDS = {"id", "created_time", "message", "permalink_url", "shares", "reactions", "comments", "insights"}
POST_METRICS = {"post_impressions", "post_media_view", "post_clicks", "post_clicks_by_type", "post_video_views",
                "post_impressions_unique"}


def _top_level(fields: str) -> list[str]:
    """Split a fields parameter on the commas outside parentheses and braces."""
    parts, depth, current = [], 0, ""
    for char in fields:
        depth += char in "({"
        depth -= char in ")}"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [part for part in [*parts, current] if part]


def _moment(text: str) -> float:
    return float(text) if text.isdigit() else datetime.fromisoformat(text).timestamp()


def _post(post: PostFact, fields: list[str], metrics: list[str]) -> dict[str, Any]:
    names = {field.split(".")[0] for field in fields}
    values = {
        "post_impressions": post.impressions,
        "post_media_view": post.impressions,
        "post_impressions_unique": post.impressions * 2 // 3,
        "post_clicks": post.clicks * 3,
        "post_clicks_by_type": {kind: n for kind, n in (("link clicks", post.clicks), ("other clicks", post.clicks * 2))
                                if n},
        "post_video_views": post.video_views,
    }
    out: dict[str, Any] = {"id": post.post_id}
    if "created_time" in names:
        out["created_time"] = post.published_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")
    if "message" in names:
        out["message"] = post.text
    if "shares" in names and post.shares:
        out["shares"] = {"count": post.shares}
    if "reactions" in names:
        out["reactions"] = {"data": [], "summary": {"total_count": post.reactions, "viewer_reaction": "NONE"}}
    if "comments" in names:
        out["comments"] = {"data": [], "summary": {"order": "ranked", "total_count": post.comments,
                                                   "can_comment": True}}
    if metrics:
        out["insights"] = {"data": [
            {"name": metric, "period": "lifetime", "values": [{"value": values[metric]}], "title": metric,
             "description": f"Lifetime: {metric}", "id": f"{post.post_id}/insights/{metric}/lifetime"}
            for metric in metrics
        ]}
    return out


def _account_in(path: str) -> str:
    match = re.search(r"act_(\d+)", path)
    return match.group(1) if match else "0"


def _row(account_id: str, row: CampaignDay, fields: list[str]) -> dict[str, Any]:
    actions = []
    if row.clicks:
        for kind in ("link_click", "page_engagement", "post_engagement"):
            actions.append({"action_type": kind, "value": str(row.clicks)})
    if row.conversions:
        actions += [{"action_type": kind, "value": decimal_text(row.conversions)} for kind in PURCHASE_TYPES]
    action_values = []
    if row.revenue:
        action_values = [{"action_type": kind, "value": decimal_text(row.revenue)} for kind in PURCHASE_TYPES]
    values: dict[str, Any] = {
        "account_id": account_id,
        "account_name": f"Account {account_id}",
        "account_currency": row.currency,
        "campaign_id": row.campaign_id,
        "campaign_name": row.campaign_name,
        "spend": decimal_text(row.spend),
        "impressions": str(row.impressions),
        "clicks": str(row.clicks + row.impressions // 1000),
        "inline_link_clicks": str(row.clicks),
        "reach": str(row_reach(row)),
    }
    if actions:
        values["actions"] = actions
    if action_values:
        values["action_values"] = action_values
    out = {field: values[field] for field in fields if field in values}
    out["date_start"] = row.day.isoformat()
    out["date_stop"] = row.day.isoformat()
    return out
