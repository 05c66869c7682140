import datetime
import string

import factory
import pycountry
from factory.django import DjangoModelFactory

from countries.models import Country, Organization, PartnerAgreement
from projects.models import Metric, Milestone, Observation, Project
from sources.models import Source


def letters(n, width):
    """The n-th code of ``width`` capital letters: 0 -> "AA", 27 -> "BB"."""
    code = ""
    for _ in range(width):
        n, index = divmod(n, 26)
        code = string.ascii_uppercase[index] + code
    return code


class SourceFactory(DjangoModelFactory):
    """A reference-only source: title, publisher and URL, no stored text."""

    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Press release {n}")
    publisher = factory.Sequence(lambda n: f"Publisher {n}")
    published_on = datetime.date(2024, 1, 15)
    url = factory.Sequence(lambda n: f"https://example.org/releases/{n}")


class ReleaseFactory(SourceFactory):
    """A source with stored text, so quotes taken from it are checked."""

    text = "The railway has served more than 10 million passengers since it opened.\n"


UNASSIGNED_ALPHA2 = sorted(
    {a + b for a in string.ascii_uppercase for b in string.ascii_uppercase}
    - {country.alpha_2 for country in pycountry.countries}
)


class CountryFactory(DjangoModelFactory):
    class Meta:
        model = Country

    # No ISO 3166-1 alpha-3 code starts with Q, so these never meet a real one;
    # the alpha-2 codes are the two-letter codes no country has.
    iso3 = factory.Sequence(lambda n: "Q" + letters(n, 2))
    iso2 = factory.Sequence(lambda n: UNASSIGNED_ALPHA2[n % len(UNASSIGNED_ALPHA2)])
    name = factory.Sequence(lambda n: f"Country {n}")
    slug = factory.Sequence(lambda n: f"country-{n}")


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")


class PartnerAgreementFactory(DjangoModelFactory):
    """An MoU in force with a country partner."""

    class Meta:
        model = PartnerAgreement

    country = factory.SubFactory(CountryFactory)
    organization = None
    title = "Memorandum of understanding on the Belt and Road Initiative"
    kind = PartnerAgreement.Kind.BRI_MOU
    signed_on = datetime.date(2019, 3, 23)
    status = PartnerAgreement.Status.IN_FORCE


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Railway {n}")
    slug = factory.Sequence(lambda n: f"railway-{n}")
    kind = Project.Kind.PROJECT
    sector = Project.Sector.RAILWAY
    status = Project.Status.OPERATIONAL


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    kind = Milestone.Kind.OPENING
    date = datetime.date(2021, 12, 3)
    title = "The railway opens"


class ObservationFactory(DjangoModelFactory):
    """1,000 passengers to date, from a reference-only source."""

    class Meta:
        model = Observation

    # Metrics come from a data migration; their keys are fixed.
    metric = factory.LazyFunction(lambda: Metric.objects.get(key="passengers"))
    project = factory.SubFactory(ProjectFactory)
    value = 1000
    qualifier = Observation.Qualifier.EXACT
    period = Observation.Period.CUMULATIVE
    as_of = datetime.date(2023, 12, 31)
    source = factory.SubFactory(SourceFactory)
    status = Observation.Status.PUBLISHED
