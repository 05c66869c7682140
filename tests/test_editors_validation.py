"""Every rule a figure or an agreement must satisfy, as an editor meets it in
the admin: the form comes back with the reason, and nothing is written."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from countries.models import PartnerAgreement
from projects.models import Metric, Observation
from tests.factories import (
    CountryFactory,
    ObservationFactory,
    OrganizationFactory,
    ProjectFactory,
    ReleaseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

ADD = reverse("admin:projects_observation_add")
AGREEMENT_ADD = reverse("admin:countries_partneragreement_add")


@pytest.fixture
def figure_data():
    """A valid add-form POST: 1,000 passengers to date, reference-only source."""
    return {
        "metric": Metric.objects.get(key="passengers").pk,
        "project": ProjectFactory().pk,
        "value": "1000",
        "qualifier": "exact",
        "status": "draft",
        "as_of": "2024-06-30",
        "as_of_precision": "day",
        "period": "cumulative",
        "period_start": "",
        "source": SourceFactory().pk,
        "quote": "",
        "change_percent": "",
        "counted": "",
        "confidence": "",
        "note": "",
    }


def _refused(response, before, message, field=None):
    """The form came back with ``message`` and nothing was written."""
    assert response.status_code == 200
    form = response.context["adminform"].form
    errors = form.errors.get(field) if field else form.non_field_errors()
    assert errors, form.errors
    assert any(message in error for error in errors), errors
    assert message in response.text
    assert Observation.objects.count() == before


def _accepted(response, before):
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Observation.objects.count() == before + 1
    return Observation.objects.latest("pk")


def test_observation_add_valid_base_data_is_saved(admin_client, figure_data):
    figure = _accepted(admin_client.post(ADD, figure_data), 0)

    assert figure.value == 1000
    assert figure.status == "draft"


def test_observation_add_negative_value_is_refused(admin_client, figure_data):
    figure_data["value"] = "-5"

    response = admin_client.post(ADD, figure_data)

    _refused(response, 0, "A figure cannot be negative.", "value")


def test_observation_add_future_exact_figure_is_refused(admin_client, figure_data):
    future = timezone.localdate() + timedelta(days=60)
    figure_data["as_of"] = future.isoformat()

    response = admin_client.post(ADD, figure_data)

    _refused(response, 0, "is in the future: only a projected figure", "as_of")
    assert f"{future:%-d %b %Y} is in the future" in response.text


def test_observation_add_future_projected_figure_is_accepted(admin_client, figure_data):
    future = timezone.localdate() + timedelta(days=60)
    figure_data.update(as_of=future.isoformat(), qualifier="projected")

    figure = _accepted(admin_client.post(ADD, figure_data), 0)

    assert figure.as_of == future
    assert figure.qualifier == "projected"


def test_observation_add_quarter_ending_in_may_is_refused(admin_client, figure_data):
    figure_data.update(period="quarter", period_start="2025-01-01", as_of="2025-05-31")

    response = admin_client.post(ADD, figure_data)

    _refused(response, 0, "three months", "period_start")
    assert (
        "A quarter figure spans three months: from 1 Jan 2025 it ends on "
        "31 Mar 2025, not 31 May 2025." in response.text
    )


@pytest.mark.parametrize("as_of", ["2025-03-31", "2025-03-30", "2025-03-24"])
def test_observation_add_quarter_ending_at_quarter_end_is_accepted(
    admin_client, figure_data, as_of
):
    figure_data.update(period="quarter", period_start="2025-01-01", as_of=as_of)

    figure = _accepted(admin_client.post(ADD, figure_data), 0)

    assert figure.period_start == date(2025, 1, 1)
    assert figure.as_of == date.fromisoformat(as_of)


def test_observation_add_quarter_ending_before_the_slack_is_refused(
    admin_client, figure_data
):
    # Seven days' slack at the end: 24 March is the earliest accepted end.
    figure_data.update(period="quarter", period_start="2025-01-01", as_of="2025-03-23")

    response = admin_client.post(ADD, figure_data)

    _refused(response, 0, "three months", "period_start")


def test_observation_add_year_to_date_from_february_is_refused(
    admin_client, figure_data
):
    figure_data.update(
        period="year_to_date", period_start="2025-02-01", as_of="2025-06-30"
    )

    response = admin_client.post(ADD, figure_data)

    _refused(
        response, 0, "A year-to-date figure starts on 1 January 2025.", "period_start"
    )


def test_observation_add_quarter_without_start_derives_it(admin_client, figure_data):
    figure_data.update(period="quarter", period_start="", as_of="2025-09-30")

    figure = _accepted(admin_client.post(ADD, figure_data), 0)

    figure.refresh_from_db()
    assert figure.period_start == date(2025, 7, 1)


def test_observation_add_period_start_after_as_of_is_refused(admin_client, figure_data):
    figure_data.update(period="span", period_start="2025-07-01", as_of="2025-06-30")

    response = admin_client.post(ADD, figure_data)

    _refused(
        response, 0, "The period cannot start after its as-of date.", "period_start"
    )


def test_observation_add_quote_missing_from_source_text_is_refused(
    admin_client, figure_data
):
    release = ReleaseFactory(title="Railway annual release")
    figure_data.update(
        source=release.pk, quote="The railway has served 99 million passengers."
    )

    response = admin_client.post(ADD, figure_data)

    _refused(
        response,
        0,
        "This quote is not in the text of “Railway annual release”.",
        "quote",
    )


def test_observation_add_quote_from_source_text_is_accepted(admin_client, figure_data):
    release = ReleaseFactory()
    quote = "served more than 10 million passengers"
    figure_data.update(source=release.pk, quote=quote, qualifier="more_than")

    figure = _accepted(admin_client.post(ADD, figure_data), 0)

    assert figure.quote == quote


def test_observation_add_source_with_text_and_no_quote_is_refused(
    admin_client, figure_data
):
    release = ReleaseFactory(title="Railway annual release")
    figure_data.update(source=release.pk, quote="")

    response = admin_client.post(ADD, figure_data)

    _refused(
        response,
        0,
        "Quote the sentence of “Railway annual release” that states this.",
        "quote",
    )


def test_observation_add_implausible_capacity_asks_about_the_unit(
    admin_client, figure_data
):
    figure_data.update(metric=Metric.objects.get(key="capacity_gw").pk, value="1500")

    response = admin_client.post(ADD, figure_data)

    _refused(response, 0, "did you mean MW?", "value")
    assert "tick “Unusual value checked”" in response.text


def test_observation_add_implausible_capacity_checked_is_accepted(
    admin_client, figure_data
):
    figure_data.update(
        metric=Metric.objects.get(key="capacity_gw").pk,
        value="1500",
        value_checked="on",
    )

    figure = _accepted(admin_client.post(ADD, figure_data), 0)

    assert figure.value == 1500
    assert figure.value_checked is True


def test_observation_add_exact_duplicate_is_refused_naming_the_twin(
    admin_client, figure_data
):
    twin = ObservationFactory(
        metric=Metric.objects.get(pk=figure_data["metric"]),
        project_id=figure_data["project"],
        value=1000,
        as_of=date(2024, 6, 30),
        period="cumulative",
        source_id=figure_data["source"],
    )

    response = admin_client.post(ADD, figure_data)

    _refused(response, 1, f"This figure is already recorded (figure #{twin.pk})")


def test_observation_add_same_figure_with_other_value_is_accepted(
    admin_client, figure_data
):
    ObservationFactory(
        metric=Metric.objects.get(pk=figure_data["metric"]),
        project_id=figure_data["project"],
        value=1000,
        as_of=date(2024, 6, 30),
        source_id=figure_data["source"],
    )
    figure_data["value"] = "1001"

    _accepted(admin_client.post(ADD, figure_data), 1)


def test_observation_change_to_a_negative_value_keeps_the_stored_row(admin_client):
    figure = ObservationFactory(value=1000)
    url = reverse("admin:projects_observation_change", args=[figure.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        "metric": figure.metric_id,
        "project": figure.project_id,
        "value": "-1000",
        "qualifier": figure.qualifier,
        "status": figure.status,
        "as_of": figure.as_of.isoformat(),
        "as_of_precision": figure.as_of_precision,
        "period": figure.period,
        "source": figure.source_id,
        "loaded_version": form["loaded_version"].value(),
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "A figure cannot be negative." in response.text
    figure.refresh_from_db()
    assert figure.value == 1000
    assert figure.version == 1
    assert figure.history.count() == 1


@pytest.fixture
def agreement_data():
    return {
        "title": "Memorandum of understanding",
        "kind": "bri_mou",
        "signed_on": "2019-03-23",
        "signed_on_precision": "day",
        "status": "in_force",
        "ended_on": "",
        "quote": "",
        "note": "",
    }


def test_agreement_add_without_partner_is_refused(admin_client, agreement_data):
    response = admin_client.post(AGREEMENT_ADD, agreement_data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["country"] == [
        "Choose exactly one partner: a country or an organisation."
    ]
    assert "Choose exactly one partner" in response.text
    assert PartnerAgreement.objects.count() == 0


def test_agreement_add_with_both_partners_is_refused(admin_client, agreement_data):
    agreement_data.update(
        country=CountryFactory().pk, organization=OrganizationFactory().pk
    )

    response = admin_client.post(AGREEMENT_ADD, agreement_data)

    assert response.status_code == 200
    assert "Choose exactly one partner" in response.text
    assert PartnerAgreement.objects.count() == 0


def test_agreement_add_with_one_partner_is_accepted(admin_client, agreement_data):
    country = CountryFactory()
    agreement_data["country"] = country.pk

    response = admin_client.post(AGREEMENT_ADD, agreement_data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert PartnerAgreement.objects.get().partner == country
