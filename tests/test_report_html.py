"""The HTML report: six charts from the marts, one self-contained file that opens in a browser with no network.

The sample month is built by the real pipeline and rendered; headless Chromium (Debian's /usr/bin/chromium, which CI
installs) opens the file with every connection sent to a closed port, and its screenshot is checked for the charts.
Small hand-made warehouses check the figures (sums first, ratios last) and the "no data for this period yet" panels.
"""

from __future__ import annotations

import base64
import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pytest
from matplotlib import image

from tests.conftest import SEPTEMBER, run_pipeline
from warehouse.report_html import (
    CHART_TITLES,
    CONTACT_FREQUENCY,
    ENGAGEMENT_TREND,
    LOCAL_VS_GLOBAL,
    NO_DATA,
    WATERFALL,
    render_report,
)
from warehouse.schema import ensure_schema

CHROMIUM = Path("/usr/bin/chromium")
SVG_IMAGE = '<svg xmlns="http://www.w3.org/2000/svg"'
# How the machine runs headless Chromium (see the machine notes), plus every connection sent to a closed port.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--hide-scrollbars",
]


def chart_sections(html: str) -> dict[str, str]:
    """Each chart's <section>, by its title."""
    sections = re.findall(r'<section class="chart" id="chart-(\d)">(.*?)</section>', html, flags=re.S)
    assert [number for number, _ in sections] == ["1", "2", "3", "4", "5", "6"]
    found = {}
    for (_, body), title in zip(sections, CHART_TITLES):
        assert f"{title}</h2>" in body
        found[title] = body
    return found


def drawn_and_empty(html: str) -> tuple[list[str], list[str]]:
    """Titles drawn as one inline SVG, and titles shown as a "no data" panel: every chart is exactly one of them."""
    drawn, empty = [], []
    for title, body in chart_sections(html).items():
        svgs, panels = body.count("<svg"), body.count('class="nodata"')
        assert (svgs, panels) in ((1, 0), (0, 1)), title
        (drawn if svgs else empty).append(title)
        if panels:
            assert NO_DATA in body
    return drawn, empty


def assert_self_contained(html: str) -> None:
    lowered = html.lower()
    assert "http://" not in lowered and "https://" not in lowered
    for tag in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "@font-face"):
        assert tag not in lowered, tag
    references = re.findall(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", html, flags=re.I)
    references += re.findall(r"""url\(\s*["']?([^"')]*)""", html, flags=re.I)
    assert references, "the hatched bars refer to their own patterns"
    assert all(reference.startswith("#") for reference in references), {
        r for r in references if not r.startswith("#")}
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids are unique across the six inline SVGs"


def table_total(html: str) -> Decimal:
    """The company's net return as the table under the waterfall prints it."""
    row = re.search(r'<tr class="total">(.*?)</tr>', html, flags=re.S).group(1)
    cell = re.search(r'data-col="net_return">([^<]+)<', row).group(1)
    return Decimal(cell.replace(",", ""))


def chromium(*arguments: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True, text=True, timeout=90,
    )


def pixels_near(picture: np.ndarray, colour: str, tolerance: int = 12) -> int:
    target = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    return int((np.abs(picture - target).max(axis=2) <= tolerance).sum())


def test_sample_month_report_opens_offline_in_chromium_with_its_charts(sample, tmp_path):
    september = run_pipeline(sample / "roi.toml")
    assert september.result.success, september.problems
    config = september.config
    with duckdb.connect(str(config.working_database), read_only=True) as con:
        report = render_report(con, *SEPTEMBER, config.reporting_currency, config.contact_threshold)
        global_net_return = con.execute(
            "SELECT sum(net_return) FROM marts.roi_global WHERE date BETWEEN ? AND ?", list(SEPTEMBER)
        ).fetchone()[0]
        filled = {
            table: con.execute(f"SELECT count(*) > 0 FROM marts.{table} WHERE week BETWEEN ? AND ?",
                               [date(2026, 8, 31), SEPTEMBER[1]]).fetchone()[0]
            for table in ("contact_frequency", "engagement_trend")
        }
    path = report.write(tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")

    assert "Campaign ROI report" in html
    assert "1 September 2026 to 30 September 2026" in html
    assert "Amounts in EUR" in html and "Net return (EUR)" in html
    for title in CHART_TITLES:
        assert title in html
    drawn, empty = drawn_and_empty(html)
    # The sample has spend and revenue in every market: the four ROI charts are drawn; the two newest marts are
    # drawn once they hold the month, and shown as "no data for this period yet" until then.
    assert drawn[:4] == list(CHART_TITLES[:4])
    assert (CONTACT_FREQUENCY in drawn) == filled["contact_frequency"]
    assert (ENGAGEMENT_TREND in drawn) == filled["engagement_trend"]
    assert list(report.empty) == empty
    assert list(report.charts) == drawn
    # The images for the Dagster UI are the page's drawings, standalone (their namespace declared, as an image needs).
    for title, svg in report.charts.items():
        assert svg.startswith(SVG_IMAGE) and svg.count("<rect") + svg.count("<polyline") >= 2, title  # a mark
        inline = re.search(r"<svg.*?</svg>", chart_sections(html)[title], flags=re.S).group(0)
        assert re.sub(r' (xmlns|width|height)="[^"]*"', "", svg, count=3) == inline, title
    assert_self_contained(html)

    # The waterfall's last bar: the sum of the local net returns is the company's, as marts.roi_global has it.
    assert table_total(html) == global_net_return
    assert f"{global_net_return:,}" in chart_sections(html)[WATERFALL]

    if not CHROMIUM.exists():
        pytest.skip(f"the HTML checks passed; the browser part needs Debian's chromium at {CHROMIUM} (CI installs it)")
    url = path.resolve().as_uri()
    dom = chromium("--dump-dom", url, profile=tmp_path / "profile-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    for title in CHART_TITLES:
        assert title in dom.stdout
    assert dom.stdout.count("<svg") == len(drawn)

    shot = tmp_path / "shot.png"
    done = chromium(f"--screenshot={shot}", "--window-size=1400,4000", "--virtual-time-budget=2000", url,
                    profile=tmp_path / "profile-shot")
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.stat().st_size > 200_000
    picture = (image.imread(shot)[:, :, :3] * 255).round().astype(np.int16)
    assert picture.shape[:2] == (4000, 1400)
    coarse = (picture // 8).astype(np.int32)
    colours = np.count_nonzero(np.bincount(((coarse[..., 0] * 32 + coarse[..., 1]) * 32 + coarse[..., 2]).ravel()))
    assert colours > 300, "a blank or text-only page has few colours"
    picture = picture[::2, ::2]  # every other pixel is plenty to count colours
    background = pixels_near(picture, "#F4F5F7", 2) + pixels_near(picture, "#FFFFFF", 2)
    assert background < 0.9 * picture.shape[0] * picture.shape[1]
    # The bars themselves were drawn: each channel's colour, and the waterfall's gains, losses and total.
    for colour in ("#0A66C2", "#5B6670", "#1A9E77", "#E62117", "#2E7D32", "#C62828", "#37474F"):
        assert pixels_near(picture, colour) > 1_000, colour


# --- Hand-made warehouses: the figures, and the empty panels ------------------------------------------------------

ACCOUNTS = [
    ("linkedin", "li-fr", "FR", "local"), ("linkedin", "li-nl", "NL", "local"),
    ("linkedin", "li-gl", "GLOBAL", "global"), ("facebook", "fb-fr", "FR", "local"),
]
# day, account, spend, revenue, impressions, clicks (EUR, the reporting currency)
CAMPAIGN_DAYS = [
    (date(2026, 9, 1), "li-fr", "60.00", "200.00", 600, 6),
    (date(2026, 9, 2), "li-fr", "40.00", "100.00", 400, 4),
    (date(2026, 9, 1), "li-nl", "300.00", "300.00", 2000, 30),
    (date(2026, 9, 3), "li-gl", "100.00", "50.00", 1000, 10),
    (date(2026, 9, 3), "fb-fr", "50.10", "20.05", 500, 3),
    (date(2026, 10, 1), "li-fr", "999.00", "0.00", 100, 1),  # outside the period
]


def hand_made_warehouse(path: Path, *, organic: bool) -> None:
    with duckdb.connect(str(path)) as con:
        ensure_schema(con)
        for channel, account, market, scope in ACCOUNTS:
            con.execute("INSERT INTO raw.accounts VALUES (?, ?, ?, ?, 'EUR')", [channel, account, market, scope])
        for day, account, spend, revenue, impressions, clicks in CAMPAIGN_DAYS:
            con.execute(
                """INSERT INTO marts.campaign_daily
                   SELECT $day, channel, account_id, 'c-' || account_id, 'campaign', market, scope, 'EUR',
                          CAST($spend AS DECIMAL(18,6)), CAST($spend AS DECIMAL(18,2)), $impressions, $clicks, NULL,
                          NULL, CAST($revenue AS DECIMAL(18,2))
                   FROM raw.accounts WHERE account_id = $account""",
                {"day": day, "account": account, "spend": spend, "revenue": revenue, "impressions": impressions,
                 "clicks": clicks},
            )
        con.execute("""INSERT INTO marts.roi_local
                       SELECT date, market, channel, sum(spend), sum(revenue), sum(revenue) - sum(spend),
                              marts.roi(sum(revenue) - sum(spend), sum(spend))
                       FROM marts.campaign_daily GROUP BY ALL""")
        con.execute("""INSERT INTO marts.roi_global
                       SELECT date, channel, sum(spend), sum(revenue), sum(net_return),
                              marts.roi(sum(net_return), sum(spend))
                       FROM marts.roi_local GROUP BY ALL""")
        if not organic:
            return
        for day, account, impressions, engagements in [
            (date(2026, 9, 2), "li-fr", 1000, 50), (date(2026, 9, 9), "li-nl", 3000, 30),
            (date(2026, 9, 2), "li-gl", 1000, 8), (date(2026, 9, 16), "fb-fr", 500, 20),
        ]:
            con.execute(
                """INSERT INTO staging.stg_posts (date, channel, account_id, post_id, impressions, engagements, source)
                   SELECT $day, channel, account_id, 'post', $impressions, $engagements, 'hand'
                   FROM raw.accounts WHERE account_id = $account""",
                {"day": day, "account": account, "impressions": impressions, "engagements": engagements},
            )
        for week, channel, market, posts, ad_days in [
            (date(2026, 8, 31), "linkedin", "FR", 3, 2), (date(2026, 9, 7), "linkedin", "FR", 9, 0),
            (date(2026, 8, 31), "facebook", "FR", 1, 1), (date(2026, 9, 7), "linkedin", "NL", 2, 4),
            (date(2026, 9, 28), "linkedin", "GLOBAL", 4, 3),
        ]:
            con.execute(
                "INSERT INTO marts.contact_frequency VALUES (?, ?, ?, ?, ?, ?, 0, 0, NULL, NULL, NULL, ?)",
                [week, channel, market, posts, ad_days, posts + ad_days, posts + ad_days > 7],
            )
        for week, channel, market, rate, change_12w, declining in [
            (date(2026, 8, 31), "linkedin", "FR", "0.050000", "-0.100000", False),
            (date(2026, 9, 7), "linkedin", "FR", "0.030000", "-0.250000", True),
            (date(2026, 9, 7), "linkedin", "NL", "0.010000", None, False),
        ]:
            con.execute(
                "INSERT INTO marts.engagement_trend VALUES (?, ?, ?, 1000, 10, ?, NULL, ?, ?)",
                [week, channel, market, Decimal(rate), change_12w and Decimal(change_12w), declining],
            )


def render(path: Path, start: date = SEPTEMBER[0], end: date = SEPTEMBER[1]):
    with duckdb.connect(str(path), read_only=True) as con:
        return render_report(con, start, end, "EUR", contact_threshold=7)


def test_charts_add_sums_and_divide_last(tmp_path):
    hand_made_warehouse(tmp_path / "hand.duckdb", organic=True)
    report = render(tmp_path / "hand.duckdb")
    html = report.html
    drawn, empty = drawn_and_empty(html)
    assert drawn == list(CHART_TITLES) and empty == []
    assert list(report.charts) == list(CHART_TITLES)
    assert_self_contained(html)
    # Net returns: FR 300 - 100 (LinkedIn) and 20.05 - 50.10 (Facebook), NL 0, GLOBAL -50: 119.95 in all.
    assert table_total(html) == Decimal("119.95")
    assert re.search(r'<tr class="market"><th>FR</th>.*?data-col="net_return">169.95<', html, flags=re.S)
    # Company ROI: 119.95 / 550.10 = 21.8%, neither the sum (1.14) nor the mean of the markets' ROIs (-3.5%)
    assert "119.95 / 550.10 EUR = 21.8%" in html
    local_vs_global = chart_sections(html)[LOCAL_VS_GLOBAL]
    # LinkedIn local ROI from sums: (600 - 400) / 400 = 50% against global -50%: +100 pts (the mean would be +150).
    assert "+100 pts" in local_vs_global
    # LinkedIn CTR: local 40 / 3000 = 1.333% against global 10 / 1000 = 1%: +33% (the mean of 1% and 1.5%: +25%).
    # Organic engagement: local 80 / 4000 = 2% against global 8 / 1000 = 0.8%: +150%.
    assert "+33%" in local_vs_global and "+150%" in local_vs_global
    assert "No organic posts" not in local_vs_global
    contact = chart_sections(html)[CONTACT_FREQUENCY]
    assert "threshold: 7 a week" in contact and "6–7 a week guideline" in contact
    assert ">9</text>" in contact  # FR in the week of 7 September: 9 LinkedIn posts, no ad delivered
    trend = chart_sections(html)[ENGAGEMENT_TREND]
    assert "-25%" in trend  # the flagged week's 12-week change

    # What the lead wires: the file for `roi report --html PATH`, and the SVG images for the Dagster UI.
    written = report.write(tmp_path / "out" / "report.html")
    assert written.read_text(encoding="utf-8") == html
    images = report.markdown_images()
    assert list(images) == list(CHART_TITLES)
    for title, text in images.items():
        prefix = f"![{title}](data:image/svg+xml;base64,"
        assert text.startswith(prefix) and text.endswith(")")
        assert base64.b64decode(text[len(prefix):-1]).decode("utf-8") == report.charts[title]


def test_newest_marts_empty_show_no_data_panels(tmp_path):
    hand_made_warehouse(tmp_path / "hand.duckdb", organic=False)
    report = render(tmp_path / "hand.duckdb")
    drawn, empty = drawn_and_empty(report.html)
    assert empty == [CONTACT_FREQUENCY, ENGAGEMENT_TREND]
    assert list(report.empty) == empty and list(report.charts) == drawn
    assert "No organic posts loaded" in chart_sections(report.html)[LOCAL_VS_GLOBAL]
    assert table_total(report.html) == Decimal("119.95")


def test_period_without_data_renders_only_panels(tmp_path):
    hand_made_warehouse(tmp_path / "hand.duckdb", organic=True)
    report = render(tmp_path / "hand.duckdb", date(2025, 1, 1), date(2025, 1, 31))
    drawn, empty = drawn_and_empty(report.html)
    assert drawn == [] and empty == list(CHART_TITLES) and report.charts == {}
    assert "1 January 2025 to 31 January 2025" in report.html
    with pytest.raises(ValueError, match="before it starts"):
        render(tmp_path / "hand.duckdb", date(2026, 9, 30), date(2026, 9, 1))


def test_warehouse_older_than_the_newest_marts(tmp_path):
    hand_made_warehouse(tmp_path / "hand.duckdb", organic=False)
    with duckdb.connect(str(tmp_path / "hand.duckdb")) as con:
        for table in ("marts.contact_frequency", "marts.engagement_trend", "staging.stg_posts"):
            con.execute(f"DROP TABLE {table}")
    report = render(tmp_path / "hand.duckdb")
    drawn, empty = drawn_and_empty(report.html)
    assert empty == [CONTACT_FREQUENCY, ENGAGEMENT_TREND]
    assert "Not in this warehouse yet: marts.contact_frequency" in report.html
