"""Run the test suite against a throwaway PostgreSQL cluster.

Loaded through ``addopts = "-p tests.postgres_cluster"``. Before pytest-django
reads the settings, this plugin starts a private cluster in a temp dir (trust
auth, 127.0.0.1, a free port, no fsync) and exports ``DATABASE_URL`` for it.

- ``DATABASE_URL`` already set: the caller chose a database; do nothing.
- ``PG_BINDIR``: where ``initdb``, ``pg_ctl`` and ``postgres`` live, if not in
  the newest ``/usr/lib/postgresql/*/bin`` or on ``PATH``.
- ``REQUIRE_POSTGRES=1`` (CI): no PostgreSQL is an error, not a SQLite
  fallback.
"""

import atexit
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

BINARIES = ("initdb", "pg_ctl", "postgres")
SQLITE_URL = "sqlite://:memory:"

# Filled in by the hook, reported once the terminal is no longer captured.
_state = {"message": "", "warning": "", "cluster": None}


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # tryfirst: pytest-django's hook of the same name reads DATABASES.
    options = early_config.known_args_namespace
    if options.help or options.version:
        return
    if os.environ.get("DATABASE_URL"):
        _state["message"] = "tests: the database given by DATABASE_URL"
        return
    required = os.environ.get("REQUIRE_POSTGRES") == "1"
    bindir = find_bindir()
    if bindir is None:
        where = os.environ.get("PG_BINDIR") or "/usr/lib/postgresql/*/bin or PATH"
        reason = f"No PostgreSQL server binaries ({', '.join(BINARIES)}) in {where}."
        if required:
            raise pytest.UsageError(
                f"{reason}\nREQUIRE_POSTGRES=1: install PostgreSQL "
                "(apt-get install -y postgresql) or set PG_BINDIR."
            )
        use_sqlite(reason)
        return
    try:
        cluster = Cluster(bindir)
        cluster.start()
    except (ClusterError, OSError) as exc:
        if required:
            raise pytest.UsageError(str(exc)) from None
        use_sqlite(str(exc))
        return
    _state["cluster"] = cluster
    atexit.register(cluster.stop)
    os.environ["DATABASE_URL"] = cluster.url
    _state["message"] = (
        f"tests: throwaway PostgreSQL {cluster.version} on 127.0.0.1:{cluster.port}"
        f" (started in {cluster.start_seconds:.1f} s)"
    )


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    write_lines(session.config, _state["message"], _state["warning"])


def pytest_terminal_summary(terminalreporter):
    # Repeated at the end, where people read.
    if _state["warning"]:
        terminalreporter.write_line(_state["warning"], red=True, bold=True)


def pytest_unconfigure(config):
    if _state["cluster"] is not None:
        _state["cluster"].stop()


def find_bindir():
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    else:
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version_key)
        candidates.extend(Path(p) for p in reversed(versions))
        if shutil.which("pg_ctl"):
            candidates.append(Path(shutil.which("pg_ctl")).parent)
    for bindir in candidates:
        if all(os.access(bindir / name, os.X_OK) for name in BINARIES):
            return bindir
    return None


def version_key(path):
    return [int(part) for part in re.findall(r"\d+", path)]


def use_sqlite(reason):
    os.environ["DATABASE_URL"] = SQLITE_URL
    _state["message"] = "tests: in-memory SQLite"
    bar = "!" * 79
    _state["warning"] = "\n".join(
        [
            bar,
            "WARNING: these tests run on SQLite, not PostgreSQL.",
            "Database behaviour (constraints, types, ordering, SQL) is NOT verified.",
            reason.strip(),
            "Install PostgreSQL (apt-get install -y postgresql) or set PG_BINDIR",
            "or DATABASE_URL; set REQUIRE_POSTGRES=1 to make this an error.",
            bar,
        ]
    )


def write_lines(config, *lines):
    lines = [line for line in lines if line]
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    for line in lines:
        if reporter is not None:
            reporter.write_line(line, red=line.startswith("!"), bold=True)
        else:
            sys.stderr.write(f"{line}\n")


class ClusterError(Exception):
    pass


class Cluster:
    """A PostgreSQL cluster in a temp dir, owned by ``postgres`` under root."""

    def __init__(self, bindir):
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="bri-tests-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "log"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.start_seconds = 0.0
        self.running = False
        # initdb and pg_ctl refuse to run as root.
        self.runas = []
        if os.geteuid() == 0:
            user = "postgres" if has_user("postgres") else "nobody"
            entry = pwd.getpwnam(user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
            self.runas = ["runuser", "-u", user, "--"]

    def run(self, name, *args):
        command = [*self.runas, str(self.bindir / name), *args]
        return subprocess.run(
            command,
            cwd=self.dir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )

    def start(self):
        started = time.monotonic()
        try:
            output = self.run("postgres", "--version").stdout
            match = re.search(r"\d+\.\d+", output)
            self.version = match.group() if match else "(unknown version)"
            self.check(
                "initdb",
                *("-D", self.data, "-A", "trust", "-U", "postgres"),
                *("--no-sync", "-E", "UTF8"),
            )
            options = (
                f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            self.running = True  # so that stop() ends a half-started server
            self.check(
                "pg_ctl",
                *("-D", self.data, "-l", self.log, "-w", "-o", options, "start"),
            )
        except (OSError, ClusterError) as exc:
            log = self.read_log()
            self.stop()
            raise ClusterError(
                f"Could not start a throwaway PostgreSQL cluster: {exc}\n"
                f"--- server log ---\n{log}"
            ) from None
        self.start_seconds = time.monotonic() - started

    def check(self, name, *args):
        result = self.run(name, *map(str, args))
        if result.returncode != 0:
            raise ClusterError(
                f"{name} exited with {result.returncode}:\n"
                f"{result.stdout}{result.stderr}"
            )

    def read_log(self):
        try:
            return self.log.read_text(errors="replace")[-4000:]
        except OSError:
            return "(no log)"

    def stop(self):
        if self.running:
            self.running = False
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def has_user(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
