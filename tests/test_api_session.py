"""The HTTP layer every API client shares, against a real server on loopback and a clock that never sleeps."""

from __future__ import annotations

import pytest
from werkzeug import Response

from connectors.api_session import (
    ApiSession,
    AuthError,
    QuotaExhausted,
    RequestFailed,
    RetryPolicy,
    describe,
    without_params,
)
from connectors.credentials import MissingCredentials, credentials_for
from tests.fakes.clock import FakeClock


def scripted(httpserver, responses: list[Response]) -> None:
    """The server answers these responses in order, then 200 {"ok": true}."""
    queue = list(responses)

    def handler(request):
        return queue.pop(0) if queue else Response('{"ok": true}', 200, content_type="application/json")

    httpserver.expect_request("/thing").respond_with_handler(handler)


def session(clock, **policy) -> ApiSession:
    return ApiSession("Test", "acct-1", clock=clock, policy=RetryPolicy(**policy))


def test_retry_after_is_honoured(httpserver):
    scripted(httpserver, [Response("slow down", 429, headers={"Retry-After": "7"})])
    clock = FakeClock()
    assert session(clock).get_json(httpserver.url_for("/thing")) == {"ok": True}
    assert clock.sleeps == [7.0]


def test_without_retry_after_backoff_grows_with_jitter(httpserver):
    scripted(httpserver, [Response("busy", 429), Response("busy", 429), Response("oops", 500), Response("down", 503)])
    clock = FakeClock()
    api = session(clock, base_backoff_seconds=2)
    assert api.get_json(httpserver.url_for("/thing")) == {"ok": True}
    assert len(clock.sleeps) == 4
    for attempt, slept in enumerate(clock.sleeps, start=1):
        ceiling = 2 * 2 ** (attempt - 1)
        assert ceiling / 2 <= slept <= ceiling
    assert api.requests_made == 5


def test_a_wait_beyond_the_runs_budget_stops_with_when_to_retry(httpserver):
    scripted(httpserver, [Response("quota", 429, headers={"Retry-After": "40000"})])
    clock = FakeClock()
    with pytest.raises(QuotaExhausted) as error:
        session(clock, max_total_wait_seconds=600).get_json(httpserver.url_for("/thing"))
    assert clock.sleeps == []
    assert error.value.retry_at.timestamp() == pytest.approx(clock.now() + 40000)
    assert "Test account acct-1" in str(error.value) and "retry after" in str(error.value)


def test_attempts_are_bounded(httpserver):
    scripted(httpserver, [Response("down", 503)] * 10)
    with pytest.raises(RequestFailed) as error:
        session(FakeClock(), max_attempts=3).get_json(httpserver.url_for("/thing"))
    assert "gave up after 3 attempts: HTTP 503: down" in str(error.value)


def test_refused_credentials_are_not_retried(httpserver):
    scripted(httpserver, [Response('{"message": "expired"}', 401)])
    clock = FakeClock()
    with pytest.raises(AuthError):
        session(clock).get_json(httpserver.url_for("/thing"))
    assert clock.sleeps == []


def test_a_timeout_is_retried(httpserver):
    import time as real_time

    calls = []

    def handler(request):
        calls.append(1)
        if len(calls) == 1:
            real_time.sleep(0.4)
        return Response('{"ok": true}', 200, content_type="application/json")

    httpserver.expect_request("/thing").respond_with_handler(handler)
    clock = FakeClock()
    assert session(clock, timeout_seconds=0.3).get_json(httpserver.url_for("/thing")) == {"ok": True}
    assert len(clock.sleeps) == 1 and len(calls) == 2


def test_error_descriptions_never_carry_tokens():
    url = "https://graph.example/v25.0/act_1/insights?limit=5&access_token=EAAB-SECRET&after=abc"
    assert "SECRET" not in describe("GET", url)
    assert "access_token=%2A%2A%2A" in describe("GET", url) or "access_token=***" in describe("GET", url)
    assert "access_token" not in without_params(url, {"access_token"})
    assert "after=abc" in without_params(url, {"access_token"})


def test_missing_credentials_name_the_variables():
    with pytest.raises(MissingCredentials) as error:
        credentials_for("twitter", {"ROI_X_CONSUMER_KEY": "k"})
    assert "ROI_X_CONSUMER_SECRET, ROI_X_ACCESS_TOKEN, ROI_X_ACCESS_SECRET" in str(error.value)
    with pytest.raises(MissingCredentials) as error:
        credentials_for("youtube", {"ROI_GOOGLE_ADS_DEVELOPER_TOKEN": "d", "ROI_GOOGLE_ADS_LOGIN_CUSTOMER_ID": "999-999-9999"})
    assert "ROI_GOOGLE_ADS_ACCESS_TOKEN (or ROI_GOOGLE_ADS_CLIENT_ID" in str(error.value)
    refresh = {"ROI_GOOGLE_ADS_DEVELOPER_TOKEN": "d", "ROI_GOOGLE_ADS_LOGIN_CUSTOMER_ID": "999-999-9999",
               "ROI_GOOGLE_ADS_CLIENT_ID": "c", "ROI_GOOGLE_ADS_CLIENT_SECRET": "s", "ROI_GOOGLE_ADS_REFRESH_TOKEN": "r"}
    assert credentials_for("youtube", refresh)["ROI_GOOGLE_ADS_REFRESH_TOKEN"] == "r"
