"""Load the seed data of fixtures/ into the database, idempotently."""

import json

from django.db import transaction

from countries.services import countries_load
from projects.seeding.dashboard import load_dashboard_cards
from projects.seeding.facts import (
    cited_entries,
    load_figures,
    load_membership,
    load_projects,
)
from projects.seeding.partners import load_partners
from projects.seeding.releases import load_releases
from projects.seeding.sources import reference_sources
from projects.seeding.upsert import SeedReport


def seed_all(*, fixtures_dir):
    """Countries, projects, press releases, facts, membership events, the
    partner register and the dashboard's cards.

    One transaction: a failure leaves the database as it was. Running it
    again changes nothing (the report then shows only unchanged rows).
    """
    report = SeedReport()
    facts = json.loads((fixtures_dir / "bri_facts.json").read_text(encoding="utf-8"))
    with transaction.atomic():
        counts = countries_load(path=fixtures_dir / "countries.json")
        report.counts["countries"].update(counts)
        # Cited sources first: a milestone that cites a bare URL finds the
        # full record when the facts have one.
        sources = reference_sources(report, cited_entries(facts))
        projects = load_projects(
            report, catalogue_path=fixtures_dir / "projects.json", facts=facts
        )
        load_releases(report, folder=fixtures_dir / "press_releases")
        load_figures(report, facts=facts, projects=projects, sources=sources)
        # The register first: a membership event that reports one of its
        # documents again adds no second agreement.
        load_partners(report, path=fixtures_dir / "partners.json")
        load_membership(
            report,
            events_path=fixtures_dir / "membership_events.json",
            facts=facts,
            sources=sources,
        )
        load_dashboard_cards(report, path=fixtures_dir / "dashboard_cards.json")
    return report
