from django.utils.functional import SimpleLazyObject

from bri_tracker import data_generation
from projects.counts import site_counts


def data_counts(request):
    """Footer counts, queried only by templates that show them, and cached
    until the data changes."""
    return {
        "data_counts": SimpleLazyObject(
            lambda: data_generation.cached("site-counts", site_counts)
        )
    }
