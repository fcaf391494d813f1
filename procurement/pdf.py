"""The PDFs of a project: its tender documents (采购文件) and its entrustment agreement (委托代理协议).

Rendered with WeasyPrint from the templates in procurement/templates/procurement/pdf/: A4, the
font "Noto Sans CJK SC" (Debian's fonts-noto-cjk, found through fontconfig), the project reference
and "第 N 页 / 共 M 页" on every page. Everything a user typed goes through Django's autoescape, and
the renderer fetches nothing: no base URL, and a URL fetcher that refuses every scheme but data:.

A published document is frozen with the SHA-256 of its PDF and reads the same whatever the
reader's language, so the PDFs are Chinese with English subtitles rather than translated.
"""

import datetime
import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import templating
from .models import Entrustment, Lot, Method, Project, TenderDocument

# A line that opens a numbered part of a section ("一、总则", "二、…") is printed as a heading.
_HEADING = re.compile(r"^[一二三四五六七八九十]+、\S")
_HEADER_TITLE_LENGTH = 28


@dataclass(frozen=True)
class Block:
    """One paragraph of a section's text: an optional heading line and the lines under it."""

    heading: str
    lines: list[str]


def blocks(text: str) -> list[Block]:
    """Split a section's text into paragraphs (blank lines) and lines; a paragraph whose first line
    is a numbered heading ("一、总则") gets it as its heading."""
    result = []
    for paragraph in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        lines = [line.rstrip() for line in paragraph.split("\n") if line.strip()]
        if not lines:
            continue
        if _HEADING.match(lines[0]) and len(lines[0]) <= 40:
            result.append(Block(heading=lines[0], lines=lines[1:]))
        else:
            result.append(Block(heading="", lines=lines))
    return result


def chinese_date(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value)
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


def _short(text: str, length: int = _HEADER_TITLE_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _english(label: Any) -> str:
    with translation.override("en"):
        return str(label)


def _url_fetcher():
    """Refuses every URL but data: (WeasyPrint logs the refusal and leaves the resource out)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


# Rendering is a pure function of the HTML (no base URL, only data: URLs): with settings.PDF_MEMO
# on (the test suite, where hundreds of fixtures publish the same tender documents) a worker
# renders each distinct document once and reuses the bytes. Off in production.
_MEMO: OrderedDict[bytes, bytes] = OrderedDict()
_MEMO_SIZE = 64


def write_pdf(html: str) -> bytes:
    """HTML to PDF with no base URL and only data: URLs fetched (also used by other apps)."""
    from weasyprint import HTML

    if not settings.PDF_MEMO:
        return HTML(string=html, base_url=None, url_fetcher=_url_fetcher()).write_pdf()
    key = hashlib.sha256(html.encode()).digest()
    pdf = _MEMO.get(key)
    if pdf is None:
        pdf = HTML(string=html, base_url=None, url_fetcher=_url_fetcher()).write_pdf()
        _MEMO[key] = pdf
        if len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    else:
        _MEMO.move_to_end(key)
    return pdf


def _agency(project: Project) -> Any:
    """The organisation that runs the procurement: the project's agency, else the entrustment's."""
    if project.agency_id:
        return project.agency
    try:
        return project.entrustment.agency
    except ObjectDoesNotExist:
        return None


def _parties(project: Project) -> dict[str, Any]:
    agency = _agency(project)
    own_office = agency is None or agency.pk == project.purchaser_id
    return {
        "agency": agency,
        "own_office": own_office,
        "agency_name_zh": f"{project.purchaser.name_zh}（本单位采购机构）" if own_office else agency.name_zh,
        "agency_name_en": (
            f"{project.purchaser.name_en} (own procurement office)" if own_office else agency.name_en
        ),
    }


def _project_context(project: Project) -> dict[str, Any]:
    return {
        "project": project,
        "purchaser": project.purchaser,
        "reference": project.reference,
        "method_zh": templating.METHOD_NAMES_ZH.get(project.method, project.method),
        "method_en": _english(Method(project.method).label) if project.method in Method.values else "",
        "category_zh": templating.CATEGORY_NAMES_ZH.get(project.category, ""),
        "budget": templating.yuan(project.budget),
    }


def _criteria(document: TenderDocument) -> tuple[list[dict[str, str]], str]:
    rows, total = [], Decimal(document.price_weight or 0)
    for criterion in document.criteria or []:
        points = Decimal(str(criterion.get("points") or 0))
        total += points
        kind_zh, kind_en = templating.CRITERION_KIND_NAMES.get(criterion.get("kind", ""), ("", ""))
        rows.append(
            {
                "name_zh": criterion.get("name_zh", ""),
                "name_en": criterion.get("name_en", ""),
                "kind_zh": kind_zh,
                "kind_en": kind_en,
                "points": f"{points:.2f}",
            }
        )
    return rows, f"{total:.2f}"


def _bond(amount: str | None) -> str:
    """A lot's bid bond, or 不要求 (not required) when there is none or it is zero."""
    if amount in (None, "") or Decimal(str(amount)) == 0:
        return "不要求"
    return templating.yuan(amount)


def tender_documents_context(
    document: TenderDocument, *, generated_at: datetime.datetime | None = None
) -> dict[str, Any]:
    """What the tender documents' template shows (reads the project's lots)."""
    project = document.project
    lots = list(project.lots.order_by("number"))
    generated_at = generated_at or timezone.now()
    method = project.method
    titles = templating.section_titles(method)
    terms = templating.document_terms(method)
    sections = document.sections or {}
    chapters = [
        {
            "key": key,
            "number": f"第{templating.chapter_number(index)}章",
            "title_zh": titles[key][0],
            "title_en": titles[key][1],
            "blocks": blocks(sections.get(key, "")),
        }
        for index, key in enumerate(templating.SECTION_KEYS, start=1)
    ]
    bonds = document.bonds or {}
    lot_rows = [
        {
            "number": lot.number,
            "title_zh": lot.title_zh,
            "title_en": lot.title_en,
            "budget": templating.yuan(lot.budget),
            "bond": _bond(bonds.get(str(lot.number))),
            "sme_reserved": lot.sme_reserved,
            "cancelled": lot.status == Lot.Status.CANCELLED,
            "failed": lot.status == Lot.Status.FAILED,
            "requirements": blocks((document.lot_requirements or {}).get(str(lot.number), "")),
        }
        for lot in lots
    ]
    if document.documents_from or document.documents_until:
        obtainable = f"{chinese_date(document.documents_from)} 至 {chinese_date(document.documents_until)}"
    else:
        obtainable = "—"
    key_dates = [
        ("获取采购文件", "Documents obtainable", obtainable),
        ("提出询问截止", "Questions accepted until", chinese_date(document.clarification_until)),
        (f"{terms['deadline']}（即{terms['opening']}时间）", "Deadline and opening time",
         chinese_date(document.bid_deadline)),
        (f"{terms['opening']}地点", "Place of opening", document.opening_place or "—"),
    ]  # fmt: skip
    criteria, total = _criteria(document)
    evaluation_zh, evaluation_en = templating.EVALUATION_METHOD_NAMES.get(
        document.evaluation_method, (document.evaluation_method, "")
    )
    title_zh, title_en = templating.document_title(method)
    issued = document.published_at or generated_at
    return {
        **_project_context(project),
        **_parties(project),
        "document": document,
        "document_title_zh": title_zh,
        "document_title_en": title_en,
        "header_title": _short(f"{project.title_zh} {title_zh}"),
        "terms": terms,
        "version": document.version,
        "is_amendment": document.version > 1,
        "amendment_blocks": blocks(document.amendment_reason),
        "issued_on": chinese_date(timezone.localtime(issued).date()),
        "generated_at": chinese_date(generated_at),
        "chapters": chapters,
        "key_dates": key_dates,
        "lots": lot_rows,
        "qualification_items": list(document.qualification_items or []),
        "evaluation_zh": evaluation_zh,
        "evaluation_en": evaluation_en,
        "is_comprehensive": document.evaluation_method == TenderDocument.EvaluationMethod.COMPREHENSIVE,
        "price_weight": f"{Decimal(document.price_weight or 0):.2f}",
        "criteria": criteria,
        "criteria_total": total,
    }


def render_tender_documents(
    document: TenderDocument, *, generated_at: datetime.datetime | None = None
) -> bytes:
    """The PDF of one version of a project's tender documents. Pass a document fetched with
    select_related("project__purchaser", "project__agency") to save queries."""
    context = tender_documents_context(document, generated_at=generated_at)
    return write_pdf(render_to_string("procurement/pdf/tender_documents.html", context))


def entrustment_context(
    entrustment: Entrustment, *, generated_at: datetime.datetime | None = None
) -> dict[str, Any]:
    project = entrustment.project
    own_office = entrustment.agency_id == project.purchaser_id
    generated_at = generated_at or timezone.now()
    context = _project_context(project)
    context.update(
        {
            "entrustment": entrustment,
            "agency": entrustment.agency,
            "own_office": own_office,
            "agency_name_zh": (
                f"{project.purchaser.name_zh}本单位采购机构" if own_office else entrustment.agency.name_zh
            ),
            "agency_name_en": (
                f"{project.purchaser.name_en}, own procurement office"
                if own_office
                else entrustment.agency.name_en
            ),
            "scope_blocks": blocks(entrustment.scope),
            "fee": templating.yuan(entrustment.fee) if entrustment.fee is not None else "",
            "signed_on": chinese_date(entrustment.signed_on),
            "header_title": "政府采购委托代理协议",
            "generated_at": chinese_date(generated_at),
        }
    )
    return context


def render_entrustment_agreement(
    entrustment: Entrustment, *, generated_at: datetime.datetime | None = None
) -> bytes:
    """The PDF of the entrustment agreement (政府采购委托代理协议) between purchaser and agency."""
    context = entrustment_context(entrustment, generated_at=generated_at)
    return write_pdf(render_to_string("procurement/pdf/entrustment_agreement.html", context))
