"""``CHANGES.md`` of a release: what changed since the previous one, read
from the two releases' own files (figures by id, projects by slug,
agreements by id), so it says exactly what a user of the files would find
by comparing them. Issue 16."""

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

# Columns that restate another one (the permalink is the id) are left out
# of the per-field comparison.
IGNORED_FIELDS = {"permalink"}
FIGURES = "figures.csv"
PROJECTS = "projects.csv"
PARTNERS = "partners.csv"


class FieldChange(NamedTuple):
    field: str
    old: str
    new: str


class RowChange(NamedTuple):
    key: str
    fields: list[FieldChange]


class Diff(NamedTuple):
    added: list[str]
    changed: list[RowChange]
    removed: list[str]


def _rows(path: Path) -> Iterator[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def diff_sorted(old: Iterator[dict], new: Iterator[dict], key: str) -> Diff:
    """Compare two row streams sorted by the integer column ``key``, one row
    of each in memory at a time."""
    added, changed, removed = [], [], []
    old_row, new_row = next(old, None), next(new, None)
    while old_row is not None or new_row is not None:
        old_key = int(old_row[key]) if old_row is not None else None
        new_key = int(new_row[key]) if new_row is not None else None
        if new_key is None or (old_key is not None and old_key < new_key):
            removed.append(str(old_key))
            old_row = next(old, None)
        elif old_key is None or new_key < old_key:
            added.append(str(new_key))
            new_row = next(new, None)
        else:
            fields = [
                FieldChange(name, old_row.get(name, ""), value)
                for name, value in new_row.items()
                if name not in IGNORED_FIELDS and old_row.get(name, "") != value
            ]
            if fields:
                changed.append(RowChange(str(new_key), fields))
            old_row, new_row = next(old, None), next(new, None)
    return Diff(added, changed, removed)


def diff_keys(old: Path, new: Path, key: str) -> Diff:
    """Rows added and removed, by ``key`` (any text)."""
    old_keys = {row[key] for row in _rows(old)}
    new_keys = {row[key] for row in _rows(new)}
    return Diff(sorted(new_keys - old_keys), [], sorted(old_keys - new_keys))


def _listed(keys: list[str]) -> str:
    return ", ".join(keys) if keys else "none"


def _counts_table(previous, counts: dict[str, int]) -> list[str]:
    old_counts = previous.counts if previous else {}
    old_name = previous.version if previous else "previous"
    lines = [f"| File | {old_name} | this release | change |", "|---|---:|---:|---:|"]
    for name, rows in counts.items():
        old = old_counts.get(name)
        change = "" if old is None else f"{rows - old:+d}"
        lines.append(f"| {name} | {'' if old is None else old} | {rows} | {change} |")
    return lines


def describe(*, version, previous, previous_dir, new_dir, counts) -> str:
    """The text of CHANGES.md."""
    lines = [f"# BRI Tracker open data {version}", ""]
    if previous is None or previous_dir is None or not previous_dir.exists():
        lines += ["First release: no earlier release to compare with.", ""]
        lines += ["## Rows", "", *_counts_table(None, counts), ""]
        return "\n".join(lines)
    lines += [
        f"Changes since release {previous.version} ({previous.created_at:%Y-%m-%d}).",
        "",
        "## Rows",
        "",
        *_counts_table(previous, counts),
        "",
    ]
    figures = diff_sorted(_rows(previous_dir / FIGURES), _rows(new_dir / FIGURES), "id")
    lines += [
        "## Figures",
        "",
        f"- Added ({len(figures.added)}): {_listed(figures.added)}",
        f"- Changed ({len(figures.changed)}):" + ("" if figures.changed else " none"),
    ]
    for row in figures.changed:
        details = "; ".join(
            f"{c.field}: {c.old or '(empty)'} -> {c.new or '(empty)'}"
            for c in row.fields
        )
        lines.append(f"  - {row.key}: {details}")
    lines += [f"- Removed ({len(figures.removed)}): {_listed(figures.removed)}", ""]
    for title, name, key in (
        ("Projects", PROJECTS, "slug"),
        ("Partner agreements", PARTNERS, "id"),
    ):
        diff = diff_keys(previous_dir / name, new_dir / name, key)
        lines += [
            f"## {title}",
            "",
            f"- Added ({len(diff.added)}): {_listed(diff.added)}",
            f"- Removed ({len(diff.removed)}): {_listed(diff.removed)}",
            "",
        ]
    return "\n".join(lines)
