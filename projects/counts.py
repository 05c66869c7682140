"""Counts that join projects and figures to the other apps' rows. They live
here, in the app that owns the join, so that ``countries`` and ``sources``
never import ``projects``."""

from typing import NamedTuple

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from countries.models import Country, PartnerAgreement
from projects.models import Observation, Project
from sources.models import Source


class SiteCounts(NamedTuple):
    """What the footer of every page states about the data."""

    projects: int
    figures: int
    quoted_figures: int
    sources: int
    agreements: int

    @property
    def referenced_figures(self):
        """Figures citing an article whose text is not stored here."""
        return self.figures - self.quoted_figures


def countries_with_project_count(countries: QuerySet[Country]) -> QuerySet[Country]:
    """Annotate ``project_count``: a count per country on the projects'
    country index, not a join of every project."""
    links = (
        Project.countries.through.objects.filter(country=OuterRef("pk"))
        .order_by()
        .values("country")
        .annotate(n=Count("pk"))
    )
    return countries.annotate(
        project_count=Coalesce(
            Subquery(links.values("n")), 0, output_field=IntegerField()
        )
    )


def sources_refresh_figure_count(sources: QuerySet[Source]) -> int:
    """Recompute the stored ``figure_count`` of ``sources`` from their
    published figures (one UPDATE); see ProjectQuerySet.refresh_figure_summary.
    Returns the number of sources updated."""
    counts = (
        Observation.objects.published()
        .filter(source=OuterRef("pk"))
        .order_by()
        .values("source")
        .annotate(n=Count("pk"))
    )
    return sources.update(figure_count=Coalesce(Subquery(counts.values("n")), 0))


def site_counts() -> SiteCounts:
    """Published figures come from the projects' stored counts plus the
    initiative-wide figures (a small set), not from a count of every row."""
    projects = Project.objects.aggregate(n=Count("pk"), figures=Sum("figure_count"))
    wide = Observation.objects.published().initiative_wide().count()
    return SiteCounts(
        projects=projects["n"],
        figures=(projects["figures"] or 0) + wide,
        # Once per data change (cached), so a count over the figures is fine.
        quoted_figures=Observation.objects.published().exclude(quote="").count(),
        sources=Source.objects.count(),
        agreements=PartnerAgreement.objects.count(),
    )
