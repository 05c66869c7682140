"""The figure extractor (sources.extraction), its scorer and its commands.

The sentences here are written for these tests, not taken from the fixtures.
"""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sources.extraction import JSON_KEYS, extract_figures
from tests.factories import ProjectFactory

RELEASED = date(2024, 6, 20)


def figures(text, published_on=RELEASED, projects=()):
    return extract_figures(text, published_on=published_on, projects=projects)


def only(text, published_on=RELEASED, projects=()):
    found = [f for f in figures(text, published_on, projects) if f.metric != "other"]
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------
# Number forms


@pytest.mark.parametrize(
    ("sentence", "metric", "value"),
    [
        ("The number of passengers exceeded 3 million.", "passengers", 3_000_000),
        ("The deal brings $500m of new investment.", "investment_usd", 500_000_000),
        ("The metro line carried 10 million passengers.", "passengers", 10_000_000),
        ("Trains have made 110 thousand freight trips.", "freight_trips", 110_000),
        ("The terminal handled 1.75 million TEUs.", "teu", 1_750_000),
        ("The airport welcomed two million passengers.", "passengers", 2_000_000),
        (
            "The fund invested US$7.3 billion in the corridor.",
            "investment_usd",
            7_300_000_000,
        ),
        ("Partners mobilised $1 trillion of investment.", "investment_usd", 10**12),
        (
            "Outbound investment reached 17.8 billion U.S. dollars.",
            "investment_usd",
            17_800_000_000,
        ),
        ("Crews ran 3,398 freight train journeys.", "freight_trips", 3398),
        ("The parks created 530,000 local jobs.", "jobs", 530_000),
        ("The port moved 2.4 million tonnes of grain.", "cargo_tonnes", 2_400_000),
        ("The solar farm has a capacity of 2 GW.", "capacity_gw", 2),
        ("The wind farm adds 500 megawatts.", "capacity_gw", Decimal("0.5")),
        ("Investors set up 1,200 enterprises in the zone.", "enterprises", 1200),
        ("The forum launched 450 cooperative projects.", "cooperative_projects", 450),
        ("Ministers signed 38 cooperation documents.", "agreements", 38),
        (
            "The scheme lifted 3 million people out of poverty.",
            "people_out_of_poverty",
            3_000_000,
        ),
        (
            "Documents were signed with 90 international organizations.",
            "partner_organizations",
            90,
        ),
        (
            "Envoys of 140 partner countries attended the meeting.",
            "partner_countries",
            140,
        ),
        (
            "In all 160 countries and international organisations have signed.",
            "partners",
            160,
        ),
        (
            "Contracts worth 4.5 bn US dollars in fresh investment were signed.",
            "investment_usd",
            4_500_000_000,
        ),
    ],
)
def test_number_forms_and_metrics(sentence, metric, value):
    figure = only(sentence)
    assert figure.metric == metric
    assert figure.value == Decimal(value)
    assert figure.quote in sentence


def test_other_currencies_are_not_usd():
    found = figures("Local banks invested 20 billion yuan in the new line.")
    assert [f.metric for f in found] == ["other"]
    found = figures("The project attracted RMB 5 billion of investment.")
    assert [f.metric for f in found] == ["other"]
    found = figures("Lenders provided CNY 800 million in loans.")
    assert [f.metric for f in found] == ["other"]


def test_trade_in_dollars_is_not_investment():
    found = figures(
        "Bilateral trade reached 90 billion U.S. dollars, while direct "
        "investment exceeded 12 billion U.S. dollars."
    )
    assert [(f.metric, f.qualifier) for f in found] == [
        ("other", "exact"),
        ("investment_usd", "more_than"),
    ]


def test_an_audience_from_countries_is_not_partners():
    found = figures("Delegates from 120 countries attended the forum in Beijing.")
    assert [f.metric for f in found] == ["other"]


# --------------------------------------------------------------------------
# Qualifiers


@pytest.mark.parametrize(
    ("sentence", "qualifier"),
    [
        ("The railway has carried more than 4 million passengers.", "more_than"),
        ("The railway has carried over 4 million passengers.", "more_than"),
        (
            "Stock ended the year exceeding 90 billion U.S. dollars of investment.",
            "more_than",
        ),
        ("The railway has carried nearly 4 million passengers.", "nearly"),
        ("The railway has carried almost 4 million passengers.", "nearly"),
        ("The railway has carried about 4 million passengers.", "about"),
        ("The railway has carried some 4 million passengers.", "about"),
        ("The railway has carried around 4 million passengers.", "about"),
        ("Each year the line carries up to 4 million passengers.", "up_to"),
        ("The line is expected to carry 4 million passengers.", "projected"),
        ("The line could carry 4 million passengers.", "projected"),
        ("The line will carry 4 million passengers by 2030.", "projected"),
        ("The railway has carried 4 million passengers.", "exact"),
    ],
)
def test_qualifiers(sentence, qualifier):
    assert only(sentence).qualifier == qualifier


# --------------------------------------------------------------------------
# Periods and dates


@pytest.mark.parametrize(
    ("sentence", "period", "as_of", "period_start"),
    [
        (
            "In the first quarter of this year, the ports handled 80,000 TEUs.",
            "quarter",
            date(2024, 3, 31),
            date(2024, 1, 1),
        ),
        (
            "By the end of 2022, investors had set up 900 enterprises.",
            "cumulative",
            date(2022, 12, 31),
            None,
        ),
        (
            "As of the end of January, 120 countries had signed agreements.",
            "cumulative",
            date(2024, 1, 31),
            None,
        ),
        (
            "Last year the corridor carried 640,000 passengers.",
            "year",
            date(2023, 12, 31),
            date(2023, 1, 1),
        ),
        (
            "So far this year the trains have made 9,000 freight trips.",
            "year_to_date",
            date(2024, 6, 20),
            date(2024, 1, 1),
        ),
        (
            "In the first five months, the trains made 7,500 freight trips.",
            "year_to_date",
            date(2024, 5, 31),
            date(2024, 1, 1),
        ),
        (
            "Freight rose 12 percent year on year to 5.1 million tonnes in 2023.",
            "year",
            date(2023, 12, 31),
            date(2023, 1, 1),
        ),
        (
            "About 60,000 tonnes of goods had been shipped by late April.",
            "cumulative",
            date(2024, 4, 30),
            None,
        ),
        (
            "The line has served 3 million passengers.",
            "cumulative",
            RELEASED,
            None,
        ),
        (
            "From January to May, the trains made 6,100 freight trips.",
            "year_to_date",
            date(2024, 5, 31),
            date(2024, 1, 1),
        ),
        (
            "In the first half of this year, the port handled 1.2 million TEUs.",
            "half_year",
            date(2024, 6, 30),
            date(2024, 1, 1),
        ),
    ],
)
def test_periods_and_dates(sentence, period, as_of, period_start):
    figure = only(sentence)
    assert (figure.period, figure.as_of, figure.period_start) == (
        period,
        as_of,
        period_start,
    )


def test_end_of_a_month_is_the_latest_such_month_before_release():
    sentence = "As of the end of October, 75 countries had joined the scheme."
    assert only(sentence, published_on=date(2024, 3, 2)).as_of == date(2023, 10, 31)


def test_first_months_of_a_year_not_over_yet_mean_last_year():
    sentence = "In the first 11 months, the trains made 15,000 freight trips."
    figure = only(sentence, published_on=date(2025, 1, 10))
    assert (figure.period, figure.as_of) == ("year_to_date", date(2024, 11, 30))


def test_a_time_phrase_of_a_later_clause_stays_with_its_own_figure():
    text = (
        "The line has carried more than 3 million passengers since it opened, "
        "and 25,000 tonnes of cargo in the first quarter of this year."
    )

    figures = extract_figures(text, published_on=date(2026, 5, 2))

    by_metric = {f.metric: f for f in figures}
    assert by_metric["passengers"].period == "cumulative"
    assert by_metric["passengers"].as_of == date(2026, 5, 2)
    assert by_metric["cargo_tonnes"].period == "quarter"
    assert by_metric["cargo_tonnes"].as_of == date(2026, 3, 31)


def test_a_leading_as_of_phrase_covers_every_figure_of_the_sentence():
    text = (
        "As of the end of June, 40 countries have signed 60 cooperation "
        "documents with the bank."
    )

    figures = extract_figures(text, published_on=date(2026, 8, 1))

    assert {f.as_of for f in figures} == {date(2026, 6, 30)}


def test_undated_release_leaves_as_of_empty():
    figure = only("The line has carried 2 million passengers.", published_on=None)
    assert figure.as_of is None and figure.period == "cumulative"


def test_dateline_and_weekday_set_the_reporting_day():
    text = "ROME, March 4 (Xinhua) -- The line has carried 5 million passengers."
    assert only(text, published_on=date(2024, 3, 5)).as_of == date(2024, 3, 4)
    text = "The minister on Monday said 40 countries have signed agreements."
    # 2024-03-06 is a Wednesday: Monday is the 4th.
    assert only(text, published_on=date(2024, 3, 6)).as_of == date(2024, 3, 4)


# --------------------------------------------------------------------------
# Year-on-year changes


def test_year_on_year_change_after_the_figure():
    figure = only(
        "In the first quarter of this year the service ran 2,100 freight trips, "
        "up 40 percent year on year."
    )
    assert figure.change_percent == Decimal(40)


def test_year_on_year_change_before_the_figure():
    figure = only(
        "Investment in the partners jumped 9.5 percent year on year to "
        "6 billion U.S. dollars in 2022."
    )
    assert (figure.change_percent, figure.period) == (Decimal("9.5"), "year")


def test_a_fall_is_negative_and_percentages_are_not_figures():
    found = figures(
        "Last year the port handled 300,000 TEUs, down 4 percent year on year."
    )
    assert [(f.metric, f.change_percent) for f in found] == [("teu", Decimal(-4))]


# --------------------------------------------------------------------------
# Numbers that are not figures


@pytest.mark.parametrize(
    "sentence",
    [
        "The initiative was proposed in 2015 and renewed in 2019.",
        "Meetings were held in 2016, 2018 and 2022 respectively.",
        "The summit opened on May 14, 2023, in the capital.",
        "The summit opened on 14 May 2023 in the capital.",
        "The train made the 50,000th trip on the route.",
        "Leaders met for the 12th time at the fourth summit.",
        "Thanks to five years of joint efforts the plan advanced.",
        "After more than a decade of work the bridge opened.",
        "The new line is 350 km long.",
        "The new railway runs 142 kilometers between the cities.",
        "Trains reach 350 km/h on the new line.",
        "The COVID-19 pandemic slowed the works.",
        "Posted 2024-06-20 10:45 by the desk.",
        "The two countries agreed to deepen ties.",
        "Xi announced eight major steps to support the plan.",
    ],
)
def test_not_figures(sentence):
    assert [f for f in figures(sentence) if f.metric != "other"] == []


# --------------------------------------------------------------------------
# Projects, quotes, JSON

PROJECTS = [
    ("Budapest-Belgrade Railway", ["Hungary-Serbia railway"]),
    ("Port of Piraeus", ["Piraeus port"]),
]


def test_project_matching_by_name_or_alias():
    figure = only(
        "The Hungary-Serbia railway has carried 1.2 million passengers.",
        projects=PROJECTS,
    )
    assert figure.project == "Budapest-Belgrade Railway"
    figure = only("Piraeus Port handled 5 million TEUs last year.", projects=PROJECTS)
    assert figure.project == "Port of Piraeus"
    assert only("Trains carried 900 passengers.", projects=PROJECTS).project is None


def test_quote_is_the_shortest_clause_and_an_exact_substring():
    text = (
        "Officials said on Friday that the scheme has created 12,000 jobs, "
        "attracted over 2 billion U.S. dollars of investment and trained 300 "
        "engineers."
    )
    found = {f.metric: f for f in figures(text)}
    assert found["jobs"].quote == "the scheme has created 12,000 jobs"
    assert found["investment_usd"].quote.startswith("attracted over 2 billion")
    for figure in found.values():
        assert figure.quote in text


def test_two_figures_joined_by_and_get_their_own_quotes():
    text = (
        "The plan may help lift 2 million people out of extreme poverty and "
        "5 million people out of moderate poverty."
    )
    first, second = figures(text)
    assert (
        first.quote == "The plan may help lift 2 million people out of extreme poverty"
    )
    assert second.quote == "5 million people out of moderate poverty"
    assert first.qualifier == second.qualifier == "projected"


def test_to_json_keys_and_types():
    figure = only(
        "In the first quarter of this year the service ran 2,100 freight trips, "
        "up 40 percent year on year."
    )
    data = figure.to_json()
    assert tuple(data) == JSON_KEYS
    assert data["value"] == 2100 and data["as_of"] == "2024-03-31"
    assert data["period_start"] == "2024-01-01" and data["change_percent"] == 40
    assert 0 <= data["confidence"] <= 1
    json.dumps(data)


def test_empty_text():
    assert extract_figures("") == []


# --------------------------------------------------------------------------
# The extract_figures command


@pytest.mark.django_db
def test_extract_command_json(tmp_path):
    path = tmp_path / "release.txt"
    path.write_text(
        "BEIJING, May 2 (Xinhua) -- The Piraeus port handled over 5 million TEUs "
        "last year, up 3 percent year on year.\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command(
        "extract_figures",
        str(path),
        "--published-on",
        "2024-05-03",
        "--format",
        "json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert isinstance(data, list) and len(data) == 1
    assert tuple(data[0]) == JSON_KEYS
    assert data[0]["metric"] == "teu" and data[0]["as_of"] == "2023-12-31"


@pytest.mark.django_db
def test_extract_command_table_and_project_from_database(tmp_path):
    ProjectFactory(name="Port of Piraeus", aliases=["Piraeus port"])
    path = tmp_path / "release.txt"
    path.write_text("The Piraeus port handled over 5 million TEUs.\n", encoding="utf-8")
    out = io.StringIO()
    call_command("extract_figures", str(path), "--format", "json", stdout=out)
    assert json.loads(out.getvalue())[0]["project"] == "Port of Piraeus"
    out = io.StringIO()
    call_command("extract_figures", str(path), stdout=out)
    assert "teu" in out.getvalue() and "Port of Piraeus" in out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (b"", "empty"),
        (b"   \n\n", "empty"),
        ("caf\u00e9".encode("latin-1"), "UTF-8"),
    ],
)
def test_extract_command_refuses_bad_files(tmp_path, content, message):
    path = tmp_path / "release.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("extract_figures", str(path), stdout=io.StringIO())


def test_extract_command_refuses_big_files_and_bad_dates(tmp_path):
    path = tmp_path / "release.txt"
    path.write_bytes(b"a" * (2 * 1024 * 1024 + 1))
    with pytest.raises(CommandError, match="2 MB"):
        call_command("extract_figures", str(path), stdout=io.StringIO())
    path.write_text("Trains carried 900 passengers.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command(
            "extract_figures",
            str(path),
            "--published-on",
            "20/06/2024",
            stdout=io.StringIO(),
        )
    with pytest.raises(CommandError, match="no such file"):
        call_command("extract_figures", str(tmp_path / "missing.txt"))
