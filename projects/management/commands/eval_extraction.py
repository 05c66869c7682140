"""Measure the figure extractor against hand-made answer keys.

    python manage.py eval_extraction [--set devset|seed|all]
                                     [--with-published-on | --without-published-on]
                                     [--verbose] [--json-report FILE]

Two sets of releases:

* devset: the development set in tests/data/extraction-devset/releases (24
  releases, one NN_slug.expected.json key and NN_slug.meta.json each);
* seed: the five releases of fixtures/press_releases and their
  answer_key.json.

Each release is read as ``manage.py extract_figures`` reads it and run through
``extract_figures`` with the project names and aliases of
fixtures/projects.json, once with its publication date and once without
(unless told which). The figures are scored by projects.evaluation, the rules
of the development set's score.py: precision, recall and F1 over the dashboard
metrics (primary) and over all metrics (secondary), qualifier, as_of and
period accuracy on matched pairs, the share of key figures found fully right,
the targets met or missed, and the errors counted by kind (--verbose lists
them). Needs no database; the exit status is 0 unless the arguments are wrong.
"""

import json
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from projects.evaluation import (
    ErrorCounts,
    ReleaseScore,
    Scope,
    ScopeScore,
    Totals,
    count_errors,
    score_release,
)
from projects.management.commands.extract_figures import read_release
from sources.extraction import extract_figures

DEVSET_DIR = Path(settings.BASE_DIR) / "tests/data/extraction-devset/releases"
FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
SEED_KEY = "answer_key.json"

# What the extractor should reach on the development set.
TARGET_PRIMARY_F1 = 0.92
TARGET_QUALIFIER = 0.95
TARGET_AS_OF_WITH_DATE = 0.90
TARGET_AS_OF_WITHOUT_DATE = 0.85
TARGET_PERIOD = 0.90
TARGET_SECONDARY_F1 = 0.80

SET_DEVSET = "devset"
SET_SEED = "seed"
SET_ALL = "all"
SET_TITLES = {
    SET_DEVSET: "development set (tests/data/extraction-devset)",
    SET_SEED: "seed releases (fixtures/press_releases)",
}
WITH_DATE = "with publication date"
WITHOUT_DATE = "without publication date"


@dataclass(frozen=True)
class KeyedRelease:
    name: str
    path: Path
    published_on: date | None
    key: list[dict[str, Any]]


@dataclass(frozen=True)
class Target:
    label: str
    minimum: float
    measure: Callable[[Totals], float | None]

    def value(self, totals: Totals) -> float | None:
        return self.measure(totals)

    def met(self, totals: Totals) -> bool:
        value = self.value(totals)
        return value is not None and value >= self.minimum


def targets(with_date: bool) -> list[Target]:
    primary = Scope.PRIMARY
    as_of = TARGET_AS_OF_WITH_DATE if with_date else TARGET_AS_OF_WITHOUT_DATE
    return [
        Target("primary F1", TARGET_PRIMARY_F1, lambda t: t.scope(primary).f1),
        Target(
            "qualifier (primary matched)",
            TARGET_QUALIFIER,
            lambda t: t.scope(primary).attributes.accuracy("qualifier"),
        ),
        Target(
            "as_of (primary matched)",
            as_of,
            lambda t: t.scope(primary).attributes.accuracy("as_of"),
        ),
        Target(
            "period (primary matched)",
            TARGET_PERIOD,
            lambda t: t.scope(primary).attributes.accuracy("period"),
        ),
        Target(
            "secondary F1",
            TARGET_SECONDARY_F1,
            lambda t: t.scope(Scope.SECONDARY).f1,
        ),
    ]


@dataclass
class Run:
    """One set scored in one mode (with or without the publication date)."""

    set_name: str
    with_date: bool
    releases: list[KeyedRelease]
    totals: Totals = field(default_factory=Totals)
    errors: ErrorCounts = field(default_factory=ErrorCounts)
    failures: dict[str, str] = field(default_factory=dict)  # release -> why


def fmt(value: float | None) -> str:
    """Four decimals without trailing zeros, as score.py prints them."""
    if value is None:
        return "n/a"
    text = f"{value:.4f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


# --------------------------------------------------------------------------
# Loading


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"{path}: {error}") from error


def load_devset(directory: Path) -> list[KeyedRelease]:
    """NN_slug.txt with NN_slug.expected.json and NN_slug.meta.json."""
    releases = []
    for path in sorted(directory.glob("*.txt")):
        slug = path.name.removesuffix(".txt")
        meta = _read_json(directory / f"{slug}.meta.json")
        key = _read_json(directory / f"{slug}.expected.json")
        published = meta.get("published_on")
        releases.append(
            KeyedRelease(
                name=slug,
                path=path,
                published_on=date.fromisoformat(published) if published else None,
                key=key,
            )
        )
    return releases


def load_seed(directory: Path) -> list[KeyedRelease]:
    """The releases of answer_key.json: {file name: {published_on, figures}};
    figures may be "same as OTHER.txt" (with same_article_as)."""
    answer_key = _read_json(directory / SEED_KEY)
    releases = []
    for name, entry in sorted(answer_key.items()):
        if name.startswith("_"):
            continue
        figures = entry.get("figures")
        if isinstance(figures, str):
            other = entry.get("same_article_as") or figures.split()[-1]
            figures = answer_key[other]["figures"]
        published = entry.get("published_on")
        releases.append(
            KeyedRelease(
                name=name,
                path=directory / name,
                published_on=date.fromisoformat(published) if published else None,
                key=figures,
            )
        )
    return releases


def load_projects(fixtures: Path) -> list[tuple[str, list[str]]]:
    """(name, aliases) pairs from fixtures/projects.json, as the database has
    them, so that no database is needed."""
    path = fixtures / "projects.json"
    if not path.is_file():
        return []
    data = _read_json(path)
    return [(p["name"], p.get("aliases") or []) for p in data["projects"]]


# --------------------------------------------------------------------------
# Running


def predict(release: KeyedRelease, with_date: bool, projects) -> list[dict]:
    """The extractor's figures as extract_figures --format json prints them."""
    text = read_release(release.path)
    figures = extract_figures(
        text,
        published_on=release.published_on if with_date else None,
        projects=projects,
    )
    return json.loads(json.dumps([f.to_json() for f in figures], ensure_ascii=False))


def run(set_name, releases, with_date, projects) -> Run:
    result = Run(set_name, with_date, releases)
    for release in releases:
        try:
            predictions = predict(release, with_date, projects)
        except Exception as error:  # noqa: BLE001 - a crash is zero predictions
            if isinstance(error, CommandError):
                why = str(error)
            else:
                why = traceback.format_exception_only(error)[-1].strip()
            result.failures[release.name] = why
            predictions = []
        score = score_release(release.name, release.key, predictions)
        result.totals.add(score)
        published = release.published_on.isoformat() if release.published_on else None
        result.errors.add(count_errors(score, published))
    return result


# --------------------------------------------------------------------------
# Reporting


def _scope_json(score: ScopeScore) -> dict[str, Any]:
    attributes = score.attributes
    return {
        "tp": score.true_positives,
        "pred": score.predicted,
        "key": score.expected,
        "precision": score.precision,
        "recall": score.recall,
        "f1": score.f1,
        "matched": attributes.matched,
        "qualifier": attributes.accuracy("qualifier"),
        "as_of": attributes.accuracy("as_of"),
        "period": attributes.accuracy("period"),
        "fully_right": attributes.all_right,
        "fully_right_share": score.fully_right,
        "change_percent": attributes.accuracy("change_percent"),
        "project": attributes.accuracy("project"),
    }


def _release_json(score: ReleaseScore, failure: str | None) -> dict[str, Any]:
    return {
        "release": score.name,
        "error": failure,
        "primary": _scope_json(score.primary),
        "secondary": _scope_json(score.secondary),
        "missed": [
            {"metric": k.metric, "value": k.value, "quote": k.quote}
            for k in score.missed
        ],
        "spurious": [
            {"metric": p.metric, "value": p.value, "quote": p.quote}
            for p in score.spurious
        ],
    }


def run_json(result: Run) -> dict[str, Any]:
    totals = result.totals
    return {
        "set": result.set_name,
        "published_on": result.with_date,
        "primary": _scope_json(totals.primary),
        "secondary": _scope_json(totals.secondary),
        "duplicates_collapsed": totals.duplicates,
        "optional_matches_ignored": totals.ignored_optional,
        "invalid_predictions": totals.invalid,
        "targets": [
            {
                "target": t.label,
                "minimum": t.minimum,
                "value": t.value(totals),
                "met": t.met(totals),
            }
            for t in targets(result.with_date)
        ]
        if result.set_name == SET_DEVSET
        else [],
        "errors": {
            label: dict(counter.most_common())
            for label, counter in result.errors.counters().items()
        },
        "error_list": [
            {
                "release": e.release,
                "kind": e.kind.value,
                "label": e.label,
                "detail": e.detail,
                "quote": e.quote,
            }
            for e in result.errors.entries
        ],
        "releases": [
            _release_json(score, result.failures.get(score.name))
            for score in totals.releases
        ],
    }


class Command(BaseCommand):
    help = (
        "Score the figure extractor on the development set and the seed releases "
        "(no database)."
    )
    requires_system_checks = []  # a measuring tool: no checks, no database

    def add_arguments(self, parser):
        parser.add_argument(
            "--set",
            dest="which",
            choices=(SET_DEVSET, SET_SEED, SET_ALL),
            default=SET_ALL,
            help="which releases to score (default: all)",
        )
        dates = parser.add_mutually_exclusive_group()
        dates.add_argument(
            "--with-published-on",
            action="store_true",
            help="only give the extractor each release's publication date",
        )
        dates.add_argument(
            "--without-published-on",
            action="store_true",
            help="only run without the publication date (default: both ways)",
        )
        parser.add_argument(
            "--verbose", action="store_true", help="list every error with its quote"
        )
        parser.add_argument(
            "--json-report", type=Path, metavar="FILE", help="also write JSON here"
        )
        parser.add_argument(
            "--fixtures",
            type=Path,
            default=FIXTURES_DIR,
            help="holds projects.json and press_releases/ (default: fixtures)",
        )
        parser.add_argument(
            "--devset",
            type=Path,
            default=DEVSET_DIR,
            help="the development set's releases folder",
        )

    def handle(self, *args, **options):
        fixtures, which = options["fixtures"], options["which"]
        sets = {}
        if which in (SET_DEVSET, SET_ALL):
            if not options["devset"].is_dir():
                raise CommandError(f"No development set in {options['devset']}.")
            sets[SET_DEVSET] = load_devset(options["devset"])
        if which in (SET_SEED, SET_ALL):
            seed_dir = fixtures / "press_releases"
            if not (seed_dir / SEED_KEY).is_file():
                raise CommandError(f"No press_releases/{SEED_KEY} under {fixtures}.")
            sets[SET_SEED] = load_seed(seed_dir)
        modes = [True, False]
        if options["with_published_on"]:
            modes = [True]
        elif options["without_published_on"]:
            modes = [False]
        projects = load_projects(fixtures)

        results = []
        for set_name, releases in sets.items():
            for with_date in modes:
                result = run(set_name, releases, with_date, projects)
                results.append(result)
                self._report(result, options["verbose"])
        if options["json_report"]:
            report = {"runs": [run_json(result) for result in results]}
            try:
                options["json_report"].write_text(
                    json.dumps(report, indent=1, ensure_ascii=False) + "\n",
                    encoding="utf-8",
                )
            except OSError as error:
                raise CommandError(f"{options['json_report']}: {error}") from error
            self.stdout.write(f"JSON report written to {options['json_report']}")

    # ----------------------------------------------------------------------

    def _report(self, result: Run, verbose: bool) -> None:
        totals = result.totals
        mode = WITH_DATE if result.with_date else WITHOUT_DATE
        n_key = sum(len(r.key) for r in result.releases)
        n_optional = sum(1 for r in result.releases for k in r.key if k.get("optional"))
        self.stdout.write(f"== {SET_TITLES[result.set_name]}, {mode}")
        self.stdout.write(
            f"{len(result.releases)} releases, {n_key} key figures ({n_optional} "
            f"optional); extractor errors: {len(result.failures)}; duplicate "
            f"predictions collapsed: {totals.duplicates}; predictions matching "
            f"optional items ignored: {totals.ignored_optional}; invalid "
            f"predictions: {totals.invalid}"
        )
        self._release_table(result)
        for scope, label in (
            (Scope.PRIMARY, 'primary (dashboard metrics, excluding "other")'),
            (Scope.SECONDARY, 'secondary (all metrics, including "other")'),
        ):
            score = totals.scope(scope)
            a = score.attributes
            self.stdout.write(
                f"{label}: tp={score.true_positives} pred={score.predicted} "
                f"key={score.expected} precision={fmt(score.precision)} "
                f"recall={fmt(score.recall)} f1={fmt(score.f1)}"
            )
            self.stdout.write(
                f"  on {a.matched} matched pairs: "
                f"qualifier={fmt(a.accuracy('qualifier'))} "
                f"as_of={fmt(a.accuracy('as_of'))} "
                f"period={fmt(a.accuracy('period'))} | info: "
                f"change_percent={fmt(a.accuracy('change_percent'))} "
                f"project={fmt(a.accuracy('project'))}"
            )
            self.stdout.write(
                f"  fully right (matched, qualifier, as_of and period right): "
                f"{a.all_right}/{score.expected} key figures = {fmt(score.fully_right)}"
            )
        if result.set_name == SET_DEVSET:
            self.stdout.write("targets:")
            for target in targets(result.with_date):
                verdict = "met" if target.met(totals) else "MISSED"
                self.stdout.write(
                    f"  {target.label} >= {target.minimum:.2f}: "
                    f"{fmt(target.value(totals))} {verdict}"
                )
        self._errors(result, verbose)
        self.stdout.write("")

    def _release_table(self, result: Run) -> None:
        width = max([len(r.name) for r in result.releases] + [10])
        self.stdout.write(
            f"{'release':<{width}}  {'P prec':>6} {'P rec':>6} {'tp':>3} {'pred':>4} "
            f"{'key':>3} | {'S prec':>6} {'S rec':>6} | qual  as_of  period"
        )
        for score in result.totals.releases:
            p, s = score.primary, score.secondary
            a = s.attributes
            line = (
                f"{score.name:<{width}}  {p.precision:>6.2f} {p.recall:>6.2f} "
                f"{p.true_positives:>3} {p.predicted:>4} {p.expected:>3} | "
                f"{s.precision:>6.2f} {s.recall:>6.2f} | "
                f"{a.qualifier}/{a.matched} {a.as_of}/{a.matched} "
                f"{a.period}/{a.matched}"
            )
            if score.name in result.failures:
                line += f" | ERROR: {result.failures[score.name]}"
            self.stdout.write(line)

    def _errors(self, result: Run, verbose: bool) -> None:
        self.stdout.write("errors by kind (all metrics, required key figures):")
        for label, counter in result.errors.counters().items():
            total = sum(counter.values())
            listed = ", ".join(f"{k} {n}" for k, n in counter.most_common()) or "-"
            self.stdout.write(f"  {label}: {total}: {listed}")
        if not verbose:
            return
        width = max([len(e.release) for e in result.errors.entries] + [10])
        for entry in result.errors.entries:
            self.stdout.write(
                f"    {entry.release:<{width}}  {entry.kind.value:<16} "
                f"{entry.label}: {entry.detail} | {entry.quote[:100]!r}"
            )
