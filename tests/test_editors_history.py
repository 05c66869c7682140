"""Change history with revert, and no lost updates when two editors save the
same record."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from projects.models import Observation, Project
from tests.factories import ObservationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _form_fields(form):
    """POST data that submits ``form`` as the browser shows it: unticked
    checkboxes left out, ``None`` sent as an empty field."""
    data = {}
    for bound_field in form:
        value = bound_field.value()
        if isinstance(value, bool):
            if value:
                data[bound_field.html_name] = "on"
        elif value is None:
            data[bound_field.html_name] = ""
        elif isinstance(value, (list, tuple)):
            data[bound_field.html_name] = [str(item) for item in value]
        elif isinstance(value, (datetime.date, Decimal, int)):
            data[bound_field.html_name] = str(value)
        else:
            data[bound_field.html_name] = value
    return data


def form_data(response, **changes):
    """The POST a browser would send from an admin change (or revert) page
    left as it was, with ``changes`` to the main form: the main form's
    fields, hidden ``loaded_version`` included, and every inline formset."""
    data = _form_fields(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(_form_fields(formset.management_form))
        for form in formset.forms:
            data.update(_form_fields(form))
    data.update(changes)
    return data


@pytest.fixture
def editors(django_user_model):
    group = Group.objects.get(name="Editors")
    users = []
    for name in ("ada", "ben"):
        user = django_user_model.objects.create_user(
            username=name, password="not-a-real-secret", is_staff=True
        )
        user.groups.add(group)
        users.append(user)
    return users


@pytest.fixture
def ada(client, editors):
    client.force_login(editors[0])
    return client


@pytest.fixture
def ben(editors):
    client = Client()
    client.force_login(editors[1])
    return client


def _change_url(figure):
    return reverse("admin:projects_observation_change", args=[figure.pk])


def _edit(client, figure, **changes):
    url = _change_url(figure)
    response = client.post(url, form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_change_form_carries_the_stored_version(ada):
    figure = ObservationFactory()
    Observation.objects.filter(pk=figure.pk).update(version=7)

    form = ada.get(_change_url(figure)).context["adminform"].form

    assert form["loaded_version"].value() == 7
    assert 'name="loaded_version" value="7"' in form["loaded_version"].as_hidden()


def test_history_page_lists_both_changes_with_their_editor(ada, editors):
    figure = ObservationFactory(value=1000)

    _edit(ada, figure, value="1200")
    _edit(ada, figure, value="1300", status="draft")

    figure.refresh_from_db()
    assert figure.value == 1300
    assert figure.version == 3
    records = list(figure.history.all())
    assert [r.history_type for r in records] == ["~", "~", "+"]
    assert [r.value for r in records] == [1300, 1200, 1000]
    assert [r.history_user for r in records[:2]] == [editors[0], editors[0]]

    response = ada.get(reverse("admin:projects_observation_history", args=[figure.pk]))

    assert response.status_code == 200
    assert "3 entries" in response.text
    rows = response.context["page_obj"].object_list
    assert [r.get_history_type_display() for r in rows] == [
        "Changed",
        "Changed",
        "Created",
    ]
    assert [str(r.history_user) for r in rows[:2]] == ["ada", "ada"]
    assert response.text.count(">ada</a>") == 2
    assert rows[0].history_delta_changes == [
        {"field": "Status", "old": "published", "new": "draft"},
        {"field": "Value", "old": "1200.0000", "new": "1300.0000"},
    ]
    assert rows[1].history_delta_changes == [
        {"field": "Value", "old": "1000.0000", "new": "1200.0000"},
    ]
    assert "<strong>Value:</strong>" in response.text
    for record in rows[:2]:
        link = reverse(
            "admin:projects_observation_simple_history",
            args=[figure.pk, record.history_id],
        )
        assert link in response.text


def test_revert_restores_the_old_value_and_records_it(ada, editors):
    figure = ObservationFactory(value=1000)
    _edit(ada, figure, value="1200")
    original = figure.history.earliest()
    url = reverse(
        "admin:projects_observation_simple_history",
        args=[figure.pk, original.history_id],
    )

    page = ada.get(url)

    assert page.status_code == 200
    form = page.context["adminform"].form
    assert Decimal(form["value"].value()) == 1000
    assert form["loaded_version"].value() == 2  # the stored one, not 1

    response = ada.post(url, form_data(page))

    assert response.status_code == 302, response.context["adminform"].form.errors
    figure.refresh_from_db()
    assert figure.value == 1000
    assert figure.version == 3
    latest = figure.history.first()
    assert latest.value == 1000
    assert latest.history_user == editors[0]
    assert figure.history.count() == 3


def test_revert_over_a_newer_save_is_refused(ada, ben):
    figure = ObservationFactory(value=1000)
    _edit(ada, figure, value="1200")
    url = reverse(
        "admin:projects_observation_simple_history",
        args=[figure.pk, figure.history.earliest().history_id],
    )
    page = ada.get(url)
    _edit(ben, figure, value="1500")

    response = ada.post(url, form_data(page))

    assert response.status_code == 200
    assert "Someone else saved this observation" in response.text
    figure.refresh_from_db()
    assert figure.value == 1500


def test_second_editor_saving_a_stale_figure_is_refused(ada, ben):
    figure = ObservationFactory(value=1000)
    url = _change_url(figure)
    page_a, page_b = ada.get(url), ben.get(url)
    assert page_a.context["adminform"].form["loaded_version"].value() == 1
    assert page_b.context["adminform"].form["loaded_version"].value() == 1

    first = ada.post(url, form_data(page_a, value="1200"))
    second = ben.post(url, form_data(page_b, value="1500"))

    assert first.status_code == 302
    assert second.status_code == 200
    errors = second.context["adminform"].form.non_field_errors()
    assert len(errors) == 1
    assert errors[0].startswith(
        "Someone else saved this observation while you were editing it. "
        "Changed meanwhile: value: 1000 → 1200."
    )
    assert "Your changes were not saved" in errors[0]
    assert "Someone else saved" in second.text
    assert "value: 1000 → 1200" in second.text
    figure.refresh_from_db()
    assert figure.value == 1200
    assert figure.version == 2
    assert figure.history.count() == 2


def test_stale_save_names_every_field_changed_meanwhile(ada, ben):
    figure = ObservationFactory(value=1000, status="draft")
    url = _change_url(figure)
    page_b = ben.get(url)
    _edit(ada, figure, value="1200", status="published")

    response = ben.post(url, form_data(page_b, note="checked"))

    assert response.status_code == 200
    assert "value: 1000 → 1200" in response.text
    assert "status: draft → published" in response.text
    figure.refresh_from_db()
    assert figure.note == ""
    assert figure.status == "published"


def test_reloaded_form_after_a_conflict_saves(ada, ben):
    figure = ObservationFactory(value=1000)
    url = _change_url(figure)
    page_b = ben.get(url)
    _edit(ada, figure, value="1200")
    assert ben.post(url, form_data(page_b, value="1500")).status_code == 200

    _edit(ben, figure, value="1500")

    figure.refresh_from_db()
    assert figure.value == 1500
    assert figure.version == 3


def test_second_editor_saving_a_stale_project_is_refused(ada, ben):
    project = ProjectFactory(name="Old name", summary="First summary.")
    ObservationFactory(project=project)
    url = reverse("admin:projects_project_change", args=[project.pk])
    page_a, page_b = ada.get(url), ben.get(url)
    prefixes = {
        inline.formset.prefix for inline in page_a.context["inline_admin_formsets"]
    }
    assert prefixes == {"milestones", "observations"}

    first = ada.post(url, form_data(page_a, summary="Second summary."))
    second = ben.post(url, form_data(page_b, name="New name"))

    assert first.status_code == 302, first.context["adminform"].form.errors
    assert second.status_code == 200
    assert "Someone else saved this project while you were editing it." in second.text
    assert "summary: First summary. → Second summary." in second.text
    project.refresh_from_db()
    assert project.name == "Old name"
    assert project.summary == "Second summary."
    assert project.version == 2


def test_project_without_inline_rows_saves_with_empty_formsets(ada):
    project = ProjectFactory(summary="First summary.")
    url = reverse("admin:projects_project_change", args=[project.pk])
    page = ada.get(url)
    data = {
        **form_data(page, summary="Second summary."),
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "observations-TOTAL_FORMS": "0",
        "observations-INITIAL_FORMS": "0",
    }

    response = ada.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.summary == "Second summary."
    assert Project.history.filter(id=project.pk).count() == 2
