"""Plotly specs of the dashboard's charts and cards. Each builder takes plain
rows and returns a JSON-safe dict; none touches the database."""

from explorer.charts import MARKERS, plotly_text, time_chart


def sparkline(points):
    """A tiny trend line for a headline card: ``points`` are ChartPoints,
    oldest first, each marked by its qualifier as on the full charts."""
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [p.end.isoformat() for p in points],
                "y": [p.value for p in points],
                "line": {"width": 2, "color": "#b0202a"},
                "marker": {
                    "size": 6,
                    "symbol": [MARKERS[p.qualifier][0] for p in points],
                },
                "hoverinfo": "x+y",
            }
        ],
        "layout": {
            "height": 60,
            "margin": {"l": 0, "r": 0, "t": 6, "b": 6},
            "xaxis": {"visible": False, "type": "date"},
            "yaxis": {"visible": False, "rangemode": "tozero"},
            "showlegend": False,
        },
        "config": {"staticPlot": True},
    }


def freight_chart(title, yearly, cumulative):
    """Trips per calendar year as bars spanning their years, cumulative
    readings as points at their dates, read on a right axis: one x axis."""
    return time_chart(
        title,
        "Trips in the year",
        {"Trips in the year": yearly},
        right={"Cumulative trips": cumulative},
    )


def series_chart(title, y_title, series, *, events=()):
    """Lines over time, one per series ({name: [ChartPoint]}), and
    ``events`` ([{"x", "label", "kind"}]) along the bottom: agreements signed
    (ticks) and withdrawals (red crosses)."""
    spec = time_chart(title, y_title, series)
    for kind, symbol, colour, name in [
        ("join", "line-ns-open", "#2a7a2a", "Agreement signed"),
        ("withdrawal", "x", "#b0202a", "Withdrawal"),
    ]:
        marked = [event for event in events if event["kind"] == kind]
        if marked:
            spec["data"].append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": name,
                    "x": [event["x"] for event in marked],
                    "y": [0] * len(marked),
                    "text": [plotly_text(event["label"]) for event in marked],
                    "hovertemplate": "%{x|%d %b %Y}: %{text}<extra></extra>",
                    "marker": {"symbol": symbol, "size": 14, "color": colour},
                }
            )
    return spec


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
                "y": [plotly_text(label) for label, _ in rows],
                "hovertemplate": "%{y}: %{x}<extra></extra>",
                "marker": {"color": "#486581"},
            }
        ],
        "layout": {
            "title": {"text": plotly_text(title)},
            "xaxis": xaxis,
            "yaxis": {"autorange": "reversed", "automargin": True},
            "margin": {"t": 50, "r": 20, "l": 10, "b": 40},
            "height": 60 + 34 * max(len(rows), 3),
        },
    }
