from django.core.management.base import BaseCommand

from projects.ingest import decision_report


class Command(BaseCommand):
    help = "How editors decided on the extractor's proposals, metric by metric."

    def handle(self, *args, **options):
        rows = decision_report()
        if not rows:
            self.stdout.write("No decision recorded yet.")
            return
        self.stdout.write(
            f"{'metric':24} {'decided':>7} {'accepted':>8} {'rejected':>8} "
            f"{'edited':>6} {'accept %':>8} {'edit %':>6}"
        )
        for row in rows:
            self.stdout.write(
                f"{row['metric']:24} {row['total']:7} {row['accepted']:8} "
                f"{row['rejected']:8} {row['edited']:6} "
                f"{row['acceptance']:8.0%} {row['edit_rate']:6.0%}"
            )
