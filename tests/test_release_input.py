"""What a release's input becomes and what an editor is told about it: a
closing quote whose last mojibake byte was lost, UTF-16 files, a directory
given for a file, and releases that yield no figures (not English, or
English without a counted number)."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from sources.ingestion import IngestError, clean_release, decode_upload
from sources.language import letter_shares, no_figures_reason, not_english
from sources.text import repair_text

ADD = reverse("admin:projects_figurecandidate_add_release")

# From the development set's release 18 (Gwadar), as its file has it: the
# closing quote is "â€" and U+009D, a byte Windows-1252 does not define.
GWADAR = (
    "â€œGwadar is ready to serve traders from Pakistan, China, Afghanistan and "
    "Central Asia â€” the facilities are in place,â€\x9d a Gwadar Port Authority "
    "official said."
)
GWADAR_FIXED = (
    "“Gwadar is ready to serve traders from Pakistan, China, Afghanistan and "
    "Central Asia — the facilities are in place,” a Gwadar Port Authority "
    "official said.\n"
)
# Release 11 (Kenya SGR): the same quote, then an apostrophe in the next line.
KENYA = (
    "â€œTravelling by train is cheaper and safer than the bus â€” I use it "
    "whenever I go to Mombasa to clear goods,â€\x9d said a Kampala-based trader.\n"
    "Kenyaâ€™s Standard Gauge Railway"
)
CHINESE = (
    "新华社北京7月22日电 中老铁路开通运营以来，累计发送旅客超过2500万人次，"
    "货物运输量持续增长，沿线国家和地区的经贸往来更加密切。"
)
NO_COUNTS = (
    "Leaders meet on the Belt and Road\n\n"
    "BEIJING, July 22 (Xinhua) -- Leaders of the two countries met in Beijing "
    "on Tuesday and agreed to deepen their cooperation on the Belt and Road "
    "Initiative, officials said after the talks.\n"
)


@pytest.mark.parametrize(
    "lost",
    [
        pytest.param("\x9d", id="kept"),
        pytest.param("", id="dropped"),
        pytest.param("\ufffd", id="replaced"),
    ],
)
def test_repair_text_restores_a_closing_quote_whose_last_byte_was_lost(lost):
    raw = GWADAR.replace("\x9d", lost)

    fixed = repair_text(raw)

    assert fixed == GWADAR_FIXED
    assert "â€" not in fixed and "†" not in fixed and "\ufffd" not in fixed


def test_repair_text_restores_the_quote_at_the_end_and_beside_other_mojibake():
    assert repair_text("He said: â€œGo.â€") == "He said: “Go.”\n"
    fixed = repair_text(KENYA.replace("\x9d", ""))
    assert "clear goods,” said" in fixed and "Kenya’s Standard" in fixed


def test_repair_text_leaves_other_mojibake_and_real_daggers_alone():
    assert repair_text("tons â€“ and â€˜quotedâ€™") == "tons – and ‘quoted’\n"
    assert repair_text("Note† below") == "Note† below\n"


def test_clean_release_of_the_pasted_gwadar_quote_has_no_dagger():
    text = clean_release("Gwadar\n\n" + GWADAR.replace("\x9d", " ")).text

    assert "in place,” a Gwadar" in text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_upload_reads_utf16_with_a_byte_order_mark(encoding):
    text = "Port of Gwadar: “30,000 tonnes”\n中文"
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")

    assert decode_upload(bom + text.encode(encoding)) == text


def test_decode_upload_says_what_is_wrong_with_broken_utf16():
    with pytest.raises(IngestError, match="UTF-16"):
        decode_upload(b"\xff\xfe" + "Port".encode("utf-16-le") + b"\x00\xdc")


def test_decode_upload_still_calls_a_binary_file_binary():
    with pytest.raises(IngestError, match="binary"):
        decode_upload(b"\x89PNG\r\n\x1a\n\x00\x00")


def test_letter_shares_and_not_english():
    assert letter_shares("abc 中文") == {"Latin": 0.6, "CJK": 0.4}
    assert not_english(NO_COUNTS) == ""
    assert not_english("Привет, мир") == (
        "the text is mostly not English: 100% of its letters are Cyrillic"
    )
    assert not_english("") == "the text has no letters"


def test_not_english_of_a_latin_text_in_another_language():
    french = (
        "Le chemin de fer entre la Chine et le Laos a transporté plus de deux "
        "millions de voyageurs depuis son ouverture, selon les responsables "
        "de la société ferroviaire, qui prévoient une hausse du fret cette "
        "année grâce aux nouveaux services vers la Thaïlande et le Vietnam. "
    )
    assert not_english(french).startswith("the text is mostly not English")


def test_no_figures_reason_for_chinese_and_for_english_without_counts():
    reason = no_figures_reason(CHINESE)
    share = letter_shares(CHINESE)["CJK"]
    assert reason == (
        "No English figures found: the text is mostly not English: "
        f"{share:.0%} of its letters are CJK."
    )
    assert no_figures_reason(NO_COUNTS).startswith(
        "No figures found: the text is in English, but none of its numbers"
    )
    assert no_figures_reason("Leaders met and talked.") == (
        "No figures found: the text is in English but states no numbers."
    )


@pytest.mark.django_db
def test_admin_add_release_says_why_a_chinese_release_has_no_figures(admin_client):
    response = admin_client.post(ADD, {"text": CHINESE}, follow=True)

    assert response.status_code == 200
    assert "No English figures found" in response.text
    assert "of its letters are CJK" in response.text


@pytest.mark.django_db
def test_admin_add_release_says_an_english_release_counts_nothing(admin_client):
    response = admin_client.post(ADD, {"text": NO_COUNTS}, follow=True)

    assert "No figures found: the text is in English" in response.text


@pytest.mark.django_db
def test_admin_add_release_reads_a_utf16_upload(admin_client):
    upload = SimpleUploadedFile("release.txt", NO_COUNTS.encode("utf-16"))

    response = admin_client.post(ADD, {"upload": upload}, follow=True)

    assert "binary" not in response.text
    assert "Stored “Leaders meet on the Belt and Road”" in response.text


@pytest.mark.django_db
def test_extract_command_says_why_there_are_no_figures(tmp_path):
    path = tmp_path / "release.txt"
    path.write_text(CHINESE, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()

    call_command("extract_figures", str(path), stdout=out)
    assert "No English figures found" in out.getvalue()
    assert "of its letters are CJK" in out.getvalue()

    out = io.StringIO()
    call_command(
        "extract_figures", str(path), "--format", "json", stdout=out, stderr=err
    )
    assert json.loads(out.getvalue()) == []
    assert "No English figures found" in err.getvalue()

    path.write_text(NO_COUNTS, encoding="utf-8")
    out = io.StringIO()
    call_command("extract_figures", str(path), stdout=out)
    assert "No figures found: the text is in English" in out.getvalue()


@pytest.mark.django_db
def test_extract_command_reads_a_utf16_file(tmp_path):
    path = tmp_path / "release.txt"
    path.write_bytes("The Piraeus port handled over 5 million TEUs.\n".encode("utf-16"))
    out = io.StringIO()

    call_command("extract_figures", str(path), "--format", "json", stdout=out)

    assert json.loads(out.getvalue())[0]["metric"] == "teu"


def test_extract_command_says_a_directory_is_a_directory(tmp_path):
    with pytest.raises(CommandError, match="is a directory"):
        call_command("extract_figures", str(tmp_path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="no such file"):
        call_command("extract_figures", str(tmp_path / "missing.txt"))


@pytest.mark.django_db
def test_ingest_release_command_says_why_there_are_no_figures(tmp_path):
    path = tmp_path / "release.txt"
    path.write_text(CHINESE, encoding="utf-8")
    out = io.StringIO()

    call_command("ingest_release", str(path), stdout=out)

    assert "(0 proposed figures to review)" in out.getvalue()
    assert "No English figures found" in out.getvalue()
