"""Words and magnitudes of synthetic projects: what each sector is called,
which metrics it reports, and how large its figures are."""

from typing import NamedTuple

SYLLABLES = (
    "ka ra mo te lu an bo si da ve no ri ha ze tu ma ko li sa go ne pa ul "
    "ob ar in ta re dan ib yo ki mer sal ton gar vel nor"
).split()

PLACE_ENDINGS = ["", "", "", "abad", "grad", "pur", "ville", "stan", "ia", "a"]

PUBLISHERS = [
    ("Xinhua", 30),
    ("China Daily", 15),
    ("CGTN", 12),
    ("People's Daily", 10),
    ("Ministry of Commerce of the PRC", 6),
    ("National Development and Reform Commission", 4),
    ("Global Times", 6),
    ("Operator press office", 8),
    ("Local news agency", 6),
    ("Reuters", 2),
    ("The Diplomat", 1),
]


class Magnitude(NamedTuple):
    low: float  # the first figure of a series lies between low and high
    high: float
    decimals: int = 0


# metric key -> the size of its figures
MAGNITUDES = {
    "passengers": Magnitude(2e5, 2e7),
    "cargo_tonnes": Magnitude(1e5, 3e7),
    "freight_trips": Magnitude(100, 15_000),
    "teu": Magnitude(1e4, 4e6),
    "capacity_gw": Magnitude(0.02, 4, 3),
    "jobs": Magnitude(200, 40_000),
    "enterprises": Magnitude(5, 600),
    "investment_usd": Magnitude(5e6, 5e9),
    "construction_usd": Magnitude(1e7, 3e9),
    "cost_usd": Magnitude(5e7, 1e10),
    "countries_reached": Magnitude(2, 25),
    "people_trained": Magnitude(50, 20_000),
    "workshops": Magnitude(1, 30),
}


class SectorWords(NamedTuple):
    weight: int
    patterns: tuple  # "{a}" and "{b}" are place names
    metrics: tuple  # metric keys, most reported first
    kind: str = "project"


SECTORS = {
    "railway": SectorWords(
        18,
        ("{a}–{b} Railway", "{a} Light Rail", "{a}–{b} High-Speed Railway"),
        ("passengers", "cargo_tonnes", "jobs", "cost_usd"),
    ),
    "rail_freight": SectorWords(
        6,
        ("{a}–{b} Freight Train Service", "{a} Express Rail Freight"),
        ("freight_trips", "teu", "countries_reached"),
        "service",
    ),
    "port": SectorWords(
        12,
        ("Port of {a}", "{a} Deep-Water Port", "{a} Container Terminal"),
        ("teu", "cargo_tonnes", "jobs", "investment_usd"),
    ),
    "energy": SectorWords(
        22,
        (
            "{a} Hydropower Station",
            "{a} Solar Park",
            "{a} Wind Farm",
            "{a} Power Plant",
        ),
        ("capacity_gw", "jobs", "investment_usd", "cost_usd"),
    ),
    "industrial_park": SectorWords(
        14,
        ("{a} Industrial Park", "{a}–China Economic and Trade Cooperation Zone"),
        ("enterprises", "jobs", "investment_usd"),
    ),
    "education": SectorWords(
        6,
        ("Luban Workshop in {a}", "{a} Vocational Training Programme"),
        ("people_trained", "workshops"),
        "programme",
    ),
    "agriculture": SectorWords(
        8,
        ("{a} Agricultural Demonstration Centre", "{a} Rice Technology Programme"),
        ("people_trained", "jobs", "investment_usd"),
        "programme",
    ),
    "multi_sector": SectorWords(
        6,
        ("{a}–{b} Economic Corridor", "{a} New City"),
        ("investment_usd", "construction_usd", "jobs"),
    ),
    "other": SectorWords(
        8,
        ("{a} Satellite Ground Station", "{a} Hospital", "{a} Stadium"),
        ("jobs", "cost_usd"),
    ),
}

STATUSES = [
    ("operational", 45),
    ("under_construction", 20),
    ("completed", 12),
    ("planned", 15),
    ("suspended", 5),
    ("cancelled", 3),
]

QUALIFIERS = [
    ("exact", 60),
    ("more_than", 18),
    ("about", 10),
    ("nearly", 6),
    ("up_to", 6),
]

# How a sentence states each qualifier.
QUALIFIER_WORDS = {
    "exact": "",
    "more_than": "more than ",
    "about": "about ",
    "nearly": "nearly ",
    "up_to": "up to ",
}

# metric key -> what the sentence says the project did
VERBS = {
    "passengers": "carried {value} passengers",
    "cargo_tonnes": "moved {value} tonnes of cargo",
    "freight_trips": "operated {value} freight train trips",
    "teu": "handled {value} TEU of containers",
    "capacity_gw": "reached an installed capacity of {value} GW",
    "jobs": "created {value} local jobs",
    "enterprises": "hosted {value} enterprises",
    "investment_usd": "attracted {value} US dollars of investment",
    "construction_usd": "signed construction contracts worth {value} US dollars",
    "cost_usd": "cost {value} US dollars",
    "countries_reached": "reached {value} countries",
    "people_trained": "trained {value} people",
    "workshops": "ran {value} training workshops",
}

AGREEMENT_TOPICS = [
    "transport infrastructure",
    "energy",
    "digital economy",
    "trade and investment",
    "agriculture",
    "vocational education",
    "health",
    "green development",
]
