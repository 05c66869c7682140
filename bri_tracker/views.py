from django.http import HttpResponse


def health(request):
    """A trivial page: no database, no template, no session.

    For load balancers, and the floor that benchmarks compare pages against
    (``scripts/bench.py``).
    """
    return HttpResponse("ok", content_type="text/plain")
