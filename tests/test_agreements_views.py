"""The agreements list: rows, filters, exports, bounded queries, and the
cumulative-partners chart (recorded agreements beside reported counts)."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from countries.models import PartnerAgreement
from explorer import partner_charts as charts
from explorer.exports import AGREEMENT_EXPORT, columns_of
from projects.models import Metric
from tests.factories import (
    CountryFactory,
    ObservationFactory,
    OrganizationFactory,
    PartnerAgreementFactory,
    SourceFactory,
)
from tests.helpers import query_count

pytestmark = pytest.mark.django_db
LIST = reverse("agreements:list")
WITHDRAWN = PartnerAgreement.Status.WITHDRAWN


def _streamed(response):
    return b"".join(response.streaming_content).decode()


def _titles(response):
    return [agreement.title for agreement in response.context["agreements"]]


def _reported(key, value, as_of, qualifier="exact", period="cumulative"):
    return ObservationFactory(
        metric=Metric.objects.get(key=key),
        project=None,
        value=value,
        qualifier=qualifier,
        period=period,
        as_of=as_of,
    )


@pytest.fixture
def agreements():
    kenya = CountryFactory(iso3="KEN", iso2="KE", name="Kenya", region="Africa")
    italy = CountryFactory(iso3="ITA", iso2="IT", name="Italy", region="Europe")
    source = SourceFactory(title="Italy pulls out")
    return {
        "kenya": PartnerAgreementFactory(
            country=kenya,
            title="Kenya MoU",
            signed_on=date(2017, 1, 1),
            signed_on_precision="year",
        ),
        "italy": PartnerAgreementFactory(
            country=italy,
            title="Italy MoU",
            signed_on=date(2019, 3, 23),
            status=WITHDRAWN,
            ended_on=date(2023, 12, 3),
            source=source,
        ),
        "plan": PartnerAgreementFactory(
            country=kenya,
            title="Kenya cooperation plan",
            kind="cooperation_plan",
            signed_on=date(2019, 4, 25),
            signed_on_precision="month",
        ),
        "asean": PartnerAgreementFactory(
            country=None,
            organization=OrganizationFactory(name="Example Union", acronym="EU1"),
            title="Union cooperation document",
            kind="cooperation_document",
            signed_on=date(2020, 6, 1),
        ),
    }


def _populate(n):
    for index in range(n):
        country = CountryFactory(region=["Africa", "Asia"][index % 2])
        PartnerAgreementFactory(
            country=country,
            source=SourceFactory(),
            status=WITHDRAWN if index % 5 == 0 else "in_force",
            ended_on=date(2023, 1, 1) if index % 5 == 0 else None,
        )
        _reported("partner_countries", 100 + index, date(2020, 1, 1))
    PartnerAgreementFactory(country=None, organization=OrganizationFactory())


# The list -------------------------------------------------------------------


def test_agreement_list_shows_who_signed_what_and_when(client, agreements):
    response = client.get(LIST)

    assert response.status_code == 200
    assert _titles(response) == [
        "Kenya MoU",
        "Italy MoU",
        "Kenya cooperation plan",
        "Union cooperation document",
    ]
    text = response.text
    assert "4 agreements" in text
    assert reverse("countries:detail", args=["KEN"]) in text
    assert "Example Union (EU1)" in text
    # Signed dates at their precision.
    assert ">2017</time>" in text and ">Apr 2019</time>" in text
    assert ">23 Mar 2019</time>" in text
    assert "Withdrawn" in text and "3 Dec 2023" in text
    source = agreements["italy"].source
    assert reverse("sources:detail", args=[source.pk]) in text
    assert reverse("agreements:export", args=["csv"]) in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2019", ["Italy MoU", "Kenya cooperation plan"]),
        ("year=2017", ["Kenya MoU"]),
        ("region=Africa", ["Kenya MoU", "Kenya cooperation plan"]),
        ("kind=cooperation_plan", ["Kenya cooperation plan"]),
        ("status=withdrawn", ["Italy MoU"]),
        ("year=2019&region=Africa", ["Kenya cooperation plan"]),
        ("year=1999", []),
        (
            "sort=-signed",
            [
                "Union cooperation document",
                "Kenya cooperation plan",
                "Italy MoU",
                "Kenya MoU",
            ],
        ),
        (
            "sort=partner",
            [
                "Union cooperation document",
                "Italy MoU",
                "Kenya MoU",
                "Kenya cooperation plan",
            ],
        ),
    ],
)
def test_agreement_list_filters_narrow_the_rows(client, agreements, query, expected):
    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert _titles(response) == expected


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("year=abc", "Enter a whole number."),
        ("year=2019.5", "Enter a whole number."),
        ("year=99999999999", "less than or equal to 2100"),
        ("region=Atlantis", "Atlantis is not one of the available choices"),
        ("kind=treaty", "treaty is not one of the available choices"),
        ("status=dormant", "dormant is not one of the available choices"),
    ],
)
def test_agreement_list_bad_filter_shows_the_error_and_no_rows(
    client, agreements, query, error
):
    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert error in response.text
    assert _titles(response) == []
    assert "0 agreements" in response.text


def test_agreement_list_paginates_and_huge_page_shows_the_last(client):
    PartnerAgreementFactory.create_batch(55)

    response = client.get(f"{LIST}?status=in_force&page=99999")

    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    assert len(response.context["agreements"]) == 5
    assert "?status=in_force&amp;page=1" in response.text


def test_agreement_list_chart_compares_recorded_and_reported(client, agreements):
    _reported("partner_countries", 150, date(2023, 10, 18), qualifier="more_than")
    _reported("partners", 152, date(2019, 3, 4))
    _reported("partner_countries", 67, date(2018, 12, 31), period="year")
    ObservationFactory(value=9)  # a project's figure

    response = client.get(LIST)

    traces = {trace["name"]: trace for trace in response.context["chart"]["data"]}
    recorded = traces["Recorded partner countries"]
    assert recorded["line"]["shape"] == "hv"
    assert recorded["y"][:4] == [1, 2, 2, 1]  # Kenya, Italy, (the union), Italy left
    assert "Recorded partners incl. organisations" in traces
    lower_bound = traces["Reported: Partner countries"]
    assert lower_bound["y"] == [150.0]  # the yearly figure is not a total
    assert lower_bound["marker"]["symbol"] == ["triangle-up"]
    assert lower_bound["text"][0].startswith("150+ ")
    assert traces["Reported: Partners (countries and organisations)"]["y"] == [152.0]
    # The data table behind the chart.
    assert "<summary>Data table<span" in response.text
    assert "left: Italy" in response.text
    assert "150+" in response.text
    assert 'id="partners-chart" type="application/json"' in response.text


def test_agreement_list_query_count_is_flat(client, django_assert_max_num_queries):
    _populate(3)
    small = query_count(client, LIST)
    _populate(50)

    # region choices, country choices, count, rows, chart agreements,
    # reported counts, 4 footer
    with django_assert_max_num_queries(10):
        response = client.get(f"{LIST}?region=Asia&year=2019")
    assert response.status_code == 200
    assert query_count(client, LIST) == small


# Exports --------------------------------------------------------------------


def test_agreement_csv_export_equals_the_filtered_rows(client, agreements):
    response = client.get(
        reverse("agreements:export", args=["csv"]), {"region": "Africa"}
    )

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(_streamed(response))))
    expected = PartnerAgreement.objects.filter(country__region="Africa")
    assert [int(row["id"]) for row in rows] == [a.pk for a in expected]
    assert list(rows[0]) == columns_of(AGREEMENT_EXPORT)
    assert rows[0]["country_iso3"] == "KEN"
    assert rows[0]["signed_on_precision"] == "year"
    assert rows[1]["kind"] == "cooperation_plan"


def test_agreement_json_export_equals_the_filtered_rows(client, agreements):
    response = client.get(
        reverse("agreements:export", args=["json"]), {"status": "withdrawn"}
    )

    italy = agreements["italy"]
    assert json.loads(_streamed(response)) == [
        {
            "id": italy.pk,
            "country_iso3": "ITA",
            "country_name": "Italy",
            "organization_name": None,
            "title": "Italy MoU",
            "kind": "bri_mou",
            "signed_on": "2019-03-23",
            "signed_on_precision": "day",
            "status": "withdrawn",
            "ended_on": "2023-12-03",
            "source_id": italy.source_id,
            "source_title": "Italy pulls out",
            "source_url": italy.source.url,
            "quote": "",
        }
    ]


def test_agreement_export_of_everything_and_of_a_bad_filter(client, agreements):
    url = reverse("agreements:export", args=["json"])

    assert len(json.loads(_streamed(client.get(url)))) == 4
    bad = client.get(url, {"year": "abc"})
    assert bad.status_code == 400  # not an empty file (issue 15)
    assert list(json.loads(bad.content)["errors"]) == ["year"]


def test_agreement_export_unknown_format_is_a_404(client):
    assert client.get(reverse("agreements:export", args=["xlsx"])).status_code == 404


def test_agreement_export_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    _populate(40)

    with django_assert_max_num_queries(2):  # region choices, rows
        rows = json.loads(
            _streamed(client.get(reverse("agreements:export", args=["json"])))
        )
    assert len(rows) == 41


# The chart builders ---------------------------------------------------------


def _row(partner, signed, ended=None, status="in_force", organization=False):
    return {
        "country_id": None if organization else partner,
        "organization_id": partner if organization else None,
        "partner_name": f"Partner {partner}",
        "signed_on": signed,
        "signed_on_precision": "day",
        "ended_on": ended,
        "status": status,
    }


def test_cumulative_partners_withdrawal_drops_the_count():
    steps = charts.cumulative_partners(
        [
            _row(1, date(2017, 5, 1)),
            _row(2, date(2019, 3, 23), ended=date(2023, 12, 3), status="withdrawn"),
            _row(3, date(2020, 1, 1)),
        ]
    )

    assert [(s["date"], s["countries"]) for s in steps] == [
        (date(2017, 5, 1), 1),
        (date(2019, 3, 23), 2),
        (date(2020, 1, 1), 3),
        (date(2023, 12, 3), 2),
    ]
    assert steps[-1]["left"] == ["Partner 2"]
    assert steps[1]["joined"] == ["Partner 2"]


def test_cumulative_partners_counts_a_partner_once_from_its_first_signing():
    steps = charts.cumulative_partners(
        [
            _row(1, date(2018, 1, 1)),
            _row(1, date(2015, 6, 1), ended=date(2016, 1, 1), status="expired"),
            _row(1, date(2019, 1, 1)),
            _row(7, date(2019, 1, 1), organization=True),
            {**_row(8, None)},  # undated: cannot be placed in time
        ]
    )

    assert [(s["date"], s["countries"], s["partners"]) for s in steps] == [
        (date(2015, 6, 1), 1, 1),
        (date(2016, 1, 1), 0, 0),
        (date(2018, 1, 1), 1, 1),
        (date(2019, 1, 1), 1, 2),
    ]
    assert steps[-1]["joined"] == ["Partner 7"]


def test_cumulative_partners_keeps_the_coarsest_precision_of_a_date():
    rows = [
        {**_row(1, date(2017, 1, 1)), "signed_on_precision": "year"},
        _row(2, date(2017, 1, 1)),
    ]

    (step,) = charts.cumulative_partners(rows)

    assert (step["precision"], step["countries"]) == ("year", 2)


def test_cumulative_partners_chart_runs_on_to_today_and_marks_lower_bounds():
    steps = charts.cumulative_partners(
        [_row(1, date(2017, 5, 1)), _row(2, date(2018, 2, 1))]
    )
    reported = [
        {
            "series": "Partner countries",
            "as_of": date(2023, 10, 18),
            "as_of_display": "18 Oct 2023",
            "value": Decimal("150"),
            "qualifier": "more_than",
            "label": "150+ countries",
            "source": "Xinhua",
        },
        {
            "series": "Partner countries",
            "as_of": None,
            "as_of_display": "undated",
            "value": Decimal("140"),
            "qualifier": "exact",
            "label": "140 countries",
            "source": "Undated release",
        },
    ]

    spec = charts.cumulative_partners_chart(steps, reported, today=date(2025, 1, 1))

    line, markers = spec["data"]
    assert line["x"] == ["2017-05-01", "2018-02-01", "2025-01-01"]
    assert line["y"] == [1, 2, 2]
    assert markers["x"] == ["2023-10-18"]  # undated figures only in the table
    assert markers["y"] == [150.0]
    assert markers["marker"]["symbol"] == ["triangle-up"]
    assert markers["text"] == ["150+ countries as of 18 Oct 2023 · Xinhua"]
    assert "withdrawals drop out" in spec["layout"]["title"]["text"]
    json.dumps(spec)

    table = charts.cumulative_partners_table(steps, reported)
    assert table == [
        ("1 May 2017", "Recorded partners", "1", "joined: Partner 1"),
        ("1 Feb 2018", "Recorded partners", "2", "joined: Partner 2"),
        ("18 Oct 2023", "Reported: Partner countries", "150+ countries", "Xinhua"),
        ("undated", "Reported: Partner countries", "140 countries", "Undated release"),
    ]


def test_cumulative_partners_chart_with_no_data_is_still_a_chart():
    spec = charts.cumulative_partners_chart([], [], today=date(2025, 1, 1))

    assert spec["data"][0]["x"] == []
    json.dumps(spec)
