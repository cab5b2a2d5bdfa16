"""Real processes: an analyst reading while a run writes, runs killed with SIGKILL, two runs at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import duckdb

from tests.conftest import touch

ROI = Path(sys.executable).parent / "roi"
SEPTEMBER = ["--start", "2026-09-01", "--end", "2026-09-30"]
TOTALS = "SELECT sum(spend), sum(revenue), count(*) FROM marts.campaign_daily"


def env_for(config: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DAGSTER_HOME"}
    env["ROI_CONFIG"] = str(config)
    return env


def roi_run(config: Path, *days: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROI), "run", *(days or SEPTEMBER)], env=env_for(config), capture_output=True,
                          text=True, timeout=600)


def start_run(config: Path, *days: str) -> subprocess.Popen:
    return subprocess.Popen([str(ROI), "run", *(days or SEPTEMBER)], env=env_for(config), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def published_totals(path: Path):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(TOTALS).fetchone()


def restate(sample: Path) -> None:
    """A newer X export restating one day, so the next run changes the totals."""
    folder = sample / "data" / "exports" / "twitter" / "18ce54d4x5t"
    header = next(folder.glob("*.csv")).read_text(encoding="utf-8").splitlines()[0]
    newer = folder / "x_ads_restated_2026-10-05.csv"
    newer.write_text(header + "\nuk4p1,UK – restated,https://ads.x.com/c/uk4p1,2026-09-08,2026-08-18,2026-10-31,"
                     "999.99,1000,40,20,30,20,4.0%,0,0\n", encoding="utf-8")
    touch(newer, datetime(2026, 10, 5, 8, 0))


def add_big_export(sample: Path, rows: int = 3_000_000) -> None:
    """An X export of many campaign-days (written by DuckDB, so quickly), to make a run's load take a while."""
    path = sample / "data" / "exports" / "twitter" / "18ce54d4x5t" / "x_ads_big_2026-10-06.csv"
    with duckdb.connect() as con:
        con.execute(
            f"""COPY (SELECT 'big' || (i % 5000) AS "ID", 'Big campaign ' || (i % 5000) AS "Campaign",
                             DATE '2026-09-01' + CAST(i // 5000 % 30 AS INTEGER) AS "Time",
                             CAST((i % 997) / 100 AS DECIMAL(10,2)) AS "Spend", i % 1000 AS "Impressions",
                             i % 10 AS "Clicks"
                      FROM range({rows}) t(i)) TO '{path}' (HEADER, DELIMITER ',')"""
        )
    touch(path, datetime(2026, 10, 6, 8, 0))


ANALYST = textwrap.dedent(
    """
    import sys, duckdb
    path, query = sys.argv[1], sys.argv[2]
    con = duckdb.connect(path, read_only=True)
    print(repr(con.execute(query).fetchone()), flush=True)
    sys.stdin.readline()                      # the run happens meanwhile
    print(repr(con.execute(query).fetchone()), flush=True)
    con.close()
    print(repr(duckdb.connect(path, read_only=True).execute(query).fetchone()), flush=True)
    """
)


def test_an_analyst_holding_the_file_open_neither_blocks_a_run_nor_sees_half_of_it(sample):
    config = sample / "roi.toml"
    assert roi_run(config).returncode == 0
    warehouse = sample / "data" / "roi.duckdb"
    analyst = subprocess.Popen([sys.executable, "-c", ANALYST, str(warehouse), TOTALS], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    before = analyst.stdout.readline().strip()

    restate(sample)
    done = roi_run(config)  # while the analyst's connection is open
    assert done.returncode == 0, done.stderr

    analyst.stdin.write("go\n")
    analyst.stdin.flush()
    same_connection, next_connection = analyst.stdout.readline().strip(), analyst.stdout.readline().strip()
    assert analyst.wait(timeout=60) == 0
    assert same_connection == before  # a consistent snapshot, never a mix
    assert next_connection == repr(published_totals(warehouse)) != before  # the new data on the next connect


def _kill_when(process: subprocess.Popen, ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "the run ended before it could be killed: " + process.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.002)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=60) == -signal.SIGKILL


def test_a_run_killed_while_loading_leaves_the_analysts_file_as_it_was(sample):
    config = sample / "roi.toml"
    assert roi_run(config).returncode == 0
    warehouse = sample / "data" / "roi.duckdb"
    before_bytes, before = warehouse.read_bytes(), published_totals(warehouse)
    add_big_export(sample)
    working = sample / "data" / ".roi-work" / "roi.duckdb"
    size_before = working.stat().st_size
    run = start_run(config)
    # The big file's rows are being inserted: the working database grows, its transaction not yet committed.
    _kill_when(run, lambda: working.stat().st_size > size_before + 8_000_000)
    assert warehouse.read_bytes() == before_bytes
    assert published_totals(warehouse) == before

    _assert_next_run_counts_the_big_export_once(config, warehouse, working, before)


def test_a_run_killed_while_publishing_leaves_a_whole_file_and_the_next_run_its_working_copy(sample):
    config = sample / "roi.toml"
    assert roi_run(config).returncode == 0
    warehouse = sample / "data" / "roi.duckdb"
    before = published_totals(warehouse)
    add_big_export(sample)
    working = sample / "data" / ".roi-work" / "roi.duckdb"
    marker = working.parent / "roi.duckdb.unflushed"  # left by the last publication until a run starts
    assert marker.exists()
    run = start_run(config)
    started = {"run": False}

    def publishing() -> bool:
        """The run took the last copy over, and its own publication just wrote a new marker: the working file was
        moved over the analysts' file and is being copied back for the next run."""
        started["run"] = started["run"] or not marker.exists()
        return started["run"] and marker.exists()

    _kill_when(run, publishing)
    at_kill = published_totals(warehouse)  # whole: the old file or the new one, never a part

    after = _assert_next_run_counts_the_big_export_once(config, warehouse, working, before)
    assert at_kill in (before, after)


def _assert_next_run_counts_the_big_export_once(config: Path, warehouse: Path, working: Path, before):
    again = roi_run(config)
    assert again.returncode == 0, again.stderr
    after = published_totals(warehouse)
    spend, _, rows = after
    assert rows > before[2] and spend > before[0]  # the big export's rows are in, and counted once
    with duckdb.connect(str(working), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.twitter_ads WHERE source LIKE '%big%'").fetchone() == (3_000_000,)
        assert con.execute(
            "SELECT count(*) FROM (SELECT 1 FROM marts.campaign_daily GROUP BY date, channel, account_id, campaign_id "
            "HAVING count(*) > 1)").fetchone() == (0,)
        assert con.execute(TOTALS).fetchone() == after
    return after


def test_two_runs_at_once_both_finish_and_nothing_is_corrupted(sample):
    config = sample / "roi.toml"
    first, second = start_run(config), start_run(config)
    outputs = [process.communicate(timeout=600) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert sum("waiting: the warehouse is being written by another run of pid" in err for _, err in outputs) == 1
    once = published_totals(sample / "data" / "roi.duckdb")
    assert roi_run(config).returncode == 0
    assert published_totals(sample / "data" / "roi.duckdb") == once
