"""Every model's admin pages open for an editor, with search and filters."""

import pytest
from django.contrib import admin
from django.urls import reverse

from corrections.models import CorrectionRequest
from projects.models import DashboardCard, FigureCandidate
from tests.factories import (
    MilestoneFactory,
    ObservationFactory,
    OrganizationFactory,
    PartnerAgreementFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

# django-axes's login records are read-only (no add page): test_security.py
# opens their list; so are open-data releases (tests/test_opendata_releases.py).
MODELS = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label not in ("auth", "axes", "opendata")
    ),
    key=lambda model: model._meta.label,
)


@pytest.fixture
def data():
    figure = ObservationFactory(project=ProjectFactory(aliases=["Whoosh"]))
    DashboardCard.objects.create(metric=figure.metric, project=figure.project)
    FigureCandidate.objects.create(
        source=figure.source,
        extracted={},
        metric=figure.metric,
        value=1,
        qualifier="exact",
        period="cumulative",
        quote="",
    )
    MilestoneFactory()
    CorrectionRequest.objects.create(
        kind="project",
        object_key=figure.project.slug,
        object_label=figure.project.name,
        page_path=f"/projects/{figure.project.slug}/",
        what_is_wrong="Also known as Whoosh.",
        ip_address="127.0.0.1",
    )
    PartnerAgreementFactory()
    OrganizationFactory()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_admin_changelist_search_add_and_change_pages_open(admin_client, data, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    row = model.objects.first()

    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "whoosh"}).status_code == 200
    # Adding a figure candidate means adding a press release: a redirect.
    add = admin_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_add"), follow=True
    )
    assert add.status_code == 200
    assert (
        admin_client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
        ).status_code
        == 200
    )


def test_admin_project_search_finds_aliases(admin_client, data):
    response = admin_client.get(
        reverse("admin:projects_project_changelist"), {"q": "whoosh"}
    )

    assert response.context["cl"].result_count == 1


def test_admin_observation_list_shows_the_humanised_value(admin_client):
    ObservationFactory(value=10_000_000, qualifier="more_than")

    response = admin_client.get(reverse("admin:projects_observation_changelist"))

    assert "10M+ passengers" in response.text
