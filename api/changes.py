"""The change feed: what was created, changed, published, unpublished or
removed since a moment, read from the history every edited record keeps
(django-simple-history, bri_tracker/audit.py), with old and new values, so
that a mirror can stay in sync without downloading everything again.

Figures are seen as the public sees them, as on a project's public change
log (explorer/history.py): a draft never shows, not even its values. A
figure that becomes public is "published" (or "created" if it was saved
public at once); one that goes back to draft is "unpublished", one deleted
while public "removed"; edits of a public figure are "changed".

Entries come in the order of their history rows: (time, kind, row id),
which the cursor continues from. A page reads at most ``limit + 1`` rows
per kind of record, on each history table's time index, and never reads a
record's whole history: only the row before each one on the page.
"""

import base64
import binascii
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from countries.models import Country, Organization, PartnerAgreement
from projects.models import Metric, Observation, Project
from sources.models import Source

CREATED, CHANGED, REMOVED = "created", "changed", "removed"
PUBLISHED, UNPUBLISHED = "published", "unpublished"
ACTIONS = (CREATED, CHANGED, PUBLISHED, UNPUBLISHED, REMOVED)
CREATION = "+"
HISTORY_ACTIONS = {CREATION: CREATED, "~": CHANGED, "-": REMOVED}
# Bookkeeping, and what the API does not publish (a source's full text; a
# figure's editorial status, told by the action instead).
HIDDEN_FIELDS = frozenset(
    {"id", "version", "created_at", "updated_at", "text", "content_hash"}
)
FIGURE_HIDDEN_FIELDS = frozenset({"status", "value_checked", "confidence", "note"})
CURSOR_SEPARATOR = "|"


@dataclass(frozen=True)
class Kind:
    """A kind of record in the feed: its model, the field that names it in
    the API (its URL's key) and the API's URL name for one record."""

    name: str
    model: type
    key: str
    url_name: str


# The feed's order among rows of one instant; a cursor stores the index.
KINDS = (
    Kind("metric", Metric, "key", "api:metric-detail"),
    Kind("source", Source, "pk", "api:source-detail"),
    Kind("country", Country, "iso3", "api:country-detail"),
    Kind("organization", Organization, "slug", "api:organization-detail"),
    Kind("agreement", PartnerAgreement, "pk", "api:agreement-detail"),
    Kind("project", Project, "slug", "api:project-detail"),
    Kind("figure", Observation, "pk", "api:figure-detail"),
)
KIND_BY_NAME = {kind.name: kind for kind in KINDS}
FIGURE = "figure"
# How relations are named in values: the related record's API key.
RELATED_KEYS = {Metric: "key", Project: "slug", Country: "iso3", Organization: "slug"}


class InvalidCursor(ValueError):
    """A cursor this feed did not write."""


@dataclass(frozen=True, order=True)
class Position:
    """Where a page ends: a history row's time, kind index and row id."""

    at: datetime
    kind: int
    row: int

    def encode(self) -> str:
        text = CURSOR_SEPARATOR.join(
            (self.at.isoformat(), str(self.kind), str(self.row))
        )
        return base64.urlsafe_b64encode(text.encode()).decode()

    @classmethod
    def decode(cls, cursor: str) -> "Position":
        try:
            text = base64.urlsafe_b64decode(cursor.encode()).decode()
            at, kind, row = text.split(CURSOR_SEPARATOR)
            position = cls(datetime.fromisoformat(at), int(kind), int(row))
        except (ValueError, binascii.Error, UnicodeError) as error:
            raise InvalidCursor("This cursor is not one the feed gave.") from error
        if timezone.is_naive(position.at) or not 0 <= position.kind < len(KINDS):
            raise InvalidCursor("This cursor is not one the feed gave.")
        return position


@dataclass
class Change:
    at: datetime
    kind: str
    id: int
    key: Any  # what the API's URL of the record holds: id, slug, iso3 or key
    action: str
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Page:
    changes: list[Change]
    next: Position | None


def read(*, since: datetime, after: Position | None, limit: int) -> Page:
    """The changes after ``after`` (a cursor), else after ``since``, at most
    ``limit`` history rows' worth (fewer entries when some rows are drafts
    or changed nothing public), and where the next page starts. The page's
    positions are read first (two columns of at most ``limit + 1`` rows per
    kind, on the time index), then only the rows on the page."""
    positions = []
    for index, kind in enumerate(KINDS):
        history = _history(kind).filter(_after(index, since, after))
        ordered = history.order_by("history_date", "history_id").values_list(
            "history_date", "history_id"
        )
        positions += [Position(at, index, row) for at, row in ordered[: limit + 1]]
    positions.sort()
    page, more = positions[:limit], len(positions) > limit
    return Page(changes=_changes(page), next=page[-1] if more else None)


def _history(kind: Kind):
    return kind.model.history.model.objects


def _after(index: int, since: datetime, after: Position | None) -> Q:
    if after is None:
        return Q(history_date__gt=since)
    later = Q(history_date__gt=after.at)
    if index > after.kind:
        return later | Q(history_date=after.at)
    if index == after.kind:
        return later | Q(history_date=after.at, history_id__gt=after.row)
    return later


def _changes(page: list[Position]) -> list[Change]:
    wanted = defaultdict(list)
    for position in page:
        wanted[position.kind].append(position.row)
    rows, before = {}, {}
    for index, ids in wanted.items():
        kind_rows = list(_history(KINDS[index]).filter(history_id__in=ids))
        rows.update({(index, row.history_id): row for row in kind_rows})
        before[index] = _previous_rows(KINDS[index], kind_rows)
    names = _related_names(rows.values())
    changes = []
    for position in page:
        kind = KINDS[position.kind]
        row = rows[(position.kind, position.row)]
        previous = before[position.kind].get(row.history_id)
        change = (
            _figure_change(row, previous, names)
            if kind.name == FIGURE
            else _record_change(kind, row, previous, names)
        )
        if change is not None:
            changes.append(change)
    return changes


def _previous_rows(kind: Kind, rows) -> dict[int, Any]:
    """{history_id: the row before it of the same record} for ``rows`` that
    are not a record's first: the rows of those records up to the newest of
    ``rows``, in one query (none when every row is a creation)."""
    later = [row for row in rows if row.history_type != CREATION]
    if not later:
        return {}
    newest = max(row.history_date for row in later)
    every = (
        _history(kind)
        .filter(id__in={row.id for row in later}, history_date__lte=newest)
        .order_by("id", "history_date", "history_id")
    )
    previous, last = {}, {}
    for row in every:
        previous[row.history_id] = last.get(row.id)
        last[row.id] = row
    return previous


def _fields(row, hidden=frozenset()):
    kept = {f.attname for f in type(row)._meta.concrete_fields}
    return [
        f
        for f in row.instance_type._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and f.name not in hidden and f.attname in kept
    ]


def _diff(row, previous, fields, names) -> dict[str, dict[str, Any]]:
    diff = {}
    for f in fields:
        new = _value(row, f, names)
        old = _value(previous, f, names) if previous is not None else None
        if previous is None or old != new:
            diff[f.name] = {"old": old, "new": new}
    return diff


def _record_change(kind: Kind, row, previous, names) -> Change | None:
    action = HISTORY_ACTIONS.get(row.history_type, CHANGED)
    changes = {}
    if action != REMOVED:
        changes = _diff(row, previous, _fields(row), names)
        if action == CHANGED and not changes:
            return None  # only bookkeeping changed
    return Change(
        row.history_date, kind.name, row.id, record_key(kind, row), action, changes
    )


def _is_public(row) -> bool:
    return row is not None and (
        row.status == Observation.Status.PUBLISHED and row.history_type != "-"
    )


def _figure_change(row, previous, names) -> Change | None:
    """A figure's row as the public saw it; None for a draft's edits."""
    was, now = _is_public(previous), _is_public(row)
    fields = _fields(row, FIGURE_HIDDEN_FIELDS)
    if now and not was:
        action = CREATED if previous is None else PUBLISHED
        diff = _diff(row, None, fields, names)
    elif now:
        action, diff = CHANGED, _diff(row, previous, fields, names)
        if not diff:
            return None
    elif was:
        action, diff = (REMOVED if row.history_type == "-" else UNPUBLISHED), {}
    else:
        return None
    return Change(row.history_date, FIGURE, row.id, row.id, action, diff)


def record_key(kind: Kind, row):
    return row.id if kind.key == "pk" else getattr(row, kind.key)


def _related_names(rows) -> dict[tuple[type, int], str]:
    """{(model, id): its API key} for the related records the rows name by
    key (a figure's metric and project, an agreement's country...)."""
    wanted = defaultdict(set)
    for row in rows:
        for f in row.instance_type._meta.concrete_fields:
            if f.is_relation and f.related_model in RELATED_KEYS:
                value = getattr(row, f.attname, None)
                if value is not None:
                    wanted[f.related_model].add(value)
    names = {}
    for model, ids in wanted.items():
        key = RELATED_KEYS[model]
        for pk, name in model.objects.filter(pk__in=ids).values_list("pk", key):
            names[(model, pk)] = name
    return names


def _value(row, f, names):
    value = getattr(row, f.attname)
    if value is None:
        return None
    if f.is_relation:
        return names.get((f.related_model, value), value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
