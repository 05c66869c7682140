"""The smaller items of issue 15: NUL in addresses, release sizes, the
public change log after unpublishing, exports with invalid filters, and
agreements signed in the future."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from projects.models import Observation
from tests.factories import (
    CountryFactory,
    ObservationFactory,
    PartnerAgreementFactory,
    ProjectFactory,
)
from tests.helpers import committed

pytestmark = pytest.mark.django_db

ADD_RELEASE = reverse("admin:projects_figurecandidate_add_release")


# NUL in the address: 400, never a database error.


@pytest.mark.parametrize(
    "url",
    [
        "/countries/%00/",
        "/countries/%00/feed/",
        "/countries/%00/export.csv",
        "/countries/%00/report/",
        "/countries/CHN%00/",
        "/projects/%00/",
        "/figures/?q=%00",
        "/figures/export.csv?project=a%00b",
        "/projects/?q%00=x",
        "/sources/?publisher=%00",
        "/agreements/export.json?country=%00",
        "/projects/lookup.json?q=%00",
        "/admin/projects/project/?q=%00",
        "/embed/%00/",
    ],
)
def test_nul_in_the_address_is_a_bad_request(client, url):
    CountryFactory(iso3="CHN")
    assert client.get(url).status_code == 400


def test_nul_in_a_cookie_is_a_bad_request(client):
    client.cookies["sessionid"] = "abcdefgh\x00"
    assert client.get("/countries/").status_code == 400


def test_admin_search_with_nul_is_a_bad_request(admin_client):
    response = admin_client.get("/admin/projects/project/", {"q": "a\x00"})
    assert response.status_code == 400


# Release sizes: the real size and the limit, and the form again.


def test_big_upload_states_its_real_size(admin_client):
    upload = SimpleUploadedFile("release.txt", b"x" * 5_300_000)
    response = admin_client.post(ADD_RELEASE, {"upload": upload})
    assert response.status_code == 200
    assert "The file is 5.3 MB; a press release must be under 2 MB." in (response.text)


def test_text_over_the_limit_is_refused_with_its_size_and_kept(admin_client):
    text = "Railway news. " * 160_000  # 2.24 MB: Django reads it
    response = admin_client.post(ADD_RELEASE, {"text": text})
    assert response.status_code == 200
    assert "The text is 2.2 MB; a press release must be under 2 MB." in response.text
    assert response.context["form"]["text"].value() == text


def test_text_over_djangos_limit_gets_the_form_with_the_reason(admin_client):
    response = admin_client.post(ADD_RELEASE, {"text": "x" * 3_000_000})
    assert response.status_code == 413
    assert "The text is 3.0 MB; a press release must be under 2 MB." in response.text
    assert "It could not be kept" in response.text
    assert 'name="text"' in response.text  # the form, to paste again
    assert "Bad Request" not in response.text


def test_text_over_djangos_limit_from_a_visitor_is_still_a_400(client):
    response = client.post(ADD_RELEASE, {"text": "x" * 3_000_000})
    assert response.status_code == 400
    assert 'name="text"' not in response.text


# The public change log: a figure returned to draft is removed from it.


def _history(client, project):
    response = client.get(reverse("projects:history", args=[project.slug]))
    entries = response.context["entries"]
    return [(e["type"], e["what"]) for e in entries if e["what"] != "Project facts"]


def test_change_log_shows_a_figure_returned_to_draft_as_removed(client):
    project = ProjectFactory()
    figure = ObservationFactory(project=project, value=4321, as_of=date(2024, 1, 1))
    figure.status = Observation.Status.DRAFT
    figure.value = 98765
    figure.as_of = date(2025, 6, 1)
    figure.save()

    log = _history(client, project)
    label = f"Passengers as of 1 Jan 2024 (figure #{figure.pk})"
    assert log == [("removed", label), ("added", label)]
    text = client.get(reverse("projects:history", args=[project.slug])).text
    assert "98,765" not in text and "Jun 2025" not in text

    with committed():  # the page cache renews on commit
        figure.status = Observation.Status.PUBLISHED
        figure.save()
    log = _history(client, project)
    assert log[0] == (
        "added",
        f"Passengers as of 1 Jun 2025 (figure #{figure.pk})",
    )


def test_change_log_never_shows_a_draft_that_was_never_published(client):
    project = ProjectFactory()
    draft = ObservationFactory(project=project, status=Observation.Status.DRAFT)
    draft.value = 5
    draft.save()
    draft.delete()
    assert _history(client, project) == []


# Exports with invalid filters: a 400 naming them, not an empty file.


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/figures/export.csv?from_year=notayear", "from_year"),
        ("/figures/export.csv?qualifier=nope", "qualifier"),
        ("/projects/export.csv?sector=nope", "sector"),
        ("/countries/export.csv?status=nope", "status"),
        ("/agreements/export.csv?year=x", "year"),
        ("/sources/export.csv?stored=maybe", "stored"),
    ],
)
def test_export_with_invalid_filters_is_a_400_naming_them(client, url, field):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert f"{field}: " in response.text


def test_json_export_with_invalid_filters_lists_the_errors(client):
    response = client.get("/figures/export.json?from_year=x&period=nope")
    assert response.status_code == 400
    assert set(json.loads(response.content)["errors"]) == {"from_year", "period"}


def test_export_with_valid_filters_still_downloads(client):
    ObservationFactory()
    response = client.get("/figures/export.csv?qualifier=exact")
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content).splitlines()) == 2


# Agreements signed in the future are refused.


def test_agreement_signed_in_the_future_is_refused():
    agreement = PartnerAgreementFactory.build(
        country=CountryFactory(), signed_on=date(2030, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert error.value.message_dict["signed_on"] == [
        "The signing date 1 Jan 2030 is in the future: record an agreement once "
        "it is signed."
    ]


def test_agreement_signed_today_is_accepted():
    agreement = PartnerAgreementFactory.build(
        country=CountryFactory(), signed_on=timezone.localdate()
    )
    agreement.full_clean()
    agreement.signed_on += timedelta(days=1)
    with pytest.raises(ValidationError):
        agreement.full_clean()
