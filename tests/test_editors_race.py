"""Two editors saving the same figure at the same moment: exactly one save is
written, the other is refused, and the version rises by exactly one (issue
15: the version was read at validation and written later, so two saves
racing past validation were both written).

Each editor is a thread with its own database connection, on committed
data. Both load the same version; a barrier holds each thread in the admin's
save, after its form was validated, until both are there.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from bri_tracker.editing import EditorAdmin
from projects.models import Observation
from tests.factories import ObservationFactory
from tests.test_editors_history import form_data

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent transactions"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def editor_clients(django_user_model):
    # Superusers: the Editors group of the data migrations does not survive
    # the flush of an earlier transactional test; rights are not tested here.
    clients = []
    for name in ("ada", "ben"):
        user = django_user_model.objects.create_superuser(
            username=name, password="not-a-real-secret"
        )
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


@pytest.fixture
def save_barrier(monkeypatch):
    """A barrier both editors' saves wait at, once each, after validation and
    before anything is written."""
    barrier = threading.Barrier(2)
    waited = threading.local()
    save_model = EditorAdmin.save_model

    def waiting_save_model(self, request, obj, form, change):
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait(timeout=30)
        return save_model(self, request, obj, form, change)

    monkeypatch.setattr(EditorAdmin, "save_model", waiting_save_model)
    return barrier


def _post_together(posts):
    """Runs each (client, url, data) POST in its own thread; their
    responses, in order."""
    responses, errors = [None] * len(posts), []

    def post(index, client, url, data):
        try:
            responses[index] = client.post(url, data)
        except Exception as error:  # reported by the test, not lost
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=post, args=(index, *args))
        for index, args in enumerate(posts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return responses


def _outcome(responses):
    saved = [r for r in responses if r.status_code == 302]
    refused = [r for r in responses if r.status_code == 200]
    return saved, refused


def test_two_simultaneous_saves_of_a_figure_write_exactly_one(
    editor_clients, save_barrier
):
    ada, ben = editor_clients
    figure = ObservationFactory(value=1000)
    url = reverse("admin:projects_observation_change", args=[figure.pk])
    page_a, page_b = ada.get(url), ben.get(url)

    responses = _post_together(
        [
            (ada, url, form_data(page_a, value="1200")),
            (ben, url, form_data(page_b, value="1500")),
        ]
    )

    saved, refused = _outcome(responses)
    assert len(saved) == 1 and len(refused) == 1, [r.status_code for r in responses]
    figure.refresh_from_db()
    assert figure.version == 2
    winner = "1200" if responses[0] is saved[0] else "1500"
    assert figure.value == Decimal(winner)
    assert "Someone else saved this observation" in refused[0].text
    assert f"value: 1000 → {winner}" in refused[0].text
    assert [r.value for r in figure.history.all()] == [Decimal(winner), 1000]


def test_a_figure_saved_on_its_page_and_as_an_inline_row_at_once_is_written_once(
    editor_clients, save_barrier
):
    ada, ben = editor_clients
    figure = ObservationFactory(value=1000)
    figure_url = reverse("admin:projects_observation_change", args=[figure.pk])
    project_url = reverse("admin:projects_project_change", args=[figure.project_id])
    figure_page, project_page = ada.get(figure_url), ben.get(project_url)

    responses = _post_together(
        [
            (ada, figure_url, form_data(figure_page, value="1200")),
            (
                ben,
                project_url,
                form_data(project_page, **{"observations-0-value": "1500"}),
            ),
        ]
    )

    saved, refused = _outcome(responses)
    assert len(saved) == 1 and len(refused) == 1, [r.status_code for r in responses]
    figure.refresh_from_db()
    assert figure.version == 2
    assert figure.value in (Decimal("1200"), Decimal("1500"))
    assert figure.history.count() == 2
    assert "Someone else saved this observation" in refused[0].text
    assert Observation.objects.count() == 1
