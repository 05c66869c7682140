"""The production file cache (bri_tracker/cache_backends.py) lists its
directory only every CULL_EVERY writes, and still culls when it is full."""

import json
import os
import subprocess
import sys

from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache

from bri_tracker.cache_backends import FileCache


def _cache(tmp_path, **options):
    return FileCache(str(tmp_path), {"OPTIONS": options})


def _files(tmp_path):
    return len(list(tmp_path.glob(f"*{FileBasedCache.cache_suffix}")))


def test_the_directory_is_listed_once_per_cull_every_writes(tmp_path, monkeypatch):
    cache = _cache(tmp_path, MAX_ENTRIES=1000, CULL_EVERY=10)
    listings = []
    real = FileBasedCache._list_cache_files
    monkeypatch.setattr(
        FileBasedCache,
        "_list_cache_files",
        lambda self: listings.append(1) or real(self),
    )

    for n in range(31):
        cache.set(f"key{n}", n)

    # The first write of the process, then every tenth.
    assert len(listings) == 4
    assert [cache.get(f"key{n}") for n in (0, 30)] == [0, 30]


def test_a_full_cache_is_culled_at_its_next_check(tmp_path):
    cache = _cache(tmp_path, MAX_ENTRIES=20, CULL_EVERY=10, CULL_FREQUENCY=2)

    for n in range(40):
        cache.set(f"key{n}", n)

    assert _files(tmp_path) < 40
    assert _files(tmp_path) <= 20 + 10
    assert cache.get("key39") == 39


def test_values_round_trip_like_djangos_file_cache(tmp_path):
    cache = _cache(tmp_path)
    cache.set("page", (b"<html>", [("ETag", '"x"')]), 60)
    assert cache.add("page", "other") is False
    assert cache.get("page") == (b"<html>", [("ETag", '"x"')])
    cache.delete("page")
    assert cache.get("page") is None


def _production_cache(cache_url=None):
    """The default cache production settings choose, read in a new process."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k != "CACHE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bri_tracker.settings.prod",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    if cache_url:
        env["CACHE_URL"] = cache_url
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.CACHES['default']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_uses_redis_when_cache_url_says_so_and_this_file_cache_otherwise():
    assert _production_cache()["BACKEND"] == "bri_tracker.cache_backends.FileCache"
    assert _production_cache("filecache:///tmp/pages")["BACKEND"] == (
        "bri_tracker.cache_backends.FileCache"
    )
    assert _production_cache("redis://127.0.0.1:6379/0")["BACKEND"] == (
        "django.core.cache.backends.redis.RedisCache"
    )
