"""Read export files with DuckDB's CSV reader, check every cell, and mirror each file's rows into its raw table.

A file is the unit of acceptance: it is checked whole, and either replaces its previous rows or is rejected with
the file, line and column of the first bad cell, leaving its previous rows as they were. Files of one shape are read
and checked together, and the good ones of a batch replace their rows in one transaction. Unchanged files (same size
and modification time) are not read again.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb

from connectors.export_layout import FIELD_KINDS, ExportError, ExportFormat, ExportLayout, detect_layout
from warehouse.campaign_names import name_key_sql, resolve_campaign_names
from warehouse.database import transaction
from warehouse.refresh import record_changed_days
from warehouse.schema import AD_TABLES, POST_TABLES

# Files of one shape are read together up to this many bytes: a few statements for thousands of files, and
# bounded memory for the typed rows held while they are checked (256 MB: 3 % less CPU, 190 MB more memory).
BATCH_BYTES = 64 * 1024 * 1024
# Cells that mean "no value" in one platform's export or another.
EMPTY_MARKERS = ["", "-", "--", "\u2014", "\u2013", "N/A"]

# Target columns of each kind of raw table, and the export field each is read from.
AD_ROW_FIELDS = {
    "date": "day",
    "campaign_id": "campaign_id",
    "campaign_name": "campaign_name",
    "currency": "currency",
    "spend": "spend",
    "impressions": "impressions",
    "clicks": "clicks",
    "conversions": "conversions",
    "platform_revenue": "platform_revenue",
}
CRM_ROW_FIELDS = {name: name for name in ("deal_id", "close_date", "channel", "campaign_id", "amount", "currency")}
# Organic posts (raw.<channel>_posts): `date` is the day of the publish time.
POST_ROW_FIELDS = {
    "post_id": "post_id",
    "published_at": "published_at",
    "date": "published_at",
    "title": "title",
    "impressions": "impressions",
    "clicks": "clicks",
    "reactions": "reactions",
    "comments": "comments",
    "shares": "shares",
    "video_views": "video_views",
}
# Measures a platform leaves blank on a day without delivery: zero, not unknown.
ZERO_WHEN_EMPTY = {"spend", "impressions", "clicks"}
# A post's impressions are never unknown; its other counts are, where the export has no such column (YouTube
# Studio has no clicks, X no video views): NULL, not zero.
POST_ZERO_WHEN_EMPTY = {"impressions"}
# Fields whose cell may be a link to the thing rather than its id (LinkedIn's `Post link`, X's permalink): the id
# is then the link's last path segment (`urn:li:activity:7240…`, the tweet id).
ID_OR_LINK = {"post_id"}


@dataclass(frozen=True)
class ExportFile:
    """A file found in the exports folder."""

    path: Path
    relative: str  # under the exports folder, with forward slashes
    kind: str  # channel or crm
    account_id: str | None
    modified_at: datetime
    size_bytes: int

    @classmethod
    def at(cls, path: Path, root: Path, kind: str, account_id: str | None) -> ExportFile:
        stat = path.stat()
        return cls(
            path=path,
            relative=path.relative_to(root).as_posix(),
            kind=kind,
            account_id=account_id,
            modified_at=_modified_at(stat.st_mtime_ns),
            size_bytes=stat.st_size,
        )


def _modified_at(mtime_ns: int) -> datetime:
    """A file's modification time in UTC, to the microsecond (which file is newer decides restatements)."""
    seconds, nanoseconds = divmod(mtime_ns, 1_000_000_000)
    stamp = datetime.fromtimestamp(seconds, tz=timezone.utc).replace(microsecond=nanoseconds // 1000)
    return stamp.replace(tzinfo=None)


@dataclass
class SyncReport:
    """What a sync of one kind of export did."""

    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # file -> reason
    removed: list[str] = field(default_factory=list)
    rows_loaded: int = 0


def find_export_files(root: Path, kind: str, per_account: bool) -> tuple[list[ExportFile], dict[str, str]]:
    """CSV files under `<root>/<kind>/<account_id>/` (or directly under `<root>/<kind>/` for the CRM).

    Returns the files and the misplaced ones with why they cannot be read.
    """
    folder = root / kind
    files: list[ExportFile] = []
    misplaced: dict[str, str] = {}
    if not folder.is_dir():
        return files, misplaced
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() == ".csv"):
        parts = path.relative_to(folder).parts
        relative = path.relative_to(root).as_posix()
        if per_account and len(parts) != 2:
            misplaced[relative] = f"expected {kind}/<account_id>/<file>.csv under the exports folder"
        elif not per_account and len(parts) != 1:
            misplaced[relative] = f"expected {kind}/<file>.csv under the exports folder"
        else:
            files.append(ExportFile.at(path, root, kind, parts[0] if per_account else None))
    return files, misplaced


def sync_exports(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[ExportFile],
    misplaced: dict[str, str],
    kind: str,
    table: str,
    export_format: ExportFormat,
    account_currencies: dict[str, str] | None,
) -> SyncReport:
    """Bring `table` in line with the files: load new and changed ones, drop the rows of deleted ones.

    `account_currencies` maps the configured accounts to their currency (None for exports without accounts, the CRM);
    a file of an account that is not configured is rejected. Files of one layout are read, checked and loaded
    together (one read_csv and one transaction per batch): a bad file is still rejected alone.
    """
    report = SyncReport()
    known = _registry(con, kind)
    currencies = known_currencies(con)
    for relative, reason in misplaced.items():
        _record_rejection(con, kind, relative, None, None, None, reason)
        report.rejected[relative] = f"{relative}: {reason}"
    pending: list[PendingFile] = []
    for export in files:
        if known.get(export.relative) == (export.modified_at, export.size_bytes, "loaded"):
            report.unchanged.append(export.relative)
            continue
        try:
            pending.append(_pending_file(export, export_format, account_currencies, currencies, table))
        except ExportError as error:
            _reject(con, export, error, report)
    for batch in _batches(pending):
        rows, rejected = load_batch(con, batch, table, currencies)
        for item in batch:
            if item.export.relative in rejected:
                _reject(con, item.export, rejected[item.export.relative], report)
            else:
                report.loaded.append(item.export.relative)
                report.rows_loaded += rows[item.export.relative]
    present = {export.relative for export in files} | set(misplaced)
    for relative in sorted(set(known) - present):
        _forget_file(con, table, relative, has_days=account_currencies is not None)
        report.removed.append(relative)
    return report


def _reject(con: duckdb.DuckDBPyConnection, export: ExportFile, error: ExportError, report: SyncReport) -> None:
    message = str(error).replace(str(export.path), export.relative)
    _record_rejection(con, export.kind, export.relative, export.account_id, export.modified_at, export.size_bytes,
                      message)  # fmt: skip
    report.rejected[export.relative] = message


def known_currencies(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute("SELECT DISTINCT currency FROM raw.fx_rates ORDER BY 1").fetchall()]


@dataclass(frozen=True)
class PendingFile:
    """A file to load: where it is, how it is laid out, and the currency of amounts that name none."""

    export: ExportFile
    layout: ExportLayout
    fallback_currency: str | None

    @property
    def shape(self) -> tuple:
        """Files of the same shape are read by one statement: same reader options, same columns in the same place."""
        layout = self.layout
        return (layout.format.name, layout.language.code, layout.encoding, layout.delimiter, layout.header_line,
                layout.column_count, tuple((name, column.index) for name, column in layout.columns.items()))  # fmt: skip


def _pending_file(
    export: ExportFile,
    export_format: ExportFormat,
    account_currencies: dict[str, str] | None,
    currencies: Sequence[str],
    table: str,
) -> PendingFile:
    """The file's layout and currency, checked before any of its cells are read."""
    account_currency = None
    if account_currencies is not None:
        if export.account_id not in account_currencies:
            raise ExportError(export.relative, f"account {export.account_id} is not in the config")
        account_currency = account_currencies[export.account_id]
    layout = detect_layout(export.path, export_format)
    row_fields, _ = _row_fields(export.account_id, table)
    needs_currency = "currency" in row_fields.values()
    fallback = (layout.currency_in_header or account_currency) if needs_currency else None
    if needs_currency and layout.currency_in_header and layout.currency_in_header not in currencies:
        raise ExportError(layout.path, f"unknown currency '{layout.currency_in_header}' in the header",
                          layout.header_line, layout.column_label("spend"))  # fmt: skip
    if fallback and fallback not in currencies:
        raise ExportError(layout.path, f"unknown currency '{fallback}' (the account's currency in the config)")
    if needs_currency and "currency" not in layout.columns and not fallback:
        raise ExportError(layout.path, "the file has no currency column", layout.header_line)
    return PendingFile(export, layout, fallback)


def _batches(pending: Sequence[PendingFile]) -> list[list[PendingFile]]:
    """Files grouped by shape, each group cut at BATCH_BYTES so that memory stays bounded."""
    groups: dict[tuple, list[list[PendingFile]]] = {}
    for item in pending:
        chunks = groups.setdefault(item.shape, [[]])
        if chunks[-1] and sum(i.export.size_bytes for i in chunks[-1]) + item.export.size_bytes > BATCH_BYTES:
            chunks.append([])
        chunks[-1].append(item)
    return [chunk for chunks in groups.values() for chunk in chunks]


def load_batch(
    con: duckdb.DuckDBPyConnection, batch: Sequence[PendingFile], table: str, currencies: Sequence[str]
) -> tuple[dict[str, int], dict[str, ExportError]]:
    """Read, check and load files of one shape; returns the rows loaded per file and the files rejected.

    The good files of the batch replace their previous rows in one transaction; a rejected file changes nothing.
    """
    try:
        _read_rows(con, batch, currencies)
    except ExportError as error:
        if len(batch) == 1:
            return {}, {batch[0].export.relative: error}
        rows: dict[str, int] = {}
        rejected: dict[str, ExportError] = {}
        for item in batch:  # which file DuckDB's reader refused: each one on its own
            one_rows, one_rejected = load_batch(con, [item], table, currencies)
            rows.update(one_rows)
            rejected.update(one_rejected)
        return rows, rejected
    row_fields, zero_when_empty = _row_fields(batch[0].export.account_id, table)
    _summarize_rows(con, batch, _day_field(row_fields.values()))
    rejected = _check_cells(con, batch)
    if len(rejected) == len(batch):
        return {}, rejected
    con.execute("UPDATE export_batch SET loading = NOT list_contains(?, source)", [sorted(rejected)])
    has_days = batch[0].export.account_id is not None  # CRM deals change days through staging, not here
    columns, values = _target_projection(batch[0].layout, row_fields, zero_when_empty, has_account=has_days)
    replacing = "SELECT source FROM export_batch WHERE loading AND source IN (SELECT path FROM raw.export_files)"
    with transaction(con):
        # Only a file loaded before can have rows to replace (a backfill's files have none: no scan of the table).
        if con.execute(f"SELECT count(*) FROM ({replacing})").fetchone()[0]:
            if has_days:
                record_changed_days(con, f"SELECT date FROM {table} WHERE source IN ({replacing})")
            con.execute(f"DELETE FROM {table} WHERE source IN ({replacing})")
        con.execute(
            f"""INSERT INTO {table} ({', '.join(columns)})
                SELECT {', '.join(values)} FROM export_rows r JOIN export_batch b USING (file_index)
                WHERE r.is_data AND b.loading""",
            {"header_line": batch[0].layout.header_line},
        )
        if has_days:
            record_changed_days(
                con, "SELECT date FROM export_days JOIN export_batch USING (file_index) WHERE loading AND rows > 0"
            )
        if table in AD_TABLES.values():
            resolve_campaign_names(con, table)
        counts = _record_files(con)
    return counts, rejected


def _day_field(fields) -> str:
    """The field that says which day a row belongs to: the first date or timestamp field."""
    return next(name for name in fields if FIELD_KINDS[name] in ("date", "timestamp"))


def _row_fields(account_id: str | None, table: str) -> tuple[dict[str, str], set[str]]:
    """Which raw-table column each export field fills, and the measures an empty cell means zero for."""
    if table in POST_TABLES.values():
        return POST_ROW_FIELDS, POST_ZERO_WHEN_EMPTY
    return (AD_ROW_FIELDS if account_id is not None else CRM_ROW_FIELDS), ZERO_WHEN_EMPTY


def _read_rows(con: duckdb.DuckDBPyConnection, batch: Sequence[PendingFile], currencies: Sequence[str] = ()) -> None:
    """export_batch: the files; export_rows: every row of the batch's files, read and typed in one statement, in
    file order (its rowid), with its file, whether it is data, every field typed and the first of the layout's cell
    problems (_cell_problems) it has, if any. The cells' text is not kept (_bad_cell_text reads it back)."""
    layout = batch[0].layout
    con.execute(
        """CREATE OR REPLACE TEMP TABLE export_batch (
               file_index INTEGER, path VARCHAR, source VARCHAR, source_updated_at TIMESTAMP, account_id VARCHAR,
               kind VARCHAR, size_bytes BIGINT, fallback_currency VARCHAR, loading BOOLEAN DEFAULT true,
               first_row BIGINT, records BIGINT, starts BIGINT[])"""
    )
    # One statement for the whole batch (executemany is a round trip per file).
    con.execute(
        """INSERT INTO export_batch
           SELECT unnest($file_index), unnest($path), unnest($source), unnest($source_updated_at),
                  unnest($account_id), unnest($kind), unnest($size_bytes), unnest($fallback_currency), true,
                  NULL, NULL, NULL""",
        {
            "file_index": list(range(len(batch))),
            "path": [str(item.layout.path) for item in batch],
            "source": [item.export.relative for item in batch],
            "source_updated_at": [item.export.modified_at for item in batch],
            "account_id": [item.export.account_id for item in batch],
            "kind": [item.export.kind for item in batch],
            "size_bytes": [item.export.size_bytes for item in batch],
            "fallback_currency": [item.fallback_currency for item in batch],
        },
    )
    # Most cells are plain numbers and cast directly; only the others (thousands separators, spaces, decimal
    # commas) go through the cleaning regex. With a decimal comma, a cell holding a dot is never cast directly.
    con.execute(
        """CREATE OR REPLACE TEMP MACRO export_number(cell, decimal_separator) AS
           coalesce(
               CASE WHEN decimal_separator = '.' THEN TRY_CAST(trim(cell) AS DECIMAL(18,6))
                    WHEN strpos(cell, '.') = 0 THEN TRY_CAST(replace(trim(cell), ',', '.') AS DECIMAL(18,6)) END,
               TRY_CAST(CASE WHEN decimal_separator = ','
                             THEN replace(regexp_replace(trim(cell), '[\\s\\pZ''.]', '', 'g'), ',', '.')
                             ELSE regexp_replace(trim(cell), '[\\s\\pZ'',]', '', 'g') END AS DECIMAL(18,6)))"""
    )
    is_data, params = _data_row_condition(layout)
    typed = ", ".join(
        f"{_parse_expression(layout, name)} AS {name}, {_cell(layout, name)} AS {name}__text" for name in layout.columns
    )
    problems = _cell_problems(layout)
    # The first problem in the list's order; the cells' text is used here and not kept.
    problem = " ".join(f"WHEN {condition} THEN {index}" for index, (condition, _, _) in enumerate(problems))
    problem = f"CASE WHEN NOT is_data THEN NULL {problem} END" if problems else "CAST(NULL AS INTEGER)"
    params |= {
        "empty": EMPTY_MARKERS,
        "currencies": list(currencies),
        **{f"allowed_{name}": list(values) for name, values in layout.format.allowed_values.items()},
        "date_formats": list(layout.language.date_formats),
        "decimal_separator": layout.language.decimal_separator,
        **_reader_params(batch),
    }
    # The file's index from the reader's filename rather than a join, which need not keep the rows in file order
    # (their rowid numbers them).
    sql = f"""CREATE OR REPLACE TEMP TABLE export_rows AS
              SELECT COLUMNS(lambda c: NOT ends_with(c, '__text')), {problem} AS problem FROM (
                  SELECT CAST(list_position($paths, filename) - 1 AS INTEGER) AS file_index, {is_data} AS is_data,
                         {typed}
                  FROM {_READER})"""

    def read(parallel: bool) -> None:
        con.execute(sql, _bind(sql, params | {"parallel": parallel}))

    try:
        try:
            read(parallel=True)
        except duckdb.Error as error:
            # Post texts span lines inside quotes (X, Meta); DuckDB's parallel reader cannot pad those rows.
            if "quoted new lines" not in str(error):
                raise
            read(parallel=False)
    except duckdb.Error as error:
        raise _csv_error(layout, error) from error


# Every cell as text, as the layout's files are read (one statement per batch; one file to read a cell back).
_READER = """read_csv($paths, encoding = $encoding, delim = $delimiter, quote = '"', escape = '"', header = false,
                      skip = $header_line, auto_detect = false, columns = $names, null_padding = true,
                      parallel = $parallel, filename = true)"""


def _reader_params(batch: Sequence[PendingFile]) -> dict[str, object]:
    layout = batch[0].layout
    return {
        "paths": [str(item.layout.path) for item in batch],
        "encoding": layout.encoding,
        "delimiter": layout.delimiter,
        "header_line": layout.header_line,
        "names": {f"c{index}": "VARCHAR" for index in range(layout.column_count)},
    }


def _summarize_rows(con: duckdb.DuckDBPyConnection, batch: Sequence[PendingFile], day: str) -> None:
    """export_days, one pass over export_rows: per file and day its data rows, and per file its records, first
    row and first problem; and the files' first rows and line numbering in export_batch."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE export_days AS
            SELECT file_index, CASE WHEN is_data THEN CAST({day} AS DATE) END AS date,
                   count(*) FILTER (is_data) AS rows, count(*) AS records, min(rowid) AS first_row,
                   min(rowid) FILTER (problem IS NOT NULL) AS problem_row,
                   arg_min(problem, rowid) FILTER (problem IS NOT NULL) AS problem
            FROM export_rows GROUP BY ALL"""
    )
    con.execute(
        """UPDATE export_batch b SET first_row = d.first_row, records = d.records
           FROM (SELECT file_index, min(first_row) AS first_row, sum(records) AS records
                 FROM export_days GROUP BY ALL) d
           WHERE b.file_index = d.file_index"""
    )
    _fix_line_numbers(con, batch)


def _fix_line_numbers(con: duckdb.DuckDBPyConnection, batch: Sequence[PendingFile]) -> None:
    """Rows are numbered from the header down, unless a file has more lines than rows after its header (DuckDB's
    reader drops blank lines; quoted values can span lines): only such a file is read a second time to number them
    (its records' start lines in export_batch.starts)."""
    header_line = batch[0].layout.header_line
    counted = dict(con.execute("SELECT file_index, coalesce(records, 0) FROM export_batch").fetchall())
    for index, item in enumerate(batch):
        if not _has_lines_without_rows(item.layout.path, item.layout.encoding, header_line + counted[index]):
            continue
        con.execute(
            "UPDATE export_batch SET starts = $starts WHERE file_index = $file_index",
            {"starts": _record_start_lines(item.layout), "file_index": index},
        )


def _line(rowid: str) -> str:
    """SQL for the line a row of export_rows starts on (`rowid` its rowid there), with export_batch as b and the
    layout's header line bound as $header_line."""
    record = f"({rowid} - b.first_row)"
    return f"CASE WHEN b.starts IS NULL THEN $header_line + 1 + {record} ELSE b.starts[{record} + 1] END"


def _record_start_lines(layout: ExportLayout) -> list[int]:
    """The line each CSV record after the header starts on, blank lines skipped (as DuckDB's reader does)."""
    codec = {"utf-8": "utf-8-sig", "utf-16": "utf-16"}.get(layout.encoding, layout.encoding)
    starts: list[int] = []
    with open(layout.path, encoding=codec, newline="") as handle:
        reader = csv.reader(handle, delimiter=layout.delimiter, quotechar='"', doublequote=True)
        previous_end = 0
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if start > layout.header_line and record:
                starts.append(start)
    return starts


def count_lines(path: Path, encoding: str, exact: bool = True) -> int:
    """Lines in a file, counted at C speed without decoding it.

    Not `exact`, a UTF-16 file's newline bytes are counted alone (three times faster than the two-byte newline):
    never fewer than its lines, and as many unless another character holds a 0x0A byte.
    """
    newline = b"\n\x00" if encoding == "utf-16" else b"\n"
    pattern = newline if exact else b"\n"
    count, last = 0, b""
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            count += (last[-1:] + chunk).count(pattern) if len(pattern) > 1 else chunk.count(pattern)
            last = chunk
    return count + (0 if last.endswith(newline) else 1)


def _has_lines_without_rows(path: Path, encoding: str, lines_with_rows: int) -> bool:
    """Whether a file has more lines than its header and rows take (a file never has fewer)."""
    if count_lines(path, encoding, exact=False) == lines_with_rows:
        return False
    return count_lines(path, encoding) != lines_with_rows


def _csv_error(layout: ExportLayout, error: duckdb.Error) -> ExportError:
    """DuckDB's reader error, said in the file's terms (its line numbers count from the top of the file)."""
    text = str(error)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    columns = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if columns:
        reason = (f"{columns.group(2)} cells where the header has {columns.group(1)} "
                  "(a separator inside an unquoted value?)")
    else:
        reason = f"not readable as {layout.format.name} CSV: {text.strip().splitlines()[0]}"
    return ExportError(layout.path, reason, line=int(line.group(1)) if line else None)


def _cell(layout: ExportLayout, name: str) -> str:
    return f"c{layout.columns[name].index}"


def _parse_expression(layout: ExportLayout, name: str) -> str:
    """SQL that turns the text cell of a field into its typed value (NULL when empty or unreadable)."""
    cell = _cell(layout, name)
    kind = FIELD_KINDS[name]
    if kind == "date":
        return f"try_strptime(trim({cell}), $date_formats)::DATE"
    if kind == "timestamp":
        # The language's date_formats, with or without a time of day; never %z (DuckDB then reads every format as
        # zoned), so a fixed offset such as X's ` +0000` is written literally in the format.
        return f"try_strptime(trim({cell}), $date_formats)::TIMESTAMP"
    if name in ID_OR_LINK:
        link = f"regexp_replace(trim({cell}), '[?#].*$', '')"
        return (f"CASE WHEN regexp_matches(trim({cell}), '^https?://') "
                f"THEN nullif(regexp_extract({link}, '([^/]+)/*$', 1), '') ELSE nullif(trim({cell}), '') END")
    if kind == "text":
        return f"nullif(trim({cell}), '')"
    if kind == "currency":
        return f"nullif(upper(trim({cell})), '')"
    number = f"export_number({cell}, $decimal_separator)"
    if kind == "integer":
        return f"CASE WHEN {number} = trunc({number}) THEN CAST({number} AS BIGINT) END"
    return number


def _data_row_condition(layout: ExportLayout) -> tuple[str, dict[str, object]]:
    """Blank rows, totals and summary rows are not data; nor, where a format keeps only some rows, the others.

    Written as CASEs: DuckDB evaluates every operand of an AND or OR in a select list, but a CASE's later branches
    only for the rows that reach them (most rows stop at their first cell)."""
    not_data = []
    params: dict[str, object] = {}
    campaign = [name for name in ("campaign_id", "campaign_name") if name in layout.columns]
    if "campaign_name" in campaign:
        # Meta's optional summary row has no campaign at all; nor has a blank row, so the other cells are not
        # looked at (the reader then skips making values of the columns no field reads).
        not_data.append(" AND ".join(f"coalesce(trim({_cell(layout, name)}), '') = ''" for name in campaign))
    else:
        not_data.append("CASE " + " ".join(f"WHEN coalesce(trim(c{index}), '') <> '' THEN false"
                                           for index in range(layout.column_count)) + " ELSE true END")  # fmt: skip
    for index, prefix in enumerate(layout.format.summary_prefixes):
        not_data.append(f"starts_with(trim(coalesce(c0, '')), $summary_prefix_{index})")
        params[f"summary_prefix_{index}"] = prefix
    for name, values in layout.format.keep_only.items():
        if name in layout.columns:
            not_data.append(f"NOT coalesce(list_contains($keep_{name}, trim({_cell(layout, name)})), false)")
            params[f"keep_{name}"] = sorted(values)
    condition = "CASE " + " ".join(f"WHEN {part} THEN false" for part in not_data) + " ELSE true END"
    return condition, params


def _bind(sql: str, params: dict[str, object]) -> dict[str, object]:
    """The named parameters the statement uses (DuckDB refuses unused ones)."""
    return {key: value for key, value in params.items() if f"${key}" in sql}


def _cell_problems(layout: ExportLayout) -> list[tuple[str, str, str]]:
    """(SQL condition on a row, field, message template) for every way a cell of this layout can be wrong."""
    problems: list[tuple[str, str, str]] = []
    for name in layout.columns:
        kind = FIELD_KINDS[name]
        text = f"trim(coalesce({name}__text, ''))"
        if name in layout.non_empty:
            problems.append((f"{name} IS NULL AND list_contains($empty, {text})", name, "empty cell, which every row needs"))
        if kind == "date":
            problems.append((f"{name} IS NULL AND {text} <> ''", name, "cannot read '{value}' as a date"))
        elif name in ID_OR_LINK:
            problems.append(
                (f"{name} IS NULL AND NOT list_contains($empty, {text})", name, "cannot read an id from '{value}'")
            )
        elif kind == "timestamp":
            problems.append(
                (f"{name} IS NULL AND NOT list_contains($empty, {text})", name,
                 "cannot read '{value}' as a date or a date and time")
            )
        elif kind in ("decimal", "integer"):
            what = "a whole number" if kind == "integer" else "a number"
            problems.append(
                (f"{name} IS NULL AND NOT list_contains($empty, {text})", name, "cannot read '{value}' as " + what)
            )
        elif kind == "currency":
            problems.append(
                (f"{name} IS NOT NULL AND NOT list_contains($currencies, {name})", name,
                 "unknown currency '{value}': the ECB reference rates have no such currency")
            )
    for name, allowed in layout.format.allowed_values.items():
        if name in layout.columns:
            problems.append(
                (f"NOT list_contains($allowed_{name}, {name})", name,
                 "'{value}' is not one of " + ", ".join(allowed))
            )
    if layout.format.single_day and set(layout.format.single_day) <= set(layout.columns):
        first, last = layout.format.single_day
        problems.append((f"{first} <> {last}", last, "row covers several days; " + layout.format.single_day_hint))
    return problems


def _check_cells(con: duckdb.DuckDBPyConnection, batch: Sequence[PendingFile]) -> dict[str, ExportError]:
    """Each file's first bad cell, in line order: the files to reject, each error naming line and column."""
    layout = batch[0].layout
    problems = _cell_problems(layout)
    rejected: dict[str, ExportError] = {}
    firsts = con.execute(
        f"""SELECT d.file_index, {_line('min(d.problem_row)')},
                   arg_min(d.problem, d.problem_row), min(d.problem_row) - b.first_row
            FROM export_days d JOIN export_batch b USING (file_index) WHERE d.problem_row IS NOT NULL
            GROUP BY d.file_index, b.first_row, b.starts""",
        {"header_line": layout.header_line},
    ).fetchall()
    for file_index, line, problem, record in firsts:
        _, name, template = problems[problem]
        item = batch[file_index]
        value = _bad_cell_text(con, item, name, record)
        message = template.format(value=(value or "").strip())
        rejected[item.export.relative] = ExportError(
            item.layout.path, message, line=line, column=item.layout.column_label(name)
        )
    return rejected


def _bad_cell_text(con: duckdb.DuckDBPyConnection, item: PendingFile, name: str, record: int) -> str | None:
    """The text of a field's cell in a file's `record`-th record after the header, read from the file again."""
    sql = f"SELECT {_cell(item.layout, name)} FROM {_READER} LIMIT 1 OFFSET $record"
    params = _reader_params([item]) | {"parallel": False, "record": record}
    return con.execute(sql, _bind(sql, params)).fetchone()[0]


def _target_projection(
    layout: ExportLayout, row_fields: dict[str, str], zero_when_empty: set[str], has_account: bool
) -> tuple[list[str], list[str]]:
    """The raw table's columns and what fills each, from export_rows (alias r) joined to export_batch (alias b), with
    the layout's header line bound as $header_line."""
    columns = ["source", "source_updated_at", "line"]
    values = ["b.source", "b.source_updated_at", _line("r.rowid")]
    if has_account:
        columns.append("account_id")
        values.append("b.account_id")
    for column, name in row_fields.items():
        columns.append(column)
        if name == "currency":
            values.append("coalesce(currency, b.fallback_currency)" if "currency" in layout.columns else "b.fallback_currency")
        elif name == "campaign_id" and layout.keyed_by_name:
            values.append(name_key_sql("b.account_id", "campaign_name"))  # resolved to an ID, if known, below
        elif name not in layout.columns:
            values.append("0" if name in zero_when_empty else "NULL")
        elif name in zero_when_empty:
            values.append(f"coalesce({name}, 0)")
        elif column == "date" and FIELD_KINDS[name] == "timestamp":
            values.append(f"CAST({name} AS DATE)")
        else:
            values.append(name)
    if has_account and "campaign_id" in row_fields:
        columns.append("keyed_by_name")
        values.append("true" if layout.keyed_by_name else "false")
    return columns, values


def _record_files(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The registry rows of the batch's loaded files (rows and days each holds, from export_days); returns the rows
    per file."""
    con.execute("DELETE FROM raw.export_files WHERE path IN (SELECT source FROM export_batch WHERE loading)")
    con.execute(
        """INSERT INTO raw.export_files
           SELECT b.source, b.kind, b.account_id, b.source_updated_at, b.size_bytes, 'loaded',
                  coalesce(sum(d.rows), 0), min(d.date) FILTER (d.rows > 0), max(d.date) FILTER (d.rows > 0), NULL,
                  now()::TIMESTAMP
           FROM export_batch b LEFT JOIN export_days d USING (file_index)
           WHERE b.loading GROUP BY ALL"""
    )
    return dict(con.execute(
        "SELECT path, rows FROM raw.export_files WHERE path IN (SELECT source FROM export_batch WHERE loading)"
    ).fetchall())


def _registry(con: duckdb.DuckDBPyConnection, kind: str) -> dict[str, tuple[datetime, int, str]]:
    rows = con.execute(
        "SELECT path, modified_at, size_bytes, status FROM raw.export_files WHERE kind = ?", [kind]
    ).fetchall()
    return {path: (modified_at, size, status) for path, modified_at, size, status in rows}


def _record_rejection(con, kind, relative, account_id, modified_at, size_bytes, error) -> None:
    """Mark a file rejected; the rows of its last good version stay in place."""
    con.execute(
        """UPDATE raw.export_files SET status = 'rejected', error = ?, modified_at = coalesce(?, modified_at),
               size_bytes = coalesce(?, size_bytes), checked_at = now()::TIMESTAMP
           WHERE path = ?""",
        [error, modified_at, size_bytes, relative],
    )
    exists = con.execute("SELECT count(*) FROM raw.export_files WHERE path = ?", [relative]).fetchone()[0]
    if not exists:
        con.execute(
            "INSERT INTO raw.export_files VALUES (?, ?, ?, coalesce(?, now()::TIMESTAMP), coalesce(?, 0), 'rejected', "
            "NULL, NULL, NULL, ?, now()::TIMESTAMP)",
            [relative, kind, account_id, modified_at, size_bytes, error],
        )


def _forget_file(con: duckdb.DuckDBPyConnection, table: str, relative: str, has_days: bool) -> None:
    """A file deleted from the exports folder takes its rows with it."""
    with transaction(con):
        if has_days:
            record_changed_days(con, f"SELECT date FROM {table} WHERE source = ?", [relative])
        con.execute(f"DELETE FROM {table} WHERE source = ?", [relative])
        if table in AD_TABLES.values():
            resolve_campaign_names(con, table)
        con.execute("DELETE FROM raw.export_files WHERE path = ?", [relative])


def rejected_files(con: duckdb.DuckDBPyConnection, kind: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT path, error FROM raw.export_files WHERE kind = ? AND status = 'rejected' ORDER BY path", [kind]
    ).fetchall()
    return dict(rows)


def days_covered(path: Path, export_format: ExportFormat) -> tuple[date, date] | None:
    """First and last day of an export's data rows (None when it has none); raises ExportError if unreadable.

    Read in a throwaway in-memory database, so it never touches the warehouse (the file sensor uses it).
    """
    layout = detect_layout(path, export_format)
    day = _day_field(layout.columns)
    export = ExportFile(path, path.name, "", None, datetime.now(), path.stat().st_size)
    with duckdb.connect() as con:
        _read_rows(con, [PendingFile(export, layout, None)])
        first, last = con.execute(
            f"SELECT min({day})::DATE, max({day})::DATE FROM export_rows WHERE is_data"
        ).fetchone()
    return (first, last) if first else None
