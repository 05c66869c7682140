"""What the site says about its data is true of the seeded data: the footer's
counts, the promise of a quoted sentence, the unit of every exported figure."""

import csv
import io

import pytest
from django.urls import reverse

from projects.models import Observation

pytestmark = pytest.mark.django_db


def _csv(response):
    return list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )


def test_footer_counts_quoted_and_referenced_figures(client, seeded):
    published = Observation.objects.published()
    quoted = published.exclude(quote="").count()

    text = client.get(reverse("projects:list")).text

    assert f"{quoted} quote the sentence of a release stored here" in text
    assert f"{published.count() - quoted} cite an article" in text
    assert "keeps its source and the sentence" not in text


def test_a_figure_without_a_quote_says_where_to_read_it(client, seeded):
    figure = (
        Observation.objects.published()
        .filter(quote="")
        .exclude(source__url="")
        .select_related("source")
        .first()
    )

    text = client.get(reverse("figures:detail", args=[figure.pk])).text

    assert "referenced, not stored here" in text
    assert f'href="{figure.source.url}"' in text
    assert "No quote recorded" not in text


def test_every_exported_figure_has_a_unit_and_every_other_figure_says_what_it_counts(
    client, seeded
):
    rows = _csv(client.get(reverse("figures:export", args=["csv"])))

    assert rows
    assert all(row["unit"] for row in rows), [r["id"] for r in rows if not r["unit"]]
    others = [row for row in rows if row["metric_key"] == "other"]
    assert others
    assert all(row["counted"] for row in others)
    goods = next(row for row in others if float(row["value"]) == 490e9)
    assert goods["unit"] == "USD"
