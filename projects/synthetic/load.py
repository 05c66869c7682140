"""Write a synthetic data set in bulk, and remove it again.

On PostgreSQL rows go in with COPY (psycopg 3), a chunk of projects at a
time, inside one transaction: a failure leaves nothing behind. Foreign keys
are checked per statement (``SET CONSTRAINTS ALL IMMEDIATE``) rather than
queued to the commit. Elsewhere (SQLite for ``make run``) the same rows go
through ``bulk_create``.
"""

import time
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Q
from psycopg.types.json import Jsonb

from bri_tracker import data_generation
from countries.models import Country, PartnerAgreement
from projects.counts import sources_refresh_figure_count
from projects.models import (
    DashboardCard,
    FigureCandidate,
    Metric,
    Milestone,
    Observation,
    Project,
)
from projects.synthetic.rows import (
    EXTERNAL_ID_PREFIX,
    SLUG_PREFIX,
    Ids,
    RowBuilder,
    figure_counts,
)
from sources.models import Source

PROJECTS_PER_CHUNK = 2000
ProjectCountry = Project.countries.through

# Table name in RowBuilder's rows -> model, in the order rows are written
# (what a row refers to is written before it).
MODELS = {
    "sources": Source,
    "projects": Project,
    "project_countries": ProjectCountry,
    "milestones": Milestone,
    "agreements": PartnerAgreement,
    "observations": Observation,
}


@dataclass
class LoadReport:
    rows: dict = field(default_factory=lambda: dict.fromkeys(MODELS, 0))
    seconds: float = 0.0


def synthetic_exists():
    return Project.objects.filter(slug__startswith=SLUG_PREFIX).exists()


def generate(*, projects, observations, seed, progress=None):
    """Add ``projects`` synthetic projects with ``observations`` figures in
    all, plus their sources and milestones and one agreement per 25
    projects. Returns a LoadReport."""
    started = time.monotonic()
    report = LoadReport()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        builder = RowBuilder(
            seed=seed,
            metrics=list(Metric.objects.values_list("key", "pk", "plausible_max")),
            countries=list(Country.objects.values("id", "iso3", "name", "region")),
            ids=Ids({name: _next_id(model) for name, model in MODELS.items()}),
        )
        counts = figure_counts(builder.rng, projects, observations)
        for start in range(0, projects, PROJECTS_PER_CHUNK):
            chunk = builder.chunk(counts[start : start + PROJECTS_PER_CHUNK])
            _write(chunk, report)
            if progress:
                progress(report)
        _write(builder.agreements(max(1, projects // 25)), report)
        _reset_sequences()
        _refresh_counts()
    _after_bulk_change()
    report.seconds = time.monotonic() - started
    return report


def clear():
    """Delete every synthetic row; returns {table: rows deleted}."""
    sources = Source.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX)
    projects = Project.objects.filter(slug__startswith=SLUG_PREFIX)
    steps = [
        ("candidates", FigureCandidate.objects.filter(source__in=sources)),
        ("cards", DashboardCard.objects.filter(project__in=projects)),
        (
            "observations",
            Observation.objects.filter(Q(source__in=sources) | Q(project__in=projects)),
        ),
        (
            "milestones",
            Milestone.objects.filter(Q(project__in=projects) | Q(source__in=sources)),
        ),
        ("project_countries", ProjectCountry.objects.filter(project__in=projects)),
        ("agreements", PartnerAgreement.objects.filter(source__in=sources)),
        ("projects", projects),
        ("sources", sources),
    ]
    entangled = _entangled(projects, sources)
    if entangled:
        raise ValueError(
            "Real rows refer to synthetic ones, so removing the synthetic data "
            f"would change them: {entangled}. Edit or delete them first."
        )
    deleted = {}
    with transaction.atomic():
        FigureCandidate.objects.filter(project__in=projects).update(project=None)
        for name, queryset in steps:
            # No signals and no cascade collection: one DELETE per table.
            deleted[name] = queryset._raw_delete(queryset.db)
        _refresh_counts()
    _after_bulk_change()
    return deleted


def _entangled(projects, sources):
    """What real rows refer to synthetic ones, as text ("" if none)."""
    counts = {
        "figures of real projects citing synthetic sources": (
            Observation.objects.filter(source__in=sources)
            .exclude(project__in=projects)
            .count()
        ),
        "figures of synthetic projects citing real sources": (
            Observation.objects.filter(project__in=projects)
            .exclude(source__in=sources)
            .count()
        ),
        "milestones citing synthetic sources": (
            Milestone.objects.filter(source__in=sources)
            .exclude(project__in=projects)
            .count()
        ),
        "real sources marked duplicates of synthetic ones": (
            Source.objects.filter(duplicate_of__in=sources)
            .exclude(pk__in=sources)
            .count()
        ),
    }
    return "; ".join(f"{n} {what}" for what, n in counts.items() if n)


def _next_id(model):
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _write(chunk, report):
    for name, model in MODELS.items():
        rows = chunk.get(name)
        if rows:
            if connection.vendor == "postgresql":
                _copy(model, rows)
            else:
                model.objects.bulk_create(
                    [model(**row) for row in rows], batch_size=500
                )
            report.rows[name] += len(rows)


def _copy(model, rows):
    columns = list(rows[0])
    fields = {f.attname: f for f in model._meta.concrete_fields}
    json_columns = [
        i
        for i, name in enumerate(columns)
        if fields[name].get_internal_type() == "JSONField"
    ]
    quoted = ", ".join(connection.ops.quote_name(name) for name in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                values = [row[name] for name in columns]
                for i in json_columns:
                    values[i] = Jsonb(values[i])
                copy.write_row(values)


def _reset_sequences():
    statements = connection.ops.sequence_reset_sql(no_style(), list(MODELS.values()))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _refresh_counts():
    # Statistics first: planned on the empty tables' statistics, the
    # correlated counts below read every figure once per project (minutes at
    # 20k projects instead of seconds).
    _analyze()
    Project.objects.filter(slug__startswith=SLUG_PREFIX).refresh_figure_summary()
    sources_refresh_figure_count(
        Source.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX)
    )
    _analyze()


def _analyze():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _after_bulk_change():
    """Bulk writes send no model signals: renew the data generation as they
    would (on commit). And vacuum the tables, so that index-only scans can
    skip the table (not possible inside a transaction, such as a test's)."""
    data_generation.changed()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        tables = ", ".join(
            connection.ops.quote_name(model._meta.db_table) for model in MODELS.values()
        )
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")
