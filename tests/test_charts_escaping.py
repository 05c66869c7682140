"""Text from the records is shown literally in Plotly charts: its label
markup (links, bold) and its %{...} templates are escaped in every chart
spec, and no hovertemplate holds user text. Issue 15."""

from datetime import date

import pytest
from django.urls import reverse

from dashboard import charts as dashboard_charts
from dashboard.data import build_dashboard
from explorer import partner_charts
from explorer.charts import plotly_text
from projects.models import Metric
from tests.factories import (
    CountryFactory,
    ObservationFactory,
    PartnerAgreementFactory,
    ProjectFactory,
    SourceFactory,
)

HOSTILE = '<a href="https://evil.example/phish">Official data</a> %{x}'
ESCAPED = '&lt;a href="https://evil.example/phish"&gt;Official data&lt;/a&gt; &#37;{x}'


def _strings(spec, key=""):
    """(key, text) for every string in a spec, at any depth."""
    if isinstance(spec, dict):
        for name, value in spec.items():
            yield from _strings(value, name)
    elif isinstance(spec, list):
        for value in spec:
            yield from _strings(value, key)
    elif isinstance(spec, str):
        yield key, spec


def _assert_escaped(spec):
    """The hostile text appears in the spec, escaped wherever it does; no
    template carries it."""
    found = [(key, text) for key, text in _strings(spec) if "evil.example" in text]
    assert found, "the hostile text is not in the chart"
    for key, text in found:
        assert "hovertemplate" not in key and "texttemplate" not in key, key
        assert "<a" not in text and "%{x}" not in text, (key, text)
        assert ESCAPED in text, (key, text)


def test_plotly_text_escapes_markup_and_templates():
    assert plotly_text(HOSTILE) == ESCAPED
    assert plotly_text("Tom & Jerry <b>50%</b>") == (
        "Tom &amp; Jerry &lt;b&gt;50&#37;&lt;/b&gt;"
    )
    assert plotly_text("Laos railway") == "Laos railway"


@pytest.mark.django_db
def test_project_page_chart_escapes_counted_text_and_source(client):
    project = ProjectFactory(slug="laos")
    source = SourceFactory(publisher=HOSTILE)
    for year in (2023, 2024):
        ObservationFactory(
            project=project,
            as_of=date(year, 1, 1),
            counted=HOSTILE,
            unit="passengers",
            source=source,
        )
    response = client.get(reverse("projects:detail", args=["laos"]))
    (chart,) = response.context["charts"]
    _assert_escaped(chart["spec"])
    names = [trace["name"] for trace in chart["spec"]["data"]]
    assert f"{ESCAPED}, cumulative to date" in names


@pytest.mark.django_db
def test_dashboard_charts_escape_project_country_and_agreement_names():
    railway = ProjectFactory(name=HOSTILE, is_signature=True)
    freight = ProjectFactory(name=HOSTILE + " freight", slug="freight")
    trips = Metric.objects.get(key="freight_trips")
    for year in (2022, 2023):
        ObservationFactory(project=railway, as_of=date(year, 6, 30))
        ObservationFactory(
            project=freight, metric=trips, as_of=date(year, 6, 30), value=year
        )
    PartnerAgreementFactory(country=CountryFactory(name=HOSTILE), title=HOSTILE)

    built = build_dashboard()["charts"]

    for chart_id in ("passengers", "freight", "partner-map", "partners"):
        _assert_escaped(built[chart_id]["spec"])
    # The CSV and the table under the chart keep the text as it is.
    assert built["passengers"]["csv_rows"][0]["series"] == HOSTILE
    assert built["passengers"]["rows"][0][0] == HOSTILE


def test_count_bars_escape_their_labels():
    spec = dashboard_charts.count_bars(HOSTILE, [(HOSTILE, 3), ("Rail", 2)])
    _assert_escaped(spec)
    assert spec["data"][0]["y"] == [ESCAPED, "Rail"]
    assert spec["data"][0]["hovertemplate"] == "%{y}: %{x}<extra></extra>"


def test_partner_charts_escape_partner_and_series_names():
    steps = partner_charts.cumulative_partners(
        [
            {
                "country_id": 1,
                "organization_id": None,
                "partner_name": HOSTILE,
                "signed_on": date(2019, 3, 23),
                "ended_on": None,
                "status": "in_force",
            }
        ]
    )
    reported = [
        {
            "series": HOSTILE,
            "as_of": date(2024, 1, 1),
            "as_of_display": "1 Jan 2024",
            "value": 150,
            "qualifier": "more_than",
            "label": "150+",
            "source": HOSTILE,
        }
    ]
    spec = partner_charts.cumulative_partners_chart(steps, reported)
    _assert_escaped(spec)
    assert spec["data"][-1]["name"] == f"Reported: {ESCAPED}"
    map_spec = partner_charts.partner_status_map(
        [
            {
                "iso3": "ITA",
                "name": HOSTILE,
                "partner_status": "partner",
                "first_signed_on": date(2019, 3, 23),
            }
        ]
    )
    _assert_escaped(map_spec)
