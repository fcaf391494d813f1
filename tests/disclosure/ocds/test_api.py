"""The OCDS API over stored releases (rows written from the plain scenario): keyset pages with an
opaque signed cursor, the date and buyer filters, one release, the record of a lot, and bad input:
a forged cursor, a page size over the cap, a malformed date, an unknown id, too many requests."""

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from disclosure.ocds import api, validation
from tests.disclosure.ocds import scenario

pytestmark = pytest.mark.django_db

OTHER_BUYER = scenario.org(6, "嘉兴市财政局", "Jiaxing Finance Bureau")
RELEASES = reverse("ocds:releases")


@pytest.fixture
def stored(ocds_lot, make_release_rows):
    """The lifecycle of lot 1 (14 releases, buyer: the school) and the other endings (7 releases,
    another buyer), in date order by (date, id)."""
    lifecycle = scenario.lifecycle()
    others = [replace(e, process=replace(e.process, purchaser=OTHER_BUYER)) for e in scenario.other_endings()]
    make_release_rows(lifecycle + others, ocds_lot)
    return sorted(lifecycle + others, key=lambda e: (e.date, e.release_id))


def ids(response) -> list[str]:
    return [release["id"] for release in response.json()["releases"]]


def test_the_releases_are_paged_oldest_first_with_links_next(client, stored, django_assert_num_queries):
    seen, url, pages = [], f"{RELEASES}?page_size=5", 0
    while url:
        with django_assert_num_queries(1):
            response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
        body = response.json()
        assert body["version"] == "1.1" and body["publisher"]["name"]
        assert body["license"].startswith("https://") and body["publicationPolicy"].endswith("/api/ocds/")
        assert body["extensions"] == [
            "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"
        ]
        seen += ids(response)
        pages += 1
        next_url = body.get("links", {}).get("next")
        url = next_url and next_url.removeprefix("http://testserver")
    assert pages == 5
    assert len(seen) == len(set(seen)) == 21
    by_id = {e.release_id: e for e in stored}
    assert [(by_id[i].date, i) for i in seen] == sorted((by_id[i].date, i) for i in seen)


def test_a_page_is_a_valid_release_package(client, stored):
    body = client.get(f"{RELEASES}?page_size=21").json()
    assert "links" not in body
    assert validation.errors(body) == []


def test_the_cursor_keeps_the_filters_and_is_opaque(client, stored):
    first = client.get(f"{RELEASES}?page_size=2&since=2026-04-01").json()
    query = parse_qs(urlsplit(first["links"]["next"]).query)
    assert query["since"] == ["2026-04-01"] and query["page_size"] == ["2"]
    assert "2026" not in query["cursor"][0]  # not a readable position
    second = client.get(first["links"]["next"].removeprefix("http://testserver")).json()
    assert all(r["date"] >= "2026-04-01" for r in first["releases"] + second["releases"])


def test_the_date_filters_cover_whole_days_in_beijing_time(client, stored):
    response = client.get(f"{RELEASES}?since=2026-03-11&until=2026-03-15&page_size=100")
    assert ids(response) == [
        "ocds-sunl1t-330400-2026-000001-1-3",
        "ocds-sunl1t-330400-2026-000001-1-4",
        "ocds-sunl1t-330400-2026-000001-1-5",
    ]
    moment = client.get(f"{RELEASES}", {"since": "2026-03-15T01:30:00Z", "until": "2026-03-15T01:30:01Z"})
    assert ids(moment) == ["ocds-sunl1t-330400-2026-000001-1-5"]


def test_the_buyer_filter_takes_the_code_or_the_party_id(client, stored):
    by_code = client.get(f"{RELEASES}?page_size=100&buyer={OTHER_BUYER.uscc.lower()}")
    by_party = client.get(f"{RELEASES}?page_size=100&buyer=CN-USCC-{OTHER_BUYER.uscc}")
    assert ids(by_code) == ids(by_party)
    assert len(ids(by_code)) == 7
    assert {r["buyer"]["id"] for r in by_code.json()["releases"]} == {OTHER_BUYER.party_id}
    assert ids(client.get(f"{RELEASES}?buyer=91330400MA0000099X")) == []


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("cursor=forged", "invalid_cursor"),
        ("page_size=1001", "invalid_page_size"),
        ("page_size=0", "invalid_page_size"),
        ("page_size=ten", "invalid_page_size"),
        ("since=2026-02-30", "invalid_filter"),
        ("until=yesterday", "invalid_filter"),
        ("buyer=' OR 1=1 --", "invalid_filter"),
    ],
)
def test_bad_input_is_a_clear_400(client, stored, query, code):
    response = client.get(f"{RELEASES}?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["detail"]


def test_a_changed_cursor_is_refused_and_the_message_is_translated(client, stored):
    cursor = api.encode_cursor((stored[3].date, 999))
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    response = client.get(RELEASES, {"cursor": tampered}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"
    english = client.get(RELEASES, {"cursor": tampered}, HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert "page link" in english
    assert client.get(RELEASES, {"cursor": cursor}).status_code == 200


def test_the_page_size_cap_is_the_setting(client, stored, settings):
    settings.OCDS_MAX_PAGE_SIZE = 3
    response = client.get(f"{RELEASES}?page_size=4")
    assert response.status_code == 400 and "3" in response.json()["detail"]
    assert len(ids(client.get(f"{RELEASES}?page_size=3"))) == 3


def test_one_release_in_a_package(client, stored, django_assert_num_queries):
    release_id = stored[6].release_id
    with django_assert_num_queries(1):
        response = client.get(reverse("ocds:release", args=[release_id]))
    body = response.json()
    assert [r["id"] for r in body["releases"]] == [release_id]
    assert body["uri"].endswith(f"/api/ocds/releases/{release_id}/")
    missing = client.get(reverse("ocds:release", args=["ocds-sunl1t-nothing-1-1"]))
    assert missing.status_code == 404 and missing.json()["code"] == "release_not_found"


def test_the_record_of_a_lot(client, stored, django_assert_num_queries):
    ocid = scenario.process().ocid
    with django_assert_num_queries(1):
        response = client.get(reverse("ocds:record", args=[ocid]))
    body = response.json()
    (record,) = body["records"]
    assert record["ocid"] == ocid and len(record["releases"]) == 14
    assert record["releases"][0]["url"].endswith(f"#{record['releases'][0]['url'].split('#')[1]}")
    assert record["releases"][0]["tag"] == ["planning"]
    assert record["compiledRelease"]["contracts"][0]["status"] == "terminated"
    assert validation.errors(body) == []


def test_an_unknown_ocid_is_a_404_in_json(client, stored):
    url = reverse("ocds:record", args=["ocds-sunl1t-330400-2026-999999-1"])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {
        "code": "record_not_found",
        "detail": "There is no contracting process with this ocid.",
    }
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert chinese == {"code": "record_not_found", "detail": "没有该 ocid 的采购过程。"}


def test_more_requests_than_the_limit_get_429(client, stored, settings):
    settings.PUBLIC_RATE_LIMIT = "3/minute"
    for _ in range(3):
        assert client.get(f"{RELEASES}?page_size=1").status_code == 200
    response = client.get(reverse("ocds:record", args=[scenario.process().ocid]))
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert response.json()["code"] == "throttled"
    other = client.get(f"{RELEASES}?page_size=1", REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200  # the limit is per address
