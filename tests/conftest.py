"""Shared fixtures: a fresh copy of the bundled sample, real DuckDB files, real Dagster runs."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from connectors.channels import EXPORT_FORMATS
from connectors.crm.export import CRM_EXPORT
from connectors.ecb.reference_rates import detect_rates_layout
from pipelines.config import RoiConfig, load_config
from pipelines.runs import materialize_days, run_problems
from warehouse.exports import SETTLE_SECONDS, AccountExportSettings, SyncReport, find_export_files, sync_exports
from warehouse.fx import load_fx_rates
from warehouse.schema import AD_TABLES, ensure_schema

REPO = Path(__file__).resolve().parent.parent
SEPTEMBER = (date(2026, 9, 1), date(2026, 9, 30))


def load_script(relative: str):
    """A script of the repo that is not a package module (sample/build_sample.py, bench/exportgen.py)."""
    path = REPO / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The bundled sample written afresh into a temp folder, with its files' download times."""
    load_script("sample/build_sample.py").build(tmp_path / "sample")
    return tmp_path / "sample"


@pytest.fixture
def expected(sample: Path) -> dict:
    return json.loads((sample / "expected.json").read_text(encoding="utf-8"))


@dataclass
class PipelineRun:
    result: dg.ExecuteInProcessResult
    problems: list[str]
    config: RoiConfig

    def query(self, sql: str, params=None) -> list[tuple]:
        """Ask the pipeline's working database (what the run wrote, published or not)."""
        with duckdb.connect(str(self.config.working_database), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def query_published(self, sql: str, params=None) -> list[tuple]:
        """Ask the analysts' file."""
        with duckdb.connect(str(self.config.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def settle_exports(config: Path | RoiConfig) -> None:
    """The export files a test just wrote, as if dropped over a minute ago: no run reads a file modified within
    SETTLE_SECONDS (their order by modification time stays)."""
    try:
        exports = (config if isinstance(config, RoiConfig) else load_config(config)).exports_dir
    except Exception:  # a config the test means to be wrong: the run says why
        return
    recent = time.time() - SETTLE_SECONDS - 1
    for path in exports.rglob("*") if exports.is_dir() else ():
        if path.is_file() and (stat := path.stat()).st_mtime > recent:
            os.utime(path, (stat.st_atime, stat.st_mtime - SETTLE_SECONDS - 1))


def run_pipeline(
    config_path: Path, start: date = SEPTEMBER[0], end: date = SEPTEMBER[1], settle: bool = True
) -> PipelineRun:
    if settle:
        settle_exports(config_path)
    config = load_config(config_path)
    with dg.DagsterInstance.ephemeral() as instance:
        result = materialize_days(config, start, end, instance)
        return PipelineRun(result, run_problems(result), config)


# The console script installed beside this interpreter (the project's virtual environment).
ROI = Path(sys.executable).parent / "roi"


def roi(*args: str, config: Path, home: Path | None = None, settle: bool = True) -> subprocess.CompletedProcess:
    """The `roi` command run as a user runs it, in its own process, with the config in ROI_CONFIG (with `settle`,
    the export files just written as if dropped a minute ago)."""
    if settle:
        settle_exports(config)
    env = {**os.environ, "ROI_CONFIG": str(config)}
    env.pop("DAGSTER_HOME", None)
    if home:
        env["DAGSTER_HOME"] = str(home)
    return subprocess.run([str(ROI), *args], env=env, capture_output=True, text=True, timeout=300)


def touch(path: Path, moment: datetime) -> None:
    stamp = moment.replace(tzinfo=timezone.utc).timestamp()
    os.utime(path, (stamp, stamp))


# --- Loading single export files, for the parser tests -------------------------------------------------------------

ECB_HEADER = "Date,USD,JPY,BGN,CZK,DKK,GBP,HUF,PLN,RON,SEK,CHF,"


@dataclass
class LoadedExport:
    report: SyncReport
    rows: list[dict]


def settled_now() -> datetime:
    """The time (naive UTC) of a run a minute from now, when the files just written have settled."""
    return datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(seconds=SETTLE_SECONDS)


def load_export(
    tmp_path: Path, channel: str, filename: str, content: bytes, account_currency: str = "EUR", account_id: str = "123",
    conversion_action_types: tuple[str, ...] = (),
) -> LoadedExport:
    """Write one export file as a marketer would drop it, load it into a real DuckDB file, return its raw rows (the
    account's config: its currency and, for Meta, its conversion_action_types). The file is read as a run a minute
    later would read it (once it has settled)."""
    exports = tmp_path / "exports"
    folder = exports / channel / account_id if channel != "crm" else exports / "crm"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / filename).write_bytes(content)
    settled = settled_now()
    rates = tmp_path / "eurofxref-hist.csv"
    rates.write_text(
        ECB_HEADER + "\n2026-09-01,1.1650,172.45,N/A,24.512,7.4630,0.86230,395.10,4.2630,5.0765,11.0450,0.9350,\n",
        encoding="utf-8",
    )
    with duckdb.connect(str(tmp_path / "parse.duckdb")) as con:
        ensure_schema(con)
        load_fx_rates(con, detect_rates_layout(rates))
        if channel == "crm":
            scan = find_export_files(exports, "crm", per_account=False)
            report = sync_exports(con, scan, "crm", "raw.crm_deals", CRM_EXPORT, None, settled)
            table = "raw.crm_deals"
        else:
            scan = find_export_files(exports, channel, per_account=True)
            table = AD_TABLES[channel]
            account = AccountExportSettings(account_currency, conversion_action_types)
            report = sync_exports(con, scan, channel, table, EXPORT_FORMATS[channel], {account_id: account},
                                  settled)
        cursor = con.execute(f"SELECT * FROM {table} ORDER BY source, line")
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    return LoadedExport(report, rows)


def utf16(text: str) -> bytes:
    """UTF-16 LE with a byte-order mark and CRLF line ends, as LinkedIn and Google Ads' "Excel .csv" write."""
    return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")
