"""Suggestions for the filter forms' text inputs (explorer.filters.LookupInput):
the first few projects or sources whose names contain what has been typed,
as JSON ``{"results": [{"value", "label"}]}``. ``value`` is what the input
takes, and what the figure list's filter accepts back."""

from django.db.models import Q
from django.http import JsonResponse

from projects.models import Project
from sources.models import Source

LIMIT = 20
# Shorter text cannot use the trigram indexes (and matches too much to
# suggest anything useful).
MIN_LENGTH = 3
MAX_LENGTH = 200


def project_lookup(request):
    text = _text(request)
    if text is None:
        return _results([])
    projects = (
        Project.objects.filter(
            Q(name__icontains=text) | Q(aliases__icontains=text) | Q(slug=text)
        )
        # Not by name: walking the name index past thousands of rows that do
        # not match is slower than sorting the matches.
        .order_by("-figure_count", "name", "pk")
        .values_list("name", "sector")[:LIMIT]
    )
    sectors = dict(Project.Sector.choices)
    return _results(
        [{"value": name, "label": sectors.get(sector, "")} for name, sector in projects]
    )


def source_lookup(request):
    text = _text(request)
    if text is None:
        return _results([])
    sources = (
        Source.objects.filter(Q(title__icontains=text) | Q(publisher__icontains=text))
        .order_by("-figure_count", "title", "pk")
        .only("title", "publisher", "published_on", "published_on_precision")[:LIMIT]
    )
    return _results(
        [
            {
                "value": source.title,
                "label": ", ".join(
                    filter(None, [source.publisher, source.published_display])
                ),
            }
            for source in sources
        ]
    )


def _text(request):
    text = request.GET.get("q", "").strip()
    if not MIN_LENGTH <= len(text) <= MAX_LENGTH:
        return None
    return text


def _results(rows):
    return JsonResponse({"results": rows})
