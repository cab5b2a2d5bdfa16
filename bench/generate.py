"""Generate a realistic benchmark dataset: config, paid exports of the four platforms, CRM deals, ECB history.

    python bench/generate.py --rows 10000000 --years 3 --out /tmp/roi-bench

Writes into ``--out``:

* ``roi.toml``: all four channels, many accounts across markets FR/DE/UK/US/NL/GLOBAL and currencies EUR/GBP/USD,
  the CSV source, CRM revenue;
* ``data/exports/<channel>/<account_id>/*.csv``: one export per account and month, in the platform's real encoding
  (each account uses one of its platform's variants: LinkedIn en/nl, X utf8-comma/utf16-tab, Meta en/fr, Google Ads
  csv/excel), with the download time as modification time. For about a third of the accounts each month's last days
  are restated: the monthly file shows early numbers for them and a newer file (later mtime) the final ones, so the
  loader's "newest download wins" rule is exercised at scale;
* ``data/exports/crm/deals_<channel>_<account>.csv``: CRM attributed revenue, a few deals per campaign and month;
* ``data/fx/eurofxref-hist.csv``: the ECB history covering the whole period;
* ``totals.json``: what was written, exact (Decimal as text): per channel and currency the final rows, spend,
  impressions, clicks, conversions, platform revenue (YouTube: Video campaigns only, as the loader counts), the CRM
  revenue, and the size of the dataset (export rows including overlaps, files, bytes).

Everything streams (``exportgen`` writers take lazy rows), accounts are generated in parallel worker processes, so
memory stays flat at any size. Deterministic for a given ``--seed``, except file modification times, which are set
explicitly.
"""

from __future__ import annotations

import argparse
import calendar
import json
import math
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from multiprocessing import get_context
from pathlib import Path
from random import Random

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import exportgen as eg  # noqa: E402

CENT = Decimal("0.01")
ZERO = Decimal(0)
CHANNELS = ("linkedin", "twitter", "facebook", "youtube")
# (market, scope, currency); GLOBAL appears in both USD and EUR.
MARKETS = [
    ("FR", "local", "EUR"),
    ("DE", "local", "EUR"),
    ("UK", "local", "GBP"),
    ("US", "local", "USD"),
    ("NL", "local", "EUR"),
    ("GLOBAL", "global", "USD"),
    ("GLOBAL", "global", "EUR"),
]
VARIANTS = {
    "linkedin": [{"language": "en"}, {"language": "nl"}],
    "twitter": [{"variant": "utf8-comma"}, {"variant": "utf16-tab"}],
    "facebook": [{"language": "en"}, {"language": "fr"}],
    "youtube": [{"variant": "csv"}, {"variant": "excel"}],
}
CHANNEL_PARAMS = {  # daily spend, cpm, ctr, conversion rate, value per conversion (None: no platform revenue)
    "linkedin": (Decimal("180"), Decimal("36"), 0.0045, 0.04, None),
    "twitter": (Decimal("90"), Decimal("7"), 0.009, 0.015, Decimal("160")),
    "facebook": (Decimal("140"), Decimal("10"), 0.009, 0.03, Decimal("95")),
    "youtube": (Decimal("160"), Decimal("13"), 0.004, 0.035, Decimal("210")),
}
NAME_TOPICS = {
    "FR": ["Événement Paris – décideurs IT", "Webinar cloud souverain", "Livre blanc cybersécurité", "Salon Big Data & IA"],
    "DE": ["Köln Roadshow", "Produktdemo TrueView", "Whitepaper Rechenzentrum", "Messe Düsseldorf"],
    "UK": ["London Tech Summit", "Cloud migration guide", "CFO breakfast, Manchester", "Retargeting \"Q4\""],
    "US": ["Webinar: data platform ROI", "Case study retargeting", "NYC roadshow, 2026", "Free trial push"],
    "NL": ["Webinar IT-beslissers", "Whitepaper datacenter", "Klantcase Rotterdam", "Demo-dag Utrecht"],
    "GLOBAL": ["Brand awareness", "Product launch", "Thought leadership", "#FutureOfWork"],
}
RESTATED_DAYS = 7  # the last days of a month that a later download restates


@dataclass(frozen=True)
class Account:
    index: int
    channel: str
    account_id: str
    account_name: str
    market: str
    scope: str
    currency: str
    options: dict
    campaigns: int
    restated: bool


@dataclass(frozen=True)
class Job:
    account: Account
    start: date
    end: date
    seed: int
    exports: Path


# ---------------------------------------------------------------------------------------------------------------------
# Plan


def account_id(channel: str, index: int) -> str:
    if channel == "linkedin":
        return str(508_000_000 + index)
    if channel == "twitter":
        return f"18ce{index:04d}x{index * 7 % 1000:03d}t"[:11]
    if channel == "facebook":
        return str(1_100_000_000 + index)
    return str(7_700_000_000 + index)


def plan_accounts(rows: int, days: int, accounts_per_channel: int) -> list[Account]:
    """Enough campaigns across the accounts for about `rows` final campaign-day rows (6 % of days have no delivery)."""
    total_accounts = accounts_per_channel * len(CHANNELS)
    campaigns_needed = max(total_accounts, math.ceil(rows / (days * 0.94)))
    per_account, extra = divmod(campaigns_needed, total_accounts)
    out = []
    index = 0
    for c, channel in enumerate(CHANNELS):
        for i in range(accounts_per_channel):
            market, scope, currency = MARKETS[(i + c) % len(MARKETS)]
            n = per_account + (1 if index < extra else 0)
            out.append(
                Account(
                    index=index,
                    channel=channel,
                    account_id=account_id(channel, index),
                    account_name=f"Acme {market} {i + 1}",
                    market=market,
                    scope=scope,
                    currency=currency,
                    options=VARIANTS[channel][(i + c) % 2],
                    campaigns=max(1, n),
                    restated=(i % 3 == 0),
                )
            )
            index += 1
    return out


def campaigns_of(account: Account) -> list[eg.Campaign]:
    topics = NAME_TOPICS[account.market]
    out = []
    for k in range(account.campaigns):
        cid = f"{account.index:03d}{k:05d}"
        if account.channel == "facebook":
            cid = f"1202100{account.index:04d}{k:07d}"
        elif account.channel == "youtube":
            cid = f"21{account.index:03d}{k:06d}"
        elif account.channel == "linkedin":
            cid = f"6{account.index:03d}{k:05d}"
        else:
            cid = f"c{account.index:03d}{k:04d}"
        name = f"{account.market} – {topics[k % len(topics)]} #{k + 1}"
        kind = "Video"
        spec = {}
        if account.channel == "youtube" and k % 10 == 9:  # a Search campaign now and then: not counted
            kind = "Search"
            spec = {"ctr": 0.05, "cpm": Decimal("90"), "daily_spend": Decimal("50")}
        out.append(eg.Campaign(campaign_id=cid, name=name, campaign_type=kind, **spec))
    return out


def months(start: date, end: date) -> Iterator[tuple[date, date]]:
    first = date(start.year, start.month, 1)
    while first <= end:
        last = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
        yield max(first, start), min(last, end)
        first = last + timedelta(days=1)


def touch(path: Path, moment: datetime) -> None:
    stamp = calendar.timegm(moment.timetuple())
    os.utime(path, (stamp, stamp))


# ---------------------------------------------------------------------------------------------------------------------
# One account, in a worker process


def early_version(row: eg.AdRow) -> eg.AdRow:
    """What a download made before the numbers were final showed: spend a little off, fewer clicks, conversions
    still coming in."""
    frac = eg._fraction("early", row.campaign_id, row.day)
    factor = Decimal(str(round(0.88 + 0.09 * frac, 4)))
    spend = max(CENT, (row.spend * factor).quantize(CENT, rounding=ROUND_HALF_UP))
    impressions = max(1, int(row.impressions * float(factor)))
    clicks = min(impressions, max(0, row.clicks - 1))
    conversions, revenue = row.conversions, row.platform_revenue
    if conversions is not None and conversions >= 1:
        conversions -= 1
        if revenue is not None:
            revenue = (revenue * conversions / (conversions + 1)).quantize(CENT, rounding=ROUND_HALF_UP)
    return replace(row, spend=spend, impressions=impressions, clicks=clicks, conversions=conversions,
                   platform_revenue=revenue)  # fmt: skip


class Tally:
    """Exact totals of the rows the loader keeps (the final version of each campaign-day)."""

    def __init__(self) -> None:
        self.rows = 0
        self.spend = ZERO
        self.impressions = 0
        self.clicks = 0
        self.conversions = ZERO
        self.platform_revenue = ZERO

    def add(self, row: eg.AdRow) -> None:
        self.rows += 1
        self.spend += row.spend
        self.impressions += row.impressions
        self.clicks += row.clicks
        if row.conversions is not None:
            self.conversions += row.conversions
        if row.platform_revenue is not None:
            self.platform_revenue += row.platform_revenue

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "spend": str(self.spend),
            "impressions": self.impressions,
            "clicks": self.clicks,
            "conversions": str(self.conversions),
            "platform_revenue": str(self.platform_revenue),
        }


def _rows(job: Job, campaigns: list[eg.Campaign], first: date, last: date) -> Iterator[eg.AdRow]:
    account = job.account
    daily, cpm, ctr, conv, value = CHANNEL_PARAMS[account.channel]
    scale = 1.0 if account.scope == "local" else 0.75  # global campaigns: lower CTR (the article's story)
    return eg.synthetic_rows(
        Random(job.seed),  # the same seed for every month: a row depends only on its campaign and day
        campaigns,
        first,
        last,
        account.currency,
        daily_spend=daily,
        cpm=cpm,
        ctr=ctr * scale,
        conversion_rate=conv,
        value_per_conversion=value,
        fractional_conversions=account.channel == "youtube",
    )


def _write(job: Job, path: Path, rows: Iterable[eg.AdRow], first: date, last: date, downloaded: datetime) -> None:
    account = job.account
    opts = dict(account.options)
    if account.channel == "linkedin":
        eg.write_linkedin(path, rows, start=first, end=last, generated=downloaded,
                          account_name=account.account_name, **opts)  # fmt: skip
    elif account.channel == "twitter":
        eg.write_twitter(path, rows, account_id=account.account_id, **opts)
    elif account.channel == "facebook":
        eg.write_facebook(path, rows, **opts)
    else:
        eg.write_youtube(path, rows, start=first, end=last, **opts)
    touch(path, downloaded)


def _name(account: Account, first: date, last: date, downloaded: datetime) -> str:
    stamp = f"{first:%Y%m%d}-{last:%Y%m%d}_{downloaded:%Y-%m-%d}"
    return {
        "linkedin": f"campaign_performance_report_{stamp}.csv",
        "twitter": f"x_ads_campaigns_{stamp}.csv",
        "facebook": f"{account.account_name.replace(' ', '-')}-Campaigns-{stamp}.csv",
        "youtube": f"Campaign_report_{stamp}.csv",
    }[account.channel]


def generate_account(job: Job) -> dict:
    """Write one account's exports and its CRM deals; return its exact totals and sizes."""
    account = job.account
    campaigns = campaigns_of(account)
    counted = {c.campaign_id for c in campaigns if account.channel != "youtube" or c.campaign_type == "Video"}
    folder = job.exports / account.channel / account.account_id
    folder.mkdir(parents=True, exist_ok=True)
    tally, ignored = Tally(), Tally()
    export_rows = files = 0
    spend_by_campaign_month: dict[str, Decimal] = defaultdict(Decimal)
    deals_path = job.exports / "crm" / f"deals_{account.channel}_{account.account_id}.csv"
    deal_rng = Random(job.seed ^ 0x5EED)
    deal_total = ZERO
    deal_count = 0
    roi_target = (0.6 if account.scope == "local" else -0.3) + 0.4 * (deal_rng.random() - 0.5)

    def final_rows(first: date, last: date, cut: date | None) -> Iterator[eg.AdRow]:
        """The month's rows as written in the monthly file: from `cut` on, the early (restated later) version."""
        nonlocal export_rows
        for row in _rows(job, campaigns, first, last):
            export_rows += 1
            if cut is not None and row.day >= cut:
                yield early_version(row)
                continue
            (tally if row.campaign_id in counted else ignored).add(row)
            if row.campaign_id in counted:
                spend_by_campaign_month[row.campaign_id] += row.spend
            yield row

    def restated_rows(first: date, last: date) -> Iterator[eg.AdRow]:
        nonlocal export_rows
        for row in _rows(job, campaigns, first, last):
            export_rows += 1
            (tally if row.campaign_id in counted else ignored).add(row)
            if row.campaign_id in counted:
                spend_by_campaign_month[row.campaign_id] += row.spend
            yield row

    def deals(first: date, last: date) -> Iterator[eg.Deal]:
        nonlocal deal_total, deal_count
        span = (last - first).days + 1
        for campaign_id in sorted(spend_by_campaign_month):
            spend = spend_by_campaign_month[campaign_id]
            target = float(spend) * (1 + roi_target) * (0.8 + 0.4 * deal_rng.random())
            count = max(1, round(target / 6000))
            for k in range(count):
                amount = Decimal(round(target / count / 10) * 10).quantize(CENT)
                if deal_rng.random() < 0.3:
                    amount += Decimal(deal_rng.choice(["0.50", "4.99", "9.90", "-0.01"]))
                if amount <= 0:
                    continue
                deal_count += 1
                deal_total += amount
                close = first + timedelta(days=deal_rng.randrange(span))
                yield eg.Deal(f"D-{account.account_id}-{deal_count:07d}", close, account.channel, campaign_id,
                              amount, account.currency)  # fmt: skip
        spend_by_campaign_month.clear()

    deals_path.parent.mkdir(parents=True, exist_ok=True)

    def deal_stream() -> Iterator[eg.Deal]:
        for first, last in months(job.start, job.end):
            cut = None
            if account.restated and (last - first).days >= RESTATED_DAYS:
                cut = last - timedelta(days=RESTATED_DAYS - 1)
            downloaded = datetime.combine(last + timedelta(days=1), datetime.min.time()) + timedelta(
                hours=8, minutes=account.index % 60
            )
            path = folder / _name(account, first, last, downloaded)
            _write(job, path, final_rows(first, last, cut), first, last, downloaded)
            nonlocal_files[0] += 1
            if cut is not None:
                later = downloaded + timedelta(days=RESTATED_DAYS)
                path = folder / _name(account, cut, last, later)
                _write(job, path, restated_rows(cut, last), cut, last, later)
                nonlocal_files[0] += 1
            yield from deals(first, last)

    nonlocal_files = [0]
    eg.write_crm(deals_path, deal_stream())
    touch(deals_path, datetime.combine(job.end + timedelta(days=2), datetime.min.time()))
    files = nonlocal_files[0] + 1
    size = sum(p.stat().st_size for p in folder.iterdir()) + deals_path.stat().st_size
    return {
        "channel": account.channel,
        "currency": account.currency,
        "totals": tally.as_dict(),
        "ignored_non_video": ignored.as_dict(),
        "crm": {"deals": deal_count, "amount": str(deal_total)},
        "export_rows": export_rows,
        "files": files,
        "bytes": size,
    }


# ---------------------------------------------------------------------------------------------------------------------
# The whole dataset


def _final_window_rows(job: Job, campaigns: list[eg.Campaign], first: date, last: date) -> Iterator[eg.AdRow]:
    return _rows(job, campaigns, first, last)


def write_daily_drop(out: Path, first: date, last: date, downloaded: datetime, folder_name: str = "exports") -> list[Path]:
    """One new download per account covering first..last with the final numbers (what a marketer drops each
    morning: yesterday plus the restatement window). Written beside the dataset's exports (``data/<folder_name>``)
    with modification time ``downloaded``; loading it changes no total. Returns the files written."""
    totals = json.loads((Path(out) / "totals.json").read_text(encoding="utf-8"))
    plan = totals["plan"]
    start, end = (date.fromisoformat(totals["period"][k]) for k in ("start", "end"))
    accounts = plan_accounts(plan["rows"], (end - start).days + 1, plan["accounts_per_channel"])
    exports = Path(out).resolve() / "data" / folder_name
    written = []
    for account in accounts:
        job = Job(account, start, end, plan["seed"] * 1_000_003 + account.index, exports)
        path = exports / account.channel / account.account_id / ("daily_" + _name(account, first, last, downloaded))
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(job, path, _final_window_rows(job, campaigns_of(account), first, last), first, last, downloaded)
        written.append(path)
    return written


def toml_text(accounts: list[Account], start: date) -> str:
    lines = [
        'reporting_currency = "EUR"',
        'warehouse = "data/roi.duckdb"',
        'exports_dir = "data/exports"',
        'fx_rates = "data/fx/eurofxref-hist.csv"',
        'revenue_source = "crm"',
        f'history_start = "{start.isoformat()}"',
    ]
    for a in accounts:
        lines += ["", "[[accounts]]", f'channel = "{a.channel}"', f'account_id = "{a.account_id}"',
                  f'market = "{a.market}"', f'scope = "{a.scope}"', f'currency = "{a.currency}"']  # fmt: skip
    return "\n".join(lines) + "\n"


def _add(into: dict, block: dict) -> None:
    for key, value in block.items():
        if isinstance(value, int):
            into[key] = into.get(key, 0) + value
        else:
            into[key] = str(Decimal(into.get(key, "0")) + Decimal(value))


def generate(
    out: Path,
    rows: int,
    years: float = 3.0,
    *,
    end: date = date(2026, 9, 30),
    accounts_per_channel: int = 12,
    processes: int | None = None,
    seed: int = 2026,
    quiet: bool = False,
) -> dict:
    """Write the dataset into `out` (replacing a previous one's data folder); return (and write to totals.json) the
    exact totals of what the loader should keep."""
    import shutil

    out = Path(out).resolve()
    start = end - timedelta(days=round(years * 365.25) - 1)
    days = (end - start).days + 1
    data = out / "data"
    if data.exists():
        shutil.rmtree(data)
    exports = data / "exports"
    fx_file = data / "fx" / "eurofxref-hist.csv"
    began = time.perf_counter()

    rates = eg.synthetic_ecb_rates(start - timedelta(days=10), end + timedelta(days=31), Random(1999_01_04))
    eg.write_ecb_history(fx_file, rates)
    touch(fx_file, datetime.combine(end + timedelta(days=32), datetime.min.time()))

    accounts = plan_accounts(rows, days, accounts_per_channel)
    jobs = [Job(a, start, end, seed * 1_000_003 + a.index, exports) for a in accounts]
    # Biggest first, so the pool's workers finish together.
    jobs.sort(key=lambda j: -j.account.campaigns)
    processes = processes or os.cpu_count() or 1
    results = []
    if processes == 1:
        results = [generate_account(job) for job in jobs]
    else:
        with get_context("fork").Pool(processes) as pool:
            for done, result in enumerate(pool.imap_unordered(generate_account, jobs, chunksize=1), start=1):
                results.append(result)
                if not quiet:
                    elapsed = time.perf_counter() - began
                    written = sum(r["export_rows"] for r in results)
                    print(f"  {done}/{len(jobs)} accounts, {written:,} rows, {written / elapsed:,.0f} rows/s",
                          file=sys.stderr, flush=True)  # fmt: skip

    by_channel: dict[str, dict[str, dict]] = {}
    crm: dict[str, dict[str, dict]] = {}
    ignored: dict[str, dict] = {}
    for result in sorted(results, key=lambda r: (r["channel"], r["currency"])):
        _add(by_channel.setdefault(result["channel"], {}).setdefault(result["currency"], {}), result["totals"])
        _add(crm.setdefault(result["channel"], {}).setdefault(result["currency"], {}), result["crm"])
        if result["channel"] == "youtube":
            _add(ignored.setdefault(result["currency"], {}), result["ignored_non_video"])
    elapsed = time.perf_counter() - began
    export_rows = sum(r["export_rows"] for r in results)
    final_rows = sum(r["totals"]["rows"] for r in results)
    fx_bytes = fx_file.stat().st_size
    totals = {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "days": days},
        "plan": {"rows": rows, "accounts_per_channel": accounts_per_channel, "seed": seed},
        "rule": "final campaign-day rows (the newest download of a restated day), YouTube Video campaigns only; "
        "money in the account currency, exact",
        "accounts": len(accounts),
        "campaigns": sum(a.campaigns for a in accounts),
        "final_rows": final_rows,
        "export_rows": export_rows,
        "files": sum(r["files"] for r in results) + 1,
        "bytes": sum(r["bytes"] for r in results) + fx_bytes,
        "seconds": round(elapsed, 1),
        "rows_per_second": round(export_rows / elapsed) if elapsed else None,
        "channels": by_channel,
        "ignored_non_video": ignored,
        "crm": crm,
    }
    (out / "roi.toml").write_text(toml_text(accounts, start), encoding="utf-8")
    (out / "totals.json").write_text(json.dumps(totals, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="final campaign-day rows (about)")
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 9, 30), help="last day")
    parser.add_argument("--accounts-per-channel", type=int, default=12)
    parser.add_argument("--processes", type=int, default=None)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    totals = generate(args.out, args.rows, args.years, end=args.end, accounts_per_channel=args.accounts_per_channel,
                      processes=args.processes, seed=args.seed)  # fmt: skip
    print(
        f"{totals['export_rows']:,} export rows ({totals['final_rows']:,} final campaign-days), "
        f"{totals['files']:,} files, {totals['bytes'] / 1e6:,.0f} MB, {totals['period']['start']}..{totals['period']['end']} "
        f"in {totals['seconds']} s: {totals['rows_per_second']:,} rows/s"
    )
    print(f"config: {args.out.resolve() / 'roi.toml'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
