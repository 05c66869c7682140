"""The API's documentation page (/api/, Swagger UI served by the app) in a
real browser, offline: it lists every operation without a request leaving
127.0.0.1 or a console error (a Content-Security-Policy refusal is one),
"Try it out" gets a 200 from the figure list, axe finds nothing serious or
critical, and screenshots at laptop and phone widths land in
test-artifacts/."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from tests.api_rows import api_rows
from tests.test_layout_browser import LAPTOP, PHONE

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
# What axe finds in Swagger UI's own markup, which no stylesheet can change:
# an operation's summary is a button holding other controls
# (nested-interactive), its parameter <select>s have no label (select-name),
# its example code blocks scroll without a tab stop
# (scrollable-region-focusable). Outside #swagger-ui, and for any other
# rule, nothing is excused. Its colours are darkened in static/api/docs.css.
SWAGGER_UI_RULES = {"nested-interactive", "select-name", "scrollable-region-focusable"}
ARTIFACTS = settings.BASE_DIR / "test-artifacts"
# One list and one record per kind of record, at least.
LEAST_OPERATIONS = 14


@pytest.fixture
def docs(live_server, offline_page, transactional_db):
    """The documentation page, opened once Swagger UI has drawn the
    operations, on committed rows the live server can read."""
    api_rows()
    offline_page.goto(f"{live_server.url}/api/")
    operations = offline_page.locator(".opblock")
    expect(operations.first).to_be_visible()
    return offline_page


def test_api_docs_list_every_operation_offline(docs):
    paths = docs.locator(".opblock-summary-path").all_inner_texts()

    assert len(paths) >= LEAST_OPERATIONS
    for expected in ("/api/figures/", "/api/figures/{id}/", "/api/projects/{slug}/"):
        assert expected in [path.replace("\u200b", "") for path in paths]
    # offline_page fails the test on any request off 127.0.0.1 and on any
    # console error, Content-Security-Policy refusals included.


def test_api_docs_try_it_out_gets_figures(docs):
    operation = docs.locator(".opblock").filter(
        has=docs.locator(".opblock-summary-path", has_text="/api/figures/")
    )
    operation = operation.filter(
        has_not=docs.locator(".opblock-summary-path", has_text="{id}")
    )
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()

    status = operation.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text("200")
    body = operation.locator(".live-responses-table .microlight").first
    expect(body).to_contain_text('"results"')


def _in_swagger_ui(page, node) -> bool:
    return page.evaluate(
        "selector => !!document.querySelector(selector)?.closest('#swagger-ui')",
        node["target"][0],
    )


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_api_docs_have_no_serious_axe_violation(docs, viewport):
    docs.set_viewport_size(viewport)
    # One operation open, so that its parameters are checked too.
    docs.locator("#operations-figures-figures_list .opblock-summary").click()
    expect(docs.locator("#operations-figures-figures_list .parameters")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    docs.screenshot(
        path=ARTIFACTS / f"api-docs-{viewport['width']}.png", full_page=True
    )

    violations = Axe().run(docs).response["violations"]

    blocking, excused = [], set()
    for violation in violations:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            if violation["id"] in SWAGGER_UI_RULES and _in_swagger_ui(docs, node):
                excused.add(violation["id"])
            else:
                blocking.append((violation["id"], node["target"], violation["help"]))
    print(f"\n{viewport['width']}px: excused in Swagger UI: {sorted(excused)}")  # noqa: T201
    assert blocking == []
