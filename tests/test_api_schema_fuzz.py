"""Property-based run of the API against its own OpenAPI schema
(schemathesis): every operation, requests generated from the schema's
parameters, the Django WSGI app called in-process on the test database
with a few rows of each kind (drafts among them). No answer may be a server
error, and every answer must be one the schema documents: its status code,
content type, headers and body.

Bounded and repeatable: MAX_EXAMPLES per operation, derandomized."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.api_rows import api_rows

MAX_EXAMPLES = 25
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]


# The schema, read through the app itself when the module is collected:
# drf-spectacular builds it without reading the database.
# (schemathesis.pytest.from_fixture would load it per test, but reads
# pytest's private Node._nodeid, which pytest 9 no longer has.)
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", get_wsgi_application()
)


@pytest.fixture(autouse=True)
def rows(db):
    """Rows of each kind to find. Django's WSGI handler closes the database
    connection after each request, which would end the test's transaction:
    not here, as in Django's own test client."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield api_rows()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_answers_as_its_schema_says(case):
    # Uncompressed: the in-process transport does not undo GZipMiddleware.
    case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})
