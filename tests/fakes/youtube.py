"""Fake Google Ads API (REST) for YouTube video campaigns, plus Google's OAuth token endpoint.

    google = GoogleAdsFake(developer_token="dev", login_customer_id="9999999999", access_tokens={"ya29.static"},
                           client_id="cid", client_secret="csecret", refresh_token="rtoken", batch_size=2)
    google.put("1234567890", CampaignDay(date(2026, 9, 1), "21456789012", "Brand video", "EUR",
                                         Decimal("142.57"), 12345, 204, Decimal(2), Decimal(180)))
    google.add_campaign("1234567890", "555", "Search", channel_type="SEARCH")   # excluded by the VIDEO filter

Serves
- POST /v{N}/customers/{id}/googleAds:searchStream   JSON body {"query": "<GAQL>"}
  A JSON ARRAY of batches of `batch_size` rows: {"results":[...],"fieldMask":"...","requestId":"..."}; no rows gives
  one batch without `results`. lowerCamelCase keys, int64 as strings (campaign.id, costMicros, impressions, clicks,
  videoTrueviewViews), doubles as numbers (conversions, conversionsValue), zero metrics omitted (proto3 JSON) when
  `omit_zero` (default). Rows only for campaign-days with delivery.
- POST /token   form grant_type=refresh_token&client_id&client_secret&refresh_token ->
  {"access_token":"ya29.fake-N","expires_in":3599,"scope":...,"token_type":"Bearer"}; the issued token is then
  accepted. `expire_access_tokens()` forgets the issued ones.

GAQL understood: SELECT <known fields> FROM campaign WHERE <conditions joined by AND> [ORDER BY f [ASC|DESC]]
[LIMIT n]; conditions `segments.date BETWEEN 'a' AND 'b'`, `segments.date >=/<=/>/</= 'd'` (YYYY-MM-DD or YYYYMMDD),
`campaign.advertising_channel_type = 'VIDEO'` / `= VIDEO` / `IN ('VIDEO')`, and `=, !=, <, <=, >, >=, IN, NOT IN`
on any selectable field. The date range and the VIDEO filter are required (400 otherwise); so is FROM campaign.
`metrics.video_views` is rejected from v22 on (UNRECOGNIZED_FIELD), like the real API.

YouTube Data API v3 (organic videos; `put_posts(channel_id, PostFact(video_id, ...))`, served with its
`video_views` as viewCount; the same OAuth access tokens; no developer token expected):
- GET /youtube/v3/channels?part=contentDetails&id={channel}   relatedPlaylists.uploads = "UU" + the id after "UC"
- GET /youtube/v3/playlistItems?part=contentDetails&playlistId=UU...&maxResults=N[&pageToken=T]
  the uploads newest first, min(maxResults, `uploads_page_size`) a page, `nextPageToken` while more follow
- GET /youtube/v3/videos?part=snippet,statistics&id=a,b   (at most 50 ids) statistics as strings; likeCount
  absent for videos in `hidden_likes`
- canned `quota_exceeded()` (403 quotaExceeded) and `youtube_rate_limited()` (403 rateLimitExceeded)

Validates: `Authorization: Bearer` (401 UNAUTHENTICATED), `developer-token` (401 DEVELOPER_TOKEN_INVALID / 400
DEVELOPER_TOKEN_PARAMETER_MISSING), `login-customer-id` present and digits only (and equal to `login_customer_id` when
set), customer id in the path digits only, the JSON body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timezone
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.wrappers import Request, Response

from tests.fakes.data import CampaignDay, CampaignInfo, micros
from tests.fakes.server import PlatformFake, RecordedRequest

# GAQL field -> (kind, JSON path). kind: "int64" string, "double" number, "string", "enum", "date".
FIELDS: dict[str, str] = {
    "segments.date": "date",
    "campaign.id": "int64",
    "campaign.name": "string",
    "campaign.status": "enum",
    "campaign.advertising_channel_type": "enum",
    "campaign.resource_name": "string",
    "customer.id": "int64",
    "customer.currency_code": "string",
    "customer.descriptive_name": "string",
    "customer.time_zone": "string",
    "customer.resource_name": "string",
    "metrics.cost_micros": "int64",
    "metrics.impressions": "int64",
    "metrics.clicks": "int64",
    "metrics.video_trueview_views": "int64",
    "metrics.conversions": "double",
    "metrics.conversions_value": "double",
}
REMOVED_FIELDS = {"metrics.video_views": 22, "metrics.average_cpv": 22}  # rejected from this version on

QUERY = re.compile(
    r"^\s*SELECT\s+(?P<select>.+?)\s+FROM\s+(?P<resource>\w+)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?(?:\s+ORDER\s+BY\s+(?P<order>.+?))?(?:\s+LIMIT\s+(?P<limit>\d+))?"
    r"(?:\s+PARAMETERS\s+(?P<parameters>.+?))?\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
VALUE = r"(?:'[^']*'|\"[^\"]*\"|[\w.\-]+)"
CONDITION = re.compile(
    rf"^(?P<field>[a-z_.]+)\s*(?:(?P<op>!=|>=|<=|=|>|<)\s*(?P<value>{VALUE})"
    rf"|\s(?P<between>BETWEEN)\s+(?P<low>{VALUE})\s+AND\s+(?P<high>{VALUE})"
    rf"|\s(?P<in>NOT\s+IN|IN)\s*\((?P<items>[^)]*)\))$",
    re.IGNORECASE | re.DOTALL,
)


class GaqlError(ValueError):
    def __init__(self, code: dict[str, str], message: str):
        super().__init__(message)
        self.code = code


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _literal(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _date(text: str) -> str:
    value = _literal(text)
    try:
        if re.fullmatch(r"\d{8}", value):
            return date(int(value[:4]), int(value[4:6]), int(value[6:])).isoformat()
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise GaqlError({"dateRangeError": "INVALID_DATE"}, f"Invalid date literal {value!r}") from None


def _split_and(where: str) -> list[str]:
    """Split on AND, except the AND of a BETWEEN."""
    parts, current, between = [], [], False
    for token in re.split(r"(\s+AND\s+|\s+BETWEEN\s+)", where, flags=re.IGNORECASE):
        upper = token.strip().upper()
        if upper == "BETWEEN":
            between = True
            current.append(token)
        elif upper == "AND" and not between:
            parts.append("".join(current).strip())
            current = []
        else:
            if upper == "AND":
                between = False
            current.append(token)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


class GoogleAdsFake(PlatformFake):
    name = "youtube"
    path_pattern = re.compile(r"^(/v\d+/customers/|/token$|/youtube/v3/)")
    ascii_json = False

    def __init__(
        self,
        accounts: dict[str, Iterable[CampaignDay]] | None = None,
        *,
        developer_token: str,
        login_customer_id: str | None = None,
        access_tokens: Iterable[str] = (),
        client_id: str | None = None,
        client_secret: str | None = None,
        refresh_token: str | None = None,
        batch_size: int = 10_000,
        omit_zero: bool = True,
        timezones: dict[str, str] | None = None,
    ):
        super().__init__(accounts)
        self.developer_token = developer_token
        self.login_customer_id = login_customer_id
        self.access_tokens = set(access_tokens)
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.batch_size = batch_size
        self.omit_zero = omit_zero
        self.timezones = dict(timezones or {})
        self.issued_tokens: list[str] = []
        self._requests = 0
        self.uploads_page_size = 50
        self.hidden_likes: set[str] = set()

    @property
    def token_url(self) -> str:
        assert self.platforms is not None, "register the fake first"
        return self.platforms.base_url + "/token"

    def expire_access_tokens(self) -> None:
        """Forget the tokens issued by /token: the next searchStream with one of them gets 401 UNAUTHENTICATED."""
        self.access_tokens -= set(self.issued_tokens)

    # --- canned errors -----------------------------------------------------------------------------------------------
    def quota_exhausted(self, retry_seconds: int = 40591, times: int = 1, when=lambda request: True) -> GoogleAdsFake:
        return self._queue(
            429, lambda request: self._quota_body(request, "RESOURCE_EXHAUSTED", retry_seconds), None, times, when
        )

    def temporarily_exhausted(self, seconds: int = 30, times: int = 1, when=lambda request: True) -> GoogleAdsFake:
        return self._queue(
            429, lambda request: self._quota_body(request, "RESOURCE_TEMPORARILY_EXHAUSTED", seconds), None, times, when
        )

    def unauthenticated(self, times: int = 1, when=lambda request: True) -> GoogleAdsFake:
        return self._queue(401, UNAUTHENTICATED, None, times, when)

    def internal_error(self, status: int = 500, times: int = 1, when=lambda request: True) -> GoogleAdsFake:
        body = {
            "error": {
                "code": status,
                "message": "Internal error encountered.",
                "status": "INTERNAL" if status == 500 else "UNAVAILABLE",
            }
        }
        return self._queue(status, body, None, times, when)

    def _quota_body(self, request: RecordedRequest, error: str, seconds: int) -> dict:
        return {
            "error": {
                "code": 429,
                "message": "Resource has been exhausted (e.g. check quota).",
                "status": "RESOURCE_EXHAUSTED",
                "details": [
                    {
                        "@type": _failure_type(request),
                        "errors": [
                            {
                                "errorCode": {"quotaError": error},
                                "message": f"Too many requests. Retry in {seconds} seconds.",
                                "details": {
                                    "quotaErrorDetails": {
                                        "rateScope": "DEVELOPER",
                                        "rateName": "Number of operations for basic access",
                                        "retryDelay": f"{seconds}s",
                                    }
                                },
                            }
                        ],
                        "requestId": self._request_id(),
                    }
                ],
            }
        }

    def quota_exceeded(self, times: int = 1, when=lambda request: True) -> GoogleAdsFake:
        return self._queue(403, _data_api_error(403, "quotaExceeded", "youtube.quota",
                                                "The request cannot be completed because you have exceeded your "
                                                "<a href=\"/youtube/v3/getting-started#quota\">quota</a>."),
                           None, times, when)

    def youtube_rate_limited(self, times: int = 1, when=lambda request: True) -> GoogleAdsFake:
        return self._queue(403, _data_api_error(403, "rateLimitExceeded", "youtube.quota",
                                                "The request cannot be completed because you have exceeded your quota."),
                           None, times, when)

    def _request_id(self) -> str:
        self._requests += 1
        return f"fakeReq{self._requests:09d}"

    def _failure(
        self, request: RecordedRequest, status: int, grpc: str, message: str, code: dict[str, str], detail: str
    ) -> Response:
        return self.respond(
            request,
            status,
            {
                "error": {
                    "code": status,
                    "message": message,
                    "status": grpc,
                    "details": [
                        {
                            "@type": _failure_type(request),
                            "errors": [{"errorCode": code, "message": detail}],
                            "requestId": self._request_id(),
                        }
                    ],
                }
            },
        )

    def _invalid(self, request: RecordedRequest, code: dict[str, str], detail: str) -> Response:
        return self._failure(request, 400, "INVALID_ARGUMENT", "Request contains an invalid argument.", code, detail)

    # --- HTTP ---------------------------------------------------------------------------------------------------------
    def handle(self, request: RecordedRequest, raw: Request) -> Response:
        if request.path == "/token":
            return self._token(request)
        if request.path.startswith("/youtube/v3/"):
            return self._data_api(request)
        match = re.fullmatch(r"/v(\d+)/customers/([^/]+)/googleAds:(searchStream|search)", request.path)
        if not match:
            return self.respond(
                request, 404, {"error": {"code": 404, "message": f"{request.path} not found", "status": "NOT_FOUND"}}
            )
        if request.method != "POST":
            return self.respond(
                request, 405, {"error": {"code": 405, "message": "Method not allowed", "status": "UNIMPLEMENTED"}}
            )
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[len("Bearer ") :] not in self.access_tokens:
            return self.respond(request, 401, UNAUTHENTICATED)
        developer_token = request.headers.get("developer-token")
        if not developer_token:
            return self._invalid(
                request,
                {"authenticationError": "DEVELOPER_TOKEN_PARAMETER_MISSING"},
                "The developer token is not present in the request.",
            )
        if developer_token != self.developer_token:
            return self._failure(
                request,
                401,
                "UNAUTHENTICATED",
                "Request is missing required authentication credential.",
                {"authenticationError": "DEVELOPER_TOKEN_INVALID"},
                "The developer token is not valid.",
            )
        login = request.headers.get("login-customer-id")
        if login is None or not login.isdigit():
            return self._invalid(
                request,
                {"authenticationError": "LOGIN_CUSTOMER_ID_PARAMETER_INVALID"},
                f"The login-customer-id header must be the manager's customer id, digits only (got {login!r}).",
            )
        version, customer_id, method = match.groups()
        if not customer_id.isdigit():
            return self._invalid(
                request, {"requestError": "INVALID_CUSTOMER_ID"}, f"Invalid customer ID '{customer_id}'."
            )
        if self.login_customer_id is not None and login != self.login_customer_id:
            return self._failure(
                request,
                403,
                "PERMISSION_DENIED",
                "The caller does not have permission",
                {"authorizationError": "USER_PERMISSION_DENIED"},
                "User doesn't have permission to access customer. Note: If you're accessing a client customer, the "
                "manager's customer id must be set in the 'login-customer-id' header.",
            )
        if customer_id not in self.accounts:
            return self._failure(
                request,
                403,
                "PERMISSION_DENIED",
                "The caller does not have permission",
                {"authorizationError": "USER_PERMISSION_DENIED"},
                "User doesn't have permission to access customer.",
            )
        if method != "searchStream":
            return self.respond(
                request,
                501,
                {
                    "error": {
                        "code": 501,
                        "message": "googleAds:search is not faked; use searchStream",
                        "status": "UNIMPLEMENTED",
                    }
                },
            )
        try:
            query = request.json()["query"]
            if not isinstance(query, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return self.respond(
                request,
                400,
                {
                    "error": {
                        "code": 400,
                        "message": 'Invalid JSON payload: expected {"query": "..."}',
                        "status": "INVALID_ARGUMENT",
                    }
                },
            )
        try:
            rows, selected = self._run(customer_id, query, int(version))
        except GaqlError as error:
            return self._invalid(request, error.code, str(error))
        field_mask = ",".join(".".join(_camel(part) for part in field.split(".")) for field in selected)
        request_id = self._request_id()
        batches = [
            {"results": rows[start : start + self.batch_size], "fieldMask": field_mask, "requestId": request_id}
            for start in range(0, len(rows), self.batch_size)
        ] or [{"fieldMask": field_mask, "requestId": request_id}]
        return self.respond(request, 200, batches)

    def _token(self, request: RecordedRequest) -> Response:
        if request.method != "POST":
            return self.respond(request, 405, {"error": "invalid_request", "error_description": "Use POST"})
        form = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        if form.get("grant_type") != "refresh_token":
            return self.respond(
                request,
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "Invalid grant_type: " + form.get("grant_type", ""),
                },
            )
        if (
            self.client_id is None
            or form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
        ):
            return self.respond(request, 401, {"error": "invalid_client", "error_description": "Unauthorized"})
        if form.get("refresh_token") != self.refresh_token:
            return self.respond(request, 400, {"error": "invalid_grant", "error_description": "Bad Request"})
        token = f"ya29.fake-{len(self.issued_tokens) + 1}"
        self.issued_tokens.append(token)
        self.access_tokens.add(token)
        return self.respond(
            request,
            200,
            {
                "access_token": token,
                "expires_in": 3599,
                "scope": "https://www.googleapis.com/auth/adwords",
                "token_type": "Bearer",
            },
        )

    # --- YouTube Data API --------------------------------------------------------------------------------------------
    def _data_api(self, request: RecordedRequest) -> Response:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[len("Bearer ") :] not in self.access_tokens:
            return self.respond(request, 401, _data_api_error(401, "authError", "global", "Invalid Credentials"))
        if request.method != "GET":
            return self.respond(request, 405, _data_api_error(405, "methodNotAllowed", "global", "Use GET"))
        params = dict(parse_qsl(request.query_string, keep_blank_values=True))
        resource = request.path[len("/youtube/v3/") :]
        if "part" not in params:
            return self.respond(request, 400, _data_api_error(400, "required", "global", "Required parameter: part"))
        if resource == "channels":
            items = [
                {"kind": "youtube#channel", "id": channel,
                 "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": "UU" + channel[2:]}}}
                for channel in params.get("id", "").split(",") if channel in self.posts
            ]
            return self.respond(request, 200, {"kind": "youtube#channelListResponse",
                                               "pageInfo": {"totalResults": len(items), "resultsPerPage": 5},
                                               "items": items})
        if resource == "playlistItems":
            return self._uploads(request, params)
        if resource == "videos":
            return self._videos(request, params)
        return self.respond(request, 404, _data_api_error(404, "notFound", "global", f"{resource} is not faked"))

    def _uploads(self, request: RecordedRequest, params: dict[str, str]) -> Response:
        playlist = params.get("playlistId", "")
        channel = "UC" + playlist[2:]
        if not playlist.startswith("UU") or channel not in self.posts:
            return self.respond(request, 404, _data_api_error(
                404, "playlistNotFound", "youtube.playlistItem",
                "The playlist identified with the request's <code>playlistId</code> parameter cannot be found."))
        try:
            count = int(params.get("maxResults", "5"))
            offset = int(params.get("pageToken", "PT0")[2:]) if "pageToken" in params else 0
            if not 0 <= count <= 50:
                raise ValueError
        except ValueError:
            return self.respond(request, 400, _data_api_error(400, "invalidParameter", "global", "maxResults or pageToken"))
        videos = self.page_posts(channel)
        size = min(count, self.uploads_page_size)
        page = videos[offset : offset + size]
        body: dict[str, Any] = {
            "kind": "youtube#playlistItemListResponse",
            "items": [{"kind": "youtube#playlistItem", "id": f"item-{video.post_id}",
                       "contentDetails": {"videoId": video.post_id, "videoPublishedAt": _z(video.published_at)}}
                      for video in page],
            "pageInfo": {"totalResults": len(videos), "resultsPerPage": size},
        }
        if offset + size < len(videos):
            body["nextPageToken"] = f"PT{offset + size}"
        return self.respond(request, 200, body)

    def _videos(self, request: RecordedRequest, params: dict[str, str]) -> Response:
        ids = [video for video in params.get("id", "").split(",") if video]
        if len(ids) > 50:
            return self.respond(request, 400, _data_api_error(400, "invalidFilters", "youtube.parameter",
                                                              "at most 50 video ids"))
        known = {post.post_id: (channel, post) for channel, posts in self.posts.items() for post in posts}
        items = []
        for video in ids:
            if video not in known:
                continue
            channel, post = known[video]
            statistics = {"viewCount": str(post.video_views), "favoriteCount": "0", "commentCount": str(post.comments)}
            if video not in self.hidden_likes:
                statistics["likeCount"] = str(post.reactions)
            items.append({"kind": "youtube#video", "id": video,
                          "snippet": {"publishedAt": _z(post.published_at), "channelId": channel, "title": post.text,
                                      "description": ""},
                          "statistics": statistics})
        return self.respond(request, 200, {"kind": "youtube#videoListResponse", "items": items,
                                           "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)}})

    # --- GAQL ---------------------------------------------------------------------------------------------------------
    def _run(self, customer_id: str, query: str, version: int) -> tuple[list[dict], list[str]]:
        match = QUERY.match(query)
        if not match:
            raise GaqlError({"queryError": "UNEXPECTED_END_OF_QUERY"}, f"Error in query: cannot parse {query!r}")
        if match.group("resource").lower() != "campaign":
            raise GaqlError({"queryError": "INVALID_RESOURCE_NAME"}, "This fake answers FROM campaign only")
        selected = [field.strip() for field in match.group("select").split(",") if field.strip()]
        for field in selected:
            self._check_field(field, version)
        conditions = [self._condition(text, version) for text in _split_and(match.group("where") or "")]
        low = high = None
        for field, op, values in conditions:
            if field != "segments.date":
                continue
            if op == "BETWEEN":
                low, high = values
            elif op in (">=", ">"):
                low = values[0] if op == ">=" else (date.fromisoformat(values[0]).toordinal() + 1)
            elif op in ("<=", "<"):
                high = values[0] if op == "<=" else (date.fromisoformat(values[0]).toordinal() - 1)
            elif op == "=":
                low = high = values[0]
            else:
                raise GaqlError({"queryError": "PROHIBITED_FIELD_IN_WHERE_CLAUSE"}, f"segments.date {op} is not faked")
        if low is None or high is None:
            raise GaqlError(
                {"queryError": "EXPECTED_FILTERS_ON_DATE_RANGE"},
                "Filters on segments.date must give a finite range (BETWEEN, or >= and <=).",
            )
        start = low if isinstance(low, int) else date.fromisoformat(low).toordinal()
        end = high if isinstance(high, int) else date.fromisoformat(high).toordinal()
        if end < start:
            raise GaqlError({"dateRangeError": "START_DATE_AFTER_END_DATE"}, "The start date was after the end date.")
        video = [
            values
            for field, op, values in conditions
            if field == "campaign.advertising_channel_type" and op in ("=", "IN") and set(values) == {"VIDEO"}
        ]
        if not video:
            raise GaqlError(
                {"requestError": "INVALID_INPUT"},
                "fake: the query must filter campaign.advertising_channel_type = 'VIDEO' (video campaigns only)",
            )
        infos = {info.campaign_id: info for info in self.campaign_list(customer_id)}
        rows = []
        for fact in self.delivered_days(customer_id, date.fromordinal(start), date.fromordinal(end)):
            info = infos[fact.campaign_id]
            values = self._values(customer_id, fact, info)
            if all(_holds(values[field], op, operands) for field, op, operands in conditions):
                rows.append(values)
        if match.group("order"):
            for clause in reversed(match.group("order").split(",")):
                field, *direction = clause.split()
                if field not in FIELDS:
                    raise GaqlError(
                        {"queryError": "UNRECOGNIZED_FIELD"}, f"Unrecognized field in the query: '{field}'."
                    )
                rows.sort(key=lambda values: values[field], reverse=bool(direction) and direction[0].upper() == "DESC")
        if match.group("limit"):
            rows = rows[: int(match.group("limit"))]
        return [self._json(values, selected) for values in rows], selected

    def _check_field(self, field: str, version: int) -> None:
        if field in REMOVED_FIELDS and version >= REMOVED_FIELDS[field]:
            raise GaqlError({"queryError": "UNRECOGNIZED_FIELD"}, f"Unrecognized field in the query: '{field}'.")
        if field not in FIELDS and field not in REMOVED_FIELDS:
            raise GaqlError({"queryError": "UNRECOGNIZED_FIELD"}, f"Unrecognized field in the query: '{field}'.")

    def _condition(self, text: str, version: int) -> tuple[str, str, list[str]]:
        match = CONDITION.match(text.strip())
        if not match:
            raise GaqlError({"queryError": "UNEXPECTED_INPUT"}, f"Error in WHERE clause: cannot parse {text!r}")
        field = match.group("field")
        self._check_field(field, version)
        convert = _date if field == "segments.date" else _literal
        if match.group("op"):
            return field, match.group("op"), [convert(match.group("value"))]
        if match.group("between"):
            return field, "BETWEEN", [convert(match.group("low")), convert(match.group("high"))]
        op = "NOT IN" if match.group("in").upper().startswith("NOT") else "IN"
        return field, op, [convert(item) for item in match.group("items").split(",") if item.strip()]

    def _values(self, customer_id: str, fact: CampaignDay, info: CampaignInfo) -> dict[str, Any]:
        return {
            "segments.date": fact.day.isoformat(),
            "campaign.id": int(fact.campaign_id),
            "campaign.name": fact.campaign_name,
            "campaign.status": info.status or "ENABLED",
            "campaign.advertising_channel_type": info.extra.get("channel_type", "VIDEO"),
            "campaign.resource_name": f"customers/{customer_id}/campaigns/{fact.campaign_id}",
            "customer.id": int(customer_id),
            "customer.currency_code": fact.currency,
            "customer.descriptive_name": f"Customer {customer_id}",
            "customer.time_zone": self.timezones.get(customer_id, "UTC"),
            "customer.resource_name": f"customers/{customer_id}",
            "metrics.cost_micros": micros(fact.spend),
            "metrics.impressions": fact.impressions,
            "metrics.clicks": fact.clicks,
            "metrics.video_trueview_views": fact.impressions // 8,
            "metrics.video_views": fact.impressions // 8,
            "metrics.average_cpv": 0,
            "metrics.conversions": float(fact.conversions),
            "metrics.conversions_value": float(fact.revenue),
        }

    def _json(self, values: dict[str, Any], selected: list[str]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for resource in dict.fromkeys(field.split(".")[0] for field in selected):
            if resource in ("campaign", "customer"):
                row[resource] = {"resourceName": values[f"{resource}.resource_name"]}
        for field in selected:
            resource, name = field.split(".", 1)
            if name == "resource_name":
                continue
            kind = FIELDS.get(field, "int64")
            value = values[field]
            if field in self.garbled_fields:
                row.setdefault(resource, {})[_camel(name)] = self.garbled_fields[field]
                continue
            if resource == "metrics" and self.omit_zero and not value:
                row.setdefault(resource, {})
                continue
            if kind == "int64":
                value = str(value)
            elif kind == "double":
                value = float(value)
            row.setdefault(resource, {})[_camel(name)] = value
        return row


def _holds(value: Any, op: str, operands: list[str]) -> bool:
    def typed(operand: str) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                return type(value)(operand)
            except ValueError:
                return operand
        return operand

    ops = [typed(operand) for operand in operands]
    if op == "=":
        return value == ops[0]
    if op == "!=":
        return value != ops[0]
    if op == ">":
        return value > ops[0]
    if op == ">=":
        return value >= ops[0]
    if op == "<":
        return value < ops[0]
    if op == "<=":
        return value <= ops[0]
    if op == "BETWEEN":
        return ops[0] <= value <= ops[1]
    if op == "IN":
        return value in ops
    if op == "NOT IN":
        return value not in ops
    raise AssertionError(op)


def _data_api_error(status: int, reason: str, domain: str, message: str) -> dict:
    return {"error": {"code": status, "message": message,
                      "errors": [{"message": message, "domain": domain, "reason": reason}]}}


def _z(moment) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _failure_type(request: RecordedRequest) -> str:
    return f"type.googleapis.com/google.ads.googleads.v{_version(request.path)}.errors.GoogleAdsFailure"


def _version(path: str) -> str:
    match = re.match(r"/v(\d+)/", path)
    return match.group(1) if match else "21"


UNAUTHENTICATED = {
    "error": {"code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}
}
