"""Contract financing pages: the supplier's financing tab of a contract, the list (a bank's
officers: applications to their bank; a supplier's representatives: their own), one application
(contract summary, the signed PDF as an audited read, the supplier's credit, the decide form).
Permission matrix of each page (bank officer, officer of another bank, the supplier's
representative, another supplier, the purchaser's clerk, the regulator, anonymous), errors
re-rendered with the message and nothing changed, query counts with three applications."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from audit.models import AuditEvent
from contracts.financing.models import FinancingApplication
from credit import services as credit_services
from tests.contracts.test_financing_services import (
    apply,
    bank_of,
    pay_first_milestone,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_role(
    client, login, bank_officer, other_bank_officer, supplier_rep, purchaser_clerk, regulator, make_member
):
    users = {
        "bank": bank_officer,
        "other_bank": other_bank_officer,
        "supplier": supplier_rep,
        "other_supplier": make_member(Role.SUPPLIER_REPRESENTATIVE),
        "clerk": purchaser_clerk,
        "regulator": regulator,
    }

    def do(role):
        client.logout()
        return client if role == "anonymous" else login(users[role])

    return do


@pytest.fixture
def application(signed_contract, supplier_rep, bank_officer):
    return apply(signed_contract, supplier_rep, bank_officer)


def _expect(status, response):
    assert response.status_code == status, response.content[:600]
    if status == 302:
        assert response.url.startswith(reverse("accounts:login"))


def three_applications(contract, rep, officer, other_officer):
    """Three applications of the contract: declined and approved by the bank, one awaiting another."""
    from contracts.financing import services

    first = apply(contract, rep, officer, amount=Decimal("1000"))
    services.decide_financing(first.pk, actor=officer, approve=False, reason="资料不全")
    second = apply(contract, rep, officer, amount=Decimal("2000"))
    services.decide_financing(second.pk, actor=officer, approve=True)
    third = apply(contract, rep, officer, amount=Decimal("3000"))
    apply(contract, rep, other_officer, amount=Decimal("4000"))
    return [first, second, third]


# --- The supplier's financing tab -----------------------------------------------------------------

ROLES = ["bank", "other_bank", "supplier", "other_supplier", "clerk", "regulator", "anonymous"]


def test_financing_tab_permissions(as_role, signed_contract):
    url = reverse("contracts:financing", args=[signed_contract.pk])
    for role, status in zip(ROLES, [404, 404, 200, 404, 404, 404, 302], strict=True):
        response = as_role(role).get(url)
        assert response.status_code == status, (role, response.status_code)
        if status == 302:
            assert response.url.startswith(reverse("accounts:login"))


def test_financing_tab_shows_banks_the_available_amount_and_the_tabs(
    as_role,
    signed_contract,
    supplier_rep,
    purchaser_clerk,
    bank_officer,
):
    pay_first_milestone(signed_contract, supplier_rep, purchaser_clerk)
    response = as_role("supplier").get(reverse("contracts:financing", args=[signed_contract.pk]))
    assert bank_of(bank_officer) in response.context["banks"]
    milestone = signed_contract.milestones.order_by("number").first()
    assert response.context["available"] == signed_contract.amount - milestone.amount
    assert response.context["can_apply"]
    body = response.content.decode()
    assert f"/contracts/{signed_contract.pk}/performance/" in body  # the contract's tabs
    assert 'data-testid="financing-apply"' in body


def test_a_missing_contract_is_404(as_role, signed_contract):
    _expect(404, as_role("supplier").get(reverse("contracts:financing", args=[signed_contract.pk + 999])))


def test_applying_from_the_page(as_role, signed_contract, bank_officer):
    response = as_role("supplier").post(
        reverse("contracts:financing_apply", args=[signed_contract.pk]),
        {"bank": bank_of(bank_officer).pk, "amount": "50000.00", "term_months": "6", "purpose": "备货"},
    )
    application = FinancingApplication.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("contracts:financing_application", args=[application.pk])
    assert application.amount == Decimal("50000.00") and application.term_months == 6


def test_an_amount_over_the_available_re_renders_with_the_message(as_role, signed_contract, bank_officer):
    client = as_role("supplier")
    with translation.override("en"):
        response = client.post(
            reverse("contracts:financing_apply", args=[signed_contract.pk]),
            {
                "bank": bank_of(bank_officer).pk,
                "amount": str(signed_contract.amount + 1),
                "term_months": "6",
                "purpose": "备货",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert "can be financed" in response.content.decode() or "可融资" in response.content.decode()
    assert not FinancingApplication.objects.exists()


def test_a_blacklisted_supplier_is_told_why_and_refused(as_role, signed_contract, bank_officer):
    credit_services.record_event(signed_contract.supplier, "supplier.false_materials")
    client = as_role("supplier")
    page = client.get(reverse("contracts:financing", args=[signed_contract.pk]))
    assert not page.context["can_apply"]
    assert 'data-testid="financing-ineligible"' in page.content.decode()
    response = client.post(
        reverse("contracts:financing_apply", args=[signed_contract.pk]),
        {"bank": bank_of(bank_officer).pk, "amount": "100", "term_months": "6", "purpose": "备货"},
    )
    assert response.status_code == 403
    assert 'data-testid="financing-error"' in response.content.decode()
    assert not FinancingApplication.objects.exists()


def test_a_second_application_to_the_same_bank_is_refused_on_the_page(as_role, application, bank_officer):
    response = as_role("supplier").post(
        reverse("contracts:financing_apply", args=[application.contract_id]),
        {"bank": bank_of(bank_officer).pk, "amount": "100", "term_months": "6", "purpose": "备货"},
    )
    assert response.status_code == 409
    assert FinancingApplication.objects.count() == 1


# --- The list -------------------------------------------------------------------------------------


def test_financing_list_permissions(as_role, application):
    url = reverse("contracts:financing_list")
    for role, status in zip(ROLES, [200, 200, 200, 200, 403, 403, 302], strict=True):
        response = as_role(role).get(url)
        assert response.status_code == status, (role, response.status_code)
        if status == 302:
            assert response.url.startswith(reverse("accounts:login"))


def test_the_list_shows_each_only_its_own(as_role, application):
    url = reverse("contracts:financing_list")
    assert [a.pk for a in as_role("bank").get(url).context["applications"]] == [application.pk]
    assert [a.pk for a in as_role("supplier").get(url).context["applications"]] == [application.pk]
    assert as_role("other_bank").get(url).context["applications"] == []
    assert as_role("other_supplier").get(url).context["applications"] == []


def test_the_list_filters_by_state_newest_first(
    as_role,
    signed_contract,
    supplier_rep,
    bank_officer,
    other_bank_officer,
):
    first, second, third = three_applications(signed_contract, supplier_rep, bank_officer, other_bank_officer)
    url = reverse("contracts:financing_list")
    client = as_role("bank")
    assert [a.pk for a in client.get(url).context["applications"]] == [third.pk, second.pk, first.pk]
    assert [a.pk for a in client.get(url, {"status": "declined"}).context["applications"]] == [first.pk]
    assert len(client.get(url, {"status": "nonsense"}).context["applications"]) == 3


@pytest.mark.parametrize(("role", "queries"), [("bank", 4), ("supplier", 5)])
def test_list_query_count_with_three_applications(
    as_role,
    signed_contract,
    supplier_rep,
    bank_officer,
    other_bank_officer,
    django_assert_num_queries,
    role,
    queries,
):
    three_applications(signed_contract, supplier_rep, bank_officer, other_bank_officer)
    client = as_role(role)
    url = reverse("contracts:financing_list")
    client.get(url)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(response.context["applications"]) == (3 if role == "bank" else 4)


# --- One application ------------------------------------------------------------------------------


def test_application_page_permissions(as_role, application):
    url = reverse("contracts:financing_application", args=[application.pk])
    for role, status in zip(ROLES, [200, 404, 200, 404, 404, 404, 302], strict=True):
        response = as_role(role).get(url)
        assert response.status_code == status, (role, response.status_code)
        if status == 302:
            assert response.url.startswith(reverse("accounts:login"))


def test_a_missing_application_is_the_same_404(as_role, application):
    _expect(404, as_role("bank").get(reverse("contracts:financing_application", args=[application.pk + 999])))


def test_the_bank_sees_the_contract_the_credit_and_the_decide_form(
    as_role,
    application,
    supplier_rep,
    purchaser_clerk,
):
    pay_first_milestone(application.contract, supplier_rep, purchaser_clerk)
    response = as_role("bank").get(reverse("contracts:financing_application", args=[application.pk]))
    context = response.context
    assert context["can_decide"] and not context["can_withdraw"]
    first = application.contract.milestones.order_by("number").first()
    assert context["paid_total"] == first.amount and context["accepted_total"] == first.amount
    assert context["current"]["stars"] == application.credit_summary["stars"]
    body = response.content.decode()
    for testid in ("financing-contract", "financing-milestones", "financing-credit", "financing-decide"):
        assert f'data-testid="{testid}"' in body
    assert "★" in body
    supplier_page = as_role("supplier").get(reverse("contracts:financing_application", args=[application.pk]))
    assert supplier_page.context["can_withdraw"] and not supplier_page.context["can_decide"]


def test_the_bank_decides_on_the_page(as_role, application):
    client = as_role("bank")
    url = reverse("contracts:financing_decide", args=[application.pk])
    refused = client.post(url, {"decision": "decline", "reason": ""})
    assert refused.status_code == 400
    assert 'data-testid="financing-error"' in refused.content.decode()
    application.refresh_from_db()
    assert application.status == FinancingApplication.Status.SUBMITTED
    too_much = client.post(url, {"decision": "approve", "approved_amount": str(application.amount + 1)})
    assert too_much.status_code == 400
    response = client.post(url, {"decision": "approve", "approved_amount": "90000", "reason": "按九成"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == FinancingApplication.Status.APPROVED
    assert application.approved_amount == Decimal("90000.00")


def test_others_cannot_decide(as_role, application):
    url = reverse("contracts:financing_decide", args=[application.pk])
    for role, status in (("other_bank", 404), ("supplier", 403), ("clerk", 404), ("regulator", 404)):
        assert as_role(role).post(url, {"decision": "approve"}).status_code == status, role
    application.refresh_from_db()
    assert application.status == FinancingApplication.Status.SUBMITTED


def test_the_supplier_withdraws_on_the_page(as_role, application):
    assert (
        as_role("bank").post(reverse("contracts:financing_withdraw", args=[application.pk])).status_code
        == 404
    )
    response = as_role("supplier").post(reverse("contracts:financing_withdraw", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == FinancingApplication.Status.WITHDRAWN
    again = as_role("supplier").post(reverse("contracts:financing_withdraw", args=[application.pk]))
    assert again.status_code == 409


def test_the_signed_contract_pdf_is_an_audited_read(as_role, application):
    url = reverse("contracts:financing_contract_pdf", args=[application.pk])
    assert as_role("bank").get(url).status_code == 404  # no PDF stored yet
    application.contract.pdf.save("signed.pdf", ContentFile(b"%PDF-1.7 contract"), save=True)
    response = as_role("bank").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 contract"
    event = AuditEvent.objects.get(action="contracts.financing_contract_read")
    assert event.object_id == str(application.pk)
    assert as_role("other_bank").get(url).status_code == 404
    assert AuditEvent.objects.filter(action="contracts.financing_contract_read").count() == 1


def test_the_pages_read_in_english(as_role, application):
    client = as_role("bank")
    client.cookies["django_language"] = "en"
    response = client.get(reverse("contracts:financing_application", args=[application.pk]))
    assert "Financing application" in response.content.decode()


def test_the_pages_read_in_chinese(as_role, application):
    client = as_role("supplier")
    client.cookies["django_language"] = "zh-hans"
    body = client.get(reverse("contracts:financing_application", args=[application.pk])).content.decode()
    assert "融资申请" in body and "供应商的信用" in body and "12 个月" in body
