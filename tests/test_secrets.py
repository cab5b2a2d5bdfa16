"""Secrets never stored: canary credentials for every platform, every way a pull can fail (401, 403, 500 with the
canaries echoed in body and headers, a timeout, a body that is not JSON, a redirect to another host), real `roi run`
processes, then every byte they left behind scanned for the canaries in plain, URL-encoded and base64 forms."""

from __future__ import annotations

import base64
import json
import random
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from connectors.credentials import CREDENTIAL_VARIABLES
from connectors.secrets import redact
from tests.conftest import roi
from tests.fakes.facebook import FacebookFake
from tests.fakes.fixtures import AllFakes
from tests.fakes.linkedin import LinkedInFake
from tests.fakes.twitter import TwitterFake
from tests.fakes.youtube import GoogleAdsFake
from tests.test_api_pipeline import ACCOUNTS, september, write_config

PLATFORMS = list(ACCOUNTS)  # linkedin, twitter, facebook, youtube
FAILURES = ["401", "403", "500", "timeout", "not JSON", "redirect"]
CREDENTIAL_HEADERS = {"authorization", "developer-token", "login-customer-id"}


def canaries() -> dict[str, str]:
    """A distinct random value per credential variable (the login customer id must be 10 digits)."""
    values = {name: f"canary{secrets.token_hex(10)}" for name in CREDENTIAL_VARIABLES}
    values["ROI_GOOGLE_ADS_LOGIN_CUSTOMER_ID"] = str(random.SystemRandom().randrange(10**9, 10**10))
    return values


def forms(value: str) -> list[str]:
    raw = value.encode()
    return [value, quote(value, safe=""), base64.b64encode(raw).decode().rstrip("="),
            base64.urlsafe_b64encode(raw).decode().rstrip("=")]


class Elsewhere:
    """A second loopback server, another host:port, recording the headers of every request it receives."""

    def __init__(self) -> None:
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                received.append({key.lower(): value for key, value in self.headers.items()})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def canary_platforms(httpserver, monkeypatch):
    env = canaries()
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    fakes = AllFakes(
        httpserver,
        LinkedInFake(tokens={env["ROI_LINKEDIN_TOKEN"]}),
        TwitterFake(consumer_key=env["ROI_X_CONSUMER_KEY"], consumer_secret=env["ROI_X_CONSUMER_SECRET"],
                    access_token=env["ROI_X_ACCESS_TOKEN"], access_secret=env["ROI_X_ACCESS_SECRET"]),
        FacebookFake(tokens={env["ROI_META_TOKEN"]}),
        GoogleAdsFake(developer_token=env["ROI_GOOGLE_ADS_DEVELOPER_TOKEN"],
                      login_customer_id=env["ROI_GOOGLE_ADS_LOGIN_CUSTOMER_ID"],
                      access_tokens={env["ROI_GOOGLE_ADS_ACCESS_TOKEN"]}, client_id=env["ROI_GOOGLE_ADS_CLIENT_ID"],
                      client_secret=env["ROI_GOOGLE_ADS_CLIENT_SECRET"],
                      refresh_token=env["ROI_GOOGLE_ADS_REFRESH_TOKEN"]),
    )
    elsewhere = Elsewhere()
    yield fakes, env, elsewhere
    elsewhere.close()
    assert not fakes.errors, "a fake server raised:\n" + "\n".join(fakes.errors)


def hostile_body(env: dict[str, str]):
    """What a hostile or careless platform answers: every canary in every form, and the request as received."""

    def body(request) -> dict:
        return {"error": {"message": "invalid credentials: " + " ".join(f for v in env.values() for f in forms(v)),
                          "received_headers": dict(request.headers), "query": request.query_string,
                          "form": request.body.decode("utf-8", "replace")}}

    return body


def queue(fakes: AllFakes, platform: str, failure: str, env: dict[str, str], elsewhere: Elsewhere) -> None:
    echo = hostile_body(env)
    header = {"X-Debug-Token": " ".join(env.values()), "WWW-Authenticate": f'Bearer error="{env["ROI_META_TOKEN"]}"'}
    if failure in ("401", "403", "500"):
        fakes.fail(platform, int(failure), echo, headers=header)
    elif failure == "timeout":
        fakes.fail(platform, 200, lambda request: time.sleep(1.5) or echo(request))
    elif failure == "not JSON":
        fakes.fail(platform, 200, lambda request: "<html>" + json.dumps(echo(request)) + "</html>")
    elif failure == "redirect":  # 307: the method and body (Google Ads' POST) go along too
        fakes.fail(platform, 307, "", headers={"Location": f"{elsewhere.url}/collect?token={env['ROI_META_TOKEN']}"})


def hardened_config(folder: Path, base_url: str) -> Path:
    """The API test config, with a Parquet copy, and a one-second timeout and no retries (runs stay short)."""
    path = write_config(folder, base_url)
    text = path.read_text(encoding="utf-8")
    path.write_text('parquet_dir = "parquet"\n' + text + "\n[api]\ntimeout_seconds = 1\nmax_wait_seconds = 0.5\n",
                    encoding="utf-8")
    return path


def test_canary_credentials_never_leave_the_process_whatever_the_platforms_answer(canary_platforms, tmp_path):
    fakes, env, elsewhere = canary_platforms
    september(fakes, days=range(1, 3))
    config = hardened_config(tmp_path / "work", fakes.base_url)
    home = tmp_path / "dagster_home"
    home.mkdir()
    said = []
    # First every platform redirects elsewhere; then each run gives each platform a different failure, so that
    # every failure happens and the bodies echoing the canaries come from more than one platform.
    runs = [["redirect"] * 4] + [[FAILURES[(index + shift) % 5] for index in range(4)] for shift in range(2)]
    for failures in runs:
        for platform, failure in zip(PLATFORMS, failures):
            queue(fakes, platform, failure, env, elsewhere)
        done = roi("run", "--start", "2026-09-01", "--end", "2026-09-02", config=config, home=home)
        assert done.returncode == 1, done.stdout + done.stderr
        assert fakes.pending_failures() == 0
        said.append(done.stdout + done.stderr)

    done = roi("run", "--start", "2026-09-01", "--end", "2026-09-02", config=config, home=home)
    assert done.returncode == 0, done.stderr  # the platforms answer again: published, raw.api_pulls and all
    said += [done.stdout + done.stderr]
    for command in (("status",), ("report", "--html", str(tmp_path / "work" / "report.html"))):
        shown = roi(*command, config=config, home=home)
        said.append(shown.stdout + shown.stderr)
    assert "last pull stopped" not in said[-2]

    written = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    assert any(path.suffix == ".parquet" for path in written) and any(path.suffix == ".duckdb" for path in written)
    assert any(path.name == "last_run.json" for path in written)
    assert sum(path.is_relative_to(home) for path in written) > 3  # runs, event logs, compute logs
    for name, value in env.items():
        for form in forms(value):
            assert form not in "\n".join(said), (name, form)
            for path, data in written.items():
                assert form.encode() not in data, (name, form, path)
    assert elsewhere.received == []  # refused before anything was sent there
    failures = "\n".join(said[:len(runs)])
    assert f"redirected to another host, {elsewhere.url.removeprefix('http://')}; not followed" in failures
    assert "no answer within 1s" in failures and "the body is not JSON" in failures
    assert "invalid credentials: ***" in failures  # the echoed body is quoted, its secrets masked


def test_redact_masks_values_in_every_form_and_token_shapes_and_cuts_long_bodies(monkeypatch):
    env = canaries()
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    text = " ".join(f for value in env.values() for f in forms(value)) + (
        " Authorization: Bearer ya29.unknown-token"
        ' OAuth oauth_consumer_key="k", oauth_signature="abc%2F%3D" {"access_token": "fresh-one"}'
        " next?access_token=EAAB123&after=x developer-token: dev1234")
    shown = redact(text)
    for value in env.values():
        assert all(form not in shown for form in forms(value))
    for leaked in ("ya29.unknown-token", "abc%2F", "fresh-one", "EAAB123", "dev1234"):
        assert leaked not in shown
    assert "after=x" in shown and "oauth_signature=\"***\"" in shown
    long = redact("x" * 10_000, 500)
    assert long.startswith("x" * 500) and long.endswith("(9500 more characters)")


def test_a_session_refuses_redirects_and_links_to_another_host_before_sending_anything(httpserver):
    from connectors.api_session import ApiSession, RequestFailed
    from tests.fakes.clock import FakeClock

    elsewhere = Elsewhere()
    try:
        httpserver.expect_request("/moved").respond_with_data("", 307, {"Location": f"{elsewhere.url}/x"})
        httpserver.expect_request("/same").respond_with_data("", 302, {"Location": "/page"})
        httpserver.expect_request("/page").respond_with_json({"paging": {"next": f"{elsewhere.url}/p2"}})
        session = ApiSession("Google Ads", "7712345678", clock=FakeClock(),
                             headers={"developer-token": "dev-canary", "login-customer-id": "9999999999"})
        with pytest.raises(RequestFailed, match=f"redirected to another host, {elsewhere.url[7:]}; not followed"):
            session.post_json(httpserver.url_for("/moved"), data={"query": "SELECT 1"})
        assert session.get_json(httpserver.url_for("/same")) == {"paging": {"next": f"{elsewhere.url}/p2"}}
        with pytest.raises(RequestFailed, match=f"links to another host, {elsewhere.url[7:]}; not followed"):
            session.get_json(f"{elsewhere.url}/p2")
        assert elsewhere.received == []
    finally:
        elsewhere.close()


def test_roi_status_redacts_a_pull_message_stored_before_the_redaction(monkeypatch, tmp_path):
    import duckdb

    from warehouse.schema import ensure_schema
    from warehouse.status import account_status

    token = f"canary{secrets.token_hex(10)}"
    monkeypatch.setenv("ROI_META_TOKEN", token)
    with duckdb.connect(str(tmp_path / "old.duckdb")) as con:
        ensure_schema(con)
        con.execute("INSERT INTO raw.api_pulls VALUES ('facebook', '1234567890', DATE '2026-09-01', DATE '2026-09-01', "
                    "'stopped', 0, 1, ?, NULL, TIMESTAMP '2026-09-02 06:00:00', [?])",
                    [f"Meta account 1234567890: HTTP 401: bad token {token}", f"note {token}"])
        state = account_status(con, "facebook", "1234567890")
    assert state.last_pull_message == "Meta account 1234567890: HTTP 401: bad token ***"
    assert state.notes == ("ads pull note: note ***",)
