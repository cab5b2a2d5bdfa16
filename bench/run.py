"""Run the benchmarks of issue 6 and write docs/BENCHMARKS.md.

    .venv/bin/python bench/run.py --rows 10000000 --repeat 3

Generates the dataset with bench/generate.py (or reuses it when ``<data>/totals.json`` matches), then measures, each
figure ``--repeat`` times and each repetition in a fresh process where process state matters:

1. Backfill of the whole period: the pipeline (``materialize_days``, what ``roi run`` does) against DuckDB's bare
   ``read_csv`` of the same files into tables (the limit) and against pandas ``read_csv`` + DuckDB insert.
2. Daily run (one day plus a 28-day restatement window, with a new download per account for those days) on a
   warehouse holding 1 month of history and on one holding the whole period.
3. Peak RSS of the backfill (``ru_maxrss`` of the worker process).
4. Fixed cost: ``roi run`` (the console script) for one day of tiny data against a trivial one-asset
   ``dg.materialize`` in a fresh interpreter.
5. Analyst queries on the published warehouse (read-only).

No timing is asserted anywhere: this is a report, not a test. Internal mode ``--worker NAME ARGS_JSON`` runs one
measurement and prints one JSON line.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PYTHON = sys.executable
MARK = "@@RESULT "
DAILY_WINDOW = 28  # Meta's restatement window, the longest of the four platforms' defaults
GOALS = {
    "backfill": "at most 2x the bare DuckDB read_csv time",
    "daily": "3-year daily run at most 1.5x the 1-month daily run",
    "rss": "under 1.5 GB for the 10-million-row backfill",
    "fixed": "at most 1.5x a trivial one-asset Dagster run",
    "queries": "each under 0.5 s",
}


# ---------------------------------------------------------------------------------------------------------------------
# Workers (run in a fresh process each)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_pipeline(args: dict) -> dict:
    """materialize_days over start..end, as `roi run` does; per-step durations from the run's event log."""
    t_import = time.perf_counter()
    import dagster as dg

    from pipelines.config import load_config
    from pipelines.runs import materialize_days, run_problems

    imported = time.perf_counter() - t_import
    gc.freeze()  # as `roi` does (pipelines/cli.py)
    config = load_config(Path(args["config"]))
    start, end = date.fromisoformat(args["start"]), date.fromisoformat(args["end"])
    with dg.DagsterInstance.ephemeral() as instance:
        began = time.perf_counter()
        result = materialize_days(config, start, end, instance)
        seconds = time.perf_counter() - began
        problems = run_problems(result)
        steps: dict[str, float] = {}
        opened: dict[str, float] = {}
        for entry in instance.all_logs(result.run_id):
            event = entry.dagster_event
            if event is None or not event.step_key:
                continue
            if event.event_type == dg.DagsterEventType.STEP_START:
                opened[event.step_key] = entry.timestamp
            elif event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
                if event.step_key in opened:
                    steps[event.step_key] = round(entry.timestamp - opened[event.step_key], 3)
    return {"seconds": seconds, "import_seconds": imported, "success": result.success and not problems,
            "problems": problems[:5], "steps": steps, "rss_mb": _rss_mb()}  # fmt: skip


def _layouts(data: Path) -> dict[tuple[str, str], list[Path]]:
    """Export files grouped by format variant (same encoding, delimiter, preamble, header)."""
    groups: dict[tuple[str, str], list[Path]] = {}
    exports = data / "data" / "exports"
    for channel in ("linkedin", "twitter", "facebook", "youtube"):
        for path in sorted((exports / channel).rglob("*.csv")):
            head = path.open("rb").read(400)
            utf16 = head.startswith(b"\xff\xfe")
            if channel == "linkedin":
                text = head.decode("utf-16-le", "replace")
                variant = "nl" if "Rapport" in text else "en"
            elif channel == "facebook":
                variant = "fr" if b";" in head.split(b"\n")[0] else "en"
                money = re.search(rb"\((EUR|GBP|USD)\)", head)  # the currency is in Meta's header
                variant += "_" + (money.group(1).decode() if money else "x")
            else:
                variant = "utf16" if utf16 else "utf8"
            groups.setdefault((channel, variant), []).append(path)
    return groups


# (encoding, delimiter, lines before the header, decimal separator, thousands separator)
FORMATS = {
    ("linkedin", "en"): ("utf-16", "\t", 5, ".", None),
    ("linkedin", "nl"): ("utf-16", "\t", 5, ",", "."),
    ("twitter", "utf8"): ("utf-8", ",", 0, ".", None),
    ("twitter", "utf16"): ("utf-16", "\t", 0, ".", None),
    ("facebook", "en"): ("utf-8", ",", 0, ".", None),
    ("facebook", "fr"): ("utf-8", ";", 0, ",", "\u00a0"),
    ("youtube", "utf8"): ("utf-8", ",", 2, ".", ","),
    ("youtube", "utf16"): ("utf-16", "\t", 2, ".", ","),
}


def worker_duckdb_bare(args: dict) -> dict:
    """The limit: DuckDB's own read_csv of every export file into a table per format variant, as fast as DuckDB
    reads them: the dialect given, the column types sniffed once from the variant's first file, every file then read
    without sniffing (DuckDB sniffs each file of a list otherwise, which costs more than reading them)."""
    import duckdb

    data, db = Path(args["data"]), Path(args["db"])
    db.unlink(missing_ok=True)
    groups = _layouts(data)
    began = time.perf_counter()
    rows = 0
    fallbacks = []
    with duckdb.connect(str(db)) as con:
        for (channel, variant), files in groups.items():
            encoding, delim, skip, decimal, _ = FORMATS[(channel, variant.split("_")[0])]
            table = f"{channel}_{variant}"
            dialect = dict(encoding=encoding, delim=delim, skip=skip, header=True, decimal_separator=decimal)
            sniffed = con.execute(
                f"SELECT Columns FROM sniff_csv(?, {', '.join(f'{k} = ?' for k in dialect)})",
                [str(files[0]), *dialect.values()],
            ).fetchone()[0]
            options = {**dialect, "quote": '"', "escape": '"', "auto_detect": False}
            opts = ", ".join(f"{k} = ?" for k in options)
            paths = [str(f) for f in files]
            typed = {column["name"]: column["type"] for column in sniffed}
            try:
                con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, {opts}, columns = ?)",
                            [paths, *options.values(), typed])  # fmt: skip
            except duckdb.Error:
                # Types sniffed from the first file that a later file breaks: read as text (still DuckDB's reader).
                fallbacks.append(table)
                con.execute(f"DROP TABLE IF EXISTS {table}")
                con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, {opts}, columns = ?)",
                            [paths, *options.values(), {name: "VARCHAR" for name in typed}])  # fmt: skip
            rows += con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    seconds = time.perf_counter() - began
    db.unlink(missing_ok=True)
    return {"seconds": seconds, "rows": rows, "varchar_fallback": fallbacks, "rss_mb": _rss_mb()}


def worker_pandas(args: dict) -> dict:
    """pandas read_csv of each file (typed, with the format's separators) and a DuckDB insert of the frame."""
    import duckdb
    import pandas as pd

    data, db = Path(args["data"]), Path(args["db"])
    db.unlink(missing_ok=True)
    groups = _layouts(data)
    began = time.perf_counter()
    rows = 0
    with duckdb.connect(str(db)) as con:
        for (channel, variant), files in groups.items():
            encoding, delim, skip, decimal, thousands = FORMATS[(channel, variant.split("_")[0])]
            table = f"{channel}_{variant}"
            for path in files:
                frame = pd.read_csv(path, encoding="utf-16" if encoding == "utf-16" else "utf-8-sig", sep=delim,
                                    skiprows=skip, decimal=decimal, thousands=thousands)  # fmt: skip
                frame = frame.astype({c: str for c in frame.columns if frame[c].dtype == object})
                con.register("frame", frame)
                con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM frame LIMIT 0")
                try:
                    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame")
                except duckdb.Error:
                    con.execute(f"ALTER TABLE {table} RENAME TO {table}_old")
                    con.execute(f"CREATE TABLE {table} AS SELECT * FROM {table}_old LIMIT 0")
                    for column in frame.columns:
                        con.execute(f'ALTER TABLE {table} ALTER "{column}" TYPE VARCHAR')
                    con.execute(f"INSERT INTO {table} SELECT * FROM {table}_old")
                    con.execute(f"DROP TABLE {table}_old")
                    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame")
                con.unregister("frame")
                rows += len(frame)
    seconds = time.perf_counter() - began
    db.unlink(missing_ok=True)
    return {"seconds": seconds, "rows": rows, "rss_mb": _rss_mb()}


def worker_trivial_dagster(args: dict) -> dict:
    t_import = time.perf_counter()
    import dagster as dg

    imported = time.perf_counter() - t_import

    @dg.asset
    def one() -> int:
        return 1

    began = time.perf_counter()
    result = dg.materialize([one])
    return {"seconds": time.perf_counter() - began, "import_seconds": imported, "success": result.success,
            "rss_mb": _rss_mb()}  # fmt: skip


QUERIES = {
    "ROI by market and channel, a quarter (marts.roi_between)":
        "SELECT * FROM marts.roi_between(DATE '{q1}', DATE '{q2}')",
    "Global rollup, a quarter (marts.global_roi_between)":
        "SELECT * FROM marts.global_roi_between(DATE '{q1}', DATE '{q2}')",
    "Global rollup, whole history (marts.global_roi_between)":
        "SELECT * FROM marts.global_roi_between(DATE '{h1}', DATE '{q2}')",
    "Local versus global, one month (marts.local_vs_global)":
        "SELECT * FROM marts.local_vs_global WHERE month = DATE '{m1}'",
}  # fmt: skip


def worker_queries(args: dict) -> dict:
    """Each analyst query on a fresh read-only connection, timed to the last row fetched."""
    import duckdb

    out = {}
    for label, sql in QUERIES.items():
        sql = sql.format(**args["dates"])
        with duckdb.connect(args["warehouse"], read_only=True) as con:
            began = time.perf_counter()
            rows = con.execute(sql).fetchall()
            out[label] = {"seconds": time.perf_counter() - began, "rows": len(rows)}
    return out


WORKERS = {
    "pipeline": worker_pipeline,
    "duckdb_bare": worker_duckdb_bare,
    "pandas": worker_pandas,
    "trivial_dagster": worker_trivial_dagster,
    "queries": worker_queries,
}


# ---------------------------------------------------------------------------------------------------------------------
# Driver


def in_fresh_process(name: str, args: dict, env: dict | None = None) -> dict:
    began = time.perf_counter()
    proc = subprocess.run([PYTHON, __file__, "--worker", name, json.dumps(args)], cwd=REPO, capture_output=True,
                          text=True, env={**os.environ, **(env or {})})  # fmt: skip
    wall = time.perf_counter() - began
    line = next((ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith(MARK)), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"worker {name} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    result = json.loads(line[len(MARK):])
    result["wall_seconds"] = wall
    return result


def timed_command(argv: list[str], env: dict) -> dict:
    """Wall time and peak RSS of a command (GNU time when present)."""
    began = time.perf_counter()
    proc = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, env={**os.environ, **env})
    wall = time.perf_counter() - began
    return {"seconds": wall, "returncode": proc.returncode, "stderr": proc.stderr[-2000:]}


def say(text: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)


def stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def bench_config(data: Path, name: str, exports: str = "exports", extra: str = "") -> Path:
    """A copy of the dataset's roi.toml with absolute paths and its own warehouse folder `<data>/runs/<name>`."""
    text = (data / "roi.toml").read_text(encoding="utf-8")
    folder = data / "runs" / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    text = (
        text.replace('warehouse = "data/roi.duckdb"', f'warehouse = "{folder / "roi.duckdb"}"\nworking_dir = "{folder / "work"}"')
        .replace('exports_dir = "data/exports"', f'exports_dir = "{data / "data" / exports}"')
        .replace('fx_rates = "data/fx/eurofxref-hist.csv"', f'fx_rates = "{data / "data" / "fx" / "eurofxref-hist.csv"}"')
    )  # fmt: skip
    path = folder / "roi.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def reset_warehouse(config: Path) -> None:
    folder = config.parent
    for child in folder.iterdir():
        if child != config:
            shutil.rmtree(child) if child.is_dir() else child.unlink()


def ensure_dataset(root: Path, rows: int, years: float) -> dict:
    import generate

    totals_file = root / "totals.json"
    if totals_file.exists():
        totals = json.loads(totals_file.read_text(encoding="utf-8"))
        if totals.get("plan", {}).get("rows") == rows:
            say(f"reusing the dataset in {root}")
            return totals
    say(f"generating {rows:,} rows over {years} years into {root}")
    return generate.generate(root, rows, years)


def month_subset(data: Path, totals: dict) -> None:
    """`data/exports_1m`: hard links to the exports covering the last month, and CRM deals of that month only."""
    end = date.fromisoformat(totals["period"]["end"])
    first = end.replace(day=1)
    src, dst = data / "data" / "exports", data / "data" / "exports_1m"
    if dst.exists():
        shutil.rmtree(dst)
    for path in src.rglob("*.csv"):
        relative = path.relative_to(src)
        target = dst / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative.parts[0] == "crm":
            with path.open(encoding="utf-8") as inp, target.open("w", encoding="utf-8", newline="") as out:
                for number, line in enumerate(inp):
                    if number == 0 or line.split(",", 2)[1] >= first.isoformat():
                        out.write(line)
            stat = path.stat()
            os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            continue
        # file names carry <first>-<last>_<downloaded>
        span = path.stem.split("_")[-2] if relative.parts[0] != "facebook" else path.stem.split("-Campaigns-")[1].split("_")[0]
        last = datetime.strptime(span.split("-")[-1], "%Y%m%d").date()
        if last >= first:
            os.link(path, target)


def machine() -> dict:
    import dagster
    import duckdb
    import pandas

    meminfo = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines() if ":" in line)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(int(meminfo["MemTotal"].split()[0]) / 1024**2, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "dagster": dagster.__version__,
        "pandas": pandas.__version__,
        "os": platform.platform(),
    }


def run_all(args: argparse.Namespace, save=lambda report: None) -> dict:
    data = args.data or Path(f"/tmp/roi-bench/{args.rows}")
    data = data.resolve()
    totals = ensure_dataset(data, args.rows, args.years)
    start, end = totals["period"]["start"], totals["period"]["end"]
    end_day = date.fromisoformat(end)
    k = args.repeat
    report: dict = {"machine": machine(), "dataset": {**{key: totals[key] for key in (
        "period", "accounts", "campaigns", "final_rows", "export_rows", "files", "bytes", "seconds",
        "rows_per_second")}, "path": str(data)}, "repeat": k}  # fmt: skip
    only = set(args.only.split(",")) if args.only else None

    def wanted(name: str) -> bool:
        return only is None or name in only

    # 1 + 3. Backfill and its peak memory, with its references.
    big = bench_config(data, "backfill") if wanted("backfill") or wanted("daily") or wanted("queries") else None
    if wanted("backfill"):
        runs, bare, pandas_runs = [], [], []
        for i in range(k):
            say(f"backfill {i + 1}/{k}: DuckDB bare read_csv")
            bare.append(in_fresh_process("duckdb_bare", {"data": str(data), "db": str(data / "runs" / "bare.duckdb")}))
            if not args.skip_pandas:
                say(f"backfill {i + 1}/{k}: pandas read_csv + insert")
                pandas_runs.append(in_fresh_process("pandas", {"data": str(data), "db": str(data / "runs" / "pd.duckdb")}))
            say(f"backfill {i + 1}/{k}: the pipeline")
            reset_warehouse(big)
            runs.append(in_fresh_process("pipeline", {"config": str(big), "start": start, "end": end}))
            say(f"  pipeline {runs[-1]['seconds']:.1f} s, bare {bare[-1]['seconds']:.1f} s, success {runs[-1]['success']}")
        report["backfill"] = {"pipeline": runs, "duckdb_bare": bare, "pandas": pandas_runs}
        save(report)
    elif big is not None and not (big.parent / "work").exists():
        say("preparing the 3-year warehouse")
        in_fresh_process("pipeline", {"config": str(big), "start": start, "end": end})

    # 2. Daily run: 1 month vs the whole period loaded.
    if wanted("daily"):
        first = (end_day - timedelta(days=DAILY_WINDOW)).isoformat()
        month_subset(data, totals)
        small = bench_config(data, "month", exports="exports_1m", extra="")
        small_text = small.read_text(encoding="utf-8").replace(
            f'history_start = "{start}"', f'history_start = "{end_day.replace(day=1) - timedelta(days=DAILY_WINDOW)}"')
        small.write_text(small_text, encoding="utf-8")
        say("daily: preparing the 1-month warehouse")
        prep = in_fresh_process("pipeline", {"config": str(small), "start": end_day.replace(day=1).isoformat(), "end": end})
        if not prep["success"]:
            say(f"  1-month preparation problems: {prep['problems']}")
        snapshots = {}
        for name, config in (("1 month", small), ("3 years", big)):
            snap = config.parent.parent / f"{config.parent.name}-snapshot"
            if snap.exists():
                shutil.rmtree(snap)
            shutil.copytree(config.parent, snap)
            snapshots[name] = (config, snap)
        import generate

        drop_time = datetime.combine(end_day + timedelta(days=20), datetime.min.time())
        drops = generate.write_daily_drop(data, date.fromisoformat(first), end_day, drop_time)
        links = []
        for path in drops:
            target = data / "data" / "exports_1m" / path.relative_to(data / "data" / "exports")
            os.link(path, target)
            links.append(target)
        daily: dict[str, list] = {"1 month": [], "3 years": []}
        try:
            for i in range(k):
                for name, (config, snap) in snapshots.items():
                    shutil.rmtree(config.parent)
                    shutil.copytree(snap, config.parent)
                    os.sync()  # the restored copy's write-back belongs to the restore, not to the timed run
                    say(f"daily {i + 1}/{k}: {name}")
                    daily[name].append(in_fresh_process("pipeline", {"config": str(config), "start": first, "end": end}))
                    say(f"  {daily[name][-1]['seconds']:.1f} s, success {daily[name][-1]['success']}")
        finally:
            for path in drops + links:
                path.unlink(missing_ok=True)
            for name, (config, snap) in snapshots.items():  # leave the warehouses as the backfill made them
                shutil.rmtree(config.parent)
                shutil.copytree(snap, config.parent)
                shutil.rmtree(snap)
        report["daily"] = {"window_days": DAILY_WINDOW, "first": first, "last": end, "drop_files": len(drops),
                           "runs": daily}  # fmt: skip
        save(report)

    # 4. Fixed cost.
    if wanted("fixed"):
        import generate

        tiny = data.parent / "tiny"
        generate.generate(tiny, rows=40, years=1 / 365.25, end=end_day, accounts_per_channel=1, processes=1,
                          quiet=True)  # fmt: skip
        tiny_config = bench_config(tiny, "fixed")
        trivial_proc = []
        roi_cli, roi_in = [], []
        for i in range(k):
            say(f"fixed cost {i + 1}/{k}")
            reset_warehouse(tiny_config)
            cli = timed_command([str(Path(PYTHON).parent / "roi"), "run", "--start", end, "--end", end],
                                {"ROI_CONFIG": str(tiny_config)})  # fmt: skip
            if cli["returncode"] != 0:
                say(f"  roi run exit {cli['returncode']}: {cli['stderr'][-500:]}")
            roi_cli.append(cli)
            reset_warehouse(tiny_config)
            roi_in.append(in_fresh_process("pipeline", {"config": str(tiny_config), "start": end, "end": end}))
            trivial = in_fresh_process("trivial_dagster", {})
            trivial_proc.append(trivial)
        report["fixed"] = {"roi_run_cli": roi_cli, "roi_in_process": roi_in, "trivial": trivial_proc}
        save(report)

    # 5. Analyst queries on the published warehouse.
    if wanted("queries"):
        warehouse = big.parent / "roi.duckdb"
        q2 = end_day
        q1 = date(q2.year, ((q2.month - 1) // 3) * 3 + 1, 1)
        dates = {"q1": q1.isoformat(), "q2": q2.isoformat(), "h1": start, "m1": end_day.replace(day=1).isoformat()}
        results = [in_fresh_process("queries", {"warehouse": str(warehouse), "dates": dates}) for _ in range(k)]
        report["queries"] = {"dates": dates, "runs": results,
                             "warehouse_bytes": warehouse.stat().st_size if warehouse.exists() else None}  # fmt: skip
    return report


# ---------------------------------------------------------------------------------------------------------------------
# The report


def fmt_s(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def trio(values: list[float], unit=fmt_s) -> str:
    s = stats(values)
    return f"**{unit(s['median'])}** ({unit(s['min'])} – {unit(s['max'])})"


def markdown(report: dict, previous: str = "") -> str:
    m, d = report["machine"], report["dataset"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `bench/run.py` (issue 6); regenerate with the command in [bench/README.md](../bench/README.md).",
        f"Each figure: **median** (min – max) of {report['repeat']} runs, each in a fresh process. Measured "
        f"{datetime.now():%Y-%m-%d %H:%M}.",
        "",
        "## Machine",
        "",
        f"- {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB memory",
        f"- Python {m['python']}, DuckDB {m['duckdb']}, Dagster {m['dagster']}, pandas {m['pandas']}",
        f"- {m['os']}",
        "",
        "## Data",
        "",
        f"- {d['period']['start']} to {d['period']['end']} ({d['period']['days']} days), {d['accounts']} accounts "
        f"over the four channels, {d['campaigns']:,} campaigns",
        f"- **{d['final_rows']:,} final campaign-day rows**; {d['export_rows']:,} export rows including the "
        f"restated days written twice; {d['files']:,} files, {d['bytes'] / 1e6:,.0f} MB",
        f"- generated by `bench/generate.py` in {d['seconds']} s ({d['rows_per_second']:,} rows/s on "
        f"{m['cores']} processes)",
        "",
    ]
    verdicts = []
    rows_total = d["export_rows"]

    if "backfill" in report:
        b = report["backfill"]
        pipe = [r["seconds"] for r in b["pipeline"]]
        bare = [r["seconds"] for r in b["duckdb_bare"]]
        pan = [r["seconds"] for r in b["pandas"]]
        ratio = statistics.median(pipe) / statistics.median(bare)
        ok = ratio <= 2
        lines += [
            "## 1. Backfill of the whole period",
            "",
            "| what | time | rows/s (median) |",
            "|---|---|---|",
            f"| pipeline (`materialize_days`, what `roi run` runs), all assets and checks | {trio(pipe)} | "
            f"{rows_total / statistics.median(pipe):,.0f} |",
            f"| DuckDB bare `read_csv` of the same files into tables (the limit) | {trio(bare)} | "
            f"{rows_total / statistics.median(bare):,.0f} |",
        ]
        if pan:
            lines.append(f"| pandas `read_csv` + DuckDB insert, file by file | {trio(pan)} | "
                         f"{rows_total / statistics.median(pan):,.0f} |")  # fmt: skip
        fallback = b["duckdb_bare"][0].get("varchar_fallback")
        lines += [
            "",
            f"Pipeline / bare DuckDB: **{ratio:.1f}x**. Goal ({GOALS['backfill']}): "
            f"**{'met' if ok else 'not met'}**.",
            "",
        ]
        if fallback:
            lines += [f"(Bare read: {', '.join(fallback)} read as text: sniffed types broken by a later file.)", ""]
        steps = b["pipeline"][-1]["steps"]
        if steps:
            total = sum(steps.values())
            lines += ["Where the pipeline's time goes (last run, Dagster step durations):", "",
                      "| step | seconds | share |", "|---|---|---|"]  # fmt: skip
            for key, value in sorted(steps.items(), key=lambda kv: -kv[1])[:12]:
                lines.append(f"| `{key}` | {value:.1f} | {value / total:.0%} |")
            lines.append("")
        if not all(r["success"] for r in b["pipeline"]):
            lines += [f"Problems reported by the run: {b['pipeline'][-1]['problems']}", ""]
        verdicts.append(("Backfill ≤ 2x bare DuckDB", ok, f"{ratio:.1f}x"))

        rss = [r["rss_mb"] for r in b["pipeline"]]
        ref_rss = [r["rss_mb"] for r in b["duckdb_bare"]]
        pan_rss = [r["rss_mb"] for r in b["pandas"]]
        rss_ok = statistics.median(rss) < 1536
        mb = lambda v: f"{v:,.0f} MB"  # noqa: E731
        lines += [
            "## 3. Peak memory (RSS) of the backfill",
            "",
            "| what | peak RSS |",
            "|---|---|",
            f"| pipeline backfill | {trio(rss, mb)} |",
            f"| DuckDB bare `read_csv` | {trio(ref_rss, mb)} |",
        ]
        if pan_rss:
            lines.append(f"| pandas + insert | {trio(pan_rss, mb)} |")
        lines += ["", f"Goal ({GOALS['rss']}): **{'met' if rss_ok else 'not met'}** "
                  f"(at {d['final_rows']:,} rows).", ""]  # fmt: skip
        verdicts.append(("Backfill peak RSS < 1.5 GB", rss_ok, mb(statistics.median(rss))))

    if "daily" in report:
        dl = report["daily"]
        one = [r["seconds"] for r in dl["runs"]["1 month"]]
        three = [r["seconds"] for r in dl["runs"]["3 years"]]
        ratio = statistics.median(three) / statistics.median(one)
        ok = ratio <= 1.5
        lines += [
            "## 2. Daily run",
            "",
            f"One run over {dl['first']}..{dl['last']} (yesterday plus a {dl['window_days']}-day restatement window, "
            f"Meta's default), after a new download per account for those days ({dl['drop_files']} files, final "
            "numbers). Only the daily run is timed; the warehouse is restored from a snapshot before each.",
            "",
            "| history loaded | daily run |",
            "|---|---|",
            f"| 1 month | {trio(one)} |",
            f"| {d['period']['days'] // 365} years | {trio(three)} |",
            "",
            f"3 years / 1 month: **{ratio:.2f}x**. Goal ({GOALS['daily']}): **{'met' if ok else 'not met'}**.",
            "",
        ]
        for name in ("1 month", "3 years"):
            steps = dl["runs"][name][-1]["steps"]
            if steps:
                top = sorted(steps.items(), key=lambda kv: -kv[1])[:6]
                lines.append(f"- slowest steps, {name}: " + ", ".join(f"`{k}` {v:.1f} s" for k, v in top))
        lines.append("")
        verdicts.append(("Daily run, 3 years ≤ 1.5x 1 month", ok, f"{ratio:.2f}x"))

    if "fixed" in report:
        f = report["fixed"]
        cli = [r["seconds"] for r in f["roi_run_cli"]]
        inproc = [r["seconds"] for r in f["roi_in_process"]]
        triv_wall = [r["wall_seconds"] for r in f["trivial"]]
        triv_in = [r["seconds"] for r in f["trivial"]]
        pipe_wall = [r["wall_seconds"] for r in f["roi_in_process"]]
        imports = [r["import_seconds"] for r in f["roi_in_process"]]
        triv_imports = [r["import_seconds"] for r in f["trivial"]]
        ratio = statistics.median(cli) / statistics.median(triv_wall)
        ratio_in = statistics.median(inproc) / statistics.median(triv_in)
        ok = ratio <= 1.5
        lines += [
            "## 4. Fixed cost: one day of tiny data",
            "",
            "| what | whole process | of which the run itself |",
            "|---|---|---|",
            f"| `roi run --start D --end D` (console script, 4 accounts) | {trio(cli)} | — |",
            f"| the same run through `materialize_days` in a fresh interpreter | {trio(pipe_wall)} | {trio(inproc)} |",
            f"| trivial one-asset `dg.materialize` in a fresh interpreter (the floor) | {trio(triv_wall)} | "
            f"{trio(triv_in)} |",
            "",
            f"Imports: pipeline {statistics.median(imports):.1f} s, bare Dagster {statistics.median(triv_imports):.1f} s.",
            f"`roi run` / floor, whole process: **{ratio:.1f}x**; the run alone / floor's run alone: "
            f"**{ratio_in:.1f}x**. Goal ({GOALS['fixed']}): **{'met' if ok else 'not met'}**.",
            "",
        ]
        steps = f["roi_in_process"][-1]["steps"]
        if steps:
            top = sorted(steps.items(), key=lambda kv: -kv[1])[:8]
            lines += [f"- {len(steps)} steps; slowest: " + ", ".join(f"`{k}` {v:.2f} s" for k, v in top), ""]
        verdicts.append(("Fixed cost ≤ 1.5x trivial Dagster run", ok, f"{ratio:.1f}x"))

    if "queries" in report:
        q = report["queries"]
        lines += [
            "## 5. Analyst queries on the published warehouse",
            "",
            f"Read-only, a fresh connection per query; quarter {q['dates']['q1']}..{q['dates']['q2']}, month "
            f"{q['dates']['m1']}. Warehouse file: "
            f"{(q['warehouse_bytes'] or 0) / 1e6:,.0f} MB.",
            "",
            "| query | time | rows |",
            "|---|---|---|",
        ]
        all_ok = True
        slowest = 0.0
        for label in QUERIES:
            values = [r[label]["seconds"] for r in q["runs"]]
            all_ok &= statistics.median(values) < 0.5
            slowest = max(slowest, statistics.median(values))
            lines.append(f"| {label} | {trio(values, lambda v: f'{v * 1000:.0f} ms')} | {q['runs'][0][label]['rows']} |")
        lines += ["", f"Goal ({GOALS['queries']}): **{'met' if all_ok else 'not met'}**.", ""]
        verdicts.append(("Analyst queries < 0.5 s", all_ok, f"slowest {slowest * 1000:.0f} ms"))

    summary = ["## Goals", "", "| goal | measured | met |", "|---|---|---|"]
    summary += [f"| {goal} | {value} | {'yes' if ok else '**no**'} |" for goal, ok, value in verdicts]
    lines[lines.index("## Data"):lines.index("## Data")] = summary + [""]
    return "\n".join(lines) + previous


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmarks of issue 6; writes docs/BENCHMARKS.md")
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=None, help="dataset folder (default /tmp/roi-bench/<rows>)")
    parser.add_argument("--only", default=None, help="comma-separated: backfill,daily,fixed,queries")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "BENCHMARKS.md")
    parser.add_argument("--worker", nargs=2, metavar=("NAME", "ARGS_JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        name, payload = args.worker
        result = WORKERS[name](json.loads(payload))
        print(MARK + json.dumps(result), flush=True)
        return 0
    raw = (args.data or Path(f"/tmp/roi-bench/{args.rows}")).resolve() / "bench-results.json"

    def save(report: dict) -> None:  # after each section, so a long run interrupted still leaves its figures
        raw.parent.mkdir(parents=True, exist_ok=True)
        raw.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
        args.output.write_text(markdown(report), encoding="utf-8")

    report = run_all(args, save)
    save(report)
    say(f"wrote {args.output} (raw figures: {raw})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
