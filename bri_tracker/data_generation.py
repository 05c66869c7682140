"""One data generation for every cache derived from the data.

Everything the public site caches (whole pages, the dashboard's data and
body, the footer counts, list counts, filter choices) is stored under the
current *generation* token. A change to the data draws a new token once per
transaction, after it commits (``transaction.on_commit``), so every value
cached before it is ignored at once and left to expire.

Why after the commit: a visitor who rebuilds a cache while an editor's
transaction is still open reads the old rows. Had the token changed before
the commit, that stale value would be stored under the new token and served
until the next edit. Drawn after the commit, the new token is only ever read
by requests that start after it, and those see the committed rows; a value
built from older rows can only land under an older token.

Apps say which models feed the public site with ``watch()`` in their
``AppConfig.ready``; bulk loads that bypass model signals (COPY,
``bulk_create``, ``QuerySet.update``) call ``changed()`` themselves.
"""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from bri_tracker.cache_safety import safe_add, safe_get, safe_get_or_set, safe_set

GENERATION_KEY = "data:generation"
# The generation the current one replaced: pages stored under it are at most
# one edit old (bri_tracker/page_cache.py may serve them while one worker
# renders the page anew).
PREVIOUS_KEY = "data:generation:previous"
# A safety net only: a new generation makes cached values unreachable at once.
CACHE_SECONDS = 60 * 60
PENDING_ATTRIBUTE = "_data_generation_bump"
T = TypeVar("T")


def current() -> str | None:
    """The token every cached value is stored under; None when the cache
    cannot be read or written (bri_tracker/cache_safety.py): then nothing is
    cached, since a value stored under a made-up token could outlive an
    edit."""
    token = safe_get(GENERATION_KEY)
    if token is None:
        safe_add(GENERATION_KEY, uuid.uuid4().hex, None)
        token = safe_get(GENERATION_KEY)
    return token


def previous() -> str | None:
    """The generation the current one replaced, None if unknown (no edit
    since the cache was emptied, or the cache is broken)."""
    return safe_get(PREVIOUS_KEY)


def _new_generation() -> None:
    # Runs after the commit: a failure here must not turn the editor's saved
    # change into an error page. Pages cached under the old token can then be
    # served until they expire (PAGE_CACHE_SECONDS); cache_safety logs it.
    # Two edits committing at once may both record the same previous
    # generation: then one of them is not recorded as anyone's previous, and
    # pages stored under it are not served stale (they are re-rendered).
    old = safe_get(GENERATION_KEY)
    if old is not None:
        safe_set(PREVIOUS_KEY, old, None)
    safe_set(GENERATION_KEY, uuid.uuid4().hex, None)


class _Bump:
    """The on-commit callback of one transaction. It forgets itself when it
    runs, so the next transaction registers a new one."""

    def __init__(self, using: str):
        self.using = using

    def __call__(self) -> None:
        connection = connections[self.using]
        if getattr(connection, PENDING_ATTRIBUTE, None) is self:
            setattr(connection, PENDING_ATTRIBUTE, None)
        _new_generation()


def changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """The data changed: draw a new generation when the transaction commits
    (at once outside a transaction), once however many rows changed."""
    connection = connections[using]
    pending = getattr(connection, PENDING_ATTRIBUTE, None)
    # Still queued, unless a rollback discarded it.
    if pending is not None and any(
        callback is pending for _, callback, _ in connection.run_on_commit
    ):
        return
    bump = _Bump(using)
    setattr(connection, PENDING_ATTRIBUTE, bump)
    transaction.on_commit(bump, using=using)


def cached(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, cached until the data changes (computed every time
    while the cache is broken)."""
    token = current()
    if token is None:
        return compute()
    return safe_get_or_set(f"data:{token}:{name}", compute, CACHE_SECONDS)


def _on_signal(sender, using=DEFAULT_DB_ALIAS, raw=False, **kwargs):
    changed(using)


def watch(*models) -> None:
    """A save or delete of any of ``models`` (or a change to the many-to-many
    ``through`` tables among them) is a change to the public data."""
    for model in models:
        uid = f"data-generation-{model._meta.label}"
        if model._meta.auto_created:
            m2m_changed.connect(_on_signal, sender=model, dispatch_uid=uid)
            continue
        post_save.connect(_on_signal, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_signal, sender=model, dispatch_uid=uid)
