"""Document properties of bid files, for the collusion screens (pure functions; no ORM, no storage).

`extract_metadata(kind, head, reader)` returns what it finds of
{"author", "company", "creator", "producer", "last_modified_by"} (non-empty strings only) and
never raises: broken, truncated or hostile input gives {} or whatever could be read.

* PDF: the caller passes the bytes it is willing to scan (say the first and last MiB of the
  plaintext, where the document information dictionary and the XMP packet usually sit). Values
  inside compressed object streams are not found; the later occurrence of a key wins (incremental
  updates append a newer information dictionary at the end).
* DOCX / XLSX / PPTX (zip): `docProps/core.xml` (dc:creator, cp:lastModifiedBy) and
  `docProps/app.xml` (Company, Application), read through `zipfile.ZipFile(reader)` from a
  seekable file. A part is read only if its declared size is at most MAX_PART_BYTES, and never
  more than that (zipfile stops at the declared size), so a zip bomb is not decompressed.

`zip_is_safe` checks a zip upload from its central directory alone.

XML is parsed with the standard library's ElementTree after refusing any document type
declaration: OOXML property parts never have one, and without it there are no entities to
expand (defusedxml is not a dependency).
"""

import html
import io
import re
import struct
import zipfile
import zlib
from collections import deque
from xml.etree import ElementTree

MAX_PART_BYTES = 1024 * 1024
MAX_VALUE_CHARS = 256
FIELDS = ("author", "company", "creator", "producer", "last_modified_by")

PDF_KINDS = frozenset({"pdf", ".pdf", "application/pdf"})
ZIP_KINDS = frozenset(
    {
        "docx",
        "xlsx",
        "pptx",
        ".docx",
        ".xlsx",
        ".pptx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)


def extract_metadata(kind: str, head: bytes, reader=None) -> dict[str, str]:
    """Document properties of one file. `kind` is an extension ("pdf", "docx", ".xlsx") or a MIME
    type; `head` the bytes to scan (PDF) or the whole file when no `reader` (a seekable binary
    file) is given (zip formats)."""
    try:
        kind = (kind or "").strip().lower()
        if kind in PDF_KINDS:
            return pdf_metadata(head or b"")
        if kind in ZIP_KINDS:
            return ooxml_metadata(reader if reader is not None else io.BytesIO(head or b""))
    except Exception:  # noqa: BLE001 — hostile input must never break the opening
        return {}
    return {}


def _clean(value: str) -> str:
    value = value.replace("\x00", "").strip()
    return " ".join(value.split())[:MAX_VALUE_CHARS]


def _put(found: dict[str, str], key: str, value: str | None) -> None:
    if value:
        value = _clean(value)
        if value:
            found[key] = value


# --- PDF -----------------------------------------------------------------------------------------

_INFO_KEYS = {b"Author": "author", b"Creator": "creator", b"Producer": "producer", b"Company": "company"}
_INFO_RE = re.compile(rb"/(Author|Creator|Producer|Company)\s*(\(|<(?!<)|(\d+)\s+(\d+)\s+R\b)")
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
_MAX_PDF_STRING = 4096


def _literal_string(data: bytes, start: int) -> bytes | None:
    """The PDF literal string whose content begins at `start` (just after "("): balanced
    parentheses, backslash escapes, octal codes, line continuations."""
    out = bytearray()
    depth = 1
    i = start
    end = min(len(data), start + _MAX_PDF_STRING * 4)
    while i < end:
        ch = data[i]
        if ch == 0x5C:  # backslash
            i += 1
            if i >= end:
                return None
            nxt = data[i]
            if nxt in _ESCAPES:
                out += _ESCAPES[nxt]
            elif 0x30 <= nxt <= 0x37:
                digits = data[i : i + 3]
                count = 1
                while count < len(digits) and 0x30 <= digits[count] <= 0x37:
                    count += 1
                out.append(int(digits[:count], 8) & 0xFF)
                i += count - 1
            elif nxt == 0x0D:  # line continuation: \ CR [LF]
                if i + 1 < end and data[i + 1] == 0x0A:
                    i += 1
            elif nxt != 0x0A:
                out.append(nxt)  # \( \) \\ and unknown escapes: the character itself
        elif ch == 0x28:
            depth += 1
            out.append(ch)
        elif ch == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out[:_MAX_PDF_STRING])
            out.append(ch)
        else:
            out.append(ch)
        i += 1
    return None


def _hex_string(data: bytes, start: int) -> bytes | None:
    end = data.find(b">", start, start + _MAX_PDF_STRING * 2 + 1024)
    if end < 0:
        return None
    digits = re.sub(rb"\s", b"", data[start:end])
    if not re.fullmatch(rb"[0-9A-Fa-f]*", digits):
        return None
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode("ascii"))


def _pdf_text(raw: bytes) -> str:
    """A PDF text string: UTF-16BE with its byte order mark, UTF-8 with its mark (PDF 2.0), else
    PDFDocEncoding (Latin-1 is close enough for names), accepting bare UTF-8 that some tools write."""
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", errors="replace")
    if raw.startswith(b"\xff\xfe"):
        return raw[2:].decode("utf-16-le", errors="replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if any(byte > 0x7F for byte in raw):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return raw.decode("latin-1")


def _string_at(data: bytes, position: int) -> bytes | None:
    """A literal or hex string starting at `position` (skipping whitespace)."""
    match = re.compile(rb"\s*(\(|<(?!<))").match(data, position)
    if not match:
        return None
    if match.group(1) == b"(":
        return _literal_string(data, match.end())
    return _hex_string(data, match.end())


def _indirect_string(data: bytes, number: bytes, generation: bytes) -> bytes | None:
    """The string that is object `number generation` (its last definition wins)."""
    pattern = re.compile(rb"(?<!\d)" + number + rb"\s+" + generation + rb"\s+obj\b")
    for match in _last(pattern, data, 4):
        value = _string_at(data, match.end())
        if value is not None:
            return value
    return None


# Each XMP property: the start tag or attribute that locates it, and the pattern that reads it
# from there (bounded, so hostile input costs linear time).
_XMP_PATTERNS = {
    "author": [
        (
            rb"<dc:creator\b",
            rb"<dc:creator\b[^>]{0,200}>.{0,2000}?<rdf:li\b[^>]{0,200}>(.{0,4096}?)</rdf:li>",
        ),
        (rb"<dc:creator\b", rb"<dc:creator\b[^>]{0,200}>([^<]{1,4096})</dc:creator>"),
    ],
    "producer": [
        (rb"<pdf:Producer\b", rb"<pdf:Producer\b[^>]{0,200}>(.{0,4096}?)</pdf:Producer>"),
        (rb"\bpdf:Producer\s*=", rb"pdf:Producer\s*=\s*\"([^\"]{0,4096})\""),
    ],
    "creator": [
        (rb"<xmp:CreatorTool\b", rb"<xmp:CreatorTool\b[^>]{0,200}>(.{0,4096}?)</xmp:CreatorTool>"),
        (rb"\bxmp:CreatorTool\s*=", rb"xmp:CreatorTool\s*=\s*\"([^\"]{0,4096})\""),
    ],
    "company": [
        (rb"<pdfx:Company\b", rb"<pdfx:Company\b[^>]{0,200}>(.{0,4096}?)</pdfx:Company>"),
        (rb"\bpdfx:Company\s*=", rb"pdfx:Company\s*=\s*\"([^\"]{0,4096})\""),
    ],
}
_XMP_COMPILED = {
    key: [(re.compile(locate), re.compile(read, re.S)) for locate, read in patterns]
    for key, patterns in _XMP_PATTERNS.items()
}
# How many of the last occurrences of a key are tried before giving up (hostile input may hold
# thousands of unterminated ones).
MAX_ATTEMPTS = 16
MAX_INDIRECT_LOOKUPS = 8


def _last(pattern: re.Pattern, data: bytes, count: int = MAX_ATTEMPTS) -> list[re.Match]:
    """The last `count` matches of `pattern`, the last first (one linear pass)."""
    return list(reversed(deque(pattern.finditer(data), maxlen=count)))


def _xmp(data: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, patterns in _XMP_COMPILED.items():
        for locate, read in patterns:
            for start in _last(locate, data):
                match = read.match(data, start.start())
                if match:
                    text = match.group(1).decode("utf-8", errors="replace")
                    _put(found, key, html.unescape(re.sub(r"<[^>]*>", "", text)))
                    break
            if key in found:
                break
    return found


_OBJSTM_RE = re.compile(rb"/Type\s*/ObjStm\b")
_STREAM_RE = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
MAX_OBJECT_STREAMS = 64
MAX_INFLATED_BYTES = 4 * 1024 * 1024


def _object_streams(data: bytes) -> bytes:
    """The inflated contents of the FlateDecode object streams (/Type /ObjStm) in `data`, where
    PDF 1.5+ writers (WeasyPrint among them) put the document information dictionary; at most
    MAX_INFLATED_BYTES in all, so a stream bomb is cut off."""
    inflated = bytearray()
    for count, match in enumerate(_OBJSTM_RE.finditer(data)):
        if count >= MAX_OBJECT_STREAMS or len(inflated) >= MAX_INFLATED_BYTES:
            break
        opening = data.rfind(b"<<", max(0, match.start() - 1000), match.start())
        stream = _STREAM_RE.search(data, match.end(), match.end() + 1000)
        if opening < 0 or not stream:
            continue
        header = data[opening : stream.start()]
        if not re.search(rb"/Filter\s*/FlateDecode\b", header) or b"/DecodeParms" in header:
            continue  # other filters and predictors are not applied here
        length = re.search(rb"/Length\s+(\d{1,10})(?!\s+\d+\s+R)", header)
        start = stream.end()
        end = start + int(length.group(1)) if length else data.find(b"endstream", start)
        if end < start:
            continue
        try:
            inflated += zlib.decompressobj().decompress(data[start:end], MAX_INFLATED_BYTES - len(inflated))
        except zlib.error:
            continue
        inflated += b"\n"
    return bytes(inflated)


def _info(data: bytes) -> dict[str, str]:
    """The last readable value of each information key (incremental updates come later)."""
    candidates: dict[str, deque] = {key: deque(maxlen=MAX_ATTEMPTS) for key in _INFO_KEYS.values()}
    for match in _INFO_RE.finditer(data):
        candidates[_INFO_KEYS[match.group(1)]].append(match)
    found: dict[str, str] = {}
    indirect_lookups = 0
    for key, matches in candidates.items():
        for match in reversed(matches):
            if match.group(3):
                if indirect_lookups >= MAX_INDIRECT_LOOKUPS:
                    continue
                indirect_lookups += 1
                raw = _indirect_string(data, match.group(3), match.group(4))
            elif match.group(2) == b"(":
                raw = _literal_string(data, match.end())
            else:
                raw = _hex_string(data, match.end())
            if raw is not None:
                _put(found, key, _pdf_text(raw))
                if key in found:
                    break
    return found


def pdf_metadata(data: bytes) -> dict[str, str]:
    """Document information (/Author /Creator /Producer /Company, literal, hex or indirect
    strings, also inside FlateDecode object streams) and XMP (dc:creator, xmp:CreatorTool,
    pdf:Producer) found in `data`. The information dictionary wins over XMP, a plain one over one
    in an object stream (an incremental update); its strings are skipped when the file is
    encrypted (they would be ciphertext)."""
    if not isinstance(data, bytes | bytearray | memoryview):
        return {}
    data = bytes(data)
    found: dict[str, str] = {}
    if b"/Encrypt" not in data:
        found.update(_info(_object_streams(data)))
        found.update(_info(data))
    for key, value in _xmp(data).items():
        found.setdefault(key, value)
    return found


# --- Office Open XML (zip) -----------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    wanted = name.lower()
    for info in archive.infolist():
        if info.filename.lower() == wanted:
            if info.file_size > MAX_PART_BYTES or info.flag_bits & 0x1:
                return None
            with archive.open(info) as part:
                data = part.read(MAX_PART_BYTES + 1)
            return data if len(data) <= MAX_PART_BYTES else None
    return None


def _xml_children(data: bytes | None) -> dict[str, str]:
    """Local name -> text of the root's children, or {} for anything but a plain XML document."""
    if not data or re.search(rb"<!(DOCTYPE|ENTITY)", data, re.I):
        return {}
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 — no DTD, so no entities (see above)
    except ElementTree.ParseError:
        return {}
    children: dict[str, str] = {}
    for child in root:
        children.setdefault(_local(child.tag), "".join(child.itertext()))
    return children


def ooxml_metadata(reader) -> dict[str, str]:
    """dc:creator, cp:lastModifiedBy (docProps/core.xml); Company, Application (docProps/app.xml)."""
    found: dict[str, str] = {}
    try:
        with zipfile.ZipFile(reader) as archive:
            core = _xml_children(_read_part(archive, "docProps/core.xml"))
            app = _xml_children(_read_part(archive, "docProps/app.xml"))
    except Exception:  # noqa: BLE001 — BadZipFile, zlib.error, OSError, EOFError, NotImplementedError…
        return {}
    _put(found, "author", core.get("creator"))
    _put(found, "last_modified_by", core.get("lastModifiedBy"))
    _put(found, "company", app.get("Company"))
    _put(found, "creator", app.get("Application"))
    return found


# --- Zip safety ----------------------------------------------------------------------------------

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
# Entries smaller than this are not judged by their own ratio (a page of spaces compresses 1000:1
# harmlessly); the archive as a whole still is.
RATIO_MIN_ENTRY_BYTES = 1024 * 1024


def _declared_entries(reader) -> int | None:
    """The entry count of the end-of-central-directory record (zip64 if needed), read before
    zipfile loads the whole directory into memory; None if there is no such record."""
    reader.seek(0, io.SEEK_END)
    size = reader.tell()
    tail_start = max(0, size - (65535 + 22))
    reader.seek(tail_start)
    tail = reader.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        return None
    (entries,) = struct.unpack("<H", tail[at + 10 : at + 12])
    if entries != 0xFFFF:
        return entries
    locator = at - 20
    if locator < 0 or tail[locator : locator + 4] != _ZIP64_LOCATOR:
        return entries
    (offset,) = struct.unpack("<Q", tail[locator + 8 : locator + 16])
    reader.seek(offset)
    record = reader.read(56)
    if len(record) < 56 or record[:4] != _ZIP64_EOCD:
        return entries
    (count,) = struct.unpack("<Q", record[32:40])
    return count


def _unsafe_name(name: str) -> bool:
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or re.match(r"[A-Za-z]:", normalised) or "\x00" in normalised:
        return True
    return ".." in normalised.split("/")


def zip_is_safe(
    reader, *, max_total_bytes: int, max_ratio: int = 100, max_entries: int = 10000
) -> str | None:
    """None if the zip in the seekable `reader` looks safe to unpack, else a reason code:
    "not_a_zip", "too_many_entries", "unsafe_name" (absolute, drive-letter or ".." member names),
    "encrypted", "too_large_uncompressed" (declared sizes add up to more than max_total_bytes),
    "suspicious_ratio" (the archive, or an entry of at least RATIO_MIN_ENTRY_BYTES, would expand
    more than max_ratio times), "overlapping_entries" (members sharing compressed data: the
    overlapping-file zip bomb). Reads only the central directory; decompresses nothing.

    The declared sizes are what zipfile honours when reading (it stops at the declared size), so
    a member that lies about its size cannot make a zipfile reader expand it further."""
    try:
        position = reader.tell()
    except Exception:  # noqa: BLE001
        return "not_a_zip"
    try:
        declared = _declared_entries(reader)
        if declared is None:
            return "not_a_zip"
        if declared > max_entries:
            return "too_many_entries"
        reader.seek(position)
        with zipfile.ZipFile(reader) as archive:
            infos = archive.infolist()
    except Exception:  # noqa: BLE001 — any failure to read the directory: not a zip we accept
        return "not_a_zip"
    finally:
        try:
            reader.seek(position)
        except Exception:  # noqa: BLE001, S110
            pass
    if len(infos) > max_entries:
        return "too_many_entries"
    if any(_unsafe_name(info.filename) for info in infos):
        return "unsafe_name"
    if any(info.flag_bits & 0x1 for info in infos):
        return "encrypted"
    total = sum(info.file_size for info in infos)
    if total > max_total_bytes:
        return "too_large_uncompressed"
    compressed = sum(info.compress_size for info in infos)
    if total > max_ratio * max(compressed, 1) and total >= RATIO_MIN_ENTRY_BYTES:
        return "suspicious_ratio"
    for info in infos:
        if info.file_size >= RATIO_MIN_ENTRY_BYTES and info.file_size > max_ratio * max(
            info.compress_size, 1
        ):
            return "suspicious_ratio"
    offsets = sorted(info.header_offset for info in infos)
    if len(set(offsets)) != len(offsets):
        return "overlapping_entries"
    spans = sorted((info.header_offset, info.header_offset + 30 + info.compress_size) for info in infos)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        if start < end:
            return "overlapping_entries"
    return None
