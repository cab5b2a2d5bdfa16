"""The `roi` command as users run it: real processes, real exit codes, the run recorded in DAGSTER_HOME."""

from __future__ import annotations

import dagster as dg

from tests.conftest import roi


def test_run_then_report_and_the_run_is_in_dagster_home(sample, tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    done = roi("run", "--start", "2026-09-01", "--end", "2026-09-30", config=sample / "roi.toml", home=home)
    assert done.returncode == 0, done.stderr
    assert "every asset loaded and every check passed" in done.stdout

    report = roi("report", "--start", "2026-09-01", "--end", "2026-09-30", config=sample / "roi.toml")
    assert report.returncode == 0, report.stderr
    lines = report.stdout.splitlines()
    assert lines[0] == "Local ROI by market and channel, 2026-09-01 to 2026-09-30"
    assert any(line.split()[:2] == ["FR", "linkedin"] for line in lines)
    assert any(line.split()[:2] == ["GLOBAL", "youtube"] for line in lines)
    company = next(line for line in lines if line.split()[:2] == ["ALL", "ALL"])
    assert company.split()[-1].endswith("%")

    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        assert len(runs) == 1 and runs[0].is_success
        assert (runs[0].tags["roi/first_day"], runs[0].tags["roi/last_day"]) == ("2026-09-01", "2026-09-30")
        assert runs[0].tags["dagster/asset_partition_range_start"] == "2026-09-01"
        assert runs[0].tags["dagster/asset_partition_range_end"] == "2026-09-01"


def test_a_rejected_file_makes_run_exit_non_zero_naming_it(sample):
    export = next((sample / "data" / "exports" / "twitter" / "18ce54d4x5t").glob("*.csv"))
    export.write_text(export.read_text(encoding="utf-8").replace("Spend", "Spent"), encoding="utf-8")
    done = roi("run", "--start", "2026-09-01", "--end", "2026-09-30", config=sample / "roi.toml")
    assert done.returncode == 1
    assert f"check raw/twitter_ads:export_files_accepted: twitter/18ce54d4x5t/{export.name}" in done.stderr
    assert "lacks 'Spend'" in done.stderr
    # Its campaigns' CRM deals now match no export: kept apart and flagged, not dropped.
    assert "check marts/unmatched_revenue:revenue_matched" in done.stderr
    assert "2 problem(s)" in done.stderr


def test_a_config_error_stops_before_anything_runs(sample):
    config = sample / "roi.toml"
    config.write_text(config.read_text().replace('channel = "youtube"', 'channel = "tiktok"', 1))
    done = roi("run", "--start", "2026-09-01", "--end", "2026-09-30", config=config)
    assert done.returncode == 2
    assert "unknown channel 'tiktok'" in done.stderr and str(config) in done.stderr
    assert not (sample / "data" / "roi.duckdb").exists()


def sar_account(sample: Path) -> tuple[Path, str]:
    """The sample's config with its French Meta account (accounts[6]) in Saudi riyals, which the ECB does not quote;
    and the message naming it, with the currencies of the sample's rates file."""
    config = sample / "roi.toml"
    french_meta = 'account_id = "1234567890"\nmarket = "FR"\nscope = "local"\ncurrency = "EUR"'
    config.write_text(config.read_text().replace(french_meta, french_meta.replace('"EUR"', '"SAR"')))
    rates = sample / "data" / "fx" / "eurofxref-hist.csv"
    header = rates.read_text(encoding="utf-8").splitlines()[0].split(",")
    available = ", ".join(sorted({"EUR", *filter(None, header[1:])}))
    return config, (f"roi: config error: {config}: accounts[6].currency: 'SAR' of facebook account 1234567890 has no "
                    f"rates in the rates file {rates} (currencies available: {available})\n")


def test_a_currency_without_rates_stops_run_and_status_before_anything_runs(sample):
    config, message = sar_account(sample)
    done = roi("run", "--start", "2026-09-01", "--end", "2026-09-30", config=config)
    assert (done.returncode, done.stderr, done.stdout) == (2, message, "")
    assert not (sample / "data" / "roi.duckdb").exists() and not (sample / "data" / ".roi-work").exists()
    status = roi("status", config=config)
    assert (status.returncode, status.stderr) == (2, message)


def test_days_outside_the_history_are_refused(sample):
    done = roi("run", "--start", "2025-12-31", "--end", "2026-01-02", config=sample / "roi.toml")
    assert done.returncode == 2
    assert "before history_start 2026-01-01" in done.stderr


def test_status_reports_freshness_rejections_and_the_last_run(sample):
    config = sample / "roi.toml"
    text = config.read_text()
    config.write_text(text.replace('revenue_source = "crm"', 'revenue_source = "crm"\nfreshness_days = 3650'))
    assert roi("run", "--start", "2026-09-01", "--end", "2026-09-30", config=config).returncode == 0
    fresh = roi("status", config=config)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "linkedin 508765432" in fresh.stdout and "2026-09-30  fresh" in fresh.stdout
    assert "last run: 2026-09-01..2026-09-30" in fresh.stdout and "succeeded" in fresh.stdout

    config.write_text(text)  # freshness back to 2 days: September is long gone
    stale = roi("status", config=config)
    assert stale.returncode == 1
    assert "stale: " in stale.stdout

    export = next((sample / "data" / "exports" / "twitter" / "18ce54d4x5t").glob("*.csv"))
    export.write_text(export.read_text(encoding="utf-8").replace("Spend", "Spent"), encoding="utf-8")
    roi("run", "--start", "2026-09-30", "--end", "2026-09-30", config=config)
    failing = roi("status", config=config)
    assert failing.returncode == 1
    assert f"rejected: twitter/18ce54d4x5t/{export.name}" in failing.stdout
    assert "last run: 2026-09-30..2026-09-30" in failing.stdout and "problem(s)" in failing.stdout


def test_status_shows_a_loaded_files_notes_without_failing(sample):
    """A Meta row whose Results are people reached: its conversions are unknown, the file's note says so."""
    config = sample / "roi.toml"
    text = config.read_text()
    config.write_text(text.replace('revenue_source = "crm"', 'revenue_source = "crm"\nfreshness_days = 3650'))
    export = next((sample / "data" / "exports" / "facebook" / "2345678901").glob("*.csv"))
    text = export.read_bytes().decode("utf-8-sig")
    reach = text.replace("actions:offsite_conversion.fb_pixel_purchase", "reach", 1)
    export.write_bytes(b"\xef\xbb\xbf" + reach.encode("utf-8"))
    assert roi("run", "--start", "2026-09-01", "--end", "2026-09-30", config=config).returncode == 0
    done = roi("status", config=config)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (f"note: facebook/2345678901/{export.name}: conversions left unknown on 1 row(s) whose 'Results' are not "
            "the account's conversions (actions:offsite_conversion.fb_pixel_purchase): 1 with Result indicator "
            "'reach'") in done.stdout
