"""audit_append: chained audit appends per second from 4 concurrent writers.

Chained: `audit.services.record_event` with a small realistic payload, each append its own
transaction. Baseline, in the same run: plain INSERTs into `bench_plain_event`, a table of the
same shape as audit_auditevent (same columns, indexes, check constraints and foreign keys; made
here and dropped afterwards), numbered by an ordinary sequence, with no chain lock and no hash
(a constant fills the hash columns), its data serialised with json.dumps. Both kinds are one
statement in autocommit, so each is one transaction and one round trip.

Each writer is a separate process with its own connection, as gunicorn workers are. The writers
run both kinds in step, alternating in short slices (plain, chained, chained, plain, ...) so that
whatever else loads the machine weighs on both alike; SECONDS is the measured time per kind.
Target: the chained rate is at least 0.6 of the plain rate, and the whole chain verifies after.

Runs against the configured database; `make bench` gives the benchmarks a database of their own
(sunlight_bench), where the appended events (action "bench.audit_append") stay in the chain.
"""

import json
import multiprocessing
import os
import time
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, connections

from . import Result, cpus

NAME = "audit_append"
TARGET = 0.6
WRITERS = int(os.environ.get("BENCH_WRITERS", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))  # measured time per kind and writer
SLICE = 0.25  # the kinds alternate in slices this long, so background load hits both alike
WARM_UP = 20

PLAIN_TABLE = "bench_plain_event"
CREATE_PLAIN = f"""
DROP TABLE IF EXISTS {PLAIN_TABLE};
DROP SEQUENCE IF EXISTS {PLAIN_TABLE}_seq;
CREATE TABLE {PLAIN_TABLE} (LIKE audit_auditevent INCLUDING ALL);
-- no chain here, so no genesis link to keep
ALTER TABLE {PLAIN_TABLE} DROP CONSTRAINT IF EXISTS audit_event_genesis_link;
ALTER TABLE {PLAIN_TABLE} ADD FOREIGN KEY (actor_id) REFERENCES accounts_user (id)
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE {PLAIN_TABLE} ADD FOREIGN KEY (organisation_id) REFERENCES accounts_organisation (id)
    DEFERRABLE INITIALLY DEFERRED;
CREATE SEQUENCE {PLAIN_TABLE}_seq;
"""
DROP_PLAIN = f"DROP TABLE IF EXISTS {PLAIN_TABLE}; DROP SEQUENCE IF EXISTS {PLAIN_TABLE}_seq;"
INSERT_PLAIN = f"""
INSERT INTO {PLAIN_TABLE} (sequence, occurred_at, actor_id, actor_label, organisation_id, action,
    object_type, object_id, data, previous_hash, hash)
VALUES (nextval('{PLAIN_TABLE}_seq'), clock_timestamp(), NULL, '', NULL, %s, '', '', %s::jsonb, %s, %s)
"""
FILLER_HASH = "f" * 64


def _data(n: int) -> dict:
    return {
        "project": n,
        "amount": Decimal("1250000.00"),
        "status": {"old": "draft", "new": "submitted"},
        "note": "采购项目已提交审批",
    }


def _plain_insert(n: int) -> None:
    # Autocommit: the single INSERT is its own transaction, committed in the same round trip.
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_PLAIN,
            ["bench.plain_insert", json.dumps(_data(n), cls=DjangoJSONEncoder), FILLER_HASH, FILLER_HASH],
        )


def _audit_append(n: int) -> None:
    from audit.services import record_event

    record_event("bench.audit_append", data=_data(n))  # outside atomic: its own transaction, likewise


def _schedule(phases: int) -> list[str]:
    """plain, chained, chained, plain, plain, chained, ...: each kind as often first as second."""
    pattern = ["plain", "chained", "chained", "plain"]
    return [pattern[n % 4] for n in range(phases)]


def _writer(schedule: list[str], barrier, slice_seconds: float, results) -> None:
    operations = {"plain": _plain_insert, "chained": _audit_append}
    counts = []
    try:
        for n in range(WARM_UP):
            _plain_insert(n)
            _audit_append(n)
        for kind in schedule:
            operation = operations[kind]
            barrier.wait()
            count, start = 0, time.perf_counter()
            deadline = start + slice_seconds
            while time.perf_counter() < deadline:
                operation(count)
                count += 1
            counts.append((kind, count, time.perf_counter() - start))
        results.put(counts)
    finally:
        connections.close_all()


def _measure(schedule: list[str], slice_seconds: float) -> dict[str, float]:
    """Operations per second of each kind, WRITERS processes running the schedule in step."""
    connections.close_all()  # children must open their own connections
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(WRITERS), context.Queue()
    processes = [
        context.Process(target=_writer, args=(schedule, barrier, slice_seconds, results))
        for _ in range(WRITERS)
    ]
    for process in processes:
        process.start()
    per_writer = [results.get(timeout=slice_seconds * len(schedule) * 10 + 60) for _ in processes]
    for process in processes:
        process.join(30)
        if process.exitcode != 0:
            raise RuntimeError(f"a writer exited with {process.exitcode}")
    totals = {"plain": [0, 0.0], "chained": [0, 0.0]}
    for counts in per_writer:
        for kind, count, elapsed in counts:
            totals[kind][0] += count
            totals[kind][1] += elapsed
    # sum over writers of (count / time): total operations over the mean time one writer spent
    return {kind: count / (elapsed / WRITERS) for kind, (count, elapsed) in totals.items()}


def _verify():
    """The whole chain, as `manage.py verify_audit` checks it."""
    from django.db import transaction

    from audit import selectors
    from audit.chain import verify_chain

    with transaction.atomic():  # a streaming cursor, not a WITH HOLD one
        checkpoints = selectors.checkpoint_records()
        return verify_chain(selectors.chain_records(), checkpoints)


def run() -> Result:
    with connection.cursor() as cursor:
        cursor.execute(CREATE_PLAIN)
    try:
        phases = max(2, round(2 * SECONDS / SLICE))
        rates = _measure(_schedule(phases), SLICE)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(DROP_PLAIN)
    plain, chained = rates["plain"], rates["chained"]
    print(
        f"[bench] {NAME}: {WRITERS} writers, {phases} alternating slices of {SLICE} s: "
        f"plain {plain:,.0f}/s, chained {chained:,.0f}/s",
        flush=True,
    )
    started = time.perf_counter()
    verification = _verify()
    print(
        f"[bench] {NAME}: chain of {verification.events:,} events "
        + ("verified" if verification.ok else f"BROKEN at {verification.broken}")
        + f" in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    ratio = chained / plain if plain else 0.0
    return Result(
        name=NAME,
        value=round(chained, 1),
        unit="appends/s",
        baseline_value=round(plain, 1),
        ratio=round(ratio, 3),
        target=TARGET,
        met=bool(ratio >= TARGET and verification.ok),
        cpus=cpus(),
    )
