"""bid_upload: a 100 MB bid file streamed, hashed and encrypted by the real upload view, in MB/s,
against a plain upload of the same bytes to a view that only writes them, in the same run.

Sealed: `PUT /bidding/uploads/<key>/?offset=0` with the raw body (bidding.views.file_data ->
bidding.services.receive_file_data: each 1 MiB segment sniffed (the first), encrypted with the
bid's data key (AES-256-GCM) and stored through the storage API as it arrives, the whole file
hashed (SHA-256), the audit event appended). The file is announced first (POST .../files/, not
timed: the plain upload has no such step); the answer must say "complete" with the SHA-256 the
client computed. Plain (the baseline): `PUT /bench/plain-upload/<key>/`, a view that only writes the
streamed body to the storage API in 1 MiB chunks (benchmarks/_plain_upload.py, routed only by this
benchmark's URLconf, benchmarks/_settings.py).

Same transport for both: one gunicorn sync worker (so both run in the same process, whose memory
is watched), the same signed-in supplier session, CSRF cookie and header, the same client
(http.client, one connection per upload, the body sent from memory). The file is random bytes
behind a PDF header (libmagic calls it application/pdf). The kinds alternate (plain, sealed,
sealed, plain, ...) REPS times each after a warm-up of one small upload of each; the median
throughput of each kind is compared. The stored files are deleted after each upload.

Memory: VmRSS of the worker after the warm-up, and its VmRSS and VmHWM (peak) after all the
uploads; the growth is the peak minus the starting RSS.

Target: sealed throughput at least 0.8 of plain, every upload answered as expected, and the
worker's memory growing less than 20 MB. value is the sealed MB/s, baseline_value the plain MB/s.
"""

import hashlib
import http.client
import json
import os
import secrets
import statistics
import time
import uuid

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.crypto import get_random_string

from . import Result, cpus
from ._bid_data import (
    DOCUMENT_KEY,
    HOST,
    ensure_parties,
    ensure_suppliers,
    log,
    memory_kib,
    new_tendering_lot,
    server,
    sign_in,
    sign_out,
    worker_pids,
)

NAME = "bid_upload"
TARGET = 0.8
MEMORY_LIMIT_MB = 20
MIB = 1024 * 1024
SIZE = int(float(os.environ.get("BENCH_UPLOAD_MB", "100")) * 1_000_000)
REPS = int(os.environ.get("BENCH_REPS", "5"))
PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% "


def _body(size: int) -> bytes:
    return PDF_HEAD + secrets.token_bytes(size - len(PDF_HEAD))


class _Client:
    def __init__(self, port: int, session_key: str):
        self.port = port
        self.csrf = get_random_string(32)
        cookies = f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={self.csrf}"
        self.headers = {"Cookie": cookies, "X-CSRFToken": self.csrf}

    def call(self, method: str, path: str, body: bytes = b"", content_type: str = "application/json"):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=600)
        try:
            conn.request(method, path, body=body, headers={**self.headers, "Content-Type": content_type})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


def _sealed(client: _Client, bid_public_id: str, body: bytes, digest: str) -> float:
    key = str(uuid.uuid4())
    announce = {"upload_key": key, "document": DOCUMENT_KEY, "name": "response.pdf", "size": len(body)}
    status, answer = client.call(
        "POST", f"/bidding/bids/{bid_public_id}/files/", json.dumps(announce).encode()
    )
    if status != 200:
        raise RuntimeError(f"announcing the file answered {status}: {answer[:300]!r}")
    started = time.perf_counter()
    status, answer = client.call("PUT", f"/bidding/uploads/{key}/?offset=0", body, "application/octet-stream")
    elapsed = time.perf_counter() - started
    state = json.loads(answer) if status == 200 else {}
    if status != 200 or state.get("status") != "complete" or state.get("sha256") != digest:
        raise RuntimeError(f"the sealed upload answered {status}: {answer[:300]!r}")
    return elapsed


def _plain(client: _Client, body: bytes) -> float:
    started = time.perf_counter()
    status, answer = client.call(
        "PUT", f"/bench/plain-upload/{uuid.uuid4()}/", body, "application/octet-stream"
    )
    elapsed = time.perf_counter() - started
    stored = json.loads(answer) if status == 200 else {}
    if status != 200 or stored.get("size") != len(body):
        raise RuntimeError(f"the plain upload answered {status}: {answer[:300]!r}")
    default_storage.delete(stored["name"])
    return elapsed


def _delete_sealed(bid) -> None:
    """Every stored segment of the bid's files (a discarded file's go on commit; the last stays)."""
    for bid_file in bid.files.all():
        for index in range(bid_file.segments + 1):
            default_storage.delete(f"{bid_file.storage_prefix}/{index:06d}.seg")


def run() -> Result:
    from accounts.models import User
    from bidding import services

    parties = ensure_parties()
    [user_id] = ensure_suppliers(1)
    lot = new_tendering_lot(parties)
    user = User.objects.select_related("active_membership__organisation").get(pk=user_id)
    bid = services.start_bid(lot.pk, actor=user)
    sessions = sign_in([user_id])
    body = _body(SIZE)
    digest = hashlib.sha256(body).hexdigest()
    small = _body(3 * MIB // 2)
    small_digest = hashlib.sha256(small).hexdigest()
    times: dict[str, list[float]] = {"plain": [], "sealed": []}
    try:
        with server(NAME, workers=1, settings_module="benchmarks._settings") as (port, master):
            [worker] = worker_pids(master)
            client = _Client(port, sessions[user_id])
            _plain(client, small)
            _sealed(client, str(bid.public_id), small, small_digest)
            before = memory_kib(worker)
            pattern = ["plain", "sealed", "sealed", "plain"]
            for n in range(2 * REPS):
                kind = pattern[n % 4]
                if kind == "plain":
                    elapsed = _plain(client, body)
                else:
                    elapsed = _sealed(client, str(bid.public_id), body, digest)
                times[kind].append(elapsed)
                log(
                    NAME,
                    f"{kind:6} {SIZE / 1e6:,.0f} MB in {elapsed:.2f} s = {SIZE / 1e6 / elapsed:,.1f} MB/s",
                )
            after = memory_kib(worker)
    finally:
        sign_out(sessions)
        _delete_sealed(bid)
    rates = {kind: SIZE / 1e6 / statistics.median(values) for kind, values in times.items()}
    ratio = rates["sealed"] / rates["plain"]
    growth_mb = (max(after["VmHWM"], after["VmRSS"]) - before["VmRSS"]) / 1024
    log(
        NAME,
        f"{REPS} uploads of {SIZE / 1e6:,.0f} MB each way, one gunicorn sync worker: median plain "
        f"{rates['plain']:,.1f} MB/s, sealed {rates['sealed']:,.1f} MB/s, ratio {ratio:.3f} (target "
        f">= {TARGET}); worker RSS {before['VmRSS'] / 1024:,.1f} MB before, {after['VmRSS'] / 1024:,.1f} MB "
        f"after, peak {after['VmHWM'] / 1024:,.1f} MB: growth {growth_mb:,.1f} MB "
        f"(limit {MEMORY_LIMIT_MB} MB)",
    )
    return Result(
        name=NAME,
        value=round(rates["sealed"], 1),
        unit="MB/s",
        baseline_value=round(rates["plain"], 1),
        ratio=round(ratio, 3),
        target=TARGET,
        met=bool(ratio >= TARGET and growth_mb < MEMORY_LIMIT_MB),
        cpus=cpus(),
    )
