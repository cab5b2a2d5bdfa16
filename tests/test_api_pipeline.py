"""API accounts end to end: Dagster runs against the four fake platforms on loopback, into a real DuckDB file.

Restatement windows, a failure half-way through a day, a daily quota, refused tokens, missing variables, secrets
kept out of everything, and the same facts via CSV and via API giving the same rows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import dagster as dg
import pytest

from pipelines.cli import EXIT_OK, print_status
from pipelines.config import load_config
from pipelines.resources import PlatformApiResource
from pipelines.runs import materialize_days, record_last_run, run_problems
from tests.conftest import REPO, PipelineRun, load_script, settle_exports
from tests.fakes.clock import FakeClock
from tests.fakes.data import CampaignDay
from tests.fakes.fixtures import fake_platforms  # noqa: F401

ACCOUNTS = {  # channel -> (account id, market, scope, currency)
    "linkedin": ("508765432", "FR", "local", "EUR"),
    "twitter": ("18ce54d4x5t", "UK", "local", "GBP"),
    "facebook": ("1234567890", "GLOBAL", "global", "EUR"),
    "youtube": ("7712345678", "DE", "local", "EUR"),
}
CAMPAIGNS = {"linkedin": "612345001", "twitter": "uk4p1", "facebook": "120210000000001001", "youtube": "21456789012"}


def day(n: int) -> date:
    return date(2026, 9, n)


def fact(channel: str, n: int, spend: str = "100.00", **changes) -> CampaignDay:
    currency = ACCOUNTS[channel][3]
    values = dict(day=day(n), campaign_id=CAMPAIGNS[channel], campaign_name=f"{channel} – Événement décideurs",
                  currency=currency, spend=Decimal(spend), impressions=1000 + n, clicks=10 + n,
                  conversions=Decimal(n % 4), revenue=Decimal("40.00") * (n % 4))
    values.update(changes)
    return CampaignDay(**values)


def september(fakes, days=range(1, 11)) -> None:
    fakes.twitter.add_account(ACCOUNTS["twitter"][0], timezone="Europe/London")
    for channel in ACCOUNTS:
        fakes[channel].put(ACCOUNTS[channel][0], *(fact(channel, n, spend=f"{n * 10}.25") for n in days))


def write_config(folder: Path, base_url: str, source: str = "api", token_url: str | None = None) -> Path:
    (folder / "exports").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "sample" / "data" / "fx" / "eurofxref-hist.csv", folder / "rates.csv")
    lines = [
        'reporting_currency = "EUR"', 'warehouse = "roi.duckdb"', 'exports_dir = "exports"',
        'fx_rates = "rates.csv"', 'revenue_source = "platform"', 'history_start = "2026-01-01"',
    ]
    for channel, (account_id, market, scope, currency) in ACCOUNTS.items():
        lines += ["", "[[accounts]]", f'channel = "{channel}"', f'account_id = "{account_id}"',
                  f'market = "{market}"', f'scope = "{scope}"', f'currency = "{currency}"', f'source = "{source}"']
        if source == "api":
            lines.append(f'api_base = "{base_url}"')
        if channel == "twitter":
            lines.append('timezone = "Europe/London"')
        if channel == "youtube" and token_url:
            lines.append(f'token_url = "{token_url}"')
    path = folder / "roi.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def api_resource(clock: FakeClock, environ: dict[str, str]) -> PlatformApiResource:
    class TestPlatformApi(PlatformApiResource):
        def clock(self):
            return clock

        def environ(self):
            return environ

    return TestPlatformApi()


@pytest.fixture
def api_run(fake_platforms, tmp_path):
    """Runs the pipeline over the fakes with a fake clock; the fakes hold September 1-10 for one campaign each."""
    september(fake_platforms)
    config_path = write_config(tmp_path / "api", fake_platforms.base_url)
    clock = FakeClock()

    def run(start: date, end: date, environ=None, instance=None) -> PipelineRun:
        config = load_config(config_path)
        resources = {"platform_api": api_resource(clock, environ or fake_platforms.environment())}
        owned = instance is None
        instance = instance or dg.DagsterInstance.ephemeral()
        try:
            settle_exports(config)
            result = materialize_days(config, start, end, instance, resources=resources)
            return PipelineRun(result, run_problems(result), config)
        finally:
            if owned:
                instance.dispose()

    run.clock = clock
    run.config_path = config_path
    return run


CAMPAIGN_ROWS = """SELECT date, channel, account_id, campaign_id, currency, spend_original, impressions, clicks,
                          conversions, platform_revenue FROM marts.campaign_daily ORDER BY channel, date"""


def test_api_accounts_load_every_platform_exactly(api_run, fake_platforms):
    run = api_run(day(1), day(10))
    assert run.problems == []
    rows = run.query(CAMPAIGN_ROWS)
    assert len(rows) == 40
    for channel in ACCOUNTS:
        got = [row for row in rows if row[1] == channel]
        account_id, _, _, currency = ACCOUNTS[channel]
        # Meta leaves `actions` out on a day without conversions, as its export leaves `Results` blank.
        assert [(r[0], r[4], r[5], r[6], r[7], r[8]) for r in got] == [
            (day(n), currency, Decimal(f"{n * 10}.25"), 1000 + n, 10 + n,
             None if channel == "facebook" and n % 4 == 0 else Decimal(n % 4)) for n in range(1, 11)
        ], channel
    pulls = run.query("SELECT channel, status, first_day, last_day FROM raw.api_pulls ORDER BY channel")
    assert [p[:2] for p in pulls] == [(c, "complete") for c in sorted(ACCOUNTS)]
    # Global = sum of local holds for API data too.
    assert run.query("SELECT sum(net_return) FROM marts.roi_global") == run.query(
        "SELECT sum(net_return) FROM marts.roi_local")


def test_a_restated_day_replaces_the_old_numbers_within_each_window(api_run, fake_platforms):
    api_run(day(1), day(10))
    fake_platforms.facebook.put(ACCOUNTS["facebook"][0], fact("facebook", 2, spend="999.99"))  # Meta: 28 days back
    fake_platforms.linkedin.put(ACCOUNTS["linkedin"][0], fact("linkedin", 2, spend="999.99"))  # LinkedIn: 7 days
    daily = api_run(day(11), day(11))  # the daily run for the 11th
    assert daily.problems == []
    spend_on_the_2nd = dict(daily.query(
        "SELECT channel, spend_original FROM marts.campaign_daily WHERE date = DATE '2026-09-02'"))
    assert spend_on_the_2nd["facebook"] == Decimal("999.99")  # replaced, never added to
    assert spend_on_the_2nd["linkedin"] == Decimal("20.25")  # outside LinkedIn's window: the 4th..11th
    assert daily.query("SELECT count(*) FROM marts.campaign_daily WHERE date = DATE '2026-09-02'") == [(4,)]
    assert daily.query("SELECT first_day, last_day FROM raw.api_pulls WHERE channel = 'linkedin' "
                       "ORDER BY pulled_at DESC, first_day DESC LIMIT 1") == [(day(4), day(11))]


def test_a_failure_half_way_keeps_the_day_and_the_next_run_completes_it(api_run, fake_platforms):
    api_run(day(1), day(10))
    account = ACCOUNTS["twitter"][0]
    fake_platforms.twitter.put(account, *(fact("twitter", n, spend=f"{n}00.00") for n in (2, 3, 10)))
    # X asks 7 days at a time: 08-27..09-02, 09-03..09-09, 09-10. The middle window keeps failing: the pull stops
    # there, having replaced only the days of the first.
    fake_platforms.twitter.server_error(
        times=50, when=lambda request: "stats" in request.path and request.args["start_time"].startswith("2026-09-02T23"))
    broken = api_run(day(10), day(10))
    assert [p for p in broken.problems if "twitter" in p] == [
        f"check raw/twitter_ads:api_pulls_complete: X account {account}: gave up after 8 attempts: HTTP 500: "
        '{"errors": [{"code": "INTERNAL_ERROR", "message": "Internal error"}]} '
        f"(GET /12/stats/accounts/{account}?entity=CAMPAIGN&entity_ids=uk4p1&start_time=2026-09-02T23:00:00Z"
        "&end_time=2026-09-09T23:00:00Z&granularity=DAY&placement=ALL_ON_TWITTER"
        "&metric_groups=ENGAGEMENT,BILLING,WEB_CONVERSION)"
    ]
    spend = "SELECT spend_original FROM marts.campaign_daily WHERE channel = 'twitter' AND date = ?"
    assert broken.query(spend, [day(2)]) == [(Decimal("200.00"),)]  # its window succeeded: replaced
    assert broken.query(spend, [day(3)]) == [(Decimal("30.25"),)]  # the failed window kept its previous data
    assert broken.query(spend, [day(10)]) == [(Decimal("100.25"),)]  # never asked: kept too
    assert broken.query("SELECT min(date), max(date) FROM raw.api_missing_days") == [(day(3), day(10))]

    fake_platforms.clear_failures()
    fixed = api_run(day(11), day(11))
    assert fixed.problems == []
    assert fixed.query(spend, [day(3)]) == [(Decimal("300.00"),)]
    assert fixed.query(spend, [day(10)]) == [(Decimal("1000.00"),)]
    assert fixed.query("SELECT count(*) FROM raw.api_missing_days") == [(0,)]


def test_a_daily_quota_stops_that_account_and_the_others_carry_on(api_run, fake_platforms):
    fake_platforms.linkedin.daily_quota(times=5)
    run = api_run(day(1), day(10))
    [problem] = run.problems
    assert problem.startswith("check raw/linkedin_ads:api_pulls_complete: LinkedIn account 508765432: "
                              "daily API limit reached; retry after ")
    assert run.query("SELECT channel, count(*) FROM marts.campaign_daily GROUP BY ALL ORDER BY 1") == [
        ("facebook", 10), ("twitter", 10), ("youtube", 10)]
    assert run.query("SELECT count(*) FROM raw.api_missing_days WHERE channel = 'linkedin'") == [(10,)]
    fake_platforms.clear_failures()
    assert api_run(day(10), day(10)).query(
        "SELECT count(*) FROM marts.campaign_daily WHERE channel = 'linkedin'") == [(10,)]


def test_an_expired_token_is_named_and_not_retried(api_run, fake_platforms):
    fake_platforms.facebook.expired_token(times=5)
    run = api_run(day(1), day(3))
    [problem] = run.problems
    assert "Meta account 1234567890" in problem and "renew the token in ROI_META_TOKEN" in problem
    assert len(fake_platforms.requests_for("facebook")) == 1
    assert api_run.clock.sleeps == []


def test_secrets_never_reach_logs_metadata_run_storage_or_the_warehouse(api_run, fake_platforms, tmp_path, capfd):
    fake_platforms.facebook.expired_token(times=5)
    fake_platforms.youtube.unauthenticated(times=5)
    secrets = [value for name, value in fake_platforms.environment().items() if "CUSTOMER_ID" not in name]
    with dg.instance_for_test() as instance:
        run = api_run(day(1), day(3), instance=instance)
        assert len(run.problems) == 2
        text = repr(list(instance.all_logs(run.result.run_id)))  # every event: metadata, checks, errors
        storage = [path for path in Path(instance.root_directory).rglob("*") if path.is_file()]
        files = b"".join(path.read_bytes() for path in [*storage, *tmp_path.rglob("*")] if path.is_file())
    assert "renew the token in ROI_META_TOKEN" in text
    out, err = capfd.readouterr()
    for secret in secrets:
        assert secret not in text
        assert secret.encode() not in files
        assert secret not in out + err + "\n".join(run.problems)


def test_optional_figures_left_out_are_unknown_and_noted_and_the_run_and_roi_status_pass(api_run, fake_platforms,
                                                                                          capsys):
    fakes = fake_platforms
    fakes.linkedin.omitted_fields.add("conversionValueInLocalCurrency")
    fakes.twitter.omitted_fields.add("conversion_purchases")
    fakes.facebook.garbled_fields["action_values"] = "n/a"
    fakes.youtube.garbled_fields["metrics.conversions_value"] = "NaN"
    config_path = api_run.config_path
    config_path.write_text(config_path.read_text(encoding="utf-8").replace(
        'history_start = "2026-01-01"', 'history_start = "2026-01-01"\nfreshness_days = 3650'), encoding="utf-8")
    run = api_run(day(1), day(10))
    assert run.problems == []
    rows = run.query(CAMPAIGN_ROWS.replace("conversions, platform_revenue", "conversions, platform_revenue, revenue"))
    for channel in ACCOUNTS:
        known_conversions = channel != "twitter"
        # spend, impressions, clicks of every day; platform revenue unknown, so ROI's revenue counts none
        assert [r[5:] for r in rows if r[1] == channel] == [
            (Decimal(f"{n * 10}.25"), 1000 + n, 10 + n,
             Decimal(n % 4) if known_conversions and (channel != "facebook" or n % 4) else None, None, Decimal(0))
            for n in range(1, 11)], channel
    days_with_revenue = [n for n in range(1, 11) if n % 4]  # Meta leaves action_values out on the others
    notes = {
        "linkedin": ["conversionValueInLocalCurrency missing in 10 campaign days (2026-09-01..2026-09-10): "
                     "platform_revenue unknown (NULL)"],
        "twitter": ["conversion_purchases.metric missing in 10 campaign days (2026-09-01..2026-09-10): conversions "
                    "unknown (NULL)",
                    "conversion_purchases.sale_amount missing in 10 campaign days (2026-09-01..2026-09-10): "
                    "platform_revenue unknown (NULL)"],
        "facebook": [f"action_values unreadable in {len(days_with_revenue)} campaign days (2026-09-01..2026-09-10): "
                     "platform_revenue unknown (NULL)"],
        "youtube": ["metrics.conversionsValue unreadable in 10 campaign days (2026-09-01..2026-09-10): "
                    "platform_revenue unknown (NULL)"],
    }
    assert run.query("SELECT channel, status, message, notes FROM raw.api_pulls ORDER BY channel") == [
        (channel, "complete", None, notes[channel]) for channel in sorted(ACCOUNTS)]
    [check] = [c for c in run.result.get_asset_check_evaluations()
               if c.asset_key == dg.AssetKey(["raw", "linkedin_ads"]) and c.check_name == "api_pulls_complete"]
    assert check.passed  # a note is no failure, and the check says it
    assert check.description == f"1 API account(s) pulled in full; left unknown: 508765432: {notes['linkedin'][0]}"
    # `roi status`: the notes under each account, and exit 0 (a note is informational).
    record_last_run(run.config, run.result, day(1), day(10), run.problems)
    capsys.readouterr()
    assert print_status(run.config) == EXIT_OK
    out = capsys.readouterr().out
    for channel, lines in notes.items():
        account = f"{channel} {ACCOUNTS[channel][0]}"
        said = out.split(account, 1)[1].splitlines()
        assert said[0].endswith("2026-09-10  fresh")
        assert [line.strip() for line in said[1:1 + len(lines)]] == [f"ads pull note: {note}" for note in lines]


def test_the_same_facts_via_csv_and_via_api_give_identical_rows(api_run, fake_platforms, tmp_path):
    via_api = api_run(day(1), day(10))
    config_path = write_config(tmp_path / "csv", fake_platforms.base_url, source="csv")
    exportgen = load_script("bench/exportgen.py")
    writers = {
        "linkedin": lambda path, rows: exportgen.write_linkedin(path, rows),
        "twitter": lambda path, rows: exportgen.write_twitter(path, rows, variant="utf16-tab"),
        "facebook": lambda path, rows: exportgen.write_facebook(path, rows, language="fr"),
        "youtube": lambda path, rows: exportgen.write_youtube(path, rows, variant="excel"),
    }
    for channel, (account_id, *_rest) in ACCOUNTS.items():
        folder = tmp_path / "csv" / "exports" / channel / account_id
        folder.mkdir(parents=True)
        blank_zero = channel == "facebook"  # Meta's export leaves Results blank on a day without conversions
        writers[channel](folder / "export.csv", [
            exportgen.AdRow(f.day, f.campaign_id, f.campaign_name, f.currency, f.spend, f.impressions, f.clicks,
                            None if blank_zero and not f.conversions else f.conversions,
                            None if blank_zero and not f.revenue else f.revenue)
            for f in sorted(fake_platforms[channel].accounts[account_id], key=lambda f: f.day)
        ])
    with dg.DagsterInstance.ephemeral() as instance:
        settle_exports(config_path)
        result = materialize_days(load_config(config_path), day(1), day(10), instance)
        via_csv = PipelineRun(result, run_problems(result), load_config(config_path))
    assert via_csv.problems == []
    rows = """SELECT date, channel, account_id, campaign_id, campaign_name, currency, spend, impressions, clicks,
                     conversions, CASE WHEN channel = 'linkedin' THEN NULL ELSE platform_revenue END
              FROM staging.stg_ad_performance ORDER BY ALL"""  # LinkedIn's export has no conversion value
    assert via_csv.query(rows) == via_api.query(rows)
    assert len(via_csv.query(rows)) == 40


def test_roi_run_names_a_missing_variable_before_any_request_then_runs(fake_platforms, tmp_path):
    september(fake_platforms)
    config_path = write_config(tmp_path, fake_platforms.base_url)
    env = {key: value for key, value in os.environ.items() if not key.startswith("ROI_")}
    env |= {key: value for key, value in fake_platforms.environment().items() if key != "ROI_META_TOKEN"}
    env["ROI_CONFIG"] = str(config_path)
    done = subprocess.run([str(Path(sys.executable).parent / "roi"), "run", "--start", "2026-09-01", "--end",
                           "2026-09-10"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "facebook API accounts need the environment variable(s) ROI_META_TOKEN" in done.stderr
    assert fake_platforms.requests == []

    env["ROI_META_TOKEN"] = fake_platforms.environment()["ROI_META_TOKEN"]
    done = subprocess.run([str(Path(sys.executable).parent / "roi"), "run", "--start", "2026-09-01", "--end",
                           "2026-09-10"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = subprocess.run([str(Path(sys.executable).parent / "roi"), "report"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert [line.split()[:2] for line in report.stdout.splitlines()[2:6]] == [
        ["DE", "youtube"], ["FR", "linkedin"], ["GLOBAL", "facebook"], ["UK", "twitter"]]



def _meta_config(folder: Path, base_url: str, source: str) -> Path:
    """One Meta account, its conversions the default ones (offsite_conversion.fb_pixel_purchase)."""
    (folder / "exports").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "sample" / "data" / "fx" / "eurofxref-hist.csv", folder / "rates.csv")
    account_id, market, scope, currency = ACCOUNTS["facebook"]
    lines = [
        'reporting_currency = "EUR"', 'warehouse = "roi.duckdb"', 'exports_dir = "exports"', 'fx_rates = "rates.csv"',
        'revenue_source = "platform"', 'history_start = "2026-01-01"', "", "[[accounts]]", 'channel = "facebook"',
        f'account_id = "{account_id}"', f'market = "{market}"', f'scope = "{scope}"', f'currency = "{currency}"',
        f'source = "{source}"', f'api_base = "{base_url}"' if source == "api" else "",
    ]
    path = folder / "roi.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_meta_results_of_other_objectives_are_no_conversions_via_csv_as_via_api(fake_platforms, tmp_path):
    account_id = ACCOUNTS["facebook"][0]
    purchases, reach, traffic = "120210000000002001", "120210000000002002", "120210000000002003"
    facts = [
        *(fact("facebook", n, spend=f"{n * 10}.25", campaign_id=purchases, campaign_name="FR – Retargeting")
          for n in range(1, 6)),
        # Optimized for reach and for link clicks: no purchases, so the API's actions have none; their exports'
        # Results count people reached and link clicks.
        *(fact("facebook", n, spend="80.00", campaign_id=reach, campaign_name="FR – Notoriété salon",
               impressions=2950 + n, conversions=Decimal(0), revenue=Decimal(0)) for n in range(1, 6)),
        *(fact("facebook", n, spend="40.10", campaign_id=traffic, campaign_name="FR – Trafic site",
               conversions=Decimal(0), revenue=Decimal(0)) for n in range(1, 6)),
    ]
    fake_platforms.facebook.put(account_id, *facts)

    api_config = load_config(_meta_config(tmp_path / "api", fake_platforms.base_url, "api"))
    csv_config = load_config(_meta_config(tmp_path / "csv", fake_platforms.base_url, "csv"))
    folder = tmp_path / "csv" / "exports" / "facebook" / account_id
    folder.mkdir(parents=True)
    exportgen = load_script("bench/exportgen.py")
    exportgen.write_facebook(folder / "Acme-Campaigns-1-Sep-2026-5-Sep-2026.csv", [
        exportgen.AdRow(f.day, f.campaign_id, f.campaign_name, f.currency, f.spend, f.impressions, f.clicks,
                        f.conversions or None, f.revenue or None)
        for f in sorted(facts, key=lambda f: (f.day, f.campaign_id))
    ], language="en", objectives={reach: "reach", traffic: "link_click"})

    runs = {}
    for name, config, resources in (
        ("api", api_config, {"platform_api": api_resource(FakeClock(), fake_platforms.environment())}),
        ("csv", csv_config, {}),
    ):
        with dg.DagsterInstance.ephemeral() as instance:
            settle_exports(config)
            result = materialize_days(config, day(1), day(5), instance, resources=resources)
            runs[name] = PipelineRun(result, run_problems(result), config)
        assert runs[name].problems == [], name
    rows = "SELECT * FROM marts.campaign_daily ORDER BY date, campaign_id"
    assert runs["csv"].query(rows) == runs["api"].query(rows)
    conversions = runs["csv"].query("SELECT campaign_id, sum(conversions), count(conversions), count(*) "
                                    "FROM marts.campaign_daily GROUP BY ALL ORDER BY ALL")
    # Purchases on days 1..5 are n % 4: 1 + 2 + 3 + 0 (blank: unknown) + 1.
    assert conversions == [(purchases, Decimal(7), 4, 5), (reach, None, 0, 5), (traffic, None, 0, 5)]
    assert runs["csv"].query("SELECT notes FROM raw.export_files") == [(
        "conversions left unknown on 10 row(s) whose 'Results' are not the account's conversions "
        "(actions:offsite_conversion.fb_pixel_purchase): 5 with Result indicator 'actions:link_click', "
        "5 with Result indicator 'reach'",)]
