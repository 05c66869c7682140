"""The change feed's request and response (api/changes.py reads the
changes): ``since`` as a timestamp or a release's version, the cursor, the
limit, and the page's JSON body."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError

from api import changes
from opendata.models import Release

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
RELEASE_VERSION = re.compile(r"^\d{4}\.\d{1,2}\.\d+$")
# Entries without a record to link to.
UNLINKED = {changes.REMOVED, changes.UNPUBLISHED}


@dataclass(frozen=True)
class ChangeQuery:
    since: datetime
    after: changes.Position | None
    limit: int
    since_text: str

    @classmethod
    def from_request(cls, request) -> "ChangeQuery":
        """The feed's parameters, or a 400 saying which one is wrong."""
        params = request.query_params
        text = params.get("since", "").strip()
        cursor = params.get("cursor", "").strip()
        if not text and not cursor:
            raise ValidationError(
                {
                    "since": "Give a timestamp (2026-11-01T00:00:00Z or 2026-11-01) "
                    "or a data release's version (2026.12.0)."
                }
            )
        after = None
        if cursor:
            try:
                after = changes.Position.decode(cursor)
            except changes.InvalidCursor as error:
                raise ValidationError({"cursor": str(error)}) from error
        since = _since(text) if text else after.at
        return cls(since, after, _limit(params.get("limit")), text)


def _since(text: str) -> datetime:
    if RELEASE_VERSION.match(text):
        release = Release.objects.filter(version=text).first()
        if release is None:
            raise ValidationError({"since": f"No data release {text} was published."})
        return release.created_at
    try:
        moment = parse_datetime(text)
        day = None if moment else parse_date(text)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise ValidationError(
            {"since": f"“{text}” is neither an ISO 8601 timestamp nor a release."}
        )
    if moment is None:
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


def _limit(text: str | None) -> int:
    if not text:
        return DEFAULT_LIMIT
    try:
        limit = int(text)
    except ValueError as error:
        raise ValidationError({"limit": "A whole number."}) from error
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError({"limit": f"From 1 to {MAX_LIMIT}."})
    return limit


def page_body(request, query: ChangeQuery, page: changes.Page) -> dict:
    return {
        "since": query.since.isoformat(),
        "next": _next_link(request, query, page.next),
        "results": [_entry(request, change) for change in page.changes],
    }


def _next_link(request, query, position):
    if position is None:
        return None
    params = {"cursor": position.encode(), "limit": query.limit}
    if query.since_text:
        params["since"] = query.since_text
    return request.build_absolute_uri(f"{reverse('api:changes')}?{urlencode(params)}")


def _entry(request, change: changes.Change) -> dict:
    url = None
    if change.action not in UNLINKED:
        kind = changes.KIND_BY_NAME[change.kind]
        url = request.build_absolute_uri(reverse(kind.url_name, args=[change.key]))
    return {
        "at": change.at.isoformat(),
        "kind": change.kind,
        "id": change.id,
        "key": change.key,
        "action": change.action,
        "url": url,
        "changes": change.changes,
    }
