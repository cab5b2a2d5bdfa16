"""Which days a run rebuilds in staging and the marts.

A run rebuilds its own days. Inputs can change other days too: an API re-pull of the restatement window, a new
export overlapping older days, a CRM deal moved to another day, a campaign moved to another account. Raw loaders
record the days whose rows they change in raw.changed_days, and staging the days of the CRM deals and campaigns it
changes; a run also rebuilds the ones the marts already hold (days never built are left to their own run, whose
staging will then be loaded from raw). The marts' refresh clears raw.changed_days when it commits.
"""

from __future__ import annotations

from datetime import date

import duckdb

# The condition on a `date` column that selects the days being refreshed.
REFRESHED = "date IN (SELECT date FROM refresh_days)"

CHANGED_AND_BUILT = """
SELECT date FROM raw.changed_days WHERE date IN (SELECT date FROM staging.refreshed_days)
"""


def record_changed_days(con: duckdb.DuckDBPyConnection, days_sql: str, params=None) -> None:
    """Remember the days a load touched; call inside the load's transaction."""
    con.execute(
        f"INSERT INTO raw.changed_days SELECT DISTINCT date FROM ({days_sql}) WHERE date IS NOT NULL",
        params or [],
    )


def create_refresh_days(con: duckdb.DuckDBPyConnection, start: date, end: date, also: str = "", params=None) -> None:
    """The temp table `refresh_days`: start..end, the changed days already built, and `also` (a query of dates)."""
    extra = f" UNION SELECT date FROM ({also})" if also else ""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE refresh_days AS
            SELECT CAST(unnest(generate_series(CAST($start AS DATE), CAST($end AS DATE), INTERVAL 1 DAY)) AS DATE)
                   AS date
            UNION {CHANGED_AND_BUILT}{extra}""",
        {"start": start, "end": end, **(params or {})},
    )


def mark_refreshed(con: duckdb.DuckDBPyConnection) -> None:
    """After the marts committed `refresh_days`: those days are built, and no change is pending."""
    con.execute("DELETE FROM staging.refreshed_days WHERE date IN (SELECT date FROM refresh_days)")
    con.execute("INSERT INTO staging.refreshed_days SELECT date, now()::TIMESTAMP FROM refresh_days")
    con.execute("DELETE FROM raw.changed_days")


def refreshed_day_ranges(con: duckdb.DuckDBPyConnection, table: str, rows_per_range: int) -> list[tuple[date, date]]:
    """The refreshed days in order, as ranges of consecutive days holding at most `rows_per_range` rows of `table`
    together (a day alone may hold more). Writing one range per statement, in this order, keeps a table clustered
    by day, so later runs read and rewrite only their days' blocks."""
    rows = con.execute(
        f"""SELECT date, coalesce(rows, 0) FROM refresh_days
            LEFT JOIN (SELECT date, count(*) AS rows FROM {table} WHERE {REFRESHED} GROUP BY date) USING (date)
            ORDER BY date"""
    ).fetchall()
    return day_ranges(rows, rows_per_range)


def day_ranges(rows_per_day: list[tuple[date, int]], rows_per_range: int) -> list[tuple[date, date]]:
    """Consecutive days holding at most `rows_per_range` rows together (a day alone may hold more)."""
    ranges: list[tuple[date, date]] = []
    rows = 0
    for day, count in rows_per_day:
        if ranges and rows + count <= rows_per_range:
            ranges[-1] = (ranges[-1][0], day)
            rows += count
        else:
            ranges.append((day, day))
            rows = count
    return ranges
