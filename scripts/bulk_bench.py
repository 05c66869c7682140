"""Time the bulk downloads: rows/s and the serving process's memory growth.

    .venv/bin/python scripts/bulk_bench.py [--projects 100000] [--observations 2000000]
        [--python-path] [--releases]

Starts a throwaway PostgreSQL cluster (tests/postgres_cluster.py), migrates
and seeds it and loads ``generate_synthetic`` data (as ``make bench`` does),
then fetches each download of /data/ and the biggest list exports through
Django's full middleware stack (no gzip asked for), each in a fresh process:
it reads the whole body chunk by chunk, and reports rows (counted by the
database), bytes, seconds, rows/s and the growth of the process's peak memory
(ru_maxrss) over a warmed-up start. ``--python-path`` also times the Python
path (values() rows written by Python, what ran before COPY) on the list
exports, for comparison; ``--releases`` times ``publish_release`` twice (the
second one compares every figure with the first's). Issue 16.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 1
# (label, URL); {metric} is the metric with the most figures.
DOWNLOADS = [
    (name, f"/data/{name}")
    for name in (
        "projects.csv",
        "projects-long.csv",
        "figures.csv",
        "figures.jsonl",
        "partners.csv",
        "sources.csv",
    )
]
LIST_EXPORTS = [
    ("list projects.csv", "/projects/export.csv"),
    ("list figures.csv, one metric", "/figures/export.csv?metric={metric}"),
    ("list figures.json, one metric", "/figures/export.json?metric={metric}"),
]


def out(text):
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--observations", type=int, default=2_000_000)
    parser.add_argument("--python-path", action="store_true")
    parser.add_argument(
        "--releases",
        action="store_true",
        help="also time publish_release twice (the second compares with the first)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(json.loads(args.child))

    sys.path.insert(0, str(ROOT))
    from tests import postgres_cluster as pg

    bindir = pg.find_bindir()
    if bindir is None:
        sys.exit("no PostgreSQL server binaries: apt-get install -y postgresql")
    cluster = pg.Cluster(bindir)
    cluster.start()
    try:
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url,
            "DJANGO_SETTINGS_MODULE": "bri_tracker.settings.test",
        }
        run(args, env)
    finally:
        cluster.stop()


def manage(env, *command):
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def run(args, env):
    manage(env, "migrate", "--no-input")
    manage(env, "seed")
    seconds = manage(
        env,
        "generate_synthetic",
        *("--projects", str(args.projects)),
        *("--observations", str(args.observations)),
        *("--seed", str(SEED)),
    )
    out(
        f"data: {args.projects:,} projects, {args.observations:,} figures "
        f"(generated in {seconds:.0f} s)"
    )
    manage(env, "dbshell", "--", "-c", "ANALYZE")
    out(f"{'download':34} {'rows':>10} {'MB':>8} {'s':>7} {'rows/s':>9} {'+MB':>6}")
    jobs = [(label, url, "copy") for label, url in DOWNLOADS + LIST_EXPORTS]
    if args.python_path:
        jobs += [(label, url, "python") for label, url in LIST_EXPORTS]
    for label, url, path in jobs:
        result = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                json.dumps({"url": url, "path": path}),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            sys.exit(f"{label}: {result.stderr[-3000:]}")
        r = json.loads(result.stdout.strip().splitlines()[-1])
        name = label if path == "copy" else f"{label} (Python path)"
        out(
            f"{name:34} {r['rows']:>10,} {r['bytes'] / 1e6:>8.1f} "
            f"{r['seconds']:>7.2f} {r['rows'] / r['seconds']:>9,.0f} "
            f"{r['growth_mb']:>6.1f}"
        )
    if args.releases:
        time_releases(env)


def time_releases(env):
    """Seconds and bytes of two releases, in a temporary DATA_RELEASES_ROOT."""
    import tempfile

    with tempfile.TemporaryDirectory() as root:
        release_env = {**env, "DATA_RELEASES_ROOT": root}
        for attempt in ("first", "second"):
            seconds = manage(release_env, "publish_release")
            size = sum(
                path.stat().st_size for path in Path(root).rglob("*") if path.is_file()
            )
            out(f"publish_release ({attempt}): {seconds:.1f} s, {size / 1e6:,.0f} MB")
        for path in Path(root).iterdir():
            path.chmod(0o755)


def child(job):
    """One download in this fresh process; prints one JSON line."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client

    from bri_tracker import copy_export
    from opendata import datasets
    from projects.models import Observation, Project

    top = (
        Observation.objects.published()
        .values("metric__key")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    url = job["url"].format(metric=top["metric__key"])
    rows = _row_count(url, top, datasets, Project)
    if job["path"] == "python":
        copy_export.uses_copy = lambda queryset: False
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    # Warm up: imports, templates, the connection.
    b"".join(client.get("/data/partners.csv").streaming_content)
    baseline = peak_mb()
    started = time.monotonic()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    seconds = time.monotonic() - started
    result = {
        "rows": rows,
        "bytes": size,
        "seconds": seconds,
        "growth_mb": peak_mb() - baseline,
    }
    out(json.dumps(result))


def _row_count(url, top, datasets, project_model):
    if url.startswith("/data/"):
        return datasets.row_count(datasets.BY_FILENAME[url.removeprefix("/data/")])
    if url.startswith("/projects/"):
        return project_model.objects.count()
    return top["n"]


if __name__ == "__main__":
    main()
