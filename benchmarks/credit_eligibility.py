"""credit_eligibility: the eligibility check other apps ask before a supplier acts, p99 in ms.

Data: the credit_recompute set (100,000 suppliers, 2,000,000 events, their blacklist entries;
benchmarks/_credit_data.py). Measured: `credit.eligibility.check_eligibility(supplier,
"submit_bid")` for SAMPLE suppliers drawn at random (about 5 % of the set have an active ban, so
the refusal path, with its reasons, is in the sample), each call timed on its own; the
organisations are fetched beforehand, as a view has its party in hand.

Baseline, in the same run, over the same ids: a primary-key lookup,
`Organisation.objects.get(pk=...)`. The two alternate call by call, so whatever else loads the
machine weighs on both alike; both after a warm-up. Target: p99 under 5 ms.
"""

import math
import os
import random
import time

from django.db import connection

from . import Result, cpus
from ._credit_data import bench_records_table, ensure_dataset

NAME = "credit_eligibility"
TARGET = 5.0  # ms, p99
SAMPLE = int(os.environ.get("BENCH_SAMPLE", "5000"))
WARM_UP = 200


def _sample(day) -> tuple[list[int], set[int]]:
    """SAMPLE organisation ids of the set drawn at random; and those of them banned on `day`."""
    table = bench_records_table()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT organisation_id FROM {table} ORDER BY n")  # noqa: S608 - our constant
        everyone = [row[0] for row in cursor.fetchall()]
        chosen = random.Random(42).sample(everyone, SAMPLE)
        cursor.execute(
            f"SELECT DISTINCT r.organisation_id FROM {table} r "  # noqa: S608 - our constant
            "JOIN credit_blacklistentry b ON b.record_id = r.id "
            "WHERE b.status = 'active' AND b.starts_on <= %s AND b.ends_on >= %s "
            "AND r.organisation_id = ANY(%s)",
            [day, day, chosen],
        )
        banned = {row[0] for row in cursor.fetchall()}
    return chosen, banned


def _p(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    return sorted_ms[max(0, math.ceil(q * len(sorted_ms)) - 1)]  # nearest rank


def run() -> Result:
    from accounts.models import Organisation
    from credit import selectors
    from credit.eligibility import Action, check_eligibility

    dataset = ensure_dataset()
    ids, banned = _sample(selectors.today())
    parties = Organisation.objects.in_bulk(ids)

    for pk in ids[:WARM_UP]:
        Organisation.objects.get(pk=pk)
        check_eligibility(parties[pk], Action.SUBMIT_BID)

    lookup, allowed, refused, wrong = [], [], [], 0
    clock = time.perf_counter_ns
    for n, pk in enumerate(ids):
        party = parties[pk]
        for kind in ("lookup", "check") if n % 2 == 0 else ("check", "lookup"):
            if kind == "lookup":
                started = clock()
                Organisation.objects.get(pk=pk)
                lookup.append((clock() - started) / 1e6)
            else:
                started = clock()
                answer = check_eligibility(party, Action.SUBMIT_BID)
                (allowed if answer.allowed else refused).append((clock() - started) / 1e6)
                wrong += answer.allowed == (pk in banned)
    if wrong:
        raise RuntimeError(f"{wrong} eligibility answers disagree with the blacklist of the data set")
    check = sorted(allowed + refused)
    lookup.sort()
    allowed.sort()
    refused.sort()
    p99, baseline = _p(check, 0.99), _p(lookup, 0.99)
    print(
        f"[bench] {NAME}: {len(ids):,} suppliers of {dataset.parties:,}: "
        f"check p50 {_p(check, 0.5):.2f} ms, p99 {p99:.2f} ms, max {check[-1]:.2f} ms "
        f"(allowed {len(allowed):,}: p50 {_p(allowed, 0.5):.2f}, p99 {_p(allowed, 0.99):.2f}; "
        f"refused {len(refused):,}: p50 {_p(refused, 0.5):.2f}, p99 {_p(refused, 0.99):.2f}); "
        f"pk lookup p50 {_p(lookup, 0.5):.2f} ms, p99 {baseline:.2f} ms",
        flush=True,
    )
    return Result(
        name=NAME,
        value=round(p99, 3),
        unit="ms p99",
        baseline_value=round(baseline, 3),
        ratio=round(p99 / baseline, 2) if baseline else None,
        target=TARGET,
        met=bool(p99 < TARGET),
        cpus=cpus(),
    )
