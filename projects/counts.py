"""Counts that join projects and figures to the other apps' rows. They live
here, in the app that owns the join, so that ``countries`` and ``sources``
never import ``projects``."""

from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db.models import (
    Count,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from bri_tracker import data_generation
from countries.models import Country, PartnerAgreement
from projects.models import Milestone, Observation, Project
from sources.models import Source

# The records the public data is made of that carry ``created_at`` and
# ``updated_at`` (bri_tracker.audit): the newest stamp dates the data set.
DATED_RECORDS = (Observation, Project, Milestone, PartnerAgreement, Source)
# A figure dated longer ago than this is old news for its metric.
STALE_AFTER = timedelta(days=365)
# Official partner counts, compared with the agreements recorded here.
REPORTED_PARTNER_METRICS = ("partner_countries", "partner_organizations")


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


def cached_site_counts() -> SiteCounts:
    """``site_counts()``, cached until the data changes: the footer's, also
    the unfiltered figure list's total."""
    return data_generation.cached("site-counts", site_counts)


class CountryTotals(NamedTuple):
    """A country's projects and their published figures (stored counts)."""

    projects: int
    figures: int


def country_totals() -> dict[int, CountryTotals]:
    """{country id: CountryTotals} of every country with projects, in one
    grouped query over the project-country links (about 100 ms at 100k
    projects): call it through ``cached_country_totals``."""
    rows = (
        Project.countries.through.objects.order_by()
        .values("country")
        .annotate(projects=Count("project"), figures=Sum("project__figure_count"))
    )
    return {
        row["country"]: CountryTotals(row["projects"], row["figures"] or 0)
        for row in rows
    }


def cached_country_totals() -> dict[int, CountryTotals]:
    """``country_totals()``, cached until the data changes: every country
    page shares one computation instead of summing its projects' rows (60 ms
    for the largest country at 100k projects, issue 16)."""
    return data_generation.cached("country-totals", country_totals)


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


class AgreementStatusCount(NamedTuple):
    """Agreements of one status, and the partners that signed them."""

    status: str
    agreements: int
    countries: int
    organizations: int


class ReportedPartners(NamedTuple):
    """The latest official count of partners, as a published figure states it."""

    metric: str
    value: str
    as_of: str
    figure_id: int


class DataCoverage(NamedTuple):
    """What the data covers, as the about page states it. Figures are the
    published ones; ``stale_figures`` are dated before ``stale_before``."""

    projects: int
    figures: int
    quoted_figures: int
    stale_figures: int
    undated_figures: int
    stale_before: date
    countries_by_standing: dict[str, int]
    agreements_by_status: tuple[AgreementStatusCount, ...]
    agreements: AgreementStatusCount
    sources: int
    stored_sources: int
    reported_partners: tuple[ReportedPartners, ...]
    newest_change: datetime | None

    @property
    def reference_sources(self) -> int:
        return self.sources - self.stored_sources

    @property
    def referenced_figures(self) -> int:
        """Figures without a quote: a figure from a stored release must quote
        it (Observation.clean), so these cite a referenced article."""
        return self.figures - self.quoted_figures

    def share(self, count: int) -> float:
        """``count`` as a percentage of the published figures."""
        return 100 * count / self.figures if self.figures else 0.0

    @property
    def quoted_share(self) -> float:
        return self.share(self.quoted_figures)

    @property
    def referenced_share(self) -> float:
        return self.share(self.referenced_figures)

    @property
    def stale_share(self) -> float:
        return self.share(self.stale_figures)

    @property
    def undated_share(self) -> float:
        return self.share(self.undated_figures)


def data_coverage(*, today: date) -> DataCoverage:
    """The about page's coverage figures, in a fixed number of queries
    whatever the data size. Some count every figure: call it through
    ``data_generation.cached``."""
    stale_before = today - STALE_AFTER
    figures = Observation.objects.published().aggregate(
        figures=Count("pk"),
        quoted=Count("pk", filter=~Q(quote="")),
        stale=Count("pk", filter=Q(as_of__lt=stale_before)),
        undated=Count("pk", filter=Q(as_of=None)),
    )
    standing = (
        Country.objects.with_partner_status()
        .order_by()
        .values("partner_status")
        .annotate(n=Count("pk"))
    )
    partners = {
        "agreements": Count("pk"),
        "countries": Count("country", distinct=True),
        "organizations": Count("organization", distinct=True),
    }
    by_status = (
        PartnerAgreement.objects.order_by("status")
        .values("status")
        .annotate(**partners)
    )
    sources = Source.objects.aggregate(
        n=Count("pk"), stored=Count("pk", filter=~Q(text=""))
    )
    return DataCoverage(
        projects=Project.objects.count(),
        figures=figures["figures"],
        quoted_figures=figures["quoted"],
        stale_figures=figures["stale"],
        undated_figures=figures["undated"],
        stale_before=stale_before,
        countries_by_standing={row["partner_status"]: row["n"] for row in standing},
        agreements_by_status=tuple(AgreementStatusCount(**row) for row in by_status),
        agreements=AgreementStatusCount(
            status="", **PartnerAgreement.objects.aggregate(**partners)
        ),
        sources=sources["n"],
        stored_sources=sources["stored"],
        reported_partners=_reported_partners(),
        newest_change=newest_change(),
    )


def _reported_partners() -> tuple[ReportedPartners, ...]:
    """The newest initiative-wide running count of each partner metric that
    has one (one query per metric)."""
    figures = (
        Observation.objects.published()
        .initiative_wide()
        .filter(period=Observation.Period.CUMULATIVE)
        .exclude(as_of=None)
        .select_related("metric")
        .order_by("-as_of", "-pk")
    )
    latest = [
        figures.filter(metric__key=key).first() for key in REPORTED_PARTNER_METRICS
    ]
    return tuple(
        ReportedPartners(
            metric=figure.metric.name,
            value=figure.display_value,
            as_of=figure.as_of_display,
            figure_id=figure.pk,
        )
        for figure in latest
        if figure is not None
    )


def newest_change() -> datetime | None:
    """When a record of the public data was last created or changed; None
    without any record. One query: a row of maxima per kind of record."""
    maxima = [
        model.objects.order_by()
        # Grouped by a constant, which is no grouping: one row per table.
        .annotate(table=Value(1))
        .values("table")
        .annotate(updated=Max("updated_at"), created=Max("created_at"))
        .values_list("updated", "created")
        for model in DATED_RECORDS
    ]
    rows = maxima[0].union(*maxima[1:], all=True)
    return max((stamp for row in rows for stamp in row if stamp), default=None)
