"""Ingesting a release: cleaning, headline and dateline, bad input, and the
same article recognised however it arrives."""

from datetime import date

import pytest
from django.conf import settings

from sources.ingestion import (
    MAX_BYTES,
    IngestError,
    clean_release,
    decode_upload,
    html_to_text,
    same_article,
)
from sources.models import Source
from sources.services import source_ingest

RELEASES = settings.BASE_DIR / "fixtures" / "press_releases"
ARTICLE = (
    "Port opens to traffic\n\n"
    "LIMA, Nov. 14 (Xinhua) -- The new port handled its first ships on Thursday, "
    "officials said, adding that the terminal can take the largest container "
    "vessels and will cut shipping times to Asia by ten days.\n\n"
    "The port was built in three years and employs local workers in its "
    "warehouses, offices and cranes, the operator said in a statement.\n"
)


def test_clean_release_drops_chrome_and_finds_headline_and_dateline():
    raw = (
        "News > World\n"
        + ARTICLE
        + "Share this article\nPlease enter your comment!\n■\n"
    )

    release = clean_release(raw)

    assert release.headline == "Port opens to traffic"
    assert release.dateline == "LIMA, Nov. 14 (Xinhua) --"
    for chrome in ["News > World", "Share this", "enter your comment", "■"]:
        assert chrome not in release.text


def test_clean_release_reads_a_date_line():
    release = clean_release("Title: Ports grow\nDate: Dec 3, 2024\n\nThe port grew.\n")

    assert release.headline == "Ports grow"
    assert release.published_on == date(2024, 12, 3)


def test_clean_release_strips_html_and_scripts():
    html = (
        "<html><head><script>alert('x')</script><style>p{}</style></head><body>"
        "<nav>Home | News</nav><h1>Port opens</h1><p>The port &amp; the city "
        "grew.</p><footer>Contact</footer></body></html>"
    )

    release = clean_release(html)

    assert release.headline == "Port opens"
    assert "The port & the city grew." in release.text
    for hidden in ["alert", "Home | News", "Contact", "<p>"]:
        assert hidden not in release.text
    assert "alert" not in html_to_text("<script>alert(1)</script>ok")


def test_clean_release_repairs_mojibake():
    assert "’" in clean_release("Xiâ€™s visit to the port ended.\n").text


def test_clean_release_refuses_text_with_nothing_left():
    with pytest.raises(IngestError, match="no text"):
        clean_release("Share this article\n   \n")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        ("café".encode("latin-1"), "not UTF-8"),
        (b"a" * (MAX_BYTES + 1), "under 2 MB"),
    ],
)
def test_decode_upload_refuses_bad_files_with_a_reason(data, reason):
    with pytest.raises(IngestError, match=reason):
        decode_upload(data)


def test_decode_upload_reads_utf8_with_or_without_bom():
    assert decode_upload("\ufeffPort".encode()) == "Port"


def test_same_article_recognises_the_two_copies_of_one_release():
    copies = [
        clean_release(path.read_text(encoding="utf-8")).text
        for path in sorted(RELEASES.glob("00[01]_*.txt"))
    ]
    other = clean_release((RELEASES / "004_fb344b9d2ee28df1.txt").read_text()).text

    assert same_article(*copies)
    assert not same_article(copies[0], other)


@pytest.mark.django_db
def test_source_ingest_stores_a_clean_release():
    source, created = source_ingest(raw=ARTICLE, publisher="Xinhua")

    assert created
    assert source.title == "Port opens to traffic"
    assert source.publisher == "Xinhua"
    assert source.text.startswith("Port opens to traffic")
    assert source.content_hash


@pytest.mark.django_db
def test_source_ingest_recognises_the_same_article_twice():
    first, _ = source_ingest(raw=ARTICLE)
    again, created = source_ingest(
        raw="Menu\nShare this article\n" + ARTICLE.replace(" -- ", "  --  ")
    )

    assert again == first and created is False
    assert Source.objects.count() == 1


@pytest.mark.django_db
def test_source_ingest_marks_a_copy_under_another_url_as_duplicate():
    original, _ = source_ingest(raw=ARTICLE, url="https://example.org/a")
    copy, created = source_ingest(raw=ARTICLE, url="https://example.org/b")

    assert created
    assert copy.duplicate_of == original


@pytest.mark.django_db
def test_source_ingest_bad_input_stores_nothing():
    with pytest.raises(IngestError):
        source_ingest(raw="   ")

    assert not Source.objects.exists()
