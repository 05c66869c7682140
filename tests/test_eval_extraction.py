"""The extraction scorer (projects.evaluation) and ``manage.py eval_extraction``.

No database: pytest-django refuses any query from these tests, so they also
check that the command needs none.
"""

import copy
import importlib.util
import io
import json
import os
import random
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from projects import evaluation
from projects.evaluation import AsOfError, Scope, Totals, count_errors, score_release
from projects.management.commands import eval_extraction
from projects.management.commands.eval_extraction import (
    DEVSET_DIR,
    FIXTURES_DIR,
    load_devset,
    load_seed,
)
from projects.management.commands.extract_figures import read_release

# The development set's own scorer, copied with the set, which the module must
# agree with.
SCORE_PY = Path(
    os.environ.get(
        "EXTRACTION_SCORE_PY",
        Path(settings.BASE_DIR) / "tests/data/extraction-devset/score.py",
    )
)
PUBLISHED = "2024-06-20"


def item(metric="passengers", value=1000, **extra):
    return {
        "metric": metric,
        "value": value,
        "qualifier": "exact",
        "as_of": "2024-05-31",
        "period": "cumulative",
        "quote": f"carried {value} of them",
        "project": None,
        "change_percent": None,
        **extra,
    }


def score(key, predictions):
    return score_release("r", key, predictions)


# --------------------------------------------------------------------------
# Matching and counting


def test_a_perfect_answer_scores_one():
    key = [item(), item("other", 142.3, as_of=None, period=None)]
    result = score(key, copy.deepcopy(key))
    for scope in Scope:
        s = result.scope(scope)
        assert (s.precision, s.recall, s.f1, s.fully_right) == (1.0, 1.0, 1.0, 1.0)
    assert result.primary.expected == 1
    assert result.secondary.expected == 2


def test_value_tolerance_is_half_a_percent_of_the_key():
    assert score([item(value=1000)], [item(value=1005)]).primary.true_positives == 1
    assert score([item(value=1000)], [item(value=995)]).primary.true_positives == 1
    missed = score([item(value=1000)], [item(value=1006)])
    assert missed.primary.true_positives == 0
    assert missed.primary.predicted == missed.primary.expected == 1


def test_a_metric_mismatch_is_a_miss_and_a_spurious_prediction():
    key = [item("investment_usd", 1.3e9, quote="cost 1.3 billion dollars")]
    got = [item("other", 1.3e9, quote="cost 1.3 billion dollars")]
    result = score(key, got)
    assert result.primary.true_positives == 0
    assert result.primary.predicted == 0  # "other" is not a primary metric
    assert result.secondary.predicted == 1
    assert [k.metric for k in result.missed] == ["investment_usd"]
    assert [p.metric for p in result.spurious] == ["other"]
    errors = count_errors(result, PUBLISHED)
    assert errors.metric_confusions == {"investment_usd -> other": 1}
    assert errors.missed_by_metric == {"investment_usd": 1}
    assert errors.spurious_by_metric == {"other": 1}


def test_an_optional_item_is_neither_required_nor_penalised():
    key = [item(), item("teu", 1700, optional=True)]
    matched = score(key, [item(), item("teu", 1700)])
    assert (matched.primary.true_positives, matched.primary.predicted) == (1, 1)
    assert matched.primary.expected == 1
    assert matched.ignored_optional == 1
    unmatched = score(key, [item()])
    assert unmatched.primary.recall == 1.0
    assert unmatched.missed == []


def test_accept_lists_give_further_right_answers():
    key = [
        item(
            qualifier="about",
            as_of=None,
            period="year",
            accept={
                "qualifier": ["exact"],
                "as_of": [PUBLISHED],
                "period": ["to_date"],
            },
        )
    ]
    got = [item(qualifier="exact", as_of=PUBLISHED, period="ytd")]
    attributes = score(key, got).primary.attributes
    assert (attributes.qualifier, attributes.as_of, attributes.period) == (1, 1, 1)
    wrong = score(key, [item(qualifier="up to", as_of="2024-01-31", period="month")])
    attributes = wrong.primary.attributes
    assert (attributes.matched, attributes.qualifier, attributes.as_of) == (1, 0, 0)
    assert attributes.all_right == 0


def test_duplicate_predictions_collapse_into_one():
    got = [item(), item(quote="1,000 of them"), item(value=1002)]
    result = score([item()], got)
    assert result.duplicates == 2
    assert result.primary.predicted == 1
    assert result.primary.precision == 1.0
    # A different period is a different figure, not a duplicate.
    result = score([item()], [item(), item(period="year")])
    assert (result.duplicates, result.primary.predicted) == (0, 2)


def test_synonyms_and_partial_dates_are_normalised():
    key = [item(qualifier="more_than", as_of="2023-12-31", period="year")]
    got = [item(metric="Passengers", qualifier="over", as_of="2023", period="Annual")]
    attributes = score(key, got).primary.attributes
    assert (attributes.qualifier, attributes.as_of, attributes.period) == (1, 1, 1)
    assert evaluation.normalise_date("2024-02") == "2024-02-29"
    assert evaluation.normalise_qualifier(None) == "exact"
    assert evaluation.normalise_period("H1") == "half_year"


def test_the_best_quote_wins_when_values_tie():
    key = [
        item(value=100, quote="100 trains left Chongqing"),
        item(value=100, quote="100 trains arrived in Duisburg", as_of="2024-04-30"),
    ]
    got = [
        item(value=100, quote="100 trains arrived in Duisburg", as_of="2024-04-30"),
        item(value=100, quote="100 trains left Chongqing", period="year"),
    ]
    result = score(key, got)
    assert {(m.key.index, m.prediction.index) for m in result.matches} == {
        (0, 1),
        (1, 0),
    }
    # Grouped only by metric, value, as_of and period: these two differ.
    assert result.duplicates == 0


def test_invalid_predictions_count_as_wrong_in_both_scopes():
    result = score([item()], [item(), "junk", {"metric": "teu", "value": "n/a"}])
    assert len(result.invalid) == 2
    assert result.primary.predicted == result.secondary.predicted == 3
    assert count_errors(result, PUBLISHED).spurious_by_metric == {"(invalid)": 2}


@pytest.mark.parametrize(
    ("expected", "got", "kind"),
    [
        ("2024-05-31", PUBLISHED, AsOfError.PUBLICATION_DATE),
        ("2024-05-31", None, AsOfError.NULL_FOR_DATE),
        (None, "2024-05-31", AsOfError.DATE_FOR_NULL),
        ("2024-05-31", "2024-04-30", AsOfError.WRONG_MONTH_DAY),
        ("2024-05-31", "2023-05-31", AsOfError.WRONG_YEAR),
        ("2024-05-31", "soon", AsOfError.UNREADABLE),
    ],
)
def test_wrong_as_of_dates_are_classified(expected, got, kind):
    assert evaluation.classify_as_of(expected, got, PUBLISHED) is kind


def test_attribute_errors_are_counted_as_expected_to_got():
    key = [item(), item("teu", 5e6, qualifier="about", period="year")]
    got = [
        item(as_of=PUBLISHED),
        item("teu", 5e6, qualifier="exact", as_of=None, period="cumulative"),
    ]
    errors = count_errors(score(key, got), PUBLISHED)
    assert errors.qualifier == {"about -> exact": 1}
    assert errors.period == {"year -> cumulative": 1}
    assert errors.as_of == {
        AsOfError.PUBLICATION_DATE: 1,
        AsOfError.NULL_FOR_DATE: 1,
    }
    assert {e.kind for e in errors.entries} == {"qualifier", "as_of", "period"}


# --------------------------------------------------------------------------
# Agreement with the development set's score.py


def _load_score_py():
    assert SCORE_PY.is_file(), f"score.py not found at {SCORE_PY}"
    spec = importlib.util.spec_from_file_location("devset_score", SCORE_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Spellings the normalisers must treat alike, besides every synonym score.py knows.
QUALIFIER_FORMS = [None, "Up-To", "at least", "More Than", "guess", 3]
PERIOD_FORMS = [None, "Year To Date", "semi-annual", "Q1", "fortnight", 7]
DATE_FORMS = [
    None,
    "",
    "null",
    "2023",
    "2024-02",
    "2024-13",
    "2023-02-30",
    "soon",
    2024,
]
VALUE_FACTORS = [1.004, 0.996, 1.0049, 1.0051, 1.0055, 0.994, 1.02]


def _canned(reference, key, published_on, seed):
    """Predictions made from a key by seeded damage: drops, values on both sides
    of the tolerance, synonyms, partial and wrong dates, swapped metrics,
    changed quotes, duplicates, rival predictions and junk."""
    rng = random.Random(seed)
    qualifiers = [*reference.QUALIFIER_SYNONYMS, *QUALIFIER_FORMS]
    periods = [*reference.PERIOD_SYNONYMS, *PERIOD_FORMS]
    out = []
    for k in key:
        if rng.random() < 0.15:
            continue
        p = {f: copy.deepcopy(v) for f, v in k.items() if rng.random() > 0.05}
        roll = rng.random()
        if "value" in p and roll < 0.2:
            p["value"] = k["value"] * rng.choice(VALUE_FACTORS)
        elif "value" in p and roll < 0.25:
            p["value"] = f"{k['value']:,}"
        if rng.random() < 0.3:
            p["qualifier"] = rng.choice(qualifiers)
        roll = rng.random()
        if roll < 0.15:
            p["as_of"] = published_on
        elif roll < 0.25:
            p["as_of"] = rng.choice(DATE_FORMS)
        elif roll < 0.35 and k.get("as_of"):
            p["as_of"] = k["as_of"][:7] if rng.random() < 0.5 else k["as_of"][:4]
        elif roll < 0.4 and (k.get("accept") or {}).get("as_of"):
            p["as_of"] = k["accept"]["as_of"][0]
        if rng.random() < 0.3:
            p["period"] = rng.choice(periods)
        roll = rng.random()
        if roll < 0.1:
            p["metric"] = "other" if k["metric"] != "other" else "freight_trips"
        elif roll < 0.15:
            p["metric"] = k["metric"].replace("_", " ").title()
        roll = rng.random()
        if roll < 0.15:
            p["quote"] = (k.get("quote") or "")[: rng.randint(0, 30)]
        elif roll < 0.2:
            p["quote"] = "a different sentence entirely"
        elif roll < 0.25:
            words = (k.get("quote") or "").split()
            p["quote"] = " ".join(rng.sample(words, len(words) // 2))
        elif roll < 0.3:
            p["quote"] = f"Officials said {k.get('quote')} on Monday"
        if rng.random() < 0.2:
            p["change_percent"] = rng.choice([None, 3.0, -18.9, "12.5", 3.04])
        if rng.random() < 0.2:
            p["project"] = rng.choice([None, "SGR", "Whoosh (KCJB)", "BRI", "x"])
        out.append(p)
        roll = rng.random()
        value = p.get("value")
        if roll < 0.1:  # a duplicate, the same figure again in other words
            if isinstance(value, float | int):
                value *= rng.choice([1, 1.00502, 0.99499])
            out.append(dict(p, quote="restated", value=value))
        elif roll < 0.15:  # a duplicate that differs only in what is informative
            out.append(dict(p, project="elsewhere", change_percent=99))
        elif roll < 0.35:  # a rival: another date, so not a duplicate
            rival = dict(p, as_of="1999-12-31", quote=rng.choice(["", "x", k["quote"]]))
            out.insert(rng.randint(0, len(out)), rival)
    out.extend(
        [
            "junk",
            {"metric": None, "value": 3},
            {"metric": "teu", "value": "n/a"},
            {"metric": "passengers", "value": 123457, "quote": "spurious"},
            {"metric": "other", "value": 2013},
            {"metric": "teu", "value": 0},
        ][: seed % 7]
    )
    rng.shuffle(out)
    return out


def test_the_vocabularies_are_score_pys():
    reference = _load_score_py()
    assert evaluation.REL_TOL == reference.REL_TOL
    assert evaluation.QUALIFIER_SYNONYMS == reference.QUALIFIER_SYNONYMS
    assert evaluation.PERIOD_SYNONYMS == reference.PERIOD_SYNONYMS
    assert evaluation.PROJECT_ALIASES == reference.PROJECT_ALIASES
    assert list(evaluation.MOJIBAKE) == reference.MOJIBAKE


def _compare(reference, release_name, key, predictions):
    ours = score_release(release_name, key, predictions)
    theirs = reference.score_release({"slug": release_name, "key": key}, predictions)
    for scope, name in ((Scope.PRIMARY, "primary"), (Scope.SECONDARY, "all")):
        s, t = ours.scope(scope), theirs[name]
        a = s.attributes
        assert (s.true_positives, s.predicted, s.expected) == (
            t["tp"],
            t["pred"],
            t["key"],
        )
        assert (
            a.matched,
            a.qualifier,
            a.as_of,
            a.period,
            a.change_percent,
            a.project,
        ) == tuple(
            t["attrs"][f]
            for f in ("n", "qualifier", "as_of", "period", "change_percent", "project")
        )
    assert [k.index for k in ours.missed] == [k["idx"] for k in theirs["missed"]]
    assert [p.index for p in ours.spurious] == [v["idx"] for v in theirs["unmatched"]]
    # Which prediction went with which key item, where score.py shows it.
    assert [
        (m.key.index, m.prediction.index) for m in ours.matches if not m.check.all_right
    ] == [(k["idx"], v["idx"]) for k, v, *_checks in theirs["attr_errors"]]
    assert ours.duplicates == theirs["dups"]
    assert ours.ignored_optional == theirs["ignored_optional"]
    assert len(ours.invalid) == len(theirs["invalid"])
    return ours


@pytest.mark.parametrize("seed", range(1, 17))
def test_totals_equal_score_py_on_canned_predictions(seed):
    reference = _load_score_py()
    releases = reference.load_releases(str(DEVSET_DIR))
    canned = {
        rel["slug"]: _canned(
            reference, rel["key"], rel["meta"]["published_on"], seed * 100 + i
        )
        for i, rel in enumerate(releases)
    }
    theirs = reference.evaluate(
        releases, lambda rel: (canned[rel["slug"]], None, None), out=io.StringIO()
    )
    ours = Totals()
    for rel in releases:
        ours.add(_compare(reference, rel["slug"], rel["key"], canned[rel["slug"]]))
    for scope, name in ((Scope.PRIMARY, "primary"), (Scope.SECONDARY, "all")):
        s, t = ours.scope(scope), theirs[name]
        assert (s.true_positives, s.predicted, s.expected) == (
            t["tp"],
            t["pred"],
            t["key"],
        )
        assert (s.precision, s.recall, s.f1) == reference.prf(
            t["tp"], t["pred"], t["key"]
        )
        assert s.attributes.matched == t["attrs"]["n"]
        for field in ("qualifier", "as_of", "period"):
            assert getattr(s.attributes, field) == t["attrs"][field]
    # The damage must have exercised what is compared.
    assert ours.duplicates and ours.ignored_optional and ours.secondary.predicted
    assert 0 < ours.primary.attributes.as_of < ours.primary.attributes.matched


def test_tie_breaks_agree_with_score_py():
    reference = _load_score_py()
    key = [item(value=1000), item(value=1000, quote="another 1000", as_of=None)]
    cases = [
        # Same quote and attributes: the closer value wins.
        [item(value=1004, as_of="2024-01-31"), item(value=1001, as_of="2024-02-29")],
        [item(value=1001, as_of="2024-02-29"), item(value=1004, as_of="2024-01-31")],
        # Everything equal: the earlier prediction, the earlier key item.
        [item(value=1000, as_of="2024-01-31"), item(value=1000, as_of="2024-02-29")],
        [item(value=1000, quote=""), item(value=1000, quote="", as_of=None)],
    ]
    for predictions in cases:
        ours = _compare(reference, "r", key, predictions)
        assert ours.matches
    # One prediction fits two key items equally well: the earlier item wins.
    twins = [item(value=1000), item(value=1000, quote="another 1000")]
    ours = _compare(reference, "r", twins, [item(quote="", as_of="2020-01-31")])
    assert [k.index for k in ours.missed] == [1]


def test_seed_keys_score_as_score_py_scores_them():
    reference = _load_score_py()
    for i, release in enumerate(load_seed(FIXTURES_DIR / "press_releases")):
        published = release.published_on.isoformat() if release.published_on else None
        _compare(
            reference,
            release.name,
            release.key,
            _canned(reference, release.key, published, i),
        )


# --------------------------------------------------------------------------
# The command


def run(*args):
    out = io.StringIO()
    call_command("eval_extraction", *args, stdout=out)
    return out.getvalue()


def test_the_command_scores_both_sets_with_and_without_the_date():
    output = run()
    headings = [line for line in output.splitlines() if line.startswith("== ")]
    assert headings == [
        "== development set (tests/data/extraction-devset), with publication date",
        "== development set (tests/data/extraction-devset), without publication date",
        "== seed releases (fixtures/press_releases), with publication date",
        "== seed releases (fixtures/press_releases), without publication date",
    ]
    assert output.count("key=149 precision=") == 2  # the devset's primary key
    assert output.count("primary F1 >= 0.92: ") == 2
    assert "as_of (primary matched) >= 0.90: " in output
    assert "as_of (primary matched) >= 0.85: " in output
    for heading in (
        "missed by metric: ",
        "spurious by metric: ",
        "wrong qualifier (expected -> got): ",
        "wrong as_of: ",
        "wrong period (expected -> got): ",
        "metric confusions (expected -> got): ",
        "fully right (matched, qualifier, as_of and period right): ",
    ):
        assert output.count(heading) == 8 if "fully" in heading else 4, heading
    assert "01_whoosh_daily_record_nov_2023 " in output
    assert "001_90c20908238a66e3.txt " in output


def _key_as_figures(monkeypatch):
    """An extractor that answers each devset release with its own key, and
    records what it was given."""
    keys = {read_release(r.path): r for r in load_devset(DEVSET_DIR)}
    calls = []

    class Answer(dict):
        def to_json(self):
            return dict(self)

    def fake(text, *, published_on=None, projects=()):
        calls.append((keys[text].name, published_on, projects))
        return [Answer(k) for k in keys[text].key]

    monkeypatch.setattr(eval_extraction, "extract_figures", fake)
    return keys, calls


def test_the_key_itself_meets_every_target(monkeypatch, tmp_path):
    keys, calls = _key_as_figures(monkeypatch)
    report = tmp_path / "report.json"
    output = run("--set", "devset", "--with-published-on", "--json-report", report)
    assert "precision=1.0 recall=1.0 f1=1.0" in output
    assert "MISSED" not in output
    verdicts = [
        line.rsplit(" ", 1)[-1] for line in output.splitlines() if " >= " in line
    ]
    assert verdicts == ["met"] * 5
    assert {name: day.isoformat() for name, day, _ in calls} == {
        r.name: r.published_on.isoformat() for r in keys.values()
    }
    names = {name for name, _aliases in calls[0][2]}
    assert "China-Laos Railway" in names  # from fixtures/projects.json
    data = json.loads(report.read_text(encoding="utf-8"))
    (only,) = data["runs"]
    assert (only["set"], only["published_on"]) == ("devset", True)
    assert only["primary"]["f1"] == 1.0
    assert all(t["met"] for t in only["targets"])
    assert len(only["releases"]) == 24


def test_without_the_date_the_extractor_gets_none(monkeypatch):
    _keys, calls = _key_as_figures(monkeypatch)
    output = run("--set", "devset", "--without-published-on", "--verbose")
    assert {day for _, day, _ in calls} == {None}
    assert "without publication date" in output
    assert "with publication date" not in output


def test_verbose_lists_each_error_with_release_and_quote(monkeypatch):
    keys, _calls = _key_as_figures(monkeypatch)
    release = next(iter(keys.values()))
    changed = next(k for k in release.key if not k.get("optional"))
    changed["qualifier"] = "up_to"  # no key item of the first release has it
    output = run("--set", "devset", "--with-published-on", "--verbose")
    (line,) = [line for line in output.splitlines() if line.startswith("    ")]
    assert release.name in line and "qualifier" in line
    assert repr(changed["quote"][:100]) in line


def test_a_crash_is_zero_predictions_not_a_failure(monkeypatch):
    def crash(text, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(eval_extraction, "extract_figures", crash)
    output = run("--set", "seed", "--with-published-on")
    assert output.count("ERROR: RuntimeError: boom") == 5
    assert "tp=0 pred=0 key=23" in output


def test_wrong_arguments_are_an_error():
    with pytest.raises(CommandError):
        run("--set", "everything")
    with pytest.raises(CommandError):
        run("--with-published-on", "--without-published-on")
    with pytest.raises(CommandError):
        run("--set", "devset", "--devset", "/nonexistent")


def test_the_seed_releases_are_scored_from_their_answer_key(tmp_path):
    # How well the extractor does is for the extractor's tests; this checks
    # that answer_key.json (with its "same as" entries) is read and scored.
    report = tmp_path / "seed.json"
    run("--set", "seed", "--with-published-on", "--json-report", report)
    (seed,) = json.loads(report.read_text(encoding="utf-8"))["runs"]
    assert (seed["set"], seed["targets"]) == ("seed", [])
    assert seed["primary"]["key"] == 23
    assert [r["release"] for r in seed["releases"]] == [
        f"00{n}_{h}.txt"
        for n, h in enumerate(
            [
                "3b19b20ccf679d27",
                "90c20908238a66e3",
                "26bcc669322f025c",
                "f35c664620660bae",
                "fb344b9d2ee28df1",
            ]
        )
    ]
    assert 0 <= seed["primary"]["f1"] <= 1
