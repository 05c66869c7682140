"""No lost updates on every page an editor saves from: a figure's row on its
project's page, the rows of an editable list, and the change pages of
metrics, countries, organisations and dashboard cards, which also get a
change history with revert (issue 15)."""

import importlib
import json

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse

from countries.models import Country
from countries.services import countries_load
from dashboard import data as dashboard_data
from projects.models import (
    CODE_METRIC_KEYS,
    DashboardCard,
    Metric,
    Observation,
    Project,
)
from tests.factories import (
    CountryFactory,
    ObservationFactory,
    OrganizationFactory,
)
from tests.test_editors_history import form_data

pytestmark = pytest.mark.django_db


def _client(django_user_model, name, **extra):
    user = django_user_model.objects.create_user(
        username=name, password="not-a-real-secret", is_staff=True, **extra
    )
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ada(django_user_model):
    return _client(django_user_model, "ada")


@pytest.fixture
def ben(django_user_model):
    return _client(django_user_model, "ben")


@pytest.fixture
def root(django_user_model):
    return _client(django_user_model, "root", is_superuser=True)


def _save(client, url, **changes):
    response = client.post(url, form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def _project_url(project):
    return reverse("admin:projects_project_change", args=[project.pk])


def _figure_url(figure):
    return reverse("admin:projects_observation_change", args=[figure.pk])


# A figure as a row of its project's page


def test_stale_inline_figure_is_refused_naming_the_row(ada, ben):
    figure = ObservationFactory(value=1000)
    project = figure.project
    page = ada.get(_project_url(project))
    _save(ben, _figure_url(figure), value="1500")

    response = ada.post(
        _project_url(project), form_data(page, summary="Ada's summary.")
    )

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][1].formset.forms[0].errors
    assert errors["__all__"] == [
        f"Observation #{figure.pk} “{Observation.objects.get()}”: Someone else "
        "saved this observation while you were editing it. Changed meanwhile: "
        "value: 1000 → 1500. Your changes were not saved: reload the page to see "
        "the current version, then make them again."
    ]
    assert f"Observation #{figure.pk}" in response.text
    assert "value: 1000 → 1500" in response.text
    figure.refresh_from_db()
    project.refresh_from_db()
    assert (figure.value, figure.version, figure.history.count()) == (1500, 2, 2)
    assert (project.summary, project.version) == ("", 1)


def test_stale_inline_figure_edited_in_the_row_is_refused(ada, ben):
    figure = ObservationFactory(value=1000, note="")
    page = ada.get(_project_url(figure.project))
    _save(ben, _figure_url(figure), note="Checked by Ben.")

    response = ada.post(
        _project_url(figure.project),
        form_data(page, **{"observations-0-value": "1200"}),
    )

    assert response.status_code == 200
    assert "note: — → Checked by Ben." in response.text
    figure.refresh_from_db()
    assert (figure.value, figure.note, figure.version) == (1000, "Checked by Ben.", 2)


def test_inline_rows_carry_their_version_in_the_page(ada):
    figure = ObservationFactory()
    Observation.objects.filter(pk=figure.pk).update(version=3)

    page = ada.get(_project_url(figure.project))

    assert (
        '<input type="hidden" name="observations-0-loaded_version" value="3"'
        in page.text
    )


def test_inline_figure_save_raises_its_version_and_records_who(ada):
    figure = ObservationFactory(value=1000)

    _save(ada, _project_url(figure.project), **{"observations-0-value": "1200"})

    figure.refresh_from_db()
    assert (figure.value, figure.version) == (1200, 2)
    latest = figure.history.first()
    assert (latest.value, latest.version, latest.history_user.username) == (
        1200,
        2,
        "ada",
    )


def test_unchanged_inline_rows_are_not_saved_again(ada):
    figure = ObservationFactory(value=1000)

    _save(ada, _project_url(figure.project), summary="New summary.")

    figure.refresh_from_db()
    assert (figure.version, figure.history.count()) == (1, 1)


def test_project_page_does_not_write_back_the_counts_the_database_keeps(ada):
    figure = ObservationFactory(value=1000)
    project = figure.project
    assert Project.objects.get(pk=project.pk).figure_count == 1

    def recount_meanwhile(sender, instance, **kwargs):
        # Another editor's figure is published while this page is saved.
        sender.objects.filter(pk=instance.pk).update(figure_count=2)

    pre_save.connect(recount_meanwhile, sender=Project)
    try:
        _save(ada, _project_url(project), summary="New summary.")
    finally:
        pre_save.disconnect(recount_meanwhile, sender=Project)

    project.refresh_from_db()
    assert (project.summary, project.figure_count) == ("New summary.", 2)


# An editable list


def _changelist_data(response, **changes):
    """The POST of an editable change list as shown, with ``changes`` keyed
    by field name ("form-0-sort_order")."""
    formset = response.context["cl"].formset
    data = {"_save": "Save"}
    for form in [formset.management_form, *formset.forms]:
        for field in form:
            value = field.value()
            data[field.html_name] = "" if value is None else str(value)
    data.update(changes)
    return data


def _row(response, metric):
    formset = response.context["cl"].formset
    return next(i for i, f in enumerate(formset.forms) if f.instance.pk == metric.pk)


def test_editable_list_rows_carry_their_version(ada):
    passengers = Metric.objects.get(key="passengers")
    Metric.objects.filter(pk=passengers.pk).update(version=4)

    response = ada.get(reverse("admin:projects_metric_changelist"))

    index = _row(response, passengers)
    assert f'name="form-{index}-loaded_version" value="4"' in response.text


def test_editable_list_saves_a_row_and_raises_its_version(ada):
    url = reverse("admin:projects_metric_changelist")
    passengers = Metric.objects.get(key="passengers")
    page = ada.get(url)

    response = ada.post(
        url,
        _changelist_data(page, **{f"form-{_row(page, passengers)}-sort_order": "5"}),
    )

    assert response.status_code == 302
    passengers.refresh_from_db()
    assert (passengers.sort_order, passengers.version) == (5, 2)
    assert passengers.history.first().history_user.username == "ada"


def test_stale_row_of_an_editable_list_is_refused_naming_it(ada, ben):
    url = reverse("admin:projects_metric_changelist")
    passengers = Metric.objects.get(key="passengers")
    jobs = Metric.objects.get(key="jobs")
    page = ada.get(url)
    _save(
        ben,
        reverse("admin:projects_metric_change", args=[passengers.pk]),
        sort_order="1",
    )

    response = ada.post(
        url, _changelist_data(page, **{f"form-{_row(page, jobs)}-sort_order": "2"})
    )

    assert response.status_code == 200
    assert f"Metric #{passengers.pk} “Passengers”: Someone else saved this metric" in (
        response.text
    )
    assert "sort order: 100 → 1" in response.text
    jobs_order = jobs.sort_order
    passengers.refresh_from_db()
    jobs.refresh_from_db()
    assert (passengers.sort_order, passengers.version) == (1, 2)
    assert (jobs.sort_order, jobs.version) == (jobs_order, 1)


# Metrics, countries, organisations and dashboard cards


def _card():
    return DashboardCard.objects.create(
        metric=Metric.objects.get(key="passengers"), title="Riders"
    )


MODELS = {
    "metric": (lambda: Metric.objects.get(key="passengers"), "name", "Riders"),
    "country": (CountryFactory, "name", "Renamed country"),
    "organization": (OrganizationFactory, "acronym", "XYZ"),
    "dashboardcard": (_card, "title", "Passengers carried"),
}


def _admin_url(obj, view="change", *args):
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *args]
    )


@pytest.mark.parametrize("model", MODELS)
def test_stale_change_page_is_refused(model, ada, ben):
    make, field, new = MODELS[model]
    obj = make()
    old = getattr(obj, field)
    url = _admin_url(obj)
    page_a, page_b = ada.get(url), ben.get(url)

    assert ada.post(url, form_data(page_a, **{field: new})).status_code == 302
    response = ben.post(url, form_data(page_b, **{field: "Ben's value"}))

    assert response.status_code == 200
    verbose = obj._meta.verbose_name
    assert f"Someone else saved this {verbose} while you were editing it." in (
        response.text
    )
    label = obj._meta.get_field(field).verbose_name
    assert f"{label}: {old or '—'} → {new}" in response.text
    obj.refresh_from_db()
    assert (getattr(obj, field), obj.version) == (new, 2)


@pytest.mark.parametrize("model", MODELS)
def test_history_lists_the_change_and_revert_restores_it(model, ada):
    make, field, new = MODELS[model]
    obj = make()
    old = getattr(obj, field)
    _save(ada, _admin_url(obj), **{field: new})

    history = ada.get(_admin_url(obj, "history"))
    assert history.status_code == 200
    assert "2 entries" in history.text
    assert ">ada</a>" in history.text

    first = obj.history.earliest()
    revert_url = _admin_url(obj, "simple_history", first.history_id)
    page = ada.get(revert_url)
    assert page.status_code == 200
    assert page.context["adminform"].form["loaded_version"].value() == 2
    response = ada.post(revert_url, form_data(page))

    assert response.status_code == 302, response.context["adminform"].form.errors
    obj.refresh_from_db()
    assert (getattr(obj, field), obj.version) == (old, 3)
    assert obj.history.count() == 3


def test_every_metric_has_its_first_history_record():
    # Recorded by the migration that added the history, so that a metric's
    # first edit can be reverted.
    metrics = Metric.objects.all()
    assert len(metrics) == 21
    assert all(metric.history.filter(history_type="+").exists() for metric in metrics)


# Metric keys and plausibility ceilings


def test_code_metric_keys_are_the_migrations_and_cover_what_code_reads():
    migration = importlib.import_module("projects.migrations.0002_metrics")
    assert {row[0] for row in migration.METRICS} == CODE_METRIC_KEYS
    read_by_dashboard = {
        dashboard_data.FREIGHT_METRIC,
        dashboard_data.PASSENGERS_METRIC,
        dashboard_data.ENGAGEMENT_METRIC,
        *dashboard_data.MONEY_SERIES,
        *dashboard_data.PARTNER_SERIES,
    }
    assert read_by_dashboard <= CODE_METRIC_KEYS


def test_metric_key_is_read_only_on_an_existing_metric(ada, root):
    passengers = Metric.objects.get(key="passengers")
    url = _admin_url(passengers)

    for client in (ada, root):
        page = client.get(url)
        assert "key" not in page.context["adminform"].form.fields
        assert 'name="key"' not in page.text
        assert '<div class="readonly">passengers</div>' in page.text
        data = form_data(page, key="riders")
        assert client.post(url, data).status_code == 302

    passengers.refresh_from_db()
    assert passengers.key == "passengers"


def test_metric_key_can_be_chosen_when_adding_one(ada):
    page = ada.get(reverse("admin:projects_metric_add"))

    assert "key" in page.context["adminform"].form.fields


def test_renaming_a_metric_key_the_code_reads_is_refused():
    passengers = Metric.objects.get(key="passengers")
    passengers.key = "riders"

    with pytest.raises(ValidationError) as refused:
        passengers.full_clean()

    assert refused.value.message_dict["key"] == [
        "The key “passengers” cannot be changed: the site's code reads this "
        "metric by its key."
    ]


def test_renaming_a_metric_key_a_dashboard_card_follows_is_refused():
    metric = Metric.objects.create(key="ferries", name="Ferries", aggregation="flow")
    DashboardCard.objects.create(metric=metric)
    metric.key = "boats"

    with pytest.raises(ValidationError) as refused:
        metric.full_clean()

    assert "dashboard cards follow this metric" in refused.value.messages[0]


def test_renaming_the_key_of_a_metric_nothing_reads_is_allowed():
    metric = Metric.objects.create(key="ferries", name="Ferries", aggregation="flow")
    metric.key = "boats"

    metric.full_clean()


def test_editors_cannot_change_a_plausibility_ceiling(ada):
    passengers = Metric.objects.get(key="passengers")
    url = _admin_url(passengers)
    page = ada.get(url)

    assert "plausible_max" not in page.context["adminform"].form.fields
    assert 'name="plausible_max"' not in page.text
    response = ada.post(url, form_data(page, plausible_max="1" + "0" * 17))

    assert response.status_code == 302
    passengers.refresh_from_db()
    assert passengers.plausible_max == 10_000_000_000


def test_editors_cannot_set_a_ceiling_on_a_new_metric(ada):
    page = ada.get(reverse("admin:projects_metric_add"))

    assert "plausible_max" not in page.context["adminform"].form.fields


def test_superusers_change_a_plausibility_ceiling(root):
    passengers = Metric.objects.get(key="passengers")

    _save(root, _admin_url(passengers), plausible_max="20000000000")

    passengers.refresh_from_db()
    assert passengers.plausible_max == 20_000_000_000
    assert passengers.version == 2


# Countries loaded from the fixture


def test_countries_load_records_history_and_raises_the_version(tmp_path):
    path = tmp_path / "countries.json"
    row = {
        "iso3": "QQA",
        "iso2": "XA",
        "numeric_code": "",
        "name": "Testland",
        "official_name": "",
        "slug": "testland",
        "region": "Asia",
        "subregion": "",
    }
    path.write_text(f"[{_json(row)}]", encoding="utf-8")
    countries_load(path=path)
    path.write_text(f"[{_json({**row, 'name': 'New Testland'})}]", encoding="utf-8")

    countries_load(path=path)

    country = Country.objects.get(iso3="QQA")
    assert (country.name, country.version) == ("New Testland", 2)
    assert [r.name for r in country.history.all()] == ["New Testland", "Testland"]


def _json(row):
    return json.dumps(row)
