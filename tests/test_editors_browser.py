"""An editor's path in a real browser: log in, add a quoted figure, see it on
the public project page, correct it, and find the change in its history."""

import importlib
import re

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from projects.models import Observation
from tests.factories import ProjectFactory, ReleaseFactory

pytestmark = pytest.mark.browser

PASSWORD = "not-a-real-secret"
QUOTE = "served more than 10 million passengers"
EDITORS = importlib.import_module("projects.migrations.0004_plausibility_and_editors")


@pytest.fixture
def editor(transactional_db, django_user_model):
    # A previous live_server test's flush removed the migration's group.
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=EDITORS.DATA_MODELS,
            codename__in=[
                f"{action}_{model}"
                for models in EDITORS.DATA_MODELS.values()
                for model in models
                for action in ("add", "change", "view")
            ],
        )
    )
    user = django_user_model.objects.create_user(
        username="editor", password=PASSWORD, is_staff=True
    )
    user.groups.add(group)
    return user


def _pick(page, field, search):
    """Choose ``search`` in the admin's autocomplete (select2) widget for
    ``field``: options load from /admin/autocomplete/ as you type."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    option = page.locator(
        ".select2-container--open .select2-results__option", has_text=search
    )
    option.first.click()
    expect(page.locator(f"#select2-id_{field}-container")).to_contain_text(search)


def test_editor_adds_a_figure_sees_it_public_then_corrects_it(
    live_server, offline_page, editor
):
    project = ProjectFactory(name="Laos Railway", slug="laos-railway")
    release = ReleaseFactory(title="Railway passenger release")
    page = offline_page

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text("editor")

    page.goto(f"{live_server.url}/admin/projects/observation/add/")
    expect(page.locator("h1")).to_have_text("Add observation")
    page.locator("#id_metric").select_option(label="Passengers")
    _pick(page, "project", "Laos Railway")
    page.locator("#id_value").fill("10000000")
    page.locator("#id_qualifier").select_option("more_than")
    page.locator("#id_status").select_option("published")
    page.locator("#id_as_of").fill("2024-06-30")
    _pick(page, "source", "Railway passenger release")
    page.locator("#id_quote").fill(QUOTE)
    page.locator("input[name=_save]").click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    figure = Observation.objects.get()
    assert (figure.project, figure.source) == (project, release)
    assert figure.history.get().history_user == editor

    page.goto(f"{live_server.url}/projects/laos-railway/")
    row = page.locator(f"#figure-{figure.pk}")
    expect(row).to_contain_text("10M+ passengers")
    expect(row.locator("q")).to_have_text(QUOTE)

    page.goto(f"{live_server.url}/admin/projects/observation/{figure.pk}/change/")
    page.locator("#id_value").fill("11000000")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    figure.refresh_from_db()
    assert figure.value == 11_000_000
    assert figure.version == 2

    page.goto(f"{live_server.url}/projects/laos-railway/")
    expect(page.locator(f"#figure-{figure.pk}")).to_contain_text("11M+ passengers")

    page.goto(f"{live_server.url}/admin/projects/observation/{figure.pk}/change/")
    page.get_by_role("link", name="History").click()
    expect(page).to_have_url(re.compile(rf"/observation/{figure.pk}/history/$"))
    changes = page.locator("#change-history tbody tr").first
    expect(changes).to_contain_text("Changed")
    expect(changes).to_contain_text("editor")
    expect(changes).to_contain_text("Value:")
    expect(changes).to_contain_text("10000000.0000")
    expect(changes).to_contain_text("11000000.0000")
