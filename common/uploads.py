"""Checking an uploaded file before anything is stored: size, extension, and what it really is.

The type is sniffed from the bytes (libmagic through python-magic), so a renamed executable or a
spreadsheet called "decision.pdf" is refused with a translated message, not stored.
"""

import hashlib
from collections.abc import Iterable

import magic
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .exceptions import InvalidInput

# Extension -> the MIME types libmagic reports for a genuine file of that kind.
DOCUMENT_TYPES: dict[str, frozenset[str]] = {
    ".pdf": frozenset({"application/pdf"}),
    ".png": frozenset({"image/png"}),
    ".jpg": frozenset({"image/jpeg"}),
    ".jpeg": frozenset({"image/jpeg"}),
}
FEED_TYPES: dict[str, frozenset[str]] = {
    ".csv": frozenset({"text/csv", "text/plain", "application/csv"}),
    ".json": frozenset({"application/json", "text/plain"}),
}


class UploadRejected(InvalidInput):
    code = "upload_rejected"


def _message(text, params: dict):
    """The message rendered when read, in the reader's language (a task, a page, the API)."""
    return lazy(lambda: str(text) % params, str)()


class _LazySize:
    """A file size that formats itself in the language of the moment it is shown."""

    def __init__(self, size: int):
        self.size = size

    def __str__(self) -> str:
        return str(filesizeformat(self.size))


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def check_upload(
    upload: UploadedFile, *, types: dict[str, Iterable[str]] = DOCUMENT_TYPES, max_bytes: int | None = None
) -> str:
    """Refuse an empty, oversized, wrongly named or disguised file; return its SHA-256 (hex)."""
    limit = max_bytes if max_bytes is not None else settings.UPLOAD_MAX_BYTES
    name = upload.name or ""
    if upload.size == 0:
        raise UploadRejected(_message(_("The file “%(name)s” is empty."), {"name": name}), code="file_empty")
    if upload.size > limit:
        raise UploadRejected(
            _message(
                _("The file “%(name)s” is larger than %(limit)s."), {"name": name, "limit": _LazySize(limit)}
            ),
            code="file_too_large",
        )
    extension = _extension(name)
    if extension not in types:
        raise UploadRejected(
            _message(
                _("“%(name)s” is not an accepted kind of file; accepted: %(kinds)s."),
                {"name": name, "kinds": ", ".join(sorted(types))},
            ),
            code="file_type_not_allowed",
        )
    upload.seek(0)
    head = upload.read(8192)
    sniffed = magic.from_buffer(head, mime=True)
    if sniffed not in types[extension]:
        raise UploadRejected(
            _message(
                _("“%(name)s” is called %(extension)s but its content is not: it is %(sniffed)s."),
                {"name": name, "extension": extension, "sniffed": sniffed},
            ),
            code="file_disguised",
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
