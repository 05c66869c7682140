"""The seed data: idempotent, atomic, and faithful to the answer key and facts."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings

from countries.models import Country, PartnerAgreement
from projects.models import Metric, Milestone, Observation, Project
from projects.seeding import seed_all
from projects.seeding.mapping import map_fact
from sources.models import Source
from sources.text import quote_in_text

FIXTURES = settings.BASE_DIR / "fixtures"
ANSWER_KEY = json.loads((FIXTURES / "press_releases" / "answer_key.json").read_text())
FACTS = json.loads((FIXTURES / "bri_facts.json").read_text())
MODELS = [Country, Project, Milestone, Observation, PartnerAgreement, Source, Metric]


def _release(name):
    return Source.objects.get(external_id=f"press-releases/{name}")


def _answer_key_figures():
    for name, meta in ANSWER_KEY.items():
        if isinstance(meta, dict) and isinstance(meta.get("figures"), list):
            for figure in meta["figures"]:
                yield name, figure


@pytest.mark.django_db
def test_seed_second_run_changes_nothing(seeded):
    before = {model: model.objects.count() for model in MODELS}

    report = seed_all(fixtures_dir=FIXTURES)

    assert report.changed == 0
    assert {model: model.objects.count() for model in MODELS} == before


@pytest.mark.django_db
def test_seed_loads_the_expected_volumes(seeded):
    assert Country.objects.count() == 249
    assert Project.objects.count() == 14
    assert Source.objects.with_text().count() == 5
    assert Observation.objects.count() >= 250
    assert PartnerAgreement.objects.count() >= 20


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "figure"),
    list(_answer_key_figures()),
    ids=lambda item: item if isinstance(item, str) else item["metric"],
)
def test_seed_reproduces_every_answer_key_figure(seeded, name, figure):
    match = Observation.objects.get(
        source=_release(name),
        metric__key=figure["metric"],
        value=Decimal(str(figure["value"])),
        quote=figure["quote"],
    )

    assert match.project == (
        Project.objects.get(name=figure["project"]) if figure["project"] else None
    )
    assert match.qualifier == figure["qualifier"]
    assert match.period == figure["period"]
    expected_as_of = figure["as_of"] and date.fromisoformat(figure["as_of"])
    assert match.as_of == (expected_as_of or None)
    expected_change = figure.get("change_percent")
    assert match.change_percent == (
        Decimal(str(expected_change)) if expected_change is not None else None
    )


@pytest.mark.django_db
def test_seed_records_no_figure_the_answer_key_lacks(seeded):
    expected = {}
    for name, _figure in _answer_key_figures():
        expected[name] = expected.get(name, 0) + 1

    for name, count in expected.items():
        assert Observation.objects.filter(source=_release(name)).count() == count
    assert not Observation.objects.filter(source=_release(_duplicate_name())).exists()


def _duplicate_name():
    return next(n for n, m in ANSWER_KEY.items() if "same_article_as" in m)


@pytest.mark.django_db
def test_seed_every_quote_is_found_in_its_source_text(seeded):
    quoted = [
        *Observation.objects.exclude(quote="").select_related("source"),
        *Milestone.objects.exclude(quote="").select_related("source"),
        *PartnerAgreement.objects.exclude(quote="").select_related("source"),
    ]

    assert len(quoted) >= 25
    missing = [row for row in quoted if not quote_in_text(row.quote, row.source.text)]
    assert missing == []


@pytest.mark.django_db
def test_seed_every_row_passes_model_validation(seeded):
    for model in [Project, Milestone, Observation, PartnerAgreement, Source]:
        for row in model.objects.all():
            row.full_clean()


@pytest.mark.django_db
def test_seed_answer_key_milestones_and_agreements_exist(seeded):
    for name, meta in ANSWER_KEY.items():
        if not isinstance(meta, dict):
            continue
        for item in meta.get("milestones", []):
            milestone = Milestone.objects.get(
                source=_release(name), title=item["title"]
            )
            assert milestone.date == (item["on"] and date.fromisoformat(item["on"]))
            assert (milestone.project.name if milestone.project else None) == (
                item["project"]
            )
        for item in meta.get("agreements", []):
            agreement = PartnerAgreement.objects.get(
                source=_release(name), country__iso3=item["partner"]
            )
            assert agreement.signed_on is None


@pytest.mark.django_db
def test_seed_releases_repaired_dated_and_deduplicated(seeded):
    duplicate = _release(_duplicate_name())
    original = _release(ANSWER_KEY[_duplicate_name()]["same_article_as"])
    undated = _release("002_26bcc669322f025c.txt")

    assert duplicate.duplicate_of == original
    assert original.duplicate_of is None
    assert "â" not in duplicate.text and "■" in duplicate.text
    assert undated.published_on is None
    assert original.published_on == date(2025, 7, 23)


@pytest.mark.django_db
def test_seed_every_facts_figure_cites_its_reference_source(seeded):
    scoped = [(p["id"], o) for p in FACTS["projects"] for o in p["observations"]]
    scoped += [
        (None, o)
        for name in [
            "cooperation_documents_timeline",
            "engagement_totals_griffith_gfdc",
            "investment_and_trade_flows",
        ]
        for o in FACTS["initiative_wide"][name]
    ]

    for scope, fact in scoped:
        fields = map_fact(scope, fact)
        source = Source.objects.get(url=fact["url"])
        assert source.text == ""
        assert Observation.objects.filter(
            source=source,
            metric__key=fields["metric"],
            value=fields["value"],
            as_of=fields["as_of"],
            period=fields["period"],
        ).exists(), (scope, fact)


@pytest.mark.django_db
def test_seed_every_facts_cost_is_a_cost_figure_or_reported(seeded):
    for project in FACTS["projects"]:
        for cost in project["cost"]:
            rows = Observation.objects.filter(
                source__url=cost["url"], metric__key="cost_usd"
            )
            if cost["value_usd"] is None:
                assert any(project["id"] in line for line in seeded.not_recorded)
            else:
                assert rows.filter(value=Decimal(str(cost["value_usd"]))).exists()


@pytest.mark.django_db
def test_seed_source_titles_are_titles_not_bracketed_tags(seeded):
    """A source's title is its headline or a plain description of it
    ("<Publisher> article of <date>", "<host> page"), never a "[...]" tag."""
    bracketed = list(
        Source.objects.filter(title__startswith="[").values_list("url", "title")
    )

    assert bracketed == []


@pytest.mark.django_db
def test_seed_membership_withdrawals(seeded):
    italy = PartnerAgreement.objects.get(country__iso3="ITA")
    panama = PartnerAgreement.objects.get(country__iso3="PAN")

    assert italy.status == PartnerAgreement.Status.WITHDRAWN
    assert italy.ended_on == date(2023, 12, 3)
    assert panama.status == PartnerAgreement.Status.WITHDRAWN
    assert panama.ended_on == date(2025, 2, 6)
    assert (
        Milestone.objects.filter(
            country__iso3="PAN", kind=Milestone.Kind.MEMBERSHIP
        ).count()
        == 2
    )


@pytest.mark.django_db
def test_seed_projects_carry_facts_details(seeded):
    whoosh = Project.objects.get(slug="jakarta-bandung-high-speed-railway")

    assert "Whoosh" in whoosh.aliases
    assert set(whoosh.countries.values_list("iso3", flat=True)) == {"IDN", "CHN"}
    assert whoosh.opened_on == date(2023, 10, 2)
    assert "9.2 million" in whoosh.data_gaps
    assert whoosh.observations.filter(metric__key="cost_usd").count() == 3


PARTNERS_WITH_PROJECTS = ["KEN", "PAK", "LAO", "IDN", "RUS"]


@pytest.mark.django_db
def test_seed_partner_register_covers_countries_and_organisations_with_sources(
    seeded,
):
    agreements = PartnerAgreement.objects.all()
    countries = agreements.exclude(country=None).values("country").distinct()
    organisations = agreements.exclude(organization=None).values("organization")

    assert countries.count() >= 140
    assert organisations.distinct().count() >= 25
    assert not agreements.filter(source=None).exists()
    statuses = dict(
        Country.objects.with_partner_status()
        .filter(iso3__in=PARTNERS_WITH_PROJECTS)
        .values_list("iso3", "partner_status")
    )
    assert statuses == dict.fromkeys(PARTNERS_WITH_PROJECTS, "partner")
    first = Country.objects.with_partner_status().filter(
        iso3__in=PARTNERS_WITH_PROJECTS, first_signed_on__isnull=False
    )
    assert first.count() == len(PARTNERS_WITH_PROJECTS)


@pytest.mark.django_db
def test_seed_register_marks_disputed_signings_unclear_and_keeps_every_source(
    seeded,
):
    unclear = set(
        Country.objects.with_partner_status()
        .filter(partner_status="unclear")
        .values_list("iso3", flat=True)
    )
    austria = PartnerAgreement.objects.get(country__iso3="AUT")

    assert unclear == {"AUT", "COG", "NER", "PSE"}
    assert austria.status == PartnerAgreement.Status.UNCLEAR
    assert austria.note  # why it is unclear
    # Where sources disagree on a date, the others are named in the note.
    pakistan = PartnerAgreement.objects.filter(country__iso3="PAK").earliest(
        "signed_on"
    )
    assert "Also cited:" in pakistan.note
