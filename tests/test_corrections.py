"""Readers report errors on project, figure and country pages; editors
resolve the requests in the admin. Bad input is refused with its reason and
stores nothing; spam is held back by CSRF, a honeypot and a rate limit per
address."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from factory.django import DjangoModelFactory

from corrections.models import CorrectionRequest
from corrections.services import RATE_LIMIT
from tests.factories import CountryFactory, ObservationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

VALID = {
    "what_is_wrong": "The line opened in 2023, not 2022.",
    "correct_value": "2023",
    "source_url": "https://example.org/news/opening",
    "email": "reader@example.org",
}
ADDRESS = "81.2.69.160"


class CorrectionRequestFactory(DjangoModelFactory):
    class Meta:
        model = CorrectionRequest

    kind = CorrectionRequest.Kind.PROJECT
    object_key = "railway-1"
    object_label = "Railway 1"
    page_path = "/projects/railway-1/"
    what_is_wrong = "The opening year is 2023, not 2022."
    ip_address = ADDRESS


@pytest.fixture
def project():
    return ProjectFactory(name="Mombasa–Nairobi Railway", slug="sgr")


@pytest.fixture
def report_url(project):
    return reverse("projects:report", args=[project.slug])


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="editor", password="not-a-real-secret", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def _post(client, url, address=ADDRESS, **data):
    return client.post(url, {**VALID, **data}, REMOTE_ADDR=address)


def _refusal(response):
    """The visible text of the form's error messages."""
    errors = re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', response.text, re.S)
    return " ".join(html.unescape(strip_tags(error)).strip() for error in errors)


# The public form


@pytest.mark.parametrize(
    ("name", "make", "args"),
    [
        ("projects:report", ProjectFactory, lambda p: [p.slug]),
        ("figures:report", ObservationFactory, lambda f: [f.pk]),
        ("countries:report", CountryFactory, lambda c: [c.iso3]),
    ],
)
def test_report_form_renders_for_each_kind_of_page(client, name, make, args):
    response = client.get(reverse(name, args=args(make())))

    assert response.status_code == 200
    assert "<h1>Report an error</h1>" in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text
    for field in ("what_is_wrong", "correct_value", "source_url", "email"):
        assert f'name="{field}"' in response.text
    assert re.search(
        r'<textarea name="what_is_wrong"[^>]*maxlength="2000"', response.text
    )


def test_report_form_honeypot_is_hidden_from_people(client, report_url):
    response = client.get(report_url)

    honeypot = re.search(
        r'<div class="report-hp" aria-hidden="true">(.*?)</div>', response.text, re.S
    )
    assert honeypot is not None
    assert re.search(r'<input[^>]*name="website"[^>]*tabindex="-1"', honeypot.group(1))


@pytest.mark.parametrize(
    ("page", "report"),
    [
        ("projects:detail", "projects:report"),
        ("figures:detail", "figures:report"),
        ("countries:detail", "countries:report"),
    ],
)
def test_detail_pages_link_to_their_report_form(client, page, report):
    figure = ObservationFactory()
    country = CountryFactory()
    figure.project.countries.add(country)
    key = {
        "projects:detail": figure.project.slug,
        "figures:detail": figure.pk,
        "countries:detail": country.iso3,
    }[page]

    response = client.get(reverse(page, args=[key]))

    assert response.status_code == 200
    assert f'<a href="{reverse(report, args=[key])}">Report an error</a>' in (
        response.text
    )


def test_report_page_is_never_cached(client, report_url, settings):
    settings.PAGE_CACHE_SECONDS = 3600

    first = client.get(report_url)
    second = client.get(report_url)

    assert "no-store" in first["Cache-Control"]
    assert "private" in first["Cache-Control"]
    # Each render masks the CSRF token afresh: a cached copy would repeat it.
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.search(first.text).group(1) != token.search(second.text).group(1)


def test_valid_report_is_stored_with_its_page_and_address(client, project, report_url):
    response = _post(client, report_url)

    assert response.status_code == 302
    assert response["Location"] == f"{report_url}?sent=1"
    correction = CorrectionRequest.objects.get()
    assert correction.kind == "project"
    assert correction.object_key == "sgr"
    assert correction.object_label == "Mombasa–Nairobi Railway"
    assert correction.page_path == reverse("projects:detail", args=["sgr"])
    assert correction.ip_address == ADDRESS
    assert correction.what_is_wrong == VALID["what_is_wrong"]
    assert correction.correct_value == "2023"
    assert correction.source_url == VALID["source_url"]
    assert correction.email == "reader@example.org"
    assert correction.status == CorrectionRequest.Status.OPEN
    assert correction.created_at is not None
    assert correction.resolved_by is None


def test_valid_report_thanks_the_reader(client, report_url):
    response = client.post(report_url, VALID, REMOTE_ADDR=ADDRESS, follow=True)

    assert response.status_code == 200
    assert "Thank you: your report has been sent to the editors." in response.text
    assert 'name="what_is_wrong"' not in response.text


def test_report_needs_only_what_is_wrong(client, report_url):
    response = client.post(
        report_url, {"what_is_wrong": "Wrong sector."}, REMOTE_ADDR=ADDRESS
    )

    assert response.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert (correction.correct_value, correction.source_url, correction.email) == (
        "",
        "",
        "",
    )


def test_figure_and_country_reports_name_their_object(client):
    figure = ObservationFactory(project=ProjectFactory(name="Port City"))
    country = CountryFactory(iso3="QKE", name="Quenya")

    _post(client, reverse("figures:report", args=[figure.pk]))
    _post(client, reverse("countries:report", args=["qke"]))

    stored = {c.kind: c for c in CorrectionRequest.objects.all()}
    assert stored["figure"].object_key == str(figure.pk)
    assert stored["figure"].object_label.startswith("Port City: Passengers")
    assert stored["figure"].page_path == f"/figures/{figure.pk}/"
    assert stored["country"].object_key == country.iso3
    assert stored["country"].page_path == "/countries/QKE/"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"what_is_wrong": ""}, "Say what is wrong on the page."),
        ({"what_is_wrong": "   \n "}, "Say what is wrong on the page."),
        (
            {"what_is_wrong": "x" * 100 * 1024},
            "Shorten this to 2000 characters or fewer: it has 102400.",
        ),
        (
            {"what_is_wrong": "Wrong <script>alert(1)</script>"},
            "Write plain text: HTML tags such as <b> or <a href=…> are not accepted.",
        ),
        (
            {"what_is_wrong": 'See <a href="https://x.example">here</a>'},
            "HTML tags such as <b>",
        ),
        (
            {"correct_value": "<b>2023</b>"},
            "Write plain text: HTML tags such as <b>",
        ),
        (
            {"correct_value": "9" * 501},
            "Shorten this to 500 characters or fewer: it has 501.",
        ),
        (
            {"source_url": "javascript:alert(1)"},
            "Enter a web link that starts with http:// or https://.",
        ),
        (
            {"source_url": "ftp://x"},
            "Enter a web link that starts with http:// or https://.",
        ),
        (
            {"source_url": "data:text/html,<b>x</b>"},
            "Enter a web link that starts with http:// or https://.",
        ),
        (
            {"source_url": "https://example.org/" + "a" * 500},
            "Shorten this to 500 characters or fewer",
        ),
        (
            {"email": "not an address"},
            "Enter a valid email address, or leave it empty.",
        ),
        (
            {"email": "a" * 250 + "@example.org"},
            "Shorten this to 254 characters or fewer",
        ),
        ({"what_is_wrong": "null\x00byte"}, "Null characters are not allowed."),
    ],
    ids=[
        "empty",
        "blank",
        "100KB",
        "script",
        "link-tag",
        "html-value",
        "long-value",
        "javascript-url",
        "ftp-url",
        "data-url",
        "long-url",
        "bad-email",
        "long-email",
        "null-byte",
    ],
)
def test_bad_report_is_refused_with_its_reason_and_stores_nothing(
    client, report_url, data, message
):
    response = _post(client, report_url, **data)

    assert response.status_code == 200
    assert message in _refusal(response)
    assert CorrectionRequest.objects.count() == 0


def test_refused_report_keeps_what_the_reader_typed_escaped(client, report_url):
    response = _post(client, report_url, what_is_wrong="<i>x</i>")

    assert "&lt;i&gt;x&lt;/i&gt;</textarea>" in response.text
    assert "<i>x</i>" not in response.text


def test_plain_text_with_angle_brackets_is_accepted(client, report_url):
    _post(client, report_url, what_is_wrong="Passengers < 5 million, not > 10")

    assert CorrectionRequest.objects.get().what_is_wrong == (
        "Passengers < 5 million, not > 10"
    )


def test_url_without_scheme_is_read_as_https(client, report_url):
    _post(client, report_url, source_url="example.org/news")

    assert CorrectionRequest.objects.get().source_url == "https://example.org/news"


@pytest.mark.parametrize(
    "url",
    [
        reverse("projects:report", args=["no-such-project"]),
        reverse("figures:report", args=[999999]),
        reverse("countries:report", args=["QQZ"]),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_report_for_a_missing_object_is_404(client, url, method):
    response = getattr(client, method)(url, VALID, REMOTE_ADDR=ADDRESS)

    assert response.status_code == 404
    assert CorrectionRequest.objects.count() == 0


def test_report_for_a_draft_figure_is_404(client):
    figure = ObservationFactory(status="draft")

    response = _post(client, reverse("figures:report", args=[figure.pk]))

    assert response.status_code == 404
    assert CorrectionRequest.objects.count() == 0


def test_filled_honeypot_stores_nothing_but_thanks_as_usual(client, report_url):
    response = _post(client, report_url, website="https://spam.example")

    assert response.status_code == 302
    assert response["Location"] == f"{report_url}?sent=1"
    assert CorrectionRequest.objects.count() == 0


def test_report_without_csrf_token_is_refused(report_url):
    client = Client(enforce_csrf_checks=True)

    response = _post(client, report_url)

    assert response.status_code == 403
    assert CorrectionRequest.objects.count() == 0


def test_report_with_csrf_token_from_the_form_is_stored(report_url):
    client = Client(enforce_csrf_checks=True)
    form = client.get(report_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)

    response = _post(client, report_url, csrfmiddlewaretoken=token.group(1))

    assert response.status_code == 302
    assert CorrectionRequest.objects.count() == 1


# The rate limit


def test_twenty_reports_a_minute_from_one_address_store_the_first_five(
    client, report_url
):
    statuses = [_post(client, report_url).status_code for _ in range(20)]

    assert RATE_LIMIT == 5
    assert statuses == [302] * 5 + [429] * 15
    assert CorrectionRequest.objects.count() == 5


def test_rate_limited_report_says_when_to_try_again(client, report_url):
    for _ in range(RATE_LIMIT):
        _post(client, report_url)

    response = _post(client, report_url)

    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    text = " ".join(strip_tags(response.text).split())
    assert "Too many reports from your address: try again in 10 minutes." in text
    assert "Nothing was sent" in text
    assert CorrectionRequest.objects.count() == RATE_LIMIT


def test_rate_limit_counts_per_address(client, report_url):
    for _ in range(RATE_LIMIT):
        _post(client, report_url)
    assert _post(client, report_url).status_code == 429

    other = _post(client, report_url, address="2001:db8::7")

    assert other.status_code == 302
    assert CorrectionRequest.objects.filter(ip_address="2001:db8::7").count() == 1


def test_rate_limit_counts_reports_on_every_page(client, report_url):
    figure = ObservationFactory()
    for _ in range(RATE_LIMIT):
        _post(client, report_url)

    response = _post(client, reverse("figures:report", args=[figure.pk]))

    assert response.status_code == 429


def test_rate_limit_lifts_when_the_window_has_passed(client, report_url):
    for _ in range(RATE_LIMIT):
        _post(client, report_url)
    CorrectionRequest.objects.update(
        created_at=timezone.now() - timedelta(minutes=9, seconds=30)
    )
    waiting = _post(client, report_url)
    CorrectionRequest.objects.update(created_at=timezone.now() - timedelta(minutes=11))

    response = _post(client, report_url)

    assert waiting.status_code == 429
    assert "try again in 1 minute." in " ".join(strip_tags(waiting.text).split())
    assert response.status_code == 302
    assert CorrectionRequest.objects.count() == RATE_LIMIT + 1


def test_behind_the_proxy_the_forwarded_address_is_counted(client, report_url):
    def via_proxy(forwarded):
        return client.post(
            report_url,
            VALID,
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    # The client may send its own header; the proxy appends the real address.
    for n in range(RATE_LIMIT):
        via_proxy(f"10.9.9.{n}, {ADDRESS}")

    assert via_proxy(ADDRESS).status_code == 429
    assert via_proxy("81.2.69.161").status_code == 302
    assert set(CorrectionRequest.objects.values_list("ip_address", flat=True)) == {
        ADDRESS,
        "81.2.69.161",
    }


def test_a_direct_client_cannot_pick_its_address(client, report_url):
    for n in range(RATE_LIMIT):
        client.post(
            report_url, VALID, REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR=f"8.8.8.{n}"
        )

    assert CorrectionRequest.objects.filter(ip_address=ADDRESS).count() == RATE_LIMIT
    assert _post(client, report_url).status_code == 429


# The editors' queue


def test_queue_lists_open_requests_first(admin_client):
    fixed = CorrectionRequestFactory(status="fixed", resolution="Corrected.")
    old_open = CorrectionRequestFactory()
    new_open = CorrectionRequestFactory()
    CorrectionRequest.objects.filter(pk=old_open.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )

    response = admin_client.get(
        reverse("admin:corrections_correctionrequest_changelist")
    )

    assert response.status_code == 200
    rows = [row.pk for row in response.context["cl"].result_list]
    assert rows == [new_open.pk, old_open.pk, fixed.pk]


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ({"status__exact": "open"}, 2),
        ({"status__exact": "declined"}, 1),
        ({"kind__exact": "figure"}, 1),
        ({"kind__exact": "project", "status__exact": "open"}, 1),
    ],
)
def test_queue_filters_by_status_and_kind(admin_client, query, count):
    CorrectionRequestFactory()
    CorrectionRequestFactory(kind="figure", object_key="7", page_path="/figures/7/")
    CorrectionRequestFactory(status="declined", resolution="The source says 2022.")

    response = admin_client.get(
        reverse("admin:corrections_correctionrequest_changelist"), query
    )

    assert response.context["cl"].result_count == count


def test_queue_links_to_the_reported_page(admin_client):
    CorrectionRequestFactory()

    response = admin_client.get(
        reverse("admin:corrections_correctionrequest_changelist")
    )

    assert '<a href="/projects/railway-1/">Railway 1</a>' in response.text


def test_html_in_a_request_is_escaped_in_the_admin(admin_client):
    correction = CorrectionRequestFactory(
        what_is_wrong="<script>alert('wrong')</script>",
        correct_value="<img src=x onerror=alert(1)>",
        object_label="<b>Railway</b>",
    )

    changelist = admin_client.get(
        reverse("admin:corrections_correctionrequest_changelist")
    )
    change = admin_client.get(
        reverse("admin:corrections_correctionrequest_change", args=[correction.pk])
    )

    for response in (changelist, change):
        assert "<script>alert(" not in response.text
        assert "<b>Railway</b>" not in response.text
        assert "&lt;script&gt;alert(" in response.text
        assert "&lt;b&gt;Railway&lt;/b&gt;" in response.text
    assert "<img src=x" not in change.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in change.text


def _resolve(client, correction, **data):
    url = reverse("admin:corrections_correctionrequest_change", args=[correction.pk])
    return client.post(url, {"status": "open", "resolution": "", **data})


def test_editor_resolves_a_request_as_fixed_with_a_reason(editor_client, editor):
    correction = CorrectionRequestFactory()

    response = _resolve(
        editor_client, correction, status="fixed", resolution="Year corrected."
    )

    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == "fixed"
    assert correction.resolution == "Year corrected."
    assert correction.resolved_by == editor
    assert correction.resolved_at is not None


@pytest.mark.parametrize("status", ["fixed", "declined"])
def test_resolving_without_a_reason_is_refused(editor_client, status):
    correction = CorrectionRequestFactory()

    response = _resolve(editor_client, correction, status=status, resolution="  ")

    assert response.status_code == 200
    assert (
        f"Give the reason for marking this request {status}."
        in response.context["adminform"].form.errors["resolution"]
    )
    correction.refresh_from_db()
    assert correction.status == "open"
    assert correction.resolved_at is None


def test_reopening_a_request_clears_who_resolved_it(editor_client):
    correction = CorrectionRequestFactory()
    _resolve(editor_client, correction, status="declined", resolution="Not an error.")

    _resolve(editor_client, correction, status="open", resolution="Not an error.")

    correction.refresh_from_db()
    assert correction.status == "open"
    assert correction.resolved_by is None


def test_editor_cannot_change_what_the_reader_wrote(editor_client):
    correction = CorrectionRequestFactory()

    _resolve(
        editor_client,
        correction,
        status="fixed",
        resolution="Done.",
        what_is_wrong="Something else",
        ip_address="1.1.1.1",
    )

    correction.refresh_from_db()
    assert correction.what_is_wrong == "The opening year is 2023, not 2022."
    assert correction.ip_address == ADDRESS


def test_decline_as_spam_action_declines_open_requests_only(editor_client, editor):
    spam = CorrectionRequestFactory()
    fixed = CorrectionRequestFactory(status="fixed", resolution="Corrected.")

    editor_client.post(
        reverse("admin:corrections_correctionrequest_changelist"),
        {"action": "decline_as_spam", "_selected_action": [spam.pk, fixed.pk]},
    )

    spam.refresh_from_db()
    fixed.refresh_from_db()
    assert (spam.status, spam.resolution, spam.resolved_by) == (
        "declined",
        "Spam, or not a correction.",
        editor,
    )
    assert (fixed.status, fixed.resolution) == ("fixed", "Corrected.")


def test_editors_view_and_resolve_but_neither_add_nor_delete(editor_client, editor):
    correction = CorrectionRequestFactory()

    assert editor.has_perm("corrections.view_correctionrequest")
    assert editor.has_perm("corrections.change_correctionrequest")
    assert not editor.has_perm("corrections.delete_correctionrequest")
    delete = reverse("admin:corrections_correctionrequest_delete", args=[correction.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    add = editor_client.get(reverse("admin:corrections_correctionrequest_add"))
    assert add.status_code == 302
    assert CorrectionRequest.objects.count() == 1


def _corrections_notice(response):
    match = re.search(r'<p class="corrections-notice">(.*?)</p>', response.text, re.S)
    return " ".join(strip_tags(match.group(1)).split()) if match else None


def test_admin_index_shows_the_number_of_open_requests(editor_client):
    CorrectionRequestFactory.create_batch(2)
    CorrectionRequestFactory(status="fixed", resolution="Corrected.")

    response = editor_client.get(reverse("admin:index"))

    assert _corrections_notice(response).startswith(
        "2 open correction requests from readers"
    )
    link = re.search(r'class="corrections-notice"><a href="([^"]+)"', response.text)
    queue = editor_client.get(link.group(1).replace("&amp;", "&"))
    assert queue.context["cl"].result_count == 2


def test_admin_index_has_no_corrections_notice_without_open_requests(editor_client):
    CorrectionRequestFactory(status="declined", resolution="Spam.")

    response = editor_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert _corrections_notice(response) is None


def test_resolved_request_without_a_reason_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        CorrectionRequestFactory(status="fixed", resolution="")
