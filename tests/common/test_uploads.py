"""common.uploads.check_upload: size, extension and sniffed content of an uploaded file."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from common.uploads import DOCUMENT_TYPES, FEED_TYPES, UploadRejected, check_upload

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5f1e0560000000049454e44ae426082"
)


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def english():
    """The messages are rendered when read: read them on an English page (the last test reads both)."""
    with translation.override("en"):
        yield


def _rejected(upload, **options) -> UploadRejected:
    with pytest.raises(UploadRejected) as error:
        check_upload(upload, **options)
    assert error.value.status == 400
    return error.value


def test_a_real_pdf_passes_and_its_sha256_is_returned():
    assert check_upload(_upload("decision.pdf", PDF)) == hashlib.sha256(PDF).hexdigest()


def test_a_real_png_passes():
    assert check_upload(_upload("scan.png", PNG)) == hashlib.sha256(PNG).hexdigest()


def test_the_extension_is_matched_whatever_its_case():
    assert check_upload(_upload("DECISION.PDF", PDF)) == hashlib.sha256(PDF).hexdigest()


def test_the_file_is_rewound_for_whoever_stores_it():
    upload = _upload("decision.pdf", PDF)
    check_upload(upload)
    assert upload.read() == PDF


def test_the_digest_covers_the_whole_of_a_file_larger_than_the_sniffed_head():
    content = PDF + b"%" + b"x" * 100_000 + b"\n"
    assert check_upload(_upload("decision.pdf", content)) == hashlib.sha256(content).hexdigest()


def test_a_content_file_is_checked_like_an_upload():
    assert check_upload(ContentFile(PDF, name="decision.pdf")) == hashlib.sha256(PDF).hexdigest()


def test_an_empty_file_is_rejected():
    error = _rejected(_upload("decision.pdf", b""))
    assert error.code == "file_empty"
    assert str(error) == "The file “decision.pdf” is empty."


def test_a_file_over_the_configured_limit_is_rejected(settings):
    settings.UPLOAD_MAX_BYTES = len(PDF) - 1
    error = _rejected(_upload("decision.pdf", PDF))
    assert error.code == "file_too_large"


def test_a_file_at_the_configured_limit_passes(settings):
    settings.UPLOAD_MAX_BYTES = len(PDF)
    assert check_upload(_upload("decision.pdf", PDF))


def test_the_callers_limit_wins_over_the_setting(settings):
    settings.UPLOAD_MAX_BYTES = 10 * len(PDF)
    assert _rejected(_upload("decision.pdf", PDF), max_bytes=10).code == "file_too_large"


@pytest.mark.parametrize(
    "name", ["decision.exe", "decision.docx", "decision", "decision.pdf.exe", ".pdf.txt"]
)
def test_an_extension_not_accepted_is_rejected(name):
    error = _rejected(_upload(name, PDF))
    assert error.code == "file_type_not_allowed"
    assert str(error) == f"“{name}” is not an accepted kind of file; accepted: .jpeg, .jpg, .pdf, .png."


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("decision.pdf", b"This is only text, not a PDF.\n"),
        ("decision.pdf", PNG),
        ("photo.jpg", PNG),
        ("decision.pdf", b"MZ\x90\x00" + b"\x00" * 60),
        ("scan.png", b"PK\x03\x04" + b"\x00" * 60),
    ],
    ids=["text-as-pdf", "png-as-pdf", "png-as-jpg", "executable-as-pdf", "zip-as-png"],
)
def test_a_disguised_file_is_rejected(name, content):
    error = _rejected(_upload(name, content))
    assert error.code == "file_disguised"


def test_the_disguise_message_names_what_the_file_really_is():
    error = _rejected(_upload("decision.pdf", b"This is only text, not a PDF.\n"))
    assert str(error) == "“decision.pdf” is called .pdf but its content is not: it is text/plain."


def test_a_csv_and_a_json_feed_pass_as_feeds():
    csv_text = b"uscc,rule,reference,decided_on\n91330400MA0000001X,supplier.bribery,R-1,2026-11-01\n"
    assert check_upload(_upload("feed.csv", csv_text), types=FEED_TYPES)
    assert check_upload(_upload("feed.json", b'[{"uscc": "x"}]'), types=FEED_TYPES)


def test_a_pdf_is_not_a_feed():
    assert _rejected(_upload("feed.pdf", PDF), types=FEED_TYPES).code == "file_type_not_allowed"


def test_a_binary_file_named_csv_is_rejected_as_a_feed():
    assert _rejected(_upload("feed.csv", PNG), types=FEED_TYPES).code == "file_disguised"


def test_documents_are_pdf_and_images_only():
    assert set(DOCUMENT_TYPES) == {".pdf", ".png", ".jpg", ".jpeg"}


def test_a_refusal_is_rendered_in_the_language_of_whoever_reads_it():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from common.uploads import UploadRejected, check_upload

    with translation.override("en"), pytest.raises(UploadRejected) as error:
        check_upload(SimpleUploadedFile("empty.pdf", b""))
    with translation.override("zh-hans"):
        assert str(error.value.message) == "文件“empty.pdf”是空的。"
    with translation.override("en"):
        assert str(error.value.message) == "The file “empty.pdf” is empty."
