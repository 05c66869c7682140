"""The "Report an error" form of project, figure and country pages.

Spam is kept out by Django's CSRF check, a honeypot field (a filled one
stores nothing but is thanked as usual), the form's length and plain-text
rules, and a rate limit per client address counted in the database
(corrections.services). The page is never cached: it carries a CSRF token.
"""

from http import HTTPStatus
from typing import NamedTuple

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from bri_tracker.client_address import client_address
from corrections.models import CorrectionRequest
from corrections.services import (
    RATE_LIMIT,
    RATE_WINDOW,
    correction_create,
    correction_wait,
)
from countries.models import Country
from explorer.forms import CorrectionForm
from projects.models import Observation, Project

TOO_MANY = HTTPStatus.TOO_MANY_REQUESTS


class Reported(NamedTuple):
    kind: str
    key: str
    label: str
    page: str


@never_cache
def project_report(request, slug):
    project = get_object_or_404(Project, slug=slug)
    page = reverse("projects:detail", args=[project.slug])
    kind = CorrectionRequest.Kind.PROJECT
    return _report(request, Reported(kind, project.slug, project.name, page))


@never_cache
def figure_report(request, pk):
    figure = get_object_or_404(Observation.objects.published().with_related(), pk=pk)
    scope = figure.project.name if figure.project else "Belt and Road Initiative"
    label = f"{scope}: {figure.metric.name}, {figure.display_value}"
    page = reverse("figures:detail", args=[figure.pk])
    kind = CorrectionRequest.Kind.FIGURE
    return _report(request, Reported(kind, str(figure.pk), label, page))


@never_cache
def country_report(request, iso3):
    country = get_object_or_404(Country, iso3=iso3.upper())
    page = reverse("countries:detail", args=[country.iso3])
    kind = CorrectionRequest.Kind.COUNTRY
    return _report(request, Reported(kind, country.iso3, country.name, page))


def _report(request, reported):
    context = {"reported": reported, "sent": request.GET.get("sent") == "1"}
    if request.method != "POST":
        return _render(request, context, CorrectionForm())
    form = CorrectionForm(request.POST)
    if form.is_spam:
        return redirect(f"{request.path}?sent=1")
    address = client_address(request)
    wait = correction_wait(ip_address=address)
    if wait is not None:
        context["wait_minutes"] = wait
        response = _render(request, context, form, status=TOO_MANY)
        response["Retry-After"] = str(wait * 60)
        return response
    if not form.is_valid():
        return _render(request, context, form)
    correction_create(
        kind=reported.kind,
        object_key=reported.key,
        object_label=reported.label,
        page_path=reported.page,
        ip_address=address,
        **{name: form.cleaned_data[name] for name in form.Meta.fields},
    )
    return redirect(f"{request.path}?sent=1")


def _render(request, context, form, status=200):
    context = {
        **context,
        "form": form,
        "rate_limit": RATE_LIMIT,
        "window_minutes": int(RATE_WINDOW.total_seconds() // 60),
    }
    return render(request, "explorer/report_error.html", context, status=status)
