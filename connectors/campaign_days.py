"""The common shape every connector produces: what a platform reports for one campaign on one day.

The CSV path produces the same columns in DuckDB (warehouse/exports.py); the API clients produce these rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation


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
        raise NotANumber(f"{what} is {value!r}, not a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise NotANumber(f"{what} is {value!r}, not a number") from error
    if not number.is_finite():
        raise NotANumber(f"{what} is {value!r}, not a number")
    return number


def whole_number(value: object, what: str) -> int:
    number = exact_decimal(value, what)
    if number != number.to_integral_value():
        raise NotANumber(f"{what} is {value!r}, not a whole number")
    return int(number)


def from_micros(value: object, what: str) -> Decimal:
    """Micro-units (X, Google Ads) to units, exactly."""
    return Decimal(whole_number(value, what)).scaleb(-6)
