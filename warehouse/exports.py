"""Read export files with DuckDB's CSV reader, check every cell, and mirror each file's rows into its raw table.

A file is the unit of acceptance: it is checked whole, and either replaces its previous rows or is rejected with
the file, line and column of the first bad cell, leaving its previous rows as they were. Files of one shape are read
and checked together, and the good ones of a batch replace their rows in one transaction. Unchanged files (same size
and modification time) are not read again.
"""

from __future__ import annotations

import csv
import os
import re
import stat
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from connectors.channels import folder_account_id
from connectors.export_layout import (
    FIELD_KINDS,
    SUMMARY_LABEL_PATTERN,
    SUMMARY_LEADING_CELLS,
    ConversionRule,
    ExportError,
    ExportFormat,
    ExportLayout,
    detect_layout,
)
from warehouse.campaign_names import name_key_sql, resolve_campaign_names
from warehouse.database import is_disk_full, transaction
from warehouse.readable_copy import (
    COPY_ENCODING,
    DUCKDB_ENCODINGS,
    file_has_mixed_line_endings,
    needs_copy,
    text_codec,
    write_readable_copy,
)
from warehouse.refresh import record_changed_days
from warehouse.schema import AD_TABLES, POST_TABLES

# Files of one shape are read together up to this many bytes: a few statements for thousands of files, and
# bounded memory for the typed rows held while they are checked (256 MB: 3 % less CPU, 190 MB more memory).
BATCH_BYTES = 64 * 1024 * 1024
# A file modified less than this long ago may still be being written: no run reads it yet (nor does the sensor).
SETTLE_SECONDS = 60
# Cells that mean "no value" in one platform's export or another.
EMPTY_MARKERS = ["", "-", "--", "\u2014", "\u2013", "N/A"]
# The reader's null string: a string no cell holds, so that an empty cell reads as '' and only the cells missing
# from a row cut short read as NULL (null_padding), which tells a row with fewer cells than the header.
NO_CELL = "\x1e\x1f"
# What each record after the header is (export_rows.row_kind): only data rows are loaded; the others are counted.
DATA_ROW, BLANK_ROW, SUMMARY_ROW, SKIPPED_ROW = 0, 1, 2, 3
# raw.export_files.status of a file whose rows `roi forget` removed: not loaded again until it changes.
FORGOTTEN = "forgotten"

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

    def settling(self, now: datetime) -> bool:
        """Modified less than SETTLE_SECONDS before `now` (naive UTC): perhaps still being written."""
        return self.modified_at > now - timedelta(seconds=SETTLE_SECONDS)

    def changed(self) -> bool:
        """Whether the file's size or modification time is no longer what they were when it was listed."""
        try:
            stat = self.path.stat()
        except OSError:
            return True
        return (_modified_at(stat.st_mtime_ns), stat.st_size) != (self.modified_at, self.size_bytes)

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
    notes: dict[str, str] = field(default_factory=dict)  # loaded file -> what of it was read otherwise than given
    # Files not read this run, keeping their previous rows (settling, or changed while read) -> why; a later run
    # reads them.
    waiting: dict[str, str] = field(default_factory=dict)


class FileChanged(ExportError):
    """A file whose size or modification time changed while it was read: not loaded this run, not rejected."""

    def __init__(self, export: ExportFile):
        super().__init__(export.relative, "changed while it was read; it will be read by the next run")


@dataclass(frozen=True)
class AccountExportSettings:
    """What the loader needs of an account's config: the currency of exports that name none, and which conversion
    types count as conversions where an export says per row what its conversions count (Meta's Result indicator)."""

    currency: str
    conversion_action_types: tuple[str, ...] = ()
    # The first day a row may be dated (the config's history_start), and the account's reporting timezone, whose
    # tomorrow is the last (a day to come is no export's: one row dated 2099 would make the account look fresh).
    history_start: date | None = None
    timezone: str = "UTC"

    def days(self, now: datetime) -> tuple[date, date] | None:
        """The days a row of this account may be dated, `now` being naive UTC; None: any day."""
        if self.history_start is None:
            return None
        today = now.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(self.timezone)).date()
        return self.history_start, today + timedelta(days=1)


@dataclass
class ExportScan:
    """What a look at `<exports_dir>/<kind>/` found: the export files; the entries that cannot be read as exports,
    with why (misplaced files, links leading outside the exports folder, FIFOs, folders named like a CSV file); and
    the folders listed whole. Only a file missing from a folder listed whole has been deleted: a folder that is
    gone or unreadable (a share that did not mount) is no evidence, and its files' rows stay."""

    root: Path
    files: list[ExportFile] = field(default_factory=list)
    misplaced: dict[str, str] = field(default_factory=dict)
    folders_read: set[str] = field(default_factory=set)  # under the exports folder, e.g. facebook/act_123
    unreadable: dict[str, str] = field(default_factory=dict)  # folder -> why it could not be listed


def find_export_files(root: Path, kind: str, per_account: bool, follow_symlinks: bool = False) -> ExportScan:
    """CSV files under `<root>/<kind>/<account_id>/` (or directly under `<root>/<kind>/` for the CRM); the folder
    may name the account in any form its channel accepts (`facebook/act_123/` is account 123).

    Links are followed only where they lead inside `root` (anywhere with `follow_symlinks`); nothing but regular
    files is ever opened (a FIFO would block the run).
    """
    scan = ExportScan(root)
    folder = root / kind
    if folder.is_symlink() or folder.is_dir():
        _scan_folder(scan, folder, kind, per_account, follow_symlinks, set())
    return scan


def _scan_folder(scan: ExportScan, folder: Path, kind: str, per_account: bool, follow: bool, seen: set) -> None:
    relative = folder.relative_to(scan.root).as_posix()
    if not _entry_allowed(scan, folder, relative, follow, is_folder=True):
        return
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        scan.unreadable[relative] = f"cannot be listed ({error.strerror})"
        return
    real = folder.resolve()
    if real in seen:
        scan.misplaced[relative] = "a link to a folder already read (a loop): skipped"
        return
    scan.folders_read.add(relative)
    for entry in entries:
        path = Path(entry.path)
        name = path.relative_to(scan.root).as_posix()
        if not _entry_allowed(scan, path, name, follow, is_folder=False):
            continue
        try:
            mode = path.stat().st_mode
        except OSError as error:
            scan.misplaced[name] = f"cannot be read ({error.strerror}): skipped"
            continue
        if stat.S_ISDIR(mode):
            if path.suffix.lower() == ".csv":
                scan.misplaced[name] = "a folder named like a CSV file: skipped"
            else:
                _scan_folder(scan, path, kind, per_account, follow, seen | {real})
        elif not stat.S_ISREG(mode):
            scan.misplaced[name] = f"not a regular file ({_file_type(mode)}): skipped, never opened"
        elif path.suffix.lower() == ".csv":
            _add_file(scan, path, name, kind, per_account)


def _entry_allowed(scan: ExportScan, path: Path, relative: str, follow: bool, is_folder: bool) -> bool:
    """False (and said) for a link leading outside the exports folder, unless the config follows links."""
    if follow or not path.is_symlink():
        return True
    target = path.resolve()
    if target.is_relative_to(scan.root.resolve()):
        return True
    if is_folder or target.is_dir() or path.suffix.lower() == ".csv":
        scan.misplaced[relative] = (f"a link to {target}, outside the exports folder: not followed "
                                    "(set follow_symlinks = true in the config to read it)")
    return False


def _file_type(mode: int) -> str:
    return ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file")


def _add_file(scan: ExportScan, path: Path, relative: str, kind: str, per_account: bool) -> None:
    parts = relative.split("/")[1:]
    if per_account and len(parts) != 2:
        scan.misplaced[relative] = f"expected {kind}/<account_id>/<file>.csv under the exports folder"
    elif not per_account and len(parts) != 1:
        scan.misplaced[relative] = f"expected {kind}/<file>.csv under the exports folder"
    else:
        scan.files.append(ExportFile.at(path, scan.root, kind,
                                        folder_account_id(kind, parts[0]) if per_account else None))


def sync_exports(
    con: duckdb.DuckDBPyConnection,
    scan: ExportScan,
    kind: str,
    table: str,
    export_format: ExportFormat,
    accounts: Mapping[str, AccountExportSettings | str] | None,
    now: datetime | None = None,
) -> SyncReport:
    """Bring `table` in line with the files: load new and changed ones, drop the rows of deleted ones (only those
    missing from a folder that was listed whole: the others are kept and rejected, naming their folder).

    A file modified within SETTLE_SECONDS before `now` (naive UTC; default the clock), or whose size or modification
    time changed between its listing and the end of its read, is not loaded this run: it keeps its previous rows, is
    reported as waiting and is read by a later run.

    `accounts` maps the configured accounts to their settings, or just their currency (None for exports without
    accounts, the CRM); a file of an account that is not configured is rejected, even unchanged (its rows count in
    no market until the account is configured again or forgotten). Files of one layout are read, checked and
    loaded together (one read_csv and one transaction per batch): a bad file is still rejected alone.
    """
    files, misplaced = scan.files, scan.misplaced
    account_settings = None if accounts is None else {
        account_id: value if isinstance(value, AccountExportSettings) else AccountExportSettings(value)
        for account_id, value in accounts.items()
    }
    report = SyncReport()
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    known = _registry(con, kind)
    currencies = known_currencies(con)
    for relative, reason in misplaced.items():
        report.rejected[relative] = f"{relative}: {reason}"
        _record_rejection(con, kind, relative, None, None, None, report.rejected[relative])
    with tempfile.TemporaryDirectory(prefix="roi-readable-") as copies:
        pending: list[PendingFile] = []
        for export in files:
            # A file loaded under another form of its account's id (before ids were kept in one form) loads again.
            state = known.get(export.relative, ())[:2]
            if known.get(export.relative) == (export.modified_at, export.size_bytes, FORGOTTEN, export.account_id):
                report.unchanged.append(export.relative)
                continue
            if account_settings is not None and export.account_id not in account_settings:
                _reject(con, export, _not_configured(export, state == (export.modified_at, export.size_bytes)),
                        report)
                continue
            if known.get(export.relative) == (export.modified_at, export.size_bytes, "loaded", export.account_id):
                report.unchanged.append(export.relative)
                continue
            if export.settling(now):
                age = max(0, int((now - export.modified_at).total_seconds()))
                report.waiting[export.relative] = (
                    f"{export.relative}: modified {age} s ago, perhaps still being written; it will be read by a "
                    f"later run, once unchanged for {SETTLE_SECONDS} s"
                )
                continue
            try:
                item = _pending_file(export, export_format, account_settings, currencies, table, now)
                pending.append(item.readable(Path(copies)) if needs_copy(item.layout) else item)
            except ExportError as error:
                _reject(con, export, error, report)
        for batch in _batches(pending):
            rows, rejected = load_batch(con, batch, table, currencies, Path(copies))
            for item in batch:
                if item.export.relative in rejected:
                    _reject(con, item.export, rejected[item.export.relative], report)
                else:
                    report.loaded.append(item.export.relative)
                    report.rows_loaded += rows[item.export.relative]
    report.notes = _file_notes(con, report.loaded)
    present = {export.relative for export in files} | set(misplaced)
    for relative in sorted(set(known) - present):
        folder = relative.rpartition("/")[0]
        if folder in scan.folders_read or known[relative][2] == FORGOTTEN:
            _forget_file(con, table, relative, has_days=accounts is not None)
            report.removed.append(relative)
        else:
            error = _kept(scan, kind, folder, relative, known[relative][3])
            _record_rejection(con, kind, relative, known[relative][3], None, None, error)
            report.rejected[relative] = error
    return report


def _kept(scan: ExportScan, kind: str, folder: str, relative: str, account_id: str | None) -> str:
    """Why a file not found keeps its rows: its folder is gone or unreadable, which is no evidence it was deleted."""
    unreadable = [f for f in scan.unreadable if folder == f or folder.startswith(f + "/")]
    if unreadable:
        why = f"the folder {unreadable[0]}/ {scan.unreadable[unreadable[0]]}"
    elif not _has_entries(scan.root):
        why = f"the exports folder {scan.root} is empty or missing (not mounted?)"
    else:
        why = f"its folder {folder}/ is missing from the exports folder {scan.root}"
    forget = f"roi forget {kind} {account_id}" if account_id else f"roi forget {kind}"
    return (f"{relative}: not found, and {why}: its rows are kept and still published; if the folder was removed "
            f"on purpose, run `{forget}` to remove them")


def _has_entries(folder: Path) -> bool:
    try:
        return any(os.scandir(folder))
    except OSError:
        return False


def _not_configured(export: ExportFile, unchanged: bool) -> ExportError:
    kept = "its rows are kept but count in no market" if unchanged else "not loaded"
    return ExportError(
        export.relative,
        f"account {export.account_id} is not in the config (renamed or removed?): {kept}; put it back in the config, "
        f"or run `roi forget {export.kind} {export.account_id}` to remove its rows and leave its files alone until "
        "they change",
    )


def _reject(con: duckdb.DuckDBPyConnection, export: ExportFile, error: ExportError, report: SyncReport) -> None:
    """Record the file as rejected; a file that changed while it was read is only reported as waiting."""
    if isinstance(error, FileChanged) or export.changed():
        report.waiting[export.relative] = str(FileChanged(export))
        return
    message = str(error).replace(str(export.path), export.relative)
    _record_rejection(con, export.kind, export.relative, export.account_id, export.modified_at, export.size_bytes,
                      message)  # fmt: skip
    report.rejected[export.relative] = message


def known_currencies(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute("SELECT DISTINCT currency FROM raw.fx_rates ORDER BY 1").fetchall()]


@dataclass(frozen=True)
class PendingFile:
    """A file to load: where it is, how it is laid out, the currency of amounts that name none, and the indicators
    whose conversions count (the account's, where the format has a ConversionRule).

    DuckDB reads `read_path` in `read_encoding`: the file itself, or its readable copy (warehouse/readable_copy.py);
    messages always name the file itself."""

    export: ExportFile
    layout: ExportLayout
    fallback_currency: str | None
    conversion_indicators: tuple[str, ...] = ()
    copy: Path | None = None
    days: tuple[date, date] | None = None  # the days its rows may be dated (AccountExportSettings.days)

    @property
    def read_path(self) -> Path:
        return self.copy or self.layout.path

    @property
    def read_encoding(self) -> str:
        return COPY_ENCODING if self.copy else DUCKDB_ENCODINGS[self.layout.encoding]

    def readable(self, folder: Path) -> PendingFile:
        """This file read from a UTF-8 copy with LF line ends."""
        return replace(self, copy=write_readable_copy(self.layout.path, self.layout.encoding, folder))

    @property
    def shape(self) -> tuple:
        """Files of the same shape are read by one statement: same reader options, same columns in the same place
        (and, where conversions depend on the account's settings, the same settings)."""
        layout = self.layout
        return (layout.format.name, layout.language.code, self.read_encoding, layout.delimiter, layout.header_line,
                layout.column_count, tuple((name, column.index) for name, column in layout.columns.items()),
                self.conversion_indicators)  # fmt: skip


def _pending_file(
    export: ExportFile,
    export_format: ExportFormat,
    accounts: Mapping[str, AccountExportSettings] | None,
    currencies: Sequence[str],
    table: str,
    now: datetime,
) -> PendingFile:
    """The file's layout and currency, checked before any of its cells are read."""
    account = None
    if accounts is not None:
        account = accounts[export.account_id]
    account_currency = account.currency if account else None
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
    rule = export_format.conversion_rule
    indicators = rule.indicators(account.conversion_action_types) if rule and account else ()
    return PendingFile(export, layout, fallback, indicators, days=account.days(now) if account else None)


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
    con: duckdb.DuckDBPyConnection,
    batch: Sequence[PendingFile],
    table: str,
    currencies: Sequence[str],
    copies: Path,
) -> tuple[dict[str, int], dict[str, ExportError]]:
    """Read, check and load files of one shape; returns the rows loaded per file and the files rejected.

    The good files of the batch replace their previous rows in one transaction; a rejected file changes nothing. A
    file whose lines the reader could not all account for is read again from a readable copy if its lines end in
    several ways (past the head, where its layout did not see it), and rejected otherwise.
    """
    try:
        _read_rows(con, batch, currencies)
    except ExportError as error:
        if len(batch) == 1:
            return _again_from_copy(con, batch[0], error, table, currencies, copies)
        return _each_alone(con, batch, table, currencies, copies)
    row_fields, zero_when_empty = _row_fields(batch[0].export.account_id, table)
    _summarize_rows(con, batch, _day_field(row_fields.values()))
    unaccounted = _reconcile_lines(con, batch)
    rejected = _check_cells(con, batch)
    for relative, error in (_period_totals(con, batch) | _days_out_of_range(con, batch)).items():
        rejected.setdefault(relative, error)
    rejected |= unaccounted
    # Read from one version: a file whose size or time changed since it was listed is left for the next run.
    for item in batch:
        if item.export.changed():
            rejected[item.export.relative] = FileChanged(item.export)
            unaccounted.pop(item.export.relative, None)
    counts: dict[str, int] = {}
    if len(rejected) < len(batch):
        counts = _replace_rows(con, batch, table, rejected, row_fields, zero_when_empty)
    for item in batch:
        if item.export.relative in unaccounted:
            del rejected[item.export.relative]
            again_counts, again_rejected = _again_from_copy(
                con, item, unaccounted[item.export.relative], table, currencies, copies
            )
            counts |= again_counts
            rejected |= again_rejected
    return counts, rejected


def _each_alone(con, batch, table, currencies, copies) -> tuple[dict[str, int], dict[str, ExportError]]:
    """Which file DuckDB's reader refused: each one read on its own."""
    rows: dict[str, int] = {}
    rejected: dict[str, ExportError] = {}
    for item in batch:
        one_rows, one_rejected = load_batch(con, [item], table, currencies, copies)
        rows.update(one_rows)
        rejected.update(one_rejected)
    return rows, rejected


def _again_from_copy(con, item: PendingFile, error: ExportError, table, currencies, copies):
    """A file the reader refused or misread, loaded from a readable copy when its lines end in several ways."""
    if item.copy is None and file_has_mixed_line_endings(item.layout.path, item.layout.encoding):
        return load_batch(con, [item.readable(copies)], table, currencies, copies)
    return {}, {item.export.relative: error}


def _replace_rows(
    con: duckdb.DuckDBPyConnection,
    batch: Sequence[PendingFile],
    table: str,
    rejected: Mapping[str, ExportError],
    row_fields: dict[str, str],
    zero_when_empty: set[str],
) -> dict[str, int]:
    """The batch's files but the rejected ones replace their previous rows in one transaction; returns the rows per
    file."""
    con.execute("UPDATE export_batch SET loading = NOT list_contains(?, source)", [sorted(rejected)])
    has_days = batch[0].export.account_id is not None  # CRM deals change days through staging, not here
    columns, values = _target_projection(batch[0].layout, row_fields, zero_when_empty, has_account=has_days)
    notes = _conversion_notes(con, batch, rejected) if "conversions" in row_fields.values() else {}
    replacing = "SELECT source FROM export_batch WHERE loading AND source IN (SELECT path FROM raw.export_files)"
    with transaction(con):
        # Only a file loaded before can have rows to replace (a backfill's files have none: no scan of the table).
        if con.execute(f"SELECT count(*) FROM ({replacing})").fetchone()[0]:
            if has_days:
                record_changed_days(con, f"SELECT date FROM {table} WHERE source IN ({replacing})")
            con.execute(f"DELETE FROM {table} WHERE source IN ({replacing})")
        insert = f"""INSERT INTO {table} ({', '.join(columns)})
                     SELECT {', '.join(values)} FROM export_rows r JOIN export_batch b USING (file_index)
                     WHERE r.row_kind = {DATA_ROW} AND b.loading"""
        con.execute(insert, _bind(insert, {"header_line": batch[0].layout.header_line,
                                           "conversion_indicators": list(batch[0].conversion_indicators)}))
        if has_days:
            record_changed_days(
                con, "SELECT date FROM export_days JOIN export_batch USING (file_index) WHERE loading AND rows > 0"
            )
        if table in AD_TABLES.values():
            resolve_campaign_names(con, table)
        counts = _record_files(con, batch[0].layout.header_line)
        for relative, note in notes.items():
            con.execute("UPDATE raw.export_files SET notes = ? WHERE path = ?", [note, relative])
        return counts


def _period_totals(con: duckdb.DuckDBPyConnection, batch: Sequence[PendingFile]) -> dict[str, ExportError]:
    """Files whose preamble names a range of several days while their rows are totals over it or over its months
    (LinkedIn's time breakdown All or Monthly), not days (see _holds_totals)."""
    periods = {index: period for index, item in enumerate(batch)
               if (period := item.layout.report_period) and period[0] < period[1]}  # fmt: skip
    if not periods:
        return {}
    dated = con.execute(
        """SELECT file_index, list(DISTINCT date) FROM export_days
           WHERE rows > 0 AND date IS NOT NULL AND list_contains($files, file_index) GROUP BY ALL""",
        {"files": list(periods)},
    ).fetchall()
    rejected = {}
    for index, days in dated:
        first, last = periods[index]
        if _holds_totals(first, last, days):
            item = batch[index]
            rejected[item.export.relative] = ExportError(
                item.layout.path,
                f"the report covers {first} to {last} but every row is dated {first}"
                + (" or the first of a month" if any(day != first for day in days) else "")
                + ": its rows are totals over several days, not days; "
                + f"{item.layout.format.daily_hint} (if the campaigns really delivered only on {first}, export that "
                "day alone)",
                line=item.layout.report_period_line,
            )
    return rejected


def _days_out_of_range(con: duckdb.DuckDBPyConnection, batch: Sequence[PendingFile]) -> dict[str, ExportError]:
    """Files with a row dated before the account's first day (history_start) or after its tomorrow, each with the
    first such row (export_days holds a file's days: no pass over its rows)."""
    ranges = {index: item.days for index, item in enumerate(batch) if item.days}
    if not ranges:
        return {}
    layout = batch[0].layout
    found = con.execute(
        f"""SELECT d.file_index, {_line('min(d.first_row)')}, min(d.first_row) - b.first_row,
                   arg_min(d.date, d.first_row)
            FROM export_days d JOIN export_batch b USING (file_index)
            JOIN (SELECT unnest($files) AS file_index, unnest($firsts) AS first_day, unnest($lasts) AS last_day) r
                 USING (file_index)
            WHERE d.rows > 0 AND (d.date < r.first_day OR d.date > r.last_day)
            GROUP BY d.file_index, b.first_row, b.starts""",
        {"header_line": layout.header_line, "files": list(ranges), "firsts": [r[0] for r in ranges.values()],
         "lasts": [r[1] for r in ranges.values()]},
    ).fetchall()
    day = _day_field(layout.columns)
    rejected = {}
    for index, line, record, dated in found:
        item, (first, last) = batch[index], ranges[index]
        value = (_bad_record(con, item, record)[layout.columns[day].index] or "").strip()
        rejected[item.export.relative] = ExportError(
            item.layout.path,
            f"'{value}' is after {last}, tomorrow in the account's timezone: no export holds days to come"
            if dated > last else
            f"'{value}' is before history_start {first} in the config: days before it are not loaded",
            line=line, column=layout.column_label(day),
        )
    return rejected


def _holds_totals(first: date, last: date, days: Sequence[date]) -> bool:
    """Whether rows dated `days` in a report over first..last (several days) are totals: all on its first day (one
    row per campaign over the whole range), or all on its first day and firsts of months, one of which would then
    cover several days (one row per campaign and month). A daily export that delivered on such days alone looks the
    same: the message says to export that day alone."""
    if set(days) == {first}:
        return True
    if not all(day == first or day.day == 1 for day in days):
        return False
    return any(min(last, _month_end(day)) > day for day in days)


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _conversion_notes(
    con: duckdb.DuckDBPyConnection, batch: Sequence[PendingFile], rejected: Mapping[str, ExportError]
) -> dict[str, str]:
    """Per loaded file, why some of its rows' conversions were left unknown: their indicator (or the file's lack of
    one) does not name the account's conversion (the format's ConversionRule)."""
    layout = batch[0].layout
    rule = layout.format.conversion_rule
    if rule is None or "conversions" not in layout.columns:
        return {}
    has_indicator = rule.indicator in layout.columns
    indicator = f"coalesce({rule.indicator}, '')" if has_indicator else "''"
    counted = f"list_contains($indicators, {rule.indicator})" if has_indicator else "false"
    found = con.execute(
        f"""SELECT file_index, {indicator} AS indicator, count(*) FROM export_rows
            WHERE row_kind = {DATA_ROW} AND conversions IS NOT NULL AND NOT coalesce({counted}, false)
            GROUP BY ALL ORDER BY file_index, count(*) DESC, indicator""",
        {"indicators": list(batch[0].conversion_indicators)} if has_indicator else {},
    ).fetchall()
    by_file: dict[int, list[tuple[str, int]]] = {}
    for file_index, value, count in found:
        by_file.setdefault(file_index, []).append((value, count))
    results = layout.column_label("conversions")
    wanted = ", ".join(batch[0].conversion_indicators) or "none configured"
    notes = {}
    for file_index, values in by_file.items():
        item = batch[file_index]
        if item.export.relative in rejected:
            continue
        rows = sum(count for _, count in values)
        if has_indicator:
            label = layout.column_label(rule.indicator)
            what = ", ".join(f"{count} with {label} '{value}'" if value else f"{count} with no {label}"
                             for value, count in values)  # fmt: skip
        else:
            what = f"the file has no '{layout.language.headers[rule.indicator][0]}' column to say what they count"
        notes[item.export.relative] = (
            f"conversions left unknown on {rows} row(s) whose '{results}' are not the account's conversions "
            f"({wanted}): {what}"
        )
    return notes


def _file_notes(con: duckdb.DuckDBPyConnection, paths: Sequence[str]) -> dict[str, str]:
    if not paths:
        return {}
    return dict(con.execute(
        "SELECT path, notes FROM raw.export_files WHERE notes IS NOT NULL AND list_contains($paths, path)",
        {"paths": list(paths)},
    ).fetchall())


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
    problems (_cell_problems) it has, if any. The cells' text is not kept (_bad_record reads it back)."""
    layout = batch[0].layout
    con.execute(
        """CREATE OR REPLACE TEMP TABLE export_batch (
               file_index INTEGER, path VARCHAR, source VARCHAR, source_updated_at TIMESTAMP, account_id VARCHAR,
               kind VARCHAR, size_bytes BIGINT, fallback_currency VARCHAR, loading BOOLEAN DEFAULT true,
               first_row BIGINT, records BIGINT, starts BIGINT[], lines BIGINT, blank_lines BIGINT,
               continuation_lines BIGINT)"""
    )
    # One statement for the whole batch (executemany is a round trip per file).
    con.execute(
        """INSERT INTO export_batch
           SELECT unnest($file_index), unnest($path), unnest($source), unnest($source_updated_at),
                  unnest($account_id), unnest($kind), unnest($size_bytes), unnest($fallback_currency), true,
                  NULL, NULL, NULL, NULL, NULL, NULL""",
        {
            "file_index": list(range(len(batch))),
            "path": [str(item.read_path) for item in batch],
            "source": [item.export.relative for item in batch],
            "source_updated_at": [item.export.modified_at for item in batch],
            "account_id": [item.export.account_id for item in batch],
            "kind": [item.export.kind for item in batch],
            "size_bytes": [item.export.size_bytes for item in batch],
            "fallback_currency": [item.fallback_currency for item in batch],
        },
    )
    # Most cells are plain numbers and cast directly; only the others (thousands separators, spaces, decimal
    # commas) go through the cleaning regex, and only when grouped as the file's locale writes numbers (a decimal
    # comma in a decimal-point file is no thousands separator). With a decimal comma, a cell holding a dot is never
    # cast directly; `_` is no separator in any export (DuckDB's cast would read 1_000 as 1000).
    con.execute(
        f"""CREATE OR REPLACE TEMP MACRO export_number(cell, decimal_separator) AS
           coalesce(
               CASE WHEN strpos(cell, '_') > 0 THEN NULL
                    WHEN decimal_separator = '.' THEN TRY_CAST(trim(cell) AS DECIMAL(18,6))
                    WHEN strpos(cell, '.') = 0 THEN TRY_CAST(replace(trim(cell), ',', '.') AS DECIMAL(18,6)) END,
               CASE WHEN decimal_separator = ','
                    THEN CASE WHEN regexp_full_match(cell, '{_GROUPED_COMMA}')
                              THEN TRY_CAST(replace(regexp_replace(trim(cell), '[\\s\\pZ''.]', '', 'g'), ',', '.')
                                            AS DECIMAL(18,6)) END
                    ELSE CASE WHEN regexp_full_match(cell, '{_GROUPED_POINT}')
                              THEN TRY_CAST(regexp_replace(trim(cell), '[\\s\\pZ'',]', '', 'g') AS DECIMAL(18,6))
                              END END)"""
    )
    row_kind, params = _row_kind(layout)
    typed = ", ".join(
        f"{_parse_expression(layout, name)} AS {name}, {_cell(layout, name)} AS {name}__text" for name in layout.columns
    ) + f", c{layout.column_count - 1} AS last_cell__text"
    problems = _cell_problems(layout)
    # The first problem in the list's order; the cells' text is used here and not kept.
    problem = " ".join(f"WHEN {condition} THEN {index}" for index, (condition, _, _) in enumerate(problems))
    problem = f"CASE WHEN row_kind <> {DATA_ROW} THEN NULL {problem} END" if problems else "CAST(NULL AS INTEGER)"
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
                  SELECT *, {row_kind} AS row_kind FROM (
                      SELECT CAST(list_position($paths, filename) - 1 AS INTEGER) AS file_index, {typed}
                      FROM {_READER}))"""

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
        if is_disk_full(error):  # the disk's fault, not the file's: never a rejection
            raise
        raise _csv_error(layout, error) from error


# A number as a locale writes it with its thousands separator (or a space or an apostrophe) between groups of three
# digits, in SQL (RE2, quotes doubled): 1,234.56 or 1 234.56 where the decimal separator is a point.
_GROUPED = r"[\s\pZ]*[+-]?(\d+|\d{{1,3}}([{thousands}\s\pZ'']\d{{3}})+)({decimal}\d*)?[\s\pZ]*"
_GROUPED_POINT = _GROUPED.format(thousands=",", decimal=r"\.")
_GROUPED_COMMA = _GROUPED.format(thousands=".", decimal=",")

# Every cell as text, as the layout's files are read (one statement per batch; one file to read a cell back).
_READER = """read_csv($paths, encoding = $encoding, delim = $delimiter, quote = '"', escape = '"', header = false,
                      skip = $header_line, auto_detect = false, columns = $names, null_padding = true,
                      nullstr = $no_cell, parallel = $parallel, filename = true)"""


def _reader_params(batch: Sequence[PendingFile]) -> dict[str, object]:
    layout = batch[0].layout
    return {
        "paths": [str(item.read_path) for item in batch],
        "encoding": batch[0].read_encoding,
        "delimiter": layout.delimiter,
        "header_line": layout.header_line,
        "names": {f"c{index}": "VARCHAR" for index in range(layout.column_count)},
        "no_cell": NO_CELL,
    }


def _summarize_rows(con: duckdb.DuckDBPyConnection, batch: Sequence[PendingFile], day: str) -> None:
    """export_days, one pass over export_rows: per file and day its data rows, and per file its other records
    (blank, summary, skipped), records, first row and first problem; and the files' first rows and records in
    export_batch."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE export_days AS
            SELECT file_index, CASE WHEN row_kind = {DATA_ROW} THEN CAST({day} AS DATE) END AS date,
                   count(*) FILTER (row_kind = {DATA_ROW}) AS rows,
                   count(*) FILTER (row_kind = {BLANK_ROW}) AS blank_rows,
                   count(*) FILTER (row_kind = {SUMMARY_ROW}) AS summary_rows,
                   count(*) FILTER (row_kind = {SKIPPED_ROW}) AS skipped_rows,
                   count(*) AS records, min(rowid) AS first_row,
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


@dataclass(frozen=True)
class LineCount:
    """How the lines after a file's header divide: its records (the line each starts on), blank lines, and lines
    inside quoted cells that span several."""

    lines: int
    starts: list[int] | None  # None: each line after the header is one record
    blank_lines: int = 0

    def continuation_lines(self, header_line: int) -> int:
        records = self.lines - header_line if self.starts is None else len(self.starts)
        return self.lines - header_line - self.blank_lines - records


def _reconcile_lines(con: duckdb.DuckDBPyConnection, batch: Sequence[PendingFile]) -> dict[str, ExportError]:
    """Every line of each file accounted for: its preamble and header, then records the reader read (data, blank,
    summary or skipped rows), blank lines and lines inside quoted cells. A file with a line the reader did not read
    is returned, to be rejected whole (never loaded with rows missing: a file with lines and 0 rows is one).

    Most files have one record a line after the header, which a count of their newlines shows; only the others are
    read again, in Python, to find where each record starts (rows are numbered by it)."""
    header_line = batch[0].layout.header_line
    records = dict(con.execute("SELECT file_index, coalesce(records, 0) FROM export_batch").fetchall())
    counts: list[LineCount] = []
    unaccounted: dict[str, ExportError] = {}
    for index, item in enumerate(batch):
        try:
            count = _count_lines(item, header_line + records[index])
        except ExportError as error:  # a record Python's reader refuses: this file rejected, the others go on
            unaccounted[item.export.relative] = error
            count = LineCount(header_line + records[index], None)
        if count.starts is not None and len(count.starts) != records[index]:
            unaccounted[item.export.relative] = _unaccounted(item, count, records[index])
        counts.append(count)
    con.execute(
        """UPDATE export_batch b SET lines = c.lines, blank_lines = c.blank_lines,
               continuation_lines = c.continuation_lines, starts = c.starts
           FROM (SELECT unnest($file_index) AS file_index, unnest($lines) AS lines, unnest($blank) AS blank_lines,
                        unnest($continuation) AS continuation_lines, unnest($starts) AS starts) c
           WHERE b.file_index = c.file_index""",
        {
            "file_index": list(range(len(batch))),
            "lines": [count.lines for count in counts],
            "blank": [count.blank_lines for count in counts],
            "continuation": [count.continuation_lines(header_line) for count in counts],
            "starts": [count.starts for count in counts],
        },
    )
    return unaccounted


def _count_lines(item: PendingFile, lines_with_records: int) -> LineCount:
    """The file's lines: counted at C speed when they are one record each after the header (most files), else
    read as CSV records in Python."""
    path, encoding = item.read_path, item.read_encoding
    if count_lines(path, encoding, exact=False) == lines_with_records:
        return LineCount(lines_with_records, None)
    if encoding == "utf-16" and count_lines(path, encoding) == lines_with_records:
        return LineCount(lines_with_records, None)
    return _record_lines(item)


def _unaccounted(item: PendingFile, count: LineCount, read: int) -> ExportError:
    found = len(count.starts)
    first_unread = count.starts[read] if read < found else None
    return ExportError(
        item.layout.path,
        f"{found} rows follow the header but {read} could be read as {item.layout.format.name} rows, so some "
        "lines are unaccounted for (a file cut short or changed while it was read, or a quote left open); nothing "
        "of the file was loaded",
        line=first_unread,
    )


def _line(rowid: str) -> str:
    """SQL for the line a row of export_rows starts on (`rowid` its rowid there), with export_batch as b and the
    layout's header line bound as $header_line."""
    record = f"({rowid} - b.first_row)"
    return f"CASE WHEN b.starts IS NULL THEN $header_line + 1 + {record} ELSE b.starts[{record} + 1] END"


def _record_lines(item: PendingFile) -> LineCount:
    """The line each CSV record after the header starts on, and the blank lines between them (DuckDB's reader skips
    those), read with Python's CSV reader (any line ends). The preamble and header are skipped line by line, as
    DuckDB's reader skips them: a quote left open in a preamble line is no CSV cell spanning the table."""
    header_line = item.layout.header_line
    codec, errors = text_codec(item.read_path, item.read_encoding)
    starts: list[int] = []
    blank_lines = 0
    with open(item.read_path, encoding=codec, errors=errors, newline="") as handle:
        lines = sum(1 for _ in zip(range(header_line), handle))
        reader = csv.reader(handle, delimiter=item.layout.delimiter, quotechar='"', doublequote=True)
        try:
            for record in reader:
                if record:
                    starts.append(lines + 1)
                else:
                    blank_lines += 1
                lines = header_line + reader.line_num
        except csv.Error as error:  # a cell past csv.field_size_limit(), a NUL byte
            reason = (f"a cell longer than {csv.field_size_limit():,} characters" if "field limit" in str(error)
                      else f"a record that cannot be read ({error})")
            raise ExportError(item.layout.path, f"{reason}; nothing of the file was loaded", line=lines + 1) from error
        return LineCount(lines, starts, blank_lines)


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


def _label_cells(layout: ExportLayout) -> list[str]:
    """The cells that may hold a total row's label: the day's, and the fields' among the first cells of a row (the
    columns no field reads are not even made into values by the reader)."""
    day = _day_field(layout.columns)
    return [f"{name}__text" for name, column in layout.columns.items()
            if name == day or column.index < SUMMARY_LEADING_CELLS]  # fmt: skip


def _row_kind(layout: ExportLayout) -> tuple[str, dict[str, object]]:
    """SQL for what a record is, from its typed fields and cells' text: a data row, a blank row (nothing in the cells
    read), a total or summary row (SUMMARY_LABELS in a leading cell and no day), or a row of another kind the format
    skips (Google Ads' other campaign types). A row without a day that is none of these is data, and its empty day
    cell rejects the file.

    Written as CASEs: DuckDB evaluates every operand of an AND or OR in a select list, but a CASE's later branches
    only for the rows that reach them (almost every row stops at its day)."""
    params: dict[str, object] = {"summary_label": SUMMARY_LABEL_PATTERN}
    empty = "coalesce(trim({}), '') = ''"
    with_day: list[tuple[str, int]] = []
    without_day = [
        (" AND ".join(empty.format(f"{name}__text") for name in layout.columns), BLANK_ROW),
        (" OR ".join(f"regexp_matches(lower({cell}), $summary_label)" for cell in _label_cells(layout)), SUMMARY_ROW),
    ]
    campaign = [f"{name}__text" for name in ("campaign_id", "campaign_name") if name in layout.columns]
    if layout.format.summary_without_campaign and campaign:
        no_campaign = (" AND ".join(empty.format(cell) for cell in campaign), SUMMARY_ROW)
        with_day.append(no_campaign)
        without_day.append(no_campaign)
    for name, values in layout.format.keep_only.items():
        if name in layout.columns:
            with_day.append((f"NOT coalesce(list_contains($keep_{name}, trim({name}__text)), false)", SKIPPED_ROW))
            params[f"keep_{name}"] = sorted(values)

    def case(branches: list[tuple[str, int]]) -> str:
        whens = " ".join(f"WHEN {condition} THEN {kind}" for condition, kind in branches)
        return f"CASE {whens} ELSE {DATA_ROW} END" if branches else str(DATA_ROW)

    day = _day_field(layout.columns)
    return f"CASE WHEN {day} IS NOT NULL THEN {case(with_day)} ELSE {case(without_day)} END", params


def _bind(sql: str, params: dict[str, object]) -> dict[str, object]:
    """The named parameters the statement uses (DuckDB refuses unused ones)."""
    return {key: value for key, value in params.items() if f"${key}" in sql}


def _cell_problems(layout: ExportLayout) -> list[tuple[str, str | None, str]]:
    """(SQL condition on a row, field, message template) for every way a cell of this layout can be wrong (no field:
    the row itself is)."""
    # A data row with fewer cells than the header (its last cell missing, not empty): a download cut off mid-row.
    problems: list[tuple[str, str | None, str]] = [
        ("last_cell__text IS NULL", None, "{cells} cells where the header has {columns} (the row is cut short: a "
         "download that stopped mid-row?)")
    ]
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
            if kind == "integer":  # every whole-number field counts something
                problems.append((f"{name} < 0", name, "'{value}' is negative, and a count never is"))
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
    period_end = layout.format.period[1] if layout.format.period else None
    if period_end in layout.columns:  # the row's day is its period's start (ExportFormat.period)
        problems.append((f"day <> {period_end}", period_end,
                         "row covers several days (the export has no daily breakdown) and cannot be split into days; "
                         + layout.format.daily_hint))  # fmt: skip
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
        cells = _bad_record(con, item, record)
        if name is None:
            message = template.format(cells=sum(cell is not None for cell in cells), columns=len(cells))
        else:
            message = template.format(value=(cells[item.layout.columns[name].index] or "").strip())
        rejected[item.export.relative] = ExportError(
            item.layout.path, message, line=line, column=item.layout.column_label(name) if name else None
        )
    return rejected


def _bad_record(con: duckdb.DuckDBPyConnection, item: PendingFile, record: int) -> list[str | None]:
    """The cells of a file's `record`-th record after the header, read from the file again (None: a cell missing)."""
    names = [f"c{index}" for index in range(item.layout.column_count)]
    sql = f"SELECT {', '.join(names)} FROM {_READER} LIMIT 1 OFFSET $record"
    params = _reader_params([item]) | {"parallel": False, "record": record}
    return list(con.execute(sql, _bind(sql, params)).fetchone())


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
        elif name == "conversions" and layout.format.conversion_rule:
            values.append(_counted_conversions(layout, layout.format.conversion_rule))
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


def _counted_conversions(layout: ExportLayout, rule: ConversionRule) -> str:
    """The conversions of a row whose indicator names the account's conversion ($conversion_indicators), else NULL."""
    if rule.indicator not in layout.columns:
        return "NULL"
    return f"CASE WHEN list_contains($conversion_indicators, {rule.indicator}) THEN conversions END"


def _record_files(con: duckdb.DuckDBPyConnection, header_line: int) -> dict[str, int]:
    """The registry rows of the batch's loaded files (rows and days each holds, from export_days, and how its lines
    reconcile); returns the rows per file."""
    con.execute("DELETE FROM raw.export_files WHERE path IN (SELECT source FROM export_batch WHERE loading)")
    con.execute(
        """INSERT INTO raw.export_files (path, kind, account_id, modified_at, size_bytes, status, rows, first_day,
                                         last_day, error, checked_at, lines, header_line, blank_lines,
                                         continuation_lines, summary_rows, skipped_rows)
           SELECT b.source, b.kind, b.account_id, b.source_updated_at, b.size_bytes, 'loaded',
                  coalesce(sum(d.rows), 0), min(d.date) FILTER (d.rows > 0), max(d.date) FILTER (d.rows > 0), NULL,
                  now()::TIMESTAMP, b.lines, $header_line, b.blank_lines + coalesce(sum(d.blank_rows), 0),
                  b.continuation_lines, coalesce(sum(d.summary_rows), 0), coalesce(sum(d.skipped_rows), 0)
           FROM export_batch b LEFT JOIN export_days d USING (file_index)
           WHERE b.loading
           GROUP BY b.source, b.kind, b.account_id, b.source_updated_at, b.size_bytes, b.lines, b.blank_lines,
                    b.continuation_lines""",
        {"header_line": header_line},
    )
    return dict(con.execute(
        "SELECT path, rows FROM raw.export_files WHERE path IN (SELECT source FROM export_batch WHERE loading)"
    ).fetchall())


def _registry(con: duckdb.DuckDBPyConnection, kind: str) -> dict[str, tuple[datetime, int, str, str | None]]:
    rows = con.execute(
        "SELECT path, modified_at, size_bytes, status, account_id FROM raw.export_files WHERE kind = ?", [kind]
    ).fetchall()
    return {path: tuple(state) for path, *state in rows}


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
            "INSERT INTO raw.export_files (path, kind, account_id, modified_at, size_bytes, status, error, checked_at) "
            "VALUES (?, ?, ?, coalesce(?, now()::TIMESTAMP), coalesce(?, 0), 'rejected', ?, now()::TIMESTAMP)",
            [relative, kind, account_id, modified_at, size_bytes, error],
        )


def _forget_file(
    con: duckdb.DuckDBPyConnection, table: str, relative: str, has_days: bool, keep: bool = False
) -> int:
    """A file deleted from the exports folder takes its rows with it; with `keep`, its entry stays, marked
    forgotten (`roi forget`), so that it is not loaded again until it changes. Returns the rows removed."""
    with transaction(con):
        if has_days:
            record_changed_days(con, f"SELECT date FROM {table} WHERE source = ?", [relative])
        removed = con.execute(f"DELETE FROM {table} WHERE source = ?", [relative]).fetchone()[0]
        if table in AD_TABLES.values():
            resolve_campaign_names(con, table)
        if keep:
            con.execute(
                "UPDATE raw.export_files SET status = ?, rows = 0, error = NULL, checked_at = now()::TIMESTAMP "
                "WHERE path = ?",
                [FORGOTTEN, relative],
            )
        else:
            con.execute("DELETE FROM raw.export_files WHERE path = ?", [relative])
    return removed


def forget_account(con: duckdb.DuckDBPyConnection, kind: str, account_id: str | None, table: str) -> dict[str, int]:
    """`roi forget`: remove the rows of every file of the account's folder of `kind` (the CRM's files with no
    account); returns file -> rows removed. The files stay known as forgotten: still in the folder, they are left
    alone until they change."""
    paths = [row[0] for row in con.execute(
        "SELECT path FROM raw.export_files WHERE kind = ? AND account_id IS NOT DISTINCT FROM ? AND status <> ? "
        "ORDER BY path",
        [kind, account_id, FORGOTTEN],
    ).fetchall()]
    return {path: _forget_file(con, table, path, has_days=account_id is not None, keep=True) for path in paths}


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
    with duckdb.connect() as con, tempfile.TemporaryDirectory(prefix="roi-readable-") as copies:
        item = PendingFile(export, layout, None)
        _read_rows(con, [item.readable(Path(copies)) if needs_copy(layout) else item])
        first, last = con.execute(
            f"SELECT min({day})::DATE, max({day})::DATE FROM export_rows WHERE row_kind = {DATA_ROW}"
        ).fetchone()
    return (first, last) if first else None
