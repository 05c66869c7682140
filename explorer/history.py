"""A project's public change log: what changed in it and its published
figures, and when; values only, never who."""

from itertools import groupby

from projects.models import Observation

CHANGE_TYPES = {"+": "added", "~": "changed", "-": "removed"}
# Bookkeeping that readers need not see.
_HIDDEN = {"version", "created_at", "updated_at", "id", "value_checked"}


def change_log(project, *, limit=200):
    """Entries {"date", "what", "type", "changes": [(field, old, new)]},
    newest first. Figure history counts only published states, so a draft
    never shows here. Two queries, whatever the history's length."""
    entries = _entries(
        project.history.order_by("history_date", "history_id"),
        what=lambda record: "Project facts",
    )
    figures = (
        Observation.history.filter(
            project_id=project.pk, status=Observation.Status.PUBLISHED
        )
        .select_related("metric", "project", "source")
        .order_by("id", "history_date", "history_id")
    )
    entries += _entries(figures, what=_figure_label)
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
    """A field's value as text; a relation by its name, not its id."""
    if field.is_relation:
        try:
            related = getattr(record, field.name)
        except field.related_model.DoesNotExist:
            related = getattr(record, field.attname)
        return "" if related is None else str(related)
    value = getattr(record, field.attname)
    return "" if value is None else str(value)
