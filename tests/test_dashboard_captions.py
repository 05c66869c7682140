"""The dashboard's captions are computed from the records: they follow the
data, not the seed they were first written for."""

from datetime import date

import pytest

from dashboard.data import build_dashboard
from projects.models import Metric, Observation
from tests.factories import ObservationFactory, ProjectFactory


@pytest.mark.django_db
def test_dashboard_captions_follow_the_data():
    busiest = ProjectFactory(name="Trans-Test Express", opened_on=date(2016, 4, 1))
    for year in (2019, 2020, 2021):
        ObservationFactory(
            project=busiest,
            metric=Metric.objects.get(key="freight_trips"),
            period=Observation.Period.YEAR,
            as_of=date(year, 12, 31),
            value=100 * year,
        )
    ObservationFactory(metric=Metric.objects.get(key="freight_trips"))

    built = build_dashboard()["charts"]

    assert built["freight"]["title"] == "Trans-Test Express trips"
    assert "since the service opened in 2016" in built["freight"]["description"]
    assert "withdrawals" not in built["partners"]["description"]
    assert "reported by" not in built["investment"]["description"]
