"""One data generation for every derived cache, renewed when an edit commits
(bri_tracker/data_generation.py).

The race it closes: a visitor who loads a page while an editor's transaction
is still open reads the old rows and caches them. The cache must not serve
that page once the edit has committed.
"""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from bri_tracker import data_generation
from projects.models import DashboardCard, Metric
from tests.factories import ObservationFactory, ProjectFactory
from tests.helpers import committed

OLD, NEW = 1_500_000, 4_500_000
OLD_TEXT, NEW_TEXT = "1.5M", "4.5M"


def _read_in_another_connection(*paths):
    """GET ``paths`` as an anonymous visitor from another thread, which has a
    database connection of its own; returns {path: page text}."""
    pages = {}

    def visit():
        try:
            browser = Client()
            for path in paths:
                response = browser.get(path)
                assert response.status_code == 200, path
                pages[path] = response.text
        finally:
            connections.close_all()

    thread = threading.Thread(target=visit)
    thread.start()
    thread.join()
    assert set(pages) == set(paths), "the visitor's thread failed"
    return pages


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent transactions"
)
@pytest.mark.django_db(transaction=True)
def test_pages_read_before_an_edit_commits_are_not_served_after_it():
    figure = ObservationFactory(value=OLD, project=ProjectFactory(name="Test Line"))
    DashboardCard.objects.create(
        metric=Metric.objects.get(key="passengers"), project=figure.project
    )
    home, project_page = "/", f"/projects/{figure.project.slug}/"

    with transaction.atomic():
        figure.value = NEW
        figure.save()
        # Another visitor, before the commit: the old value, cached.
        during = _read_in_another_connection(home, project_page)

    after = _read_in_another_connection(home, project_page)

    for path in (home, project_page):
        assert OLD_TEXT in during[path], path
        assert NEW_TEXT in after[path], path
        assert OLD_TEXT not in after[path], path


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_edit_keeps_the_generation():
    before = data_generation.current()
    with transaction.atomic():
        ProjectFactory()
        transaction.set_rollback(True)
    assert data_generation.current() == before


@pytest.mark.django_db(transaction=True)
def test_a_committed_transaction_draws_one_new_generation(monkeypatch):
    drawn = []
    monkeypatch.setattr(data_generation, "_new_generation", lambda: drawn.append(1))
    with transaction.atomic():
        for _ in range(3):
            ObservationFactory()
        assert drawn == []  # nothing before the commit
    assert drawn == [1]

    ProjectFactory()  # outside a transaction: at once
    assert drawn == [1, 1]


def test_a_change_rolled_back_to_a_savepoint_is_registered_again(db):
    before = data_generation.current()
    with committed():
        with transaction.atomic():
            ProjectFactory()
            transaction.set_rollback(True)
        ProjectFactory()
    assert data_generation.current() != before
