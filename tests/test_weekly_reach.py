"""Weekly reach (issue 5): one request per account and ISO week over the whole week, never daily reach summed.

Client level against the Meta and LinkedIn fakes with a fake clock, the load into raw.weekly_reach, and end to end
through Dagster into marts.contact_frequency, whose frequency = the week's impressions / the week's reach.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import requests

from connectors.api_clients import API_CLIENTS
from connectors.api_pull import ApiAccount
from connectors.api_session import MalformedResponse, RetryPolicy
from connectors.campaign_days import WeeklyReach, complete_weeks
from connectors.credentials import credentials_for
from pipelines.config import load_config
from pipelines.resources import PlatformApiResource
from pipelines.runs import materialize_days, run_problems
from tests.conftest import REPO, PipelineRun, settle_exports
from tests.fakes.clock import FakeClock
from tests.fakes.data import CampaignDay
from tests.fakes.facebook import derived_reach
from tests.fakes.fixtures import LINKEDIN_TOKEN, fake_platforms  # noqa: F401
from warehouse.api_loads import replace_weekly_reach
from warehouse.schema import ensure_schema

META, LINKEDIN = "1234567890", "508765432"
WEEK1, WEEK2 = date(2026, 9, 7), date(2026, 9, 14)  # Mondays: two full ISO weeks of September 2026
# Meta, week 1: 1000 impressions a day, 7000 in the week, 333 people a day (the fake: impressions // 3), so 2331 if
# daily reach were summed; the week's unique reach is fixed at 2000.
META_WEEK1 = [1000] * 7
# Meta, week 2: no reach fixed, the fake derives it: daily reach 300, 400, 266, 500, 333, 233, 366 (sum 2398);
# unique = the largest day + 10% of the others = 500 + 1898 // 10 = 689.
META_WEEK2 = [900, 1200, 800, 1500, 1000, 700, 1100]
# LinkedIn, week 1: 100 on Monday, 200 on Wednesday: daily reach 33 and 66, unique = 66 + 3 = 69.
# LinkedIn, week 2: 143 a day = 1001 impressions, unique reach fixed at 128 (daily reach 47 x 7 = 329 if summed).
LINKEDIN_DAYS = {WEEK1: 100, WEEK1 + timedelta(2): 200, **{WEEK2 + timedelta(n): 143 for n in range(7)}}


def fact(day: date, campaign: str, impressions: int, currency: str = "EUR") -> CampaignDay:
    return CampaignDay(day, campaign, f"Campaign {campaign}", currency, Decimal("10.00"), impressions, 5)


def load_facts(fakes) -> None:
    for monday, week in ((WEEK1, META_WEEK1), (WEEK2, META_WEEK2)):
        days = [fact(monday + timedelta(n), "120210000000001001", imp) for n, imp in enumerate(week)]
        fakes.facebook.put(META, *days)
    fakes.facebook.set_weekly_reach(META, WEEK1, 2000)
    fakes.linkedin.put(LINKEDIN, *(fact(day, "612345001", imp) for day, imp in LINKEDIN_DAYS.items()))
    fakes.linkedin.set_weekly_reach(LINKEDIN, WEEK2, 128)


def client(fakes, channel: str, account_id: str, clock: FakeClock | None = None):
    account = ApiAccount(channel=channel, account_id=account_id, currency="EUR", api_base=fakes.base_url)
    return API_CLIENTS[channel](account, credentials_for(channel, fakes.environment()), clock or FakeClock(),
                                RetryPolicy())


# --- which weeks -----------------------------------------------------------------------------------------------------

def test_only_complete_iso_weeks_inside_the_window_are_asked():
    assert complete_weeks(date(2026, 8, 13), date(2026, 9, 10)) == [date(2026, 8, 17), date(2026, 8, 24),
                                                                    date(2026, 8, 31)]
    assert complete_weeks(WEEK1, WEEK2 + timedelta(6)) == [WEEK1, WEEK2]
    assert complete_weeks(WEEK1 + timedelta(1), WEEK2 + timedelta(6)) == [WEEK2]  # starts on a Tuesday
    assert complete_weeks(WEEK1, WEEK1 + timedelta(5)) == []  # ends on a Saturday


# --- clients ---------------------------------------------------------------------------------------------------------

def test_meta_one_account_level_request_per_week_with_exact_reach(fake_platforms):
    load_facts(fake_platforms)
    clock = FakeClock()
    empty = WEEK2 + timedelta(7)  # no delivery that week: no row
    rows = client(fake_platforms, "facebook", META, clock).weekly_reach([WEEK1, WEEK2, empty])
    assert rows == [WeeklyReach(WEEK1, 2000, 7000), WeeklyReach(WEEK2, 689, 7200)]
    asked = fake_platforms.requests_for("facebook", "/insights")
    assert len(asked) == 3 and clock.sleeps == []
    for request, monday in zip(asked, [WEEK1, WEEK2, empty]):
        assert request.path == f"/v25.0/act_{META}/insights"
        assert request.args == {
            "level": "account",
            "time_increment": "all_days",
            "time_range": f'{{"since":"{monday}","until":"{monday + timedelta(6)}"}}',
            "fields": "reach,impressions",
        }


def test_linkedin_one_account_pivot_request_per_week_with_exact_reach(fake_platforms):
    load_facts(fake_platforms)
    rows = client(fake_platforms, "linkedin", LINKEDIN).weekly_reach([WEEK1, WEEK2])
    assert rows == [WeeklyReach(WEEK1, 69, 300), WeeklyReach(WEEK2, 128, 1001)]
    asked = fake_platforms.requests_for("linkedin", "adAnalytics")
    assert [r.query_string for r in asked] == [
        "q=analytics&pivot=(value:ACCOUNT)&timeGranularity=(value:ALL)"
        "&dateRange=(start:(year:2026,month:9,day:7),end:(year:2026,month:9,day:13))"
        f"&accounts=List(urn%3Ali%3AsponsoredAccount%3A{LINKEDIN})"
        "&fields=approximateMemberReach,impressions,dateRange,pivotValues",
        "q=analytics&pivot=(value:ACCOUNT)&timeGranularity=(value:ALL)"
        "&dateRange=(start:(year:2026,month:9,day:14),end:(year:2026,month:9,day:20))"
        f"&accounts=List(urn%3Ali%3AsponsoredAccount%3A{LINKEDIN})"
        "&fields=approximateMemberReach,impressions,dateRange,pivotValues",
    ]
    assert not any("sponsoredCampaign" in r.query_string for r in asked)  # no campaign list, no daily rows


def test_the_fakes_daily_reach_sums_to_more_than_the_weekly_reach(fake_platforms):
    """The fakes' daily rows carry reach too: what a pipeline summing them would get is another number."""
    load_facts(fake_platforms)
    meta_daily = [fact(WEEK2 + timedelta(n), "1", imp) for n, imp in enumerate(META_WEEK2)]
    assert sum(imp // 3 for imp in META_WEEK2) == 2398 > derived_reach(meta_daily) == 689
    response = requests.get(  # the daily endpoint answers `reach` per campaign and day
        f"{fake_platforms.base_url}/v25.0/act_{META}/insights",
        params={"level": "campaign", "time_increment": "1", "fields": "reach,impressions",
                "time_range": json.dumps({"since": str(WEEK2), "until": str(WEEK2 + timedelta(6))})},
        headers={"Authorization": f"Bearer {fake_platforms.environment()['ROI_META_TOKEN']}"}, timeout=5)
    assert sum(int(row["reach"]) for row in response.json()["data"]) == 2398
    assert fake_platforms.facebook.reach(META, WEEK2, WEEK2 + timedelta(6)) == 689


@pytest.mark.parametrize("row, detail", [
    ({"reach": "2000", "impressions": "n/a"}, "unreadable weekly reach: impressions is 'n/a', not a number"),
    ({"reach": "2000"}, "unreadable weekly reach: impressions is missing"),
    ({"reach": "2000", "impressions": "-7"}, "unreadable weekly reach: impressions is '-7', a negative count"),
])
def test_meta_a_week_without_readable_impressions_is_rejected_naming_the_request(fake_platforms, row, detail):
    load_facts(fake_platforms)
    fake_platforms.fail("facebook", 200, {"data": [{**row, "date_start": "2026-09-07", "date_stop": "2026-09-13"}]})
    with pytest.raises(MalformedResponse) as error:
        client(fake_platforms, "facebook", META).weekly_reach([WEEK1, WEEK2])
    message = str(error.value)
    assert message.startswith(f"Meta account {META}: {detail}")
    assert f"(GET /v25.0/act_{META}/insights?level=account&time_increment=all_days&time_range=" in message
    assert "2026-09-07" in message and "fields=reach,impressions)" in message
    assert len(fake_platforms.requests_for("facebook")) == 1  # stops at the bad week


@pytest.mark.parametrize("row, reason", [
    ({"impressions": "7000"}, "missing"),
    ({"reach": None, "impressions": "7000"}, "missing"),
    ({"reach": "n/a", "impressions": "7000"}, "unreadable"),
    ({"reach": "2000.5", "impressions": "7000"}, "unreadable"),
])
def test_meta_a_week_without_a_readable_reach_keeps_its_impressions_and_notes_the_reach_unknown(
    fake_platforms, row, reason
):
    load_facts(fake_platforms)
    fake_platforms.fail("facebook", 200, {"data": [{**row, "date_start": "2026-09-07", "date_stop": "2026-09-13"}]})
    meta = client(fake_platforms, "facebook", META)
    assert meta.weekly_reach([WEEK1, WEEK2]) == [WeeklyReach(WEEK1, None, 7000), WeeklyReach(WEEK2, 689, 7200)]
    assert meta.notes.lines() == (f"reach {reason} in 1 week (2026-09-07): reach unknown (NULL)",)


def test_meta_row_over_another_range_is_rejected(fake_platforms):
    load_facts(fake_platforms)
    fake_platforms.fail("facebook", 200, {"data": [
        {"reach": "300", "impressions": "1000", "date_start": "2026-09-07", "date_stop": "2026-09-07"}]})
    with pytest.raises(MalformedResponse, match="row covers 2026-09-07..2026-09-07, not 2026-09-07..2026-09-13"):
        client(fake_platforms, "facebook", META).weekly_reach([WEEK1])


LINKEDIN_WEEK1 = {"pivotValues": [f"urn:li:sponsoredAccount:{LINKEDIN}"], "approximateMemberReach": 69,
                  "dateRange": {"start": {"year": 2026, "month": 9, "day": 7},
                                "end": {"year": 2026, "month": 9, "day": 13}}}


def test_linkedin_a_week_without_impressions_or_of_another_account_is_rejected_naming_the_request(fake_platforms):
    load_facts(fake_platforms)
    fake_platforms.fail("linkedin", 200, {"elements": [LINKEDIN_WEEK1]})
    fake_platforms.fail("linkedin", 200, {"elements": [{**LINKEDIN_WEEK1, "impressions": "lots"}]})
    for detail in ("impressions is missing", "impressions is 'lots', not a number"):
        with pytest.raises(MalformedResponse) as error:
            client(fake_platforms, "linkedin", LINKEDIN).weekly_reach([WEEK1])
        assert f"LinkedIn account {LINKEDIN}: unreadable weekly reach: {detail}" in str(error.value)
        assert "(GET /rest/adAnalytics?q=analytics&pivot=(value:ACCOUNT)&timeGranularity=(value:ALL)&" in str(
            error.value)
    other = {**LINKEDIN_WEEK1, "impressions": 300, "pivotValues": ["urn:li:sponsoredAccount:1"]}
    fake_platforms.fail("linkedin", 200, {"elements": [other]})
    with pytest.raises(MalformedResponse, match="not urn:li:sponsoredAccount:508765432"):
        client(fake_platforms, "linkedin", LINKEDIN).weekly_reach([WEEK1])


def test_linkedin_a_week_without_member_reach_keeps_its_impressions_and_notes_the_reach_unknown(fake_platforms):
    load_facts(fake_platforms)
    fake_platforms.linkedin.omitted_fields.add("approximateMemberReach")
    linkedin = client(fake_platforms, "linkedin", LINKEDIN)
    assert linkedin.weekly_reach([WEEK1, WEEK2]) == [WeeklyReach(WEEK1, None, 300), WeeklyReach(WEEK2, None, 1001)]
    assert linkedin.notes.lines() == (
        "approximateMemberReach missing in 2 weeks (2026-09-07..2026-09-14): reach unknown (NULL)",)
    # Garbled (here echoing the token): unknown too, and the note never repeats what the answer said.
    fake_platforms.fail("linkedin", 200, {"elements": [
        {**LINKEDIN_WEEK1, "impressions": 300, "approximateMemberReach": LINKEDIN_TOKEN}]})
    linkedin = client(fake_platforms, "linkedin", LINKEDIN)
    assert linkedin.weekly_reach([WEEK1]) == [WeeklyReach(WEEK1, None, 300)]
    assert linkedin.notes.lines() == (
        "approximateMemberReach unreadable in 1 week (2026-09-07): reach unknown (NULL)",)


def test_a_week_not_given_by_its_monday_is_refused_before_any_request(fake_platforms):
    with pytest.raises(ValueError, match="not a Monday"):
        client(fake_platforms, "facebook", META).weekly_reach([WEEK1, WEEK1 + timedelta(1)])
    assert fake_platforms.requests == []


def test_the_fakes_refuse_shapes_they_do_not_serve(fake_platforms):
    load_facts(fake_platforms)
    token = fake_platforms.environment()
    meta = requests.get(
        f"{fake_platforms.base_url}/v25.0/act_{META}/insights",
        params={"level": "account", "time_increment": "1", "fields": "reach",
                "time_range": json.dumps({"since": str(WEEK1), "until": str(WEEK1 + timedelta(6))})},
        headers={"Authorization": f"Bearer {token['ROI_META_TOKEN']}"}, timeout=5)
    assert meta.status_code == 400 and "all_days" in meta.json()["error"]["message"]
    linkedin = requests.get(
        f"{fake_platforms.base_url}/rest/adAnalytics?q=analytics&pivot=(value:ACCOUNT)&timeGranularity=(value:DAILY)"
        f"&dateRange=(start:(year:2026,month:9,day:7))&accounts=List(urn%3Ali%3AsponsoredAccount%3A{LINKEDIN})",
        headers={"Authorization": f"Bearer {token['ROI_LINKEDIN_TOKEN']}", "LinkedIn-Version": "202601",
                 "X-Restli-Protocol-Version": "2.0.0"}, timeout=5)
    assert linkedin.status_code == 400 and "pivot and timeGranularity" in linkedin.json()["message"]


# --- load ------------------------------------------------------------------------------------------------------------

def test_replace_weekly_reach_replaces_the_weeks_asked_and_marks_their_days(tmp_path):
    pulled_at = datetime(2026, 9, 21, 6, 0)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_schema(con)
        replace_weekly_reach(con, "facebook", META, [WeeklyReach(WEEK1, 2000, 7000), WeeklyReach(WEEK2, 689, 7200)],
                             pulled_at)
        assert con.execute("SELECT count(DISTINCT date), min(date), max(date) FROM raw.changed_days").fetchone() == (
            14, WEEK1, WEEK2 + timedelta(6))
        # restated: week 1 has a new reach, week 2 no delivery any more; both replaced, never added to
        replace_weekly_reach(con, "facebook", META, [WeeklyReach(WEEK1, 2100, 7000)], pulled_at, weeks=[WEEK1, WEEK2])
        rows = con.execute("SELECT channel, account_id, week, reach, impressions, source FROM raw.weekly_reach")
        assert rows.fetchall() == [("facebook", META, WEEK1, 2100, 7000, f"api:facebook/{META}")]
        with pytest.raises(ValueError, match="not asked"):
            replace_weekly_reach(con, "facebook", META, [WeeklyReach(WEEK2, 1, 1)], pulled_at, weeks=[WEEK1])


# The two tables as the version before optional API figures wrote them: no notes, reach required.
OLDER_TABLES = [
    """CREATE TABLE raw.api_pulls (channel VARCHAR NOT NULL, account_id VARCHAR NOT NULL, first_day DATE NOT NULL,
       last_day DATE NOT NULL, status VARCHAR NOT NULL, rows BIGINT NOT NULL, requests BIGINT NOT NULL,
       message VARCHAR, retry_at TIMESTAMP, pulled_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE raw.weekly_reach (channel VARCHAR NOT NULL, account_id VARCHAR NOT NULL, week DATE NOT NULL,
       reach BIGINT NOT NULL, impressions BIGINT NOT NULL, source VARCHAR NOT NULL,
       source_updated_at TIMESTAMP NOT NULL)""",
]


def test_an_older_warehouse_gains_pull_notes_and_weeks_of_unknown_reach(tmp_path):
    pulled_at = datetime(2026, 9, 21, 6, 0)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_schema(con)
        con.execute("DROP TABLE raw.api_pulls")
        con.execute("DROP TABLE raw.weekly_reach")
        for statement in OLDER_TABLES:
            con.execute(statement)
        con.execute("INSERT INTO raw.api_pulls VALUES ('linkedin', ?, ?, ?, 'complete', 9, 3, NULL, NULL, ?)",
                    [LINKEDIN, WEEK1, WEEK2, pulled_at])
        con.execute("UPDATE raw.schema_version SET version = 'older'")
        ensure_schema(con)
        assert con.execute("SELECT channel, rows, notes FROM raw.api_pulls").fetchall() == [("linkedin", 9, None)]
        replace_weekly_reach(con, "linkedin", LINKEDIN, [WeeklyReach(WEEK1, None, 300)], pulled_at)
        assert con.execute("SELECT week, reach, impressions FROM raw.weekly_reach").fetchall() == [(WEEK1, None, 300)]


# --- end to end ------------------------------------------------------------------------------------------------------

def write_config(folder: Path, base_url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "exports").mkdir()
    shutil.copy(REPO / "sample" / "data" / "fx" / "eurofxref-hist.csv", folder / "rates.csv")
    lines = ['reporting_currency = "EUR"', 'warehouse = "roi.duckdb"', 'exports_dir = "exports"',
             'fx_rates = "rates.csv"', 'revenue_source = "platform"', 'history_start = "2026-01-01"']
    for channel, account_id, market in (("facebook", META, "FR"), ("linkedin", LINKEDIN, "FR")):
        lines += ["", "[[accounts]]", f'channel = "{channel}"', f'account_id = "{account_id}"', f'market = "{market}"',
                  'scope = "local"', 'currency = "EUR"', 'source = "api"', f'api_base = "{base_url}"']
    path = folder / "roi.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def reach_run(fake_platforms, tmp_path):
    """Dagster runs over the Meta and LinkedIn fakes (two full ISO weeks of September) with a fake clock."""
    load_facts(fake_platforms)
    config_path = write_config(tmp_path / "api", fake_platforms.base_url)
    clock = FakeClock()

    class TestPlatformApi(PlatformApiResource):
        def clock(self):
            return clock

        def environ(self):
            return fake_platforms.environment()

    def run(start: date, end: date) -> PipelineRun:
        config = load_config(config_path)
        with dg.DagsterInstance.ephemeral() as instance:
            settle_exports(config)
            result = materialize_days(config, start, end, instance, resources={"platform_api": TestPlatformApi()})
            return PipelineRun(result, run_problems(result), config)

    run.clock = clock
    return run


FREQUENCY = """SELECT week, channel, market, impressions, reach, frequency FROM marts.contact_frequency
               ORDER BY channel, week"""


def test_contact_frequency_is_impressions_over_the_weekly_reach_never_summed_daily_reach(reach_run, fake_platforms):
    run = reach_run(WEEK1, WEEK2 + timedelta(6))
    assert run.problems == []
    assert run.query(FREQUENCY) == [
        # 7000 / 2000 (summed daily reach would give 7000 / 2331 = 3.003003)
        (WEEK1, "facebook", "FR", 7000, 2000, Decimal("3.500000")),
        # 7200 / 689 = 10.4499274... (summed: 7200 / 2398 = 3.002502)
        (WEEK2, "facebook", "FR", 7200, 689, Decimal("10.449927")),
        # 300 / 69 = 4.3478260...
        (WEEK1, "linkedin", "FR", 300, 69, Decimal("4.347826")),
        # 1001 / 128 = 7.8203125 exactly: half away from zero gives ...313 (not the banker's ...312)
        (WEEK2, "linkedin", "FR", 1001, 128, Decimal("7.820313")),
    ]
    # Meta pulled Aug 23..Sep 20 (its 28-day restatement window): four complete weeks, four requests; the two
    # August weeks had no delivery and have no row. LinkedIn pulled Sep 7..20: two weeks.
    weekly = [r for r in fake_platforms.requests_for("facebook", "/insights") if r.args["level"] == "account"]
    assert [json.loads(r.args["time_range"])["since"] for r in weekly] == [
        "2026-08-24", "2026-08-31", "2026-09-07", "2026-09-14"]
    assert len([r for r in fake_platforms.requests_for("linkedin", "adAnalytics")
                if "(value:ACCOUNT)" in r.query_string]) == 2
    assert run.query("SELECT channel, week, reach, impressions, source FROM raw.weekly_reach ORDER BY ALL") == [
        ("facebook", WEEK1, 2000, 7000, f"api:facebook/{META}"),
        ("facebook", WEEK2, 689, 7200, f"api:facebook/{META}"),
        ("linkedin", WEEK1, 69, 300, f"api:linkedin/{LINKEDIN}"),
        ("linkedin", WEEK2, 128, 1001, f"api:linkedin/{LINKEDIN}"),
    ]
    assert run.query("SELECT channel, status FROM raw.api_pulls ORDER BY 1") == [
        ("facebook", "complete"), ("linkedin", "complete")]


def test_a_weekly_reach_failure_stops_the_account_and_the_next_run_pulls_the_weeks_again(reach_run, fake_platforms):
    fake_platforms.fail("facebook", 200, {"data": [{"reach": "2000", "date_start": "2026-09-07",
                                                    "date_stop": "2026-09-13"}]},
                        when=lambda request: request.args.get("level") == "account" and "2026-09-07" in request.url)
    broken = reach_run(WEEK1, WEEK2 + timedelta(6))
    [problem] = broken.problems
    assert problem.startswith(f"check raw/facebook_ads:api_pulls_complete: Meta account {META}: unreadable weekly "
                              "reach: impressions is missing (GET /v25.0/act_1234567890/insights?level=account")
    assert broken.query("SELECT count(*) FROM marts.campaign_daily WHERE channel = 'facebook'") == [(14,)]  # daily kept
    assert broken.query("SELECT channel FROM raw.weekly_reach GROUP BY 1") == [("linkedin",)]
    assert broken.query("SELECT channel, status FROM raw.api_pulls ORDER BY 1") == [
        ("facebook", "stopped"), ("linkedin", "complete")]  # still one row per account and run
    assert broken.query("SELECT min(date), max(date) FROM raw.api_missing_days") == [
        (date(2026, 8, 24), WEEK2 + timedelta(6))]

    fake_platforms.facebook.set_weekly_reach(META, WEEK1, 2100)  # restated meanwhile
    fixed = reach_run(WEEK2 + timedelta(7), WEEK2 + timedelta(7))  # the next daily run, Monday the 21st
    assert fixed.problems == []
    assert fixed.query("SELECT week, reach, frequency FROM marts.contact_frequency WHERE channel = 'facebook' "
                       "ORDER BY week") == [(WEEK1, 2100, Decimal("3.333333")), (WEEK2, 689, Decimal("10.449927"))]
    assert fixed.query("SELECT count(*) FROM raw.api_missing_days") == [(0,)]


def test_linkedin_reach_left_out_loads_the_days_leaves_reach_unknown_and_roi_status_says_so(fake_platforms, tmp_path):
    """`roi run` and `roi status` as users run them: a missing optional figure is a note, never a failure."""
    load_facts(fake_platforms)
    fake_platforms.linkedin.omitted_fields.add("approximateMemberReach")
    config_path = write_config(tmp_path / "api", fake_platforms.base_url)
    config_path.write_text(config_path.read_text(encoding="utf-8").replace(
        'history_start = "2026-01-01"', 'history_start = "2026-01-01"\nfreshness_days = 3650'), encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ROI_", "DAGSTER_HOME"))}
    env |= {**fake_platforms.environment(), "ROI_CONFIG": str(config_path)}
    roi = [str(Path(sys.executable).parent / "roi")]

    done = subprocess.run([*roi, "run", "--start", str(WEEK1), "--end", str(WEEK2 + timedelta(6))], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "every asset loaded and every check passed" in done.stdout
    note = "approximateMemberReach missing in 2 weeks (2026-09-07..2026-09-14): reach unknown (NULL)"
    with duckdb.connect(str(tmp_path / "api" / "roi.duckdb"), read_only=True) as con:  # the analysts' file
        # every day's spend and clicks
        assert con.execute("SELECT date, spend_original, impressions, clicks FROM marts.campaign_daily "
                           "WHERE channel = 'linkedin' ORDER BY date").fetchall() == [
            (day, Decimal("10.000000"), impressions, 5) for day, impressions in sorted(LINKEDIN_DAYS.items())]
        # the weeks' impressions, their reach unknown, so no frequency; Meta's weeks untouched
        assert con.execute("SELECT channel, week, reach, impressions FROM raw.weekly_reach WHERE week >= ? "
                           "ORDER BY ALL", [WEEK1]).fetchall() == [
            ("facebook", WEEK1, 2000, 7000), ("facebook", WEEK2, 689, 7200),
            ("linkedin", WEEK1, None, 300), ("linkedin", WEEK2, None, 1001)]
        assert con.execute(FREQUENCY).fetchall() == [
            (WEEK1, "facebook", "FR", 7000, 2000, Decimal("3.500000")),
            (WEEK2, "facebook", "FR", 7200, 689, Decimal("10.449927")),
            (WEEK1, "linkedin", "FR", 300, None, None),
            (WEEK2, "linkedin", "FR", 1001, None, None),
        ]
        assert con.execute("SELECT channel, status, message, notes FROM raw.api_pulls ORDER BY channel").fetchall() == [
            ("facebook", "complete", None, None), ("linkedin", "complete", None, [note])]

    status = subprocess.run([*roi, "status"], env=env, capture_output=True, text=True, timeout=120)
    assert status.returncode == 0, status.stdout + status.stderr  # a note is informational
    lines = status.stdout.splitlines()
    account = next(index for index, line in enumerate(lines) if line.startswith(f"linkedin {LINKEDIN}"))
    assert lines[account].endswith("2026-09-20  fresh")
    assert lines[account + 1] == f"{'':<26} ads pull note: {note}"
    meta = next(index for index, line in enumerate(lines) if line.startswith(f"facebook {META}"))
    assert "note:" not in lines[meta + 1]
