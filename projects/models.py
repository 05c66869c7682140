from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from bri_tracker.audit import AuditedModel
from projects.choices import (
    CandidateAsOfBasis,
    CandidateDecision,
    MetricAggregation,
    MilestoneKind,
    ObservationConfidence,
    ObservationPeriod,
    ObservationQualifier,
    ObservationStatus,
    ProjectKind,
    ProjectSector,
    ProjectStatus,
)
from projects.formatting import compact_number, humanize_figure
from projects.units import derive_unit
from sources.dates import DatePrecision, format_partial_date
from sources.periods import period_problem, period_start_for
from sources.validators import validate_quote

# The metric of figures that fit no series: each states what it counts.
OTHER_METRIC = "other"

# The keys of the metrics the data migration (0002_metrics) creates. The
# dashboard, the extractor, the seed data and the importers name metrics by
# these keys: renaming one silently empties what reads it (issue 15).
CODE_METRIC_KEYS = frozenset(
    {
        "partner_countries",
        "partner_organizations",
        "partners",
        "agreements",
        "investment_usd",
        "engagement_usd",
        "construction_usd",
        "cooperative_projects",
        "freight_trips",
        "passengers",
        "cargo_tonnes",
        "teu",
        "capacity_gw",
        "jobs",
        "enterprises",
        "people_out_of_poverty",
        "cost_usd",
        "countries_reached",
        "people_trained",
        "workshops",
        OTHER_METRIC,
    }
)


class Metric(AuditedModel):
    """What a figure measures. Rows come from a data migration: code relies on keys."""

    Aggregation = MetricAggregation

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    unit = models.CharField(
        max_length=30, blank=True, help_text="Shown after the number, e.g. “GW”."
    )
    is_currency = models.BooleanField(
        default=False, help_text="Value is an amount of money in US dollars."
    )
    aggregation = models.CharField(max_length=10, choices=Aggregation.choices)
    description = models.TextField(blank=True)
    plausible_max = models.DecimalField(
        max_digits=22,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Values above this are questioned when an editor saves them.",
    )
    plausible_hint = models.CharField(
        max_length=200,
        blank=True,
        help_text="The question asked, e.g. “did you mean MW?”",
    )
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(aggregation__in=MetricAggregation.values),
                name="metric_aggregation_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        stored = (
            Metric.objects.filter(pk=self.pk).values_list("key", flat=True).first()
            if self.pk
            else None
        )
        if stored is None or stored == self.key:
            return
        if stored in CODE_METRIC_KEYS:
            reason = "the site's code reads this metric by its key"
        elif self.cards.exists():
            reason = "dashboard cards follow this metric"
        else:
            return
        raise ValidationError(
            {"key": f"The key “{stored}” cannot be changed: {reason}."}
        )


class ProjectQuerySet(models.QuerySet):
    def signature(self):
        return self.filter(is_signature=True)

    def with_countries(self):
        return self.prefetch_related("countries")

    def refresh_figure_summary(self):
        """Recompute the stored ``figure_count`` and ``latest_as_of`` of these
        projects from their published figures (one UPDATE). Observation
        signals call it for the projects a save or delete touches; bulk loads
        call it once at the end."""
        published = Observation.objects.published().filter(project=OuterRef("pk"))
        count = published.order_by().values("project").annotate(n=Count("pk"))
        latest = published.order_by().values("project").annotate(m=Max("as_of"))
        return self.update(
            figure_count=Coalesce(Subquery(count.values("n")), 0),
            latest_as_of=Subquery(latest.values("m")),
        )

    def with_figures_of(self, metric):
        """Projects with at least one published figure of ``metric``."""
        figures = Observation.objects.published().filter(
            project=OuterRef("pk"), metric=metric
        )
        return self.filter(Exists(figures))

    def in_region(self, region):
        """Projects of an M49 region: their own region, or for projects
        without one, the region of any of their countries."""
        in_country = Project.countries.through.objects.filter(
            project=OuterRef("pk"), country__region=region
        )
        return self.filter(Q(region=region) | (Q(region="") & Exists(in_country)))

    def search(self, text):
        """Projects matching ``text`` in name, aliases, official name or
        summary, or in the name of one of their countries ("Kenya").

        On PostgreSQL: full-text search (English stemming, web-search syntax),
        ranked, plus substring matches on names and aliases so that partial
        words ("Whoo") still find something. Elsewhere: substring matches.
        Projects found only by a country rank last.
        """
        text = text.strip()
        if not text:
            return self
        matches = (
            Q(name__icontains=text)
            | Q(official_name__icontains=text)
            | Q(aliases__icontains=text)
        )
        found = self
        if connection.vendor == "postgresql":
            # search_document is kept by a database trigger (migration 0007)
            # and GIN-indexed; the substring lookups use trigram indexes.
            query = SearchQuery(text, search_type="websearch", config="english")
            matches |= Q(search_document=query)
            found = found.annotate(search_rank=SearchRank(F("search_document"), query))
        else:
            matches |= Q(summary__icontains=text)
        countries = Project.countries.field.related_model.objects.filter(
            name__icontains=text
        ).values_list("pk", flat=True)
        country_ids = list(countries)  # a few hundred rows at most
        if not country_ids:
            return found.filter(matches)
        # A union, not an OR: OR-ing a subquery (EXISTS or IN) into the
        # indexed conditions makes PostgreSQL read every project (0.4 s at
        # 100k instead of a few ms). IN keeps each project once.
        in_countries = Project.countries.through.objects.filter(
            country_id__in=country_ids
        ).values("project_id")
        own = Project.objects.filter(matches).order_by().values("pk")
        return found.filter(pk__in=own.union(in_countries.order_by(), all=True))


class Project(AuditedModel):
    """A project, a programme or a service that figures are reported for."""

    Kind = ProjectKind

    Sector = ProjectSector

    Status = ProjectStatus

    name = models.CharField(max_length=200, unique=True)
    official_name = models.CharField(max_length=300, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names the press uses, for matching and search.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    countries = models.ManyToManyField(
        "countries.Country", related_name="projects", blank=True
    )
    countries_note = models.TextField(blank=True)
    region = models.CharField(
        max_length=50, blank=True, help_text="For programmes spanning a region."
    )
    started_on = models.DateField(null=True, blank=True)
    started_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    opened_on = models.DateField(null=True, blank=True)
    opened_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    summary = models.TextField(blank=True)
    specifications = models.TextField(
        blank=True, help_text="Length, capacity and other physical facts."
    )
    operator = models.TextField(blank=True)
    financing = models.TextField(blank=True)
    data_gaps = models.TextField(
        blank=True, help_text="What is known to be missing from the record."
    )
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    is_signature = models.BooleanField(
        default=False, help_text="A signature project, featured on the dashboard."
    )
    # Kept by Observation signals and bulk loads (refresh_figure_summary), so
    # that lists sort and show them without aggregating every figure.
    figure_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Published figures."
    )
    latest_as_of = models.DateField(
        null=True, editable=False, help_text="Date of the newest published figure."
    )
    # Filled by a PostgreSQL trigger (migration 0007); empty elsewhere.
    search_document = SearchVectorField(null=True, editable=False)

    history_excluded_fields = ("figure_count", "latest_as_of", "search_document")

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            # The list's sorts (projects/filters.py SORTS), each with its
            # tie-breaker, so that a page is an index scan.
            models.Index(
                F("latest_as_of").desc(nulls_last=True),
                "id",
                name="project_latest_desc",
            ),
            models.Index(
                F("latest_as_of").asc(nulls_last=True), "id", name="project_latest_asc"
            ),
            models.Index(
                F("opened_on").desc(nulls_last=True), "id", name="project_opened_desc"
            ),
            models.Index(
                F("opened_on").asc(nulls_last=True), "id", name="project_opened_asc"
            ),
            models.Index(fields=["name", "id"], name="project_name_id"),
            # The list's sector and status filters, with the region and id
            # they are combined with: a filtered count is an index-only scan
            # (46-160 ms to 19 ms at 100k projects, issue 16).
            models.Index(
                fields=["sector", "status", "region", "id"],
                name="project_sector_status",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ProjectKind.values), name="project_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(sector__in=ProjectSector.values),
                name="project_sector_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values),
                name="project_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(started_on_precision__in=DatePrecision.values)
                & Q(opened_on_precision__in=DatePrecision.values),
                name="project_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90),
                name="project_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True)
                | Q(longitude__gte=-180, longitude__lte=180),
                name="project_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="project_location_complete",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not isinstance(self.aliases, list) or not all(
            isinstance(alias, str) and alias.strip() for alias in self.aliases
        ):
            raise ValidationError({"aliases": "Aliases are a list of names."})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                {"longitude": "Give both latitude and longitude, or neither."}
            )

    @property
    def started_display(self):
        return format_partial_date(self.started_on, self.started_on_precision)

    @property
    def opened_display(self):
        return format_partial_date(self.opened_on, self.opened_on_precision)


class Milestone(AuditedModel):
    """A dated event of a project, a partner, or the initiative as a whole."""

    Kind = MilestoneKind

    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
        help_text="Empty for initiative-wide events such as a Belt and Road Forum.",
    )
    country = models.ForeignKey(
        "countries.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
        help_text="The partner country the event concerns, if any.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EVENT)
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    title = models.CharField(max_length=300)
    note = models.TextField(blank=True)
    source = models.ForeignKey(
        "sources.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
    )
    quote = models.TextField(blank=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MilestoneKind.values), name="milestone_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(date_precision__in=DatePrecision.values),
                name="milestone_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(quote="") | Q(source__isnull=False),
                name="milestone_quote_needs_source",
            ),
        ]

    def __str__(self):
        return f"{self.date_display}: {self.title}"

    def clean(self):
        validate_quote(self.quote, self.source)

    @property
    def date_display(self):
        return format_partial_date(self.date, self.date_precision)


class ObservationQuerySet(models.QuerySet):
    def published(self):
        """What the public pages and the dashboard show."""
        return self.filter(status=ObservationStatus.PUBLISHED)

    def drafts(self):
        return self.filter(status=ObservationStatus.DRAFT)

    def with_related(self):
        """Everything a figure row shows: metric, project, source."""
        return self.select_related("metric", "project", "source")

    def initiative_wide(self):
        return self.filter(project=None)

    def for_country(self, country):
        """Figures of the projects that involve ``country``."""
        return self.filter(project__countries=country)

    def of_metric(self, *keys):
        return self.filter(metric__key__in=keys)

    def chronological(self):
        return self.order_by(F("as_of").asc(nulls_last=True), "pk")


class FigureFields(models.Model):
    """What a figure states, shared by a recorded figure (Observation) and a
    proposed one (FigureCandidate): the one definition of these fields, which
    the import resource and the candidate's conversion also read."""

    metric = models.ForeignKey(
        Metric, on_delete=models.PROTECT, related_name="%(class)ss"
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        help_text="Empty for initiative-wide figures.",
    )
    value = models.DecimalField(max_digits=22, decimal_places=4)
    qualifier = models.CharField(
        max_length=10,
        choices=ObservationQualifier.choices,
        default=ObservationQualifier.EXACT,
    )
    period = models.CharField(
        max_length=15,
        choices=ObservationPeriod.choices,
        default=ObservationPeriod.CUMULATIVE,
    )
    period_start = models.DateField(null=True, blank=True)
    as_of = models.DateField(
        null=True,
        blank=True,
        help_text="The last day the figure covers; empty when the source gives none.",
    )
    change_percent = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Year-on-year change as the source states it.",
    )
    quote = models.TextField(
        blank=True, help_text="The exact words of the source that state the figure."
    )
    counted = models.CharField(
        max_length=200,
        blank=True,
        help_text="What exactly is counted, if narrower than the metric; required "
        "for “Other figure” (e.g. “value of goods carried”).",
    )
    unit = models.CharField(
        max_length=30,
        blank=True,
        help_text="Only for “Other figure”: the unit of the value (US$, CNY, "
        "tonnes, percent, passengers). Read from the counted text when left "
        "empty. Other figures are in their metric's unit.",
    )

    class Meta:
        abstract = True

    @classmethod
    def field_names(cls) -> list[str]:
        return [field.name for field in FigureFields._meta.fields]


class Observation(FigureFields, AuditedModel):
    """One figure as one source states it: value, qualifier, dates and quote."""

    Qualifier = ObservationQualifier

    Period = ObservationPeriod

    Confidence = ObservationConfidence

    Status = ObservationStatus

    as_of_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    source = models.ForeignKey(
        "sources.Source", on_delete=models.PROTECT, related_name="observations"
    )
    confidence = models.CharField(max_length=6, choices=Confidence.choices, blank=True)
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=10,
        choices=ObservationStatus.choices,
        default=ObservationStatus.DRAFT,
        help_text="Only published figures appear on the public pages.",
    )
    value_checked = models.BooleanField(
        "Unusual value checked",
        default=False,
        help_text="Tick to keep a value that is unusually large for its metric.",
    )

    objects = ObservationQuerySet.as_manager()

    class Meta:
        ordering = ["metric__sort_order", "as_of", "pk"]
        indexes = [
            models.Index(fields=["metric", "project", "as_of"]),
            # The figure list's sorts (projects/source_filters.py), over
            # published figures only, each with its tie-breaker.
            models.Index(
                F("as_of").desc(nulls_last=True),
                F("id").desc(),
                name="figure_as_of_desc",
                condition=Q(status=ObservationStatus.PUBLISHED),
            ),
            models.Index(
                F("as_of").asc(nulls_last=True),
                "id",
                name="figure_as_of_asc",
                condition=Q(status=ObservationStatus.PUBLISHED),
            ),
            models.Index(
                "metric",
                F("as_of").desc(nulls_last=True),
                F("id").desc(),
                name="figure_metric_as_of_desc",
                condition=Q(status=ObservationStatus.PUBLISHED),
            ),
            models.Index(
                "metric",
                F("value").desc(),
                "id",
                name="figure_metric_value_desc",
                condition=Q(status=ObservationStatus.PUBLISHED),
            ),
            models.Index(
                F("value").desc(),
                "id",
                name="figure_value_desc",
                condition=Q(status=ObservationStatus.PUBLISHED),
            ),
            models.Index(
                F("created_at").desc(),
                "id",
                name="figure_added_desc",
                condition=Q(status=ObservationStatus.PUBLISHED),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0), name="observation_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(qualifier__in=ObservationQualifier.values),
                name="observation_qualifier_valid",
            ),
            models.CheckConstraint(
                condition=Q(period__in=ObservationPeriod.values),
                name="observation_period_valid",
            ),
            models.CheckConstraint(
                condition=Q(as_of_precision__in=DatePrecision.values),
                name="observation_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ObservationStatus.values),
                name="observation_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(confidence__in=["", *ObservationConfidence.values]),
                name="observation_confidence_valid",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(as_of__isnull=True)
                | Q(period_start__lte=F("as_of")),
                name="observation_period_starts_before_as_of",
            ),
        ]

    def __str__(self):
        scope = self.project or "Belt and Road Initiative"
        return f"{scope}: {self.display_value} ({self.as_of_display})"

    def clean(self):
        if self.value is not None and self.value < 0:
            raise ValidationError({"value": "A figure cannot be negative."})
        if self.period_start and self.as_of and self.period_start > self.as_of:
            raise ValidationError(
                {"period_start": "The period cannot start after its as-of date."}
            )
        if self.period_start is None and self.period not in (
            ObservationPeriod.CUMULATIVE,
            ObservationPeriod.POINT,
        ):
            self.period_start = period_start_for(
                self.period, self.as_of, self.as_of_precision
            )
        if self.metric_id and self.metric.key == OTHER_METRIC:
            self.unit = self.unit.strip() or derive_unit(self.counted)
        checks = [
            *self._counted_problems(),
            ("as_of", self._future_problem()),
            (
                "period_start",
                period_problem(self.period, self.period_start, self.as_of),
            ),
            ("value", self._plausibility_problem()),
            (NON_FIELD_ERRORS, self._duplicate_problem()),
        ]
        errors = {field: problem for field, problem in checks if problem}
        if errors:
            raise ValidationError(errors)
        if self.source_id is not None:
            validate_quote(self.quote, self.source)

    def _counted_problems(self):
        if not self.metric_id:
            return []
        if self.metric.key != OTHER_METRIC:
            if self.unit:
                return [("unit", "Only an “Other figure” has a unit of its own.")]
            return []
        problems = []
        if not self.counted.strip():
            problems.append(
                (
                    "counted",
                    "Say what this figure counts (e.g. “value of goods "
                    "carried”): an “Other figure” means nothing without it.",
                )
            )
        if not self.unit:
            problems.append(
                ("unit", "State the unit of the value (US$, tonnes, passengers…).")
            )
        return problems

    def _future_problem(self):
        if (
            self.as_of
            and self.as_of > timezone.localdate()
            and self.qualifier != ObservationQualifier.PROJECTED
        ):
            return (
                f"{self.as_of:%-d %b %Y} is in the future: only a projected figure "
                "can be dated after today. Choose the qualifier “Projected” or "
                "correct the date."
            )
        return None

    def _plausibility_problem(self):
        metric = self.metric if self.metric_id else None
        if (
            metric is None
            or metric.plausible_max is None
            or self.value is None
            or self.value <= metric.plausible_max
            or self.value_checked
        ):
            return None
        return (
            f"{compact_number(self.value)} {metric.unit} is unusually large for "
            f"“{metric.name}” (above {compact_number(metric.plausible_max)}): "
            f"{metric.plausible_hint or 'is the unit right?'} If the value is right, "
            "tick “Unusual value checked”."
        )

    def _duplicate_problem(self):
        if not (self.metric_id and self.source_id and self.value is not None):
            return None
        twins = Observation.objects.filter(
            metric_id=self.metric_id,
            project_id=self.project_id,
            as_of=self.as_of,
            period=self.period,
            source_id=self.source_id,
            value=self.value,
        ).exclude(pk=self.pk)
        twin = twins.first()
        if twin is None:
            return None
        return (
            f"This figure is already recorded (figure #{twin.pk}): same metric, "
            "project, as-of date, period, source and value."
        )

    @property
    def as_of_display(self):
        return format_partial_date(self.as_of, self.as_of_precision)

    @property
    def period_display(self):
        """ "Cumulative to date", "Year 2020", "1 Jan 2021 – 31 Mar 2021"."""
        label = self.get_period_display()
        if self.period == ObservationPeriod.YEAR and self.period_start and self.as_of:
            if (self.period_start.month, self.period_start.day) == (1, 1):
                return f"{label} {self.as_of.year}"
        if self.period_start and self.as_of and self.period_start != self.as_of:
            return f"{label}: {self.period_start:%-d %b %Y} – {self.as_of:%-d %b %Y}"
        return label

    @property
    def display_value(self):
        return humanize_figure(
            self.value, self.metric, self.qualifier, own_unit=self.unit
        )

    @property
    def unit_display(self):
        """The unit of the value as written next to it: "US$", "tonnes"."""
        if self.metric.is_currency:
            return "US$"
        return self.unit or self.metric.unit


class DashboardCard(AuditedModel):
    """A headline card of the dashboard: the latest figure of one metric, for
    one project or the initiative as a whole. Editors choose the cards."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="cards")
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cards",
        help_text="Empty for an initiative-wide figure.",
    )
    period = models.CharField(
        max_length=15,
        choices=ObservationPeriod.choices,
        default=ObservationPeriod.CUMULATIVE,
        help_text="Which series the card follows.",
    )
    title = models.CharField(
        max_length=100, blank=True, help_text="Defaults to the metric's name."
    )
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "project", "period"],
                condition=Q(project__isnull=False),
                name="dashboard_card_unique_per_project",
            ),
            models.UniqueConstraint(
                fields=["metric", "period"],
                condition=Q(project__isnull=True),
                name="dashboard_card_unique_initiative_wide",
            ),
            models.CheckConstraint(
                condition=Q(period__in=ObservationPeriod.values),
                name="dashboard_card_period_valid",
            ),
        ]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        return self.title or self.metric.name


class FigureCandidateQuerySet(models.QuerySet):
    def decided(self):
        return self.exclude(decision=CandidateDecision.PENDING)

    def decision_rates(self):
        """Rows {"metric__key", "total", "accepted", "rejected", "edited"}
        per metric, from the editors' decisions. A copy's proposals, decided
        when it was stored (projects.ingest), are not the editors'."""
        return (
            self.decided()
            .filter(source__duplicate_of=None)
            .values("metric__key")
            .annotate(
                total=Count("pk"),
                accepted=Count("pk", filter=Q(decision=CandidateDecision.ACCEPTED)),
                rejected=Count("pk", filter=Q(decision=CandidateDecision.REJECTED)),
                edited=Count("pk", filter=Q(edited=True)),
            )
            .order_by("metric__key")
        )


class FigureCandidate(FigureFields):
    """A figure the extractor proposes from a source, until an editor accepts
    it (it becomes an Observation) or rejects it. The extractor's guess is
    kept as it was, so its accuracy on real decisions can be reported."""

    Decision = CandidateDecision

    source = models.ForeignKey(
        "sources.Source", on_delete=models.CASCADE, related_name="candidates"
    )
    extracted = models.JSONField(help_text="The extractor's proposal, unedited.")
    confidence = models.FloatField(default=0)
    decision = models.CharField(
        max_length=10,
        choices=CandidateDecision.choices,
        default=CandidateDecision.PENDING,
    )
    reject_reason = models.CharField(max_length=200, blank=True)
    edited = models.BooleanField(
        default=False, help_text="The editor changed the proposal before accepting."
    )
    observation = models.OneToOneField(
        Observation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="candidate",
    )
    decided_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    as_of_basis = models.CharField(
        "as-of date from",
        max_length=20,
        choices=CandidateAsOfBasis.choices,
        blank=True,
        help_text="What the extractor read the as-of date from.",
    )

    objects = FigureCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["source", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=CandidateDecision.values),
                name="candidate_decision_valid",
            ),
        ]

    def __str__(self):
        return f"{self.metric.key} {compact_number(self.value)} ({self.decision})"

    @classmethod
    def from_extracted(cls, figure, *, source, metric, project):
        """A candidate holding ``figure`` (a sources.extraction.Figure, whose
        metric and project are names) as the extractor proposed it. A figure
        with no period (a cost, a forecast, a one-day count) is a figure at a
        point in time."""
        names = set(cls.field_names()) - {"metric", "project", "period"}
        return cls(
            source=source,
            extracted=figure.to_json(),
            metric=metric,
            project=project,
            confidence=figure.confidence,
            period=figure.period or ObservationPeriod.POINT,
            as_of_basis=str(getattr(figure, "as_of_basis", "") or ""),
            # The extractor does not say what an “Other figure” counts.
            **{name: getattr(figure, name) for name in names if hasattr(figure, name)},
        )

    def as_observation(self, **extra) -> "Observation":
        """The figure this candidate states, as the editor left it, quoting
        its source: an unsaved Observation."""
        fields = {name: getattr(self, name) for name in self.field_names()}
        return Observation(source=self.source, **fields, **extra)

    def matches_extraction(self):
        """True when the editable fields still hold the extractor's guess."""
        guess = self.extracted
        return (
            self.metric.key == guess["metric"]
            and self.value == Decimal(str(guess["value"]))
            and self.qualifier == guess["qualifier"]
            and self.period == _extracted_period(guess)
            and (self.as_of.isoformat() if self.as_of else None) == guess["as_of"]
            and (self.project.name if self.project else None) == guess["project"]
        )


def _extracted_period(guess):
    """The period an extracted figure (its JSON) proposes, as stored on a
    candidate: the extractor's own kind where it gives one (its JSON
    "period" calls a year to date a year), and no period is a point."""
    period = guess.get("period_kind", guess.get("period"))
    return period or ObservationPeriod.POINT
