"""Figure extraction from press-release text: pure functions, no database.

``extract_figures`` finds the numbers a release states (``numbers``), decides
which metric each one counts (``metrics``), its qualifier and any stated
year-on-year change (``qualifiers``), the period and as-of date it covers
(``time_phrases``, attached by clause and resolved against the publication
date or the release's own dateline, ``reference``), the project it belongs to
(``attribution``) and the shortest clause that states it (``segmentation``).
"""

from sources.extraction.figure import (
    DASHBOARD_METRICS,
    JSON_KEYS,
    OTHER,
    AsOfBasis,
    Figure,
    Period,
    Qualifier,
)
from sources.extraction.pipeline import extract_figures
from sources.extraction.reference import ReferenceDate, reference_date

__all__ = [
    "DASHBOARD_METRICS",
    "JSON_KEYS",
    "OTHER",
    "AsOfBasis",
    "Figure",
    "Period",
    "Qualifier",
    "ReferenceDate",
    "extract_figures",
    "reference_date",
]
