"""Plotly specs of the dashboard's charts and cards. Each builder takes plain
rows and returns a JSON-safe dict; none touches the database."""

from explorer.charts import MARKERS, qualifier_legend_entry

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


def freight_chart(title, yearly, cumulative):
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
            title,
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
        qualifier_legend_entry(qualifier)
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
