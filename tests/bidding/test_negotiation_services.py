"""Negotiation and consultation services: threads (each supplier only its own), revisions for all,
the call for final quotations, sealed final quotations (late refused), their opening by a member,
the deadline job and the sweep (and the real Celery worker), a supplier without a final quotation
out with the reason; inquiry's one unchangeable quotation; bad input changing nothing."""

import datetime
import io
import time
import zipfile
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.utils import timezone, translation

from accounts.models import Notification
from audit.models import AuditEvent
from bidding import services as bidding_services
from bidding.models import Bid, BidAssessment, Evaluation
from bidding.negotiation import selectors, services
from bidding.negotiation.exceptions import (
    LateQuotation,
    NegotiationClosed,
    NegotiationNotFound,
    NotNegotiating,
    SecondFactorNeeded,
)
from bidding.negotiation.models import FinalQuotation, FinalQuotationRound, NegotiationMessage
from common.exceptions import Conflict, InvalidInput
from config.celery import app as celery_app
from procurement.models import Method, Project
from tests.bidding.helpers import pdf_bytes, prepare_bid, verified
from tests.bidding.test_negotiation_fixtures import call, make_negotiation, past


@pytest.fixture
def negotiation(seated_evaluation):
    return make_negotiation(seated_evaluation, Method.COMPETITIVE_NEGOTIATION)


@pytest.fixture
def consultation(seated_evaluation):
    return make_negotiation(seated_evaluation, Method.COMPETITIVE_CONSULTATION)


def _pdf(name="revised.pdf", marker="rev"):
    return SimpleUploadedFile(name, pdf_bytes(marker), content_type="application/pdf")


def _inbox(user):
    return list(Notification.objects.filter(recipient=user).values_list("subject_en", flat=True))


# --- Threads -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_members_message_reaches_one_supplier_only(negotiation, django_capture_on_commit_callbacks):
    a, b, _c = negotiation.suppliers
    supplier_a = a.active_membership.organisation
    with django_capture_on_commit_callbacks(execute=False):
        message = services.send_message(
            negotiation.evaluation.pk,
            actor=negotiation.member,
            supplier_id=supplier_a.pk,
            text="请说明交货期能否缩短到30天。",
            attachment=_pdf(),
        )
    assert message.from_panel and message.supplier_id == supplier_a.pk
    assert message.attachment_name == "revised.pdf" and len(message.attachment_sha256) == 64
    assert message.attachment.name.endswith(".pdf") and "revised" not in message.attachment.name
    event = AuditEvent.objects.get(action="bidding.negotiation_message_sent")
    assert (
        event.data["supplier"] == supplier_a.pk and event.data["document_sha256"] == message.attachment_sha256
    )
    assert len(_inbox(a)) == 1 and _inbox(b) == []
    thread_a = selectors.supplier_thread(negotiation.evaluation, supplier_a)
    thread_b = selectors.supplier_thread(negotiation.evaluation, b.active_membership.organisation)
    assert [m.pk for m in thread_a["messages"]] == [message.pk] and thread_b["messages"] == []


@pytest.mark.django_db
def test_the_supplier_replies_in_its_own_thread_and_the_panel_is_told(negotiation):
    a = negotiation.suppliers[0]
    message = services.reply(
        negotiation.evaluation.pk, actor=a, text="可以，30天交货。", attachment=_pdf("v2.pdf")
    )
    assert not message.from_panel and message.supplier_id == a.active_membership.organisation_id
    assert AuditEvent.objects.filter(action="bidding.negotiation_reply_received").count() == 1
    assert all(sum("supplier answered" in s for s in _inbox(member)) == 1 for member in negotiation.members)


@pytest.mark.django_db
def test_who_may_not_write(negotiation, officer, supplier_factory):
    evaluation = negotiation.evaluation
    supplier_a = negotiation.suppliers[0].active_membership.organisation
    for outsider in (verified(officer), negotiation.suppliers[1]):
        with pytest.raises(NegotiationNotFound):
            services.send_message(evaluation.pk, actor=outsider, supplier_id=supplier_a.pk, text="x")
    with pytest.raises(NegotiationNotFound):  # a supplier of no bid here
        services.reply(evaluation.pk, actor=supplier_factory().representative, text="x")
    with pytest.raises(NegotiationNotFound):  # the panel replies as no supplier
        services.reply(evaluation.pk, actor=negotiation.member, text="x")
    with pytest.raises(NegotiationNotFound):  # a missing evaluation
        services.send_message(999999, actor=negotiation.member, supplier_id=supplier_a.pk, text="x")
    assert (
        not NegotiationMessage.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="bidding.negotiation").exists()
    )


@pytest.mark.django_db
def test_a_supplier_out_of_the_review_gets_no_message_and_writes_none(negotiation):
    BidAssessment.objects.filter(pk=negotiation.assessment(2).pk).update(qualified=False)
    out = negotiation.suppliers[2]
    with pytest.raises(NegotiationNotFound):
        services.send_message(
            negotiation.evaluation.pk,
            actor=negotiation.member,
            supplier_id=out.active_membership.organisation_id,
            text="x",
        )
    with pytest.raises(NegotiationNotFound):
        services.reply(negotiation.evaluation.pk, actor=out, text="x")


@pytest.mark.django_db
def test_no_negotiation_outside_the_negotiating_state_or_method(negotiation, seated_evaluation):
    supplier_id = negotiation.suppliers[0].active_membership.organisation_id
    Evaluation.objects.filter(pk=negotiation.evaluation.pk).update(status=Evaluation.Status.SCORING)
    with pytest.raises(NotNegotiating):
        services.send_message(
            negotiation.evaluation.pk, actor=negotiation.member, supplier_id=supplier_id, text="x"
        )
    Project.objects.filter(pk=negotiation.evaluation.lot.project_id).update(method=Method.PUBLIC_TENDER)
    with pytest.raises(NegotiationNotFound):  # a tender has no negotiation at all
        services.send_message(
            negotiation.evaluation.pk, actor=negotiation.member, supplier_id=supplier_id, text="x"
        )


@pytest.mark.django_db
def test_a_revision_reaches_every_remaining_supplier_and_every_thread(negotiation):
    BidAssessment.objects.filter(pk=negotiation.assessment(2).pk).update(qualified=False)
    revision = services.revise_requirements(
        negotiation.evaluation.pk, actor=negotiation.member, text="交货期改为30天；质保期改为三年。"
    )
    event = AuditEvent.objects.get(action="bidding.requirements_revised")
    remaining = [s.active_membership.organisation_id for s in negotiation.suppliers[:2]]
    assert sorted(event.data["suppliers"]) == sorted(remaining)
    for supplier in negotiation.suppliers[:2]:
        assert len(_inbox(supplier)) == 1
        thread = selectors.supplier_thread(negotiation.evaluation, supplier.active_membership.organisation)
        assert [item["revision"].pk for item in thread["timeline"] if item["kind"] == "revision"] == [
            revision.pk
        ]
    assert _inbox(negotiation.suppliers[2]) == []


# --- Calling for final quotations --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_call_makes_a_quotation_row_per_remaining_bid_and_ends_the_negotiation(
    negotiation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        round_ = call(negotiation, minutes=10)
    assert round_.status == FinalQuotationRound.Status.OPEN
    assert sorted(FinalQuotation.objects.filter(round=round_).values_list("bid_id", flat=True)) == sorted(
        b.pk for b in negotiation.bids
    )
    assert not FinalQuotation.objects.filter(round=round_, sealed_price__isnull=False).exists()
    event = AuditEvent.objects.get(action="bidding.final_quotations_called")
    assert event.data["round"] == round_.pk and len(event.data["bids"]) == 3
    assert len(callbacks) == 4  # three suppliers' e-mails, and the opening job at the near deadline
    assert all("final quotation" in _inbox(s)[0] for s in negotiation.suppliers)
    supplier_id = negotiation.suppliers[0].active_membership.organisation_id
    with pytest.raises(NegotiationClosed):
        services.send_message(
            negotiation.evaluation.pk, actor=negotiation.member, supplier_id=supplier_id, text="x"
        )
    with pytest.raises(NegotiationClosed):
        services.revise_requirements(negotiation.evaluation.pk, actor=negotiation.member, text="x")
    with pytest.raises(NegotiationClosed):
        call(negotiation)
    assert FinalQuotationRound.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("minutes", "armed"), [(10, True), (120, False)])
def test_the_opening_job_is_armed_only_for_a_near_deadline(
    negotiation, django_capture_on_commit_callbacks, minutes, armed
):
    with (
        mock.patch("bidding.negotiation.tasks.open_final_quotations.apply_async") as apply_async,
        mock.patch("accounts.tasks.send_notification_email.delay"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        round_ = call(negotiation, minutes=minutes)
    assert apply_async.called is armed  # a far deadline is armed by the minute sweep
    if armed:
        assert apply_async.call_args.kwargs["args"] == [round_.pk]
        assert apply_async.call_args.kwargs["eta"] == round_.deadline


@pytest.mark.django_db
def test_a_call_with_a_past_deadline_or_without_the_second_factor_is_refused(negotiation):
    with pytest.raises(InvalidInput) as error:
        services.call_final_quotations(
            negotiation.evaluation.pk,
            actor=negotiation.member,
            deadline=timezone.now() - datetime.timedelta(seconds=1),
        )
    assert error.value.code == "deadline_past"
    with pytest.raises(SecondFactorNeeded):
        services.call_final_quotations(
            negotiation.evaluation.pk,
            actor=negotiation.members[2],
            deadline=timezone.now() + datetime.timedelta(hours=1),
        )
    assert not FinalQuotationRound.objects.exists()


# --- Sealed final quotations -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_final_quotation_is_sealed_and_may_be_replaced_before_the_deadline(negotiation):
    round_ = call(negotiation)
    a = negotiation.suppliers[0]
    first = services.submit_final_quotation(round_.pk, actor=a, price="195000.00")
    row = FinalQuotation.objects.get(pk=first.pk)
    assert row.price is None and row.received_at is not None  # the price column stays empty
    sealed = bytes(row.sealed_price)
    assert b"195000" not in sealed and len(sealed) > 32
    again = services.submit_final_quotation(round_.pk, actor=a, price="190000.00")
    row.refresh_from_db()
    assert bytes(row.sealed_price) != sealed and row.received_at >= first.received_at and row.price is None
    events = AuditEvent.objects.filter(action="bidding.final_quotation_submitted").order_by("sequence")
    assert [e.data["replaces_earlier"] for e in events] == [False, True]
    assert events.last().data["sealed_price_sha256"] == services.sealed_sha256(again)


@pytest.mark.django_db
def test_a_final_quotation_one_second_late_is_refused_and_changes_nothing(negotiation):
    round_ = call(negotiation)
    a = negotiation.suppliers[0]
    services.submit_final_quotation(round_.pk, actor=a, price="195000.00")
    before = bytes(FinalQuotation.objects.get(round=round_, bid=negotiation.bids[0]).sealed_price)
    past(round_, seconds=1)
    with pytest.raises(LateQuotation) as error:
        services.submit_final_quotation(round_.pk, actor=a, price="150000.00")
    assert timezone.localtime(round_.deadline).strftime("%Y-%m-%d %H:%M:%S") in str(error.value)
    assert bytes(FinalQuotation.objects.get(round=round_, bid=negotiation.bids[0]).sealed_price) == before
    assert AuditEvent.objects.filter(action="bidding.final_quotation_submitted").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("price", ["-5", "0", "abc", "1.234", "NaN", ""])
def test_a_final_quotation_that_is_not_a_price_is_refused(negotiation, price):
    round_ = call(negotiation)
    with pytest.raises(InvalidInput) as error:
        services.submit_final_quotation(round_.pk, actor=negotiation.suppliers[0], price=price)
    assert error.value.code == "price_invalid"
    assert not FinalQuotation.objects.filter(sealed_price__isnull=False).exists()


@pytest.mark.django_db
def test_only_a_called_supplier_quotes_in_its_own_round(negotiation, supplier_factory):
    round_ = call(negotiation)
    for outsider in (supplier_factory().representative, negotiation.member):
        with pytest.raises(NegotiationNotFound):
            services.submit_final_quotation(round_.pk, actor=outsider, price="1000.00")
    with pytest.raises(NegotiationNotFound):
        services.submit_final_quotation(999999, actor=negotiation.suppliers[0], price="1000.00")


# --- Opening -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_opening_before_the_deadline_is_refused(negotiation):
    round_ = call(negotiation)
    services.submit_final_quotation(round_.pk, actor=negotiation.suppliers[0], price="195000.00")
    with pytest.raises(Conflict) as error:
        services.open_final_quotations(round_.pk, actor=negotiation.member)
    assert error.value.code == "before_deadline"
    assert FinalQuotation.objects.filter(price__isnull=False).count() == 0
    assert services.open_due_rounds() == 0


@pytest.mark.django_db
def test_opening_reveals_the_prices_and_a_supplier_without_a_final_quotation_is_out(negotiation):
    round_ = call(negotiation)
    a, b, c = negotiation.suppliers
    services.submit_final_quotation(round_.pk, actor=a, price="199000.00")
    services.submit_final_quotation(round_.pk, actor=b, price="185000.50")  # c gives none
    past(round_)
    with pytest.raises(NegotiationNotFound):  # a person who is not on the panel
        services.open_final_quotations(round_.pk, actor=verified(c))
    opened = services.open_final_quotations(round_.pk, actor=negotiation.member)
    assert opened.status == FinalQuotationRound.Status.OPENED and opened.opened_at is not None
    prices = dict(FinalQuotation.objects.filter(round=round_).values_list("bid_id", "price"))
    assert prices == {
        negotiation.bids[0].pk: Decimal("199000.00"),
        negotiation.bids[1].pk: Decimal("185000.50"),
        negotiation.bids[2].pk: None,
    }
    assert negotiation.assessment(0).price == Decimal("199000.00")
    assert negotiation.assessment(1).price == Decimal("185000.50")
    out = negotiation.assessment(2)
    assert out.qualified is False and out.price == Decimal("220000.00")
    assert (
        out.fail_reasons[-1]["code"] == "no_final_quotation"
        and "final quotation" in out.fail_reasons[-1]["text_en"]
    )
    assert "最后报价" in out.fail_reasons[-1]["text"]  # stored in both languages
    event = AuditEvent.objects.get(action="bidding.final_quotations_opened")
    assert event.data["without_final_quotation"] == [str(negotiation.bids[2].public_id)]
    assert event.data["prices"][str(negotiation.bids[1].public_id)] == "185000.50"
    assert any("out of the negotiation" in s for s in _inbox(c))
    # bidding.evaluation takes over: negotiation ranks by the lowest final price.
    evaluation = negotiation.refresh()
    assert evaluation.status != Evaluation.Status.NEGOTIATING
    assert AuditEvent.objects.filter(action="bidding.final_quotations_evaluated").count() == 1
    # Opened once: again, nothing changes.
    assert services.open_final_quotations(round_.pk).pk == round_.pk
    assert AuditEvent.objects.filter(action="bidding.final_quotations_opened").count() == 1
    with pytest.raises(LateQuotation):
        services.submit_final_quotation(round_.pk, actor=a, price="1.00")


@pytest.mark.django_db
def test_negotiation_ranks_the_lowest_final_price_first(negotiation):
    round_ = call(negotiation)
    # (The first bidder is a small enterprise: its price deduction applies to its final price too.)
    for supplier, price in zip(negotiation.suppliers, ["240000", "190000", "199000"], strict=True):
        services.submit_final_quotation(round_.pk, actor=supplier, price=price)
    services.open_final_quotations(past(round_).pk)
    ranks = {a.bid_id: a.rank for a in BidAssessment.objects.filter(evaluation=negotiation.evaluation)}
    assert ranks[negotiation.bids[1].pk] == 1


@pytest.mark.django_db
def test_consultation_goes_on_to_scoring_with_the_final_prices(consultation):
    round_ = call(consultation)
    for supplier, price in zip(consultation.suppliers, ["205000", "190000", "199000"], strict=True):
        services.submit_final_quotation(round_.pk, actor=supplier, price=price)
    services.open_final_quotations(past(round_).pk)
    assert consultation.refresh().status == Evaluation.Status.SCORING
    assert consultation.assessment(1).price == Decimal("190000.00")


@pytest.mark.django_db
def test_the_sweep_opens_a_due_round_once(negotiation):
    round_ = call(negotiation)
    services.submit_final_quotation(round_.pk, actor=negotiation.suppliers[0], price="150000")
    assert services.open_due_rounds() == 0
    past(round_)
    assert services.open_due_rounds() == 1
    assert services.open_due_rounds() == 0
    assert AuditEvent.objects.filter(action="bidding.final_quotations_opened").count() == 1
    event = AuditEvent.objects.get(action="bidding.final_quotations_opened")
    assert event.actor_id is None and event.data["automatic"] is True


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_transactional_db")
def test_the_real_worker_opens_a_due_round_once(celery_worker, seated_evaluation):
    negotiation = make_negotiation(seated_evaluation, Method.COMPETITIVE_NEGOTIATION)
    round_ = call(negotiation)
    services.submit_final_quotation(round_.pk, actor=negotiation.suppliers[0], price="150000")
    past(round_)
    celery_app.send_task("bidding.negotiation.open_due_rounds")
    celery_app.send_task("bidding.negotiation.open_due_rounds")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if FinalQuotationRound.objects.filter(pk=round_.pk, status="opened").exists():
            break
        time.sleep(0.2)
    time.sleep(0.5)  # the second task has run too
    assert FinalQuotation.objects.get(round=round_, bid=negotiation.bids[0]).price == Decimal("150000.00")
    assert AuditEvent.objects.filter(action="bidding.final_quotations_opened").count() == 1
    connections.close_all()


# --- Bad input ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_message_too_long_or_empty_is_refused(negotiation):
    supplier_id = negotiation.suppliers[0].active_membership.organisation_id
    for text, code in (("字" * (services.MAX_TEXT + 1), "text_too_long"), ("   ", "text_missing")):
        with pytest.raises(InvalidInput) as error:
            services.send_message(
                negotiation.evaluation.pk, actor=negotiation.member, supplier_id=supplier_id, text=text
            )
        assert error.value.code == code
    with pytest.raises(InvalidInput):
        services.revise_requirements(negotiation.evaluation.pk, actor=negotiation.member, text="x" * 10_001)
    assert (
        not NegotiationMessage.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="bidding.negotiation").exists()
    )


@pytest.mark.django_db
def test_a_disguised_or_unsafe_document_is_refused(negotiation):
    a = negotiation.suppliers[0]
    exe = SimpleUploadedFile("revised.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(InvalidInput) as error:
        services.reply(negotiation.evaluation.pk, actor=a, text="见附件", attachment=exe)
    assert error.value.code == "file_disguised"
    with pytest.raises(InvalidInput) as error:
        services.reply(
            negotiation.evaluation.pk, actor=a, text="见附件", attachment=SimpleUploadedFile("run.exe", b"MZ")
        )
    assert error.value.code == "file_type_not_allowed"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../etc/passwd", "x")
    with pytest.raises(InvalidInput) as error:
        services.reply(
            negotiation.evaluation.pk,
            actor=a,
            text="见附件",
            attachment=SimpleUploadedFile("a.zip", buffer.getvalue()),
        )
    assert error.value.code == "file_archive_refused"
    assert not NegotiationMessage.objects.exists()


# --- Inquiry: one sealed quotation, unchangeable ----------------------------------------------------------


@pytest.fixture
def inquiry_bid(tendering_project, supplier_factory):
    Project.objects.filter(pk=tendering_project.pk).update(method=Method.INQUIRY)
    lot = tendering_project.lots.order_by("number").first()
    representative = supplier_factory().representative
    return prepare_bid(lot, representative, price="90000.00"), representative


@pytest.mark.django_db
def test_an_inquiry_quotation_cannot_be_withdrawn(inquiry_bid):
    bid, representative = inquiry_bid
    with pytest.raises(Conflict) as error:
        bidding_services.withdraw_bid(bid.public_id, actor=representative)
    assert error.value.code == "inquiry_quotation_final"
    assert "询价" in str(error.value)  # translated, in the reader's language
    with translation.override("en"):
        assert "An inquiry takes one sealed quotation" in str(error.value)
    assert Bid.objects.get(pk=bid.pk).status == Bid.Status.SUBMITTED
    assert not AuditEvent.objects.filter(action="bidding.bid_withdrawn").exists()


@pytest.mark.django_db
def test_an_inquiry_quotation_cannot_be_replaced(inquiry_bid):
    bid, representative = inquiry_bid
    with pytest.raises(Conflict) as error:
        bidding_services.start_bid(bid.lot_id, actor=representative)
    assert error.value.code == "inquiry_quotation_final"
    document = bidding_services.current_document(bid.lot.project)
    files = {
        item["key"]: SimpleUploadedFile(f"{item['key']}.pdf", pdf_bytes(item["key"]))
        for item in document.response_documents
    }
    with pytest.raises(Conflict) as error:
        bidding_services.submit_sealed_bid(bid.lot_id, actor=representative, price="80000.00", files=files)
    assert error.value.code == "inquiry_quotation_final"
    assert list(Bid.objects.filter(lot=bid.lot).values_list("status", flat=True)) == [Bid.Status.SUBMITTED]


@pytest.mark.django_db
def test_a_tender_bid_may_still_be_replaced_and_withdrawn(tendering_project, supplier_factory):
    lot = tendering_project.lots.order_by("number").first()
    representative = supplier_factory().representative
    bid = prepare_bid(lot, representative, price="90000.00")
    second = prepare_bid(lot, representative, price="85000.00", marker="v2")
    assert Bid.objects.get(pk=bid.pk).status == Bid.Status.WITHDRAWN
    assert (
        bidding_services.withdraw_bid(second.public_id, actor=representative).status == Bid.Status.WITHDRAWN
    )
