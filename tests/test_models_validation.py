"""Model validation names the field at fault, and nothing bad is saved.

Also the pure helpers the models rely on: partial dates, text repair and
quote matching, and how figures are shown.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from countries.models import PartnerAgreement
from projects.formatting import compact_number, humanize_figure
from projects.models import Metric, Milestone, Observation, Project
from sources.dates import DatePrecision, format_partial_date, parse_partial_date
from sources.models import Source
from sources.text import content_hash, quote_in_text, repair_text
from tests.factories import (
    CountryFactory,
    MilestoneFactory,
    ObservationFactory,
    OrganizationFactory,
    PartnerAgreementFactory,
    ProjectFactory,
    ReleaseFactory,
    SourceFactory,
)

SENTENCE = "The railway has served more than 10 million passengers since it opened."


def clean_and_save(obj):
    """What an admin form or an import does: validate, then write."""
    obj.full_clean()
    obj.save()


def refused(obj, field):
    """The messages ``clean_and_save(obj)`` is refused with for ``field``."""
    with pytest.raises(ValidationError) as exc:
        clean_and_save(obj)
    assert field in exc.value.message_dict, exc.value.message_dict
    return " ".join(exc.value.message_dict[field])


def observation(**fields):
    """An unsaved observation whose related rows are saved."""
    fields.setdefault("project", ProjectFactory())
    fields.setdefault("source", SourceFactory())
    return ObservationFactory.build(**fields)


# Observations


@pytest.mark.django_db
def test_observation_quote_missing_from_source_text_is_refused():
    release = ReleaseFactory()
    figure = observation(
        source=release, quote="The railway has served 20 million passengers."
    )

    message = refused(figure, "quote")

    assert "not in the text" in message
    assert str(release) in message
    assert not Observation.objects.exists()


@pytest.mark.django_db
def test_observation_quote_accepts_spacing_case_and_typographic_differences():
    release = ReleaseFactory(
        text="Since it opened, the railway’s trains have carried\n"
        "more than   10 million passengers.\n"
    )
    quote = "the railway's trains have carried MORE than 10 million passengers"

    clean_and_save(observation(source=release, quote=quote))

    assert Observation.objects.get().quote == quote


@pytest.mark.django_db
def test_observation_from_source_with_text_requires_a_quote():
    figure = observation(source=ReleaseFactory(), quote="")

    message = refused(figure, "quote")

    assert "Quote the sentence" in message
    assert not Observation.objects.exists()


@pytest.mark.django_db
def test_observation_from_reference_only_source_accepts_an_empty_quote():
    clean_and_save(observation(source=SourceFactory(), quote=""))

    assert Observation.objects.get().quote == ""


@pytest.mark.django_db
def test_observation_negative_value_is_refused():
    message = refused(observation(value=-1), "value")

    assert message == "A figure cannot be negative."
    assert not Observation.objects.exists()


@pytest.mark.django_db
def test_other_figure_without_counted_text_is_refused():
    other = Metric.objects.get(key="other")

    message = refused(observation(metric=other, counted="", quote=""), "counted")

    assert "Say what this figure counts" in message
    assert not Observation.objects.exists()


@pytest.mark.django_db
def test_other_figure_takes_its_unit_from_the_counted_text():
    other = Metric.objects.get(key="other")
    figure = observation(
        metric=other,
        counted="USD (value of goods carried)",
        value=Decimal("490000000000"),
        qualifier="more_than",
        quote="",
    )

    clean_and_save(figure)

    saved = Observation.objects.get()
    assert saved.unit == "US$"
    assert saved.display_value == "US$490B+"


@pytest.mark.django_db
def test_other_figure_whose_unit_cannot_be_read_must_state_it():
    other = Metric.objects.get(key="other")

    message = refused(
        observation(metric=other, counted="about the railway", quote=""), "unit"
    )

    assert "State the unit" in message


@pytest.mark.django_db
def test_a_metric_figure_has_no_unit_of_its_own():
    message = refused(observation(unit="tonnes", quote=""), "unit")

    assert "Only an “Other figure”" in message


@pytest.mark.django_db
def test_observation_period_starting_after_as_of_is_refused():
    figure = observation(
        period=Observation.Period.SPAN,
        period_start=datetime.date(2024, 1, 1),
        as_of=datetime.date(2023, 12, 31),
    )

    message = refused(figure, "period_start")

    assert message == "The period cannot start after its as-of date."
    assert not Observation.objects.exists()


@pytest.mark.django_db
def test_observation_edit_refused_by_validation_leaves_row_unchanged():
    figure = ObservationFactory(source=ReleaseFactory(), quote=SENTENCE)
    figure.quote = "more than 20 million passengers"

    refused(figure, "quote")

    figure.refresh_from_db()
    assert figure.quote == SENTENCE


# Partner agreements


@pytest.mark.django_db
@pytest.mark.parametrize("partners", ["both", "neither"])
def test_agreement_without_exactly_one_partner_is_refused(partners):
    agreement = PartnerAgreementFactory.build(
        country=CountryFactory() if partners == "both" else None,
        organization=OrganizationFactory() if partners == "both" else None,
    )

    message = refused(agreement, "country")

    assert message == "Choose exactly one partner: a country or an organisation."
    assert not PartnerAgreement.objects.exists()


@pytest.mark.django_db
def test_agreement_with_an_organization_alone_is_accepted():
    organization = OrganizationFactory()

    clean_and_save(
        PartnerAgreementFactory.build(country=None, organization=organization)
    )

    assert PartnerAgreement.objects.get().partner == organization


@pytest.mark.django_db
def test_agreement_in_force_with_an_end_date_is_refused():
    agreement = PartnerAgreementFactory.build(
        country=CountryFactory(),
        status=PartnerAgreement.Status.IN_FORCE,
        ended_on=datetime.date(2023, 12, 3),
    )

    message = refused(agreement, "ended_on")

    assert message == "An agreement in force has no end date."
    assert not PartnerAgreement.objects.exists()


@pytest.mark.django_db
def test_agreement_ending_before_signing_is_refused():
    agreement = PartnerAgreementFactory.build(
        country=CountryFactory(),
        signed_on=datetime.date(2019, 3, 23),
        status=PartnerAgreement.Status.WITHDRAWN,
        ended_on=datetime.date(2019, 3, 22),
    )

    message = refused(agreement, "ended_on")

    assert message == "An agreement cannot end before it was signed."
    assert not PartnerAgreement.objects.exists()


@pytest.mark.django_db
def test_agreement_quote_without_source_is_refused():
    agreement = PartnerAgreementFactory.build(
        country=CountryFactory(), source=None, quote="Italy signed an MoU."
    )

    message = refused(agreement, "source")

    assert message == "A quote needs the source it comes from."
    assert not PartnerAgreement.objects.exists()


# Milestones


@pytest.mark.django_db
def test_milestone_quote_missing_from_source_text_is_refused():
    milestone = MilestoneFactory.build(
        project=None, source=ReleaseFactory(), quote="The railway opened in 2019."
    )

    message = refused(milestone, "quote")

    assert "not in the text" in message
    assert not Milestone.objects.exists()


@pytest.mark.django_db
def test_milestone_quote_found_in_source_text_is_accepted():
    clean_and_save(
        MilestoneFactory.build(project=None, source=ReleaseFactory(), quote=SENTENCE)
    )

    assert Milestone.objects.get().quote == SENTENCE


@pytest.mark.django_db
def test_milestone_quote_without_source_is_refused():
    milestone = MilestoneFactory.build(project=None, source=None, quote=SENTENCE)

    message = refused(milestone, "source")

    assert message == "A quote needs the source it comes from."
    assert not Milestone.objects.exists()


# Sources


@pytest.mark.django_db
def test_source_duplicate_of_itself_is_refused():
    source = SourceFactory()
    source.duplicate_of = source

    message = refused(source, "duplicate_of")

    assert message == "A source cannot duplicate itself."
    source.refresh_from_db()
    assert source.duplicate_of is None


@pytest.mark.django_db
def test_source_duplicate_of_a_duplicate_is_refused_with_pointer_to_original():
    original = SourceFactory()
    copy = SourceFactory(duplicate_of=original)

    message = refused(SourceFactory.build(duplicate_of=copy), "duplicate_of")

    assert f"“{copy}” is itself a duplicate" in message
    assert "point to its original" in message
    assert Source.objects.count() == 2


@pytest.mark.django_db
def test_source_duplicate_of_an_original_is_accepted():
    original = SourceFactory()

    clean_and_save(SourceFactory.build(duplicate_of=original))

    assert original.duplicates.count() == 1


# Projects


@pytest.mark.django_db
@pytest.mark.parametrize(
    "aliases",
    ["Laos–China Railway", ["Laos–China Railway", ""], ["  "], [42], {"en": "LCR"}],
)
def test_project_aliases_other_than_a_list_of_names_are_refused(aliases):
    message = refused(ProjectFactory.build(aliases=aliases), "aliases")

    assert message == "Aliases are a list of names."
    assert not Project.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("aliases", [[], ["Laos–China Railway", "Boten–Vientiane"]])
def test_project_aliases_list_of_names_is_accepted(aliases):
    clean_and_save(ProjectFactory.build(aliases=aliases))

    assert Project.objects.get().aliases == aliases


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("latitude", "longitude"), [(Decimal("17.97"), None), (None, Decimal("102.6"))]
)
def test_project_half_a_location_is_refused(latitude, longitude):
    project = ProjectFactory.build(latitude=latitude, longitude=longitude)

    message = refused(project, "longitude")

    assert message == "Give both latitude and longitude, or neither."
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_project_latitude_out_of_range_is_refused():
    project = ProjectFactory.build(latitude=Decimal("91"), longitude=Decimal("0"))

    message = refused(project, "latitude")

    assert "less than or equal to 90" in message
    assert not Project.objects.exists()


# sources.dates


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2016", False, (datetime.date(2016, 1, 1), DatePrecision.YEAR)),
        ("2016", True, (datetime.date(2016, 12, 31), DatePrecision.YEAR)),
        ("2025-02", False, (datetime.date(2025, 2, 1), DatePrecision.MONTH)),
        ("2025-02", True, (datetime.date(2025, 2, 28), DatePrecision.MONTH)),
        ("2024-02", True, (datetime.date(2024, 2, 29), DatePrecision.MONTH)),
        ("2023-12-03", True, (datetime.date(2023, 12, 3), DatePrecision.DAY)),
        (
            "2023-12-03 (approx.; reported 2023-12-06)",
            False,
            (datetime.date(2023, 12, 3), DatePrecision.DAY),
        ),
        ("n/a", False, (None, None)),
        ("undated", True, (None, None)),
        ("", False, (None, None)),
        ("20160", False, (None, None)),
    ],
)
def test_parse_partial_date_reads_leading_date_at_its_precision(text, end, expected):
    assert parse_partial_date(text, end=end) == expected


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        (datetime.date(2021, 3, 31), DatePrecision.DAY, "31 Mar 2021"),
        (datetime.date(2021, 3, 31), DatePrecision.MONTH, "Mar 2021"),
        (datetime.date(2021, 12, 31), DatePrecision.YEAR, "2021"),
        (None, DatePrecision.DAY, "undated"),
    ],
)
def test_format_partial_date_shows_only_the_known_part(value, precision, expected):
    assert format_partial_date(value, precision) == expected


# sources.text


def test_repair_text_fixes_mojibake_square_bullet():
    assert repair_text("he added. â–\xa0 Next") == "he added. ■ Next\n"


def test_repair_text_fixes_mojibake_apostrophe_and_keeps_it_curly():
    assert repair_text("Xiâ€™s visit") == "Xi’s visit\n"


def test_repair_text_fixes_mojibake_apostrophe():
    assert repair_text("Xiâ€™s visit").replace("’", "'") == "Xi's visit\n"


def test_repair_text_keeps_paragraphs_and_trims_blanks():
    raw = "  Line one.  \r\n\r\nLine two.\t\n\n"

    assert repair_text(raw) == "Line one.\n\nLine two.\n"


def test_repair_text_of_blank_text_is_empty():
    assert repair_text(" \n\t\n") == ""


def test_content_hash_ignores_spacing_case_and_typographic_quotes():
    assert content_hash("The  Railway’s\nfirst year.") == content_hash(
        "the railway's FIRST year. "
    )


def test_content_hash_differs_when_words_differ():
    assert content_hash("The railway's first year.") != content_hash(
        "The railway's second year."
    )


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ("more than 10 MILLION\npassengers", True),
        ("The railway's trains", True),
        ("more than 20 million passengers", False),
        ("more than 10 million passengers", True),
    ],
)
def test_quote_in_text_ignores_only_spacing_case_and_typography(quote, found):
    text = "The railway’s trains had carried more than 10 million passengers."

    assert quote_in_text(quote, text) is found


# projects.formatting


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (10_000_000, "10M"),
        (110_000, "110K"),
        (10_000, "10K"),
        (9_999, "9,999"),
        (3_398, "3,398"),
        (17_800_000_000, "17.8B"),
        (Decimal("1000000000000.0000"), "1T"),
        (Decimal("1.5000"), "1.5"),
        (0, "0"),
    ],
)
def test_compact_number_shortens_large_numbers_only(value, expected):
    assert compact_number(value) == expected


def test_compact_number_rounding_up_moves_to_the_next_scale():
    assert compact_number(999_999_999) == "1B"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "key", "qualifier", "expected"),
    [
        (10_000_000, "passengers", "more_than", "10M+ passengers"),
        (Decimal("1e12"), "investment_usd", "nearly", "~US$1T"),
        (Decimal("1.5"), "capacity_gw", "more_than", "1.5+ GW"),
        (3_398, "freight_trips", "exact", "3,398 trips"),
        (Decimal("17.8e9"), "investment_usd", "exact", "US$17.8B"),
        (Decimal("17.8e9"), "investment_usd", "about", "~US$17.8B"),
        (50_000, "jobs", "up_to", "≤50K jobs"),
        (Decimal("1e12"), "investment_usd", "projected", "US$1T (projected)"),
        (None, "passengers", "exact", ""),
    ],
)
def test_humanize_figure_shows_qualifier_currency_and_unit(
    value, key, qualifier, expected
):
    metric = Metric.objects.get(key=key)

    assert humanize_figure(value, metric, qualifier) == expected


@pytest.mark.django_db
def test_observation_display_value_uses_stored_value():
    figure = ObservationFactory(value=10_000_000, qualifier="more_than")
    figure.refresh_from_db()

    assert figure.display_value == "10M+ passengers"
