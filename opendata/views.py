"""/data/: the bulk downloads of the whole public dataset, and its
versioned releases with their files (issue 16)."""

from pathlib import Path
from typing import NamedTuple

from django.http import FileResponse, Http404, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from bri_tracker import data_generation
from bri_tracker.exports import download
from explorer.about import LICENCE_NAME, LICENCE_URL
from explorer.exports import site_url
from opendata import datasets
from opendata.citation import release_citation
from opendata.models import Release
from opendata.releases import MEDIA_TYPES, release_files_dir

# A release's files never change: a year is the longest HTTP caches keep.
IMMUTABLE = "public, max-age=31536000, immutable"
CHARSET = {"csv", "jsonl", "md"}


class ReleaseFileRow(NamedTuple):
    name: str
    rows: int | None
    bytes: int
    sha256: str


def _row_counts() -> dict[str, int]:
    return {d.filename: datasets.row_count(d) for d in datasets.DATASETS}


def data_index(request):
    counts = data_generation.cached("opendata:row-counts", _row_counts)
    files = [
        {
            "dataset": dataset,
            "rows": counts[dataset.filename],
            "columns": [
                (column.name, datasets.describe(dataset.slug, column.name))
                for column in dataset.columns("")
            ],
        }
        for dataset in datasets.DATASETS
    ]
    releases = list(Release.objects.newest_first())
    return render(
        request,
        "opendata/data_index.html",
        {
            "files": files,
            "releases": releases,
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
        },
    )


def bulk_download(request, filename):
    dataset = datasets.BY_FILENAME.get(filename)
    if dataset is None:
        raise Http404("No such download: see /data/ for the list.")
    chunks = datasets.chunks(dataset, base=site_url(request))
    return download(chunks, fmt=dataset.fmt, filename=f"bri-{dataset.slug}")


def release_detail(request, version):
    release = get_object_or_404(Release, version=version)
    url = request.build_absolute_uri(reverse("opendata:release", args=[version]))
    changes_path = release_files_dir(release) / "CHANGES.md"
    changes = changes_path.read_text("utf-8") if changes_path.exists() else ""
    return render(
        request,
        "opendata/release_detail.html",
        {
            "release": release,
            "files": [
                ReleaseFileRow(name, release.counts.get(name), f["bytes"], f["sha256"])
                for name, f in sorted(release.files.items())
            ],
            "changes": changes,
            "citation": release_citation(release, url, accessed=timezone.localdate()),
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
        },
    )


def release_file(request, version, filename):
    release = get_object_or_404(Release, version=version)
    # Only the names the release recorded: nothing else under its directory,
    # and no path (issue 16).
    recorded = release.files.get(filename)
    if recorded is None:
        raise Http404("This release has no such file.")
    path = release_files_dir(release) / Path(filename).name
    etag = f'"{recorded["sha256"]}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        if not path.is_file():
            raise Http404("This release's file is missing.")
        response = FileResponse(
            open(path, "rb"),  # FileResponse closes it
            as_attachment=True,
            filename=filename,
            content_type=_content_type(filename),
        )
    response["ETag"] = etag
    response["Cache-Control"] = IMMUTABLE
    return response


def _content_type(filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1]
    media = MEDIA_TYPES.get(extension, "application/octet-stream")
    return f"{media}; charset=utf-8" if extension in CHARSET else media
