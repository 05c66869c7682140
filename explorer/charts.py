"""Time charts of figures, shared by project pages and the dashboard: plain
JSON-safe Plotly specs, no database.

The rules every chart here keeps:
- one date axis: a per-period figure (a year, a half-year) is a bar
  spanning its period, any other figure a point at its as-of date, both on
  that axis; years without data are gaps;
- a series is one (metric, what is counted, unit, period kind): a line
  never joins a daily record to a running total, nor a subset to a total;
- a series of one point is no chart: it is listed as a figure;
- a figure's qualifier is its marker: a lower bound points up, an
  approximate value is hollow, a projection is a hollow diamond, and the
  hover text says it in words.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from django.urls import reverse

from projects.choices import ObservationPeriod as Period

MS_PER_DAY = 86_400_000
# A bar fills this share of its period, leaving a gap between neighbours.
BAR_FILL = 0.86
ONE_YEAR = timedelta(days=365)
MARKERS = {
    "exact": ("circle", "exact"),
    "more_than": ("triangle-up", "lower bound (more than)"),
    "up_to": ("triangle-down", "upper bound (up to)"),
    "nearly": ("circle-open", "approximate (nearly)"),
    "about": ("circle-open", "approximate (about)"),
    "projected": ("diamond-open", "projected"),
}
SERIES_LABELS = {
    "cumulative": "cumulative to date",
    "year": "per year",
    "half_year": "per half-year",
    "quarter": "per quarter",
    "month": "per month",
    "year_to_date": "year to date",
    "day": "in a single day",
    "span": "over a stated span",
    "point": "at a date",
}
# Figures that each cover one whole period of a kind: drawn as bars over it.
BAR_PERIODS = {Period.YEAR, Period.HALF_YEAR, Period.QUARTER, Period.MONTH}
COLOURS = ["#1f5f99", "#b0202a", "#2a7a2a", "#7b4ea3", "#a85a00", "#127a86"]
BAR_COLOUR = "#8fa9c4"
TIDY_COLUMNS = [
    "series",
    "period_start",
    "as_of",
    "value",
    "qualifier",
    "unit",
    "period",
    "figure_url",
    "source_url",
]


def plotly_text(text):
    """``text`` from the records, shown literally by Plotly: its label
    markup (``<a href>``, ``<b>``, ``<br>``) is HTML with entities decoded
    after templating, and names, titles and annotations are templates
    (``%{meta}``), as are hovertemplates. So ``<``, ``>`` and ``&`` become
    entities, and ``%`` becomes ``&#37;``, which no template reads as a
    placeholder but Plotly still draws as "%". Issue 15. User text never goes
    into a hovertemplate itself: it goes in ``text`` and the template reads
    ``%{text}``."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("%", "&#37;")
    )


class ChartPoint(NamedTuple):
    """One figure as a chart draws it, and as its tidy CSV row."""

    series: str
    start: date | None
    end: date
    value: float
    label: str
    qualifier: str
    unit: str
    period: str
    figure_url: str
    source_url: str
    source: str

    @property
    def is_bar(self):
        return self.period in BAR_PERIODS and self.start is not None

    @property
    def hover(self):
        when = (
            f"{self.start:%-d %b %Y} – {self.end:%-d %b %Y}"
            if self.is_bar
            else f"{self.end:%-d %b %Y}"
        )
        label, source = plotly_text(self.label), plotly_text(self.source)
        return f"{label}<br>{when} · {MARKERS[self.qualifier][1]}<br>{source}"

    def tidy(self):
        return {
            "series": self.series,
            "period_start": self.start.isoformat() if self.start else "",
            "as_of": self.end.isoformat(),
            "value": self.value,
            "qualifier": self.qualifier,
            "unit": self.unit,
            "period": self.period,
            "figure_url": self.figure_url,
            "source_url": self.source_url,
        }


def chart_point(figure, series):
    """A dated Observation (with metric and source loaded) as a point."""
    source = figure.source
    return ChartPoint(
        series=series,
        start=figure.period_start,
        end=figure.as_of,
        value=float(figure.value),
        label=figure.display_value,
        qualifier=figure.qualifier,
        unit=figure.unit_display,
        period=figure.period,
        figure_url=reverse("figures:detail", args=[figure.pk]),
        source_url=source.url or reverse("sources:detail", args=[source.pk]),
        source=f"{source.publisher or 'Source'}"
        + (f", {source.published_display}" if source.published_on else ""),
    )


class SeriesKey(NamedTuple):
    metric_id: int
    counted: str
    unit: str
    period: str


@dataclass
class Series:
    """Figures that one line (or one row of bars) may join."""

    key: SeriesKey
    name: str
    unit: str
    figures: list = field(default_factory=list)

    @property
    def dates(self):
        return {f.as_of for f in self.figures}


def split_series(figures):
    """Dated ``figures`` (Observations) as series, in the metrics' order and
    then the period kinds' order; undated figures belong to no series."""
    found: dict[SeriesKey, Series] = {}
    dated = sorted(
        (f for f in figures if f.as_of is not None),
        key=lambda f: (f.metric.sort_order, f.metric_id, f.as_of, f.pk),
    )
    for figure in dated:
        key = SeriesKey(
            figure.metric_id, figure.counted.strip(), figure.unit, figure.period
        )
        if key not in found:
            what = figure.counted.strip() or figure.metric.name
            found[key] = Series(
                key, f"{what}, {SERIES_LABELS[figure.period]}", figure.unit_display
            )
        found[key].figures.append(figure)
    return sorted(
        found.values(),
        key=lambda s: (
            s.figures[0].metric.sort_order,
            s.key.metric_id,
            list(SERIES_LABELS).index(s.key.period),
            s.key.counted,
        ),
    )


def time_chart(title, y_title, series_points, *, right=None):
    """A chart of ``series_points`` ({name: [ChartPoint]}) on one date axis.
    ``right`` is an optional second {name: [ChartPoint]} read against a right
    y axis (a running total beside per-year bars), still on the same x axis."""
    data = []
    colours = iter(COLOURS * 4)
    barred = [name for name, points in series_points.items() if _has_bars(points)]
    for name, points in series_points.items():
        slot = (barred.index(name), len(barred)) if name in barred else (0, 1)
        data += _traces(name, points, next(colours), yaxis="y", slot=slot)
    for name, points in (right or {}).items():
        data += _traces(name, points, next(colours), yaxis="y2", slot=(0, 1))
    every = [p for points in series_points.values() for p in points] + [
        p for points in (right or {}).values() for p in points
    ]
    data += [
        qualifier_legend_entry(qualifier)
        for qualifier in MARKERS
        if qualifier != "exact" and any(p.qualifier == qualifier for p in every)
    ]
    layout = {
        "title": {"text": plotly_text(title), "x": 0, "xanchor": "left"},
        "xaxis": {"type": "date", "title": {"text": "Date"}, **_x_range(every)},
        "yaxis": {"title": {"text": plotly_text(y_title)}, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.22},
        "margin": {"t": 50, "r": 70 if right else 20, "l": 70, "b": 40},
        "height": 400,
        "barmode": "overlay",
    }
    if right:
        layout["yaxis2"] = {
            "title": {"text": plotly_text(next(iter(right)))},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
            # Round ticks of its own, not ticks aligned to the left axis.
            "tickmode": "auto",
        }
    return {"data": data, "layout": layout}


def _has_bars(points):
    return any(p.is_bar for p in points)


def _traces(name, points, colour, *, yaxis, slot):
    """A series' traces; ``slot`` (index, count) places its bars side by side
    with other bar series within each period."""
    points = sorted(points, key=lambda p: (p.end, p.start or p.end))
    bars = [p for p in points if p.is_bar]
    dots = [p for p in points if not p.is_bar]
    traces = []
    if bars:
        traces.append(
            {
                "type": "bar",
                "name": plotly_text(name),
                "x": [_middle(p, slot).isoformat() for p in bars],
                "width": [_span_ms(p) * BAR_FILL / slot[1] for p in bars],
                "y": [p.value for p in bars],
                "text": [p.hover for p in bars],
                "textposition": "none",
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {"color": BAR_COLOUR if slot[1] == 1 else colour},
                "yaxis": yaxis,
            }
        )
        bounded = [p for p in bars if p.qualifier != "exact"]
        if bounded:
            # The bar's top carries its qualifier's marker, as a point would.
            traces.append(
                _markers(name, bounded, "#243b53", yaxis, show=False, slot=slot)
            )
    if dots:
        running = all(p.period == Period.CUMULATIVE for p in dots)
        trace = _markers(name, dots, colour, yaxis, show=True, slot=slot)
        trace["mode"] = "lines+markers" if running and len(dots) > 1 else "markers"
        trace["line"] = {"color": colour}
        traces.append(trace)
    return traces


def _markers(name, points, colour, yaxis, *, show, slot):
    return {
        "type": "scatter",
        "mode": "markers",
        "name": plotly_text(name),
        "showlegend": show,
        "x": [(_middle(p, slot) if p.is_bar else p.end).isoformat() for p in points],
        "y": [p.value for p in points],
        "text": [p.hover for p in points],
        "hovertemplate": "%{text}<extra></extra>",
        "marker": {
            "size": 10,
            "color": colour,
            "symbol": [MARKERS[p.qualifier][0] for p in points],
        },
        "yaxis": yaxis,
    }


def _middle(point, slot=(0, 1)):
    """The centre of a bar: the middle of its period, or of its slot of it."""
    index, count = slot
    days = (point.end - point.start).days + 1
    offset = days * ((1 - BAR_FILL) / 2 + BAR_FILL * (index + 0.5) / count)
    return point.start + timedelta(days=offset)


def _span_ms(point):
    return ((point.end - point.start).days + 1) * MS_PER_DAY


def _x_range(points):
    """Room for whole bars at both ends; a lone date gets a year each side
    (it would otherwise stretch to a millisecond-wide axis)."""
    if not points:
        return {}
    first = min(p.start if p.is_bar else p.end for p in points)
    last = max(p.end for p in points)
    pad = max(timedelta(days=60), (last - first) / 30)
    if first == last:
        pad = ONE_YEAR
    return {"range": [(first - pad).isoformat(), (last + pad).isoformat()]}


def qualifier_legend_entry(qualifier):
    symbol, label = MARKERS[qualifier]
    return {
        "type": "scatter",
        "mode": "markers",
        "name": label.capitalize(),
        "x": [None],
        "y": [None],
        "marker": {"size": 10, "symbol": symbol, "color": "#52606d"},
        "hoverinfo": "skip",
    }


def series_chart(series):
    """The chart of one project series (two or more dated points)."""
    points = [chart_point(f, series.name) for f in series.figures]
    return time_chart(_capitalized(series.name), series.unit, {series.name: points})


def series_table(series):
    """A chart's data table: one row per figure, its value in words."""
    return [
        [
            f.period_display,
            f.as_of_display,
            f.display_value,
            MARKERS[f.qualifier][1],
            f.source.title,
        ]
        for f in series.figures
    ]


SERIES_TABLE_HEADERS = ["Period", "As of", "Value", "Qualifier", "Source"]


def _capitalized(text):
    return text[:1].upper() + text[1:]
