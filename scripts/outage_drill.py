"""PostgreSQL outage drill: the site under light load while its database
stops for a while, comes back, and is then restarted (issue 15).

    .venv/bin/python scripts/outage_drill.py [--concurrency 8] [--stop 10]
        [--before 5] [--after 20] [--projects 0] [--workers N]
        [--output drill.json] [--timeout 900]

1. Setup, as scripts/bench.py does (its helpers are reused): a throwaway
   PostgreSQL cluster, ``migrate``, ``seed`` (``--projects N`` adds a
   synthetic data set), ``collectstatic``, then gunicorn with
   gunicorn.conf.py and production settings (HTTPS redirect off, a
   throwaway file cache) on 127.0.0.1.
2. A mixed page set: seven public pages requested once first, so that the
   page cache holds them ("cached"); the project list with a new search word
   on every request, so that every one is rendered from the database
   ("uncached"); and ``/healthz``.
3. ``--concurrency`` clients request them (40 % cached, 40 % uncached, 20 %
   /healthz) for ``--before`` seconds; then ``pg_ctl stop -m fast``, ``--stop``
   seconds without PostgreSQL, ``pg_ctl start``; ``--after`` seconds; then
   ``pg_ctl restart -m fast`` and ``--after`` seconds more.
4. Prints, per window (a request belongs to the window it started in): the
   answers by page kind and status, the latency of /healthz and of cached
   pages while the database is down, and every error after the database is
   back. Expected: 503s for uncached pages while it is down and during the
   restart, nothing else; /healthz and cached pages 200 throughout.

Exit status 1 if that expectation is not met (any 500 or connection error,
an error after the database is back, or /healthz or a cached page failing
while it is down). Stops gunicorn and the cluster and removes temp files on
the way out, also on Ctrl-C, errors and ``--timeout``.
"""

import argparse
import http.client
import itertools
import json
import random
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import bench

HOST = bench.HOST
REQUEST_TIMEOUT = 30.0
CACHED_PAGES = [
    "/",
    "/projects/",
    "/countries/",
    "/figures/",
    "/sources/",
    "/agreements/",
    "/about/",
]
MIX = [("cached", 0.4), ("uncached", 0.4), ("health", 0.2)]
OK_STATUSES = {200}


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, bench.on_sigterm)
    signal.signal(signal.SIGALRM, bench.on_alarm)
    signal.setitimer(signal.ITIMER_REAL, args.timeout)
    try:
        result = run(args)
    except bench.BenchError as exc:
        bench.err(f"drill: FAILED: {exc}")
        return 1
    except KeyboardInterrupt:
        bench.err("drill: interrupted")
        return 130
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if args.output:
        Path(args.output).write_text(json.dumps(result, indent=2) + "\n")
    bench.out(format_report(result))
    return 0 if result["ok"] else 1


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Stop and restart PostgreSQL under load; report the answers."
    )
    parser.add_argument("--concurrency", type=int, default=8, help="clients")
    parser.add_argument("--stop", type=float, default=10, help="seconds down")
    parser.add_argument("--before", type=float, default=5, help="seconds before")
    parser.add_argument(
        "--after",
        type=float,
        default=20,
        help="seconds after the stop and after the restart",
    )
    parser.add_argument("--projects", type=int, default=0, help="synthetic projects")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--output", default=None, help="also write JSON here")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--settings", default="bri_tracker.settings.prod")
    args = parser.parse_args(argv)
    if args.concurrency < 1:
        parser.error("--concurrency must be at least 1")
    return args


# ---------------------------------------------------------------- setup


def run(args):
    pg = bench.load_postgres_cluster()
    deadline = bench.Deadline(args.timeout)
    workdir = Path(tempfile.mkdtemp(prefix="bri-drill-"))
    cluster = server = None
    try:
        cluster = bench.start_cluster(pg)
        env = bench.server_env(args.settings, cluster.url, workdir / "cache")
        bench.err("drill: migrate, seed, collectstatic ...")
        bench.manage(env, deadline, "migrate", "--no-input")
        bench.manage(env, deadline, "seed")
        if args.projects:
            bench.manage(
                env,
                deadline,
                "generate_synthetic",
                *("--projects", str(args.projects)),
                *("--observations", str(args.projects * 20)),
                *("--seed", "1"),
            )
        bench.manage(env, deadline, "collectstatic", "--no-input")
        server = bench.Server(env, pg.free_port(), args.workers, workdir)
        server.wait_ready("/healthz", deadline)
        warm_up(server.port)
        postgres = Postgres(cluster)
        workers = server.worker_count()
        records, marks = drive(server.port, postgres, args)
        server.stop()  # flushes the logs
        log = server.error_log.read_text(errors="replace")
        result = summarise(records, marks, log, workers, args)
        result["postgresql"] = cluster.version
        return result
    finally:
        if server is not None:
            server.stop()
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


class Postgres:
    """Stops and starts the throwaway cluster as an operator would."""

    def __init__(self, cluster):
        self.cluster = cluster
        # As tests/postgres_cluster.py's Cluster.start() starts it.
        self.options = (
            f"-p {cluster.port} -k {cluster.dir} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )

    def stop(self):
        self.pg_ctl("-m", "fast", "-w", "stop")

    def start(self):
        self.pg_ctl("-l", self.cluster.log, "-w", "-o", self.options, "start")

    def restart(self):
        # -l: without it the new server writes to pg_ctl's output, which
        # then never ends.
        self.pg_ctl(
            "-m", "fast", "-l", self.cluster.log, "-w", "-o", self.options, "restart"
        )

    def pg_ctl(self, *args):
        try:
            self.cluster.check("pg_ctl", "-D", self.cluster.data, *args)
        except bench.load_postgres_cluster().ClusterError as exc:
            raise bench.BenchError(str(exc)) from None


def warm_up(port):
    """Each cached page once (must be 200), so that the page cache holds it;
    then /readyz must say the database is there."""
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        for path in [*CACHED_PAGES, "/readyz"]:
            # Gzip, as the clients ask: the page cache keeps the two apart.
            conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise bench.BenchError(f"{path} answered {response.status}")
    finally:
        conn.close()


# ---------------------------------------------------------------- load


def drive(port, postgres, args):
    """Load on ``port`` from ``args.concurrency`` threads while PostgreSQL
    stops, starts and restarts. Returns ([(kind, start, end, status)],
    {event: time}); times are time.monotonic()."""
    records = []
    stop = threading.Event()
    counter = itertools.count()
    threads = [
        threading.Thread(
            target=client, args=(port, records, stop, counter, random.Random(n))
        )
        for n in range(args.concurrency)
    ]
    marks = {"load_start": time.monotonic()}
    for thread in threads:
        thread.start()
    try:
        time.sleep(args.before)
        bench.err("drill: pg_ctl stop -m fast")
        marks["stop"] = time.monotonic()
        postgres.stop()
        marks["stopped"] = time.monotonic()
        time.sleep(args.stop)
        bench.err("drill: pg_ctl start")
        marks["start"] = time.monotonic()
        postgres.start()
        marks["back"] = time.monotonic()
        time.sleep(args.after)
        bench.err("drill: pg_ctl restart -m fast")
        marks["restart"] = time.monotonic()
        postgres.restart()
        marks["restarted"] = time.monotonic()
        time.sleep(args.after)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    marks["load_end"] = time.monotonic()
    return records, marks


def client(port, records, stop, counter, rng):
    conn = None
    kinds, weights = zip(*MIX, strict=True)
    while not stop.is_set():
        kind = rng.choices(kinds, weights)[0]
        if kind == "cached":
            path = rng.choice(CACHED_PAGES)
        elif kind == "uncached":
            path = f"/projects/?q=drill{next(counter)}"
        else:
            path = "/healthz"
        if conn is None:
            conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        began = time.monotonic()
        try:
            conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.will_close:
                conn.close()
                conn = None
        except TimeoutError:
            status = "timeout"
        except (OSError, http.client.HTTPException):
            status = "connection error"
        if not isinstance(status, int) and conn is not None:
            conn.close()
            conn = None
        records.append((kind, began, time.monotonic(), status))
    if conn is not None:
        conn.close()


# ---------------------------------------------------------------- report

WINDOWS = [
    ("before", "load_start", "stop"),
    ("down (stop to start)", "stop", "back"),
    ("after the database is back", "back", "restart"),
    ("restart", "restart", "restarted"),
    ("after the restart", "restarted", "load_end"),
]


def window_of(record, marks):
    """A request in flight when PostgreSQL stops or restarts belongs to that
    window, not to the one before; one that starts after pg_ctl start or
    restart returned belongs to the window after."""
    _, began, ended, _ = record
    if ended < marks["stop"]:
        return "before"
    if began < marks["back"]:
        return "down (stop to start)"
    if ended < marks["restart"]:
        return "after the database is back"
    if began < marks["restarted"]:
        return "restart"
    return "after the restart"


def summarise(records, marks, log, workers, args):
    windows = []
    for name, begin, end in WINDOWS:
        rows = [r for r in records if window_of(r, marks) == name]
        by_kind = {}
        for kind, *_ in MIX:
            statuses = Counter(str(r[3]) for r in rows if r[0] == kind)
            by_kind[kind] = dict(sorted(statuses.items()))
        windows.append(
            {
                "name": name,
                "seconds": round(marks[end] - marks[begin], 1),
                "requests": len(rows),
                "by_kind": by_kind,
                "latency_ms": {
                    kind: latency([r for r in rows if r[0] == kind])
                    for kind in ("health", "cached", "uncached")
                },
                "errors": errors_in(rows, marks[begin]),
            }
        )
    down, after_stop, restart, after_restart = windows[1:]
    problems = []
    for window in windows:
        for kind, statuses in window["by_kind"].items():
            bad = {s: n for s, n in statuses.items() if s not in ("200", "503")}
            if bad:
                problems.append(f"{window['name']}: {kind} answered {bad}")
    for kind in ("health", "cached"):
        if set(down["by_kind"][kind]) - {"200"}:
            problems.append(f"while down: {kind} answered {down['by_kind'][kind]}")
    for window in (after_stop, after_restart):
        if window["errors"]["count"]:
            problems.append(f"{window['name']}: {window['errors']['count']} errors")
    # The first uncached page served once the database had stopped, in
    # seconds after pg_ctl start returned (negative: before it returned).
    served_again = min(
        (
            r[2]
            for r in records
            if r[0] == "uncached" and r[3] == 200 and r[1] > marks["stopped"]
        ),
        default=None,
    )
    return {
        "ok": not problems,
        "uncached_served_again_s": (
            round(served_again - marks["back"], 2) if served_again else None
        ),
        "problems": problems,
        "workers": workers,
        "concurrency": args.concurrency,
        "stop_seconds": args.stop,
        "pg_ctl_seconds": {
            "stop": round(marks["stopped"] - marks["stop"], 2),
            "start": round(marks["back"] - marks["start"], 2),
            "restart": round(marks["restarted"] - marks["restart"], 2),
        },
        "windows": windows,
        "server_log": {
            "internal_server_errors": log.count("Internal Server Error"),
            "admin_shutdown": log.count("AdminShutdown"),
            "database_unavailable_lines": log.count("database unavailable"),
            "database_back_lines": log.count("database reachable again"),
        },
    }


def latency(rows):
    if not rows:
        return None
    values = sorted((end - began) * 1000 for _, began, end, _ in rows)
    return {
        "n": len(values),
        "median": round(statistics.median(values), 1),
        "p95": round(bench.percentile(values, 95), 1),
        "max": round(values[-1], 1),
    }


def errors_in(rows, origin):
    """Requests not answered 200: how many, by kind and status, and when the
    first and last of them started (seconds after ``origin``)."""
    bad = [r for r in rows if r[3] not in OK_STATUSES]
    return {
        "count": len(bad),
        "by": dict(Counter(f"{kind} {status}" for kind, _, _, status in bad)),
        "first_s": round(min(r[1] for r in bad) - origin, 2) if bad else None,
        "last_s": round(max(r[1] for r in bad) - origin, 2) if bad else None,
    }


def format_report(result):
    lines = [
        f"PostgreSQL outage drill: {result['concurrency']} clients, "
        f"gunicorn {result['workers']} workers (threads as in gunicorn.conf.py), "
        f"PostgreSQL {result.get('postgresql', '?')} stopped "
        f"{result['stop_seconds']:g} s then restarted",
        "pg_ctl took: "
        + ", ".join(f"{k} {v} s" for k, v in result["pg_ctl_seconds"].items()),
        f"uncached pages served again {result['uncached_served_again_s']} s after "
        "pg_ctl start returned",
        "",
    ]
    for window in result["windows"]:
        lines.append(
            f"{window['name']} ({window['seconds']} s, {window['requests']} requests)"
        )
        for kind, statuses in window["by_kind"].items():
            counts = ", ".join(f"{s}: {n}" for s, n in statuses.items()) or "-"
            lines.append(f"  {kind:<9} {counts}")
        for kind, stats in window["latency_ms"].items():
            if stats:
                lines.append(
                    f"  {kind} latency ms: median {stats['median']}, "
                    f"p95 {stats['p95']}, max {stats['max']}"
                )
        errors = window["errors"]
        if errors["count"]:
            lines.append(
                f"  not 200: {errors['count']} ({errors['by']}), started "
                f"{errors['first_s']} s to {errors['last_s']} s into the window"
            )
        else:
            lines.append("  not 200: 0")
    log = result["server_log"]
    lines += [
        "",
        f"server log: {log['internal_server_errors']} 'Internal Server Error', "
        f"{log['admin_shutdown']} 'AdminShutdown', "
        f"{log['database_unavailable_lines']} 'database unavailable' "
        f"(logged once a minute per worker), "
        f"{log['database_back_lines']} 'database reachable again'",
        "",
        "OK: 503s only while the database was away, none after"
        if result["ok"]
        else "FAILED:\n  " + "\n  ".join(result["problems"]),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
