"""The report people look at: one self-contained HTML file with six charts, and the same charts as SVG images.

Every figure comes from the marts with bound parameters, sums first and the ratio last (the `marts.roi` and
`marts.ratio` macros); ROI ratios are never added or averaged. Money stays DECIMAL until it is drawn: the numbers
printed in the tables and on the bars are the exact sums, floats are only the bars' heights.

The HTML opens offline: inline CSS, charts as inline SVG, no script, no link, no external address of any kind.
A mart with no rows for the period (the newest ones may still be empty) shows a "no data for this period yet" panel.
"""

from __future__ import annotations

import base64
import html
import math
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb

from warehouse.marts import SCOPE_SUMS

LOCAL_ROI = "Local ROI by market and channel"
WATERFALL = "Global net return as the sum of the local ones"
LOCAL_VS_GLOBAL = "Local against global"
SPEND_SHARE = "Spend share per channel"
CONTACT_FREQUENCY = "Contact frequency against the 6–7 a week guideline"
ENGAGEMENT_TREND = "Engagement trend"
CHART_TITLES = (LOCAL_ROI, WATERFALL, LOCAL_VS_GLOBAL, SPEND_SHARE, CONTACT_FREQUENCY, ENGAGEMENT_TREND)

NO_DATA = "No data for this period yet"

# One colour per channel in every chart (the platforms' own colours where they stay apart from each other).
CHANNEL_COLOURS = {"linkedin": "#0A66C2", "twitter": "#5B6670", "facebook": "#1A9E77", "youtube": "#E62117"}
CHANNEL_NAMES = {"linkedin": "LinkedIn", "twitter": "X (Twitter)", "facebook": "Facebook", "youtube": "YouTube"}
_SPARE_COLOURS = ("#8E44AD", "#E69F00", "#56B4E9", "#A0522D", "#CC79A7", "#2C3E50")
GAIN, LOSS, TOTAL, FLAG = "#2E7D32", "#C62828", "#37474F", "#B00020"
GUIDELINE_BAND = (6, 7)  # the article: 6-7 contacts a week suffice

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Report:
    """One rendered report: the HTML file's text, and each chart that had data as a standalone SVG image
    (title -> SVG text), the same drawing as in the page."""

    html: str
    charts: dict[str, str]
    empty: tuple[str, ...] = ()  # titles shown as a "no data for this period yet" panel
    captions: dict[str, str] = field(default_factory=dict)  # title -> the chart's caption, in users' words

    def write(self, path: Path | str) -> Path:
        """Write the HTML file (UTF-8), creating its folder."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.html, encoding="utf-8")
        return path

    def markdown_images(self) -> dict[str, str]:
        """Title -> Markdown showing the chart as an SVG data URI, for `dagster.MetadataValue.md` (the Dagster UI
        shows it in the materialization's metadata)."""
        return {
            title: f"![{title}](data:image/svg+xml;base64,{base64.b64encode(svg.encode('utf-8')).decode('ascii')})"
            for title, svg in self.charts.items()
        }


def render_report(
    con: duckdb.DuckDBPyConnection, start: date, end: date, currency: str, contact_threshold: int = 7
) -> Report:
    """The report for the days start..end (inclusive), amounts in `currency` (the warehouse's reporting currency)."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    data = _ReportData.read(con, start, end, contact_threshold)
    sections: list[str] = []
    charts: dict[str, str] = {}
    empty: list[str] = []
    captions: dict[str, str] = {}
    appendix: list[str] = []
    builders = (
        (LOCAL_ROI, _local_roi_chart),
        (WATERFALL, _waterfall_chart),
        (LOCAL_VS_GLOBAL, _local_vs_global_chart),
        (SPEND_SHARE, _spend_share_chart),
        (CONTACT_FREQUENCY, _contact_frequency_chart),
        (ENGAGEMENT_TREND, _engagement_trend_chart),
    )
    for number, (title, build) in enumerate(builders, start=1):
        drawn = build(data, currency)
        caption = drawn.caption
        captions[title] = caption
        if drawn.chart is None:
            empty.append(title)
            body = (
                f'<div class="nodata" role="note"><strong>{NO_DATA}</strong>'
                f"<span>{html.escape(drawn.missing)}</span></div>"
            )
        else:
            charts[title] = drawn.chart.svg(f"c{number}", standalone=True)
            svg = drawn.chart.svg(f"c{number}")
            body = f'<div class="figure" role="img" aria-label="{html.escape(title)}">{svg}</div>'
        sections.append(
            f'<section class="chart" id="chart-{number}">\n<h2>{number}. {html.escape(title)}</h2>\n{body}\n'
            f'<p class="caption">{html.escape(caption)}</p>\n</section>'
        )
        if drawn.extra_html:
            appendix.append(drawn.extra_html)
    page = _page(data, currency, sections + appendix)
    return Report(html=page, charts=charts, empty=tuple(empty), captions=captions)


# --- What the charts show, read from the marts ------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    market: str
    channel: str
    spend: Decimal | None
    revenue: Decimal | None
    net_return: Decimal | None
    roi: Decimal | None


@dataclass
class _ReportData:
    start: date
    end: date
    contact_threshold: int
    local: list[_Line]  # per market and channel
    markets: list[_Line]  # per market, all channels (channel "ALL")
    company: _Line  # sums of the local lines; global ROI = net return / spend
    global_markets: set[str]  # markets whose accounts are global (corporate) ones
    scope_rows: list[tuple]  # channel, local/global ROI, CTR and organic engagement rate, recomputed from sums
    spend_share: list[tuple]  # channel, spend, share of the total
    contact: list[tuple]  # week, market, channel, touches, posts, ad delivery days, over_threshold
    trend: list[tuple]  # week, market, channel, engagement rate, change_1w, change_12w, declining
    missing_tables: list[str]

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, start: date, end: date, contact_threshold: int) -> _ReportData:
        period = {"start": start, "end": end}
        missing: list[str] = []

        def rows(sql: str, params: dict, table: str) -> list[tuple]:
            try:
                return con.execute(sql, params).fetchall()
            except duckdb.CatalogException:  # a warehouse older than the mart: nothing to show yet
                missing.append(table)
                return []

        local = [
            _Line(*row)
            for row in rows(
                """SELECT market, channel, sum(spend), sum(revenue), sum(net_return),
                          marts.roi(sum(net_return), sum(spend))
                   FROM marts.roi_local WHERE date BETWEEN $start AND $end
                   GROUP BY market, channel ORDER BY market, channel""",
                period,
                "marts.roi_local",
            )
        ]
        markets = [
            _Line(market, "ALL", *rest)
            for market, *rest in rows(
                """SELECT market, sum(spend), sum(revenue), sum(net_return), marts.roi(sum(net_return), sum(spend))
                   FROM marts.roi_local WHERE date BETWEEN $start AND $end
                   GROUP BY market ORDER BY market""",
                period,
                "marts.roi_local",
            )
        ]
        company_row = rows(
            """SELECT sum(spend), sum(revenue), sum(net_return), marts.roi(sum(net_return), sum(spend))
               FROM marts.roi_local WHERE date BETWEEN $start AND $end""",
            period,
            "marts.roi_local",
        )
        company = _Line("ALL", "ALL", *(company_row[0] if company_row else (None, None, None, None)))
        global_markets = {
            market
            for (market,) in rows(
                """SELECT DISTINCT market FROM marts.campaign_daily
                   WHERE date BETWEEN $start AND $end AND scope = 'global'""",
                period,
                "marts.campaign_daily",
            )
        }
        paid = rows(
            f"""WITH sums AS (
                   SELECT channel,
                          {SCOPE_SUMS}
                   FROM marts.campaign_daily WHERE date BETWEEN $start AND $end
                   GROUP BY channel)
               SELECT channel,
                      marts.roi(marts.net_return(local_revenue, local_spend), local_spend),
                      marts.roi(marts.net_return(global_revenue, global_spend), global_spend),
                      marts.ratio(local_clicks, local_impressions),
                      marts.ratio(global_clicks, global_impressions)
               FROM sums ORDER BY channel""",
            period,
            "marts.campaign_daily",
        )
        organic = {
            channel: (local_rate, global_rate)
            for channel, local_rate, global_rate in rows(
                """WITH sums AS (
                       SELECT p.channel,
                              sum(p.engagements) FILTER (WHERE a.scope = 'local') AS local_engagements,
                              sum(p.impressions) FILTER (WHERE a.scope = 'local') AS local_impressions,
                              sum(p.engagements) FILTER (WHERE a.scope = 'global') AS global_engagements,
                              sum(p.impressions) FILTER (WHERE a.scope = 'global') AS global_impressions
                       FROM staging.stg_posts p JOIN raw.accounts a USING (channel, account_id)
                       WHERE p.date BETWEEN $start AND $end
                       GROUP BY p.channel)
                   SELECT channel, marts.ratio(local_engagements, local_impressions),
                          marts.ratio(global_engagements, global_impressions)
                   FROM sums""",
                period,
                "staging.stg_posts",
            )
        }
        scope_rows = [(*row, *organic.get(row[0], (None, None))) for row in paid]
        spend_share = rows(
            """WITH per_channel AS (
                   SELECT channel, sum(spend) AS spend FROM marts.roi_global
                   WHERE date BETWEEN $start AND $end GROUP BY channel)
               SELECT channel, spend, marts.ratio(spend, sum(spend) OVER ())
               FROM per_channel ORDER BY spend DESC NULLS LAST, channel""",
            period,
            "marts.roi_global",
        )
        # ISO weeks (starting on Mondays) that overlap the period
        weeks = {"first_week": start - timedelta(days=start.weekday()), "end": end}
        contact = rows(
            """SELECT week, market, channel, touches, posts, ad_delivery_days, over_threshold
               FROM marts.contact_frequency WHERE week BETWEEN $first_week AND $end
               ORDER BY market, week, channel""",
            weeks,
            "marts.contact_frequency",
        )
        trend = rows(
            """SELECT week, market, channel, engagement_rate, change_1w, change_12w, declining
               FROM marts.engagement_trend
               WHERE week BETWEEN $first_week AND $end AND engagement_rate IS NOT NULL
               ORDER BY market, channel, week""",
            weeks,
            "marts.engagement_trend",
        )
        return cls(start, end, contact_threshold, local, markets, company, global_markets, scope_rows,
                   spend_share, contact, trend, sorted(set(missing)))

    def market_order(self, markets) -> list[str]:
        """Local markets alphabetically, then the global (corporate) ones."""
        return sorted(set(markets), key=lambda market: (market in self.global_markets, market))

    def market_label(self, market: str) -> str:
        if market not in self.global_markets:
            return market
        return "Global (corporate)" if market.upper() == "GLOBAL" else f"{market} (corporate)"

    def weeks(self, rows) -> list[date]:
        return sorted({row[0] for row in rows})

    def partial(self, week: date) -> bool:
        """A week only partly inside the period."""
        return week < self.start or week + timedelta(days=6) > self.end


@dataclass
class _Drawn:
    chart: _Canvas | None
    caption: str
    missing: str = ""  # what is missing, under "no data for this period yet"
    extra_html: str = ""


# --- The six charts ------------------------------------------------------------------------------------------------


def _local_roi_chart(data: _ReportData, currency: str) -> _Drawn:
    caption = (
        "Return on investment of each market's campaigns per channel over the period: (revenue − spend) / spend. "
        "Above the zero line a channel earned more than it cost in that market; below it, it cost more than it "
        "brought in."
    )
    lines = [line for line in data.local if line.roi is not None]
    if not lines:
        return _Drawn(None, caption, f"marts.roi_local has no spend between {data.start} and {data.end}.")
    markets = data.market_order(line.market for line in lines)
    per_market = {market: [line for line in lines if line.market == market] for market in markets}
    width = 0.8 / max(len(group) for group in per_market.values())
    values = [float(line.roi) * 100 for line in lines]
    low, high = min(values + [0]), max(values + [0])
    span = (high - low) or 1
    labels = [data.market_label(m) for m in markets]
    chart = _Canvas(WIDTH, 350)
    ax = _Axes(chart, (-0.6, len(markets) - 0.4), (low - span * 0.1, high + span * 0.12),
               bottom=_legend_room(labels))
    ax.y_grid(lambda v: f"{v:,.0f}%")
    for index, market in enumerate(markets):
        group = sorted(per_market[market], key=lambda line: _channel_order(line.channel))
        for slot, line in enumerate(group):
            x = index + (slot - (len(group) - 1) / 2) * width
            value = float(line.roi) * 100
            ax.bar(x, value, width * 0.92, fill=_colour(line.channel))
            ax.text(x, value, _percent(line.roi, 0), size=8, above=value >= 0, gap=3)
    ax.hline(0, "#222222", 1.1)
    ax.x_labels(range(len(markets)), labels)
    ax.y_label("ROI (net return / spend)")
    ax.x_label("Market")
    chart.legend([_box(_colour(c), CHANNEL_NAMES.get(c, c))
                  for c in sorted({line.channel for line in lines}, key=_channel_order)])
    return _Drawn(chart, caption)


def _waterfall_chart(data: _ReportData, currency: str) -> _Drawn:
    company = data.company
    steps = [line for line in data.markets if line.net_return is not None]
    if not steps:
        return _Drawn(None, "Each market's net return adds up to the company's.",
                      f"marts.roi_local has no net return between {data.start} and {data.end}.")
    order = data.market_order(line.market for line in steps)
    steps = sorted(steps, key=lambda line: order.index(line.market))
    total = sum((line.net_return for line in steps), Decimal(0))
    caption = (
        f"Each step is one market's net return (revenue − spend, all channels, in {currency}); the last bar is the "
        f"company. Global ROI = sum of the local net returns / total spend = {_money(total)} / "
        f"{_money(company.spend)} {currency} = {_percent(company.roi)}. ROI percentages are never added: the "
        "company's ROI is the spend-weighted mean of the local ones."
    )
    span = float(max(abs(line.net_return) for line in steps) or 1)
    running, heights, bars = Decimal(0), [0.0, float(total)], []
    for line in steps:
        before, running = running, running + line.net_return
        bars.append((line, float(before), float(running)))
        heights += [float(before), float(running)]
    labels = [data.market_label(line.market) for line in steps] + ["Company total"]
    last = len(steps)
    chart = _Canvas(WIDTH, 370)
    ax = _Axes(chart, (-0.6, last + 0.6), (min(heights) - span * 0.1, max(heights) + span * 0.16),
               bottom=_legend_room(labels))
    ax.y_grid(lambda v: f"{v:,.0f}")
    for index, (line, before, after) in enumerate(bars):
        gain = line.net_return >= 0
        ax.bar(index, after - before, 0.62, bottom=before, fill=GAIN if gain else LOSS)
        ax.text(index, max(before, after) if gain else min(before, after), _signed_money(line.net_return),
                size=8.5, above=gain, gap=3)
        ax.segment(index + 0.31, after, index + 0.69, after, "#777777", 0.9, dash="3 2")
    ax.bar(last, float(total), 0.62, fill=TOTAL)
    ax.text(last, float(total), [_money(total), f"ROI {_percent(company.roi)}"], size=9, bold=True,
            above=total >= 0, gap=3, colour="#111111")
    ax.hline(0, "#222222", 1.1)
    ax.x_labels(range(len(labels)), labels, bold_last=True)
    ax.y_label(f"Net return ({currency})")
    chart.legend([_box(GAIN, "market adds to the total"), _box(LOSS, "market takes away from it"),
                  _box(TOTAL, "company: sum of the markets")])
    return _Drawn(chart, caption, extra_html=_numbers_table(data, currency, steps, total))


def _local_vs_global_chart(data: _ReportData, currency: str) -> _Drawn:
    caption = (
        "The same channel, local pages and campaigns against the global (corporate) ones, over the period. "
        "ROI and click-through rate (clicks / impressions) of the paid campaigns; engagement rate of the pages' "
        "organic posts where they are loaded. Every ratio is recomputed from the period's summed spend, revenue, "
        "clicks, impressions and engagements; above each pair, how much better local does (pts: percentage points of "
        "ROI). The article says local pages perform 35% better than global ones."
    )
    rows = [row for row in data.scope_rows if any(value is not None for value in row[1:])]
    if not rows:
        return _Drawn(None, caption, f"marts.campaign_daily has no campaign between {data.start} and {data.end}.")
    rows.sort(key=lambda row: _channel_order(row[0]))
    has_organic = any(row[5] is not None or row[6] is not None for row in rows)
    panels = [
        ("ROI", 1, 2, "difference"),
        ("Click-through rate (paid)", 3, 4, "uplift"),
        ("Organic engagement rate", 5, 6, "uplift"),
    ]
    chart = _Canvas(WIDTH, 330)
    names = [CHANNEL_NAMES.get(row[0], row[0]) for row in rows]
    for column, (name, local_at, global_at, compare) in enumerate(panels):
        values = [float(row[at]) * 100 for row in rows for at in (local_at, global_at) if row[at] is not None]
        low, high = min(values + [0]), max(values + [0])
        span = (high - low) or 1
        ax = _Axes(chart, (-0.5, len(rows) - 0.5), (low - span * 0.05 if low < 0 else 0, high + span * 0.15),
                   bottom=_legend_room(names) - 20, panel=(column, 3), gap=60)
        ax.title(name)
        if name.startswith("Organic") and not has_organic:
            ax.frame()
            ax.note(["No organic posts loaded", "for this period yet"])
            continue
        decimals = 0 if name == "ROI" else 2
        ax.y_grid(lambda v, d=decimals: f"{v:,.{d}f}%")
        for index, row in enumerate(rows):
            colour = _colour(row[0])
            local, global_ = row[local_at], row[global_at]
            for shift, value, is_local in ((-0.2, local, True), (0.2, global_, False)):
                if value is not None:
                    ax.bar(index + shift, float(value) * 100, 0.38, fill=colour, stroke=colour, stroke_width=1.2,
                           hatch=not is_local)
            if local is not None and global_ is not None:
                if compare == "difference":
                    note = f"{(local - global_) * 100:+.0f} pts"
                elif global_ != 0:
                    note = f"{(local / global_ - 1) * 100:+.0f}%"
                else:
                    note = ""
                ax.text(index, max(float(local), float(global_), 0) * 100, note, size=8.5, bold=True, gap=5)
        ax.hline(0, "#222222", 1)
        ax.x_labels(range(len(rows)), names, size=9)
        if column == 0:
            ax.y_label("Per cent")
    chart.legend([_box("#777777", "local"), _box("#777777", "global (corporate)", hatch=True)])
    return _Drawn(chart, caption)


def _spend_share_chart(data: _ReportData, currency: str) -> _Drawn:
    caption = (
        f"Where the period's advertising money went: each channel's share of the total spend in {currency}, all "
        "markets together. The article found only 22% of B2B companies have a dedicated social media budget."
    )
    rows = [row for row in data.spend_share if row[1] is not None and row[2] is not None]
    if not rows:
        return _Drawn(None, caption, f"marts.roi_global has no spend between {data.start} and {data.end}.")
    shares = [float(share) * 100 for _, _, share in rows]
    chart = _Canvas(WIDTH, 100 + 44 * len(rows))
    names = [CHANNEL_NAMES.get(row[0], row[0]) for row in rows]
    ax = _Axes(chart, (0, max(shares) * 1.35), (len(rows) - 0.5, -0.5), bottom=60,
               left=_text_width(names, 10) + 24)
    ax.x_grid(lambda v: f"{v:.0f}%")
    for index, (channel, spend, share) in enumerate(rows):  # largest on top
        ax.hbar(index, float(share) * 100, 0.62, _colour(channel))
        ax.text(float(share) * 100 + max(shares) * 0.01, index, f"{_percent(share)}  ·  {_money(spend)} {currency}",
                size=9.5, anchor="start", middle=True)
    ax.y_labels(range(len(rows)), names)
    ax.x_label(f"Share of total spend ({_money(sum((row[1] for row in rows), Decimal(0)))} {currency})")
    return _Drawn(chart, caption)


def _contact_frequency_chart(data: _ReportData, currency: str) -> _Drawn:
    threshold = data.contact_threshold
    caption = (
        "How often each market's audience hears from the brand: touches = organic posts published + days with "
        "ads delivered, per week, stacked by channel. The shaded band is the 6–7 a week the article says suffice "
        f"(brands often reach 15–20); the dashed line is the threshold of {threshold} set in the config. A red "
        "total is a week above it; a red outline marks a channel that is above it on its own. Pale bars are weeks "
        "only partly inside the period."
    )
    rows = data.contact
    if not rows:
        return _Drawn(None, caption, f"marts.contact_frequency has no week between {data.start} and {data.end}.")
    markets = data.market_order(row[1] for row in rows)
    weeks = data.weeks(rows)
    top = max(max(sum(r[3] for r in rows if r[0] == w and r[1] == m) for w in weeks for m in markets),
              GUIDELINE_BAND[1], threshold)
    chart, axes = _small_multiples(len(markets), (-0.5, len(weeks) - 0.5), (0, top * 1.18))
    for ax, market in zip(axes, markets):
        ax.title(data.market_label(market))
        ax.band(*GUIDELINE_BAND, GAIN, 0.22)
        ax.y_grid(lambda v: f"{v:.0f}", integer=True, labels=ax.first_column)
        for index, week in enumerate(weeks):
            bottom = 0
            here = sorted((r for r in rows if r[0] == week and r[1] == market), key=lambda r: _channel_order(r[2]))
            for _, _, channel, touches, _, _, over in here:
                ax.bar(index, touches, 0.66, bottom=bottom, fill=_colour(channel),
                       opacity=0.45 if data.partial(week) else None,
                       stroke=FLAG if over else "white", stroke_width=1.8 if over else 0.6)
                bottom += touches
            if here and len(weeks) <= 10:
                ax.text(index, bottom, str(bottom), size=8.5, bold=True, gap=3,
                        colour=FLAG if bottom > threshold else "#222222")
        ax.hline(threshold, FLAG, 1.2, dash="5 3")
        _week_ticks(ax, weeks)
        if ax.first_column:
            ax.y_label("Touches per week")
    channels = sorted({row[2] for row in rows}, key=_channel_order)
    chart.legend([_box(_colour(c), CHANNEL_NAMES.get(c, c)) for c in channels] + [
        _box(GAIN, "6–7 a week guideline", opacity=0.3),
        _stroke(FLAG, f"threshold: {threshold} a week", dash="5 3"),
    ])
    return _Drawn(chart, caption)


def _engagement_trend_chart(data: _ReportData, currency: str) -> _Drawn:
    caption = (
        "Organic engagement rate of the pages' posts per week: (clicks + reactions + comments + shares) / "
        "impressions, per channel and market. ▼ marks a week whose rate fell by more than the configured decline "
        "over 12 weeks, with the 12-week change beside it (the article: fan engagement on brand pages fell 22%)."
    )
    rows = data.trend
    if not rows:
        return _Drawn(None, caption,
                      f"marts.engagement_trend has no organic posts between {data.start} and {data.end}.")
    markets = data.market_order(row[1] for row in rows)
    weeks = data.weeks(rows)
    position = {week: index for index, week in enumerate(weeks)}
    top = max(float(row[3]) * 100 for row in rows) or 1
    chart, axes = _small_multiples(len(markets), (-0.4, len(weeks) - 0.6), (0, top * 1.35))
    for ax, market in zip(axes, markets):
        ax.title(data.market_label(market))
        ax.y_grid(lambda v: f"{v:.1f}%", labels=ax.first_column)
        for channel in sorted({r[2] for r in rows if r[1] == market}, key=_channel_order):
            series = [r for r in rows if r[1] == market and r[2] == channel]
            points = [(position[r[0]], float(r[3]) * 100) for r in series]
            ax.polyline(points, _colour(channel), 2, markers=True)
            for (x, y), r in zip(points, series):
                if r[6]:
                    ax.triangle(x, y + top * 0.07, FLAG)
                    label = _percent(r[5], 0) if r[5] is not None else "decline"
                    ax.text(x, y + top * 0.13, label, size=8, bold=True, colour=FLAG, gap=0)
        _week_ticks(ax, weeks)
        if ax.first_column:
            ax.y_label("Engagement rate")
    channels = sorted({row[2] for row in rows}, key=_channel_order)
    chart.legend([_stroke(_colour(c), CHANNEL_NAMES.get(c, c), marker=True) for c in channels]
                 + [_triangle(FLAG, "decline over 12 weeks beyond the threshold")])
    return _Drawn(chart, caption)


# --- The table behind charts 1 and 2 -------------------------------------------------------------------------------


def _numbers_table(data: _ReportData, currency: str, steps: list[_Line], total: Decimal) -> str:
    def row(cells, css=""):
        attrs = f' class="{css}"' if css else ""
        return f"<tr{attrs}>{''.join(cells)}</tr>"

    def money(value, column):
        return f'<td class="num" data-col="{column}">{_money(value)}</td>'

    def roi(value):
        return f'<td class="num" data-col="roi">{_percent(value)}</td>'

    code = html.escape(currency)
    head = (f"<tr><th>Market</th><th>Channel</th><th>Spend {code}</th><th>Revenue {code}</th>"
            f"<th>Net return {code}</th><th>ROI</th></tr>")
    body = []
    for market_line in steps:
        market = market_line.market
        for line in sorted((l for l in data.local if l.market == market), key=lambda l: _channel_order(l.channel)):
            body.append(row([f"<td>{html.escape(data.market_label(market))}</td>",
                             f"<td>{html.escape(CHANNEL_NAMES.get(line.channel, line.channel))}</td>",
                             money(line.spend, "spend"), money(line.revenue, "revenue"),
                             money(line.net_return, "net_return"), roi(line.roi)]))
        body.append(row([f"<th>{html.escape(data.market_label(market))}</th>", "<th>all channels</th>",
                         money(market_line.spend, "spend"), money(market_line.revenue, "revenue"),
                         money(market_line.net_return, "net_return"), roi(market_line.roi)], "market"))
    company = data.company
    body.append(row(["<th>Company total</th>", "<th>sum of the markets</th>", money(company.spend, "spend"),
                     money(company.revenue, "revenue"), money(total, "net_return"), roi(company.roi)], "total"))
    return (
        '<section class="numbers" id="numbers">\n<h2>The numbers behind charts 1 and 2</h2>\n'
        f'<p class="caption">Exact sums over the period in {html.escape(currency)}, to the cent; each ROI is the '
        "net return over the spend of its own line.</p>\n"
        f'<table id="roi-numbers">\n<thead>{head}</thead>\n<tbody>\n' + "\n".join(body) + "\n</tbody>\n</table>\n"
        "</section>"
    )


# --- The page ------------------------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #F4F5F7; color: #1F2328;
       font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; line-height: 1.45; }
header { background: #1F2A37; color: #FFFFFF; padding: 28px 40px 22px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 2px 0; color: #D0D7DE; font-size: 15px; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 48px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 4px 0 18px; }
.card { flex: 1 1 200px; background: #FFFFFF; border-radius: 8px; padding: 12px 16px;
        box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.card .label { font-size: 12px; color: #57606A; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 22px; font-weight: bold; font-variant-numeric: tabular-nums; }
.card .value.gain { color: #2E7D32; } .card .value.loss { color: #C62828; }
section.chart, section.numbers { background: #FFFFFF; border-radius: 8px; padding: 16px 22px 14px; margin: 0 0 20px;
                box-shadow: 0 1px 2px rgba(0,0,0,.08); }
section.chart h2, section.numbers h2 { margin: 0 0 8px; font-size: 19px; }
.figure svg { display: block; width: 100%; height: auto; }
.figure svg text { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif !important; }
.caption { margin: 8px 0 4px; color: #424A53; font-size: 14px; max-width: 980px; }
.nodata { display: flex; flex-direction: column; gap: 4px; align-items: center; justify-content: center;
          min-height: 150px; border: 2px dashed #C9CED6; border-radius: 8px; background: #FAFBFC;
          color: #57606A; font-size: 15px; text-align: center; padding: 16px; }
.nodata strong { font-size: 18px; color: #424A53; }
.nodata span { font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid #E5E7EB; text-align: left; }
thead th { background: #F0F2F5; border-bottom: 2px solid #C9CED6; }
td.num, tr.market td.num, tr.total td.num { text-align: right; white-space: nowrap; }
thead th:nth-child(n+3) { text-align: right; }
tr.market th, tr.market td { background: #F7F8FA; font-weight: bold; }
tr.total th, tr.total td { background: #E8ECF1; font-weight: bold; border-top: 2px solid #1F2A37; }
footer { color: #57606A; font-size: 12px; max-width: 1180px; margin: 0 auto; padding: 0 24px 32px; }
@media print { body { background: #FFFFFF; } section.chart { box-shadow: none; break-inside: avoid; } }
"""


def _page(data: _ReportData, currency: str, sections: list[str]) -> str:
    company = data.company
    period = f"{_long_date(data.start)} to {_long_date(data.end)}"
    net = company.net_return
    cards = [
        ("Spend", f"{_money(company.spend)} {currency}", ""),
        ("Revenue", f"{_money(company.revenue)} {currency}", ""),
        ("Net return", f"{_money(net)} {currency}", "" if net is None else ("gain" if net >= 0 else "loss")),
        ("Company ROI", _percent(company.roi), "" if company.roi is None else ("gain" if company.roi >= 0 else "loss")),
    ]
    cards_html = "".join(
        f'<div class="card"><div class="label">{label}</div><div class="value {css}">{html.escape(value)}</div></div>'
        for label, value, css in cards
    )
    missing = ""
    if data.missing_tables:
        missing = ("<p>Not in this warehouse yet: " + ", ".join(html.escape(t) for t in data.missing_tables)
                   + ".</p>")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Campaign ROI report, {html.escape(period)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>Campaign ROI report</h1>
<p class="period">Period: {html.escape(period)} ({data.start.isoformat()} to {data.end.isoformat()})</p>
<p class="currency">Amounts in {html.escape(currency)}; ROI = (revenue − spend) / spend, computed from sums.</p>
</header>
<main>
<div class="cards">{cards_html}</div>
{chr(10).join(sections)}
</main>
<footer>
<p>From the campaign ROI warehouse's marts. Money is summed exactly (to the cent) before any ratio is taken; the
company's ROI is the sum of the markets' net returns over the total spend, never a sum of ROI percentages.</p>
{missing}
</footer>
</body>
</html>
"""


# --- Drawing: SVG written directly ---------------------------------------------------------------------------------
#
# The charts are bars, lines and text on a few axes: written as SVG elements here, they cost milliseconds, where a
# plotting library cost a second to import and another to lay out and draw each chart (once for the page, once more
# as an image for the Dagster UI). Coordinates are the viewBox's pixels; the page scales the SVG to its width.

WIDTH = 800  # text of 10 units is then as large against the chart as 10 pt on an 11-inch figure
FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
INK, GRID, SPINE = "#222222", "#E3E3E3", "#555555"
_ID = "@ID@"  # stands for the chart's id prefix until the SVG is written (ids must be unique on the page)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if math.isfinite(value) else "0"


def _text_width(texts, size: float) -> float:
    """About how wide text set in DejaVu Sans is (its glyphs average 0.6 em)."""
    return max((len(str(text)) for text in texts), default=0) * size * 0.6


def _legend_room(labels, extra: float = 0) -> float:
    """Space under the axes: tick labels (slanted when crowded), the axis title and the legend."""
    return (84 if len(labels) > 8 else 66) + extra + (_text_width(labels, 10) * 0.5 if len(labels) > 8 else 0)


class _Canvas:
    """One chart: its SVG elements in drawing order, and the legend under them."""

    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.items: list[str] = []
        self.hatches: dict[str, int] = {}  # colour -> number of its hatch pattern

    def add(self, element: str) -> None:
        self.items.append(element)

    def fill(self, colour: str, hatch: bool) -> str:
        if not hatch:
            return colour
        number = self.hatches.setdefault(colour, len(self.hatches))
        return f"url(#{_ID}-hatch{number})"

    def rect(self, x, y, w, h, fill, stroke=None, stroke_width=0.0, opacity=None, hatch=False) -> None:
        attrs = f'x="{_num(x)}" y="{_num(y)}" width="{_num(max(w, 0))}" height="{_num(max(h, 0))}" ' \
                f'fill="{self.fill(fill, hatch)}"'
        if stroke and stroke_width:
            attrs += f' stroke="{stroke}" stroke-width="{_num(stroke_width)}"'
        if opacity is not None:
            attrs += f' fill-opacity="{opacity}"'
        self.add(f"<rect {attrs}/>")

    def line(self, x1, y1, x2, y2, colour, width, dash=None) -> None:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" stroke="{colour}" '
                 f'stroke-width="{_num(width)}"{extra}/>')

    def text(self, x, y, text, size=10.0, anchor="middle", colour=INK, bold=False, rotate=False,
             valign="baseline") -> None:
        """`text` may be several lines; `valign` places the block: its bottom, top or middle at y."""
        lines = text if isinstance(text, list) else [text]
        lead = size * 1.2
        if valign == "bottom":
            y -= size * 0.22 + lead * (len(lines) - 1)
        elif valign == "top":
            y += size * 0.8
        elif valign == "middle":
            y += size * 0.35 - lead * (len(lines) - 1) / 2
        attrs = f'x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" fill="{colour}"'
        if anchor != "start":
            attrs += f' text-anchor="{anchor}"'
        if bold:
            attrs += ' font-weight="bold"'
        if rotate:
            attrs += f' transform="rotate({rotate} {_num(x)} {_num(y)})"'
        if len(lines) == 1:
            self.add(f"<text {attrs}>{html.escape(str(lines[0]))}</text>")
            return
        spans = "".join(f'<tspan x="{_num(x)}" dy="{_num(0 if i == 0 else lead)}">{html.escape(str(line))}</tspan>'
                        for i, line in enumerate(lines))
        self.add(f"<text {attrs}>{spans}</text>")

    def legend(self, entries: list[tuple]) -> None:
        """One row of entries, centred under the chart: (drawer, label) pairs, each drawer a 22 x 12 swatch."""
        widths = [34 + _text_width([label], 9) for _, label in entries]
        x = (self.width - sum(widths) + 14) / 2
        y = self.height - 16
        for (draw, label), width in zip(entries, widths):
            draw(self, x, y)
            self.text(x + 28, y, label, size=9, anchor="start", valign="middle")
            x += width

    def svg(self, prefix: str, standalone: bool = False) -> str:
        """Inline in the page (no namespace address, which the page never needs), or standalone for an image."""
        patterns = "".join(
            f'<pattern id="{_ID}-hatch{number}" patternUnits="userSpaceOnUse" width="6" height="6" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="white"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="{colour}" stroke-width="2"/></pattern>'
            for colour, number in self.hatches.items()
        )
        namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
        size = f' width="{self.width}" height="{_num(self.height)}"' if standalone else ""
        body = (f'<svg{namespace}{size} viewBox="0 0 {self.width} {_num(self.height)}" '
                f'preserveAspectRatio="xMidYMid meet" font-family="{FONT}">'
                f'<rect width="100%" height="100%" fill="white"/>'
                + (f"<defs>{patterns}</defs>" if patterns else "") + "".join(self.items) + "</svg>")
        return body.replace(_ID, prefix)


def _box(colour: str, label: str, hatch: bool = False, opacity: float | None = None):
    def draw(chart: _Canvas, x: float, y: float) -> None:
        chart.rect(x, y - 6, 22, 12, colour, stroke=colour if hatch else None, stroke_width=1.2, opacity=opacity,
                   hatch=hatch)
    return draw, label


def _stroke(colour: str, label: str, dash: str | None = None, marker: bool = False):
    def draw(chart: _Canvas, x: float, y: float) -> None:
        chart.line(x, y, x + 22, y, colour, 2 if marker else 1.2, dash)
        if marker:
            chart.add(f'<circle cx="{_num(x + 11)}" cy="{_num(y)}" r="3.5" fill="{colour}"/>')
    return draw, label


def _triangle(colour: str, label: str):
    def draw(chart: _Canvas, x: float, y: float) -> None:
        chart.add(_triangle_path(x + 11, y, colour))
    return draw, label


def _triangle_path(x: float, y: float, colour: str) -> str:
    """▼, centred on x, y."""
    return (f'<path d="M{_num(x - 5.5)} {_num(y - 4.5)}H{_num(x + 5.5)}L{_num(x)} {_num(y + 5)}Z" '
            f'fill="{colour}"/>')


def _ticks(low: float, high: float, count: int = 5, integer: bool = False) -> list[float]:
    """Round values from low to high, about `count` of them (steps of 1, 2, 2.5 or 5 times a power of ten)."""
    if high <= low:
        return [low]
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * 0.999)
    if integer:
        step = max(1, math.ceil(step))
    value, ticks = math.ceil(low / step - 1e-9) * step, []
    while value <= high + step * 1e-9:
        ticks.append(0.0 if abs(value) < step * 1e-9 else value)
        value += step
    return ticks


class _Axes:
    """A plotting area on a chart: data coordinates mapped to the viewBox, spines left and bottom.

    `panel=(column, columns)` puts it in one column of a row of panels; `row=(row, rows, row_height)` in one row
    of small multiples."""

    def __init__(self, chart: _Canvas, x_range, y_range, *, bottom: float = 58, left: float = 78,
                 panel=(0, 1), gap: float = 36, top: float = 16, row=None):
        column, columns = panel
        span = (chart.width - left - 16 - gap * (columns - 1)) / columns
        self.chart = chart
        self.left = left + column * (span + gap)
        self.width = span
        if row is None:
            self.top = top + (22 if top == 16 and self._titled_panels(columns) else 0)
            self.height = chart.height - self.top - bottom
        else:
            index, _, height = row
            self.top = top + index * height + 22
            self.height = height - 22 - 40
        self.x0, self.x1 = x_range
        self.y0, self.y1 = y_range
        if self.y1 == self.y0:
            self.y1 = self.y0 + 1
        self.first_column = column == 0
        self.frame()

    @staticmethod
    def _titled_panels(columns: int) -> bool:
        return columns > 1

    def px(self, x: float) -> float:
        return self.left + (x - self.x0) / (self.x1 - self.x0) * self.width

    def py(self, y: float) -> float:
        return self.top + (self.y1 - y) / (self.y1 - self.y0) * self.height

    def frame(self) -> None:
        bottom = self.top + self.height
        self.chart.line(self.left, self.top, self.left, bottom, SPINE, 1)
        self.chart.line(self.left, bottom, self.left + self.width, bottom, SPINE, 1)

    def y_grid(self, label, integer: bool = False, labels: bool = True) -> None:
        low, high = sorted((self.y0, self.y1))
        for value in _ticks(low, high, integer=integer):
            y = self.py(value)
            self.chart.items.insert(0, f'<line x1="{_num(self.left)}" y1="{_num(y)}" x2="{_num(self.left + self.width)}" '
                                       f'y2="{_num(y)}" stroke="{GRID}" stroke-width="0.8"/>')
            if labels:
                self.chart.text(self.left - 6, y, label(value), size=9.5, anchor="end", colour="#333333",
                                valign="middle")

    def x_grid(self, label) -> None:
        bottom = self.top + self.height
        for value in _ticks(self.x0, self.x1):
            x = self.px(value)
            self.chart.items.insert(0, f'<line x1="{_num(x)}" y1="{_num(self.top)}" x2="{_num(x)}" '
                                       f'y2="{_num(bottom)}" stroke="{GRID}" stroke-width="0.8"/>')
            self.chart.text(x, bottom + 6, label(value), size=9.5, colour="#333333", valign="top")

    def bar(self, x, value, width, bottom=0.0, fill=INK, stroke=None, stroke_width=0.0, opacity=None,
            hatch=False) -> None:
        left, right = self.px(x - width / 2), self.px(x + width / 2)
        y_from, y_to = self.py(bottom), self.py(bottom + value)
        self.chart.rect(left, min(y_from, y_to), right - left, abs(y_to - y_from), fill, stroke, stroke_width,
                        opacity, hatch)

    def hbar(self, y, value, height, fill) -> None:
        top, bottom = self.py(y - height / 2), self.py(y + height / 2)
        self.chart.rect(self.px(0), min(top, bottom), self.px(value) - self.px(0), abs(bottom - top), fill)

    def hline(self, y, colour, width, dash=None) -> None:
        self.chart.line(self.left, self.py(y), self.left + self.width, self.py(y), colour, width, dash)

    def segment(self, x1, y1, x2, y2, colour, width, dash=None) -> None:
        self.chart.line(self.px(x1), self.py(y1), self.px(x2), self.py(y2), colour, width, dash)

    def band(self, low, high, colour, opacity) -> None:
        self.chart.rect(self.left, self.py(high), self.width, self.py(low) - self.py(high), colour, opacity=opacity)

    def polyline(self, points, colour, width, markers=False) -> None:
        coords = " ".join(f"{_num(self.px(x))},{_num(self.py(y))}" for x, y in points)
        self.chart.add(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{_num(width)}" '
                       'stroke-linejoin="round"/>')
        if markers:
            for x, y in points:
                self.chart.add(f'<circle cx="{_num(self.px(x))}" cy="{_num(self.py(y))}" r="3.5" fill="{colour}"/>')

    def triangle(self, x, y, colour) -> None:
        self.chart.add(_triangle_path(self.px(x), self.py(y), colour))

    def text(self, x, y, text, size=10.0, above=True, gap=3.0, bold=False, colour=INK, anchor="middle",
             middle=False) -> None:
        """Text at a data point: above it (or below when `above` is false), or beside it when `middle`."""
        px, py = self.px(x), self.py(y)
        if middle:
            self.chart.text(px, py, text, size, anchor, colour, bold, valign="middle")
        elif above:
            self.chart.text(px, py - gap, text, size, anchor, colour, bold, valign="bottom")
        else:
            self.chart.text(px, py + gap, text, size, anchor, colour, bold, valign="top")

    def note(self, lines: list[str]) -> None:
        self.chart.text(self.left + self.width / 2, self.top + self.height / 2, lines, 10, colour="#666666",
                        valign="middle")

    def title(self, text: str) -> None:
        self.chart.text(self.left, self.top - 8, text, 11, anchor="start", bold=True)

    def x_labels(self, positions, labels, bold_last: bool = False, size: float = 10) -> None:
        crowded = len(labels) > 8
        y = self.top + self.height + 6
        for index, (x, label) in enumerate(zip(positions, labels)):
            bold = bold_last and index == len(labels) - 1
            if crowded:
                self.chart.text(self.px(x), y + size * 0.8, label, size, "end", "#333333", bold, rotate=-30)
            else:
                self.chart.text(self.px(x), y, label, size, "middle", "#333333", bold, valign="top")

    def y_labels(self, positions, labels) -> None:
        for y, label in zip(positions, labels):
            self.chart.text(self.left - 8, self.py(y), label, 10, "end", "#333333", valign="middle")

    def x_label(self, text: str) -> None:
        self.chart.text(self.left + self.width / 2, self.top + self.height + 26, text, 10, valign="top")

    def y_label(self, text: str) -> None:
        x, y = self.left - 58, self.top + self.height / 2
        self.chart.text(x, y, text, 10, rotate=-90)


def _small_multiples(count: int, x_range, y_range, row_height: float = 200) -> tuple[_Canvas, list[_Axes]]:
    """One panel per market, three to a row, sharing the y axis."""
    columns = min(3, count)
    rows = math.ceil(count / columns)
    chart = _Canvas(WIDTH, row_height * rows + 50)
    axes = [_Axes(chart, x_range, y_range, panel=(i % columns, columns), row=(i // columns, rows, row_height),
                  gap=30) for i in range(count)]
    for index, ax in enumerate(axes):
        lowest = index + columns >= count
        if lowest:
            ax.x_label("Week starting (Monday)")
    return chart, axes


def _week_ticks(ax: _Axes, weeks: list[date]) -> None:
    """At most about eight week labels under a chart."""
    step = max(1, math.ceil(len(weeks) / 8))
    positions = list(range(0, len(weeks), step))
    y = ax.top + ax.height + 5
    for index in positions:
        ax.chart.text(ax.px(index), y, _week_label(weeks[index]), 8.5, colour="#333333", valign="top")


def _channel_order(channel: str) -> tuple[int, str]:
    known = list(CHANNEL_COLOURS)
    return (known.index(channel), channel) if channel in known else (len(known), channel)


def _colour(channel: str) -> str:
    """The channel's colour, the same in every chart and every report."""
    if channel in CHANNEL_COLOURS:
        return CHANNEL_COLOURS[channel]
    return _SPARE_COLOURS[zlib.crc32(channel.encode("utf-8")) % len(_SPARE_COLOURS)]


# --- Formatting ----------------------------------------------------------------------------------------------------


def _money(value: Decimal | None) -> str:
    if value is None:
        return "n/a"
    return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):,}"


def _signed_money(value: Decimal) -> str:
    text = _money(value)
    return text if text.startswith("-") else f"+{text}"


def _percent(value: Decimal | None, decimals: int = 1) -> str:
    if value is None:
        return "n/a"
    step = Decimal(1).scaleb(-decimals)
    return f"{(Decimal(value) * 100).quantize(step, rounding=ROUND_HALF_UP)}%"


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _week_label(week: date) -> str:
    return f"{week.day} {week:%b}"
