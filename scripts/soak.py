"""Soak the site as an attacker, a crowd and a failing database would.

    .venv/bin/python scripts/soak.py [--fuzz 6000] [--load-seconds 60]
        [--load-concurrency 32] [--workers N] [--timeout 1800]

Serves the seeded app as in production (gunicorn.conf.py, a throwaway
PostgreSQL cluster and file cache, the helpers of scripts/bench.py) and runs:

1. Fuzz: hostile requests over every public URL and parameter (NUL and
   control characters, huge, negative and non-numeric values, injections,
   unknown and repeated parameters, mangled paths). Counts answers by status;
   any 5xx is listed. Target: 0 server errors.
2. Load: a mixed page set at --load-concurrency for --load-seconds. Target: 0
   errors (a 5xx or a failed connection).
3. Outage: under a light load, PostgreSQL is stopped for 10 s, started, then
   restarted. Counts answers by status before, while it is down, after it is
   back, during the restart and after it, for /healthz, a cached page and
   uncached pages (searches with a new word each time). Targets: /healthz and the
   cached page answer 200 throughout, the rest 503 (never 500) while it is
   down, no error once it is back.
4. Login: 50 wrong passwords for one account from one address. Target: locked
   out after the limit (the right password is refused while locked).
5. Imports: an XLSX bomb and a 1M-row CSV uploaded to the figure import.
   Target: refused within 2 s with under 50 MB of worker memory growth.

Prints one table per phase and a summary of the targets; exits 1 when one is
missed.
"""

import argparse
import collections
import http.client
import io
import random
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  the bench's cluster, server and process helpers

HOST = bench.HOST
out = bench.out
REQUEST_TIMEOUT = 20.0
SEED = 7
OUTAGE_SECONDS = 10
OUTAGE_CONCURRENCY = 8
WRONG_PASSWORDS = 50
IMPORT_TIME_LIMIT = 2.0  # seconds
IMPORT_MEMORY_LIMIT_KB = 50 * 1024
BOMB_UNCOMPRESSED = 600 * 1024 * 1024
CSV_ROWS = 1_000_000
STAFF_USER, STAFF_PASSWORD = "soak-editor", secrets.token_urlsafe(16)
IMPORTER = "soak-importer"  # another account: phase 4 locks the first one out
LOCKED = re.compile(r"locked|too many|try again later", re.IGNORECASE)

HOSTILE = [
    "\x00",
    "%00",
    "a\x00b",
    "\x01\x1f",
    "'",
    "' OR 1=1 --",
    '"><script>alert(1)</script>',
    "<a href=//evil.example>x</a>",
    "%{x}",
    "{{7*7}}",
    "../../etc/passwd",
    "-1",
    "0",
    "99999999999999999999999",
    "1e308",
    "NaN",
    "2024-13-45",
    "9999-99-99",
    "",
    " ",
    "x" * 5000,
    "é" * 300,
    "\U0001f600",
    "null",
    "[]",
    "true",
]
PARAMETERS = {
    "/projects/": ["q", "country", "region", "sector", "kind", "status", "metric"],
    "/figures/": ["q", "metric", "project", "country", "initiative_wide"]
    + ["qualifier", "period", "from_year", "to_year", "source"],
    "/countries/": ["q", "region", "status"],
    "/agreements/": ["signed", "region", "country", "kind", "status"],
    "/sources/": ["q", "publisher", "stored", "year"],
}
COMMON = ["page", "sort", "per_page", "format", "zzz"]


@dataclass
class Tally:
    statuses: collections.Counter = field(default_factory=collections.Counter)
    errors: list = field(default_factory=list)  # (status, path)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status, path):
        with self.lock:
            self.statuses[status] += 1
            if status == 0 or status >= 500 and status != 503:
                self.errors.append((status, path))

    @property
    def total(self):
        return sum(self.statuses.values())

    def server_errors(self):
        return sum(n for status, n in self.statuses.items() if status >= 500)


def get(port, path, *, method="GET", body=None, headers=None, timeout=None):
    """(status, body bytes, headers) of one request; status 0 if it failed."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout or REQUEST_TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), response
    except (OSError, http.client.HTTPException):
        return 0, b"", None
    finally:
        conn.close()


# ---------------------------------------------------------------- setup


def start(args, workdir):
    pg = bench.load_postgres_cluster()
    deadline = bench.Deadline(args.timeout)
    phases = bench.Phases()
    with phases("PostgreSQL cluster"):
        cluster = bench.start_cluster(pg)
    env = bench.server_env(args.settings, cluster.url, workdir / "cache")
    with phases("migrate, seed, collectstatic, an editor account"):
        bench.manage(env, deadline, "migrate", "--no-input")
        bench.manage(env, deadline, "seed")
        bench.manage(env, deadline, "collectstatic", "--no-input")
        bench.manage(
            env,
            deadline,
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            f"[User.objects.create_superuser(name, '', {STAFF_PASSWORD!r}) "
            f"for name in ({STAFF_USER!r}, {IMPORTER!r})]",
        )
    with phases("gunicorn start"):
        server = bench.Server(env, pg.free_port(), args.workers, workdir)
        server.wait_ready("/healthz", deadline)
    return cluster, server, deadline, phases


def public_paths(cluster, port):
    import psycopg

    with psycopg.connect(cluster.url, autocommit=True) as conn:
        slugs = bench.column(conn, "SELECT slug FROM projects_project ORDER BY id")
        figures = bench.column(
            conn,
            "SELECT id FROM projects_observation WHERE status = 'published' "
            "ORDER BY id LIMIT 50",
        )
        countries = bench.column(
            conn, "SELECT iso3 FROM countries_country ORDER BY iso3 LIMIT 50"
        )
        sources = bench.column(conn, "SELECT id FROM sources_source ORDER BY id")
    _, home, _ = get(port, "/")
    charts = sorted(set(re.findall(r"/dashboard/([\w-]+)\.csv", home.decode())))
    paths = ["/", "/about/", "/healthz", "/readyz", "/projects/lookup.json"]
    paths += ["/sources/lookup.json"]
    for base in PARAMETERS:
        paths += [base, f"{base}export.csv", f"{base}export.json"]
    paths += [f"/projects/{slug}/" for slug in slugs[:40]]
    paths += [f"/projects/{slug}/feed/" for slug in slugs[:10]]
    paths += [f"/projects/{slug}/history/" for slug in slugs[:10]]
    paths += [f"/projects/{slug}/export.csv" for slug in slugs[:10]]
    paths += [f"/figures/{pk}/" for pk in figures]
    paths += [f"/countries/{iso3}/" for iso3 in countries]
    paths += [f"/countries/{iso3}/feed/" for iso3 in countries[:10]]
    paths += [f"/sources/{pk}/" for pk in sources[:30]]
    paths += [f"/dashboard/{chart}.csv" for chart in charts]
    paths += [f"/embed/{chart}/" for chart in charts]
    return paths


# ---------------------------------------------------------------- 1. fuzz


def hostile_requests(paths, count, rng):
    """``count`` hostile variants of the public URLs."""
    requests = []
    while len(requests) < count:
        base = rng.choice(paths)
        kind = rng.random()
        value = rng.choice(HOSTILE)
        if kind < 0.5:
            names = PARAMETERS.get(base.split("export")[0], []) + COMMON
            query = [(rng.choice(names), rng.choice(HOSTILE)) for _ in range(3)]
            requests.append(f"{base}?{urlencode(query)}")
        elif kind < 0.8 and base.count("/") >= 3:
            head, _, _ = base.rstrip("/").rpartition("/")
            requests.append(f"{head}/{quote(value, safe='')}/")
        else:
            requests.append(f"{base}{quote(value, safe='/%')}")
    return requests


def fuzz(port, paths, count, concurrency):
    tally = Tally()
    rng = random.Random(SEED)

    def one(path):
        status, _, _ = get(port, path)
        tally.add(status, path)

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, hostile_requests(paths, count, rng)))
    return tally


# ---------------------------------------------------------------- 2. load


def load(port, paths, seconds, concurrency):
    tally = Tally()
    stop = time.monotonic() + seconds
    rng = random.Random(SEED)
    mixed = [p for p in paths if "export" not in p] * 3 + [
        p for p in paths if "export" in p
    ]

    def worker():
        local = random.Random(rng.random())
        while time.monotonic() < stop:
            path = local.choice(mixed)
            status, _, _ = get(port, path)
            tally.add(status, path)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


# ---------------------------------------------------------------- 3. outage


@dataclass
class OutageWindow:
    name: str
    health: Tally = field(default_factory=Tally)
    cached: Tally = field(default_factory=Tally)
    uncached: Tally = field(default_factory=Tally)


def outage(port, cluster, paths):
    cached_page = "/about/"
    for _ in range(3):
        get(port, cached_page)  # stored in the page cache
    # Searches with a new word each time: rendered, never from the page cache
    # (which drops parameters a page does not read).
    uncached = ["/projects/", "/figures/"]
    windows = {
        name: OutageWindow(name) for name in ("before", "down", "back", "restart")
    }
    state = {"window": windows["before"], "stop": False}

    def worker(n):
        rng = random.Random(n)
        while not state["stop"]:
            window = state["window"]
            status, _, _ = get(port, "/healthz", timeout=5)
            window.health.add(status, "/healthz")
            status, _, _ = get(port, cached_page, timeout=5)
            window.cached.add(status, cached_page)
            path = f"{rng.choice(uncached)}?q=soak{rng.randrange(10**9)}"
            status, _, _ = get(port, path, timeout=10)
            window.uncached.add(status, path)

    threads = [
        threading.Thread(target=worker, args=(n,)) for n in range(OUTAGE_CONCURRENCY)
    ]
    for thread in threads:
        thread.start()
    pg_ctl = ("-D", str(cluster.data), "-m", "fast", "-w")
    try:
        time.sleep(3)
        state["window"] = windows["down"]
        cluster.run("pg_ctl", *pg_ctl, "stop")
        time.sleep(OUTAGE_SECONDS)
        options = (
            f"-p {cluster.port} -k {cluster.dir} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        cluster.run(
            "pg_ctl", "-D", str(cluster.data), "-l", str(cluster.log), "-w", "-o",
            options, "start",
        )  # fmt: skip
        state["window"] = windows["back"]
        time.sleep(5)
        # A restart takes the database down again for a moment: its own window.
        state["window"] = windows["restart"]
        cluster.run("pg_ctl", *pg_ctl, "-l", str(cluster.log), "-o", options, "restart")
        state["window"] = windows["after"] = OutageWindow("after")
        time.sleep(15)
    finally:
        state["stop"] = True
        for thread in threads:
            thread.join()
    return windows


# ---------------------------------------------------------------- 4. login


def csrf_session(port, path):
    """(cookie header, csrf token) from a GET of the login form."""
    status, body, response = get(port, path)
    if response is None:
        return "", ""
    cookies = response.headers.get_all("Set-Cookie") or []
    jar = "; ".join(c.split(";", 1)[0] for c in cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    return jar, token.group(1).decode() if token else ""


def login(port, username, password):
    jar, token = csrf_session(port, "/admin/login/")
    body = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": password,
            "next": "/admin/",
        }
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": jar,
        "Referer": f"http://{HOST}:{port}/admin/login/",
    }
    return get(port, "/admin/login/", method="POST", body=body, headers=headers)


def logins(port):
    first_locked = None
    statuses = collections.Counter()
    for attempt in range(1, WRONG_PASSWORDS + 1):
        status, body, _ = login(port, STAFF_USER, "wrong-" + str(attempt))
        statuses[status] += 1
        if first_locked is None and LOCKED.search(body.decode(errors="replace")):
            first_locked = attempt
    status, body, response = login(port, STAFF_USER, STAFF_PASSWORD)
    right_refused = status != 302 or LOCKED.search(body.decode(errors="replace"))
    return {
        "statuses": dict(statuses),
        "locked_after": first_locked,
        "right_password_refused_while_locked": bool(right_refused),
    }


# ---------------------------------------------------------------- 5. imports


def xlsx_bomb():
    """A valid-looking XLSX whose sheet inflates to BOMB_UNCOMPRESSED bytes."""
    buffer = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"/>',
        )
        with bomb.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b"<worksheet><sheetData>")
            written = 0
            while written < BOMB_UNCOMPRESSED:
                sheet.write(row * 1000)
                written += len(row) * 1000
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def big_csv():
    header = "metric,value,as_of,project,source,quote\n"
    line = "passengers,1000,2024-01-31,,https://example.org/x,carried 1000\n"
    return (header + line * CSV_ROWS).encode()


def multipart(fields, files):
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
            f"\r\n\r\n{value}\r\n".encode()
        )
    for name, (filename, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream'
            "\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def staff_cookie(port):
    """The session cookie of the importing editor (not the locked-out one)."""
    _, _, response = login(port, IMPORTER, STAFF_PASSWORD)
    if response is None:
        return ""
    cookies = response.headers.get_all("Set-Cookie") or []
    return "; ".join(c.split(";", 1)[0] for c in cookies)


def imports(port, server):
    path = "/admin/projects/observation/import/"
    cookie = staff_cookie(port)
    results = {}
    for name, filename, data, fmt in (
        ("xlsx bomb", "bomb.xlsx", xlsx_bomb(), "xlsx"),
        (f"{CSV_ROWS:,}-row CSV", "big.csv", big_csv(), "csv"),
    ):
        _, body, _ = get(port, path, headers={"Cookie": cookie})
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        formats = re.findall(rb'<option value="(\d+)"[^>]*>\s*' + fmt.encode(), body)
        fields = {
            "csrfmiddlewaretoken": token.group(1).decode() if token else "",
            "format": formats[0].decode() if formats else "",
            "resource": "0",
        }
        payload, content_type = multipart(fields, {"import_file": (filename, data)})
        server.reset_worker_peaks()
        before = server.worker_memory("VmRSS")
        started = time.monotonic()
        status, answer, _ = get(
            port,
            path,
            method="POST",
            body=payload,
            headers={
                "Cookie": cookie,
                "Content-Type": content_type,
                "Referer": f"http://{HOST}:{port}{path}",
            },
            timeout=300,
        )
        seconds = time.monotonic() - started
        after = server.worker_memory("VmHWM")
        growth = max(
            (after[pid] - before.get(pid, after[pid]) for pid in after), default=0
        )
        message = re.search(
            rb'class="[^"]*errorlist[^"]*"[^>]*>(.*?)</ul>', answer, re.DOTALL
        )
        results[name] = {
            "bytes": len(data),
            "status": status,
            "seconds": round(seconds, 2),
            "memory_growth_kb": growth,
            "message": re.sub(
                r"<[^>]+>", " ", message.group(1).decode(errors="replace")
            ).strip()[:160]
            if message
            else "",
        }
    return results


# ---------------------------------------------------------------- report


def statuses(tally):
    return ", ".join(f"{s or 'failed'}: {n}" for s, n in sorted(tally.statuses.items()))


def report(fuzzed, loaded, windows, login_result, import_result, args):
    checks = []
    out(f"\n1. fuzz: {fuzzed.total} hostile requests — {statuses(fuzzed)}")
    for status, path in fuzzed.errors[:20]:
        out(f"   {status} {path[:150]!r}")
    checks.append(("fuzz: 0 server errors", fuzzed.server_errors() == 0))
    rate = loaded.total / args.load_seconds
    out(
        f"\n2. load: {loaded.total} requests in {args.load_seconds} s at "
        f"c={args.load_concurrency} ({rate:.0f}/s) — {statuses(loaded)}"
    )
    for status, path in loaded.errors[:20]:
        out(f"   {status} {path[:150]!r}")
    checks.append(("load: 0 errors", not loaded.errors))
    out("\n3. outage (PostgreSQL stopped 10 s, started, restarted):")
    for window in windows.values():
        out(f"   {window.name:6}  /healthz: {statuses(window.health)}")
        out(f"   {'':6}  cached page: {statuses(window.cached)}")
        out(f"   {'':6}  uncached pages: {statuses(window.uncached)}")
    down, back, after = windows["down"], windows["back"], windows["after"]
    checks.append(
        (
            "outage: /healthz and cached page 200 throughout",
            all(
                set(w.health.statuses) <= {200} and set(w.cached.statuses) <= {200}
                for w in windows.values()
            ),
        )
    )
    checks.append(
        ("outage: 503 (not 500) while down", set(down.uncached.statuses) <= {200, 503})
    )
    checks.append(
        (
            "outage: no error once back (after the start, after the restart)",
            all(
                not w.uncached.errors
                and not w.health.errors
                and 503 not in w.uncached.statuses
                for w in (back, after)
            ),
        )
    )
    out(
        f"\n4. login: {WRONG_PASSWORDS} wrong passwords — {login_result['statuses']}; "
        f"locked after attempt {login_result['locked_after']}; the right password "
        f"{'refused' if login_result['right_password_refused_while_locked'] else 'ok'}"
        " while locked"
    )
    checks.append(
        (
            "login: locked out after the limit",
            login_result["locked_after"] is not None
            and login_result["right_password_refused_while_locked"],
        )
    )
    out("\n5. imports:")
    for name, result in import_result.items():
        out(
            f"   {name}: {result['bytes'] / 1e6:.1f} MB upload, {result['status']} in "
            f"{result['seconds']} s, worker +{result['memory_growth_kb'] / 1024:.1f} MB"
            f" — {result['message']!r}"
        )
        checks.append(
            (
                f"import {name}: refused within 2 s, under 50 MB",
                result["seconds"] <= IMPORT_TIME_LIMIT
                and result["memory_growth_kb"] <= IMPORT_MEMORY_LIMIT_KB
                and result["status"] in (200, 400, 413),
            )
        )
    out("\ntargets:")
    for name, ok in checks:
        out(f"   {'met   ' if ok else 'MISSED'} {name}")
    return all(ok for _, ok in checks)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fuzz", type=int, default=6000)
    parser.add_argument("--fuzz-concurrency", type=int, default=8)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--load-concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--settings", default="bri_tracker.settings.prod")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bri-soak-"))
    cluster = server = None
    try:
        cluster, server, deadline, phases = start(args, workdir)
        paths = public_paths(cluster, server.port)
        with phases(f"fuzz ({args.fuzz} requests)"):
            fuzzed = fuzz(server.port, paths, args.fuzz, args.fuzz_concurrency)
        with phases(f"load ({args.load_seconds} s)"):
            loaded = load(server.port, paths, args.load_seconds, args.load_concurrency)
        with phases("outage"):
            windows = outage(server.port, cluster, paths)
        with phases("login"):
            login_result = logins(server.port)
        with phases("imports"):
            import_result = imports(server.port, server)
        ok = report(fuzzed, loaded, windows, login_result, import_result, args)
        if not ok:
            out("\nserver log (tail):\n" + server.log()[-3000:])
        return 0 if ok else 1
    except bench.BenchError as exc:
        bench.err(f"soak: FAILED: {exc}")
        return 1
    finally:
        if server is not None:
            server.stop()
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
