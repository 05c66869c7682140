"""The files of the public dataset: the bulk downloads of /data/ and the
files of every release (opendata/releases.py), defined once.

Each file is a queryset and its columns (bri_tracker/copy_export.py), written
by PostgreSQL's COPY; the list exports' column specs (explorer/exports.py)
are reused, so a bulk file and a list export of the same rows agree cell for
cell. Figures are published ones only. Issue 16.
"""

from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from django.db.models import QuerySet

from bri_tracker.copy_export import SqlColumn, download_chunks, schema_types
from countries.models import Country, PartnerAgreement
from explorer import exports
from projects.counts import countries_with_project_count
from projects.models import Metric, Observation, Project
from sources.models import Source

ABOUT = "/about/"


class Dataset(NamedTuple):
    """One file of the dataset."""

    slug: str
    fmt: str
    title: str
    description: str
    rows: Callable[[], QuerySet]
    columns: Callable[[str], list[SqlColumn]]
    # The column that names a row, compared between releases (CHANGES).
    key: str | None = None
    # The Python path's rows (SQLite), when values() of the columns is not it.
    python: Callable[[QuerySet], Iterable[dict]] | None = None

    @property
    def filename(self) -> str:
        return f"{self.slug}.{self.fmt}"


def _published_figures() -> QuerySet:
    return Observation.objects.published().order_by("pk")


def _project_links() -> QuerySet:
    return Project.countries.through.objects.order_by(
        "project__name", "project_id", "country__name", "country_id"
    )


LONG_COLUMNS = [
    SqlColumn("project_slug", "project__slug"),
    SqlColumn("project_name", "project__name"),
    SqlColumn("country_iso3", "country__iso3"),
    SqlColumn("country_name", "country__name"),
    SqlColumn("country_region", "country__region"),
    SqlColumn("kind", "project__kind"),
    SqlColumn("sector", "project__sector"),
    SqlColumn("status", "project__status"),
]

METRIC_COLUMNS = [
    SqlColumn("key", "key"),
    SqlColumn("name", "name"),
    SqlColumn("unit", "unit"),
    SqlColumn("is_currency", "is_currency"),
    SqlColumn("aggregation", "aggregation"),
    SqlColumn("description", "description"),
]

DATASETS = (
    Dataset(
        "projects",
        "csv",
        "Projects",
        "One row per project, its countries' ISO3 codes joined by “;”.",
        lambda: Project.objects.order_by("name", "pk"),
        exports.project_columns,
        key="slug",
        python=lambda projects: exports.project_rows(projects.with_countries()),
    ),
    Dataset(
        "projects-long",
        "csv",
        "Projects by country",
        "One row per project and country it involves (the long layout).",
        _project_links,
        lambda base: LONG_COLUMNS,
    ),
    Dataset(
        "figures",
        "csv",
        "Figures",
        "Every published figure, with its metric, project and source.",
        _published_figures,
        exports.figure_columns,
        key="id",
    ),
    Dataset(
        "figures",
        "jsonl",
        "Figures (JSON Lines)",
        "The same figures, one JSON object per line.",
        _published_figures,
        exports.figure_columns,
    ),
    Dataset(
        "partners",
        "csv",
        "Partner agreements",
        "One row per recorded agreement, with its country or organisation.",
        lambda: PartnerAgreement.objects.order_by("pk"),
        lambda base: exports.sql_columns(exports.AGREEMENT_EXPORT),
        key="id",
    ),
    Dataset(
        "countries",
        "csv",
        "Countries",
        "Every country, with what its recorded agreements say.",
        lambda: countries_with_project_count(Country.objects.for_list()),
        lambda base: exports.sql_columns(exports.COUNTRY_EXPORT),
    ),
    Dataset(
        "sources",
        "csv",
        "Sources",
        "Every press release and report figures are taken from.",
        lambda: Source.objects.for_list().order_by("pk"),
        lambda base: exports.sql_columns(
            exports.SOURCE_EXPORT, exports.source_sql(base)
        ),
    ),
    Dataset(
        "metrics",
        "csv",
        "Metrics",
        "What each figure's metric counts, and in which unit.",
        lambda: Metric.objects.order_by("sort_order", "name", "pk"),
        lambda base: METRIC_COLUMNS,
    ),
)
BY_FILENAME = {dataset.filename: dataset for dataset in DATASETS}


def chunks(dataset: Dataset, *, base: str) -> Iterator[bytes] | Iterator[str]:
    """The file's content, in pieces (COPY on PostgreSQL), permalinks under
    ``base`` (the site's address)."""
    queryset = dataset.rows()
    python = None
    if dataset.python is not None:
        python = lambda: dataset.python(queryset)  # noqa: E731
    return download_chunks(dataset.fmt, queryset, dataset.columns(base), python=python)


def row_count(dataset: Dataset) -> int:
    return dataset.rows().count()


def schema(dataset: Dataset) -> dict:
    """The file's Table Schema: every column with its type and meaning."""
    columns = dataset.columns("")
    types = schema_types(dataset.rows(), columns)
    fields = []
    for column, kind in zip(columns, types, strict=True):
        field = {
            "name": column.name,
            "type": kind,
            "description": describe(dataset.slug, column.name),
        }
        if kind == "boolean":
            field |= {"trueValues": ["True"], "falseValues": ["False"]}
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}


# What each column holds; "<file>.<column>" where a name means different
# things in different files.
COLUMN_DESCRIPTIONS = {
    "figures.id": "The figure's number; its page is /figures/<id>/.",
    "partners.id": "The agreement's number.",
    "sources.id": "The source's number; its page is /sources/<id>/.",
    "project_name": "The project's name (empty for an initiative-wide figure).",
    "project_slug": "The project's identifier in its address /projects/<slug>/.",
    "metric_key": f"What is counted: a metric of {ABOUT}#metrics.",
    "metric_name": "The metric's name.",
    "value": "The figure as stated, a decimal number.",
    "qualifier": f"exact, about, more_than... ({ABOUT}#definitions).",
    "unit": "The value's unit: USD for money, else the metric's unit or the "
    "figure's own.",
    "counted": "What exactly is counted, if narrower than the metric.",
    "period": f"cumulative, annual, monthly... ({ABOUT}#definitions).",
    "period_start": "The first day of the period, when it is not implied.",
    "as_of": "The date the figure is valid for (YYYY-MM-DD).",
    "as_of_precision": "How much of as_of is known: day, month or year.",
    "change_percent": "A stated change against an earlier period, in percent.",
    "source_id": "The number of the source the figure or agreement is taken from.",
    "source_title": "The source's title.",
    "source_publisher": "Who published the source.",
    "source_published_on": "When the source was published.",
    "source_url": "Where the source was published.",
    "quote": "The sentence of the source that states it.",
    "permalink": "The address of the row's page on this site.",
    "slug": "The project's identifier in its address /projects/<slug>/.",
    "name": "The name.",
    "kind": f"What kind of record it is ({ABOUT}#definitions).",
    "sector": f"The project's sector ({ABOUT}#definitions).",
    "status": f"The project's or agreement's status ({ABOUT}#definitions).",
    "countries": "ISO 3166-1 alpha-3 codes of the project's countries, joined by “;”.",
    "region": "The UN M49 region.",
    "started_on": "When construction or operation started.",
    "opened_on": "When it opened.",
    "is_signature": "Whether it is one of the initiative's signature projects.",
    "figure_count": "How many published figures it has.",
    "latest_as_of": "The date of its newest published figure.",
    "country_iso3": "The country's ISO 3166-1 alpha-3 code.",
    "country_name": "The country's name.",
    "country_region": "The country's UN M49 region.",
    "organization_name": "The international organisation that signed, if not "
    "a country.",
    "title": "The title.",
    "signed_on": "When it was signed.",
    "signed_on_precision": "How much of signed_on is known.",
    "ended_on": "When it ended, if it did.",
    "iso3": "ISO 3166-1 alpha-3 code.",
    "iso2": "ISO 3166-1 alpha-2 code.",
    "subregion": "The UN M49 sub-region.",
    "partner_status": "partner, withdrawn, unclear or none: what the recorded "
    "agreements say.",
    "first_signed_on": "The earliest dated agreement's date.",
    "first_signed_precision": "How much of first_signed_on is known.",
    "withdrawn_on": "When a withdrawn country's agreement ended.",
    "agreement_count": "How many agreements are recorded.",
    "project_count": "How many projects involve it.",
    "publisher": "Who published it.",
    "published_on": "When it was published.",
    "published_on_precision": "How much of published_on is known.",
    "date_note": "A note on the date.",
    "url": "Where it was published.",
    "language": "Its language (ISO 639-1).",
    "has_text": "Whether its full text is stored on this site.",
    "duplicate_of_id": "The source it repeats, if it is a copy.",
    "key": "The metric's identifier, as in figures' metric_key.",
    "is_currency": "Whether its values are money (US dollars).",
    "aggregation": "How its figures add up.",
    "description": "What it counts.",
}


def describe(slug: str, column: str) -> str:
    return COLUMN_DESCRIPTIONS.get(
        f"{slug}.{column}", COLUMN_DESCRIPTIONS.get(column, "")
    )
