"""Publishing a release: every file of the dataset, its Frictionless
``datapackage.json`` and ``CHANGES.md``, written once and never again.

A release is written into a temporary directory beside its final place,
made read-only, then renamed into ``DATA_RELEASES_ROOT/<version>/`` in the
transaction that records it: a run that fails leaves neither files nor a
record, and a release that exists is never rewritten. The files are read in
one snapshot of the database (a repeatable-read transaction on PostgreSQL),
so that they agree with each other. Issue 16.
"""

import hashlib
import json
import os
import shutil
import stat
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from explorer.about import LICENCE_NAME, LICENCE_URL
from opendata import changes
from opendata.datasets import DATASETS, Dataset, chunks, row_count, schema
from opendata.models import Release

DATAPACKAGE = "datapackage.json"
CHANGES = "CHANGES.md"
TITLE = "BRI Tracker open data"
PUBLISHER = "BRI Tracker"
READ_ONLY_FILE = 0o444
READ_ONLY_DIR = 0o555
MEDIA_TYPES = {
    "csv": "text/csv",
    "jsonl": "application/jsonl",
    "json": "application/json",
    "md": "text/markdown",
}


class ReleaseExists(Exception):
    """The version is published already: releases are never rewritten."""


class WrittenFile(NamedTuple):
    name: str
    bytes: int
    sha256: str


class Published(NamedTuple):
    """What a run wrote (or, in a dry run, would write)."""

    version: str
    counts: dict[str, int]
    files: dict[str, WrittenFile]
    changes: str
    release: Release | None

    @property
    def total_bytes(self) -> int:
        return sum(f.bytes for f in self.files.values())


def next_version(now: datetime) -> str:
    """``YYYY.MM.N``: N counts this month's releases, from 0."""
    prefix = f"{now:%Y.%m}."
    numbers = [
        int(version.removeprefix(prefix))
        for version in Release.objects.of_month(prefix).values_list(
            "version", flat=True
        )
    ]
    return f"{prefix}{max(numbers, default=-1) + 1}"


def release_publish(
    *,
    note: str = "",
    dry_run: bool = False,
    now: datetime | None = None,
    root: Path | None = None,
    base: str | None = None,
) -> Published:
    """Write the next release of the public dataset and record it; with
    ``dry_run``, only say what it would hold. ``base`` is the site's address
    in permalinks (``SITE_URL``)."""
    now = now or timezone.now()
    root = Path(root or settings.DATA_RELEASES_ROOT)
    base = (base or settings.SITE_URL).rstrip("/")
    version = next_version(now)
    target = root / version
    if target.exists() or Release.objects.filter(version=version).exists():
        raise ReleaseExists(
            f"Release {version} exists already ({target}); "
            "a published release is never rewritten."
        )
    previous = Release.objects.newest_first().first()
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=root))
    try:
        files, counts = _write_data(work, base)
        text = changes.describe(
            version=version,
            previous=previous,
            previous_dir=root / previous.path if previous else None,
            new_dir=work,
            counts=counts,
        )
        files[CHANGES] = _write_text(work / CHANGES, text)
        package = _datapackage(version, now, note, files, base)
        files[DATAPACKAGE] = _write_text(
            work / DATAPACKAGE, json.dumps(package, indent=2, ensure_ascii=False)
        )
        if dry_run:
            return Published(version, counts, files, text, None)
        _make_read_only(work)
        with transaction.atomic():
            release = Release.objects.create(
                version=version,
                created_at=now,
                note=note,
                counts=counts,
                files={name: f._asdict() for name, f in files.items()},
                total_bytes=sum(f.bytes for f in files.values()),
                path=version,
                datapackage_sha256=files[DATAPACKAGE].sha256,
            )
            if target.exists():
                raise ReleaseExists(f"Release {version} appeared meanwhile.")
            os.rename(work, target)
        return Published(version, counts, files, text, release)
    finally:
        if work.exists():
            remove_tree(work)


def _write_data(work: Path, base: str):
    files, counts = {}, {}
    with _snapshot():
        for dataset in DATASETS:
            files[dataset.filename] = _write_chunks(
                work / dataset.filename, chunks(dataset, base=base)
            )
            counts[dataset.filename] = row_count(dataset)
    return files, counts


class _snapshot:
    """One consistent view of the data for every file: a repeatable-read
    transaction on PostgreSQL (unless one is open already, as in tests)."""

    def __enter__(self):
        self.atomic = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )

    def __exit__(self, *exc):
        if self.atomic is not None:
            return self.atomic.__exit__(*exc)
        return False


def _write_chunks(path: Path, pieces) -> WrittenFile:
    digest, size = hashlib.sha256(), 0
    with open(path, "wb") as out:
        for piece in pieces:
            data = piece if isinstance(piece, bytes) else piece.encode()
            out.write(data)
            digest.update(data)
            size += len(data)
        out.flush()
        os.fsync(out.fileno())
    return WrittenFile(path.name, size, digest.hexdigest())


def _write_text(path: Path, text: str) -> WrittenFile:
    return _write_chunks(path, [text if text.endswith("\n") else text + "\n"])


def _resource(dataset: Dataset, written: WrittenFile) -> dict:
    resource = {
        "name": dataset.slug
        if dataset.fmt == "csv"
        else f"{dataset.slug}-{dataset.fmt}",
        "path": written.name,
        "title": dataset.title,
        "description": dataset.description,
        "format": dataset.fmt,
        "mediatype": MEDIA_TYPES[dataset.fmt],
        "encoding": "utf-8",
        "bytes": written.bytes,
        "hash": f"sha256:{written.sha256}",
    }
    if dataset.fmt == "csv":
        resource |= {
            "profile": "tabular-data-resource",
            "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True},
            "schema": schema(dataset),
        }
    else:
        resource |= {"type": "file", "profile": "data-resource"}
    return resource


def _datapackage(version, now, note, files, base) -> dict:
    resources = [_resource(d, files[d.filename]) for d in DATASETS]
    resources.append(
        {
            "name": "changes",
            "path": CHANGES,
            "title": "Changes since the previous release",
            "format": "md",
            "mediatype": MEDIA_TYPES["md"],
            "encoding": "utf-8",
            "bytes": files[CHANGES].bytes,
            "hash": f"sha256:{files[CHANGES].sha256}",
            "type": "file",
            "profile": "data-resource",
        }
    )
    return {
        "profile": "data-package",
        "name": "bri-tracker",
        "id": f"{base}/data/releases/{version}/",
        "title": f"{TITLE}, release {version}",
        "description": note
        or "Belt and Road Initiative projects, partner agreements and sourced figures.",
        "version": version,
        "created": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "homepage": f"{base}/data/",
        "licenses": [{"name": "CC-BY-4.0", "path": LICENCE_URL, "title": LICENCE_NAME}],
        "sources": [{"title": PUBLISHER, "path": f"{base}/about/"}],
        "contributors": [{"title": PUBLISHER, "role": "publisher"}],
        "resources": resources,
    }


def _make_read_only(directory: Path) -> None:
    for path in directory.iterdir():
        path.chmod(READ_ONLY_FILE)
    directory.chmod(READ_ONLY_DIR)


def remove_tree(directory: Path) -> None:
    """Remove a directory this module made read-only."""
    directory.chmod(directory.stat().st_mode | stat.S_IWUSR | stat.S_IXUSR)
    shutil.rmtree(directory)


def release_files_dir(release: Release) -> Path:
    return Path(settings.DATA_RELEASES_ROOT) / release.path
