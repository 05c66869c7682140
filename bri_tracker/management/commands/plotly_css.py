from django.conf import settings
from django.core.management.base import BaseCommand

from bri_tracker.plotly_css import (
    MAPLIBRE_STYLESHEET,
    STYLESHEET,
    maplibre_style,
    plotly_css,
)


class Command(BaseCommand):
    help = (
        "Write static/vendor/plotly.css and maplibre.css, the style rules "
        "plotly.js would insert inline, for the installed plotly (run it "
        "after upgrading plotly)."
    )

    def handle(self, *args, **options):
        for name, css in (
            (STYLESHEET, plotly_css()),
            (MAPLIBRE_STYLESHEET, maplibre_style()[1]),
        ):
            path = settings.BASE_DIR / "static" / name
            path.write_text(css, encoding="utf-8")
            self.stdout.write(f"Wrote {path.relative_to(settings.BASE_DIR)}")
