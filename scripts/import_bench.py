"""Time the figures import: a dry run (the admin's preview) and a real import.

    .venv/bin/python scripts/import_bench.py [--rows 20000] [--projects 2000]

Starts a throwaway PostgreSQL cluster (tests/postgres_cluster.py), migrates
and seeds it, adds ``--projects`` synthetic projects, writes a valid CSV of
``--rows`` figures naming seeded metrics, projects and sources (one in five
quoting a stored release), and imports it as the admin does: read with the
import's limits (projects/imports.py), then ObservationResource.import_data,
first as a dry run, then for real. Prints rows/s, the growth of the process's
peak memory (ru_maxrss) in each phase, the queries run, and how long the
write phase (the only time rows are locked) took. Issue 15.
"""

import argparse
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def out(text):
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--projects", type=int, default=2_000)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from tests import postgres_cluster as pg

    bindir = pg.find_bindir()
    if bindir is None:
        sys.exit("no PostgreSQL server binaries: apt-get install -y postgresql")
    cluster = pg.Cluster(bindir)
    cluster.start()
    try:
        os.environ["DATABASE_URL"] = cluster.url
        os.environ["DJANGO_SETTINGS_MODULE"] = "bri_tracker.settings.test"
        run(args)
    finally:
        cluster.stop()


def run(args):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0)
    call_command(
        "generate_synthetic",
        "--projects",
        str(args.projects),
        "--observations",
        "0",
        "--seed",
        "1",
        verbosity=0,
    )
    text = build_csv(args.rows)
    out(f"CSV: {args.rows:,} rows, {len(text) / 1e6:.1f} MB")

    from projects import imports
    from projects.models import Observation
    from projects.resources import ObservationResource

    def timed_import(dry_run):
        before = peak_mb()
        started = time.perf_counter()
        cpu = time.process_time()
        dataset = imports.LimitedCSV(encoding="utf-8").create_dataset(text)
        read = time.perf_counter() - started
        reset_queries()
        resource_ = ObservationResource()
        write_time = [0.0]
        original_write = resource_.write

        def write(*a, **kw):
            t = time.perf_counter()
            original_write(*a, **kw)
            write_time[0] = time.perf_counter() - t

        resource_.write = write
        with CaptureQueriesContext(connection) as queries:
            result = resource_.import_data(dataset, dry_run=dry_run)
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu
        if result.has_errors() or result.has_validation_errors():
            lines = imports.error_lines(result, resource_, most=5)
            sys.exit("import failed:\n" + "\n".join(lines))
        label = "dry run" if dry_run else "import"
        out(
            f"{label:8} {total:6.2f} s  {args.rows / total:8,.0f} rows/s  "
            f"(CPU {cpu:.2f} s, reading {read:.2f} s)  queries {len(queries):,}  "
            f"peak memory +{peak_mb() - before:,.0f} MB (now {peak_mb():,.0f} MB)"
            + (
                f"  write phase (locks held) {write_time[0]:.2f} s"
                if not dry_run
                else ""
            )
        )

    timed_import(dry_run=True)
    timed_import(dry_run=False)
    out(f"figures stored: {Observation.objects.count():,}")


def build_csv(rows):
    import csv
    import io

    from projects.models import Metric, Project
    from sources.models import Source

    rng = random.Random(1)
    metrics = list(
        Metric.objects.exclude(key="other").values_list("key", "plausible_max")
    )
    slugs = list(Project.objects.values_list("slug", flat=True))
    references = list(
        Source.objects.filter(text="").exclude(url="").values_list("url", flat=True)
    )
    stored = [
        (s.url or s.external_id, s.text)
        for s in Source.objects.exclude(text="")[:50]
        if len(s.text) > 200
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Metric", "Project", "Value", "Period", "As of", "Source", "Quote"]
    )
    for n in range(rows):
        key, ceiling = rng.choice(metrics)
        value = rng.randint(1, int(min(ceiling or 10**9, 10**9)))
        day, month = rng.randint(1, 28), rng.randint(1, 12)
        day = f"{day:02d}/{month:02d}/{rng.randint(2014, 2024)}"
        source, quote = rng.choice(references), ""
        if stored and n % 5 == 0:
            source, text = rng.choice(stored)
            start = rng.randint(0, len(text) - 60)
            quote = " ".join(text[start : start + 60].split()[1:-1]) or text[:20]
        writer.writerow(
            [key, rng.choice(slugs), f"{value:,}", "cumulative", day, source, quote]
        )
    return out.getvalue()


if __name__ == "__main__":
    main()
