"""What the raw assets of ads and organic posts share: pulling a channel's API accounts, and the checks and
metadata of a load (export files accepted, API pulls complete)."""

from datetime import date, datetime, timezone

import dagster as dg

from connectors import api_clients
from connectors.api_clients import LOOKBACK_DAYS, POSTS_LOOKBACK_DAYS
from connectors.api_pull import ApiAccount
from connectors.channels import ORGANIC_KINDS
from connectors.credentials import MissingCredentials, credentials_for
from warehouse.api_loads import PullOutcome, pull_account, pull_window
from warehouse.api_posts import pull_posts
from warehouse.exports import SyncReport, rejected_files

FILES_ACCEPTED = "export_files_accepted"
WAITING_FILES = "waiting_files"  # files left for a later run (settling, or changed while read): said, no failure
API_PULLS_COMPLETE = "api_pulls_complete"


def files_check(asset_key: dg.AssetKey, kind: str, con) -> dg.AssetCheckResult:
    rejected = rejected_files(con, kind)
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=FILES_ACCEPTED,
        passed=not rejected,
        description="; ".join(rejected.values()) if rejected else "every export file was read",
        metadata={"rejected_files": dg.MetadataValue.json(rejected)},
    )


def sync_metadata(report: SyncReport) -> dict[str, object]:
    return {
        "files_loaded": len(report.loaded),
        "files_unchanged": len(report.unchanged),
        "files_rejected": len(report.rejected),
        "files_removed": len(report.removed),
        "rows_loaded": report.rows_loaded,
        **({"file_notes": dg.MetadataValue.json(report.notes)} if report.notes else {}),
        **({WAITING_FILES: dg.MetadataValue.json(report.waiting)} if report.waiting else {}),
    }


def pull_api_accounts(
    con, config, channel: str, start: date, end: date, platform_api, posts: bool = False
) -> list[PullOutcome]:
    """Pull each API account of the channel: its ads (`source = "api"`), or with `posts` its page's organic posts
    (`posts_source = "api"`), over the run's days, the window before its last day that the platform still changes,
    and what an earlier pull left missing."""
    if posts:
        kind, lookbacks, pull = ORGANIC_KINDS[channel], POSTS_LOOKBACK_DAYS, pull_posts
        accounts = [a for a in config.accounts if a.channel == channel and a.posts_source == "api"]
    else:
        kind, lookbacks, pull = channel, LOOKBACK_DAYS, pull_account
        accounts = [a for a in config.accounts if a.channel == channel and a.source == "api"]
    if not accounts:
        return []
    clients = api_clients.POSTS_CLIENTS if posts else api_clients.API_CLIENTS
    clock = platform_api.clock()
    pulled_at = datetime.fromtimestamp(clock.now(), tz=timezone.utc).replace(tzinfo=None)
    try:
        credentials = credentials_for(channel, platform_api.environ(), posts=posts)
    except MissingCredentials as error:
        return [PullOutcome(kind, a.account_id, start, end, False, 0, 0, str(error)) for a in accounts]
    outcomes = []
    for account in accounts:
        configured = account.posts_lookback_days if posts else account.lookback_days
        lookback = lookbacks[channel] if configured is None else configured
        api_account = ApiAccount(
            channel=channel, account_id=account.account_id, currency=account.currency, timezone=account.timezone,
            api_base=account.api_base, conversion_action_types=account.conversion_action_types,
            token_url=account.token_url, page_id=account.page_id,
        )
        first, last = pull_window(con, kind, account.account_id, start, end, lookback, config.history_start)
        client = clients[channel](api_account, credentials, clock, platform_api.policy())
        outcomes.append(pull(con, client, api_account, first, last, pulled_at))
    return outcomes


def pull_metadata(pulls: list[PullOutcome]) -> dict[str, object]:
    if not pulls:
        return {}
    return {
        "api_accounts": len(pulls),
        "api_rows": sum(p.rows for p in pulls),
        "api_requests": sum(p.requests for p in pulls),
        "api_days": ", ".join(f"{p.account_id}: {p.first}..{p.last}" for p in pulls),
        "api_notes": dg.MetadataValue.json(_notes(pulls)),
    }


def pulls_check(asset_key: dg.AssetKey, pulls: list[PullOutcome]) -> dg.AssetCheckResult:
    """Passes when every pull completed; optional figures left unknown are said, never a failure."""
    stopped = [p for p in pulls if not p.complete]
    notes = _notes(pulls)
    said = "; ".join(f"{account}: {note}" for account, lines in notes.items() for note in lines)
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=API_PULLS_COMPLETE,
        passed=not stopped,
        description="; ".join(p.message for p in stopped) if stopped else (
            (f"{len(pulls)} API account(s) pulled in full" + (f"; left unknown: {said}" if said else ""))
            if pulls else "no API accounts"
        ),
        metadata={
            "stopped_accounts": dg.MetadataValue.json({p.account_id: p.message for p in stopped}),
            "notes": dg.MetadataValue.json(notes),
        },
    )


def log_load(context: dg.AssetExecutionContext, report: SyncReport, pulls: list[PullOutcome]) -> None:
    """Rejected files and stopped pulls as errors; the files' notes and the optional figures a pull left unknown as
    warnings."""
    for problem in [*report.rejected.values(), *(p.message for p in pulls if not p.complete)]:
        context.log.error(problem)
    for path, note in report.notes.items():
        context.log.warning(f"{path}: {note}")
    for message in report.waiting.values():
        context.log.warning(message)
    for account, notes in _notes(pulls).items():
        for note in notes:
            context.log.warning(f"account {account}: {note}")


def _notes(pulls: list[PullOutcome]) -> dict[str, list[str]]:
    return {p.account_id: list(p.notes) for p in pulls if p.notes}
