"""The contract pages: the permission matrix (list, contract page, PDFs, the CA certificate),
the forms (draft, sign, publish, supplements) with refused actions re-rendering the page and
changing nothing, and the list's query count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Role
from contracts import services
from contracts.models import Contract, Signature, SupplementaryAgreement
from procurement.models import Lot
from tests.accounts.factories import OrganisationFactory
from tests.accounts.fixtures import current_code
from tests.contracts.fixtures import make_contract
from tests.contracts.test_signing import sign_both

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_bank_officer(make_member):
    """An officer of a bank (the shared fixture's bank has an empty credit code the database refuses)."""
    return make_member(Role.BANK_OFFICER, organisation=OrganisationFactory(kind=Organisation.Kind.BANK))


@pytest.fixture
def roles(
    purchaser_clerk, approvers, supplier_rep, bidders, officer, regulator, other_regulator, a_bank_officer
):
    return {
        "clerk": purchaser_clerk,
        "approver": approvers[2],
        "winner": supplier_rep,
        "other_supplier": bidders[1],
        "officer": officer,
        "regulator": regulator,
        "other_regulator": other_regulator,
        "bank_officer": a_bank_officer,
        "anonymous": None,
    }


def _get(client, login, user, url):
    client.logout()
    if user is not None:
        login(user)
    return client.get(url)


CONTRACT_PAGE = {
    "clerk": 200,
    "approver": 200,
    "winner": 200,
    "other_supplier": 404,
    "officer": 200,
    "regulator": 200,
    "other_regulator": 404,
    "bank_officer": 404,
    "anonymous": 302,
}
LIST_PAGE = {**CONTRACT_PAGE, "other_supplier": 200, "other_regulator": 200, "bank_officer": 403}


def test_permission_matrix_of_the_list_and_the_contract_page(client, login, roles, signed_contract):
    for role, user in roles.items():
        response = _get(client, login, user, reverse("contracts:contract", args=[signed_contract.pk]))
        assert response.status_code == CONTRACT_PAGE[role], role
        response = _get(client, login, user, reverse("contracts:list"))
        assert response.status_code == LIST_PAGE[role], role
        if response.status_code == 200:
            listed = signed_contract.reference in response.content.decode()
            assert listed == (CONTRACT_PAGE[role] == 200), role
    login(roles["clerk"])
    assert client.get(reverse("contracts:contract", args=[10**8])).status_code == 404


def test_the_page_shows_the_financing_tab_to_the_supplier_only(
    client, login, signed_contract, supplier_rep, purchaser_clerk
):
    financing = f"/contracts/{signed_contract.pk}/financing/"
    assert financing in login(supplier_rep).get(f"/contracts/{signed_contract.pk}/").content.decode()
    client.logout()
    assert financing not in login(purchaser_clerk).get(f"/contracts/{signed_contract.pk}/").content.decode()


def test_signed_pdf_and_page_verification(
    client, login, roles, contracting_lot, purchaser_clerk, supplier_rep
):
    contract = sign_both(contracting_lot, purchaser_clerk, supplier_rep)
    url = reverse("contracts:contract_pdf", args=[contract.pk])
    for role, user in roles.items():
        response = _get(client, login, user, url)
        assert response.status_code == CONTRACT_PAGE[role], role
        if response.status_code == 200:
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).startswith(b"%PDF")
    page = _get(
        client, login, purchaser_clerk, reverse("contracts:contract", args=[contract.pk])
    ).content.decode()
    assert page.count('data-testid="signature-verified"') == 2


def test_the_ca_certificate_is_public(client):
    response = client.get(reverse("contracts:ca_certificate"))
    assert response.status_code == 200 and response.content.startswith(b"-----BEGIN CERTIFICATE-----")


def test_the_draft_preview_pdf(client, login, draft_contract, purchaser_clerk, bidders):
    url = reverse("contracts:draft_pdf", args=[draft_contract.pk])
    response = login(purchaser_clerk).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.logout()
    assert login(bidders[1]).get(url).status_code == 404
    # Not signed yet: no signed PDF.
    client.logout()
    assert (
        login(purchaser_clerk).get(reverse("contracts:contract_pdf", args=[draft_contract.pk])).status_code
        == 404
    )


def _draft_post(contract, **extra):
    today = timezone.localdate()
    data = {
        "payment_terms": "验收后付款",
        "performance_bond_percent": "5",
        "sme_payment_days": "20",
        "special_terms": "",
        "purchaser_contact": "王五",
        "purchaser_phone": "0573-1234567",
        "supplier_contact": "李四",
        "supplier_phone": "13800000000",
        "supplier_bank": "银行",
        "supplier_account_name": "公司",
        "supplier_account_number": "6222000011112222",
        "milestones-TOTAL_FORMS": "2",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "200",
        "milestones-0-title": "全部交付",
        "milestones-0-kind": "delivery",
        "milestones-0-due_date": (today + datetime.timedelta(days=20)).isoformat(),
        "milestones-0-amount": str(contract.amount),
        "milestones-1-title": "",
        "milestones-1-kind": "delivery",
    }
    data.update(extra)
    return data


def test_the_purchaser_saves_the_draft_through_the_page(client, login, draft_contract, purchaser_clerk):
    login(purchaser_clerk)
    page = client.get(reverse("contracts:contract", args=[draft_contract.pk])).content.decode()
    assert 'data-testid="contract-draft-form"' in page and 'data-testid="contract-sign"' in page
    response = client.post(reverse("contracts:edit", args=[draft_contract.pk]), _draft_post(draft_contract))
    assert response.status_code == 302
    draft_contract.refresh_from_db()
    assert draft_contract.sme_payment_days == 20 and draft_contract.milestones.count() == 1


def test_a_refused_draft_re_renders_with_the_message(client, login, draft_contract, purchaser_clerk):
    login(purchaser_clerk)
    data = _draft_post(draft_contract, **{"milestones-0-amount": "1.00", "amount": "1.00"})
    response = client.post(reverse("contracts:edit", args=[draft_contract.pk]), data)
    assert response.status_code == 400
    assert "必须等于合同金额" in response.content.decode()
    draft_contract.refresh_from_db()
    assert draft_contract.milestones.count() == 2 and draft_contract.sme_payment_days == 30


def test_the_supplier_sees_no_draft_form_and_cannot_post_it(client, login, draft_contract, supplier_rep):
    login(supplier_rep)
    page = client.get(reverse("contracts:contract", args=[draft_contract.pk])).content.decode()
    assert 'data-testid="contract-draft-form"' not in page and 'data-testid="contract-sign"' in page
    response = client.post(reverse("contracts:edit", args=[draft_contract.pk]), _draft_post(draft_contract))
    assert response.status_code == 403


def test_signing_through_the_page_and_a_double_click(client, login, draft_contract, purchaser_clerk):
    login(purchaser_clerk)
    url = reverse("contracts:sign", args=[draft_contract.pk])
    wrong = client.post(
        url, {"otp_token": "000000" if current_code(purchaser_clerk) != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and 'data-testid="sign-error"' in wrong.content.decode()
    assert not Signature.objects.exists()
    assert client.post(url, {"otp_token": current_code(purchaser_clerk)}).status_code == 302
    again = client.post(url, {"otp_token": current_code(purchaser_clerk)})
    assert again.status_code == 409
    assert Signature.objects.filter(contract=draft_contract).count() == 1


def test_a_stranger_posting_gets_404(client, login, draft_contract, bidders, foreign_clerk, contracting_lot):
    for user in (bidders[1], foreign_clerk):
        client.logout()
        login(user)
        for name in ("sign", "publish", "edit", "supplement_new"):
            assert client.post(reverse(f"contracts:{name}", args=[draft_contract.pk]), {}).status_code in (
                400,
                404,
            )
            assert (
                client.post(
                    reverse(f"contracts:{name}", args=[draft_contract.pk]), {"otp_token": "123456"}
                ).status_code
                == 404
            )
    client.logout()
    login(foreign_clerk)
    assert client.post(reverse("contracts:lot_draft", args=[contracting_lot.pk])).status_code == 404


def test_draft_now_and_publish_through_the_pages(
    client, login, contracting_lot, purchaser_clerk, supplier_rep
):
    login(purchaser_clerk)
    listing = client.get(reverse("contracts:list")).content.decode()
    assert 'data-testid="draft-now"' in listing
    response = client.post(reverse("contracts:lot_draft", args=[contracting_lot.pk]))
    contract = Contract.objects.get(lot=contracting_lot)
    assert response.status_code == 302 and response["Location"] == reverse(
        "contracts:contract", args=[contract.pk]
    )
    services.sign_contract(contract.pk, actor=purchaser_clerk, otp_token=current_code(purchaser_clerk))
    services.sign_contract(contract.pk, actor=supplier_rep, otp_token=current_code(supplier_rep))
    assert (
        'data-testid="contract-publish"'
        in client.get(reverse("contracts:contract", args=[contract.pk])).content.decode()
    )
    assert client.post(reverse("contracts:publish", args=[contract.pk])).status_code == 302
    contract.refresh_from_db()
    assert contract.status == Contract.Status.IN_PERFORMANCE and contract.notice_id
    twice = client.post(reverse("contracts:publish", args=[contract.pk]))
    assert twice.status_code == 409


def test_supplements_through_the_page(client, login, signed_contract, purchaser_clerk, supplier_rep):
    login(purchaser_clerk)
    url = reverse("contracts:supplement_new", args=[signed_contract.pk])
    due = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    over = client.post(
        url, {"amount": str(signed_contract.amount), "subject": "同型号", "reason": "增加", "due_date": due}
    )
    assert over.status_code == 400 and 'data-testid="supplement-error"' in over.content.decode()
    assert not SupplementaryAgreement.objects.exists()
    assert (
        client.post(
            url, {"amount": "100.00", "subject": "同型号", "reason": "增加", "due_date": due}
        ).status_code
        == 302
    )
    supplement = SupplementaryAgreement.objects.get()
    sign = reverse("contracts:supplement_sign", args=[supplement.pk])
    assert client.post(sign, {"otp_token": current_code(purchaser_clerk)}).status_code == 302
    pdf = client.get(reverse("contracts:supplement_pdf", args=[supplement.pk]))
    assert pdf.status_code == 200
    client.logout()
    login(supplier_rep)
    assert client.post(sign, {"otp_token": current_code(supplier_rep)}).status_code == 302
    supplement.refresh_from_db()
    assert supplement.status == SupplementaryAgreement.Status.SIGNED


def more_contracts(lot, count):
    """`count` more contracts, each on a new lot of the same project (for query counts)."""
    made = []
    for n in range(count):
        extra = Lot.objects.create(
            project=lot.project,
            number=lot.number + 10 + n,
            title_zh=f"附加标包{n}",
            budget=lot.budget,
            quantity_and_specification=lot.quantity_and_specification,
            delivery_place=lot.delivery_place,
            delivery_period=lot.delivery_period,
            status=Lot.Status.CONTRACTING,
        )
        extra.award = lot.award
        made.append(make_contract(extra))
    return made


def test_the_list_query_count(client, login, contracting_lot, purchaser_clerk, django_assert_num_queries):
    make_contract(contracting_lot)
    more_contracts(contracting_lot, 2)
    login(purchaser_clerk)
    client.get(reverse("contracts:list"))  # warm the session and caches
    with django_assert_num_queries(6):
        response = client.get(reverse("contracts:list"))
    assert response.content.decode().count('data-testid="contract-row"') == 3
