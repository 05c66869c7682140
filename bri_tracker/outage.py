"""The site while PostgreSQL cannot be reached (issue 15).

- A page that needs the database gets a 503 "temporarily unavailable" page
  with ``Retry-After``, never a 500. ``OutageMiddleware`` turns the errors
  that mean "no database" into that page; ``server_error`` (the
  ``handler500``) does the same for those raised outside a view (a session
  saved on the way out, a 404 page whose footer needs counts).
- Once one has been seen, the process fails fast: a request that needs the
  database gets the 503 at once instead of waiting for the pool's timeout,
  since such waits would hold every thread and queue cached pages and
  ``/healthz`` behind them. One request at a time (at most every
  ``PROBE_INTERVAL_SECONDS``) tries a new connection instead; when that
  succeeds, pages are served again (the pool reconnects within about a
  second, settings/prod.py).
- Cached pages (bri_tracker/page_cache.py answers before this middleware)
  and views marked ``@database_free`` (``/healthz``, ``/readyz``) never wait
  on the database.

"No database" means: no connection from the pool in time (``PoolTimeout``),
a connection refused, timed out or lost (psycopg's ``OperationalError``
without a SQLSTATE, or of class 08), the server shutting down or starting
up, or out of connection slots. Other errors (a cancelled statement, a
constraint, psycopg's ``InterfaceError``, which in psycopg 3 means a misused
cursor, not a lost connection) are bugs and stay 500s. The state is per
process: each gunicorn worker finds out for itself.
"""

import logging
import sys
import threading
import time

import psycopg
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import patch_cache_control
from django.views import defaults
from psycopg_pool import PoolTimeout

from bri_tracker.cache_safety import LOG_INTERVAL_SECONDS, Throttle

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# How often one request per process may try the database while it is down:
# a refused connection costs well under a millisecond, and pages come back
# within this long of the database.
PROBE_INTERVAL_SECONDS = 0.05
# /readyz's bound (libpq's connect_timeout counts whole seconds, 2 at least).
READY_TIMEOUT_SECONDS = 2
# Shutting down (57P01-57P02), starting up (57P03), no free slot (53300).
UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03", "53300"}

_log_throttle = Throttle(LOG_INTERVAL_SECONDS)


def is_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what it was raised from) means no database."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, PoolTimeout):
            return True
        if isinstance(exc, psycopg.OperationalError):
            state = exc.sqlstate
            return (
                state is None
                or state.startswith("08")
                or state in UNAVAILABLE_SQLSTATES
            )
        exc = exc.__cause__ or exc.__context__
    return False


def reason(exc: BaseException) -> str:
    """A short account of ``exc`` for /readyz (no host names or ports)."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    if isinstance(exc, PoolTimeout):
        return "no connection from the pool in time"
    state = getattr(exc, "sqlstate", None)
    if state == "57P03":
        return "the database is starting up or shutting down"
    if state in ("57P01", "57P02"):
        return "the database shut down"
    if state == "53300":
        return "the database has no free connection slot"
    if "timeout expired" in str(exc):
        return "connecting timed out"
    if is_unavailable(exc):
        return "cannot connect to the database"
    return f"database error ({type(exc).__name__})"


class _Breaker:
    """Whether this process has found the database away, and who may look
    whether it is back."""

    def __init__(self):
        self.down_since = None  # time.monotonic() of the first failure
        self.last_probe = 0.0
        self.probe_lock = threading.Lock()

    def failed(self, exc: BaseException) -> None:
        if self.down_since is None:
            self.down_since = time.monotonic()
        _log(exc)

    def recovered(self) -> None:
        if self.down_since is not None:
            logger.warning(
                "database reachable again after %.1f s",
                time.monotonic() - self.down_since,
            )
        self.down_since = None

    def probe(self) -> bool:
        """True if the database answers now. Only one request of the
        process looks at a time, at most every PROBE_INTERVAL_SECONDS; the
        others are told it is still down."""
        if not self.probe_lock.acquire(blocking=False):
            return False
        try:
            now = time.monotonic()
            if now - self.last_probe < PROBE_INTERVAL_SECONDS:
                return False
            self.last_probe = now
            return check_database() is None
        finally:
            self.probe_lock.release()

    def reset(self) -> None:
        self.down_since = None
        self.last_probe = 0.0


breaker = _Breaker()


def _log(exc: BaseException) -> None:
    left_out = _log_throttle.allow("unavailable")
    if left_out is not None:
        logger.error(
            "database unavailable, answering 503: %s: %s (%s more left out of "
            "this log in the last %.0f s)",
            type(exc).__name__,
            str(exc).strip(),
            left_out,
            _log_throttle.interval,
        )


def check_database(alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """None if the database answers ``SELECT 1`` within
    READY_TIMEOUT_SECONDS, else the reason. On PostgreSQL it opens a
    connection of its own rather than borrow from the pool, whose wait is
    longer (and which may still be reconnecting); the outcome updates the
    breaker."""
    connection = connections[alias]
    try:
        if connection.vendor == "postgresql":
            params = connection.get_connection_params()
            params["connect_timeout"] = READY_TIMEOUT_SECONDS
            with psycopg.Connection.connect(**params) as direct:
                direct.execute("SELECT 1")
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
    except (psycopg.Error, DatabaseError) as exc:
        if is_unavailable(exc):
            breaker.failed(exc)
        return reason(exc)
    breaker.recovered()
    return None


def database_free(view):
    """Marks a view that never touches the database: served while it is
    down, without waiting for it."""
    view.database_free = True
    return view


def unavailable_response() -> HttpResponse:
    # Rendered without the request: context processors (the footer's counts)
    # would query the database.
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    # Logged here once a minute (_log), not by Django once per request.
    response._has_been_logged = True
    return response


class OutageMiddleware:
    """The 503 page for pages that need the database while it is away."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if breaker.down_since is None or getattr(view_func, "database_free", False):
            return None
        if breaker.probe():
            return None
        return unavailable_response()

    def process_exception(self, request, exception):
        if not is_unavailable(exception):
            return None
        breaker.failed(exception)
        return unavailable_response()


def server_error(request, template_name="500.html"):
    """The ``handler500``: the 503 page for a database error raised outside
    a view, Django's 500 page for the rest."""
    exc = sys.exc_info()[1]
    if is_unavailable(exc):
        breaker.failed(exc)
        return unavailable_response()
    return defaults.server_error(request, template_name)
