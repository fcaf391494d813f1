"""The supplier's bid pages (prepare, upload with progress and resume, submit, receipt, withdraw)
and the opening page (two officers confirm; everyone concerned watches it live). Rules live in
services and policies: a view calls one and renders."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.exceptions import DomainError
from procurement.models import Method

from . import policies, records, selectors, services
from .exceptions import BidNotFound
from .models import Bid, BidFile, Opening


def _client(request: HttpRequest) -> tuple[str | None, str]:
    return request.META.get("REMOTE_ADDR") or None, request.META.get("HTTP_USER_AGENT", "")[:500]


def _json_error(error: DomainError) -> JsonResponse:
    return JsonResponse({"code": error.code, "detail": str(error.message)}, status=error.status)


def _lot_of(request: HttpRequest, lot_id: int):
    from procurement.models import Lot

    lot = Lot.objects.select_related("project__purchaser", "project__agency").filter(pk=lot_id).first()
    if lot is None or lot.status == Lot.Status.PREPARING:
        raise BidNotFound(_("No such lot open for bids."))
    return lot


@login_required
@require_GET
@never_cache
def bid_page(request: HttpRequest, lot_id: int) -> HttpResponse:
    """The supplier's bid for a lot: why it may not bid (if so), its bond, its draft with the
    response documents to upload, the price, and its receipts."""
    supplier = services.supplier_of(request.user)
    lot = _lot_of(request, lot_id)
    document = services.current_document(lot.project)
    obstacles = services.bid_obstacles(supplier, lot, document)
    draft = Bid.objects.filter(lot=lot, supplier=supplier, status=Bid.Status.DRAFT).first()
    files = {}
    if draft is not None:
        files = {f.document_key: f for f in draft.files.exclude(status=BidFile.Status.DISCARDED)}
    documents = [
        {
            "key": item["key"],
            "name_zh": item["name_zh"],
            "name_en": item["name_en"],
            "file": files.get(item["key"]),
        }
        for item in document.response_documents or []
    ]
    return render(
        request,
        "bidding/bid.html",
        {
            "lot": lot,
            "project": lot.project,
            "document": document,
            "obstacles": obstacles,
            "draft": draft,
            "documents": documents,
            "receipts": list(selectors.supplier_bids(supplier, lot)),
            "bond_amount": services.bond_required(lot, document),
            "open": lot.status == lot.Status.OPEN_FOR_BIDS,
            "segment_bytes": settings.BID_UPLOAD_SEGMENT_BYTES,
            "max_bytes": settings.BID_FILE_MAX_BYTES,
        },
    )


@login_required
@require_POST
def bid_start(request: HttpRequest, lot_id: int) -> HttpResponse:
    services.start_bid(lot_id, actor=request.user)
    return redirect("bidding:bid", lot_id=lot_id)


@login_required
@require_POST
def file_begin(request: HttpRequest, public_id) -> JsonResponse:
    """JSON: announce a file (upload key, document, name, size, fingerprint); answers where to
    continue from."""
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        return JsonResponse(
            {"code": "invalid_json", "detail": _("The request is not valid JSON.")}, status=400
        )
    try:
        bid_file = services.begin_file(
            public_id,
            actor=request.user,
            upload_key=data.get("upload_key"),
            document_key=str(data.get("document") or ""),
            name=data.get("name"),
            size=data.get("size"),
            fingerprint=str(data.get("fingerprint") or ""),
        )
    except DomainError as error:
        return _json_error(error)
    return JsonResponse(_file_state(bid_file))


def _file_state(bid_file: BidFile) -> dict:
    segment = settings.BID_UPLOAD_SEGMENT_BYTES
    return {
        "upload_key": str(bid_file.upload_key),
        "status": bid_file.status,
        "received": bid_file.received,
        "size": bid_file.size,
        "segment_bytes": segment,
        # A resumed upload re-sends the last stored segment, so that a changed file is noticed.
        "resume_from": max(0, bid_file.received - segment) if bid_file.segments else 0,
        "sha256": bid_file.sha256 or None,
    }


@login_required
@require_http_methods(["GET", "PUT"])
def file_data(request: HttpRequest, upload_key) -> JsonResponse:
    """GET: where an upload stands. PUT (raw bytes from `?offset=`): the file's bytes, streamed."""
    supplier = services.supplier_of(request.user)
    if request.method == "GET":
        bid_file = BidFile.objects.filter(upload_key=upload_key, bid__supplier=supplier).first()
        if bid_file is None:
            return _json_error(BidNotFound(_("No such upload.")))
        return JsonResponse(_file_state(bid_file))
    try:
        bid_file = services.receive_file_data(
            upload_key, actor=request.user, offset=request.GET.get("offset", "0"), stream=request
        )
    except DomainError as error:
        return _json_error(error)
    return JsonResponse(_file_state(bid_file))


@login_required
@require_POST
def bid_submit(request: HttpRequest, public_id) -> HttpResponse:
    ip, agent = _client(request)
    bid = services.submit_bid(
        public_id, actor=request.user, price=request.POST.get("price", ""), ip_address=ip, user_agent=agent
    )
    messages.success(request, _("Your bid is submitted and sealed. Keep the receipt."))
    return redirect("bidding:receipt", public_id=bid.public_id)


@login_required
@require_POST
def bid_withdraw(request: HttpRequest, public_id) -> HttpResponse:
    bid = services.withdraw_bid(public_id, actor=request.user)
    messages.success(request, _("Your bid is withdrawn. It is kept, marked withdrawn; this is its receipt."))
    return redirect("bidding:receipt", public_id=bid.public_id)


def _receipt(request: HttpRequest, public_id) -> tuple[Bid, dict]:
    bid = selectors.own_receipt(request.user, public_id)
    return bid, services.receipt_of(bid, [f for f in bid.files.all() if f.status == BidFile.Status.COMPLETE])


@login_required
@require_GET
def receipt_page(request: HttpRequest, public_id) -> HttpResponse:
    bid, receipt = _receipt(request, public_id)
    return render(
        request,
        "bidding/receipt.html",
        {
            "bid": bid,
            "receipt": receipt,
            "files": records.receipt_files(bid, receipt),
            "lot": bid.lot,
            "project": bid.lot.project,
            # Inquiry's quotation is final (services._refuse_if_inquiry): no withdraw button.
            "can_withdraw": bid.status == Bid.Status.SUBMITTED
            and bid.lot.status == bid.lot.Status.OPEN_FOR_BIDS
            and bid.lot.project.method != Method.INQUIRY,
        },
    )


@login_required
@require_GET
def receipt_pdf(request: HttpRequest, public_id) -> HttpResponse:
    bid, receipt = _receipt(request, public_id)
    response = HttpResponse(records.render_receipt(bid, receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{bid.public_id}.pdf"'
    return response


@login_required
@require_GET
def receipt_json(request: HttpRequest, public_id) -> JsonResponse:
    bid, receipt = _receipt(request, public_id)
    return JsonResponse(receipt | {"receipt_sha256": bid.receipt_sha256})


# --- Opening ----------------------------------------------------------------------------------


def _opening_context(request: HttpRequest, lot) -> dict:
    opening = selectors.opening_of(lot)
    opened = opening is not None and opening.status == Opening.Status.OPENED
    context = {
        "lot": lot,
        "project": lot.project,
        "opening": opening,
        "opened": opened,
        "can_confirm": not opened
        and policies.can_open_bids(request.user, lot)
        and not (opening and opening.first_officer_id == request.user.pk),
        "awaiting_second": opening is not None and opening.status == Opening.Status.AWAITING_SECOND,
    }
    if opened:
        bids = selectors.opened_bids(lot)
        context["rows"] = records.opening_rows(lot, bids)
        if policies.can_see_collusion_flags(request.user, lot):
            from .collusion import SCREENS

            context["flags"] = [
                {"flag": flag, "screen": SCREENS.get(flag.kind), "suppliers": list(flag.suppliers.all())}
                for flag in selectors.collusion_flags(lot)
            ]
            context["show_flags"] = True
    else:
        supplier = getattr(getattr(request.user, "active_membership", None), "organisation", None)
        if supplier is not None and supplier.kind == "supplier":
            context["own_receipts"] = list(
                selectors.supplier_bids(supplier, lot).filter(status=Bid.Status.SUBMITTED)
            )
    return context


@login_required
@require_GET
@never_cache
def opening_page(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = selectors.lot_for_opening(request.user, lot_id)
    template = "bidding/opening.html#status" if request.htmx else "bidding/opening.html"
    return render(request, template, _opening_context(request, lot))


@login_required
@require_POST
def opening_confirm(request: HttpRequest, lot_id: int) -> HttpResponse:
    selectors.lot_for_opening(request.user, lot_id)
    opening = services.confirm_opening(lot_id, actor=request.user)
    if opening.status == Opening.Status.OPENED:
        messages.success(request, _("The bids are opened and the opening record is published."))
    else:
        messages.success(request, _("Your confirmation is recorded; a second officer must confirm too."))
    return redirect("bidding:opening", lot_id=lot_id)


@require_GET
def opening_pdf(request: HttpRequest, lot_id: int) -> HttpResponse:
    """The published opening record's PDF (public once the lot is opened)."""
    opening = Opening.objects.filter(lot_id=lot_id, status=Opening.Status.OPENED).exclude(pdf="").first()
    if opening is None:
        raise BidNotFound()
    response = HttpResponse(opening.pdf.open("rb").read(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="opening-{lot_id}.pdf"'
    return response


@login_required
@require_GET
def my_bids(request: HttpRequest) -> HttpResponse:
    """The supplier's bidding desk: lots open for bids, and its own bids with their receipts."""
    supplier = services.supplier_of(request.user)
    bids = selectors.bids_of(supplier)
    mine: dict[int, Bid] = {}
    for bid in bids:
        mine.setdefault(bid.lot_id, bid)
    lots = [(lot, mine.get(lot.pk)) for lot in selectors.open_lots()]
    steps = selectors.after_opening(bids)
    rows = [(bid, steps.get(bid.pk)) for bid in bids]
    return render(request, "bidding/my_bids.html", {"lots": lots, "bids": rows})
