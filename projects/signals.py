"""The stored figure counts of the projects and sources a figure belongs to,
recomputed when it is saved or deleted, in the same transaction."""

from django.db.models.signals import post_delete, post_save, pre_save

from projects.counts import sources_refresh_figure_count
from projects.models import Observation, Project
from sources.models import Source


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
        sources_refresh_figure_count(Source.objects.filter(pk__in=sources))


def connect():
    pre_save.connect(remember_owners, sender=Observation, dispatch_uid="owners-before")
    for signal in (post_save, post_delete):
        signal.connect(
            refresh_owner_counts, sender=Observation, dispatch_uid="owner-counts"
        )
