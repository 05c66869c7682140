"""Rows of a synthetic data set, built in chunks of projects.

Each project gets a name, a sector, a status, one to three countries, dates,
milestones, and time series of figures for the metrics of its sector (yearly,
quarterly, monthly or half-yearly flows, running totals, levels at a date)
with qualifiers. Its figures are grouped into sources, one in five with a
stored text that quotes every figure it gives. Countries also get sectoral
agreements, each citing a source. Everything synthetic cites a source whose
external id starts with ``synthetic/``, and synthetic project slugs start
with ``synthetic-``: that is how ``--clear`` finds them.

Rows are dicts keyed by model attribute names (``project_id``), with explicit
primary keys so that rows of one chunk can refer to each other before any of
them is written.
"""

import random
from calendar import monthrange
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from projects.synthetic import vocabulary as words

SLUG_PREFIX = "synthetic-"
EXTERNAL_ID_PREFIX = "synthetic/"
URL_PREFIX = "https://synthetic.invalid/"
STORED_TEXT_SHARE = 0.2
DRAFT_SHARE = 0.03
LAST_AS_OF = date(2026, 9, 30)
FIRST_START = date(2008, 1, 1)
QUARTER_NAMES = ["first", "second", "third", "fourth"]

STOCK_METRICS = {
    "capacity_gw",
    "jobs",
    "enterprises",
    "workshops",
    "cost_usd",
    "countries_reached",
}
CUMULATIVE_METRICS = {"people_trained"}


def figure_counts(rng, projects, observations):
    """How many figures each project gets: uneven (a few projects report a
    lot, some nothing), adding up to exactly ``observations``."""
    if projects == 0:
        return []
    weights = [min(rng.lognormvariate(0, 0.9), 6.0) for _ in range(projects)]
    scale = observations / sum(weights)
    counts = [int(weight * scale) for weight in weights]
    for index in rng.sample(range(projects), observations - sum(counts)):
        counts[index] += 1
    return counts


class Ids:
    """The next free primary key of each table."""

    def __init__(self, starts):
        self.next = dict(starts)

    def take(self, table):
        value = self.next[table]
        self.next[table] = value + 1
        return value


class RowBuilder:
    def __init__(self, *, seed, metrics, countries, ids, today=None):
        self.rng = random.Random(seed)
        self.metric_ids = {key: pk for key, pk, _ in metrics}
        # Series stop growing below the largest value editors may save
        # unquestioned (Metric.plausible_max).
        self.ceilings = {
            key: float(limit) * 0.9 for key, _, limit in metrics if limit is not None
        }
        self.metric_names = {}
        self.ids = ids
        self.today = today or timezone.localdate()
        self.last_as_of = min(LAST_AS_OF, self.today - timedelta(days=30))
        self.now = timezone.now()
        self.names = set()
        self.slugs = set()
        rng = self.rng
        # Partner-like countries, a few with many projects and many with few.
        pool = [c for c in countries if c["region"] and c["iso3"] != "CHN"]
        if not pool:
            raise ValueError(
                "No partner countries to place projects in: load the countries "
                "first (manage.py seed)."
            )
        rng.shuffle(pool)
        self.countries = pool
        self.country_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(pool))]
        self.sector_keys = list(words.SECTORS)
        self.sector_weights = [s.weight for s in words.SECTORS.values()]

    # Projects

    def chunk(self, figure_counts):
        """Rows of every table for one chunk of projects."""
        rows = {
            "sources": [],
            "projects": [],
            "project_countries": [],
            "milestones": [],
            "observations": [],
        }
        for count in figure_counts:
            self._project(rows, count)
        return rows

    def agreements(self, count):
        rows = {"sources": [], "agreements": []}
        for _ in range(count):
            self._agreement(rows)
        return rows

    def _project(self, rows, figure_count):
        rng = self.rng
        sector = rng.choices(self.sector_keys, self.sector_weights)[0]
        words_of = words.SECTORS[sector]
        name, slug = self._unique_name(rng.choice(words_of.patterns))
        status = _weighted(rng, words.STATUSES)
        countries = self._countries()
        started = _random_date(rng, FIRST_START, date(2024, 12, 31))
        opened = None
        if status in ("operational", "completed", "suspended"):
            opened = min(
                started + timedelta(days=rng.randint(200, 2000)), self.last_as_of
            )
        if status == "planned":
            started = None
        project_id = self.ids.take("projects")
        has_location = rng.random() < 0.6
        rows["projects"].append(
            {
                "id": project_id,
                "name": name,
                "official_name": "",
                "slug": slug,
                "aliases": [_initials(name)] if rng.random() < 0.1 else [],
                "kind": words_of.kind,
                "sector": sector,
                "status": status,
                "countries_note": "",
                "region": "",
                "started_on": started,
                "started_on_precision": rng.choice(["day", "month", "year"]),
                "opened_on": opened,
                "opened_on_precision": rng.choice(["day", "month"]),
                "summary": _summary(name, sector, status, countries),
                "specifications": "",
                "operator": "",
                "financing": "",
                "data_gaps": "",
                "latitude": _coordinate(rng, -40, 60) if has_location else None,
                "longitude": _coordinate(rng, -20, 150) if has_location else None,
                "is_signature": False,
                "figure_count": 0,
                "latest_as_of": None,
                "version": 1,
                "created_at": self.now,
                "updated_at": self.now,
            }
        )
        for country in countries:
            rows["project_countries"].append(
                {"project_id": project_id, "country_id": country["id"]}
            )
        for kind, day, title in (
            ("construction_start", started, "Construction started"),
            ("opening", opened, "Opened"),
        ):
            if day is not None:
                rows["milestones"].append(self._milestone(project_id, kind, day, title))
        figures = self._figures(name, words_of.metrics, figure_count, project_id)
        self._cite(rows, name, figures, countries[0])

    def _unique_name(self, pattern):
        """A name and slug no other project of this run has."""
        rng = self.rng
        for attempt in range(50):
            name = pattern.format(a=_place(rng), b=_place(rng))
            if attempt >= 20:
                name = f"{name} {attempt}"
            slug = SLUG_PREFIX + slugify(name)[: 90 - len(SLUG_PREFIX)]
            if name not in self.names and slug not in self.slugs:
                self.names.add(name)
                self.slugs.add(slug)
                return name, slug
        raise RuntimeError("could not find a unique project name")

    def _countries(self):
        rng = self.rng
        count = min(rng.choices([1, 2, 3], [85, 11, 4])[0], len(self.countries))
        chosen = {}
        while len(chosen) < count:
            country = rng.choices(self.countries, self.country_weights)[0]
            chosen[country["id"]] = country
        return list(chosen.values())

    def _milestone(self, project_id, kind, day, title):
        return {
            "id": self.ids.take("milestones"),
            "project_id": project_id,
            "country_id": None,
            "kind": kind,
            "date": day,
            "date_precision": "day",
            "title": title,
            "note": "",
            "source_id": None,
            "quote": "",
            "version": 1,
            "created_at": self.now,
            "updated_at": self.now,
        }

    # Figures

    def _figures(self, name, metrics, count, project_id):
        """``count`` figures over the sector's metrics, the first metric the
        most reported; each as (row, sentence), oldest first."""
        if count == 0:
            return []
        shares = [4, 2, 1, 1][: len(metrics)]
        per_metric = [0] * len(metrics)
        for index in self.rng.choices(range(len(metrics)), shares, k=count):
            per_metric[index] += 1
        figures = []
        for metric, n in zip(metrics, per_metric, strict=True):
            if n:
                figures.extend(self._series(name, metric, n, project_id))
        figures.sort(key=lambda item: item[0]["as_of"])
        return figures

    def _series(self, name, metric, count, project_id):
        rng = self.rng
        if metric in STOCK_METRICS:
            period = "point"
        elif metric in CUMULATIVE_METRICS:
            period = "cumulative"
        else:
            period = _weighted(
                rng,
                [("year", 45), ("quarter", 25), ("cumulative", 15), ("half_year", 8)]
                + [("month", 7)],
            )
        # Long series are reported more often, not over more decades.
        if count > 40 and period != "point":
            period = "month"
        elif count > 15 and period in ("year", "half_year"):
            period = "quarter"
        ends = _period_ends(period, count, self.last_as_of, rng)
        magnitude = words.MAGNITUDES[metric]
        value = _log_uniform(rng, magnitude.low, magnitude.high)
        ceiling = self.ceilings.get(metric, float("inf"))
        total = 0.0
        series = []
        previous = None
        for as_of in ends:  # oldest first
            value = min(value * rng.uniform(0.95, 1.2), ceiling)
            stated = _three_digits(value, magnitude.decimals)
            if period == "cumulative":
                total = min(total + value, ceiling)
                stated = _three_digits(total, magnitude.decimals)
            qualifier = _weighted(rng, words.QUALIFIERS)
            change = None
            if period == "year" and previous and rng.random() < 0.3:
                change = round(Decimal((stated / previous - 1) * 100), 2)
            previous = stated
            row = {
                "id": self.ids.take("observations"),
                "metric_id": self.metric_ids[metric],
                "project_id": project_id,
                "value": Decimal(str(stated)),
                "qualifier": qualifier,
                "period": period,
                "period_start": _period_start(period, as_of),
                "as_of": as_of,
                "as_of_precision": "day" if period == "point" else "month",
                "change_percent": change,
                "source_id": None,  # set by _cite
                "quote": "",
                "counted": "",
                "unit": "",
                "confidence": "",
                "note": "",
                "status": "draft" if rng.random() < DRAFT_SHARE else "published",
                "value_checked": False,
                "version": 1,
                "created_at": self.now,
                "updated_at": self.now,
            }
            sentence = _sentence(name, metric, stated, qualifier, period, as_of)
            series.append((row, sentence))
        return series

    def _cite(self, rows, name, figures, country):
        """Groups the figures, oldest first, into sources of 5 to 15."""
        rng = self.rng
        start = 0
        while start < len(figures):
            size = rng.randint(5, 15)
            group = figures[start : start + size]
            start += size
            source = self._source(name, group, country)
            rows["sources"].append(source)
            for row, sentence in group:
                row["source_id"] = source["id"]
                if source["text"]:
                    row["quote"] = sentence
                rows["observations"].append(row)

    def _source(self, name, group, country):
        rng = self.rng
        source_id = self.ids.take("sources")
        newest = group[-1][0]["as_of"]
        published = min(newest + timedelta(days=rng.randint(3, 45)), self.today)
        publisher = _weighted(rng, words.PUBLISHERS)
        title = f"{name}: figures to {newest:%B %Y}"
        text = ""
        if rng.random() < STORED_TEXT_SHARE:
            body = " ".join(sentence for _, sentence in group)
            text = (
                f"{title}\n\n{country['name']}, {published:%-d %B %Y} ({publisher}) "
                f"-- {body}\n\nThe figures were released by the operator."
            )
        return self._source_row(source_id, title, publisher, published, text)

    def _source_row(self, source_id, title, publisher, published, text):
        return {
            "id": source_id,
            "title": title[:500],
            "publisher": publisher,
            "published_on": published,
            "published_on_precision": "day",
            "date_note": "",
            "url": f"{URL_PREFIX}{source_id}",
            "external_id": f"{EXTERNAL_ID_PREFIX}{source_id}",
            "language": "en",
            "text": text,
            "content_hash": "",
            "duplicate_of_id": None,
            "figure_count": 0,
            "version": 1,
            "created_at": self.now,
            "updated_at": self.now,
        }

    # Agreements

    def _agreement(self, rows):
        rng = self.rng
        country = rng.choices(self.countries, self.country_weights)[0]
        topic = rng.choice(words.AGREEMENT_TOPICS)
        signed = _random_date(rng, date(2013, 9, 1), self.last_as_of)
        status, ended = "in_force", None
        if rng.random() < 0.12:
            status = "expired"
            ended = min(signed + timedelta(days=rng.randint(365, 1800)), self.today)
        source_id = self.ids.take("sources")
        rows["sources"].append(
            self._source_row(
                source_id,
                f"{country['name']} and China sign memorandum on {topic} cooperation",
                "Xinhua",
                signed,
                "",
            )
        )
        rows["agreements"].append(
            {
                "id": self.ids.take("agreements"),
                "country_id": country["id"],
                "organization_id": None,
                "title": f"Memorandum of understanding on {topic} cooperation",
                "kind": "sectoral",
                "signed_on": signed,
                "signed_on_precision": "day",
                "status": status,
                "ended_on": ended,
                "source_id": source_id,
                "quote": "",
                "note": "",
                "version": 1,
                "created_at": self.now,
                "updated_at": self.now,
            }
        )


# Helpers


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _place(rng):
    name = "".join(rng.choice(words.SYLLABLES) for _ in range(rng.randint(2, 3)))
    return (name + rng.choice(words.PLACE_ENDINGS)).capitalize()


def _initials(name):
    words_of_name = name.replace("–", " ").split()
    return "".join(word[0] for word in words_of_name if word[0].isupper())


def _summary(name, sector, status, countries):
    where = ", ".join(c["name"] for c in countries)
    sector_words = sector.replace("_", " ")
    state = status.replace("_", " ")
    return f"The {name} is a {sector_words} project in {where}; it is {state}."


def _coordinate(rng, low, high):
    return Decimal(f"{rng.uniform(low, high):.6f}")


def _random_date(rng, first, last):
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _log_uniform(rng, low, high):
    return low * (high / low) ** rng.random()


def _three_digits(value, decimals):
    """``value`` to three significant digits, as a release would state it."""
    rounded = float(f"{value:.3g}")
    return rounded if decimals else int(rounded)


def _month_end(year, month):
    return date(year, month, monthrange(year, month)[1])


def _period_ends(period, count, last, rng):
    """``count`` as-of dates, oldest first, ending at or before ``last``."""
    step_months = {
        "year": 12,
        "half_year": 6,
        "quarter": 3,
        "month": 1,
        "cumulative": 6,
        "point": 6,
    }[period]
    year, month = last.year, last.month
    if period == "year":
        year, month = year - 1, 12
    elif period in ("quarter", "half_year"):
        month -= month % step_months
        if month == 0:
            year, month = year - 1, 12
    ends = []
    for _ in range(count):
        ends.append(_month_end(year, month))
        month -= step_months
        while month <= 0:
            year, month = year - 1, month + 12
    ends.reverse()
    return ends


def _period_start(period, as_of):
    months = {"year": 12, "half_year": 6, "quarter": 3, "month": 1}.get(period)
    if months is None:
        return None
    month = as_of.month - months + 1
    year = as_of.year
    while month <= 0:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def _stated(value):
    if value >= 1e9:
        return f"{value / 1e9:.3g} billion"
    if value >= 1e6:
        return f"{value / 1e6:.3g} million"
    if isinstance(value, float):
        return f"{value:g}"
    return f"{value:,}"


def _sentence(name, metric, value, qualifier, period, as_of):
    verb = words.VERBS[metric].format(
        value=words.QUALIFIER_WORDS[qualifier] + _stated(value)
    )
    if period == "year":
        return f"In {as_of.year}, the {name} {verb}."
    if period == "half_year":
        half = "first" if as_of.month <= 6 else "second"
        return f"In the {half} half of {as_of.year}, the {name} {verb}."
    if period == "quarter":
        quarter = QUARTER_NAMES[(as_of.month - 1) // 3]
        return f"In the {quarter} quarter of {as_of.year}, the {name} {verb}."
    if period == "month":
        return f"In {as_of:%B %Y}, the {name} {verb}."
    if period == "cumulative":
        return f"By the end of {as_of:%B %Y}, the {name} had {verb} in total."
    return f"As of {as_of:%-d %B %Y}, the {name} {verb}."
