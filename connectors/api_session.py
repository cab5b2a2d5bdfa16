"""HTTP for the platform APIs: timeouts on every request, retries with backoff and jitter within a bounded wait,
and each platform's way of saying "slow down", "come back tomorrow" or "your token is dead".

A platform client gives the session a `classify` function that reads a response into a Verdict; the session does
the waiting (on an injected clock, so tests never sleep) and raises one of the ApiError kinds when it must stop.
Request descriptions in errors never carry credentials; every error message passes through connectors.secrets.redact,
and a redirect to another host is refused (it would carry the credential headers there).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from connectors.secrets import MAX_CHARS, redact

if TYPE_CHECKING:  # imported when a session starts: a run without API accounts never needs it
    import requests

# Query parameters that carry credentials: never logged, never in an error message.
SECRET_PARAMS = {"access_token", "client_secret", "refresh_token", "developer_token"}


class Clock(Protocol):
    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass(frozen=True)
class RetryPolicy:
    timeout_seconds: float = 60.0
    max_attempts: int = 8  # per request
    max_total_wait_seconds: float = 900.0  # per account pull, all requests together
    base_backoff_seconds: float = 2.0
    max_backoff_seconds: float = 300.0


class ApiError(Exception):
    """A pull that had to stop; the message names the platform, the account and the request."""

    def __init__(self, platform: str, account_id: str, request: str, message: str):
        self.platform, self.account_id, self.request = platform, account_id, request
        super().__init__(redact(f"{platform} account {account_id}: {redact(message, MAX_CHARS * 2)} ({request})"))


class AuthError(ApiError):
    """Credentials refused: retrying cannot help; someone must renew them."""


class QuotaExhausted(ApiError):
    """A quota that will not come back within this run; `retry_at` says when it should."""

    def __init__(self, platform, account_id, request, message, retry_at: datetime | None):
        self.retry_at = retry_at
        when = f"; retry after {retry_at:%Y-%m-%d %H:%M} UTC" if retry_at else ""
        super().__init__(platform, account_id, request, message + when)


class MalformedResponse(ApiError):
    """A response without the fields or numbers the platform promises: rejected, never loaded as zeros."""


class RequestFailed(ApiError):
    """Any other refusal, or retries exhausted."""


@dataclass(frozen=True)
class Verdict:
    kind: str  # ok | retry | quota | auth | fail
    message: str = ""
    wait_seconds: float | None = None  # what the platform asked us to wait, if it said
    retry_at: datetime | None = None  # for quota: when to come back

    @classmethod
    def ok(cls) -> Verdict:
        return cls("ok")


def describe(method: str, url: str) -> str:
    """`GET /path?query` without host or credentials."""
    parts = urlsplit(url)
    query = [(key, "***" if key in SECRET_PARAMS else value) for key, value in parse_qsl(parts.query, True)]
    return f"{method} {urlunsplit(('', '', parts.path, urlencode(query, safe='():,%{}'), ''))}"


def without_params(url: str, names: set[str]) -> str:
    """The URL minus some query parameters (Meta echoes the access token into its paging links)."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, True) if key not in names]
    return urlunsplit(parts._replace(query=urlencode(query)))


def retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """The standard Retry-After header, in seconds or as an HTTP date."""
    value = headers.get("Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


def default_verdict(response: requests.Response, now: float) -> Verdict:
    """429 and 5xx are worth retrying (after Retry-After if given); other 4xx are not."""
    if response.ok:
        return Verdict.ok()
    message = f"HTTP {response.status_code}: {_error_text(response)}"
    if response.status_code == 429 or response.status_code >= 500:
        return Verdict("retry", message, retry_after_seconds(response.headers, now))
    if response.status_code in (401, 403):
        return Verdict("auth", message)
    return Verdict("fail", message)


def _error_text(response: requests.Response) -> str:
    return redact(" ".join(response.text.split()), MAX_CHARS)


def _host(url: str) -> str:
    """host[:port] of a URL, without any user:password@ before it."""
    return urlsplit(url).netloc.rpartition("@")[2]


class CrossHostRedirect(Exception):
    """A redirect away from the host asked: not followed, so that no credential header goes with it."""


def _http_session(same_host_only: bool) -> requests.Session:
    """requests drops Authorization on a redirect to another host, but not custom headers (Google Ads'
    developer-token, login-customer-id): such redirects are refused instead, before anything is sent."""
    import requests

    class SameHostSession(requests.Session):
        def rebuild_auth(self, prepared_request, response):
            if same_host_only and self.should_strip_auth(response.request.url, prepared_request.url):
                raise CrossHostRedirect(_host(prepared_request.url))
            super().rebuild_auth(prepared_request, response)

    return SameHostSession()


@dataclass
class ApiSession:
    """One account's conversation with one platform: its retry budget is shared by all its requests."""

    platform: str
    account_id: str
    classify: Callable[[requests.Response, float], Verdict] = default_verdict
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    clock: Clock = field(default_factory=SystemClock)
    auth: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)
    waited_seconds: float = 0.0
    requests_made: int = 0
    same_host_only: bool = True  # False only where nothing secret is sent

    def __post_init__(self) -> None:
        self._http = _http_session(self.same_host_only)
        self._host: str | None = None  # of the first request
        self._http.headers.update(self.headers)
        self._http.auth = self.auth

    def set_header(self, name: str, value: str) -> None:
        self._http.headers[name] = value

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        what = describe(method, url)
        # One session, one host: a paging link elsewhere (Meta's paging.next) would carry the credentials there.
        self._host = self._host or _host(url)
        if self.same_host_only and _host(url) != self._host:
            raise RequestFailed(self.platform, self.account_id, what,
                                f"the answer links to another host, {_host(url)}; not followed (the credentials for "
                                f"{self._host} would go with it)")
        for attempt in range(1, self.policy.max_attempts + 1):
            response, verdict = self._attempt(method, url, **kwargs)
            if verdict.kind == "ok":
                return response
            if verdict.kind == "auth":
                raise AuthError(self.platform, self.account_id, what, verdict.message)
            if verdict.kind == "quota":
                raise QuotaExhausted(self.platform, self.account_id, what, verdict.message, verdict.retry_at)
            if verdict.kind == "fail":
                raise RequestFailed(self.platform, self.account_id, what, verdict.message)
            wait = verdict.wait_seconds if verdict.wait_seconds is not None else self._backoff(attempt)
            if self.waited_seconds + wait > self.policy.max_total_wait_seconds:
                retry_at = datetime.fromtimestamp(self.clock.now() + wait, tz=timezone.utc)
                raise QuotaExhausted(
                    self.platform, self.account_id, what,
                    f"{verdict.message}; waiting {wait:.0f}s more would pass this run's limit of "
                    f"{self.policy.max_total_wait_seconds:.0f}s", retry_at,
                )
            if attempt == self.policy.max_attempts:
                break
            self.clock.sleep(wait)
            self.waited_seconds += wait
        raise RequestFailed(
            self.platform, self.account_id, what,
            f"gave up after {self.policy.max_attempts} attempts: {verdict.message}",
        )

    def _attempt(self, method: str, url: str, **kwargs) -> tuple[requests.Response | None, Verdict]:
        import requests

        self.requests_made += 1
        try:
            response = self._http.request(method, url, timeout=self.policy.timeout_seconds, **kwargs)
        except requests.Timeout:
            return None, Verdict("retry", f"no answer within {self.policy.timeout_seconds:.0f}s")
        except requests.ConnectionError as error:
            return None, Verdict("retry", f"connection failed ({type(error).__name__})")
        except CrossHostRedirect as error:
            host = _host(url)
            return None, Verdict("fail", f"redirected to another host, {error}; not followed (the credentials for "
                                         f"{host} would go with it): check api_base")
        except requests.RequestException as error:  # its text may hold the URL, so only its kind is told
            return None, Verdict("fail", f"request failed ({type(error).__name__})")
        return response, self.classify(response, self.clock.now())

    def _backoff(self, attempt: int) -> float:
        """Exponential, with full jitter so that accounts retrying together spread out."""
        ceiling = min(self.policy.max_backoff_seconds, self.policy.base_backoff_seconds * 2 ** (attempt - 1))
        return self.rng.uniform(ceiling / 2, ceiling)

    def get_json(self, url: str, **kwargs) -> Any:
        return self.json_of(self.request("GET", url, **kwargs), "GET", url)

    def post_json(self, url: str, **kwargs) -> Any:
        return self.json_of(self.request("POST", url, **kwargs), "POST", url)

    def json_of(self, response: requests.Response, method: str, url: str) -> Any:
        """The body as JSON, every non-integer number as an exact Decimal."""
        try:
            return json.loads(response.text, parse_float=Decimal)
        except ValueError as error:
            raise self.malformed(method, url, f"the body is not JSON ({error})") from error

    def malformed(self, method: str, url: str, detail: str) -> MalformedResponse:
        return MalformedResponse(self.platform, self.account_id, describe(method, url), detail)
