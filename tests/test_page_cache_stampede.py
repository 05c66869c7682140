"""Stampede protection (issue 16): after an edit, one request per page
renders it; the others get the page's previous body (one edit old, marked
stale) or, when there is none, wait for the new one. Never an error, never
a stale body in place of a page that may not be stored, and never to
editors.

The page is a test view (this module is its URLconf) that counts its
renders and takes ``RENDER_SECONDS``, so that concurrent requests overlap.
"""

import threading
import time
from collections import Counter
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotFound
from django.test import Client, RequestFactory
from django.urls import path

from bri_tracker import data_generation, page_cache
from bri_tracker.cache_backends import FileCache

URL = "/page/"
RENDER_SECONDS = 0.3
VISITORS = 6


class Page:
    """What the test view answers: ``body`` (or a 404 if None), counting."""

    body: str | None = "v1"
    renders = 0
    lock = threading.Lock()


def view(request):
    with Page.lock:
        Page.renders += 1
    time.sleep(RENDER_SECONDS)
    if Page.body is None:
        return HttpResponseNotFound("gone")
    return HttpResponse(Page.body)


urlpatterns = [path("page/", view)]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


@dataclass
class Answer:
    status: int
    body: str
    stale: bool
    age: str | None


@pytest.fixture(autouse=True)
def page():
    Page.body, Page.renders = "v1", 0
    yield Page


def get(client=None):
    response = (client or Client()).get(URL)
    return Answer(
        response.status_code,
        response.content.decode(),
        response.get(page_cache.STATE_HEADER) == page_cache.STALE,
        response.get("Age"),
    )


def visit_at_once(count=VISITORS):
    """``count`` anonymous visitors GET the page at the same moment."""
    answers = [None] * count
    errors = []
    start = threading.Barrier(count)

    def visit(i):
        try:
            start.wait()
            answers[i] = get()
        except Exception as error:  # reported by the test, not lost in a thread
            errors.append(error)

    threads = [threading.Thread(target=visit, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return answers


def edit():
    """A committed change to the data: a new generation."""
    data_generation._new_generation()


def hold_the_lock(seconds=page_cache.LOCK_SECONDS):
    """As if another worker were rendering the page now (or had crashed)."""
    request = RequestFactory().get(URL)
    digest = page_cache.page_digest(request)
    assert cache.add(
        page_cache.lock_key(data_generation.current(), digest), True, seconds
    )


def test_after_an_edit_one_visitor_renders_and_the_others_get_the_previous_body(
    page,
):
    assert get().body == "v1"
    edit()
    page.body, page.renders = "v2", 0

    answers = visit_at_once()

    assert page.renders == 1
    assert {a.status for a in answers} == {200}
    fresh = [a for a in answers if not a.stale]
    stale = [a for a in answers if a.stale]
    assert [a.body for a in fresh] == ["v2"]
    assert [a.body for a in stale] == ["v1"] * (VISITORS - 1)
    assert all(a.age is not None and int(a.age) >= 0 for a in stale)
    # Then everyone gets the new body from the cache, not marked stale.
    assert get() == Answer(200, "v2", False, None)
    assert page.renders == 1


def test_without_a_previous_body_the_others_wait_for_the_render(page):
    answers = visit_at_once()

    assert page.renders == 1
    assert answers == [Answer(200, "v1", False, None)] * VISITORS


def test_waiting_visitors_render_themselves_when_the_renderer_takes_too_long(
    page, monkeypatch
):
    monkeypatch.setattr(page_cache, "WAIT_SECONDS", 0.2)
    hold_the_lock()  # a worker that never finishes

    started = time.monotonic()
    assert get() == Answer(200, "v1", False, None)

    assert page.renders == 1
    assert 0.2 <= time.monotonic() - started < 0.2 + RENDER_SECONDS + 1


def test_a_lock_left_by_a_crashed_worker_expires(page, monkeypatch):
    monkeypatch.setattr(page_cache, "WAIT_SECONDS", 30)
    hold_the_lock(seconds=1)
    time.sleep(1.1)

    started = time.monotonic()
    assert get() == Answer(200, "v1", False, None)

    # It took the lock itself and rendered at once, without waiting.
    assert time.monotonic() - started < RENDER_SECONDS + 1
    assert page.renders == 1


def test_a_page_that_may_not_be_stored_is_not_answered_with_its_previous_body(
    page,
):
    """A figure returned to draft: its page is now a 404, which is never
    stored. Once that 404 has been rendered, a visitor arriving while
    another renders gets a 404 too, not the public page of before."""
    assert get().status == 200
    edit()
    page.body = None
    assert get().status == 404

    hold_the_lock()
    assert get() == Answer(404, "gone", False, None)


def test_a_body_older_than_one_edit_is_not_served(page, monkeypatch):
    monkeypatch.setattr(page_cache, "WAIT_SECONDS", 0.2)
    assert get().body == "v1"
    edit()
    edit()
    page.body = "v3"
    hold_the_lock()

    assert get() == Answer(200, "v3", False, None)


def test_serving_the_previous_body_can_be_turned_off(page, settings, monkeypatch):
    settings.PAGE_CACHE_SERVE_STALE = False
    monkeypatch.setattr(page_cache, "WAIT_SECONDS", 0.2)
    assert get().body == "v1"
    edit()
    page.body = "v2"
    hold_the_lock()

    assert get() == Answer(200, "v2", False, None)


def test_editors_never_get_a_stale_body(page, django_user_model):
    assert get().body == "v1"
    edit()
    page.body = "v2"
    hold_the_lock()
    editor = Client()
    editor.force_login(django_user_model.objects.create_user("editor"))

    assert get(editor) == Answer(200, "v2", False, None)


def test_with_the_cache_broken_every_visitor_renders(page, settings):
    """A broken cache is no cache: nobody waits for a lock it cannot hold."""
    settings.CACHES = {"default": {"BACKEND": "tests.test_cache_safety.BrokenCache"}}

    answers = visit_at_once(3)

    assert answers == [Answer(200, "v1", False, None)] * 3
    assert page.renders == 3


def test_the_file_caches_add_lets_one_caller_in(tmp_path):
    """Django's file cache checks for the key, then writes: two workers
    could both take the rebuild lock. This one's add is atomic."""
    callers = 16
    backends = [FileCache(str(tmp_path), {}) for _ in range(callers)]
    start = threading.Barrier(callers)
    results = Counter()

    def add(backend):
        start.wait()
        results[backend.add("page-lock:x", True, 10)] += 1

    threads = [threading.Thread(target=add, args=(b,)) for b in backends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == {True: 1, False: callers - 1}
