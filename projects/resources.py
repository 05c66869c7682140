"""CSV/XLSX import and export of figures and projects (django-import-export).

Rows name their metric by key, their project by slug and their source by URL
(or, for a stored release without one, its external id). Unknown names are
row errors, never new records. Every row goes through the models' own
validation, and one bad row stops the whole import: nothing is written.

Headers are matched to columns by key or by label, whatever the case ("as_of",
"As of"); a header that matches no column is an error. Cells are read with the
formats editors write (projects/imports.py): dates as 2025-09-15, 15/09/2025
or 15 Sep 2025, numbers with thousands separators, choices by key or label.

Figures are validated in bulk (issue 15): the metrics, projects and sources a
file names are read once, before its rows; the duplicate check runs once for
all rows; nothing is written while rows are checked, so a dry run takes no
lock and a real import writes everything at the end, in a few statements
(bulk_create, bulk_update, their history, one recount of the projects and
sources touched) that hold row locks for moments, not minutes.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.utils import timezone
from import_export import fields, resources, widgets
from import_export.instance_loaders import ModelInstanceLoader
from import_export.results import RowResult

from bri_tracker import data_generation
from bri_tracker.exports import NeutralisedExportMixin
from countries.models import Country
from projects import imports
from projects.counts import sources_refresh_figure_count
from projects.models import Metric, Observation, Project
from sources.models import Source

# Rows per INSERT/UPDATE statement of a real import.
WRITE_BATCH = 2_000
# Names per IN (...) lookup while reading what a file refers to.
LOOKUP_BATCH = 5_000


def _text(value):
    return "" if value is None else str(value)


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)


class NumberWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        return imports.parse_decimal(_text(value))


class EditorDateWidget(widgets.DateWidget):
    def clean(self, value, row=None, **kwargs):
        return imports.parse_date(_text(value))


class YesNoWidget(widgets.BooleanWidget):
    def clean(self, value, row=None, **kwargs):
        return imports.parse_bool(_text(value))


class WholeNumberWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        return imports.parse_int(_text(value))


class ChoiceWidget(widgets.CharWidget):
    """A choice by its key or its label, whatever the case: "more_than",
    "More than"."""

    def __init__(self, choices=(), **kwargs):
        super().__init__(**kwargs)
        self.choices = list(choices)
        self.known = {}
        for key, label in self.choices:
            self.known[imports.header_key(key)] = key
            self.known[imports.header_key(label)] = key

    def clean(self, value, row=None, **kwargs):
        text = _text(value).strip()
        if not text:
            return ""
        try:
            return self.known[imports.header_key(text)]
        except KeyError:
            allowed = ", ".join(str(key) for key, _ in self.choices)
            raise ValueError(f"“{text}” is not one of: {allowed}.") from None


class KnownForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key looked up by a natural key; an unknown one is an error
    that says what was not found. ``prefetch`` reads every name of a file
    at once; without it, each cell is one query."""

    def __init__(self, model, field, *, also=()):
        super().__init__(model, field=field)
        self.also = also
        self.known = None

    def prefetch(self, names, queryset=None):
        names = sorted({_text(name).strip() for name in names} - {""})
        queryset = self.model.objects.all() if queryset is None else queryset
        self.known = {}
        for lookup in reversed((self.field, *self.also)):
            for start in range(0, len(names), LOOKUP_BATCH):
                chunk = names[start : start + LOOKUP_BATCH]
                for found in queryset.filter(**{f"{lookup}__in": chunk}):
                    self.known[getattr(found, lookup)] = found

    def clean(self, value, row=None, **kwargs):
        value = _text(value).strip()
        if not value:
            return None
        if self.known is not None:
            found = self.known.get(value)
        else:
            found = None
            for field in (self.field, *self.also):
                found = self.model.objects.filter(**{field: value}).first()
                if found is not None:
                    break
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


class KeyedInstanceLoader(ModelInstanceLoader):
    """The existing records a file names by its id column, read in one query
    per few thousand (django-import-export's CachedInstanceLoader fails on
    an id that is not a number)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        [key] = resource.get_import_id_fields()
        self.field = resource.fields[key]
        self.instances = {}
        if dataset is None or self.field.column_name not in (dataset.headers or []):
            return
        keys = set()
        for value in dataset[self.field.column_name]:
            try:
                keys.add(self.field.clean({self.field.column_name: value}))
            except ValueError:
                continue
        keys = sorted(keys - {None, ""}, key=str)
        queryset = self.get_queryset()
        for start in range(0, len(keys), LOOKUP_BATCH):
            chunk = keys[start : start + LOOKUP_BATCH]
            for instance in queryset.filter(**{f"{self.field.attribute}__in": chunk}):
                self.instances[getattr(instance, self.field.attribute)] = instance

    def get_instance(self, row):
        try:
            return self.instances.get(self.field.clean(row))
        except ValueError:
            return None  # reported by the field itself, as a row error


class AllOrNothingResource(NeutralisedExportMixin, resources.ModelResource):
    """Validate every row with the models' rules; any error, including a
    validation error, aborts the whole import. Exports neutralise formulas."""

    # Header spellings besides each column's key and its model field's label.
    header_aliases: dict[str, str] = {}

    class Meta:
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        instance_loader_class = KeyedInstanceLoader
        # django-import-export's diff deep-copies every row's record, which
        # costs more than checking the row: unchanged rows are found by
        # skip_row, and the preview's first rows are rendered by
        # after_import_row.
        skip_diff = True

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if getattr(f, "choices", None):
            return ChoiceWidget
        kind = f.get_internal_type() if hasattr(f, "get_internal_type") else ""
        return {
            "DecimalField": NumberWidget,
            "DateField": EditorDateWidget,
            "BooleanField": YesNoWidget,
            "CharField": TextWidget,
            "TextField": TextWidget,
            "SlugField": TextWidget,
            "AutoField": WholeNumberWidget,
            "BigAutoField": WholeNumberWidget,
            "IntegerField": WholeNumberWidget,
            "PositiveIntegerField": WholeNumberWidget,
            "PositiveSmallIntegerField": WholeNumberWidget,
        }.get(kind) or super().widget_from_django_field(f, default)

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if getattr(django_field, "choices", None):
            kwargs["choices"] = django_field.choices
        return kwargs

    def import_data(self, dataset, *args, **kwargs):
        kwargs.setdefault("rollback_on_validation_errors", True)
        self.user = kwargs.get("user")
        self.file_headers = {}
        self.file_lines = list(getattr(dataset, "file_lines", []))
        self.diffed_rows = 0
        self.row_of, self.row_results = {}, {}
        try:
            self.map_headers(dataset)
        except ValueError as error:
            # No row is read under headers that mean nothing.
            result = self.get_result_class()()
            result.diff_headers = self.get_diff_headers()
            result.append_base_error(self.get_error_result_class()(error))
        else:
            result = super().import_data(dataset, *args, **kwargs)
        result.resource = self
        return result

    def get_import_fields(self):
        # Asked for several times per row; the answer never changes.
        if getattr(self, "_import_fields", None) is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def model_attnames(self):
        """{column: attname} of the columns that are model fields."""
        if getattr(self, "_attnames", None) is None:
            self._attnames = {}
            for field in self.get_import_fields():
                if isinstance(field.widget, widgets.ManyToManyWidget):
                    continue
                try:
                    model_field = self._meta.model._meta.get_field(field.attribute)
                except Exception:  # not a model field
                    continue
                self._attnames[field.column_name] = model_field.attname
        return self._attnames

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        if not new:
            instance._stored = {
                name: getattr(instance, name) for name in self.model_attnames().values()
            }
            if self.diffed_rows < imports.PREVIEW_ROWS:
                instance._shown = self.preview_cells(instance)

    def preview_cells(self, instance):
        cells = []
        for field in self.get_import_fields():
            try:
                cells.append(str(self.export_field(field, instance) or ""))
            except Exception:  # a value that cannot be shown yet
                cells.append("")
        return cells

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An existing record that the row leaves as it is."""
        if (
            import_validation_errors
            or not self._meta.skip_unchanged
            or not hasattr(instance, "_stored")
        ):
            return False
        for name, before in instance._stored.items():
            if getattr(instance, name) != before:
                return False
        for field in self.get_import_fields():
            if (
                isinstance(field.widget, widgets.ManyToManyWidget)
                and field.column_name in row
            ):
                wanted = {item.pk for item in field.clean(row)}
                stored = {item.pk for item in field.get_value(instance).all()}
                if wanted != stored:
                    return False
        return True

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        instance = row_result.instance if self._meta.store_instance else None
        instance = instance or getattr(self, "_last_instance", None)
        if self.diffed_rows >= imports.PREVIEW_ROWS or instance is None:
            return
        if row_result.import_type not in RowResult.valid_import_types:
            return
        self.diffed_rows += 1
        cells = self.preview_cells(instance)
        before = getattr(instance, "_shown", None)
        if before and row_result.import_type == RowResult.IMPORT_TYPE_UPDATE:
            cells = [
                new if old == new else f"{old} → {new}"
                for old, new in zip(before, cells, strict=True)
            ]
        row_result.diff = cells

    def import_instance(self, instance, row, **kwargs):
        self._last_instance = instance
        super().import_instance(instance, row, **kwargs)

    def column_of(self, name):
        """The column of the model field or resource attribute ``name``."""
        for field in self.fields.values():
            if name in (field.attribute, field.column_name):
                return field.column_name
        return name

    def header_names(self):
        """{header_key: column} for every spelling a column's header may
        have: its key, its attribute, its model field's label."""
        names = {}
        model = self._meta.model
        for field in self.get_import_fields():
            spellings = [field.column_name, field.attribute]
            try:
                attribute = (field.attribute or "").removesuffix("_id")
                spellings.append(model._meta.get_field(attribute).verbose_name)
            except Exception:  # a column that is not a model field
                pass
            for spelling in spellings:
                if spelling:
                    names.setdefault(imports.header_key(spelling), field.column_name)
        for alias, column in self.header_aliases.items():
            names.setdefault(imports.header_key(alias), column)
        return names

    def map_headers(self, dataset):
        """Rename the file's headers to the columns they mean; refuse
        headers that mean nothing, or one column twice."""
        names = self.header_names()
        headers, unknown, seen = [], [], {}
        for header in dataset.headers or []:
            column = names.get(imports.header_key(header))
            if column is None:
                unknown.append(str(header))
                column = str(header)
            elif column in seen:
                raise ValueError(
                    f"The columns “{seen[column]}” and “{header}” are the same "
                    f"column ({column}): keep one."
                )
            seen[column] = str(header)
            headers.append(column)
        if unknown:
            expected = ", ".join(f.column_name for f in self.get_import_fields())
            raise ValueError(
                "Unknown column(s): "
                + ", ".join(f"“{name}”" for name in unknown)
                + f". The columns are: {expected} (or their labels, such as "
                "“As of”)."
            )
        dataset.headers = headers
        self.file_headers = seen

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True
    ):
        errors = dict(import_validation_errors or {})
        foreign_keys = self.checked_foreign_keys()
        for name in foreign_keys:
            field = instance._meta.get_field(name)
            if (
                name not in errors
                and not field.null
                and getattr(instance, field.attname) is None
            ):
                errors[name] = ValidationError(
                    f"This column is required: name the {field.verbose_name}."
                )
        try:
            # Foreign keys were found by their widgets, so checking that they
            # exist again would be a query per cell; the check constraints
            # repeat clean() and the choices and are enforced by the database.
            instance.full_clean(
                exclude=[*errors, *foreign_keys],
                validate_unique=self.check_unique,
                validate_constraints=self.check_constraints,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    check_unique = True
    check_constraints = True

    def checked_foreign_keys(self):
        """Foreign keys whose widget found the record in the database."""
        return [
            field.attribute
            for field in self.fields.values()
            if isinstance(field.widget, KnownForeignKeyWidget)
        ]


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

    header_aliases = {
        "unusual_value_checked": "value_checked",
        "value_checked": "value_checked",
        "figure": "id",
    }
    # Figures have no unique field but the id, and their check constraints
    # repeat Observation.clean() and the choices: no query per row.
    check_unique = False
    check_constraints = False

    class Meta(AllOrNothingResource.Meta):
        model = Observation
        use_bulk = True
        # Everything is written at the end, once every row is checked.
        batch_size = None
        # The figure's own fields, then where it comes from and its review.
        fields = [
            "id",
            *Observation.field_names(),
            "as_of_precision",
            "source",
            "confidence",
            "note",
            "status",
            "value_checked",
        ]
        export_order = fields

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        for name, queryset in (
            ("metric", Metric.objects.all()),
            ("project", Project.objects.all()),
            ("source", Source.objects.all()),
        ):
            widget = self.fields[name].widget
            column = self.fields[name].column_name
            names = dataset[column] if column in dataset.headers else []
            widget.prefetch(names, queryset)

    def validate_instance(self, instance, *args, **kwargs):
        # The duplicate check runs once for every row (check_duplicates).
        instance._duplicate_problem = _no_problem
        try:
            super().validate_instance(instance, *args, **kwargs)
        finally:
            del instance._duplicate_problem

    def save_instance(self, instance, is_create, row, **kwargs):
        self.row_of[id(instance)] = (kwargs["row_number"], row)
        super().save_instance(instance, is_create, row, **kwargs)

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        if row_result.import_type in (
            RowResult.IMPORT_TYPE_NEW,
            RowResult.IMPORT_TYPE_UPDATE,
        ):
            self.row_results[kwargs["row_number"]] = row_result

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        if not new:
            instance._loaded = (
                instance.version,
                instance.project_id,
                instance.source_id,
            )

    def bulk_create(
        self, using_transactions, dry_run, raise_errors, batch_size=None, result=None
    ):
        """Once every row is checked: the duplicate check, then (for a real
        import of a valid file) every write."""
        created, updated = list(self.create_instances), list(self.update_instances)
        self.create_instances.clear()
        self.update_instances.clear()
        self.check_duplicates(created + updated, result)
        if dry_run or result.has_errors() or result.has_validation_errors():
            return
        try:
            self.write(created, updated)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)

    def bulk_update(self, *args, **kwargs):
        pass  # written by bulk_create, with the new figures

    def check_duplicates(self, figures, result):
        """Observation._duplicate_problem for all ``figures`` at once, and
        against each other: a repeated row is a duplicate too."""

        def key(figure):
            return (
                figure.metric_id,
                figure.project_id,
                figure.as_of,
                figure.period,
                figure.source_id,
                figure.value,
            )

        figures = [
            f for f in figures if f.metric_id and f.source_id and f.value is not None
        ]
        if not figures:
            return
        stored = {}
        source_ids = sorted({f.source_id for f in figures})
        metric_ids = sorted({f.metric_id for f in figures})
        columns = ["metric_id", "project_id", "as_of", "period", "source_id", "value"]
        for start in range(0, len(source_ids), LOOKUP_BATCH):
            rows = Observation.objects.filter(
                source_id__in=source_ids[start : start + LOOKUP_BATCH],
                metric_id__in=metric_ids,
            ).values_list("pk", *columns)
            for pk, *fields_ in rows:
                stored.setdefault(tuple(fields_), []).append(pk)
        in_file = {}
        for figure in figures:
            number, row = self.row_of[id(figure)]
            twins = [pk for pk in stored.get(key(figure), []) if pk != figure.pk]
            earlier = in_file.setdefault(key(figure), number)
            if twins:
                problem = (
                    f"This figure is already recorded (figure #{twins[0]}): same "
                    "metric, project, as-of date, period, source and value."
                )
            elif earlier != number:
                problem = (
                    f"This figure repeats row {earlier} of this file: same "
                    "metric, project, as-of date, period, source and value."
                )
            else:
                continue
            self.mark_invalid(result, number, row, problem)

    def mark_invalid(self, result, number, row, problem):
        row_result = self.row_results[number]
        result.totals[row_result.import_type] -= 1
        result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
        row_result.import_type = RowResult.IMPORT_TYPE_INVALID
        error = ValidationError({NON_FIELD_ERRORS: [problem]})
        row_result.validation_error = error
        result.append_invalid_row(number, row, error)
        result.invalid_rows.sort(key=lambda invalid: invalid.number)

    def write(self, created, updated):
        """Every figure of a valid file, in a few statements, with their
        history, the recount of their projects and sources, and a new data
        generation. Updates refuse figures changed since they were read."""
        now = timezone.now()
        if updated:
            loaded = {f.pk: f._loaded[0] for f in updated}
            current = dict(
                Observation.objects.filter(pk__in=list(loaded))
                .select_for_update()
                .values_list("pk", "version")
            )
            changed = sorted(
                pk for pk, version in loaded.items() if current.get(pk) != version
            )
            if changed:
                raise ValueError(
                    "Figure(s) "
                    + ", ".join(f"#{pk}" for pk in changed[:20])
                    + " changed while the file was checked: nothing was "
                    "imported. Import the file again."
                )
            for figure in updated:
                figure.version += 1
                figure.updated_at = now
            names = [
                f.attribute
                for f in self.get_import_fields()
                if f.attribute and f.attribute != "id"
            ]
            Observation.objects.bulk_update(
                updated,
                sorted({*names, "version", "updated_at", "period_start", "unit"}),
                batch_size=WRITE_BATCH,
            )
        Observation.objects.bulk_create(created, batch_size=WRITE_BATCH)
        history = Observation.history
        history.bulk_history_create(
            created, batch_size=WRITE_BATCH, default_user=self.user, default_date=now
        )
        history.bulk_history_create(
            updated,
            batch_size=WRITE_BATCH,
            update=True,
            default_user=self.user,
            default_date=now,
        )
        projects, sources = set(), set()
        for figure in created + updated:
            projects.add(figure.project_id)
            sources.add(figure.source_id)
            if hasattr(figure, "_loaded"):
                projects.add(figure._loaded[1])
                sources.add(figure._loaded[2])
        projects.discard(None)
        sources.discard(None)
        Project.objects.filter(pk__in=projects).refresh_figure_summary()
        sources_refresh_figure_count(Source.objects.filter(pk__in=sources))
        data_generation.changed(connection.alias)


def _no_problem():
    return None


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
