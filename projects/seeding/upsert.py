"""Idempotent writes: create what is missing, update what differs, nothing else."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field


@dataclass
class SeedReport:
    """What a seed run did, per model: created, updated and unchanged rows."""

    counts: dict = field(default_factory=lambda: defaultdict(Counter))
    merged: list = field(default_factory=list)
    not_recorded: list = field(default_factory=list)
    _seen: set = field(default_factory=set)

    @property
    def changed(self):
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def lines(self):
        for label, counter in sorted(self.counts.items()):
            yield (
                f"{label}: {counter['created']} created, {counter['updated']} "
                f"updated, {counter['unchanged']} unchanged"
            )
        for line in self.merged:
            yield f"merged (same figure, same source): {line}"
        for line in self.not_recorded:
            yield f"not recorded: {line}"


def _differs(obj, name, value):
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def upsert(model, report, *, lookup, values=None, merge_label=None):
    """Get the row matching ``lookup`` and make its ``values`` current.

    New and changed rows go through ``full_clean()``, so the seed obeys the
    same rules as an editor. Returns the row. When ``merge_label`` is given and
    the row was already written in this run, the repeat is reported as merged.
    """
    values = values or {}
    counter = report.counts[model._meta.verbose_name_plural]
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        counter["created"] += 1
    else:
        key = (model, obj.pk)
        if key in report._seen:
            # Written earlier in this run: the first writer wins, so a second
            # run reads the same values and changes nothing.
            if merge_label:
                report.merged.append(merge_label)
            return obj
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.full_clean()
            obj.save()
            counter["updated"] += 1
        else:
            counter["unchanged"] += 1
    report._seen.add((model, obj.pk))
    return obj


def set_m2m(obj, report, name, targets):
    """Make the many-to-many ``name`` of ``obj`` hold exactly ``targets``."""
    manager = getattr(obj, name)
    wanted = {target.pk for target in targets}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(wanted)
        report.counts[f"{obj._meta.verbose_name} {name} (sets)"]["updated"] += 1
