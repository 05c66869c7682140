import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_admin_login_form_leads_to_project_changelist(
    live_server, offline_page, django_user_model
):
    django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password="not-a-real-secret"
    )
    page = offline_page

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("not-a-real-secret")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text("editor")

    page.goto(f"{live_server.url}/admin/projects/project/")
    expect(page).to_have_title("Select project to change | BRI Tracker admin")
    expect(page.locator("h1")).to_have_text("Select project to change")
    # offline_page fails the test if any request left 127.0.0.1.
