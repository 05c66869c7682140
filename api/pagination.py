"""Cursor pagination over a unique column: each page is ``WHERE key > last
ORDER BY key LIMIT n`` on that column's index, as fast at the millionth row
as at the first, and stable while rows are added."""

from rest_framework.pagination import CursorPagination

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class KeyCursorPagination(CursorPagination):
    """Pages of ``PAGE_SIZE`` rows (``?limit=`` up to ``MAX_PAGE_SIZE``) in
    the order of the view's ``cursor_key``, a unique column; ``next`` and
    ``previous`` are the links to follow."""

    page_size = PAGE_SIZE
    page_size_query_param = "limit"
    max_page_size = MAX_PAGE_SIZE
    ordering = "id"

    def get_ordering(self, request, queryset, view):
        return (getattr(view, "cursor_key", self.ordering),)
