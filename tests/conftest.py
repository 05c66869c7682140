import importlib
import os
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from projects.seeding import seed_all

# Playwright's sync API runs an event loop in the test thread; without this
# the ORM calls in browser tests raise SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
OFFLINE_PROBLEMS = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # `playwright install` cannot download here: use the system Chromium.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # A live_server test flushes every table when it ends, the metrics of the
    # data migration included, and pytest-playwright's browser_name parameter
    # defeats pytest-django's transactional-last ordering: run them last.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def _empty_cache():
    # The dashboard and the footer counts are cached; each test starts cold.
    cache.clear()


def _transactional(request):
    marker = request.node.get_closest_marker("django_db")
    return (
        "live_server" in request.fixturenames
        or "transactional_db" in request.fixturenames
        or (marker is not None and marker.kwargs.get("transaction", False))
    )


@pytest.fixture(autouse=True)
def _metrics_after_flush(request):
    # A previous transactional test's flush deleted them; put them back.
    if _transactional(request):
        request.getfixturevalue("transactional_db")
        migration = importlib.import_module("projects.migrations.0002_metrics")
        migration.create_metrics(apps, None)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before any fixture runs, so the reason is not a browser launch error.
    if item.get_closest_marker("browser") and not os.access(CHROMIUM, os.X_OK):
        reason = f"Chromium not found at {CHROMIUM} (set CHROMIUM_PATH)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1: {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture
def offline_page(request, page):
    """A Playwright page that fails the test on any non-loopback request
    (a CDN link, say) and on JavaScript or console errors."""
    left_host, errors = [], []
    request.node.stash[OFFLINE_PROBLEMS] = {
        "Requests left 127.0.0.1": left_host,
        "Browser console errors": errors,
    }

    def handle(route):
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or url.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            left_host.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    # Checked here rather than in fixture teardown so that the test is
    # reported as failed, not as "passed" plus a teardown error.
    result = yield
    for problem, found in item.stash.get(OFFLINE_PROBLEMS, {}).items():
        if found:
            pytest.fail(f"{problem}: {found}", pytrace=False)
    return result


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The seed data, loaded once per test module inside a transaction that
    is rolled back after it; its value is the seed's report."""
    with django_db_blocker.unblock(), transaction.atomic():
        report = seed_all(fixtures_dir=settings.BASE_DIR / "fixtures")
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def seeded_live(transactional_db):
    """The seed data, committed, for a live server's thread to read; the
    flush after the test removes it."""
    seed_all(fixtures_dir=settings.BASE_DIR / "fixtures")
