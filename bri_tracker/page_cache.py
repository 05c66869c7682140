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

The key is the page's path and its *canonical query*: only the parameters
the page's view declares with ``page_query()`` (its filter form's fields and
``page``), values stripped and empty ones dropped, in a fixed order. Junk
parameters, a reordering or an empty field therefore share one entry, and
the view is given that same canonical query (the request's ``GET`` and
``QUERY_STRING`` are rewritten before it runs), so what is stored can depend
on nothing the key leaves out. A view that declares nothing and gets a query
is rendered as it is, uncached. A filter form that does not validate, or a
page number past the last page, is rendered but not stored (``skip()``), so
junk values add no entries either (issue 15).

Pages are stored as sent, compressed (the key includes whether the client
accepts gzip), with their ETag: a repeat visit with ``If-None-Match`` gets a
304 and no body. Browsers are told to revalidate every time
(``Cache-Control: no-cache``), so an edit shows on the next visit.

Stampede protection. After an edit every page misses at once. On a miss,
one request per page (per key) renders it: it takes a short-lived lock
(``cache.add``, atomic in every backend used here, expiring after
``LOCK_SECONDS`` so that a crashed worker cannot hold it). The others, while
it renders, are answered with the page's previous body if it was stored
under the generation the edit replaced (at most one edit old; marked
``X-Page-Cache: stale``, with its ``Age``), or, when there is none, wait for
the new body (polling, at most ``WAIT_SECONDS``) and then render it
themselves. For this, each page also keeps its latest stored body and its
generation under a key without the generation (``LatestPage``); a render
that may not be stored (a 404, an invalid filter) records that too, so the
previous body is not served in its place. ``PAGE_CACHE_SERVE_STALE = False``
makes the others wait instead of serving the previous body. Editors never
reach this code (their requests bypass the cache).
"""

import hashlib
import time
from contextvars import ContextVar
from enum import Enum
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control

from bri_tracker import data_generation
from bri_tracker.cache_safety import safe_add, safe_delete, safe_get, safe_set

CACHEABLE_STATUS = 200
# Headers a stored page is served with; the rest are per-response.
SKIPPED_HEADERS = {"set-cookie", "date"}
QUERY_ATTRIBUTE = "page_query"
# Whether the response of the request being handled may be stored.
_storable = ContextVar("page_cache_storable", default=None)

# Stampede protection (see the module's docstring).
LOCK_SECONDS = 10  # longer than any render; then a crashed worker's lock expires
WAIT_SECONDS = 2.0  # how long a request waits for another's render, at most
POLL_SECONDS = 0.05
STATE_HEADER = "X-Page-Cache"
STALE = "stale"


class LatestPage(NamedTuple):
    """A page's latest stored body (None: its latest render, under
    ``generation``, could not be stored) with its headers and when it was
    stored (``time.time()``)."""

    generation: str
    content: bytes | None
    headers: list
    stored_at: float


class Miss(Enum):
    """What a request that did not get the rebuild lock does."""

    STALE = "serve the previous generation's body"
    FRESH = "serve the body another request just stored"
    WAIT = "wait for another request's render"
    RENDER = "render it too (the page is not stored in this generation)"


class PageQuery:
    """The query parameters a view reads: ``names`` take one value (the
    last given, as ``QueryDict.get``), ``multiple`` any number (order and
    repeats do not matter). ``page`` is a page number, put last: 1 and
    anything that is not an integer mean the first page and are dropped."""

    def __init__(self, names=(), multiple=()):
        self.names = frozenset(names)
        self.multiple = frozenset(multiple)

    def canonical(self, query):
        """``query`` reduced to these parameters, sorted, as a QueryDict."""
        canonical = QueryDict(mutable=True)
        # Sorted, the page number last, as the lists' links add it.
        for name in sorted(self.names | self.multiple, key=lambda n: (n == "page", n)):
            values = [value.strip() for value in query.getlist(name)]
            values = [value for value in values if value]
            if not values:
                continue
            if name in self.multiple:
                canonical.setlist(name, sorted(set(values)))
            elif name == "page":
                page = _page_number(values[-1])
                if page is not None:
                    canonical[name] = page
            else:
                canonical[name] = values[-1]
        return canonical


def _page_number(value):
    try:
        number = int(value)
    except ValueError:
        return None
    # Below 1: the paginator shows the last page, and it is not stored.
    return None if number == 1 else str(number)


def page_query(view, *names, filterset=None):
    """Declares the query parameters ``view`` reads: ``names``, and the
    fields of ``filterset`` (a django-filter FilterSet class; its multiple
    choice filters take several values). Returns ``view``, marked."""
    multiple = set()
    single = set(names)
    for name, field in (filterset.base_filters if filterset else {}).items():
        many = issubclass(field.field_class, forms.MultipleChoiceField)
        (multiple if many else single).add(name)
    setattr(view, QUERY_ATTRIBUTE, PageQuery(single, multiple))
    return view


def declared_query(request):
    """The PageQuery of the view ``request`` goes to, None if undeclared."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return getattr(match.func, QUERY_ATTRIBUTE, None)


def canonical_query(request, declared=None):
    """The part of ``request``'s query that selects the page, as a string;
    None when the view declares no query but the request has one."""
    declared = declared or declared_query(request)
    if declared is None:
        return "" if not request.GET else None
    return declared.canonical(request.GET).urlencode()


def page_digest(request, query=None):
    """The page's identity without the generation: URL, canonical query and
    whether the client accepts gzip."""
    query = canonical_query(request) if query is None else query
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    url = request.build_absolute_uri(request.path)
    return hashlib.sha256(f"{url}?{query}|{int(accepts_gzip)}".encode()).hexdigest()


def page_key(request, token, query=None):
    return f"pages:{token}:{page_digest(request, query)}"


def latest_key(digest):
    return f"page-latest:{digest}"


def lock_key(token, digest):
    return f"page-lock:{token}:{digest}"


def skip():
    """The page being rendered is not to be stored: its query is invalid
    (a filter form with errors, a page number past the last)."""
    storable = _storable.get()
    if storable is not None:
        storable[0] = False


def _use_query(request, query):
    """Gives the view ``query`` (a canonical query string) as its query."""
    request.META["QUERY_STRING"] = query
    request.GET = QueryDict(query)


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
    """Answers anonymous GETs from the page cache; stores what it can; one
    request per page renders it after an edit (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not cacheable_request(request):
            return self.get_response(request)
        query = canonical_query(request)
        if query is None:  # a query the view does not declare: render it
            return self.get_response(request)
        token = data_generation.current()
        if token is None:  # the cache is broken: render, store nothing
            return self.get_response(request)
        _use_query(request, query)
        digest = page_digest(request, query)
        key = f"pages:{token}:{digest}"
        stored = safe_get(key)
        if stored is not None:
            return self.replay(request, stored)
        lock = lock_key(token, digest)
        if safe_add(lock, True, LOCK_SECONDS):
            try:
                return self.render(request, token, key, digest)
            finally:
                safe_delete(lock)
        return self.not_first(request, token, key, digest)

    def not_first(self, request, token, key, digest):
        """Another request is rendering this page: its previous body, or
        the new one once stored, or (waited long enough) a render."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            latest = safe_get(latest_key(digest))
            decision = miss_decision(latest, token)
            if decision in (Miss.STALE, Miss.FRESH):
                return self.replay(
                    request, (latest.content, latest.headers), latest, decision
                )
            if decision is Miss.RENDER or time.monotonic() >= deadline:
                return self.render(request, token, key, digest)
            time.sleep(POLL_SECONDS)

    def render(self, request, token, key, digest):
        storable = [True]
        context = _storable.set(storable)
        try:
            response = self.get_response(request)
        finally:
            _storable.reset(context)
        if storable[0] and cacheable_response(response):
            patch_cache_control(response, no_cache=True)
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in SKIPPED_HEADERS
            ]
            content = response.content
            safe_set(key, (content, headers), settings.PAGE_CACHE_SECONDS)
        else:
            content, headers = None, []
        # Served stale (or not, if None) to the first visitors after the
        # next edit, so it lives as long as a generation may. A render that
        # may not be stored is marked for the requests waiting on it only:
        # junk values (issue 15) leave no lasting entry.
        latest = LatestPage(token, content, headers, time.time())
        lasts = data_generation.CACHE_SECONDS if content is not None else LOCK_SECONDS
        safe_set(latest_key(digest), latest, lasts)
        return response

    def replay(self, request, stored, latest=None, decision=None):
        content, headers = stored
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        if decision is Miss.STALE:
            response[STATE_HEADER] = STALE
            response["Age"] = str(max(0, int(time.time() - latest.stored_at)))
        conditional = get_conditional_response(
            request, etag=response.get("ETag"), response=response
        )
        return conditional if conditional is not None else response


def miss_decision(latest, token):
    """What to do on a miss while another request renders the page, given
    the page's ``LatestPage`` (or None) and the current generation."""
    if latest is not None and latest.generation == token:
        return Miss.FRESH if latest.content is not None else Miss.RENDER
    if (
        latest is not None
        and latest.content is not None
        and settings.PAGE_CACHE_SERVE_STALE
        and latest.generation == data_generation.previous()
    ):
        return Miss.STALE
    return Miss.WAIT
