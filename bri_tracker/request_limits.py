"""Requests the site refuses before any view sees them, and the answer a
form gets when its POST is over Django's size limit. Issue 15."""

from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import JsonResponse

# PostgreSQL text cannot hold NUL: a lookup with one is a DataError (a 500).
NUL = "\x00"
NUL_MESSAGE = "The address contains a NUL character."
# Where every answer is JSON (the API, issue 16), so is this refusal.
JSON_PATHS = ("/api/",)


class RejectNulMiddleware:
    """A NUL in the path, the query or a cookie is a 400, never a database
    error: no URL, filter or session key of this site contains one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            if request.path.startswith(JSON_PATHS):
                return JsonResponse({"detail": NUL_MESSAGE}, status=400)
            raise BadRequest(NUL_MESSAGE)
        return self.get_response(request)


def _has_nul(request):
    if NUL in request.path_info or NUL in request.path:
        return True
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return True
    return any(NUL in key or NUL in value for key, value in request.COOKIES.items())


def on_request_too_big(handler):
    """Mark a view: a POST whose fields exceed DATA_UPLOAD_MAX_MEMORY_SIZE
    gets ``handler(request, size)``'s response (a form with an error, say)
    instead of Django's bare "Bad Request (400)". ``size`` is the body's
    length in bytes. The handler must check permissions itself: the view,
    its decorators and the CSRF check do not run."""

    def mark(view):
        view.request_too_big = handler
        return view

    return mark


class RequestTooBigMiddleware:
    """Reads the POST of a view marked with on_request_too_big before the
    CSRF check does (which would turn RequestDataTooBig into a 400): list it
    before CsrfViewMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        handler = getattr(view_func, "request_too_big", None)
        if handler is None or request.method != "POST":
            return None
        try:
            request.POST  # noqa: B018 (parses the body, or raises)
        except RequestDataTooBig:
            # Django does not mark the body as unreadable for this error.
            request._mark_post_parse_error()
            size = int(request.headers.get("content-length") or 0)
            return handler(request, size)
        return None
