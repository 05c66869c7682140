"""Figures that agree and figures that conflict across sources."""

from collections import defaultdict


def compare_sources(figures):
    """Mark agreement between sources on loaded figures.

    Figures of one project (or the initiative), metric, period and as-of
    date are reports of the same quantity. Sets ``figure.reported_by`` (how
    many sources state the same value and qualifier) on every figure and
    returns the set of figure pks whose value differs from another source's
    for that quantity.
    """
    groups = defaultdict(list)
    for figure in figures:
        if figure.as_of is not None:
            key = (figure.project_id, figure.metric_id, figure.period, figure.as_of)
            groups[key].append(figure)
        figure.reported_by = 1
    conflicts = set()
    for group in groups.values():
        for figure in group:
            figure.reported_by = len(
                {
                    other.source_id
                    for other in group
                    if (other.value, other.qualifier)
                    == (figure.value, figure.qualifier)
                }
            )
        if len({figure.value for figure in group}) > 1:
            conflicts.update(figure.pk for figure in group)
    return conflicts
