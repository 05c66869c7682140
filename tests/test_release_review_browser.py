"""The release review screen as an editor sees it: the project picker asks
as you type, a proposal's fields and its sentence fit a laptop screen, an
action takes the corrections on screen, and a decided proposal is read-only.
"""

import os
from datetime import date

import pytest
from playwright.sync_api import expect

from projects.ingest import candidate_accept, release_ingest
from projects.models import FigureCandidate, Observation
from tests.factories import ProjectFactory

pytestmark = pytest.mark.browser

PASSWORD = "not-a-real-secret"
RELEASE = (
    "Railway carries more passengers\n\n"
    "VIENTIANE, March 3 (Xinhua) -- The Laos railway has carried more than 2.5 "
    "million passengers since it opened, officials said on Tuesday, as trade "
    "along the line kept growing and more stations opened to travellers.\n\n"
    "The line also moved 40,000 tonnes of cargo in 2025, up 12.5 percent year "
    "on year, with fruit, fertiliser and rubber among the goods carried.\n"
)
REVIEW = "/admin/projects/figurecandidate/"
SHOTS = os.environ.get("REVIEW_SCREENSHOTS")  # a directory, to look at them


@pytest.fixture
def editor_page(live_server, offline_page, django_user_model):
    django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password=PASSWORD
    )
    page = offline_page
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text("editor")
    return page


@pytest.fixture
def proposals(transactional_db):
    ProjectFactory(name="Laos railway", aliases=["Laos-China Railway"])
    ProjectFactory(name="Vientiane dry port")
    source, _, candidates = release_ingest(
        raw=RELEASE, publisher="Xinhua", published_on=date(2026, 3, 4)
    )
    return source, candidates


def _row(page, candidate):
    """The review list's row of fields of ``candidate``."""
    return page.locator("tr.proposal-fields").filter(
        has=page.locator(f"input.action-select[value='{candidate.pk}']")
    )


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("screen", [1366, 1280])
def test_review_list_fits_a_laptop_with_each_sentence_under_its_proposal(
    live_server, editor_page, proposals, screen
):
    page = editor_page
    page.set_viewport_size({"width": screen, "height": 768})
    source, candidates = proposals

    page.goto(f"{live_server.url}{REVIEW}?source__id__exact={source.pk}")
    _shot(page, f"review-{screen}")

    width = page.evaluate("() => window.innerWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    for candidate in candidates:
        row = _row(page, candidate)
        sentence = row.locator("xpath=following-sibling::tr[1]")
        expect(sentence).to_have_class("proposal-sentence")
        expect(sentence.locator("mark")).to_have_text(candidate.quote)
        assert sentence.bounding_box()["width"] >= 300
        for field in ("as_of", "decision", "reject_reason", "figure_link"):
            box = row.locator(f".field-{field}").bounding_box()
            assert box is not None, field
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, field
        for name in ("as_of", "reject_reason", "value", "counted"):
            box = row.locator(f"input[name$='-{name}']").bounding_box()
            assert box["x"] + box["width"] <= width, name


def test_review_list_picks_a_project_by_autocomplete(
    live_server, editor_page, proposals
):
    page = editor_page
    source, candidates = proposals
    cargo = next(c for c in candidates if c.metric.key == "cargo_tonnes")

    page.goto(f"{live_server.url}{REVIEW}?source__id__exact={source.pk}")
    row = _row(page, cargo)
    row.locator(".field-project .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("dry po")
    page.locator(
        ".select2-container--open .select2-results__option",
        has_text="Vientiane dry port",
    ).click()
    expect(row.locator(".field-project")).to_contain_text("Vientiane dry port")
    page.locator("input[name=_save]").click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    cargo.refresh_from_db()
    assert cargo.project.name == "Vientiane dry port"


def test_accepting_a_corrected_row_without_saving_records_the_correction(
    live_server, editor_page, proposals
):
    page = editor_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    source, candidates = proposals
    passengers = next(c for c in candidates if c.metric.key == "passengers")

    page.goto(f"{live_server.url}{REVIEW}?source__id__exact={source.pk}")
    row = _row(page, passengers)
    row.locator("input[name$='-value']").fill("2600000")
    row.locator("select[name$='-qualifier']").select_option("about")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("accept_as_draft")
    page.locator("button[name=index]").click()

    expect(page.locator(".messagelist")).to_contain_text("1 proposal(s) accepted")
    assert dialogs == []  # no warning that the correction would be lost
    figure = Observation.objects.get()
    assert (figure.value, figure.qualifier) == (2_600_000, "about")
    passengers.refresh_from_db()
    assert passengers.decision == "accepted" and passengers.edited


def test_a_decided_proposal_is_read_only_and_links_to_its_figure(
    live_server, editor_page, proposals, django_user_model
):
    page = editor_page
    source, candidates = proposals
    passengers = next(c for c in candidates if c.metric.key == "passengers")
    figure = candidate_accept(
        passengers, user=django_user_model.objects.get(username="editor")
    )

    page.goto(f"{live_server.url}{REVIEW}?source__id__exact={source.pk}")
    _shot(page, "review-decided")
    row = _row(page, passengers)
    expect(row.locator("input[name$='-value']")).to_be_disabled()
    expect(row.locator("select[name$='-metric']")).to_be_disabled()
    pending = _row(page, next(c for c in candidates if c != passengers))
    expect(pending.locator("input[name$='-value']")).to_be_enabled()
    row.locator(".field-figure_link a").click()
    expect(page.locator("h1")).to_have_text("Change observation")
    expect(page.locator("#id_value")).to_have_value("2500000.0000")

    page.goto(
        f"{live_server.url}{REVIEW}{passengers.pk}/change/",
    )
    expect(page.locator("h1")).to_have_text("View figure candidate")
    _shot(page, "decided-view")
    expect(page.locator("input[name=_save]")).to_have_count(0)
    expect(page.locator("#id_value")).to_have_count(0)
    link = page.locator(".field-figure_link a")
    expect(link).to_have_text(f"#{figure.pk}")
    assert FigureCandidate.objects.get(pk=passengers.pk).value == 2_500_000
