"""Charts as SVG written directly: a canvas of elements, axes mapping data to it, legend swatches and ticks.

No plotting library: the report's six charts are bars, lines and text, and the same SVG goes inline into the HTML
report and, standalone, into the Dagster UI's metadata.
"""

from __future__ import annotations

import html
import math

# The charts are bars, lines and text on a few axes: written as SVG elements here, they cost milliseconds, where a
# plotting library cost a second to import and another to lay out and draw each chart (once for the page, once more
# as an image for the Dagster UI). Coordinates are the viewBox's pixels; the page scales the SVG to its width.

WIDTH = 800  # text of 10 units is then as large against the chart as 10 pt on an 11-inch figure
FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
INK, GRID, SPINE = "#222222", "#E3E3E3", "#555555"
_ID = "@ID@"  # stands for the chart's id prefix until the SVG is written (ids must be unique on the page)


def num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if math.isfinite(value) else "0"


def text_width(texts, size: float) -> float:
    """About how wide text set in DejaVu Sans is (its glyphs average 0.6 em)."""
    return max((len(str(text)) for text in texts), default=0) * size * 0.6


def legend_room(labels, extra: float = 0) -> float:
    """Space under the axes: tick labels (slanted when crowded), the axis title and the legend."""
    return (84 if len(labels) > 8 else 66) + extra + (text_width(labels, 10) * 0.5 if len(labels) > 8 else 0)


class Canvas:
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
        attrs = f'x="{num(x)}" y="{num(y)}" width="{num(max(w, 0))}" height="{num(max(h, 0))}" ' \
                f'fill="{self.fill(fill, hatch)}"'
        if stroke and stroke_width:
            attrs += f' stroke="{stroke}" stroke-width="{num(stroke_width)}"'
        if opacity is not None:
            attrs += f' fill-opacity="{opacity}"'
        self.add(f"<rect {attrs}/>")

    def line(self, x1, y1, x2, y2, colour, width, dash=None) -> None:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" stroke="{colour}" '
                 f'stroke-width="{num(width)}"{extra}/>')

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
        attrs = f'x="{num(x)}" y="{num(y)}" font-size="{num(size)}" fill="{colour}"'
        if anchor != "start":
            attrs += f' text-anchor="{anchor}"'
        if bold:
            attrs += ' font-weight="bold"'
        if rotate:
            attrs += f' transform="rotate({rotate} {num(x)} {num(y)})"'
        if len(lines) == 1:
            self.add(f"<text {attrs}>{html.escape(str(lines[0]))}</text>")
            return
        spans = "".join(f'<tspan x="{num(x)}" dy="{num(0 if i == 0 else lead)}">{html.escape(str(line))}</tspan>'
                        for i, line in enumerate(lines))
        self.add(f"<text {attrs}>{spans}</text>")

    def legend(self, entries: list[tuple]) -> None:
        """One row of entries, centred under the chart: (drawer, label) pairs, each drawer a 22 x 12 swatch."""
        widths = [34 + text_width([label], 9) for _, label in entries]
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
        size = f' width="{self.width}" height="{num(self.height)}"' if standalone else ""
        body = (f'<svg{namespace}{size} viewBox="0 0 {self.width} {num(self.height)}" '
                f'preserveAspectRatio="xMidYMid meet" font-family="{FONT}">'
                f'<rect width="100%" height="100%" fill="white"/>'
                + (f"<defs>{patterns}</defs>" if patterns else "") + "".join(self.items) + "</svg>")
        return body.replace(_ID, prefix)


def box(colour: str, label: str, hatch: bool = False, opacity: float | None = None):
    def draw(chart: Canvas, x: float, y: float) -> None:
        chart.rect(x, y - 6, 22, 12, colour, stroke=colour if hatch else None, stroke_width=1.2, opacity=opacity,
                   hatch=hatch)
    return draw, label


def stroke(colour: str, label: str, dash: str | None = None, marker: bool = False):
    def draw(chart: Canvas, x: float, y: float) -> None:
        chart.line(x, y, x + 22, y, colour, 2 if marker else 1.2, dash)
        if marker:
            chart.add(f'<circle cx="{num(x + 11)}" cy="{num(y)}" r="3.5" fill="{colour}"/>')
    return draw, label


def triangle(colour: str, label: str):
    def draw(chart: Canvas, x: float, y: float) -> None:
        chart.add(triangle_path(x + 11, y, colour))
    return draw, label


def triangle_path(x: float, y: float, colour: str) -> str:
    """▼, centred on x, y."""
    return (f'<path d="M{num(x - 5.5)} {num(y - 4.5)}H{num(x + 5.5)}L{num(x)} {num(y + 5)}Z" '
            f'fill="{colour}"/>')


def ticks(low: float, high: float, count: int = 5, integer: bool = False) -> list[float]:
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


class Axes:
    """A plotting area on a chart: data coordinates mapped to the viewBox, spines left and bottom.

    `panel=(column, columns)` puts it in one column of a row of panels; `row=(row, rows, row_height)` in one row
    of small multiples."""

    def __init__(self, chart: Canvas, x_range, y_range, *, bottom: float = 58, left: float = 78,
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
        for value in ticks(low, high, integer=integer):
            y = self.py(value)
            self.chart.items.insert(0, f'<line x1="{num(self.left)}" y1="{num(y)}" x2="{num(self.left + self.width)}" '
                                       f'y2="{num(y)}" stroke="{GRID}" stroke-width="0.8"/>')
            if labels:
                self.chart.text(self.left - 6, y, label(value), size=9.5, anchor="end", colour="#333333",
                                valign="middle")

    def x_grid(self, label) -> None:
        bottom = self.top + self.height
        for value in ticks(self.x0, self.x1):
            x = self.px(value)
            self.chart.items.insert(0, f'<line x1="{num(x)}" y1="{num(self.top)}" x2="{num(x)}" '
                                       f'y2="{num(bottom)}" stroke="{GRID}" stroke-width="0.8"/>')
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
        coords = " ".join(f"{num(self.px(x))},{num(self.py(y))}" for x, y in points)
        self.chart.add(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{num(width)}" '
                       'stroke-linejoin="round"/>')
        if markers:
            for x, y in points:
                self.chart.add(f'<circle cx="{num(self.px(x))}" cy="{num(self.py(y))}" r="3.5" fill="{colour}"/>')

    def triangle(self, x, y, colour) -> None:
        self.chart.add(triangle_path(self.px(x), self.py(y), colour))

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


