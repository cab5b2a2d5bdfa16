"""Which figures of an API answer a platform must send and which it may leave out, and the notes a pull keeps of the
optional ones it did not get.

A required figure (spend, impressions, clicks) missing or unreadable makes the answer malformed: it is refused and
the pull stops, never loaded as zeros. An optional figure (reach, conversions, platform revenue, a post's reactions:
what only a secondary measure needs) missing or unreadable is left unknown (None, NULL in the warehouse) and noted,
and the pull goes on. Each platform writes the rule once per kind of answer, as `Figures` in its settings.py; the
parsers read every figure through it. The days and ids of a row are always required.

Notes name the figure, the rows and their days, never a value: an answer may echo a token.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from connectors.campaign_days import NotANumber

# What a parser of an optional figure may raise on a value it cannot read.
UNREADABLE = (ArithmeticError, AttributeError, IndexError, KeyError, TypeError, ValueError)
FROM_SOURCE = object()  # read's default: the value is looked up in the row by its name


@dataclass(frozen=True, eq=False)
class Figures:
    """The figures of one kind of answer: `required` (by the API's names), `optional` (API name -> the column it
    fills, for the notes), and `absent`: what the platform means by leaving a figure out (e.g. zero, where it omits
    zeros), never noted. `row` says what one row of the answer is, e.g. "campaign day", "week", "post"."""

    row: str
    required: tuple[str, ...]
    optional: Mapping[str, str]
    absent: Mapping[str, object] = field(default_factory=dict)

    def value(self, source: object, name: str, given: object = FROM_SOURCE) -> object:
        """The value at a dotted name ("metrics.conversions"), or `given`; what leaving it out means if absent."""
        value = _lookup(source, name) if given is FROM_SOURCE else given
        return self.absent.get(name) if value is None else value


class FigureNotes:
    """What one pull's answers left unknown: per optional figure and reason, the rows (each counted once)."""

    def __init__(self) -> None:
        self._rows: dict[tuple[Figures, str, str], dict[tuple[date | None, Hashable], None]] = {}

    def reader(self, figures: Figures, source: object, day: date | None, row: Hashable = None) -> Callable[..., Any]:
        """`read(name, parse)` for one row of an answer, `source` (with its day, and what tells it from the day's
        other rows): `parse(value, name)` of the value at `name` (a dotted name looks into nested objects), or of
        `value` where the parser finds it itself. A required figure missing raises NotANumber, one that does not
        parse raises as `parse` does; an optional one missing or unreadable is None, noted."""

        def read(name: str, parse: Callable[[Any, str], Any], value: object = FROM_SOURCE) -> Any:
            if name in figures.required:
                value = figures.value(source, name, value)
                if value is None:
                    raise NotANumber(f"{name} is missing")
                return parse(value, name)
            if name not in figures.optional:
                raise RuntimeError(f"{name} is neither a required nor an optional figure of a {figures.row}")
            try:
                value = figures.value(source, name, value)
                if value is None:
                    return self._note(figures, name, "missing", day, row)
                return parse(value, name)
            except UNREADABLE:
                return self._note(figures, name, "unreadable", day, row)

        return read

    def _note(self, figures: Figures, name: str, reason: str, day: date | None, row: Hashable) -> None:
        self._rows.setdefault((figures, name, reason), {})[(day, row)] = None
        return None

    def lines(self) -> tuple[str, ...]:
        """One line per figure and reason, e.g. "approximateMemberReach missing in 1 week (2026-09-07): reach
        unknown (NULL)"."""
        lines = []
        for (figures, name, reason), rows in self._rows.items():
            days = sorted({day for day, _ in rows if day is not None})
            span = "" if not days else f" ({days[0]})" if days[0] == days[-1] else f" ({days[0]}..{days[-1]})"
            plural = "" if len(rows) == 1 else "s"
            lines.append(f"{name} {reason} in {len(rows)} {figures.row}{plural}{span}: "
                         f"{figures.optional[name]} unknown (NULL)")
        return tuple(lines)


def _lookup(source: object, name: str) -> object:
    """The value at a dotted name ("metrics.conversions"); None where the answer has nothing there."""
    value = source
    for part in name.split("."):
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise TypeError(f"{name}: no object holds {part!r}")
        value = value.get(part)
    return value
