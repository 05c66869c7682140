"""A project's public change log: what changed in it and its published
figures, and when; values only, never who."""

from datetime import date, datetime
from decimal import Decimal
from itertools import groupby

from projects.formatting import compact_number, humanize_figure
from projects.models import Observation
from sources.dates import DatePrecision, format_partial_date

CHANGE_TYPES = {"+": "added", "~": "changed", "-": "removed"}
# Bookkeeping that readers need not see.
_HIDDEN = {"version", "created_at", "updated_at", "id", "value_checked"}


def change_log(project, *, limit=200):
    """Entries {"date", "what", "type", "changes": [(field, old, new)]},
    newest first. Figure history counts only published states, so a draft
    never shows here: a figure returned to draft is "removed" (as it was
    when last published), and "added" again when it is published again.
    Two queries, whatever the history's length."""
    entries = _entries(
        project.history.order_by("history_date", "history_id"),
        what=lambda record: "Project facts",
    )
    figures = (
        Observation.history.filter(project_id=project.pk)
        .select_related("metric", "project", "source")
        .order_by("id", "history_date", "history_id")
    )
    entries += _published_entries(figures)
    entries.sort(key=lambda entry: entry["date"], reverse=True)
    return entries[:limit]


def _figure_label(record):
    as_of = record.as_of.strftime("%-d %b %Y") if record.as_of else "undated"
    return f"{record.metric.name} as of {as_of} (figure #{record.id})"


def _entries(records, *, what):
    entries = []
    for _, versions in groupby(records, key=lambda record: record.id):
        previous = None
        for record in versions:
            entries.append(
                {
                    "date": record.history_date,
                    "what": what(record),
                    "type": CHANGE_TYPES.get(record.history_type, "changed"),
                    "changes": _changes(previous, record),
                }
            )
            previous = record
    return entries


def _published_entries(records):
    """The figures' entries as the public saw them: a draft state is never
    shown, not even its label."""
    entries = []
    for _, versions in groupby(records, key=lambda record: record.id):
        shown = None  # the published state readers last saw, if still public
        for record in versions:
            public = (
                record.status == Observation.Status.PUBLISHED
                and record.history_type != "-"
            )
            if public:
                changed = shown is not None
                entries.append(
                    {
                        "date": record.history_date,
                        "what": _figure_label(record),
                        "type": CHANGE_TYPES["~" if changed else "+"],
                        "changes": _changes(shown, record),
                    }
                )
                shown = record
            elif shown is not None:
                entries.append(
                    {
                        "date": record.history_date,
                        "what": _figure_label(shown),
                        "type": CHANGE_TYPES["-"],
                        "changes": [],
                    }
                )
                shown = None
    return entries


def _changes(previous, record):
    # The fields the history keeps (derived ones such as stored counts are
    # left out of it, see the models' excluded_fields).
    kept = {f.attname for f in type(record)._meta.concrete_fields}
    fields = [
        f
        for f in record.instance_type._meta.concrete_fields
        if f.name not in _HIDDEN and f.attname in kept
    ]
    changes = []
    for field in fields:
        new = _value(record, field)
        old = _value(previous, field) if previous else ""
        if old != new and (previous is not None or new not in ("", "False")):
            changes.append((field.verbose_name, old, new))
    return changes


def _value(record, field):
    """A field's value as a reader sees it elsewhere on the site: a relation
    by its name, a choice by its label, a figure's value in the site's
    number notation, dates as "5 Dec 2023"."""
    if field.is_relation:
        try:
            related = getattr(record, field.name)
        except field.related_model.DoesNotExist:
            related = getattr(record, field.attname)
        return "" if related is None else str(related)
    value = getattr(record, field.attname)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.name == "value" and isinstance(record, Observation.history.model):
        return _figure_value(record, value)
    return _plain(value)


def _figure_value(record, value):
    """ "US$490B (490,000,000,000)": the site's notation, and every digit
    where the notation rounds."""
    shown = humanize_figure(value, record.metric, Observation.Qualifier.EXACT)
    full = f"{value.normalize():,f}"
    return shown if compact_number(value) == full else f"{shown} ({full})"


def _plain(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}"
    if isinstance(value, datetime):
        return f"{value:%-d %b %Y, %H:%M}"
    if isinstance(value, date):
        return format_partial_date(value, DatePrecision.DAY)
    return str(value)
