"""How to cite a release: a reference line and a BibTeX entry (issue 16)."""

from datetime import date
from typing import NamedTuple

from opendata.models import Release
from opendata.releases import PUBLISHER, TITLE


class ReleaseCitation(NamedTuple):
    text: str
    bibtex: str


def release_citation(release: Release, url: str, *, accessed: date) -> ReleaseCitation:
    year = release.created_at.year
    text = (
        f"{PUBLISHER} ({year}). {TITLE}, release {release.version} [Data set]. "
        f"{url}. Accessed {accessed:%d %B %Y}."
    )
    key = "britracker" + release.version.replace(".", "_")
    bibtex = "\n".join(
        [
            f"@misc{{{key},",
            f"  author = {{{{{PUBLISHER}}}}},",
            f"  title = {{{{{TITLE}}}}},",
            f"  version = {{{release.version}}},",
            f"  year = {{{year}}},",
            f"  month = {{{release.created_at:%b}}},".lower(),
            "  howpublished = {Data set},",
            f"  url = {{{url}}},",
            f"  urldate = {{{accessed:%Y-%m-%d}}},",
            "  note = {Licensed under CC BY 4.0}",
            "}",
        ]
    )
    return ReleaseCitation(text, bibtex)
