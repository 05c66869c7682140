"""Readers' reports of an error on a project, figure or country page, and
the editors' decision on each.

A report is not part of the public data: it draws no new data generation
and no page shows it. It names what it reports by kind and key (a project's
slug, a figure's id, a country's ISO3 code) and keeps the page's path, so a
later change to the object does not lose the report.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class CorrectionKind(models.TextChoices):
    PROJECT = "project", "Project"
    FIGURE = "figure", "Figure"
    COUNTRY = "country", "Country"


class CorrectionStatus(models.TextChoices):
    OPEN = "open", "Open"
    FIXED = "fixed", "Fixed"
    DECLINED = "declined", "Declined"


class CorrectionRequestQuerySet(models.QuerySet):
    def open(self) -> "CorrectionRequestQuerySet":
        return self.filter(status=CorrectionStatus.OPEN)

    def resolved(self) -> "CorrectionRequestQuerySet":
        return self.exclude(status=CorrectionStatus.OPEN)

    def from_address(self, ip_address: str, *, since) -> "CorrectionRequestQuerySet":
        """Reports sent from ``ip_address`` at or after ``since``."""
        return self.filter(ip_address=ip_address, created_at__gte=since)


class CorrectionRequest(models.Model):
    """One reader's report of an error, and what an editor did about it."""

    Kind = CorrectionKind
    Status = CorrectionStatus

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_key = models.CharField(
        "reported object",
        max_length=100,
        help_text="The project's slug, the figure's id or the country's ISO3 code.",
    )
    object_label = models.CharField(
        "reported as", max_length=300, help_text="Its name when it was reported."
    )
    page_path = models.CharField("page", max_length=500)
    what_is_wrong = models.CharField("what is wrong", max_length=2000)
    correct_value = models.CharField("correct value", max_length=500, blank=True)
    source_url = models.URLField("source link", max_length=500, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    ip_address = models.GenericIPAddressField("sent from")
    created_at = models.DateTimeField("reported at", auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    resolution = models.TextField(
        "reason",
        blank=True,
        help_text="Why the request was fixed or declined; required to resolve it.",
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = CorrectionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The rate limit counts an address's recent reports.
            models.Index(
                fields=["ip_address", "created_at"], name="correction_ip_recent"
            ),
            models.Index(fields=["status", "created_at"], name="correction_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CorrectionKind.values),
                name="correction_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CorrectionStatus.values),
                name="correction_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(what_is_wrong=""), name="correction_says_what_is_wrong"
            ),
            # A resolved request keeps the editor's reason.
            models.CheckConstraint(
                condition=Q(status=CorrectionStatus.OPEN) | ~Q(resolution=""),
                name="correction_resolved_with_reason",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} {self.object_label}: {self.what_is_wrong:.60}"
        )

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
