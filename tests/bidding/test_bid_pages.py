"""The bid pages: the supplier's bid page, its receipt (page, PDF, JSON), the opening page and its
htmx partial, in Chinese and English; who may see each (a foreign id is the same 404 as a missing
one; anonymous users go to the login page); pinned query counts with three bids."""

import re
import shutil
import subprocess
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.bidding.helpers import pass_deadline, prepare_bid, verified

pytestmark = pytest.mark.django_db

LANGUAGES = {"zh-hans": 'lang="zh-Hans"', "en": 'lang="en"'}


@pytest.fixture
def lot(tendering_project):
    return tendering_project.lots.order_by("number").first()


@pytest.fixture
def suppliers(supplier_factory):
    return [supplier_factory().representative for _ in range(4)]


@pytest.fixture
def bids(lot, suppliers):
    return [
        prepare_bid(lot, s, price=f"{100 + i}000.00", ip=f"10.0.0.{i}") for i, s in enumerate(suppliers[:3])
    ]


@pytest.fixture
def opened(lot, bids, officer, approvers):
    from bidding import services

    pass_deadline(lot.project)
    services.confirm_opening(lot.pk, actor=verified(officer))
    services.confirm_opening(lot.pk, actor=verified(approvers[0]))
    return lot


def _get(client, url, language="zh-hans", **headers):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language, **headers)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_bid_page_in_both_languages(login, lot, suppliers, language):
    prepare_bid(lot, suppliers[0], submit=False)
    response = _get(login(suppliers[0]), f"/bidding/lots/{lot.pk}/bid/", language)
    assert response.status_code == 200
    page = response.content.decode()
    assert LANGUAGES[language] in page and lot.project.reference in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_receipt_page_and_json_in_both_languages(login, bids, suppliers, language):
    client = login(suppliers[0])
    bid = bids[0]
    page = _get(client, f"/bidding/bids/{bid.public_id}/receipt/", language)
    assert page.status_code == 200
    text = page.content.decode()
    assert LANGUAGES[language] in text and str(bid.public_id) in text
    for bid_file in bid.files.filter(status="complete"):
        assert bid_file.sha256 in text
    data = _get(client, f"/bidding/bids/{bid.public_id}/receipt.json", language).json()
    assert data["bid"] == str(bid.public_id) and data["receipt_sha256"] == bid.receipt_sha256
    assert "price" not in data


def test_the_receipt_pdf_shows_the_bid_id_and_the_hashes(login, bids, suppliers, tmp_path):
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: install poppler-utils")
    bid = bids[0]
    response = login(suppliers[0]).get(f"/bidding/bids/{bid.public_id}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "receipt.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(  # noqa: S603 - poppler, fixed arguments
        [tool, "-raw", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()
    squashed = re.sub(r"\s+", "", text)
    assert str(bid.public_id) in squashed
    for bid_file in bid.files.filter(status="complete"):
        assert bid_file.sha256 in squashed


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_opening_page_and_its_htmx_partial_after_opening(login, opened, officer, language):
    client = login(officer)
    page = _get(client, f"/bidding/lots/{opened.pk}/opening/", language)
    assert page.status_code == 200
    text = page.content.decode()
    assert LANGUAGES[language] in text and "101,000.00" in text
    partial = _get(client, f"/bidding/lots/{opened.pk}/opening/", language, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "<html" not in body and "101,000.00" in body


def test_before_opening_the_opening_page_shows_no_price(login, lot, bids, suppliers, officer):
    for user in (officer, suppliers[0]):
        text = login(user).get(f"/bidding/lots/{lot.pk}/opening/").content.decode()
        assert "100,000.00" not in text and "100000.00" not in text


@pytest.fixture
def people(suppliers, officer, other_officer, clerk, regulator, other_regulator):
    return {
        "supplier": suppliers[0],
        "other_supplier": suppliers[3],
        "officer": officer,
        "other_officer": other_officer,
        "clerk": clerk,
        "regulator": regulator,
        "other_regulator": other_regulator,
        "anonymous": None,
    }


OPENING = {
    "supplier": 200,
    "other_supplier": 200,
    "officer": 200,
    "other_officer": 404,
    "clerk": 200,
    "regulator": 200,
    "other_regulator": 404,
    "anonymous": 302,
}
RECEIPT = {
    "supplier": 200,
    "other_supplier": 404,
    "officer": 404,
    "other_officer": 404,
    "clerk": 404,
    "regulator": 404,
    "other_regulator": 404,
    "anonymous": 302,
}


def _client(client, login, user):
    return login(user) if user is not None else client


@pytest.mark.parametrize("who", OPENING)
def test_who_sees_the_opening_page(client, login, people, lot, bids, who):
    response = _client(client, login, people[who]).get(f"/bidding/lots/{lot.pk}/opening/")
    assert response.status_code == OPENING[who]
    if who == "anonymous":
        assert "/accounts/login/" in response["Location"]
    if OPENING[who] == 404:
        missing = _client(client, login, people[who]).get("/bidding/lots/999999/opening/")
        assert missing.status_code == 404


@pytest.mark.parametrize("who", RECEIPT)
@pytest.mark.parametrize("kind", ["receipt/", "receipt.pdf", "receipt.json"])
def test_who_sees_a_receipt(client, login, people, bids, who, kind):
    c = _client(client, login, people[who])
    response = c.get(f"/bidding/bids/{bids[0].public_id}/{kind}")
    assert response.status_code == RECEIPT[who]
    if who == "anonymous":
        assert "/accounts/login/" in response["Location"]
    if RECEIPT[who] == 404:
        missing = c.get(f"/bidding/bids/{uuid.uuid4()}/{kind}")
        assert missing.status_code == 404
        assert missing["Content-Type"] == response["Content-Type"]


@pytest.mark.parametrize("who", ["officer", "clerk", "regulator"])
def test_only_a_supplier_has_a_bid_page(login, people, lot, who):
    assert login(people[who]).get(f"/bidding/lots/{lot.pk}/bid/").status_code == 403


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_bid_page_query_count_is_pinned(login, lot, suppliers, django_assert_num_queries):
    user = suppliers[0]
    prepare_bid(lot, user, price="100.00")
    prepare_bid(lot, user, price="90.00")  # a replacement: two receipts
    prepare_bid(lot, user, submit=False)  # and a draft with its files
    client = login(user)
    url = f"/bidding/lots/{lot.pk}/bid/"
    client.get(url)
    with django_assert_num_queries(BID_PAGE_QUERIES):
        assert client.get(url).status_code == 200


def test_the_opening_page_query_count_is_pinned(login, opened, officer, suppliers, django_assert_num_queries):
    client = login(officer)
    url = f"/bidding/lots/{opened.pk}/opening/"
    client.get(url)
    with django_assert_num_queries(OPENING_PAGE_QUERIES):
        assert client.get(url).status_code == 200


# Session, user, membership, lot, documents, draft, its files, receipts… the same with more rows.
BID_PAGE_QUERIES = 10
OPENING_PAGE_QUERIES = 16  # with the response documents' names
