"""Publish the next versioned release of the public dataset (issue 16)."""

from django.core.management.base import BaseCommand, CommandError

from opendata.releases import ReleaseExists, release_publish


class Command(BaseCommand):
    help = (
        "Write the next release (YYYY.MM.N) of the public dataset into "
        "DATA_RELEASES_ROOT: CSV and JSON Lines files, datapackage.json and "
        "CHANGES.md. A published release is never rewritten."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Write nothing: print what the release would hold.",
        )
        parser.add_argument("--note", default="", help="A note kept with it.")

    def handle(self, *args, dry_run, note, **options):
        try:
            published = release_publish(note=note, dry_run=dry_run)
        except ReleaseExists as exc:
            raise CommandError(str(exc)) from exc
        verb = "Would publish" if dry_run else "Published"
        self.stdout.write(
            f"{verb} release {published.version}: {len(published.files)} files, "
            f"{published.total_bytes:,} bytes."
        )
        for name, rows in published.counts.items():
            self.stdout.write(f"  {name}: {rows:,} rows")
        if dry_run:
            self.stdout.write("")
            self.stdout.write(published.changes)
