import pytest

from tests.factories import ObservationFactory

pytestmark = pytest.mark.django_db


def test_footer_counts_the_data(client):
    ObservationFactory.create_batch(3)

    response = client.get("/sources/")

    assert "3 sourced figures" in response.text


def test_health_view_is_trivial(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.text == "ok"


def test_unknown_page_is_a_404_with_the_site_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "There is no page at this address" in response.text
