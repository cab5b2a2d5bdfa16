"""The report's charts where people open them in the Dagster UI: the sample month materialized by `roi run` into a
throwaway instance, the real webserver, and headless Chromium clicking a chart's metadata entry open on the
`published/roi_report` asset page (the charts are SVG data URIs in Markdown metadata)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, page_values
from tests.test_dagster_ui import REPO, served
from warehouse.report_html import CHART_TITLES, LOCAL_ROI

# The asset page lists one "[Show Markdown]" entry per chart; clicking the Local ROI one opens it in a dialog.
MARKDOWN_LINKS = "[...document.querySelectorAll('*')].filter(e => e.textContent.trim() === '[Show Markdown]').length"
OPEN_LOCAL_ROI = f"""(() => {{
    const row = [...document.querySelectorAll('tr')].find(r => r.textContent.includes({json.dumps(LOCAL_ROI)}));
    [...row.querySelectorAll('*')].reverse().find(e => e.textContent.trim() === '[Show Markdown]').click();
    return true;
}})()"""
SVG_IMAGES = """(() => {
    const images = [...document.querySelectorAll('img')].filter(i => i.src.startsWith('data:image/svg+xml'));
    return images.length && images.every(i => i.complete) ? images.map(i => [i.naturalWidth, i.naturalHeight]) : null;
})()"""


def test_report_charts_open_in_the_dagster_ui(sample: Path, tmp_path: Path):
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's chromium at {CHROMIUM} (CI installs it)")
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_bytes((REPO / "dagster.yaml").read_bytes())
    env = {**os.environ, "DAGSTER_HOME": str(home), "ROI_CONFIG": str(sample / "roi.toml")}
    roi = Path(sys.executable).parent / "roi"
    run = subprocess.run([str(roi), "run", "--start", "2026-09-01", "--end", "2026-09-30"], env=env,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    with served(home, sample / "roi.toml") as ui:
        links, images = page_values(f"{ui.url}/assets/published/roi_report", [(OPEN_LOCAL_ROI, MARKDOWN_LINKS),
                                                                              ("", SVG_IMAGES)])  # fmt: skip
    assert links >= len(CHART_TITLES)
    [(width, height)] = images  # the one chart opened, decoded by the browser
    assert width > 300 and height > 100
