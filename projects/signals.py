"""What a change to the data sets off: the stored figure counts of the
projects and sources a figure belongs to are recomputed, and the cached
dashboard, site counts and public pages are dropped."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from bri_tracker import page_cache
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


def data_changed(**kwargs):
    invalidate_dashboard()
    page_cache.invalidate()


def remember_owners(sender, instance, raw=False, **kwargs):
    """Before a figure is saved: the project and source it belonged to, which
    lose a figure if the save moves it."""
    instance._owners_before = (
        Observation.objects.filter(pk=instance.pk)
        .values_list("project_id", "source_id")
        .first()
        if instance.pk is not None and not raw
        else None
    )


def refresh_owner_counts(sender, instance, **kwargs):
    """After a figure is saved or deleted: recount its projects and sources."""
    projects = {instance.project_id}
    sources = {instance.source_id}
    before = getattr(instance, "_owners_before", None)
    if before:
        projects.add(before[0])
        sources.add(before[1])
    projects.discard(None)
    sources.discard(None)
    if projects:
        Project.objects.filter(pk__in=projects).refresh_figure_summary()
    if sources:
        Source.objects.filter(pk__in=sources).refresh_figure_count()


def connect():
    pre_save.connect(remember_owners, sender=Observation, dispatch_uid="owners-before")
    for signal in (post_save, post_delete):
        signal.connect(
            refresh_owner_counts, sender=Observation, dispatch_uid="owner-counts"
        )
    for model in WATCHED:
        uid = f"data-changed-{model._meta.label}"
        post_save.connect(data_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(data_changed, sender=model, dispatch_uid=uid)
    m2m_changed.connect(
        data_changed,
        sender=Project.countries.through,
        dispatch_uid="data-changed-project-countries",
    )
