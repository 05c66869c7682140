"""The one figure download: every figure list (all figures, a project's, a
country's) exports the same columns."""

from django.urls import reverse

from bri_tracker.exports import stream_export

FIGURE_COLUMNS = [
    "id", "project_name", "project_slug", "metric_key", "metric_name", "value",
    "qualifier", "unit", "period", "period_start", "as_of", "as_of_precision",
    "change_percent", "source_id", "source_title", "source_publisher",
    "source_published_on", "source_url", "quote", "permalink",
]  # fmt: skip


def figure_export(request, fmt, figures, *, filename):
    """Stream ``figures`` (an Observation queryset) as CSV or JSON."""
    return stream_export(
        fmt, _rows(request, figures), columns=FIGURE_COLUMNS, filename=filename
    )


def _rows(request, figures):
    for row in figures.export_rows():
        unit = row.pop("metric_unit")
        row["unit"] = "USD" if row.pop("metric_is_currency") and not unit else unit
        path = reverse("figures:detail", args=[row["id"]])
        row["permalink"] = request.build_absolute_uri(path)
        yield row
