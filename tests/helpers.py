from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


def query_count(client, url):
    """Queries one cold request to ``url`` runs (caches emptied first)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)
