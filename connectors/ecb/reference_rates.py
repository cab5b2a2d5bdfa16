"""Read the layout of an ECB reference-rate file: which column holds which currency."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from connectors.ecb.settings import BASE_CURRENCY, DATE_HEADER
from connectors.export_layout import ExportError, read_head

CURRENCY_CODE = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class RatesLayout:
    path: Path
    encoding: str
    column_count: int
    currencies: dict[int, str]  # column index -> ISO currency code


def detect_rates_layout(path: Path) -> RatesLayout:
    """The header must be `Date,<ISO code>,<ISO code>,...` (a trailing empty column is allowed)."""
    text, encoding = read_head(Path(path))
    first_line = text.splitlines()[0] if text else ""
    cells = [cell.strip() for cell in next(csv.reader([first_line]))]
    if not cells or cells[0] != DATE_HEADER:
        raise ExportError(path, f"not an ECB reference-rate file: the first column must be '{DATE_HEADER}'", line=1)
    currencies: dict[int, str] = {}
    for index, cell in enumerate(cells[1:], start=1):
        if not cell and index == len(cells) - 1:
            continue
        if not CURRENCY_CODE.fullmatch(cell):
            raise ExportError(path, f"'{cell}' is not an ISO currency code", line=1, column=f"#{index + 1}")
        currencies[index] = cell
    if not currencies:
        raise ExportError(path, "no currency columns", line=1)
    return RatesLayout(Path(path), encoding, len(cells), currencies)


def currencies_with_rates(path: Path) -> list[str]:
    """EUR and every currency of the rates file's header, sorted: the currencies amounts can be converted from."""
    return sorted({BASE_CURRENCY, *detect_rates_layout(path).currencies.values()})
