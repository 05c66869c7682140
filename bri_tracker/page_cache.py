"""Whole public pages, cached for anonymous visitors until the data changes.

Every page of the site is a function of the data and of the URL, except for
signed-in editors (their session cookie bypasses the cache). Cached pages are
stored under the data generation (bri_tracker/data_generation.py), read
once when the request starts: a change to the data draws a new one when it
commits, so every page cached before it is ignored at once and left to
expire, and a page rendered from rows older than the commit can only be
stored under an older generation.
The cache is Django's default cache: shared by the workers of a host (a file
cache) or by all hosts (``CACHE_URL=redis://...``).

Pages are stored as sent, compressed (the key includes whether the client
accepts gzip), with their ETag: a repeat visit with ``If-None-Match`` gets a
304 and no body. Browsers are told to revalidate every time
(``Cache-Control: no-cache``), so an edit shows on the next visit.
"""

import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control

from bri_tracker import data_generation
from bri_tracker.cache_safety import safe_get, safe_set

CACHEABLE_STATUS = 200
# Headers a stored page is served with; the rest are per-response.
SKIPPED_HEADERS = {"set-cookie", "date"}


def page_key(request, token):
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    url = request.build_absolute_uri()
    digest = hashlib.sha256(f"{url}|{int(accepts_gzip)}".encode()).hexdigest()
    return f"pages:{token}:{digest}"


def cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if any(request.path.startswith(prefix) for prefix in settings.PAGE_CACHE_SKIP):
        return False
    # Signed-in editors (and anyone carrying a message) see live pages.
    cookies = (settings.SESSION_COOKIE_NAME, "messages")
    return not any(name in request.COOKIES for name in cookies)


def cacheable_response(response):
    if response.status_code != CACHEABLE_STATUS or response.streaming:
        return False
    if response.cookies:
        return False
    control = response.get("Cache-Control", "")
    return "private" not in control and "no-store" not in control


class PageCacheMiddleware:
    """Answers anonymous GETs from the page cache; stores what it can."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not cacheable_request(request):
            return self.get_response(request)
        token = data_generation.current()
        if token is None:  # the cache is broken: render, store nothing
            return self.get_response(request)
        key = page_key(request, token)
        stored = safe_get(key)
        if stored is not None:
            return self.replay(request, stored)
        response = self.get_response(request)
        if cacheable_response(response):
            patch_cache_control(response, no_cache=True)
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in SKIPPED_HEADERS
            ]
            safe_set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
        return response

    def replay(self, request, stored):
        content, headers = stored
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        conditional = get_conditional_response(
            request, etag=response.get("ETag"), response=response
        )
        return conditional if conditional is not None else response
