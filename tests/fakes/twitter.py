"""Fake X Ads API (v12; any /{N}/ version accepted), OAuth 1.0a.

    x = TwitterFake(consumer_key="ck", consumer_secret="cs", access_token="at", access_secret="as",
                    timezones={"18ce54d4x5t": "America/Los_Angeles"}, campaign_page_size=2)
    x.put("18ce54d4x5t", CampaignDay(date(2026, 9, 1), "2wap7", "Launch", "USD", Decimal("41.27"), 18342, 301))

Days in the data are the account's local days (its `timezones` entry, default UTC).

Serves
- GET /12/accounts/{id}                     the account (timezone, name, ...)
- GET /12/accounts/{id}/campaigns?count=N[&cursor=C][&with_deleted=true]
  cursor paging (`next_cursor`, null on the last page); page size = min(count, the fake's `campaign_page_size`);
  campaigns added with `add_campaign(..., deleted=True)` only with `with_deleted=true`.
- GET /12/stats/accounts/{id}?entity=CAMPAIGN&entity_ids=a,b&start_time=...&end_time=...&granularity=DAY
      &placement=ALL_ON_TWITTER&metric_groups=ENGAGEMENT,BILLING,WEB_CONVERSION
  one array element per local day (end exclusive); a metric without activity over the whole window is null;
  spend `billed_charge_local_micro` and `conversion_purchases.sale_amount` in micros; `url_clicks` below `clicks`.
  Other placements serve nothing (all null). granularity TOTAL gives one bucket.

Organic posts (X API v2; `put_posts(user_id, PostFact(...))`, ids the tweet ids):
- GET /2/users/{id}/tweets?max_results=N&start_time=...Z&end_time=...Z[&exclude=retweets]
      &tweet.fields=created_at,text,public_metrics,organic_metrics[&pagination_token=T]
  the user's posts in [start_time, end_time), newest first, min(max_results, `tweets_page_size`) a page,
  `meta.next_token` while more follow; `data` absent when there are none. `organic_metrics` (and
  `non_public_metrics`) only for posts less than 30 days older than `now` (when set; else every post), as X does.
  An unknown user is 404 with X v2's problem shape.

Validates: `Authorization: OAuth ...` with the expected consumer key and token (and, when oauthlib is installed and
`verify_signature` is on, the HMAC-SHA1 signature; timestamps are not checked); stats: entity CAMPAIGN, 1..20
entity_ids of the account, whole-hour times at midnight of the account's timezone, end after start, at most 7 days,
one placement, known metric groups (MOBILE_CONVERSION alone). 400 errors use X's `{"errors":[...],"request":...}`.
Every response carries x-rate-limit-limit/remaining/reset (reset = `rate_limit_reset`, epoch seconds).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, unquote
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Request, Response

from tests.fakes.data import CampaignDay, PostFact, json_number, micros
from tests.fakes.server import PlatformFake, RecordedRequest

try:  # signature checking is optional
    from oauthlib.oauth1.rfc5849 import signature as oauth_signature
except ImportError:  # pragma: no cover
    oauth_signature = None

DEFAULT_RESET = 1788221700  # 2026-09-01T00:15:00Z
METRIC_GROUPS = {
    "ENGAGEMENT",
    "BILLING",
    "VIDEO",
    "WEB_CONVERSION",
    "MOBILE_CONVERSION",
    "LIFE_TIME_VALUE_MOBILE_CONVERSION",
}
PLACEMENTS = {"ALL_ON_TWITTER", "PUBLISHER_NETWORK", "SPOTLIGHT", "TREND"}
CONVERSION_PARTS = ("metric", "order_quantity", "sale_amount", "post_view", "post_engagement", "assisted")
WEB_CONVERSIONS = (
    "conversion_purchases",
    "conversion_sign_ups",
    "conversion_site_visits",
    "conversion_downloads",
    "conversion_custom",
)
VIDEO_METRICS = (
    "video_total_views",
    "video_views_25",
    "video_views_50",
    "video_views_75",
    "video_views_100",
    "video_3s100pct_views",
    "video_6s_views",
    "video_15s_views",
    "video_cta_clicks",
    "video_content_starts",
    "video_mrc_views",
)
MOBILE_CONVERSIONS = (
    "mobile_conversion_installs",
    "mobile_conversion_purchases",
    "mobile_conversion_sign_ups",
    "mobile_conversion_re_engages",
)
RATE_LIMITS = {"stats": 250, "entity": 10_000}


class TwitterFake(PlatformFake):
    name = "twitter"
    path_pattern = re.compile(r"^/\d+/(accounts|stats|users)/")

    def __init__(
        self,
        accounts: dict[str, Iterable[CampaignDay]] | None = None,
        *,
        consumer_key: str,
        consumer_secret: str,
        access_token: str,
        access_secret: str,
        timezones: dict[str, str] | None = None,
        campaign_page_size: int = 1000,
        verify_signature: bool | None = None,
        rate_limit_reset: int = DEFAULT_RESET,
    ):
        super().__init__(accounts)
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.access_token = access_token
        self.access_secret = access_secret
        self.timezones: dict[str, str] = dict(timezones or {})
        self.campaign_page_size = campaign_page_size
        if verify_signature and oauth_signature is None:
            raise RuntimeError("verify_signature needs oauthlib installed")
        self.verify_signature = oauth_signature is not None if verify_signature is None else verify_signature
        self.rate_limit_reset = rate_limit_reset
        self.calls = {family: 0 for family in RATE_LIMITS}
        self.tweets_page_size = 100
        self.now: datetime | None = None  # organic metrics only for posts of the 30 days before it

    def add_account(self, account_id: str, days: Iterable[CampaignDay] = (), timezone: str | None = None):
        if timezone is not None:
            self.timezones[str(account_id)] = timezone
        return super().add_account(account_id, days)

    def zone(self, account_id: str) -> ZoneInfo:
        return ZoneInfo(self.timezones.get(account_id, "UTC"))

    # --- canned errors -----------------------------------------------------------------------------------------------
    def rate_limited(self, reset_epoch: int, times: int = 1, when=lambda request: True) -> TwitterFake:
        return self._queue(
            429,
            {"errors": [{"code": "TOO_MANY_REQUESTS", "message": "Rate limit exceeded"}]},
            {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset_epoch)},
            times,
            when,
        )

    def over_capacity(self, retry_after: int, times: int = 1, when=lambda request: True) -> TwitterFake:
        return self._queue(
            503,
            {"errors": [{"code": "OVER_CAPACITY", "message": "Service is temporarily over capacity"}]},
            {"retry-after": str(retry_after)},
            times,
            when,
        )

    def unauthorized(self, times: int = 1, when=lambda request: True) -> TwitterFake:
        return self._queue(401, UNAUTHORIZED, None, times, when)

    def server_error(self, status: int = 500, times: int = 1, when=lambda request: True) -> TwitterFake:
        code = "SERVICE_UNAVAILABLE" if status == 503 else "INTERNAL_ERROR"
        return self._queue(status, {"errors": [{"code": code, "message": "Internal error"}]}, None, times, when)

    # --- HTTP ---------------------------------------------------------------------------------------------------------
    def default_headers(self, request: RecordedRequest) -> dict[str, str]:
        family = "stats" if "/stats/" in request.path else "entity"
        limit = RATE_LIMITS[family]
        self.calls[family] += 1
        return {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(max(0, limit - self.calls[family])),
            "x-rate-limit-reset": str(self.rate_limit_reset),
            "x-account-rate-limit-limit": str(limit),
            "x-account-rate-limit-remaining": str(max(0, limit - self.calls[family])),
            "x-account-rate-limit-reset": str(self.rate_limit_reset),
        }

    def handle(self, request: RecordedRequest, raw: Request) -> Response:
        if not self._authenticated(request, raw):
            return self.respond(request, 401, UNAUTHORIZED)
        if request.method != "GET":
            return self._error(request, 405, "METHOD_NOT_ALLOWED", "Only GET is supported by this fake")
        params = dict(parse_qsl(request.query_string, keep_blank_values=True))
        match = re.fullmatch(r"/2/users/([^/]+)/tweets", request.path)
        if match:
            return self._tweets(request, match.group(1), params)
        match = re.fullmatch(r"/\d+/stats/accounts/([^/]+)", request.path)
        if match:
            return self._stats(request, match.group(1), params)
        match = re.fullmatch(r"/\d+/accounts/([^/]+)/campaigns", request.path)
        if match:
            return self._campaigns(request, match.group(1), params)
        match = re.fullmatch(r"/\d+/accounts/([^/]+)", request.path)
        if match:
            return self._account(request, match.group(1))
        return self._error(request, 404, "NOT_FOUND", f"The requested resource {request.path} could not be found")

    def _error(self, request, status: int, code: str, message: str, parameter: str | None = None, params=None):
        error: dict[str, Any] = {"code": code, "message": message}
        if parameter is not None:
            error = {
                "parameter": parameter,
                "details": message,
                "code": code,
                "value": (params or {}).get(parameter, ""),
                "message": message,
            }
        return self.respond(request, status, {"errors": [error], "request": {"params": params or {}}})

    def _authenticated(self, request: RecordedRequest, raw: Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("OAuth "):
            return False
        oauth = {key: unquote(value) for key, value in re.findall(r'(\w+)="([^"]*)"', header[len("OAuth ") :])}
        if oauth.get("oauth_consumer_key") != self.consumer_key or oauth.get("oauth_token") != self.access_token:
            return False
        if oauth.get("oauth_signature_method") != "HMAC-SHA1" or not oauth.get("oauth_signature"):
            return False
        if not oauth.get("oauth_nonce") or not oauth.get("oauth_timestamp"):
            return False
        if not self.verify_signature:
            return True
        raw_uri = raw.environ.get("RAW_URI") or raw.environ.get("REQUEST_URI") or request.path
        uri = f"{raw.scheme}://{raw.host}{raw_uri.split('?', 1)[0]}"
        body = None
        if request.body and "application/x-www-form-urlencoded" in request.headers.get("Content-Type", ""):
            body = request.body.decode("utf-8")
        params = oauth_signature.collect_parameters(
            uri_query=request.query_string, body=body, headers={"Authorization": header}, exclude_oauth_signature=True
        )
        base = oauth_signature.signature_base_string(
            request.method, oauth_signature.base_string_uri(uri), oauth_signature.normalize_parameters(params)
        )
        secrets = SimpleNamespace(client_secret=self.consumer_secret, resource_owner_secret=self.access_secret)
        expected = oauth_signature.sign_hmac_sha1_with_client(base, secrets)
        return oauth_signature.safe_string_equals(expected, oauth["oauth_signature"])

    def _tweets(self, request: RecordedRequest, user_id: str, params: dict[str, str]) -> Response:
        """X API v2 user timeline (its errors use the v2 problem shape, not the Ads API's)."""
        def problem(status: int, detail: str) -> Response:
            return self.respond(request, status, {"errors": [{"parameters": {}, "message": detail}],
                                                  "title": "Invalid Request", "detail": detail,
                                                  "type": "https://api.twitter.com/2/problems/invalid-request"})

        if user_id not in self.posts:
            return self.respond(request, 404, {"title": "Not Found Error", "detail": f"Could not find user {user_id}",
                                               "type": "https://api.twitter.com/2/problems/resource-not-found"})
        try:
            count = int(params.get("max_results", "10"))
            if not 5 <= count <= 100:
                raise ValueError
        except ValueError:
            return problem(400, "The `max_results` query parameter value is not between 5 and 100")
        fields = set(filter(None, params.get("tweet.fields", "").split(",")))
        if fields - TWEET_FIELDS:
            return problem(400, f"The `tweet.fields` query parameter value {sorted(fields - TWEET_FIELDS)} is not one of "
                                f"{sorted(TWEET_FIELDS)}")
        bounds = {}
        for name in ("start_time", "end_time"):
            if name in params:
                if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", params[name]):
                    return problem(400, f"Invalid '{name}':'{params[name]}'. '{name}' must be a RFC 3339 timestamp")
                bounds[name] = datetime.fromisoformat(params[name].replace("Z", "+00:00"))
        posts = [post for post in self.page_posts(user_id)
                 if bounds.get("start_time", post.published_at) <= post.published_at
                 and ("end_time" not in bounds or post.published_at < bounds["end_time"])]
        try:
            offset = _offset(params["pagination_token"]) if "pagination_token" in params else 0
        except ValueError:
            return problem(400, "The `pagination_token` query parameter value is not valid")
        size = min(count, self.tweets_page_size)
        page = posts[offset : offset + size]
        if not page:
            return self.respond(request, 200, {"meta": {"result_count": 0}})
        data = [_tweet(post, fields, self.now is None or self.now - post.published_at <= timedelta(days=30))
                for post in page]
        meta: dict[str, Any] = {"result_count": len(page), "newest_id": page[0].post_id, "oldest_id": page[-1].post_id}
        if offset + size < len(posts):
            meta["next_token"] = _cursor(offset + size)
        return self.respond(request, 200, {"data": data, "meta": meta})

    def _account(self, request: RecordedRequest, account_id: str) -> Response:
        if account_id not in self.accounts:
            return self._error(request, 404, "NOT_FOUND", "The requested resource could not be found")
        return self.respond(
            request,
            200,
            {
                "request": {"params": {"account_id": account_id}},
                "data_type": "account",
                "data": {
                    "id": account_id,
                    "name": f"Account {account_id}",
                    "business_name": None,
                    "timezone": self.timezones.get(account_id, "UTC"),
                    "timezone_switch_at": "2020-01-01T08:00:00Z",
                    "industry_type": None,
                    "approval_status": "ACCEPTED",
                    "salt": "f" * 32,
                    "created_at": "2020-01-01T08:00:00Z",
                    "updated_at": "2026-01-01T08:00:00Z",
                    "deleted": False,
                },
            },
        )

    def _campaigns(self, request: RecordedRequest, account_id: str, params: dict[str, str]) -> Response:
        echo: dict[str, Any] = {"account_id": account_id}
        if account_id not in self.accounts:
            return self._error(request, 404, "NOT_FOUND", "The requested resource could not be found")
        try:
            count = int(params.get("count", "200"))
            if not 1 <= count <= 1000:
                raise ValueError
        except ValueError:
            return self._error(request, 400, "INVALID_PARAMETER", "count must be between 1 and 1000", "count", params)
        echo["count"] = count
        with_deleted = params.get("with_deleted", "false").lower() == "true"
        if "with_deleted" in params:
            echo["with_deleted"] = with_deleted
        offset = 0
        if "cursor" in params:
            echo["cursor"] = params["cursor"]
            try:
                offset = _offset(params["cursor"])
            except ValueError:
                return self._error(request, 400, "INVALID_PARAMETER", "Invalid cursor", "cursor", params)
        campaigns = [info for info in self.campaign_list(account_id) if with_deleted or not info.extra.get("deleted")]
        size = min(count, self.campaign_page_size)
        page = campaigns[offset : offset + size]
        data = []
        for info in page:
            days = [row.day for row in self.accounts[account_id] if row.campaign_id == info.campaign_id]
            status = info.status or "ACTIVE"
            data.append(
                {
                    "id": info.campaign_id,
                    "name": info.name,
                    "account_id": account_id,
                    "currency": info.currency or "USD",
                    "entity_status": status,
                    "effective_status": "RUNNING" if status == "ACTIVE" else status,
                    "servable": status == "ACTIVE",
                    "reasons_not_servable": [] if status == "ACTIVE" else ["PAUSED_BY_ADVERTISER"],
                    "funding_instrument_id": "lygyi",
                    "daily_budget_amount_local_micro": 100_000_000,
                    "total_budget_amount_local_micro": None,
                    "standard_delivery": True,
                    "frequency_cap": None,
                    "duration_in_days": None,
                    "purchase_order_number": None,
                    "start_time": f"{min(days):%Y-%m-%d}T07:00:00Z" if days else None,
                    "end_time": None,
                    "created_at": "2026-01-01T08:00:00Z",
                    "updated_at": "2026-01-01T08:00:00Z",
                    "deleted": bool(info.extra.get("deleted", False)),
                }
            )
        more = offset + size < len(campaigns)
        return self.respond(
            request,
            200,
            {
                "request": {"params": echo},
                "data": data,
                "data_type": "campaign",
                "total_count": len(campaigns),
                "next_cursor": _cursor(offset + size) if more else None,
            },
        )

    def _stats(self, request: RecordedRequest, account_id: str, params: dict[str, str]) -> Response:
        def bad(message: str, parameter: str, code: str = "INVALID_PARAMETER") -> Response:
            return self._error(request, 400, code, message, parameter, {"account_id": account_id, **params})

        if account_id not in self.accounts:
            return self._error(request, 404, "NOT_FOUND", "The requested resource could not be found")
        for required in ("entity", "entity_ids", "start_time", "end_time", "granularity", "placement", "metric_groups"):
            if not params.get(required):
                return bad(f"{required} is required", required)
        if params["entity"] != "CAMPAIGN":
            return bad(f"entity must be CAMPAIGN in this fake, got {params['entity']}", "entity")
        entity_ids = params["entity_ids"].split(",")
        if len(entity_ids) > 20:
            return bad(f"Expected no more than 20 entity_ids, got {len(entity_ids)}", "entity_ids")
        known = {info.campaign_id for info in self.campaign_list(account_id)}
        unknown = [entity_id for entity_id in entity_ids if entity_id not in known]
        if unknown:
            return bad(f"entity_ids {','.join(unknown)} are not campaigns of account {account_id}", "entity_ids")
        granularity = params["granularity"]
        if granularity not in ("DAY", "TOTAL"):
            return bad(f"granularity must be DAY or TOTAL in this fake, got {granularity}", "granularity")
        placement = params["placement"]
        if placement not in PLACEMENTS:
            return bad(f"Expected one of {sorted(PLACEMENTS)}, got {placement}", "placement")
        groups = params["metric_groups"].split(",")
        if set(groups) - METRIC_GROUPS:
            return bad(f"Unknown metric_groups {sorted(set(groups) - METRIC_GROUPS)}", "metric_groups")
        if "MOBILE_CONVERSION" in groups and len(groups) > 1:
            return bad("MOBILE_CONVERSION must be requested separately from other metric_groups", "metric_groups")
        zone = self.zone(account_id)
        times = {}
        for name in ("start_time", "end_time"):
            moment = _parse_time(params[name], zone)
            if moment is None:
                return bad(f'Expected time, got "{params[name]}" for {name}', name)
            if moment.minute or moment.second or moment.microsecond:
                return bad(f"{name} must be expressed in whole hours, got {params[name]}", name)
            local = moment.astimezone(zone)
            if granularity == "DAY" and (local.hour or local.minute):
                return bad(
                    f"{name} must be midnight in the account's timezone ({zone.key}) for DAY granularity, "
                    f"got {params[name]} ({local:%Y-%m-%dT%H:%M%z} local)",
                    name,
                )
            times[name] = moment
        start, end = times["start_time"], times["end_time"]
        if end <= start:
            return bad("end_time must be after start_time", "end_time")
        first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
        days = [first + timedelta(n) for n in range((last - first).days)] if granularity == "DAY" else None
        if (last - first).days > 7 or end - start > timedelta(days=7, hours=1):
            return bad("The time range between start_time and end_time must not exceed 7 days", "end_time")
        if days is None:
            days = [first + timedelta(n) for n in range(max(1, (last - first).days))]
        serves = placement == "ALL_ON_TWITTER"
        facts = {
            (row.campaign_id, row.day): row
            for row in self.accounts[account_id]
            if serves and row.delivered and start <= _local_midnight(row.day, zone) < end
        }
        data = []
        for entity_id in entity_ids:
            per_day = [facts.get((entity_id, day)) for day in days]
            metrics = self.as_answered(_metrics(per_day, groups, total=granularity == "TOTAL"))
            data.append({"id": entity_id, "id_data": [{"segment": None, "metrics": metrics}]})
        echo = {
            "start_time": _z(start),
            "end_time": _z(end),
            "entity": "CAMPAIGN",
            "entity_ids": entity_ids,
            "granularity": granularity,
            "placement": placement,
            "metric_groups": groups,
            "segmentation_type": None,
            "country": None,
            "platform": None,
        }
        length = 1 if granularity == "TOTAL" else len(days)
        return self.respond(
            request,
            200,
            {"data_type": "stats", "time_series_length": length, "data": data, "request": {"params": echo}},
        )


def _tweet(post: PostFact, fields: set[str], organic: bool) -> dict[str, Any]:
    tweet: dict[str, Any] = {"id": post.post_id, "text": post.text, "edit_history_tweet_ids": [post.post_id]}
    if "created_at" in fields:
        tweet["created_at"] = post.published_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if "public_metrics" in fields:  # promoted delivery included: a little more than the organic numbers
        tweet["public_metrics"] = {"retweet_count": post.shares, "reply_count": post.comments,
                                   "like_count": post.reactions + 1, "quote_count": 0, "bookmark_count": 0,
                                   "impression_count": post.impressions + 100}
    if organic and "organic_metrics" in fields:
        tweet["organic_metrics"] = {"impression_count": post.impressions, "like_count": post.reactions,
                                    "reply_count": post.comments, "retweet_count": post.shares,
                                    "url_link_clicks": post.clicks, "user_profile_clicks": post.clicks // 2}
    if organic and "non_public_metrics" in fields:
        tweet["non_public_metrics"] = {"impression_count": post.impressions + 100, "url_link_clicks": post.clicks,
                                       "user_profile_clicks": post.clicks // 2}
    return tweet


def _parse_time(text: str, zone: ZoneInfo) -> datetime | None:
    if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
        day = date.fromisoformat(text)
        return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(timezone.utc)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if "T" not in text:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(timezone.utc)


def _z(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _series(values: list[int], total: bool) -> list[int] | None:
    """Per-bucket values, or null when there was no activity over the whole window."""
    if not any(values):
        return None
    return [sum(values)] if total else values


def _metrics(per_day: list[CampaignDay | None], groups: list[str], total: bool) -> dict[str, Any]:
    def column(pick) -> list:
        return [pick(row) if row is not None else 0 for row in per_day]

    metrics: dict[str, Any] = {}
    if "ENGAGEMENT" in groups:
        likes = column(lambda r: r.impressions // 500)
        retweets = column(lambda r: r.impressions // 2000)
        replies = column(lambda r: r.impressions // 5000)
        clicks = column(lambda r: r.clicks)
        metrics.update(
            impressions=_series(column(lambda r: r.impressions), total),
            engagements=_series([sum(counts) for counts in zip(clicks, likes, retweets, replies, strict=True)], total),
            clicks=_series(clicks, total),
            url_clicks=_series(column(lambda r: r.clicks * 9 // 10), total),
            retweets=_series(retweets, total),
            likes=_series(likes, total),
            replies=_series(replies, total),
            follows=None,
            unfollows=None,
            app_clicks=None,
            card_engagements=None,
            qualified_impressions=None,
            tweets_send=None,
            poll_card_vote=None,
            carousel_swipes=None,
        )
    if "BILLING" in groups:
        metrics.update(
            billed_engagements=_series(column(lambda r: r.clicks * 9 // 10), total),
            billed_charge_local_micro=_series(column(lambda r: micros(r.spend)), total),
        )
    if "VIDEO" in groups:
        metrics.update({name: None for name in VIDEO_METRICS})
    if "WEB_CONVERSION" in groups:
        purchases = column(lambda r: json_number(r.conversions))
        parts = {
            "metric": purchases,
            "order_quantity": purchases,
            "sale_amount": column(lambda r: micros(r.revenue)),
            "post_view": [0] * len(per_day),
            "post_engagement": purchases,
            "assisted": [0] * len(per_day),
        }
        metrics["conversion_purchases"] = {part: _series(parts[part], total) for part in CONVERSION_PARTS}
        for name in WEB_CONVERSIONS[1:]:
            metrics[name] = {part: None for part in CONVERSION_PARTS}
    if "MOBILE_CONVERSION" in groups:
        for name in MOBILE_CONVERSIONS:
            metrics[name] = {
                "post_view": None,
                "post_engagement": None,
                "assisted": None,
                "order_quantity": None,
                "sale_amount": None,
            }
    if "LIFE_TIME_VALUE_MOBILE_CONVERSION" in groups:
        metrics["mobile_conversion_lifetime_value_purchases"] = None
    return metrics


TWEET_FIELDS = {"attachments", "author_id", "conversation_id", "created_at", "entities", "id", "lang",
                "non_public_metrics", "organic_metrics", "public_metrics", "text"}


def _cursor(offset: int) -> str:
    return "c-" + base64.b32encode(f"{offset:08d}".encode()).decode().rstrip("=").lower()


def _offset(cursor: str) -> int:
    if not cursor.startswith("c-"):
        raise ValueError(cursor)
    text = cursor[2:].upper()
    try:
        return int(base64.b32decode(text + "=" * (-len(text) % 8)).decode())
    except Exception:
        raise ValueError(cursor) from None


UNAUTHORIZED = {
    "errors": [{"code": "UNAUTHORIZED_ACCESS", "message": "This request is not properly authenticated"}],
    "request": {"params": {}},
}
