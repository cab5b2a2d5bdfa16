"""The benchmark generator's output, parsed back by the project's own loader, gives exactly the totals the generator
says it wrote: the benchmarks measure the real code path on valid data (issue 6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.conftest import load_script, run_pipeline


def test_generated_exports_load_with_exact_totals(tmp_path):
    generate = load_script("bench/generate.py")
    totals = generate.generate(
        tmp_path / "bench", rows=4000, years=2 / 12, end=date(2026, 9, 30), accounts_per_channel=2, processes=1,
        quiet=True,
    )  # fmt: skip
    assert totals["export_rows"] > totals["final_rows"] > 3000  # some days are restated by a newer file
    start, end = (date.fromisoformat(totals["period"][k]) for k in ("start", "end"))

    run = run_pipeline(tmp_path / "bench" / "roi.toml", start, end)

    assert run.problems == []
    files = run.query("SELECT count(*), count(*) FILTER (WHERE status <> 'loaded') FROM raw.export_files")
    assert files[0][1] == 0, run.query("SELECT * FROM raw.export_files WHERE status <> 'loaded'")
    loaded = {
        (channel, currency): {
            "rows": rows,
            "spend": spend,
            "impressions": impressions,
            "clicks": clicks,
            "conversions": conversions or Decimal(0),
            "platform_revenue": revenue or Decimal(0),
        }
        for channel, currency, rows, spend, impressions, clicks, conversions, revenue in run.query(
            """SELECT channel, currency, count(*), sum(spend), sum(impressions), sum(clicks), sum(conversions),
                      sum(platform_revenue)
               FROM staging.stg_ad_performance GROUP BY ALL"""
        )
    }
    wrote = {
        (channel, currency): {
            key: Decimal(value) if isinstance(value, str) else value for key, value in block.items()
        }
        for channel, by_currency in totals["channels"].items()
        for currency, block in by_currency.items()
    }
    assert {channel for channel, _ in wrote} == {"linkedin", "twitter", "facebook", "youtube"}
    assert loaded == wrote

    deals = {
        (channel, currency): (count, amount)
        for channel, currency, count, amount in run.query(
            "SELECT channel, currency, count(*), sum(amount) FROM staging.stg_crm_revenue GROUP BY ALL"
        )
    }
    assert deals == {
        (channel, currency): (block["deals"], Decimal(block["amount"]))
        for channel, by_currency in totals["crm"].items()
        for currency, block in by_currency.items()
    }
