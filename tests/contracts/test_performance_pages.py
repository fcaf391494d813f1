"""Performance pages: who sees what (clerk, approver, supplier representative, another supplier,
agency officer, regulator, another region's regulator, bank officer, anonymous), delivery,
acceptance, payment and breaches through the pages, refused requests re-rendered with the
translated message and nothing changed, downloads, and the query count with three rows each."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from contracts.models import Contract
from contracts.performance import services
from contracts.performance.models import Acceptance, Breach, Milestone, PaymentApplication
from tests.bidding.helpers import pdf_bytes

from .test_performance_services import CHECKS, TEAM, accept, deliver, milestones

pytestmark = pytest.mark.django_db

ROLES = (
    "clerk",
    "approver",
    "supplier",
    "other_supplier",
    "officer",
    "regulator",
    "other_regulator",
    "bank_officer",
    "anonymous",
)
SEES = {"clerk", "approver", "supplier", "officer", "regulator"}


@pytest.fixture
def a_bank_officer(make_member):
    """An officer of a bank (the shared bank_officer fixture's bank lacks a credit code)."""
    return make_member(Role.BANK_OFFICER)


@pytest.fixture
def as_role(
    client,
    login,
    purchaser_clerk,
    approvers,
    supplier_rep,
    bidders,
    officer,
    regulator,
    other_regulator,
    a_bank_officer,
):
    users = {
        "clerk": purchaser_clerk,
        "approver": approvers[0],
        "supplier": supplier_rep,
        "other_supplier": bidders[1],
        "officer": officer,
        "regulator": regulator,
        "other_regulator": other_regulator,
        "bank_officer": a_bank_officer,
    }
    assert bidders[1] != supplier_rep

    def do(role):
        client.logout()
        return client if role == "anonymous" else login(users[role])

    return do


def _expect(role, response, allowed=SEES):
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), role
    elif role in allowed:
        assert response.status_code == 200, (role, response.content[:500])
    else:
        assert response.status_code == 404, (role, response.status_code)


def page(contract):
    return reverse("contracts:performance", args=[contract.pk])


def test_who_sees_the_performance_page(as_role, signed_contract):
    for role in ROLES:
        response = as_role(role).get(page(signed_contract))
        _expect(role, response)
    assert as_role("clerk").get("/contracts/999999/performance/").status_code == 404


def test_each_role_sees_its_own_forms(as_role, signed_contract, supplier_rep):
    first = milestones(signed_contract)[0]
    deliver(first, supplier_rep)
    supplier_page = as_role("supplier").get(page(signed_contract)).content.decode()
    assert 'data-testid="deliver-form"' in supplier_page  # the second milestone
    assert (
        'data-testid="accept-link"' not in supplier_page
        and 'data-testid="record-breach"' not in supplier_page
    )
    assert "/financing/" in supplier_page  # the supplier's tab
    clerk_page = as_role("clerk").get(page(signed_contract)).content.decode()
    assert f"/contracts/milestones/{first.pk}/acceptance/" in clerk_page
    assert 'data-testid="record-breach"' in clerk_page and 'data-testid="deliver-form"' not in clerk_page
    assert "/financing/" not in clerk_page
    regulator_page = as_role("regulator").get(page(signed_contract)).content.decode()
    for form in ("record-breach", "accept-link", "deliver-form", "apply-payment"):
        assert f'data-testid="{form}"' not in regulator_page


def test_the_supplier_reports_a_delivery_through_the_page(as_role, signed_contract):
    first = milestones(signed_contract)[0]
    client = as_role("supplier")
    url = reverse("contracts:milestone_deliver", args=[first.pk])
    response = client.post(url, {"note": ""})
    assert response.status_code == 400
    first.refresh_from_db()
    assert first.status == Milestone.Status.PENDING
    response = client.post(url, {"note": "货物已送达。"})
    assert response.status_code == 302 and response.url == page(signed_contract)
    first.refresh_from_db()
    assert first.status == Milestone.Status.DELIVERED
    # Again: refused with the message, in the reader's language.
    response = client.post(url, {"note": "again"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 409
    assert 'data-testid="performance-error"' in response.content.decode()
    assert as_role("other_supplier").post(url, {"note": "x"}).status_code == 404
    assert as_role("clerk").post(url, {"note": "x"}).status_code == 403


def _acceptance_post(outcome="passed", **extra):
    data = {"outcome": outcome, "remarks": "", "reasons": ""}
    for i, member in enumerate(TEAM):
        data[f"team_name_{i}"] = member["name"]
        data[f"team_role_{i}"] = member["role"]
    for check in CHECKS:
        data[f"check_{check['category']}_0_requirement"] = check["requirement"]
        data[f"check_{check['category']}_0_result"] = "pass" if check["passed"] else "fail"
        data[f"check_{check['category']}_0_remark"] = check["remark"]
    data.update(extra)
    return data


def test_the_acceptance_page_for_each_role(as_role, signed_contract, supplier_rep):
    first = milestones(signed_contract)[0]
    deliver(first, supplier_rep)
    url = reverse("contracts:acceptance", args=[first.pk])
    for role in ROLES:
        response = as_role(role).get(url)
        _expect(role, response)
        if response.status_code == 200:
            has_form = 'data-testid="acceptance-form"' in response.content.decode()
            assert has_form == (role in ("clerk", "approver")), role
    assert as_role("supplier").post(url, _acceptance_post()).status_code == 403
    assert as_role("other_supplier").post(url, _acceptance_post()).status_code == 404
    assert not Acceptance.objects.exists()


def test_the_purchaser_records_an_acceptance_through_the_page(as_role, signed_contract, supplier_rep):
    first = milestones(signed_contract)[0]
    deliver(first, supplier_rep)
    client = as_role("clerk")
    url = reverse("contracts:acceptance", args=[first.pk])
    # No safety check: refused with the message, in Chinese, nothing recorded.
    data = _acceptance_post()
    data["check_safety_0_requirement"] = ""
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "安全" in response.content.decode()
    assert not Acceptance.objects.exists()
    report = SimpleUploadedFile("inspection.pdf", pdf_bytes("inspection"), content_type="application/pdf")
    response = client.post(url, {**_acceptance_post(), "inspection_report": report})
    assert response.status_code == 302
    acceptance = Acceptance.objects.get()
    assert acceptance.outcome == "passed" and len(acceptance.team) == 2 and len(acceptance.checks) == 3
    assert acceptance.inspection_sha256
    # Accepting it twice: 409 with the message.
    response = client.post(url, _acceptance_post(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "already accepted" in response.content.decode()
    assert Acceptance.objects.count() == 1
    # The report and the inspection open for the parties and the regulator, not for others.
    for role in ROLES:
        _expect(role, as_role(role).get(reverse("contracts:acceptance_report", args=[acceptance.pk])))
    response = as_role("regulator").get(reverse("contracts:acceptance_inspection", args=[acceptance.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf_bytes("inspection")


def test_a_disguised_inspection_report_is_refused_on_the_page(as_role, signed_contract, supplier_rep):
    first = milestones(signed_contract)[0]
    deliver(first, supplier_rep)
    fake = SimpleUploadedFile("inspection.pdf", b"GIF89a" + b"\x00" * 200)
    response = as_role("clerk").post(
        reverse("contracts:acceptance", args=[first.pk]), {**_acceptance_post(), "inspection_report": fake}
    )
    assert response.status_code == 400
    assert "inspection.pdf" in response.content.decode()
    first.refresh_from_db()
    assert first.status == Milestone.Status.DELIVERED and not Acceptance.objects.exists()


@pytest.fixture
def accepted(signed_contract, supplier_rep, purchaser_clerk):
    first = milestones(signed_contract)[0]
    deliver(first, supplier_rep)
    accept(first, purchaser_clerk)
    first.refresh_from_db()
    return first


def test_payment_through_the_pages(as_role, signed_contract, accepted):
    client = as_role("supplier")
    response = client.get(page(signed_contract))
    assert 'data-testid="apply-payment"' in response.content.decode()
    url = reverse("contracts:payment_apply", args=[signed_contract.pk])
    too_much = accepted.amount + Decimal("1.00")
    response = client.post(url, {"milestone": accepted.pk, "amount": str(too_much), "invoice_number": "F-1"})
    assert response.status_code == 400
    assert f"{accepted.amount:,.2f}" in response.content.decode()
    assert not PaymentApplication.objects.exists()
    response = client.post(url, {"milestone": accepted.pk, "amount": "abc", "invoice_number": "F-1"})
    assert response.status_code == 400
    response = client.post(
        url, {"milestone": accepted.pk, "amount": str(accepted.amount), "invoice_number": "F-1"}
    )
    assert response.status_code == 302
    application = PaymentApplication.objects.get()
    assert (
        as_role("other_supplier")
        .post(url, {"milestone": accepted.pk, "amount": "1", "invoice_number": "x"})
        .status_code
        == 404
    )
    assert (
        as_role("clerk")
        .post(url, {"milestone": accepted.pk, "amount": "1", "invoice_number": "x"})
        .status_code
        == 403
    )
    # The supplier cannot approve; the clerk approves and records the payment.
    approve = reverse("contracts:payment_approve", args=[application.pk])
    assert as_role("supplier").post(approve).status_code == 403
    assert as_role("other_regulator").post(approve).status_code == 404
    clerk = as_role("clerk")
    assert 'data-testid="approve-payment"' in clerk.get(page(signed_contract)).content.decode()
    assert clerk.post(approve).status_code == 302
    record = reverse("contracts:payment_record", args=[application.pk])
    response = clerk.post(record, {"paid_amount": "1", "paid_on": "", "reference": "B"})
    assert response.status_code == 400
    response = clerk.post(
        record,
        {
            "paid_amount": str(application.amount),
            "paid_on": timezone.localdate().isoformat(),
            "reference": "B-1",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == PaymentApplication.Status.PAID
    totals = clerk.get(page(signed_contract), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    totals = totals.split('data-testid="payment-totals"')[1].split("</p>")[0]
    assert f'Paid so far: <span class="text-nowrap">{application.amount:,.2f} CNY' in totals
    still = signed_contract.amount - application.amount
    assert f'Still to pay: <span class="text-nowrap">{still:,.2f} CNY' in totals


def test_a_rejection_through_the_page_needs_a_reason(as_role, signed_contract, accepted, supplier_rep):
    application = services.apply_for_payment(
        signed_contract.pk, actor=supplier_rep, milestone_id=accepted.pk, amount="100.00", invoice_number="F"
    )
    client = as_role("approver")
    url = reverse("contracts:payment_reject", args=[application.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "金额不符。"}).status_code == 302
    application.refresh_from_db()
    assert application.status == PaymentApplication.Status.REJECTED
    assert client.post(url, {"reason": "again"}).status_code == 409


def test_a_breach_through_the_page(as_role, signed_contract, supplier_rep):
    first = milestones(signed_contract)[0]
    Milestone.objects.filter(pk=first.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=2))
    url = reverse("contracts:breach_record", args=[signed_contract.pk])
    client = as_role("clerk")
    fake = SimpleUploadedFile("evidence.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    data = {"kind": "late_delivery", "milestone": first.pk, "description": "逾期两天。"}
    response = client.post(url, {**data, "evidence": fake})
    assert response.status_code == 400 and not Breach.objects.exists()
    response = client.post(url, data)  # no evidence
    assert response.status_code == 400 and not Breach.objects.exists()
    evidence = SimpleUploadedFile("evidence.pdf", pdf_bytes("late"), content_type="application/pdf")
    assert as_role("supplier").post(url, {**data, "evidence": evidence}).status_code == 403
    evidence.seek(0)
    assert as_role("other_supplier").post(url, {**data, "evidence": evidence}).status_code == 404
    evidence.seek(0)
    response = as_role("clerk").post(url, {**data, "evidence": evidence})
    assert response.status_code == 302
    breach = Breach.objects.get()
    for role in ROLES:
        _expect(role, as_role(role).get(reverse("contracts:breach_evidence", args=[breach.pk])))
    content = as_role("regulator").get(page(signed_contract)).content.decode()
    assert 'data-testid="breach-row"' in content and breach.evidence_sha256 in content


def test_the_bond_and_late_flags_show(as_role, signed_contract):
    Contract.objects.filter(pk=signed_contract.pk).update(
        performance_bond_amount=Decimal("5000.00"), performance_bond_released_at=timezone.now()
    )
    content = as_role("supplier").get(page(signed_contract), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "5,000.00" in content and "released on" in content


def _rows(contract, clerk, rep):
    """Three milestones, three payment applications, three breaches and three acceptances, written
    as rows (the services' PDFs are not what this measures)."""
    Milestone.objects.filter(contract=contract).delete()
    now = timezone.now()
    created = []
    for number in (1, 2, 3):
        milestone = Milestone.objects.create(
            contract=contract,
            number=number,
            title=f"第{number}批",
            due_date=timezone.localdate(),
            amount=Decimal("1000.00"),
            status=Milestone.Status.ACCEPTED,
            accepted_at=now,
        )
        Acceptance.objects.create(
            milestone=milestone,
            outcome="passed",
            team=TEAM,
            checks=CHECKS,
            recorded_by=clerk,
            recorded_at=now,
        )
        PaymentApplication.objects.create(
            contract=contract,
            milestone=milestone,
            amount=Decimal("500.00"),
            invoice_number=f"I{number}",
            applied_by=rep,
        )
        breach = Breach(
            contract=contract,
            kind="late_delivery",
            responsible=contract.supplier,
            milestone=milestone,
            description="逾期",
            evidence_sha256="ab" * 32,
            recorded_by=clerk,
        )
        breach.evidence.save(f"e{number}.pdf", ContentFile(pdf_bytes("e")), save=False)
        breach.save()
        created.append(milestone)
    return created


@pytest.mark.parametrize("role", ["clerk", "supplier"])
def test_the_performance_page_query_count_is_pinned(
    as_role, signed_contract, purchaser_clerk, supplier_rep, django_assert_num_queries, role
):
    _rows(signed_contract, purchaser_clerk, supplier_rep)
    client = as_role(role)
    client.get(page(signed_contract))  # warm the session and the caches
    with django_assert_num_queries(10):
        response = client.get(page(signed_contract))
    assert response.content.decode().count('data-testid="milestone-row"') == 3
    assert response.content.decode().count('data-testid="payment-row"') == 3
    assert response.content.decode().count('data-testid="breach-row"') == 3
