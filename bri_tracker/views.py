from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from bri_tracker import outage


@outage.database_free
def health(request):
    """A trivial page: no database, no template, no session.

    For load balancers (the process is alive; see ``ready``), and the floor
    that benchmarks compare pages against (``scripts/bench.py``).
    """
    return HttpResponse("ok", content_type="text/plain")


@outage.database_free
@never_cache
def ready(request):
    """Whether this process can serve pages that are not cached: 200 if the
    database answers within a short timeout, else 503 with the reason
    (bri_tracker/outage.py). Never cached, by the page cache or anyone."""
    problem = outage.check_database()
    if problem is None:
        return JsonResponse({"database": "ok"})
    response = JsonResponse({"database": "unavailable", "reason": problem}, status=503)
    response["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
    return response
