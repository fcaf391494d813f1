"""Reads of negotiations for pages and the API. A thread is read by its supplier and by the
panel's seated members only; anyone else — another supplier included — gets the same 404 as for a
thread that does not exist."""

from django.db.models import Exists, OuterRef, Q

from accounts.models import Organisation, User

from ..evaluation.models import BidAssessment, Evaluation
from . import policies
from .exceptions import NegotiationNotFound
from .models import FinalQuotation, FinalQuotationRound, NegotiationMessage, RequirementRevision


def _evaluation(evaluation_id) -> Evaluation | None:
    if not str(evaluation_id).isdigit():
        return None
    evaluation = (
        Evaluation.objects.select_related("lot__project__purchaser", "lot__project__agency", "panel")
        .filter(pk=evaluation_id)
        .exclude(status=Evaluation.Status.SUPERSEDED)
        .first()
    )
    if evaluation is None or not policies.is_negotiated(evaluation):
        return None
    return evaluation


def access_as_member(user: User, evaluation_id) -> Evaluation:
    """The evaluation of a negotiated lot on whose panel the user sits; 404 otherwise."""
    evaluation = _evaluation(evaluation_id)
    if evaluation is None or not policies.is_panel_member(user, evaluation):
        raise NegotiationNotFound()
    return evaluation


def parties(evaluation: Evaluation):
    """The assessments of the suppliers the panel negotiates with: those still qualified, and
    those asked for a final quotation (a supplier out for giving none still reads its thread)."""
    called = FinalQuotation.objects.filter(round__evaluation=evaluation, bid=OuterRef("bid"))
    return (
        BidAssessment.objects.filter(evaluation=evaluation)
        .filter(Q(qualified=True) | Exists(called))
        .select_related("bid__supplier")
        .order_by("bid__supplier__name_zh", "pk")
    )


def access_as_supplier(user: User, evaluation_id) -> tuple[Evaluation, BidAssessment]:
    """The evaluation and the assessment of the user's supplier, a party of the negotiation; 404
    for anyone else (other suppliers, the panel on this page, the public)."""
    supplier = policies.supplier_of(user)
    evaluation = _evaluation(evaluation_id) if supplier is not None else None
    assessment = (
        parties(evaluation).filter(bid__supplier=supplier).first() if evaluation is not None else None
    )
    if assessment is None:
        raise NegotiationNotFound()
    return evaluation, assessment


def final_round(evaluation: Evaluation) -> FinalQuotationRound | None:
    return FinalQuotationRound.objects.filter(evaluation=evaluation).first()


def revisions(evaluation: Evaluation) -> list[RequirementRevision]:
    return list(RequirementRevision.objects.filter(evaluation=evaluation).order_by("created_at", "pk"))


def _timeline(messages, revisions_) -> list[dict]:
    """Messages and requirement revisions of one thread, oldest first."""
    items = [{"kind": "message", "at": m.created_at, "message": m} for m in messages]
    items += [{"kind": "revision", "at": r.created_at, "revision": r} for r in revisions_]
    return sorted(items, key=lambda item: item["at"])


def supplier_thread(evaluation: Evaluation, supplier: Organisation) -> dict:
    """One supplier's thread: its messages (from the panel and its own) with every revision."""
    messages = list(
        NegotiationMessage.objects.filter(evaluation=evaluation, supplier=supplier).order_by(
            "created_at", "pk"
        )
    )
    round_ = final_round(evaluation)
    quotation = (
        FinalQuotation.objects.filter(round=round_, bid__supplier=supplier).select_related("bid").first()
        if round_ is not None
        else None
    )
    return {
        "timeline": _timeline(messages, revisions(evaluation)),
        "messages": messages,
        "round": round_,
        "quotation": quotation,
    }


def panel_threads(evaluation: Evaluation) -> dict:
    """Every supplier's thread, for the panel: a fixed number of queries whatever the suppliers."""
    assessments = list(parties(evaluation))
    messages: dict[int, list] = {}
    for message in (
        NegotiationMessage.objects.filter(evaluation=evaluation)
        .select_related("author")
        .order_by("created_at", "pk")
    ):
        messages.setdefault(message.supplier_id, []).append(message)
    revisions_ = list(
        RequirementRevision.objects.filter(evaluation=evaluation)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    round_ = final_round(evaluation)
    quotations = {}
    if round_ is not None:
        quotations = {q.bid_id: q for q in FinalQuotation.objects.filter(round=round_)}
    threads = [
        {
            "assessment": assessment,
            "supplier": assessment.bid.supplier,
            "messages": messages.get(assessment.bid.supplier_id, []),
            "quotation": quotations.get(assessment.bid_id),
        }
        for assessment in assessments
    ]
    return {"threads": threads, "revisions": revisions_, "round": round_}


def message_document(user: User, message_id) -> NegotiationMessage:
    """A message's document, for the thread's parties only (its supplier, the panel's members)."""
    message = (
        NegotiationMessage.objects.select_related("evaluation__lot__project", "evaluation__panel")
        .filter(pk=message_id)
        .exclude(attachment="")
        .first()
        if str(message_id).isdigit()
        else None
    )
    if message is None:
        raise NegotiationNotFound(code="document_not_found")
    supplier = policies.supplier_of(user)
    if supplier is not None and supplier.pk == message.supplier_id:
        return message
    if policies.is_negotiated(message.evaluation) and policies.is_panel_member(user, message.evaluation):
        return message
    raise NegotiationNotFound(code="document_not_found")
