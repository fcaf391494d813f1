"""Every write of the evaluation (评审): qualification review, scoring, abnormally low prices,
signing the report. One transaction each (STYLE.md, Services)."""

from django.db import transaction
from django.utils import timezone

from experts.models import Panel, PanelSeat
from procurement.models import TenderDocument
from rulebook.selectors import rule_value

from ..models import Bid, BidAssessment, Evaluation, ScoreSheet


def pinned_document(lot) -> TenderDocument:
    """The version of the documents the lot's bids answered: the latest published (or since
    superseded) version when its bids were opened (no amendment is published once bidding has
    closed), never a later amendment or a re-tender's documents."""
    opening = getattr(lot, "opening", None)
    opened_at = opening.opened_at if opening is not None and opening.opened_at else timezone.now()
    return (
        lot.project.tender_documents.filter(
            status__in=[TenderDocument.Status.PUBLISHED, TenderDocument.Status.SUPERSEDED],
            published_at__lte=opened_at,
        )
        .order_by("-version")
        .first()
    )


@transaction.atomic
def start_evaluation(panel: Panel) -> Evaluation:
    """Called (inside the caller's transaction) when the lot's panel is seated: the evaluation with
    the pinned documents' criteria, a sheet per seated member and an assessment per opened bid.
    Idempotent: a panel's live evaluation is returned as it is."""
    lot = panel.lot
    live = lot.evaluations.exclude(status=Evaluation.Status.SUPERSEDED).first()
    if live is not None and live.panel_id == panel.pk:
        return live
    document = pinned_document(lot)
    rules_date = lot.project.rules_date
    last_round = lot.evaluations.order_by("-round").values_list("round", flat=True).first() or 0
    if live is not None:
        Evaluation.objects.filter(pk=live.pk).update(status=Evaluation.Status.SUPERSEDED)
    category_key = (
        "sme.works_deduction_min_percent" if lot.project.category == "works" else "sme.deduction_min_percent"
    )
    evaluation = Evaluation.objects.create(
        lot=lot,
        panel=panel,
        document=document,
        round=last_round + 1,
        method=document.evaluation_method,
        price_weight=document.price_weight,
        criteria=document.criteria if document.evaluation_method == "comprehensive" else [],
        qualification_items=document.qualification_items,
        sme_deduction_percent=0 if lot.sme_reserved else rule_value(category_key, on=rules_date),
        deviation_percent=rule_value("evaluation.deviation_percent", on=rules_date),
        abnormal_price_percent=rule_value("evaluation.abnormal_price_percent", on=rules_date),
        started_at=timezone.now(),
    )
    seats = panel.seats.filter(status=PanelSeat.Status.SEATED).order_by("pk")
    ScoreSheet.objects.bulk_create([ScoreSheet(evaluation=evaluation, seat=seat) for seat in seats])
    bids = Bid.objects.filter(lot=lot, status=Bid.Status.OPENED).select_related("supplier__supplier_profile")
    BidAssessment.objects.bulk_create(
        [
            BidAssessment(
                evaluation=evaluation,
                bid=bid,
                price=bid.price,
                is_small_or_micro=_small_or_micro(bid),
            )
            for bid in bids
        ]
    )
    return evaluation


def _small_or_micro(bid: Bid) -> bool:
    profile = getattr(bid.supplier, "supplier_profile", None)
    return bool(profile and profile.is_small_or_micro)
