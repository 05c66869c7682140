"""Benchmark the public pages under load, served as in production.

    .venv/bin/python scripts/bench.py [--projects 100000] [--observations 2000000]
        [--duration 10] [--concurrency 4] [--threads 2] [--workers N]
        [--warmup 2] [--output bench.json] [--timeout 3600] [--skip-browser]
        [--settings bri_tracker.settings.prod] [--database-url URL]

1. Setup: a throwaway PostgreSQL cluster (tests/postgres_cluster.py);
   ``manage.py migrate``, ``seed``, ``generate_synthetic --projects N
   --observations M --seed 1`` and ``collectstatic``, with production settings
   (HTTPS redirect off, a throwaway file cache). Each phase is timed.
2. The measured URLs are picked from the loaded database (a seeded sample of
   project and source pages, the countries with most projects, a search word,
   a deep page of the project list), and gunicorn serves the app with
   gunicorn.conf.py on 127.0.0.1. Every distinct path is requested once: it
   must answer 200 (this also warms the server up).
3. Exports: the full project CSV (and one metric's figures CSV) once each,
   and, when the app serves them, the bulk downloads under /data/, timed to
   the last byte (rows/s, MB/s), with the peak memory (VmHWM, reset just
   before) of the gunicorn worker that grew most.
4. Load: one wrk run per page and mode (scripts/bench_wrk.lua). ``served``
   requests the URLs as they are, so repeated visits may be answered by the
   page cache, as in production. ``cold`` runs against a second gunicorn
   started with the page cache off (``PAGE_CACHE_SECONDS=0``), so every
   request is a full render (each URL is also made unique,
   ``_bench=<thread>-<n>``); values cached per data generation and shared by
   all pages (footer counts, filter choices, the dashboard's data) stay
   cached there, as they are for every page's first visitor after an edit but
   the very first. The API lists (never page-cached) run cold only. The floor
   (/healthz, no database) runs first, between the two servers and last; its
   samples are pooled. Client times come from wrk, server times from
   gunicorn's access log (``%(D)s``, told apart by the X-Bench header). The
   ratios page/floor are the numbers to compare between runs and machines:
   the client and the server share the CPUs.
   ``after-edit``: with the page cache on, a new data generation is drawn
   (as an edit does) before each of a few requests per page, one at a time:
   the first visitor after an edit, with nothing of the data cached at all.
5. The dashboard in Chromium (Playwright, Chrome DevTools Protocol): bytes
   transferred on a first visit and on a repeat visit in the same browser.

Every response must be a 200, or the run fails (at once; if the dashboard
fails in the browser, after writing the rest). Prints tables, writes
everything to ``--output`` as JSON. Stops gunicorn, the cluster and the
browser and removes temp files on the way out, also on Ctrl-C, errors and the
``--timeout`` (seconds for the whole run).
"""

import argparse
import contextlib
import csv
import http.client
import json
import math
import os
import platform
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WRK_SCRIPT = ROOT / "scripts" / "bench_wrk.lua"
GUNICORN_CONFIG = ROOT / "gunicorn.conf.py"
# Sent with every request of a run and written to gunicorn's access log, so
# that each run's server times can be told apart (and warm-ups left out).
MARK_HEADER = "X-Bench"
ACCESS_FORMAT = "%({x-bench}i)s %(s)s %(D)s %({raw_uri}e)s"
REQUEST_TIMEOUT = 30.0
EXPORT_TIMEOUT = 300.0
SEED = 1

PER_PAGE = 25  # the project list's page size
DETAIL_PAGES = 500  # project and source pages cycled through
TOP_COUNTRIES = 20
SEARCH_FALLBACK = "railway"
SEARCH_MAX_SHARE = 0.10  # "moderate": the search word is in at most 10% of names
SEARCH_STOPWORDS = {"with", "from", "into", "over", "between", "and", "the", "for"}

MODES = ("served", "cold")
FLOOR_RUNS = 3
# Targets, flagged in the table (not a failure): per HTML page, served mode.
TARGET_MEDIAN_X_FLOOR = 5.0
TARGET_P95_MS = 250.0
TARGET_EXPORT_PEAK_MB = 150.0
TARGET_REPEAT_VISIT_KB = 100.0
# Cold renders (page cache off), every HTML page and API list (issue 16).
TARGET_COLD_MEDIAN_MS = 100.0
TARGET_COLD_P95_MS = 250.0
# The bulk downloads under /data/ (issue 16).
TARGET_PROJECTS_CSV_SECONDS = 3.0
TARGET_FIGURES_ROWS_PER_S = 200_000
TARGET_EXPORT_GROWTH_MB = 50.0
AFTER_EDIT_SAMPLES = 5
API_LISTS = ("projects", "figures", "countries", "agreements", "sources", "metrics")
API_RATE_LIMIT = "1000000/second"  # lifted for the bench
DATA_DOWNLOADS = (
    "projects.csv",
    "figures.csv",
    "figures.jsonl",
    "partners.csv",
    "projects-long.csv",
)
FIGURES_PER_PAGE = 50  # the figure list's page size

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Page:
    key: str
    paths: list
    kind: str  # "floor", "html", "api" or "csv"

    @property
    def modes(self):
        """The API is never page-cached: served and cold are the same."""
        return ("cold",) if self.kind == "api" else MODES


class BenchError(Exception):
    pass


class PageError(BenchError):
    """A page failed in the browser: recorded, the run fails at the end."""


class Deadline:
    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self):
        left = self.end - time.monotonic()
        if left <= 0:
            raise BenchError(f"gave up: the whole run is limited to {self.seconds} s")
        return left


class Phases:
    """Prints each phase to stderr as it starts and ends; keeps the seconds."""

    def __init__(self):
        self.started = time.monotonic()
        self.seconds = {}

    @contextlib.contextmanager
    def __call__(self, name):
        err(f"bench: [{self.elapsed():7.1f} s] {name} ...")
        began = time.monotonic()
        yield
        took = time.monotonic() - began
        self.seconds[name] = round(took, 2)
        err(f"bench: [{self.elapsed():7.1f} s] {name}: {took:.1f} s")

    def elapsed(self):
        return time.monotonic() - self.started


# ---------------------------------------------------------------- main


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, on_sigterm)
    signal.signal(signal.SIGALRM, on_alarm)
    # A backstop for what the deadline's checks cannot interrupt.
    signal.setitimer(signal.ITIMER_REAL, args.timeout + 30)
    try:
        result = run(args)
    except BenchError as exc:
        err(f"bench: FAILED: {exc}")
        return 1
    except KeyboardInterrupt:
        err("bench: interrupted")
        return 130
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    Path(args.output).write_text(json.dumps(result, indent=2) + "\n")
    out(format_report(result))
    out(f"written to {args.output}")
    if "error" in result["dashboard_bytes"]:
        err(f"bench: FAILED: {result['dashboard_bytes']['error']}")
        return 1
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Load a large synthetic database, serve the app with "
        "production settings and measure the public pages under load."
    )
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--observations", type=int, default=2_000_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--concurrency", type=int, default=4, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn workers (default: gunicorn.conf.py's)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="seconds of wrk per page before its runs, not measured (0: none)",
    )
    parser.add_argument("--output", default="bench.json")
    parser.add_argument(
        "--timeout", type=float, default=3600, help="seconds for the whole run"
    )
    parser.add_argument(
        "--skip-browser",
        action="store_true",
        help="do not measure the dashboard's bytes in Chromium",
    )
    parser.add_argument("--settings", default="bri_tracker.settings.prod")
    parser.add_argument(
        "--database-url",
        default=None,
        help="measure an already loaded database instead of a throwaway one "
        "(--projects and --observations are then only labels)",
    )
    args = parser.parse_args(argv)
    for name in ("duration", "concurrency", "threads", "timeout"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    for name in ("projects", "observations", "warmup"):
        if getattr(args, name) < 0:
            parser.error(f"--{name} must not be negative")
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    return args


def on_sigterm(signum, frame):
    raise KeyboardInterrupt


def on_alarm(signum, frame):
    raise BenchError("gave up: the whole run took longer than --timeout")


def run(args):
    pg = load_postgres_cluster()
    deadline = Deadline(args.timeout)
    phases = Phases()
    workdir = Path(tempfile.mkdtemp(prefix="bri-bench-"))
    cluster = server = None
    try:
        wrk = find_wrk(deadline)
        if args.database_url:
            database_url = args.database_url
        else:
            with phases("PostgreSQL cluster"):
                cluster = start_cluster(pg)
            database_url = cluster.url
        env = server_env(args.settings, database_url, workdir / "cache")
        if args.database_url:
            with phases("collectstatic"):
                manage(env, deadline, "collectstatic", "--no-input")
        else:
            load_data(args, env, deadline, phases)
        with phases("picking the URLs"):
            database = inspect_database(database_url)
        pages = database.pop("pages")

        with phases("gunicorn start"):
            server = Server(env, pg.free_port(), args.workers, workdir, "served")
            server.wait_ready("/healthz", deadline)
        with phases("first request to each path (must be 200)"):
            check_pages(server.port, pages, args.concurrency, deadline)
        with phases("exports"):
            exports = measure_exports(server, database["figures_metric"], workdir)
        wrk_runs = {}
        with phases("load, served (wrk)"):
            wrk_runs |= run_load(wrk, server, pages, args, workdir, deadline, "served")
        with phases("first visits after an edit"):
            after_edit = measure_after_edit(server, pages, env, deadline)
        with phases("dashboard in Chromium"):
            browser = measure_dashboard_bytes(server.port, args, deadline)
        database["workers"] = server.worker_count()
        server.stop()
        server_times = server.times()

        with phases("gunicorn start, page cache off"):
            cold_env = {**env, "PAGE_CACHE_SECONDS": "0"}
            server = Server(cold_env, pg.free_port(), args.workers, workdir, "cold")
            server.wait_ready("/healthz", deadline)
        with phases("load, cold (wrk)"):
            wrk_runs |= run_load(wrk, server, pages, args, workdir, deadline, "cold")
        server.stop()
        server_times |= server.times()
        database["postgresql"] = (
            cluster.version if cluster else postgres_version(database_url)
        )
        measured = {
            "wrk": wrk_runs,
            "server": server_times,
            "exports": exports,
            "after_edit": after_edit,
        }
        return summarise(args, pages, measured, browser, database, phases.seconds)
    finally:
        if server is not None:
            server.stop()
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def postgres_version(url):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SHOW server_version").fetchone()[0].split()[0]


# ---------------------------------------------------------------- setup


def load_postgres_cluster():
    """The test suite's throwaway-cluster helpers (tests/postgres_cluster.py)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests import postgres_cluster

    return postgres_cluster


def start_cluster(pg):
    bindir = pg.find_bindir()
    if bindir is None:
        raise BenchError(
            "no PostgreSQL server binaries (initdb, pg_ctl, postgres): "
            "apt-get install -y postgresql, or set PG_BINDIR"
        )
    cluster = pg.Cluster(bindir)
    try:
        cluster.start()
    except (pg.ClusterError, OSError) as exc:
        raise BenchError(str(exc)) from None
    return cluster


def server_env(settings, database_url, cache_dir):
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": settings,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url,
            # Production's kind of cache (a file cache shared by the workers),
            # but a throwaway one, like the database: the checkout's .cache/
            # must not serve or keep this run's pages.
            "CACHE_URL": f"filecache://{cache_dir}?max_entries=50000",
            "PYTHONUNBUFFERED": "1",
            # The API's rate limit would answer the load with 429s.
            "API_RATE_LIMIT": API_RATE_LIMIT,
        }
    )
    # gunicorn.conf.py reads these; the bench sets what it needs on the
    # command line, and the rest must not come from the caller's shell.
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS"):
        env.pop(name, None)
    return env


def load_data(args, env, deadline, phases):
    with phases("migrate"):
        manage(env, deadline, "migrate", "--no-input")
    with phases("seed"):
        manage(env, deadline, "seed")
    with phases("generate_synthetic"):
        manage(
            env,
            deadline,
            "generate_synthetic",
            *("--projects", str(args.projects)),
            *("--observations", str(args.observations)),
            *("--seed", str(SEED)),
        )
    with phases("collectstatic"):
        manage(env, deadline, "collectstatic", "--no-input")


def manage(env, deadline, *command):
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=deadline.remaining(),
        )
    except subprocess.TimeoutExpired:
        raise BenchError(
            f"gave up during manage.py {command[0]}: the whole run is limited "
            f"to {deadline.seconds} s"
        ) from None
    if result.returncode != 0:
        raise BenchError(
            f"manage.py {' '.join(command)} exited with {result.returncode}:\n"
            f"{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )


def apt_install(deadline, *packages):
    """apt-get install, as root only; apt-get update first if it fails."""
    if os.geteuid() != 0:
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    for attempt in ([install], [["apt-get", "update"], install]):
        err(f"bench: {' && '.join(' '.join(command) for command in attempt)}")
        ok = all(
            subprocess.run(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=min(600, deadline.remaining()),
            ).returncode
            == 0
            for command in attempt
        )
        if ok:
            return True
    return False


def find_wrk(deadline):
    found = shutil.which("wrk")
    if found:
        return found
    if apt_install(deadline, "wrk") and shutil.which("wrk"):
        return shutil.which("wrk")
    raise BenchError(
        "wrk is not installed (Debian: apt-get install -y wrk, as root); "
        "as root this script installs it"
    )


def find_chromium(deadline):
    """(path, None) or (None, why not)."""
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if os.access(path, os.X_OK):
        return path, None
    if "CHROMIUM_PATH" not in os.environ and apt_install(deadline, "chromium"):
        if os.access(path, os.X_OK):
            return path, None
    why = "not root, cannot install it" if os.geteuid() != 0 else "install failed"
    return None, f"no Chromium at {path} ({why}; set CHROMIUM_PATH)"


# ---------------------------------------------------------------- the URLs


def inspect_database(url):
    """Row counts, the measured pages and a metric for the figures export."""
    import psycopg

    rng = random.Random(SEED)
    with psycopg.connect(url, autocommit=True) as conn:
        rows = count_rows(conn)
        slugs = column(conn, "SELECT slug FROM projects_project ORDER BY id")
        countries = column(
            conn,
            "SELECT c.iso3 FROM countries_country c"
            " JOIN projects_project_countries pc ON pc.country_id = c.id"
            " GROUP BY c.id, c.iso3 ORDER BY count(*) DESC, c.iso3 LIMIT %s",
            (TOP_COUNTRIES,),
        )
        sources = conn.execute(
            "SELECT s.id, s.text <> '' FROM sources_source s WHERE EXISTS ("
            " SELECT 1 FROM projects_observation o"
            " WHERE o.source_id = s.id AND o.status = 'published')"
            " ORDER BY s.id"
        ).fetchall()
        word, share = search_word(conn, rows["projects"])
        metric = column(
            conn,
            "SELECT m.key FROM projects_metric m"
            " JOIN projects_observation o ON o.metric_id = m.id"
            " WHERE o.status = 'published'"
            " GROUP BY m.key ORDER BY count(*) DESC, m.key LIMIT 1",
        )
        published = conn.execute(
            "SELECT count(*) FROM projects_observation WHERE status = 'published'"
        ).fetchone()[0]
    counts = {"projects": rows["projects"], "figures": published}
    pages = build_pages(rng, counts, slugs, countries, sources, word)
    return {
        "rows": rows,
        "search_word": {"word": word, "share_of_names": share},
        "figures_metric": metric[0] if metric else None,
        "pages": pages,
    }


def column(conn, sql, params=None):
    return [row[0] for row in conn.execute(sql, params).fetchall()]


def count_rows(conn):
    tables = {
        "projects": "projects_project",
        "observations": "projects_observation",
        "sources": "sources_source",
        "agreements": "countries_partneragreement",
        "milestones": "projects_milestone",
        "countries": "countries_country",
    }
    return {
        name: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for name, table in tables.items()
    }


def search_word(conn, projects):
    """The most common word of project names found in at most 10% of them."""
    counted = conn.execute(
        "SELECT word, count(DISTINCT id) AS n FROM ("
        " SELECT id, lower(w) AS word FROM projects_project,"
        " regexp_split_to_table(name, '[^[:alpha:]]+') AS w) words"
        " WHERE length(word) >= 4 GROUP BY word ORDER BY n DESC, word LIMIT 500"
    ).fetchall()
    for word, n in counted:
        share = n / max(projects, 1)
        if word not in SEARCH_STOPWORDS and share <= SEARCH_MAX_SHARE:
            return word, round(share, 4)
    return SEARCH_FALLBACK, None


def deep_page(rows, per_page):
    """The page 90% of the way through a list of ``rows``."""
    return max(1, math.ceil(0.9 * math.ceil(rows / per_page)))


def build_pages(rng, counts, slugs, countries, sources, word):
    deep = deep_page(counts["projects"], PER_PAGE)
    figures_deep = deep_page(counts["figures"], FIGURES_PER_PAGE)
    pages = [
        Page("floor", ["/healthz"], "floor"),
        Page("dashboard", ["/"], "html"),
        Page("projects", ["/projects/"], "html"),
        Page(
            "projects-filtered",
            ["/projects/?sector=railway&status=operational&region=Asia&sort=-latest"],
            "html",
        ),
        Page("projects-search", [f"/projects/?q={quote(word)}"], "html"),
        Page("projects-deep", [f"/projects/?page={deep}"], "html"),
        Page("project", [f"/projects/{s}/" for s in sample(rng, slugs)], "html"),
        Page("countries", ["/countries/"], "html"),
        Page("country", [f"/countries/{iso3}/" for iso3 in countries], "html"),
        Page("agreements", ["/agreements/"], "html"),
        Page("source", [f"/sources/{n}/" for n in pick_sources(rng, sources)], "html"),
        Page("figures", ["/figures/"], "html"),
        Page("figures-deep", [f"/figures/?page={figures_deep}"], "html"),
        Page("sources", ["/sources/"], "html"),
        Page("about", ["/about/"], "html"),
        Page("export-csv", ["/countries/export.csv"], "csv"),
    ]
    if (ROOT / "api" / "urls.py").exists():
        pages += [Page(f"api-{name}", [f"/api/{name}/"], "api") for name in API_LISTS]
        since = quote("2000-01-01T00:00:00Z")
        pages.append(Page("api-changes", [f"/api/changes/?since={since}"], "api"))
    for page in pages:
        if not page.paths:
            raise BenchError(f"no URLs for the {page.key} page: is the database empty?")
    return {page.key: page for page in pages}


def sample(rng, items, count=DETAIL_PAGES):
    return rng.sample(items, min(count, len(items)))


def pick_sources(rng, sources):
    """Sources with published figures, the stored press releases among them."""
    with_text = [pk for pk, has_text in sources if has_text]
    others = [pk for pk, has_text in sources if not has_text]
    chosen = sample(rng, with_text)
    chosen += sample(rng, others, DETAIL_PAGES - len(chosen))
    rng.shuffle(chosen)
    return chosen


# ---------------------------------------------------------------- gunicorn


class Server:
    """gunicorn serving bri_tracker.wsgi on 127.0.0.1, in its own process group."""

    def __init__(self, env, port, workers, workdir, name):
        self.port = port
        self.access_log = workdir / f"access-{name}.log"
        self.error_log = workdir / f"gunicorn-{name}.log"
        self.log_offset = 0
        command = [
            *(sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG)),
            *("--bind", f"{HOST}:{port}"),
            *(("--workers", str(workers)) if workers else ()),
            *("--access-logfile", str(self.access_log)),
            *("--access-logformat", ACCESS_FORMAT),
            # info: the "Booting worker" lines count the workers' restarts.
            *("--error-logfile", str(self.error_log), "--log-level", "info"),
            # gunicorn 27 otherwise opens a control socket under ~/.gunicorn.
            "--no-control-socket",
            "bri_tracker.wsgi",
        ]
        with open(self.error_log, "ab") as log:
            # A session of its own: Ctrl-C reaches this script, which stops it.
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, path, deadline):
        """Until the server answers anything on ``path``."""
        limit = time.monotonic() + 60.0
        while deadline.remaining():
            if self.process.poll() is not None:
                raise BenchError(
                    f"gunicorn exited with {self.process.returncode}:\n{self.log()}"
                )
            conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
            try:
                conn.request("GET", path)
                conn.getresponse().read()
                return
            except OSError:
                pass
            finally:
                conn.close()
            if time.monotonic() > limit:
                raise BenchError(f"gunicorn did not answer in time:\n{self.log()}")
            time.sleep(0.1)

    def log(self):
        try:
            return self.error_log.read_text(errors="replace")[-4000:]
        except OSError:
            return "(no log)"

    def stop(self):
        if self.process.poll() is not None:
            return
        self.process.terminate()  # gunicorn: stop the workers, then exit
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def worker_boots(self):
        """Workers started so far (max_requests restarts them)."""
        with open(self.error_log, "rb") as log:
            return log.read().count(b"Booting worker with pid")

    def worker_pids(self):
        master = self.process.pid
        try:
            children = Path(f"/proc/{master}/task/{master}/children").read_text()
            return [int(pid) for pid in children.split()]
        except OSError:
            return [pid for pid in all_pids() if parent_pid(pid) == master]

    def worker_count(self):
        return len(self.worker_pids())

    def worker_memory(self, field):
        """{pid: kB} of the workers: VmRSS (now) or VmHWM (peak)."""
        memory = {}
        for pid in self.worker_pids():
            value = proc_status(pid, field)
            if value is not None:
                memory[pid] = value
        return memory

    def reset_worker_peaks(self):
        """Restart the workers' VmHWM from their current RSS (Linux 4.0+)."""
        try:
            for pid in self.worker_pids():
                Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            return False
        return True

    def new_log_entries(self):
        """[(mark, status, ms, uri)] written since the last call."""
        with open(self.access_log, "rb") as log:
            log.seek(self.log_offset)
            data = log.read()
        complete = data[: data.rfind(b"\n") + 1]
        self.log_offset += len(complete)
        return parse_access_log(complete.decode(errors="replace"))

    def times(self):
        """{mark: [server milliseconds, ...]} from the whole access log."""
        times = {}
        for mark, _, ms, _ in parse_access_log(self.access_log.read_text()):
            times.setdefault(mark, []).append(ms)
        return times


def parse_access_log(text):
    entries = []
    for line in text.splitlines():
        parts = line.split(" ", 3)
        if len(parts) == 4 and parts[0] != "-":
            entries.append((parts[0], parts[1], int(parts[2]) / 1000, parts[3]))
    return entries


def all_pids():
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def parent_pid(pid):
    return proc_status(pid, "PPid")


def proc_status(pid, field):
    """An integer field of /proc/<pid>/status (memory fields in kB)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return None


# ---------------------------------------------------------------- checks


def check_pages(port, pages, concurrency, deadline):
    """GET every distinct path once: each must answer 200."""
    paths = list(dict.fromkeys(p for page in pages.values() for p in page.paths))
    local = threading.local()
    connections = []

    def get(path):
        deadline.remaining()
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
            connections.append(local.conn)
        get_ok(local.conn, path, "check")

    try:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            for _ in pool.map(get, paths):
                pass
    finally:
        for conn in connections:
            conn.close()
    err(f"bench: {len(paths)} paths answered 200")


def get_ok(conn, path, mark):
    try:
        conn.request("GET", path, headers={MARK_HEADER: mark})
        response = conn.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException):
        conn.close()
        raise
    if response.status != 200:
        raise not_ok(path, response.status, response.reason, body, response)
    return body


def not_ok(path, status, reason, body, response=None):
    hint = ""
    location = response.getheader("Location") if response else None
    if status in (301, 302) and location:
        hint = f" (redirected to {location})"
    elif status == 404:
        hint = " (is it in the URLconf of these settings?)"
    return BenchError(
        f"GET {path} answered {status} {reason}{hint}; every response must be "
        f"200. Body starts:\n{body[:500].decode(errors='replace')}"
    )


def show_failure(port, mark, status, uri):
    """The error for a non-200 seen in the access log, with the body's start."""
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("GET", uri)
        response = conn.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException) as exc:
        return BenchError(f"{mark}: GET {uri} answered {status} under load ({exc})")
    finally:
        conn.close()
    error = not_ok(uri, status, f"under load ({mark})", body, response)
    if response.status == 200:
        error.args = (error.args[0] + "\n(it answers 200 when asked again)",)
    return error


# ---------------------------------------------------------------- exports


def measure_exports(server, metric, workdir):
    """The pages' CSV exports, then the bulk downloads under /data/ (each
    skipped if the app answers 404: not built yet)."""
    exports = {
        "projects": measure_export(server, "/projects/export.csv", "projects", workdir)
    }
    if metric:
        path = f"/figures/export.csv?metric={quote(metric)}"
        exports["figures"] = measure_export(server, path, "figures", workdir)
    for name in DATA_DOWNLOADS:
        path = f"/data/{name}"
        if not served(server.port, path):
            exports[f"data/{name}"] = {"path": path, "skipped": "not served (404)"}
            continue
        result = measure_export(server, path, f"data-{name}", workdir)
        result["targets"] = download_targets(name, result)
        exports[f"data/{name}"] = result
    return exports


def served(port, path):
    """Whether ``path`` answers other than 404 (a HEAD, then nothing read)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("HEAD", path, headers={MARK_HEADER: "probe"})
        return conn.getresponse().status != 404
    finally:
        conn.close()


def download_targets(name, result):
    """Issue 16's targets for one bulk download: {name: met}."""
    targets = {"growth": (result["increase_mb"] or 0) < TARGET_EXPORT_GROWTH_MB}
    if name == "projects.csv":
        targets["seconds"] = (
            result["seconds_to_last_byte"] < TARGET_PROJECTS_CSV_SECONDS
        )
    if name.startswith("figures."):
        targets["rows_per_s"] = result["rows_per_s"] >= TARGET_FIGURES_ROWS_PER_S
    return targets


def measure_export(server, path, name, workdir):
    """Stream ``path`` once: seconds, bytes, rows, workers' peak memory."""
    # Without the reset, a peak reached earlier (another page) would hide
    # this one; then the growth is measured from the old peak.
    reset = server.reset_worker_peaks()
    before = server.worker_memory("VmRSS" if reset else "VmHWM")
    target = workdir / "export.csv"
    conn = http.client.HTTPConnection(HOST, server.port, timeout=EXPORT_TIMEOUT)
    started = time.perf_counter()
    try:
        conn.request("GET", path, headers={MARK_HEADER: f"export-{name}"})
        response = conn.getresponse()
        first_byte = time.perf_counter() - started
        if response.status != 200:
            raise not_ok(path, response.status, response.reason, response.read())
        size = save_body(response, target)
        seconds = time.perf_counter() - started
    finally:
        conn.close()
    rows = count_lines(target) if path.endswith(".jsonl") else count_csv_rows(target)
    target.unlink()
    after = server.worker_memory("VmHWM")
    result = {
        "path": path,
        "seconds_to_first_byte": round(first_byte, 3),
        "seconds_to_last_byte": round(seconds, 3),
        "bytes": size,
        "rows": rows,
        "rows_per_s": round(rows / seconds) if seconds else None,
        "mb_per_s": round(size / 1e6 / seconds, 1) if seconds else None,
        "streamed": response.getheader("Content-Length") is None,
        "peak_reset": reset,
        **worker_memory(before, after),
    }
    err(
        f"bench: {path}: {rows} rows, {size / 1e6:.1f} MB in {seconds:.2f} s, "
        f"worker peak {result['peak_mb']} MB (+{result['increase_mb']} MB)"
    )
    return result


def save_body(response, target):
    size = 0
    with open(target, "wb") as file:
        while chunk := response.read(1 << 16):
            file.write(chunk)
            size += len(chunk)
    return size


def count_lines(path):
    """Records of a JSON Lines file: its non-empty lines."""
    with open(path, "rb") as file:
        return sum(1 for line in file if line.strip())


def count_csv_rows(path):
    """Records after the header (a quoted field may span lines)."""
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as file:
        return max(sum(1 for _ in csv.reader(file)) - 1, 0)


def worker_memory(before, after):
    """The worker whose memory grew most: its peak and the growth, in MB."""
    increases = {pid: kb - before.get(pid, 0) for pid, kb in after.items()}
    if not increases:
        return {"peak_mb": None, "increase_mb": None, "target_met": None}
    pid = max(increases, key=increases.get)
    peak = after[pid] / 1024
    return {
        "peak_mb": round(peak, 1),
        "increase_mb": round(increases[pid] / 1024, 1),
        "max_worker_peak_mb": round(max(after.values()) / 1024, 1),
        "target_met": peak < TARGET_EXPORT_PEAK_MB,
    }


# ---------------------------------------------------------------- load


def run_schedule(pages, mode):
    """(key, mode, run) in order. Served: the floor, then every page that has
    a served mode, then the floor; cold: every page, then the floor."""
    runs = [
        (key, mode, None)
        for key, page in pages.items()
        if page.kind != "floor" and mode in page.modes
    ]
    if mode == "served":
        return [("floor", "served", 1), *runs, ("floor", "served", 2)]
    return [*runs, ("floor", "served", FLOOR_RUNS)]


def run_mark(key, mode, number):
    return f"{key}-{number}" if number else f"{key}-{mode}"


def run_load(wrk, server, pages, args, workdir, deadline, mode):
    """{mark: wrk's result} for every run of run_schedule(pages, mode)."""
    results = {}
    warmed = set()
    for key, run_mode, number in run_schedule(pages, mode):
        page = pages[key]
        paths_file = workdir / f"paths-{key}.txt"
        paths_file.write_text("\n".join(page.paths) + "\n")
        if args.warmup and key not in warmed:
            warmed.add(key)
            wrk_run(wrk, server, paths_file, "warmup", args.warmup, args, deadline)
        mark = run_mark(key, run_mode, number)
        result = wrk_run(
            wrk,
            server,
            paths_file,
            mark,
            args.duration,
            args,
            deadline,
            cold=run_mode == "cold",
            quantiles=page.kind == "floor",
        )
        results[mark] = result
        latency = result["latency_ms"]
        err(
            f"bench:   {mark:<26} {result['requests_per_s']:>8.1f} req/s, "
            f"median {latency['p50']:.2f} ms, p95 {latency['p95']:.2f} ms, "
            f"{result['worker_restarts']} worker restarts"
        )
    return results


# Draws a new data generation, as a committed edit does, for each line read.
BUMP_SCRIPT = """
import sys
import django

django.setup()
from bri_tracker import data_generation

for line in sys.stdin:
    data_generation.changed()
    print("ok", flush=True)
"""


def measure_after_edit(server, pages, env, deadline):
    """{key: [client ms]}: one request at a time per HTML page, each right
    after a new data generation (the first visitor after an edit: nothing of
    the data cached). The server times are in the access log
    (``<key>-after-edit``)."""
    bumper = subprocess.Popen(
        [sys.executable, "-c", BUMP_SCRIPT],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    results = {}
    conn = http.client.HTTPConnection(HOST, server.port, timeout=REQUEST_TIMEOUT)
    try:
        for key, page in pages.items():
            if page.kind != "html":
                continue
            times = []
            for n in range(AFTER_EDIT_SAMPLES):
                deadline.remaining()
                bumper.stdin.write("\n")
                bumper.stdin.flush()
                if bumper.stdout.readline().strip() != "ok":
                    raise BenchError("could not draw a new data generation")
                started = time.perf_counter()
                get_ok(conn, page.paths[n % len(page.paths)], f"{key}-after-edit")
                times.append((time.perf_counter() - started) * 1000)
                if conn.sock is None:  # closed by get_ok on an error
                    conn = http.client.HTTPConnection(HOST, server.port)
            results[key] = times
            err(f"bench:   {key}-after-edit: {', '.join(f'{t:.0f}' for t in times)} ms")
    finally:
        conn.close()
        bumper.stdin.close()
        bumper.wait(timeout=30)
    return results


def wrk_run(wrk, server, paths_file, mark, seconds, args, deadline, **options):
    """One wrk run; fails on any error or any response other than 200."""
    connections = args.concurrency
    command = [
        wrk,
        *(f"-t{min(args.threads, connections)}", f"-c{connections}"),
        *(f"-d{seconds}s", "--timeout", f"{REQUEST_TIMEOUT:.0f}s"),
        *("-H", f"{MARK_HEADER}: {mark}", "-s", str(WRK_SCRIPT)),
        f"http://{HOST}:{server.port}",
    ]
    env = {
        **os.environ,
        "BENCH_PATHS": str(paths_file),
        "BENCH_COLD": "1" if options.get("cold") else "0",
        "BENCH_QUANTILES": "1" if options.get("quantiles") else "0",
    }
    boots = server.worker_boots()
    try:
        completed = subprocess.run(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=min(seconds + REQUEST_TIMEOUT + 30, deadline.remaining()),
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"wrk ({mark}) did not finish in time") from None
    result = parse_wrk_output(mark, completed)
    time.sleep(0.2)  # the last requests' access log lines
    result["worker_restarts"] = server.worker_boots() - boots
    check_run(server, mark, result)
    return result


def parse_wrk_output(mark, completed):
    output = completed.stdout.splitlines()
    lines = [line for line in output if line.startswith('{"bench_wrk"')]
    if completed.returncode != 0 or not lines:
        raise BenchError(
            f"wrk ({mark}) exited with {completed.returncode}:\n"
            f"{completed.stdout[-2000:]}{completed.stderr[-2000:]}"
        )
    result = json.loads(lines[-1])
    del result["bench_wrk"]
    seconds = result["duration_us"] / 1e6
    result["requests_per_s"] = round(result["requests"] / seconds, 1) if seconds else 0
    return result


def check_run(server, mark, result):
    """No errors in wrk, a 200 for each request in the log since the last run."""
    for mark_seen, status, _, uri in server.new_log_entries():
        if status != "200":
            raise show_failure(server.port, mark_seen, status, uri)
    errors = {name: n for name, n in result["errors"].items() if n}
    if errors:
        raise BenchError(f"wrk ({mark}): {result['requests']} requests, {errors}")
    if not result["requests"] and mark != "warmup":
        raise BenchError(f"wrk ({mark}): no request finished; try a longer --duration")


# ---------------------------------------------------------------- browser


class NetworkMeter:
    """Requests and bytes on the wire, from Chrome DevTools Protocol events."""

    def __init__(self, cdp):
        cdp.send("Network.enable")
        cdp.on("Network.requestWillBeSent", self.on_request)
        cdp.on("Network.requestServedFromCache", self.on_served_from_cache)
        cdp.on("Network.responseReceived", self.on_response)
        cdp.on("Network.loadingFinished", self.on_finished)
        cdp.on("Network.loadingFailed", self.on_failed)
        self.reset()

    def reset(self):
        self.urls = {}
        self.from_cache = set()
        self.statuses = {}
        self.sizes = {}
        self.failed = []

    def on_request(self, event):
        self.urls[event["requestId"]] = event["request"]["url"]

    def on_served_from_cache(self, event):
        self.from_cache.add(event["requestId"])

    def on_response(self, event):
        response = event["response"]
        self.statuses[event["requestId"]] = response.get("status")
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.from_cache.add(event["requestId"])

    def on_finished(self, event):
        self.sizes[event["requestId"]] = event["encodedDataLength"]

    def on_failed(self, event):
        self.failed.append(self.urls.get(event["requestId"], event["requestId"]))

    def summary(self, top=0):
        total = sum(self.sizes.values())
        result = {
            "kb": round(total / 1024, 1),
            "requests": len(self.urls),
            "from_cache": len(self.from_cache),
            "not_modified": sum(1 for s in self.statuses.values() if s == 304),
            "failed": self.failed,
        }
        if top:
            largest = sorted(self.sizes.items(), key=lambda item: -item[1])[:top]
            result["largest"] = [
                {"url": self.urls.get(rid, rid), "kb": round(size / 1024, 1)}
                for rid, size in largest
            ]
        return result


def measure_dashboard_bytes(port, args, deadline):
    if args.skip_browser:
        return {"skipped": "--skip-browser"}
    chromium, why_not = find_chromium(deadline)
    if chromium is None:
        err(f"bench: dashboard bytes skipped: {why_not}")
        return {"skipped": why_not}
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    url = f"http://{HOST}:{port}/"
    meter = None
    visits = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=CHROMIUM_ARGS
            )
            try:
                context = browser.new_context()
                page = context.new_page()
                meter = NetworkMeter(context.new_cdp_session(page))
                visits["first_visit"] = visit(page, meter, url, deadline, top=5)
                visits["repeat_visit"] = visit(page, meter, url, deadline)
            finally:
                browser.close()
    except (PlaywrightError, PageError) as exc:
        error = f"Chromium, visiting {url}: {str(exc)[:1000]}"
        err(f"bench: {error}")
        so_far = {"measured_so_far": meter.summary(top=5)} if meter else {}
        return {"error": error, **visits, **so_far}
    visits["target_met"] = visits["repeat_visit"]["kb"] < TARGET_REPEAT_VISIT_KB
    return visits


def visit(page, meter, url, deadline, top=0):
    """Navigate to ``url``, wait for the charts and a quiet second; measure."""
    meter.reset()
    timeout_ms = min(30.0, deadline.remaining()) * 1000
    response = page.goto(url, wait_until="load", timeout=timeout_ms)
    if response is None or response.status != 200:
        status = response.status if response else "no response"
        raise PageError(f"GET {url} answered {status}")
    page.wait_for_selector(".main-svg", state="attached", timeout=timeout_ms)
    page.wait_for_timeout(1000)
    result = meter.summary(top)
    if result["failed"]:
        raise PageError(f"requests failed: {result['failed'][:5]}")
    errors = [s for s in meter.statuses.values() if s and s >= 400]
    if errors:
        raise PageError(f"responses {sorted(set(errors))} on {url}")
    return result


# ---------------------------------------------------------------- results


def percentile(sorted_values, p):
    """Nearest-rank percentile of an already sorted list."""
    rank = max(math.ceil(p / 100 * len(sorted_values)), 1)
    return sorted_values[rank - 1]


def server_stats(values):
    if not values:
        return None
    ordered = sorted(values)
    return {
        "n": len(values),
        "median_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(percentile(ordered, 95), 3),
        "p99_ms": round(percentile(ordered, 99), 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
        "max_ms": round(ordered[-1], 3),
    }


def client_stats(result):
    latency = result["latency_ms"]
    return {
        "n": result["requests"],
        "median_ms": latency["p50"],
        "p95_ms": latency["p95"],
        "p99_ms": latency["p99"],
        "mean_ms": latency["mean"],
        "max_ms": latency["max"],
        "requests_per_s": result["requests_per_s"],
    }


def pooled_client_stats(results):
    """The floor's runs as one: each run's latency at every 0.1 percentile,
    weighted by its number of requests."""
    weighted = []
    for result in results:
        weight = result["requests"] / len(result["quantiles_us"])
        weighted += [(us / 1000, weight) for us in result["quantiles_us"]]
    weighted.sort()
    total = sum(weight for _, weight in weighted)

    def at(p):
        running = 0.0
        for value, weight in weighted:
            running += weight
            if running >= p / 100 * total - 1e-9:
                return round(value, 3)
        return round(weighted[-1][0], 3)

    requests = sum(r["requests"] for r in results)
    seconds = sum(r["duration_us"] for r in results) / 1e6
    return {
        "n": requests,
        "median_ms": at(50),
        "p95_ms": at(95),
        "p99_ms": at(99),
        "mean_ms": round(
            sum(r["latency_ms"]["mean"] * r["requests"] for r in results) / requests, 3
        ),
        "max_ms": max(r["latency_ms"]["max"] for r in results),
        "requests_per_s": round(requests / seconds, 1),
    }


def summarise(args, pages, measured, browser, database, phases_seconds):
    import gunicorn

    wrk_runs, server_times = measured["wrk"], measured["server"]
    floor_marks = [run_mark("floor", "served", n) for n in range(1, FLOOR_RUNS + 1)]
    floor = {
        "path": pages["floor"].paths[0],
        "client": pooled_client_stats([wrk_runs[m] for m in floor_marks]),
        "server": server_stats(
            [ms for m in floor_marks for ms in server_times.get(m, [])]
        ),
        "runs": {m: client_stats(wrk_runs[m]) for m in floor_marks},
    }
    results = {}
    for key, page in pages.items():
        if page.kind == "floor":
            continue
        results[key] = {
            "kind": page.kind,
            "paths": len(page.paths),
            "example": page.paths[0],
        }
        for mode in page.modes:
            mark = run_mark(key, mode, None)
            results[key][mode] = page_result(
                page, mode, wrk_runs[mark], server_times.get(mark, []), floor
            )
        if key in measured["after_edit"]:
            client = sorted(measured["after_edit"][key])
            results[key]["after_edit"] = {
                "client_ms": [round(ms, 1) for ms in measured["after_edit"][key]],
                "client_median_ms": round(statistics.median(client), 1),
                "server": server_stats(server_times.get(f"{key}-after-edit", [])),
            }
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "settings": args.settings,
        "server": {
            "gunicorn": gunicorn.__version__,
            "config": GUNICORN_CONFIG.name,
            "workers": database["workers"],
            "workers_option": args.workers,
            "worker_restarts_during_load": sum(
                r["worker_restarts"] for r in wrk_runs.values()
            ),
            "host": HOST,
        },
        "database": {
            "postgresql": database["postgresql"],
            "kind": "throwaway cluster",
            "rows": database["rows"],
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "generated": {"projects": args.projects, "observations": args.observations},
        "generation_seconds": phases_seconds.get("generate_synthetic"),
        "phases_seconds": phases_seconds,
        "load": {
            "tool": "wrk",
            "duration_s": args.duration,
            "concurrency": args.concurrency,
            "threads": min(args.threads, args.concurrency),
            "warmup_s": args.warmup,
        },
        "search_word": database["search_word"],
        "targets": {
            "server_median_x_floor": TARGET_MEDIAN_X_FLOOR,
            "server_p95_ms": TARGET_P95_MS,
            "export_peak_mb": TARGET_EXPORT_PEAK_MB,
            "repeat_visit_kb": TARGET_REPEAT_VISIT_KB,
            "cold_server_median_ms": TARGET_COLD_MEDIAN_MS,
            "cold_server_p95_ms": TARGET_COLD_P95_MS,
            "data_projects_csv_s": TARGET_PROJECTS_CSV_SECONDS,
            "data_figures_rows_per_s": TARGET_FIGURES_ROWS_PER_S,
            "data_memory_growth_mb": TARGET_EXPORT_GROWTH_MB,
        },
        "floor": floor,
        "pages": results,
        "exports": measured["exports"],
        "dashboard_bytes": browser,
    }


def page_result(page, mode, wrk_result, server_values, floor):
    client = client_stats(wrk_result)
    server = server_stats(server_values)
    result = {
        "client": client,
        "server": server,
        "worker_restarts": wrk_result["worker_restarts"],
        "x_floor": {
            "client_median": ratio(client["median_ms"], floor["client"]["median_ms"]),
        },
    }
    if server and floor["server"]:
        result["x_floor"]["server_median"] = ratio(
            server["median_ms"], floor["server"]["median_ms"]
        )
    if mode == "served" and page.kind == "html" and server and floor["server"]:
        result["targets"] = {
            "median": result["x_floor"]["server_median"] <= TARGET_MEDIAN_X_FLOOR,
            "p95": server["p95_ms"] <= TARGET_P95_MS,
        }
    if mode == "cold" and page.kind in ("html", "api") and server:
        result["targets"] = {
            "median": server["median_ms"] <= TARGET_COLD_MEDIAN_MS,
            "p95": server["p95_ms"] <= TARGET_COLD_P95_MS,
        }
    return result


def ratio(value, floor):
    return round(value / floor, 2) if floor else None


def git_commit():
    def git(*command):
        try:
            return subprocess.run(
                ["git", *command],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    commit = git("rev-parse", "--short", "HEAD")
    if commit and git("status", "--porcelain", "--untracked-files=no"):
        commit += "+uncommitted"
    return commit or None


# ---------------------------------------------------------------- report

COLUMNS = (
    f"{'page':<18} {'mode':<6} {'n':>6} │ {'median':>7} {'p95':>7} {'p99':>7} "
    f"{'req/s':>7} │ {'median':>7} {'p95':>7} {'p99':>7} │ {'srv':>6} {'cli':>6} "
    f"│ {'≤5×':>3} {'p95':>3}"
)


def format_report(result):
    return "\n\n".join(
        [format_header(result), format_table(result), format_cold(result)]
        + [format_after_edit(result), format_exports(result["exports"])]
        + [format_browser(result["dashboard_bytes"])]
    )


def format_header(result):
    load, rows = result["load"], result["database"]["rows"]
    server = result["server"]
    return "\n".join(
        [
            "",
            f"{result['settings']} at {result['commit']}; gunicorn "
            f"{server['gunicorn']}, {server['workers']} workers ({server['config']}; "
            f"{server['worker_restarts_during_load']} restarts during the load); "
            f"PostgreSQL {result['database']['postgresql']}; "
            f"{result['machine']['cpus']} CPUs shared with the client",
            f"rows: {', '.join(f'{n} {name}' for name, n in rows.items())}; "
            f"generated in {fmt(result['generation_seconds'], '.1f')} s",
            f"wrk: {load['duration_s']} s per run, {load['concurrency']} connections,"
            f" {load['threads']} threads; served = URLs as they are (page cache "
            "allowed), cold = a second server with the page cache off",
        ]
    )


def format_table(result):
    floor = result["floor"]
    lines = [
        f"{'':<33} │ {'client (ms), wrk':^29} │ {'server (ms), access log':^23} │"
        f" {'median × floor':^13} │ targets",
        COLUMNS,
        "─" * len(COLUMNS),
        table_row("floor", "pooled", floor["client"], floor["server"], {}),
    ]
    for key, page in result["pages"].items():
        for mode in MODES:
            if mode not in page:
                continue
            entry = page[mode]
            targets = entry.get("targets")
            client, server, x_floor = entry["client"], entry["server"], entry["x_floor"]
            lines.append(table_row(key, mode, client, server, x_floor, targets))
    lines += [
        "",
        f"targets, served mode, HTML pages: server median ≤ "
        f"{TARGET_MEDIAN_X_FLOOR:g}× the floor's, server p95 ≤ {TARGET_P95_MS:g} ms;"
        f" cold mode: server median ≤ {TARGET_COLD_MEDIAN_MS:g} ms, p95 ≤ "
        f"{TARGET_COLD_P95_MS:g} ms. Floor: 3 runs (first, between the servers,"
        " last) pooled.",
    ]
    return "\n".join(lines)


def format_cold(result):
    """Every page's and API list's cold render against issue 16's targets."""
    lines = [
        f"Cold renders (page cache off; server times, ms): target median ≤ "
        f"{TARGET_COLD_MEDIAN_MS:g}, p95 ≤ {TARGET_COLD_P95_MS:g}",
        f"  {'page':<18} {'median':>7} {'p95':>7}  median  p95",
    ]
    missed = []
    for key, page in result["pages"].items():
        entry = page.get("cold")
        if not entry or "targets" not in entry:  # a streamed export
            continue
        server, targets = entry["server"], entry["targets"]
        lines.append(
            f"  {key:<18} {server['median_ms']:>7.1f} {server['p95_ms']:>7.1f}  "
            f"{mark(targets, 'median'):>6} {mark(targets, 'p95'):>4}"
        )
        if not targets["median"]:
            over = server["median_ms"] - TARGET_COLD_MEDIAN_MS
            missed.append(f"{key} median +{over:.0f} ms")
        if not targets["p95"]:
            missed.append(f"{key} p95 +{server['p95_ms'] - TARGET_COLD_P95_MS:.0f} ms")
    lines.append(f"  missed: {', '.join(missed)}" if missed else "  all met")
    return "\n".join(lines)


def format_after_edit(result):
    lines = [
        f"First visit after an edit (page cache on, a new data generation before "
        f"each of {AFTER_EDIT_SAMPLES} requests, one at a time; ms):",
        f"  {'page':<18} {'server median':>13} {'max':>7}  client",
    ]
    for key, page in result["pages"].items():
        entry = page.get("after_edit")
        if not entry:
            continue
        server = entry["server"] or {}
        lines.append(
            f"  {key:<18} {fmt(server.get('median_ms'), '.1f'):>13} "
            f"{fmt(server.get('max_ms'), '.1f'):>7}  "
            + " ".join(f"{ms:.0f}" for ms in entry["client_ms"])
        )
    return "\n".join(lines)


def table_row(key, mode, client, server, x_floor, targets=None):
    server = server or {}
    return (
        f"{key:<18} {mode:<6} {client['n']:>6} │ {client['median_ms']:>7.2f} "
        f"{client['p95_ms']:>7.2f} {client['p99_ms']:>7.2f} "
        f"{client['requests_per_s']:>7.1f} │ {fmt(server.get('median_ms')):>7} "
        f"{fmt(server.get('p95_ms')):>7} {fmt(server.get('p99_ms')):>7} │ "
        f"{fmt(x_floor.get('server_median'), '.1f'):>6} "
        f"{fmt(x_floor.get('client_median'), '.1f'):>6} │ "
        f"{mark(targets, 'median'):>3} {mark(targets, 'p95'):>3}"
    )


def format_exports(exports):
    lines = [
        "CSV exports, once each before the load (peak: target < "
        f"{TARGET_EXPORT_PEAK_MB:g} MB per worker):"
    ]
    for entry in exports.values():
        if "skipped" in entry:
            lines.append(f"  {entry['path']:<40} skipped: {entry['skipped']}")
            continue
        lines.append(
            f"  {entry['path']:<40} {entry['rows']:>8} rows "
            f"{entry['bytes'] / 1e6:>7.1f} MB, first byte "
            f"{entry['seconds_to_first_byte']:.2f} s, last "
            f"{entry['seconds_to_last_byte']:.2f} s ({fmt(entry['rows_per_s'], ',')} "
            f"rows/s, {fmt(entry['mb_per_s'], '.1f')} MB/s); worker peak "
            f"{fmt(entry['peak_mb'], '.1f')} MB (+{fmt(entry['increase_mb'], '.1f')})"
            f" {mark(entry, 'target_met')}"
            + ("" if entry["peak_reset"] else " (peak since the worker started)")
            + "".join(
                f" {name} {mark(entry['targets'], name)}"
                for name in entry.get("targets", {})
            )
        )
    lines.append(
        f"  /data/ targets: projects.csv < {TARGET_PROJECTS_CSV_SECONDS:g} s, figures"
        f" ≥ {TARGET_FIGURES_ROWS_PER_S:,} rows/s, worker memory growth < "
        f"{TARGET_EXPORT_GROWTH_MB:g} MB"
    )
    return "\n".join(lines)


def format_browser(browser):
    if "skipped" in browser:
        return f"Dashboard bytes in Chromium: skipped ({browser['skipped']})"
    if "error" in browser:
        lines = [f"Dashboard bytes in Chromium: FAILED: {browser['error']}"]
        so_far = browser.get("measured_so_far")
        if so_far:
            lines.append(
                f"  until then: {so_far['kb']:.1f} KB, {so_far['requests']} requests;"
                " largest:"
            )
            lines += [f"    {i['kb']:>8.1f} KB  {i['url']}" for i in so_far["largest"]]
        return "\n".join(lines)
    first, repeat = browser["first_visit"], browser["repeat_visit"]
    lines = [
        f"Dashboard bytes in Chromium (transferred, headers included; repeat "
        f"target < {TARGET_REPEAT_VISIT_KB:g} KB):",
        f"  first visit  {first['kb']:>8.1f} KB, {first['requests']} requests",
        f"  repeat visit {repeat['kb']:>8.1f} KB, {repeat['requests']} requests,"
        f" {repeat['from_cache']} from cache, {repeat['not_modified']} not modified"
        f" {mark(browser, 'target_met')}",
        "  largest on the first visit:",
    ]
    lines += [f"    {item['kb']:>8.1f} KB  {item['url']}" for item in first["largest"]]
    return "\n".join(lines)


def fmt(value, spec=".2f"):
    return "-" if value is None else format(value, spec)


def mark(targets, name):
    if not targets or targets.get(name) is None:
        return ""
    return "✓" if targets[name] else "✗"


def out(text):
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


def err(text):
    sys.stderr.write(f"{text}\n")
    sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main())
