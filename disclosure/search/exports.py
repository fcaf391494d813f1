"""CSV and Excel exports of a search (the same criteria as the page), up to a cap of rows, in
constant memory: rows are read with iterator(chunk_size) and written as they come.

- CSV is streamed (StreamingHttpResponse) with a UTF-8 byte order mark, so Excel reads Chinese.
- Excel is written by openpyxl's write-only workbook (rows go to a temporary file, not memory)
  and sent from a temporary file.

Text cells that a spreadsheet would read as a formula (=, +, -, @ first) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime
import itertools
import tempfile
from collections.abc import Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.i18n import in_english
from procurement.models import Category, Method, Notice

from . import selectors
from .selectors import Criteria

CHUNK_SIZE = 1000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def header() -> list[str]:
    return [
        _("Published at"),
        _("Kind of notice"),
        _("Notice title (Chinese)"),
        _("Notice title (English)"),
        _("Project number"),
        _("Purchaser"),
        _("Suppliers"),
        _("Category"),
        _("Procurement method"),
        _("Region code"),
        _("Amount (CNY)"),
        _("Link"),
    ]


def rows(criteria: Criteria, limit: int, *, absolute) -> Iterator[list]:
    """The export's rows (header first), read in chunks; supplier names one query per chunk."""
    english = in_english()
    kinds, categories, methods = (
        {value: str(label) for value, label in choices}
        for choices in (Notice.Kind.choices, Category.choices, Method.choices)
    )
    yield header()
    entries = selectors.export_rows(criteria, limit).iterator(chunk_size=CHUNK_SIZE)
    for chunk in itertools.batched(entries, CHUNK_SIZE):
        names = selectors.organisation_names({pk for entry in chunk for pk in entry.suppliers})
        for entry in chunk:
            notice = entry.notice
            suppliers = [names[pk].name for pk in entry.suppliers if pk in names]
            yield [
                timezone.localtime(entry.published_at).replace(tzinfo=None, microsecond=0),
                kinds.get(entry.kind, entry.kind),
                _text(notice.title_zh),
                _text(notice.title_en),
                _text(notice.project.reference),
                _text(entry.purchaser.name_en if english else entry.purchaser.name_zh),
                _text("; ".join(suppliers)),
                categories.get(entry.category, entry.category),
                methods.get(entry.method, entry.method),
                entry.region_code,
                entry.amount,
                absolute(reverse("notices:detail", args=[entry.notice_id])),
            ]


def _filename(extension: str) -> str:
    return f"sunlight-notices-{timezone.localdate():%Y%m%d}.{extension}"


def _csv_value(value):
    return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(request, criteria: Criteria, limit: int) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    language = translation.get_language()

    def lines() -> Iterator[str]:
        # The server reads this after the view has returned: keep the request's language.
        with translation.override(language):
            yield "\ufeff"  # the byte order mark: Excel then reads the file as UTF-8
            for row in rows(criteria, limit, absolute=request.build_absolute_uri):
                yield writer.writerow([_csv_value(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def xlsx_response(request, criteria: Criteria, limit: int) -> FileResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Notices")[:31])
    for row in rows(criteria, limit, absolute=request.build_absolute_uri):
        sheet.append(row)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
