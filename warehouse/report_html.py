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
from warehouse.svg_chart import WIDTH, Axes, Canvas, box, legend_room, stroke, text_width, triangle

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
    chart: Canvas | None
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
    chart = Canvas(WIDTH, 350)
    ax = Axes(chart, (-0.6, len(markets) - 0.4), (low - span * 0.1, high + span * 0.12),
               bottom=legend_room(labels))
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
    chart.legend([box(_colour(c), CHANNEL_NAMES.get(c, c))
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
    chart = Canvas(WIDTH, 370)
    ax = Axes(chart, (-0.6, last + 0.6), (min(heights) - span * 0.1, max(heights) + span * 0.16),
               bottom=legend_room(labels))
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
    chart.legend([box(GAIN, "market adds to the total"), box(LOSS, "market takes away from it"),
                  box(TOTAL, "company: sum of the markets")])
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
    chart = Canvas(WIDTH, 330)
    names = [CHANNEL_NAMES.get(row[0], row[0]) for row in rows]
    for column, (name, local_at, global_at, compare) in enumerate(panels):
        values = [float(row[at]) * 100 for row in rows for at in (local_at, global_at) if row[at] is not None]
        low, high = min(values + [0]), max(values + [0])
        span = (high - low) or 1
        ax = Axes(chart, (-0.5, len(rows) - 0.5), (low - span * 0.05 if low < 0 else 0, high + span * 0.15),
                   bottom=legend_room(names) - 20, panel=(column, 3), gap=60)
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
    chart.legend([box("#777777", "local"), box("#777777", "global (corporate)", hatch=True)])
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
    chart = Canvas(WIDTH, 100 + 44 * len(rows))
    names = [CHANNEL_NAMES.get(row[0], row[0]) for row in rows]
    ax = Axes(chart, (0, max(shares) * 1.35), (len(rows) - 0.5, -0.5), bottom=60,
               left=text_width(names, 10) + 24)
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
    chart.legend([box(_colour(c), CHANNEL_NAMES.get(c, c)) for c in channels] + [
        box(GAIN, "6–7 a week guideline", opacity=0.3),
        stroke(FLAG, f"threshold: {threshold} a week", dash="5 3"),
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
    chart.legend([stroke(_colour(c), CHANNEL_NAMES.get(c, c), marker=True) for c in channels]
                 + [triangle(FLAG, "decline over 12 weeks beyond the threshold")])
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


# --- Panels and colours shared by the charts (the drawing itself: warehouse/svg_chart.py) -----------------------------


def _small_multiples(count: int, x_range, y_range, row_height: float = 200) -> tuple[Canvas, list[Axes]]:
    """One panel per market, three to a row, sharing the y axis."""
    columns = min(3, count)
    rows = math.ceil(count / columns)
    chart = Canvas(WIDTH, row_height * rows + 50)
    axes = [Axes(chart, x_range, y_range, panel=(i % columns, columns), row=(i // columns, rows, row_height),
                  gap=30) for i in range(count)]
    for index, ax in enumerate(axes):
        lowest = index + columns >= count
        if lowest:
            ax.x_label("Week starting (Monday)")
    return chart, axes


def _week_ticks(ax: Axes, weeks: list[date]) -> None:
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
