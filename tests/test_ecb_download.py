"""The ECB download against a loopback server serving ZIPs built here, on a clock that never sleeps."""

from __future__ import annotations

import io
import socket
import time
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from werkzeug import Response

from connectors.api_session import RetryPolicy
from connectors.ecb.download import RatesDownloadError, download_reference_rates
from connectors.ecb.reference_rates import detect_rates_layout
from connectors.ecb.settings import DAILY_PATH, HISTORY_PATH
from connectors.export_layout import ExportError
from tests.fakes.clock import FakeClock
from warehouse.fx import load_fx_rates
from warehouse.schema import ensure_schema

# As eurofxref-hist.csv prints them: trailing commas, newest first, N/A for discontinued currencies, no trailing
# zeros, whole numbers without a point.
HISTORY = (
    "Date,USD,JPY,BGN,CYP,GBP,RUB,ISK,CHF,\n"
    "2026-11-26,1.1642,172.1,N/A,N/A,0.85607,N/A,145,0.9267,\n"
    "2026-11-25,1.1601,171.85,N/A,N/A,0.8559,N/A,144.8,0.9281,\n"
    "2025-12-31,1.1745,183.94,1.9558,N/A,0.8713,N/A,144.2,0.9311,\n"
    "2022-03-01,1.1124,128.38,1.9558,N/A,0.836,117.247,141.5,1.0268,\n"
    "2007-12-31,1.4721,164.93,1.9558,0.585274,0.7334,35.986,91.2,1.6547,\n"
)
# As eurofxref.csv prints them: the day in English, a space after every comma, trailing zeros kept, and only the
# currencies still quoted.
DAILY = (
    "Date, USD, JPY, GBP, ISK, CHF, \n"
    "27 November 2026, 1.1650, 172.45, 0.85690, 146.20, 0.9270, \n"
)
MERGED = (
    "Date,USD,JPY,BGN,CYP,GBP,RUB,ISK,CHF,\n"
    "2026-11-27,1.1650,172.45,N/A,N/A,0.85690,N/A,146.20,0.9270,\n"
) + HISTORY.split("\n", 1)[1]

PREVIOUS = b"Date,USD,\n2026-11-20,1.15,\n"  # the last good file a failed download must leave alone


def zipped(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


def zip_response(name: str, text: str) -> Response:
    return Response(zipped(name, text), 200, content_type="application/zip")


def serve(httpserver, history: list[Response] | Response, daily: list[Response] | Response) -> None:
    """Each path answers its responses in order, the last one again and again."""
    for path, answers in ((HISTORY_PATH, history), (DAILY_PATH, daily)):
        queue = list(answers) if isinstance(answers, list) else [answers]

        def handler(request, queue=queue):
            return queue.pop(0) if len(queue) > 1 else queue[0]

        httpserver.expect_request(path).respond_with_handler(handler)


def serve_files(httpserver, history: str = HISTORY, daily: str = DAILY) -> None:
    serve(httpserver, zip_response("eurofxref-hist.csv", history), zip_response("eurofxref.csv", daily))


def download(httpserver, target: Path, clock: FakeClock | None = None, **policy):
    return download_reference_rates(
        target, base_url=httpserver.url_for("/"), clock=clock or FakeClock(), policy=RetryPolicy(**policy)
    )


def test_the_newer_daily_day_goes_on_top_in_the_history_layout(httpserver, tmp_path):
    serve_files(httpserver)
    target = tmp_path / "fx" / "eurofxref-hist.csv"
    result = download(httpserver, target)
    assert target.read_bytes() == MERGED.encode()
    assert not (tmp_path / "fx" / "eurofxref-hist.csv.partial").exists()
    assert result.newest_day == date(2026, 11, 27)
    assert result.days == 6
    assert result.currencies == ("USD", "JPY", "BGN", "CYP", "GBP", "RUB", "ISK", "CHF")
    assert result.quoted_on_newest_day == ("USD", "JPY", "GBP", "ISK", "CHF")
    assert result.daily_merged and result.changed
    assert result.history_url == httpserver.url_for(HISTORY_PATH)
    assert result.daily_url == httpserver.url_for(DAILY_PATH)


def test_a_daily_file_not_newer_than_the_history_changes_nothing(httpserver, tmp_path):
    same_day = "Date, USD, JPY, GBP, ISK, CHF, \n26 November 2026, 1.1642, 172.10, 0.85607, 145.00, 0.9267, \n"
    serve_files(httpserver, daily=same_day)
    target = tmp_path / "eurofxref-hist.csv"
    result = download(httpserver, target)
    assert target.read_bytes() == HISTORY.encode()
    assert (result.newest_day, result.days, result.daily_merged, result.changed) == (date(2026, 11, 26), 5, False,
                                                                                      True)
    written = target.stat().st_mtime_ns
    again = download(httpserver, target)
    assert not again.changed  # the same bytes: the file is not rewritten
    assert target.stat().st_mtime_ns == written


def test_a_currency_the_history_lacks_becomes_a_new_column(httpserver, tmp_path):
    serve_files(httpserver, daily="Date, USD, XYZ, \n27 November 2026, 1.1650, 3.50, \n")
    target = tmp_path / "eurofxref-hist.csv"
    download(httpserver, target)
    lines = target.read_text().splitlines()
    assert lines[0] == "Date,USD,JPY,BGN,CYP,GBP,RUB,ISK,CHF,XYZ,"
    assert lines[1] == "2026-11-27,1.1650,N/A,N/A,N/A,N/A,N/A,N/A,N/A,3.50,"
    assert lines[2] == "2026-11-26,1.1642,172.1,N/A,N/A,0.85607,N/A,145,0.9267,N/A,"


def test_a_503_is_retried_on_the_fake_clock(httpserver, tmp_path):
    serve(
        httpserver,
        [Response("busy", 503), Response("busy", 503, headers={"Retry-After": "30"}),
         zip_response("eurofxref-hist.csv", HISTORY)],
        zip_response("eurofxref.csv", DAILY),
    )
    clock = FakeClock()
    target = tmp_path / "eurofxref-hist.csv"
    started = time.monotonic()
    download(httpserver, target, clock, base_backoff_seconds=4)
    assert time.monotonic() - started < 2  # no real sleep
    assert len(clock.sleeps) == 2
    assert 2 <= clock.sleeps[0] <= 4 and clock.sleeps[1] == 30
    assert target.read_bytes() == MERGED.encode()


BAD_HISTORY_RATE = HISTORY.replace("2025-12-31,1.1745,", "2025-12-31,1.17x5,")
FAILURES = {
    "history 404": (Response("Not Found", 404), zip_response("eurofxref.csv", DAILY), HISTORY_PATH,
                    "download failed: HTTP 404 NOT FOUND"),
    "daily 404": (zip_response("eurofxref-hist.csv", HISTORY), Response("Not Found", 404), DAILY_PATH,
                  "download failed: HTTP 404 NOT FOUND"),
    "corrupt ZIP": (Response(zipped("eurofxref-hist.csv", HISTORY)[:-40], 200), zip_response("eurofxref.csv", DAILY),
                    HISTORY_PATH, "not a readable ZIP archive"),
    "an HTML page": (Response("<html>maintenance</html>", 200, content_type="text/html"),
                     zip_response("eurofxref.csv", DAILY), HISTORY_PATH, "not a readable ZIP archive"),
    "a non-numeric history rate": (zip_response("eurofxref-hist.csv", BAD_HISTORY_RATE),
                                   zip_response("eurofxref.csv", DAILY), HISTORY_PATH,
                                   "(eurofxref-hist.csv), line 4, column 'USD': cannot read '1.17x5' as a rate"),
    "a non-numeric daily rate": (zip_response("eurofxref-hist.csv", HISTORY),
                                 zip_response("eurofxref.csv", DAILY.replace("172.45", "n.a.")), DAILY_PATH,
                                 "(eurofxref.csv), line 2, column 'JPY': cannot read 'n.a.' as a rate"),
    "a zero rate": (zip_response("eurofxref-hist.csv", HISTORY.replace(",0.8559,", ",0.0000,")),
                    zip_response("eurofxref.csv", DAILY), HISTORY_PATH, "'0.0000' is not a positive rate"),
    "a date that does not parse": (zip_response("eurofxref-hist.csv", HISTORY.replace("2025-12-31", "31.12.2025")),
                                   zip_response("eurofxref.csv", DAILY), HISTORY_PATH,
                                   "cannot read '31.12.2025' as a date"),
    "a daily date that does not parse": (zip_response("eurofxref-hist.csv", HISTORY),
                                         zip_response("eurofxref.csv", DAILY.replace("November", "Novembre")),
                                         DAILY_PATH, "cannot read '27 Novembre 2026' as a date"),
    "a short row": (zip_response("eurofxref-hist.csv", HISTORY.replace(",0.9281,\n", "\n")),
                    zip_response("eurofxref.csv", DAILY), HISTORY_PATH, "8 cells where the header has 9"),
    "days out of order": (zip_response("eurofxref-hist.csv", HISTORY.replace("2025-12-31", "2026-11-28")),
                          zip_response("eurofxref.csv", DAILY), HISTORY_PATH, "must run newest first"),
    "the wrong file in the ZIP": (zip_response("readme.txt", "hello"), zip_response("eurofxref.csv", DAILY),
                                  HISTORY_PATH, "the ZIP holds no eurofxref-hist.csv"),
    "503 until retries run out": (Response("down", 503), zip_response("eurofxref.csv", DAILY), HISTORY_PATH,
                                  "gave up after 3 attempts: HTTP 503 SERVICE UNAVAILABLE"),
}


@pytest.mark.parametrize("case", FAILURES)
def test_a_failure_names_the_url_and_leaves_the_previous_file(httpserver, tmp_path, case):
    history, daily, failing_path, reason = FAILURES[case]
    serve(httpserver, history, daily)
    target = tmp_path / "eurofxref-hist.csv"
    target.write_bytes(PREVIOUS)
    with pytest.raises(RatesDownloadError) as error:
        download(httpserver, target, max_attempts=3)
    message = str(error.value)
    assert message.startswith(httpserver.url_for(failing_path))
    assert reason in message
    assert isinstance(error.value, ExportError)  # the FX asset's handler already turns these into a failed check
    assert target.read_bytes() == PREVIOUS
    assert sorted(path.name for path in tmp_path.iterdir()) == ["eurofxref-hist.csv"]


def test_no_server_at_all_names_the_url(tmp_path):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    target = tmp_path / "eurofxref-hist.csv"
    target.write_bytes(PREVIOUS)
    clock = FakeClock()
    with pytest.raises(RatesDownloadError) as error:
        download_reference_rates(target, base_url=f"http://127.0.0.1:{port}", clock=clock,
                                 policy=RetryPolicy(max_attempts=2, timeout_seconds=2))
    assert str(error.value).startswith(f"http://127.0.0.1:{port}{HISTORY_PATH}: download failed: ")
    assert "connection failed" in str(error.value)
    assert len(clock.sleeps) == 1
    assert target.read_bytes() == PREVIOUS


def test_the_written_file_loads_into_the_warehouse_with_exact_rates(httpserver, tmp_path):
    serve_files(httpserver)
    target = tmp_path / "eurofxref-hist.csv"
    download(httpserver, target)
    layout = detect_rates_layout(target)
    assert list(layout.currencies.values()) == ["USD", "JPY", "BGN", "CYP", "GBP", "RUB", "ISK", "CHF"]
    con = duckdb.connect()
    ensure_schema(con)
    quoted = sum(cell not in ("N/A", "") for line in MERGED.splitlines()[1:] for cell in line.split(",")[1:])
    assert load_fx_rates(con, layout) == quoted + 1  # and EUR = 1
    rates = dict(con.execute(
        "SELECT currency, rate FROM raw.fx_rates WHERE date = DATE '2026-11-27' ORDER BY currency"
    ).fetchall())
    assert rates == {"CHF": Decimal("0.927"), "GBP": Decimal("0.8569"), "ISK": Decimal("146.2"),
                     "JPY": Decimal("172.45"), "USD": Decimal("1.165")}
    assert all(isinstance(rate, Decimal) for rate in rates.values())
    assert con.execute(
        "SELECT rate FROM raw.fx_rates WHERE date = DATE '2007-12-31' AND currency = 'CYP'"
    ).fetchone()[0] == Decimal("0.585274")
    assert con.execute("SELECT count(*) FROM raw.fx_rates WHERE currency = 'BGN'").fetchone()[0] == 3


def test_a_write_that_fails_halfway_leaves_the_previous_file(httpserver, tmp_path, monkeypatch):
    serve_files(httpserver)
    target = tmp_path / "eurofxref-hist.csv"
    target.write_bytes(PREVIOUS)

    def disk_full(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("connectors.ecb.download.os.replace", disk_full)
    with pytest.raises(OSError):
        download(httpserver, target)
    assert target.read_bytes() == PREVIOUS
    assert sorted(path.name for path in tmp_path.iterdir()) == ["eurofxref-hist.csv"]


def test_the_pipeline_downloads_its_rates_and_keeps_the_last_good_ones(httpserver, sample):
    from tests.conftest import run_pipeline

    history = (sample / "data" / "fx" / "eurofxref-hist.csv").read_text(encoding="utf-8")
    header, newest = history.splitlines()[:2]
    codes = [code for code in header.split(",")[1:] if code]
    values = newest.split(",")[1:1 + len(codes)]
    daily = "Date, " + ", ".join(codes) + ", \n2 November 2026, " + ", ".join(values) + ", \n"
    serve_files(httpserver, history, daily)
    config = sample / "roi.toml"
    config.write_text(config.read_text().replace(
        'fx_rates = "data/fx/eurofxref-hist.csv"',
        f'fx_rates = "data/fx/live.csv"\nfx_rates_url = "{httpserver.url_for("/")}"'))
    run = run_pipeline(config)
    assert run.problems == []
    assert run.query("SELECT max(date) FROM raw.fx_rates") == [(date(2026, 11, 2),)]
    assert (sample / "data" / "fx" / "live.csv").read_text().splitlines()[1].startswith("2026-11-02,")

    httpserver.clear()
    httpserver.expect_request(HISTORY_PATH).respond_with_data("gone", status=404)
    again = run_pipeline(config)
    [problem] = again.problems
    assert problem.startswith(f"check raw/fx_rates:rates_file_accepted: {httpserver.url_for(HISTORY_PATH)}")
    assert "404" in problem
    assert again.query("SELECT max(date) FROM raw.fx_rates") == [(date(2026, 11, 2),)]  # the last good rates
    assert again.query("SELECT sum(spend) FROM marts.roi_global") == run.query("SELECT sum(spend) FROM marts.roi_global")
