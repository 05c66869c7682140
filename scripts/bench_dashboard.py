"""Benchmark a page against a trivial view, served as in production.

    .venv/bin/python scripts/bench_dashboard.py [--requests 300] [--warmup 30]
        [--workers 2] [--concurrency 1] [--output bench-dashboard.json]
        [--path /] [--floor /healthz] [--settings bri_tracker.settings.prod]
        [--timeout 600]

Starts a throwaway PostgreSQL cluster (tests/postgres_cluster.py), migrates,
seeds and collects static files with the given settings (production by
default, HTTPS redirect off, a throwaway file cache), serves the app with
gunicorn on 127.0.0.1, then requests the page (``--path``) and the floor
(``--floor``, a view that does nothing) alternately, the same number of times
each, so that whatever else the machine does hits both alike. The client and
the server share the CPUs, so the ratios page/floor are the numbers to compare
between runs and machines; the absolute times are for this machine only.

Each request is timed on the client (time.perf_counter, from sending the
request to reading the last byte of the body); gunicorn's access log gives the
time the server spent on it. gunicorn's default sync workers close every
connection, so each client reconnects per request (on loopback; both paths pay
it alike). Every response must be a 200, or the run fails.

Prints a table and writes the same figures to ``--output`` as JSON. Stops
gunicorn and the cluster on the way out, also on Ctrl-C, errors and the
``--timeout`` (seconds for the whole run).
"""

import argparse
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# Sent with every measured request and written to gunicorn's access log, so
# that the server's times of warm-up and readiness requests are left out.
MARK_HEADER = "X-Bench"
ACCESS_FORMAT = "%({x-bench}i)s %(s)s %(D)s %({raw_uri}e)s"
REQUEST_TIMEOUT = 30.0


class BenchError(Exception):
    pass


class Deadline:
    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self):
        left = self.end - time.monotonic()
        if left <= 0:
            raise BenchError(f"gave up: the whole run is limited to {self.seconds} s")
        return left


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        result = run(args)
    except BenchError as exc:
        err(f"bench: FAILED: {exc}")
        return 1
    except KeyboardInterrupt:
        err("bench: interrupted")
        return 130
    out(format_table(result))
    Path(args.output).write_text(json.dumps(result, indent=2) + "\n")
    out(f"written to {args.output}")
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Serve the app with production settings and compare a "
        "page's response times with a trivial view's, measured in one run."
    )
    parser.add_argument("--requests", type=int, default=300, help="per path")
    parser.add_argument("--warmup", type=int, default=30, help="per path")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--concurrency", type=int, default=1, help="client threads, one connection each"
    )
    parser.add_argument("--output", default="bench-dashboard.json")
    parser.add_argument("--path", default="/", help="the page to measure")
    parser.add_argument("--floor", default="/healthz", help="the trivial view")
    parser.add_argument("--settings", default="bri_tracker.settings.prod")
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds for the whole run"
    )
    args = parser.parse_args(argv)
    for name in ("requests", "workers", "concurrency", "timeout"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.requests < 2:
        parser.error("--requests must be at least 2")
    if args.warmup < 0:
        parser.error("--warmup must not be negative")
    for name in ("path", "floor"):
        if not getattr(args, name).startswith("/"):
            parser.error(f"--{name} must start with /")
    if args.path == args.floor:
        parser.error("--path and --floor must differ")
    return args


def on_sigterm(signum, frame):
    raise KeyboardInterrupt


def run(args):
    pg = load_postgres_cluster()
    deadline = Deadline(args.timeout)
    workdir = Path(tempfile.mkdtemp(prefix="bri-bench-"))
    cluster = server = None
    try:
        bindir = pg.find_bindir()
        if bindir is None:
            raise BenchError(
                "no PostgreSQL server binaries (initdb, pg_ctl, postgres): "
                "apt-get install -y postgresql, or set PG_BINDIR"
            )
        err("bench: starting a throwaway PostgreSQL cluster")
        cluster = pg.Cluster(bindir)
        try:
            cluster.start()
        except (pg.ClusterError, OSError) as exc:
            raise BenchError(str(exc)) from None
        env = server_env(args.settings, cluster.url, workdir / "cache")
        manage(env, deadline, "migrate", "--no-input")
        manage(env, deadline, "seed")
        manage(env, deadline, "collectstatic", "--no-input")

        port = pg.free_port()
        err(f"bench: starting gunicorn ({args.workers} workers) on {HOST}:{port}")
        server = Server(env, port, args.workers, workdir)
        server.wait_ready(args.floor, deadline)

        paths = {"floor": args.floor, "page": args.path}
        err(f"bench: warming up, {args.warmup} requests per path")
        measure(port, paths, args.warmup, args.concurrency, deadline, mark="warmup")
        err(
            f"bench: measuring {args.requests} requests per path, interleaved, "
            f"concurrency {args.concurrency}"
        )
        started = time.perf_counter()
        timings = measure(
            port, paths, args.requests, args.concurrency, deadline, mark="measure"
        )
        wall = time.perf_counter() - started
        server.stop()
        server_times = server.times("measure")
    finally:
        if server is not None:
            server.stop()
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return summarise(args, paths, timings, server_times, wall, cluster.version)


def load_postgres_cluster():
    """The test suite's throwaway-cluster helpers (tests/postgres_cluster.py)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests import postgres_cluster

    return postgres_cluster


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
            "CACHE_URL": f"filecache://{cache_dir}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def manage(env, deadline, *command):
    err(f"bench: manage.py {' '.join(command)}")
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


class Server:
    """gunicorn serving bri_tracker.wsgi on 127.0.0.1, in its own process group."""

    def __init__(self, env, port, workers, workdir):
        self.port = port
        self.access_log = workdir / "access.log"
        self.error_log = workdir / "gunicorn.log"
        command = [
            *(sys.executable, "-m", "gunicorn", "bri_tracker.wsgi"),
            *("--bind", f"{HOST}:{port}", "--workers", str(workers)),
            *("--access-logfile", str(self.access_log)),
            *("--access-logformat", ACCESS_FORMAT),
            *("--error-logfile", str(self.error_log), "--log-level", "warning"),
            # gunicorn 27 otherwise opens a control socket under ~/.gunicorn.
            "--no-control-socket",
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
        limit = time.monotonic() + min(60.0, deadline.remaining())
        while True:
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

    def times(self, mark):
        """Server-side milliseconds per path of the requests marked ``mark``."""
        times = {}
        for line in self.access_log.read_text().splitlines():
            parts = line.split(" ", 3)
            if len(parts) == 4 and parts[0] == mark:
                times.setdefault(parts[3], []).append(int(parts[2]) / 1000)
        return times


def schedule(count):
    """Floor and page alternately, in ABBA order so neither always goes first."""
    order = []
    for i in range(count):
        pair = ["floor", "page"] if i % 2 == 0 else ["page", "floor"]
        order.extend(pair)
    return order


def measure(port, paths, count, concurrency, deadline, mark):
    """Time ``count`` requests per path; return {key: [milliseconds, ...]}."""
    order = iter(schedule(count))
    lock = threading.Lock()
    stop = threading.Event()
    timings = {key: [] for key in paths}
    errors = []

    def client():
        conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        try:
            while not stop.is_set():
                with lock:
                    key = next(order, None)
                if key is None:
                    return
                deadline.remaining()
                elapsed = timed_get(conn, paths[key], mark)
                with lock:
                    timings[key].append(elapsed)
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
            stop.set()
        finally:
            conn.close()

    if concurrency == 1:
        client()
    else:
        threads = [
            threading.Thread(target=client, daemon=True) for _ in range(concurrency)
        ]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(timeout=0.5)
        finally:
            stop.set()
    if errors:
        exc = errors[0]
        if isinstance(exc, BenchError):
            raise exc
        raise BenchError(f"{type(exc).__name__}: {exc}") from exc
    return timings


def timed_get(conn, path, mark):
    started = time.perf_counter()
    try:
        conn.request("GET", path, headers={MARK_HEADER: mark})
        response = conn.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException):
        conn.close()
        raise
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        hint = ""
        if response.status in (301, 302) and response.getheader("Location"):
            hint = f" (redirected to {response.getheader('Location')})"
        elif response.status == 404:
            hint = " (is it in the URLconf of these settings?)"
        raise BenchError(
            f"GET {path} answered {response.status} {response.reason}{hint}; "
            f"every response must be 200. Body starts:\n"
            f"{body[:500].decode(errors='replace')}"
        )
    return elapsed


def stats(values, concurrency=None):
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    mean = statistics.fmean(values)
    summary = {
        "n": len(values),
        "median_ms": round(statistics.median(values), 3),
        "p95_ms": round(cuts[94], 3),
        "p99_ms": round(cuts[98], 3),
        "mean_ms": round(mean, 3),
        "min_ms": round(min(values), 3),
        "max_ms": round(max(values), 3),
    }
    if concurrency:
        # What this many clients would get on this path alone, from its mean.
        summary["requests_per_s"] = round(concurrency * 1000 / mean, 1)
    return summary


def summarise(args, paths, timings, server_times, wall, pg_version):
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "settings": args.settings,
        "server": f"gunicorn, {args.workers} sync workers, {HOST}",
        "database": f"PostgreSQL {pg_version}, throwaway cluster",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "requests_per_path": args.requests,
        "warmup_per_path": args.warmup,
        "concurrency": args.concurrency,
        "wall_seconds": round(wall, 3),
        "overall_requests_per_s": round(2 * args.requests / wall, 1),
        "paths": {},
    }
    for key, path in paths.items():
        entry = {"path": path, "client": stats(timings[key], args.concurrency)}
        measured = server_times.get(path, [])
        if len(measured) == args.requests:
            entry["server"] = stats(measured)
        result["paths"][key] = entry
    floor, page = result["paths"]["floor"], result["paths"]["page"]
    result["ratios"] = {
        "client": ratios(page["client"], floor["client"]),
    }
    if "server" in floor and "server" in page:
        result["ratios"]["server"] = ratios(page["server"], floor["server"])
    return result


def ratios(page, floor):
    return {
        "median": round(page["median_ms"] / floor["median_ms"], 2),
        "p95": round(page["p95_ms"] / floor["p95_ms"], 2),
    }


def git_commit():
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() or None


def format_table(result):
    header = (
        f"{'':<5} {'path':<20} {'n':>5} {'median':>8} {'p95':>8} {'p99':>8} "
        f"{'mean':>8} {'req/s':>8} │ {'median':>8} {'p95':>8}"
    )
    lines = [
        "",
        f"{result['settings']}, {result['server']}, {result['database']}; "
        f"{result['machine']['cpus']} CPUs shared with the client",
        f"{result['requests_per_path']} requests per path, interleaved, "
        f"concurrency {result['concurrency']}, after {result['warmup_per_path']} "
        "warm-up requests each",
        "",
        f"{'':<26} {'client time (ms)':^50} │ {'server (ms)':^17}",
        header,
        "─" * len(header),
    ]
    for key in ("floor", "page"):
        entry = result["paths"][key]
        client = entry["client"]
        server = entry.get("server")
        server_cols = (
            f"{server['median_ms']:>8.2f} {server['p95_ms']:>8.2f}"
            if server
            else f"{'-':>8} {'-':>8}"
        )
        lines.append(
            f"{key:<5} {entry['path']:<20} {client['n']:>5} "
            f"{client['median_ms']:>8.2f} {client['p95_ms']:>8.2f} "
            f"{client['p99_ms']:>8.2f} "
            f"{client['mean_ms']:>8.2f} {client['requests_per_s']:>8.1f} │ "
            f"{server_cols}"
        )
    lines.append("")
    for side, ratio in result["ratios"].items():
        lines.append(
            f"page / floor, {side + ' time:':<13} median {ratio['median']:>6.2f}x"
            f"   p95 {ratio['p95']:>6.2f}x"
        )
    lines.append(
        f"{2 * result['requests_per_path']} requests in {result['wall_seconds']:.1f} s"
        f" ({result['overall_requests_per_s']:.1f} req/s overall; per path, req/s is"
        " concurrency × 1000 / mean)"
    )
    return "\n".join(lines)


def out(text):
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


def err(text):
    sys.stderr.write(f"{text}\n")
    sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main())
