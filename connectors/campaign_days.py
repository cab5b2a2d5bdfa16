"""The common shape every connector produces: what a platform reports for one campaign on one day.

The CSV path produces the same columns in DuckDB (warehouse/exports.py); the API clients produce these rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from connectors.secrets import quoted


@dataclass(frozen=True)
class CampaignDay:
    day: date  # in the account's reporting timezone
    campaign_id: str
    campaign_name: str | None
    currency: str
    spend: Decimal
    impressions: int
    clicks: int
    conversions: Decimal | None = None
    platform_revenue: Decimal | None = None


class NotANumber(ValueError):
    """A value the platform promised as a number but sent as something else."""


def exact_decimal(value: object, what: str) -> Decimal:
    """A JSON number or numeric string as an exact Decimal; anything else is refused, never read as zero."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise NotANumber(f"{what} is {quoted(value)}, not a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise NotANumber(f"{what} is {quoted(value)}, not a number") from error
    if not number.is_finite():
        raise NotANumber(f"{what} is {quoted(value)}, not a number")
    return number


def whole_number(value: object, what: str) -> int:
    number = exact_decimal(value, what)
    if number != number.to_integral_value():
        raise NotANumber(f"{what} is {quoted(value)}, not a whole number")
    return int(number)


def count(value: object, what: str) -> int:
    """A count: a whole number, never negative."""
    number = whole_number(value, what)
    if number < 0:
        raise NotANumber(f"{what} is {quoted(value)}, a negative count")
    return number


def from_micros(value: object, what: str) -> Decimal:
    """Micro-units (X, Google Ads) to units, exactly."""
    return Decimal(whole_number(value, what)).scaleb(-6)


@dataclass(frozen=True)
class WeeklyReach:
    """What an account's ads did in one ISO week, from ONE request over the whole week (Monday..Sunday, in the
    account's reporting days): unique people reached, and the impressions of the same answer.

    Reach is not additive: the people reached on Monday and on Tuesday overlap, so a week's reach is never a sum of
    daily reach. Frequency = impressions / reach of the same row.
    """

    week: date  # the Monday
    reach: int | None  # None: the answer left it out (an optional figure), unknown
    impressions: int


def complete_weeks(first: date, last: date) -> list[date]:
    """The Mondays of the ISO weeks lying wholly inside first..last (inclusive)."""
    monday = first + timedelta(days=-first.weekday() % 7)
    weeks = []
    while monday + timedelta(days=6) <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def week_days(monday: date) -> tuple[date, date]:
    """The Monday and Sunday of an ISO week given by its Monday."""
    if monday.weekday() != 0:
        raise ValueError(f"{monday} is not a Monday: weeks are ISO weeks, given by their Monday")
    return monday, monday + timedelta(days=6)


def weekly_reach_row(week: date, reach: int | None, impressions: int) -> WeeklyReach | None:
    """A week's numbers as read (reach None: the answer left it unknown); None when nothing was delivered."""
    if not reach and impressions == 0:
        return None
    return WeeklyReach(week, reach, impressions)
