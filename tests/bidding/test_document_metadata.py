"""Document properties of bid files and zip safety (bidding.document_metadata): no database."""

import io
import os
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bidding.document_metadata import (
    MAX_PART_BYTES,
    extract_metadata,
    ooxml_metadata,
    pdf_metadata,
    zip_is_safe,
)

CORE_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>投标文件</dc:title><dc:creator>{author}</dc:creator><cp:lastModifiedBy>{modified}</cp:lastModifiedBy>
<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-05T08:00:00Z</dcterms:created>
</cp:coreProperties>"""

APP_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
 xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
<Template>Normal.dotm</Template><Application>{application}</Application><Company>{company}</Company>
<AppVersion>16.0000</AppVersion></Properties>"""


def office_file(parts: dict[str, bytes | str], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(
    author="张三", modified="李四", application="Microsoft Office Word", company="某某咨询有限公司"
) -> bytes:
    return office_file(
        {
            "[Content_Types].xml": "<Types/>",
            "word/document.xml": "<w:document/>",
            "docProps/core.xml": CORE_XML.format(author=author, modified=modified),
            "docProps/app.xml": APP_XML.format(application=application, company=company),
        }
    )


# --- PDF -----------------------------------------------------------------------------------------


def weasyprint_pdf(**kwargs) -> bytes:
    import weasyprint

    html = """<!doctype html><html><head><meta charset="utf-8"><title>投标函</title>
    <meta name="author" content="张三 &amp; Co (北京)"><meta name="generator" content="BidMaker 3.2">
    </head><body><p>投标函</p></body></html>"""
    return weasyprint.HTML(string=html).write_pdf(**kwargs)


@pytest.mark.parametrize("uncompressed", [False, True], ids=["object-streams", "plain"])
def test_pdf_made_by_weasyprint(uncompressed):
    pdf = weasyprint_pdf(uncompressed_pdf=uncompressed)

    found = extract_metadata("pdf", pdf)

    assert found["author"] == "张三 & Co (北京)"
    assert found["creator"] == "BidMaker 3.2"
    assert found["producer"].startswith("WeasyPrint")


def test_pdf_scanned_as_first_and_last_bytes():
    pdf = weasyprint_pdf(uncompressed_pdf=True)
    head_and_tail = pdf[:512] + pdf[-1024:]
    assert extract_metadata("application/pdf", head_and_tail)["creator"] == "BidMaker 3.2"


HAND_WRITTEN_PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    # UTF-16BE hex strings with a byte order mark, with whitespace inside; 张三 and 某某公司
    b"3 0 obj\n<< /Author <FEFF 5F20 4E09> /Company <feff67d067d0516c 53f8>\n"
    b"   /Creator (Bid\\(Maker\\) \\061.0\\\n ok) /Producer 4 0 R >>\nendobj\n"
    b"4 0 obj\n(Custom PDF Engine)\nendobj\n"
    b"trailer\n<< /Root 1 0 R /Info 3 0 R >>\n%%EOF\n"
)


def test_hand_written_pdf_with_hex_utf16_escapes_and_an_indirect_string():
    assert pdf_metadata(HAND_WRITTEN_PDF) == {
        "author": "张三",
        "company": "某某公司",
        "creator": "Bid(Maker) 1.0 ok",
        "producer": "Custom PDF Engine",
    }


def test_a_later_information_dictionary_wins():
    update = b"5 0 obj\n<< /Author (Wang Wu) >>\nendobj\ntrailer\n<< /Info 5 0 R >>\n%%EOF\n"
    assert pdf_metadata(HAND_WRITTEN_PDF + update)["author"] == "Wang Wu"


def test_xmp_fills_what_the_information_dictionary_lacks():
    xmp = b"""<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>
      <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" pdf:Producer="Odd Engine 2">
      <dc:creator><rdf:Seq><rdf:li>\xe7\x8e\x8b\xe4\xba\x94 &amp; co</rdf:li></rdf:Seq></dc:creator>
      <xmp:CreatorTool>BidMaker 9</xmp:CreatorTool></rdf:Description></rdf:RDF></x:xmpmeta>"""
    pdf = b"%PDF-1.7\n1 0 obj\n<< /Creator (From Info) >>\nendobj\n" + xmp
    assert pdf_metadata(pdf) == {"author": "王五 & co", "creator": "From Info", "producer": "Odd Engine 2"}


def test_encrypted_pdf_strings_are_not_read():
    pdf = b"%PDF-1.4\n1 0 obj\n<< /Author (\x8a\x13\xfe) >>\nendobj\ntrailer\n<< /Encrypt 9 0 R >>\n"
    assert pdf_metadata(pdf) == {}


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"%PDF-1.4\n/Author (unterminated",
        b"%PDF-1.4\n/Author <FEFF5F2",  # unterminated hex
        b"/Author <zz>/Creator <<>>/Producer 99 0 R",
        b"1 0 obj << /Type /ObjStm /Filter /FlateDecode /Length 10 >> stream\nnot zlib!!\nendstream",
        b"(" * 100_000,
        os.urandom(4096),
    ],
)
def test_broken_pdfs_give_what_they_can_and_never_raise(garbage):
    assert isinstance(extract_metadata("pdf", garbage), dict)


@pytest.mark.parametrize(
    "hostile",
    [
        b"/Author (" * 200_000,
        b"<dc:creator>" * 200_000,
        b"<pdf:Producer>" * 200_000,
        b"/Author 1 0 R " * 50_000 + b"1 0 obj " * 50_000,
        b"<</Type /ObjStm" * 100_000,
    ],
    ids=["unterminated-strings", "xmp-creators", "xmp-producers", "indirect", "object-streams"],
)
def test_hostile_pdfs_are_scanned_in_linear_time(hostile):
    """Each of these took tens of seconds when every occurrence was parsed to the end; now only
    the last few occurrences of a key are tried (a regression shows as a very slow test)."""
    assert pdf_metadata(hostile) == {}


def test_metadata_values_are_capped():
    pdf = b"/Author (" + b"x" * 100_000 + b")"
    assert len(pdf_metadata(pdf).get("author", "")) <= 256


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from(["pdf", "docx", "xlsx", "txt", ""]))
def test_extract_metadata_never_raises(data, kind):
    assert isinstance(extract_metadata(kind, data), dict)


# --- DOCX / XLSX ---------------------------------------------------------------------------------


def test_docx_core_and_app_properties():
    data = docx()
    assert extract_metadata("docx", b"", io.BytesIO(data)) == {
        "author": "张三",
        "last_modified_by": "李四",
        "company": "某某咨询有限公司",
        "creator": "Microsoft Office Word",
    }


def test_xlsx_properties_from_bytes_without_a_reader():
    data = office_file(
        {
            "xl/workbook.xml": "<workbook/>",
            "docProps/core.xml": CORE_XML.format(author="Li Wei", modified=""),
            "docProps/app.xml": APP_XML.format(application="Microsoft Excel", company=""),
        }
    )
    assert extract_metadata(".xlsx", data) == {"author": "Li Wei", "creator": "Microsoft Excel"}


def test_docx_without_property_parts_has_no_metadata():
    assert ooxml_metadata(io.BytesIO(office_file({"word/document.xml": "<w:document/>"}))) == {}


def test_property_parts_with_a_doctype_are_not_parsed():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<cp:coreProperties xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:cp="x">'
        "<dc:creator>&lol2;</dc:creator></cp:coreProperties>"
    )
    data = office_file({"docProps/core.xml": laughs})
    assert extract_metadata("docx", data) == {}


def test_oversized_property_parts_are_not_decompressed():
    padding = "<!-- " + " " * (MAX_PART_BYTES + 10) + " -->"
    core = CORE_XML.format(author="张三", modified="").replace("<dc:title>", padding + "<dc:title>")
    data = office_file(
        {"docProps/core.xml": core, "docProps/app.xml": APP_XML.format(application="X", company="Y")}
    )
    assert extract_metadata("docx", data) == {"creator": "X", "company": "Y"}


def test_a_part_lying_about_its_size_is_read_only_to_its_declared_size():
    data = bytearray(docx())
    # Make the central directory claim core.xml is 10 bytes long: zipfile stops there (and the
    # CRC check fails), so the truncated XML parses to nothing rather than being read in full.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("docProps/core.xml")
    central = bytes(data).rfind(b"PK\x01\x02", 0, bytes(data).rfind(b"docProps/core.xml") + 1)
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    assert info.file_size > 10
    found = extract_metadata("docx", bytes(data))
    assert "author" not in found


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"PK\x03\x04garbage",
        b"not a zip at all",
        os.urandom(10_000),
        docx()[:-30],
        docx()[: len(docx()) // 2],
    ],
)
def test_broken_office_files_never_raise(garbage):
    assert extract_metadata("docx", garbage) == {}
    assert isinstance(extract_metadata("xlsx", b"", io.BytesIO(garbage)), dict)


def test_unknown_kinds_have_no_metadata():
    assert extract_metadata("image/png", b"\x89PNG") == {}


# --- Zip safety ----------------------------------------------------------------------------------

MiB = 1024 * 1024


def zip_of(parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> io.BytesIO:
    return io.BytesIO(office_file(parts, compression))


def test_an_ordinary_office_file_is_safe():
    assert zip_is_safe(io.BytesIO(docx()), max_total_bytes=10 * MiB) is None


def test_a_zip_bomb_is_refused_from_its_directory():
    bomb = zip_of({"zeros.bin": bytes(50 * MiB)})
    assert len(bomb.getvalue()) < 100_000
    assert zip_is_safe(bomb, max_total_bytes=10 * MiB) == "too_large_uncompressed"
    assert zip_is_safe(bomb, max_total_bytes=100 * MiB) == "suspicious_ratio"
    assert zip_is_safe(bomb, max_total_bytes=100 * MiB, max_ratio=10_000) is None


def test_a_small_highly_compressible_entry_is_not_suspicious():
    assert zip_is_safe(zip_of({"blank.xml": b" " * 100_000}), max_total_bytes=MiB) is None


@pytest.mark.parametrize(
    "name", ["../evil.txt", "word/../../evil.txt", "/etc/passwd", "C:/x.txt", "a\\..\\b"]
)
def test_unsafe_member_names_are_refused(name):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo(name), b"x")
    assert zip_is_safe(buffer, max_total_bytes=MiB) == "unsafe_name"


def test_too_many_entries_are_refused():
    archive = zip_of({f"f{i}.txt": b"" for i in range(50)}, zipfile.ZIP_STORED)
    assert zip_is_safe(archive, max_total_bytes=MiB, max_entries=49) == "too_many_entries"
    assert zip_is_safe(archive, max_total_bytes=MiB, max_entries=50) is None


def test_encrypted_members_are_refused():
    data = bytearray(office_file({"secret.txt": b"x"}, zipfile.ZIP_STORED))
    central = data.find(b"PK\x01\x02")
    local = data.find(b"PK\x03\x04")
    data[central + 8] |= 0x1  # general purpose flag bit 0: encrypted
    data[local + 6] |= 0x1
    assert zip_is_safe(io.BytesIO(bytes(data)), max_total_bytes=MiB) == "encrypted"


@pytest.mark.parametrize("garbage", [b"", b"PK", b"hello world" * 100, os.urandom(5000)])
def test_garbage_is_not_a_zip(garbage):
    assert zip_is_safe(io.BytesIO(garbage), max_total_bytes=MiB) == "not_a_zip"


def test_overlapping_entries_are_refused():
    data = bytearray(office_file({"a.txt": b"a" * 100, "b.txt": b"b" * 100}, zipfile.ZIP_STORED))
    first = data.find(b"PK\x01\x02")
    second = data.find(b"PK\x01\x02", first + 4)
    data[second + 42 : second + 46] = data[first + 42 : first + 46]  # b.txt points at a.txt's data
    assert zip_is_safe(io.BytesIO(bytes(data)), max_total_bytes=MiB) == "overlapping_entries"


def test_zip_is_safe_leaves_the_file_where_it_was():
    stream = io.BytesIO(docx())
    stream.seek(7)
    zip_is_safe(stream, max_total_bytes=MiB)
    assert stream.tell() == 7
