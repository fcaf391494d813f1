"""credit_recompute: the nightly recomputation of every credit score, in seconds.

Data: 100,000 suppliers with 2,000,000 credit events (benchmarks/_credit_data.py; loaded once,
reused by later runs). Measured: `credit.services.recompute_scores()` itself: the one set-based
statement over events, blacklist entries and records, and its audit event, in one transaction.
Before it the suppliers' records are set back to the base score (not measured), so that it
rewrites nearly every record, as decay makes it do every night.

Baseline, in the same run and over the same events: a plain aggregate,
`SELECT record_id, sum(points) FROM credit_creditevent GROUP BY record_id`, all rows fetched.
Both after a warm-up read of the events, so both find them in the cache alike.
Target: under 60 s.
"""

import time

from django.db import connection

from . import Result, cpus
from ._credit_data import ensure_dataset

NAME = "credit_recompute"
TARGET = 60.0  # seconds
BASELINE_SQL = "SELECT record_id, sum(points) FROM credit_creditevent GROUP BY record_id"


def _baseline() -> tuple[float, int]:
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(BASELINE_SQL)
        rows = len(cursor.fetchall())
        return time.perf_counter() - started, rows


def _reset_scores() -> None:
    """Every supplier of the set back at the base score (what it is before any event counts)."""
    from credit import scoring, selectors

    from ._credit_data import bench_records_table

    today = selectors.today()
    base = selectors.base_score(on=today)
    stars = scoring.stars_for(base, selectors.score_bands(on=today))
    table = bench_records_table()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE credit_creditrecord SET score = %s, stars = %s, is_red_listed = FALSE, scored_at = NULL "
            f"WHERE id IN (SELECT id FROM {table})",  # noqa: S608 - our constant
            [base, stars],
        )
        cursor.execute("VACUUM ANALYZE credit_creditrecord")


def run() -> Result:
    from credit.services import recompute_scores

    dataset = ensure_dataset()
    _baseline()  # warm-up: the events into the cache
    baseline, groups = _baseline()
    print(f"[bench] {NAME}: baseline aggregate over {groups:,} records in {baseline:.2f} s", flush=True)

    _reset_scores()
    started = time.perf_counter()
    changed = recompute_scores()
    elapsed = time.perf_counter() - started
    print(
        f"[bench] {NAME}: recompute_scores() over {dataset.parties:,} suppliers and {dataset.events:,} "
        f"events ({dataset.bans:,} blacklist entries): {changed:,} records changed in {elapsed:.2f} s",
        flush=True,
    )
    return Result(
        name=NAME,
        value=round(elapsed, 2),
        unit="s",
        baseline_value=round(baseline, 2),
        ratio=round(elapsed / baseline, 2) if baseline else None,
        target=TARGET,
        met=bool(elapsed < TARGET),
        cpus=cpus(),
    )
