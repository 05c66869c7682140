"""A small data set for the API's tests: countries in two regions with
agreements (one without a source, one by an organisation), projects of
several sectors, sources with and without text, and figures published and
draft, currency and not, project and initiative-wide."""

import datetime
from decimal import Decimal
from typing import NamedTuple

from countries.models import Country, Organization, PartnerAgreement
from projects.models import Metric, Observation, Project
from sources.models import Source
from tests.factories import (
    CountryFactory,
    ObservationFactory,
    OrganizationFactory,
    PartnerAgreementFactory,
    ProjectFactory,
    ReleaseFactory,
    SourceFactory,
)

# The only sentence of ReleaseFactory's text, quoted by its figures.
QUOTE = "The railway has served more than 10 million passengers since it opened."


class ApiRows(NamedTuple):
    """The rows ``api_rows()`` made, by role."""

    asia: Country
    africa: Country
    europe: Country
    organization: Organization
    railway: Project
    port: Project
    plant: Project
    release: Source
    reference: Source
    passengers: Observation
    investment: Observation
    cargo: Observation
    partners: Observation
    draft: Observation
    agreements: list[PartnerAgreement]


def _figure(metric_key: str, **fields) -> Observation:
    return ObservationFactory(metric=Metric.objects.get(key=metric_key), **fields)


def api_rows() -> ApiRows:
    asia = CountryFactory(name="Laos test", region="Asia", subregion="South-eastern")
    africa = CountryFactory(name="Kenya test", region="Africa", subregion="Eastern")
    europe = CountryFactory(name="Italy test", region="Europe", subregion="Southern")
    organization = OrganizationFactory(acronym="ORG", url="https://example.org/org")
    release = ReleaseFactory(publisher="Xinhua", published_on=datetime.date(2024, 3, 1))
    reference = SourceFactory(
        publisher="Reuters", published_on=datetime.date(2019, 5, 2)
    )
    agreements = [
        PartnerAgreementFactory(
            country=asia, source=release, signed_on=datetime.date(2017, 5, 14)
        ),
        PartnerAgreementFactory(country=africa, source=None),
        PartnerAgreementFactory(
            country=europe,
            source=reference,
            signed_on=datetime.date(2019, 3, 23),
            status=PartnerAgreement.Status.WITHDRAWN,
            ended_on=datetime.date(2023, 12, 6),
        ),
        PartnerAgreementFactory(
            country=None,
            organization=organization,
            source=reference,
            kind=PartnerAgreement.Kind.COOPERATION_DOCUMENT,
        ),
    ]
    railway = ProjectFactory(
        name="Laos test railway",
        sector=Project.Sector.RAILWAY,
        opened_on=datetime.date(2021, 12, 3),
        aliases=["Boten-Vientiane"],
    )
    railway.countries.set([asia])
    port = ProjectFactory(
        name="Mombasa test port",
        sector=Project.Sector.PORT,
        status=Project.Status.UNDER_CONSTRUCTION,
    )
    port.countries.set([africa])
    plant = ProjectFactory(
        name="Test power plant",
        sector=Project.Sector.ENERGY,
        kind=Project.Kind.PROGRAMME,
        opened_on=datetime.date(2016, 6, 1),
    )
    plant.countries.set([asia, africa])
    passengers = _figure(
        "passengers",
        project=railway,
        value=Decimal("10000000.0000"),
        qualifier=Observation.Qualifier.MORE_THAN,
        source=release,
        quote=QUOTE,
    )
    investment = _figure(
        "investment_usd",
        project=railway,
        value=Decimal("5900000000"),
        as_of=datetime.date(2021, 12, 3),
        source=reference,
    )
    cargo = _figure(
        "cargo_tonnes",
        project=port,
        value=Decimal("1.5"),
        qualifier=Observation.Qualifier.PROJECTED,
        period=Observation.Period.YEAR,
        as_of=datetime.date(2030, 12, 31),
        source=reference,
    )
    partners = _figure(
        "partner_countries",
        project=None,
        value=150,
        as_of=datetime.date(2023, 10, 1),
        source=reference,
    )
    draft = _figure(
        "passengers",
        project=railway,
        value=Decimal("99999"),
        as_of=datetime.date(2024, 6, 30),
        source=release,
        status=Observation.Status.DRAFT,
    )
    for row in (railway, port, plant, release, reference):
        row.refresh_from_db()
    return ApiRows(
        asia=asia,
        africa=africa,
        europe=europe,
        organization=organization,
        railway=railway,
        port=port,
        plant=plant,
        release=release,
        reference=reference,
        passengers=passengers,
        investment=investment,
        cargo=cargo,
        partners=partners,
        draft=draft,
        agreements=agreements,
    )
