"""Production settings refuse to start without their secrets."""

import os
import subprocess
import sys

from django.conf import settings


def _check(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "bri_tracker.settings.prod",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


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
