"""What the API returns for each kind of record. Every record carries its
stable ``id`` (or key), ``url`` (this API) and ``permalink`` (the site's
page, where there is one); every figure its value, qualifier, unit, dates,
period, source and the quote that states it."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import changes
from countries.models import Country, Organization, PartnerAgreement
from explorer.exports import value_unit
from projects.models import Metric, Observation, Project
from sources.models import Source


def absolute(request, name, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


class LinkField(serializers.Field):
    """A URL of the record, built from ``attribute`` (its key) and the URL
    ``name``; read-only."""

    def __init__(self, name: str, attribute: str, **kwargs):
        self.url_name = name
        self.attribute = attribute
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        return absolute(
            self.context["request"], self.url_name, getattr(instance, self.attribute)
        )


LinkField = extend_schema_field({"type": "string", "format": "uri"})(LinkField)


def WEB_URL():  # noqa: N802 (a field factory)
    """A source's own address: ``url`` is the record's address in the API."""
    return serializers.CharField(
        source="url", read_only=True, help_text="Where the source is published."
    )


class MetricSerializer(serializers.ModelSerializer):
    url = LinkField("api:metric-detail", "key")

    class Meta:
        model = Metric
        fields = [
            "key",
            "url",
            "name",
            "unit",
            "is_currency",
            "aggregation",
            "description",
        ]


class MetricRefSerializer(serializers.ModelSerializer):
    url = LinkField("api:metric-detail", "key")

    class Meta:
        model = Metric
        fields = ["key", "url", "name", "unit"]


class ProjectRefSerializer(serializers.ModelSerializer):
    url = LinkField("api:project-detail", "slug")
    permalink = LinkField("projects:detail", "slug")

    class Meta:
        model = Project
        fields = ["slug", "url", "permalink", "name"]


class SourceRefSerializer(serializers.ModelSerializer):
    url = LinkField("api:source-detail", "pk")
    permalink = LinkField("sources:detail", "pk")

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "permalink",
            "title",
            "publisher",
            "published_on",
            "web_url",
        ]

    web_url = WEB_URL()


class FigureSerializer(serializers.ModelSerializer):
    url = LinkField("api:figure-detail", "pk")
    permalink = LinkField("figures:detail", "pk")
    metric = MetricRefSerializer(read_only=True)
    project = ProjectRefSerializer(
        read_only=True, allow_null=True, help_text="Null for initiative-wide figures."
    )
    source = SourceRefSerializer(read_only=True)
    value = serializers.DecimalField(
        max_digits=22,
        decimal_places=4,
        normalize_output=True,
        read_only=True,
        help_text="A decimal number as a string, exactly as recorded; read it "
        "with its qualifier (a lower bound for more_than).",
    )
    change_percent = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        normalize_output=True,
        read_only=True,
        allow_null=True,
        help_text="Year-on-year change as the source states it.",
    )
    unit = serializers.SerializerMethodField(
        help_text="The value's unit: USD for money, else the metric's or the figure's."
    )

    class Meta:
        model = Observation
        fields = [
            "id",
            "url",
            "permalink",
            "metric",
            "project",
            "value",
            "qualifier",
            "unit",
            "counted",
            "period",
            "period_start",
            "as_of",
            "as_of_precision",
            "change_percent",
            "source",
            "quote",
            "created_at",
            "updated_at",
        ]

    def get_unit(self, figure) -> str:
        metric = figure.metric
        return value_unit(figure.unit, metric.unit, metric.is_currency)


class CountryRefSerializer(serializers.ModelSerializer):
    url = LinkField("api:country-detail", "iso3")
    permalink = LinkField("countries:detail", "iso3")

    class Meta:
        model = Country
        fields = ["iso3", "url", "permalink", "name"]


class CountrySerializer(serializers.ModelSerializer):
    url = LinkField("api:country-detail", "iso3")
    permalink = LinkField("countries:detail", "iso3")
    partner_status = serializers.CharField(
        read_only=True,
        help_text="What the agreements say: partner, withdrawn, unclear or none.",
    )
    first_signed_on = serializers.DateField(read_only=True, allow_null=True)
    first_signed_precision = serializers.CharField(read_only=True, allow_null=True)
    withdrawn_on = serializers.DateField(read_only=True, allow_null=True)
    agreement_count = serializers.IntegerField(read_only=True)
    project_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Country
        fields = [
            "iso3",
            "url",
            "permalink",
            "iso2",
            "numeric_code",
            "name",
            "official_name",
            "region",
            "subregion",
            "partner_status",
            "first_signed_on",
            "first_signed_precision",
            "withdrawn_on",
            "agreement_count",
            "project_count",
        ]


class OrganizationSerializer(serializers.ModelSerializer):
    url = LinkField("api:organization-detail", "slug")

    class Meta:
        model = Organization
        fields = ["slug", "url", "name", "acronym", "website"]

    website = serializers.URLField(source="url", read_only=True)


class AgreementSerializer(serializers.ModelSerializer):
    url = LinkField("api:agreement-detail", "pk")
    country = CountryRefSerializer(read_only=True, allow_null=True)
    organization = OrganizationSerializer(read_only=True, allow_null=True)
    source = SourceRefSerializer(
        read_only=True, allow_null=True, help_text="Null when none is recorded."
    )

    class Meta:
        model = PartnerAgreement
        fields = [
            "id",
            "url",
            "country",
            "organization",
            "title",
            "kind",
            "signed_on",
            "signed_on_precision",
            "status",
            "ended_on",
            "source",
            "quote",
            "note",
        ]


class ProjectSerializer(serializers.ModelSerializer):
    url = LinkField("api:project-detail", "slug")
    permalink = LinkField("projects:detail", "slug")
    countries = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField(
        help_text="This project's figures in the API."
    )

    class Meta:
        model = Project
        fields = [
            "slug",
            "url",
            "permalink",
            "figures",
            "name",
            "official_name",
            "aliases",
            "kind",
            "sector",
            "status",
            "countries",
            "region",
            "started_on",
            "started_on_precision",
            "opened_on",
            "opened_on_precision",
            "summary",
            "operator",
            "financing",
            "latitude",
            "longitude",
            "is_signature",
            "figure_count",
            "latest_as_of",
            "created_at",
            "updated_at",
        ]

    def get_countries(self, project) -> list[str]:
        """ISO3 codes, in order."""
        return sorted(country.iso3 for country in project.countries.all())

    def get_figures(self, project) -> str:
        request = self.context["request"]
        return f"{absolute(request, 'api:figure-list')}?project={project.slug}"


class SourceSerializer(serializers.ModelSerializer):
    url = LinkField("api:source-detail", "pk")
    permalink = LinkField("sources:detail", "pk")
    web_url = WEB_URL()
    has_text = serializers.BooleanField(
        source="text_stored",
        read_only=True,
        help_text="Whether the site stores the source's text, to check quotes.",
    )
    duplicate_of = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "permalink",
            "title",
            "publisher",
            "published_on",
            "published_on_precision",
            "date_note",
            "web_url",
            "language",
            "has_text",
            "duplicate_of",
            "figure_count",
        ]


class ChangeSerializer(serializers.Serializer):
    """One entry of the change feed (documentation only)."""

    at = serializers.DateTimeField(help_text="When the change was saved.")
    kind = serializers.ChoiceField(choices=[kind.name for kind in changes.KINDS])
    id = serializers.IntegerField(help_text="The record's database id (stable).")
    key = serializers.JSONField(
        help_text="The record's key in this API's URLs: id, slug, ISO3 or key."
    )
    action = serializers.ChoiceField(choices=changes.ACTIONS)
    url = serializers.URLField(
        allow_null=True, help_text="The record in this API; null once it is gone."
    )
    changes = serializers.DictField(
        child=serializers.DictField(),
        help_text='{field: {"old": value, "new": value}}; relations by their '
        "API key, numbers as decimal strings, dates in ISO 8601.",
    )


class ChangePageSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    next = serializers.URLField(allow_null=True)
    results = ChangeSerializer(many=True)
