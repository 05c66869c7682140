"""Pagination whose total is counted once per query until the data changes.

Counting the rows of a filtered list costs as much as the list grows; the
count is cached under the data generation (bri_tracker/data_generation.py),
so any change to the data recounts, and every page of one listing, and every
visitor, share one count.

Deep pages are read with a "deferred join": the primary keys of the page
first (an index-only scan can skip the rows before it), then those rows;
pages past the middle read the keys backwards from the end (issue 16: page
34,929 of the figure list skipped 1.7 million index entries in 2.5 s).
"""

import hashlib

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

from bri_tracker import data_generation, page_cache

# From this offset on, a page is read by its primary keys first.
DEFERRED_JOIN_FROM = 1000


class CachedCountPaginator(Paginator):
    """``known_count``: the list's total when the caller already has it (the
    unfiltered figure list's is the footer's count), so it is not counted."""

    def __init__(self, object_list, per_page, *args, known_count=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if known_count is not None:
            self.__dict__["count"] = known_count  # the cached_property's slot

    def get_page(self, number):
        try:
            self.validate_number(number)
        except EmptyPage:
            # Past the last page: the last is shown, but not stored under
            # every number that leads to it (bri_tracker/page_cache.py).
            page_cache.skip()
        except PageNotAnInteger:
            pass
        return super().get_page(number)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if top + self.orphans >= self.count:
            top = self.count
        if bottom < DEFERRED_JOIN_FROM or not hasattr(self.object_list, "values_list"):
            return super().page(number)
        keys = self._page_keys(bottom, top)
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys)}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)

    def _page_keys(self, bottom, top):
        """The primary keys of rows ``bottom`` to ``top``, read from the
        nearer end: past the middle, in the reverse order (a backward scan of
        the same index), so that no page skips more than half the list. The
        lists' orders end with a unique tie-breaker, so both ways agree."""
        keys = self.object_list.values_list("pk", flat=True)
        from_end = self.count - top
        if from_end < bottom and self.object_list.ordered:
            return list(keys.reverse()[from_end : self.count - bottom])[::-1]
        return list(keys[bottom:top])

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is None or not settings.PAGE_CACHE_SECONDS:
            return Paginator.count.func(self)
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:  # a queryset.none(): nothing to count
            return 0
        digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()
        return data_generation.cached(
            f"count:{digest}", lambda: Paginator.count.func(self)
        )
