"""Read replicas by configuration: anonymous reads go to a replica, editors
and writes to the primary."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from bri_tracker import db_routing
from bri_tracker.db_routing import ReadReplicaMiddleware, ReplicaRouter
from projects.models import Project


@pytest.fixture
def one_replica(monkeypatch):
    # As settings/base.py configures it from DATABASE_REPLICA_URLS.
    monkeypatch.setattr(db_routing, "replicas", lambda: ["replica_1"])


def _read_alias(request):
    """The database the router reads Project from during ``request``."""
    seen = {}

    def view(request):
        seen["read"] = ReplicaRouter().db_for_read(Project)
        seen["write"] = ReplicaRouter().db_for_write(Project)
        return HttpResponse("ok")

    ReadReplicaMiddleware(view)(request)
    return seen


def test_anonymous_reads_go_to_a_replica_and_writes_to_the_primary(one_replica):
    seen = _read_alias(RequestFactory().get("/projects/"))

    assert seen == {"read": "replica_1", "write": "default"}


def test_editors_and_posts_read_from_the_primary(one_replica):
    editor = RequestFactory().get("/projects/")
    editor.COOKIES["sessionid"] = "abc"
    post = RequestFactory().post("/admin/projects/project/add/")

    assert _read_alias(editor)["read"] == "default"
    assert _read_alias(post)["read"] == "default"


def test_outside_requests_everything_uses_the_primary(one_replica):
    _read_alias(RequestFactory().get("/"))  # a request before leaves no trace

    assert ReplicaRouter().db_for_read(Project) == "default"


def test_without_replicas_reads_use_the_primary():
    assert _read_alias(RequestFactory().get("/"))["read"] == "default"


def test_only_the_primary_is_migrated():
    router = ReplicaRouter()

    assert router.allow_migrate("default", "projects")
    assert not router.allow_migrate("replica_1", "projects")
