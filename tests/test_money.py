"""The two money rules, in DuckDB: exact currency conversion and exact ratios, against Python's Decimal."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest

from warehouse.schema import ensure_schema

CENT = Decimal("0.01")


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "money.duckdb")) as con:
        ensure_schema(con)
        yield con


def assert_converted_exactly(con, cases: list[tuple[Decimal, Decimal, Decimal]], currency_from: str = "SEK") -> None:
    """Each (amount, rate_from, rate_to) converted by DuckDB from `currency_from` into EUR equals Python's Decimal
    result to the cent."""
    con.execute("CREATE TABLE cases (amount DECIMAL(18,6), rate_from DECIMAL(18,6), rate_to DECIMAL(18,6))")
    con.executemany("INSERT INTO cases VALUES (?, ?, ?)", cases)
    converted = con.execute(
        "SELECT amount, rate_from, rate_to, marts.convert_money(amount, ?, 'EUR', rate_from, rate_to) FROM cases",
        [currency_from],
    ).fetchall()
    assert len(converted) == len(cases)
    for amount, rate_from, rate_to, result in converted:
        exact = amount * rate_to / rate_from
        assert result == exact.quantize(CENT, rounding=ROUND_HALF_UP), (amount, rate_from, rate_to)


def test_convert_money_is_exact_to_the_cent_with_half_away_from_zero_rounding(con):
    rng = random.Random(7)
    cases = []
    for _ in range(500):
        amount = Decimal(rng.randint(-10**11, 10**11)) / 10**rng.choice([2, 3, 6])
        rate_from = Decimal(rng.randint(1, 10**9)) / 10**rng.choice([4, 5])
        rate_to = Decimal(rng.randint(1, 10**9)) / 10**rng.choice([4, 5])
        cases.append((amount, rate_from, rate_to))
    assert_converted_exactly(con, cases)


def test_half_cents_round_away_from_zero_and_huge_amounts_stay_exact(con):
    # Ties sit exactly on a half cent, where an estimate in floating point could fall on either side; amounts past
    # 10^11 units take the exact integer path.
    rng = random.Random(11)
    cases = []
    for _ in range(300):
        rate = Decimal(rng.randint(1, 4 * 10**6)) / 10**6
        cents = Decimal(rng.randint(-10**9, 10**9)) / 100
        cases.append((cents + Decimal("0.005"), rate, rate))
        cases.append(((cents + Decimal("0.005")) * 2, Decimal(2), Decimal(1)))
        cases.append((Decimal(rng.randint(10**11, 9 * 10**11)) / 10**rng.choice([0, 6]), Decimal("1.1"), Decimal("0.9")))
    assert_converted_exactly(con, cases)


def test_convert_money_types_stay_decimal(con):
    assert con.execute("SELECT typeof(marts.convert_money(1.5, 'USD', 'EUR', 1.165, 1))").fetchone()[0] == "DECIMAL(18,2)"


def test_a_currency_into_itself_rounds_to_the_cent_half_away_from_zero(con):
    rng = random.Random(5)
    cases = []
    for _ in range(300):
        cents = Decimal(rng.randint(-10**13, 10**13)) / 100
        cases.append((cents + Decimal("0.005") * rng.choice([1, -1]), Decimal(1), Decimal(1)))
        cases.append((Decimal(rng.randint(-10**17, 10**17)) / 10**6, Decimal(1), Decimal(1)))
    assert_converted_exactly(con, cases, currency_from="EUR")


def test_a_currency_into_itself_needs_no_rate(con):
    assert con.execute("SELECT marts.convert_money(209.449, 'EUR', 'EUR', NULL, NULL)").fetchone()[0] == Decimal("209.45")
    assert con.execute("SELECT marts.convert_money(10, 'USD', 'EUR', NULL, 1)").fetchone()[0] is None


@pytest.mark.parametrize(
    ("net_return", "spend", "roi"),
    [("1", "3", "0.333333"), ("-2", "3", "-0.666667"), ("5", "0", None), ("0.0000005", "1", "0.000001")],
)
def test_roi_is_net_return_over_spend_and_null_without_spend(con, net_return, spend, roi):
    value = con.execute("SELECT marts.roi(?::DECIMAL(18,6), ?::DECIMAL(18,6))", [net_return, spend]).fetchone()[0]
    assert value == (Decimal(roi) if roi else None)


def test_global_roi_is_the_spend_weighted_mean_not_the_sum_of_local_rois(con):
    # Two markets: FR spends 100 and returns +50 (ROI 0.5), GLOBAL spends 300 and returns -30 (ROI -0.1).
    global_roi = con.execute("SELECT marts.roi(50 + -30, 100 + 300)").fetchone()[0]
    assert global_roi == Decimal("0.05")
    assert global_roi == (Decimal("0.5") * 100 + Decimal("-0.1") * 300) / 400
    assert global_roi != Decimal("0.5") + Decimal("-0.1")
