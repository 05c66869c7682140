"""From a press release to reviewed figures: store the release, propose its
figures as candidates, and record each editor's decision."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from projects.models import FigureCandidate, Metric, Observation, Project
from sources.extraction import extract_figures
from sources.services import source_ingest


def release_ingest(*, raw, title="", publisher="", published_on=None, url=""):
    """Store a release and its proposed figures, in one transaction.

    Returns ``(source, created, candidates)``; a release already stored gets
    no new candidates. Raises IngestError (a ValueError) for unusable input.
    """
    with transaction.atomic():
        source, created = source_ingest(
            raw=raw,
            title=title,
            publisher=publisher,
            published_on=published_on,
            url=url,
        )
        if not created:
            return source, False, []
        candidates = [
            _candidate(source, figure) for figure in _figures(source, published_on)
        ]
        if source.duplicate_of is not None:
            _mark_recorded(candidates, source.duplicate_of)
        FigureCandidate.objects.bulk_create(candidates)
    return source, True, candidates


def _mark_recorded(candidates, original):
    """A copy's proposals repeat its original's: decided already, so that
    nobody records the same figures a second time from the copy."""
    reason = f"Already recorded from the original, source #{original.pk} “{original}”"
    now = timezone.now()
    for candidate in candidates:
        candidate.decision = FigureCandidate.Decision.REJECTED
        candidate.reject_reason = reason[:200]
        candidate.decided_at = now


def _figures(source, published_on):
    projects = list(Project.objects.values_list("name", "aliases"))
    return extract_figures(
        source.text,
        published_on=published_on or source.published_on,
        projects=projects,
    )


def _candidate(source, figure):
    return FigureCandidate.from_extracted(
        figure,
        source=source,
        metric=Metric.objects.get(key=figure.metric),
        project=Project.objects.filter(name=figure.project).first(),
    )


def candidate_accept(candidate, *, user, status=Observation.Status.DRAFT):
    """Turn a candidate, as the editor left it, into an Observation quoting
    its source. Raises ValidationError with the models' reasons."""
    with transaction.atomic():
        recorded = _recorded_figure(candidate)
        if recorded is not None:
            raise ValidationError(
                f"already recorded as figure #{recorded.pk} from “{recorded.source}”"
                ": the same words of one release (or of a copy of it) are one "
                "figure, not two."
            )
        observation = candidate.as_observation(status=status)
        observation._history_user = user
        observation.full_clean()
        observation.save()
        _decide(
            candidate, user, FigureCandidate.Decision.ACCEPTED, observation=observation
        )
    return observation


def _recorded_figure(candidate):
    """The figure already recorded from the same sentence of the same release
    (the candidate's source, its original or another copy of it): same
    quote, metric and value. None when there is none."""
    source = candidate.source
    original = source.duplicate_of_id or source.pk
    return (
        Observation.objects.filter(
            Q(source_id=original) | Q(source__duplicate_of_id=original),
            metric_id=candidate.metric_id,
            value=candidate.value,
            quote=candidate.quote,
        )
        .select_related("source")
        .order_by("pk")
        .first()
    )


def candidate_reject(candidate, *, user, reason):
    _decide(candidate, user, FigureCandidate.Decision.REJECTED, reason=reason)


def _decide(candidate, user, decision, *, observation=None, reason=""):
    candidate.decision = decision
    candidate.observation = observation
    candidate.reject_reason = reason
    candidate.edited = not candidate.matches_extraction()
    candidate.decided_by = user
    candidate.decided_at = timezone.now()
    candidate.save()


def decision_report():
    """Rows {"metric", "total", "accepted", "rejected", "edited",
    "acceptance", "edit_rate"}: how the extractor fares with editors."""
    return [
        {
            "metric": row["metric__key"],
            **{k: row[k] for k in ("total", "accepted", "rejected", "edited")},
            "acceptance": row["accepted"] / row["total"],
            "edit_rate": row["edited"] / row["total"],
        }
        for row in FigureCandidate.objects.decision_rates()
    ]
