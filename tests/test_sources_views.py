import csv
import io
import json
import re

import pytest
from django.urls import reverse

from projects.models import Observation
from sources.models import Source
from tests.factories import (
    MilestoneFactory,
    ObservationFactory,
    PartnerAgreementFactory,
    ReleaseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

RELEASE_TEXT = (
    "BEIJING, March 1 (Xinhua) -- The railway has served more than 10 million\n"
    "passengers since it opened.\n\n"
    "The line opened in October 2023, and freight trips reached 3,398 in the "
    "first quarter.\n"
)


def _list(client, **params):
    return client.get(reverse("sources:list"), params)


def _listed(response):
    return {source.pk for source in response.context["sources"]}


def _detail(client, source):
    return client.get(reverse("sources:detail", args=[source.pk]))


# The list


def test_source_list_shows_counts_badges_and_dates(client):
    release = ReleaseFactory(title="Railway release", publisher="Xinhua")
    reference = SourceFactory(title="Reference article")
    duplicate = ReleaseFactory(title="Reprint", duplicate_of=release)
    ObservationFactory.create_batch(3, source=release)

    response = _list(client)

    assert response.status_code == 200
    rows = {source.pk: source for source in response.context["sources"]}
    assert rows[release.pk].figure_count == 3
    assert rows[reference.pk].figure_count == 0
    assert rows[release.pk].text_stored is True
    assert rows[reference.pk].text_stored is False
    assert "3 sources" in response.text
    assert "15 Jan 2024" in response.text
    assert "reference only" in response.text
    row = re.search(rf'<tr id="source-{duplicate.pk}">.*?</tr>', response.text, re.S)
    assert "duplicate" in row.group()


def test_source_list_text_search_matches_title_and_publisher(client):
    by_title = SourceFactory(title="Whoosh carries a million")
    by_publisher = SourceFactory(publisher="Antara News")
    SourceFactory(title="Unrelated")

    assert _listed(_list(client, q="whoosh")) == {by_title.pk}
    assert _listed(_list(client, q="antara")) == {by_publisher.pk}


def test_source_list_filters_by_publisher(client):
    xinhua = SourceFactory(publisher="Xinhua")
    SourceFactory(publisher="Global Times")

    assert _listed(_list(client, publisher="Xinhua")) == {xinhua.pk}


def test_source_list_filters_stored_text_or_reference_only(client):
    release = ReleaseFactory()
    reference = SourceFactory()

    assert _listed(_list(client, stored="text")) == {release.pk}
    assert _listed(_list(client, stored="reference")) == {reference.pk}


def test_source_list_filters_by_year_published(client):
    old = SourceFactory(published_on="2019-04-25")
    SourceFactory(published_on="2024-01-15")
    SourceFactory(published_on=None)

    assert _listed(_list(client, year=2019)) == {old.pk}


def test_source_list_sorts_by_figure_count(client):
    few = SourceFactory()
    many = SourceFactory()
    ObservationFactory(source=few)
    ObservationFactory.create_batch(3, source=many)

    response = _list(client, sort="-figures")

    assert [s.pk for s in response.context["sources"]] == [many.pk, few.pk]


def test_source_list_default_order_is_newest_first_undated_last(client):
    undated = SourceFactory(published_on=None)
    old = SourceFactory(published_on="2019-04-25")
    new = SourceFactory(published_on="2024-01-15")

    response = _list(client)

    assert [s.pk for s in response.context["sources"]] == [new.pk, old.pk, undated.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"year": "99999999999"},
        {"year": "2019.5"},
        {"stored": "bogus"},
        {"publisher": "Nobody at all"},
        {"sort": "password"},
        {"q": "x" * 500},
    ],
)
def test_source_list_bad_filter_is_a_200_with_errors_and_no_results(client, params):
    SourceFactory(publisher="Xinhua")

    response = _list(client, **params)

    assert response.status_code == 200
    assert response.context["filter"].errors
    assert 'class="error"' in response.text
    assert list(response.context["sources"]) == []


@pytest.mark.parametrize("number", ["99999999", "abc", "-1"])
def test_source_list_out_of_range_page_is_a_200(client, number):
    SourceFactory.create_batch(3)

    response = _list(client, page=number)

    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_source_list_query_count_is_flat(client, django_assert_max_num_queries, count):
    for source in SourceFactory.create_batch(count):
        ObservationFactory(source=source)
    ReleaseFactory(duplicate_of=SourceFactory())

    # publisher choices, page count, page rows, five footer counts
    with django_assert_max_num_queries(8):
        response = _list(client)

    assert response.status_code == 200


# One source


def test_source_detail_unknown_id_is_a_404(client):
    response = client.get(reverse("sources:detail", args=[999999]))

    assert response.status_code == 404


def test_source_detail_highlights_each_quote_and_links_its_figure(client):
    release = ReleaseFactory(text=RELEASE_TEXT, url="")
    passengers = ObservationFactory(
        source=release, quote="served more than 10 million passengers"
    )
    trips = ObservationFactory(source=release, quote="FREIGHT TRIPS reached 3,398")

    response = _detail(client, release)

    assert response.status_code == 200
    text = response.text
    figure_url = reverse("figures:detail", args=[passengers.pk])
    assert re.search(
        rf'<mark class="quote" id="quote-{passengers.pk}"[^>]*>'
        rf'<a href="{figure_url}">served more than 10 million\npassengers</a></mark>',
        text,
    )
    # The mark keeps the release's own spelling, not the quote's.
    assert re.search(
        rf'id="quote-{trips.pk}"[^>]*><a href="[^"]+">freight trips reached 3,398</a>',
        text,
    )
    assert 'class="source-text"' in text
    # Both figures are listed under the text, linking to their quote.
    assert f"#quote-{passengers.pk}" in text
    assert f"#quote-{trips.pk}" in text


def test_source_detail_marks_overlapping_quotes_with_every_id(client):
    release = ReleaseFactory(text=RELEASE_TEXT)
    quote = "The line opened in October 2023"
    first = ObservationFactory(source=release, quote=quote)
    second = ObservationFactory(source=release, quote=quote)
    milestone = MilestoneFactory(source=release, quote="opened in October")

    text = _detail(client, release).text

    for anchor in (
        f"quote-{first.pk}",
        f"quote-{second.pk}",
        f"milestone-{milestone.pk}",
    ):
        assert text.count(f'id="{anchor}"') == 1


def test_source_detail_marks_milestone_and_agreement_quotes(client):
    release = ReleaseFactory(text=RELEASE_TEXT)
    milestone = MilestoneFactory(source=release, quote="The line opened in October")
    agreement = PartnerAgreementFactory(
        source=release, quote="BEIJING, March 1 (Xinhua)"
    )

    response = _detail(client, release)

    assert f'<mark class="quote" id="milestone-{milestone.pk}"' in response.text
    assert f'<mark class="quote" id="agreement-{agreement.pk}"' in response.text
    project_url = reverse("projects:detail", args=[milestone.project.slug])
    assert f'<a href="{project_url}">The line opened in October</a>' in response.text


def test_source_detail_escapes_the_text(client):
    release = ReleaseFactory(text='He said <script>alert("x")</script> & left.\n')
    ObservationFactory(source=release, quote='<script>alert("x")</script>')

    response = _detail(client, release)

    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in response.text


def test_source_detail_quote_not_in_text_is_listed_but_not_marked(client):
    release = ReleaseFactory(text=RELEASE_TEXT)
    # Saved without validation, as a stale row could be.
    figure = ObservationFactory(source=release, quote="a sentence that is not there")

    response = _detail(client, release)

    assert response.status_code == 200
    assert f'id="quote-{figure.pk}"' not in response.text
    assert f'id="figure-{figure.pk}"' in response.text


def test_source_detail_reference_only_links_out_and_lists_its_figures(client):
    source = SourceFactory(url="https://example.org/whoosh-10-million")
    figures = ObservationFactory.create_batch(2, source=source)

    response = _detail(client, source)

    assert response.status_code == 200
    assert (
        '<a class="external" href="https://example.org/whoosh-10-million" '
        'rel="noopener noreferrer">'
    ) in response.text
    assert "reference only" in response.text
    assert 'class="source-text"' not in response.text
    for figure in figures:
        assert f'id="figure-{figure.pk}"' in response.text
        assert reverse("figures:detail", args=[figure.pk]) in response.text


def test_source_detail_duplicate_points_to_its_original(client):
    original = ReleaseFactory(title="The original article")
    duplicate = ReleaseFactory(title="The same article again", duplicate_of=original)

    duplicate_page = _detail(client, duplicate).text
    original_page = _detail(client, original).text

    original_url = reverse("sources:detail", args=[original.pk])
    assert "Same article as" in duplicate_page
    assert f'<a href="{original_url}">The original article</a>' in duplicate_page
    duplicate_url = reverse("sources:detail", args=[duplicate.pk])
    assert f'<a href="{duplicate_url}">The same article again</a>' in original_page


@pytest.mark.parametrize("count", [5, 50])
def test_source_detail_query_count_is_flat(
    client, django_assert_max_num_queries, count
):
    release = ReleaseFactory(text=RELEASE_TEXT)
    ObservationFactory.create_batch(
        count, source=release, quote="served more than 10 million passengers"
    )
    MilestoneFactory.create_batch(3, source=release, quote="The line opened")
    PartnerAgreementFactory.create_batch(3, source=release, quote="BEIJING")
    ReleaseFactory.create_batch(3, duplicate_of=release)

    # source, duplicates, figures, milestones, agreements, five footer counts
    with django_assert_max_num_queries(10):
        response = _detail(client, release)

    assert response.status_code == 200


# Exports


def _csv_rows(response):
    return list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )


def _json_rows(response):
    return json.loads(b"".join(response.streaming_content))


def test_source_export_csv_equals_the_filtered_list(client):
    xinhua = ReleaseFactory(publisher="Xinhua", title='A, quoted "title"')
    ObservationFactory.create_batch(2, source=xinhua)
    SourceFactory(publisher="Global Times")

    response = client.get(
        reverse("sources:export", args=["csv"]), {"publisher": "Xinhua"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert [row["id"] for row in rows] == [str(xinhua.pk)]
    assert rows[0]["title"] == 'A, quoted "title"'
    assert rows[0]["figure_count"] == "2"
    assert rows[0]["has_text"] == "True"
    assert rows[0]["permalink"] == (
        f"http://testserver{reverse('sources:detail', args=[xinhua.pk])}"
    )


def test_source_export_json_equals_the_filtered_list(client):
    sources = SourceFactory.create_batch(3, publisher="Xinhua")
    ReleaseFactory(publisher="Xinhua")

    response = client.get(
        reverse("sources:export", args=["json"]),
        {"publisher": "Xinhua", "stored": "reference"},
    )

    rows = _json_rows(response)
    expected = Source.objects.reference_only().filter(publisher="Xinhua")
    assert {row["id"] for row in rows} == {s.pk for s in expected}
    assert {row["id"] for row in rows} == {s.pk for s in sources}
    assert all(row["has_text"] is False for row in rows)


def test_source_export_invalid_filter_is_a_400(client):
    SourceFactory()

    response = client.get(reverse("sources:export", args=["json"]), {"year": "abc"})

    assert response.status_code == 400  # not an empty file (issue 15)
    assert list(json.loads(response.content)["errors"]) == ["year"]


def test_source_export_unknown_format_is_a_404(client):
    response = client.get(reverse("sources:export", args=["xml"]))

    assert response.status_code == 404


def test_source_export_query_count_is_flat(client, django_assert_max_num_queries):
    for source in SourceFactory.create_batch(30):
        ObservationFactory(source=source)

    with django_assert_max_num_queries(2):
        response = client.get(reverse("sources:export", args=["csv"]))
        rows = _csv_rows(response)

    assert len(rows) == Observation.objects.count()


# The seeded releases. Last in the module: the seed stays until the module ends.


def _release(name):
    return Source.objects.get(external_id=f"press-releases/{name}")


@pytest.mark.parametrize(
    "name",
    [
        "000_3b19b20ccf679d27.txt",
        "001_90c20908238a66e3.txt",
        "002_26bcc669322f025c.txt",
        "003_f35c664620660bae.txt",
        "004_fb344b9d2ee28df1.txt",
    ],
)
def test_seeded_release_page_highlights_every_quote(seeded, client, name):
    release = _release(name)
    quoted = [f for f in release.observations.all() if f.quote]
    milestones = [m for m in release.milestones.all() if m.quote]
    agreements = [a for a in release.agreements.all() if a.quote]

    response = _detail(client, release)

    assert response.status_code == 200
    text = response.text
    assert text.count('<mark class="quote"') >= len(quoted)
    ids = [f"quote-{f.pk}" for f in quoted]
    ids += [f"milestone-{m.pk}" for m in milestones]
    ids += [f"agreement-{a.pk}" for a in agreements]
    for anchor in ids:
        assert text.count(f'id="{anchor}"') == 1, anchor


def test_seeded_release_003_marks_the_twice_quoted_sentence_for_both(seeded, client):
    release = _release("003_f35c664620660bae.txt")
    sharing = release.observations.filter(quote__icontains="171 countries")
    assert sharing.count() == 2

    text = _detail(client, release).text

    first, second = sorted(sharing, key=lambda f: (f.metric.sort_order, f.pk))
    assert f'<mark class="quote" id="quote-{first.pk}"' in text
    assert f'<span class="quote-anchor" id="quote-{second.pk}"></span>' in text
    assert text.count('<mark class="quote"') >= release.observations.count()


def test_seeded_duplicate_release_points_to_its_original(seeded, client):
    duplicate = Source.objects.exclude(duplicate_of=None).get(
        external_id__startswith="press-releases/"
    )

    text = _detail(client, duplicate).text

    assert "Same article as" in text
    assert reverse("sources:detail", args=[duplicate.duplicate_of_id]) in text
