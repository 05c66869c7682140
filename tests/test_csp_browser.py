"""The Content-Security-Policy breaks nothing: public pages with their charts
and map drawn, an /embed/ page, and the admin's pages (index, figure list and
form, import, export, release review, adding a release, a history, the
lockout page)
raise no ``securitypolicyviolation`` event and log no console error or
warning, in a real browser on the seed data (settings/base.py, issue 15)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from projects.ingest import release_ingest
from tests.factories import ProjectFactory
from tests.test_layout_browser import open_drawn

pytestmark = pytest.mark.browser

PASSWORD = "not-a-real-secret"
# Every violation the page reports, kept across navigations of the page.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} ` +
    `at ${e.sourceFile}:${e.lineNumber} ${e.sample}`
  );
});
"""
PUBLIC = [
    "/",
    "/projects/china-laos-railway/",
    "/figures/",
    "/countries/",
    "/countries/KEN/",
    "/agreements/",
    "/sources/",
    "/projects/china-laos-railway/report/",
    "/embed/freight/",
    "/embed/partner-map/",
]
ADMIN = [
    "/admin/",
    "/admin/projects/observation/",
    "/admin/projects/observation/add/",
    "/admin/projects/observation/import/",
    "/admin/projects/observation/export/",
    "/admin/projects/figurecandidate/",
    "/admin/projects/figurecandidate/add-release/",
]


@pytest.fixture
def watched_page(page):
    """A page whose CSP violations and console errors and warnings are
    collected: {"violations": [...], "console": [...]}, per URL."""
    found = {"violations": [], "console": []}
    page.add_init_script(LISTEN)
    # The admin has no favicon: the browser's own request for one is no error.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.on(
        "console",
        lambda msg: (
            msg.type in ("error", "warning")
            and found["console"].append(f"{page.url}: {msg.text}")
        ),
    )
    page.on("pageerror", lambda exc: found["console"].append(f"{page.url}: {exc}"))
    page.found = found
    return page


def _collect(page):
    for violation in page.evaluate("() => window.__violations"):
        page.found["violations"].append(f"{page.url}: {violation}")


def _listed(found):
    return "\n".join(
        f"{kind}: {line}" for kind, lines in found.items() for line in lines
    )


def _visit(request, page, url):
    response = open_drawn(request, page, url)
    assert response.status == 200, url
    assert "content-security-policy" in response.headers, url
    _collect(page)


def test_public_pages_and_their_charts_break_no_content_policy(
    request, live_server, watched_page, seeded_live
):
    page = watched_page
    for path in PUBLIC:
        _visit(request, page, live_server.url + path)

    # Hover labels and the PNG download (an SVG drawn through a blob: URL).
    _visit(request, page, live_server.url + "/embed/freight/")
    page.locator("[data-chart] .main-svg").first.hover()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download plot as a PNG").click()
    assert download.value.suggested_filename == "freight-spec.png"
    _collect(page)

    assert page.found == {"violations": [], "console": []}, _listed(page.found)


def test_admin_pages_break_no_content_policy(
    request, live_server, watched_page, seeded_live, django_user_model
):
    django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password=PASSWORD
    )
    project = ProjectFactory(name="Laos railway")
    release_ingest(
        raw="Railway carries more passengers\n\nVIENTIANE, March 3 (Xinhua) -- "
        "The Laos railway has carried more than 2.5 million passengers since "
        "it opened, officials said on Tuesday.\n",
        publisher="Xinhua",
        published_on=date(2026, 3, 4),
    )
    page = watched_page
    page.goto(f"{live_server.url}/admin/")
    _collect(page)
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text("editor")

    for path in [*ADMIN, f"/admin/projects/project/{project.pk}/history/"]:
        _visit(request, page, live_server.url + path)

    # The figure form's widgets: a project picked in its autocomplete and a
    # date from the calendar.
    _visit(request, page, f"{live_server.url}/admin/projects/observation/add/")
    page.locator("#id_project + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Laos")
    page.locator(
        ".select2-container--open .select2-results__option", has_text="Laos railway"
    ).first.click()
    expect(page.locator("#select2-id_project-container")).to_contain_text("Laos")
    _collect(page)
    _collect(page)

    # The export form's "Select all" toggle (inline onchange upstream).
    _visit(request, page, f"{live_server.url}/admin/projects/observation/export/")
    toggle = page.locator("input.select-toggle")
    toggle.uncheck()
    fields = page.locator(".selectable-field-export-row input[type=checkbox]")
    assert all(not box.is_checked() for box in fields.all() if box.is_visible())
    toggle.check()
    assert all(box.is_checked() for box in fields.all() if box.is_visible())
    _collect(page)

    assert page.found == {"violations": [], "console": []}, _listed(page.found)


def test_lockout_page_breaks_no_content_policy(
    request, live_server, watched_page, django_user_model
):
    django_user_model.objects.create_user(username="editor", password=PASSWORD)
    page = watched_page
    page.goto(f"{live_server.url}/admin/login/")
    for _ in range(10):
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Log in").click()
        if page.get_by_text("Too many failed logins").count():
            break
        _collect(page)
    expect(page.get_by_role("alert")).to_contain_text("Too many failed logins")
    _collect(page)

    # The browser logs the lockout's 429 status itself; that is not a problem.
    page.found["console"] = [
        line for line in page.found["console"] if "status of 429" not in line
    ]
    assert page.found == {"violations": [], "console": []}, _listed(page.found)
