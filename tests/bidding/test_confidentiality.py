"""Before opening, nothing of a bid is visible anywhere in clear (DESIGN §3, §6): bids carry a
random marker in their files' bytes and names and an unusual price; every page reachable by URL
(for every role, the superuser's admin included), every API list endpoint of the schema, the
e-mails, the logs, the storage folder, a pg_dump of the database, the cache's keys and values
and the tasks sent to the broker are searched for them. After opening the same searches find
them (so the searches work), and a refused read of a receipt is audited."""

import hashlib
import json
import logging
import re
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
from celery.app.base import Celery
from celery.app.task import Task
from django.conf import settings
from django.contrib import admin
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from audit.models import AuditEvent
from bidding import services
from bidding.models import Bid, BidFile
from procurement.models import Notice
from tests.bidding.helpers import lodge_bond, pass_deadline, pdf_bytes, upload, verified

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_transactional_db")]

PRICE = "987654.32"
NEEDLES_OF_PRICE = ("987654.32", "987,654.32")
SKIPPED = ("logout", "/i18n/setlang")


def _paths_without_arguments() -> list[str]:
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            text = str(pattern.pattern)
            if "<" in text or "(" in text or "[" in text or "\\" in text:
                continue
            text = text.lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + text)
            elif isinstance(pattern, URLPattern):
                found.append("/" + prefix + text)

    walk(get_resolver().url_patterns, "")
    return sorted({p for p in found if not any(s in p for s in SKIPPED)})


def _without_tokens(page: bytes) -> bytes:
    """A page without its per-response tokens (CSP nonce, CSRF token)."""
    return re.sub(rb"[A-Za-z0-9_-]{20,}", b"", page)


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


class Searcher:
    def __init__(self, needles):
        self.needles = [n.encode() for n in needles]
        self.hits: list[str] = []

    def look(self, where: str, data) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8", "replace")
        for needle in self.needles:
            if needle in data:
                self.hits.append(f"{where}: {needle.decode()}")


def _client_of(user, *, second_factor=True) -> Client:
    client = Client()
    client.force_login(user, backend="accounts.backends.MembershipAwareModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if second_factor and device is not None:
        from django_otp import DEVICE_ID_SESSION_KEY

        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _api_list_paths(client: Client) -> list[str]:
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = json.loads(_body(schema))["paths"]
    return sorted(p for p, ops in paths.items() if "{" not in p and "get" in ops)


def _pg_dump_binary() -> str:
    """The pg_dump of the embedded server's own PostgreSQL (16), which also dumps an older server
    such as the machine's; Debian's pg_dump 15 refuses the embedded 16."""
    import pgserver

    bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_dump"
    return str(bundled) if bundled.exists() else (shutil.which("pg_dump") or "/usr/bin/pg_dump")


def _pg_dump() -> bytes:
    binary = _pg_dump_binary()
    db = connection.settings_dict
    command = [binary, "--data-only", "-U", db["USER"] or "postgres", "-d", db["NAME"]]
    if db.get("HOST"):
        command += ["-h", db["HOST"]]
    if db.get("PORT"):
        command += ["-p", str(db["PORT"])]
    env = {"PGPASSWORD": db.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, check=True, capture_output=True, env=env, timeout=60).stdout  # noqa: S603


def _redis_contents() -> list[tuple[bytes, bytes]]:
    client = cache._cache.get_client()
    pairs = []
    for key in client.scan_iter(count=500):
        kind = client.type(key)
        if kind == b"string":
            value = client.get(key) or b""
        elif kind == b"hash":
            value = repr(client.hgetall(key)).encode()
        elif kind == b"list":
            value = repr(client.lrange(key, 0, -1)).encode()
        elif kind == b"set":
            value = repr(client.smembers(key)).encode()
        elif kind == b"zset":
            value = repr(client.zrange(key, 0, -1)).encode()
        else:
            value = b""
        pairs.append((key, value))
    return pairs


@pytest.fixture
def sent_tasks(monkeypatch):
    """Every task sent (to the broker or run eagerly), with its arguments."""
    sent = []
    original_send, original_apply = Celery.send_task, Task.apply_async

    def send_task(self, name, args=None, kwargs=None, **options):
        sent.append((name, repr(args), repr(kwargs)))
        return original_send(self, name, args, kwargs, **options)

    def apply_async(self, args=None, kwargs=None, **options):
        sent.append((self.name, repr(args), repr(kwargs)))
        return original_apply(self, args, kwargs, **options)

    monkeypatch.setattr(Celery, "send_task", send_task)
    monkeypatch.setattr(Task, "apply_async", apply_async)
    return sent


@pytest.fixture
def people(tendering_project, supplier_factory, officer, clerk, approvers, regulator, make_member):
    from tests.accounts.factories import UserFactory

    superuser = UserFactory(is_staff=True, is_superuser=True)
    return {
        "supplier": supplier_factory().representative,
        "other_supplier": supplier_factory().representative,
        "third_supplier": supplier_factory().representative,
        "officer": officer,
        "clerk": clerk,
        "approver": approvers[0],
        "regulator": regulator,
        "operator": make_member(Role.OPERATOR),
        "superuser": superuser,
    }


def _bid_urls(lot, bids) -> list[str]:
    urls = [
        reverse("bidding:bid", kwargs={"lot_id": lot.pk}),
        reverse("bidding:opening", kwargs={"lot_id": lot.pk}),
        reverse("bidding:opening_pdf", kwargs={"lot_id": lot.pk}),
        f"/api/v1/bidding/lots/{lot.pk}/opening/",
    ]
    for bid in bids:
        for name in ("receipt", "receipt_pdf", "receipt_json"):
            urls.append(reverse(f"bidding:{name}", kwargs={"public_id": bid.public_id}))
        urls.append(f"/api/v1/bidding/receipts/{bid.public_id}/")
        for upload_key in BidFile.objects.filter(bid=bid).values_list("upload_key", flat=True):
            urls.append(reverse("bidding:file_data", kwargs={"upload_key": upload_key}))
    for notice in Notice.objects.filter(project=lot.project):
        urls.append(f"/notices/{notice.pk}/")
        urls.append(f"/notices/{notice.pk}/documents/")
    urls.append(reverse("procurement:project", kwargs={"project_id": lot.project_id}))
    urls.append(reverse("procurement:documents", kwargs={"project_id": lot.project_id}))
    return urls


def _admin_urls(bids) -> list[str]:
    urls = []
    for model in admin.site._registry:
        meta = model._meta
        try:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        except Exception:  # noqa: BLE001, S112 - a model without a changelist
            continue
        if meta.app_label == "bidding":
            for obj in model.objects.all()[:20]:
                urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
    urls.append("/admin/")
    return urls


def _search_everything(searcher, people, lot, bids, sent_tasks, capfd, caplog, *, pages=True):
    """Every place the issue names; `pages` False skips the (slow) page walk."""
    bid_urls = _bid_urls(lot, bids)
    plain = _paths_without_arguments()
    if pages:
        api_paths = _api_list_paths(_client_of(people["superuser"]))
        for role, user in people.items():
            client = _client_of(user)
            urls = plain + bid_urls + api_paths + (_admin_urls(bids) if role == "superuser" else [])
            for url in urls:
                response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
                assert response.status_code < 500 or url == "/healthz", (role, url, response.status_code)
                searcher.look(f"{role} GET {url}", _body(response))
        anonymous = Client()
        for url in plain + bid_urls:
            response = anonymous.get(url)
            assert response.status_code < 500 or url == "/healthz", ("anonymous", url)
            searcher.look(f"anonymous GET {url}", _body(response))
    for message in mail.outbox:
        searcher.look(f"mail {message.subject}", message.subject + message.body)
        for content, _type in getattr(message, "alternatives", []):
            searcher.look(f"mail {message.subject} (alternative)", content)
        for attachment in message.attachments:
            searcher.look(f"mail {message.subject} (attachment)", repr(attachment))
    searcher.look("caplog", "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records))
    out, err = capfd.readouterr()
    searcher.look("stdout", out)
    searcher.look("stderr", err)
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        searcher.look(f"file name {path}", str(path))
        if path.is_file():
            searcher.look(f"file {path}", path.read_bytes())
    searcher.look("pg_dump", _pg_dump())
    for key, value in _redis_contents():
        searcher.look(f"redis {key!r}", key + b" " + value)
    for name, args, kwargs in sent_tasks:
        searcher.look(f"task {name}", args + kwargs)


def test_nothing_of_a_sealed_bid_is_found_anywhere_before_opening(
    lot_people, sent_tasks, capfd, caplog, login
):
    caplog.set_level(logging.DEBUG)
    lot, people, bids, marker = lot_people
    searcher = Searcher([marker, *NEEDLES_OF_PRICE])
    _search_everything(searcher, people, lot, bids, sent_tasks, capfd, caplog)
    assert searcher.hits == []


def test_the_same_searches_find_the_bids_after_opening(
    lot_people, sent_tasks, capfd, caplog, officer, approvers
):
    caplog.set_level(logging.DEBUG)
    lot, people, bids, marker = lot_people
    pass_deadline(lot.project)
    services.confirm_opening(lot.pk, actor=verified(officer))
    services.confirm_opening(lot.pk, actor=verified(approvers[0]))
    searcher = Searcher([marker, *NEEDLES_OF_PRICE])
    _search_everything(searcher, people, lot, bids, sent_tasks, capfd, caplog, pages=False)
    assert any(hit.startswith("pg_dump: " + marker) for hit in searcher.hits)  # the files' names
    assert any(hit.startswith("pg_dump: 987654.32") for hit in searcher.hits)  # the price
    notice = Notice.objects.get(project=lot.project, kind=Notice.Kind.OPENING_RECORD)
    assert "987,654.32" in notice.body_zh or "987654.32" in notice.body_zh
    for bid in bids:
        for bid_file in BidFile.objects.filter(bid=bid, status=BidFile.Status.COMPLETE):
            content = pdf_bytes(f"{marker}-{bid_file.document_key}")
            assert bid_file.opened_sha256 == bid_file.sha256 == hashlib.sha256(content).hexdigest()
            assert bid_file.name == f"{marker}-{bid_file.document_key}.pdf"
    page = _client_of(people["regulator"]).get(reverse("bidding:opening", kwargs={"lot_id": lot.pk}))
    assert "987,654.32" in page.content.decode()


@pytest.fixture
def lot_people(tendering_project, people):
    lot = tendering_project.lots.order_by("number").first()
    marker = "MRK" + secrets.token_hex(10)
    bids = [
        _bid_with_marker(lot, people[who], marker, f"10.0.0.{n}")
        for n, who in enumerate(("supplier", "other_supplier", "third_supplier"), start=1)
    ]
    assert Bid.objects.filter(lot=lot, status=Bid.Status.SUBMITTED).count() == 3
    return lot, people, bids, marker


def _bid_with_marker(lot, actor, marker, ip):
    """Like helpers.prepare_bid, but the files' names carry the marker too (names are sealed)."""
    lodge_bond(lot, actor)
    bid = services.start_bid(lot.pk, actor=actor)
    for item in services.current_document(lot.project).response_documents:
        key = item["key"]
        upload(bid, actor, key, pdf_bytes(f"{marker}-{key}"), name=f"{marker}-{key}.pdf")
    return services.submit_bid(bid.public_id, actor=actor, price=PRICE, ip_address=ip, user_agent="pytest")


@pytest.mark.parametrize("who", ["other_supplier", "officer", "superuser", "regulator"])
def test_a_refused_read_of_a_receipt_is_audited_and_looks_like_a_missing_bid(lot_people, who):
    lot, people, bids, marker = lot_people
    client = _client_of(people[who])
    url = reverse("bidding:receipt_json", kwargs={"public_id": bids[0].public_id})
    missing = reverse("bidding:receipt_json", kwargs={"public_id": "00000000-0000-4000-8000-000000000000"})
    before = AuditEvent.objects.filter(action="bidding.sealed_read_refused").count()
    foreign, absent = client.get(url), client.get(missing)
    assert foreign.status_code == absent.status_code == 404
    assert _without_tokens(foreign.content) == _without_tokens(absent.content)
    events = AuditEvent.objects.filter(action="bidding.sealed_read_refused").order_by("sequence")
    assert events.count() == before + 2
    assert events[before].actor_id == people[who].pk
    assert events[before].object_id == str(bids[0].pk)
    own = _client_of(people["supplier"]).get(url)
    assert own.status_code == 200 and own.json()["bid"] == str(bids[0].public_id)
