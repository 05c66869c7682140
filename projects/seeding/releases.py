"""The five press releases and their answer key (fixtures/press_releases/)."""

import json
from datetime import date
from decimal import Decimal

from countries.models import Country, PartnerAgreement
from projects.models import Metric, Milestone, Observation, Project
from projects.seeding.sources import release_source
from projects.seeding.upsert import upsert
from sources.dates import DatePrecision
from sources.periods import period_start_for


def _optional_date(text):
    return date.fromisoformat(text) if text else None


def load_releases(report, *, folder):
    """Store every release as a Source and every answer-key figure, milestone
    and agreement as rows quoting it. Returns {file name: Source}."""
    key = json.loads((folder / "answer_key.json").read_text(encoding="utf-8"))
    editorial = json.loads((folder / "editorial.json").read_text(encoding="utf-8"))
    releases = {name: meta for name, meta in key.items() if not name.startswith("_")}
    sources = {}
    # Originals first, so that a duplicate can point to its original.
    for name, meta in sorted(releases.items(), key=lambda i: "same_article_as" in i[1]):
        original_name = meta.get("same_article_as")
        original_meta = releases.get(original_name, {})
        merged = {**original_meta, **meta} if original_name else meta
        sources[name] = release_source(
            report,
            path=folder / name,
            meta={**merged, "dateline": meta.get("dateline")},
            language=editorial["releases"][name]["language"],
            duplicate_of=sources.get(original_name),
        )
    for name, meta in releases.items():
        if isinstance(meta.get("figures"), list):
            notes = editorial["releases"][name].get("figure_notes", {})
            for figure in meta["figures"]:
                _figure(report, figure, sources[name], notes)
        extras = editorial["releases"][name]
        for item in meta.get("milestones", []):
            _milestone(report, item, sources[name], extras["milestone_quotes"])
        for item in meta.get("agreements", []):
            _agreement(report, item, sources[name], extras)
    return sources


def _project(name):
    return Project.objects.get(name=name) if name else None


def _figure(report, figure, source, notes):
    as_of = _optional_date(figure["as_of"])
    upsert(
        Observation,
        report,
        lookup={
            "metric": Metric.objects.get(key=figure["metric"]),
            "project": _project(figure["project"]),
            "source": source,
            "as_of": as_of,
            "period": figure["period"],
            "value": Decimal(str(figure["value"])),
        },
        values={
            "qualifier": figure["qualifier"],
            "as_of_precision": DatePrecision.DAY,
            "period_start": period_start_for(
                figure["period"], as_of, DatePrecision.DAY
            ),
            "change_percent": (
                Decimal(str(figure["change_percent"]))
                if figure.get("change_percent") is not None
                else None
            ),
            "quote": figure["quote"],
            "note": notes.get(figure["metric"], ""),
            "status": Observation.Status.PUBLISHED,
        },
    )


def _milestone(report, item, source, quotes):
    upsert(
        Milestone,
        report,
        lookup={"project": _project(item["project"]), "title": item["title"]},
        values={
            "date": _optional_date(item["on"]),
            "date_precision": DatePrecision.DAY,
            "source": source,
            "quote": quotes[item["title"]],
        },
    )


def _agreement(report, item, source, extras):
    partner = item["partner"]
    upsert(
        PartnerAgreement,
        report,
        lookup={
            "country": Country.objects.get(iso3=partner),
            "title": item["title"],
            "source": source,
        },
        values={
            "kind": PartnerAgreement.Kind.COOPERATION_DOCUMENT,
            "signed_on": _optional_date(item["signed_on"]),
            "quote": extras["agreement_quotes"][partner],
            "note": extras.get("agreement_notes", {}).get(partner, ""),
        },
    )
