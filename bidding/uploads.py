"""What a bid file may be: its name, its kind (sniffed from its first bytes, not believed from the
name), its size; and a seekable view of a sealed file's plaintext for the checks that need the end
of a file (a zip's central directory). No ORM here."""

import io
import unicodedata
from collections.abc import Callable

import magic
from django.utils.translation import gettext_lazy as _

from common.uploads import UploadRejected, _LazySize, _message

# Extension -> the MIME types libmagic reports for the first bytes of a genuine file of that kind
# (an Office Open XML file is a zip: libmagic names it as such or as the zip it is).
BID_FILE_TYPES: dict[str, frozenset[str]] = {
    ".pdf": frozenset({"application/pdf"}),
    ".docx": frozenset(
        {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/zip",
            "application/octet-stream",
        }
    ),
    ".xlsx": frozenset(
        {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/zip",
            "application/octet-stream",
        }
    ),
    ".zip": frozenset({"application/zip", "application/x-zip-compressed"}),
}
ZIP_KINDS = frozenset({".docx", ".xlsx", ".zip"})
# The member every genuine Office file carries, by extension.
OFFICE_MARKERS = {".docx": "word/", ".xlsx": "xl/"}
SNIFF_BYTES = 8192
MAX_NAME_LENGTH = 200


def extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def check_name(name: str, size: int, *, max_bytes: int) -> str:
    """Refuse a dangerous or unacceptable file name or size before a byte is stored; return the
    name normalised (NFC)."""
    if not isinstance(name, str) or not name.strip():
        raise UploadRejected(_("The file has no name."), code="file_name_missing")
    if "\x00" in name or any(unicodedata.category(ch) == "Cc" for ch in name):
        raise UploadRejected(_("The file name contains control characters."), code="file_name_unsafe")
    if "/" in name or "\\" in name or name.strip() in {".", ".."} or name.startswith("."):
        raise UploadRejected(
            _("The file name must be a plain name, without folders."), code="file_name_unsafe"
        )
    name = unicodedata.normalize("NFC", name.strip())
    if len(name) > MAX_NAME_LENGTH:
        raise UploadRejected(_("The file name is too long."), code="file_name_too_long")
    if extension(name) not in BID_FILE_TYPES:
        raise UploadRejected(
            _message(
                _("“%(name)s” is not an accepted kind of file; accepted: %(kinds)s."),
                {"name": name, "kinds": ", ".join(sorted(BID_FILE_TYPES))},
            ),
            code="file_type_not_allowed",
        )
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        raise UploadRejected(_message(_("The file “%(name)s” is empty."), {"name": name}), code="file_empty")
    if size > max_bytes:
        raise UploadRejected(
            _message(
                _("The file “%(name)s” is larger than %(limit)s."),
                {"name": name, "limit": _LazySize(max_bytes)},
            ),
            code="file_too_large",
        )
    return name


def check_content(name: str, head: bytes) -> str:
    """The sniffed type of the file's first bytes, refusing a file that is not what its name says
    (an executable renamed .pdf, HTML posing as a PDF)."""
    sniffed = magic.from_buffer(head[:SNIFF_BYTES], mime=True)
    if sniffed not in BID_FILE_TYPES[extension(name)] or (
        extension(name) in ZIP_KINDS and not head.startswith(b"PK\x03\x04")
    ):
        raise UploadRejected(
            _message(
                _("“%(name)s” is called %(extension)s but its content is not: it is %(sniffed)s."),
                {"name": name, "extension": extension(name), "sniffed": sniffed},
            ),
            code="file_disguised",
        )
    return sniffed


ZIP_REASONS = {
    "not_a_zip": _("it is not a readable zip archive"),
    "encrypted": _("it is password-protected"),
    "too_many_entries": _("it holds too many files"),
    "too_large_uncompressed": _("it unpacks to more than the size limit"),
    "suspicious_ratio": _("it is compressed suspiciously well (a zip bomb)"),
    "unsafe_name": _("it holds files with absolute or “..” paths"),
    "overlapping_entries": _("its members overlap (a zip bomb)"),
    "not_office": _("it is not a Word or Excel document"),
}


def refuse_archive(name: str, reason: str) -> UploadRejected:
    return UploadRejected(
        _message(_("“%(name)s” is refused: %(reason)s."), {"name": name, "reason": ZIP_REASONS[reason]}),
        code="file_archive_refused",
    )


class SealedFileReader(io.RawIOBase):
    """A read-only, seekable view of a sealed file's plaintext: segment i is fetched and decrypted
    by `segment(i)` when a read reaches it (one cached), so zipfile can read a central directory
    without the whole file being decrypted or held in memory."""

    def __init__(self, size: int, segment_bytes: int, segment: Callable[[int], bytes]):
        super().__init__()
        self.size = size
        self.segment_bytes = segment_bytes
        self._segment = segment
        self._position = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def _get(self, index: int) -> bytes:
        if self._cached is None or self._cached[0] != index:
            self._cached = (index, self._segment(index))
        return self._cached[1]

    def readinto(self, buffer) -> int:
        if self._position >= self.size:
            return 0
        index, start = divmod(self._position, self.segment_bytes)
        data = self._get(index)[start : start + len(buffer)]
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)
