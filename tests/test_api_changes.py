"""The change feed, /api/changes/: what changed since a moment or a release,
with old and new values, oldest first, paged by cursor; drafts never show."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from opendata.models import Release
from projects.models import Observation
from tests.factories import (
    CountryFactory,
    ObservationFactory,
    PartnerAgreementFactory,
    ProjectFactory,
)
from tests.test_editors_history import form_data

pytestmark = pytest.mark.django_db

FEED = "/api/changes/"


def _feed(client, **params):
    response = client.get(FEED, params)
    assert response.status_code == 200, response.content
    return response.json()


def _all(client, **params):
    """Every entry, following ``next`` to the end."""
    page = _feed(client, **params)
    entries = page["results"]
    while page["next"]:
        response = client.get(page["next"])
        assert response.status_code == 200
        page = response.json()
        entries += page["results"]
    return entries


def _of(entries, kind, record_id):
    return [
        (e["action"], e["changes"])
        for e in entries
        if e["kind"] == kind and e["id"] == record_id
    ]


@pytest.fixture
def start():
    """A moment before the test's changes."""
    return (timezone.now() - timedelta(seconds=1)).isoformat()


def test_an_edit_made_through_the_admin_shows_with_old_and_new_value(
    client, django_user_model
):
    figure = ObservationFactory(value=1000)
    since = timezone.now().isoformat()
    editor = django_user_model.objects.create_user(
        username="ada", password="not-a-real-secret", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    admin = client.__class__()
    admin.force_login(editor)
    url = reverse("admin:projects_observation_change", args=[figure.pk])
    response = admin.post(url, form_data(admin.get(url), value="1250"))
    assert response.status_code == 302

    entries = _feed(client, since=since)["results"]

    assert [(e["kind"], e["id"], e["action"]) for e in entries] == [
        ("figure", figure.pk, "changed")
    ]
    assert entries[0]["changes"] == {"value": {"old": "1000", "new": "1250"}}
    assert entries[0]["url"].endswith(f"/api/figures/{figure.pk}/")
    assert "ada" not in str(entries)  # never who


def test_created_changed_and_removed_records_of_every_kind(client, start):
    country = CountryFactory(iso3="KEN", name="Kenya")
    agreement = PartnerAgreementFactory(country=country)
    project = ProjectFactory(name="Mombasa-Nairobi SGR", slug="sgr")
    project.countries.add(country)
    project.name = "Mombasa-Nairobi Standard Gauge Railway"
    project.save()
    agreement_id = agreement.pk
    agreement.delete()

    entries = _all(client, since=start)

    country_entries = _of(entries, "country", country.pk)
    assert country_entries[0][0] == "created"
    assert country_entries[0][1]["name"] == {"old": None, "new": "Kenya"}
    project_entries = _of(entries, "project", project.pk)
    assert [action for action, _ in project_entries] == ["created", "changed"]
    assert project_entries[1][1] == {
        "name": {
            "old": "Mombasa-Nairobi SGR",
            "new": "Mombasa-Nairobi Standard Gauge Railway",
        }
    }
    assert [a for a, _ in _of(entries, "agreement", agreement_id)] == [
        "created",
        "removed",
    ]
    removed = next(
        e for e in entries if e["kind"] == "agreement" and e["action"] == "removed"
    )
    assert removed["url"] is None
    created = next(e for e in entries if e["kind"] == "project")
    assert created["key"] == "sgr"


def test_figures_show_as_the_public_saw_them(client, start):
    """A draft's values never show: its edits are silent, publishing it is
    "published" with the values, unpublishing and deleting say so alone."""
    draft = ObservationFactory(
        status=Observation.Status.DRAFT, value=5, counted="secret draft"
    )
    draft.value = Decimal("6")
    draft.save()
    draft.status = Observation.Status.PUBLISHED
    draft.counted = "now public"
    draft.save()
    draft.status = Observation.Status.DRAFT
    draft.value = Decimal("999")
    draft.save()
    public = ObservationFactory(value=10)
    public_id = public.pk
    public.delete()
    never = ObservationFactory(status=Observation.Status.DRAFT, counted="never public")
    never_id = never.pk
    never.delete()

    entries = _all(client, since=start)

    shown = _of(entries, "figure", draft.pk)
    assert [action for action, _ in shown] == ["published", "unpublished"]
    assert shown[0][1]["value"]["new"] == "6"
    assert shown[0][1]["counted"]["new"] == "now public"
    assert shown[1][1] == {}
    assert [a for a, _ in _of(entries, "figure", public_id)] == ["created", "removed"]
    assert _of(entries, "figure", never_id) == []
    text = str(entries)
    assert (
        "secret draft" not in text and "never public" not in text and "999" not in text
    )
    assert all("status" not in changes for _, changes in shown)


def test_paging_visits_every_change_once_in_order(client, start):
    figures = [ObservationFactory(value=n) for n in range(7)]

    entries = _all(client, since=start, limit=2)

    figure_ids = [e["id"] for e in entries if e["kind"] == "figure"]
    assert figure_ids == [f.pk for f in figures]
    times = [e["at"] for e in entries]
    assert times == sorted(times)


def test_relations_are_named_by_their_api_key(client, start):
    figure = ObservationFactory(project=ProjectFactory(slug="khorgos-gateway"))

    entry = next(e for e in _all(client, since=start) if e["kind"] == "figure")

    assert entry["id"] == figure.pk
    assert entry["changes"]["project"]["new"] == "khorgos-gateway"
    assert entry["changes"]["metric"]["new"] == "passengers"
    assert entry["changes"]["source"]["new"] == figure.source_id


def test_since_a_day_and_nothing_after_now(client):
    ObservationFactory()
    today = timezone.now().date().isoformat()

    assert _feed(client, since=today)["results"]
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert _feed(client, since=later) == {
        "since": later,
        "next": None,
        "results": [],
    }


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "since", "Give a timestamp"),
        ({"since": "yesterday"}, "since", "neither an ISO 8601 timestamp"),
        ({"since": "2026-13-45"}, "since", "neither an ISO 8601 timestamp"),
        ({"since": "1999.1.0"}, "since", "No data release 1999.1.0"),
        ({"cursor": "not-ours"}, "cursor", "not one the feed gave"),
        ({"since": "2026-01-01", "limit": "0"}, "limit", "From 1 to 1000"),
        ({"since": "2026-01-01", "limit": "ten"}, "limit", "A whole number"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(client, params, field, message):
    response = client.get(FEED, params)

    assert response.status_code == 400
    assert message in str(response.json()[field])


def test_the_query_count_does_not_grow_with_the_changes(
    client, start, django_assert_max_num_queries
):
    for n in range(3):
        ObservationFactory(value=n)
    with django_assert_max_num_queries(20) as few:
        _feed(client, since=start)
    for n in range(30):
        ObservationFactory(value=n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        _feed(client, since=start)


def test_since_a_release_lists_what_changed_after_it(client):
    before = ObservationFactory(value=1)
    Release.objects.create(
        version="2026.12.0",
        created_at=timezone.now(),
        total_bytes=0,
        path="2026.12.0",
        datapackage_sha256="0" * 64,
    )
    after = ObservationFactory(value=2)

    entries = _feed(client, since="2026.12.0")["results"]

    figures = [e["id"] for e in entries if e["kind"] == "figure"]
    assert figures == [after.pk]
    assert before.pk not in figures
