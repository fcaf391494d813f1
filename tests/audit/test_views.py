"""The public chain page and the JSON head endpoint."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit import chain, selectors
from audit.models import AuditCheckpoint
from audit.services import record_checkpoint, record_event
from tests.accounts.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain_with_checkpoints():
    """Five events and three checkpoints, so an N+1 in the page or the API would show."""
    org = OrganisationFactory()
    for n in range(5):
        record_event("tests.step", organisation=org, target=org, data={"n": n})
        if n >= 2:
            record_checkpoint()
    return org


def test_the_page_is_public_and_shows_the_head(client, chain_with_checkpoints):
    response = client.get(reverse("audit:chain"))
    assert response.status_code == 200
    head = chain.verify_chain(selectors.chain_records()).head_hash
    assert response.context["head_sequence"] == 5
    assert response.context["head_hash"] == head
    html = response.content.decode()
    assert head in html
    assert 'data-testid="head-sequence">5<' in html


def test_the_page_lists_checkpoints_with_signatures_and_the_public_key(client, chain_with_checkpoints):
    response = client.get(reverse("audit:chain"))
    checkpoints = response.context["checkpoints"]
    assert [c.sequence for c in checkpoints] == [5, 4, 3]
    html = response.content.decode()
    for checkpoint in checkpoints:
        assert checkpoint.signature in html
    assert "BEGIN PUBLIC KEY" in html
    assert "verify_audit" in html


def test_the_page_query_count_is_pinned(client, chain_with_checkpoints, django_assert_num_queries):
    with django_assert_num_queries(2):  # the head, the latest checkpoints
        response = client.get(reverse("audit:chain"))
    assert response.status_code == 200


def test_the_page_on_an_empty_chain_shows_sequence_0_and_the_genesis_hash(client):
    response = client.get(reverse("audit:chain"))
    assert response.status_code == 200
    assert response.context["head_sequence"] == 0
    assert chain.GENESIS_HASH in response.content.decode()


def test_the_page_speaks_chinese_and_english(client):
    zh = client.get(reverse("audit:chain"), headers={"accept-language": "zh-hans"}).content.decode()
    en = client.get(reverse("audit:chain"), headers={"accept-language": "en"}).content.decode()
    assert "审计链" in zh
    assert "Audit chain" in en
    assert "审计链" not in en.split("<main")[1]


def test_the_page_has_no_inline_script_or_style(client, chain_with_checkpoints):
    html = client.get(reverse("audit:chain")).content.decode()
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert "<script" not in main
    assert "style=" not in main
    assert "<style" not in main


def test_the_page_refuses_post(client):
    assert client.post(reverse("audit:chain")).status_code == 405


def test_the_head_endpoint_is_public_and_returns_the_head_and_checkpoint(client, chain_with_checkpoints):
    response = client.get(reverse("audit_api:head"))
    assert response.status_code == 200
    body = response.json()
    head = chain.verify_chain(selectors.chain_records())
    assert (body["sequence"], body["hash"]) == (5, head.head_hash)
    assert body["occurred_at"]
    checkpoint = body["checkpoint"]
    assert (checkpoint["sequence"], checkpoint["head_hash"]) == (5, head.head_hash)
    fields = {"sequence", "head_hash", "signed_at", "signature", "public_key", "key_fingerprint"}
    assert set(checkpoint) == fields
    assert len(checkpoint["signature"]) == 128


def test_the_head_endpoint_query_count_is_pinned(client, chain_with_checkpoints, django_assert_num_queries):
    with django_assert_num_queries(2):  # the head, the latest checkpoint
        assert client.get(reverse("audit_api:head")).status_code == 200


def test_the_head_endpoint_on_an_empty_chain(client):
    body = client.get(reverse("audit_api:head")).json()
    assert body == {"sequence": 0, "hash": chain.GENESIS_HASH, "occurred_at": None, "checkpoint": None}


def test_the_head_endpoint_is_read_only(client):
    response = client.post(reverse("audit_api:head"), {})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_a_logged_in_user_gets_the_same_head(client, make_member, login, chain_with_checkpoints):
    from accounts.models import Role

    anonymous = client.get(reverse("audit_api:head")).json()
    user = make_member(Role.REGULATOR)
    logged_in = login(user, verified=False).get(reverse("audit_api:head"))
    assert logged_in.status_code == 200
    assert logged_in.json() == anonymous


def test_the_head_endpoint_is_in_the_openapi_schema(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/v1/audit/head/"]["get"]
    assert operation["operationId"] == "audit_head"
    assert operation["security"] == [{}]  # no authentication
    head = schema["components"]["schemas"]["ChainHead"]
    assert set(head["properties"]) == {"sequence", "hash", "occurred_at", "checkpoint"}


@pytest.mark.parametrize(
    ("language", "zone"),
    [("zh-hans", "（北京时间，UTC+8）"), ("en", " (Beijing time, UTC+8)")],
)
def test_times_are_shown_to_the_second_with_the_zone_spelled_out(
    client, chain_with_checkpoints, language, zone
):
    response = client.get(reverse("audit:chain"), headers={"accept-language": language})
    html = response.content.decode()
    head = selectors.chain_head().occurred_at
    local = timezone.localtime(head)
    shown = local.strftime("%Y-%m-%d %H:%M:%S") + zone
    # The exact instant stays machine-readable; people read seconds and an unambiguous zone.
    assert f'<time datetime="{local.isoformat()}" data-testid="head-time">{shown}</time>' in html
    times = re.findall(r"<time datetime=\"([^\"]+)\"[^>]*>([^<]+)</time>", html)
    assert len(times) == 1 + len(response.context["checkpoints"])
    for exact, text in times:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+08:00", exact)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d" + re.escape(zone), text)
    # No ambiguous zone abbreviation anywhere in the text (keys and hashes, which are random
    # base64 or hex and could spell "CST" by chance, are left out).
    text_only = re.sub(r"<pre\b.*?</pre>|<code\b.*?</code>", "", html, flags=re.DOTALL)
    assert "CST" not in text_only


# --- Every checkpoint: the page and the JSON -------------------------------------------------------


def test_the_chain_page_links_every_checkpoint_the_json_and_the_verification(client):
    html = client.get(reverse("audit:chain")).content.decode()
    assert reverse("audit:checkpoints") in html
    assert reverse("audit:checkpoints_json") in html
    assert "/audit/verify" in html


def test_the_checkpoints_page_lists_all_with_signatures_and_keys(client, chain_with_checkpoints):
    response = client.get(reverse("audit:checkpoints"), headers={"accept-language": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    for checkpoint in AuditCheckpoint.objects.all():
        assert checkpoint.signature in html and checkpoint.head_hash in html
    assert "BEGIN PUBLIC KEY" in html
    assert "Signed checkpoints" in html


def test_the_checkpoints_page_query_count_is_pinned(
    client, chain_with_checkpoints, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert client.get(reverse("audit:checkpoints")).status_code == 200


def test_the_checkpoints_page_pages_by_sequence(client, chain_with_checkpoints, monkeypatch):
    from audit import views

    monkeypatch.setattr(views, "CHECKPOINTS_PAGE_SIZE", 2)
    first = client.get(reverse("audit:checkpoints"))
    assert [c.sequence for c in first.context["checkpoints"]] == [5, 4]
    second = client.get(reverse("audit:checkpoints"), {"before": first.context["next_before"]})
    assert [c.sequence for c in second.context["checkpoints"]] == [3]
    assert second.context["next_before"] is None


@pytest.mark.parametrize("before", ["abc", "-3", "9" * 30])
def test_a_forged_checkpoint_cursor_is_refused(client, before):
    response = client.get(reverse("audit:checkpoints"), {"before": before}, headers={"accept-language": "en"})
    assert response.status_code == 400
    assert "This page link is broken" in response.content.decode()


def test_the_checkpoints_json_gives_every_signed_message(client, chain_with_checkpoints):
    response = client.get(reverse("audit:checkpoints_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="audit-checkpoints.json"'
    body = response.json()
    assert body["purpose"] == chain.CHECKPOINT_PURPOSE and body["signature"] == "Ed25519"
    assert [c["sequence"] for c in body["checkpoints"]] == [3, 4, 5]
    for item in body["checkpoints"]:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", item["signed_at"])
        signed_at = datetime.datetime.fromisoformat(item["signed_at"].replace("Z", "+00:00"))
        message = chain.checkpoint_message(item["sequence"], item["head_hash"], signed_at)
        assert item["message"] == message.decode()
        assert chain.signature_is_valid(item["public_key"], item["signature"], message)


def test_the_checkpoints_json_on_an_empty_chain(client):
    assert client.get(reverse("audit:checkpoints_json")).json()["checkpoints"] == []
