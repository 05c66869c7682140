"""The facts file (fixtures/bri_facts.json) and the editorial files around it:
fixtures/projects.json (the project catalogue) and
fixtures/membership_events.json (how each membership event is recorded)."""

import json
from decimal import Decimal

from countries.models import Country, PartnerAgreement
from projects.models import Metric, Milestone, Observation, Project
from projects.seeding.mapping import map_fact, parse_fact_date
from projects.seeding.partners import already_recorded
from projects.seeding.sources import url_only_source
from projects.seeding.upsert import set_m2m, upsert
from sources.dates import DatePrecision, parse_partial_date

_INITIATIVE_SERIES = [
    "cooperation_documents_timeline",
    "engagement_totals_griffith_gfdc",
    "investment_and_trade_flows",
]


def _read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def load_projects(report, *, catalogue_path, facts):
    """Create the catalogue's projects, completed from their facts records,
    with their start, opening and other dated milestones. Returns
    {facts id: Project}."""
    records = {record["id"]: record for record in facts["projects"]}
    projects = {}
    for entry in _read(catalogue_path)["projects"]:
        record = records[entry["facts_id"]]
        started_on, started_precision = parse_partial_date(entry["started_on"] or "")
        opened_on, opened_precision = parse_partial_date(entry["opened_on"] or "")
        aliases = list(dict.fromkeys([*entry["aliases"], *record["common_names"]]))
        project = upsert(
            Project,
            report,
            lookup={"slug": entry["slug"]},
            values={
                "name": entry["name"],
                "official_name": record["official_name"],
                "aliases": [a for a in aliases if a != entry["name"]],
                "kind": entry["kind"],
                "sector": entry["sector"],
                "status": entry["status"],
                "region": entry["region"],
                "started_on": started_on,
                "started_on_precision": started_precision or DatePrecision.DAY,
                "opened_on": opened_on,
                "opened_on_precision": opened_precision or DatePrecision.DAY,
                "summary": entry["summary"],
                "specifications": record.get("length_capacity") or "",
                "operator": record.get("operator") or "",
                "financing": record.get("financing") or "",
                "countries_note": record.get("countries_note") or "",
                "data_gaps": "\n".join(record.get("gaps", [])),
                "latitude": _decimal(entry["latitude"]),
                "longitude": _decimal(entry["longitude"]),
                "is_signature": entry["is_signature"],
            },
        )
        set_m2m(
            project,
            report,
            "countries",
            Country.objects.filter(iso3__in=record["countries_iso3"]),
        )
        for item in entry["milestones"]:
            _project_milestone(report, project, record, item)
        projects[entry["facts_id"]] = project
    return projects


def _decimal(value):
    return None if value is None else Decimal(str(value))


def _project_milestone(report, project, record, item):
    on, precision = parse_partial_date(item["date"])
    raw = {
        "construction_start": record.get("construction_start", {}),
        "opening": record.get("opening_date", {}),
    }.get(item["kind"], {})
    upsert(
        Milestone,
        report,
        lookup={"project": project, "title": item["title"]},
        values={
            "kind": item["kind"],
            "date": on,
            "date_precision": precision,
            "source": url_only_source(
                report,
                item["source_url"],
                title=item.get("source_title", ""),
                publisher=item.get("source_publisher", ""),
            ),
            "note": " ".join(
                filter(
                    None,
                    [
                        item.get("note", ""),
                        f"As the facts give it: {raw['date']}"
                        if raw.get("date")
                        else "",
                    ],
                )
            ),
        },
    )


def cited_entries(facts):
    """Every entry of the facts file that cites a source."""
    for record in facts["projects"]:
        yield from record["observations"]
        yield from record["cost"]
    for name in [*_INITIATIVE_SERIES, "membership_events"]:
        yield from facts["initiative_wide"][name]


def load_figures(report, *, facts, projects, sources):
    """Every dated figure and cost of the facts file, each citing its source."""
    metrics = {metric.key: metric for metric in Metric.objects.all()}
    scoped = [(record["id"], record["observations"]) for record in facts["projects"]]
    scoped += [(None, facts["initiative_wide"][name]) for name in _INITIATIVE_SERIES]
    for scope, figures in scoped:
        for fact in figures:
            fields = map_fact(scope, fact)
            _observation(report, fields, metrics, projects, sources[fact["url"]])
    for record in facts["projects"]:
        for cost in record["cost"]:
            _cost(report, record, cost, metrics, projects, sources[cost["url"]])


def _observation(report, fields, metrics, projects, source):
    scope = fields.pop("scope")
    project = projects[scope] if scope else None
    lookup = {
        "metric": metrics[fields.pop("metric")],
        "project": project,
        "source": source,
        "as_of": fields.pop("as_of"),
        "period": fields.pop("period"),
        "value": fields.pop("value"),
    }
    label = f"{project or 'initiative'} {lookup['metric'].key} {lookup['value']}"
    values = {**fields, "status": Observation.Status.PUBLISHED}
    upsert(Observation, report, lookup=lookup, values=values, merge_label=label)


def _cost(report, record, cost, metrics, projects, source):
    if cost["value_usd"] is None:
        report.not_recorded.append(
            f"{record['id']} cost without a USD value ({cost.get('note', '')}); "
            "kept in the note of the project's milestone of that event"
        )
        return
    as_of, precision, approximate = parse_fact_date(cost["pub_date"], end=True)
    note = cost.get("note", "")
    if approximate or (cost["pub_date"] and as_of is None):
        note = f"{note} Stated in a source dated “{cost['pub_date']}”.".strip()
    _observation(
        report,
        {
            "scope": record["id"],
            "metric": "cost_usd",
            "value": Decimal(str(cost["value_usd"])),
            "qualifier": cost["qualifier"],
            "period": "point",
            "period_start": None,
            "as_of": as_of,
            "as_of_precision": precision or DatePrecision.DAY,
            "counted": "",
            "note": note,
        },
        metrics,
        projects,
        source,
    )


def load_membership(report, *, events_path, facts, sources):
    """Agreements, withdrawals and milestones from the membership events."""
    events = facts["initiative_wide"]["membership_events"]
    decisions = {d["facts_index"]: d for d in _read(events_path)["events"]}
    missing = set(range(len(events))) - set(decisions)
    if missing:
        raise ValueError(f"membership events without a decision: {sorted(missing)}")
    endings = {
        d["ends_facts_index"]: d
        for d in decisions.values()
        if d["record"] == "withdrawal"
    }
    for index, event in enumerate(events):
        decision = decisions[index]
        source = sources[event["url"]]
        iso3s = [code.strip() for code in event["iso3"].split(",")]
        if decision["record"] == "agreement":
            for iso3 in iso3s:
                if iso3 not in decision.get("skip_iso3", []):
                    _membership_agreement(
                        report, decision, endings.get(index), iso3, source
                    )
        else:
            _membership_milestone(report, decision, event, iso3s[0], source)


def _membership_agreement(report, decision, ending, iso3, source):
    signed_on, precision = parse_partial_date(decision["date"])
    country = Country.objects.get(iso3=iso3)
    precision = decision.get("precision", precision)
    if already_recorded(country, signed_on, precision):
        # The partner register (loaded first) has this document, sourced.
        report.not_recorded.append(
            f"{iso3} {decision['title']} ({decision['date']}): already in the "
            "partner register"
        )
        return
    ended_on = parse_partial_date(ending["date"])[0] if ending else None
    upsert(
        PartnerAgreement,
        report,
        lookup={"country": country, "title": decision["title"], "source": source},
        values={
            "kind": decision["kind"],
            "signed_on": signed_on,
            "signed_on_precision": precision,
            "status": (
                PartnerAgreement.Status.WITHDRAWN
                if ending
                else PartnerAgreement.Status.IN_FORCE
            ),
            "ended_on": ended_on,
            "note": decision.get("note", ""),
        },
    )


def _membership_milestone(report, decision, event, iso3, source):
    on, precision = parse_partial_date(decision["date"])
    upsert(
        Milestone,
        report,
        lookup={"country": Country.objects.get(iso3=iso3), "title": decision["title"]},
        values={
            "kind": Milestone.Kind.MEMBERSHIP,
            "date": on,
            "date_precision": precision,
            "source": source,
            "note": f"As the facts give it: {event['event']} ({event['date']}).",
        },
    )
