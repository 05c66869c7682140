from django.conf import settings
from django.core.management.base import BaseCommand

from bri_tracker.plotly_css import STYLESHEET, plotly_css


class Command(BaseCommand):
    help = (
        "Write static/vendor/plotly.css, plotly.js's style rules for the "
        "installed plotly (run it after upgrading plotly)."
    )

    def handle(self, *args, **options):
        path = settings.BASE_DIR / "static" / STYLESHEET
        path.write_text(plotly_css(), encoding="utf-8")
        self.stdout.write(f"Wrote {path.relative_to(settings.BASE_DIR)}")
