"""A file cache whose writes do not slow down as it fills.

Django's FileBasedCache lists its whole directory on every ``set()`` to see
whether it is over ``MAX_ENTRIES``: 2.5 ms a write at 1,000 entries and
66-142 ms at 30,000-49,000 (issue 15). This one makes that check once every
``CULL_EVERY`` writes of a process (and on its first write), so a write
costs the same at any size; the directory can exceed ``MAX_ENTRIES`` by at
most ``CULL_EVERY`` entries per process between checks. Pages of old data
generations are unreachable anyway, so culling any of them loses nothing
that is still read. ``scripts/cache_bench.py`` measures both.

``add()`` is atomic across the processes sharing the directory (Django's
checks for the key and then writes it, so two workers could both "add" the
same key): the page cache's rebuild lock (bri_tracker/page_cache.py) and the
first data generation rely on it. It holds an exclusive ``flock`` on one
lock file in the directory while it checks and writes; adds are rare (a
page's first miss after an edit), so they may queue.
"""

import fcntl
import os
import threading

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 500
# Not a cache file (no .djcache suffix): never culled or cleared.
ADD_LOCK_FILE = "add.lock"


class FileCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        options = params.get("OPTIONS", {})
        self._cull_every = max(1, int(options.get("CULL_EVERY", CULL_EVERY)))
        self._writes_left = 1  # check on the first write of the process
        self._lock = threading.Lock()

    def _cull(self):
        with self._lock:
            self._writes_left -= 1
            due = self._writes_left <= 0
            if due:
                self._writes_left = self._cull_every
        if due:
            super()._cull()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Stores ``value`` only if ``key`` holds no live value; True if it
        did. One process or thread at a time per directory."""
        self._createdir()
        with open(os.path.join(self._dir, ADD_LOCK_FILE), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            return super().add(key, value, timeout, version)
