"""The verifiable trail: /audit/verify checks a real receipt of a real sealed bid against the
chain, refuses a changed or forged one without showing anything of another bid, checks one public
event, and its Python recomputes the real chain's head and checks the published checkpoints."""

import hashlib
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit import chain, selectors
from audit.models import AuditCheckpoint, AuditEvent
from audit.services import record_checkpoint, record_event
from disclosure.portal.receipts import receipt_hash
from disclosure.portal.snippet import VERIFY_SNIPPET

from .scenario import SEALED_PRICE

pytestmark = pytest.mark.django_db

URL = "/audit/verify"
ZH = {"accept-language": "zh-hans"}
EN = {"accept-language": "en"}
BACKEND = "accounts.backends.MembershipAwareModelBackend"


def main(response) -> str:
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]


def receipt_of(client, representative, bid) -> dict:
    """The receipt as its supplier downloads it from the bid's receipt page (JSON)."""
    client.force_login(representative, backend=BACKEND)
    receipt = client.get(reverse("bidding:receipt_json", args=[bid.public_id])).json()
    client.logout()
    return receipt


def check(client, receipt, headers=EN):
    text = receipt if isinstance(receipt, str) else json.dumps(receipt)
    return client.post(URL, {"receipt": text}, headers=headers)


def resealed(receipt: dict, **changes) -> dict:
    """The receipt with fields changed and its own SHA-256 made to match again (a careful forger)."""
    changed = receipt | changes
    return changed | {"receipt_sha256": receipt_hash(changed)}


def test_the_page_explains_and_is_public(client, scenario):
    response = client.get(URL, headers=ZH)
    assert response.status_code == 200
    html = main(response)
    assert "审计链" in html
    assert reverse("audit:checkpoints_json") in html
    assert "def chain_head(events)" in html  # the Python, escaped in a <pre>
    assert 'for="id_receipt"' in html and 'for="event-sequence"' in html
    en = main(client.get(URL, headers=EN))
    assert "Recompute the chain head yourself" in en and "Check your bid receipt" in en


def test_a_real_receipt_of_an_opened_bid_is_confirmed_with_its_checkpoint(client, scenario):
    bid = scenario.bids[0]
    receipt = receipt_of(client, scenario.representatives[0], bid)
    assert receipt["status"] == "opened"  # downloaded after the opening
    response = check(client, receipt)
    assert response.status_code == 200
    found = response.context["receipt_check"]
    assert found.outcome == "confirmed" and found.before_deadline
    assert found.chain.ok and found.chain.checkpoint is not None
    assert found.chain.sequence == bid.audit_sequence
    event = AuditEvent.objects.get(sequence=bid.audit_sequence)
    html = main(response)
    assert 'data-outcome="confirmed"' in html and 'data-ok="true"' in html
    # The supplier can recompute the hash from the bytes shown.
    message = re.search(r'data-testid="event-message">(.*?)</pre>', html, re.S).group(1)
    from html import unescape

    assert hashlib.sha256(unescape(message).encode()).hexdigest() == event.hash
    assert "It was received before the deadline." in html


def test_a_real_receipt_of_a_sealed_bid_is_confirmed_without_its_price(client, scenario):
    receipt = receipt_of(client, scenario.sealed_representative, scenario.sealed_bid)
    assert receipt["status"] == "submitted"
    response = check(client, receipt, headers=ZH)
    assert response.context["receipt_check"].outcome == "confirmed"
    html = response.content.decode()
    assert SEALED_PRICE not in html and "777,777.77" not in html


def test_a_changed_receipt_is_refused_as_altered(client, scenario):
    receipt = receipt_of(client, scenario.representatives[1], scenario.bids[1])
    receipt["files"][0]["sha256"] = "0" * 64
    response = check(client, receipt)
    assert response.status_code == 400
    assert response.context["receipt_check"].outcome == "altered"
    assert "has been changed since it was issued" in main(response)
    zh = check(client, receipt, headers=ZH)
    assert "这份回执在签发后被改动过" in main(zh)


def test_a_forged_receipt_with_a_matching_hash_is_not_in_the_chain_and_shows_nothing(client, scenario):
    receipt = receipt_of(client, scenario.representatives[1], scenario.bids[1])
    forged = resealed(receipt, files=[{**receipt["files"][0], "sha256": "1" * 64}, *receipt["files"][1:]])
    response = check(client, forged)
    assert response.status_code == 200
    assert response.context["receipt_check"].outcome == "unknown"
    html = main(response)
    real = AuditEvent.objects.get(sequence=receipt["audit_sequence"])
    assert real.hash not in html and 'data-testid="event-message"' not in html


def test_a_receipt_pointing_at_another_bids_event_reveals_nothing_of_that_bid(client, scenario):
    mine = receipt_of(client, scenario.representatives[2], scenario.bids[2])
    sealed = scenario.sealed_bid
    forged = resealed(mine, audit_sequence=sealed.audit_sequence)
    response = check(client, forged)
    assert response.context["receipt_check"].outcome == "unknown"
    html = response.content.decode()
    theirs = AuditEvent.objects.get(sequence=sealed.audit_sequence)
    assert theirs.hash not in html
    for value in theirs.data["files"].values():
        assert value not in html
    assert theirs.data["sealed_price_sha256"] not in html
    # Naming the sealed bid itself with my files: still nothing.
    stolen = resealed(
        mine, bid=str(sealed.public_id), lot=sealed.lot_id, audit_sequence=sealed.audit_sequence
    )
    assert check(client, stolen).context["receipt_check"].outcome == "unknown"


@pytest.mark.parametrize(
    "text",
    [
        "hello",
        "[]",
        "{}",
        '{"bid": "x"}',
        "💥" * 10,
        "x" * 70_000,
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        '{"a": ' * 5000 + "1" + "}" * 5000,
    ],
)
def test_garbage_is_refused_with_a_clear_message(client, scenario, text):
    response = check(client, text)
    assert response.status_code == 400
    html = main(response)
    assert 'role="alert"' in html
    assert "<script>alert(1)</script>" not in html


def test_a_receipt_with_a_wrong_field_type_says_which_field(client, scenario):
    receipt = receipt_of(client, scenario.representatives[0], scenario.bids[0])
    response = check(client, receipt | {"audit_sequence": "seven"})
    assert response.status_code == 400
    assert "audit_sequence" in main(response)
    zh = check(client, receipt | {"received_at": "yesterday"}, headers=ZH)
    assert zh.status_code == 400 and "received_at" in main(zh)


def test_a_receipt_file_is_read_like_pasted_text(client, scenario):
    receipt = receipt_of(client, scenario.representatives[0], scenario.bids[0])
    upload = SimpleUploadedFile("receipt.json", json.dumps(receipt).encode(), content_type="application/json")
    response = client.post(URL, {"receipt_file": upload})
    assert response.context["receipt_check"].outcome == "confirmed"
    both = client.post(
        URL,
        {"receipt": json.dumps(receipt), "receipt_file": SimpleUploadedFile("r.json", b"{}")},
        headers=EN,
    )
    assert both.status_code == 400 and "not both" in main(both)
    binary = client.post(URL, {"receipt_file": SimpleUploadedFile("r.json", b"\xff\xfe\x00garbage")})
    assert binary.status_code == 400
    assert client.post(URL, {}).status_code == 400


def test_verifying_is_rate_limited(client, scenario, settings):
    settings.PUBLIC_RATE_LIMIT = "2/minute"
    assert client.get(URL).status_code == 200
    assert check(client, "{}").status_code == 400
    refused = check(client, "{}")
    assert refused.status_code == 429 and refused["Retry-After"]


# --- One public event -------------------------------------------------------------------------------


def test_a_public_event_is_checked_up_to_its_checkpoint(client, scenario, django_assert_num_queries):
    event = AuditEvent.objects.filter(
        object_type="procurement.project", object_id=str(scenario.project.pk)
    ).first()
    # The head and latest checkpoint of the page; the event and its object; the check: the event,
    # its checkpoint, the segment.
    with django_assert_num_queries(7):
        response = client.get(URL, {"sequence": event.sequence}, headers=EN)
    assert response.status_code == 200
    checked = response.context["event_check"]
    assert checked.ok and checked.checkpoint.sequence >= event.sequence
    html = main(response)
    assert event.hash in html and event.previous_hash in html
    assert reverse("disclosure:project", args=[scenario.project.pk]) in html
    assert event.actor_label not in html  # who acted stays out


def test_events_that_are_not_public_look_like_missing_ones(client, scenario):
    sealed = AuditEvent.objects.get(sequence=scenario.sealed_bid.audit_sequence)
    login = record_event("accounts.login", actor=scenario.clerk, target=scenario.clerk)
    for sequence in (sealed.sequence, login.sequence, 10**15, "abc", "-1", "9" * 40, ""):
        response = client.get(URL, {"sequence": sequence}, headers=EN)
        assert response.status_code == 404, sequence
        html = main(response)
        assert 'data-testid="event-missing"' in html
        assert sealed.hash not in html


def test_an_opened_bids_event_is_public_after_the_opening(client, scenario):
    response = client.get(URL, {"sequence": scenario.bids[0].audit_sequence})
    assert response.status_code == 200 and response.context["event_check"].ok


def test_a_forged_checkpoint_is_caught(client, scenario):
    event = record_event("tests.step", target=scenario.project, data={"n": 1})
    AuditCheckpoint.objects.create(
        sequence=event.sequence,
        head_hash=event.hash,
        signed_at=event.occurred_at,
        signature="ab" * 64,
        public_key=AuditCheckpoint.objects.latest("sequence").public_key,
        key_fingerprint="cd" * 32,
    )
    response = client.get(URL, {"sequence": event.sequence}, headers=EN)
    checked = response.context["event_check"]
    assert checked.hash_recomputes and checked.links_hold
    assert checked.signature_valid is False and not checked.ok
    assert 'data-ok="false"' in main(response)


def test_an_event_after_the_last_checkpoint_waits_for_the_next(client, scenario):
    event = record_event("tests.step", target=scenario.project, data={"n": 2})
    checked = client.get(URL, {"sequence": event.sequence}).context["event_check"]
    assert checked.checkpoint is None and checked.links_hold and checked.ok
    record_checkpoint()
    checked = client.get(URL, {"sequence": event.sequence}).context["event_check"]
    assert checked.checkpoint.sequence == event.sequence and checked.ok


# --- The Python of the page, run against the real chain ---------------------------------------------


def _exported(record: chain.EventRecord) -> dict:
    """An event as an export gives it: its stored fields, the time in the canonical UTC form."""
    return {
        "sequence": record.sequence,
        "occurred_at": chain.format_time(record.occurred_at),
        "action": record.action,
        "actor_id": record.actor_id,
        "actor_label": record.actor_label,
        "organisation_id": record.organisation_id,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "data": json.loads(json.dumps(record.data)),
        "previous_hash": record.previous_hash,
        "hash": record.hash,
    }


def test_the_pages_python_recomputes_the_head_and_checks_the_published_checkpoints(client, scenario):
    shown = main(client.get(URL))
    from html import unescape

    code = unescape(re.search(r'data-testid="snippet"><code>(.*?)</code>', shown, re.S).group(1))
    assert code == VERIFY_SNIPPET
    namespace: dict = {}
    exec(compile(code, "verify.py", "exec"), namespace)  # noqa: S102 - the page's own published code
    events = [_exported(record) for record in selectors.chain_records()]
    head = selectors.chain_head()
    assert namespace["chain_head"](events) == (head.sequence, head.hash)
    published = client.get(reverse("audit:checkpoints_json")).json()["checkpoints"]
    assert published and all(namespace["checkpoint_is_signed"](cp) for cp in published)
    assert not namespace["checkpoint_is_signed"](published[-1] | {"head_hash": "0" * 64})
    events[1]["data"] = {"changed": True}
    with pytest.raises(AssertionError, match="altered"):
        namespace["chain_head"](events)
