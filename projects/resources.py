"""CSV/XLSX import and export of figures and projects (django-import-export).

Rows name their metric by key, their project by slug and their source by URL
(or, for a stored release without one, its external id). Unknown names are
row errors, never new records. Every row goes through the models' own
validation, and one bad row stops the whole import: nothing is written.
"""

from import_export import fields, resources, widgets

from bri_tracker.exports import NeutralisedExportMixin
from countries.models import Country
from projects.models import Metric, Observation, Project
from sources.models import Source


class KnownForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key looked up by a natural key; an unknown one is an error
    that says what was not found."""

    def __init__(self, model, field, *, also=()):
        super().__init__(model, field=field)
        self.also = also

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip() if isinstance(value, str) else value
        if value in (None, ""):
            return None
        for field in (self.field, *self.also):
            found = self.model.objects.filter(**{field: value}).first()
            if found is not None:
                return found
        raise ValueError(
            f"Unknown {self.model._meta.verbose_name} “{value}”: no "
            f"{self.model._meta.verbose_name} has this {self.field}."
        )

    def render(self, value, obj=None, **kwargs):
        # A source without URL is named by its external id, as on import.
        for field in (self.field, *self.also):
            shown = getattr(value, field, None) if value is not None else None
            if shown:
                return shown
        return ""


class KnownManyToManyWidget(widgets.ManyToManyWidget):
    """Many rows named by a natural key; any unknown name is an error."""

    def clean(self, value, row=None, **kwargs):
        names = [n.strip() for n in str(value or "").split(self.separator)]
        names = [n for n in names if n]
        found = self.model.objects.filter(**{f"{self.field}__in": names})
        missing = sorted(set(names) - {getattr(item, self.field) for item in found})
        if missing:
            raise ValueError(
                f"Unknown {self.model._meta.verbose_name_plural}: {', '.join(missing)}."
            )
        return found


class AllOrNothingResource(NeutralisedExportMixin, resources.ModelResource):
    """Validate every row with the models' rules; any error, including a
    validation error, aborts the whole import. Exports neutralise formulas."""

    class Meta:
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def import_data(self, *args, **kwargs):
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(*args, **kwargs)


class ObservationResource(AllOrNothingResource):
    metric = fields.Field(
        attribute="metric",
        column_name="metric",
        widget=KnownForeignKeyWidget(Metric, "key"),
    )
    project = fields.Field(
        attribute="project",
        column_name="project",
        widget=KnownForeignKeyWidget(Project, "slug"),
    )
    source = fields.Field(
        attribute="source",
        column_name="source",
        widget=KnownForeignKeyWidget(Source, "url", also=["external_id"]),
    )

    class Meta(AllOrNothingResource.Meta):
        model = Observation
        # The figure's own fields, then where it comes from and its review.
        fields = [
            "id",
            *Observation.field_names(),
            "as_of_precision",
            "source",
            "confidence",
            "note",
            "status",
        ]
        export_order = fields


class ProjectResource(AllOrNothingResource):
    countries = fields.Field(
        attribute="countries",
        column_name="countries",
        widget=KnownManyToManyWidget(Country, field="iso3", separator=";"),
    )

    class Meta(AllOrNothingResource.Meta):
        model = Project
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "official_name",
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
            "is_signature",
        ]
        export_order = fields
