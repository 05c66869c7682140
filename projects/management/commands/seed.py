from pathlib import Path

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError

from projects.seeding import seed_all


class Command(BaseCommand):
    help = (
        "Load the seed data of fixtures/ (countries, projects, press releases, "
        "facts). Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures", type=Path, default=Path(settings.BASE_DIR) / "fixtures"
        )

    def handle(self, *args, fixtures, **options):
        try:
            report = seed_all(fixtures_dir=fixtures)
        except (ValidationError, ObjectDoesNotExist, ValueError, LookupError) as error:
            raise CommandError(f"Seed refused, nothing written: {error}") from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Seed complete: {report.changed} rows written.")
        )
