"""portal_pages: the public portal's list of one kind of notice and a project's public timeline,
served by gunicorn, in requests per second against a trivial view served by the same server in the
same run (issue 8: at least 0.35 of it, with constant query counts).

Data (benchmarks/_portal_data.py): 300,000 procurement processes and 1,000,000 published notices
of every kind, seeded by SQL and kept between runs; and, made afresh each run through the ORM, a
heavy project taken to the end (six lots of five opened bids, drawn panels, results, contracts,
acceptances, breaches, 27 notices, about 400 audit events) and a light one (one lot, two bids).

Measured, anonymous, as the public reads them:
- list: /notices/tender/, the newest page of the 300,000 tender notices;
- deep: the same list halfway down (its `after` cursor at the 150,000th);
- detail: the heavy project's timeline, /projects/<id>/.
Baseline: /favicon.ico (a redirect through the whole middleware stack, no database), as in
project_pages. The server, the clients and the schedule are project_pages' (gunicorn sync
workers, closed-loop clients in rotating one-second slices): see benchmarks/project_pages.py.

Query counts, in the benchmark process (django.test.Client, CaptureQueriesContext): the list's
first page against its deep page with the cache emptied before each (the list is cached; its
uncached cost is what must not grow), and the heavy timeline against the light one. Each pair must
be equal.

Target: the slowest of the three pages serves at least 0.35 of the trivial view's requests per
second, with constant query counts and no failed request.
"""

from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from . import Result, cpus
from . import project_pages as harness
from ._portal_data import ensure_dataset

NAME = "portal_pages"
TARGET = 0.35
LABELS = {
    "trivial": "trivial view (/favicon.ico)",
    "list": "tender notices, newest page",
    "deep": "tender notices, halfway down",
    "detail": "project timeline",
}


def _log(message: str) -> None:
    print(f"[bench] {NAME}: {message}", flush=True)


def _paths(sample) -> dict[str, str]:
    return {
        "list": f"/notices/{sample.kind}/",
        "deep": f"/notices/{sample.kind}/?" + urlencode({"after": sample.deep_cursor}),
        "detail": f"/projects/{sample.heavy_project_id}/",
        "detail_light": f"/projects/{sample.light_project_id}/",
    }


def _query_counts(sample) -> dict[str, int]:
    client = Client()
    counts = {}
    for key, path in _paths(sample).items():
        client.get(path)
        cache.clear()  # the uncached page: what a million notices could make grow
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code} in the benchmark process")
        counts[key] = len(queries)
    return counts


def run() -> Result:
    sample = ensure_dataset()
    counts = _query_counts(sample)
    constant = counts["list"] == counts["deep"] and counts["detail"] == counts["detail_light"]
    _log(
        f"queries (uncached): tender notices newest {counts['list']}, halfway down {counts['deep']}; "
        f"timeline heavy {counts['detail']}, light {counts['detail_light']} "
        f"-> {'constant' if constant else 'NOT CONSTANT'}"
    )
    paths = _paths(sample)
    requests = {
        "trivial": {"path": "/favicon.ico", "headers": {}, "status": 301, "marker": ""},
        "list": {"path": paths["list"], "headers": {}, "status": 200, "marker": 'data-testid="older"'},
        "deep": {"path": paths["deep"], "headers": {}, "status": 200, "marker": 'data-testid="older"'},
        "detail": {"path": paths["detail"], "headers": {}, "status": 200, "marker": sample.heavy_reference},
    }
    rounds = max(1, round(harness.SECONDS / harness.SLICE))
    with harness._server() as port:
        rates, failures, examples = harness._measure(port, requests, rounds)
    trivial = rates["trivial"]
    pages = {kind: rates[kind] for kind in ("list", "deep", "detail")}
    slowest = min(pages, key=pages.get)
    ratio = pages[slowest] / trivial if trivial else 0.0
    failed = sum(failures.values())
    _log(
        f"gunicorn {harness.WORKERS} sync workers, {harness.CLIENTS} clients, {rounds} rounds of "
        f"{harness.SLICE:g} s per kind: "
        + "; ".join(
            f"{LABELS[kind]} {rates[kind]:,.0f}/s"
            + ("" if kind == "trivial" else f" ({rates[kind] / trivial:.2f} x)")
            for kind in harness.KINDS
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
