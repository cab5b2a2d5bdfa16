"""Materialization metadata shared by the assets: row counts, column schemas, money totals."""

from __future__ import annotations

from decimal import Decimal

import dagster as dg
import duckdb


def column_schema(con: duckdb.DuckDBPyConnection, table: str) -> dg.TableSchema:
    schema_name, table_name = table.split(".")
    rows = con.execute(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema_name, table_name],
    ).fetchall()
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, data_type, constraints=dg.TableColumnConstraints(nullable=nullable == "YES"))
            for name, data_type, nullable in rows
        ]
    )


def money(value: Decimal | None) -> str:
    """Money shown exactly, as text (metadata floats would round it)."""
    return "0" if value is None else str(value)


def table_metadata(con: duckdb.DuckDBPyConnection, table: str, row_count: int, **extra) -> dict[str, object]:
    return {
        "dagster/row_count": row_count,
        "dagster/column_schema": column_schema(con, table),
        "table": table,
        **extra,
    }
