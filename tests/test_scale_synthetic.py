"""generate_synthetic: exact sizes, valid rows, a deterministic seed, stored
counts, --clear, refusals, search and the pages a synthetic project shows on."""

import datetime
import io
import random
import signal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import CheckConstraint, F
from django.urls import reverse

from countries.models import Country, PartnerAgreement
from projects.models import Metric, Milestone, Observation, Project
from sources.models import Source
from tests.factories import (
    CountryFactory,
    MilestoneFactory,
    ObservationFactory,
    PartnerAgreementFactory,
    ProjectFactory,
    ReleaseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

PROJECTS = 40
FIGURES = 600
REGIONS = ["Africa", "Asia", "Europe", "Americas"]


def _countries(n=10):
    """Countries with regions, which synthetic projects are placed in. Tests
    that load their own data start without the module's (see ``loaded``)."""
    _generate(clear=True)
    return [CountryFactory(region=REGIONS[i % len(REGIONS)]) for i in range(n)]


def _generate(**options):
    options.setdefault("seed", 1)
    call_command("generate_synthetic", stdout=io.StringIO(), **options)


def _synthetic_projects():
    return Project.objects.filter(slug__startswith="synthetic-")


def _synthetic_sources():
    return Source.objects.filter(external_id__startswith="synthetic/")


def _synthetic_figures():
    return Observation.objects.filter(project__slug__startswith="synthetic-")


def _synthetic_agreements():
    return PartnerAgreement.objects.filter(source__external_id__startswith="synthetic/")


def _synthetic_milestones():
    return Milestone.objects.filter(project__slug__startswith="synthetic-")


def _table_sizes():
    return {
        model.__name__: model.objects.count()
        for model in (
            Project,
            Observation,
            Source,
            Milestone,
            PartnerAgreement,
            Project.countries.through,
        )
    }


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """40 synthetic projects with 600 figures, once per module, rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        _countries()
        _generate(projects=PROJECTS, observations=FIGURES)
        yield
        transaction.set_rollback(True)


# Sizes and validity


def test_a_load_has_exactly_the_sizes_asked_for(loaded):
    assert _synthetic_projects().count() == PROJECTS
    assert Project.objects.count() == PROJECTS
    assert _synthetic_figures().count() == FIGURES
    assert Observation.objects.count() == FIGURES
    assert _synthetic_agreements().count() == max(1, PROJECTS // 25)
    # Every figure and every agreement cites a synthetic source.
    assert not Observation.objects.exclude(
        source__external_id__startswith="synthetic/"
    ).exists()
    assert _synthetic_sources().count() == Source.objects.count()


def test_a_tiny_load_still_gets_one_agreement(db):
    _countries()
    _generate(projects=3, observations=10)

    assert _synthetic_projects().count() == 3
    assert _synthetic_figures().count() == 10
    assert _synthetic_agreements().count() == 1


def test_a_load_without_figures_has_projects_and_no_figures(db):
    _countries()
    _generate(projects=5, observations=0)

    assert _synthetic_projects().count() == 5
    assert Observation.objects.count() == 0
    assert set(_synthetic_projects().values_list("figure_count", flat=True)) == {0}


def test_every_synthetic_project_has_a_country(loaded):
    assert not _synthetic_projects().filter(countries=None).exists()
    # ... and only countries that have a region (partner-like countries).
    assert not Country.objects.filter(projects__isnull=False, region="").exists()


def test_sampled_projects_sources_milestones_and_agreements_are_valid(loaded):
    rng = random.Random(7)
    groups = [
        list(_synthetic_projects()),
        list(_synthetic_sources()),
        list(_synthetic_milestones()),
        list(_synthetic_agreements()),
    ]
    for rows in groups:
        assert rows
        for row in rng.sample(rows, min(len(rows), 15)):
            row.full_clean()


def test_sampled_figures_are_valid_and_quote_their_stored_text(loaded):
    with_text = list(
        _synthetic_figures().exclude(source__text="").select_related("source")
    )
    reference = list(
        _synthetic_figures().filter(source__text="").select_related("source")
    )
    assert with_text and reference
    rng = random.Random(3)
    for figure in rng.sample(with_text, min(40, len(with_text))):
        assert figure.quote
        # Exactly the words of the stored text, as a reader finds them there.
        assert figure.quote in figure.source.text
        figure.full_clean()
    for figure in rng.sample(reference, min(20, len(reference))):
        assert figure.quote == ""
        figure.full_clean()


def test_the_largest_figure_of_each_metric_is_valid(loaded):
    for metric in Metric.objects.filter(observations__isnull=False).distinct():
        largest = metric.observations.order_by("-value", "pk").first()
        largest.full_clean()


def test_figures_of_a_dense_load_stay_within_the_plausible_range(db):
    """The editors' form refuses a value above the metric's plausible
    maximum unless "Unusual value checked" is ticked: a synthetic figure an
    editor opens and saves unchanged must not be refused. Long series (40
    figures a project here; at the default 20 a project, 1,000 projects reach
    it too) grow past the maximum."""
    _countries()
    _generate(projects=100, observations=4000, seed=1)

    refused = {}
    for metric in Metric.objects.filter(observations__isnull=False).distinct():
        largest = metric.observations.order_by("-value", "pk").first()
        try:
            largest.full_clean()
        except ValidationError as error:
            refused[metric.key] = (largest.value, error.messages)
    implausible = _synthetic_figures().filter(
        metric__plausible_max__isnull=False,
        value__gt=F("metric__plausible_max"),
        value_checked=False,
    )
    assert not refused, f"{implausible.count()} implausible figures: {refused}"


def test_check_constraints_hold_on_every_row(loaded):
    for model in (Project, Observation, Source, Milestone, PartnerAgreement):
        checks = [
            constraint
            for constraint in model._meta.constraints
            if isinstance(constraint, CheckConstraint)
        ]
        assert checks
        for constraint in checks:
            broken = model.objects.exclude(constraint.condition)
            assert not broken.exists(), (model.__name__, constraint.name)


def test_figures_are_dated_in_the_past_and_periods_fit(loaded):
    today = datetime.date.today()
    assert not _synthetic_figures().filter(as_of__gt=today).exists()
    assert not _synthetic_figures().filter(period_start__gt=F("as_of")).exists()
    assert not _synthetic_sources().filter(published_on__gt=today).exists()


# The seed


def _names_after_load(seed):
    _generate(clear=True)
    _generate(projects=PROJECTS, observations=FIGURES, seed=seed)
    return sorted(_synthetic_projects().values_list("name", flat=True))


def test_the_same_seed_gives_the_same_projects_and_another_seed_others(loaded):
    first = sorted(_synthetic_projects().values_list("name", flat=True))
    first_values = sorted(_synthetic_figures().values_list("value", flat=True))

    again = _names_after_load(1)
    again_values = sorted(_synthetic_figures().values_list("value", flat=True))
    other = _names_after_load(2)

    assert again == first
    assert again_values == first_values
    assert other != first
    assert len(set(other) & set(first)) < PROJECTS // 2


# Stored counts


def test_stored_counts_equal_a_fresh_recount(loaded):
    for project in _synthetic_projects():
        published = Observation.objects.published().filter(project=project)
        assert project.figure_count == published.count(), project.name
        newest = published.order_by("-as_of").values_list("as_of", flat=True)
        assert project.latest_as_of == newest.first(), project.name
    for source in _synthetic_sources():
        published = Observation.objects.published().filter(source=source)
        assert source.figure_count == published.count(), source.title
    # Some figures are drafts, which the stored counts leave out.
    assert _synthetic_figures().filter(status="draft").exists()
    assert sum(_synthetic_projects().values_list("figure_count", flat=True)) == (
        _synthetic_figures().filter(status="published").count()
    )


# --clear


def _real_rows():
    """Non-synthetic rows of every kind --clear touches."""
    country = CountryFactory(name="Realland", region="Africa")
    project = ProjectFactory(name="Real Railway", slug="real-railway")
    project.countries.add(country)
    release = ReleaseFactory(title="Real release")
    figure = ObservationFactory(
        project=project,
        source=release,
        quote="more than 10 million passengers",
    )
    draft = ObservationFactory(project=project, status="draft")
    milestone = MilestoneFactory(project=project)
    agreement = PartnerAgreementFactory(country=country, source=SourceFactory())
    return {
        "project": project,
        "figures": {figure.pk, draft.pk},
        "sources": {release.pk, figure.source_id, draft.source_id, agreement.source_id},
        "milestone": milestone,
        "agreement": agreement,
        "country": country,
    }


def test_clear_removes_every_synthetic_row_and_nothing_else(db):
    _countries()
    real = _real_rows()
    before = {
        "project": Project.objects.values().get(pk=real["project"].pk),
        "figures": list(Observation.objects.order_by("pk").values()),
        "sources": list(Source.objects.order_by("pk").values()),
        "milestones": list(Milestone.objects.order_by("pk").values()),
        "agreements": list(PartnerAgreement.objects.order_by("pk").values()),
        "countries": list(Country.objects.order_by("pk").values()),
        "project_countries": list(
            Project.countries.through.objects.order_by("pk").values()
        ),
    }
    _generate(projects=30, observations=300)
    assert _synthetic_projects().count() == 30

    _generate(clear=True)

    assert not _synthetic_projects().exists()
    assert not _synthetic_sources().exists()
    assert not _synthetic_figures().exists()
    assert not _synthetic_milestones().exists()
    assert not _synthetic_agreements().exists()
    assert not Project.countries.through.objects.filter(
        project__slug__startswith="synthetic-"
    ).exists()
    after = {
        "project": Project.objects.values().get(pk=real["project"].pk),
        "figures": list(Observation.objects.order_by("pk").values()),
        "sources": list(Source.objects.order_by("pk").values()),
        "milestones": list(Milestone.objects.order_by("pk").values()),
        "agreements": list(PartnerAgreement.objects.order_by("pk").values()),
        "countries": list(Country.objects.order_by("pk").values()),
        "project_countries": list(
            Project.countries.through.objects.order_by("pk").values()
        ),
    }
    assert after == before
    assert Project.objects.get(pk=real["project"].pk).figure_count == 1


def test_clear_then_load_replaces_the_data_in_one_call(db):
    _countries()
    _generate(projects=10, observations=100)

    _generate(projects=20, observations=150, clear=True)

    assert _synthetic_projects().count() == 20
    assert _synthetic_figures().count() == 150


def test_clear_refuses_while_real_rows_refer_to_synthetic_ones(db):
    """A real project's figure citing a synthetic source, or a synthetic
    project's figure citing a real source: removing the synthetic data would
    change real rows (and their stored counts), so --clear refuses, names
    them, and deletes nothing."""
    _countries()
    _generate(projects=5, observations=50)
    project = ProjectFactory(name="Real Port", slug="real-port")
    ObservationFactory(project=project, source=_synthetic_sources().first())
    release = SourceFactory(title="Real release")
    ObservationFactory(project=_synthetic_projects().first(), source=release)
    before = _table_sizes()

    with pytest.raises(CommandError) as refused:
        _generate(clear=True)

    message = str(refused.value)
    assert "1 figures of real projects citing synthetic sources" in message
    assert "1 figures of synthetic projects citing real sources" in message
    assert _table_sizes() == before
    project.refresh_from_db()
    release.refresh_from_db()
    assert (project.figure_count, release.figure_count) == (1, 1)


# Refusals


def test_a_second_load_without_clear_is_refused_and_writes_nothing(loaded):
    before = _table_sizes()

    with pytest.raises(CommandError, match="already loaded"):
        _generate(projects=10, observations=50, seed=5)

    assert _table_sizes() == before


@pytest.mark.parametrize(
    "options",
    [
        {"projects": -1, "observations": 10},
        {"projects": 10, "observations": -1},
        {"projects": 0, "observations": 10},
        {"clear": True, "observations": 10},
    ],
)
def test_impossible_sizes_are_refused(db, options):
    _countries()
    before = _table_sizes()

    with pytest.raises(CommandError):
        _generate(**options)

    assert _table_sizes() == before


class Hung(Exception):
    pass


def _hung(signum, frame):
    raise Hung("generate_synthetic did not finish in 3 s")


@pytest.mark.parametrize("partner_countries", [0, 2])
def test_few_partner_countries_give_a_load_or_a_command_error(db, partner_countries):
    """Projects get one to three countries; with fewer partner countries (a
    region, not China) than that the command must still finish, or refuse
    with a CommandError saying what is missing, never hang or crash."""
    _generate(clear=True)
    Country.objects.all().delete()  # the module's, if it loaded them
    CountryFactory(iso3="CHN", iso2="CN", name="China", region="Asia")
    for _ in range(partner_countries):
        CountryFactory(region="Africa")
    before = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(3)
    try:
        _generate(projects=60, observations=60)
    except CommandError:
        assert not _synthetic_projects().exists()
    else:
        assert _synthetic_projects().count() == 60
        assert not _synthetic_projects().filter(countries__iso3="CHN").exists()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)


def test_clear_alone_on_an_empty_database_does_nothing(db):
    _countries()
    ProjectFactory()

    _generate(clear=True)

    assert Project.objects.count() == 1


# Search and pages


def test_search_finds_a_synthetic_project_by_a_word_of_its_name(loaded):
    for project in _synthetic_projects().order_by("pk")[:5]:
        word = max(project.name.replace("–", " ").split(), key=len)
        found = Project.objects.search(word)
        assert project in found, (word, project.name)
    # A word in no name finds nothing.
    assert not Project.objects.search("Zyxwvutsrq").exists()


def test_search_document_was_filled_for_every_synthetic_project(loaded):
    assert not _synthetic_projects().filter(search_document=None).exists()


def test_project_list_shows_synthetic_projects(client, loaded):
    first = _synthetic_projects().order_by("name", "pk").first()
    response = client.get(reverse("projects:list"))

    assert response.status_code == 200
    assert first.name in response.text
    assert f"{PROJECTS} projects" in response.text

    found = client.get(reverse("projects:list"), {"q": first.name})
    assert first.name in [p.name for p in found.context["projects"]]


def test_a_synthetic_project_page_shows_its_figures(client, loaded):
    project = _synthetic_projects().order_by("-figure_count", "pk").first()
    assert project.figure_count > 0

    response = client.get(reverse("projects:detail", args=[project.slug]))

    assert response.status_code == 200
    assert project.name in response.text
    shown = response.context["figures"]
    assert len(shown) == project.figure_count
    assert {f.pk for f in shown} == set(
        project.observations.published().values_list("pk", flat=True)
    )
    for source in Source.objects.filter(observations__in=shown).distinct()[:5]:
        assert source.title in response.text


def test_a_synthetic_source_with_text_renders_its_quotes(client, loaded):
    source = _synthetic_sources().exclude(text="").order_by("pk").first()
    figure = source.observations.published().first()

    response = client.get(reverse("sources:detail", args=[source.pk]))

    assert response.status_code == 200
    assert source.title in response.text
    assert figure.project.name in response.text
