"""The TOML config: every mistake is a clear error naming file and key, before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config import ConfigError, load_config

GOOD = """
reporting_currency = "EUR"
warehouse = "data/roi.duckdb"
exports_dir = "data/exports"
fx_rates = "data/fx/eurofxref-hist.csv"
revenue_source = "crm"

[[accounts]]
channel = "linkedin"
account_id = "508765432"
market = "FR"
scope = "local"
currency = "EUR"
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "data" / "exports").mkdir(parents=True, exist_ok=True)
    (tmp_path / "data" / "fx").mkdir(parents=True, exist_ok=True)
    (tmp_path / "data" / "fx" / "eurofxref-hist.csv").write_text("Date,USD,\n2026-09-01,1.165,\n")
    path = tmp_path / "roi.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_paths_are_relative_to_the_config_folder(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    assert config.warehouse == tmp_path / "data" / "roi.duckdb"
    assert config.exports_dir == tmp_path / "data" / "exports"
    assert config.accounts[0].market == "FR" and config.accounts[0].scope == "local"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("", 'colour = "blue"\n'), "unknown key 'colour'"),
        (('channel = "linkedin"', 'channel = "tiktok"'), "accounts[1].channel: unknown channel 'tiktok'"),
        (('scope = "local"', 'scope = "regional"'), "accounts[1].scope: unknown scope 'regional'"),
        (('scope = "local"\ncurrency = "EUR"', 'scope = "local"\ncurrency = "euro"'),
         "accounts[1].currency: 'euro' is not an ISO 4217"),
        (('market = "FR"\n', 'market = "FR"\nbudget = 3\n'), "accounts[1]: unknown key 'budget'"),
        (('fx_rates = "data/fx/eurofxref-hist.csv"', 'fx_rates = "data/fx/missing.csv"'), "fx_rates: file"),
        (('exports_dir = "data/exports"', 'exports_dir = "nowhere"'), "exports_dir: folder"),
        (('revenue_source = "crm"', 'revenue_source = "gut feel"'), "revenue_source: unknown value 'gut feel'"),
        (('revenue_source = "crm"', 'revenue_source = "crm"\nmemory_limit = "lots"'),
         "memory_limit: 'lots' is not a memory size"),
        (('reporting_currency = "EUR"\n', ""), "missing key 'reporting_currency'"),
        (('warehouse = "data/roi.duckdb"', 'warehouse = "data/marts.duckdb"'), "name the file something other"),
        (('revenue_source = "crm"', 'revenue_source = "crm"\ndecline_threshold = 0.3'), "decline_threshold: must be"),
    ],
)
def test_mistakes_are_named(tmp_path, change, message):
    old, new = change
    text = (new + GOOD) if old == "" else GOOD.replace(old, new)
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, text))
    assert message in str(error.value)
    assert str(tmp_path / "roi.toml") in str(error.value)


def test_duplicate_account_is_an_error(tmp_path):
    duplicated = GOOD + GOOD[GOOD.index("[[accounts]]"):]
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, duplicated))
    assert "accounts[2]: duplicate account linkedin 508765432 (already accounts[1])" in str(error.value)


def test_missing_config_file_names_the_variable(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path / "nope.toml")
    assert "ROI_CONFIG" in str(error.value)


def test_invalid_toml(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, GOOD + "\n[[accounts]\n"))
    assert "not valid TOML" in str(error.value)


def test_the_warehouse_runs_within_the_memory_limit(tmp_path):
    from pipelines.resources import build_resources

    for text, expected in ((GOOD, "953.6 MiB"), ('memory_limit = "512MB"\n' + GOOD, "488.2 MiB")):
        warehouse = build_resources(load_config(write(tmp_path, text)))["warehouse"]
        with warehouse.connect() as con:
            assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == expected


# --- Currencies: each must have rates in the rates source, checked before anything runs ---------------------------


def test_an_account_currency_without_rates_names_the_account_and_the_currencies_available(tmp_path):
    path = write(tmp_path, GOOD.replace('\ncurrency = "EUR"', '\ncurrency = "SAR"'))
    with pytest.raises(ConfigError) as error:
        load_config(path)
    rates = tmp_path / "data" / "fx" / "eurofxref-hist.csv"
    assert str(error.value) == (f"{path}: accounts[1].currency: 'SAR' of linkedin account 508765432 has no rates in "
                                f"the rates file {rates} (currencies available: EUR, USD)")


def test_a_reporting_currency_without_rates_is_refused(tmp_path):
    path = write(tmp_path, GOOD.replace('reporting_currency = "EUR"', 'reporting_currency = "CHF"'))
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "reporting_currency: 'CHF' has no rates in the rates file" in str(error.value)
    assert str(error.value).endswith("(currencies available: EUR, USD)")


def test_before_the_first_download_the_ecbs_published_list_applies_then_the_downloaded_file(tmp_path):
    from connectors.ecb.settings import PUBLISHED_CURRENCIES

    downloaded = GOOD.replace('revenue_source = "crm"', 'revenue_source = "crm"\nfx_rates_url = "http://127.0.0.1:9"')
    path = write(tmp_path, downloaded.replace('\ncurrency = "EUR"', '\ncurrency = "CHF"'))
    rates = tmp_path / "data" / "fx" / "eurofxref-hist.csv"
    rates.unlink()
    assert load_config(path).accounts[0].currency == "CHF"  # the ECB publishes CHF

    path.write_text(downloaded.replace('\ncurrency = "EUR"', '\ncurrency = "SAR"'), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    available = ", ".join(sorted({"EUR", *PUBLISHED_CURRENCIES}))
    assert str(error.value) == (f"{path}: accounts[1].currency: 'SAR' of linkedin account 508765432 has no rates in "
                                f"the ECB's reference rates (currencies available: {available})")

    rates.write_text("Date,USD,\n2026-09-01,1.165,\n", encoding="utf-8")  # once downloaded, its header decides
    path.write_text(downloaded.replace('\ncurrency = "EUR"', '\ncurrency = "CHF"'), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert f"'CHF' of linkedin account 508765432 has no rates in the rates file {rates}" in str(error.value)


def test_a_rates_file_that_is_not_the_ecbs_is_a_config_error(tmp_path):
    path = write(tmp_path, GOOD)
    rates = tmp_path / "data" / "fx" / "eurofxref-hist.csv"
    rates.write_text("Day;USD\n2026-09-01;1.165\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == (f"{path}: fx_rates: {rates}, line 1: not an ECB reference-rate file: the first "
                                "column must be 'Date'")
