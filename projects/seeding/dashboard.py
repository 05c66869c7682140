"""The dashboard's first headline cards (fixtures/dashboard_cards.json)."""

import json

from projects.models import DashboardCard, Metric, Project
from projects.seeding.upsert import upsert


def load_dashboard_cards(report, *, path):
    cards = json.loads(path.read_text(encoding="utf-8"))["cards"]
    for order, card in enumerate(cards, start=1):
        upsert(
            DashboardCard,
            report,
            lookup={
                "metric": Metric.objects.get(key=card["metric"]),
                "project": (
                    Project.objects.get(slug=card["project"])
                    if card["project"]
                    else None
                ),
                "period": card["period"],
            },
            values={"title": card["title"], "sort_order": order * 10},
        )
