"""What the opening publishes: the opening record (开标记录) as a public notice and a PDF, the
failed-procurement notice (流标公告) when too few bids remain, and the supplier's receipt PDF.

The PDFs are Chinese with English subtitles (like the tender documents: frozen, read the same in
either language); the notices are rendered in both languages by procurement.services.publish_notice.
"""

import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from procurement import services as procurement_services
from procurement.models import Lot, Notice
from procurement.pdf import chinese_date, write_pdf
from procurement.templating import yuan

from .models import Bid, Bond, Opening

BOND_STATES_ZH = {
    Bond.Status.REQUIRED: "未缴纳",
    Bond.Status.LODGED: "已缴纳（待核验）",
    Bond.Status.VERIFIED: "已核验",
    Bond.Status.REFUNDABLE: "待退还",
    Bond.Status.REFUNDED: "已退还",
    Bond.Status.FORFEITED: "不予退还",
}


def _document_names(lot: Lot) -> dict[str, tuple[str, str]]:
    document = lot.project.tender_documents.filter(status="published").order_by("-version").first()
    items = (document.response_documents if document else None) or []
    return {item["key"]: (item["name_zh"], item["name_en"]) for item in items}


def opening_rows(lot: Lot, bids: list[Bid]) -> list[dict]:
    bonds = {bond.supplier_id: bond for bond in Bond.objects.filter(lot=lot)}
    names = _document_names(lot)
    rows = []
    for bid in sorted(bids, key=lambda b: (b.received_at, b.pk)):
        bond = bonds.get(bid.supplier_id)
        files = sorted(bid.files.all(), key=lambda f: f.document_key)
        rows.append(
            {
                "bid": bid,
                "supplier": bid.supplier,
                "price": yuan(bid.price) if bid.price is not None else "—",
                "received_at": chinese_date(bid.received_at),
                "bond_zh": BOND_STATES_ZH.get(bond.status, "—") if bond else "无需缴纳",
                "bond_status": bond.get_status_display() if bond else "",
                "files": [
                    {
                        "document": f.document_key,
                        "document_zh": names.get(f.document_key, (f.document_key, ""))[0],
                        "document_en": names.get(f.document_key, ("", f.document_key))[1],
                        "name": f.name,
                        "sha256": f.opened_sha256 or f.sha256,
                        "receipt_sha256": f.sha256,
                        "matches": f.hash_matches,
                    }
                    for f in files
                ],
            }
        )
    return rows


def render_opening_record(lot: Lot, opening: Opening, bids: list[Bid], *, needed: int) -> bytes:
    project = lot.project
    context = {
        "project": project,
        "lot": lot,
        "opening": opening,
        "reference": project.reference,
        "header_title": f"{project.title_zh} 开标记录",
        "rows": opening_rows(lot, bids),
        "opened_at": chinese_date(opening.opened_at),
        "deadline": chinese_date(project.bid_deadline),
        "needed": needed,
        "officers": [o for o in (opening.first_officer, opening.second_officer) if o is not None],
        "budget": yuan(lot.budget),
        "generated_at": chinese_date(timezone.now()),
    }
    return write_pdf(render_to_string("bidding/pdf/opening_record.html", context))


def publish_opening_record(lot: Lot, opening: Opening, bids: list[Bid], *, needed: int) -> Notice:
    """Inside the opening's transaction: the PDF (with its SHA-256), the public notice, and the
    failed-procurement notice when fewer bids than the method needs were opened."""
    pdf = render_opening_record(lot, opening, bids, needed=needed)
    opening.sha256 = hashlib.sha256(pdf).hexdigest()
    opening.pdf.save(f"opening-{lot.project.reference}-{lot.number}.pdf", ContentFile(pdf), save=False)
    context = {
        "project": lot.project,
        "lot": lot,
        "rows": opening_rows(lot, bids),
        "opening": opening,
        "needed": needed,
        "total": sum((b.price for b in bids if b.price is not None), Decimal("0")),
    }
    notice = procurement_services.publish_notice(
        lot.project,
        Notice.Kind.OPENING_RECORD,
        "bidding/notices/opening_record.txt",
        context,
        lot=lot,
        attachment=(f"opening-{lot.project.reference}-{lot.number}.pdf", pdf),
    )
    opening.notice = notice
    opening.save(update_fields=["pdf", "sha256", "notice", "updated_at"])
    if opening.failed:
        procurement_services.publish_notice(
            lot.project, Notice.Kind.FAILED, "bidding/notices/failed.txt", context, lot=lot
        )
    return notice


def receipt_files(bid: Bid, receipt: dict) -> list[dict]:
    """The receipt's files with the names the tender documents give them (the receipt itself
    carries only the stable keys)."""
    names = {}
    document = bid.lot.project.tender_documents.filter(status="published").order_by("-version").first()
    for item in (document.response_documents if document else None) or []:
        names[item["key"]] = (item["name_zh"], item["name_en"])
    return [
        {
            **f,
            "name_zh": names.get(f["document"], (f["document"], ""))[0],
            "name_en": names.get(f["document"], ("", f["document"]))[1],
        }
        for f in receipt["files"]
    ]


def render_receipt(bid: Bid, receipt: dict) -> bytes:
    project = bid.lot.project
    context = {
        "bid": bid,
        "receipt": receipt,
        "project": project,
        "lot": bid.lot,
        "reference": project.reference,
        "header_title": f"{project.title_zh} 投标回执",
        "received_at": chinese_date(bid.received_at),
        "withdrawn_at": chinese_date(bid.withdrawn_at) if bid.withdrawn_at else "",
        "received_at_iso": receipt["received_at"],
        "files": receipt_files(bid, receipt),
        "deadline": chinese_date(project.bid_deadline),
    }
    return write_pdf(render_to_string("bidding/pdf/receipt.html", context))
