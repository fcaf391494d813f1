"""Competitive negotiation and consultation (竞争性谈判 / 竞争性磋商): every write, one transaction each.

    (qualification review, bidding.evaluation) ─▶ evaluation negotiating
      send_message (a seated member, to one supplier) ⇄ reply (that supplier, in its own thread)
      revise_requirements (the same revision to every remaining supplier)
      call_final_quotations ─▶ submit_final_quotation (sealed; replaceable until the deadline)
      ─▶ open_final_quotations (after the deadline, database clock; the sweep or a member)
      ─▶ bidding.evaluation.services.after_final_quotations (consultation scores; negotiation ranks)

A final quotation is sealed to the lot's public key like a bid's data key, bound by its associated
data to its round and bid, and stored with no price: only the opening, after the deadline by the
database clock, unwraps the lot's private key. A supplier that gives no final quotation is out
(ministry order 74, art. 35 for consultation, and order 87's negotiation rules: a supplier that
does not give its final quotation is treated as having withdrawn): its assessment is marked not
qualified with that reason.
"""

import datetime
import hashlib
import io
import uuid
import zipfile
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import notify
from audit import services as audit
from common.exceptions import InvalidInput
from common.i18n import in_both_languages
from common.uploads import UploadRejected
from experts.models import PanelSeat

from .. import document_metadata, sealing, uploads
from ..bond_selectors import supplier_representatives
from ..evaluation.models import BidAssessment, Evaluation
from ..models import LotKey
from ..services import parse_price
from . import policies
from .exceptions import (
    LateQuotation,
    NegotiationClosed,
    NegotiationNotFound,
    NotNegotiating,
    SecondFactorNeeded,
)
from .models import FinalQuotation, FinalQuotationRound, NegotiationMessage, RequirementRevision

MAX_TEXT = 10_000
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
# A deadline this near gets its own opening job (further ones are armed by the minute sweep:
# Celery on Redis redelivers an ETA task beyond the visibility timeout, DESIGN §8).
ETA_HORIZON = datetime.timedelta(minutes=30)

NO_FINAL_QUOTATION = "no_final_quotation"
NO_FINAL_QUOTATION_REASON = _(
    "Gave no final quotation by the deadline: treated as having withdrawn from the negotiation."
)


def final_price_aad(round_id: int, bid_uuid) -> bytes:
    """The associated data of a sealed final price: bound to its round and its bid."""
    return f"sunlight:final-price:{round_id}:{bid_uuid}".encode()


def _message(text, params: dict):
    return lazy(lambda: str(text) % params, str)()


def _db_now() -> datetime.datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def _shown(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


# --- Who, on what --------------------------------------------------------------------------------


def _evaluation(evaluation_id, *, lock: bool) -> Evaluation:
    """The live evaluation of a negotiated lot (locked when asked); 404 for anything else."""
    if not str(evaluation_id).isdigit():
        raise NegotiationNotFound()
    qs = Evaluation.objects.select_related("lot__project", "panel")
    if lock:
        qs = qs.select_for_update(of=("self",))
    evaluation = qs.filter(pk=evaluation_id).exclude(status=Evaluation.Status.SUPERSEDED).first()
    if evaluation is None or not policies.is_negotiated(evaluation):
        raise NegotiationNotFound()
    return evaluation


def _require_member(actor: User, evaluation: Evaluation, *, second_factor: bool = False) -> None:
    """A seated member of the panel (404 for anyone else); for the privileged steps (the call for
    final quotations, their opening) signed in with the second factor (403)."""
    if not policies.is_panel_member(actor, evaluation):
        raise NegotiationNotFound()
    if second_factor and not policies.can_act_for_panel(actor, evaluation):
        raise SecondFactorNeeded()


def _require_open_negotiation(evaluation: Evaluation) -> None:
    if evaluation.status != Evaluation.Status.NEGOTIATING:
        raise NotNegotiating()
    if FinalQuotationRound.objects.filter(evaluation=evaluation).exists():
        raise NegotiationClosed()


def _remaining(evaluation: Evaluation) -> list[BidAssessment]:
    """The suppliers still in: their bids passed the qualification review."""
    return list(
        BidAssessment.objects.filter(evaluation=evaluation, qualified=True)
        .select_related("bid__supplier")
        .order_by("pk")
    )


def _clean_text(text, *, label) -> str:
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        raise InvalidInput(_message(_("Write the %(what)s."), {"what": label}), code="text_missing")
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            _message(
                _("The %(what)s is too long: at most %(limit)s characters."),
                {"what": label, "limit": MAX_TEXT},
            ),
            code="text_too_long",
        )
    return text


def _archive_problem(content: bytes, extension: str) -> str | None:
    problem = document_metadata.zip_is_safe(io.BytesIO(content), max_total_bytes=ATTACHMENT_MAX_BYTES * 5)
    if problem is None and extension in uploads.OFFICE_MARKERS:
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            return "not_a_zip"
        if not any(name.startswith(uploads.OFFICE_MARKERS[extension]) for name in names):
            return "not_office"
    return problem


def _checked_attachment(attachment) -> tuple[str, bytes] | None:
    """A revised document checked like a bid file: a plain name of an accepted kind, not empty, not
    too large, its content what its name says, an archive safe to unpack."""
    if attachment is None:
        return None
    size = getattr(attachment, "size", None)
    name = uploads.check_name(getattr(attachment, "name", "") or "", size, max_bytes=ATTACHMENT_MAX_BYTES)
    attachment.seek(0)
    content = attachment.read(ATTACHMENT_MAX_BYTES + 1)
    if len(content) != size:
        raise UploadRejected(
            _("The file's size does not match what was declared."), code="file_size_mismatch"
        )
    uploads.check_content(name, content)
    extension = uploads.extension(name)
    if extension in uploads.ZIP_KINDS and (problem := _archive_problem(content, extension)):
        raise uploads.refuse_archive(name, problem)
    return name, content


def _attach(message: NegotiationMessage, checked: tuple[str, bytes] | None) -> None:
    if checked is None:
        return
    name, content = checked
    message.attachment_name = name
    message.attachment_sha256 = hashlib.sha256(content).hexdigest()
    # Stored under a random name: the supplier's file name is data, never a path.
    message.attachment.save(f"{uuid.uuid4().hex}{uploads.extension(name)}", ContentFile(content), save=False)


def _lot_label(evaluation: Evaluation):
    project, number = evaluation.lot.project, evaluation.lot.number
    return lazy(lambda: f"{project.reference} · " + str(_("Lot %(number)s") % {"number": number}), str)()


def _thread_link(evaluation: Evaluation) -> str:
    return f"/bidding/negotiations/{evaluation.pk}/thread/"


def _panel_link(evaluation: Evaluation) -> str:
    return f"/bidding/negotiations/{evaluation.pk}/"


def _members(evaluation: Evaluation) -> list[User]:
    seats = PanelSeat.objects.filter(panel_id=evaluation.panel_id, status=PanelSeat.Status.SEATED)
    return [seat.member for seat in seats.select_related("member").order_by("pk")]


def _notify_suppliers(evaluation: Evaluation, supplier_ids, subject, body="") -> None:
    recipients = [user for supplier_id in supplier_ids for user in supplier_representatives(supplier_id)]
    if recipients:
        notify(recipients, subject=subject, body=body, link=_thread_link(evaluation))


# --- Messages and revisions ------------------------------------------------------------------------


@transaction.atomic
def send_message(evaluation_id, *, actor: User, supplier_id, text, attachment=None) -> NegotiationMessage:
    """A seated member writes to one remaining supplier, in that supplier's thread only (with a
    document if need be). Only while negotiating, before the call for final quotations."""
    evaluation = _evaluation(evaluation_id, lock=True)
    _require_member(actor, evaluation)
    _require_open_negotiation(evaluation)
    remaining = {a.bid.supplier_id: a for a in _remaining(evaluation)}
    if not str(supplier_id).isdigit() or int(supplier_id) not in remaining:
        raise NegotiationNotFound(_("No such supplier in this negotiation."), code="supplier_not_found")
    supplier = remaining[int(supplier_id)].bid.supplier
    text = _clean_text(text, label=_("message"))
    checked = _checked_attachment(attachment)
    message = NegotiationMessage(
        evaluation=evaluation, supplier=supplier, author=actor, from_panel=True, text=text
    )
    _attach(message, checked)
    message.save()
    audit.record_event(
        "bidding.negotiation_message_sent",
        actor=actor,
        target=evaluation,
        data={
            "evaluation": evaluation.pk,
            "lot": evaluation.lot_id,
            "supplier": supplier.pk,
            "message": message.pk,
            "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "document_sha256": message.attachment_sha256 or None,
        },
    )
    _notify_suppliers(
        evaluation,
        [supplier.pk],
        _message(_("The panel wrote to you in the negotiation of %(lot)s"), {"lot": _lot_label(evaluation)}),
    )
    return message


@transaction.atomic
def reply(evaluation_id, *, actor: User, text, attachment=None) -> NegotiationMessage:
    """The supplier's representative answers in its own thread (a revised document if need be)."""
    supplier = policies.supplier_of(actor)
    if supplier is None:
        raise NegotiationNotFound()
    evaluation = _evaluation(evaluation_id, lock=True)
    if not any(a.bid.supplier_id == supplier.pk for a in _remaining(evaluation)):
        raise NegotiationNotFound()
    _require_open_negotiation(evaluation)
    text = _clean_text(text, label=_("message"))
    checked = _checked_attachment(attachment)
    message = NegotiationMessage(
        evaluation=evaluation, supplier=supplier, author=actor, from_panel=False, text=text
    )
    _attach(message, checked)
    message.save()
    audit.record_event(
        "bidding.negotiation_reply_received",
        actor=actor,
        organisation=supplier,
        target=evaluation,
        data={
            "evaluation": evaluation.pk,
            "lot": evaluation.lot_id,
            "supplier": supplier.pk,
            "message": message.pk,
            "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "document_sha256": message.attachment_sha256 or None,
        },
    )
    members = _members(evaluation)
    if members:
        notify(
            members,
            subject=_message(
                _("A supplier answered in the negotiation of %(lot)s"), {"lot": _lot_label(evaluation)}
            ),
            link=_panel_link(evaluation),
        )
    return message


@transaction.atomic
def revise_requirements(evaluation_id, *, actor: User, text) -> RequirementRevision:
    """A change of the requirements, the same for every remaining supplier: it appears in every
    thread and each supplier is told."""
    evaluation = _evaluation(evaluation_id, lock=True)
    _require_member(actor, evaluation)
    _require_open_negotiation(evaluation)
    text = _clean_text(text, label=_("revision"))
    remaining = _remaining(evaluation)
    revision = RequirementRevision.objects.create(evaluation=evaluation, author=actor, text=text)
    supplier_ids = [a.bid.supplier_id for a in remaining]
    audit.record_event(
        "bidding.requirements_revised",
        actor=actor,
        target=evaluation,
        data={
            "evaluation": evaluation.pk,
            "lot": evaluation.lot_id,
            "revision": revision.pk,
            "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "suppliers": supplier_ids,
        },
    )
    _notify_suppliers(
        evaluation,
        supplier_ids,
        _message(_("The requirements of %(lot)s were revised"), {"lot": _lot_label(evaluation)}),
        text,
    )
    return revision


# --- Final quotations ------------------------------------------------------------------------------


@transaction.atomic
def call_final_quotations(evaluation_id, *, actor: User, deadline: datetime.datetime) -> FinalQuotationRound:
    """End the negotiation: every remaining supplier is asked for its final quotation by the
    deadline (in the future by the database clock). Once per evaluation."""
    evaluation = _evaluation(evaluation_id, lock=True)
    _require_member(actor, evaluation, second_factor=True)
    _require_open_negotiation(evaluation)
    if not isinstance(deadline, datetime.datetime):
        raise InvalidInput(_("Give the deadline as a date and time."), code="deadline_invalid")
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    if deadline <= _db_now():
        raise InvalidInput(
            _("The deadline for final quotations must be in the future."), code="deadline_past"
        )
    remaining = _remaining(evaluation)
    if not remaining:
        raise NotNegotiating(_("No supplier remains to give a final quotation."), code="no_supplier")
    if not LotKey.objects.filter(lot_id=evaluation.lot_id).exists():  # made by the lot's first bid
        raise NotNegotiating(_("The lot has no sealing key."), code="no_lot_key")
    round_ = FinalQuotationRound.objects.create(evaluation=evaluation, deadline=deadline, called_by=actor)
    FinalQuotation.objects.bulk_create([FinalQuotation(round=round_, bid=a.bid) for a in remaining])
    supplier_ids = [a.bid.supplier_id for a in remaining]
    audit.record_event(
        "bidding.final_quotations_called",
        actor=actor,
        target=evaluation,
        data={
            "evaluation": evaluation.pk,
            "lot": evaluation.lot_id,
            "round": round_.pk,
            "deadline": deadline,
            "bids": [a.bid.public_id for a in remaining],
        },
    )
    _notify_suppliers(
        evaluation,
        supplier_ids,
        _message(
            _("Give your final quotation for %(lot)s by %(deadline)s"),
            {"lot": _lot_label(evaluation), "deadline": _shown(deadline)},
        ),
        _(
            "The final quotation is sealed until the deadline and may be replaced until then. "
            "A supplier that gives none is treated as having withdrawn."
        ),
    )
    if deadline - timezone.now() <= ETA_HORIZON:
        from . import tasks

        pk = round_.pk
        transaction.on_commit(
            lambda: tasks.open_final_quotations.apply_async(args=[pk], eta=deadline, queue="default")
        )
    return round_


_QUOTE_SQL = """
WITH clock AS (SELECT clock_timestamp() AS t)
UPDATE bidding_finalquotation AS q
   SET sealed_price = %s, received_at = clock.t, updated_at = clock.t
  FROM clock, bidding_finalquotationround AS r
 WHERE q.id = %s AND r.id = q.round_id AND r.status = 'open' AND clock.t <= r.deadline
RETURNING q.received_at
"""


@transaction.atomic
def submit_final_quotation(round_id, *, actor: User, price) -> FinalQuotation:
    """The supplier's final quotation, sealed to the lot's public key; received by the database
    clock, which must not be after the deadline. Another one before the deadline replaces it."""
    supplier = policies.supplier_of(actor)
    if supplier is None or not str(round_id).isdigit():
        raise NegotiationNotFound()
    quotation = (
        FinalQuotation.objects.select_for_update(of=("self",))
        .select_related("round__evaluation__lot", "bid")
        .filter(round_id=round_id, bid__supplier=supplier)
        .first()
    )
    if quotation is None:
        raise NegotiationNotFound()
    round_ = quotation.round
    amount = parse_price(price)
    if round_.status != FinalQuotationRound.Status.OPEN:
        raise LateQuotation(_late_message(round_))
    key = LotKey.objects.get(lot_id=round_.evaluation.lot_id)
    sealed = sealing.seal_to_lot(
        key.public_key,
        sealing.price_text(amount).encode(),
        final_price_aad(round_.pk, quotation.bid.public_id),
    )
    replaced = quotation.received_at is not None
    with connection.cursor() as cursor:
        cursor.execute(_QUOTE_SQL, [sealed, quotation.pk])
        row = cursor.fetchone()
    if row is None:
        raise LateQuotation(_late_message(round_))
    quotation.sealed_price, quotation.received_at = sealed, row[0]
    audit.record_event(
        "bidding.final_quotation_submitted",
        actor=actor,
        organisation=supplier,
        target=round_.evaluation,
        data={
            "round": round_.pk,
            "bid": quotation.bid.public_id,
            "received_at": quotation.received_at,
            "sealed_price_sha256": hashlib.sha256(sealed).hexdigest(),
            "replaces_earlier": replaced,
        },
    )
    return quotation


def sealed_sha256(quotation: FinalQuotation) -> str:
    return hashlib.sha256(bytes(quotation.sealed_price)).hexdigest() if quotation.sealed_price else ""


def _late_message(round_: FinalQuotationRound):
    return _message(
        _("The final quotations were due by %(deadline)s; none is accepted after it."),
        {"deadline": _shown(round_.deadline)},
    )


def open_final_quotations(round_id, *, actor: User | None = None) -> FinalQuotationRound:
    """After the deadline (database clock): the prices are revealed, each becomes its bid's price
    in the evaluation, a supplier without a final quotation is out with the reason, and the
    evaluation goes on (bidding.evaluation.services.after_final_quotations). `actor` None is the
    system (the deadline job, the sweep); a person must be a seated member with the second
    factor. Idempotent: an opened round is returned as it is."""
    return _open(round_id, actor=actor)[0]


@transaction.atomic
def _open(round_id, *, actor: User | None) -> tuple[FinalQuotationRound, bool]:
    found = (
        FinalQuotationRound.objects.filter(pk=round_id).values_list("evaluation_id", flat=True).first()
        if str(round_id).isdigit()
        else None
    )
    if found is None:
        raise NegotiationNotFound()
    # The evaluation first, then the round: the same order as the other services of the negotiation.
    evaluation = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("lot__project", "panel")
        .get(pk=found)
    )
    if actor is not None:
        _require_member(actor, evaluation, second_factor=True)
    round_ = FinalQuotationRound.objects.select_for_update().get(pk=round_id)
    if round_.status == FinalQuotationRound.Status.OPENED:
        return round_, False
    now = _db_now()
    if now < round_.deadline:
        raise NotNegotiating(
            _message(
                _("The final quotations cannot be opened before their deadline (%(deadline)s)."),
                {"deadline": _shown(round_.deadline)},
            ),
            code="before_deadline",
        )
    if evaluation.status != Evaluation.Status.NEGOTIATING:
        raise NotNegotiating()
    lot = evaluation.lot
    key = LotKey.objects.get(lot=lot)
    private = sealing.unwrap_lot_key(lot.pk, key.wrapped_private_key, sealing.key_encryption_key())
    quotations = list(
        FinalQuotation.objects.select_for_update(of=("self",))
        .select_related("bid__supplier")
        .filter(round=round_)
        .order_by("pk")
    )
    assessments = {
        a.bid_id: a
        for a in BidAssessment.objects.select_for_update().filter(
            evaluation=evaluation, bid_id__in=[q.bid_id for q in quotations]
        )
    }
    reason_zh, reason_en = in_both_languages(lambda: str(NO_FINAL_QUOTATION_REASON))
    prices, out = {}, []
    for quotation in quotations:
        assessment = assessments[quotation.bid_id]
        if quotation.sealed_price is None:
            assessment.qualified = False
            assessment.fail_reasons = [
                *(assessment.fail_reasons or []),
                # The shape of the qualification review's reasons (bidding.evaluation), with a code.
                {
                    "item": None,
                    "text": reason_zh,
                    "text_en": reason_en,
                    "reasons": [],
                    "code": NO_FINAL_QUOTATION,
                },
            ]
            assessment.save(update_fields=["qualified", "fail_reasons", "updated_at"])
            out.append(quotation)
            continue
        plain = sealing.open_from_lot(
            private, quotation.sealed_price, final_price_aad(round_.pk, quotation.bid.public_id)
        )
        quotation.price = Decimal(plain.decode())
        quotation.save(update_fields=["price", "updated_at"])
        assessment.price = quotation.price
        assessment.save(update_fields=["price", "updated_at"])
        prices[str(quotation.bid.public_id)] = str(quotation.price)
    round_.status = FinalQuotationRound.Status.OPENED
    round_.opened_at = now
    round_.save(update_fields=["status", "opened_at", "updated_at"])
    audit.record_event(
        "bidding.final_quotations_opened",
        actor=actor,
        organisation=lot.project.agency,
        target=evaluation,
        data={
            "evaluation": evaluation.pk,
            "lot": lot.pk,
            "round": round_.pk,
            "prices": prices,
            "without_final_quotation": [str(q.bid.public_id) for q in out],
            "automatic": actor is None,
        },
    )
    if out:
        _notify_suppliers(
            evaluation,
            [q.bid.supplier_id for q in out],
            _message(
                _("You gave no final quotation for %(lot)s and are out of the negotiation"),
                {"lot": _lot_label(evaluation)},
            ),
            NO_FINAL_QUOTATION_REASON,
        )
    from ..evaluation.services import after_final_quotations

    after_final_quotations(evaluation)
    return round_, True


def open_due_rounds() -> int:
    """The sweep: every round past its deadline (database clock), not yet opened, of an evaluation
    still negotiating. Each opens in its own transaction; returns how many this run opened."""
    due = FinalQuotationRound.objects.filter(
        status=FinalQuotationRound.Status.OPEN,
        deadline__lte=Now(),
        evaluation__status=Evaluation.Status.NEGOTIATING,
    ).values_list("pk", flat=True)
    return sum(1 for pk in list(due) if _open(pk, actor=None)[1])
