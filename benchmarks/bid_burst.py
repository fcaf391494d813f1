"""bid_burst: the last minute before a bid deadline, in bid submissions per second over real HTTP.

Data (benchmarks/_bid_data.py): RATE x SECONDS approved suppliers with representatives (bulk rows,
kept between runs), a fresh tendering lot per run taken through the procurement services, whose
documents ask for ONE response document and no bond; each representative signed in beforehand (a
forced session, as Client.force_login makes; supplier representatives need no second factor).

Measured, per bid: one submission of a whole bid — the sealed price and one small file (a 20 KB
PDF, different per bid) — in one request to the API a supplier's bidding tool uses,
POST /api/v1/bidding/lots/<id>/bids/ (multipart), through the real view and service: the file is
sniffed, encrypted and stored, the price sealed, the receipt time read from the database clock and
the audit event appended; the answer must be 201 with the receipt whose file SHA-256 is the one the
client computed. (The browser's resumable path — announce, PUT, submit: three requests — serves
large files; bid_upload measures its throughput.)

Server: gunicorn, config.wsgi, WORKERS sync workers on 127.0.0.1, the benchmark database. Load:
open loop, one asyncio process (new connection per request, as sync workers close each), bid n
due at n / RATE s; a bid's first request is timed from when it was due (so a server falling behind
shows in the latencies, not in a slower arrival rate), the others from when they were sent; at
most MAX_IN_FLIGHT bids at once. The generator shares the two cores with the server.

After: every bid submitted with a receipt time not after the deadline (database clock), and the
whole audit chain verifies. Then, for comparison only, the same services called directly
(SERVICE_PROCESSES processes, each with its own database connection, closed loop, no HTTP) for
SERVICE_SECONDS, to show what the service layer alone sustains on this machine.

Target: at least 200 bids/s (value: completed bids over the time from the first due to the last
answer), p99 of every request under 250 ms, no error, receipts in time, chain verified.
"""

import asyncio
import hashlib
import json
import math
import multiprocessing
import os
import statistics
import time

from django.conf import settings
from django.db import connections
from django.utils.crypto import get_random_string

from . import Result, cpus
from ._bid_data import (
    DOCUMENT_KEY,
    HOST,
    db_now,
    ensure_parties,
    ensure_suppliers,
    log,
    new_tendering_lot,
    server,
    sign_in,
    sign_out,
    verify_chain,
)

NAME = "bid_burst"
TARGET = 200.0  # bids/s
P99_TARGET_MS = 250.0
RATE = float(os.environ.get("BENCH_RATE", "200"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "5"))
MAX_IN_FLIGHT = int(os.environ.get("BENCH_IN_FLIGHT", "256"))
SERVICE_PROCESSES = int(os.environ.get("BENCH_SERVICE_PROCESSES", "4"))
SERVICE_SECONDS = float(os.environ.get("BENCH_SERVICE_SECONDS", "10"))
WARM_UP = 40  # bids, before the window, a few at a time
FILE_BYTES = 20 * 1024
TIMEOUT = 60.0
KINDS = ("submit",)
BOUNDARY = "sunlightbenchboundary"


def _pdf(n: int) -> bytes:
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + f"% bid {n}\n".encode()
    return head + b"0" * (FILE_BYTES - len(head) - 6) + b"%%EOF\n"


def _price(n: int) -> str:
    return f"{2_500_000 + n * 7 % 400_000}.00"


class _Http:
    """HTTP/1.1 over asyncio streams: one connection per request (gunicorn's sync workers close)."""

    def __init__(self, port: int):
        self.port = port
        self.csrf = get_random_string(32)

    async def call(self, method: str, path: str, session: str, body: bytes, content_type: str):
        reader, writer = await asyncio.open_connection(HOST, self.port)
        try:
            head = (
                f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\n"
                f"Cookie: {settings.SESSION_COOKIE_NAME}={session}; "
                f"{settings.CSRF_COOKIE_NAME}={self.csrf}\r\n"
                f"X-CSRFToken: {self.csrf}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + body)
            await writer.drain()
            data = await reader.read()
        finally:
            writer.close()
        header, _, payload = data.partition(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        return status, headers, payload


def _multipart(price: str, content: bytes) -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="price"\r\n\r\n{price}\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{DOCUMENT_KEY}"; '
            f'filename="response.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


async def _bid(http: _Http, n: int, lot_id: int, session: str, due: float, out: dict) -> None:
    """One whole bid in one request. Latency from when the bid was due; errors in out['errors']."""
    content = _pdf(n)
    digest = hashlib.sha256(content).hexdigest()
    try:
        status, _headers, payload = await asyncio.wait_for(
            http.call(
                "POST",
                f"/api/v1/bidding/lots/{lot_id}/bids/",
                session,
                _multipart(_price(n), content),
                f"multipart/form-data; boundary={BOUNDARY}",
            ),
            TIMEOUT,
        )
    except (OSError, TimeoutError) as error:
        out["errors"].append(f"submit: {error!r}")
        return
    out["latency"]["submit"].append(time.monotonic() - due)
    try:
        receipt = json.loads(payload or b"{}")
        ok = status == 201 and receipt["files"][0]["sha256"] == digest and receipt["received_at"]
    except (ValueError, KeyError, IndexError):
        ok = False
    if not ok:
        out["errors"].append(f"submit: {status} {payload[:200]!r}")
        return
    out["done"] += 1
    out["last"] = time.monotonic()


async def _burst(port: int, lot_id: int, bids: list[str], warm_up: list[str]) -> dict:
    http = _Http(port)
    scratch = {"latency": {k: [] for k in KINDS}, "errors": [], "done": 0, "last": 0.0}
    for start in range(0, len(warm_up), 4):
        await asyncio.gather(
            *(
                _bid(http, -1 - i, lot_id, session, time.monotonic(), scratch)
                for i, session in enumerate(warm_up[start : start + 4], start=start)
            )
        )
    if scratch["errors"]:
        raise RuntimeError(f"the warm-up failed: {scratch['errors'][:3]}")
    out = {"latency": {k: [] for k in KINDS}, "errors": [], "done": 0, "last": 0.0, "late_starts": 0}
    gate = asyncio.Semaphore(MAX_IN_FLIGHT)
    began = time.monotonic()

    async def one(n: int, session: str) -> None:
        due = began + n / RATE
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        async with gate:
            if time.monotonic() - due > 0.05:
                out["late_starts"] += 1
            await _bid(http, n, lot_id, session, due, out)

    await asyncio.gather(*(one(n, session) for n, session in enumerate(bids)))
    out["began"] = began
    return out


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


# --- The service layer alone, for comparison -------------------------------------------------------


def _service_worker(lot_id: int, work: list[tuple[int, int]], barrier, results) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from bidding import services

    latencies, errors, began = [], 0, time.perf_counter()
    try:
        actors = {
            uid: User.objects.select_related("active_membership__organisation").get(pk=uid) for uid, _ in work
        }
        barrier.wait()
        began = time.perf_counter()
        stop_at = time.time() + SERVICE_SECONDS
        for uid, n in work:
            if time.time() >= stop_at:
                break
            started = time.perf_counter()
            try:
                actor = actors[uid]
                upload = SimpleUploadedFile("response.pdf", _pdf(n), content_type="application/pdf")
                services.submit_sealed_bid(
                    lot_id, actor=actor, price=_price(n), files={DOCUMENT_KEY: upload}, ip_address="127.0.0.1"
                )
            except Exception:  # noqa: BLE001 - counted and reported
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)
        results.put((latencies, errors, time.perf_counter() - began))
    finally:
        connections.close_all()


def _service_layer(lot_id: int, work: list[tuple[int, int]]) -> tuple[float, list[float], int]:
    """Bids/s, latencies and errors of SERVICE_PROCESSES processes calling the services directly."""
    connections.close_all()  # each process opens its own connection
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(SERVICE_PROCESSES), context.Queue()
    processes = [
        context.Process(target=_service_worker, args=(lot_id, work[n::SERVICE_PROCESSES], barrier, results))
        for n in range(SERVICE_PROCESSES)
    ]
    for process in processes:
        process.start()
    outs = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(30)
    latencies = [x for lat, _errors, _elapsed in outs for x in lat]
    elapsed = statistics.mean(e for _lat, _errors, e in outs)
    return len(latencies) / elapsed, latencies, sum(e for _lat, e, _elapsed in outs)


def run() -> Result:
    from bidding.models import Bid

    parties = ensure_parties()
    count = math.ceil(RATE * SECONDS)
    service_count = math.ceil(TARGET * 1.5 * SERVICE_SECONDS) if SERVICE_SECONDS > 0 else 0
    users = ensure_suppliers(WARM_UP + count + service_count)
    lot = new_tendering_lot(parties)
    http_users, service_users = users[: WARM_UP + count], users[WARM_UP + count :]
    sessions = sign_in(http_users)
    pairs = [sessions[uid] for uid in http_users]
    try:
        with server(NAME, workers=WORKERS) as (port, _master):
            log(
                NAME,
                f"{count:,} bids due at {RATE:g}/s for {SECONDS:g} s against {WORKERS} gunicorn sync workers",
            )
            out = asyncio.run(_burst(port, lot.pk, pairs[WARM_UP:], pairs[:WARM_UP]))
    finally:
        sign_out(sessions)
    elapsed = (out["last"] - out["began"]) if out["done"] else SECONDS
    rate = out["done"] / max(elapsed, SECONDS - 1 / RATE)
    errors = len(out["errors"])
    p = {kind: {q: _percentile(out["latency"][kind], q) * 1000 for q in (0.5, 0.95, 0.99)} for kind in KINDS}
    every = [x for kind in KINDS for x in out["latency"][kind]]
    p99_all = _percentile(every, 0.99) * 1000
    for kind in KINDS:
        log(
            NAME,
            f"{kind:8} p50 {p[kind][0.5]:,.0f} ms, p95 {p[kind][0.95]:,.0f} ms, p99 {p[kind][0.99]:,.0f} ms"
            + " (from when the bid was due)",
        )
    log(
        NAME,
        f"HTTP: {out['done']:,} of {count:,} bids complete (file + sealed price) in {elapsed:,.1f} s = "
        f"{rate:,.1f} bids/s; p99 of every request {p99_all:,.0f} ms; "
        f"errors {errors}" + (f" (e.g. {out['errors'][:3]})" if errors else "") + f"; bids started late "
        f"(> 50 ms after due) {out['late_starts']:,}",
    )

    if service_users and SERVICE_SECONDS > 0:
        work = [(uid, 100_000 + i) for i, uid in enumerate(service_users)]
        s_rate, s_lat, s_errors = _service_layer(lot.pk, work)
        log(
            NAME,
            f"service layer only (no HTTP; for comparison, not judged): {SERVICE_PROCESSES} processes, "
            f"closed loop, {SERVICE_SECONDS:g} s: {s_rate:,.1f} bids/s, p50 "
            f"{_percentile(s_lat, 0.5) * 1000:,.0f} ms, p99 {_percentile(s_lat, 0.99) * 1000:,.0f} ms, "
            f"errors {s_errors}",
        )

    deadline = lot.project.bid_deadline
    submitted = Bid.objects.filter(lot=lot, status=Bid.Status.SUBMITTED)
    late = submitted.filter(received_at__gt=deadline).count()
    log(
        NAME,
        f"receipts: {submitted.count() - late:,} submitted bids in time, {late} after the deadline "
        f"({deadline:%Y-%m-%d %H:%M}; database clock now {db_now():%Y-%m-%d %H:%M:%S})",
    )

    started = time.perf_counter()
    chain = verify_chain()
    log(
        NAME,
        f"audit chain of {chain.events:,} events "
        + ("verified" if chain.ok else f"BROKEN at {chain.broken}")
        + f" in {time.perf_counter() - started:.1f} s",
    )
    met = bool(
        rate >= TARGET
        and p99_all < P99_TARGET_MS
        and errors == 0
        and out["done"] == count
        and late == 0
        and chain.ok
    )
    return Result(
        name=NAME,
        value=round(rate, 1),
        unit="bids/s",
        baseline_value=None,
        ratio=None,
        target=TARGET,
        met=met,
        cpus=cpus(),
    )
