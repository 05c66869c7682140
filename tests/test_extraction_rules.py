"""The extractor's rules, one phrase kind at a time, on sentences written for
these tests (none is taken from the development set or the fixtures), so that
what is checked is the rule and not a memorised release.

Expected values follow the answer-key conventions of the development set's
README ("Answer-key conventions").
"""

import statistics
import time
from datetime import date
from decimal import Decimal

import pytest

from sources.extraction import AsOfBasis, Period, Qualifier, extract_figures

OTHER = "other"


def figures(text, published_on=None, projects=()):
    return extract_figures(text, published_on=published_on, projects=projects)


def primary(text, published_on=None, projects=()):
    return [f for f in figures(text, published_on, projects) if f.metric != OTHER]


def one(text, published_on=None, projects=()):
    found = primary(text, published_on, projects)
    assert len(found) == 1, found
    return found[0]


def dated(figure):
    return (figure.as_of, figure.period, figure.as_of_basis)


# A Monday, a Wednesday and a Thursday of March 2025.
MONDAY = date(2025, 3, 10)
WEDNESDAY = date(2025, 3, 12)
THURSDAY = date(2025, 3, 13)


# --------------------------------------------------------------------------
# Relative dates against a publication date


@pytest.mark.parametrize(
    ("sentence", "published_on", "as_of", "period"),
    [
        # "as of <weekday>" on that weekday is the publication day itself.
        (
            "As of Monday, the railway had carried 1.5 million passengers.",
            MONDAY,
            date(2025, 3, 10),
            Period.CUMULATIVE,
        ),
        (
            "The terminal had handled 640,000 TEUs as of Monday, the operator said.",
            WEDNESDAY,
            date(2025, 3, 10),
            Period.CUMULATIVE,
        ),
        # "last Thursday" is the one before, a week back on a Thursday.
        (
            "Last Thursday the terminal handled 12,000 TEUs in a single day.",
            MONDAY,
            date(2025, 3, 6),
            Period.DAY,
        ),
        (
            "The port said last Thursday that it had moved 3 million tonnes of cargo.",
            THURSDAY,
            date(2025, 3, 6),
            Period.CUMULATIVE,
        ),
        # A weekday with its day and month: that day, in the latest year.
        (
            "On Sunday, Nov. 12, the line carried 21,500 passengers, a daily record.",
            date(2023, 11, 14),
            date(2023, 11, 12),
            Period.DAY,
        ),
        (
            "On Saturday, Dec. 30, the station served 18,200 passengers in a single "
            "day.",
            date(2024, 1, 3),
            date(2023, 12, 30),
            Period.DAY,
        ),
        # "by the end of last month": the previous month's last day.
        (
            "By the end of last month, the trains had made 4,200 freight trips.",
            MONDAY,
            date(2025, 2, 28),
            Period.CUMULATIVE,
        ),
        (
            "By the end of last month, 130 countries had signed cooperation documents.",
            date(2025, 1, 8),
            date(2024, 12, 31),
            Period.CUMULATIVE,
        ),
        # "last July": the July before the publication date.
        (
            "Last July the port handled 95,000 TEUs.",
            date(2025, 9, 3),
            date(2025, 7, 31),
            Period.MONTH,
        ),
        (
            "Last July the port handled 95,000 TEUs.",
            date(2025, 7, 20),
            date(2024, 7, 31),
            Period.MONTH,
        ),
        # "in September": the most recent September that has ended.
        (
            "In September the corridor carried 310,000 tonnes of cargo.",
            date(2025, 2, 3),
            date(2024, 9, 30),
            Period.MONTH,
        ),
        (
            "In September the corridor carried 310,000 tonnes of cargo.",
            date(2025, 10, 3),
            date(2025, 9, 30),
            Period.MONTH,
        ),
        # A day and month with "this year" / "last year".
        (
            "On June 25 this year the line carried 30,000 passengers in a single day.",
            date(2025, 8, 1),
            date(2025, 6, 25),
            Period.DAY,
        ),
        (
            "By July 13 last year, the service had completed 900 freight trips.",
            date(2025, 8, 1),
            date(2024, 7, 13),
            Period.CUMULATIVE,
        ),
        (
            "By July 13 last year, 60 companies had moved into the park.",
            date(2025, 3, 1),
            date(2024, 7, 13),
            Period.CUMULATIVE,
        ),
    ],
)
def test_relative_dates_resolve_against_the_publication_date(
    sentence, published_on, as_of, period
):
    figure = one(sentence, published_on)
    assert dated(figure) == (as_of, period, AsOfBasis.PUBLISHED_ON)


# --------------------------------------------------------------------------
# Dates from the text itself, when no publication date is given

DATELINE_WITH_YEAR = "Addis Ababa, May 15/2024 (ENA) – "
PUBLISHED_LINE = "Published: Jun 11, 2025 09:26 PM\n"
UPDATED_LINE = "Updated: 2025-01-09 10:32\n"
YEARLESS_DATELINE = "VIENTIANE, Nov. 30 (Xinhua) -- "


@pytest.mark.parametrize(
    ("text", "as_of", "period", "basis"),
    [
        # A dateline with its year: 2024-05-15 is a Wednesday.
        (
            "Dry port busy\n" + DATELINE_WITH_YEAR + "The dry port has handled "
            "410,000 tonnes of cargo as of Monday.",
            date(2024, 5, 13),
            Period.CUMULATIVE,
            AsOfBasis.DATELINE,
        ),
        (
            "Dry port busy\n" + DATELINE_WITH_YEAR + "In the first quarter, the "
            "port handled 300,000 tonnes of cargo.",
            date(2024, 3, 31),
            Period.QUARTER,
            AsOfBasis.DATELINE,
        ),
        # A printed date line.
        (
            "Trains keep rolling\n" + PUBLISHED_LINE + "The service has made 5,300 "
            "freight trips by the end of last month.",
            date(2025, 5, 31),
            Period.CUMULATIVE,
            AsOfBasis.DATE_LINE,
        ),
        (
            "Trains keep rolling\n" + UPDATED_LINE + "The service made 1,100 "
            "freight trips last month.",
            date(2024, 12, 31),
            Period.MONTH,
            AsOfBasis.DATE_LINE,
        ),
        (
            "Trains keep rolling\n" + UPDATED_LINE + "As of Tuesday, the service "
            "had made 21,000 freight trips.",
            date(2025, 1, 7),
            Period.CUMULATIVE,
            AsOfBasis.DATE_LINE,
        ),
        # A dateline without a year: the first year the text allows (a
        # whole-year total for 2023 is reported in 2024 at the earliest).
        (
            "Rail link grows\n" + YEARLESS_DATELINE + "The railway carried 2.1 "
            "million passengers in 2023. By the end of last month it had carried "
            "5 million passengers.",
            date(2024, 10, 31),
            Period.CUMULATIVE,
            AsOfBasis.DATELINE_YEAR,
        ),
        (
            "Port grows\nBEIJING, Jan. 14 (Xinhua) -- The port handled 5.2 million "
            "TEUs in 2024. Last month it handled 410,000 TEUs.",
            date(2024, 12, 31),
            Period.MONTH,
            AsOfBasis.DATELINE_YEAR,
        ),
    ],
)
def test_dates_read_from_the_text(text, as_of, period, basis):
    figure = primary(text)[-1]
    assert dated(figure) == (as_of, period, basis)


@pytest.mark.parametrize(
    "text",
    [
        # A year-less dateline in a text that names no year: no reference.
        "Rail link grows\n" + YEARLESS_DATELINE + "The railway has carried 3.3 "
        "million passengers as of Wednesday.",
        # No date at all.
        "Rail link grows\nThe railway had carried 3.3 million passengers as of "
        "Wednesday.",
        "Rail link grows\nBy the end of last month the railway had carried 5 "
        "million passengers.",
        "Rail link grows\nThe terminal handled 9,000 TEUs last Friday.",
    ],
)
def test_without_any_date_relative_phrases_give_no_as_of(text):
    figure = one(text)
    assert (figure.as_of, figure.as_of_basis) == (None, AsOfBasis.NONE)


@pytest.mark.parametrize(
    ("text", "as_of", "period"),
    [
        (
            "Rail link grows\nThe railway carried 800,000 passengers in 2022.",
            date(2022, 12, 31),
            Period.YEAR,
        ),
        (
            "Park grows\nBy the end of 2021 the park had attracted 45 companies.",
            date(2021, 12, 31),
            Period.CUMULATIVE,
        ),
        (
            "Port grows\nIn March 2024, the port handled 65,000 TEUs.",
            date(2024, 3, 31),
            Period.MONTH,
        ),
        (
            "Port grows\nFrom October 2013 to June 2016, the port handled 6.5 "
            "million TEUs.",
            date(2016, 6, 30),
            Period.CUMULATIVE,
        ),
    ],
)
def test_without_any_date_a_stated_date_still_dates(text, as_of, period):
    assert dated(one(text)) == (as_of, period, AsOfBasis.STATED)


@pytest.mark.parametrize(
    ("opening", "as_of"),
    [
        ("In the first half of 2024", date(2024, 6, 30)),
        ("In Q1 2024", date(2024, 3, 31)),
        ("In the first 11 months of 2024", date(2024, 11, 30)),
        ("In January-May 2024", date(2024, 5, 31)),
    ],
)
def test_without_any_date_a_stated_span_is_stated(opening, as_of):
    figure = one(f"Port grows\n{opening}, the port handled 650,000 TEUs.")
    assert (figure.as_of, figure.as_of_basis) == (as_of, AsOfBasis.STATED)


def test_an_unresolvable_relative_phrase_does_not_inherit_the_previous_date():
    text = (
        "Rail link grows\nThe railway carried 800,000 passengers in 2022. "
        "Last month it carried 120,000 passengers."
    )
    first, second = primary(text)
    assert dated(first) == (date(2022, 12, 31), Period.YEAR, AsOfBasis.STATED)
    assert (second.as_of, second.as_of_basis) == (None, AsOfBasis.NONE)


def test_a_yearless_dateline_is_not_before_an_event_the_text_reports():
    text = (
        "Rail link grows\n" + YEARLESS_DATELINE + "The railway, which opened in "
        "December 2021, has carried 5 million passengers as of Monday."
    )
    figure = one(text)
    assert dated(figure) == (
        date(2022, 11, 28),
        Period.CUMULATIVE,
        AsOfBasis.DATELINE_YEAR,
    )


@pytest.mark.parametrize(
    "dateline", [DATELINE_WITH_YEAR, "MOMBASA, June 17 (Xinhua) -- "]
)
def test_a_quote_does_not_start_with_the_datelines_dash(dateline):
    text = (
        "Dry port busy\n" + dateline + "The dry port has handled 410,000 tonnes "
        "of cargo as of Monday."
    )
    assert one(text).quote.startswith("The dry port has handled 410,000 tonnes")


# --------------------------------------------------------------------------
# Attachment by clause and role


@pytest.mark.parametrize(
    ("sentence", "as_of", "period"),
    [
        (
            "By the end of February, the park had attracted 85 companies and "
            "created 6,400 jobs for local residents.",
            date(2025, 2, 28),
            None,  # enterprises cumulative, jobs a headcount: not compared
        ),
        (
            "As of Sunday, the corridor had moved 2.3 million tonnes of cargo and "
            "41,000 TEUs.",
            date(2025, 3, 9),
            Period.CUMULATIVE,
        ),
        (
            "In 2024, the line carried 3.1 million passengers and 1.9 million "
            "tonnes of goods.",
            date(2024, 12, 31),
            Period.YEAR,
        ),
    ],
)
def test_a_sentence_opening_date_covers_every_figure(sentence, as_of, period):
    found = primary(sentence, THURSDAY)
    assert len(found) == 2, found
    assert {f.as_of for f in found} == {as_of}
    if period is not None:
        assert {f.period for f in found} == {period}


@pytest.mark.parametrize(
    "sentence",
    [
        "The port has handled 7.5 million TEUs, according to data released on Tuesday.",
        "According to data released on Tuesday, the park now hosts 85 companies.",
        "Since its launch in December 2021, the route has carried 3.4 million "
        "passengers, according to data released on Tuesday.",
    ],
)
def test_a_running_total_takes_the_statement_date(sentence):
    figure = one(sentence, THURSDAY)
    assert dated(figure) == (
        date(2025, 3, 11),
        Period.CUMULATIVE,
        AsOfBasis.PUBLISHED_ON,
    )


@pytest.mark.parametrize(
    ("sentence", "as_of", "period"),
    [
        (
            "The port handled 410,000 TEUs in 2024, according to data released on "
            "Tuesday.",
            date(2024, 12, 31),
            Period.YEAR,
        ),
        (
            "According to figures published on Monday, the line carried 260,000 "
            "passengers in February.",
            date(2025, 2, 28),
            Period.MONTH,
        ),
        (
            "In the first two months, the trains made 2,900 freight trips, the "
            "operator said on Tuesday.",
            date(2025, 2, 28),
            Period.YEAR_TO_DATE,
        ),
    ],
)
def test_a_figure_with_its_own_period_keeps_it_over_the_statement_date(
    sentence, as_of, period
):
    figure = one(sentence, THURSDAY)
    assert (figure.as_of, figure.period) == (as_of, period)


@pytest.mark.parametrize(
    ("sentence", "as_of"),
    [
        (
            "By the end of April, the route had carried 3.4 million passengers "
            "since its launch in December 2021.",
            date(2025, 4, 30),
        ),
        (
            "Since its launch in December 2021, the route has carried 3.4 million "
            "passengers.",
            date(2025, 5, 10),
        ),
        (
            "By the end of April, the service had run 1,250 freight trips since "
            "it was launched in June 2022.",
            date(2025, 4, 30),
        ),
    ],
)
def test_a_start_is_never_the_as_of(sentence, as_of):
    figure = one(sentence, date(2025, 5, 10))
    assert dated(figure) == (as_of, Period.CUMULATIVE, AsOfBasis.PUBLISHED_ON)


# --------------------------------------------------------------------------
# References to the previous sentence

JUNE = date(2025, 6, 4)


@pytest.mark.parametrize(
    ("text", "metric", "as_of", "period"),
    [
        (
            "The line opened to traffic on March 3, 2024. By then, its builders "
            "had employed 9,000 local workers.",
            "jobs",
            date(2024, 3, 3),
            None,
        ),
        (
            "The line reached its first anniversary on Jan. 20. By then it had "
            "carried 2.4 million passengers.",
            "passengers",
            date(2025, 1, 20),
            Period.CUMULATIVE,
        ),
        (
            "Freight services resumed on Oct. 8, 2024. On that day, the terminal "
            "handled 2,600 TEUs.",
            "teu",
            date(2024, 10, 8),
            Period.CUMULATIVE,
        ),
        (
            "The railway entered service in 2022. That year it carried 1.1 million "
            "passengers.",
            "passengers",
            date(2022, 12, 31),
            Period.YEAR,
        ),
        (
            "The park was inaugurated in 2019. In that year it signed up 30 companies.",
            "enterprises",
            date(2019, 12, 31),
            Period.YEAR,
        ),
    ],
)
def test_by_then_on_that_day_and_that_year_take_the_previous_date(
    text, metric, as_of, period
):
    figure = one(text, JUNE)
    assert (figure.metric, figure.as_of, figure.period) == (metric, as_of, period)


@pytest.mark.parametrize(
    "text",
    [
        "Line opens\nThe line opened to traffic on March 3, 2024. By then, its "
        "builders had employed 9,000 local workers.",
        "Port reopens\nFreight services resumed on Oct. 8, 2024. On that day, "
        "the terminal handled 2,600 TEUs.",
        "Line opens\nThe railway entered service in 2022. That year it carried "
        "1.1 million passengers.",
    ],
)
def test_a_reference_back_to_a_stated_date_is_stated(text):
    figure = one(text)
    assert figure.as_of is not None
    assert figure.as_of_basis == AsOfBasis.STATED


@pytest.mark.parametrize(
    ("text", "published_on", "as_of", "period"),
    [
        (
            "In the first quarter, the port handled 650,000 TEUs. In the same "
            "period a year earlier, it handled 540,000 TEUs.",
            JUNE,
            date(2024, 3, 31),
            Period.QUARTER,
        ),
        (
            "Rail link grows\nIn the first half of 2024, the port handled 650,000 "
            "TEUs. In the same period a year earlier, it handled 540,000 TEUs.",
            None,
            date(2023, 6, 30),
            Period.HALF_YEAR,
        ),
        (
            "In March the line carried 410,000 passengers, against 350,000 "
            "passengers in the same month of last year.",
            JUNE,
            date(2024, 3, 31),
            Period.MONTH,
        ),
    ],
)
def test_the_same_period_a_year_earlier(text, published_on, as_of, period):
    earlier = primary(text, published_on)[-1]
    assert (earlier.as_of, earlier.period) == (as_of, period)


@pytest.mark.parametrize(
    ("text", "metric", "as_of"),
    [
        (
            "The trains made 16,000 freight trips in 2022. The total had exceeded "
            "87,000 by the end of that year.",
            "freight_trips",
            date(2022, 12, 31),
        ),
        (
            "By the end of May, the port had handled 2.2 million TEUs. The total "
            "had exceeded 2 million in April.",
            "teu",
            date(2025, 4, 30),
        ),
        (
            "The railway carried 3.4 million passengers in 2024. The total had "
            "exceeded 10 million by the end of last month.",
            "passengers",
            date(2025, 5, 31),
        ),
    ],
)
def test_a_bare_total_counts_what_the_previous_sentence_counted(text, metric, as_of):
    total = primary(text, JUNE)[-1]
    assert total.metric == metric
    assert total.qualifier == Qualifier.MORE_THAN
    assert (total.as_of, total.period) == (as_of, Period.CUMULATIVE)


# --------------------------------------------------------------------------
# Periods

JUNE_18 = date(2025, 6, 18)


@pytest.mark.parametrize(
    ("sentence", "as_of", "period", "period_start", "json_period"),
    [
        (
            "In 2024, the corridor carried 4.6 million tonnes of cargo.",
            date(2024, 12, 31),
            Period.YEAR,
            date(2024, 1, 1),
            "year",
        ),
        (
            "Throughout 2023 the railway carried 2.9 million passengers.",
            date(2023, 12, 31),
            Period.YEAR,
            date(2023, 1, 1),
            "year",
        ),
        (
            "In January-May, the railway carried 1.7 million passengers.",
            date(2025, 5, 31),
            Period.YEAR_TO_DATE,
            date(2025, 1, 1),
            "year",
        ),
        (
            "Between January and April, the trains made 5,800 freight trips.",
            date(2025, 4, 30),
            Period.YEAR_TO_DATE,
            date(2025, 1, 1),
            "year",
        ),
        (
            "In the first 11 months of 2024, the trains made 17,000 freight trips.",
            date(2024, 11, 30),
            Period.YEAR_TO_DATE,
            date(2024, 1, 1),
            "year",
        ),
        (
            "In the first three quarters of last year, the port handled 2.6 "
            "million TEUs.",
            date(2024, 9, 30),
            Period.YEAR_TO_DATE,
            date(2024, 1, 1),
            "year",
        ),
        (
            "In the first half of last year, the line carried 900,000 passengers.",
            date(2024, 6, 30),
            Period.HALF_YEAR,
            date(2024, 1, 1),
            "half_year",
        ),
        (
            "In Q1 2024, the terminal handled 310,000 TEUs.",
            date(2024, 3, 31),
            Period.QUARTER,
            date(2024, 1, 1),
            "quarter",
        ),
        (
            "From Jan. 1 to March 30, the line carried 520,000 passengers.",
            date(2025, 3, 30),
            Period.QUARTER,
            date(2025, 1, 1),
            "quarter",
        ),
        (
            "From October 2013 to June 2016, the railway carried 4.8 million "
            "passengers.",
            date(2016, 6, 30),
            Period.CUMULATIVE,
            None,
            "cumulative",
        ),
        (
            "Between 2019 and 2023, the port handled 12 million TEUs.",
            date(2023, 12, 31),
            Period.CUMULATIVE,
            None,
            "cumulative",
        ),
    ],
)
def test_periods(sentence, as_of, period, period_start, json_period):
    figure = one(sentence, JUNE_18)
    assert (figure.as_of, figure.period, figure.period_start) == (
        as_of,
        period,
        period_start,
    )
    assert figure.to_json()["period"] == json_period
    assert figure.to_json()["period_kind"] == str(period)


def test_a_day_range_with_the_year_after_its_end():
    figure = one(
        "From Jan. 1 to March 31, 2024, the line carried 520,000 passengers.",
        JUNE_18,
    )
    assert (figure.as_of, figure.period, figure.period_start) == (
        date(2024, 3, 31),
        Period.QUARTER,
        date(2024, 1, 1),
    )


@pytest.mark.parametrize(
    ("sentence", "as_of"),
    [
        (
            "On June 1, the line carried a single-day record of 61,000 passengers.",
            date(2025, 6, 1),
        ),
        (
            "The station set a one-day record on Saturday, serving 48,000 passengers.",
            date(2025, 6, 14),
        ),
        (
            "The corridor handled 11,000 TEUs on Saturday, a single-day record.",
            date(2025, 6, 14),
        ),
    ],
)
def test_one_day_records(sentence, as_of):
    figure = one(sentence, JUNE_18)
    assert (figure.as_of, figure.period) == (as_of, Period.DAY)
    assert figure.to_json()["period"] is None
    assert figure.to_json()["period_kind"] == "day"


@pytest.mark.parametrize(
    "sentence",
    [
        "The port is expected to handle 3 million TEUs in 2027.",
        "The railway is projected to carry 12 million passengers by 2030.",
        "Freight volume is forecast to reach 9 million tonnes in 2026.",
        "The project is expected to create 12,000 jobs.",
    ],
)
def test_forecasts_are_projected_and_undated(sentence):
    figure = one(sentence, JUNE_18)
    assert figure.qualifier == Qualifier.PROJECTED
    assert (figure.as_of, figure.period, figure.as_of_basis) == (
        None,
        None,
        AsOfBasis.NONE,
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "The operator expects the line to carry 6.5 million tonnes of cargo in 2026.",
        "The ministry expects the port to handle 2 million TEUs next year.",
    ],
)
def test_expects_something_to_is_a_forecast(sentence):
    figure = one(sentence, JUNE_18)
    assert figure.qualifier == Qualifier.PROJECTED
    assert (figure.as_of, figure.period) == (None, None)


@pytest.mark.parametrize(
    ("sentence", "metric"),
    [
        (
            "The operator plans to extend the line to the industrial zone, where "
            "30 enterprises have already signed lease agreements.",
            "enterprises",
        ),
        (
            "The city will build a second terminal, and the existing one handled "
            "900,000 TEUs last year.",
            "teu",
        ),
    ],
)
def test_a_plan_in_an_earlier_clause_does_not_make_a_forecast(sentence, metric):
    figure = one(sentence, JUNE_18)
    assert (figure.metric, figure.qualifier) == (metric, Qualifier.EXACT)
    assert figure.as_of is not None


@pytest.mark.parametrize(
    ("sentence", "metric"),
    [
        ("The line averages 1.3 million passengers a month.", "passengers"),
        ("The service now averages 1,400 freight trips a month.", "freight_trips"),
        ("On average, the terminal handles 75,000 TEUs per month.", "teu"),
    ],
)
def test_a_monthly_average_is_a_month_figure(sentence, metric):
    figure = one(sentence, JUNE_18)
    assert (figure.metric, figure.period) == (metric, Period.MONTH)


def test_a_monthly_average_keeps_its_own_year():
    figure = one(
        "The port handled an average of 80,000 TEUs a month last year.", JUNE_18
    )
    assert (figure.as_of, figure.period) == (date(2024, 12, 31), Period.MONTH)


# --------------------------------------------------------------------------
# Investment wordings and other money


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("The bridge was built at a cost of 1.2 billion U.S. dollars.", 1.2e9),
        ("The plant was built at a cost of $640 million.", 640e6),
        ("Kenya borrowed US$3.2 billion to build the railway.", 3.2e9),
        (
            "The government borrowed 3.8 billion dollars from a state bank for "
            "the line.",
            3.8e9,
        ),
        ("The project is financed with a loan of 1.1 billion U.S. dollars.", 1.1e9),
        ("The bank extended a loan of $900 million to the port authority.", 900e6),
        (
            "The shipping group acquired a 51 percent stake for 280 million U.S. "
            "dollars.",
            280e6,
        ),
        ("The firm bought a stake for $310 million in the terminal operator.", 310e6),
        ("BRI engagement reached 124 billion U.S. dollars in 2024.", 124e9),
        ("Chinese firms signed construction contracts worth $47 billion.", 47e9),
        (
            "Construction contracts worth 66 billion U.S. dollars were signed in "
            "the first half.",
            66e9,
        ),
    ],
)
def test_investment_wordings(sentence, value):
    figure = one(sentence, JUNE_18)
    assert figure.metric == "investment_usd"
    assert figure.value == Decimal(str(int(value)))


def test_undated_costs_and_loans_have_no_as_of():
    for sentence in (
        "The bridge was built at a cost of 1.2 billion U.S. dollars.",
        "The bank extended a loan of $900 million to the port authority.",
    ):
        figure = one(sentence, JUNE_18)
        assert (figure.as_of, figure.period) == (None, None)


@pytest.mark.parametrize(
    ("sentence", "unit"),
    [
        ("The trains carried goods worth 56 billion U.S. dollars last year.", "USD"),
        ("Bilateral trade hit $210 billion in 2024.", "USD"),
        ("The port's revenue rose to 420 million dollars.", "USD"),
        ("Cargo worth US$2.4 billion passed through the port last year.", "USD"),
        ("The park has attracted investment of 6 billion yuan.", "CNY"),
        ("Investors have put RMB 12 billion into the zone.", "CNY"),
        ("The railway cost 5.9 billion euros.", "EUR"),
    ],
)
def test_money_that_is_not_a_usd_investment_is_other(sentence, unit):
    found = figures(sentence, JUNE_18)
    assert [(f.metric, f.unit) for f in found] == [(OTHER, unit)]


# --------------------------------------------------------------------------
# Capacity and throughput; countries that are not partners


@pytest.mark.parametrize(
    "sentence",
    [
        "The new terminal can handle up to 1 million TEUs a year.",
        "Once complete, the quay will have a handling capacity of 2.5 million TEUs.",
        "The dry port is designed to handle 800,000 tonnes of cargo a year.",
        "The line was designed to carry 6 million passengers annually.",
    ],
)
def test_a_design_capacity_is_not_throughput(sentence):
    found = figures(sentence, JUNE_18)
    assert [f.metric for f in found] == [OTHER]


def test_throughput_and_capacity_in_one_sentence():
    found = figures(
        "The port handled 1.4 million TEUs last year and can handle up to 3 "
        "million TEUs a year.",
        JUNE_18,
    )
    assert [(f.metric, f.value) for f in found] == [
        ("teu", Decimal(1_400_000)),
        (OTHER, Decimal(3_000_000)),
    ]
    assert found[1].qualifier == Qualifier.UP_TO


@pytest.mark.parametrize(
    ("sentence", "values"),
    [
        ("The programme has opened workshops in 15 African countries.", [15]),
        (
            "The freight trains now reach 230 cities in 26 European countries.",
            [230, 26],
        ),
        ("The service links 120 cities in 25 European countries.", [120, 25]),
        ("Scholars from 40 countries joined the seminar.", [40]),
    ],
)
def test_countries_reached_are_not_partner_countries(sentence, values):
    found = figures(sentence, JUNE_18)
    assert [(f.metric, f.value) for f in found] == [(OTHER, Decimal(v)) for v in values]


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("China has signed cooperation documents with 150 countries.", 150),
        ("So far, 152 countries have signed Belt and Road cooperation documents.", 152),
        ("A total of 148 countries have joined the initiative.", 148),
    ],
)
def test_countries_that_signed_are_partner_countries(sentence, value):
    figure = one(sentence, JUNE_18)
    assert (figure.metric, figure.value) == ("partner_countries", Decimal(value))


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("The number of partner countries has reached 148.", 148),
        (
            "The number of countries that have signed cooperation documents has "
            "reached 150.",
            150,
        ),
    ],
)
def test_the_number_of_partner_countries_has_reached(sentence, value):
    figure = one(sentence, JUNE_18)
    assert (figure.metric, figure.value) == ("partner_countries", Decimal(value))


# --------------------------------------------------------------------------
# Year-on-year changes


@pytest.mark.parametrize(
    ("sentence", "metric", "change"),
    [
        ("In 2024 the port handled 4.1 million TEUs, up 9.2 percent.", "teu", "9.2"),
        (
            "The line carried 1.6 million passengers in May, down 8.2 percent from "
            "a year earlier.",
            "passengers",
            "-8.2",
        ),
        (
            "The railway carried 2.8 million passengers in 2024, a rise of 10 "
            "percent compared with 2023.",
            "passengers",
            "10",
        ),
        (
            "Container throughput rose 10 percent compared with the same period "
            "last year to 1.2 million TEUs in the first quarter.",
            "teu",
            "10",
        ),
        (
            "The trains made 19,000 freight trips in 2024, a year-on-year increase "
            "of 17.5 percent.",
            "freight_trips",
            "17.5",
        ),
        (
            "Freight trips totalled 4,100 in the first quarter, falling 6 percent "
            "year on year.",
            "freight_trips",
            "-6",
        ),
    ],
)
def test_year_on_year_changes(sentence, metric, change):
    figure = one(sentence, JUNE_18)
    assert (figure.metric, figure.change_percent) == (metric, Decimal(change))


def test_each_change_goes_to_its_own_figure():
    found = primary(
        "In 2024 the port handled 4.1 million TEUs, up 9.2 percent, and 38 "
        "million tonnes of cargo, down 3.1 percent.",
        JUNE_18,
    )
    assert [(f.metric, f.change_percent) for f in found] == [
        ("teu", Decimal("9.2")),
        ("cargo_tonnes", Decimal("-3.1")),
    ]


def test_a_change_before_its_figure_skips_the_nearer_figure():
    found = primary(
        "In 2024 the line carried 3 million passengers, while cargo volume rose "
        "12 percent year on year to 4.5 million tonnes.",
        JUNE_18,
    )
    assert [(f.metric, f.change_percent) for f in found] == [
        ("passengers", None),
        ("cargo_tonnes", Decimal(12)),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Direct investment in partner countries rose 23 percent year on year to "
        "RMB 95 billion, or about 13.3 billion U.S. dollars, in the first half.",
        "Outbound investment rose 23 percent from a year earlier to RMB 95 "
        "billion, or about 13.3 billion U.S. dollars, in January-May.",
    ],
)
def test_a_change_to_an_amount_in_yuan_also_qualifies_its_dollar_value(sentence):
    found = figures(sentence, JUNE_18)
    usd = [f for f in found if f.metric == "investment_usd"]
    assert [(f.value, f.change_percent) for f in usd] == [
        (Decimal(13_300_000_000), Decimal(23))
    ]
    assert usd[0].qualifier == Qualifier.ABOUT
    yuan = [f for f in found if f.unit == "CNY"]
    assert [(f.value, f.change_percent) for f in yuan] == [
        (Decimal(95_000_000_000), Decimal(23))
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Between 2016 and 2024, the number of freight trips grew at an average "
        "annual rate of 35.5 percent.",
        "The number of freight trips grew at an average annual growth rate of "
        "35.5 percent from 2016 to 2024.",
        "Cargo volume grew by an average of 35.5 percent a year over the decade.",
    ],
)
def test_an_average_annual_growth_rate_is_its_own_figure(sentence):
    found = figures(sentence, JUNE_18)
    assert [(f.metric, f.value, f.unit) for f in found] == [
        (OTHER, Decimal("35.5"), "percent")
    ]
    assert found[0].change_percent is None


def test_a_count_named_before_a_long_change_clause():
    figure = one(
        "Passenger numbers rose 10 percent compared with 2023 to 2.8 million "
        "last year.",
        JUNE_18,
    )
    assert (figure.metric, figure.value, figure.change_percent) == (
        "passengers",
        Decimal(2_800_000),
        Decimal(10),
    )
    assert (figure.as_of, figure.period) == (date(2024, 12, 31), Period.YEAR)


def test_percent_fewer_than_the_previous_year_is_a_change():
    found = figures(
        "The line carried 1.6 million passengers last year, 14.5 percent fewer "
        "than in 2023.",
        JUNE_18,
    )
    assert [(f.metric, f.change_percent) for f in found] == [
        ("passengers", Decimal("-14.5"))
    ]


# --------------------------------------------------------------------------
# Headline restatements and follow-on subjects


@pytest.mark.parametrize(
    ("text", "metric", "value"),
    [
        (
            "Coastal line tops 2 million passengers\n\nThe coastal line has "
            "carried 2,013,000 passengers since it opened.",
            "passengers",
            2_013_000,
        ),
        (
            "Freight trains pass 90,000 trips\n\nThe trains have made 91,300 "
            "freight trips since 2016, the operator said.",
            "freight_trips",
            91_300,
        ),
        (
            "Solar park jobs near 5,000\n\nThe solar park has created 4,870 jobs "
            "for local residents.",
            "jobs",
            4_870,
        ),
    ],
)
def test_a_headline_restating_a_body_figure_gives_one_figure(text, metric, value):
    figure = one(text, JUNE_18)
    assert (figure.metric, figure.value) == (metric, Decimal(value))
    assert figure.quote in text.split("\n", 1)[1]


def test_a_headline_figure_that_is_not_in_the_body_is_kept():
    found = primary(
        "Port handles 5 million TEUs\n\nThe port handled 3.2 million TEUs last year.",
        JUNE_18,
    )
    assert [f.value for f in found] == [Decimal(5_000_000), Decimal(3_200_000)]


SOME_RAILWAY = [("Some Railway", ["Some Line"])]


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        (
            "The Some Line carried 1.2 million passengers in 2024. The 472-km "
            "railway also moved 800,000 tonnes of cargo.",
            "cargo_tonnes",
        ),
        (
            "Work on the Some Line is 80 percent complete. The section between "
            "the two cities has created 4,500 jobs.",
            "jobs",
        ),
        (
            "The Some Railway opened an industrial estate in 2021. The estate now "
            "hosts 65 enterprises.",
            "enterprises",
        ),
    ],
)
def test_a_generic_follow_on_subject_keeps_the_paragraphs_project(text, metric):
    figure = primary(text, JUNE_18, SOME_RAILWAY)[-1]
    assert (figure.metric, figure.project) == (metric, "Some Railway")


# --------------------------------------------------------------------------
# Numbers that are not figures


@pytest.mark.parametrize(
    "sentence",
    [
        "The corridor was first proposed in 2013 and extended in 2019.",
        "The first train left the station at 7:45 a.m. with officials on board.",
        "The ceremony started at 10:30 and ended at noon.",
        "The operator signed a 40-year lease for the terminal.",
        "The trial run lasted 90 days before regular service began.",
        "The project took 1,000 days to complete.",
        "The train completed the 100,000th trip on the route.",
        "The station welcomed its four millionth passenger on Sunday.",
        "The port is one of the busiest in the region.",
        "The two countries agreed to expand the line.",
        "For bookings call (021) 555-0147 during office hours.",
        "The COVID-19 pandemic delayed the works on the line.",
        "The line has four stations and seven tunnels.",
        "The third Forum will be held next year.",
    ],
)
def test_not_figures(sentence):
    assert figures(sentence, JUNE_18) == []


@pytest.mark.parametrize(
    ("sentence", "metric", "value"),
    [
        (
            "The 40-year lease covers a terminal that handled 1.2 million TEUs "
            "last year.",
            "teu",
            1_200_000,
        ),
        (
            "After a trial run of 90 days, the line carried 35,000 passengers in "
            "its first week.",
            "passengers",
            35_000,
        ),
        (
            "Four stations on the line served 2.6 million passengers in 2024.",
            "passengers",
            2_600_000,
        ),
        (
            "Two years after the COVID-19 lockdowns, the port handled 880,000 TEUs.",
            "teu",
            880_000,
        ),
    ],
)
def test_not_figures_beside_a_figure(sentence, metric, value):
    found = figures(sentence, JUNE_18)
    assert [(f.metric, f.value) for f in found] == [(metric, Decimal(value))]


# --------------------------------------------------------------------------
# Speed

RELEASE = """Harbour rail link sets new freight record
NORTHPORT, Aug. 14 (Xinhua) -- The harbour rail link between Northport and \
the inland terminal at Kesra carried 3.9 million tonnes of cargo in the first \
seven months of this year, up 11.4 percent year on year, the operator said on \
Wednesday.

The line also carried 1.28 million passengers in the same period, while \
container traffic reached 214,000 TEUs. By the end of July, trains had made \
more than 18,600 freight trips since the line opened in October 2019.

The 326-km railway was built at a cost of 2.7 billion U.S. dollars, financed \
with a loan of 1.9 billion U.S. dollars from a policy bank. It runs at up to \
160 km/h and its terminal can handle up to 1 million TEUs a year.

On Saturday, Aug. 9, the line carried 11,300 passengers, a single-day record. \
Last month alone it carried 196,000 passengers. In 2023 the railway carried \
2.1 million passengers and 5.8 million tonnes of cargo, and it averages 540 \
freight trips a month.

The project has created about 12,000 local jobs, and 85 companies have set up \
warehouses in the logistics park next to the Kesra terminal. Goods worth 4.6 \
billion U.S. dollars passed through the park last year, according to data \
released on Monday.

The operator expects the line to carry 6.5 million tonnes of cargo in 2026. \
Officials said the four stations on the route would be upgraded under a \
40-year concession signed with the two countries' transport ministries.

"The railway has changed the way our farmers reach markets," said a regional \
official, who added that exporters now save up to three days on each shipment \
compared with the old road route. The operator plans to add two more daily \
services next year and to extend the line by 45 km to the Tamsa industrial \
zone, where 30 enterprises have signed lease agreements.

Local schools have sent 120 students to railway courses at the Kesra \
training centre, and 46 of them joined the operator as train drivers or \
maintenance technicians this spring. The centre runs two intakes a year.

For bookings call (021) 555-0147 between 8:00 and 17:00. The next phase, \
worth 650 million euros, is scheduled to begin in the third quarter of 2026, \
when the section through the hills will be doubled.
"""


def test_a_400_word_release_is_extracted_in_under_50_ms():
    assert 350 <= len(RELEASE.split()) <= 450
    published_on = date(2025, 8, 14)
    assert extract_figures(RELEASE, published_on=published_on)  # warm-up
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        extract_figures(RELEASE, published_on=published_on)
        runs.append(time.perf_counter() - start)
    assert statistics.median(runs) < 0.050, runs
