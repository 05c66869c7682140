"""Propose the figures a press-release text file states.

python manage.py extract_figures PATH [--published-on YYYY-MM-DD]
                                      [--format json|table]
"""

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from sources.extraction import extract_figures, reference_date
from sources.ingestion import MAX_BYTES, IngestError, decode_upload
from sources.language import no_figures_reason
from sources.text import repair_text


def read_release(path):
    """The repaired text of a release file, or CommandError saying why not."""
    path = Path(path)
    if path.is_dir():
        raise CommandError(f"{path}: is a directory; give the release's file.")
    if not path.is_file():
        raise CommandError(f"{path}: no such file.")
    if path.stat().st_size > MAX_BYTES:
        raise CommandError(f"{path}: over the 2 MB limit for a press release.")
    try:
        text = repair_text(decode_upload(path.read_bytes()))
    except IngestError as error:
        raise CommandError(f"{path}: {error}") from error
    if not text.strip():
        raise CommandError(f"{path}: the file is empty.")
    return text


def parse_day(value):
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--published-on: {value!r} is not YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = "Print the figures the extractor finds in a press-release text file."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--published-on", default=None, help="YYYY-MM-DD")
        parser.add_argument("--format", choices=("json", "table"), default="table")

    def handle(self, *args, path, published_on, format, **options):
        published = parse_day(published_on) if published_on else None
        text = read_release(path)
        figures = extract_figures(
            text, published_on=published, projects=self._projects()
        )
        rows = [figure.to_json() for figure in figures]
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            if not rows:
                # Why, on stderr: stdout stays JSON (an empty list).
                self.stderr.write(no_figures_reason(text))
            return
        if not rows:
            self.stdout.write(no_figures_reason(text))
            return
        self.stdout.write(self._reference(text, published))
        self._table(rows)

    @staticmethod
    def _reference(text, published):
        """What relative dates ("on Monday", "last month") count from."""
        reference = reference_date(text, published)
        if reference.day is None:
            return (
                "Relative dates left empty: no --published-on, and the text has no "
                "dated dateline or date line."
            )
        return f"Relative dates count from {reference.day}: {reference.basis.label}."

    def _projects(self):
        from projects.models import Project

        try:
            return list(Project.objects.values_list("name", "aliases"))
        except DatabaseError as error:
            self.stderr.write(f"No project matching: database unavailable ({error}).")
            return []

    def _table(self, rows):
        columns = (
            "metric",
            "value",
            "qualifier",
            "as_of",
            "as_of_basis",
            "period",
            "change_percent",
        )
        header = [*columns, "project", "conf"]
        lines = [
            [
                *(str(row[c]) if row[c] is not None else "-" for c in columns),
                row["project"] or "-",
                f"{row['confidence']:.2f}",
            ]
            for row in rows
        ]
        widths = [
            max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)
        ]
        self.stdout.write(
            "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
        )
        for row, line in zip(rows, lines, strict=True):
            self.stdout.write(
                "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True))
            )
            self.stdout.write(f"    \u201c{row['quote']}\u201d")
        self.stdout.write(f"{len(rows)} figure(s).")
