"""Cursor pagination over a unique column: each page is ``WHERE key > last
ORDER BY key LIMIT n`` on that column's index, as fast at the millionth row
as at the first, and stable while rows are added."""

from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound
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

    def paginate_queryset(self, queryset, request, view=None):
        self.key_field = queryset.model._meta.get_field(
            self.get_ordering(request, queryset, view)[0]
        )
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """The cursor, whose position must be a value of the key column: a
        forged one ("p=abc" for an id, a NUL byte) is a 404, as an
        undecodable one, not an error of the database."""
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None:
            return cursor
        try:
            if "\x00" in cursor.position:
                raise ValidationError("NUL")
            self.key_field.to_python(cursor.position)
        except ValidationError:
            raise NotFound(self.invalid_cursor_message) from None
        return cursor
