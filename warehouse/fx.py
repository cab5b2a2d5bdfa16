"""Load the ECB's reference-rate history into raw.fx_rates (one row per day and currency, and EUR = 1 since 1999).

Conversions themselves use the one FX rule, the `marts.convert_money` macro in schema.py, with the rate of the
day or, on weekends and TARGET holidays, the latest earlier one (looked up once per day: marts.py fx_on_day).
"""

from __future__ import annotations

import duckdb

from connectors.ecb.reference_rates import RatesLayout
from connectors.ecb.settings import BASE_CURRENCY, DATE_FORMAT, EURO_SINCE, NO_RATE
from connectors.export_layout import ExportError
from warehouse.database import transaction


def load_fx_rates(con: duckdb.DuckDBPyConnection, layout: RatesLayout) -> int:
    """Replace raw.fx_rates with the file's rates; a bad cell rejects the whole file and keeps the old rates."""
    columns = {f"c{index}": "VARCHAR" for index in range(layout.column_count)}
    try:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE fx_cells AS
               SELECT * FROM read_csv(?, encoding = ?, delim = ',', header = false, skip = 1,
                                      auto_detect = false, columns = ?, null_padding = true)""",
            [str(layout.path), layout.encoding, columns],
        )
    except duckdb.Error as error:
        raise ExportError(layout.path, f"not readable as CSV: {str(error).splitlines()[0]}") from error
    con.execute("CREATE OR REPLACE TEMP TABLE fx_columns (name VARCHAR, currency VARCHAR)")
    con.executemany("INSERT INTO fx_columns VALUES (?, ?)", [[f"c{i}", code] for i, code in layout.currencies.items()])
    rate_columns = ", ".join(f"c{index}" for index in layout.currencies)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE fx_values AS
            SELECT rowid AS row_index, c0 AS date_text, try_strptime(trim(c0), $date_format)::DATE AS date,
                   name, trim(value) AS rate_text, TRY_CAST(trim(value) AS DECIMAL(18,6)) AS rate
            FROM (UNPIVOT (SELECT rowid, * FROM fx_cells WHERE coalesce(trim(c0), '') <> '')
                  ON {rate_columns} INTO NAME name VALUE value)
            WHERE coalesce(trim(value), '') NOT IN ('', $no_rate)""",
        {"date_format": DATE_FORMAT, "no_rate": NO_RATE},
    )
    _reject_bad_cell(con, layout)
    with transaction(con):
        con.execute("DELETE FROM raw.fx_rates")
        con.execute(
            """INSERT INTO raw.fx_rates
               SELECT v.date, c.currency, v.rate FROM fx_values v JOIN fx_columns c USING (name)
               UNION ALL
               SELECT ?, ?, 1""",
            [EURO_SINCE, BASE_CURRENCY],
        )
    return con.execute("SELECT count(*) FROM raw.fx_rates").fetchone()[0]


def _reject_bad_cell(con: duckdb.DuckDBPyConnection, layout: RatesLayout) -> None:
    bad = con.execute(
        """SELECT v.row_index, c.currency, v.date_text, v.rate_text, v.date IS NULL
           FROM fx_values v JOIN fx_columns c USING (name)
           WHERE v.date IS NULL OR v.rate IS NULL OR v.rate <= 0
           ORDER BY v.row_index LIMIT 1"""
    ).fetchone()
    if bad:
        row_index, currency, date_text, rate_text, bad_date = bad
        line = 2 + row_index
        if bad_date:
            raise ExportError(layout.path, f"cannot read '{date_text}' as a date", line=line, column="Date")
        raise ExportError(layout.path, f"cannot read '{rate_text}' as a rate", line=line, column=currency)
