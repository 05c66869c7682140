"""The API's endpoints: read-only lists and records, the same rows the
public pages show (published figures only), filtered by the pages' own
filters (api.filters) and paged by cursor (api.pagination)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from api import changes, feed, filters, serializers
from api.pagination import KeyCursorPagination
from countries.models import Country, Organization, PartnerAgreement
from projects.counts import countries_with_project_count
from projects.models import Metric, Observation, Project
from sources.models import Source


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    pagination_class = KeyCursorPagination
    cursor_key = "id"


class ProjectViewSet(ReadOnly):
    """Projects: railways, ports, power plants, parks, programmes."""

    serializer_class = serializers.ProjectSerializer
    filterset_class = filters.ProjectFilter
    lookup_field = "slug"
    queryset = Project.objects.with_countries().defer(
        "search_document", "specifications", "data_gaps", "countries_note"
    )


class FigureViewSet(ReadOnly):
    """Published figures, each with the sentence of its source that states it."""

    serializer_class = serializers.FigureSerializer
    filterset_class = filters.FigureFilter
    queryset = (
        Observation.objects.published()
        .select_related("metric", "project", "source")
        .only(
            *[
                f.name
                for f in Observation._meta.concrete_fields
                if f.name
                not in ("confidence", "note", "status", "value_checked", "version")
            ],
            "metric__key",
            "metric__name",
            "metric__unit",
            "metric__is_currency",
            "project__slug",
            "project__name",
            "source__title",
            "source__publisher",
            "source__published_on",
            "source__url",
        )
    )


class CountryViewSet(ReadOnly):
    """Countries, with what their agreements say (partner status)."""

    serializer_class = serializers.CountrySerializer
    filterset_class = filters.CountryFilter
    lookup_field = "iso3"
    lookup_value_regex = "[A-Za-z]{3}"
    cursor_key = "iso3"
    queryset = countries_with_project_count(Country.objects.with_partner_status())


class AgreementViewSet(ReadOnly):
    """Cooperation agreements signed by partner countries and organisations."""

    serializer_class = serializers.AgreementSerializer
    filterset_class = filters.AgreementFilter
    queryset = PartnerAgreement.objects.with_related().defer("source__text")


class OrganizationViewSet(ReadOnly):
    """International organisations that signed agreements."""

    serializer_class = serializers.OrganizationSerializer
    lookup_field = "slug"
    cursor_key = "slug"
    queryset = Organization.objects.all()


class SourceViewSet(ReadOnly):
    """Press releases, reports and articles the figures come from."""

    serializer_class = serializers.SourceSerializer
    filterset_class = filters.SourceFilter
    # The sources list's rows (text left unloaded, ``text_stored``); the
    # cursor sets the order.
    queryset = Source.objects.for_list()


class MetricViewSet(ReadOnly):
    """What the figures count: passengers, freight trips, GW, USD invested..."""

    serializer_class = serializers.MetricSerializer
    lookup_field = "key"
    cursor_key = "key"
    queryset = Metric.objects.all()


class ChangeFeedView(APIView):
    """What changed since a moment: created, changed, published,
    unpublished and removed records, with old and new values, oldest first.
    Follow ``next`` until it is null, then keep the last entry's ``at`` as
    the next ``since``. Draft figures never appear."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since",
                str,
                description="A timestamp (ISO 8601, e.g. 2026-11-01T00:00:00Z or "
                "2026-11-01) or a data release's version (e.g. 2026.12.0): "
                "changes after it. Required unless a cursor is given.",
            ),
            OpenApiParameter("cursor", str, description="From a page's next link."),
            OpenApiParameter(
                "limit",
                int,
                description=f"History rows per page (default {feed.DEFAULT_LIMIT}, "
                f"at most {feed.MAX_LIMIT}); draft edits and bookkeeping are "
                "read but not listed, so a page may list fewer.",
            ),
        ],
        responses={200: serializers.ChangePageSerializer},
    )
    def get(self, request):
        query = feed.ChangeQuery.from_request(request)
        page = changes.read(since=query.since, after=query.after, limit=query.limit)
        return Response(feed.page_body(request, query, page))
