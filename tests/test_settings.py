"""Production settings refuse to start without their secrets."""

import json
import os
import subprocess
import sys

from django.conf import settings


def _run(args, env, settings_module="bri_tracker.settings.prod", timeout=60):
    """``python *args`` in a fresh process, with only the DJANGO_ variables
    given here (the test run's own are left out)."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": settings_module,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _check(env):
    return _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)


def test_prod_settings_refuse_to_start_without_a_secret_key():
    result = _check({"DJANGO_ALLOWED_HOSTS": "example.org"})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_prod_settings_pass_the_deploy_checks():
    result = _check(
        {
            "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-test-key-" + "y" * 20,
            "DJANGO_ALLOWED_HOSTS": "example.org",
        }
    )

    assert result.returncode == 0, result.stderr


def _settings_of(env, expression):
    """``expression`` evaluated in a fresh process with production settings."""
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({expression}))"
    )
    result = _run(
        ["-c", code],
        {"DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "example.org", **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_pools_postgresql_connections():
    databases = _settings_of(
        {"DATABASE_URL": "postgres://u@db.example.org/bri"}, "settings.DATABASES"
    )

    default = databases["default"]
    assert default["OPTIONS"]["pool"]["max_size"] == 8
    assert default["CONN_MAX_AGE"] == 0  # Django's pool requires it


def test_replica_urls_add_replicas_and_the_router():
    found = _settings_of(
        {
            "DATABASE_URL": "postgres://u@primary.example.org/bri",
            "DATABASE_REPLICA_URLS": "postgres://u@r1.example.org/bri,"
            "postgres://u@r2.example.org/bri",
        },
        "[sorted(settings.DATABASES), settings.DATABASE_ROUTERS,"
        " settings.DATABASES['replica_2']['HOST']]",
    )

    assert found == [
        ["default", "replica_1", "replica_2"],
        ["bri_tracker.db_routing.ReplicaRouter"],
        "r2.example.org",
    ]


def test_the_migrations_run_on_sqlite_for_make_run(tmp_path):
    # `make run` uses SQLite by default: PostgreSQL-only indexes and triggers
    # must be skipped there, not fail.
    result = _run(
        ["manage.py", "migrate", "--no-input"],
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}"},
        settings_module="bri_tracker.settings.dev",
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-3000:]
