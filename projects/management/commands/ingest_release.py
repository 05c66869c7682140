from django.core.management.base import BaseCommand, CommandError

from projects.ingest import release_ingest
from projects.management.commands.extract_figures import parse_day, read_release
from sources.language import no_figures_reason


class Command(BaseCommand):
    help = "Store a press release (a text or HTML file) and its proposed figures."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--publisher", default="")
        parser.add_argument("--title", default="")
        parser.add_argument("--published-on", type=parse_day)
        parser.add_argument("--url", default="")

    def handle(self, *args, path, publisher, title, published_on, url, **options):
        try:
            source, created, candidates = release_ingest(
                raw=read_release(path),
                title=title,
                publisher=publisher,
                published_on=published_on,
                url=url,
            )
        except ValueError as error:
            raise CommandError(f"{path}: {error}") from error
        if not created:
            self.stdout.write(f"Already stored as source #{source.pk}: {source}")
            return
        self.stdout.write(
            f"Stored source #{source.pk}: {source} "
            f"({len(candidates)} proposed figures to review)"
        )
        if source.duplicate_of is not None:
            self.stdout.write(
                f"A copy of source #{source.duplicate_of_id}: its proposals are "
                "marked as already recorded from the original."
            )
        elif not candidates:
            self.stdout.write(no_figures_reason(source.text))
        for candidate in candidates:
            self.stdout.write(f"  {candidate.metric.key}: {candidate.quote}")
