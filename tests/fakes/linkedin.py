"""Fake LinkedIn Marketing API (versioned /rest/ endpoints), Rest.li 2.0 protocol.

    linkedin = LinkedInFake(tokens={"li-token"}, campaign_page_size=2)
    linkedin.put("507404993", CampaignDay(date(2026, 9, 1), "312345678", "Brand", "EUR", Decimal("209.449"), 19090, 9))

Serves
- GET /rest/adAccounts/{id}                     the account (id, name, currency, status, type)
- GET /rest/adAccounts/{id}/adCampaigns?q=search[&search=(status:(values:List(ACTIVE,...)))]&pageSize=N[&pageToken=T]
  cursor paging through `metadata.nextPageToken` (absent on the last page); page size = min(pageSize, the fake's
  `campaign_page_size`).
- GET /rest/adAnalytics?q=analytics&pivot=(value:CAMPAIGN)&timeGranularity=(value:DAILY)
      &dateRange=(start:(year:Y,month:M,day:D),end:(...))&campaigns=List(urn%3Ali%3AsponsoredCampaign%3A123,...)
      &fields=dateRange,pivotValues,...
  (or `accounts=List(urn%3Ali%3AsponsoredAccount%3A1)`; the old `pivot=CAMPAIGN&timeGranularity=DAILY` style too).
  One element per campaign and UTC day with delivery, with only the requested fields; cost and conversion value are
  strings, counts ints. No pagination (capped at `max_elements`, 15,000 like the real one).
- GET /rest/adAnalytics?q=analytics&pivot=(value:ACCOUNT)&timeGranularity=(value:ALL)&dateRange=(...)
      &accounts=List(urn%3Ali%3AsponsoredAccount%3A1)&fields=approximateMemberReach,impressions,dateRange,pivotValues
  One element per account with delivery in the range, over the whole range: its totals and `approximateMemberReach`
  (unique members: `set_weekly_reach(account, monday, reach)` for an ISO week, else derived; see
  tests.fakes.facebook.WeeklyReachFacts). Daily campaign elements answer `approximateMemberReach` too
  (impressions // 3), so tests can show that summing them gives another number.
  Also answers a GET tunnelled as POST with `X-HTTP-Method-Override: GET` and the query in a form body.

Organic posts of company pages (`put_posts(organization_id, PostFact(...))`, ids urn:li:share:… / urn:li:ugcPost:…):
- GET /rest/posts?author=urn%3Ali%3Aorganization%3A{id}&q=author&count=N[&start=S][&sortBy=CREATED|LAST_MODIFIED]
  the page's posts newest first (by createdAt, or publishedAt for LAST_MODIFIED), `posts_page_size` at most per page,
  offset paging (`paging.start/count`, a `next` link while more follow); dark posts carry feedDistribution NONE.
  An organization without `put_posts` is 403 (not an admin of it).
- GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=urn%3Ali%3Aorganization%3A1
      &shares=List(urn%3Ali%3Ashare%3A1,...)  (or &ugcPosts=List(...); at most 20)
  one element per asked post of that organization: `share` or `ugcPost`, `totalShareStatistics` (impressionCount,
  uniqueImpressionsCount, clickCount, likeCount, commentCount, shareCount, engagement); without a list, the page's
  lifetime totals.

Validates: Bearer token (401 65600 if unknown, 65601 if in `revoked_tokens`); `LinkedIn-Version: YYYYMM` (400
VERSION_MISSING if absent, 426 NONEXISTENT_VERSION if malformed or in `inactive_versions`);
`X-Restli-Protocol-Version: 2.0.0`; the Rest.li 2.0 encoding of the RAW query string (parentheses, colons and commas
literal, URNs percent-encoded: 400 otherwise); at most 20 fields, all of them known.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from urllib.parse import unquote

from werkzeug.wrappers import Request, Response

from tests.fakes.data import CampaignDay, PostFact, decimal_text, json_number
from tests.fakes.facebook import WeeklyReachFacts, row_reach
from tests.fakes.server import PlatformFake, RecordedRequest

CAMPAIGN_URN = re.compile(r"urn:li:sponsoredCampaign:(\d+)")
ACCOUNT_URN = re.compile(r"urn:li:sponsoredAccount:(\d+)")
ORGANIZATION_URN = re.compile(r"urn:li:organization:(\d+)")

# The fields this fake can answer; asking for others is a 400 (the real API knows ~100 more).
ANALYTICS_FIELDS = {
    "dateRange",
    "pivotValues",
    "impressions",
    "clicks",
    "landingPageClicks",
    "costInLocalCurrency",
    "externalWebsiteConversions",
    "externalWebsitePostClickConversions",
    "externalWebsitePostViewConversions",
    "conversionValueInLocalCurrency",
    "approximateMemberReach",
}
# (pivot, timeGranularity) pairs this fake answers: daily campaign rows, and an account's totals over the range.
ANALYTICS_SHAPES = {("CAMPAIGN", "DAILY"), ("ACCOUNT", "ALL")}
DEFAULT_FIELDS = ("impressions", "clicks")  # the real API's answer when `fields` is absent
MAX_FIELDS = 20
CAMPAIGN_STATUSES = ("ACTIVE", "PAUSED", "ARCHIVED", "COMPLETED", "CANCELED", "DRAFT", "PENDING_DELETION", "REMOVED")


class RestliError(ValueError):
    pass


class _RestliParser:
    """Rest.li 2.0 URL values: (key:value,...) objects, List(a,b) lists, percent-encoded primitives."""

    def __init__(self, raw: str):
        self.raw = raw
        self.pos = 0

    def parse(self) -> Any:
        value = self.value()
        if self.pos != len(self.raw):
            raise RestliError(f"unexpected {self.raw[self.pos]!r} at position {self.pos} in {self.raw!r}")
        return value

    def value(self) -> Any:
        if self.raw.startswith("List(", self.pos):
            self.pos += len("List(")
            items: list[Any] = []
            if self._take(")"):
                return items
            while True:
                items.append(self.value())
                if self._take(")"):
                    return items
                self._expect(",")
        if self._take("("):
            obj: dict[str, Any] = {}
            if self._take(")"):
                return obj
            while True:
                key = self.primitive()
                self._expect(":")
                obj[key] = self.value()
                if self._take(")"):
                    return obj
                self._expect(",")
        return self.primitive()

    def primitive(self) -> str:
        start = self.pos
        while self.pos < len(self.raw) and self.raw[self.pos] not in "(),:":
            self.pos += 1
        text = self.raw[start : self.pos]
        decoded = unquote(text)
        if any(char in decoded for char in "(),"):
            raise RestliError(f"percent-encoded Rest.li syntax in {text!r}: leave ( ) , : unencoded")
        return decoded

    def _take(self, char: str) -> bool:
        if self.raw.startswith(char, self.pos):
            self.pos += 1
            return True
        return False

    def _expect(self, char: str) -> None:
        if not self._take(char):
            found = self.raw[self.pos] if self.pos < len(self.raw) else "end of value"
            hint = " (URNs must be percent-encoded: urn%3Ali%3A...)" if found == ":" else ""
            raise RestliError(f"expected {char!r} but found {found!r} at position {self.pos} in {self.raw!r}{hint}")


def parse_restli(raw: str) -> Any:
    """Parse one raw (still percent-encoded) Rest.li 2.0 query value."""
    if re.search(r"%2[89C]", raw, re.IGNORECASE):
        raise RestliError(f"percent-encoded Rest.li syntax in {raw!r}: leave ( ) , : unencoded")
    return _RestliParser(raw).parse()


def raw_params(query_string: str) -> dict[str, str]:
    """Query parameters with their values still raw (keys decoded). Repeated keys: the last wins."""
    params: dict[str, str] = {}
    for piece in query_string.split("&"):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        params[unquote(key)] = value
    return params


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _offset(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        if text.startswith("offset:"):
            return int(text[len("offset:") :])
    except Exception:
        pass
    raise ValueError(token)


class LinkedInFake(WeeklyReachFacts, PlatformFake):
    name = "linkedin"
    path_pattern = re.compile(r"^/rest/")
    ascii_json = False

    def __init__(
        self,
        accounts: dict[str, Iterable[CampaignDay]] | None = None,
        *,
        tokens: Iterable[str] = (),
        revoked_tokens: Iterable[str] = (),
        campaign_page_size: int = 500,
        max_elements: int = 15_000,
        inactive_versions: Iterable[str] = (),
    ):
        super().__init__(accounts)
        self.tokens = set(tokens)
        self.revoked_tokens = set(revoked_tokens)
        self.campaign_page_size = campaign_page_size
        self.max_elements = max_elements
        self.inactive_versions = set(inactive_versions)
        self.account_names: dict[str, str] = {}
        self.weekly_reach = {}
        self.posts_page_size = 100

    # --- canned errors -----------------------------------------------------------------------------------------------
    def daily_quota(self, times: int = 1, when=lambda request: True) -> LinkedInFake:
        return self._queue(
            429,
            {
                "status": 429,
                "serviceErrorCode": 101,
                "message": "Resource level throttle limit for calls to this resource is reached. "
                "APPLICATION_AND_MEMBER DAY limit for calls to this resource is reached",
            },
            None,
            times,
            when,
        )

    def throttled(self, times: int = 1, when=lambda request: True) -> LinkedInFake:
        """A short-term throttle 429 (no Retry-After, like the real one)."""
        return self._queue(
            429,
            {
                "status": 429,
                "serviceErrorCode": 101,
                "message": "Resource level throttle limit for calls to this resource is reached.",
            },
            None,
            times,
            when,
        )

    def revoked_token(self, times: int = 1, when=lambda request: True) -> LinkedInFake:
        return self._queue(401, REVOKED, None, times, when)

    def invalid_token(self, times: int = 1, when=lambda request: True) -> LinkedInFake:
        return self._queue(401, INVALID_TOKEN, None, times, when)

    def server_error(self, status: int = 500, times: int = 1, when=lambda request: True) -> LinkedInFake:
        return self._queue(status, {"status": status, "message": "Internal Server Error"}, None, times, when)

    # --- HTTP ---------------------------------------------------------------------------------------------------------
    def handle(self, request: RecordedRequest, raw: Request) -> Response:
        query = request.query_string
        if request.method == "POST":
            if request.headers.get("X-HTTP-Method-Override", "").upper() != "GET":
                return self._error(request, 405, "METHOD_NOT_ALLOWED", "POST is not supported on this resource")
            query = request.body.decode("latin-1")
        problem = self._check_headers(request)
        if problem is not None:
            return problem
        path = request.path
        if path == "/rest/adAnalytics":
            return self._analytics(request, query)
        if path == "/rest/posts":
            return self._organic(request, query, self._posts)
        if path == "/rest/organizationalEntityShareStatistics":
            return self._organic(request, query, self._share_statistics)
        match = re.fullmatch(r"/rest/adAccounts/(\d+)/adCampaigns", path)
        if match:
            return self._campaigns(request, match.group(1), query)
        match = re.fullmatch(r"/rest/adAccounts/(\d+)", path)
        if match:
            return self._account(request, match.group(1))
        return self._error(request, 404, "NOT_FOUND", f"No resource found for {path}")

    def _error(self, request: RecordedRequest, status: int, code: str, message: str) -> Response:
        return self.respond(request, status, {"status": status, "code": code, "message": message})

    def _check_headers(self, request: RecordedRequest) -> Response | None:
        auth = request.headers.get("Authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else None
        if token is not None and token in self.revoked_tokens:
            return self.respond(request, 401, REVOKED)
        if token is None or token not in self.tokens:
            return self.respond(request, 401, INVALID_TOKEN)
        version = request.headers.get("LinkedIn-Version")
        if not version:
            return self._error(
                request,
                400,
                "VERSION_MISSING",
                "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
            )
        if not re.fullmatch(r"20\d\d(0[1-9]|1[0-2])", version) or version in self.inactive_versions:
            return self._error(request, 426, "NONEXISTENT_VERSION", f"Requested version {version} is not active")
        protocol = request.headers.get("X-Restli-Protocol-Version")
        if protocol != "2.0.0":
            return self._error(
                request,
                400,
                "ILLEGAL_ARGUMENT",
                f"X-Restli-Protocol-Version must be 2.0.0 (got {protocol!r}): Rest.li 1.0 query syntax is not accepted",
            )
        return None

    def _account(self, request: RecordedRequest, account_id: str) -> Response:
        if account_id not in self.accounts:
            return self._error(request, 404, "NOT_FOUND", f"Ad account {account_id} not found")
        currencies = {info.currency for info in self.campaign_list(account_id) if info.currency}
        return self.respond(
            request,
            200,
            {
                "id": int(account_id),
                "name": self.account_names.get(account_id, f"Account {account_id}"),
                "currency": sorted(currencies)[0] if currencies else "USD",
                "status": "ACTIVE",
                "type": "BUSINESS",
                "reference": "urn:li:organization:1000",
                "test": False,
            },
        )

    def _campaigns(self, request: RecordedRequest, account_id: str, query: str) -> Response:
        params = raw_params(query)
        if unquote(params.get("q", "")) != "search":
            return self._error(request, 400, "ILLEGAL_ARGUMENT", "q=search is required to list campaigns")
        if account_id not in self.accounts:
            return self._error(request, 404, "NOT_FOUND", f"Ad account {account_id} not found")
        statuses: set[str] | None = None
        if "search" in params:
            try:
                search = parse_restli(params["search"])
                if not isinstance(search, dict) or set(search) - {"status", "test", "type"}:
                    raise RestliError(f"unsupported search criteria {params['search']!r}")
                if "status" in search:
                    values = search["status"].get("values") if isinstance(search["status"], dict) else None
                    if not isinstance(values, list) or set(values) - set(CAMPAIGN_STATUSES):
                        raise RestliError(f"search status must be (values:List(...)) of {CAMPAIGN_STATUSES}")
                    statuses = set(values)
            except RestliError as error:
                return self._error(request, 400, "ILLEGAL_ARGUMENT", f"Invalid search parameter: {error}")
        try:
            page_size = int(unquote(params.get("pageSize", "100")))
            if not 1 <= page_size <= 1000:
                raise ValueError
        except ValueError:
            return self._error(request, 400, "ILLEGAL_ARGUMENT", "pageSize must be between 1 and 1000")
        page_size = min(page_size, self.campaign_page_size)
        try:
            offset = _offset(unquote(params["pageToken"])) if "pageToken" in params else 0
        except ValueError:
            return self._error(request, 400, "ILLEGAL_ARGUMENT", "Invalid pageToken")
        campaigns = [
            info for info in self.campaign_list(account_id) if statuses is None or (info.status or "ACTIVE") in statuses
        ]
        page = campaigns[offset : offset + page_size]
        elements = []
        for info in page:
            first = min(
                (row.day for row in self.accounts[account_id] if row.campaign_id == info.campaign_id), default=None
            )
            element: dict[str, Any] = {
                "id": int(info.campaign_id) if info.campaign_id.isdigit() else info.campaign_id,
                "name": info.name,
                "account": f"urn:li:sponsoredAccount:{account_id}",
                "campaignGroup": f"urn:li:sponsoredCampaignGroup:{account_id}0",
                "status": info.status or "ACTIVE",
                "type": info.extra.get("type", "SPONSORED_UPDATES"),
                "costType": info.extra.get("costType", "CPM"),
                "test": False,
            }
            if info.currency:
                element["dailyBudget"] = {"currencyCode": info.currency, "amount": "100.00"}
            if first is not None:
                element["runSchedule"] = {"start": _epoch_ms(first)}
            elements.append(element)
        metadata: dict[str, Any] = {}
        if offset + page_size < len(campaigns):
            metadata["nextPageToken"] = _token(offset + page_size)
        return self.respond(request, 200, {"elements": elements, "metadata": metadata})

    def _analytics(self, request: RecordedRequest, query: str) -> Response:
        params = raw_params(query)
        try:
            return self._analytics_checked(request, params)
        except RestliError as error:
            return self._error(request, 400, "ILLEGAL_ARGUMENT", f"Invalid query parameter: {error}")

    def _analytics_checked(self, request: RecordedRequest, params: dict[str, str]) -> Response:
        if unquote(params.get("q", "")) != "analytics":
            raise RestliError("q=analytics is required")
        shape = []
        for name in ("pivot", "timeGranularity"):
            if name not in params:
                raise RestliError(f"{name} is required")
            value = parse_restli(params[name])
            shape.append(value.get("value") if isinstance(value, dict) else value)
        if tuple(shape) not in ANALYTICS_SHAPES:
            raise RestliError(
                f"pivot and timeGranularity must be one of {sorted(ANALYTICS_SHAPES)} in this fake, got "
                f"{params['pivot']!r}, {params['timeGranularity']!r}"
            )
        if "dateRange" not in params:
            raise RestliError("dateRange is required")
        start, end = _date_range(parse_restli(params["dateRange"]))
        if "campaigns" in params:
            urns = parse_restli(params["campaigns"])
            if not isinstance(urns, list) or not urns:
                raise RestliError("campaigns must be List(urn%3Ali%3AsponsoredCampaign%3A...)")
            ids = []
            for urn in urns:
                match = CAMPAIGN_URN.fullmatch(urn) if isinstance(urn, str) else None
                if not match:
                    raise RestliError(f"invalid campaign URN {urn!r}")
                ids.append(match.group(1))
            by_account: dict[str, list[str]] = {}
            for campaign_id in ids:
                account_id = self.campaign_account(campaign_id)
                if account_id is not None:
                    by_account.setdefault(account_id, []).append(campaign_id)
        elif "accounts" in params:
            urns = parse_restli(params["accounts"])
            if not isinstance(urns, list) or not urns:
                raise RestliError("accounts must be List(urn%3Ali%3AsponsoredAccount%3A...)")
            by_account = {}
            for urn in urns:
                match = ACCOUNT_URN.fullmatch(urn) if isinstance(urn, str) else None
                if not match:
                    raise RestliError(f"invalid account URN {urn!r}")
                by_account[match.group(1)] = None  # type: ignore[assignment]
        else:
            raise RestliError("one of campaigns or accounts is required")
        if "fields" in params:
            raw_fields = params["fields"]
            if re.search(r"%2C", raw_fields, re.IGNORECASE):
                raise RestliError("fields must be separated by literal commas")
            fields = [unquote(field) for field in raw_fields.split(",") if field]
        else:
            fields = list(DEFAULT_FIELDS)
        if len(fields) > MAX_FIELDS:
            return self._error(
                request,
                400,
                "ILLEGAL_ARGUMENT",
                f"A maximum of {MAX_FIELDS} fields can be requested, got {len(fields)}",
            )
        unknown = [field for field in fields if field not in ANALYTICS_FIELDS]
        if unknown:
            raise RestliError(f"unknown or unsupported fields {unknown} (this fake knows {sorted(ANALYTICS_FIELDS)})")
        if shape[0] == "ACCOUNT":
            elements = []
            for account_id, campaign_ids in by_account.items():
                rows = self.delivered_days(account_id, start, end, campaign_ids)
                if rows:
                    elements.append(self._account_element(account_id, rows, start, end, fields))
            return self.respond(request, 200, {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements})
        rows: list[CampaignDay] = []
        for account_id, campaign_ids in by_account.items():
            rows += self.delivered_days(account_id, start, end, campaign_ids)
        rows.sort(key=lambda row: (row.day, int(row.campaign_id) if row.campaign_id.isdigit() else 0))
        elements = [self.as_answered(_element(row, fields)) for row in rows[: self.max_elements]]
        return self.respond(request, 200, {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements})


    # --- organic posts -------------------------------------------------------------------------------------------------
    def _organic(self, request: RecordedRequest, query: str, answer) -> Response:
        try:
            return answer(request, raw_params(query))
        except RestliError as error:
            return self._error(request, 400, "ILLEGAL_ARGUMENT", f"Invalid query parameter: {error}")

    def _organization(self, request: RecordedRequest, raw: str | None) -> tuple[str | None, Response | None]:
        if raw is None:
            raise RestliError("the organization URN is required")
        if ":" in raw:
            raise RestliError(f"URNs must be percent-encoded (urn%3Ali%3A...), got {raw!r}")
        match = ORGANIZATION_URN.fullmatch(unquote(raw))
        if not match:
            raise RestliError(f"invalid organization URN {unquote(raw)!r}")
        if match.group(1) not in self.posts:
            return None, self._error(request, 403, "ACCESS_DENIED",
                                     f"Not enough permissions to access organization {match.group(1)}")
        return match.group(1), None

    def _posts(self, request: RecordedRequest, params: dict[str, str]) -> Response:
        if unquote(params.get("q", "")) != "author":
            raise RestliError("q=author is required to find posts by author")
        organization, refused = self._organization(request, params.get("author"))
        if refused:
            return refused
        try:
            count = int(params.get("count", "10"))
            start = int(params.get("start", "0"))
            if not 1 <= count <= 100 or start < 0:
                raise ValueError
        except ValueError:
            raise RestliError("count must be 1..100 and start 0 or more") from None
        sort = params.get("sortBy", "LAST_MODIFIED")
        if sort not in ("LAST_MODIFIED", "CREATED"):
            raise RestliError(f"sortBy must be LAST_MODIFIED or CREATED, got {sort!r}")
        key = (lambda post: post.created) if sort == "CREATED" else (lambda post: post.published_at)
        posts = sorted(self.posts[organization], key=key, reverse=True)
        size = min(count, self.posts_page_size)
        page = posts[start : start + size]
        links = []
        if start + size < len(posts):
            links.append({"type": "application/json", "rel": "next",
                          "href": f"/rest/posts?author={params['author']}&q=author&count={count}&start={start + size}"})
        elements = [_post_element(organization, post) for post in page]
        return self.respond(request, 200, {"paging": {"start": start, "count": size, "links": links},
                                           "elements": elements})

    def _share_statistics(self, request: RecordedRequest, params: dict[str, str]) -> Response:
        if unquote(params.get("q", "")) != "organizationalEntity":
            raise RestliError("q=organizationalEntity is required")
        organization, refused = self._organization(request, params.get("organizationalEntity"))
        if refused:
            return refused
        urn = f"urn:li:organization:{organization}"
        posts = {post.post_id: post for post in self.posts[organization]}
        elements = []
        for param, kind in (("shares", "share"), ("ugcPosts", "ugcPost")):
            if param not in params:
                continue
            asked = parse_restli(params[param])
            if not isinstance(asked, list) or not asked:
                raise RestliError(f"{param} must be List(urn%3Ali%3A{kind}%3A...)")
            if len(asked) > 20:
                raise RestliError(f"at most 20 {param} a request, got {len(asked)}")
            for post_urn in asked:
                if not str(post_urn).startswith(f"urn:li:{kind}:"):
                    raise RestliError(f"{post_urn!r} is not a {kind} URN")
                if post_urn in posts:
                    elements.append({"organizationalEntity": urn, kind: post_urn,
                                     "totalShareStatistics": _share_statistics([posts[post_urn]])})
        if "shares" not in params and "ugcPosts" not in params:
            elements.append({"organizationalEntity": urn, "totalShareStatistics": _share_statistics(list(posts.values()))})
        return self.respond(request, 200, {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements})

    def _account_element(
        self, account_id: str, rows: list[CampaignDay], start: date, end: date, fields: list[str]
    ) -> dict[str, Any]:
        """An account's totals over start..end (granularity ALL), with its unique member reach."""
        conversions = sum(row.conversions for row in rows)
        values: dict[str, Any] = {
            "pivotValues": [f"urn:li:sponsoredAccount:{account_id}"],
            "dateRange": {"start": _day(start), "end": _day(end)},
            "impressions": sum(row.impressions for row in rows),
            "clicks": sum(row.clicks for row in rows),
            "landingPageClicks": sum(row.clicks * 9 // 10 for row in rows),
            "costInLocalCurrency": decimal_text(sum(row.spend for row in rows)),
            "externalWebsiteConversions": json_number(conversions),
            "externalWebsitePostClickConversions": json_number(conversions),
            "externalWebsitePostViewConversions": 0,
            "conversionValueInLocalCurrency": decimal_text(sum(row.revenue for row in rows)),
            "approximateMemberReach": self.reach(account_id, start, end),
        }
        return self.as_answered({field: values[field] for field in fields})


def _post_element(organization: str, post: PostFact) -> dict[str, Any]:
    return {
        "id": post.post_id,
        "author": f"urn:li:organization:{organization}",
        "commentary": post.text,
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "NONE" if post.dark else "MAIN_FEED", "targetEntities": [],
                         "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
        "createdAt": _instant_ms(post.created),
        "publishedAt": _instant_ms(post.published_at),
        "lastModifiedAt": _instant_ms(post.published_at),
    }


def _share_statistics(posts: list[PostFact]) -> dict[str, Any]:
    impressions = sum(post.impressions for post in posts)
    engaged = sum(post.clicks + post.reactions + post.comments + post.shares for post in posts)
    return {
        "uniqueImpressionsCount": impressions * 2 // 3,
        "shareCount": sum(post.shares for post in posts),
        "engagement": engaged / impressions if impressions else 0.0,
        "clickCount": sum(post.clicks for post in posts),
        "likeCount": sum(post.reactions for post in posts),
        "impressionCount": impressions,
        "commentCount": sum(post.comments for post in posts),
    }


def _instant_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _date_range(value: Any) -> tuple[date, date]:
    def one(part: Any, name: str) -> date:
        if not isinstance(part, dict) or set(part) != {"year", "month", "day"}:
            raise RestliError(f"dateRange.{name} must be (year:Y,month:M,day:D)")
        try:
            return date(int(part["year"]), int(part["month"]), int(part["day"]))
        except ValueError as error:
            raise RestliError(f"dateRange.{name}: {error}") from None

    if not isinstance(value, dict) or "start" not in value:
        raise RestliError("dateRange must be (start:(year:Y,month:M,day:D),end:(...))")
    start = one(value["start"], "start")
    end = one(value["end"], "end") if "end" in value else start
    if end < start:
        raise RestliError("dateRange end is before its start")
    return start, end


def _day(day: date) -> dict[str, int]:
    return {"year": day.year, "month": day.month, "day": day.day}


def _epoch_ms(day: date) -> int:
    return (day - date(1970, 1, 1)).days * 86_400_000


def _element(row: CampaignDay, fields: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "pivotValues": [f"urn:li:sponsoredCampaign:{row.campaign_id}"],
        "dateRange": {"start": _day(row.day), "end": _day(row.day)},
        "impressions": row.impressions,
        "clicks": row.clicks,
        "landingPageClicks": row.clicks * 9 // 10,
        "costInLocalCurrency": decimal_text(row.spend),
        "externalWebsiteConversions": json_number(row.conversions),
        "externalWebsitePostClickConversions": json_number(row.conversions),
        "externalWebsitePostViewConversions": 0,
        "conversionValueInLocalCurrency": decimal_text(row.revenue),
        "approximateMemberReach": row_reach(row),
    }
    return {field: values[field] for field in fields}


INVALID_TOKEN = {"serviceErrorCode": 65600, "message": "Invalid access token", "status": 401}
REVOKED = {
    "status": 401,
    "serviceErrorCode": 65601,
    "code": "REVOKED_ACCESS_TOKEN",
    "message": "The token used in the request has been revoked by the user",
}
