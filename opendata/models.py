"""Published releases of the open dataset: a record per release, written
once by ``manage.py publish_release`` and never changed (issue 16)."""

from django.db import models
from django.urls import reverse


class ReleaseQuerySet(models.QuerySet):
    def newest_first(self) -> "ReleaseQuerySet":
        return self.order_by("-created_at", "-pk")

    def of_month(self, prefix: str) -> "ReleaseQuerySet":
        """Releases whose version starts with ``prefix`` ("2026.12.")."""
        return self.filter(version__startswith=prefix)


class Release(models.Model):
    """One published, immutable version of the whole public dataset."""

    version = models.CharField(
        max_length=20, unique=True, help_text="YYYY.MM.N, N counting from 0."
    )
    created_at = models.DateTimeField()
    note = models.TextField(blank=True)
    counts = models.JSONField(default=dict, help_text="Rows per file, by file name.")
    files = models.JSONField(
        default=dict,
        help_text="Every file of the release: {name: {bytes, sha256}}.",
    )
    total_bytes = models.PositiveBigIntegerField()
    path = models.CharField(
        max_length=200, help_text="Its directory, under DATA_RELEASES_ROOT."
    )
    datapackage_sha256 = models.CharField(max_length=64)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.version

    def get_absolute_url(self):
        return reverse("opendata:release", args=[self.version])
