from django.utils.functional import SimpleLazyObject

from projects.counts import cached_site_counts


def data_counts(request):
    """Footer counts, queried only by templates that show them, and cached
    until the data changes."""
    return {"data_counts": SimpleLazyObject(cached_site_counts)}
