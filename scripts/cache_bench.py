"""Milliseconds per cache set and get as a cache fills (issue 15).

    .venv/bin/python scripts/cache_bench.py [--sizes 1000 10000 50000]

Candidates: Django's FileBasedCache (lists its directory on every set),
bri_tracker.cache_backends.FileCache (checks the size every 500 writes), and
LocMemCache (one per process, for comparison). Each is filled to every size
in turn with page-sized values, then timed over ``--samples`` new keys (sets)
and existing keys (gets). The file caches run in a temporary directory on the
same disk as /tmp. Redis (``CACHE_URL=redis://...``) is not measured here: it
keeps entries in memory with O(1) sets at any size.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

PAGE = os.urandom(6_000)  # about one compressed page


def candidates(directory):
    big = 10**9  # no culling while filling: only the listing is measured
    return {
        "django FileBasedCache": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(directory / "django"),
            "OPTIONS": {"MAX_ENTRIES": big},
        },
        "bri_tracker FileCache": {
            "BACKEND": "bri_tracker.cache_backends.FileCache",
            "LOCATION": str(directory / "ours"),
            "OPTIONS": {"MAX_ENTRIES": big},
        },
        "LocMemCache (per process)": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "bench",
            "OPTIONS": {"MAX_ENTRIES": big},
        },
    }


def fill(backend, start, stop):
    # Filled through the fast backend where the slow one would take minutes:
    # the files are the same.
    for n in range(start, stop):
        backend.set(f"fill:{n}", PAGE, None)


def say(text):
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


def timed(function, keys):
    started = time.perf_counter()
    for key in keys:
        function(key)
    return (time.perf_counter() - started) * 1000 / len(keys)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        configs = candidates(Path(tmp))
        settings.configure(CACHES={"default": configs["LocMemCache (per process)"]})
        django.setup()
        from django.core.cache import caches

        settings.CACHES.update(configs)
        say(f"{'backend':28} {'entries':>8} {'set ms':>8} {'get ms':>8}")
        fast = caches["bri_tracker FileCache"]
        filled = 0
        for size in sorted(args.sizes):
            fill(fast, filled, size)
            filled = size
            for name in configs:
                backend = caches[name]
                if name.startswith("django"):
                    # The same files: Django's cache lists the fast one's.
                    backend._dir = fast._dir
                elif name.startswith("LocMem"):
                    fill(backend, len(backend._cache), size)
                new = [f"new:{size}:{n}" for n in range(args.samples)]
                set_ms = timed(lambda key, b=backend: b.set(key, PAGE, 300), new)
                old = [f"fill:{random.randrange(size)}" for _ in range(args.samples)]
                get_ms = timed(lambda key, b=backend: b.get(key), old)
                for key in new:
                    backend.delete(key)
                say(f"{name:28} {size:>8} {set_ms:>8.3f} {get_ms:>8.3f}")


if __name__ == "__main__":
    main()
