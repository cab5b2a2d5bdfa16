"""One loopback HTTP server hosting all four fake ad platforms, with a request log and scripted failures.

    fakes = FakePlatforms(httpserver, LinkedInFake(tokens={"t"}), TwitterFake(...), ...)
    fakes.base_url                  # "http://localhost:PORT": every platform's api_base
    fakes.linkedin.put("507", CampaignDay(...))          # data (see each fake)
    fakes.fail("linkedin", 500, {"message": "boom"}, times=2)   # 2 x 500, then normal answers
    fakes.linkedin.daily_quota()    # platform helpers queue their canned errors the same way
    fakes.requests                  # every request: RecordedRequest(method, path, query_string, headers, body, ...)

Each platform lives under its own path prefix (LinkedIn /rest/, X /12/, Meta /v25.0/, Google Ads /v2N/customers/ and
/token), so one base URL serves them all. Scripted failures are answered before any normal handling (auth included).
"""

from __future__ import annotations

import json
import re
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qsl

from pytest_httpserver import HTTPServer
from requests.structures import CaseInsensitiveDict
from werkzeug.wrappers import Request, Response

from tests.fakes.data import CampaignDay, CampaignInfo, PostFact


@dataclass
class RecordedRequest:
    """One request as the server received it. `query_string` is the raw, undecoded query string."""

    index: int
    method: str
    path: str
    query_string: str
    headers: CaseInsensitiveDict
    body: bytes
    platform: str | None = None
    status: int | None = None  # the status answered, filled in once handled

    @property
    def url(self) -> str:
        return self.path + ("?" + self.query_string if self.query_string else "")

    @property
    def args(self) -> dict[str, str]:
        """Query parameters, percent-decoded, first value of each."""
        args: dict[str, str] = {}
        for key, value in parse_qsl(self.query_string, keep_blank_values=True):
            args.setdefault(key, value)
        return args

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    def json(self) -> Any:
        return json.loads(self.body)


Body = Any  # a JSON-able value, str or bytes; or a callable(RecordedRequest) returning one
Headers = dict[str, str] | Callable[[RecordedRequest], dict[str, str]] | None


@dataclass
class _Failure:
    platform: str
    status: int
    body: Body
    headers: Headers
    times: int
    when: Callable[[RecordedRequest], bool]


def nth(
    n: int, predicate: Callable[[RecordedRequest], bool] = lambda request: True
) -> Callable[[RecordedRequest], bool]:
    """A `when` for `fail`: true for the n-th (1-based) request of the platform matching `predicate` only.

    E.g. `fakes.fail("twitter", 500, {...}, when=nth(3, lambda r: "/stats/" in r.path))` fails the 3rd stats call.
    """
    seen = 0

    def when(request: RecordedRequest) -> bool:
        nonlocal seen
        if not predicate(request):
            return False
        seen += 1
        return seen == n

    return when


def json_response(status: int, body: Body, headers: dict[str, str] | None = None, *, ascii: bool = True) -> Response:
    if isinstance(body, bytes):
        data, content_type = body, "application/json"
    elif isinstance(body, str):
        data, content_type = body.encode("utf-8"), "text/plain; charset=utf-8"
    else:
        data, content_type = json.dumps(body, ensure_ascii=ascii).encode("utf-8"), "application/json; charset=utf-8"
    response = Response(data, status=status, content_type=content_type)
    for key, value in (headers or {}).items():
        response.headers[key] = str(value)
    return response


class PlatformFake:
    """What every fake shares: its facts per account, its campaign lists, routing and default headers.

    `accounts` maps account id -> list of CampaignDay; tests may change it freely between runs (restatement), or use
    `put` (insert or replace by campaign and day), `remove` and `set_days`. `omitted_fields` names fields the
    platform leaves out of its answers, as real answers sometimes do (e.g. LinkedIn's `approximateMemberReach`);
    `garbled_fields` maps fields to what the platform sends instead of their values.
    """

    name: str = ""  # the channel name: linkedin, twitter, facebook, youtube
    path_pattern: re.Pattern[str] = re.compile(r"$^")
    ascii_json = True

    def __init__(self, accounts: dict[str, Iterable[CampaignDay]] | None = None):
        self.accounts: dict[str, list[CampaignDay]] = {key: list(days) for key, days in (accounts or {}).items()}
        self.campaigns: dict[str, dict[str, CampaignInfo]] = {}
        self.posts: dict[str, list[PostFact]] = {}  # page id -> its organic posts
        self.platforms: FakePlatforms | None = None
        self.omitted_fields: set[str] = set()
        self.garbled_fields: dict[str, Any] = {}

    def as_answered(self, values: dict[str, Any]) -> dict[str, Any]:
        """An answer's object as sent: without the fields the platform leaves out, garbled fields garbled."""
        return {key: self.garbled_fields.get(key, value) for key, value in values.items()
                if key not in self.omitted_fields}

    # --- data ------------------------------------------------------------------------------------------------------
    def add_account(self, account_id: str, days: Iterable[CampaignDay] = ()) -> PlatformFake:
        self.accounts.setdefault(str(account_id), [])
        self.put(account_id, *days)
        return self

    def put(self, account_id: str, *days: CampaignDay) -> PlatformFake:
        """Add days, replacing any existing fact for the same campaign and day (a restatement)."""
        rows = self.accounts.setdefault(str(account_id), [])
        for new in days:
            rows[:] = [row for row in rows if (row.day, row.campaign_id) != (new.day, new.campaign_id)]
            rows.append(new)
        return self

    def remove(self, account_id: str, campaign_id: str, day: date) -> PlatformFake:
        rows = self.accounts.get(str(account_id), [])
        rows[:] = [row for row in rows if (row.day, row.campaign_id) != (day, str(campaign_id))]
        return self

    def set_days(self, account_id: str, days: Iterable[CampaignDay]) -> PlatformFake:
        self.accounts[str(account_id)] = list(days)
        return self

    def put_posts(self, page_id: str, *posts: PostFact) -> PlatformFake:
        """Add a page (even without posts) and posts, replacing any post with the same id (its numbers grew)."""
        rows = self.posts.setdefault(str(page_id), [])
        for new in posts:
            rows[:] = [row for row in rows if row.post_id != new.post_id]
            rows.append(new)
        return self

    def page_posts(self, page_id: str) -> list[PostFact]:
        """The page's posts, newest published first."""
        return sorted(self.posts.get(str(page_id), []), key=lambda post: post.published_at, reverse=True)

    def add_campaign(
        self,
        account_id: str,
        campaign_id: str,
        name: str,
        *,
        currency: str | None = None,
        status: str | None = None,
        **extra: Any,
    ) -> PlatformFake:
        """List a campaign (even one without delivery), or override a listed campaign's status and extras."""
        self.accounts.setdefault(str(account_id), [])
        self.campaigns.setdefault(str(account_id), {})[str(campaign_id)] = CampaignInfo(
            str(campaign_id), name, currency, status, dict(extra)
        )
        return self

    def campaign_list(self, account_id: str) -> list[CampaignInfo]:
        """The account's campaigns: those added explicitly, then those seen in its data, in first-seen order."""
        listed: dict[str, CampaignInfo] = {}
        for info in self.campaigns.get(account_id, {}).values():
            listed[info.campaign_id] = CampaignInfo(info.campaign_id, info.name, info.currency, info.status, info.extra)
        for row in sorted(self.accounts.get(account_id, []), key=lambda row: row.day):
            info = listed.get(row.campaign_id)
            if info is None:
                listed[row.campaign_id] = CampaignInfo(row.campaign_id, row.campaign_name, row.currency)
            elif info.currency is None:
                info.currency = row.currency
        return list(listed.values())

    def campaign_account(self, campaign_id: str) -> str | None:
        for account_id in self.accounts:
            if any(info.campaign_id == campaign_id for info in self.campaign_list(account_id)):
                return account_id
        return None

    def delivered_days(
        self, account_id: str, start: date, end: date, campaign_ids: Iterable[str] | None = None
    ) -> list[CampaignDay]:
        """Days with delivery in [start, end] (inclusive), by day then campaign id."""
        wanted = None if campaign_ids is None else {str(cid) for cid in campaign_ids}
        rows = [
            row
            for row in self.accounts.get(account_id, [])
            if start <= row.day <= end and row.delivered and (wanted is None or row.campaign_id in wanted)
        ]
        return sorted(rows, key=lambda row: (row.day, _id_key(row.campaign_id)))

    # --- canned failures -------------------------------------------------------------------------------------------
    def _queue(self, status: int, body: Body, headers: Headers, times: int, when) -> PlatformFake:
        if self.platforms is None:
            raise RuntimeError(f"register the {self.name} fake with FakePlatforms before queueing failures")
        self.platforms.fail(self.name, status, body, headers=headers, times=times, when=when)
        return self

    # --- HTTP --------------------------------------------------------------------------------------------------------
    def matches(self, path: str) -> bool:
        return bool(self.path_pattern.match(path))

    def default_headers(self, request: RecordedRequest) -> dict[str, str]:
        """Headers the platform sends on every response, canned failures included."""
        return {}

    def respond(self, request: RecordedRequest, status: int, body: Body, headers: dict[str, str] | None = None):
        merged = self.default_headers(request)
        merged.update(headers or {})
        return json_response(status, body, merged, ascii=self.ascii_json)

    def handle(self, request: RecordedRequest, raw: Request) -> Response:
        raise NotImplementedError


def _id_key(campaign_id: str):
    return (0, int(campaign_id), "") if campaign_id.isdigit() else (1, 0, campaign_id)


class FakePlatforms:
    """The fakes on one pytest-httpserver, behind one catch-all handler that routes by path."""

    def __init__(self, httpserver: HTTPServer, *fakes: PlatformFake):
        self.httpserver = httpserver
        self.fakes: dict[str, PlatformFake] = {}
        self.requests: list[RecordedRequest] = []
        self.errors: list[str] = []  # tracebacks of exceptions inside the fakes (answered as 500)
        self._failures: list[_Failure] = []
        self._lock = threading.RLock()
        for method in ("GET", "POST"):
            httpserver.expect_request(re.compile(".*"), method=method).respond_with_handler(self._handle)
        for fake in fakes:
            self.register(fake)

    @property
    def base_url(self) -> str:
        return self.httpserver.url_for("/").rstrip("/")

    def register(self, fake: PlatformFake) -> PlatformFake:
        fake.platforms = self
        self.fakes[fake.name] = fake
        return fake

    def __getitem__(self, platform: str) -> PlatformFake:
        return self.fakes[platform]

    def __getattr__(self, platform: str) -> PlatformFake:
        fakes = self.__dict__.get("fakes", {})
        if platform in fakes:
            return fakes[platform]
        raise AttributeError(platform)

    def fail(
        self,
        platform: str,
        status: int,
        json_body: Body,
        headers: Headers = None,
        times: int = 1,
        when: Callable[[RecordedRequest], bool] = lambda request: True,
    ) -> None:
        """Queue a canned response for the platform's next `times` requests that satisfy `when`.

        Queued failures are answered in the order queued, before normal handling. `when` is called with every
        request to the platform for every failure still pending (so counting predicates like `nth` see them all).
        The body and headers may be callables of the RecordedRequest. The platform's usual headers (X rate-limit
        headers, Meta usage headers) are added unless `headers` overrides them.
        """
        if platform not in self.fakes:
            raise KeyError(f"no fake registered for {platform!r}; have {sorted(self.fakes)}")
        with self._lock:
            self._failures.append(_Failure(platform, status, json_body, headers, times, when))

    def pending_failures(self, platform: str | None = None) -> int:
        with self._lock:
            return sum(f.times for f in self._failures if platform is None or f.platform == platform)

    def clear_failures(self) -> None:
        with self._lock:
            self._failures.clear()

    def requests_for(self, platform: str, path_contains: str = "") -> list[RecordedRequest]:
        return [r for r in self.requests if r.platform == platform and path_contains in r.path]

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    # --- dispatch ----------------------------------------------------------------------------------------------------
    def _handle(self, raw: Request) -> Response:
        with self._lock:
            request = RecordedRequest(
                index=len(self.requests),
                method=raw.method,
                path=raw.path,
                query_string=raw.query_string.decode("latin-1"),
                headers=CaseInsensitiveDict(dict(raw.headers.items())),
                body=raw.get_data(),
            )
            self.requests.append(request)
            fake = next((fake for fake in self.fakes.values() if fake.matches(request.path)), None)
            if fake is None:
                response = json_response(404, {"error": f"no fake platform serves {request.path}"})
            else:
                request.platform = fake.name
                try:
                    response = self._canned(fake, request) or fake.handle(request, raw)
                except Exception:  # a bug in a fake: answer 500 and keep the traceback for the test
                    self.errors.append(traceback.format_exc())
                    response = json_response(500, {"error": "fake server error", "trace": traceback.format_exc()})
            request.status = response.status_code
            return response

    def _canned(self, fake: PlatformFake, request: RecordedRequest) -> Response | None:
        chosen = None
        for failure in self._failures:
            if failure.platform != fake.name or failure.times <= 0:
                continue
            if failure.when(request) and chosen is None:
                chosen = failure
        self._failures = [f for f in self._failures if f.times > 0]
        if chosen is None:
            return None
        chosen.times -= 1
        self._failures = [f for f in self._failures if f.times > 0]
        body = chosen.body(request) if callable(chosen.body) else chosen.body
        headers = chosen.headers(request) if callable(chosen.headers) else (chosen.headers or {})
        return fake.respond(request, chosen.status, body, headers)
