from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Q,
)

from bri_tracker.audit import AuditedModel
from sources.dates import DatePrecision, format_partial_date
from sources.text import content_hash


class SourceQuerySet(models.QuerySet):
    def with_text(self):
        return self.exclude(text="")

    def reference_only(self):
        return self.filter(text="")

    def originals(self):
        return self.filter(duplicate_of=None)

    def publishers(self) -> list[str]:
        """The publishers named by sources, sorted, each once."""
        return list(
            self.exclude(publisher="")
            .order_by("publisher")
            .values_list("publisher", flat=True)
            .distinct()
        )

    def for_list(self):
        """Rows of the sources list, newest first: the long text left unloaded,
        replaced by ``text_stored``, and the original's title."""
        return (
            self.order_by(F("published_on").desc(nulls_last=True), "title", "pk")
            .defer("text")
            .annotate(
                text_stored=ExpressionWrapper(~Q(text=""), output_field=BooleanField())
            )
            .select_related("duplicate_of")
            .defer("duplicate_of__text")
        )


class Source(AuditedModel):
    """A press release or report that figures are taken from.

    A source with ``text`` is a stored release: figures quote it verbatim. A
    source without text is reference-only: title, publisher, date and URL.
    """

    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    date_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="The date as the source gives it, where it is not a clean date.",
    )
    url = models.URLField(max_length=1000, blank=True)
    external_id = models.CharField(
        max_length=200,
        blank=True,
        help_text="Identifier in the collection it came from (a file name, a DOI).",
    )
    language = models.CharField(max_length=10, default="en")
    text = models.TextField(blank=True, help_text="Cleaned full text, if stored.")
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        help_text="The original, when this source is the same article.",
    )
    figure_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Published figures taken from it."
    )

    history_excluded_fields = ("figure_count",)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        indexes = [
            # The sources list's default order (SourceQuerySet.for_list).
            models.Index(
                F("published_on").desc(nulls_last=True),
                "title",
                "id",
                name="source_published_desc",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="source_url_unique"
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="source_external_id_unique",
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=F("pk")),
                name="source_not_duplicate_of_itself",
            ),
            models.CheckConstraint(
                condition=Q(published_on_precision__in=DatePrecision.values),
                name="source_precision_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The fingerprint is derived from the row's own text, so it can never
        # disagree with it.
        self.content_hash = self.fingerprint
        super().save(*args, **kwargs)

    @property
    def fingerprint(self):
        return content_hash(self.text) if self.text else ""

    def clean(self):
        original = self.duplicate_of
        if original is None:
            return
        if original.pk == self.pk:
            raise ValidationError({"duplicate_of": "A source cannot duplicate itself."})
        if original.duplicate_of_id is not None:
            raise ValidationError(
                {
                    "duplicate_of": f"“{original}” is itself a duplicate; "
                    "point to its original instead."
                }
            )

    @property
    def has_text(self):
        return bool(self.text)

    @property
    def published_display(self):
        return format_partial_date(self.published_on, self.published_on_precision)
