"""The supplier's bidding desk (/bidding/) and the receipts API list: who may see them, and a
fixed number of queries whatever the number of lots and bids."""

import pytest

from tests.bidding.helpers import prepare_bid

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier(supplier_factory):
    return supplier_factory().representative


@pytest.fixture
def lots(tendering_project):
    return list(tendering_project.lots.order_by("number"))


def test_the_desk_lists_the_open_lots_and_the_suppliers_own_bids(login, lots, supplier, supplier_factory):
    mine = prepare_bid(lots[0], supplier)
    theirs = prepare_bid(lots[0], supplier_factory().representative)
    for language in ("zh-hans", "en"):
        response = login(supplier).get("/bidding/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        content = response.content.decode()
        assert all(f"/bidding/lots/{lot.pk}/bid/" in content for lot in lots)
        assert f"/bidding/bids/{mine.public_id}/receipt/" in content
        assert str(theirs.public_id) not in content
    assert "投标" in login(supplier).get("/bidding/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


@pytest.mark.parametrize("who", ["officer", "clerk", "regulator"])
def test_only_a_supplier_has_a_bidding_desk(client, login, lots, who, request):
    assert login(request.getfixturevalue(who)).get("/bidding/").status_code == 403
    assert login(request.getfixturevalue(who)).get("/api/v1/bidding/receipts/").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, lots):
    response = client.get("/bidding/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/bidding/receipts/").status_code == 403


def test_the_desk_and_the_receipts_list_take_a_fixed_number_of_queries(
    login, lots, supplier, django_assert_num_queries
):
    client = login(supplier)
    prepare_bid(lots[0], supplier)
    client.get("/bidding/")
    with django_assert_num_queries(DESK_QUERIES):
        assert client.get("/bidding/").status_code == 200
    with django_assert_num_queries(RECEIPTS_QUERIES):
        assert client.get("/api/v1/bidding/receipts/").status_code == 200
    for lot in lots[1:]:  # three receipts, one of them replaced, over two lots
        prepare_bid(lot, supplier)
    prepare_bid(lots[0], supplier, price="90000.00")
    with django_assert_num_queries(DESK_QUERIES):
        assert client.get("/bidding/").status_code == 200
    with django_assert_num_queries(RECEIPTS_QUERIES):
        assert len(client.get("/api/v1/bidding/receipts/").json()) == 3


DESK_QUERIES = 5
RECEIPTS_QUERIES = 3
