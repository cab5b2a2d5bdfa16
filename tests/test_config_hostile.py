"""Hostile and mistaken configs: each is exit 2 naming the file and the key, with no traceback, before anything is
written (no warehouse, no working folder) and without touching any input file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config import ConfigError, load_config
from tests.conftest import roi
from tests.test_config import GOOD, write

SEPTEMBER = ("--start", "2026-09-01", "--end", "2026-09-30")
FX = "data/fx/eurofxref-hist.csv"


def _snapshot(folder: Path) -> dict[Path, tuple[int, int]]:
    """Every file under the folder with its size and mtime (in ns): what a refused run must leave as it was."""
    return {path: (path.stat().st_size, path.stat().st_mtime_ns) for path in folder.rglob("*") if path.is_file()}


def _refused(sample: Path, config: Path, key: str, message: str) -> None:
    before = _snapshot(sample)
    result = roi("run", *SEPTEMBER, config=config)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert f"roi: config error: {config}: {key}" in result.stderr
    assert message in result.stderr
    assert _snapshot(sample) == before  # nothing written, nothing touched (not even an mtime)
    assert not (sample / "data" / "roi.duckdb").exists() and not (sample / "data" / ".roi-work").exists()


@pytest.mark.parametrize(
    ("setting", "key", "message"),
    [
        # Before: ran in memory, printed "published", exit 0, saved nothing and touched the export's mtime.
        ('warehouse = "data/exports/crm/deals_2026-09-20.csv"', "warehouse", "is inside exports_dir"),
        (f'warehouse = "{FX}"', "warehouse", "is the rates file (fx_rates)"),
        ('warehouse = "expected.json"', "warehouse", "is an existing file that is not a DuckDB database"),
        ('freshness_days = 100000000', "freshness_days", "from 1 to 3650"),
        ('parquet_dir = "roi.toml"', "parquet_dir", "is the config file itself"),
    ],
)
def test_a_hostile_setting_is_refused_by_roi_run_before_anything_runs(sample, setting, key, message):
    config = sample / "roi.toml"
    text = config.read_text(encoding="utf-8")
    top = text.split("\n[[accounts]]")[0]
    name = setting.split(" = ")[0]
    kept = "\n".join(line for line in top.splitlines() if not line.startswith(f"{name} ="))
    config.write_text(kept + "\n" + setting + "\n" + text[len(top):], encoding="utf-8")
    _refused(sample, config, key, message)


def test_a_file_api_base_is_refused_by_roi_run(sample):
    config = sample / "roi.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('\ncurrency = "EUR"\n', '\ncurrency = "EUR"\napi_base = "file:///etc"\n', 1),
                      encoding="utf-8")
    _refused(sample, config, "accounts[1].api_base", "not an http:// or https:// address")


def test_a_config_that_is_not_utf8_is_refused_by_roi_run(sample):
    config = sample / "roi.toml"
    text = config.read_text(encoding="utf-8").replace('market = "FR"', 'market = "Fréjus"', 1)
    config.write_bytes(text.encode("cp1252"))
    _refused(sample, config, "not UTF-8", "save it as UTF-8")


def test_roi_config_pointing_at_a_folder_is_refused_by_roi_run(sample):
    _refused(sample, sample, "is a folder", "ROI_CONFIG")


# --- The rest, at the config's own level: each names the file and the key --------------------------------------------

EXPORT = "data/exports/deals.csv"
ACCOUNT = '\ncurrency = "EUR"'


def _with(setting: str) -> str:
    """GOOD with the setting: "account: …" lines go in the account, tables after it, top-level keys replace theirs."""
    if setting.startswith("account: "):
        return GOOD.replace(ACCOUNT, ACCOUNT + "\n" + setting.removeprefix("account: "), 1)
    if setting.startswith("["):
        return GOOD + "\n" + setting + "\n"
    keys = {line.split(" = ")[0] for line in setting.splitlines()}
    return setting + "\n" + "\n".join(line for line in GOOD.splitlines() if line.split(" = ")[0] not in keys) + "\n"


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        # Outputs over inputs, or inside the exports folder, or files where folders are wanted.
        (f'warehouse = "{EXPORT}"', "warehouse: "),
        ('warehouse = "roi.toml"', "warehouse: "),
        ('warehouse = "data/fx"', "is an existing folder, not a file"),
        ('warehouse = "roi.toml/roi.duckdb"', "is a file, not a folder"),
        ('warehouse = "/dev/null"', "warehouse: /dev/null is not a regular file"),
        ('working_dir = "data/exports/work"', "working_dir: "),
        ('working_dir = "roi.toml"', "working_dir: "),
        ('working_dir = "data/fx"\nwarehouse = "eurofxref-hist.csv"', "working_dir: "),
        (f'parquet_dir = "{FX}"', "parquet_dir: "),
        ('parquet_dir = "data/exports"', "is inside exports_dir"),
        (f'reports_dir = "{FX}"', "reports_dir: "),
        ('reports_dir = "data/exports/reports"', "reports_dir: "),
        (f'fx_rates_url = "https://example.org/"\nfx_rates = "data/fx"', "fx_rates: "),
        # Day counts, thresholds and waits past any sense (and past what date arithmetic holds).
        ("freshness_days = 0", "freshness_days: must be a whole number from 1 to 3650"),
        ("freshness_days = 9223372036854775807", "freshness_days: must be a whole number"),
        ('freshness_days = "2"', "freshness_days: must be a whole number"),
        ("contact_threshold = 10000000000", "contact_threshold: must be a whole number from 1 to 10000"),
        ("account: lookback_days = 99999999", "accounts[1].lookback_days: must be a whole number"),
        ("[api]\ntimeout_seconds = inf", "api.timeout_seconds: must be a number of seconds"),
        ("[api]\ntimeout_seconds = nan", "api.timeout_seconds: must be a number of seconds"),
        ("[api]\nmax_wait_seconds = 1e300", "api.max_wait_seconds: must be a number of seconds"),
        ('decline_threshold = "nan"', "decline_threshold: must be"),
        # Memory DuckDB would refuse, or could not run in.
        ('memory_limit = "0GB"', "memory_limit: '0GB' is too little"),
        ('memory_limit = "99999999999999999999TB"', "memory_limit: '99999999999999999999TB' is refused by DuckDB"),
        # Addresses: http(s) only, with a host.
        ('fx_rates_url = "file:///etc/passwd"', "fx_rates_url: 'file:///etc/passwd' is not an http"),
        ('account: api_base = "ftp://example.org"', "accounts[1].api_base: 'ftp://example.org'"),
        ('account: api_base = "https://"', "accounts[1].api_base: 'https://' is not"),
        ('account: token_url = "file:///tmp/token"', "accounts[1].token_url: 'file:///tmp/token'"),
        # Dates and names of the wrong type.
        ("history_start = 2026-01-01T00:00:00", "history_start: "),
        ("history_start = 0001-01-01", "history_start: 0001-01-01 must be between 1970-01-01 and today"),
        ("history_start = 2999-01-01", "history_start: 2999-01-01 must be between"),
        ("account: timezone = 5", "accounts[1].timezone: unknown timezone 5"),
        ('account: timezone = "../../../etc/passwd"', "accounts[1].timezone: unknown timezone"),
        ('warehouse = "data/ro\\u0000i.duckdb"', "warehouse: must be a path"),
    ],
)
def test_a_hostile_value_is_a_config_error_naming_file_and_key(tmp_path, setting, message):
    text = _with(setting)
    config = write(tmp_path, text)
    (tmp_path / EXPORT).write_text("Deal ID\n1\n", encoding="utf-8")
    before = _snapshot(tmp_path)
    with pytest.raises(ConfigError) as error:
        load_config(config)
    assert message in str(error.value)
    assert str(config) in str(error.value)
    assert _snapshot(tmp_path) == before
    assert not (tmp_path / "data" / ".roi-work").exists()


def test_an_empty_warehouse_file_and_an_existing_duckdb_one_are_accepted(tmp_path):
    import duckdb

    config = write(tmp_path, GOOD)
    (tmp_path / "data" / "roi.duckdb").write_bytes(b"")
    assert load_config(config).warehouse == tmp_path / "data" / "roi.duckdb"
    (tmp_path / "data" / "roi.duckdb").unlink()
    duckdb.connect(str(tmp_path / "data" / "roi.duckdb")).close()
    assert load_config(config).warehouse == tmp_path / "data" / "roi.duckdb"
