"""Plotly figure specs for project pages, and the marker notation every chart
of the site shares: plain JSON-safe dicts, no database."""

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
    data += [
        qualifier_legend_entry(qualifier) for qualifier in used if qualifier != "exact"
    ]
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


def metric_table(figures):
    """Rows for a chart's data table: as of, period, value, source."""
    return [
        [f.as_of_display, f.period_display, f.display_value, f.source.title]
        for f in sorted(figures, key=lambda f: (f.as_of is None, f.as_of, f.pk))
    ]


METRIC_TABLE_HEADERS = ["As of", "Period", "Value", "Source"]
