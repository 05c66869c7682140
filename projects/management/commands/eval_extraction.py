"""Score the figure extractor against the hand-made answer key.

    python manage.py eval_extraction [--fixtures DIR] [--verbose]

Runs ``extract_figures`` on every release of fixtures/press_releases with its
published date from answer_key.json and matches its figures with the key's:
same metric, value within 0.5%. Prints precision, recall and F1 over the
dashboard metrics (``other`` is left out) and, on matched figures, how often
the qualifier, as-of date and period agree. Needs no database.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sources.extraction import DASHBOARD_METRICS, extract_figures
from sources.text import repair_text

TOLERANCE = Decimal("0.005")


@dataclass
class Score:
    predicted: int = 0
    expected: int = 0
    matched: int = 0
    qualifier: int = 0
    as_of: int = 0
    period: int = 0
    misses: list = field(default_factory=list)
    extras: list = field(default_factory=list)
    wrong: list = field(default_factory=list)

    def add(self, other):
        for name in (
            "predicted",
            "expected",
            "matched",
            "qualifier",
            "as_of",
            "period",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses
        self.extras += other.extras
        self.wrong += other.wrong

    @staticmethod
    def _ratio(part, whole):
        return part / whole if whole else 1.0

    @property
    def precision(self):
        return self._ratio(self.matched, self.predicted)

    @property
    def recall(self):
        return self._ratio(self.matched, self.expected)

    @property
    def f1(self):
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, name):
        return self._ratio(getattr(self, name), self.matched)


def _close(predicted, expected):
    expected = Decimal(str(expected))
    return abs(Decimal(str(predicted)) - expected) <= abs(expected) * TOLERANCE


def score_release(predicted, expected):
    """Match predicted figure dicts with the key's, one to one."""
    predicted = [f for f in predicted if f["metric"] in DASHBOARD_METRICS]
    expected = [f for f in expected if f["metric"] in DASHBOARD_METRICS]
    score = Score(predicted=len(predicted), expected=len(expected))
    unused = list(predicted)
    for gold in expected:
        match = next(
            (
                f
                for f in unused
                if f["metric"] == gold["metric"] and _close(f["value"], gold["value"])
            ),
            None,
        )
        if match is None:
            score.misses.append(gold)
            continue
        unused.remove(match)
        score.matched += 1
        for name in ("qualifier", "as_of", "period"):
            if match[name] == gold[name]:
                setattr(score, name, getattr(score, name) + 1)
            else:
                score.wrong.append((name, gold, match))
    score.extras = unused
    return score


def load_projects(fixtures):
    """(name, aliases) pairs from fixtures/projects.json, else the key's names."""
    path = fixtures / "projects.json"
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        return [(p["name"], p.get("aliases") or []) for p in data["projects"]]
    return []


def evaluate(fixtures):
    """[(release file name, Score)] for every release in the answer key."""
    releases = fixtures / "press_releases"
    key = json.loads((releases / "answer_key.json").read_text(encoding="utf-8"))
    projects = load_projects(fixtures)
    results = []
    for name, entry in sorted(key.items()):
        if name.startswith("_"):
            continue
        figures = entry.get("figures")
        if isinstance(figures, str):  # "same as 001_....txt"
            figures = key[entry.get("same_article_as") or figures.split()[-1]][
                "figures"
            ]
        published = entry.get("published_on")
        text = repair_text((releases / name).read_text(encoding="utf-8"))
        predicted = [
            f.to_json()
            for f in extract_figures(
                text,
                published_on=date.fromisoformat(published) if published else None,
                projects=projects,
            )
        ]
        results.append((name, score_release(predicted, figures)))
    return results


class Command(BaseCommand):
    help = "Score the figure extractor on fixtures/press_releases (no database)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures", type=Path, default=Path(settings.BASE_DIR) / "fixtures"
        )
        parser.add_argument(
            "--verbose", action="store_true", help="list misses and extras"
        )

    def handle(self, *args, fixtures, verbose, **options):
        if not (fixtures / "press_releases" / "answer_key.json").is_file():
            raise CommandError(f"No press_releases/answer_key.json under {fixtures}.")
        results = evaluate(fixtures)
        total = Score()
        header = (
            f"{'release':<28} {'pred':>4} {'gold':>4} {'hit':>4} "
            f"{'prec':>5} {'rec':>5} {'F1':>5} {'qual':>5} {'as_of':>5} {'period':>6}"
        )
        self.stdout.write(header)
        for name, score in results:
            total.add(score)
            self.stdout.write(self._line(name, score))
        self.stdout.write(self._line("overall", total))
        if verbose:
            for gold in total.misses:
                self.stdout.write(
                    f"missed: {gold['metric']} {gold['value']} {gold['quote']!r}"
                )
            for extra in total.extras:
                self.stdout.write(
                    f"extra: {extra['metric']} {extra['value']} {extra['quote']!r}"
                )
            for name, gold, got in total.wrong:
                self.stdout.write(
                    f"wrong {name}: {got[name]} (key {gold[name]}) {gold['quote']!r}"
                )

    @staticmethod
    def _line(name, score):
        return (
            f"{name:<28} {score.predicted:>4} {score.expected:>4} {score.matched:>4} "
            f"{score.precision:>5.2f} {score.recall:>5.2f} {score.f1:>5.2f} "
            f"{score.accuracy('qualifier'):>5.2f} {score.accuracy('as_of'):>5.2f} "
            f"{score.accuracy('period'):>6.2f}"
        )
