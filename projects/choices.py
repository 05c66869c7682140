"""The fixed vocabularies of projects, milestones, metrics and figures.

Code and database check constraints rely on these values; labels are what
pages and the admin show."""

from django.db import models

from sources.extraction.figure import AsOfBasis


class MetricAggregation(models.TextChoices):
    CUMULATIVE = "cumulative", "Cumulative count (grows over time)"
    FLOW = "flow", "Flow per period"
    STOCK = "stock", "Stock or level at a date"


class ProjectKind(models.TextChoices):
    PROJECT = "project", "Project"
    PROGRAMME = "programme", "Programme"
    SERVICE = "service", "Corridor or service"


class ProjectSector(models.TextChoices):
    RAILWAY = "railway", "Railway"
    RAIL_FREIGHT = "rail_freight", "Rail freight service"
    PORT = "port", "Port"
    ENERGY = "energy", "Energy"
    INDUSTRIAL_PARK = "industrial_park", "Industrial park"
    EDUCATION = "education", "Education and training"
    AGRICULTURE = "agriculture", "Agriculture"
    MULTI_SECTOR = "multi_sector", "Multi-sector corridor"
    OTHER = "other", "Other"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    UNDER_CONSTRUCTION = "under_construction", "Under construction"
    OPERATIONAL = "operational", "Operational"
    COMPLETED = "completed", "Completed"
    SUSPENDED = "suspended", "Suspended"
    CANCELLED = "cancelled", "Cancelled"


class MilestoneKind(models.TextChoices):
    CONSTRUCTION_START = "construction_start", "Construction started"
    OPENING = "opening", "Opened"
    EVENT = "event", "Event"
    MEMBERSHIP = "membership", "Membership event"


class ObservationQualifier(models.TextChoices):
    EXACT = "exact", "Exact"
    MORE_THAN = "more_than", "More than"
    NEARLY = "nearly", "Nearly"
    ABOUT = "about", "About"
    UP_TO = "up_to", "Up to"
    PROJECTED = "projected", "Projected"


class ObservationPeriod(models.TextChoices):
    CUMULATIVE = "cumulative", "Cumulative to date"
    YEAR = "year", "Year"
    HALF_YEAR = "half_year", "Half-year"
    QUARTER = "quarter", "Quarter"
    MONTH = "month", "Month"
    YEAR_TO_DATE = "year_to_date", "Year to date"
    DAY = "day", "Single day"
    SPAN = "span", "Stated span (period start to as-of)"
    POINT = "point", "At a point in time"


class ObservationConfidence(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class ObservationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class CandidateDecision(models.TextChoices):
    PENDING = "pending", "To review"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


# What a proposed figure's as-of date was read from: the extractor's own
# vocabulary (sources.extraction.AsOfBasis), values and labels, not a copy.
CandidateAsOfBasis = models.TextChoices(
    "CandidateAsOfBasis",
    [(basis.name, (basis.value, basis.label.capitalize())) for basis in AsOfBasis],
)
