"""The metrics code relies on. Keys match fixtures/press_releases/answer_key.json."""

from django.db import migrations

# key, name, unit, is_currency, aggregation, description
METRICS = [
    ("partner_countries", "Partner countries", "countries", False, "cumulative",
     "Countries that have signed BRI cooperation documents with China."),
    ("partner_organizations", "Partner organisations", "organisations", False,
     "cumulative",
     "International organisations that have signed BRI cooperation documents."),
    ("partners", "Partners (countries and organisations)", "partners", False,
     "cumulative",
     "Countries and international organisations counted together."),
    ("agreements", "Cooperation documents", "documents", False, "cumulative",
     "BRI cooperation documents signed with China."),
    ("investment_usd", "Investment", "", True, "flow",
     "Investment or engagement in US dollars; the period says whether it is a "
     "year's flow or a cumulative total."),
    ("engagement_usd", "BRI engagement", "", True, "flow",
     "Investment plus construction contracts, as the Griffith Asia Institute / "
     "Green Finance & Development Center count it."),
    ("construction_usd", "Construction contracts", "", True, "flow",
     "Value of construction contracts signed."),
    ("cooperative_projects", "Cooperative projects", "projects", False, "cumulative",
     "Cooperation projects created under the initiative."),
    ("freight_trips", "Freight train trips", "trips", False, "flow",
     "Freight train journeys run."),
    ("passengers", "Passengers", "passengers", False, "flow",
     "Passenger journeys carried."),
    ("cargo_tonnes", "Cargo", "tonnes", False, "flow", "Freight carried."),
    ("teu", "Containers", "TEU", False, "flow",
     "Twenty-foot equivalent units of containers handled or carried."),
    ("capacity_gw", "Installed capacity", "GW", False, "stock",
     "Installed generating capacity in gigawatts."),
    ("jobs", "Jobs", "jobs", False, "stock", "Jobs created or sustained."),
    ("enterprises", "Enterprises", "enterprises", False, "stock",
     "Enterprises established."),
    ("people_out_of_poverty", "People lifted out of poverty", "people", False,
     "cumulative", "People lifted, or projected to be lifted, out of poverty."),
    ("cost_usd", "Project cost", "", True, "stock",
     "Estimated or reported cost of a project in US dollars."),
    ("countries_reached", "Countries reached", "countries", False, "stock",
     "Countries a service or programme reaches or is present in."),
    ("people_trained", "People trained", "people", False, "cumulative",
     "Students and trainees of a training programme."),
    ("workshops", "Workshops and centres", "workshops", False, "stock",
     "Training workshops, centres or demonstration bases of a programme."),
    ("other", "Other figure", "", False, "stock",
     "A secondary figure (a length, a share, an amount in another currency); "
     "its “counted” field says what it is."),
]


def create_metrics(apps, schema_editor):
    Metric = apps.get_model("projects", "Metric")
    for order, (key, name, unit, currency, aggregation, description) in (
        enumerate(METRICS, start=1)
    ):
        Metric.objects.update_or_create(
            key=key,
            defaults={
                "name": name,
                "unit": unit,
                "is_currency": currency,
                "aggregation": aggregation,
                "description": description,
                "sort_order": order * 10,
            },
        )


def remove_metrics(apps, schema_editor):
    Metric = apps.get_model("projects", "Metric")
    Metric.objects.filter(key__in=[row[0] for row in METRICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(create_metrics, remove_metrics)]
