"""ROI over a period, as `roi report` prints it: per market and channel, then the global rollup.

Sums of spend and net return over the days first, the ratio last: ROI ratios are never added or averaged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import duckdb


@dataclass(frozen=True)
class RoiLine:
    market: str  # "ALL" on global lines
    channel: str  # "ALL" on the company line
    spend: Decimal
    revenue: Decimal
    net_return: Decimal
    roi: Decimal | None


def local_roi(con: duckdb.DuckDBPyConnection, start: date, end: date) -> list[RoiLine]:
    rows = con.execute("SELECT * FROM marts.roi_between(?, ?)", [start, end]).fetchall()
    return [RoiLine(*row) for row in rows]


def global_roi(con: duckdb.DuckDBPyConnection, start: date, end: date) -> list[RoiLine]:
    """Per channel, then the company: sums of the local net returns over the sum of spend."""
    rows = con.execute("SELECT 'ALL', * FROM marts.global_roi_between(?, ?)", [start, end]).fetchall()
    return [RoiLine(*row) for row in rows]


def format_table(title: str, lines: list[RoiLine], currency: str) -> str:
    header = ("market", "channel", f"spend {currency}", f"revenue {currency}", f"net return {currency}", "ROI")
    body = [
        (line.market, line.channel, _money(line.spend), _money(line.revenue), _money(line.net_return), _percent(line.roi))
        for line in lines
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    def render(row):
        return "  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
    return "\n".join([title, render(header), *(render(row) for row in body)])


def _money(value: Decimal | None) -> str:
    if value is None:
        return "n/a"
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def _percent(value: Decimal | None) -> str:
    if value is None:
        return "n/a"
    return f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
