from django.core.cache import cache
from django.db.models import Count, Sum
from django.utils.functional import SimpleLazyObject

# Deleted with the dashboard whenever the data changes (projects/signals.py).
COUNTS_CACHE_KEY = "site:counts"


def _counts():
    # Imported here: context processors load before the app registry is ready.
    from countries.models import PartnerAgreement
    from projects.models import Observation, Project
    from sources.models import Source

    # Published figures: the projects' stored counts, plus initiative-wide
    # figures (a small set), rather than a count of every figure row.
    projects = Project.objects.aggregate(n=Count("pk"), figures=Sum("figure_count"))
    wide = Observation.objects.published().initiative_wide().count()
    return {
        "projects": projects["n"],
        "figures": (projects["figures"] or 0) + wide,
        "sources": Source.objects.count(),
        "agreements": PartnerAgreement.objects.count(),
    }


def data_counts(request):
    """Footer counts, queried only by templates that show them."""
    return {
        "data_counts": SimpleLazyObject(
            lambda: cache.get_or_set(COUNTS_CACHE_KEY, _counts, 60 * 60)
        )
    }
