"""Drafts stay off the public pages; the public history shows values only."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import ObservationFactory, ProjectFactory, ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory(name="China-Laos Railway", slug="china-laos-railway")


def test_draft_figures_are_not_public(client, project):
    release = ReleaseFactory()
    draft = ObservationFactory(
        project=project,
        value=7_777_777,
        status="draft",
        source=release,
        quote="served more than 10 million passengers",
    )

    pages = [
        reverse("projects:detail", args=[project.slug]),
        reverse("figures:list"),
        reverse("sources:detail", args=[release.pk]),
        reverse("projects:feed", args=[project.slug]),
    ]
    for url in pages:
        assert "7.78M" not in client.get(url).text, url
    assert f'id="quote-{draft.pk}"' not in client.get(pages[2]).text
    assert client.get(reverse("figures:detail", args=[draft.pk])).status_code == 404
    listed = client.get(reverse("projects:list")).context["projects"]
    assert [p.figure_count for p in listed] == [0]


def test_published_figure_is_public(client, project):
    figure = ObservationFactory(project=project, value=7_777_777)

    assert "7.78M" in client.get(reverse("projects:detail", args=[project.slug])).text
    assert client.get(reverse("figures:detail", args=[figure.pk])).status_code == 200


def test_project_history_lists_changes_without_users(
    client, project, django_user_model
):
    editor = django_user_model.objects.create_user(
        "jane.editor", "jane@example.org", "pw"
    )
    figure = ObservationFactory(project=project, value=1000, as_of=date(2024, 1, 1))
    figure.value = 1200
    figure._history_user = editor
    figure.save()
    ObservationFactory(project=project, value=5555, status="draft")

    response = client.get(reverse("projects:history", args=[project.slug]))

    assert response.status_code == 200
    assert "1,000 passengers</del> → 1,200 passengers" in response.text
    assert "Cumulative to date" in response.text  # a choice by its label
    assert "5555" not in response.text
    assert figure.history.first().history_user == editor
    assert "jane" not in response.text


def test_project_history_query_count_is_fixed(
    client, project, django_assert_max_num_queries
):
    for n in range(20):
        figure = ObservationFactory(project=project, value=n)
        figure.value = n + 100
        figure.save()

    with django_assert_max_num_queries(8):
        client.get(reverse("projects:history", args=[project.slug]))


def test_project_history_unknown_project_is_404(client):
    assert client.get(reverse("projects:history", args=["nope"])).status_code == 404
