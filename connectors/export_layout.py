"""Work out the layout of a downloaded export: encoding, separator, where the header is and what each column means.

Platforms put byte-order marks, preambles, localized headers and decimal commas in their exports, and change them
without notice. Only the head of the file is read here, in Python; the warehouse then reads the whole file with
DuckDB's CSV reader using this layout, which is what keeps large backfills fast.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# How many bytes and lines may come before the header row (LinkedIn has five, Google Ads two).
HEAD_BYTES = 256 * 1024
HEAD_LINES = 60
DELIMITERS = ("\t", ";", ",")

# What kind of value each common field holds; the loader parses and checks cells by kind.
FIELD_KINDS: dict[str, str] = {
    "day": "date",
    "day_end": "date",
    "campaign_id": "text",
    "campaign_name": "text",
    "campaign_type": "text",
    "currency": "currency",
    "spend": "decimal",
    "impressions": "integer",
    "clicks": "integer",
    "conversions": "decimal",
    "platform_revenue": "decimal",
    "deal_id": "text",
    "close_date": "date",
    "channel": "text",
    "amount": "decimal",
    # Organic posts (the page/post exports).
    "post_id": "text",
    "published_at": "timestamp",
    "title": "text",
    "post_type": "text",
    "reactions": "integer",
    "comments": "integer",
    "shares": "integer",
    "video_views": "integer",
}

CURRENCY_PLACEHOLDER = "{currency}"


class ExportError(ValueError):
    """A file that cannot be read as its platform's export; the message names the file, line and column."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, column: str | None = None):
        self.path = str(path)
        self.line = line
        self.column = column
        self.reason = message
        where = self.path
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class ExportLanguage:
    """One language of a platform's export: its header names and how it writes dates and numbers.

    Adding a language the platform switched to is adding one of these to the platform's settings.
    """

    code: str
    headers: Mapping[str, tuple[str, ...]]
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    decimal_separator: str = "."


@dataclass(frozen=True)
class ExportFormat:
    """A platform's export: its languages and the rules its rows follow."""

    name: str
    languages: tuple[ExportLanguage, ...]
    required: tuple[str, ...]
    # Fields whose cells may never be empty on a data row.
    non_empty: tuple[str, ...] = ("day", "campaign_id")
    # Rows whose first cell starts with one of these are totals, never data.
    summary_prefixes: tuple[str, ...] = ("Total",)
    # field -> accepted values; other rows are not ours (Google Ads: only Video campaigns are YouTube).
    keep_only: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # field -> accepted values; any other value rejects the file.
    allowed_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # (first, last): a row covering more than one day cannot be split into days.
    single_day: tuple[str, str] | None = None
    single_day_hint: str = ""
    # How to add missing columns in the platform's export dialog; `{columns}` names them.
    add_column_hint: str = ""

    @property
    def fields(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for language in self.languages:
            seen.update(dict.fromkeys(language.headers))
        return tuple(seen)


@dataclass(frozen=True)
class Column:
    index: int  # 0-based position in the row
    header: str  # as written in the file, for error messages


@dataclass(frozen=True)
class ExportLayout:
    """Everything needed to read a whole export file without looking at it again."""

    path: Path
    format: ExportFormat
    language: ExportLanguage
    encoding: str  # DuckDB's name for it: utf-8, utf-16 or latin-1
    delimiter: str
    header_line: int  # 1-based line number of the header row
    column_count: int
    columns: Mapping[str, Column]
    currency_in_header: str | None = None

    def column_label(self, name: str) -> str:
        return self.columns[name].header

    @property
    def keyed_by_name(self) -> bool:
        """An ads export without its campaign ID column (Meta's default columns): its campaigns are keyed by name
        within the account (warehouse/campaign_names.py)."""
        return "campaign_name" in self.columns and "campaign_id" not in self.columns

    @property
    def non_empty(self) -> tuple[str, ...]:
        """Fields whose cells may never be empty on a data row: the campaign name too where it is the key."""
        return (*self.format.non_empty, "campaign_name") if self.keyed_by_name else self.format.non_empty


@functools.lru_cache(maxsize=4096)  # the same headers and aliases, file after file
def normalize_header(text: str) -> str:
    """Compare headers ignoring case, Unicode compatibility forms, typographic apostrophes and runs of spaces."""
    text = unicodedata.normalize("NFKC", text).replace("\ufeff", "").replace("\u2019", "'")
    return " ".join(text.split()).casefold()


def read_head(path: Path) -> tuple[str, str]:
    """Decode the first part of a file; returns (text, DuckDB encoding name)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as error:
        raise ExportError(path, f"cannot open the file ({error.strerror})") from error
    if not head.strip():
        raise ExportError(path, "the file is empty")
    truncated = len(head) == HEAD_BYTES
    if head.startswith(b"\xfe\xff"):
        raise ExportError(path, "UTF-16 big-endian is not supported; save the export as UTF-8 or UTF-16 LE")
    try:
        if head.startswith(b"\xff\xfe"):
            return _decode_prefix(head[2:], "utf-16-le", truncated), "utf-16"
        if head[1:200:2].count(0) > 20:  # UTF-16 LE written without a byte-order mark
            return _decode_prefix(head, "utf-16-le", truncated), "utf-16"
    except UnicodeDecodeError as error:
        raise ExportError(path, f"not valid UTF-16 text ({error.reason})") from error
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    try:
        return _decode_prefix(head, "utf-8", truncated), "utf-8"
    except UnicodeDecodeError:
        return head.decode("latin-1"), "latin-1"


def _decode_prefix(data: bytes, codec: str, truncated: bool) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        # The head may end in the middle of a character.
        if truncated and error.start >= len(data) - 4:
            return data[: error.start].decode(codec)
        raise


def _match_header(language: ExportLanguage, cells: list[str]) -> tuple[dict[str, Column], str | None]:
    normalized = [normalize_header(cell) for cell in cells]
    columns: dict[str, Column] = {}
    currency = None
    for name, aliases in language.headers.items():
        for alias in aliases:
            index, found_currency = _find_alias(alias, normalized)
            if index is not None:
                columns[name] = Column(index, cells[index].strip().replace("\ufeff", ""))
                currency = currency or found_currency
                break
    return columns, currency


def _find_alias(alias: str, normalized: list[str]) -> tuple[int | None, str | None]:
    if CURRENCY_PLACEHOLDER in alias:
        prefix, suffix = (normalize_header(part) for part in alias.split(CURRENCY_PLACEHOLDER))
        pattern = re.compile(re.escape(prefix) + r"([a-z]{3})" + re.escape(suffix))
        for index, cell in enumerate(normalized):
            match = pattern.fullmatch(cell)
            if match:
                return index, match.group(1).upper()
        return None, None
    target = normalize_header(alias)
    for index, cell in enumerate(normalized):
        if cell == target:
            return index, None
    return None, None


def _first_lines(text: str, count: int) -> list[str]:
    """text.splitlines()[:count], without splitting the rest of the head."""
    end = -1
    for _ in range(count + 1):
        end = text.find("\n", end + 1)
        if end < 0:
            return text.splitlines()[:count]
    return text[:end].splitlines()[:count]


def detect_layout(path: Path, export_format: ExportFormat) -> ExportLayout:
    """Find the header row by its content (never by a fixed line count) and map its columns to common fields."""
    path = Path(path)
    text, encoding = read_head(path)
    lines = _first_lines(text, HEAD_LINES)
    best: tuple[int, int, ExportLanguage, dict[str, Column]] | None = None
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        for delimiter in DELIMITERS:
            if delimiter not in line:
                continue
            cells = next(csv.reader([line], delimiter=delimiter))
            for language in export_format.languages:
                columns, currency = _match_header(language, cells)
                found = sum(name in columns for name in export_format.required)
                if found == len(export_format.required):
                    return ExportLayout(
                        path=path,
                        format=export_format,
                        language=language,
                        encoding=encoding,
                        delimiter=delimiter,
                        header_line=line_number,
                        column_count=len(cells),
                        columns=columns,
                        currency_in_header=currency,
                    )
                if found and (best is None or found > best[0]):
                    best = (found, line_number, language, columns)
    raise ExportError(path, _no_header_message(export_format, best))


def _no_header_message(export_format: ExportFormat, best) -> str:
    expected = ", ".join(f"'{export_format.languages[0].headers[name][0]}'" for name in export_format.required)
    message = f"no {export_format.name} header row found in the first {HEAD_LINES} lines (expected {expected})"
    if best is None:
        return message
    _, line_number, language, columns = best
    missing = ", ".join(
        f"'{language.headers[name][0]}'" for name in export_format.required if name not in columns
    )
    message = f"{message}; line {line_number} looks like the {language.code} header but lacks {missing}"
    if export_format.add_column_hint:
        message += "; " + export_format.add_column_hint.format(columns=missing)
    return message
