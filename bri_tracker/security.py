"""Security headers and the login lockout page (README, "Running in
production"; the policies are in settings/base.py)."""

from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django.conf import settings
from django.contrib import admin
from django.shortcuts import render


class SecurityHeadersMiddleware:
    """Cross-Origin-Resource-Policy on every response, and the site's
    Content-Security-Policy on those that have none: static files, which
    WhiteNoise answers before django-csp's middleware (placed inside the
    page cache so that a cached page keeps its own policy) is reached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        if CSP_HEADER not in response and not getattr(response, "_csp_exempt", False):
            response[CSP_HEADER] = build_policy()
        return response


def lockout_response(request, original_response, credentials):
    """The admin login page saying that logins are paused (django-axes calls
    this once a username and address reach the failure limit)."""
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(
        request,
        "admin/lockout.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
