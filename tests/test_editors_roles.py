"""Who may do what: editors add and change the data, only superusers delete,
nobody but superusers touches users and groups, visitors only read."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import strip_tags

from projects.models import Metric, Observation
from tests.factories import (
    ObservationFactory,
    PartnerAgreementFactory,
    ProjectFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

ADD = reverse("admin:projects_observation_add")


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="editor", password="not-a-real-secret", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def _figure_data(**changes):
    return {
        "metric": Metric.objects.get(key="passengers").pk,
        "project": ProjectFactory().pk,
        "value": "1000",
        "qualifier": "exact",
        "status": "draft",
        "as_of": "2024-06-30",
        "as_of_precision": "day",
        "period": "cumulative",
        "source": SourceFactory().pk,
        **changes,
    }


def _change_data(figure, form, **changes):
    """The change form's POST for ``figure`` as the editor opened it."""
    return {
        "metric": figure.metric_id,
        "project": figure.project_id or "",
        "value": str(figure.value),
        "qualifier": figure.qualifier,
        "status": figure.status,
        "as_of": figure.as_of.isoformat(),
        "as_of_precision": figure.as_of_precision,
        "period": figure.period,
        "source": figure.source_id,
        "loaded_version": form["loaded_version"].value(),
        **changes,
    }


def test_editors_group_grants_add_change_view_but_no_delete(editor):
    assert editor.has_perm("projects.add_observation")
    assert editor.has_perm("projects.change_observation")
    assert editor.has_perm("projects.view_observation")
    assert editor.has_perm("countries.change_partneragreement")
    assert editor.has_perm("sources.change_source")
    assert not editor.has_perm("projects.delete_observation")
    assert not editor.has_perm("auth.view_user")
    assert not editor.has_perm("auth.change_group")


def test_editor_opens_the_observation_add_form(editor_client):
    response = editor_client.get(ADD)

    assert response.status_code == 200
    assert "Add observation" in response.text


def test_editor_adds_a_figure_recorded_in_history_as_theirs(editor_client, editor):
    response = editor_client.post(ADD, _figure_data())

    assert response.status_code == 302, response.context["adminform"].form.errors
    figure = Observation.objects.get()
    assert figure.value == 1000
    record = figure.history.get()
    assert record.history_type == "+"
    assert record.history_user == editor


def test_editor_changes_a_figure(editor_client, editor):
    figure = ObservationFactory(value=1000)
    url = reverse("admin:projects_observation_change", args=[figure.pk])
    form = editor_client.get(url).context["adminform"].form

    response = editor_client.post(url, _change_data(figure, form, value="1200"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    figure.refresh_from_db()
    assert figure.value == 1200
    assert figure.version == 2
    assert figure.history.first().history_user == editor


@pytest.mark.parametrize(
    ("name", "factory"),
    [
        ("projects_project", ProjectFactory),
        ("sources_source", SourceFactory),
        ("countries_partneragreement", PartnerAgreementFactory),
    ],
)
def test_editor_views_and_opens_projects_sources_and_agreements(
    editor_client, name, factory
):
    row = factory()

    changelist = editor_client.get(reverse(f"admin:{name}_changelist"))
    change = editor_client.get(reverse(f"admin:{name}_change", args=[row.pk]))

    assert changelist.status_code == 200
    assert change.status_code == 200
    # A change form, not a read-only view: the editor may save.
    assert change.context["has_change_permission"] is True
    assert 'name="_save"' in change.text


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:auth_user_changelist",
        "admin:auth_user_add",
        "admin:auth_group_changelist",
        "admin:auth_group_add",
    ],
)
def test_editor_cannot_open_user_or_group_admin(editor_client, url_name):
    assert editor_client.get(reverse(url_name)).status_code == 403


def test_editor_cannot_open_the_user_change_page(editor_client, editor):
    url = reverse("admin:auth_user_change", args=[editor.pk])

    assert editor_client.get(url).status_code == 403


def test_editor_admin_index_lists_no_users_or_groups(editor_client):
    response = editor_client.get(reverse("admin:index"))

    assert response.status_code == 200
    apps = {app["app_label"] for app in response.context["app_list"]}
    assert "auth" not in apps
    assert {"projects", "countries", "sources"} <= apps


def test_editor_cannot_delete_a_figure(editor_client):
    figure = ObservationFactory()
    url = reverse("admin:projects_observation_delete", args=[figure.pk])

    assert editor_client.get(url).status_code == 403
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    assert Observation.objects.filter(pk=figure.pk).exists()


def test_editor_change_form_has_no_delete_link(editor_client):
    figure = ObservationFactory()
    url = reverse("admin:projects_observation_change", args=[figure.pk])

    response = editor_client.get(url)

    assert response.status_code == 200
    assert "deletelink" not in response.text


def test_editor_changelist_offers_no_bulk_delete(editor_client):
    figure = ObservationFactory()
    changelist = reverse("admin:projects_observation_changelist")

    response = editor_client.get(changelist)

    assert response.status_code == 200
    actions = [
        name for name, _ in response.context["action_form"].fields["action"].choices
    ]
    assert "delete_selected" not in actions
    assert "publish" in actions
    # Forcing the action anyway does nothing.
    editor_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [figure.pk], "post": "yes"},
    )
    assert Observation.objects.filter(pk=figure.pk).exists()


def test_superuser_deletes_a_figure(admin_client):
    figure = ObservationFactory()
    url = reverse("admin:projects_observation_delete", args=[figure.pk])

    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Observation.objects.filter(pk=figure.pk).exists()


def test_superuser_changelist_offers_bulk_delete(admin_client):
    ObservationFactory()

    response = admin_client.get(reverse("admin:projects_observation_changelist"))

    actions = [
        name for name, _ in response.context["action_form"].fields["action"].choices
    ]
    assert "delete_selected" in actions


def test_anonymous_admin_index_redirects_to_login(client):
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_anonymous_post_to_add_figure_changes_nothing(client):
    response = client.post(ADD, _figure_data())

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert Observation.objects.count() == 0


def test_non_staff_user_cannot_reach_the_admin(client, django_user_model):
    user = django_user_model.objects.create_user(username="reader", password="x")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)

    response = client.post(ADD, _figure_data())

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert Observation.objects.count() == 0


def test_anonymous_reads_the_public_pages(client):
    figure = ObservationFactory(value=1000)

    projects = client.get("/projects/")
    detail = client.get(reverse("projects:detail", args=[figure.project.slug]))

    assert projects.status_code == 200
    assert figure.project.name in projects.text
    assert detail.status_code == 200


def _drafts_notice(response):
    """The visible text of the admin index's drafts notice, or None."""
    match = re.search(r'<p class="drafts-notice">(.*?)</p>', response.text, re.S)
    return " ".join(strip_tags(match.group(1)).split()) if match else None


def test_admin_index_shows_editors_the_number_of_drafts(editor_client):
    ObservationFactory.create_batch(3, status="draft")
    ObservationFactory(status="published")

    response = editor_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert _drafts_notice(response).startswith("3 draft figures awaiting review")
    link = re.search(r'class="drafts-notice"><a href="([^"]+)"', response.text)
    drafts = editor_client.get(link.group(1).replace("&amp;", "&"))
    assert drafts.context["cl"].result_count == 3


def test_admin_index_drafts_notice_is_singular_for_one(editor_client):
    ObservationFactory(status="draft")

    response = editor_client.get(reverse("admin:index"))

    assert _drafts_notice(response).startswith("1 draft figure awaiting review")


def test_admin_index_has_no_drafts_notice_without_drafts(editor_client):
    ObservationFactory(status="published")

    response = editor_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert _drafts_notice(response) is None
