"""project_pages: the public notice list and a project's page, served by gunicorn, in requests per
second against a trivial view served by the same server in the same run.

Data: 100,000 projects of six purchasers with their lots and approval decisions, and 300,000
public notices (benchmarks/_project_data.py; loaded once, kept in sunlight_bench). Measured pages:
- the notice list, /notices/, anonymous: its first page, and a page halfway down (the `after`
  cursor of the 150,000th newest notice: keyset pagination should cost the same at any depth);
- a project's page, /procurement/projects/<id>/, as a clerk of its purchaser: the purchaser's
  heaviest approved project (six lots, four approval decisions, four notices).
The clerk's session is made by django.test.Client.force_login in the benchmark and its cookie sent
with every request, so the whole middleware stack (session, user, membership, second factor)
serves it.

Baseline, in the same run, from the same server: /favicon.ico, the cheapest view there is (the
platform has no do-nothing view: /healthz asks the database and Redis); anonymous, it answers a
301 to the icon's static URL without touching the database, through the same middleware.

Server: gunicorn, config.wsgi, WORKERS sync workers on a free port of 127.0.0.1 (DJANGO_ENV
development, DEBUG off, no access log, no control socket), on the benchmark database. Clients:
CLIENTS processes, each one closed loop over http.client (sync workers close every connection, so
each request connects anew, for every page alike). The four kinds run in step, in slices of SLICE
seconds, rotating (trivial, list, deep list, project; list, deep list, project, trivial; ...) so
that whatever else loads the machine weighs on all alike; SECONDS is the measured time per kind,
after a warm-up. The clients share the machine's cores with the server, the same way for every
kind. Every response must have its expected status (200; the icon 301): any other counts as a
failure.

Query counts, in the benchmark process (django.test.Client, CaptureQueriesContext): the list's
first page against the deep page, the heavy project against a light one (two lots, one decision);
each pair must be equal.

Target: the slowest of the three pages serves at least 0.35 of the trivial view's requests per
second, with constant query counts and no failed request. value is that slowest page's rate,
baseline_value the trivial view's, ratio the one over the other.
"""

import contextlib
import http.client
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from . import Result, cpus
from ._project_data import ensure_dataset, sample

NAME = "project_pages"
TARGET = 0.35
WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "2"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))  # measured time per kind
SLICE = 1.0
WARM_UP = 5  # requests of each kind per client before measuring
HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
BACKEND = "accounts.backends.MembershipAwareModelBackend"
KINDS = ["trivial", "list", "deep", "detail"]
LABELS = {
    "trivial": "trivial view (/favicon.ico)",
    "list": "notice list, first page",
    "deep": "notice list, halfway down",
    "detail": "project page",
}


def _log(message: str) -> None:
    print(f"[bench] {NAME}: {message}", flush=True)


def _requests(dataset_sample, session_key: str) -> dict[str, dict]:
    """Per kind: the path, the headers, the expected status and a text its body must contain."""
    cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"}
    return {
        "trivial": {"path": "/favicon.ico", "headers": {}, "status": 301, "marker": ""},
        "list": {"path": "/notices/", "headers": {}, "status": 200, "marker": 'data-testid="older"'},
        "deep": {
            "path": "/notices/?" + urlencode({"after": dataset_sample.deep_cursor}),
            "headers": {},
            "status": 200,
            "marker": 'data-testid="older"',
        },
        "detail": {
            "path": f"/procurement/projects/{dataset_sample.heavy_project_id}/",
            "headers": cookie,
            "status": 200,
            "marker": dataset_sample.heavy_reference,
        },
    }


def _query_counts(dataset_sample, clerk) -> dict[str, int]:
    """Queries per page, second request of each (the first may fill caches)."""
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(clerk, backend=BACKEND)
    pages = {
        "list": (anonymous, "/notices/"),
        "deep": (anonymous, "/notices/?" + urlencode({"after": dataset_sample.deep_cursor})),
        "detail": (signed_in, f"/procurement/projects/{dataset_sample.heavy_project_id}/"),
        "detail_light": (signed_in, f"/procurement/projects/{dataset_sample.light_project_id}/"),
    }
    counts = {}
    for key, (client, path) in pages.items():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code} in the benchmark process")
        counts[key] = len(queries)
    signed_in.logout()  # its session row goes
    return counts


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _get(conn: http.client.HTTPConnection, request: dict) -> tuple[int, bytes]:
    conn.request("GET", request["path"], headers=request["headers"])
    response = conn.getresponse()
    return response.status, response.read()


@contextlib.contextmanager
def _server():
    """gunicorn on a free port, up and answering; stopped (and its log shown on failure) after."""
    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix=f"{NAME}-gunicorn-", suffix=".log", delete=False)
    env = dict(os.environ, DJANGO_ENV="development", DJANGO_DEBUG="false", PYTHONUNBUFFERED="1")
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [
        gunicorn,
        "config.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={WORKERS}",
        "--worker-class=sync",
        "--timeout=120",
        "--log-level=warning",
        "--no-control-socket",  # leaves a running `make run`'s control socket alone
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    done = False
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}: see {log.name}")
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
                _get(conn, {"path": "/favicon.ico", "headers": {}})
                conn.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer within 60 s: see {log.name}") from None
                time.sleep(0.2)
        yield port
        done = True
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        if done:
            Path(log.name).unlink(missing_ok=True)
        else:
            _log(f"gunicorn's log is kept in {log.name}")


def _schedule(rounds: int) -> list[str]:
    """The kinds in turn, each round starting one further, so each kind is as often first as last."""
    return [KINDS[(r + n) % len(KINDS)] for r in range(rounds) for n in range(len(KINDS))]


def _client(port: int, requests: dict, schedule: list[str], barrier, results) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    out = {"slices": [], "failures": {}, "warm_up": None}

    def one(kind: str) -> tuple[int, bytes]:
        nonlocal conn
        try:
            return _get(conn, requests[kind])
        except (OSError, http.client.HTTPException) as error:
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            return 0, repr(error).encode()

    try:
        for kind in KINDS:
            for n in range(WARM_UP):
                status, body = one(kind)
                expected = requests[kind]
                if status != expected["status"] or (n == 0 and expected["marker"].encode() not in body):
                    out["warm_up"] = f"{kind} {expected['path']}: {status} {body[:300]!r}"
                    break
        for kind in schedule:
            expected = requests[kind]["status"]
            barrier.wait()
            count, failed = 0, 0
            start = time.monotonic()
            deadline = start + SLICE
            while time.monotonic() < deadline:
                status, _body = one(kind)
                count += 1
                if status != expected:
                    failed += 1
                    out["failures"].setdefault(kind, status)
            out["slices"].append((kind, count, failed, time.monotonic() - start))
    finally:
        conn.close()
        results.put(out)


def _measure(port: int, requests: dict, rounds: int) -> tuple[dict[str, float], dict[str, int], dict]:
    """Requests per second of each kind over CLIENTS processes; failed requests per kind; what failed."""
    connections.close_all()  # the clients only speak HTTP; no connection crosses the fork
    context = multiprocessing.get_context("fork")
    schedule = _schedule(rounds)
    barrier, results = context.Barrier(CLIENTS, timeout=300), context.Queue()
    processes = [
        context.Process(target=_client, args=(port, requests, schedule, barrier, results))
        for _ in range(CLIENTS)
    ]
    for process in processes:
        process.start()
    outs = [results.get(timeout=SLICE * len(schedule) * 10 + 300) for _ in processes]
    for process in processes:
        process.join(30)
        if process.exitcode != 0:
            raise RuntimeError(f"a client exited with {process.exitcode}")
    warm_up = [out["warm_up"] for out in outs if out["warm_up"]]
    if warm_up:
        raise RuntimeError(f"a page answered wrongly during the warm-up: {warm_up[0]}")
    totals = {kind: [0, 0, 0.0] for kind in KINDS}
    examples: dict[str, int] = {}
    for out in outs:
        for kind, count, failed, elapsed in out["slices"]:
            totals[kind][0] += count
            totals[kind][1] += failed
            totals[kind][2] += elapsed
        examples.update(out["failures"])
    # the sum over clients of (requests / time): all requests over the mean time one client spent
    rates = {kind: count / (elapsed / CLIENTS) for kind, (count, _f, elapsed) in totals.items()}
    failures = {kind: failed for kind, (_c, failed, _e) in totals.items()}
    return rates, failures, examples


def run() -> Result:
    from accounts.models import User

    ensure_dataset()
    chosen = sample()
    clerk = User.objects.get(pk=chosen.clerk_id)
    counts = _query_counts(chosen, clerk)
    constant = counts["list"] == counts["deep"] and counts["detail"] == counts["detail_light"]
    _log(
        f"queries: notice list first page {counts['list']}, halfway down {counts['deep']}; "
        f"project page {counts['detail']} ({chosen.heavy}), {counts['detail_light']} ({chosen.light}) "
        f"-> {'constant' if constant else 'NOT CONSTANT'}"
    )

    session = Client()
    session.force_login(clerk, backend=BACKEND)
    requests = _requests(chosen, session.cookies[settings.SESSION_COOKIE_NAME].value)
    rounds = max(1, round(SECONDS / SLICE))
    try:
        with _server() as port:
            rates, failures, examples = _measure(port, requests, rounds)
    finally:
        session.logout()
    trivial = rates["trivial"]
    pages = {kind: rates[kind] for kind in ("list", "deep", "detail")}
    slowest = min(pages, key=pages.get)
    ratio = pages[slowest] / trivial if trivial else 0.0
    failed = sum(failures.values())
    _log(
        f"gunicorn {WORKERS} sync workers, {CLIENTS} clients, {rounds} rounds of {SLICE:g} s per kind: "
        + "; ".join(
            f"{LABELS[kind]} {rates[kind]:,.0f}/s"
            + ("" if kind == "trivial" else f" ({rates[kind] / trivial:.2f} x)")
            for kind in KINDS
        )
        + f"; slowest: {LABELS[slowest]}; failed requests {failed}"
        + (f" (e.g. {examples})" if failed else "")
    )
    return Result(
        name=NAME,
        value=round(pages[slowest], 1),
        unit="req/s",
        baseline_value=round(trivial, 1),
        ratio=round(ratio, 3),
        target=TARGET,
        met=bool(ratio >= TARGET and constant and not failed),
        cpus=cpus(),
    )
