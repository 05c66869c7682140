"""A broken cache backend degrades to rendering every page, not to a 500
(bri_tracker/cache_safety.py)."""

import logging

import pytest
from django.core.cache.backends.base import BaseCache
from django.urls import reverse

from bri_tracker import cache_safety, data_generation
from tests.factories import ProjectFactory
from tests.helpers import committed

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("home"),
    reverse("projects:list"),
    reverse("countries:list"),
    reverse("about:about"),
]


class BrokenCache(BaseCache):
    """A cache whose server is gone: every call raises, as redis-py does."""

    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to cache:6379. Connection refused.")

    get = set = add = delete = touch = has_key = get_many = set_many = _fail
    get_or_set = incr = decr = delete_many = _fail

    def clear(self):
        pass


@pytest.fixture(autouse=True)
def _fresh_log_throttle():
    cache_safety.throttle.reset()


@pytest.fixture
def broken_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "tests.test_cache_safety.BrokenCache"},
    }


@pytest.fixture
def unwritable_file_cache(settings, tmp_path):
    # Under a regular file, the directory can be neither made nor written,
    # also for root (whom a read-only mode would not stop).
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(blocker / "cache"),
        },
    }


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_when_the_cache_backend_raises(client, broken_cache, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_when_the_file_cache_directory_is_unwritable(
    client, unwritable_file_cache, path
):
    assert client.get(path).status_code == 200


def test_a_page_shows_current_data_with_the_cache_broken(client, broken_cache):
    assert "Mombasa" not in client.get(reverse("projects:list")).text

    ProjectFactory(name="Mombasa-Nairobi Standard Gauge Railway")

    assert "Mombasa" in client.get(reverse("projects:list")).text


def test_a_broken_cache_is_logged_once_per_interval(client, broken_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="bri_tracker.cache_safety"):
        for _ in range(3):
            client.get(reverse("projects:list"))

    gets = [r for r in caplog.records if r.getMessage().startswith("cache get")]
    assert len(gets) == 1
    assert "ConnectionError" in caplog.text  # the traceback is kept


def test_saving_data_with_the_cache_broken_is_not_an_error(broken_cache):
    # The new data generation is drawn after the commit: a failing cache
    # must not turn a saved edit into an error.
    with committed():
        ProjectFactory()


def test_cached_values_are_computed_every_time_with_the_cache_broken(broken_cache):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert data_generation.current() is None
    assert data_generation.cached("test-value", compute) == 1
    assert data_generation.cached("test-value", compute) == 2


def test_an_error_computing_a_value_is_not_mistaken_for_a_cache_error():
    def compute():
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        cache_safety.safe_get_or_set("key", compute, 60)
