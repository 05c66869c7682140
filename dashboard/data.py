"""The managers' dashboard: headline cards and charts, built from a fixed
number of queries and cached until the data changes."""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, F, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from bri_tracker import data_generation
from countries.models import Country, PartnerAgreement
from dashboard import charts
from explorer.charts import MARKERS, TIDY_COLUMNS, chart_point
from explorer.partner_charts import map_counts, partner_status_map
from projects.formatting import humanize_figure
from projects.models import DashboardCard, Observation, Project
from sources.dates import DatePrecision, format_partial_date

STALE_AFTER = timedelta(days=365)
Period = Observation.Period
Qualifier = Observation.Qualifier
FREIGHT_METRIC = "freight_trips"
PASSENGERS_METRIC = "passengers"
PARTNER_SERIES = ["partner_countries", "partners", "partner_organizations"]
ENGAGEMENT_METRIC = "engagement_usd"
MONEY_SERIES = [ENGAGEMENT_METRIC, "construction_usd", "investment_usd"]


def dashboard_data():
    """The dashboard's cards and charts, built once per data generation."""
    return data_generation.cached("dashboard-data", build_dashboard)


def dashboard_html():
    """The dashboard's cards and charts rendered once per data generation:
    its tables and chart specs cost more to render than the rest of the page."""
    html = data_generation.cached(
        "dashboard-html",
        lambda: render_to_string("dashboard/dashboard_content.html", dashboard_data()),
    )
    return mark_safe(html)  # rendered by our own template, autoescaped


def build_dashboard(today=None):
    today = today or timezone.localdate()
    built = [
        _freight(),
        _partners(),
        _money(),
        _passengers(),
        _map(),
        _projects_by("sector", "Projects by sector", dict(Project.Sector.choices)),
        _projects_by("region", "Projects by region", {"": "Several regions"}),
    ]
    return {
        "cards": _cards(today),
        "charts": {chart["id"]: chart for chart in built},
        "built_at": timezone.now(),
    }


# Headline cards


def _cards(today):
    cards = list(DashboardCard.objects.select_related("metric", "project"))
    wanted = {(c.metric_id, c.project_id, c.period) for c in cards}
    series = defaultdict(list)
    # Only the series the cards follow: a few index range scans, whatever
    # the number of figures of other projects.
    followed = Q(pk__in=[])
    for card in cards:
        followed |= Q(
            metric_id=card.metric_id, project_id=card.project_id, period=card.period
        )
    figures = (
        Observation.objects.published()
        .filter(followed, counted="")
        .exclude(as_of=None)
        .exclude(qualifier=Observation.Qualifier.PROJECTED)
        .with_related()
        .chronological()
    )
    for figure in figures:
        key = (figure.metric_id, figure.project_id, figure.period)
        if key in wanted:
            series[key].append(figure)
    return [
        _card(card, series[(card.metric_id, card.project_id, card.period)], today)
        for card in cards
    ]


def _card(card, figures, today):
    by_date = _one_per(figures, key=lambda f: f.as_of)
    result = {
        "id": f"card-{card.pk}",
        "title": card.display_title,
        "scope": card.project.name if card.project else "Initiative-wide",
        "scope_url": (
            reverse("projects:detail", args=[card.project.slug]) if card.project else ""
        ),
        "empty": not by_date,
    }
    if not by_date:
        return result
    latest = by_date[-1]
    previous = by_date[-2] if len(by_date) > 1 else None
    return {
        **result,
        "value": latest.display_value,
        "qualifier": latest.get_qualifier_display(),
        "as_of": latest.as_of_display,
        "as_of_iso": latest.as_of.isoformat(),
        "stale": latest.as_of < today - STALE_AFTER,
        "change": _change(latest, previous),
        "trend": _trend(by_date),
        "reported_by": len({f.source_id for f in figures if _same(f, latest)}),
        **_provenance(latest),
    }


def _trend(by_date):
    """The card's sparkline, from three dates on. A lower bound under an
    earlier figure adds nothing to a running total and would draw a false
    dip: it is left out of the line (the card still states it)."""
    points, highest = [], None
    for figure in by_date:
        dominated = (
            figure.period == Period.CUMULATIVE
            and figure.qualifier == Qualifier.MORE_THAN
            and highest is not None
            and figure.value <= highest
        )
        if not dominated:
            points.append(chart_point(figure, "trend"))
        highest = max(highest or figure.value, figure.value)
    return charts.sparkline(points) if len(points) >= 3 else None


def _same(figure, other):
    return (figure.as_of, figure.value, figure.qualifier) == (
        other.as_of,
        other.value,
        other.qualifier,
    )


def _change(latest, previous):
    """ "up from 100K in Mar 2024", or None without an earlier figure."""
    if previous is None:
        return None
    before = humanize_figure(
        previous.value, previous.metric, previous.qualifier, unit=False
    )
    # Dated to the month at most: "in Mar 2024".
    precision = (
        DatePrecision.YEAR
        if previous.as_of_precision == DatePrecision.YEAR
        else DatePrecision.MONTH
    )
    when = format_partial_date(previous.as_of, precision)
    rises = latest.value > previous.value
    if (latest.value, latest.qualifier) == (previous.value, previous.qualifier):
        return f"same as in {when}"
    if latest.qualifier == Qualifier.MORE_THAN and not rises:
        # "100K+" after "120K" is no decline: the total is at least 120K.
        return f"a lower bound: {before} was already reported in {when}"
    if latest.qualifier != previous.qualifier and not (
        latest.qualifier == Qualifier.MORE_THAN
        and rises
        and previous.qualifier == Qualifier.EXACT
    ):
        # "200+" after "205" is no decline: bounds compare only one way.
        return f"previously {before} in {when}"
    if latest.value > previous.value:
        return f"up from {before} in {when}"
    if latest.value < previous.value:
        return f"down from {before} in {when}"
    return f"same as in {when}"


def _provenance(figure):
    source = figure.source
    quote_url = reverse("sources:detail", args=[source.pk])
    return {
        "figure_url": reverse("figures:detail", args=[figure.pk]),
        "source_title": source.title,
        "source_publisher": source.publisher,
        "source_date": source.published_display if source.published_on else "",
        "source_url": f"{quote_url}#quote-{figure.pk}" if figure.quote else quote_url,
        "quote": figure.quote,
    }


def _one_per(figures, *, key):
    """One figure per ``key`` value, oldest key first. Where several sources
    give one, a figure quoting a stored release wins (one click to its
    sentence), then the most recently published (revisions), then exact
    values before approximate ones."""
    chosen = {}
    for figure in figures:
        rank = (
            bool(figure.quote),
            figure.source.published_on or date.min,
            figure.qualifier == Observation.Qualifier.EXACT,
            figure.pk,
        )
        current = chosen.get(key(figure))
        if current is None or rank > current[0]:
            chosen[key(figure)] = (rank, figure)
    return [figure for _, (_, figure) in sorted(chosen.items())]


# Charts


def _points(figures, series):
    return [chart_point(f, series) for f in figures]


def _sources(figures):
    seen = {f.source.pk: f.source for f in figures}
    ordered = sorted(
        seen.values(), key=lambda s: (s.published_on or date.min, s.pk), reverse=True
    )
    return [
        {
            "title": s.title,
            "publisher": s.publisher,
            "url": reverse("sources:detail", args=[s.pk]),
        }
        for s in ordered
    ]


def _chart(chart_id, title, description, spec, figures=(), *, points=(), stated=()):
    """A dashboard chart. A time chart passes its ``points``, which make its
    data table and its tidy CSV; ``stated`` figures are shown in words under
    it (a series of one point is no chart)."""
    return {
        "id": chart_id,
        "title": title,
        "description": description,
        "spec": spec,
        "headers": POINT_HEADERS,
        "rows": [_point_row(p) for p in points],
        "csv_columns": TIDY_COLUMNS,
        "csv_rows": [p.tidy() for p in points],
        "stated": [_stated(f) for f in stated],
        "sources": _sources([*figures, *stated]),
    }


def _count_chart(chart_id, title, description, spec, headers, rows):
    """A chart of counts (no dates): its table and CSV are its rows."""
    return {
        "id": chart_id,
        "title": title,
        "description": description,
        "spec": spec,
        "headers": headers,
        "rows": rows,
        "csv_columns": headers,
        "csv_rows": [dict(zip(headers, row, strict=True)) for row in rows],
        "stated": [],
        "sources": [],
    }


POINT_HEADERS = ["Series", "Period", "As of", "Value", "Qualifier", "Source"]


def _point_row(point):
    period = f"{point.start:%-d %b %Y} – {point.end:%-d %b %Y}" if point.start else ""
    return [
        point.series,
        period,
        f"{point.end:%-d %b %Y}",
        point.label,
        MARKERS[point.qualifier][1],
        point.source,
    ]


def _stated(figure):
    return {
        "value": figure.display_value,
        "what": figure.metric.name,
        "period": figure.period_display,
        "as_of": figure.as_of_display,
        "url": reverse("figures:detail", args=[figure.pk]),
        "source": figure.source.publisher or figure.source.title,
    }


def _calendar(figure, months):
    start, end = figure.period_start, figure.as_of
    return (
        start is not None
        and start.day == 1
        and (end.year - start.year) * 12 + end.month - start.month + 1 == months
        and (end + timedelta(days=1)).day == 1
    )


def _busiest_freight_service():
    """A subquery: the service the freight chart follows, the one with the
    most published freight-trip figures (the China-Europe Railway Express in
    the seed)."""
    return Subquery(
        Observation.objects.published()
        .of_metric(FREIGHT_METRIC)
        .exclude(project=None)
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .order_by("-n", "project")
        .values("project")[:1]
    )


def _freight():
    figures = list(
        Observation.objects.published()
        .of_metric(FREIGHT_METRIC)
        .filter(
            project=_busiest_freight_service(),
            period__in=[Period.YEAR, Period.CUMULATIVE],
            counted="",
        )
        .exclude(as_of=None)
        .with_related()
        .chronological()
    )
    project = figures[0].project if figures else None
    yearly = _one_per(
        [f for f in figures if f.period == Period.YEAR and _calendar(f, 12)],
        key=lambda f: f.as_of,
    )
    cumulative = _one_per(
        [f for f in figures if f.period == Period.CUMULATIVE], key=lambda f: f.as_of
    )
    name = project.name if project else "Freight services"
    since = (
        f"since the service opened in {project.opened_on.year}"
        if project and project.opened_on
        else "since the first recorded run"
    )
    bars = _points(yearly, "Trips in the year")
    line = _points(cumulative, "Cumulative trips")
    return _chart(
        "freight",
        f"{name} trips",
        f"Bars: trips run in each calendar year, each bar spanning its year; "
        f"years without a bar have no recorded total. Points: cumulative trips "
        f"{since}, at the date each was reported (right axis). A triangle marks "
        "a lower bound (“more than”), a hollow marker an approximate figure.",
        charts.freight_chart(f"{name}: trips per year and cumulative", bars, line),
        [*yearly, *cumulative],
        points=[*bars, *line],
    )


def _partners():
    figures = list(
        Observation.objects.published()
        .initiative_wide()
        .of_metric(*PARTNER_SERIES)
        .filter(period=Observation.Period.CUMULATIVE, counted="")
        .exclude(as_of=None)
        .with_related()
        .chronological()
    )
    series = {}
    for key in PARTNER_SERIES:
        chosen = _one_per(
            [f for f in figures if f.metric.key == key], key=lambda f: f.as_of
        )
        if chosen:
            series[chosen[0].metric.name] = _points(chosen, chosen[0].metric.name)
    events = _membership_events()
    withdrawals = [
        f"{event['partner']} {event['x'][:4]}"
        for event in events
        if event["kind"] == "withdrawal"
    ]
    crosses = (
        f"; red crosses: withdrawals ({', '.join(withdrawals)})" if withdrawals else ""
    )
    return _chart(
        "partners",
        "Partner countries and organisations, as reported",
        "Officially reported counts, each at the date it was reported. Green "
        f"ticks along the bottom: agreements signed in this record{crosses}. A "
        "triangle marks a lower bound (“150+”).",
        charts.series_chart(
            "Partners over time (reported counts)", "Partners", series, events=events
        ),
        figures,
        points=[p for points in series.values() for p in points],
    )


def _membership_events():
    """Each country's first agreement (it joined) and its withdrawals."""
    rows = (
        PartnerAgreement.objects.filter(country__isnull=False)
        .order_by("country_id", F("signed_on").asc(nulls_last=True), "pk")
        .values(
            "signed_on", "ended_on", "status", "country_id", "country__name", "title"
        )
    )
    events = []
    joined = set()
    for row in rows:
        if row["signed_on"] and row["country_id"] not in joined:
            joined.add(row["country_id"])
            events.append(
                {
                    "x": row["signed_on"].isoformat(),
                    "label": f"{row['country__name']}: {row['title']}",
                    "kind": "join",
                }
            )
        if row["status"] == PartnerAgreement.Status.WITHDRAWN and row["ended_on"]:
            events.append(
                {
                    "x": row["ended_on"].isoformat(),
                    "label": f"{row['country__name']} withdraws",
                    "kind": "withdrawal",
                    "partner": row["country__name"],
                }
            )
    return sorted(events, key=lambda event: event["x"])


def _money():
    figures = [
        f
        for f in Observation.objects.published()
        .initiative_wide()
        .of_metric(*MONEY_SERIES)
        .filter(period__in=[Observation.Period.YEAR, Observation.Period.HALF_YEAR])
        .exclude(as_of=None)
        .with_related()
        .chronological()
        if _calendar(f, 12 if f.period == Period.YEAR else 6)
    ]
    chosen = _one_per(figures, key=lambda f: (f.as_of, f.period, f.metric.sort_order))
    # Years and half-years are not comparable bars: the years are charted
    # per metric; half-years are charted only where a metric has several.
    series, stated = {}, []
    for key in MONEY_SERIES:
        for period in (Period.YEAR, Period.HALF_YEAR):
            mine = [f for f in chosen if f.metric.key == key and f.period == period]
            if len(mine) >= 2 or (mine and period == Period.YEAR):
                name = f"{mine[0].metric.name}, {mine[0].get_period_display().lower()}"
                series[name] = _points(mine, name)
            else:
                stated += mine
    engagement_by = sorted(
        {
            f.source.publisher
            for f in chosen
            if f.metric.key == ENGAGEMENT_METRIC and f.source.publisher
        }
    )
    reported_by = (
        f" (as reported by {' / '.join(engagement_by)})" if engagement_by else ""
    )
    return _chart(
        "investment",
        "BRI engagement and investment per year",
        "US dollars per calendar year, each bar spanning its year; years without "
        "bars have no recorded total. Engagement is investment plus "
        f"construction contracts{reported_by}; investment figures follow each "
        "source's own definition (see the table). Where sources revise a "
        "figure, the latest is shown. Half-year totals are listed under the "
        "chart, not drawn beside whole years.",
        charts.series_chart("BRI engagement and investment", "US$", series),
        chosen,
        points=[p for points in series.values() for p in points],
        stated=stated,
    )


def _passengers():
    figures = list(
        Observation.objects.published()
        .filter(
            project__is_signature=True,
            project__sector=Project.Sector.RAILWAY,
            metric__key=PASSENGERS_METRIC,
            period=Observation.Period.CUMULATIVE,
            counted="",
        )
        .exclude(as_of=None)
        .with_related()
        .chronological()
    )
    by_project = defaultdict(list)
    for figure in figures:
        by_project[figure.project.name].append(figure)
    series = {
        name: _points(_one_per(group, key=lambda f: f.as_of), name)
        for name, group in sorted(by_project.items())
    }
    charted = {name: points for name, points in series.items() if len(points) > 1}
    stated = [
        figure
        for name, group in by_project.items()
        if name not in charted
        for figure in _one_per(group, key=lambda f: f.as_of)
    ]
    return _chart(
        "passengers",
        "Passengers carried by the signature railways",
        "Cumulative passengers since each line opened, one line per railway, "
        "each point at the date it was reported. A triangle marks a lower bound "
        "(“more than 10 million”), a hollow marker an approximate figure.",
        charts.series_chart("Passengers carried (cumulative)", "Passengers", charted),
        figures,
        points=[p for points in charted.values() for p in points],
        stated=stated,
    )


def _map():
    rows = list(Country.objects.map_rows())
    return _count_chart(
        "partner-map",
        "Partner status by country",
        map_counts(rows).caption()
        + " From the partner register: every country's cooperation documents "
        "with their sources (see a country's page).",
        partner_status_map(rows),
        ["Country", "ISO3", "Status"],
        [[r["name"], r["iso3"], r["partner_status"]] for r in rows],
    )


def _projects_by(field, title, labels):
    rows = [
        (labels.get(row[field], row[field]), row["count"])
        for row in Project.objects.values(field).annotate(count=Count("pk"))
    ]
    return _count_chart(
        f"projects-by-{field}",
        title,
        f"Projects and programmes tracked here, by {field}.",
        charts.count_bars(title, rows),
        [field.capitalize(), "Projects"],
        sorted(rows, key=lambda row: (-row[1], row[0])),
    )
