"""Reads from PostgreSQL replicas, writes to the primary.

Active when ``DATABASE_REPLICA_URLS`` lists replicas (settings/base.py adds
them as ``replica_1``, ``replica_2``, ...). Anonymous readers' queries go to
a replica picked at random per request. Editors, and any request that is not
a GET or HEAD, stay on the primary for the whole request, so that an editor
always reads what they have just saved (replicas lag behind by a moment).
Code outside requests (commands, the shell) uses the primary.
"""

import random
from contextvars import ContextVar

from django.conf import settings

# The database this request reads from; None: the primary.
_read_from = ContextVar("read_from", default=None)


def replicas():
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return _read_from.get() or "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReadReplicaMiddleware:
    """Chooses where this request reads from (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        choices = replicas()
        editor = settings.SESSION_COOKIE_NAME in request.COOKIES
        alias = None
        if choices and request.method in ("GET", "HEAD") and not editor:
            alias = random.choice(choices)
        token = _read_from.set(alias)
        try:
            return self.get_response(request)
        finally:
            _read_from.reset(token)
