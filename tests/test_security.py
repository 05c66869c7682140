"""Logins are throttled and logged, staff sessions are short, a rejected
``next`` lands on the admin, every response carries the security headers
(the /embed/ pages stay frameable), Plotly's stylesheets match the installed
plotly.js, and a bad Host is one warning line (issue 15)."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from bri_tracker.plotly_css import (
    MAPLIBRE_STYLESHEET,
    STYLESHEET,
    maplibre_style,
    plotly_css,
    plotly_rules,
)
from projects.models import Observation
from tests.factories import ProjectFactory

PASSWORD = "not-a-real-secret"
LOGIN = reverse("admin:login")
ADDRESS = "203.0.113.7"
OTHER_ADDRESS = "198.51.100.9"
LOCKED_MESSAGE = "Too many failed logins"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        username="editor", password=PASSWORD, is_staff=True
    )


def _login(client, password, address=ADDRESS, next_url=None, **extra):
    data = {"username": "editor", "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post(LOGIN, data, REMOTE_ADDR=address, **extra)


def _logged_in(client):
    return client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_ten_wrong_passwords_lock_out_the_right_one_with_a_message(client, editor):
    for _ in range(9):
        assert _login(client, "wrong").status_code == 200  # the form again
    tenth = _login(client, "wrong")
    right = _login(client, PASSWORD)

    for response in (tenth, right):
        assert response.status_code == 429
        page = response.content.decode()
        assert LOCKED_MESSAGE in page
        assert "paused for 15 minutes" in page
        assert "BRI Tracker editors" in page  # the admin's own login page
        assert 'id="login-form"' not in page
    assert not _logged_in(client)


@pytest.mark.django_db
def test_nine_wrong_passwords_do_not_lock_out(client, editor):
    for _ in range(9):
        _login(client, "wrong")

    assert _login(client, PASSWORD).status_code == 302
    assert _logged_in(client)


@pytest.mark.django_db
def test_lockout_is_per_address(client, editor):
    for _ in range(10):
        _login(client, "wrong")

    response = _login(client, PASSWORD, address=OTHER_ADDRESS)

    assert response.status_code == 302
    assert _logged_in(client)


@pytest.mark.django_db
def test_lockout_counts_the_visitor_behind_the_proxy(client, editor):
    # Every request comes from the proxy on 127.0.0.1; the visitor is the
    # address it appends to X-Forwarded-For (bri_tracker/client_address.py).
    for _ in range(10):
        _login(client, "wrong", address="127.0.0.1", HTTP_X_FORWARDED_FOR=ADDRESS)

    locked = _login(client, PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR=ADDRESS)
    other = _login(client, PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR=OTHER_ADDRESS)

    assert locked.status_code == 429
    assert other.status_code == 302


@pytest.mark.django_db
def test_lockout_ends_after_fifteen_minutes(client, editor):
    for _ in range(10):
        _login(client, "wrong")
    assert _login(client, PASSWORD).status_code == 429

    # The failures recorded move back in time as if 15 minutes had passed.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - timedelta(minutes=15, seconds=1)
    )

    assert _login(client, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_login_failures_and_the_lockout_are_logged(client, editor, caplog):
    with caplog.at_level(logging.INFO):
        for _ in range(10):
            _login(client, "wrong")

    warnings = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("axes") and record.levelno == logging.WARNING
    ]
    failures = [line for line in warnings if "login failure by" in line]
    assert len(failures) == 10
    assert all(ADDRESS in line for line in failures)
    assert all("editor" not in line for line in failures)  # the username is masked
    assert any("Locking out" in line for line in warnings)


@pytest.mark.django_db
def test_superusers_see_the_failed_logins_in_the_admin(client, editor, admin_client):
    for _ in range(3):
        _login(client, "wrong")

    response = admin_client.get(reverse("admin:axes_accessattempt_changelist"))

    assert response.status_code == 200
    assert ADDRESS in response.content.decode()


@pytest.mark.django_db
def test_a_staff_session_lasts_twelve_hours_and_ends_with_the_browser(client, editor):
    response = _login(client, PASSWORD)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser session
    session = Session.objects.get(session_key=cookie.value)
    left = session.expire_date - timezone.now()
    assert timedelta(hours=11, minutes=59) < left <= timedelta(hours=12)


@pytest.mark.django_db
def test_readers_get_no_session(client, seeded):
    figure = Observation.objects.published().first()
    pages = [
        "/",
        "/projects/",
        "/projects/china-laos-railway/",
        f"/figures/{figure.pk}/",
        "/countries/KEN/",
        "/embed/freight/",
    ]

    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert settings.SESSION_COOKIE_NAME not in response.cookies, path
    assert not Session.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/"])
def test_an_unsafe_next_lands_on_the_admin_index(client, editor, next_url):
    response = _login(client, PASSWORD, next_url=next_url)

    assert response.status_code == 302
    assert response.url == reverse("admin:index")


@pytest.mark.django_db
def test_a_safe_next_is_followed(client, editor):
    changelist = reverse("admin:projects_project_changelist")

    response = _login(client, PASSWORD, next_url=changelist)

    assert response.url == changelist


@pytest.mark.django_db
def test_the_admin_login_is_the_only_login(client):
    assert client.get("/accounts/login/").status_code == 404
    assert reverse(settings.LOGIN_URL) == LOGIN


def _policy(response):
    """{directive: [values]} of the response's Content-Security-Policy."""
    header = response.headers["Content-Security-Policy"]
    return {
        name: values for name, *values in (part.split() for part in header.split(";"))
    }


STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-hashes'", settings.EMPTY_STYLE_HASH.strip()],
    "img-src": ["'self'", "data:", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/projects/", "/no-such-page/", LOGIN, "/static/css/site.css"]
)
def test_responses_carry_the_strict_policy_and_the_other_headers(client, path):
    response = client.get(path)

    assert _policy(response) == STRICT
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


@pytest.mark.django_db
def test_embed_stays_frameable_when_served_from_the_page_cache(client, seeded):
    first = client.get("/embed/freight/")
    again = client.get("/embed/freight/", HTTP_IF_NONE_MATCH="not-it")
    dashboard = client.get("/")

    for response in (first, again):
        assert response.status_code == 200
        assert "X-Frame-Options" not in response.headers
        policy = _policy(response)
        assert "frame-ancestors" not in policy
        assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
        assert policy["script-src"] == ["'self'"]
    assert _policy(dashboard)["frame-ancestors"] == ["'none'"]
    assert dashboard.headers["X-Frame-Options"] == "DENY"
    assert dashboard.headers["Cross-Origin-Resource-Policy"] == "same-origin"


def test_the_admin_export_page_has_no_inline_handler_or_style(admin_client):
    response = admin_client.get(reverse("admin:projects_observation_export"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "onchange=" not in page
    assert "style=" not in page
    assert "js/admin_export.js" in page
    assert 'id="select-all-toggle"' in page


def test_an_admin_history_page_has_no_style_attribute(admin_client):
    project = ProjectFactory()
    project.name = "Renamed"
    project.save()

    response = admin_client.get(
        reverse("admin:projects_project_history", args=[project.pk])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Renamed" in page  # the list of changes is shown
    assert "style=" not in page
    assert "css/admin_history.css" in page


def test_the_plotly_stylesheets_match_the_installed_plotly():
    static = settings.BASE_DIR / "static"

    assert (static / STYLESHEET).read_text(encoding="utf-8") == plotly_css()
    assert (static / MAPLIBRE_STYLESHEET).read_text(
        encoding="utf-8"
    ) == maplibre_style()[1]


def test_plotly_rules_expand_its_selector_shorthands_in_order():
    js = (
        'var r={"X .a,X .b":"color:red;",Y:\'font:"Open Sans";\',"X [x]":"top:0;"}'
        ';for(k in r)s=k.replace(/^,/," ,").replace(/X/g,".plot")'
        '.replace(/Y/g,".note"),lib.addStyleRule(s,r[k]);'
    )

    assert plotly_rules(js) == [
        (".plot .a,.plot .b", "color:red;"),
        (".note", 'font:"Open Sans";'),
        (".plot [x]", "top:0;"),
    ]
    # Inserted at the top one by one: the last rule ends up first.
    assert plotly_css(js).splitlines()[1:] == [
        ".plot [x] {top:0;}",
        '.note {font:"Open Sans";}',
        ".plot .a,.plot .b {color:red;}",
    ]


@pytest.mark.django_db
def test_a_bad_host_is_one_warning_line_without_traceback(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    security = [r for r in caplog.records if r.name.startswith("django.security")]
    assert len(security) == 1
    (record,) = security
    assert record.name == "django.security.DisallowedHost"
    assert record.levelno == logging.WARNING
    assert record.exc_info is None and record.exc_text is None
    assert "evil.example" in record.getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
