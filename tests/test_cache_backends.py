"""The production file cache (bri_tracker/cache_backends.py) lists its
directory only every CULL_EVERY writes, and still culls when it is full."""

from django.core.cache.backends.filebased import FileBasedCache

from bri_tracker.cache_backends import FileCache


def _cache(tmp_path, **options):
    return FileCache(str(tmp_path), {"OPTIONS": options})


def _files(tmp_path):
    return len(list(tmp_path.glob(f"*{FileBasedCache.cache_suffix}")))


def test_the_directory_is_listed_once_per_cull_every_writes(tmp_path, monkeypatch):
    cache = _cache(tmp_path, MAX_ENTRIES=1000, CULL_EVERY=10)
    listings = []
    real = FileBasedCache._list_cache_files
    monkeypatch.setattr(
        FileBasedCache,
        "_list_cache_files",
        lambda self: listings.append(1) or real(self),
    )

    for n in range(31):
        cache.set(f"key{n}", n)

    # The first write of the process, then every tenth.
    assert len(listings) == 4
    assert [cache.get(f"key{n}") for n in (0, 30)] == [0, 30]


def test_a_full_cache_is_culled_at_its_next_check(tmp_path):
    cache = _cache(tmp_path, MAX_ENTRIES=20, CULL_EVERY=10, CULL_FREQUENCY=2)

    for n in range(40):
        cache.set(f"key{n}", n)

    assert _files(tmp_path) < 40
    assert _files(tmp_path) <= 20 + 10
    assert cache.get("key39") == 39


def test_values_round_trip_like_djangos_file_cache(tmp_path):
    cache = _cache(tmp_path)
    cache.set("page", (b"<html>", [("ETag", '"x"')]), 60)
    assert cache.add("page", "other") is False
    assert cache.get("page") == (b"<html>", [("ETag", '"x"')])
    cache.delete("page")
    assert cache.get("page") is None
