"""Download the ECB's reference rates, so that a run no longer needs a hand-placed rates file.

The ECB publishes two ZIP files: the whole history (`eurofxref-hist.zip`, every day since 1999) and the latest day
(`eurofxref.zip`, in a slightly different layout). Both are fetched through the project's HTTP layer (timeouts,
retries with backoff on the injected clock), unzipped in memory and checked cell by cell; the latest day is added to
the history when the history does not have it yet, and the result is written in the exact `eurofxref-hist.csv`
layout that connectors/ecb/reference_rates.py and warehouse/fx.py read. Rates stay the strings the ECB printed:
nothing here is ever a float.

Any failure (network, HTTP status, a ZIP that is not one, a cell that is not a rate) raises RatesDownloadError naming
the URL, and leaves the previous file in place: the target is only ever replaced whole (`<target>.partial`, then
os.replace).
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath

import requests

from connectors.api_session import (
    ApiError,
    ApiSession,
    Clock,
    RetryPolicy,
    SystemClock,
    Verdict,
    retry_after_seconds,
)
from connectors.ecb.reference_rates import CURRENCY_CODE
from connectors.ecb.settings import (
    DAILY_DATE_MONTHS,
    DAILY_MEMBER,
    DAILY_PATH,
    DATE_HEADER,
    DOWNLOAD_MAX_ATTEMPTS,
    DOWNLOAD_MAX_WAIT_SECONDS,
    DOWNLOAD_PLATFORM,
    DOWNLOAD_TIMEOUT_SECONDS,
    ECB_BASE_URL,
    HISTORY_MEMBER,
    HISTORY_PATH,
    MAX_CSV_BYTES,
    NO_RATE,
    RATE_PATTERN,
)
from connectors.export_layout import ExportError

RATE = re.compile(RATE_PATTERN)
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTHS = {name.lower(): number for number, name in enumerate(DAILY_DATE_MONTHS, start=1)}
ACCOUNT = "reference rates"  # the "account" the shared HTTP layer names in its messages


class RatesDownloadError(ExportError):
    """The rates could not be downloaded or are not the ECB's files; the message names the URL (and the file, line
    and column inside the ZIP when a cell is wrong). An ExportError, so that the FX asset's existing handler turns it
    into a failed check while the previous rates stay."""

    def __init__(self, url: str, message: str, *, member: str | None = None, line: int | None = None,
                 column: str | None = None):
        self.url = url
        self.member = member
        super().__init__(f"{url} ({member})" if member else url, message, line=line, column=column)


@dataclass(frozen=True)
class DownloadResult:
    path: Path
    newest_day: date
    days: int  # data rows in the file
    currencies: tuple[str, ...]  # every column, in the file's order, discontinued currencies included
    quoted_on_newest_day: tuple[str, ...]  # the currencies with a rate (not N/A) on the newest day
    daily_merged: bool  # the daily file's day was newer than the history and was added on top
    changed: bool  # False when the target already held exactly these bytes (then it was not rewritten)
    history_url: str
    daily_url: str


@dataclass
class _Rates:
    """A reference-rate table: currency columns and rows (day, one cell per currency), newest first."""

    currencies: list[str]
    rows: list[tuple[date, list[str]]]


def download_reference_rates(
    target: Path,
    *,
    base_url: str | None = None,
    clock: Clock | None = None,
    policy: RetryPolicy | None = None,
) -> DownloadResult:
    """Fetch the history and the latest day, merge, check and write `target` in the eurofxref-hist.csv layout.

    `base_url` replaces https://www.ecb.europa.eu (tests point it at a loopback server). Raises RatesDownloadError
    naming the URL on any failure, with `target` untouched."""
    target = Path(target)
    base = (base_url or ECB_BASE_URL).rstrip("/")
    history_url, daily_url = base + HISTORY_PATH, base + DAILY_PATH
    session = ApiSession(
        DOWNLOAD_PLATFORM,
        ACCOUNT,
        classify=ecb_verdict,
        policy=policy or RetryPolicy(
            timeout_seconds=DOWNLOAD_TIMEOUT_SECONDS,
            max_attempts=DOWNLOAD_MAX_ATTEMPTS,
            max_total_wait_seconds=DOWNLOAD_MAX_WAIT_SECONDS,
        ),
        clock=clock or SystemClock(),
        same_host_only=False,  # public files, no credentials: a move to a mirror or CDN may be followed
    )
    history = parse_history(_fetch_csv(session, history_url, HISTORY_MEMBER), history_url, HISTORY_MEMBER)
    daily_day, daily_rates = parse_daily(_fetch_csv(session, daily_url, DAILY_MEMBER), daily_url, DAILY_MEMBER)
    merged = merge_daily(history, daily_day, daily_rates)
    content = render(history)
    changed = _write_atomically(target, content)
    newest_day, newest_cells = history.rows[0]
    return DownloadResult(
        path=target,
        newest_day=newest_day,
        days=len(history.rows),
        currencies=tuple(history.currencies),
        quoted_on_newest_day=tuple(c for c, cell in zip(history.currencies, newest_cells) if cell != NO_RATE),
        daily_merged=merged,
        changed=changed,
        history_url=history_url,
        daily_url=daily_url,
    )


def ecb_verdict(response: requests.Response, now: float) -> Verdict:
    """408, 429 and 5xx are worth retrying (after Retry-After if given); anything else is final. No credentials
    are involved, so a 401/403 is a plain refusal, not an expired token."""
    if response.ok:
        return Verdict.ok()
    message = f"HTTP {response.status_code} {response.reason or ''}".rstrip()
    if response.status_code in (408, 429) or response.status_code >= 500:
        return Verdict("retry", message, retry_after_seconds(response.headers, now))
    return Verdict("fail", message)


# --- fetching and unzipping ------------------------------------------------------------------------------------------


def _fetch_csv(session: ApiSession, url: str, member: str) -> str:
    try:
        response = session.request("GET", url)
    except ApiError as error:
        raise RatesDownloadError(url, f"download failed: {_reason(error)}") from error
    return unzip_csv(response.content, url, member)


def _reason(error: ApiError) -> str:
    """The ApiError's message without the platform/account prefix and the request suffix (the URL says both)."""
    text = str(error)
    text = text.removeprefix(f"{error.platform} account {error.account_id}: ")
    return text.removesuffix(f" ({error.request})")


def unzip_csv(content: bytes, url: str, member: str) -> str:
    """The one CSV inside the ZIP, as text."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            files = [info for info in archive.infolist() if not info.is_dir()]
            named = [info for info in files if PurePosixPath(info.filename).name.lower() == member.lower()]
            csvs = [info for info in files if info.filename.lower().endswith(".csv")]
            chosen = named[0] if named else (csvs[0] if len(csvs) == 1 else None)
            if chosen is None:
                listed = ", ".join(info.filename for info in files) or "nothing"
                raise RatesDownloadError(url, f"the ZIP holds no {member} (it holds {listed})")
            if chosen.file_size > MAX_CSV_BYTES:
                raise RatesDownloadError(url, f"{chosen.filename} is {chosen.file_size} bytes unzipped, more than "
                                              f"the {MAX_CSV_BYTES} expected of the ECB's file")
            with archive.open(chosen) as handle:
                data = handle.read(MAX_CSV_BYTES + 1)
    except RatesDownloadError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as error:
        raise RatesDownloadError(url, f"not a readable ZIP archive ({error})") from error
    if len(data) > MAX_CSV_BYTES:
        raise RatesDownloadError(url, f"{chosen.filename} is larger than the {MAX_CSV_BYTES} bytes expected")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RatesDownloadError(url, f"not UTF-8 text ({error})", member=chosen.filename) from error


# --- parsing and checking ---------------------------------------------------------------------------------------------


def _lines(text: str) -> list[tuple[int, list[str]]]:
    """(line number, stripped cells) of every non-blank line."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            out.append((number, [cell.strip() for cell in next(csv.reader([line]))]))
    return out


def _without_trailing_empty(cells: list[str]) -> list[str]:
    """The ECB ends every line with a comma: the last, empty cell is not a column."""
    return cells[:-1] if len(cells) > 1 and cells[-1] == "" else cells


def _header(lines: list[tuple[int, list[str]]], url: str, member: str) -> list[str]:
    if not lines:
        raise RatesDownloadError(url, "the file is empty", member=member)
    number, cells = lines[0]
    cells = _without_trailing_empty(cells)
    if cells[0] != DATE_HEADER:
        raise RatesDownloadError(url, f"not an ECB reference-rate file: the first column must be '{DATE_HEADER}'",
                                 member=member, line=number)
    currencies = cells[1:]
    if not currencies:
        raise RatesDownloadError(url, "no currency columns", member=member, line=number)
    for index, code in enumerate(currencies, start=2):
        if not CURRENCY_CODE.fullmatch(code):
            raise RatesDownloadError(url, f"'{code}' is not an ISO currency code", member=member, line=number,
                                     column=f"#{index}")
    repeated = sorted({code for code in currencies if currencies.count(code) > 1})
    if repeated:
        raise RatesDownloadError(url, f"currency column(s) repeated: {', '.join(repeated)}", member=member,
                                 line=number)
    return currencies


def _rates(cells: list[str], currencies: list[str], number: int, url: str, member: str) -> list[str]:
    """The rate cells of a data row, each a positive decimal or N/A, kept as printed."""
    if len(cells) != len(currencies):
        raise RatesDownloadError(url, f"{len(cells) + 1} cells where the header has {len(currencies) + 1}",
                                 member=member, line=number)
    for code, cell in zip(currencies, cells):
        if cell == NO_RATE:
            continue
        if not RATE.fullmatch(cell):
            raise RatesDownloadError(url, f"cannot read '{cell}' as a rate", member=member, line=number,
                                     column=code)
        try:
            positive = Decimal(cell) > 0
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            positive = False
        if not positive:
            raise RatesDownloadError(url, f"'{cell}' is not a positive rate", member=member, line=number,
                                     column=code)
    return cells


def parse_history(text: str, url: str, member: str = HISTORY_MEMBER) -> _Rates:
    """eurofxref-hist.csv: `Date,USD,...,` then `YYYY-MM-DD,<rate or N/A>,...,`, days strictly newest first."""
    lines = _lines(text)
    currencies = _header(lines, url, member)
    rows: list[tuple[date, list[str]]] = []
    for number, cells in lines[1:]:
        cells = _without_trailing_empty(cells)
        day = _iso_day(cells[0], url, member, number)
        if rows and day >= rows[-1][0]:
            raise RatesDownloadError(url, f"{day} comes after {rows[-1][0]}: the days must run newest first, "
                                          "each once", member=member, line=number, column=DATE_HEADER)
        rows.append((day, _rates(cells[1:], currencies, number, url, member)))
    if not rows:
        raise RatesDownloadError(url, "no days in the file", member=member)
    return _Rates(currencies, rows)


def parse_daily(text: str, url: str, member: str = DAILY_MEMBER) -> tuple[date, dict[str, str]]:
    """eurofxref.csv: `Date, USD, ..., ` then one row `27 November 2026, 1.1650, ..., `: the day and its rates."""
    lines = _lines(text)
    currencies = _header(lines, url, member)
    if len(lines) != 2:
        raise RatesDownloadError(url, f"{len(lines) - 1} data rows where the latest-day file has one",
                                 member=member)
    number, cells = lines[1]
    cells = _without_trailing_empty(cells)
    day = _daily_day(cells[0], url, member, number)
    return day, dict(zip(currencies, _rates(cells[1:], currencies, number, url, member)))


def _iso_day(text: str, url: str, member: str, number: int) -> date:
    try:
        if ISO_DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise RatesDownloadError(url, f"cannot read '{text}' as a date (YYYY-MM-DD)", member=member, line=number,
                             column=DATE_HEADER)


def _daily_day(text: str, url: str, member: str, number: int) -> date:
    """`27 November 2026` (English month names whatever the machine's locale), or an ISO day."""
    parts = text.split()
    if len(parts) == 3 and parts[0].isdigit() and parts[2].isdigit() and parts[1].lower() in MONTHS:
        try:
            return date(int(parts[2]), MONTHS[parts[1].lower()], int(parts[0]))
        except ValueError:
            pass
    elif ISO_DAY.fullmatch(text):
        return _iso_day(text, url, member, number)
    raise RatesDownloadError(url, f"cannot read '{text}' as a date (like '27 November 2026')", member=member,
                             line=number, column=DATE_HEADER)


# --- merging and writing ----------------------------------------------------------------------------------------------


def merge_daily(history: _Rates, day: date, rates: dict[str, str]) -> bool:
    """Put the latest day on top of the history if the history does not reach it yet: the history's column order,
    N/A for a currency the daily file does not quote, and a new column (N/A on every earlier day) for a currency
    the history does not have yet. Returns whether the day was added."""
    if day <= history.rows[0][0]:
        return False
    new = [code for code in rates if code not in history.currencies]
    if new:
        history.currencies.extend(new)
        for _, cells in history.rows:
            cells.extend([NO_RATE] * len(new))
    history.rows.insert(0, (day, [rates.get(code, NO_RATE) for code in history.currencies]))
    return True


def render(rates: _Rates) -> bytes:
    """The exact eurofxref-hist.csv layout: a trailing comma on every line, `\\n` line ends, UTF-8 without BOM."""
    lines = [",".join([DATE_HEADER, *rates.currencies]) + ",\n"]
    lines += [",".join([day.isoformat(), *cells]) + ",\n" for day, cells in rates.rows]
    return "".join(lines).encode("utf-8")


def _write_atomically(target: Path, content: bytes) -> bool:
    """Replace `target` whole (write `<target>.partial`, then os.replace); False when it already holds `content`."""
    try:
        if target.read_bytes() == content:
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        with open(partial, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return True
