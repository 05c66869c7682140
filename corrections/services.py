"""Writes of correction requests: a reader's report, with its rate limit,
and an editor's decision."""

import math
from datetime import timedelta

from django.utils import timezone

from corrections.models import CorrectionRequest

# At most RATE_LIMIT reports per address in any RATE_WINDOW. Counted in the
# database, not the cache: every worker and host sees the same count, and a
# cache eviction or restart cannot reset it.
RATE_LIMIT = 5
RATE_WINDOW = timedelta(minutes=10)


def correction_wait(*, ip_address: str) -> int | None:
    """Whole minutes ``ip_address`` must wait before its next report is
    accepted (at least 1), or None if it may report now."""
    now = timezone.now()
    recent = list(
        CorrectionRequest.objects.from_address(ip_address, since=now - RATE_WINDOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:RATE_LIMIT]
    )
    if len(recent) < RATE_LIMIT:
        return None
    # The oldest of the last RATE_LIMIT reports leaves the window first.
    seconds = (recent[-1] + RATE_WINDOW - now).total_seconds()
    return max(1, math.ceil(seconds / 60))


def correction_create(
    *,
    kind: str,
    object_key: str,
    object_label: str,
    page_path: str,
    ip_address: str,
    what_is_wrong: str,
    correct_value: str = "",
    source_url: str = "",
    email: str = "",
) -> CorrectionRequest:
    """Store a reader's report as an open correction request."""
    correction = CorrectionRequest(
        kind=kind,
        object_key=object_key,
        object_label=object_label[:300],
        page_path=page_path,
        ip_address=ip_address,
        what_is_wrong=what_is_wrong,
        correct_value=correct_value,
        source_url=source_url,
        email=email,
    )
    correction.full_clean()
    correction.save()
    return correction


def correction_resolve(*, correction, status: str, reason: str, user) -> None:
    """Close ``correction`` as fixed or declined, keeping the reason, who and
    when; back to open clears who and when."""
    correction.status = status
    correction.resolution = reason
    if status == CorrectionRequest.Status.OPEN:
        correction.resolved_by, correction.resolved_at = None, None
    else:
        correction.resolved_by, correction.resolved_at = user, timezone.now()
    correction.save()


def corrections_decline(*, corrections, reason: str, user) -> int:
    """Decline the open requests among ``corrections`` (a queryset) with one
    reason; returns how many were declined."""
    return corrections.open().update(
        status=CorrectionRequest.Status.DECLINED,
        resolution=reason,
        resolved_by=user,
        resolved_at=timezone.now(),
    )
