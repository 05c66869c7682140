"""A reader reports an error on a figure page; an editor finds the request on
the admin index and resolves it as fixed, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from corrections.models import CorrectionRequest
from projects.models import Observation

pytestmark = pytest.mark.browser

PASSWORD = "not-a-real-secret"


def test_reader_reports_an_error_and_an_editor_fixes_it(
    live_server, offline_page, seeded_live, django_user_model
):
    figure = Observation.objects.published().order_by("pk").first()
    page = offline_page

    page.goto(f"{live_server.url}/figures/{figure.pk}/")
    page.get_by_role("link", name="Report an error").click()
    expect(page.locator("h1")).to_have_text("Report an error")
    # The honeypot is out of sight.
    expect(page.locator("#id_website")).not_to_be_in_viewport()
    page.get_by_label("What is wrong?").fill("The as-of date should be a year later.")
    page.get_by_label("The correct value, if you know it").fill("2024")
    page.get_by_label("Source link").fill("https://example.org/release")
    page.get_by_role("button", name="Send the report").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Thank you: your report has been sent to the editors."
    )
    correction = CorrectionRequest.objects.get()
    assert correction.page_path == f"/figures/{figure.pk}/"
    assert correction.ip_address == "127.0.0.1"

    django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password=PASSWORD
    )
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    notice = page.locator(".corrections-notice")
    expect(notice).to_contain_text("1 open correction request from readers")

    notice.get_by_role("link").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.get_by_role("link", name=re.compile("as-of date should be")).click()
    page.get_by_label("Fixed").check()
    page.get_by_label("Reason").fill("As-of date corrected from the release.")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.goto(f"{live_server.url}/admin/corrections/correctionrequest/")
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td.field-status")).to_have_text("Fixed")
    correction.refresh_from_db()
    assert correction.status == "fixed"
    assert correction.resolution == "As-of date corrected from the release."
    assert correction.resolved_by.username == "editor"
