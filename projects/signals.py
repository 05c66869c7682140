"""Any change to the data the dashboard shows drops its cache."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from countries.models import Country, Organization, PartnerAgreement
from projects.dashboard import invalidate_dashboard
from projects.models import DashboardCard, Metric, Milestone, Observation, Project
from sources.models import Source

WATCHED = [
    Observation,
    Project,
    Milestone,
    Metric,
    DashboardCard,
    PartnerAgreement,
    Country,
    Organization,
    Source,
]


def connect():
    for model in WATCHED:
        uid = f"dashboard-{model._meta.label}"
        post_save.connect(invalidate_dashboard, sender=model, dispatch_uid=uid)
        post_delete.connect(invalidate_dashboard, sender=model, dispatch_uid=uid)
    m2m_changed.connect(
        invalidate_dashboard,
        sender=Project.countries.through,
        dispatch_uid="dashboard-project-countries",
    )
