"""The database itself refuses bad rows, whatever code writes them.

Every write here skips model validation (``update()``, ``save()`` without
``full_clean()``), so only the constraints in the schema stand in the way.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from countries.models import Country, PartnerAgreement
from projects.models import Metric, Observation, Project
from sources.models import Source
from tests.factories import (
    CountryFactory,
    MilestoneFactory,
    ObservationFactory,
    OrganizationFactory,
    PartnerAgreementFactory,
    ProjectFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def assert_update_refused(obj, constraint, **changes):
    """Write ``changes`` to ``obj``'s row; the named constraint must refuse it."""
    model = type(obj)
    before = model.objects.values(*changes).get(pk=obj.pk)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        model.objects.filter(pk=obj.pk).update(**changes)
    assert model.objects.values(*changes).get(pk=obj.pk) == before


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"value": -1}, "observation_value_not_negative"),
        ({"qualifier": "roughly"}, "observation_qualifier_valid"),
        ({"period": "decade"}, "observation_period_valid"),
        ({"as_of_precision": "week"}, "observation_precision_valid"),
        ({"confidence": "sure"}, "observation_confidence_valid"),
        (
            {"period_start": datetime.date(2024, 1, 1)},
            "observation_period_starts_before_as_of",
        ),
    ],
)
def test_observation_constraints_refuse_bad_rows(changes, constraint):
    observation = ObservationFactory(as_of=datetime.date(2023, 12, 31))

    assert_update_refused(observation, constraint, **changes)


@pytest.mark.parametrize(
    "fields",
    [
        {"value": 0},
        {"confidence": ""},
        {"confidence": "low"},
        {"period_start": datetime.date(2023, 12, 31)},
        {"period_start": datetime.date(2023, 1, 1), "as_of": None},
    ],
)
def test_observation_constraints_accept_edge_values(fields):
    ObservationFactory(**{"as_of": datetime.date(2023, 12, 31), **fields})

    assert Observation.objects.filter(**fields).count() == 1


def test_agreement_exactly_one_partner_refuses_both_partners():
    agreement = PartnerAgreementFactory()

    assert_update_refused(
        agreement,
        "agreement_exactly_one_partner",
        organization=OrganizationFactory(),
    )


def test_agreement_exactly_one_partner_refuses_no_partner():
    agreement = PartnerAgreementFactory()

    assert_update_refused(agreement, "agreement_exactly_one_partner", country=None)


def test_agreement_exactly_one_partner_accepts_an_organization_alone():
    PartnerAgreementFactory(country=None, organization=OrganizationFactory())

    assert PartnerAgreement.objects.filter(country=None).count() == 1


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"kind": "treaty"}, "agreement_kind_valid"),
        ({"status": "pending"}, "agreement_status_valid"),
        ({"signed_on_precision": "week"}, "agreement_precision_valid"),
        ({"ended_on": datetime.date(2024, 1, 1)}, "agreement_in_force_has_no_end"),
        ({"quote": "China and Italy signed an MoU."}, "agreement_quote_needs_source"),
    ],
)
def test_agreement_constraints_refuse_bad_rows(changes, constraint):
    agreement = PartnerAgreementFactory(source=None)

    assert_update_refused(agreement, constraint, **changes)


def test_agreement_ends_after_signing_refuses_end_before_signing():
    agreement = PartnerAgreementFactory(
        signed_on=datetime.date(2019, 3, 23),
        status=PartnerAgreement.Status.WITHDRAWN,
        ended_on=datetime.date(2023, 12, 3),
    )

    assert_update_refused(
        agreement, "agreement_ends_after_signing", ended_on=datetime.date(2019, 3, 22)
    )


def test_agreement_ends_after_signing_accepts_end_on_signing_day():
    PartnerAgreementFactory(
        signed_on=datetime.date(2019, 3, 23),
        status=PartnerAgreement.Status.EXPIRED,
        ended_on=datetime.date(2019, 3, 23),
    )

    assert PartnerAgreement.objects.filter(ended_on__isnull=False).count() == 1


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"kind": "rumour"}, "milestone_kind_valid"),
        ({"date_precision": "week"}, "milestone_precision_valid"),
        ({"quote": "The railway opened."}, "milestone_quote_needs_source"),
    ],
)
def test_milestone_constraints_refuse_bad_rows(changes, constraint):
    milestone = MilestoneFactory(source=None)

    assert_update_refused(milestone, constraint, **changes)


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"kind": "dam"}, "project_kind_valid"),
        ({"sector": "space"}, "project_sector_valid"),
        ({"status": "rumoured"}, "project_status_valid"),
        ({"started_on_precision": "week"}, "project_precision_valid"),
        ({"opened_on_precision": "week"}, "project_precision_valid"),
        ({"latitude": 90.5, "longitude": 0}, "project_latitude_range"),
        ({"latitude": -90.5, "longitude": 0}, "project_latitude_range"),
        ({"latitude": 0, "longitude": 180.5}, "project_longitude_range"),
        ({"latitude": 0, "longitude": -180.5}, "project_longitude_range"),
        ({"latitude": 18}, "project_location_complete"),
        ({"longitude": 102}, "project_location_complete"),
    ],
)
def test_project_constraints_refuse_bad_rows(changes, constraint):
    project = ProjectFactory(latitude=None, longitude=None)

    assert_update_refused(project, constraint, **changes)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(None, None), (90, 180), (-90, -180), (Decimal("17.966667"), 102.6)],
)
def test_project_location_constraints_accept_valid_coordinates(latitude, longitude):
    ProjectFactory(latitude=latitude, longitude=longitude)

    assert Project.objects.count() == 1


def test_metric_aggregation_valid_refuses_unknown_aggregation():
    metric = Metric.objects.get(key="passengers")

    assert_update_refused(metric, "metric_aggregation_valid", aggregation="yearly")


def test_metric_key_unique_refuses_a_second_passengers_metric():
    count = Metric.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        Metric(key="passengers", name="Riders", aggregation="flow").save()

    assert Metric.objects.count() == count


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (ProjectFactory, "slug"),
        (ProjectFactory, "name"),
        (CountryFactory, "slug"),
        (CountryFactory, "iso3"),
        (CountryFactory, "iso2"),
        (OrganizationFactory, "slug"),
        (OrganizationFactory, "name"),
    ],
)
def test_unique_fields_refuse_a_taken_value(factory, field):
    first, second = factory.create_batch(2)
    model = type(second)
    taken = getattr(first, field)

    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=second.pk).update(**{field: taken})

    assert model.objects.filter(**{field: taken}).count() == 1


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("iso3", "gbr"),
        ("iso3", "GB1"),
        ("iso3", "GB"),
        ("iso2", "gb"),
        ("iso2", "G1"),
        ("iso2", "G"),
    ],
)
def test_country_code_format_refuses_malformed_codes(field, bad):
    country = CountryFactory()

    assert_update_refused(country, f"country_{field}_format", **{field: bad})


def test_country_code_format_refuses_bulk_created_rows():
    with pytest.raises(IntegrityError, match="country_iso3_format"):
        with transaction.atomic():
            Country.objects.bulk_create(
                [Country(iso3="ab3", iso2="AB", name="Nowhere", slug="nowhere")]
            )

    assert not Country.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("url", "https://example.org/release"), ("external_id", "000_3b19b20c.txt")],
)
def test_source_identifiers_unique_refuse_a_second_source(field, value):
    SourceFactory(**{field: value})

    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory.build(**{field: value}).save()

    assert Source.objects.filter(**{field: value}).count() == 1


@pytest.mark.parametrize("field", ["url", "external_id"])
def test_source_identifiers_unique_allow_many_sources_without_one(field):
    SourceFactory(**{field: ""})
    SourceFactory(**{field: ""})

    assert Source.objects.filter(**{field: ""}).count() == 2


def test_source_precision_valid_refuses_unknown_precision():
    source = SourceFactory()

    assert_update_refused(source, "source_precision_valid", published_on_precision="w")


def test_source_not_duplicate_of_itself_refuses_a_self_reference():
    source = SourceFactory()

    assert_update_refused(source, "source_not_duplicate_of_itself", duplicate_of=source)


def test_source_not_duplicate_of_itself_allows_pointing_to_another_source():
    original = SourceFactory()

    copy = SourceFactory(duplicate_of=original)

    assert list(original.duplicates.all()) == [copy]
