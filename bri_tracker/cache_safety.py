"""Cache calls that fail soft: a broken cache means no cache, not a 500.

The page cache (bri_tracker/page_cache.py) and the data generation
(bri_tracker/data_generation.py) read and write Django's default cache
through these functions. When the backend raises (an unwritable file-cache
directory, a full disk, Redis down or refusing connections), a read is a
miss, a write is skipped and the page is rendered from the database as if
nothing were cached. Each kind of failure is logged once per
``LOG_INTERVAL_SECONDS`` with how many were left out since, so that a dead
cache does not write a traceback per request (issue 15).

Only the cache call is guarded: an exception from ``compute()`` in
``safe_get_or_set`` (a database error, say) is the caller's.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

logger = logging.getLogger(__name__)

LOG_INTERVAL_SECONDS = 60.0
T = TypeVar("T")


class Throttle:
    """Says whether a message of a given kind may be logged now: at most
    once per ``interval`` seconds per kind, per process."""

    def __init__(self, interval: float):
        self.interval = interval
        self._lock = threading.Lock()
        self._last = {}  # kind -> (monotonic time logged, left out since)

    def allow(self, kind: str) -> int | None:
        """None: keep quiet; otherwise the number left out since the last."""
        now = time.monotonic()
        with self._lock:
            logged, left_out = self._last.get(kind, (None, 0))
            if logged is not None and now - logged < self.interval:
                self._last[kind] = (logged, left_out + 1)
                return None
            self._last[kind] = (now, 0)
            return left_out

    def reset(self) -> None:
        with self._lock:
            self._last.clear()


throttle = Throttle(LOG_INTERVAL_SECONDS)
_MISSING = object()


def _failed(operation: str, key: str, exc: Exception) -> None:
    left_out = throttle.allow(operation)
    if left_out is None:
        return
    logger.warning(
        "cache %s failed for %r, served without the cache (%s more failures "
        "left out of this log in the last %.0f s)",
        operation,
        key,
        left_out,
        throttle.interval,
        exc_info=exc,
    )


def safe_get(key: str, default: Any = None) -> Any:
    try:
        return cache.get(key, default)
    except Exception as exc:
        _failed("get", key, exc)
        return default


def safe_set(key: str, value: Any, timeout: float | None) -> bool:
    """True if stored."""
    try:
        cache.set(key, value, timeout)
    except Exception as exc:
        _failed("set", key, exc)
        return False
    return True


def safe_add(key: str, value: Any, timeout: float | None) -> bool:
    """True if stored (False also when the key was already there)."""
    try:
        return cache.add(key, value, timeout)
    except Exception as exc:
        _failed("add", key, exc)
        return False


def safe_delete(key: str) -> bool:
    """True if the key was there and is gone."""
    try:
        return bool(cache.delete(key))
    except Exception as exc:
        _failed("delete", key, exc)
        return False


def safe_get_or_set(key: str, compute: Callable[[], T], timeout: float | None) -> T:
    """The cached value, or ``compute()``'s, stored if the cache allows."""
    value = safe_get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        safe_add(key, value, timeout)
    return value
