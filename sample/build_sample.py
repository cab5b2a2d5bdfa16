"""Build the bundled sample: config, platform exports, CRM deals, ECB rates and the expected totals.

    python sample/build_sample.py

Deterministic: the same files (and modification times) every run. Writes next to this script only:
``roi.toml``, ``expected.json``, ``data/exports/**`` and ``data/fx/eurofxref-hist.csv``. The exports and fx folders
are rebuilt from scratch; nothing else under ``data/`` (the DuckDB file) is touched.

The data tells the story of the article: local-scope accounts earn a clearly better ROI than global-scope ones, and
their CTR is about 35 % higher.
"""

from __future__ import annotations

import calendar
import csv
import json
import os
import shutil
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from random import Random

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "bench"))

import exportgen as eg  # noqa: E402

START = date(2026, 9, 1)
END = date(2026, 9, 30)
FX_START = date(2026, 7, 1)
FX_END = date(2026, 10, 31)
CENT = Decimal("0.01")


# Local CTR = 1.35 x global CTR, per channel (the article's "local pages perform 35% better").
GLOBAL_CTR = {"linkedin": 0.0040, "twitter": 0.0085, "facebook": 0.0090, "youtube": 0.0040}
LOCAL_CTR = {channel: ctr * 1.35 for channel, ctr in GLOBAL_CTR.items()}
CONVERSION_RATE = {"linkedin": 0.04, "twitter": 0.015, "facebook": 0.03, "youtube": 0.035}
PLATFORM_OVERCLAIM = 1.25  # platforms' own conversion value runs above the CRM's attributed revenue


@dataclass
class Account:
    channel: str
    account_id: str
    market: str
    scope: str
    currency: str
    campaigns: list[eg.Campaign]
    writer_options: dict
    roi_target: float  # revenue / spend - 1, what the CRM deals aim at
    daily_spend: Decimal
    cpm: Decimal
    platform_revenue: bool  # the export carries the platform's conversion value (LinkedIn's has none)
    account_name: str = "Acme"
    deal_currencies: dict[str, float] = field(default_factory=dict)  # currency -> share of the revenue
    restated: bool = False  # two overlapping exports, the newer one restating 10-15 Sept

    @property
    def key(self) -> str:
        return f"{self.channel}/{self.account_id}"


def C(campaign_id: str, name: str, kind: str = "Video", **kwargs) -> eg.Campaign:  # noqa: N802
    return eg.Campaign(campaign_id=campaign_id, name=name, campaign_type=kind, **kwargs)


ACCOUNTS: list[Account] = [
    Account(
        "linkedin", "508765432", "FR", "local", "EUR",
        [
            C("612345001", "Événement Paris – décideurs IT"),
            C("612345002", "FR – Webinar cloud souverain"),
            C("612345003", "FR – Livre blanc cybersécurité", daily_spend=Decimal("120")),
        ],
        {"language": "en"}, 1.15, Decimal("210"), Decimal("36"), False,
        account_name="Acme France", restated=True,
    ),
    Account(
        "linkedin", "508765433", "NL", "local", "EUR",
        [
            C("612346001", "NL – Webinar IT-beslissers"),
            C("612346002", "NL – Whitepaper datacenter"),
        ],
        {"language": "nl"}, 0.70, Decimal("160"), Decimal("34"), False,
        account_name="Acme Nederland",
    ),
    Account(
        "linkedin", "508700001", "GLOBAL", "global", "USD",
        [
            C("612300001", "Global – Brand awareness, Q3 2026"),
            C("612300002", "Global – Product launch 2026"),
            C("612300003", "Global – Thought leadership", daily_spend=Decimal("140")),
        ],
        {"language": "en"}, -0.35, Decimal("320"), Decimal("40"), False,
        account_name="Acme Corporate",
    ),
    Account(
        "twitter", "18ce54d4x5t", "UK", "local", "GBP",
        [
            C("uk4p1", "UK – London Tech Summit"),
            C("uk4p2", "UK – Cloud migration guide"),
        ],
        {"variant": "utf8-comma"}, 0.35, Decimal("70"), Decimal("6.5"), True,
    ),
    Account(
        "twitter", "18ce54gl0b1", "GLOBAL", "global", "USD",
        [
            C("gl7a1", "Global – #FutureOfWork"),
            C("gl7a2", "Global – Product launch 2026"),
        ],
        {"variant": "utf16-tab"}, -0.55, Decimal("110"), Decimal("7.5"), True,
    ),
    Account(
        "facebook", "1234567890", "FR", "local", "EUR",
        [
            C("120210000000001001", "Événement Paris – décideurs IT"),
            # Trade-show leads are worth more: some days' conversion value passes 1 000 ("1 234,56").
            C("120210000000001002", "FR – Salon Big Data & IA, Paris", value_per_conversion=Decimal("240")),
        ],
        {"language": "fr"}, 1.30, Decimal("130"), Decimal("9.5"), True,
        account_name="Acme-France", restated=True,
    ),
    Account(
        "facebook", "2345678901", "US", "local", "USD",
        [
            C("120210000000002001", "US – Webinar: data platform ROI"),
            C("120210000000002002", "US – Case study retargeting"),
        ],
        {"language": "en"}, 0.80, Decimal("150"), Decimal("11"), True,
        account_name="Acme-US",
    ),
    Account(
        "facebook", "3456789012", "GLOBAL", "global", "EUR",
        [
            C("120210000000003001", "Global – Brand awareness"),
            C("120210000000003002", "Global – Product launch 2026"),
        ],
        {"language": "en"}, -0.15, Decimal("190"), Decimal("8.5"), True,
        account_name="Acme-Global", deal_currencies={"EUR": 0.6, "USD": 0.4},
    ),
    Account(
        "youtube", "7712345678", "DE", "local", "EUR",
        [
            C("21456789012", "Köln Roadshow"),
            C("21456789013", "DE – Produktdemo TrueView"),
            C("21456789020", "DE – Brand Search", "Search", ctr=0.06, cpm=Decimal("95"), daily_spend=Decimal("60")),
        ],
        {"variant": "csv"}, 0.60, Decimal("140"), Decimal("14"), True,
    ),
    Account(
        "youtube", "7798765432", "GLOBAL", "global", "USD",
        [
            C("21998765001", "Global – Brand video TrueView"),
            C("21998765002", "Global – Product launch bumper"),
            C("21998765010", "Global – Display remarketing", "Display", ctr=0.0025, cpm=Decimal("3.2"),
              daily_spend=Decimal("45")),
        ],
        {"variant": "excel"}, -0.30, Decimal("240"), Decimal("12"), True,
    ),
]  # fmt: skip

# Download moments (UTC): the file name carries the date, the mtime the moment.
FIRST_DOWNLOAD = datetime(2026, 9, 16, 9, 15)
MONTH_DOWNLOAD = datetime(2026, 10, 1, 8, 42)
CRM_FIRST = datetime(2026, 9, 20, 18, 5)
CRM_SECOND = datetime(2026, 10, 2, 7, 30)
FX_DOWNLOAD = datetime(2026, 11, 2, 16, 10)


def touch(path: Path, moment: datetime) -> None:
    stamp = calendar.timegm(moment.timetuple())
    os.utime(path, (stamp, stamp))


def seed_of(text: str) -> int:
    """A stable integer seed from a text (sum of code points weighted by position)."""
    return sum((i + 1) * ord(ch) for i, ch in enumerate(text)) * 7919


# ---------------------------------------------------------------------------------------------------------------------
# Ad rows


def base_rows(account: Account, ctr_factor: float = 1.0) -> list[eg.AdRow]:
    """The final ("true") September numbers of an account."""
    ctr_table = LOCAL_CTR if account.scope == "local" else GLOBAL_CTR
    ctr, conversion_rate = ctr_table[account.channel], CONVERSION_RATE[account.channel]
    value = None
    if account.platform_revenue:
        # Value per conversion so that the platform's revenue lands near its ROI target (times the overclaim).
        conversions_per_day = float(account.daily_spend / account.cpm) * 1000 * ctr * conversion_rate
        daily_value = float(account.daily_spend) * (1 + account.roi_target) * PLATFORM_OVERCLAIM
        per_conversion = daily_value / conversions_per_day
        value = Decimal(round(per_conversion))
    rng = Random(seed_of(account.key))
    return list(
        eg.synthetic_rows(
            rng,
            account.campaigns,
            START,
            END,
            account.currency,
            daily_spend=account.daily_spend,
            cpm=account.cpm,
            ctr=ctr * ctr_factor,
            conversion_rate=conversion_rate,
            value_per_conversion=value,
            fractional_conversions=account.channel == "youtube",
        )
    )


def ctr_of(rows: Iterable[eg.AdRow]) -> float:
    video = [r for r in rows if r.campaign_type == "Video"]
    return sum(r.clicks for r in video) / sum(r.impressions for r in video)


def all_base_rows(accounts: list[Account]) -> dict[str, list[eg.AdRow]]:
    """Every account's rows, with the global accounts' CTR nudged (a few deterministic passes) so that local CTR
    comes out 35 % (+-0.5 point) above global CTR for every channel, despite the random draws."""
    truth = {a.key: base_rows(a) for a in accounts if a.scope == "local"}
    for channel in sorted({a.channel for a in accounts}):
        local_rows = [r for a in accounts if a.channel == channel and a.scope == "local" for r in truth[a.key]]
        global_accounts = [a for a in accounts if a.channel == channel and a.scope == "global"]
        factor = 1.0
        for _ in range(12):
            rows = {a.key: base_rows(a, factor) for a in global_accounts}
            uplift = ctr_of(local_rows) / ctr_of(r for v in rows.values() for r in v) - 1
            if abs(uplift - 0.35) < 0.005:
                break
            factor *= (1 + uplift) / 1.35
        truth.update(rows)
    return {a.key: truth[a.key] for a in accounts}


def restate_earlier(row: eg.AdRow, rng: Random) -> eg.AdRow:
    """What an earlier download showed for a day that was later restated: billing not final (spend a little
    different), fewer impressions and clicks counted yet, conversions still coming in."""
    factor = Decimal(str(round(0.88 + 0.09 * rng.random(), 4)))
    spend = (row.spend * factor).quantize(CENT, rounding=ROUND_HALF_UP)
    impressions = int(row.impressions * float(factor))
    clicks = min(impressions, max(0, row.clicks - 1 - rng.randrange(3)))
    conversions = row.conversions
    revenue = row.platform_revenue
    if conversions is not None and conversions >= 1:
        conversions -= 1
        if revenue is not None:
            revenue = (revenue * conversions / (conversions + 1)).quantize(CENT, rounding=ROUND_HALF_UP)
    return replace(row, spend=spend, impressions=impressions, clicks=clicks, conversions=conversions,
                   platform_revenue=revenue)  # fmt: skip


def fb_range_name(account: Account, first: date, last: date, downloaded: datetime) -> str:
    def d(day: date) -> str:
        return f"{day.day}-{day.strftime('%b')}-{day.year}"

    return f"{account.account_name}-Campaigns-{d(first)}-{d(last)}_{downloaded:%Y-%m-%d}.csv"


def write_account(account: Account, rows: list[eg.AdRow], folder: Path, rng: Random) -> list[str]:
    """Write the account's export file(s); return their names, oldest first."""
    folder.mkdir(parents=True, exist_ok=True)
    opts = dict(account.writer_options)
    channel = account.channel

    def write(path: Path, part: Iterable[eg.AdRow], first: date, last: date, downloaded: datetime) -> None:
        if channel == "linkedin":
            eg.write_linkedin(path, part, start=first, end=last, generated=downloaded,
                              account_name=account.account_name, **opts)  # fmt: skip
        elif channel == "twitter":
            dates = {c.campaign_id: (date(2026, 8, 18), date(2026, 10, 31)) for c in account.campaigns}
            eg.write_twitter(path, part, account_id=account.account_id, campaign_dates=dates, **opts)
        elif channel == "facebook":
            eg.write_facebook(path, part, **opts)
        elif channel == "youtube":
            eg.write_youtube(path, part, start=first, end=last, **opts)
        touch(path, downloaded)

    def name(first: date, last: date, downloaded: datetime) -> str:
        if channel == "linkedin":
            return f"campaign_performance_report_{downloaded:%Y-%m-%d}.csv"
        if channel == "twitter":
            return f"x_ads_campaigns_{first}_{last}_downloaded_{downloaded:%Y-%m-%d}.csv"
        if channel == "facebook":
            return fb_range_name(account, first, last, downloaded)
        return f"Campaign_report_{downloaded:%Y-%m-%d}.csv"

    if not account.restated:
        file_name = name(START, END, MONTH_DOWNLOAD)
        write(folder / file_name, rows, START, END, MONTH_DOWNLOAD)
        return [file_name]

    early_end, late_start = date(2026, 9, 15), date(2026, 9, 10)
    early = [r if r.day < late_start else restate_earlier(r, rng) for r in rows if r.day <= early_end]
    late = [r for r in rows if r.day >= late_start]
    first_name = name(START, early_end, FIRST_DOWNLOAD)
    second_name = name(late_start, END, MONTH_DOWNLOAD)
    write(folder / first_name, early, START, early_end, FIRST_DOWNLOAD)
    write(folder / second_name, late, late_start, END, MONTH_DOWNLOAD)
    return [first_name, second_name]


# ---------------------------------------------------------------------------------------------------------------------
# CRM deals


def make_deals(accounts: list[Account], truth: dict[str, list[eg.AdRow]], rates) -> tuple[list, list, dict]:
    """Deals per campaign aiming at the account's ROI target. Returns (first file, second file, replaced deal)."""
    rng = Random(20260920)
    raw: list[tuple[date, str, str, Decimal, str]] = []  # close date, channel, campaign, amount, currency
    usd_rate = rates[max(rates)]["USD"]
    for account in accounts:
        spend: dict[str, Decimal] = defaultdict(Decimal)
        for row in truth[account.key]:
            if account.channel == "youtube" and row.campaign_type != "Video":
                continue
            spend[row.campaign_id] += row.spend
        shares = account.deal_currencies or {account.currency: 1.0}
        for campaign_id, campaign_spend in spend.items():
            target = float(campaign_spend) * (1 + account.roi_target) * (0.85 + 0.3 * rng.random())
            for currency, share in shares.items():
                amount_target = target * share
                if currency != account.currency:  # only EUR -> USD happens here
                    amount_target *= float(usd_rate)
                count = max(1, round(amount_target / 5500))
                weights = [0.5 + rng.random() for _ in range(count)]
                for weight in weights:
                    amount = amount_target * weight / sum(weights)
                    amount = Decimal(round(amount / 10) * 10).quantize(CENT)
                    if rng.random() < 0.3:
                        amount += Decimal(rng.choice(["0.50", "4.99", "9.90", "-0.01"]))
                    close = START + timedelta(days=rng.randrange((END - START).days + 1))
                    raw.append((close, account.channel, campaign_id, amount, currency))
    raw.sort(key=lambda d: (d[0], d[1], d[2], d[3]))
    deals = [eg.Deal(f"D-{26090 + i:06d}", close, channel, cid, amount, cur)
             for i, (close, channel, cid, amount, cur) in enumerate(raw, start=1)]  # fmt: skip
    cutoff = date(2026, 9, 19)
    first = [d for d in deals if d.close_date <= cutoff]
    second = [d for d in deals if d.close_date > cutoff]
    # An upsell on a deal closed in the first file: the newer export carries it again with a higher amount.
    old = next(d for d in first if d.channel == "linkedin" and d.currency == "EUR")
    new = replace(old, amount=old.amount + Decimal("2750.00"))
    second = sorted(second + [new], key=lambda d: (d.close_date, d.deal_id))
    return first, second, {"deal_id": old.deal_id, "old_amount": str(old.amount), "new_amount": str(new.amount)}


# ---------------------------------------------------------------------------------------------------------------------
# Config and expected totals


def toml_text(accounts: list[Account]) -> str:
    lines = [
        'reporting_currency = "EUR"',
        'warehouse = "data/roi.duckdb"',
        'exports_dir = "data/exports"',
        'fx_rates = "data/fx/eurofxref-hist.csv"',
        'revenue_source = "crm"',
        'history_start = "2026-01-01"',
    ]
    for a in accounts:
        lines += [
            "",
            "[[accounts]]",
            f'channel = "{a.channel}"',
            f'account_id = "{a.account_id}"',
            f'market = "{a.market}"',
            f'scope = "{a.scope}"',
            f'currency = "{a.currency}"',
        ]
    return "\n".join(lines) + "\n"


def metric_block(rows: list[eg.AdRow]) -> dict:
    conversions = [r.conversions for r in rows if r.conversions is not None]
    revenue = [r.platform_revenue for r in rows if r.platform_revenue is not None]
    return {
        "rows": len(rows),
        "spend": str(sum((r.spend for r in rows), Decimal(0))),
        "impressions": sum(r.impressions for r in rows),
        "clicks": sum(r.clicks for r in rows),
        "conversions": str(sum(conversions, Decimal(0))) if conversions else None,
        "platform_revenue": str(sum(revenue, Decimal(0))) if revenue else None,
    }


def rate_on(rates: dict, day: date, currency: str) -> Decimal:
    if currency == "EUR":
        return Decimal(1)
    while day not in rates:
        day -= timedelta(days=1)
    return rates[day][currency]


def expected(accounts, truth, files, deals_final, replaced, rates) -> dict:
    out: dict = {
        "period": {"start": START.isoformat(), "end": END.isoformat()},
        "rule": "newest file (mtime) wins per (day, channel, account, campaign); totals rows and YouTube rows whose "
        "campaign type is not Video excluded; CRM: a deal_id in a newer file replaces the older row. 'rows' counts "
        "export rows only (CRM revenue on a day without delivery adds zero-spend rows in the warehouse). Money is in "
        "the original currency; 'approx_eur' is informative and rounded.",
        "accounts": {},
        "channels": {},
        "ignored_non_video": {},
        "crm": {},
    }
    channels: dict[str, dict] = {}
    for account in accounts:
        rows = truth[account.key]
        if account.channel == "youtube":
            ignored = [r for r in rows if r.campaign_type != "Video"]
            rows = [r for r in rows if r.campaign_type == "Video"]
            out["ignored_non_video"][account.key] = metric_block(ignored)
        block = {
            "channel": account.channel,
            "account_id": account.account_id,
            "market": account.market,
            "scope": account.scope,
            "currency": account.currency,
            "files": files[account.key],
            **metric_block(rows),
            "campaigns": {},
        }
        for campaign in account.campaigns:
            if account.channel == "youtube" and campaign.campaign_type != "Video":
                continue
            mine = [r for r in rows if r.campaign_id == campaign.campaign_id]
            block["campaigns"][campaign.campaign_id] = {"name": campaign.name, **metric_block(mine)}
        out["accounts"][account.key] = block
        ch = channels.setdefault(account.channel, {"rows": 0, "impressions": 0, "clicks": 0, "spend": {}})
        ch["rows"] += len(rows)
        ch["impressions"] += sum(r.impressions for r in rows)
        ch["clicks"] += sum(r.clicks for r in rows)
        ch["spend"][account.currency] = str(
            Decimal(ch["spend"].get(account.currency, "0")) + sum((r.spend for r in rows), Decimal(0))
        )
    out["channels"] = channels

    by_channel: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_campaign: dict[str, dict] = {}
    by_currency: dict[str, Decimal] = defaultdict(Decimal)
    for deal in deals_final:
        by_channel[deal.channel][deal.currency] += deal.amount
        by_currency[deal.currency] += deal.amount
        entry = by_campaign.setdefault(f"{deal.channel}/{deal.campaign_id}", {"deals": 0, "amount": {}})
        entry["deals"] += 1
        entry["amount"][deal.currency] = str(Decimal(entry["amount"].get(deal.currency, "0")) + deal.amount)
    out["crm"] = {
        "deals": len(deals_final),
        "replaced_deal": replaced,
        "revenue_by_currency": {k: str(v) for k, v in sorted(by_currency.items())},
        "by_channel": {c: {k: str(v) for k, v in sorted(cur.items())} for c, cur in sorted(by_channel.items())},
        "by_campaign": dict(sorted(by_campaign.items())),
    }
    out["approx_eur"] = approx_rollup(accounts, truth, deals_final, rates)
    return out


def approx_rollup(accounts, truth, deals, rates) -> dict:
    """Informative only (rounded): spend and CRM revenue in EUR with the day's ECB rate (or the latest earlier one),
    ROI per market and channel, the global rollup, and local vs global CTR. The loader's exact figures are its own."""
    campaign_account = {}
    spend = defaultdict(Decimal)
    revenue = defaultdict(Decimal)
    clicks = defaultdict(int)
    impressions = defaultdict(int)
    for account in accounts:
        for campaign in account.campaigns:
            campaign_account[(account.channel, campaign.campaign_id)] = account
        for row in truth[account.key]:
            if account.channel == "youtube" and row.campaign_type != "Video":
                continue
            spend[(account.market, account.channel)] += row.spend / rate_on(rates, row.day, row.currency)
            clicks[(account.scope, account.channel)] += row.clicks
            impressions[(account.scope, account.channel)] += row.impressions
    for deal in deals:
        account = campaign_account[(deal.channel, deal.campaign_id)]
        revenue[(account.market, deal.channel)] += deal.amount / rate_on(rates, deal.close_date, deal.currency)

    def r2(x: Decimal) -> str:
        return str(x.quantize(CENT, rounding=ROUND_HALF_UP))

    def r4(x: Decimal) -> str:
        return str(x.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))

    local = {}
    for key in sorted(spend):
        net = revenue[key] - spend[key]
        local[f"{key[0]}/{key[1]}"] = {"spend": r2(spend[key]), "revenue": r2(revenue[key]), "net_return": r2(net),
                                       "roi": r4(net / spend[key])}  # fmt: skip
    global_ = {}
    ctr = {}
    for channel in sorted({k[1] for k in spend}):
        s = sum((v for k, v in spend.items() if k[1] == channel), Decimal(0))
        n = sum((revenue[k] - v for k, v in spend.items() if k[1] == channel), Decimal(0))
        global_[channel] = {"spend": r2(s), "net_return": r2(n), "roi": r4(n / s)}
        lc = Decimal(clicks[("local", channel)]) / impressions[("local", channel)]
        gc = Decimal(clicks[("global", channel)]) / impressions[("global", channel)]
        ctr[channel] = {
            "local_ctr": r4(lc * 100) + "%",
            "global_ctr": r4(gc * 100) + "%",
            "ctr_uplift": r4(lc / gc - 1),
        }
    return {"roi_local": local, "roi_global": global_, "local_vs_global_ctr": ctr}


# ---------------------------------------------------------------------------------------------------------------------
# Organic posts: each account's page posts, one export per account under `<channel>_posts/<account_id>/`
#
# The article's story: local pages post 5-8 times a week, the global pages 15-20; local posts engage about 35 % more
# (engagements = clicks + reactions + comments + shares, over impressions) and the global pages' engagement falls
# by about 22 % over the month.

POSTS_DOWNLOAD = datetime(2026, 10, 1, 9, 5)
POSTS_PER_WEEK = {"local": (5, 8), "global": (15, 20)}  # posts in a full ISO week
DAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 0.9, 0.25, 0.15)  # Monday..Sunday: B2B pages post on weekdays
# Engagement rate of the global pages on 1 September; it falls linearly to (1 - GLOBAL_DECLINE) of that on the 30th.
GLOBAL_ENGAGEMENT = {"linkedin": 0.034, "twitter": 0.016, "facebook": 0.024, "youtube": 0.0035}
GLOBAL_DECLINE = 0.26  # about -22 % from the first ISO week's rate to the last one's
# Local pages engage this much more than the global pages over the month (nudged to within half a point).
LOCAL_UPLIFT = 1.35
IMPRESSIONS_PER_POST = {
    ("linkedin", "local"): (800, 2600), ("linkedin", "global"): (2500, 7000),
    ("twitter", "local"): (600, 3000), ("twitter", "global"): (2000, 9000),
    ("facebook", "local"): (1500, 6000), ("facebook", "global"): (4000, 12000),
    ("youtube", "local"): (3000, 25000), ("youtube", "global"): (8000, 60000),
}  # fmt: skip
# How a post's engagements split into clicks, reactions, comments and shares (YouTube Studio has no clicks).
ENGAGEMENT_SPLIT = {
    "linkedin": (0.45, 0.40, 0.08, 0.07),
    "twitter": (0.30, 0.50, 0.10, 0.10),
    "facebook": (0.38, 0.47, 0.08, 0.07),
    "youtube": (0.0, 0.82, 0.07, 0.11),
}
POST_TOPICS = {
    "FR": ["Événement Paris : les décideurs IT en parlent", "Cloud souverain : 5 questions à se poser",
           "Cybersécurité : notre livre blanc 2026", "Témoignage client : migration en 6 semaines",
           "Webinar du jeudi : sécuriser le multi-cloud", "Salon Big Data & IA : rendez-vous stand F42"],
    "NL": ["Webinar: IT-beslissers over de cloud", "Datacenter whitepaper: de resultaten",
           "Klantcase: migratie in zes weken", "Vijf vragen over soevereine cloud"],
    "UK": ["London Tech Summit: see you at stand B12", "Cloud migration guide: step {n}",
           "Customer story: moving 200 apps in a quarter", "Three myths about hybrid cloud"],
    "US": ["Webinar recap: the ROI of a data platform", "Case study: retargeting that pays back",
           "Five charts on cloud spend in 2026", "Behind the scenes at our Austin office"],
    "DE": ["Köln Roadshow: die Highlights", "Produktdemo in 90 Sekunden", "So funktioniert die Plattform",
           "Kundenstimme: Migration in sechs Wochen"],
    "GLOBAL": ["#FutureOfWork: what changes in 2026", "Product launch 2026: meet the platform",
               "Thought leadership: the sum of local ROIs", "Our 2026 customer awards", "Brand film: one platform",
               "Partner spotlight", "Quarterly product update", "Live from our global summit"],
}


@dataclass
class Post:
    post_id: str
    published: datetime
    title: str
    impressions: int
    clicks: int | None
    reactions: int
    comments: int
    shares: int
    video: bool
    video_views: int | None

    @property
    def engagements(self) -> int:
        return (self.clicks or 0) + self.reactions + self.comments + self.shares


def iso_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def make_posts(account: Account, local_factor: float = 1.0) -> list[Post]:
    """The account's September posts: a weekly count drawn per ISO week, spread over its days (weekdays mostly),
    with the engagement rate of the scope (and, for the global pages, of the day)."""
    rng = Random(seed_of("posts " + account.key))
    low, high = POSTS_PER_WEEK[account.scope]
    impressions_range = IMPRESSIONS_PER_POST[(account.channel, account.scope)]
    base = GLOBAL_ENGAGEMENT[account.channel]
    global_mean = base * (1 - GLOBAL_DECLINE / 2)
    topics = POST_TOPICS[account.market]
    posts: list[Post] = []
    week = iso_monday(START)
    while week <= END:
        count = rng.randint(low, high)
        days = sorted(rng.choices(range(7), weights=DAY_WEIGHTS, k=count))
        for weekday in days:
            day = week + timedelta(days=weekday)
            published = datetime(day.year, day.month, day.day, rng.randint(7, 18), rng.choice((0, 5, 15, 30, 45)))
            if not START <= day <= END:
                continue  # the draw covers the whole ISO week; only September's days are exported
            if account.scope == "global":
                rate = base * (1 - GLOBAL_DECLINE * (day - START).days / (END - START).days)
            else:
                rate = global_mean * LOCAL_UPLIFT * local_factor
            impressions = rng.randint(*impressions_range)
            engagements = round(impressions * rate * (0.85 + 0.3 * rng.random()))
            split = ENGAGEMENT_SPLIT[account.channel]
            clicks, reactions, comments, shares = (round(engagements * share) for share in split)
            video = account.channel == "youtube" or rng.random() < 0.25
            views = None
            if account.channel == "youtube":
                views = round(impressions * (0.03 + 0.04 * rng.random()) * 1.25)
            elif video:
                views = round(impressions * (0.3 + 0.2 * rng.random()))
            number = len(posts) + 1
            posts.append(Post(
                post_id=f"{number:03d}", published=published,
                title=topics[(number - 1) % len(topics)].replace("{n}", str(number % 5 + 1)),
                impressions=impressions, clicks=None if account.channel == "youtube" else clicks,
                reactions=reactions, comments=comments, shares=shares, video=video, video_views=views,
            ))  # fmt: skip
        week += timedelta(days=7)
    posts.sort(key=lambda p: p.published)
    return posts


def engagement_rate(posts: Iterable[Post]) -> float:
    posts = list(posts)
    return sum(p.engagements for p in posts) / sum(p.impressions for p in posts)


def all_account_posts(accounts: list[Account]) -> dict[str, list[Post]]:
    """Every account's posts, the local pages' engagement nudged (a few deterministic passes) so that it comes out
    35 % (+-0.5 point) above the global pages' for every channel, despite the random draws and rounding."""
    posts = {a.key: make_posts(a) for a in accounts if a.scope == "global"}
    for channel in sorted({a.channel for a in accounts}):
        global_rate = engagement_rate(p for a in accounts if a.channel == channel and a.scope == "global"
                                      for p in posts[a.key])  # fmt: skip
        local_accounts = [a for a in accounts if a.channel == channel and a.scope == "local"]
        factor = 1.0
        for _ in range(12):
            local = {a.key: make_posts(a, factor) for a in local_accounts}
            uplift = engagement_rate(p for v in local.values() for p in v) / global_rate - 1
            if abs(uplift - (LOCAL_UPLIFT - 1)) < 0.005:
                break
            factor *= LOCAL_UPLIFT / (1 + uplift)
        posts.update(local)
    return {a.key: posts[a.key] for a in accounts}


def _pct(numerator: int, denominator: int, digits: int = 2) -> str:
    return f"{100 * numerator / denominator:.{digits}f}%" if denominator else "0%"


def write_linkedin_posts(path: Path, account: Account, posts: list[Post], rng: Random) -> tuple[list[str], int]:
    """Page content export, "All posts" sheet, as Excel saves it to "CSV UTF-8": UTF-8 with BOM, comma, CRLF.
    The sheet lists the page's sponsored posts too (not organic: the loader skips them). Returns the post ids as
    loaded and the number of sponsored rows."""
    header = ["Post title", "Post link", "Post type", "Campaign name", "Posted by", "Created date",
              "Campaign start date", "Campaign end date", "Audience", "Impressions",
              "Views (excluding off-site video views)", "Offsite Views", "Clicks", "Click through rate (CTR)", "Likes",
              "Comments", "Reposts", "Follows", "Engagement rate", "Content Type"]  # fmt: skip
    base_urn = 7240000000000000000 + int(account.account_id) * 1000
    rows, ids = [], []
    for index, post in enumerate(posts):
        urn = f"urn:li:activity:{base_urn + index * 7}"
        ids.append(urn)
        follows = rng.randint(0, 3)
        kind = "Video" if post.video else rng.choice(["Image", "Image", "Text", "Document", "Article"])
        rows.append([post.title, f"https://www.linkedin.com/feed/update/{urn}", "Organic", "", account.account_name,
                     f"{post.published.month}/{post.published.day}/{post.published.year}", "", "", "All followers",
                     post.impressions, post.video_views if post.video else "",
                     rng.randint(0, 40) if post.video else "", post.clicks, _pct(post.clicks, post.impressions),
                     post.reactions, post.comments, post.shares, follows,
                     _pct(post.engagements + follows, post.impressions), kind])  # fmt: skip
    sponsored = []
    for number, campaign in enumerate(account.campaigns[:2], start=1):
        day = date(2026, 9, 7 * number)
        impressions = rng.randint(20000, 60000)
        clicks = round(impressions * 0.005)
        sponsored.append([campaign.name, f"https://www.linkedin.com/feed/update/urn:li:activity:{base_urn + 900 + number}",
                          "Sponsored", campaign.name, account.account_name, f"9/{day.day}/2026", "9/1/2026",
                          "9/30/2026", "Campaign audience", impressions, "", "", clicks, _pct(clicks, impressions),
                          round(impressions * 0.003), round(impressions * 0.0004), round(impressions * 0.0002), 12,
                          _pct(clicks + round(impressions * 0.0036), impressions), "Image"])  # fmt: skip
    rows.insert(len(rows) // 3, sponsored[0])
    rows.insert(2 * len(rows) // 3, sponsored[1])
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle, lineterminator="\r\n")
        out.writerow([f"All posts: Post-level metrics for the updates of {account.account_name} created between "
                      "9/1/2026 and 9/30/2026, organic and sponsored."])
        out.writerow(header)
        out.writerows(rows)
    return ids, len(sponsored)


def write_twitter_posts(path: Path, account: Account, posts: list[Post], rng: Random) -> list[str]:
    """Post activity export, UTF-8 comma: the classic tweet_activity_metrics (the local account) or the newer
    account_analytics_content (the global one, dates without a time)."""
    handle_name = "AcmeUK" if account.market == "UK" else "Acme"
    ids = [str(1831000000000000000 + int(seed_of(account.account_id) % 10**9) * 1000 + i * 7919) for i in range(len(posts))]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        if account.scope == "local":
            out = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
            out.writerow(["Tweet id", "Tweet permalink", "Tweet text", "time", "impressions", "engagements",
                          "engagement rate", "retweets", "replies", "likes", "user profile clicks", "url clicks",
                          "hashtag clicks", "detail expands", "permalink clicks", "app opens", "app installs",
                          "follows", "email tweet", "dial phone", "media views", "media engagements",
                          "promoted impressions", "promoted engagements", "promoted url clicks"])  # fmt: skip
            for tweet_id, post in zip(ids, posts):
                profile, expands = rng.randint(0, 6), rng.randint(0, 12)
                engagements = post.engagements + profile + expands
                media = post.video_views or 0
                out.writerow([tweet_id, f"https://twitter.com/{handle_name}/status/{tweet_id}", post.title,
                              f"{post.published:%Y-%m-%d %H:%M} +0000", f"{post.impressions}.0", f"{engagements}.0",
                              repr(engagements / post.impressions), f"{post.shares}.0", f"{post.comments}.0",
                              f"{post.reactions}.0", f"{profile}.0", f"{post.clicks}.0", "0.0", f"{expands}.0", "0",
                              "0", "0", "0", "0", "0", media, round(media * 0.02), "-", "-", "-"])  # fmt: skip
        else:
            out = csv.writer(handle, lineterminator="\n")
            out.writerow(["Post id", "Date", "Post text", "Post Link", "Impressions", "Likes", "Engagements",
                          "Bookmarks", "Shares", "New follows", "Replies", "Reposts", "Profile visits",
                          "Detail Expands", "URL Clicks", "Hashtag Clicks", "Permalink Clicks"])  # fmt: skip
            for tweet_id, post in zip(ids, posts):
                bookmarks, dm_shares, profile, expands = (rng.randint(0, n) for n in (5, 3, 8, 15))
                out.writerow([tweet_id, f"{post.published:%a, %b} {post.published.day}, {post.published.year}",
                              post.title, f"https://x.com/{handle_name}/status/{tweet_id}", post.impressions,
                              post.reactions, post.engagements + bookmarks + dm_shares + profile + expands, bookmarks,
                              dm_shares, rng.randint(0, 2), post.comments, post.shares, profile, expands, post.clicks,
                              0, 0])  # fmt: skip
    return ids


def write_facebook_posts(path: Path, account: Account, posts: list[Post], rng: Random) -> list[str]:
    """Meta Business Suite page posts export: UTF-8 with BOM, comma, LF; post texts may span lines (quoted)."""
    ids = [f"{account.account_id}_{10161000000000000 + seed_of(account.key) % 10**8 * 100 + i * 37}"
           for i in range(len(posts))]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["Post ID", "Page ID", "Page name", "Title", "Description", "Publish time", "Post type",
                      "Permalink", "Reach", "Impressions", "Reactions", "Comments", "Shares", "Total clicks",
                      "Link clicks", "Seconds viewed", "3-second video views"])  # fmt: skip
        for post_id, post in zip(ids, posts):
            kind = "Videos" if post.video else rng.choice(["Photos", "Links", "Photos", "Status"])
            text = post.title if rng.random() < 0.7 else f"{post.title}\n{account.account_name} – en savoir plus"
            out.writerow([post_id, account.account_id, account.account_name, post.title if post.video else "",
                          text, f"{post.published:%m/%d/%Y %H:%M}", kind,
                          f"https://www.facebook.com/{account.account_id}/posts/{post_id.split('_')[1]}",
                          round(post.impressions * (0.7 + 0.1 * rng.random())), post.impressions, post.reactions,
                          post.comments, post.shares, post.clicks + rng.randint(0, 30), post.clicks,
                          post.video_views * 6 if post.video else "",
                          post.video_views if post.video else ""])  # fmt: skip
    return ids


_VIDEO_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def write_youtube_posts(path: Path, account: Account, posts: list[Post], rng: Random) -> list[str]:
    """YouTube Studio "Table data.csv": UTF-8 comma, first data row `Total`, publish times like `Sep 3, 2026`."""
    ids = ["".join(rng.choice(_VIDEO_ID_CHARS) for _ in range(11)) for _ in posts]
    rows = []
    for video_id, post in zip(ids, posts):
        duration = rng.randint(45, 600)
        watch_hours = Decimal(post.video_views * duration * (0.35 + 0.3 * rng.random()) / 3600).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP)
        clicks_share = post.video_views * 0.8 / post.impressions
        rows.append([video_id, post.title, f"{post.published:%b} {post.published.day}, {post.published.year}", duration,
                     post.video_views, watch_hours, rng.randint(0, 12), post.impressions, f"{100 * clicks_share:.2f}",
                     post.reactions, post.shares, post.comments])  # fmt: skip
    impressions = sum(r[7] for r in rows)
    total = ["Total", "", "", "", sum(r[4] for r in rows), sum((r[5] for r in rows), Decimal(0)), sum(r[6] for r in rows),
             impressions, f"{100 * sum(r[4] * 0.8 for r in rows) / impressions:.2f}", sum(r[9] for r in rows),
             sum(r[10] for r in rows), sum(r[11] for r in rows)]  # fmt: skip
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["Content", "Video title", "Video publish time", "Duration", "Views", "Watch time (hours)",
                      "Subscribers", "Impressions", "Impressions click-through rate (%)", "Likes", "Shares",
                      "Comments added"])  # fmt: skip
        out.writerow(total)
        out.writerows(rows)
    return ids


def posts_file_name(account: Account) -> str:
    if account.channel == "linkedin":
        slug = account.account_name.lower().replace(" ", "-")
        return f"{slug}_content_{calendar.timegm(POSTS_DOWNLOAD.timetuple()) * 1000}.csv"
    if account.channel == "twitter":
        if account.scope == "local":
            return "tweet_activity_metrics_AcmeUK_20260901_20261001_en.csv"
        return "account_analytics_content_2026-09-01_2026-09-30.csv"
    if account.channel == "facebook":
        return f"Sep-01-2026_Sep-30-2026_{account.account_id}.csv"
    return "Table data.csv"


def write_organic_exports(accounts: list[Account], exports: Path) -> dict:
    """Write every account's post export; return what the loader must find (for expected.json)."""
    writers = {"linkedin": write_linkedin_posts, "twitter": write_twitter_posts,
               "facebook": write_facebook_posts, "youtube": write_youtube_posts}  # fmt: skip
    out: dict = {
        "rule": "one file per account under <channel>_posts/<account_id>/; posts counted by the day of their publish "
        "time; engagements = clicks + reactions + comments + shares (YouTube has no clicks); engagement_rate = "
        "engagements / impressions. LinkedIn's sponsored rows are not organic posts and are not loaded.",
        "accounts": {},
        "engagement_local_vs_global": {},
        "global_engagement_by_week": {},
    }
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    weekly: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    all_posts = all_account_posts(accounts)
    for account in accounts:
        posts = all_posts[account.key]
        folder = exports / f"{account.channel}_posts" / account.account_id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / posts_file_name(account)
        rng = Random(seed_of("post export " + account.key))
        written = writers[account.channel](path, account, posts, rng)
        ids, skipped = written if isinstance(written, tuple) else (written, 0)
        touch(path, POSTS_DOWNLOAD)
        per_week: dict[str, int] = defaultdict(int)
        for post in posts:
            per_week[iso_monday(post.published.date()).isoformat()] += 1
        impressions = sum(p.impressions for p in posts)
        engagements = sum(p.engagements for p in posts)
        out["accounts"][account.key] = {
            "file": f"{account.channel}_posts/{account.account_id}/{path.name}",
            "market": account.market,
            "scope": account.scope,
            "posts": len(posts),
            "sponsored_rows_skipped": skipped,
            "first_post_id": ids[0],
            "posts_per_iso_week": dict(sorted(per_week.items())),
            "impressions": impressions,
            "clicks": None if account.channel == "youtube" else sum(p.clicks for p in posts),
            "reactions": sum(p.reactions for p in posts),
            "comments": sum(p.comments for p in posts),
            "shares": sum(p.shares for p in posts),
            # X's exports have no video views (media views count photos too).
            "video_views": None if account.channel == "twitter" else sum(p.video_views or 0 for p in posts if p.video),
            "engagements": engagements,
            "engagement_rate": f"{engagements / impressions:.6f}",
        }
        totals[(account.channel, account.scope)][0] += engagements
        totals[(account.channel, account.scope)][1] += impressions
        if account.scope == "global":
            for post in posts:
                cell = weekly[account.channel][iso_monday(post.published.date())]
                cell[0] += post.engagements
                cell[1] += post.impressions
    for channel in sorted({a.channel for a in accounts}):
        local = totals[(channel, "local")][0] / totals[(channel, "local")][1]
        global_ = totals[(channel, "global")][0] / totals[(channel, "global")][1]
        out["engagement_local_vs_global"][channel] = {
            "local_engagement_rate": f"{local:.6f}",
            "global_engagement_rate": f"{global_:.6f}",
            "engagement_uplift": f"{local / global_ - 1:.4f}",
        }
        weeks = weekly[channel]
        first, last = min(weeks), max(weeks)
        out["global_engagement_by_week"][channel] = {
            **{week.isoformat(): f"{e / i:.6f}" for week, (e, i) in sorted(weeks.items())},
            "change_first_to_last_week": f"{(weeks[last][0] / weeks[last][1]) / (weeks[first][0] / weeks[first][1]) - 1:.4f}",
        }
    return out


# ---------------------------------------------------------------------------------------------------------------------


def build(out: Path = HERE) -> None:
    """Write the sample (config, exports with their download times, rates, expected totals) into `out`."""
    data = out / "data"
    exports = data / "exports"
    fx_file = data / "fx" / "eurofxref-hist.csv"
    for folder in (exports, fx_file.parent):
        if folder.exists():
            shutil.rmtree(folder)

    rates = eg.synthetic_ecb_rates(FX_START, FX_END, Random(1999_01_04))
    eg.write_ecb_history(fx_file, rates)
    touch(fx_file, FX_DOWNLOAD)

    files: dict[str, list[str]] = {}
    truth = all_base_rows(ACCOUNTS)
    for account in ACCOUNTS:
        rows = truth[account.key]
        folder = exports / account.channel / account.account_id
        files[account.key] = write_account(account, rows, folder, Random(seed_of("restate " + account.key)))

    first, second, replaced = make_deals(ACCOUNTS, truth, rates)
    crm = exports / "crm"
    eg.write_crm(crm / "deals_2026-09-20.csv", first)
    touch(crm / "deals_2026-09-20.csv", CRM_FIRST)
    eg.write_crm(crm / "deals_2026-10-02.csv", second)
    touch(crm / "deals_2026-10-02.csv", CRM_SECOND)
    final = {d.deal_id: d for d in first}
    final.update({d.deal_id: d for d in second})

    organic = write_organic_exports(ACCOUNTS, exports)

    (out / "roi.toml").write_text(toml_text(ACCOUNTS), encoding="utf-8")
    result = expected(ACCOUNTS, truth, files, list(final.values()), replaced, rates)
    result["organic"] = organic
    (out / "expected.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    # Git keeps no modification times, and "the newest download wins": rebuilding restores them.
    out = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE
    build(out)
    for path in sorted((out / "data").rglob("*.csv")):
        print(path.relative_to(out))
    print("roi.toml\nexpected.json")


if __name__ == "__main__":
    main()
