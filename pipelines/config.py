"""The pipeline's TOML config: where the exports, rates and warehouse live, and which market each account serves.

Read from the path in ROI_CONFIG (default: the bundled sample). Relative paths are relative to the config file's
folder. Every mistake is reported before anything runs, naming the file and the key.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from connectors.channels import ACCOUNT_IDS, CHANNELS
from connectors.ecb.reference_rates import currencies_with_rates
from connectors.ecb.settings import BASE_CURRENCY, PUBLISHED_CURRENCIES
from connectors.export_layout import ExportError
from warehouse.database import is_duckdb_file

CONFIG_ENV = "ROI_CONFIG"
SAMPLE_CONFIG = Path(__file__).resolve().parent.parent / "sample" / "roi.toml"

REVENUE_SOURCES = ("crm", "platform")
SCOPES = ("local", "global")
DEFAULT_HISTORY_START = "2024-01-01"
CURRENCY_CODE = re.compile(r"[A-Z]{3}")
MEMORY_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)
MEMORY_UNITS = {"kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
MIN_MEMORY = 64 * 10**6  # below this DuckDB cannot hold a mart refresh's working set
MAX_DAYS = 3650  # day counts past ten years are typos (and overflow date arithmetic)
MAX_SECONDS = 86_400  # a day: the longest wait or timeout that makes sense for a daily run

TOP_LEVEL_KEYS = {
    "reporting_currency",
    "warehouse",
    "exports_dir",
    "fx_rates",
    "revenue_source",
    "history_start",
    "accounts",
    "api",
    "working_dir",
    "parquet_dir",
    "schedule",
    "freshness_days",
    "contact_threshold",
    "decline_threshold",
    "fx_rates_url",
    "reports_dir",
    "memory_limit",
    "follow_symlinks",
}
ACCOUNT_KEYS = {
    "channel", "account_id", "market", "scope", "currency",
    "source", "api_base", "timezone", "lookback_days", "conversion_action_types", "token_url",
    "posts_source", "page_id", "posts_lookback_days",
}
API_KEYS = {"timeout_seconds", "max_wait_seconds"}
SCHEDULE_KEYS = {"hour", "timezone"}
SOURCES = ("csv", "api")
REQUIRED_TOP_LEVEL = ("reporting_currency", "warehouse", "exports_dir", "fx_rates")
REQUIRED_ACCOUNT_KEYS = ("channel", "account_id", "market", "scope", "currency")
# What page_id is on each channel, and what it looks like.
PAGE_IDS = {
    "linkedin": ("the company page's organization id (digits)", re.compile(r"\d+")),
    "twitter": ("the account's numeric X user id (not the @handle)", re.compile(r"\d+")),
    "facebook": ("the Facebook page id (digits)", re.compile(r"\d+")),
    "youtube": ("the YouTube channel id (UC followed by 22 characters)", re.compile(r"UC[\w-]{22}")),
}


class ConfigError(ValueError):
    """A config mistake, reported before anything runs."""


@dataclass(frozen=True)
class Account:
    """An ad account and the market it serves; global-scope accounts are one more market in the rollup."""

    channel: str
    account_id: str
    market: str
    scope: str
    currency: str
    source: str = "csv"  # csv: exports dropped in the folder; api: pulled from the platform's API
    api_base: str | None = None  # overrides the platform's host (tests, proxies)
    timezone: str = "UTC"  # the account's reporting timezone
    lookback_days: int | None = None  # restatement window; None: the channel's default
    conversion_action_types: tuple[str, ...] = ()  # Meta: which action types count as conversions
    token_url: str | None = None  # Google Ads: where to refresh the access token
    posts_source: str = "csv"  # organic posts: csv (page exports in the folder) or api (the page's posts pulled)
    page_id: str | None = None  # with posts_source = "api": the page whose posts are the account's (see PAGE_IDS)
    posts_lookback_days: int | None = None  # posts published this many days back are pulled again; None: default


@dataclass(frozen=True)
class ApiSettings:
    timeout_seconds: float = 60.0  # per request
    max_wait_seconds: float = 900.0  # per account and run, all retries together


@dataclass(frozen=True)
class ScheduleSettings:
    hour: int = 6  # the daily run starts at this hour...
    timezone: str = "UTC"  # ...of this timezone


@dataclass(frozen=True)
class RoiConfig:
    path: Path
    reporting_currency: str
    warehouse: Path  # the analysts' file, replaced whole after each successful run
    exports_dir: Path
    fx_rates: Path
    revenue_source: str
    history_start: date
    accounts: tuple[Account, ...]
    api: ApiSettings = ApiSettings()
    working_dir: Path | None = None  # where the pipeline's own database lives; default: .roi-work beside warehouse
    parquet_dir: Path | None = None  # each mart also published as <parquet_dir>/<mart>.parquet
    fx_rates_url: str | None = None  # download the ECB's rates from there into fx_rates at each run
    report_folder: Path | None = None  # where each run writes its HTML report; default: reports/ beside warehouse
    memory_limit: str = "1GB"  # DuckDB's memory for a run; past it, large loads spill to disk
    schedule: ScheduleSettings = ScheduleSettings()
    freshness_days: int = 2  # data older than this many days is stale
    contact_threshold: int = 7  # touches a week above this are too many (the article: 6-7 suffice)
    decline_threshold: Decimal = Decimal("-0.22")  # a 12-week engagement change below this is flagged
    follow_symlinks: bool = False  # read links under exports_dir that lead outside it

    @property
    def reports_dir(self) -> Path:
        return self.report_folder or self.warehouse.parent / "reports"

    @property
    def working_database(self) -> Path:
        """The database the pipeline writes; analysts never open it (see warehouse/publish.py)."""
        folder = self.working_dir or self.warehouse.parent / ".roi-work"
        return folder / self.warehouse.name

    def account(self, channel: str, account_id: str) -> Account | None:
        for account in self.accounts:
            if account.channel == channel and account.account_id == account_id:
                return account
        return None


def config_path() -> Path:
    return Path(os.environ.get(CONFIG_ENV) or SAMPLE_CONFIG).expanduser().resolve()


def load_config(path: Path | None = None) -> RoiConfig:
    path = Path(path).resolve() if path else config_path()
    try:
        raw = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: config file not found (set {CONFIG_ENV} to your config)") from error
    except IsADirectoryError as error:
        raise ConfigError(f"{path}: is a folder, not a config file (set {CONFIG_ENV} to your roi.toml)") from error
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the config file: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start} is not UTF-8); save it as UTF-8") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    return parse_config(raw, path)


def parse_config(raw: dict, path: Path) -> RoiConfig:
    where = str(path)
    _reject_unknown(raw, TOP_LEVEL_KEYS, where)
    for key in REQUIRED_TOP_LEVEL:
        if key not in raw:
            raise ConfigError(f"{where}: missing key '{key}'")
    folder = path.parent
    config = RoiConfig(
        path=path,
        reporting_currency=_currency(raw["reporting_currency"], f"{where}: reporting_currency"),
        warehouse=_warehouse_path(folder, raw["warehouse"], f"{where}: warehouse"),
        exports_dir=_existing(folder, raw["exports_dir"], f"{where}: exports_dir", is_dir=True),
        # A rates file downloaded at each run need not exist before the first one.
        fx_rates=(_path if "fx_rates_url" in raw else _existing)(folder, raw["fx_rates"], f"{where}: fx_rates"),
        revenue_source=_choice(raw.get("revenue_source", "crm"), REVENUE_SOURCES, f"{where}: revenue_source"),
        history_start=_date(raw.get("history_start", DEFAULT_HISTORY_START), f"{where}: history_start"),
        accounts=_accounts(raw.get("accounts", []), where),
        api=_api_settings(raw.get("api", {}), f"{where}: api"),
        working_dir=_path(folder, raw["working_dir"], f"{where}: working_dir") if "working_dir" in raw else None,
        parquet_dir=_path(folder, raw["parquet_dir"], f"{where}: parquet_dir") if "parquet_dir" in raw else None,
        schedule=_schedule(raw.get("schedule", {}), f"{where}: schedule"),
        freshness_days=_whole(raw.get("freshness_days", 2), f"{where}: freshness_days", minimum=1, maximum=MAX_DAYS),
        contact_threshold=_whole(raw.get("contact_threshold", 7), f"{where}: contact_threshold", 1, 10_000),
        decline_threshold=_fraction(raw.get("decline_threshold", "-0.22"), f"{where}: decline_threshold"),
        fx_rates_url=_url(raw["fx_rates_url"], f"{where}: fx_rates_url") if "fx_rates_url" in raw else None,
        report_folder=_path(folder, raw["reports_dir"], f"{where}: reports_dir") if "reports_dir" in raw else None,
        memory_limit=_memory(raw.get("memory_limit", "1GB"), f"{where}: memory_limit"),
        follow_symlinks=_flag(raw.get("follow_symlinks", False), f"{where}: follow_symlinks"),
    )
    _check_outputs(config, where)
    _check_currencies(config, where)
    return config


def _check_outputs(config: RoiConfig, where: str) -> None:
    """What the pipeline writes must never land on what it reads: not inside exports_dir, not over an existing file
    that is not a DuckDB database (an export, the rates, the config), not a file where a folder is wanted."""
    working = config.working_database
    outputs = [("warehouse", config.warehouse, "database"), ("working_dir", working.parent, "folder"),
               ("working_dir", working, "database"), ("reports_dir", config.reports_dir, "folder")]
    if config.parquet_dir:
        outputs.append(("parquet_dir", config.parquet_dir, "folder"))
    if config.fx_rates_url:  # the download writes the rates file
        outputs.append(("fx_rates", config.fx_rates, "file"))
    for key, path, kind in outputs:
        problem = _output_problem(config, path, kind)
        if problem:
            raise ConfigError(f"{where}: {key}: {path} {problem}")


def _output_problem(config: RoiConfig, path: Path, kind: str) -> str | None:
    if path == config.exports_dir or config.exports_dir in path.parents:
        return f"is inside exports_dir {config.exports_dir}, where the pipeline only reads"
    if path == config.path:
        return "is the config file itself"
    if path == config.fx_rates and kind != "file":
        return "is the rates file (fx_rates)"
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is not None and existing != path:
        if not existing.is_dir():
            return f"cannot be written: {existing} is a file, not a folder"
        if not os.access(existing, os.W_OK | os.X_OK):
            return f"cannot be written: no permission to create it in {existing}"
        return None
    if kind == "folder" and not path.is_dir():
        return "is an existing file, not a folder"
    if kind != "folder" and path.is_dir():
        return "is an existing folder, not a file"
    if kind != "folder" and not path.is_file():
        return "is not a regular file (a device, a pipe?)"
    if kind == "database" and path.stat().st_size and not is_duckdb_file(path):  # empty: DuckDB's to write
        return "is an existing file that is not a DuckDB database (an export or other input?); it is left untouched"
    return None


def _check_currencies(config: RoiConfig, where: str) -> None:
    """Every currency named must have rates, or the run would reject the account's exports once under way."""
    available, source = _rates_currencies(config, where)
    listed = ", ".join(available)
    if config.reporting_currency not in available:
        raise ConfigError(
            f"{where}: reporting_currency: {config.reporting_currency!r} has no rates in {source} "
            f"(currencies available: {listed})"
        )
    for number, account in enumerate(config.accounts, start=1):
        if account.currency not in available:
            raise ConfigError(
                f"{where}: accounts[{number}].currency: {account.currency!r} of {account.channel} account "
                f"{account.account_id} has no rates in {source} (currencies available: {listed})"
            )


def _rates_currencies(config: RoiConfig, where: str) -> tuple[list[str], str]:
    """The currencies the rates source has, and how to name that source: the rates file, or while it is still to be
    downloaded (or unreadable, to be replaced by the download) the ECB's published list."""
    published = sorted({BASE_CURRENCY, *PUBLISHED_CURRENCIES}), "the ECB's reference rates"
    if config.fx_rates_url and not config.fx_rates.is_file():
        return published
    try:
        return currencies_with_rates(config.fx_rates), f"the rates file {config.fx_rates}"
    except ExportError as error:
        if config.fx_rates_url:
            return published
        raise ConfigError(f"{where}: fx_rates: {error}") from error


def _api_settings(table, label: str) -> ApiSettings:
    if not isinstance(table, dict):
        raise ConfigError(f"{label}: must be a table")
    _reject_unknown(table, API_KEYS, label)
    values = {key: _seconds(table[key], f"{label}.{key}") for key in API_KEYS if key in table}
    return ApiSettings(**values)


def _schedule(table, label: str) -> ScheduleSettings:
    if not isinstance(table, dict):
        raise ConfigError(f"{label}: must be a table")
    _reject_unknown(table, SCHEDULE_KEYS, label)
    hour = table.get("hour", 6)
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        raise ConfigError(f"{label}.hour: must be an hour from 0 to 23")
    return ScheduleSettings(hour=hour, timezone=_timezone(table.get("timezone", "UTC"), f"{label}.timezone"))


def _fraction(value, label: str) -> Decimal:
    """A change as a fraction, e.g. -0.22 for a 22% decline (read from its text, never through a float)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise ConfigError(f"{label}: {value!r} is not a number such as -0.22") from error
    if not number.is_finite() or not Decimal(-1) <= number <= 0:
        raise ConfigError(f"{label}: must be a decline between -1 and 0, such as -0.22")
    return number


def _whole(value, label: str, minimum: int = 0, maximum: int = MAX_DAYS) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ConfigError(f"{label}: must be a whole number from {minimum} to {maximum}")
    return value


def _seconds(value, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_SECONDS:
        raise ConfigError(f"{label}: must be a number of seconds above 0 and at most {MAX_SECONDS}")
    return float(value)  # NaN fails the range test above


def _accounts(items, where: str) -> tuple[Account, ...]:
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{where}: at least one [[accounts]] table is needed")
    accounts: list[Account] = []
    seen: dict[tuple[str, str], int] = {}
    for number, item in enumerate(items, start=1):
        label = f"{where}: accounts[{number}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{label}: must be a table")
        _reject_unknown(item, ACCOUNT_KEYS, label)
        for key in REQUIRED_ACCOUNT_KEYS:
            if key not in item:
                raise ConfigError(f"{label}: missing key '{key}'")
        channel = _choice(item["channel"], CHANNELS, f"{label}.channel", noun="channel")
        account = Account(
            channel=channel,
            account_id=_account_id(channel, item["account_id"], f"{label}.account_id"),
            market=_text(item["market"], f"{label}.market"),
            scope=_choice(item["scope"], SCOPES, f"{label}.scope", noun="scope"),
            currency=_currency(item["currency"], f"{label}.currency"),
            **_api_account_keys(item, label),
            **_posts_keys(item, channel, label),
        )
        key = (account.channel, account.account_id)
        if key in seen:
            raise ConfigError(
                f"{label}: duplicate account {account.channel} {account.account_id} "
                f"(already accounts[{seen[key]}])"
            )
        seen[key] = number
        accounts.append(account)
    return tuple(accounts)


def _account_id(channel: str, value, label: str) -> str:
    """The id in its one kept form, from any form the channel accepts (Meta's `act_123` is 123)."""
    text = _text(value, label)
    account_id = ACCOUNT_IDS[channel].normalized(text)
    if account_id is None:
        raise ConfigError(f"{label}: {text!r} is not {ACCOUNT_IDS[channel].accepted}")
    return account_id


def _api_account_keys(item: dict, label: str) -> dict:
    keys: dict = {"source": _choice(item.get("source", "csv"), SOURCES, f"{label}.source", noun="source")}
    if "api_base" in item:
        keys["api_base"] = _url(item["api_base"], f"{label}.api_base")
    if "token_url" in item:
        keys["token_url"] = _url(item["token_url"], f"{label}.token_url")
    if "timezone" in item:
        keys["timezone"] = _timezone(item["timezone"], f"{label}.timezone")
    if "lookback_days" in item:
        keys["lookback_days"] = _whole(item["lookback_days"], f"{label}.lookback_days")
    if "conversion_action_types" in item:
        types = item["conversion_action_types"]
        if not isinstance(types, list) or not types or not all(isinstance(t, str) and t for t in types):
            raise ConfigError(f"{label}.conversion_action_types: must be a list of Meta action types")
        keys["conversion_action_types"] = tuple(types)
    return keys


def _posts_keys(item: dict, channel: str, label: str) -> dict:
    """posts_source = "api" pulls the organic posts of the page named by page_id; its other keys need it."""
    source = _choice(item.get("posts_source", "csv"), SOURCES, f"{label}.posts_source", noun="source")
    meaning, pattern = PAGE_IDS[channel]
    if source != "api":
        for key in ("page_id", "posts_lookback_days"):
            if key in item:
                raise ConfigError(f'{label}.{key}: only read with posts_source = "api"')
        return {}
    if "page_id" not in item:
        raise ConfigError(f'{label}: posts_source = "api" needs page_id, {meaning}')
    page_id = _text(item["page_id"], f"{label}.page_id")
    if not pattern.fullmatch(page_id):
        raise ConfigError(f"{label}.page_id: {page_id!r} is not {meaning}")
    keys: dict = {"posts_source": source, "page_id": page_id}
    if "posts_lookback_days" in item:
        keys["posts_lookback_days"] = _whole(item["posts_lookback_days"], f"{label}.posts_lookback_days")
    return keys


def _url(value, label: str) -> str:
    """An http(s) address with a host: never file:// or another scheme that would read local files."""
    text = _text(value, label)
    try:
        parts = urlsplit(text)
    except ValueError as error:
        raise ConfigError(f"{label}: {text!r} is not a URL: {error}") from error
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() or ord(c) < 32 for c in text):
        raise ConfigError(f"{label}: {text!r} is not an http:// or https:// address with a host")
    return text


def _timezone(value, label: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{label}: unknown timezone {value!r} (an IANA name such as Europe/Paris)")
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise ConfigError(f"{label}: unknown timezone {value!r} (an IANA name such as Europe/Paris)") from error
    return str(value)


def _reject_unknown(table: dict, allowed: set[str], label: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(f"{label}: unknown key '{unknown[0]}' (known keys: {', '.join(sorted(allowed))})")


def _text(value, label: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise ConfigError(f"{label}: must be a non-empty string")
    return str(value).strip()


def _memory(value, label: str) -> str:
    text = _text(value, label)
    size = MEMORY_SIZE.fullmatch(text)
    if not size:
        raise ConfigError(f"{label}: '{text}' is not a memory size such as \"1GB\" or \"512MB\"")
    if Decimal(size[1]) * MEMORY_UNITS[size[2].lower()] < MIN_MEMORY:
        raise ConfigError(f"{label}: '{text}' is too little for DuckDB; give at least 64MB")
    try:  # DuckDB's own verdict (it refuses sizes past what it can count)
        duckdb.connect(":memory:", config={"memory_limit": text}).close()
    except duckdb.Error as error:
        raise ConfigError(f"{label}: '{text}' is refused by DuckDB: {error}") from error
    return text


def _choice(value, choices: tuple[str, ...], label: str, noun: str = "value") -> str:
    if value not in choices:
        raise ConfigError(f"{label}: unknown {noun} {value!r} (expected one of {', '.join(choices)})")
    return value


def _currency(value, label: str) -> str:
    if not isinstance(value, str) or not CURRENCY_CODE.fullmatch(value):
        raise ConfigError(f"{label}: {value!r} is not an ISO 4217 currency code such as EUR")
    return value


def _date(value, label: str) -> date:
    try:
        if isinstance(value, datetime) or not isinstance(value, (str, date)):
            raise ValueError
        day = value if isinstance(value, date) else date.fromisoformat(value)
    except ValueError as error:
        raise ConfigError(f"{label}: {value!r} is not a date (YYYY-MM-DD)") from error
    if not date(1970, 1, 1) <= day <= date.today():
        raise ConfigError(f"{label}: {day} must be between 1970-01-01 and today")
    return day


def _path(folder: Path, value, label: str) -> Path:
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise ConfigError(f"{label}: must be a path")
    try:
        return (folder / value).resolve()
    except (OSError, RuntimeError) as error:  # a symlink loop, a name too long
        raise ConfigError(f"{label}: {value!r} is not a usable path: {error}") from error


def _warehouse_path(folder: Path, value, label: str) -> Path:
    path = _path(folder, value, label)
    # DuckDB names a database after its file: one called like a schema would shadow it.
    if path.stem in ("raw", "staging", "marts", "main"):
        raise ConfigError(f"{label}: name the file something other than {path.name} (raw, staging and marts are schemas)")
    return path


def _flag(value, label: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{label}: expected true or false, got {value!r}")
    return value


def _existing(folder: Path, value, label: str, is_dir: bool = False) -> Path:
    path = _path(folder, value, label)
    if not (path.is_dir() if is_dir else path.is_file()):
        raise ConfigError(f"{label}: {'folder' if is_dir else 'file'} {path} does not exist")
    return path
