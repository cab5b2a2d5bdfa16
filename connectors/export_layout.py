"""Work out the layout of a downloaded export: encoding, separator, where the header is and what each column means.

Platforms put byte-order marks, preambles, localized headers and decimal commas in their exports, and change them
without notice. Only the head of the file is read here, in Python; the warehouse then reads the whole file with
DuckDB's CSV reader using this layout, which is what keeps large backfills fast.
"""

from __future__ import annotations

import codecs
import csv
import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# How many bytes and lines may come before the header row (LinkedIn has five, Google Ads two).
HEAD_BYTES = 256 * 1024
HEAD_LINES = 60
DELIMITERS = ("\t", ";", ",")

# What kind of value each common field holds; the loader parses and checks cells by kind.
FIELD_KINDS: dict[str, str] = {
    "day": "date",  # the row's day (see ExportFormat.period)
    "period_start": "date",
    "period_end": "date",
    "campaign_id": "text",
    "campaign_name": "text",
    "campaign_type": "text",
    "currency": "currency",
    "spend": "decimal",
    "impressions": "integer",
    "clicks": "integer",
    "conversions": "decimal",
    "result_indicator": "text",  # what a row's conversions count (see ConversionRule)
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

# Total and summary rows, in the exports' languages: a leading cell holding one of these words alone, or followed by
# a colon (Google Ads' `Total: Campaigns`), on a row without a date. Never data, whatever else the row holds.
SUMMARY_LABELS = ("total", "totals", "totaal", "totale", "totaux", "totales", "gesamt", "insgesamt", "summe",
                  "grand total", "totalt", "suma", "razem", "toplam")  # fmt: skip
SUMMARY_LABEL_PATTERN = r"^\s*(" + "|".join(SUMMARY_LABELS) + r")\s*(:.*)?$"
# How many cells at the start of a row may hold that label (X's total row leaves its first cell empty).
SUMMARY_LEADING_CELLS = 4


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
class PreamblePeriod:
    """How one language's preamble names the report's first and last day: a regular expression for each line, with
    the groups `day`, `month` and `year`; the month by its name in `months` (January first) or by its number."""

    start: str
    end: str
    months: tuple[str, ...] = ()

    def first_day(self, line: str) -> date | None:
        return self._day(self.start, line)

    def last_day(self, line: str) -> date | None:
        return self._day(self.end, line)

    def _day(self, pattern: str, line: str) -> date | None:
        match = re.search(pattern, line, re.IGNORECASE)
        if not match:
            return None
        month = match["month"].casefold()
        names = [name.casefold() for name in self.months]
        number = names.index(month) + 1 if month in names else int(month) if month.isdigit() else 0
        try:
            return date(int(match["year"]), number, int(match["day"]))
        except ValueError:  # not a day (a month 0 or 13, a 31 September): not a period the file can be checked by
            return None


@dataclass(frozen=True)
class ConversionRule:
    """Conversions that count only when the row says they are the account's conversion: the `conversions` cell
    counts when the `indicator` cell is one of the account's conversion types as the export writes them
    (`written_as`, e.g. "actions:{}"); otherwise the row's conversions are unknown (NULL), and the file gets a note."""

    indicator: str
    written_as: str
    default_types: tuple[str, ...]

    def indicators(self, conversion_types: tuple[str, ...] = ()) -> tuple[str, ...]:
        return tuple(self.written_as.format(kind) for kind in conversion_types or self.default_types)


@dataclass(frozen=True)
class ExportFormat:
    """A platform's export: its languages and the rules its rows follow."""

    name: str
    languages: tuple[ExportLanguage, ...]
    required: tuple[str, ...]
    # Fields whose cells may never be empty on a data row.
    non_empty: tuple[str, ...] = ("day", "campaign_id")
    # Meta's summary row names no campaign at all: such a row is a summary, not a row missing its campaign.
    summary_without_campaign: bool = False
    # field -> accepted values; other rows are not ours (Google Ads: only Video campaigns are YouTube).
    keep_only: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # field -> accepted values; any other value rejects the file.
    allowed_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # A row covers one day, `day`: the per-day column where the format has one (Meta's `Day`, Google Ads' `Day`).
    # A format whose rows carry a period (start field, end field) reads the day from its start when the file has no
    # per-day column, and a row must then end on the day it starts (a row over several days cannot be split into
    # days); with a per-day column the period is the report's whole range and is not read. LinkedIn's start is the
    # day itself: ("day", "period_end").
    period: tuple[str, str] | None = None
    # How the preamble names the report's first and last day (LinkedIn's Report Start/End), in each language.
    preamble_periods: tuple[PreamblePeriod, ...] = ()
    # How to download the export again with one row per campaign and day, in the platform's words.
    daily_hint: str = ""
    # Where the conversions column counts what each campaign optimizes for (Meta's Results).
    conversion_rule: ConversionRule | None = None
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
    encoding: str  # Python's name for it: utf-8, utf-16 (little-endian), utf-16-be or cp1252
    delimiter: str
    header_line: int  # 1-based line number of the header row
    column_count: int
    columns: Mapping[str, Column]
    currency_in_header: str | None = None
    # Lines of the head end in different ways (a preamble with LF above a table with CRLF, after an editor or a
    # script): CSV readers that pick one line ending for the whole file misread such a file.
    mixed_line_endings: bool = False
    # The report's first and last day as its preamble names them, and the line naming the first.
    report_period: tuple[date, date] | None = None
    report_period_line: int | None = None

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
    """Decode the first part of a file; returns (text, encoding): utf-8, utf-16 (little-endian), utf-16-be or
    cp1252 (Windows' Western encoding, which Excel writes; it is latin-1 but for 0x80-0x9F: €, quotes, dashes)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as error:
        raise ExportError(path, f"cannot open the file ({error.strerror})") from error
    if not head.strip(b"\x00\r\n\t \xef\xbb\xbf\xff\xfe"):
        raise ExportError(path, "the file is empty")
    truncated = len(head) == HEAD_BYTES
    for bom, zeros, codec in ((b"\xff\xfe", 1, "utf-16"), (b"\xfe\xff", 0, "utf-16-be")):
        # With a byte-order mark, or without one: a zero byte in every other place of mostly-ASCII text.
        if head.startswith(bom) or head[zeros:200:2].count(0) > 20:
            body = head[2:] if head.startswith(bom) else head
            try:
                return _decode_prefix(body, "utf-16-le" if codec == "utf-16" else codec, truncated), codec
            except UnicodeDecodeError as error:
                raise ExportError(path, f"not valid UTF-16 text ({error.reason})") from error
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    try:
        return _decode_prefix(head, "utf-8", truncated), "utf-8"
    except UnicodeDecodeError:
        return decode_cp1252(head), "cp1252"


def decode_cp1252(data: bytes) -> str:
    """Windows-1252, its five unassigned bytes read as latin-1 (as Windows itself does)."""
    return data.decode("cp1252", errors="latin1_fallback")


codecs.register_error(
    "latin1_fallback", lambda error: (error.object[error.start : error.end].decode("latin-1"), error.end)
)


def line_ending_kinds(text: str) -> set[str]:
    """How the lines of this text end: some of LF, CRLF and CR."""
    crlf = text.count("\r\n")
    counts = {"CRLF": crlf, "LF": text.count("\n") - crlf, "CR": text.count("\r") - crlf}
    return {kind for kind, count in counts.items() if count}


def has_mixed_line_endings(text: str) -> bool:
    return len(line_ending_kinds(text)) > 1


def _decode_prefix(data: bytes, codec: str, truncated: bool) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        # The head may end in the middle of a character.
        if truncated and error.start >= len(data) - 4:
            return data[: error.start].decode(codec)
        raise


def _match_header(
    language: ExportLanguage, cells: list[str]
) -> tuple[dict[str, Column], str | None, dict[str, Column]]:
    """The field each column holds, the currency its spend header names, and per field a second column its header
    names again (a duplicated column: which of the two holds the figure cannot be told)."""
    normalized = [normalize_header(cell) for cell in cells]
    columns: dict[str, Column] = {}
    duplicates: dict[str, Column] = {}
    currency = None
    for name, aliases in language.headers.items():
        for alias in aliases:
            indexes, found_currency = _find_alias(alias, normalized)
            if indexes:
                columns[name], *again = (Column(index, cells[index].strip().replace("\ufeff", "")) for index in indexes)
                if again:
                    duplicates[name] = again[0]
                currency = currency or found_currency
                break
    return columns, currency, duplicates


def _find_alias(alias: str, normalized: list[str]) -> tuple[list[int], str | None]:
    """The columns whose header is this alias, and the currency the first one names (aliases with {currency})."""
    if CURRENCY_PLACEHOLDER in alias:
        prefix, suffix = (normalize_header(part) for part in alias.split(CURRENCY_PLACEHOLDER))
        pattern = re.compile(re.escape(prefix) + r"([a-z]{3})" + re.escape(suffix))
        matches = [(index, match) for index, cell in enumerate(normalized) if (match := pattern.fullmatch(cell))]
        return [index for index, _ in matches], matches[0][1].group(1).upper() if matches else None
    target = normalize_header(alias)
    return [index for index, cell in enumerate(normalized) if cell == target], None


LINE_END = re.compile(r"\r\n|\r|\n")  # only these end a line in a CSV file (str.splitlines knows more)


def _first_lines(text: str, count: int) -> list[str]:
    """The first `count` lines of text, without splitting the rest of the head."""
    lines = []
    position = 0
    for match in LINE_END.finditer(text):
        lines.append(text[position : match.start()])
        position = match.end()
        if len(lines) == count:
            return lines
    return lines + ([text[position:]] if position < len(text) else [])


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
            try:
                cells = next(csv.reader([line], delimiter=delimiter))
            except csv.Error:  # a cell past Python's field limit: no header line
                continue
            for language in export_format.languages:
                columns, currency, duplicates = _match_header(language, cells)
                columns = _row_day(export_format, columns)
                found = sum(name in columns for name in export_format.required)
                if found == len(export_format.required):
                    _refuse_duplicates(path, line_number, columns, duplicates)
                    report_period, period_line = _preamble_period(export_format, lines[: line_number - 1])
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
                        mixed_line_endings=has_mixed_line_endings(text[:-1]),  # the head may end between CR and LF
                        report_period=report_period,
                        report_period_line=period_line,
                    )
                if found and (best is None or found > best[0]):
                    best = (found, line_number, language, columns)
    raise ExportError(path, _no_header_message(export_format, best))


def _refuse_duplicates(path: Path, line: int, columns: Mapping[str, Column], duplicates: Mapping[str, Column]) -> None:
    for name, again in duplicates.items():
        if name in columns:
            first = columns[name]
            raise ExportError(
                path, f"columns {first.index + 1} '{first.header}' and {again.index + 1} '{again.header}' both hold "
                f"the {name.replace('_', ' ')}: which one to read cannot be told; remove one and save the file again",
                line=line, column=again.header,
            )


def _row_day(export_format: ExportFormat, columns: dict[str, Column]) -> dict[str, Column]:
    """The columns with `day` first: the per-day column, else the period's start (see ExportFormat.period)."""
    if export_format.period is None:
        return columns
    start, end = export_format.period
    if start != "day" and "day" in columns:  # a per-day breakdown: the period is the whole report's
        return {name: column for name, column in columns.items() if name not in (start, end)}
    if start in columns:
        return {"day": columns[start], **{name: column for name, column in columns.items() if name != start}}
    return columns


def _preamble_period(export_format: ExportFormat, preamble: list[str]) -> tuple[tuple[date, date] | None, int | None]:
    """The report's first and last day as the preamble names them, and the line naming the first (or Nones)."""
    for period in export_format.preamble_periods:
        starts = [(number, day) for number, line in enumerate(preamble, 1) if (day := period.first_day(line))]
        ends = [day for line in preamble if (day := period.last_day(line))]
        if starts and ends:
            return (starts[0][1], ends[0]), starts[0][0]
    return None, None


def _header_name(export_format: ExportFormat, language: ExportLanguage, name: str) -> str:
    """A field's header as the language's usual export writes it (a row's day may come from its period)."""
    names = [language.headers[name][0]] if name in language.headers else []
    if name == "day" and export_format.period and export_format.period[0] in language.headers:
        names.insert(0, language.headers[export_format.period[0]][0])
    return " or ".join(f"'{header}'" for header in dict.fromkeys(names))


def _no_header_message(export_format: ExportFormat, best) -> str:
    first = export_format.languages[0]
    expected = ", ".join(_header_name(export_format, first, name) for name in export_format.required)
    message = f"no {export_format.name} header row found in the first {HEAD_LINES} lines (expected {expected})"
    if best is None:
        return message
    _, line_number, language, columns = best
    missing = [name for name in export_format.required if name not in columns]
    names = ", ".join(_header_name(export_format, language, name) for name in missing)
    message += f"; line {line_number} looks like the {language.code} header but lacks {names}"
    if "day" in missing and export_format.daily_hint:
        message += f": {export_format.daily_hint}"
    elif export_format.add_column_hint:
        message += "; " + export_format.add_column_hint.format(columns=names)
    return message
