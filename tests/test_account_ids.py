"""Account ids as people copy them (Meta's `act_…`, Google Ads' `123-456-7890`, LinkedIn's URN): accepted in the
config and as export folder names, kept in one form everywhere, and sent to each API in the form it wants."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from connectors.channels import EXPORT_FORMATS
from connectors.credentials import MissingCredentials, credentials_for
from connectors.ecb.reference_rates import detect_rates_layout
from pipelines.config import ConfigError, load_config
from pipelines.runs import materialize_days, run_problems
from tests.conftest import PipelineRun, run_pipeline, settle_exports
from tests.fakes.clock import FakeClock
from tests.fakes.fixtures import fake_platforms  # noqa: F401
from tests.test_api_pipeline import ACCOUNTS, api_resource, day, september, write_config
from warehouse.exports import SyncReport, find_export_files, sync_exports
from warehouse.fx import load_fx_rates
from warehouse.schema import AD_TABLES, ensure_schema


def config_with(tmp_path: Path, *accounts: tuple[str, str]) -> Path:
    """A config of the given (channel, account_id as written) accounts, each a line of TOML as a user writes it."""
    (tmp_path / "exports").mkdir(exist_ok=True)
    (tmp_path / "rates.csv").write_text("Date,USD,\n2026-09-01,1.165,\n", encoding="utf-8")
    lines = ['reporting_currency = "EUR"', 'warehouse = "roi.duckdb"', 'exports_dir = "exports"',
             'fx_rates = "rates.csv"']
    for number, (channel, written) in enumerate(accounts):
        lines += ["", "[[accounts]]", f'channel = "{channel}"', f"account_id = {written}",
                  f'market = "M{number}"', 'scope = "local"', 'currency = "EUR"']
    path = tmp_path / "roi.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("channel", "written", "kept"),
    [
        ("facebook", '"act_1234567890"', "1234567890"),
        ("facebook", '"1234567890"', "1234567890"),
        ("facebook", "1234567890", "1234567890"),  # a TOML number
        ("youtube", '"123-456-7890"', "1234567890"),
        ("youtube", '"1234567890"', "1234567890"),
        ("linkedin", '"urn:li:sponsoredAccount:508765432"', "508765432"),
        ("linkedin", '"508765432"', "508765432"),
        ("linkedin", '" 508765432 "', "508765432"),
        ("twitter", '"18ce54d4x5t"', "18ce54d4x5t"),
    ],
)
def test_every_accepted_form_is_kept_as_one(tmp_path, channel, written, kept):
    [account] = load_config(config_with(tmp_path, (channel, written))).accounts
    assert account.account_id == kept


@pytest.mark.parametrize(
    ("channel", "written", "message"),
    [
        ("youtube", "123-456-789O", "'123-456-789O' is not a Google Ads customer id, 123-456-7890 or 1234567890"),
        ("youtube", "12345678901", "'12345678901' is not a Google Ads customer id, 123-456-7890 or 1234567890"),
        ("facebook", "act_act_1234567890",
         "'act_act_1234567890' is not a Meta ad account id, 1234567890 or act_1234567890"),
        ("linkedin", "urn:li:sponsoredCampaign:508765432", "'urn:li:sponsoredCampaign:508765432' is not a LinkedIn "
         "ad account id, 508765432 or urn:li:sponsoredAccount:508765432"),
        ("twitter", "@acme", "'@acme' is not an X Ads account id, such as 18ce54d4x5t"),
    ],
)
def test_a_malformed_id_is_a_config_error_naming_the_key(tmp_path, channel, written, message):
    path = config_with(tmp_path, ("linkedin", '"508765432"'), (channel, f'"{written}"'))
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"{path}: accounts[2].account_id: {message}"


@pytest.mark.parametrize(
    ("channel", "first", "second", "kept"),
    [("facebook", "act_1234567890", "1234567890", "1234567890"),
     ("youtube", "123-456-7890", "1234567890", "1234567890"),
     ("linkedin", "508765432", "urn:li:sponsoredAccount:508765432", "508765432")],
)
def test_two_forms_of_one_account_are_a_duplicate(tmp_path, channel, first, second, kept):
    path = config_with(tmp_path, (channel, f'"{first}"'), (channel, f'"{second}"'))
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"{path}: accounts[2]: duplicate account {channel} {kept} (already accounts[1])"


def test_the_google_ads_manager_id_is_taken_with_dashes_and_refused_otherwise_without_echoing_it():
    environ = {"ROI_GOOGLE_ADS_DEVELOPER_TOKEN": "d", "ROI_GOOGLE_ADS_ACCESS_TOKEN": "ya29.x",
               "ROI_GOOGLE_ADS_LOGIN_CUSTOMER_ID": "999-999-9999"}
    assert credentials_for("youtube", environ)["ROI_GOOGLE_ADS_LOGIN_CUSTOMER_ID"] == "9999999999"
    with pytest.raises(MissingCredentials) as error:
        credentials_for("youtube", {**environ, "ROI_GOOGLE_ADS_LOGIN_CUSTOMER_ID": "mgr-999-9999"})
    assert str(error.value) == ("ROI_GOOGLE_ADS_LOGIN_CUSTOMER_ID is not a Google Ads customer id, 123-456-7890 or "
                                "1234567890 (the manager's)")


# Export folders named in a copied form, and config ids written in other forms than their folders.
FOLDERS = {  # (kind, account as kept) -> the folder's name as a user made it
    ("facebook", "1234567890"): "act_1234567890",
    ("facebook_posts", "1234567890"): "act_1234567890",
    ("youtube", "7712345678"): "771-234-5678",
    ("youtube_posts", "7712345678"): "771-234-5678",
    ("linkedin", "508765432"): "urn:li:sponsoredAccount:508765432",
}
WRITTEN = {"2345678901": "act_2345678901", "7798765432": "779-876-5432", "508765433": "urn:li:sponsoredAccount:508765433"}


def test_folders_and_config_in_copied_forms_load_every_row_under_the_kept_ids(sample, expected):
    exports = sample / "data" / "exports"
    for (kind, account_id), name in FOLDERS.items():
        (exports / kind / account_id).rename(exports / kind / name)  # a rename keeps the download times
    config = sample / "roi.toml"
    text = config.read_text(encoding="utf-8")
    for kept, written in WRITTEN.items():
        text = text.replace(f'account_id = "{kept}"', f'account_id = "{written}"')
    config.write_text(text, encoding="utf-8")

    run = run_pipeline(config)
    assert run.problems == []
    loaded = {(channel, account): (spend, impressions, clicks) for channel, account, spend, impressions, clicks in
              run.query("SELECT channel, account_id, sum(spend_original), sum(impressions), sum(clicks) "
                        "FROM marts.campaign_daily GROUP BY ALL")}
    assert loaded == {
        (account["channel"], account["account_id"]): (Decimal(account["spend"]), account["impressions"],
                                                     account["clicks"])
        for account in expected["accounts"].values()
    }
    for (kind, account_id), name in FOLDERS.items():
        table = f"raw.{kind}" if kind.endswith("_posts") else f"raw.{kind}_ads"
        [(sources, ids, rows)] = run.query(
            f"SELECT list(DISTINCT source), list(DISTINCT account_id), count(*) FROM {table} "
            "WHERE source LIKE ? || '/%'", [f"{kind}/{name}"])
        assert ids == [account_id] and rows > 0, (kind, sources)
        if kind.endswith("_posts"):
            assert rows == expected["organic"]["accounts"][f"{kind.removesuffix('_posts')}/{account_id}"]["posts"]
    assert run.query("SELECT count(*) FROM raw.export_files WHERE status <> 'loaded'") == [(0,)]
    assert run.query("SELECT DISTINCT account_id FROM raw.export_files WHERE kind = 'facebook' ORDER BY 1") == [
        ("1234567890",), ("2345678901",), ("3456789012",)]


def test_api_accounts_written_as_copied_are_pulled_under_the_ids_each_api_wants(fake_platforms, tmp_path):
    september(fake_platforms)
    path = write_config(tmp_path / "api", fake_platforms.base_url)
    copied = {"facebook": "act_1234567890", "youtube": "771-234-5678", "linkedin": "urn:li:sponsoredAccount:508765432"}
    text = path.read_text(encoding="utf-8")
    for channel, written in copied.items():
        text = text.replace(f'account_id = "{ACCOUNTS[channel][0]}"', f'account_id = "{written}"')
    path.write_text(text, encoding="utf-8")
    environ = {**fake_platforms.environment(), "ROI_GOOGLE_ADS_LOGIN_CUSTOMER_ID": "999-999-9999"}

    config = load_config(path)
    with dg.DagsterInstance.ephemeral() as instance:
        settle_exports(config)
        result = materialize_days(config, day(1), day(10), instance,
                                  resources={"platform_api": api_resource(FakeClock(), environ)})
        run = PipelineRun(result, run_problems(result), config)
    assert run.problems == []
    assert {r.path for r in fake_platforms.requests_for("facebook")} == {"/v25.0/act_1234567890/insights"}
    google = fake_platforms.requests_for("youtube", "googleAds")
    assert {r.path for r in google} == {"/v22/customers/7712345678/googleAds:searchStream"}
    assert {r.headers["login-customer-id"] for r in google} == {"9999999999"}
    assert fake_platforms.requests_for("linkedin", "/rest/adAccounts/508765432/adCampaigns")
    spend = sum(Decimal(f"{n * 10}.25") for n in range(1, 11))
    assert run.query("SELECT channel, account_id, count(*), sum(spend_original) FROM marts.campaign_daily "
                     "GROUP BY ALL ORDER BY 1") == [
        (channel, ACCOUNTS[channel][0], 10, spend) for channel in sorted(ACCOUNTS)]
    assert run.query("SELECT channel, account_id FROM raw.api_pulls ORDER BY 1") == [
        (channel, ACCOUNTS[channel][0]) for channel in sorted(ACCOUNTS)]


def test_a_file_loaded_under_another_form_of_its_account_id_loads_again_under_the_kept_one(sample, tmp_path):
    """A warehouse from before ids were kept in one form holds `act_…` rows: the next sync replaces them."""
    exports = tmp_path / "exports"
    shutil.copytree(sample / "data" / "exports" / "facebook" / "1234567890", exports / "facebook" / "act_1234567890")
    with duckdb.connect(str(tmp_path / "roi.duckdb")) as con:
        ensure_schema(con)
        load_fx_rates(con, detect_rates_layout(sample / "data" / "fx" / "eurofxref-hist.csv"))

        def sync() -> SyncReport:
            scan = find_export_files(exports, "facebook", per_account=True)
            return sync_exports(con, scan, "facebook", AD_TABLES["facebook"], EXPORT_FORMATS["facebook"],
                                {"1234567890": "EUR"})

        def accounts() -> list[tuple]:
            return con.execute("SELECT account_id, count(*), sum(spend) FROM raw.facebook_ads GROUP BY 1").fetchall()

        first = sync()
        assert len(first.loaded) == 2 and first.rejected == {}
        loaded = accounts()
        assert [row[0] for row in loaded] == ["1234567890"]
        for table in ("raw.facebook_ads", "raw.export_files"):  # what the previous version wrote
            con.execute(f"UPDATE {table} SET account_id = 'act_1234567890' WHERE account_id = '1234567890'")
        again = sync()
        assert sorted(again.loaded) == sorted(first.loaded) and again.unchanged == []
        assert accounts() == loaded
        assert sync().unchanged == sorted(first.loaded)  # and from then on, unchanged
