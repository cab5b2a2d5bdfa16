"""The `roi` command: `roi run` materializes the pipeline for a range of days, `roi report` prints the ROI."""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import dagster as dg

from connectors.channels import ORGANIC_KINDS, folder_account_id
from connectors.credentials import MissingCredentials, credentials_for
from pipelines.config import ConfigError, RoiConfig, load_config
from pipelines.resources import build_resources
from pipelines.runs import last_run_outcome, materialize_days, published, record_last_run, run_problems, waiting_files
from warehouse import report, status
from warehouse.report_html import render_report
from warehouse.database import connect_read_only, io_problem, writer_lock
from warehouse.exports import forget_account
from warehouse.schema import AD_TABLES, POST_TABLES

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# What a value from a file or an API could use to rewrite the terminal (clear it, move the cursor, overwrite a line,
# reorder text): C0 controls but newline and tab, DEL, C1 controls, bidi controls, Unicode line separators.
_UNSAFE = [*range(0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F),
           *range(0x2066, 0x206A)]
_ESCAPES = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _UNSAFE if chr(code) not in "\n\t"}
_ESCAPES_ONE_LINE = {**_ESCAPES, ord("\n"): "\\n", ord("\t"): "\\t"}


def shown(text, one_line: bool = False) -> str:
    """Text as the terminal may show it: control characters escaped (ESC as \\x1b); one_line escapes newlines too."""
    return str(text).translate(_ESCAPES_ONE_LINE if one_line else _ESCAPES)


class _SafeStream:
    """Dagster's log lines as `roi run` shows them: escaped as `shown` escapes (colour codes kept), without stack
    traces (the FAILED lines say what failed; Dagster's run history keeps the traces)."""

    COLOUR = re.compile(r"(\x1b\[[0-9;]*m)")
    TRACE = "\nStack Trace:\n"

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        if self.TRACE in text:  # one write per log line: the trace runs to its end
            text = text[:text.index(self.TRACE)] + "\n"
        parts = self.COLOUR.split(text)
        return self._stream.write("".join(part if i % 2 else shown(part) for i, part in enumerate(parts)))

    def __getattr__(self, name):
        return getattr(self._stream, name)


@contextmanager
def _safe_stderr() -> Iterator[None]:
    original, sys.stderr = sys.stderr, _SafeStream(sys.stderr)
    try:
        yield
    finally:
        sys.stderr = original


def say(text="", file=None) -> None:
    """Every line `roi` prints goes through here, so nothing read from a file or an API reaches the terminal raw."""
    print(shown(text), file=file or sys.stdout, flush=True)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day (YYYY-MM-DD)") from error


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="roi", description="Campaign ROI per market and for the company.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="load exports and refresh the marts for the days start..end (inclusive)")
    run.add_argument("--start", type=_day, required=True, help="first day, YYYY-MM-DD")
    run.add_argument("--end", type=_day, required=True, help="last day, YYYY-MM-DD")
    commands.add_parser(
        "status",
        help="per account: last day with data, last pull, freshness; campaigns keyed by name; rejected files; exit 1 "
             "if any is off",
    )
    forget = commands.add_parser(
        "forget",
        help="remove on purpose the rows of an account's export files (a folder removed or an account renamed); the "
             "next `roi run` publishes the warehouse without them",
    )
    forget.add_argument("kind", help="the folder under exports_dir: a channel (facebook), <channel>_posts, or crm")
    forget.add_argument("account_id", nargs="?", help="the account's id, as in the config or its folder's name")
    show = commands.add_parser("report", help="print local ROI per market and channel, and the global ROI")
    show.add_argument("--start", type=_day, help="first day (default: the first day in the warehouse)")
    show.add_argument("--end", type=_day, help="last day (default: the last day in the warehouse)")
    show.add_argument("--html", type=Path, metavar="PATH", help="also write a self-contained HTML report with charts")
    return parser


def main(argv: list[str] | None = None) -> int:
    # What the imports made lives as long as the process: the garbage collector need not walk it on every full
    # collection of the run, nor once more on the way out (a quarter of a second each with Dagster loaded).
    gc.freeze()
    try:
        return _command(_parser().parse_args(argv))
    finally:
        gc.freeze()


def _command(args: argparse.Namespace) -> int:
    try:
        config = load_config()
    except ConfigError as error:
        say(f"roi: config error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "run":
        return run(config, args.start, args.end)
    if args.command == "status":
        return print_status(config)
    if args.command == "forget":
        return forget(config, args.kind, args.account_id)
    return print_report(config, args.start, args.end, args.html)


def run(config: RoiConfig, start: date, end: date) -> int:
    problem = _check_range(config, start, end) or _check_credentials(config)
    if problem:
        say(f"roi: {problem}", file=sys.stderr)
        return EXIT_USAGE
    # With DAGSTER_HOME set the run is recorded there and shows in the Dagster UI.
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    try:
        with writer_lock(config.working_database.parent / "run.lock", _say_waiting), instance:
            with _safe_stderr():
                result = materialize_days(config, start, end, instance)
            problems = run_problems(result)
            record_last_run(config, result, start, end, problems)
    except OSError as error:  # the working folder cannot be written (full, read-only, gone): no traceback
        say(f"roi: {io_problem(error, config.working_database.parent)}; nothing published, analysts keep "
            f"{config.warehouse}", file=sys.stderr)
        return EXIT_FAILED
    for line in problems:
        say(f"FAILED  {shown(line, one_line=True)}", file=sys.stderr)
    waiting = waiting_files(result)
    for line in waiting:  # not an error: a later run reads them
        say(f"waiting: {shown(line, one_line=True)}")
    if published(result):
        say(f"published: {config.warehouse}" + (f" and {config.parquet_dir}/*.parquet" if config.parquet_dir else ""))
    else:
        say(f"not published: analysts keep the previous {config.warehouse}", file=sys.stderr)
    if problems:
        say(f"roi run {start}..{end}: {len(problems)} problem(s); run {result.run_id}", file=sys.stderr)
        return EXIT_FAILED
    left = f"; {len(waiting)} file(s) waiting for a later run" if waiting else ""
    say(f"roi run {start}..{end}: every asset loaded and every check passed{left}; run {result.run_id}")
    return EXIT_OK


def forget(config: RoiConfig, kind: str, account_id: str | None) -> int:
    """Remove the rows of an account's loaded export files from the working database, said and logged in
    `<working dir>/forgotten.log`; the next run rebuilds their days and publishes."""
    tables = {"crm": "raw.crm_deals", **AD_TABLES, **{ORGANIC_KINDS[c]: t for c, t in POST_TABLES.items()}}
    if kind not in tables or (kind == "crm") != (account_id is None):
        say(f"roi: forget: expected a channel, <channel>_posts and an account id, or crm alone; got {kind!r}"
            + (f" {account_id!r}" if account_id else ""), file=sys.stderr)
        return EXIT_USAGE
    account = folder_account_id(kind, account_id) if account_id else None
    with writer_lock(config.working_database.parent / "run.lock", _say_waiting):
        with build_resources(config)["warehouse"].connect() as con:
            removed = forget_account(con, kind, account, tables[kind])
    what = f"{kind} account {account}" if account else kind
    if not removed:
        say(f"roi: forget: no loaded export file of {what} in the warehouse", file=sys.stderr)
        return EXIT_FAILED
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    lines = [f"{path}: {rows} row(s) removed" for path, rows in removed.items()]
    with (config.working_database.parent / "forgotten.log").open("a", encoding="utf-8") as log:
        log.writelines(f"{stamp} roi forget {what}: {line}\n" for line in lines)
    say("\n".join(f"forgotten: {line}" for line in lines))
    say(f"roi forget {what}: {len(removed)} file(s); the next `roi run` publishes the warehouse without them")
    return EXIT_OK


def _say_waiting(holder: str) -> None:
    say(f"roi: waiting: the warehouse is being written by another {holder}", file=sys.stderr)


def _check_range(config: RoiConfig, start: date, end: date) -> str | None:
    if start > end:
        return f"--start {start} is after --end {end}"
    if start < config.history_start:
        return f"--start {start} is before history_start {config.history_start} in {config.path}"
    today = datetime.now(timezone.utc).date()
    if end >= today:
        return f"--end {end} is not a complete day yet (the last one is {today - timedelta(days=1)})"
    return None


def _check_credentials(config: RoiConfig) -> str | None:
    """API accounts (ads or organic posts) need their platform's environment variables: say which, before any
    request."""
    wanted = {(a.channel, False) for a in config.accounts if a.source == "api"}
    wanted |= {(a.channel, True) for a in config.accounts if a.posts_source == "api"}
    for channel, posts in sorted(wanted):
        try:
            credentials_for(channel, posts=posts)
        except MissingCredentials as error:
            return str(error)
    return None


def print_status(config: RoiConfig) -> int:
    """Per account: last day with data, last API pulls (ads and page posts), freshness, and the notes of the last
    pulls (optional figures the platform left out, unknown); then the campaigns keyed by name, rejected files and the
    last run. Exit 1 when anything is stale or failing, so cron or monitoring can alert on it; notes alone leave it 0."""
    today = datetime.now(timezone.utc).date()
    alerts = 0
    con = _open_warehouse(config)
    if con is None:
        return EXIT_FAILED
    with con:
        say(f"{'account':<26} {'market':<8} {'source':<6} {'last day':<10}  state")
        for account in config.accounts:
            state = status.account_status(con, account.channel, account.account_id)
            problems = state.problems(today, config.freshness_days)
            alerts += bool(problems)
            label = f"{account.channel} {account.account_id}"
            market = shown(account.market, one_line=True)
            say(f"{label:<26} {market:<8} {account.source:<6} {str(state.last_day or '-'):<10}  "
                + ("; ".join(problems) or "fresh"))
            for note in state.notes:  # informational: a figure left unknown is not a failure
                say(f"{'':<26} {shown(note, one_line=True)}")
        keyed_by_name = status.name_keyed_campaigns(con)
        rejected = status.rejected_files(con)
        notes = status.file_notes(con)
    alerts += _print_keyed_by_name(keyed_by_name)
    for path, note in notes:  # informational, as a pull's notes
        say(f"note: {shown(f'{path}: {note}', one_line=True)}")
    for path, error in rejected:
        say(f"rejected: {shown(error, one_line=True)}")
    alerts += len(rejected)
    last = last_run_outcome(config)
    say(f"last run: {shown(last.summary, one_line=True)}")
    alerts += not last.success
    return EXIT_FAILED if alerts else EXIT_OK


def _print_keyed_by_name(campaigns: list[status.NameKeyedCampaign]) -> int:
    """The campaigns known only by name; returns how many are ambiguous (counted beside same-named campaigns)."""
    if not campaigns:
        return 0
    say("keyed by name (their exports have no campaign ID column; renaming such a campaign splits it in two; "
        "export with the campaign ID column to key them by ID):")
    for campaign in campaigns:
        line = (f"  {campaign.channel} {campaign.account_id}  '{shown(campaign.campaign_name, one_line=True)}'  "
                f"{campaign.first_day}..{campaign.last_day}")
        if campaign.ambiguous:
            line += (f"  AMBIGUOUS: campaigns {', '.join(campaign.same_name_ids)} of the account have this name, "
                     "so the days they share count twice")
        say(line)
    return sum(campaign.ambiguous for campaign in campaigns)


def _open_warehouse(config: RoiConfig):
    """The analysts' file, read-only; None (said on stderr) before the first run."""
    try:
        return connect_read_only(config.warehouse)
    except FileNotFoundError as error:
        say(f"roi: {error}", file=sys.stderr)
        return None


def print_report(config: RoiConfig, start: date | None, end: date | None, html: Path | None = None) -> int:
    con = _open_warehouse(config)
    if con is None:
        return EXIT_USAGE
    with con:
        first, last = con.execute("SELECT min(date), max(date) FROM marts.roi_global").fetchone()
        start, end = start or first, end or last
        if start is None:
            say("roi: the marts are empty; run `roi run` first", file=sys.stderr)
            return EXIT_USAGE
        currency = config.reporting_currency
        say(report.format_table(f"Local ROI by market and channel, {start} to {end}", report.local_roi(con, start, end), currency))
        say()
        say(report.format_table(
            f"Global ROI (sum of the local net returns over total spend), {start} to {end}",
            report.global_roi(con, start, end), currency,
        ))
        if html:
            render_report(con, start, end, currency, config.contact_threshold).write(html)
            say(f"\nHTML report: {html}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
