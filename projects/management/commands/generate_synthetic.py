from django.core.management.base import BaseCommand, CommandError

from projects.synthetic import load


class Command(BaseCommand):
    help = (
        "Add a synthetic data set for load tests: projects over countries, "
        "sectors and statuses, time series of figures with qualifiers and "
        "periods, their sources, milestones and agreements. Bulk-loaded "
        "(COPY on PostgreSQL) in one transaction. --clear removes it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--projects",
            type=int,
            default=None,
            help="default: 1000, or 0 with --clear",
        )
        parser.add_argument(
            "--observations", type=int, default=None, help="default: 20 per project"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--clear",
            action="store_true",
            help="remove the synthetic data first (alone: only remove it)",
        )

    def handle(self, *args, projects, observations, seed, clear, **options):
        self.verbosity = options["verbosity"]
        if projects is None:
            projects = 0 if clear else 1000
        if observations is None:
            observations = 20 * projects
        if projects < 0 or observations < 0:
            raise CommandError("--projects and --observations cannot be negative.")
        if observations and not projects:
            raise CommandError("Figures need projects: give --projects too.")
        try:
            self._load(projects, observations, seed, clear)
        except ValueError as error:
            raise CommandError(str(error)) from error

    def _load(self, projects, observations, seed, clear):
        if clear:
            deleted = load.clear()
            summary = ", ".join(f"{n:,} {name}" for name, n in deleted.items())
            self.stdout.write(f"Removed the synthetic data: {summary}.")
        elif projects and load.synthetic_exists():
            raise CommandError(
                "Synthetic data is already loaded; add --clear to replace it."
            )
        if not projects:
            return
        report = load.generate(
            projects=projects,
            observations=observations,
            seed=seed,
            progress=self._progress,
        )
        rows = ", ".join(f"{n:,} {name}" for name, n in report.rows.items())
        self.stdout.write(
            self.style.SUCCESS(f"Added {rows} in {report.seconds:.1f} s.")
        )

    def _progress(self, report):
        if self.verbosity > 1:
            self.stderr.write(
                f"  {report.rows['projects']:,} projects, "
                f"{report.rows['observations']:,} figures"
            )
