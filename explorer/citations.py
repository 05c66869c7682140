"""A figure as a line of text readers can paste into their own work."""

from decimal import Decimal

from projects.models import Observation

_QUALIFIER_WORDS = {
    Observation.Qualifier.MORE_THAN: "more than ",
    Observation.Qualifier.NEARLY: "nearly ",
    Observation.Qualifier.ABOUT: "about ",
    Observation.Qualifier.UP_TO: "up to ",
}


# Periods that say nothing beyond the as-of date.
_UNDATED_PERIODS = {Observation.Period.CUMULATIVE, Observation.Period.POINT}


def _lower_first(name):
    # "Passengers" -> "passengers", but "BRI engagement" keeps its acronym.
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def full_value(observation):
    """All the digits, with the unit where the metric's name lacks it:
    "more than 10,000,000", "US$330,000,000,000", "3.4 GW (projected)"."""
    metric = observation.metric
    number = f"{Decimal(observation.value).normalize():,f}"
    if metric.is_currency:
        number = f"US${number}"
    elif metric.unit and metric.unit.casefold() not in metric.name.casefold():
        number = f"{number} {metric.unit}"
    text = _QUALIFIER_WORDS.get(observation.qualifier, "") + number
    if observation.qualifier == Observation.Qualifier.PROJECTED:
        text = f"{text} (projected)"
    return text


def citation(observation, permalink):
    """One line: scope, metric, value, date; the source; the permalink.

    ``observation`` needs its metric, project and source loaded.
    """
    scope = (
        observation.project.name if observation.project else "Belt and Road Initiative"
    )
    figure = f"{scope}: {_lower_first(observation.metric.name)}, "
    figure += full_value(observation)
    if observation.as_of:
        figure += f" as of {observation.as_of_display}"
    if observation.period not in _UNDATED_PERIODS:
        figure += f" ({observation.period_display})"
    source = observation.source
    reference = ", ".join(
        part
        for part in (
            source.publisher,
            f'"{source.title}"',
            source.published_display if source.published_on else "",
        )
        if part
    )
    return f"{figure}. {reference}. Via BRI Tracker, {permalink}"
