"""Plotly specs for the country and agreement pages.

Pure functions of plain rows: they never touch the database and return
JSON-safe dicts (dates as ISO strings, numbers as int or float).
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from countries.models import PartnerStatus
from explorer.charts import plotly_text
from sources.dates import DatePrecision, format_partial_date

# Flat colours of the statuses the map does not shade by year.
STATUS_COLOURS = {
    PartnerStatus.WITHDRAWN: "#b0202a",
    PartnerStatus.UNCLEAR: "#e69f00",
    PartnerStatus.NONE: "#dfe3e8",
}
UNDATED_COLOUR = "#5b7083"
# Partners shade from light (early) to dark (recent) blue by first document.
YEAR_SCALE = [[0, "#9ecae1"], [0.5, "#3182bd"], [1, "#08306b"]]
# Same notation as the project charts: ▲ a lower bound, hollow approximate.
QUALIFIER_SYMBOLS = {
    "exact": "circle",
    "more_than": "triangle-up",
    "up_to": "triangle-down",
    "about": "circle-open",
    "nearly": "circle-open",
    "projected": "diamond-open",
}
REPORTED_COLOURS = ("#cc3311", "#009988", "#ee7733", "#33bbee")
PARTNERS_TABLE_HEADERS = ("Date", "Series", "Count", "Change or source")
_PRECISION_RANK = {DatePrecision.DAY: 0, DatePrecision.MONTH: 1, DatePrecision.YEAR: 2}


class MapCounts(NamedTuple):
    """How many countries the map draws in each colour."""

    dated_partners: int
    undated_partners: int
    withdrawn: int
    unclear: int
    none: int

    @property
    def partners(self):
        return self.dated_partners + self.undated_partners

    def caption(self):
        undated = (
            f", {self.undated_partners} of them without a known date (grey-blue)"
            if self.undated_partners
            else ""
        )
        return (
            f"The map draws {_countries(self.partners, 'partner ')}, shaded by "
            f"the year of the first Belt and Road document{undated}; "
            f"{self.withdrawn} withdrawn (red); {self.unclear} unclear, where "
            "sources disagree on whether the country signed (amber); and "
            f"{_countries(self.none)} with no agreement recorded (light grey)."
        )


def _countries(count, kind=""):
    return f"{count} {kind}{'country' if count == 1 else 'countries'}"


def map_counts(rows: Iterable[dict]) -> MapCounts:
    rows = list(rows)
    status = Counter(row["partner_status"] for row in rows)
    undated = sum(
        1
        for row in rows
        if row["partner_status"] == PartnerStatus.PARTNER
        and row["first_signed_on"] is None
    )
    return MapCounts(
        dated_partners=status[PartnerStatus.PARTNER] - undated,
        undated_partners=undated,
        withdrawn=status[PartnerStatus.WITHDRAWN],
        unclear=status[PartnerStatus.UNCLEAR],
        none=status[PartnerStatus.NONE],
    )


def partner_status_map(rows: Iterable[dict]) -> dict:
    """World choropleth of the partner register.

    ``rows``: {"iso3", "name", "partner_status", "first_signed_on"} for every
    country (CountryQuerySet.map_rows()). Partners are shaded by the year of
    their first document (a colour bar); withdrawn, unclear, undated partners
    and countries with no agreement each get one flat colour and a legend
    entry.
    """
    rows = list(rows)
    dated = [
        r
        for r in rows
        if r["partner_status"] == PartnerStatus.PARTNER and r["first_signed_on"]
    ]
    years = [r["first_signed_on"].year for r in dated]
    data = [
        {
            "type": "choropleth",
            "name": "Partner, by year of first document",
            "locationmode": "ISO-3",
            "locations": [r["iso3"] for r in dated],
            "z": years,
            "text": [
                f"{plotly_text(r['name'])}: partner since {r['first_signed_on'].year}"
                for r in dated
            ],
            "hovertemplate": "%{text}<extra></extra>",
            "zmin": min(years, default=0),
            "zmax": max(years, default=1),
            "colorscale": YEAR_SCALE,
            "marker": {"line": {"color": "#ffffff", "width": 0.5}},
            "colorbar": {
                "title": {"text": "First document"},
                "tickformat": "d",
                "thickness": 12,
                "len": 0.55,
                "orientation": "h",
                "y": -0.02,
                "yanchor": "top",
            },
        }
    ]
    flat = [
        ("Partner, date unknown", UNDATED_COLOUR, _undated),
        (
            PartnerStatus.WITHDRAWN.label,
            STATUS_COLOURS[PartnerStatus.WITHDRAWN],
            _is(PartnerStatus.WITHDRAWN),
        ),
        (
            PartnerStatus.UNCLEAR.label,
            STATUS_COLOURS[PartnerStatus.UNCLEAR],
            _is(PartnerStatus.UNCLEAR),
        ),
        (
            PartnerStatus.NONE.label,
            STATUS_COLOURS[PartnerStatus.NONE],
            _is(PartnerStatus.NONE),
        ),
    ]
    for name, colour, keep in flat:
        chosen = [r for r in rows if keep(r)]
        if chosen:
            data.append(_flat_trace(name, colour, chosen))
    return {
        "data": data,
        "layout": {
            "title": {"text": "Belt and Road partners, from the register"},
            "geo": {
                "fitbounds": False,
                # The 1:50m map: 1:110m has no Maldives, Singapore or Malta.
                "resolution": 50,
                "projection": {"type": "natural earth"},
                "showframe": False,
                "showcoastlines": False,
                "showland": True,
                "landcolor": "#f4f5f7",
                "showcountries": True,
                "countrycolor": "#ffffff",
            },
            "legend": {"orientation": "h", "y": -0.18},
            "margin": {"l": 0, "r": 0, "t": 40, "b": 0},
            "height": 520,
        },
    }


def _undated(row):
    return row["partner_status"] == PartnerStatus.PARTNER and not row["first_signed_on"]


def _is(status):
    return lambda row: row["partner_status"] == status


def _flat_trace(name, colour, rows):
    return {
        "type": "choropleth",
        "name": name,
        "showlegend": True,
        "showscale": False,
        "locationmode": "ISO-3",
        "locations": [r["iso3"] for r in rows],
        "z": [0] * len(rows),
        "text": [f"{plotly_text(r['name'])}: {name}" for r in rows],
        "hovertemplate": "%{text}<extra></extra>",
        "colorscale": [[0, colour], [1, colour]],
        "marker": {"line": {"color": "#ffffff", "width": 0.5}},
    }


def cumulative_partners(rows: Iterable[dict]) -> list[dict]:
    """The number of partners over time, from the recorded agreements.

    ``rows``: {"country_id", "organization_id", "partner_name", "signed_on",
    "signed_on_precision" (optional), "ended_on", "status"} of dated
    agreements (PartnerAgreementQuerySet.timeline_rows()).

    A partner counts from its first signed_on for as long as one of its
    agreements is in effect; an agreement stops at its ended_on (a withdrawal
    such as Italy's, or an expiry), so a withdrawn partner drops out then. An
    ended agreement with no end date keeps counting: when it ended is unknown.

    Returns steps {"date", "precision", "countries", "partners", "joined",
    "left"}, oldest first, one per date on which someone joined or left;
    ``partners`` counts countries and organisations, ``joined`` and ``left``
    are sorted partner names.
    """
    spans = defaultdict(list)
    names = {}
    precisions = defaultdict(lambda: DatePrecision.DAY)
    for row in rows:
        # An undated document cannot be placed; an unclear one is not counted.
        if row["signed_on"] is None or row.get("status") == "unclear":
            continue
        if row["country_id"] is not None:
            key = ("country", row["country_id"])
        else:
            key = ("organization", row["organization_id"])
        spans[key].append((row["signed_on"], row["ended_on"]))
        names[key] = row["partner_name"]
        precision = row.get("signed_on_precision") or DatePrecision.DAY
        if _PRECISION_RANK[precision] > _PRECISION_RANK[precisions[row["signed_on"]]]:
            precisions[row["signed_on"]] = precision
    # Each partner's agreements merged into the periods it was a partner;
    # a sweep over their starts and ends, in date order.
    changes = defaultdict(lambda: ([], []))  # day -> (joined keys, left keys)
    for key, group in spans.items():
        for start, end in _merged(group):
            changes[start][0].append(key)
            if end is not None:
                changes[end][1].append(key)
    steps, now = [], set()
    for day in sorted(changes):
        joined, left = changes[day]
        now.difference_update(left)
        now.update(joined)
        steps.append(
            {
                "date": day,
                "precision": precisions[day],
                "countries": sum(1 for kind, _ in now if kind == "country"),
                "partners": len(now),
                "joined": sorted(names[key] for key in joined),
                "left": sorted(names[key] for key in left),
            }
        )
    return steps


def _merged(spans):
    """(start, end) spans, end None for open, as disjoint periods in order;
    an empty span (ending the day it starts) counts for nothing."""
    merged = []
    for start, end in sorted(spans, key=lambda span: span[0]):
        if end is not None and end <= start:
            continue
        if merged and (merged[-1][1] is None or start <= merged[-1][1]):
            last_start, last_end = merged[-1]
            if last_end is not None and (end is None or end > last_end):
                merged[-1] = (last_start, end)
            continue
        merged.append((start, end))
    return merged


def recorded_on(steps: list[dict], day: date) -> int:
    """Partner countries the register counts on ``day``."""
    count = 0
    for step in steps:
        if step["date"] > day:
            break
        count = step["countries"]
    return count


def comparison_note(steps: list[dict], reported: Iterable[dict], counts) -> str:
    """What separates the register's line from the latest reported count of
    partner countries: by how much, and the partners the line cannot draw.
    ``counts``: MapCounts of every country."""
    latest = [
        row
        for row in reported
        if row["as_of"] is not None and row["metric_key"] == "partner_countries"
    ]
    if not latest:
        return ""
    row = max(latest, key=lambda r: r["as_of"])
    recorded = recorded_on(steps, row["as_of"])
    reported_value = int(row["value"])
    gap = reported_value - recorded
    at_least = "at least " if row["qualifier"] == "more_than" else ""
    if gap > 0:
        comparison = f"{at_least}{gap} fewer than reported"
    elif gap < 0:
        comparison = f"{-gap} more than reported"
    else:
        comparison = "the same number"
    bound = " (a lower bound)" if row["qualifier"] == "more_than" else ""
    reasons = []
    if counts.undated_partners:
        reasons.append(
            f"{_countries(counts.undated_partners, 'partner ')} with no known "
            "signing date, which the line cannot place"
        )
    if counts.unclear:
        reasons.append(
            f"{_countries(counts.unclear)} whose signing sources dispute, "
            "which the line leaves out"
        )
    why = f" The register also holds {' and '.join(reasons)}." if reasons else ""
    return (
        f"On {row['as_of_display']} China reported {row['label']}{bound}; on "
        f"that date the register's line counts {recorded} partner countries, "
        f"{comparison}.{why} Official counts may also include countries whose "
        "documents were never published."
    )


def cumulative_partners_chart(
    steps: list[dict], reported: Iterable[dict], *, today: date | None = None
) -> dict:
    """Recorded partners (a step line) beside the officially reported counts.

    ``steps``: cumulative_partners() output. ``reported``: rows {"series",
    "as_of", "as_of_display", "value", "qualifier", "label", "source"} of
    initiative-wide cumulative partner counts, oldest first; undated ones
    are left out. Each reported series is drawn as markers whose symbol
    shows the qualifier (▲ a lower bound such as "150+"). The step line runs
    on to ``today`` so that it meets the latest reported figure.
    """
    data = []
    has_organisations = any(step["partners"] != step["countries"] for step in steps)
    lines = [("countries", "Recorded partner countries", "#0072b2")]
    if has_organisations:
        lines.append(("partners", "Recorded partners incl. organisations", "#6a3d9a"))
    for key, name, colour in lines:
        x = [step["date"].isoformat() for step in steps]
        y = [step[key] for step in steps]
        text = [plotly_text(_step_text(step)) for step in steps]
        if steps and today is not None and today > steps[-1]["date"]:
            x.append(today.isoformat())
            y.append(y[-1])
            text.append("today")
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "x": x,
                "y": y,
                "text": text,
                "hovertemplate": "%{y} · %{text}<extra>" + name + "</extra>",
                "line": {"shape": "hv", "color": colour, "width": 2},
            }
        )
    series = defaultdict(list)
    for row in reported:
        if row["as_of"] is not None:
            series[row["series"]].append(row)
    for index, (name, rows) in enumerate(series.items()):
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": f"Reported: {plotly_text(name)}",
                "x": [row["as_of"].isoformat() for row in rows],
                "y": [float(row["value"]) for row in rows],
                "text": [
                    plotly_text(
                        f"{row['label']} as of {row['as_of_display']} · {row['source']}"
                    )
                    for row in rows
                ],
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {
                    "size": 10,
                    "color": REPORTED_COLOURS[index % len(REPORTED_COLOURS)],
                    "symbol": [
                        QUALIFIER_SYMBOLS.get(row["qualifier"], "circle")
                        for row in rows
                    ],
                },
            }
        )
    return {
        "data": data,
        "layout": {
            "title": {
                "text": "Partners over time: recorded agreements "
                "(withdrawals drop out) vs officially reported counts"
            },
            "xaxis": {"type": "date", "title": {"text": "Date"}},
            "yaxis": {"title": {"text": "Partners"}, "rangemode": "tozero"},
            "legend": {"orientation": "h", "y": -0.2},
            "hovermode": "closest",
            "margin": {"t": 60},
        },
    }


def cumulative_partners_table(
    steps: list[dict], reported: Iterable[dict]
) -> list[tuple]:
    """Rows of PARTNERS_TABLE_HEADERS for the chart's data table, by date."""
    rows = []
    for step in steps:
        count = str(step["countries"])
        if step["partners"] != step["countries"]:
            count += f" (+{step['partners'] - step['countries']} organisations)"
        rows.append(
            (
                step["date"],
                format_partial_date(step["date"], step["precision"]),
                "Recorded partners",
                count,
                _change_text(step),
            )
        )
    for row in reported:
        rows.append(
            (
                row["as_of"] or date.max,
                row["as_of_display"],
                f"Reported: {row['series']}",
                row["label"],
                row["source"],
            )
        )
    rows.sort(key=lambda row: row[0])
    return [row[1:] for row in rows]


def _change_text(step):
    parts = []
    if step["joined"]:
        parts.append("joined: " + ", ".join(step["joined"]))
    if step["left"]:
        parts.append("left: " + ", ".join(step["left"]))
    return "; ".join(parts)


def _step_text(step):
    when = format_partial_date(step["date"], step["precision"])
    return f"{when}, {_change_text(step)}"
