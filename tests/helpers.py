from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from bri_tracker import data_generation


def query_count(client, url):
    """Queries one cold request to ``url`` runs (caches emptied first)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@contextmanager
def committed():
    """A block whose on-commit callbacks run when it ends, as after a real
    commit: tests run inside a transaction that never commits, and the data
    generation is renewed on commit (bri_tracker/data_generation.py). The
    renewal queued by the test's earlier, never committed, writes is
    forgotten, so that the block's own writes queue one."""
    setattr(connection, data_generation.PENDING_ATTRIBUTE, None)
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield
