"""Contact frequency, engagement trend and the analysts' table macros, on small cases computed by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pytest

from warehouse.marts import refresh_marts
from warehouse.schema import ensure_schema

MONDAY = date(2026, 9, 7)  # an ISO week: 7..13 September 2026


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "roi.duckdb")) as con:
        ensure_schema(con)
        con.execute("INSERT INTO raw.fx_rates VALUES (DATE '1999-01-01', 'EUR', 1)")
        con.executemany("INSERT INTO raw.accounts VALUES (?, ?, ?, ?, ?)", [
            ["linkedin", "fr", "FR", "local", "EUR"],
            ["linkedin", "corp", "GLOBAL", "global", "EUR"],
        ])
        yield con


def ad_day(con, day: date, account: str, impressions: int, spend: str = "10.00", clicks: int = 5) -> None:
    con.execute(
        "INSERT INTO staging.stg_ad_performance VALUES (?, 'linkedin', ?, 'c-' || ?, 'Campaign', 'EUR', ?, ?, ?, "
        "NULL, NULL, 'test')",
        [day, account, account, Decimal(spend), impressions, clicks],
    )


def post(con, day: date, account: str, post_id: str, impressions: int, engagements: int) -> None:
    con.execute(
        "INSERT INTO staging.stg_posts VALUES (?, 'linkedin', ?, ?, NULL, 'A post', ?, ?, ?, 0, 0, 0, NULL, 'test')",
        [day, account, post_id, impressions, engagements, engagements],
    )


def refresh(con, first: date, last: date, threshold: int = 7) -> None:
    refresh_marts(con, first, last, "EUR", "platform", contact_threshold=threshold)


def test_touches_are_posts_plus_ad_delivery_days(con):
    # FR: 3 posts and ads delivered on 4 days (a fifth day had zero impressions) -> 7 touches: not over 7.
    for n, day in enumerate([MONDAY, MONDAY + timedelta(2), MONDAY + timedelta(4)]):
        post(con, day, "fr", f"p{n}", impressions=1000, engagements=50)
    for offset in range(4):
        ad_day(con, MONDAY + timedelta(offset), "fr", impressions=2000)
    ad_day(con, MONDAY + timedelta(5), "fr", impressions=0, spend="0.00", clicks=0)
    # GLOBAL: 16 posts in the week, no ads -> 16 touches, over the threshold.
    for n in range(16):
        post(con, MONDAY + timedelta(n % 7), "corp", f"g{n}", impressions=500, engagements=5)
    refresh(con, MONDAY, MONDAY + timedelta(6))
    rows = con.execute(
        """SELECT market, posts, ad_delivery_days, touches, impressions, engagements, engagement_rate, reach,
                  frequency, over_threshold
           FROM marts.contact_frequency WHERE week = ? ORDER BY market""", [MONDAY]).fetchall()
    assert rows == [
        ("FR", 3, 4, 7, 3 * 1000 + 4 * 2000, 150, Decimal("0.050000"), None, None, False),
        ("GLOBAL", 16, 0, 16, 16 * 500, 80, Decimal("0.010000"), None, None, True),
    ]


def test_frequency_comes_from_the_weekly_reach_never_from_summed_daily_reach(con):
    for offset in range(7):
        ad_day(con, MONDAY + timedelta(offset), "fr", impressions=1000)
    # One pull over the whole week says 2,500 people saw the ads 7,000 times.
    con.execute("INSERT INTO raw.weekly_reach VALUES ('linkedin', 'fr', ?, 2500, 7000, 'api', now()::TIMESTAMP)",
                [MONDAY])
    refresh(con, MONDAY, MONDAY + timedelta(6))
    assert con.execute(
        "SELECT reach, frequency FROM marts.contact_frequency WHERE week = ? AND market = 'FR'", [MONDAY]
    ).fetchall() == [(2500, Decimal("2.800000"))]  # daily reach summed (say 7 x 900) would give 1.11


def test_engagement_trend_week_over_week_and_over_twelve_weeks(con):
    # Rates: 5% twelve weeks before, 4.5% the week before, 3.5% this week.
    weeks = {MONDAY - timedelta(weeks=12): 50, MONDAY - timedelta(weeks=1): 45, MONDAY: 35}
    for week, engagements in weeks.items():
        post(con, week + timedelta(1), "fr", f"p-{week}", impressions=1000, engagements=engagements)
    refresh(con, MONDAY - timedelta(weeks=12), MONDAY + timedelta(6))
    rows = con.execute(
        "SELECT week, engagement_rate, change_1w, change_12w, declining FROM marts.engagement_trend ORDER BY week"
    ).fetchall()
    assert rows[-1] == (MONDAY, Decimal("0.035000"), Decimal("-0.222222"), Decimal("-0.300000"), True)
    assert rows[0] == (MONDAY - timedelta(weeks=12), Decimal("0.050000"), None, None, False)


def test_a_refreshed_week_also_refreshes_the_weeks_that_compare_with_it(con):
    post(con, MONDAY + timedelta(1), "fr", "now", impressions=1000, engagements=40)
    post(con, MONDAY - timedelta(weeks=1) + timedelta(1), "fr", "before", impressions=1000, engagements=50)
    refresh(con, MONDAY - timedelta(weeks=1), MONDAY + timedelta(6))
    con.execute("UPDATE staging.stg_posts SET engagements = 20 WHERE post_id = 'before'")  # a restated post
    refresh(con, MONDAY - timedelta(weeks=1), MONDAY - timedelta(1))  # only the week before is run again
    assert con.execute(
        "SELECT change_1w FROM marts.engagement_trend WHERE week = ?", [MONDAY]
    ).fetchone() == (Decimal("1.000000"),)  # 4% against 2%


def test_roi_between_sums_first_and_divides_last(con):
    ad_day(con, MONDAY, "fr", impressions=100, spend="100.00")
    ad_day(con, MONDAY + timedelta(1), "fr", impressions=100, spend="300.00")
    con.execute("INSERT INTO staging.stg_crm_revenue VALUES ('d1', ?, 'linkedin', 'c-fr', 500, 'EUR', 'crm')",
                [MONDAY])
    refresh_marts(con, MONDAY, MONDAY + timedelta(1), "EUR", "crm")
    # Day ROIs are +4.00 and -1.00; their mean would say 1.50. Over the period: (500 - 400) / 400 = 0.25.
    assert con.execute("SELECT * FROM marts.roi_between(?, ?)", [MONDAY, MONDAY + timedelta(1)]).fetchall() == [
        ("FR", "linkedin", Decimal("400.00"), Decimal("500.00"), Decimal("100.00"), Decimal("0.250000"))]
    assert con.execute("SELECT * FROM marts.global_roi_between(?, ?)", [MONDAY, MONDAY]).fetchall() == [
        ("linkedin", Decimal("100.00"), Decimal("500.00"), Decimal("400.00"), Decimal("4.000000")),
        ("ALL", Decimal("100.00"), Decimal("500.00"), Decimal("400.00"), Decimal("4.000000"))]
