import pytest
from django.urls import reverse

from tests.factories import CountryFactory, ObservationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_home_lists_signature_projects_only(client):
    ProjectFactory(name="Signature line", is_signature=True)
    ProjectFactory(name="Side project", is_signature=False)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "Signature line" in response.text
    assert "Side project" not in response.text


def test_home_footer_counts_the_data(client):
    ObservationFactory.create_batch(3)

    response = client.get(reverse("home"))

    assert "3 sourced figures" in response.text


def test_home_query_count_does_not_grow_with_projects(
    client, django_assert_max_num_queries
):
    for _ in range(15):
        ProjectFactory(is_signature=True).countries.add(CountryFactory())

    # projects, their countries (one prefetch), four footer counts
    with django_assert_max_num_queries(6):
        response = client.get(reverse("home"))

    assert response.status_code == 200


def test_unknown_page_is_a_404_with_the_site_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "There is no page at this address" in response.text
