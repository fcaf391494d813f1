"""Data of the bid_burst and bid_upload benchmarks: suppliers in bulk, a fresh tendering lot per run
through the procurement services, draft bids through the bidding service, and signed-in sessions.

Suppliers (organisation, representative, membership, APPROVED registration) are written in bulk and
kept in sunlight_bench between runs (recognised by their username prefix; only the missing ones are
added): the benchmarks measure bidding, not registration. Everything a bid is made of goes through
the real services: the project is filed, approved, entrusted and its tender published by
procurement.services (as the demo does), and each supplier's draft bid is made by
bidding.services.start_bid. The lot's published documents are then narrowed to what the burst
needs: ONE response document, no bid bond, no required licences.

Sessions are made as `Client.force_login` makes them (the auth keys in a cached_db session), in
bulk: rows in django_session and the same entries in the session cache, so a request finds its
session in Redis as after a real login. Supplier representatives need no second factor.
"""

import contextlib
import datetime
import http.client
import multiprocessing
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, connections, transaction
from django.utils import timezone
from stdnum.cn import uscc

ROOT = Path(__file__).resolve().parent.parent
USERNAME_PREFIX = "bench_bid_"
REGION = "330400"
BACKEND = "accounts.backends.MembershipAwareModelBackend"
DOCUMENT_KEY = "bench_response"
RESPONSE_DOCUMENT = {"key": DOCUMENT_KEY, "name_zh": "投标响应文件", "name_en": "Bid response"}
# An 18-character code: "91", the region, "BD" and seven digits, and its check character.
USCC_BODY = "91" + REGION + "BD{n:07d}"


def log(name: str, message: str) -> None:
    print(f"[bench] {name}: {message}", flush=True)


@dataclass(frozen=True)
class Parties:
    clerk_id: int
    approver_ids: list[int]
    officer_id: int


def _person(username: str, organisation, role, limit=None):
    from accounts.models import Membership, User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=f"{username}@bench.sunlight.invalid", first_name="基准")
        user.set_unusable_password()
        user.save()
        membership = Membership.objects.create(
            user=user, organisation=organisation, role=role, approval_limit=limit
        )
        user.active_membership = membership
        user.save(update_fields=["active_membership"])
    return user


def _organisation(kind, n: int, name_zh: str, name_en: str):
    from accounts.models import Organisation

    body = USCC_BODY.format(n=n)
    organisation, _ = Organisation.objects.get_or_create(
        uscc=body + uscc.calc_check_digit(body),
        defaults={"kind": kind, "name_zh": name_zh, "name_en": name_en, "region_code": REGION},
    )
    return organisation


def ensure_parties() -> Parties:
    """A purchaser with a clerk and three approvers, an agency with an officer (kept between runs)."""
    from accounts.models import Organisation, Role

    purchaser = _organisation(
        Organisation.Kind.PURCHASER, 9_000_001, "嘉兴市基准采购人", "Bench bid purchaser"
    )
    agency = _organisation(Organisation.Kind.AGENCY, 9_000_002, "嘉兴市基准代理机构", "Bench bid agency")
    clerk = _person(f"{USERNAME_PREFIX}clerk", purchaser, Role.PURCHASER_CLERK)
    approvers = [
        _person(f"{USERNAME_PREFIX}approver{n}", purchaser, Role.PURCHASER_APPROVER, Decimal(limit))
        for n, limit in enumerate(("5000000", "10000000", "50000000"), start=1)
    ]
    officer = _person(f"{USERNAME_PREFIX}officer", agency, Role.AGENCY_OFFICER)
    return Parties(clerk.pk, [a.pk for a in approvers], officer.pk)


def _acting(user_id: int):
    from accounts.models import User

    return User.objects.select_related("active_membership__organisation").get(pk=user_id)


def ensure_suppliers(count: int) -> list[int]:
    """The ids of `count` supplier representatives (approved suppliers), adding the missing ones in
    bulk."""
    from accounts.models import Membership, Organisation, Role, User
    from suppliers.models import SupplierProfile

    prefix = f"{USERNAME_PREFIX}s"
    have = User.objects.filter(username__startswith=prefix).count()
    if have < count:
        started = time.perf_counter()
        password = make_password(None)  # unusable; these users only ever get forced sessions
        numbers = range(have, count)
        with transaction.atomic():
            organisations = Organisation.objects.bulk_create(
                [
                    Organisation(
                        kind=Organisation.Kind.SUPPLIER,
                        name_zh=f"基准投标供应商{n}",
                        name_en=f"Bench bidder {n}",
                        uscc=USCC_BODY.format(n=n) + uscc.calc_check_digit(USCC_BODY.format(n=n)),
                        region_code=REGION,
                    )
                    for n in numbers
                ],
                batch_size=2000,
            )
            users = User.objects.bulk_create(
                [
                    User(
                        username=f"{prefix}{n:07d}",
                        email=f"{prefix}{n:07d}@bench.sunlight.invalid",
                        first_name="基准",
                        password=password,
                    )
                    for n in numbers
                ],
                batch_size=2000,
            )
            memberships = Membership.objects.bulk_create(
                [
                    Membership(user=user, organisation=organisation, role=Role.SUPPLIER_REPRESENTATIVE)
                    for user, organisation in zip(users, organisations, strict=True)
                ],
                batch_size=2000,
            )
            for user, membership in zip(users, memberships, strict=True):
                user.active_membership = membership
            User.objects.bulk_update(users, ["active_membership"], batch_size=2000)
            SupplierProfile.objects.bulk_create(
                [
                    SupplierProfile(
                        organisation=organisation,
                        status=SupplierProfile.Status.APPROVED,
                        legal_representative="张三",
                        registered_capital=Decimal("5000000.00"),
                        address="浙江省嘉兴市南湖区基准路 1 号",
                        contact_name="李四",
                        contact_phone="0573-88888888",
                        contact_email=f"bidder{organisation.pk}@bench.sunlight.invalid",
                        enterprise_size=SupplierProfile.Size.MEDIUM,
                        bank_name="嘉兴银行",
                        bank_account_name=organisation.name_zh,
                        bank_account_number=f"6222{organisation.pk:012d}",
                        commitment_letter="bench/commitment.pdf",
                        commitment_letter_sha256="0" * 64,
                        categories=["goods"],
                        regions=[REGION],
                    )
                    for organisation in organisations
                ],
                batch_size=2000,
            )
        log(
            "data",
            f"{count - have:,} supplier representatives added in {time.perf_counter() - started:.1f} s",
        )
    return list(
        User.objects.filter(username__startswith=prefix)
        .order_by("username")
        .values_list("pk", flat=True)[:count]
    )


def new_tendering_lot(parties: Parties):
    """A fresh public-tender project with one lot, taken through the procurement services to
    'tendering'; its documents ask for one response document, no bond and no licences."""
    from procurement import methods
    from procurement import services as procurement
    from procurement.models import Lot, Notice, Project, TenderDocument

    clerk = _acting(parties.clerk_id)
    budget = Decimal("3000000.00")
    method = methods.default_method("goods", budget, procurement.bands("goods", on=timezone.localdate()))
    project = procurement.file_project(
        actor=clerk,
        title_zh="基准：投标截止高峰",
        title_en="Bench: the deadline burst",
        category="goods",
        classification_code="A02010104",
        budget=budget,
        funding_source="fiscal_budget",
        method=method,
        lots=[
            {
                "title_zh": "第1包",
                "title_en": "Lot 1",
                "budget": budget,
                "quantity_and_specification": "台式计算机 1000 台",
                "delivery_place": "嘉兴市",
                "delivery_period": "合同签订后 30 日内",
            }
        ],
    )
    project = procurement.submit_project(project.pk, actor=clerk)
    for approver_id in parties.approver_ids[-project.approval_levels :]:
        project = procurement.approve_project(project.pk, actor=_acting(approver_id))
    back = timezone.now() - datetime.timedelta(days=40)
    Project.objects.filter(pk=project.pk).update(approved_at=back, intention_published_on=back.date())
    Notice.objects.filter(project=project, kind=Notice.Kind.INTENTION).update(published_at=back)
    officer = _acting(parties.officer_id)
    procurement.entrust_project(
        project.pk,
        actor=clerk,
        agency_id=officer.active_membership.organisation_id,
        scope="组织公开招标全过程",
    )
    procurement.start_tender_documents(project.pk, actor=officer)
    procurement.publish_tender(project.pk, actor=officer)
    TenderDocument.objects.filter(project=project, status=TenderDocument.Status.PUBLISHED).update(
        response_documents=[RESPONSE_DOCUMENT], bonds={}, required_qualifications=[]
    )
    lot = Lot.objects.select_related("project").get(project=project)
    if lot.status != Lot.Status.OPEN_FOR_BIDS:
        raise RuntimeError(f"the bench lot is {lot.status}, not open for bids")
    return lot


def _draft_worker(lot_id: int, user_ids: list[int], results) -> None:
    from bidding import services

    try:
        out = {}
        for user_id in user_ids:
            out[user_id] = str(services.start_bid(lot_id, actor=_acting(user_id)).public_id)
        results.put(out)
    finally:
        connections.close_all()


def start_drafts(lot_id: int, user_ids: list[int], processes: int = 2) -> dict[int, str]:
    """Each supplier's draft bid for the lot, by bidding.services.start_bid (processes in parallel)."""
    started = time.perf_counter()
    connections.close_all()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    shares = [user_ids[n::processes] for n in range(processes)]
    workers = [context.Process(target=_draft_worker, args=(lot_id, share, results)) for share in shares]
    for worker in workers:
        worker.start()
    drafts: dict[int, str] = {}
    for _ in workers:
        drafts.update(results.get(timeout=3600))
    for worker in workers:
        worker.join(30)
        if worker.exitcode != 0:
            raise RuntimeError(f"a draft maker exited with {worker.exitcode}")
    log("data", f"{len(drafts):,} draft bids started (start_bid) in {time.perf_counter() - started:.1f} s")
    return drafts


def sign_in(user_ids: list[int]) -> dict[int, str]:
    """A signed-in session per user, as Client.force_login leaves it: {user id: session key}."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.cache import caches

    from accounts.models import User

    expire = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    keys, rows, cached = {}, [], {}
    for user in User.objects.filter(pk__in=user_ids).only("pk", "password"):
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: BACKEND,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        key = secrets.token_hex(16)
        store = SessionStore(session_key=key)
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        cached[store.cache_key] = data
        keys[user.pk] = key
    Session.objects.bulk_create(rows, batch_size=2000)
    caches[settings.SESSION_CACHE_ALIAS].set_many(cached, timeout=settings.SESSION_COOKIE_AGE)
    return keys


def sign_out(keys: dict[int, str]) -> None:
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.cache import caches

    Session.objects.filter(session_key__in=list(keys.values())).delete()
    caches[settings.SESSION_CACHE_ALIAS].delete_many(
        [SessionStore(session_key=k).cache_key for k in keys.values()]
    )


def verify_chain():
    """The whole audit chain, as `manage.py verify_audit` checks it (see audit_append)."""
    from audit import selectors
    from audit.chain import verify_chain as verify

    with transaction.atomic():  # a streaming cursor, not a WITH HOLD one
        return verify(selectors.chain_records(), selectors.checkpoint_records())


def db_now():
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


# --- The server ---------------------------------------------------------------------------------

HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def worker_pids(master_pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text()
    except OSError:
        return []
    return [int(pid) for pid in text.split()]


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


@contextlib.contextmanager
def server(name: str, workers: int, settings_module: str | None = None):
    """gunicorn (config.wsgi, sync workers) on a free port of 127.0.0.1 on the benchmark database,
    answering; yields (port, master pid). DJANGO_ENV development, DEBUG off, no access log, no
    control socket (a running `make run` keeps its own)."""
    port = _free_port()
    log_file = tempfile.NamedTemporaryFile(prefix=f"{name}-gunicorn-", suffix=".log", delete=False)
    env = dict(os.environ, DJANGO_ENV="development", DJANGO_DEBUG="false", PYTHONUNBUFFERED="1")
    if settings_module:
        env["DJANGO_SETTINGS_MODULE"] = settings_module
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--timeout=300",
        "--backlog=4096",
        "--log-level=warning",
        "--no-control-socket",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)  # noqa: S603
    done = False
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}: see {log_file.name}")
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
                conn.request("GET", "/favicon.ico")
                conn.getresponse().read()
                conn.close()
                if len(worker_pids(process.pid)) >= workers:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer within 60 s: see {log_file.name}") from None
            time.sleep(0.2)
        yield port, process.pid
        done = True
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()
        if done:
            Path(log_file.name).unlink(missing_ok=True)
        else:
            log(name, f"gunicorn's log is kept in {log_file.name}")
