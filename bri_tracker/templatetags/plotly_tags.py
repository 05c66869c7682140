from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from bri_tracker.plotly_css import MAPLIBRE_STYLESHEET, STYLESHEET, maplibre_style_id

register = template.Library()


@register.simple_tag
def plotly_styles():
    """Plotly's stylesheets, under the ids that keep plotly.js from adding
    them as inline <style> elements (bri_tracker/plotly_css.py). Before
    plotly.min.js, which looks for them as it loads."""
    return format_html(
        '<link id="plotly.js-style-global" class="no-inline-styles" '
        'rel="stylesheet" href="{}">\n<link id="{}" rel="stylesheet" href="{}">',
        static(STYLESHEET),
        maplibre_style_id(),
        static(MAPLIBRE_STYLESHEET),
    )
