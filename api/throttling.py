"""The API's rate limit: per client address, as the report form's and the
login's (bri_tracker.client_address), so that clients behind the proxy are
told apart and none can pick its own address."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from bri_tracker.client_address import client_address


class ClientAddressThrottle(SimpleRateThrottle):
    """``API_RATE_LIMIT`` requests per client address; past it, 429 with
    Retry-After (Django REST framework's throttling)."""

    scope = "client"

    def get_rate(self):
        # Read at each request: REST_FRAMEWORK's copy is taken when base.py
        # loads, so it would miss test.py's value and override_settings.
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        return self.cache_format % {
            "scope": self.scope,
            "ident": client_address(request._request),
        }
