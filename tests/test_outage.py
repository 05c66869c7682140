"""The site while PostgreSQL cannot be reached (bri_tracker/outage.py).

The outage is simulated without stopping the test cluster: the default
connection is closed and pointed at a local port nothing listens on, so the
next query gets the "connection refused" a stopped server gives.
"""

import json
import os
import socket
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, OperationalError, connection
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test import Client
from django.urls import reverse
from psycopg import errors
from psycopg_pool import PoolTimeout

from bri_tracker import outage

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="simulates a PostgreSQL outage"
)
# Not inside the test's transaction: the connection is closed and reopened.
outage_db = pytest.mark.django_db(transaction=True)

PAGE = reverse("projects:list")
CACHED_PAGE = reverse("about:about")


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def _fresh_breaker(monkeypatch):
    # Every request may look whether the database is back (no 50 ms wait).
    monkeypatch.setattr(outage, "PROBE_INTERVAL_SECONDS", 0)
    outage.breaker.reset()
    yield
    outage.breaker.reset()


class _Database:
    def __init__(self):
        self.saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}

    def away(self):
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))

    def back(self):
        connection.close()
        connection.settings_dict.update(self.saved)


@pytest.fixture
def database():
    """``database.away()`` makes PostgreSQL unreachable, ``database.back()``
    (also called when the test ends) reachable again."""
    switch = _Database()
    yield switch
    switch.back()


@pytest.fixture
def database_away(database):
    database.away()
    return database


@outage_db
def test_a_page_that_needs_the_database_is_a_503_with_retry_after(
    client, database_away
):
    response = client.get(PAGE)

    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    assert "Temporarily unavailable" in response.text
    assert "cannot reach its database" in response.text


@outage_db
def test_the_503_page_has_no_inline_script_or_style(client, database_away):
    text = client.get(PAGE).text

    assert "<script" not in text
    assert "<style" not in text
    assert "style=" not in text
    assert "/static/css/site.css" in text


@outage_db
def test_health_answers_while_the_database_is_away(client, database_away):
    client.get(PAGE)  # the process now knows the database is away

    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.text == "ok"


@outage_db
def test_a_cached_page_is_served_while_the_database_is_away(client, database):
    before = client.get(CACHED_PAGE)
    assert before.status_code == 200
    database.away()
    assert client.get(PAGE).status_code == 503  # not cached: it needs it

    during = client.get(CACHED_PAGE)

    assert during.status_code == 200
    assert during.content == before.content


@outage_db
def test_once_the_database_is_known_away_pages_fail_without_connecting(
    client, database_away, monkeypatch
):
    client.get(PAGE)
    attempts = []
    real_connect = DatabaseWrapper.get_new_connection

    def counting_connect(self, params):
        attempts.append(self.alias)
        return real_connect(self, params)

    monkeypatch.setattr(DatabaseWrapper, "get_new_connection", counting_connect)
    monkeypatch.setattr(outage, "PROBE_INTERVAL_SECONDS", 3600)  # no probe due

    responses = [client.get(PAGE) for _ in range(3)]

    assert [r.status_code for r in responses] == [503, 503, 503]
    assert attempts == []


@outage_db
def test_pages_come_back_with_the_database(client, database_away):
    assert client.get(PAGE).status_code == 503

    database_away.back()

    assert client.get(PAGE).status_code == 200


@outage_db
def test_the_admin_is_a_503_too(client, database):
    editor = get_user_model().objects.create_superuser("ed", password="pw")
    client.force_login(editor)
    database.away()

    response = client.get(reverse("admin:index"))

    assert response.status_code == 503
    assert "Temporarily unavailable" in response.text


@outage_db
def test_an_error_page_that_needs_the_database_is_a_503_not_a_500(database_away):
    # The 404 page's footer counts need the database: the error is raised
    # outside the view, and the handler500 answers it.
    client = Client(raise_request_exception=False)

    response = client.get("/no-such-page/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)


@outage_db
def test_readyz_reports_the_database_away_then_back(client, database_away):
    away = client.get(reverse("ready"))
    database_away.back()
    back = client.get(reverse("ready"))

    assert away.status_code == 503
    assert away.json() == {
        "database": "unavailable",
        "reason": "cannot connect to the database",
    }
    assert away["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert back.status_code == 200
    assert back.json() == {"database": "ok"}


@outage_db
def test_readyz_is_never_served_from_the_page_cache(client, database):
    assert client.get(reverse("ready")).status_code == 200
    database.away()

    response = client.get(reverse("ready"))

    assert response.status_code == 503


@outage_db
def test_readyz_success_lets_pages_through_again(client, database_away):
    client.get(PAGE)
    database_away.back()
    assert client.get(reverse("ready")).status_code == 200

    assert outage.breaker.down_since is None
    assert client.get(PAGE).status_code == 200


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (psycopg.OperationalError("connection failed: Connection refused"), True),
        (errors.AdminShutdown("terminating connection"), True),
        (errors.CannotConnectNow("the database system is starting up"), True),
        (errors.TooManyConnections("too many clients"), True),
        (PoolTimeout("couldn't get a connection after 3.00 sec"), True),
        (errors.QueryCanceled("canceling statement due to timeout"), False),
        (errors.UniqueViolation("duplicate key"), False),
        (psycopg.InterfaceError("the cursor is closed"), False),
        (ValueError("not a database error"), False),
    ],
)
def test_is_unavailable_tells_a_missing_database_from_other_errors(exc, expected):
    # As Django raises them: its own class, psycopg's as the cause.
    wrapper = OperationalError if isinstance(exc, psycopg.OperationalError) else None
    if isinstance(exc, errors.UniqueViolation):
        wrapper = IntegrityError
    if wrapper is not None:
        wrapped = wrapper(str(exc))
        wrapped.__cause__ = exc
        exc = wrapped

    assert outage.is_unavailable(exc) is expected


# The pool as production configures it (settings/prod.py).


def _production_database(database_url):
    """settings.DATABASES["default"] under production settings."""
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "bri_tracker.settings.prod",
            "DJANGO_SECRET_KEY": "k" * 60,
            "DJANGO_ALLOWED_HOSTS": "example.org",
            "DATABASE_URL": database_url,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_pools_fail_fast_and_check_connections():
    database = _production_database("postgres://u@db.example.org/bri")

    assert database["CONN_HEALTH_CHECKS"] is True  # the pool's check, in 5.2
    assert database["OPTIONS"]["pool"]["timeout"] <= 5
    assert database["OPTIONS"]["pool"]["reconnect_timeout"] <= 5
    assert database["OPTIONS"]["connect_timeout"] <= 5


def _production_pool(alias, **overrides):
    """The pool Django builds from production's settings (one connection, so
    that a dead one is the one reused), to the test database."""
    production = _production_database("postgres://u@db.example.org/bri")
    options = {**production["OPTIONS"], "pool": {**production["OPTIONS"]["pool"]}}
    options["pool"].update(min_size=1, max_size=1)
    settings_dict = {
        **connection.settings_dict,
        "OPTIONS": options,
        "CONN_MAX_AGE": production["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": production["CONN_HEALTH_CHECKS"],
        **overrides,
    }
    wrapper = DatabaseWrapper(settings_dict, alias=alias)
    pool = wrapper.pool
    pool.open(wait=True)
    return wrapper, pool


def _backend_pid(pool):
    conn = pool.getconn()
    try:
        return conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    finally:
        pool.putconn(conn)


def _kill(pid):
    # As a restart does: the server ends the pooled connection's backend.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])


@pytest.mark.django_db
def test_the_production_pool_never_hands_out_a_connection_a_restart_killed():
    wrapper, pool = _production_pool("pool_check")
    try:
        killed = _backend_pid(pool)
        _kill(killed)

        assert _backend_pid(pool) != killed
    finally:
        wrapper.close_pool()


@pytest.mark.django_db
def test_without_the_check_the_pool_hands_out_the_dead_connection():
    # Production before issue 15: the check above is what makes the change.
    wrapper, pool = _production_pool("pool_no_check", CONN_HEALTH_CHECKS=False)
    try:
        _kill(_backend_pid(pool))

        with pytest.raises(psycopg.OperationalError):
            _backend_pid(pool)
    finally:
        wrapper.close_pool()
