"""Write files exactly as the ad platforms, the CRM and the ECB export them.

Used for the bundled sample data and, later, to generate millions of rows for benchmarks. Every writer streams: it
takes an iterable of rows and writes as it goes, so memory stays flat however many rows there are. Where a preamble
needs the report's date range before the first row (LinkedIn, Google Ads) and the caller did not pass ``start`` and
``end``, the rows are spooled once to a temporary file to find the range, then written.

Standard library only. Money is ``Decimal`` everywhere, never float.

Formats (sources: the project's reference notes on the platforms' real exports):

* LinkedIn Campaign Manager: UTF-16 LE + BOM, TAB, CRLF, 4-line preamble + blank line, en/nl.
* X Ads Manager: "utf8-comma" (UTF-8, comma, LF) or "utf16-tab" (UTF-16 LE + BOM, TAB, CRLF).
* Meta Ads Manager: en (UTF-8 + BOM, comma) or fr (semicolon, decimal comma, no-break-space thousands).
* Google Ads campaign report (YouTube video campaigns): "csv" (UTF-8, comma, CRLF) or "excel" (UTF-16 LE + BOM, TAB,
  CRLF), 2-line preamble, ``Total: ...`` rows at the bottom.
* CRM attributed revenue: plain UTF-8 CSV.
* ECB ``eurofxref-hist.csv``: newest first, ``N/A`` for missing rates, trailing comma on every line.
"""

from __future__ import annotations

import csv
import math
import re
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from random import Random
from typing import IO

__all__ = [
    "AdRow",
    "Campaign",
    "Deal",
    "ECB_CURRENCIES",
    "ECB_DISCONTINUED",
    "is_target_business_day",
    "synthetic_ecb_rates",
    "synthetic_rows",
    "target_business_days",
    "write_crm",
    "write_ecb_history",
    "write_facebook",
    "write_facebook_no_daily_breakdown",
    "write_linkedin",
    "write_twitter",
    "write_youtube",
]

CENT = Decimal("0.01")
ZERO = Decimal(0)


# ---------------------------------------------------------------------------------------------------------------------
# Row types


@dataclass(frozen=True)
class AdRow:
    """One campaign on one day, as a platform reports it. Money in the account currency."""

    day: date
    campaign_id: str
    campaign_name: str
    currency: str  # ISO code
    spend: Decimal
    impressions: int
    clicks: int
    conversions: Decimal | None = None  # None -> the format's "empty" marker
    platform_revenue: Decimal | None = None
    campaign_type: str = "Video"  # only used by the Google Ads writer


@dataclass(frozen=True)
class Deal:
    """One won deal from the CRM's attributed-revenue export."""

    deal_id: str
    close_date: date
    channel: str
    campaign_id: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Campaign:
    """A campaign for :func:`synthetic_rows`. ``None`` fields take the call's defaults."""

    campaign_id: str
    name: str
    campaign_type: str = "Video"
    daily_spend: Decimal | None = None  # mean spend per delivering day
    cpm: Decimal | None = None  # cost per 1000 impressions
    ctr: float | None = None  # clicks / impressions
    conversion_rate: float | None = None  # conversions / clicks
    value_per_conversion: Decimal | None = None  # platform-reported revenue per conversion


# ---------------------------------------------------------------------------------------------------------------------
# Small formatting helpers


def _plain(value: Decimal | int) -> str:
    """A number as plain text, never in exponent notation (Decimal('1E+1') -> '10')."""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    return text


def _q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _integral(value: Decimal) -> bool:
    return value == value.to_integral_value()


def _conv_text(value: Decimal) -> str:
    """Conversions as the ad platforms show them: '3' for whole numbers, '2.5' otherwise."""
    if _integral(value):
        return str(int(value))
    return _plain(value.normalize())


def _group(text: str, thousands: str, decimal_point: str) -> str:
    """Swap the separators of a text made with format(..., ',') to a locale's."""
    return text.replace(",", "\x00").replace(".", decimal_point).replace("\x00", thousands)


def _grouped(value: Decimal | int, *, places: int | None, thousands: str, decimal_point: str) -> str:
    """Format with thousands grouping, e.g. _grouped(Decimal('1234.5'), places=2, thousands='.', decimal_point=',')."""
    if isinstance(value, int):
        return _group(format(value, ","), thousands, decimal_point)
    if places is None:
        return _group(format(value, ",f"), thousands, decimal_point)
    return _group(format(value, f",.{places}f"), thousands, decimal_point)


def _fraction(*key: object) -> float:
    """A stable pseudo-random number in [0, 1) from a key (independent of PYTHONHASHSEED)."""
    data = "\x1f".join(str(part) for part in key).encode("utf-8")
    return zlib.crc32(data) / 2**32


def _sum_opt(total: Decimal | None, value: Decimal | None) -> Decimal | None:
    if value is None:
        return total
    return value if total is None else total + value


# ---------------------------------------------------------------------------------------------------------------------
# Output plumbing


def _open_text(path: str | Path, encoding: str) -> IO[str]:
    """Open for writing. encoding: 'utf-8', 'utf-8-sig' (BOM) or 'utf-16' (UTF-16 LE with BOM FF FE)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if encoding == "utf-16":
        handle = open(path, "w", encoding="utf-16-le", newline="")
        handle.write("\ufeff")
        return handle
    return open(path, "w", encoding=encoding, newline="")


def _line_writer(handle: IO[str], delimiter: str, terminator: str, always_quote: Callable[[str], bool] | None = None):
    """A function writing one row. Quotes a cell when it needs it for the delimiter, or when always_quote says so
    (LinkedIn quotes any cell holding a comma, even in its TAB files)."""
    special = re.compile("[" + re.escape(delimiter) + '"\r\n]').search

    def write(cells: Sequence[str]) -> None:
        out = []
        for cell in cells:
            if special(cell) or (always_quote is not None and always_quote(cell)):
                cell = '"' + cell.replace('"', '""') + '"'
            out.append(cell)
        handle.write(delimiter.join(out) + terminator)

    return write


_SPOOL_FIELDS = 10


def _spool(rows: Iterable[AdRow]) -> tuple[date | None, date | None, Iterator[AdRow]]:
    """Read the rows once into a temporary file to learn their date range; return (min, max, the rows again)."""
    tmp = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
    writer = csv.writer(tmp)
    first: date | None = None
    last: date | None = None
    for row in rows:
        first = row.day if first is None or row.day < first else first
        last = row.day if last is None or row.day > last else last
        writer.writerow(
            [
                row.day.isoformat(),
                row.campaign_id,
                row.campaign_name,
                row.currency,
                _plain(row.spend),
                row.impressions,
                row.clicks,
                "" if row.conversions is None else _plain(row.conversions),
                "" if row.platform_revenue is None else _plain(row.platform_revenue),
                row.campaign_type,
            ]
        )
    tmp.seek(0)

    def replay() -> Iterator[AdRow]:
        try:
            for cells in csv.reader(tmp):
                yield AdRow(
                    day=date.fromisoformat(cells[0]),
                    campaign_id=cells[1],
                    campaign_name=cells[2],
                    currency=cells[3],
                    spend=Decimal(cells[4]),
                    impressions=int(cells[5]),
                    clicks=int(cells[6]),
                    conversions=Decimal(cells[7]) if cells[7] else None,
                    platform_revenue=Decimal(cells[8]) if cells[8] else None,
                    campaign_type=cells[9],
                )
        finally:
            tmp.close()

    return first, last, replay()


def _date_range(rows: Iterable[AdRow], start: date | None, end: date | None) -> tuple[date, date, Iterable[AdRow]]:
    if start is not None and end is not None:
        return start, end, rows
    first, last, again = _spool(rows)
    if first is None or last is None:
        raise ValueError("no rows and no start/end given: cannot write the report's date range")
    return start or first, end or last, again


class _Totals:
    def __init__(self) -> None:
        self.spend = ZERO
        self.impressions = 0
        self.clicks = 0
        self.conversions: Decimal | None = None
        self.revenue: Decimal | None = None
        self.rows = 0

    def add(self, row: AdRow) -> None:
        self.spend += row.spend
        self.impressions += row.impressions
        self.clicks += row.clicks
        self.conversions = _sum_opt(self.conversions, row.conversions)
        self.revenue = _sum_opt(self.revenue, row.platform_revenue)
        self.rows += 1


# ---------------------------------------------------------------------------------------------------------------------
# LinkedIn Campaign Manager


_EN_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_NL_MONTHS = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]  # fmt: skip

LINKEDIN_HEADERS = {
    "en": [
        "Start Date (in UTC)", "Account Name", "Currency", "Campaign ID", "Campaign Name", "Campaign Status",
        "Total Spent", "Impressions", "Clicks", "Click Through Rate", "Average CPC", "Total Engagements",
        "Conversions", "Leads",
    ],
    "nl": [
        "Begindatum (in UTC)", "Accountnaam", "Valuta", "Campagne-ID", "Campagnenaam", "Campagnestatus",
        "Totaal besteed", "Weergaven", "Klikken", "Doorklikfrequentie (CTR)", "Gemiddelde CPC",
        "Totaal aantal engagementen", "Conversies", "Leads",
    ],
}  # fmt: skip


_NL_GROUPED = re.compile(r"-?\d{1,3}(?:\.\d{3})+")


def _en_clock(moment: time) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def _en_long_date(day: date) -> str:
    return f"{_EN_MONTHS[day.month - 1]} {day.day}, {day.year}"


def _linkedin_preamble(language: str, start: date, end: date, generated: datetime) -> list[str]:
    if language == "en":
        return [
            "Campaign Performance Report (in UTC)",
            f"Report Start: {_en_long_date(start)}, 12:00 AM",
            f"Report End: {_en_long_date(end)}, 11:59 PM",
            f"Date Generated: {_en_long_date(generated.date())}, {_en_clock(generated.time())}",
        ]

    def nl(day: date, clock: str) -> str:
        return f"{day.day} {_NL_MONTHS[day.month - 1]} {day.year} {clock}"

    return [
        "Rapport met campagneprestaties (in UTC)",
        f"Begindatum van rapport: {nl(start, '00:00')}",
        f"Einddatum van rapport: {nl(end, '23:59')}",
        f"Datum aangemaakt: {nl(generated.date(), generated.strftime('%H:%M'))}",
    ]


def write_linkedin(
    path: str | Path,
    rows: Iterable[AdRow],
    *,
    language: str = "en",
    total_row: bool = True,
    account_name: str = "Acme",
    start: date | None = None,
    end: date | None = None,
    generated: datetime | None = None,
) -> None:
    """LinkedIn Campaign Manager "Campaign Performance" export: UTF-16 LE with BOM, TAB separated, CRLF, named .csv.

    Preamble: a title line "... (in UTC)", three quoted "Report Start/End/Date Generated" lines, an empty line, then
    the header. ``start``/``end`` default to the rows' min/max day (the rows are then spooled once to find them);
    ``generated`` defaults to the day after ``end`` at 9:15. ``language`` "en" (M/D/YYYY, 55.39, 0.321%) or "nl"
    (D-M-YYYY, "9,36", "0,341%", "1.234"). ``-`` marks empty values. Optional trailing ``Total``/``Totaal`` row.
    """
    if language not in LINKEDIN_HEADERS:
        raise ValueError(f"language must be 'en' or 'nl', not {language!r}")
    start, end, rows = _date_range(rows, start, end)
    if generated is None:
        generated = datetime.combine(end + timedelta(days=1), time(9, 15))
    dutch = language == "nl"

    def integer(value: int) -> str:
        return _grouped(value, places=None, thousands=".", decimal_point=",") if dutch else str(value)

    def decimal(value: Decimal, places: int | None = None) -> str:
        if dutch:
            return _grouped(value, places=places, thousands=".", decimal_point=",")
        return format(value, f".{places}f") if places is not None else _plain(value)

    def conversions(value: Decimal | None) -> str:
        if value is None:
            return "-"
        text = _conv_text(value)
        return text.replace(".", ",") if dutch else text

    def ctr(clicks: int, impressions: int) -> str:
        if impressions == 0:
            return "-"
        return decimal(Decimal(clicks * 100) / Decimal(impressions), 3) + "%"

    def cpc(spend: Decimal, clicks: int) -> str:
        return "-" if clicks == 0 else decimal(_q2(spend / clicks), 2)

    def day_text(day: date) -> str:
        return f"{day.day}-{day.month}-{day.year}" if dutch else f"{day.month}/{day.day}/{day.year}"

    def engagements(row: AdRow) -> int:
        # Engagements include clicks plus social actions (reactions, follows, ...).
        return row.clicks + int(row.impressions * (0.002 + 0.004 * _fraction("li-eng", row.campaign_id, row.day)))

    totals = _Totals()
    total_engagements = 0
    with _open_text(path, "utf-16") as handle:
        preamble = _line_writer(handle, "\t", "\r\n", always_quote=lambda cell: True)
        # Cells holding a comma are quoted (decimal commas, names); Dutch exports also quote grouped integers.
        data = _line_writer(
            handle, "\t", "\r\n", always_quote=lambda cell: "," in cell or (dutch and bool(_NL_GROUPED.fullmatch(cell)))
        )
        head = _linkedin_preamble(language, start, end, generated)
        data([head[0]])
        for line in head[1:]:
            preamble([line])
        handle.write("\r\n")
        data(LINKEDIN_HEADERS[language])
        for row in rows:
            totals.add(row)
            eng = engagements(row)
            total_engagements += eng
            data(
                [
                    day_text(row.day),
                    account_name,
                    row.currency,
                    row.campaign_id,
                    row.campaign_name,
                    "Actief" if dutch else "Active",
                    decimal(row.spend),
                    integer(row.impressions),
                    integer(row.clicks),
                    ctr(row.clicks, row.impressions),
                    cpc(row.spend, row.clicks),
                    integer(eng),
                    conversions(row.conversions),
                    "-",
                ]
            )
        if total_row and totals.rows:
            data(
                [
                    "Totaal" if dutch else "Total",
                    "",
                    "",
                    "",
                    "",
                    "",
                    decimal(totals.spend),
                    integer(totals.impressions),
                    integer(totals.clicks),
                    ctr(totals.clicks, totals.impressions),
                    cpc(totals.spend, totals.clicks),
                    integer(total_engagements),
                    conversions(totals.conversions),
                    "-",
                ]
            )


# ---------------------------------------------------------------------------------------------------------------------
# X (Twitter) Ads Manager

TWITTER_HEADER = [
    "ID", "Campaign", "Campaign URL", "Time", "Campaign start date", "Campaign end date", "Spend", "Impressions",
    "Engagements", "Billed engagements", "Clicks", "Link clicks", "Engagement rate", "Conversions",
    "Conversion sale amount",
]  # fmt: skip

_TWITTER_VARIANTS = {
    "utf8-comma": ("utf-8", ",", "\n"),
    "utf16-tab": ("utf-16", "\t", "\r\n"),
}


def write_twitter(
    path: str | Path,
    rows: Iterable[AdRow],
    *,
    variant: str = "utf8-comma",
    total_row: bool = True,
    account_id: str = "18ce54d4x5t",
    campaign_dates: Mapping[str, tuple[date, date | None]] | None = None,
) -> None:
    """X Ads Manager campaign export, daily segments. No currency column (the account's currency applies).

    ``variant`` "utf8-comma" (UTF-8 without BOM, comma, LF) or "utf16-tab" (UTF-16 LE with BOM, TAB, CRLF).
    ``Time`` is the day (YYYY-MM-DD). ``campaign_dates`` maps campaign id -> (start, end or None); without it the
    start is the first day seen for the campaign and the end is blank. Blank cells for no data. Optional trailing
    ``Total`` row.
    """
    if variant not in _TWITTER_VARIANTS:
        raise ValueError(f"variant must be one of {sorted(_TWITTER_VARIANTS)}, not {variant!r}")
    encoding, delimiter, terminator = _TWITTER_VARIANTS[variant]
    first_seen: dict[str, date] = {}

    def link_clicks(row: AdRow) -> int:
        return row.clicks - math.ceil(row.clicks * (0.03 + 0.07 * _fraction("x-link", row.campaign_id, row.day)))

    def engagements(row: AdRow) -> int:
        return row.clicks + int(row.impressions * (0.004 + 0.008 * _fraction("x-eng", row.campaign_id, row.day)))

    def rate(engaged: int, impressions: int) -> str:
        return "0.00%" if impressions == 0 else f"{Decimal(engaged * 100) / Decimal(impressions):.2f}%"

    def opt(value: Decimal | None) -> str:
        return "" if value is None else _plain(value)

    totals = _Totals()
    total_eng = total_link = 0
    with _open_text(path, encoding) as handle:
        write = _line_writer(handle, delimiter, terminator)
        write(TWITTER_HEADER)
        for row in rows:
            totals.add(row)
            if campaign_dates and row.campaign_id in campaign_dates:
                c_start, c_end = campaign_dates[row.campaign_id]
            else:
                c_start, c_end = first_seen.setdefault(row.campaign_id, row.day), None
            eng, link = engagements(row), link_clicks(row)
            total_eng += eng
            total_link += link
            write(
                [
                    row.campaign_id,
                    row.campaign_name,
                    f"https://ads.x.com/campaign_form/{account_id}/campaign/{row.campaign_id}",
                    row.day.isoformat(),
                    c_start.isoformat(),
                    "" if c_end is None else c_end.isoformat(),
                    _plain(row.spend),
                    str(row.impressions),
                    str(eng),
                    str(link),  # billed engagements: link clicks on a website-clicks objective
                    str(row.clicks),
                    str(link),
                    rate(eng, row.impressions),
                    "" if row.conversions is None else _conv_text(row.conversions),
                    opt(row.platform_revenue),
                ]
            )
        if total_row and totals.rows:
            write(
                [
                    "Total",
                    "",
                    "",
                    "",
                    "",
                    "",
                    _plain(totals.spend),
                    str(totals.impressions),
                    str(total_eng),
                    str(total_link),
                    str(totals.clicks),
                    str(total_link),
                    rate(total_eng, totals.impressions),
                    "" if totals.conversions is None else _conv_text(totals.conversions),
                    opt(totals.revenue),
                ]
            )


# ---------------------------------------------------------------------------------------------------------------------
# Meta (Facebook) Ads Manager

FACEBOOK_HEADERS = {
    "en": [
        "Reporting starts", "Reporting ends", "Campaign name", "Campaign ID", "Campaign delivery",
        "Attribution setting", "Results", "Result indicator", "Reach", "Impressions", "Cost per results",
        "Amount spent ({cur})", "Link clicks", "Purchases", "Purchases conversion value", "Ends",
    ],
    "fr": [
        "Début des rapports", "Fin des rapports", "Nom de la campagne", "Identifiant de la campagne",
        "Diffusion de la campagne", "Paramètre d\u2019attribution", "Résultats", "Indicateur de résultats",
        "Couverture", "Impressions", "Coût par résultat", "Montant dépensé ({cur})", "Clics sur un lien", "Achats",
        "Valeur de conversion des achats", "Fin",
    ],
}  # fmt: skip

_FACEBOOK_TEXT = {
    "en": {"delivery": "active", "attribution": "7-day click or 1-day view", "ends": "Ongoing"},
    "fr": {"delivery": "active", "attribution": "Clic sur 7 jours ou vue sur 1 jour", "ends": "En cours"},
}
_PURCHASE_INDICATOR = "actions:offsite_conversion.fb_pixel_purchase"
# What `Results` count for a campaign optimized for something else than purchases, and its `Result indicator`.
FACEBOOK_OBJECTIVES = ("purchase", "reach", "link_click")
NBSP = "\u00a0"
NNBSP = "\u202f"


class _FacebookFormat:
    def __init__(self, language: str) -> None:
        if language not in FACEBOOK_HEADERS:
            raise ValueError(f"language must be 'en' or 'fr', not {language!r}")
        self.language = language
        self.french = language == "fr"
        self.delimiter = ";" if self.french else ","
        self.text = _FACEBOOK_TEXT[language]

    def header(self, currency: str) -> list[str]:
        return [cell.replace("{cur}", currency) for cell in FACEBOOK_HEADERS[self.language]]

    def number(self, value: Decimal | int | None, index: int, places: int | None = None) -> str:
        """French: decimal comma and a no-break space (U+00A0 on even rows, U+202F on odd rows) as thousands
        separator; English: plain."""
        if value is None:
            return ""
        if not self.french:
            if isinstance(value, int):
                return str(value)
            return format(value, f".{places}f") if places is not None else _plain(value)
        space = NBSP if index % 2 == 0 else NNBSP
        return _grouped(value, places=places, thousands=space, decimal_point=",")

    def cells(self, start: date, end: date, row_name: str, row_id: str, spend: Decimal, impressions: int,
              clicks: int, conversions: Decimal | None, revenue: Decimal | None, index: int,
              objective: str = "purchase") -> list[str]:  # fmt: skip
        reach = int(impressions * (0.72 + 0.2 * _fraction("fb-reach", row_id, start)))
        conv = None if conversions is None else (int(conversions) if _integral(conversions) else conversions)
        results, indicator = {
            "purchase": (conv, _PURCHASE_INDICATOR if conv is not None else ""),
            "reach": (reach, "reach"),
            "link_click": (clicks, "actions:link_click"),
        }[objective]
        cost_per = _q2(spend / results) if results else None
        return [
            start.isoformat(),
            end.isoformat(),
            row_name,
            row_id,
            self.text["delivery"],
            self.text["attribution"],
            self.number(results, index),
            indicator,
            self.number(reach, index),
            self.number(impressions, index),
            self.number(cost_per, index, 2),
            self.number(spend, index),
            self.number(clicks, index),
            self.number(conv, index),
            self.number(revenue, index),
            self.text["ends"],
        ]


def _peek(rows: Iterable[AdRow]) -> tuple[AdRow | None, Iterator[AdRow]]:
    iterator = iter(rows)
    first = next(iterator, None)

    def chained() -> Iterator[AdRow]:
        if first is not None:
            yield first
            yield from iterator

    return first, chained()


def write_facebook(
    path: str | Path,
    rows: Iterable[AdRow],
    *,
    language: str = "en",
    bom: bool = True,
    currency: str | None = None,
    summary_row: bool = False,
    objectives: Mapping[str, str] | None = None,
) -> None:
    """Meta Ads Manager campaign export with the "By day" breakdown: one row per campaign and day, Reporting starts ==
    Reporting ends == the day (ISO). The account currency is in the ``Amount spent (EUR)`` header, so a file holds one
    currency (``currency`` defaults to the first row's; a row in another currency is an error).

    ``objectives`` maps campaign ids to what their ``Results`` count (FACEBOOK_OBJECTIVES): "reach" (the people
    reached, indicator ``reach``) or "link_click" (``actions:link_click``); other campaigns count purchases (the
    row's conversions, indicator ``actions:offsite_conversion.fb_pixel_purchase``). ``Purchases`` is always the
    row's conversions.

    ``language`` "en": comma separated; "fr": semicolon separated, decimal comma, thousands separated by U+00A0 /
    U+202F (alternating by row). UTF-8, with a BOM when ``bom``. LF line ends. Blank cells mean no data: Results and
    Purchases are blank when conversions are unknown (``None``). ``summary_row`` adds a first data row with the whole
    range's totals and blank campaign name and id, as the UI shows it (unverified in exports, so off by default).
    """
    fmt = _FacebookFormat(language)
    first, rows = _peek(rows)
    if currency is None:
        currency = first.currency if first is not None else "EUR"
    with _open_text(path, "utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.writer(handle, delimiter=fmt.delimiter, lineterminator="\n")
        writer.writerow(fmt.header(currency))
        if summary_row:
            rows = list(rows)  # opt-in, for small test files only
            totals = _Totals()
            for row in rows:
                totals.add(row)
            if rows:
                writer.writerow(
                    fmt.cells(min(r.day for r in rows), max(r.day for r in rows), "", "", totals.spend,
                              totals.impressions, totals.clicks, totals.conversions, totals.revenue, 0)
                )  # fmt: skip
        for index, row in enumerate(rows):
            if row.currency != currency:
                raise ValueError(f"one currency per Meta export: {row.currency} in a {currency} file")
            writer.writerow(
                fmt.cells(row.day, row.day, row.campaign_name, row.campaign_id, row.spend, row.impressions,
                          row.clicks, row.conversions, row.platform_revenue, index,
                          (objectives or {}).get(row.campaign_id, "purchase"))
            )  # fmt: skip


def write_facebook_no_daily_breakdown(
    path: str | Path,
    rows: Iterable[AdRow],
    *,
    language: str = "en",
    bom: bool = True,
) -> None:
    """The same export WITHOUT the "By day" breakdown: one row per campaign for the whole range (Reporting starts =
    the min day, Reporting ends = the max day). Cannot be split into days, so the loader must reject it."""
    fmt = _FacebookFormat(language)
    campaigns: dict[str, tuple[str, _Totals]] = {}
    first_day: date | None = None
    last_day: date | None = None
    currency: str | None = None
    for row in rows:
        currency = currency or row.currency
        first_day = row.day if first_day is None or row.day < first_day else first_day
        last_day = row.day if last_day is None or row.day > last_day else last_day
        campaigns.setdefault(row.campaign_id, (row.campaign_name, _Totals()))[1].add(row)
    with _open_text(path, "utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.writer(handle, delimiter=fmt.delimiter, lineterminator="\n")
        writer.writerow(fmt.header(currency or "EUR"))
        for index, (campaign_id, (name, totals)) in enumerate(campaigns.items()):
            assert first_day is not None and last_day is not None
            writer.writerow(
                fmt.cells(first_day, last_day, name, campaign_id, totals.spend, totals.impressions, totals.clicks,
                          totals.conversions, totals.revenue, index)
            )  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------------
# Google Ads campaign report (YouTube video campaigns)

YOUTUBE_HEADER = [
    "Day", "Campaign ID", "Campaign", "Campaign type", "Currency code", "Impr.", "TrueView views", "Clicks", "Cost",
    "Conversions", "Conv. value",
]  # fmt: skip

_YOUTUBE_VARIANTS = {
    "csv": ("utf-8", ","),
    "excel": ("utf-16", "\t"),
}


def write_youtube(
    path: str | Path,
    rows: Iterable[AdRow],
    *,
    variant: str = "csv",
    total_row: bool = True,
    start: date | None = None,
    end: date | None = None,
    type_totals: bool = True,
) -> None:
    """Google Ads UI "Campaign report" segmented by day, as downloaded for YouTube (video) campaigns.

    Line 1 ``Campaign report``, line 2 the date range ``"September 1, 2026 - September 30, 2026"`` (``start``/``end``
    default to the rows' min/max day), then the header. Rows of other campaign types (``row.campaign_type``, e.g.
    Search, Display) are written as given. Integers and money >= 1000 carry ``,`` thousands separators; ``--`` marks
    empty values (TrueView views of non-video rows, missing conversions). At the bottom (``total_row``): one
    ``Total: <Type> campaigns`` row per campaign type (``type_totals``), then ``Total: Campaigns`` and
    ``Total: Account``, with ``--`` in the text cells.

    ``variant`` "csv": UTF-8, comma, CRLF, cells with separators quoted (``"12,345"``); "excel" (Excel .csv):
    UTF-16 LE with BOM, TAB, CRLF, no quoting needed.
    """
    if variant not in _YOUTUBE_VARIANTS:
        raise ValueError(f"variant must be one of {sorted(_YOUTUBE_VARIANTS)}, not {variant!r}")
    encoding, delimiter = _YOUTUBE_VARIANTS[variant]
    start, end, rows = _date_range(rows, start, end)

    def integer(value: int) -> str:
        return format(value, ",")

    def money(value: Decimal | None) -> str:
        return "--" if value is None else format(value, ",.2f")

    def views_of(row: AdRow) -> int | None:
        if row.campaign_type != "Video":
            return None
        return int(row.impressions * (0.22 + 0.12 * _fraction("yt-views", row.campaign_id, row.day)))

    totals: dict[str, _Totals] = {}
    views: dict[str, int | None] = {}
    currency = ""
    with _open_text(path, encoding) as handle:
        write = _line_writer(handle, delimiter, "\r\n")
        write(["Campaign report"])
        write([f"{_en_long_date(start)} - {_en_long_date(end)}"])
        write(YOUTUBE_HEADER)
        for row in rows:
            currency = currency or row.currency
            totals.setdefault(row.campaign_type, _Totals()).add(row)
            view = views_of(row)
            if view is not None:
                views[row.campaign_type] = (views.get(row.campaign_type) or 0) + view
            write(
                [
                    row.day.isoformat(),
                    row.campaign_id,
                    row.campaign_name,
                    row.campaign_type,
                    row.currency,
                    integer(row.impressions),
                    "--" if view is None else integer(view),
                    integer(row.clicks),
                    money(row.spend),
                    money(row.conversions),
                    money(row.platform_revenue),
                ]
            )
        if not total_row or not totals:
            return

        def total_line(label: str, parts: list[_Totals], view_total: int | None) -> list[str]:
            conv = rev = None
            for part in parts:
                conv = _sum_opt(conv, part.conversions)
                rev = _sum_opt(rev, part.revenue)
            return [
                label,
                "--",
                "--",
                "--",
                currency,
                integer(sum(p.impressions for p in parts)),
                "--" if view_total is None else integer(view_total),
                integer(sum(p.clicks for p in parts)),
                money(sum((p.spend for p in parts), ZERO)),
                money(conv),
                money(rev),
            ]

        all_views = sum(v for v in views.values() if v is not None) if views else None
        if type_totals:
            for kind in sorted(totals):
                write(total_line(f"Total: {kind} campaigns", [totals[kind]], views.get(kind)))
        write(total_line("Total: Campaigns", list(totals.values()), all_views))
        write(total_line("Total: Account", list(totals.values()), all_views))


# ---------------------------------------------------------------------------------------------------------------------
# CRM attributed revenue

CRM_HEADER = ["deal_id", "close_date", "channel", "campaign_id", "amount", "currency"]


def write_crm(path: str | Path, deals: Iterable[Deal]) -> None:
    """CRM attributed-revenue export: UTF-8, comma, LF, header ``deal_id,close_date,channel,campaign_id,amount,
    currency``, ISO dates, plain decimals."""
    with _open_text(path, "utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CRM_HEADER)
        for deal in deals:
            writer.writerow(
                [deal.deal_id, deal.close_date.isoformat(), deal.channel, deal.campaign_id, _plain(deal.amount),
                 deal.currency]
            )  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------------
# ECB reference rates

ECB_CURRENCIES: tuple[str, ...] = (
    "USD", "JPY", "BGN", "CYP", "CZK", "DKK", "EEK", "GBP", "HUF", "LTL", "LVL", "MTL", "PLN", "ROL", "RON", "SEK",
    "SIT", "SKK", "CHF", "ISK", "NOK", "HRK", "RUB", "TRL", "TRY", "AUD", "BRL", "CAD", "CNY", "HKD", "IDR", "ILS",
    "INR", "KRW", "MXN", "MYR", "NZD", "PHP", "SGD", "THB", "ZAR",
)  # fmt: skip
"""The columns of eurofxref-hist.csv, in the ECB's order."""

ECB_DISCONTINUED: dict[str, date] = {
    "CYP": date(2008, 1, 1),
    "MTL": date(2008, 1, 1),
    "SKK": date(2009, 1, 1),
    "EEK": date(2011, 1, 1),
    "LVL": date(2014, 1, 1),
    "LTL": date(2015, 1, 1),
    "SIT": date(2007, 1, 1),
    "ROL": date(2005, 7, 1),
    "TRL": date(2005, 1, 1),
    "RUB": date(2022, 3, 2),  # suspended
    "HRK": date(2023, 1, 1),
    "BGN": date(2026, 1, 1),  # Bulgaria joined the euro area
}
"""Currencies the ECB no longer quotes, and the first day without a rate: always N/A after that."""

# currency: (centre around Sept 2026, decimal places the ECB prints, daily relative volatility)
_ECB_MODEL: dict[str, tuple[str, int, float]] = {
    "USD": ("1.1650", 4, 0.0035),
    "JPY": ("172.45", 2, 0.0045),
    "CZK": ("24.380", 3, 0.0015),
    "DKK": ("7.4640", 4, 0.00006),
    "GBP": ("0.86230", 5, 0.0025),
    "HUF": ("391.85", 2, 0.0035),
    "PLN": ("4.2620", 4, 0.0020),
    "RON": ("5.0820", 4, 0.0008),
    "SEK": ("11.0150", 4, 0.0030),
    "CHF": ("0.9310", 4, 0.0025),
    "ISK": ("143.10", 1, 0.0030),
    "NOK": ("11.7350", 4, 0.0035),
    "TRY": ("48.6520", 4, 0.0025),
    "AUD": ("1.7780", 4, 0.0040),
    "BRL": ("6.3120", 4, 0.0050),
    "CAD": ("1.6120", 4, 0.0030),
    "CNY": ("8.3010", 4, 0.0030),
    "HKD": ("9.1090", 4, 0.0035),
    "IDR": ("19110.45", 2, 0.0040),
    "ILS": ("3.9120", 4, 0.0045),
    "INR": ("102.4850", 4, 0.0035),
    "KRW": ("1618.22", 2, 0.0040),
    "MXN": ("21.6240", 4, 0.0045),
    "MYR": ("4.9230", 4, 0.0030),
    "NZD": ("1.9810", 4, 0.0040),
    "PHP": ("66.512", 3, 0.0035),
    "SGD": ("1.4990", 4, 0.0020),
    "THB": ("37.812", 3, 0.0030),
    "ZAR": ("20.4120", 4, 0.0050),
}


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def is_target_business_day(day: date) -> bool:
    """TARGET2 is open: not a weekend, New Year's Day, Good Friday, Easter Monday, 1 May, 25 or 26 December."""
    if day.weekday() >= 5:
        return False
    if (day.month, day.day) in {(1, 1), (5, 1), (12, 25), (12, 26)}:
        return False
    easter = _easter(day.year)
    return day not in {easter - timedelta(days=2), easter + timedelta(days=1)}


def target_business_days(start: date, end: date) -> Iterator[date]:
    """The TARGET business days from start to end, inclusive, oldest first."""
    day = start
    while day <= end:
        if is_target_business_day(day):
            yield day
        day += timedelta(days=1)


def synthetic_ecb_rates(start: date, end: date, rng: Random) -> dict[date, dict[str, Decimal]]:
    """Plausible ECB reference rates (units of currency per 1 EUR) for every TARGET business day from start to end:
    a small mean-reverting random walk around late-2026 levels (USD 1.165, GBP 0.862, CHF 0.931, JPY 172, SEK 11.0,
    ...), each rate an exact Decimal with the ECB's number of decimal places. Discontinued currencies are absent."""
    levels = {code: float(centre) for code, (centre, _, _) in _ECB_MODEL.items()}
    rates: dict[date, dict[str, Decimal]] = {}
    for day in target_business_days(start, end):
        today: dict[str, Decimal] = {}
        for code, (centre, places, vol) in _ECB_MODEL.items():
            level = levels[code]
            level += 0.08 * (float(centre) - level) + level * vol * rng.gauss(0.0, 1.0)
            levels[code] = level
            today[code] = Decimal(repr(level)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        rates[day] = today
    return rates


def _ecb_text(rate: Decimal, strip_zeros: bool) -> str:
    text = _plain(rate)
    if strip_zeros and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def write_ecb_history(
    path: str | Path,
    rates: Mapping[date, Mapping[str, Decimal]],
    *,
    strip_zeros: bool = True,
    check_calendar: bool = True,
) -> None:
    """The ECB's ``eurofxref-hist.csv``: header ``Date,USD,JPY,...,ZAR,`` (a trailing comma on every line), newest
    date first, ``N/A`` where a currency has no rate that day (discontinued currencies always).

    The real file prints each rate with its trailing zeros removed (``0.85`` for 0.85000, ``161.3`` for 161.30,
    ``1.165`` for 1.1650); ``strip_zeros=False`` prints the Decimal as given (as the daily XML does). With
    ``check_calendar`` a day that is not a TARGET business day is an error."""
    with _open_text(path, "utf-8") as handle:
        handle.write("Date," + ",".join(ECB_CURRENCIES) + ",\n")
        for day in sorted(rates, reverse=True):
            if check_calendar and not is_target_business_day(day):
                raise ValueError(f"{day} is not a TARGET business day: the ECB publishes no rates on it")
            today = rates[day]
            unknown = set(today) - set(ECB_CURRENCIES)
            if unknown:
                raise ValueError(f"not a column of eurofxref-hist.csv: {sorted(unknown)}")
            cells = []
            for code in ECB_CURRENCIES:
                gone = ECB_DISCONTINUED.get(code)
                rate = today.get(code)
                if rate is None or (gone is not None and day >= gone):
                    cells.append("N/A")
                else:
                    cells.append(_ecb_text(rate, strip_zeros))
            handle.write(day.isoformat() + "," + ",".join(cells) + ",\n")


# ---------------------------------------------------------------------------------------------------------------------
# Synthetic ad rows


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def _poisson(rng: Random, mean: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal for large ones)."""
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def synthetic_rows(
    rng: Random,
    campaigns: Sequence[Campaign | tuple[str, str]],
    start: date,
    end: date,
    currency: str,
    *,
    daily_spend: Decimal = Decimal("180"),
    cpm: Decimal = Decimal("32"),
    ctr: float = 0.005,
    conversion_rate: float = 0.04,
    value_per_conversion: Decimal | None = Decimal("450"),
    no_delivery_probability: float = 0.06,
    missing_conversions_probability: float = 0.04,
    fractional_conversions: bool = False,
    weekend_factor: float = 0.55,
) -> Iterator[AdRow]:
    """Realistic, deterministic daily rows (one per campaign and delivering day), ordered by day then campaign.

    Spend is in cents and varies ±25 % around the campaign's daily spend (less at weekends); impressions follow the
    CPM; clicks and conversions are Poisson draws, so some days have zero conversions; on some days a campaign has no
    delivery and its row is simply absent (as in real exports); now and then conversions are unknown (``None``).
    ``value_per_conversion=None`` gives no platform revenue. Deterministic for a given ``rng`` seed, lazy, so it can
    feed millions of rows to a writer.
    """
    specs = [c if isinstance(c, Campaign) else Campaign(campaign_id=c[0], name=c[1]) for c in campaigns]
    # One seed per campaign and a fresh generator per campaign and day: a row's numbers depend neither on the other
    # campaigns nor on earlier days' draws, and nudging a parameter (say ctr) changes the output smoothly.
    seeds = [rng.getrandbits(48) for _ in specs]
    for day in _days(start, end):
        weekend = day.weekday() >= 5
        for spec, seed in zip(specs, seeds):
            rng = Random(seed * 1_000_003 + day.toordinal())
            skip, spend_noise, cpm_noise, conv_unknown = rng.random(), rng.random(), rng.gauss(0, 0.06), rng.random()
            value_noise = rng.gauss(0, 0.25)
            if skip < no_delivery_probability:
                continue
            base = float(spec.daily_spend if spec.daily_spend is not None else daily_spend)
            if weekend:
                base *= weekend_factor
            spend_cents = max(1, round(base * (0.75 + 0.5 * spend_noise) * 100))
            spend = Decimal(spend_cents).scaleb(-2)
            unit_cpm = float(spec.cpm if spec.cpm is not None else cpm) * (1 + cpm_noise)
            impressions = max(1, round(spend_cents / 100 / unit_cpm * 1000))
            clicks = min(impressions, _poisson(rng, impressions * (spec.ctr if spec.ctr is not None else ctr)))
            rate = spec.conversion_rate if spec.conversion_rate is not None else conversion_rate
            conv_mean = clicks * rate
            if fractional_conversions:
                conversions: Decimal | None = Decimal(repr(max(0.0, conv_mean * (1 + rng.gauss(0, 0.5))))).quantize(
                    CENT, rounding=ROUND_HALF_UP
                )
            else:
                conversions = Decimal(_poisson(rng, conv_mean))
            value = spec.value_per_conversion if spec.value_per_conversion is not None else value_per_conversion
            revenue: Decimal | None
            if conv_unknown < missing_conversions_probability:
                conversions, revenue = None, None
            elif value is None:
                revenue = None
            else:
                assert conversions is not None
                revenue = _q2(conversions * value * Decimal(repr(max(0.2, 1 + value_noise))))
            yield AdRow(
                day=day,
                campaign_id=spec.campaign_id,
                campaign_name=spec.name,
                currency=currency,
                spend=spend,
                impressions=impressions,
                clicks=clicks,
                conversions=conversions,
                platform_revenue=revenue,
                campaign_type=spec.campaign_type,
            )
