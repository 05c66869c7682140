"""The fast select renderer writes the markup Django's templates write
(bri_tracker/form_renderer.py), for every list's filter form."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.http import QueryDict

from bri_tracker.form_renderer import FastSelectRenderer
from countries.models import Country, PartnerAgreement
from explorer.filters import (
    CountryFilter,
    FigureFilter,
    PartnerAgreementFilter,
    ProjectFilter,
    SourceFilter,
)
from projects.models import Observation, Project
from sources.models import Source
from tests.factories import CountryFactory, ObservationFactory

pytestmark = pytest.mark.django_db


def _normalised(html):
    """Whitespace between tags does not show."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def _html(form, renderer):
    form.renderer = renderer
    return _normalised("".join(str(field) for field in form))


@pytest.mark.parametrize(
    ("filterset", "queryset", "query"),
    [
        (FigureFilter, Observation.objects.all, "metric=jobs&sort=value&q=<b>"),
        (ProjectFilter, Project.objects.all, "sector=railway&region=Asia"),
        (SourceFilter, Source.objects.all, ""),
        (CountryFilter, Country.objects.all, "q=Ke"),
        (PartnerAgreementFilter, PartnerAgreement.objects.all, ""),
    ],
)
def test_every_filter_form_renders_as_with_djangos_templates(
    filterset, queryset, query
):
    CountryFactory(name='Côte <d"Ivoire>', region="Africa")
    ObservationFactory()
    form = filterset(QueryDict(query), queryset=queryset()).form

    assert _html(form, FastSelectRenderer()) == _html(form, DjangoTemplates())


def test_a_select_with_groups_attributes_and_escaped_labels():
    class Form(forms.Form):
        choice = forms.MultipleChoiceField(
            choices=[
                ("", "---"),
                ("Group <1>", [("a", "A & B"), ("b", '"B"')]),
                ("c", "C"),
            ],
            widget=forms.SelectMultiple(attrs={"data-x": "<y>", "disabled": True}),
        )

    form = Form(data={"choice": ["a", "c"]})

    fast = _html(form, FastSelectRenderer())
    assert fast == _html(form, DjangoTemplates())
    assert '<optgroup label="Group &lt;1&gt;">' in fast
    assert '<option value="a" selected>A &amp; B</option>' in fast
