"""Reads of bids and openings for pages, the API and the opening service. Before a lot is opened
a bid is readable only as a receipt, and only by its own supplier."""

import uuid

from django.db.models import Prefetch

from accounts.models import Organisation, User
from audit import services as audit
from procurement.models import Lot, TenderDocument

from . import policies
from .collusion import BidFacts
from .exceptions import BidNotFound
from .models import Bid, BidFile, Bond, CollusionFlag, Opening


def own_bid(user: User, public_id, supplier: Organisation) -> Bid:
    """A bid of the user's supplier organisation, with its files; 404 for any other bid (it must
    not even admit that it exists)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise BidNotFound() from None
    bid = (
        Bid.objects.select_related("lot__project__purchaser", "supplier", "replaces")
        .prefetch_related(
            Prefetch(
                "files",
                queryset=BidFile.objects.exclude(status=BidFile.Status.DISCARDED).order_by("document_key"),
            )
        )
        .filter(public_id=key, supplier=supplier)
        .first()
    )
    if bid is None:
        raise BidNotFound()
    return bid


def refuse_sealed_read(user: User, *, what: str, target) -> None:
    """Record a refused attempt to read sealed content (DESIGN §6: every such attempt is audited)."""
    audit.record_event("bidding.sealed_read_refused", actor=user, target=target, data={"what": what})


def supplier_bids(supplier: Organisation, lot: Lot):
    return (
        Bid.objects.filter(lot=lot, supplier=supplier)
        .exclude(status=Bid.Status.DRAFT)
        .select_related("replaces")
        .order_by("-created_at")
    )


def lot_for_opening(user: User, lot_id) -> Lot:
    lot = (
        Lot.objects.select_related("project__purchaser", "project__agency").filter(pk=lot_id).first()
        if str(lot_id).isdigit()
        else None
    )
    if lot is None or not policies.can_view_opening(user, lot):
        raise BidNotFound()
    return lot


def opening_of(lot: Lot) -> Opening | None:
    return Opening.objects.select_related("first_officer", "second_officer", "notice").filter(lot=lot).first()


def opened_bids(lot: Lot) -> list[Bid]:
    """The bids of an opened lot with their files and bonds (for the opening record)."""
    return list(
        Bid.objects.filter(lot=lot, status=Bid.Status.OPENED)
        .select_related("supplier")
        .prefetch_related(Prefetch("files", queryset=BidFile.objects.filter(status=BidFile.Status.COMPLETE)))
        .order_by("received_at", "pk")
    )


def bond_states(lot: Lot) -> dict[int, Bond]:
    return {bond.supplier_id: bond for bond in Bond.objects.filter(lot=lot)}


def collusion_flags(lot: Lot) -> list[CollusionFlag]:
    return list(CollusionFlag.objects.filter(lot=lot).prefetch_related("suppliers").order_by("kind", "pk"))


def collusion_facts(lot: Lot, bids: list[Bid]) -> list[BidFacts]:
    """What the collusion screens compare, per opened bid (three queries whatever the bids)."""
    from suppliers.models import DocumentDownload, SupplierProfile

    supplier_ids = [bid.supplier_id for bid in bids]
    profiles = {
        p.organisation_id: p for p in SupplierProfile.objects.filter(organisation_id__in=supplier_ids)
    }
    downloads: dict[int, set[str]] = {}
    for supplier_id, ip in DocumentDownload.objects.filter(
        supplier_id__in=supplier_ids,
        tender_document__project_id=lot.project_id,
        tender_document__status__in=[TenderDocument.Status.PUBLISHED, TenderDocument.Status.SUPERSEDED],
    ).values_list("supplier_id", "ip_address"):
        if ip:
            downloads.setdefault(supplier_id, set()).add(ip)
    accounts: dict[int, set[str]] = {}
    for supplier_id, account in Bond.objects.filter(lot=lot, supplier_id__in=supplier_ids).values_list(
        "supplier_id", "payer_account_number"
    ):
        digits = "".join(ch for ch in account or "" if ch.isalnum())
        if digits:
            accounts.setdefault(supplier_id, set()).add(digits)
    files: dict[int, list[BidFile]] = {}
    for bid_file in BidFile.objects.filter(bid__in=bids, status=BidFile.Status.COMPLETE):
        files.setdefault(bid_file.bid_id, []).append(bid_file)
    facts = []
    for bid in bids:
        profile = profiles.get(bid.supplier_id)
        own = files.get(bid.pk, [])
        facts.append(
            BidFacts(
                supplier_id=bid.supplier_id,
                supplier_name=bid.supplier.name_zh,
                price=bid.price,
                ip_addresses=frozenset({bid.ip_address} if bid.ip_address else set()),
                download_ips=frozenset(downloads.get(bid.supplier_id, set())),
                user_agents=frozenset({bid.user_agent} if bid.user_agent else set()),
                file_hashes=frozenset(f.opened_sha256 or f.sha256 for f in own),
                metadata=tuple(f.metadata or {} for f in own),
                bond_accounts=frozenset(accounts.get(bid.supplier_id, set())),
                legal_representative=profile.legal_representative if profile else "",
                phone=profile.contact_phone if profile else "",
                address=profile.address if profile else "",
            )
        )
    return facts


def open_lots() -> list[Lot]:
    """Lots open for bids now (their tender notice published), soonest deadline first."""
    from procurement.models import Project

    return list(
        Lot.objects.filter(status=Lot.Status.OPEN_FOR_BIDS, project__status=Project.Status.TENDERING)
        .select_related("project__purchaser")
        .order_by("project__bid_deadline", "project_id", "number")[:200]
    )


def bids_of(supplier: Organisation) -> list[Bid]:
    """The supplier's bids (drafts and receipts), newest first."""
    return list(
        Bid.objects.filter(supplier=supplier).select_related("lot__project").order_by("-created_at")[:200]
    )


def after_opening(bids: list[Bid]) -> dict[int, dict]:
    """What an opened bid's supplier can do next, per bid id: the live evaluation of its lot (to
    open its negotiation thread while the panel negotiates), whether an explanation of its price
    is asked for, and whether the lot is awarded (its letter). Two queries, none without an opened bid."""
    from .models import BidAssessment, Evaluation

    opened = [bid for bid in bids if bid.status == Bid.Status.OPENED]
    if not opened:
        return {}
    evaluations = {
        evaluation.lot_id: evaluation
        for evaluation in Evaluation.objects.filter(lot_id__in={bid.lot_id for bid in opened}).exclude(
            status=Evaluation.Status.SUPERSEDED
        )
    }
    asked = set(
        BidAssessment.objects.filter(
            bid__in=opened, explanation_status=BidAssessment.Explanation.REQUESTED
        ).values_list("bid_id", flat=True)
    )
    return {
        bid.pk: {
            "evaluation": evaluations.get(bid.lot_id),
            "negotiating": getattr(evaluations.get(bid.lot_id), "status", "")
            == Evaluation.Status.NEGOTIATING,
            "explain": bid.pk in asked,
            "awarded": bid.lot.status in (Lot.Status.AWARDED, Lot.Status.CONTRACTING),
        }
        for bid in opened
    }


def own_receipt(user: User, public_id) -> Bid:
    """A submitted (or withdrawn, or opened) bid of the user's supplier organisation, for its
    receipt. Anyone else — another supplier, an officer, an administrator — gets the same 404 as
    for a missing bid, and the refused read is audited (DESIGN §6)."""
    from .exceptions import NotEligibleToBid
    from .services import supplier_of

    try:
        bid = own_bid(user, public_id, supplier_of(user))
        if bid.status == Bid.Status.DRAFT:
            raise BidNotFound()
    except (NotEligibleToBid, BidNotFound):
        try:
            target = Bid.objects.filter(public_id=uuid.UUID(str(public_id))).first()
        except ValueError:
            target = None
        refuse_sealed_read(user, what="receipt", target=target)
        raise BidNotFound() from None
    return bid
