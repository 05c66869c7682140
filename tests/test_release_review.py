"""From a pasted release to reviewed figures, in the admin and on the
command line."""

import io
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from projects.ingest import candidate_accept, candidate_reject, release_ingest
from projects.models import FigureCandidate, Observation
from sources.models import Source
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

RELEASE = (
    "Railway carries more passengers\n\n"
    "VIENTIANE, March 3 (Xinhua) -- The Laos railway has carried more than 2.5 "
    "million passengers since it opened, officials said on Tuesday.\n\n"
    "The line also moved 40,000 tonnes of cargo in 2025.\n"
)
ADD = reverse("admin:projects_figurecandidate_add_release")
REVIEW = reverse("admin:projects_figurecandidate_changelist")


@pytest.fixture
def railway():
    return ProjectFactory(name="Laos railway", aliases=["Laos-China Railway"])


def test_release_ingest_stores_the_source_and_proposes_its_figures(railway):
    source, created, candidates = release_ingest(
        raw=RELEASE, publisher="Xinhua", published_on=date(2026, 3, 4)
    )

    assert created
    keys = {(c.metric.key, c.value) for c in candidates}
    assert ("passengers", 2_500_000) in keys
    passengers = next(c for c in candidates if c.metric.key == "passengers")
    assert passengers.qualifier == "more_than"
    assert passengers.project == railway
    assert passengers.quote in source.text
    assert passengers.extracted["value"] == 2500000


def test_release_ingest_twice_adds_nothing(railway):
    release_ingest(raw=RELEASE)

    source, created, candidates = release_ingest(raw="Menu\n" + RELEASE)

    assert not created and candidates == []
    assert Source.objects.count() == 1


def test_accepting_a_proposal_makes_a_quoted_draft_figure(railway, admin_user):
    _, _, candidates = release_ingest(raw=RELEASE, published_on=date(2026, 3, 4))
    candidate = next(c for c in candidates if c.metric.key == "passengers")

    figure = candidate_accept(candidate, user=admin_user)

    candidate.refresh_from_db()
    assert figure.status == Observation.Status.DRAFT
    assert figure.quote == candidate.quote
    assert candidate.decision == "accepted" and candidate.observation == figure
    assert candidate.edited is False


def test_an_edited_then_accepted_proposal_counts_as_edited(railway, admin_user):
    _, _, candidates = release_ingest(raw=RELEASE, published_on=date(2026, 3, 4))
    candidate = next(c for c in candidates if c.metric.key == "passengers")
    candidate.qualifier = "exact"

    candidate_accept(candidate, user=admin_user)

    out = io.StringIO()
    call_command("extraction_report", stdout=out)
    assert "passengers" in out.getvalue() and "100%" in out.getvalue()
    candidate.refresh_from_db()
    assert candidate.edited is True


def test_rejecting_keeps_the_reason(railway, admin_user):
    _, _, candidates = release_ingest(raw=RELEASE, published_on=date(2026, 3, 4))

    candidate_reject(candidates[0], user=admin_user, reason="Not a BRI figure")

    candidates[0].refresh_from_db()
    assert candidates[0].decision == "rejected"
    assert candidates[0].reject_reason == "Not a BRI figure"


def test_admin_add_release_then_review_in_one_screen(admin_client, railway):
    response = admin_client.post(
        ADD, {"text": RELEASE, "publisher": "Xinhua", "published_on": "2026-03-04"}
    )

    source = Source.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{REVIEW}?source__id__exact={source.pk}"
    review = admin_client.get(response["Location"])
    assert review.status_code == 200
    assert "<mark>" in review.text
    assert "2.5" in review.text


def test_admin_bulk_accept_and_publish(admin_client, railway):
    admin_client.post(ADD, {"text": RELEASE, "published_on": "2026-03-04"})
    pending = list(FigureCandidate.objects.values_list("pk", flat=True))

    admin_client.post(
        REVIEW,
        {"action": "accept_and_publish", "_selected_action": pending, "index": 0},
    )

    assert Observation.objects.published().count() == len(pending)
    assert not FigureCandidate.objects.filter(decision="pending").exists()


@pytest.mark.parametrize(
    ("data", "files", "message"),
    [
        ({"text": "   "}, {}, "Paste the release"),
        ({}, {"upload": SimpleUploadedFile("x.txt", b"\x00\x01binary")}, "binary"),
        (
            {},
            {"upload": SimpleUploadedFile("x.txt", "café".encode("latin-1"))},
            "UTF-8",
        ),
    ],
)
def test_admin_add_release_bad_input_stores_nothing(admin_client, data, files, message):
    response = admin_client.post(ADD, {**data, **files})

    assert response.status_code == 200
    assert message in response.text
    assert not Source.objects.exists()


def test_editors_may_add_a_release(client, django_user_model):
    editor = django_user_model.objects.create_user("ed", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)

    assert client.get(ADD).status_code == 200


def test_ingest_release_command(tmp_path, railway):
    path = tmp_path / "release.txt"
    path.write_text(RELEASE)
    out = io.StringIO()

    call_command("ingest_release", str(path), "--publisher", "Xinhua", stdout=out)

    assert "proposed figures to review" in out.getvalue()
    assert FigureCandidate.objects.exists()
