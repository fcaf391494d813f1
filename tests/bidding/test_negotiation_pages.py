"""Negotiation pages and API: the panel's page and the supplier's thread in both languages, who
may see them (a supplier never another's thread: 404), documents for the thread's parties only,
forms that send, revise, call, quote, and bad input answered with the reason and nothing changed;
pinned query counts with three suppliers and their messages."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from bidding.models import BidAssessment
from bidding.negotiation import services
from bidding.negotiation.models import FinalQuotation, FinalQuotationRound, NegotiationMessage
from procurement.models import Method
from tests.bidding.helpers import pdf_bytes
from tests.bidding.test_negotiation_fixtures import call, make_negotiation, past

pytestmark = pytest.mark.django_db


@pytest.fixture
def negotiation(seated_evaluation):
    return make_negotiation(seated_evaluation, Method.COMPETITIVE_NEGOTIATION)


def _org(user):
    return user.active_membership.organisation


def _with_device(user):
    """An expert who set up the second factor (login() then passes it)."""
    TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    return user


@pytest.fixture
def talked(negotiation):
    """Every supplier has a message from the panel with a document and an answer; two revisions;
    the third supplier's answer is what the others must never see."""
    for i, supplier in enumerate(negotiation.suppliers):
        services.send_message(
            negotiation.evaluation.pk,
            actor=negotiation.member,
            supplier_id=_org(supplier).pk,
            text=f"panel-to-{i}",
            attachment=SimpleUploadedFile(f"ask{i}.pdf", pdf_bytes(f"ask{i}")),
        )
        services.reply(negotiation.evaluation.pk, actor=supplier, text=f"secret-answer-{i}")
    for n in range(2):
        services.revise_requirements(
            negotiation.evaluation.pk, actor=negotiation.member, text=f"revision-{n}"
        )
    return negotiation


@pytest.fixture
def as_role(client, login, negotiation, officer, other_officer, regulator, clerk, supplier_factory):
    outsider = supplier_factory().representative
    users = {
        "member": negotiation.members[0],
        "clerk_member": clerk,
        "supplier": negotiation.suppliers[0],
        "other_bidder": negotiation.suppliers[1],
        "outsider_supplier": outsider,
        "officer": officer,
        "other_officer": other_officer,
        "regulator": regulator,
    }

    def do(role):
        client.logout()
        return client if role == "anonymous" else login(users[role])

    return do


def _panel_url(negotiation):
    return reverse("bidding:negotiation_panel", args=[negotiation.evaluation.pk])


def _thread_url(negotiation):
    return reverse("bidding:negotiation_thread", args=[negotiation.evaluation.pk])


def _status(response, expected):
    assert response.status_code == expected, response.content[:500]
    if expected == 302:
        assert response.url.startswith(reverse("accounts:login"))


# --- Who sees what ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("member", 200),
        ("clerk_member", 200),
        ("supplier", 404),
        ("outsider_supplier", 404),
        ("officer", 404),
        ("other_officer", 404),
        ("regulator", 404),
        ("anonymous", 302),
    ],
)
def test_panel_page_permissions(as_role, negotiation, role, status):
    _status(as_role(role).get(_panel_url(negotiation)), status)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("supplier", 200),
        ("other_bidder", 200),  # its own thread, at the same address
        ("outsider_supplier", 404),
        ("member", 404),
        ("officer", 404),
        ("regulator", 404),
        ("anonymous", 302),
    ],
)
def test_thread_page_permissions(as_role, negotiation, role, status):
    _status(as_role(role).get(_thread_url(negotiation)), status)


def test_a_missing_or_non_negotiated_evaluation_is_404(login, negotiation, seated_evaluation):
    client = login(negotiation.members[0])
    assert client.get(reverse("bidding:negotiation_panel", args=[999999])).status_code == 404
    assert (
        login(negotiation.suppliers[0]).get(reverse("bidding:negotiation_thread", args=[999999])).status_code
        == 404
    )
    type(negotiation.evaluation.lot.project).objects.filter(pk=negotiation.evaluation.lot.project_id).update(
        method=Method.PUBLIC_TENDER
    )
    assert login(negotiation.members[0]).get(_panel_url(negotiation)).status_code == 404


def test_a_supplier_out_of_the_review_has_no_thread(login, negotiation):
    BidAssessment.objects.filter(pk=negotiation.assessment(2).pk).update(qualified=False)
    assert login(negotiation.suppliers[2]).get(_thread_url(negotiation)).status_code == 404


def test_each_supplier_reads_only_its_own_thread(login, talked):
    page = login(talked.suppliers[0]).get(_thread_url(talked), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "panel-to-0" in page and "secret-answer-0" in page
    assert "secret-answer-1" not in page and "panel-to-2" not in page
    assert "revision-0" in page and "revision-1" in page  # revisions are in every thread
    panel = login(talked.members[1]).get(_panel_url(talked), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert all(f"secret-answer-{i}" in panel for i in range(3))


def test_documents_only_for_the_threads_parties(client, login, talked, officer):
    message = NegotiationMessage.objects.get(text="panel-to-0")
    url = reverse("bidding:negotiation_document", args=[message.pk])
    own = login(talked.suppliers[0]).get(url)
    assert own.status_code == 200 and b"".join(own.streaming_content) == pdf_bytes("ask0")
    assert 'filename="ask0.pdf"' in own["Content-Disposition"]
    assert login(talked.members[2]).get(url).status_code == 200
    assert login(talked.suppliers[1]).get(url).status_code == 404
    assert login(officer).get(url).status_code == 404
    assert (
        login(talked.suppliers[0]).get(reverse("bidding:negotiation_document", args=[999999])).status_code
        == 404
    )
    text_only = NegotiationMessage.objects.get(text="secret-answer-0")  # no document: 404 too
    assert (
        login(talked.suppliers[0])
        .get(reverse("bidding:negotiation_document", args=[text_only.pk]))
        .status_code
        == 404
    )
    client.logout()
    assert client.get(url).status_code == 302


# --- Both languages, query counts ------------------------------------------------------------------


def test_the_panel_page_in_both_languages(login, talked):
    client = login(_with_device(talked.members[0]))
    chinese = client.get(_panel_url(talked), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'lang="zh-Hans"' in chinese and "竞争性谈判" in chinese
    english = client.get(_panel_url(talked), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Competitive negotiation" in english and "Call for final quotations" in english
    assert english.count('data-testid="thread"') == 3


def test_the_thread_page_in_both_languages(login, talked):
    call(talked)
    client = login(talked.suppliers[0])
    chinese = client.get(_thread_url(talked), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'lang="zh-Hans"' in chinese and "最后报价" in chinese
    english = client.get(_thread_url(talked), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your final quotation" in english and 'data-testid="submit-final-quotation"' in english
    assert 'data-testid="send-reply"' not in english  # the negotiation is over


def test_panel_page_query_count(login, talked, django_assert_num_queries):
    round_ = call(talked)
    for supplier in talked.suppliers:
        services.submit_final_quotation(round_.pk, actor=supplier, price="150000")
    client = login(talked.members[0])
    with django_assert_num_queries(PANEL_QUERIES):
        response = client.get(_panel_url(talked), HTTP_ACCEPT_LANGUAGE="en")
    assert response.content.decode().count("Final quotation received (sealed)") == 3


def test_thread_page_query_count(login, talked, django_assert_num_queries):
    round_ = call(talked)
    services.submit_final_quotation(round_.pk, actor=talked.suppliers[0], price="150000")
    client = login(talked.suppliers[0])
    with django_assert_num_queries(THREAD_QUERIES):
        response = client.get(_thread_url(talked), HTTP_ACCEPT_LANGUAGE="en")
    assert response.content.decode().count('data-testid="negotiation-revision"') == 2


PANEL_QUERIES = 10  # the shell; the seat (twice: member, second factor); evaluation, threads, round…
THREAD_QUERIES = 9


# --- Forms -------------------------------------------------------------------------------------------


def test_the_panel_writes_revises_and_calls_through_the_page(login, negotiation):
    client = login(_with_device(negotiation.members[0]))
    supplier = _org(negotiation.suppliers[1])
    response = client.post(
        reverse("bidding:negotiation_message", args=[negotiation.evaluation.pk]),
        {
            "supplier": supplier.pk,
            "text": "请报分项价格",
            "attachment": SimpleUploadedFile("q.pdf", pdf_bytes("q")),
        },
    )
    assert response.status_code == 302
    message = NegotiationMessage.objects.get()
    assert message.supplier_id == supplier.pk and message.attachment_name == "q.pdf"
    response = client.post(
        reverse("bidding:negotiation_revision", args=[negotiation.evaluation.pk]), {"text": "质保改为三年"}
    )
    assert (
        response.status_code == 302
        and AuditEvent.objects.filter(action="bidding.requirements_revised").exists()
    )
    deadline = timezone.localtime(timezone.now() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("bidding:negotiation_call", args=[negotiation.evaluation.pk]), {"deadline": deadline}
    )
    assert (
        response.status_code == 302
        and FinalQuotationRound.objects.filter(evaluation=negotiation.evaluation).exists()
    )


def test_a_past_deadline_on_the_page_is_refused_in_the_readers_language(login, negotiation):
    client = login(_with_device(negotiation.members[0]))
    deadline = timezone.localtime(timezone.now() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("bidding:negotiation_call", args=[negotiation.evaluation.pk]),
        {"deadline": deadline},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and b"must be in the future" in response.content
    assert not FinalQuotationRound.objects.exists()


def test_the_supplier_replies_and_quotes_through_the_page(login, negotiation):
    client = login(negotiation.suppliers[0])
    response = client.post(
        reverse("bidding:negotiation_reply", args=[negotiation.evaluation.pk]),
        {"text": "修订后的技术方案见附件", "attachment": SimpleUploadedFile("plan.pdf", pdf_bytes("plan"))},
    )
    assert response.status_code == 302
    assert NegotiationMessage.objects.get().attachment_name == "plan.pdf"
    round_ = call(negotiation)
    response = client.post(
        reverse("bidding:negotiation_quote", args=[negotiation.evaluation.pk]), {"price": "188,000.00"}
    )
    assert response.status_code == 302
    quotation = FinalQuotation.objects.get(round=round_, bid=negotiation.bids[0])
    assert quotation.received_at is not None and quotation.price is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "x" * (services.MAX_TEXT + 1)}, b"at most 10000 characters"),
        (
            {"text": "see file", "attachment": SimpleUploadedFile("plan.pdf", b"MZ\x90\x00" + b"\x00" * 64)},
            b"its content is not",
        ),
        (
            {"text": "see file", "attachment": SimpleUploadedFile("plan.exe", b"MZ")},
            b"not an accepted kind of file",
        ),
    ],
)
def test_bad_replies_are_refused_and_change_nothing(login, negotiation, data, message):
    response = login(negotiation.suppliers[0]).post(
        reverse("bidding:negotiation_reply", args=[negotiation.evaluation.pk]),
        data,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and message in response.content, response.content[-2000:]
    assert not NegotiationMessage.objects.exists()


@pytest.mark.parametrize(("price", "message"), [("-100", b"more than zero"), ("12.345", b"two decimals")])
def test_a_bad_final_price_on_the_page_is_refused(login, negotiation, price, message):
    call(negotiation)
    response = login(negotiation.suppliers[0]).post(
        reverse("bidding:negotiation_quote", args=[negotiation.evaluation.pk]),
        {"price": price},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and message in response.content
    assert not FinalQuotation.objects.filter(sealed_price__isnull=False).exists()


def test_a_late_final_price_on_the_page_is_refused(login, negotiation):
    past(call(negotiation))
    response = login(negotiation.suppliers[0]).post(
        reverse("bidding:negotiation_quote", args=[negotiation.evaluation.pk]),
        {"price": "100"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409 and b"none is accepted after it" in response.content
    assert not FinalQuotation.objects.filter(sealed_price__isnull=False).exists()


def test_a_member_opens_the_round_through_the_page(login, negotiation):
    round_ = call(negotiation)
    for supplier in negotiation.suppliers:
        services.submit_final_quotation(round_.pk, actor=supplier, price="150000")
    past(round_)
    client = login(_with_device(negotiation.members[0]))
    response = client.post(reverse("bidding:negotiation_open", args=[negotiation.evaluation.pk]))
    assert response.status_code == 302
    assert FinalQuotationRound.objects.get(pk=round_.pk).status == FinalQuotationRound.Status.OPENED
    page = client.get(_panel_url(negotiation), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count('data-testid="final-price"') == 3


# --- API ---------------------------------------------------------------------------------------------


def _api(negotiation, name):
    return reverse(f"api-negotiation-{name}", args=[negotiation.evaluation.pk])


def test_api_thread_is_the_suppliers_own(login, talked, django_assert_num_queries):
    round_ = call(talked)
    services.submit_final_quotation(round_.pk, actor=talked.suppliers[1], price="150000")
    client = login(talked.suppliers[1])
    with django_assert_num_queries(API_THREAD_QUERIES):
        response = client.get(_api(talked, "thread"))
    body = response.json()
    assert response.status_code == 200
    assert [m["text"] for m in body["messages"]] == ["panel-to-1", "secret-answer-1"]
    assert body["messages"][0]["document_url"] and len(body["messages"][0]["document_sha256"]) == 64
    assert [r["text"] for r in body["revisions"]] == ["revision-0", "revision-1"]
    assert body["final_round"]["state"] == "open" and body["negotiating"] is False
    assert body["final_quotation"]["received_at"] and body["final_quotation"]["price"] is None


API_THREAD_QUERIES = 7


def test_api_thread_permissions(client, login, negotiation, supplier_factory, officer):
    assert login(supplier_factory().representative).get(_api(negotiation, "thread")).status_code == 404
    assert login(officer).get(_api(negotiation, "thread")).status_code == 404
    missing = reverse("api-negotiation-thread", args=[999999])
    assert login(negotiation.suppliers[0]).get(missing).json()["code"] == "negotiation_not_found"
    client.logout()
    assert client.get(_api(negotiation, "thread")).status_code in (401, 403)


def test_api_reply_and_final_quotation(login, negotiation):
    client = login(negotiation.suppliers[2])
    response = client.post(
        _api(negotiation, "reply"),
        {"text": "价格可再优惠", "attachment": SimpleUploadedFile("offer.pdf", pdf_bytes("offer"))},
    )
    assert response.status_code == 201 and response.json()["document_name"] == "offer.pdf"
    bad = client.post(
        _api(negotiation, "reply"), {"text": "x", "attachment": SimpleUploadedFile("o.pdf", b"<html>")}
    )
    assert bad.status_code == 400 and bad.json()["code"] == "file_disguised"
    assert (
        client.post(_api(negotiation, "final-quotation"), {"price": "1"}).status_code == 404
    )  # not called yet
    round_ = call(negotiation)
    response = client.post(
        _api(negotiation, "final-quotation"), {"price": "177000.00"}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["price"] is None
    assert len(response.json()["sealed_price_sha256"]) == 64
    negative = client.post(
        _api(negotiation, "final-quotation"), {"price": "-1"}, content_type="application/json"
    )
    assert negative.status_code == 400 and negative.json()["code"] == "price_invalid"
    past(round_)
    late = client.post(
        _api(negotiation, "final-quotation"), {"price": "1.00"}, content_type="application/json"
    )
    assert late.status_code == 409 and late.json()["code"] == "late_quotation"
    assert NegotiationMessage.objects.count() == 1


def test_the_schema_documents_the_negotiation_api(client):
    paths = client.get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    prefix = "/api/v1/bidding/negotiations/{evaluation_id}/"
    assert "200" in paths[prefix + "thread/"]["get"]["responses"]
    assert "201" in paths[prefix + "thread/replies/"]["post"]["responses"]
    assert "201" in paths[prefix + "final-quotation/"]["post"]["responses"]
