"""Plotly figure specs for project pages: plain JSON-safe dicts, no database."""

from datetime import timedelta
from itertools import groupby

CUMULATIVE = "cumulative"
ONE_YEAR = timedelta(days=365)
# How each qualifier is drawn: a lower bound points up, an approximate value is
# hollow, a projection is a hollow diamond.
MARKERS = {
    "exact": ("circle", "exact"),
    "more_than": ("triangle-up", "lower bound (more than)"),
    "up_to": ("triangle-down", "upper bound (up to)"),
    "nearly": ("circle-open", "approximate (nearly)"),
    "about": ("circle-open", "approximate (about)"),
    "projected": ("diamond-open", "projected"),
}
SERIES_LABELS = {
    "cumulative": "Cumulative to date",
    "year": "Per year",
    "half_year": "Per half-year",
    "quarter": "Per quarter",
    "month": "Per month",
    "year_to_date": "Year to date",
    "day": "Single day",
    "span": "Stated span",
    "point": "At a date",
}


def _series_order(period):
    return list(SERIES_LABELS).index(period)


def metric_chart(metric, figures):
    """One chart for one metric of a project: as-of dates on x, a line per
    period kind (cumulative figures apart from per-period ones), each point's
    marker showing its qualifier. ``figures`` are Observations of ``metric``;
    undated ones cannot be placed and are left to the table."""
    dated = sorted(
        (f for f in figures if f.as_of is not None),
        key=lambda f: (_series_order(f.period), f.as_of, f.pk),
    )
    data = []
    for period, points in groupby(dated, key=lambda f: f.period):
        points = list(points)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": SERIES_LABELS[period],
                "x": [f.as_of.isoformat() for f in points],
                "y": [float(f.value) for f in points],
                "text": [_hover(f) for f in points],
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {
                    "size": 10,
                    "symbol": [MARKERS[f.qualifier][0] for f in points],
                },
                "line": {"dash": "solid" if period == CUMULATIVE else "dot"},
            }
        )
    used = sorted({f.qualifier for f in dated}, key=list(MARKERS).index)
    data += [_legend_entry(qualifier) for qualifier in used if qualifier != "exact"]
    xaxis = {"type": "date", "title": {"text": "As of"}}
    if len({f.as_of for f in dated}) == 1:
        # A lone date would stretch to a millisecond-wide axis.
        only = dated[0].as_of
        xaxis["range"] = [(only - ONE_YEAR).isoformat(), (only + ONE_YEAR).isoformat()]
    return {
        "data": data,
        "layout": {
            "title": {"text": f"{metric.name} ({_unit(metric)})"},
            "xaxis": xaxis,
            "yaxis": {"title": {"text": _unit(metric)}, "rangemode": "tozero"},
            "legend": {"orientation": "h", "y": -0.2},
            "margin": {"t": 50, "r": 20, "l": 70, "b": 40},
            "height": 380,
        },
    }


def _unit(metric):
    return "US$" if metric.is_currency else (metric.unit or "value")


def _hover(figure):
    return (
        f"{figure.display_value}<br>{figure.as_of_display} · "
        f"{MARKERS[figure.qualifier][1]}<br>{figure.source.publisher or 'source'}"
    )


def _legend_entry(qualifier):
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


def metric_table(figures):
    """Rows for a chart's data table: as of, period, value, source."""
    return [
        [f.as_of_display, f.period_display, f.display_value, f.source.title]
        for f in sorted(figures, key=lambda f: (f.as_of is None, f.as_of, f.pk))
    ]


METRIC_TABLE_HEADERS = ["As of", "Period", "Value", "Source"]


# Dashboard charts. Each builder takes plain rows, returns a Plotly spec.

_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"]


def _base_layout(title, y_title, **extra):
    return {
        "title": {"text": title},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.2},
        "margin": {"t": 50, "r": 60, "l": 70, "b": 40},
        "height": 400,
        **extra,
    }


def sparkline(points):
    """A tiny trend line for a headline card: ``points`` are (iso date,
    value) pairs, oldest first."""
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [x for x, _ in points],
                "y": [y for _, y in points],
                "line": {"width": 2, "color": "#b0202a"},
                "marker": {"size": 4},
                "hoverinfo": "x+y",
            }
        ],
        "layout": {
            "height": 60,
            "margin": {"l": 0, "r": 0, "t": 4, "b": 4},
            "xaxis": {"visible": False},
            "yaxis": {"visible": False, "rangemode": "tozero"},
            "showlegend": False,
        },
        "config": {"staticPlot": True},
    }


def freight_chart(yearly, cumulative):
    """Trips per calendar year as bars, cumulative milestones as a line on a
    second axis. Rows: {"x" (ISO date), "label", "value", "qualifier"}."""
    return {
        "data": [
            {
                "type": "bar",
                "name": "Trips in the year",
                "x": [row["x"][:4] for row in yearly],
                "y": [row["value"] for row in yearly],
                "text": [row["label"] for row in yearly],
                "textposition": "none",
                "hovertemplate": "%{x}: %{text}<extra></extra>",
                "marker": {"color": "#9fb3c8"},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Cumulative trips (right axis)",
                "x": [row["x"][:10] for row in cumulative],
                "y": [row["value"] for row in cumulative],
                "text": [row["label"] for row in cumulative],
                "hovertemplate": "%{x}: %{text}<extra></extra>",
                "marker": {
                    "size": 9,
                    "symbol": [MARKERS[row["qualifier"]][0] for row in cumulative],
                },
                "yaxis": "y2",
                "xaxis": "x2",
                "line": {"color": "#b0202a"},
            },
        ],
        "layout": _base_layout(
            "China-Europe Railway Express: trips per year and cumulative",
            "Trips per year",
            xaxis={"type": "category", "title": {"text": "Year"}},
            xaxis2={"type": "date", "overlaying": "x", "visible": False},
            yaxis2={
                "title": {"text": "Cumulative trips"},
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
            },
        ),
    }


def series_chart(title, y_title, series, *, events=()):
    """Lines over time, one per series, markers showing qualifiers.

    ``series``: [{"name", "points": [{"x", "value", "label", "qualifier"}]}].
    ``events``: [{"x", "label", "kind"}] drawn as markers along the bottom
    (joins) or red crosses (withdrawals)."""
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": item["name"],
            "x": [p["x"] for p in item["points"]],
            "y": [p["value"] for p in item["points"]],
            "text": [p["label"] for p in item["points"]],
            "hovertemplate": "%{x|%b %Y}: %{text}<extra>" + item["name"] + "</extra>",
            "marker": {
                "size": 9,
                "symbol": [MARKERS[p["qualifier"]][0] for p in item["points"]],
                "color": _COLOURS[index % len(_COLOURS)],
            },
            "line": {"color": _COLOURS[index % len(_COLOURS)]},
        }
        for index, item in enumerate(series)
    ]
    for kind, symbol, colour, name in [
        ("join", "line-ns-open", "#2ca02c", "Agreement signed"),
        ("withdrawal", "x", "#d62728", "Withdrawal"),
    ]:
        marked = [event for event in events if event["kind"] == kind]
        if marked:
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": name,
                    "x": [event["x"] for event in marked],
                    "y": [0] * len(marked),
                    "text": [event["label"] for event in marked],
                    "hovertemplate": "%{x|%d %b %Y}: %{text}<extra></extra>",
                    "marker": {"symbol": symbol, "size": 14, "color": colour},
                }
            )
    used = {p["qualifier"] for item in series for p in item["points"]}
    data += [
        _legend_entry(qualifier)
        for qualifier in MARKERS
        if qualifier in used and qualifier != "exact"
    ]
    return {
        "data": data,
        "layout": _base_layout(title, y_title, xaxis={"type": "date"}),
    }


def grouped_bars(title, y_title, categories, series):
    """Bars per category, one colour per series: ``series`` is
    [{"name", "values": {category: (value, label)}}]."""
    return {
        "data": [
            {
                "type": "bar",
                "name": item["name"],
                "x": categories,
                "y": [item["values"].get(c, (None, ""))[0] for c in categories],
                "text": [item["values"].get(c, (None, ""))[1] for c in categories],
                "hovertemplate": "%{x}: %{text}<extra>" + item["name"] + "</extra>",
                "marker": {"color": _COLOURS[index % len(_COLOURS)]},
            }
            for index, item in enumerate(series)
        ],
        "layout": _base_layout(
            title, y_title, barmode="group", xaxis={"type": "category"}
        ),
    }


SMALL_COUNT = 10


def count_bars(title, rows):
    """Horizontal bars of counts: ``rows`` are (label, count), largest first."""
    rows = sorted(rows, key=lambda row: (-row[1], row[0]))
    largest = max((count for _, count in rows), default=0)
    # Whole numbers only: a tick per unit for small counts, otherwise
    # plotly's own spacing (a tick per unit up to 22,000 freezes the page).
    xaxis = {"title": {"text": "Projects"}, "tickformat": ",d", "rangemode": "tozero"}
    if largest <= SMALL_COUNT:
        xaxis["dtick"] = 1
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [count for _, count in rows],
                "y": [label for label, _ in rows],
                "hovertemplate": "%{y}: %{x}<extra></extra>",
                "marker": {"color": "#486581"},
            }
        ],
        "layout": {
            "title": {"text": title},
            "xaxis": xaxis,
            "yaxis": {"autorange": "reversed", "automargin": True},
            "margin": {"t": 50, "r": 20, "l": 10, "b": 40},
            "height": 60 + 34 * max(len(rows), 3),
        },
    }
