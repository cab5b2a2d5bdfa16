"""The grain check on a real DuckDB table: duplicated keys found and named, and none where there are none."""

from __future__ import annotations

from datetime import date

import duckdb

from warehouse.quality import duplicate_keys_between

KEY = ("date", "channel", "account_id", "campaign_id")


def test_duplicated_keys_are_counted_and_named_among_many_single_ones(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute(
            """CREATE TABLE stg AS SELECT DATE '2026-09-01' + CAST(i % 30 AS INTEGER) AS date, 'twitter' AS channel,
                                          'acc' AS account_id, 'c' || (i // 30) AS campaign_id
               FROM range(300000) t(i)"""
        )
        assert duplicate_keys_between(con, "stg", KEY, date(2026, 9, 1), date(2026, 9, 30)).passed
        con.execute("INSERT INTO stg VALUES ('2026-09-03', 'twitter', 'acc', 'c7'), ('2026-09-03', 'twitter', 'acc', 'c7'),"
                    " ('2026-09-04', 'twitter', 'acc', 'c9')")
        outcome = duplicate_keys_between(con, "stg", KEY, date(2026, 9, 1), date(2026, 9, 30))
        assert not outcome.passed and outcome.metadata == {"duplicated_keys": 2}
        assert outcome.description == ("2 duplicated key(s) in stg: 2026-09-03, twitter, acc, c7 (3 rows); "
                                       "2026-09-04, twitter, acc, c9 (2 rows)")
        assert duplicate_keys_between(con, "stg", KEY, date(2026, 9, 5), date(2026, 9, 30)).passed
