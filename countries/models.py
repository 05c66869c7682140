from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from bri_tracker.audit import AuditedModel
from sources.dates import DatePrecision, format_partial_date
from sources.validators import validate_quote


class PartnerStatus(models.TextChoices):
    """A country's standing, derived from its recorded agreements (not a field)."""

    PARTNER = "partner", "Partner"
    WITHDRAWN = "withdrawn", "Withdrawn"
    UNCLEAR = "unclear", "Unclear: sources disagree on whether it signed"
    NONE = "none", "No agreement recorded"


class CountryQuerySet(models.QuerySet):
    def in_region(self, region):
        return self.filter(region=region)

    def partners(self):
        """Countries that have signed at least one agreement."""
        return self.filter(agreements__isnull=False).distinct()

    def with_partner_status(self) -> "CountryQuerySet":
        """Annotate what the recorded agreements say about each country.

        ``partner_status``: "partner" with an agreement in force, else
        "withdrawn" with a withdrawn one, else "unclear" with one whose
        signing sources dispute, else "none". ``first_signed_on`` and
        ``first_signed_precision``: the earliest dated agreement.
        ``withdrawn_on``: the latest end of a withdrawn agreement, only for
        withdrawn countries. ``agreement_count``. Subqueries, not joins, so
        the rows never multiply.
        """
        agreements = PartnerAgreement.objects.filter(country=OuterRef("pk"))
        in_force = Exists(agreements.filter(status=PartnerAgreementStatus.IN_FORCE))
        withdrawn = agreements.filter(status=PartnerAgreementStatus.WITHDRAWN)
        unclear = agreements.filter(status=PartnerAgreementStatus.UNCLEAR)
        first = agreements.exclude(signed_on=None).order_by("signed_on", "pk")
        last_end = withdrawn.order_by(F("ended_on").desc(nulls_last=True), "-pk")
        counts = agreements.order_by().values("country").annotate(n=Count("pk"))
        return self.annotate(
            partner_status=Case(
                When(in_force, then=Value(PartnerStatus.PARTNER)),
                When(Exists(withdrawn), then=Value(PartnerStatus.WITHDRAWN)),
                When(Exists(unclear), then=Value(PartnerStatus.UNCLEAR)),
                default=Value(PartnerStatus.NONE),
                output_field=CharField(),
            ),
            first_signed_on=Subquery(first.values("signed_on")[:1]),
            first_signed_precision=Subquery(first.values("signed_on_precision")[:1]),
            withdrawn_on=Case(
                When(
                    partner_status=PartnerStatus.WITHDRAWN,
                    then=Subquery(last_end.values("ended_on")[:1]),
                ),
                default=None,
                output_field=DateField(),
            ),
            agreement_count=Coalesce(
                Subquery(counts.values("n")), 0, output_field=IntegerField()
            ),
        )

    def with_agreements(self) -> "CountryQuerySet":
        """Prefetch each country's agreements, oldest first, as
        ``agreement_list``: its first is the one ``first_signed_on`` is of."""
        agreements = PartnerAgreement.objects.chronological()
        return self.prefetch_related(
            Prefetch("agreements", queryset=agreements, to_attr="agreement_list")
        )

    def for_list(self) -> "CountryQuerySet":
        """What the country list shows, sorted by name; the list adds each
        country's project count (projects.counts)."""
        return self.with_partner_status().order_by("name", "iso3")

    def region_choices(self) -> list[tuple[str, str]]:
        """(region, region) pairs of the M49 regions in the data, sorted."""
        regions = (
            self.exclude(region="")
            .order_by("region")
            .values_list("region", flat=True)
            .distinct()
        )
        return [(region, region) for region in regions]

    def map_rows(self) -> models.QuerySet:
        """Rows {"iso3", "name", "partner_status", "first_signed_on"} of
        every country, by ISO3."""
        return (
            self.with_partner_status()
            .order_by("iso3")
            .values("iso3", "name", "partner_status", "first_signed_on")
        )


class Country(AuditedModel):
    """An ISO 3166-1 country with its UN M49 region; all of them, partner or not."""

    iso3 = models.CharField("ISO 3166-1 alpha-3", max_length=3, unique=True)
    iso2 = models.CharField("ISO 3166-1 alpha-2", max_length=2, unique=True)
    numeric_code = models.CharField("ISO/M49 numeric code", max_length=3, blank=True)
    name = models.CharField(max_length=100)
    official_name = models.CharField(max_length=200, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    region = models.CharField("UN M49 region", max_length=50, blank=True)
    subregion = models.CharField("UN M49 sub-region", max_length=50, blank=True)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(
                condition=Q(iso3__regex=r"^[A-Z]{3}$"), name="country_iso3_format"
            ),
            models.CheckConstraint(
                condition=Q(iso2__regex=r"^[A-Z]{2}$"), name="country_iso2_format"
            ),
        ]

    def __str__(self):
        return self.name


class Organization(AuditedModel):
    """An international organisation that signs cooperation documents."""

    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=30, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class PartnerAgreementKind(models.TextChoices):
    BRI_MOU = "bri_mou", "BRI memorandum of understanding"
    COOPERATION_PLAN = "cooperation_plan", "Cooperation plan"
    COOPERATION_DOCUMENT = "cooperation_document", "Cooperation document"
    SECTORAL = "sectoral", "Sectoral agreement"
    JOINT_STATEMENT = "joint_statement", "Joint statement"
    OTHER = "other", "Other"


class PartnerAgreementStatus(models.TextChoices):
    IN_FORCE = "in_force", "In force"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"
    UNCLEAR = "unclear", "Unclear: sources disagree on whether it was signed"


class PartnerAgreementQuerySet(models.QuerySet):
    def with_related(self) -> "PartnerAgreementQuerySet":
        """Everything an agreement row shows: partner and source."""
        return self.select_related("country", "organization", "source")

    def chronological(self) -> "PartnerAgreementQuerySet":
        return self.order_by(F("signed_on").asc(nulls_last=True), "pk")

    def timeline_rows(self) -> models.QuerySet:
        """Rows {"country_id", "organization_id", "partner_name", "signed_on",
        "signed_on_precision", "ended_on", "status"} of the dated agreements,
        oldest first: the input of countries.charts.cumulative_partners()."""
        return (
            self.exclude(signed_on=None)
            .order_by("signed_on", "pk")
            .values(
                "country_id",
                "organization_id",
                "signed_on",
                "signed_on_precision",
                "ended_on",
                "status",
                partner_name=Coalesce("country__name", "organization__name"),
            )
        )


class PartnerAgreement(AuditedModel):
    """A cooperation document signed with China by one country or organisation."""

    Kind = PartnerAgreementKind

    Status = PartnerAgreementStatus

    country = models.ForeignKey(
        "countries.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
    )
    organization = models.ForeignKey(
        "countries.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
    )
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    signed_on = models.DateField(null=True, blank=True)
    signed_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.IN_FORCE
    )
    ended_on = models.DateField(null=True, blank=True)
    source = models.ForeignKey(
        "sources.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
    )
    quote = models.TextField(blank=True)
    note = models.TextField(blank=True)

    objects = PartnerAgreementQuerySet.as_manager()

    class Meta:
        ordering = ["signed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(country__isnull=False, organization__isnull=True)
                    | Q(country__isnull=True, organization__isnull=False)
                ),
                name="agreement_exactly_one_partner",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PartnerAgreementKind.values),
                name="agreement_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PartnerAgreementStatus.values),
                name="agreement_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(signed_on_precision__in=DatePrecision.values),
                name="agreement_precision_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=PartnerAgreementStatus.IN_FORCE)
                | Q(ended_on__isnull=True),
                name="agreement_in_force_has_no_end",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(ended_on__gte=F("signed_on")),
                name="agreement_ends_after_signing",
            ),
            models.CheckConstraint(
                condition=Q(quote="") | Q(source__isnull=False),
                name="agreement_quote_needs_source",
            ),
        ]

    def __str__(self):
        return f"{self.partner}: {self.title} ({self.signed_display})"

    def clean(self):
        errors = {}
        if (self.country_id is None) == (self.organization_id is None):
            errors["country"] = (
                "Choose exactly one partner: a country or an organisation."
            )
        if self.signed_on and self.signed_on > timezone.localdate():
            # A document is recorded once signed; a planned signing is news,
            # not an agreement (issue 15: a mistyped 2030 was accepted).
            errors["signed_on"] = (
                f"The signing date {self.signed_on:%-d %b %Y} is in the future: "
                "record an agreement once it is signed."
            )
        if self.status == self.Status.IN_FORCE and self.ended_on:
            errors["ended_on"] = "An agreement in force has no end date."
        elif self.ended_on and self.signed_on and self.ended_on < self.signed_on:
            errors["ended_on"] = "An agreement cannot end before it was signed."
        if errors:
            raise ValidationError(errors)
        validate_quote(self.quote, self.source)

    @property
    def partner(self):
        return self.country or self.organization

    @property
    def signed_display(self):
        return format_partial_date(self.signed_on, self.signed_on_precision)
