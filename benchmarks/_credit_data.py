"""The credit benchmarks' data set: 100,000 suppliers with their credit records, 2,000,000 credit
events spread over them and the blacklist entries of the banning ones, loaded by a few
INSERT ... SELECT statements over generate_series into the real tables, with all their indexes
and constraints (about 1.5 minutes on the 2-vCPU development machine, most of it the events'
seven indexes). On a superuser connection (the embedded server's) the events skip the deferred
foreign-key checks at commit: they reference the rows they were joined to.

The set is recognised by its organisations' English names (NAME_PREFIX, which carries a version)
and kept in sunlight_bench between runs: a later run that finds exactly the expected counts
reuses it, anything else (another version, a half-loaded set) is deleted and loaded afresh, in one
transaction (deleting a set costs about two more minutes, its foreign keys checked).

The mix: the supplier rules of the seeded catalogue, weighted as conduct is (mostly completed
contracts and clean acceptances, some late deliveries and withdrawals, 0.6 % banning conduct, the
external ones as imports); none and linear decay, positive and negative points as the rules have
them; occurred within the last four years and inserted in that order, as they would have been
recorded, so many have stopped counting; 3 % reversed on appeal and 1 % under appeal. A banning
event has its blacklist entry from the day of the conduct: active (about 5 % of the suppliers are
banned today), expired, or lifted when the event was reversed.
"""

import contextlib
import datetime
import time
from dataclasses import dataclass

from django.db import connection, transaction
from stdnum.cn import uscc

PARTIES = 100_000
EVENTS = 2_000_000
OLD_PREFIX = "Bench supplier "  # of every version
NAME_PREFIX = OLD_PREFIX + "v2 #"
EXTERNAL_SOURCE = "bench-feed"
YEARS_BACK = 4
REVERSED = 0.03
APPEALED = 0.01
REGIONS = ["330100", "330200", "330400", "110101", "440300", "510100"]
# Out of 1000 events; the supplier rules of credit.catalogue (party_kind "supplier").
WEIGHTS = {
    "supplier.completed_on_time": 420,
    "supplier.acceptance_without_remarks": 300,
    "supplier.late_delivery": 120,
    "supplier.withdrew_after_deadline": 50,
    "supplier.failed_acceptance": 50,
    "supplier.refused_to_sign": 30,
    "supplier.breach_termination": 24,
    "supplier.false_materials": 1,
    "supplier.collusion": 1,
    "supplier.bribery": 1,
    "external.dishonest_judgment_debtor": 1,
    "external.major_tax_violation": 1,
    "external.serious_procurement_violation": 1,
}
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Bench organisations' records, numbered 0.. in id order (a temporary table of this session).
RECORDS_TABLE = "bench_credit_records"
CREATE_RECORDS_TABLE = f"""
DROP TABLE IF EXISTS {RECORDS_TABLE};
CREATE TEMPORARY TABLE {RECORDS_TABLE} AS
SELECT (row_number() OVER (ORDER BY r.id) - 1)::int AS n, r.id, r.organisation_id
  FROM credit_creditrecord r JOIN accounts_organisation o ON o.id = r.organisation_id
 WHERE o.name_en LIKE %(prefix)s;
ALTER TABLE {RECORDS_TABLE} ADD PRIMARY KEY (n);
ANALYZE {RECORDS_TABLE};
"""

# 18 characters: "91" (an enterprise), the region, "BN" and seven digits as the organisation
# code, and the check character of GB 32100-2015 (stdnum.cn.uscc) computed here.
INSERT_ORGANISATIONS = """
INSERT INTO accounts_organisation (created_at, updated_at, kind, name_zh, name_en, uscc, region_code,
                                   is_active, parent_id)
SELECT now(), now(), 'supplier', '基准供应商' || g, %(prefix)s || lpad(g::text, 6, '0'),
       b.body || substr(%(alphabet)s,
                        (31 - (SELECT sum((strpos(%(alphabet)s, substr(b.body, i, 1)) - 1)
                                          * (%(weights)s::int[])[i])
                                 FROM generate_series(1, 17) i)::int %% 31) %% 31 + 1, 1),
       b.region, TRUE, NULL
  FROM generate_series(1, %(parties)s) g,
       LATERAL (SELECT (%(regions)s::text[])[1 + g %% cardinality(%(regions)s::text[])] AS region) r,
       LATERAL (SELECT '91' || r.region || 'BN' || lpad(g::text, 7, '0') AS body, r.region) b
"""

INSERT_RECORDS = """
INSERT INTO credit_creditrecord (created_at, updated_at, kind, region_code, score, stars, is_red_listed,
                                 scored_at, organisation_id, person_id)
SELECT now(), now(), 'supplier', o.region_code, %(base)s, %(stars)s, FALSE, NULL, o.id, NULL
  FROM accounts_organisation o
 WHERE o.name_en LIKE %(prefix)s
 ORDER BY o.id
"""

# The weighted rule slots 0..999, from the rules themselves (points, decay and period frozen on the
# event as credit.services does).
SLOTS_TABLE = "bench_credit_slots"
CREATE_SLOTS_TABLE = f"""
DROP TABLE IF EXISTS {SLOTS_TABLE};
CREATE TEMPORARY TABLE {SLOTS_TABLE} AS
SELECT (row_number() OVER (ORDER BY w.ord, s) - 1)::int AS slot, r.id AS rule_id, r.code, r.points,
       r.decay, r.counts_for_days, r.ban_years
  FROM unnest(%(codes)s::text[], %(weights)s::int[]) WITH ORDINALITY AS w(code, weight, ord)
  JOIN credit_creditrule r ON r.code = w.code
 CROSS JOIN LATERAL generate_series(1, w.weight) s;
ALTER TABLE {SLOTS_TABLE} ADD PRIMARY KEY (slot);
"""

INSERT_EVENTS = f"""
INSERT INTO credit_creditevent (created_at, updated_at, source, status, points, decay, occurred_on,
    counts_until, description, evidence_id, evidence_label, document, document_sha256, is_published,
    external_source, external_reference, appeal_deadline, evidence_type_id, recorded_by_id,
    record_id, rule_id)
SELECT now(), now(),
       CASE WHEN s.code LIKE 'external.%%' THEN 'external' ELSE 'system' END,
       CASE WHEN x.u < %(reversed)s THEN 'reversed'
            WHEN x.u < %(reversed)s + %(appealed)s THEN 'appealed' ELSE 'in_force' END,
       s.points, s.decay, x.occurred_on, x.occurred_on + s.counts_for_days,
       '', '', '', '', '', FALSE,
       CASE WHEN s.code LIKE 'external.%%' THEN %(external_source)s ELSE '' END,
       CASE WHEN s.code LIKE 'external.%%' THEN 'BENCH-' || x.g ELSE '' END,
       NULL, NULL, NULL, r.id, s.rule_id
  FROM (SELECT g, random() AS u,
               %(today)s::date - floor(random() * %(days_back)s)::int AS occurred_on,
               floor(random() * %(parties)s)::int AS n,
               floor(random() * 1000)::int AS slot
          FROM generate_series(1, %(events)s) g) x
  JOIN {RECORDS_TABLE} r ON r.n = x.n
  JOIN {SLOTS_TABLE} s ON s.slot = x.slot
 ORDER BY x.occurred_on, x.g
"""

INSERT_BANS = f"""
INSERT INTO credit_blacklistentry (created_at, updated_at, starts_on, ends_on, legal_basis_zh,
                                   legal_basis_en, status, ended_at, event_id, record_id)
SELECT now(), now(), b.starts_on, b.ends_on, rule.legal_basis_zh, rule.legal_basis_en,
       CASE WHEN b.reversed THEN 'lifted' WHEN b.ends_on < %(today)s::date THEN 'expired' ELSE 'active' END,
       CASE WHEN b.reversed OR b.ends_on < %(today)s::date THEN now() END,
       b.event_id, b.record_id
  FROM (SELECT e.id AS event_id, e.record_id, e.rule_id, e.status = 'reversed' AS reversed,
               e.occurred_on AS starts_on,
               (e.occurred_on + make_interval(years => s.ban_years))::date - 1 AS ends_on
          FROM credit_creditevent e
          JOIN {RECORDS_TABLE} r ON r.id = e.record_id
          JOIN (SELECT DISTINCT rule_id, ban_years FROM {SLOTS_TABLE} WHERE ban_years > 0) s
            ON s.rule_id = e.rule_id) b
  JOIN credit_creditrule rule ON rule.id = b.rule_id
"""

COUNTS = f"""
SELECT (SELECT count(*) FROM accounts_organisation WHERE name_en LIKE %(prefix)s),
       (SELECT count(*) FROM {RECORDS_TABLE}),
       (SELECT count(*) FROM credit_creditevent e JOIN {RECORDS_TABLE} r ON r.id = e.record_id),
       (SELECT count(*) FROM credit_blacklistentry b JOIN {RECORDS_TABLE} r ON r.id = b.record_id)
"""

# Any earlier set (any version): its rows, children first.
OLD_RECORDS = """
SELECT r.id FROM credit_creditrecord r JOIN accounts_organisation o ON o.id = r.organisation_id
 WHERE o.name_en LIKE %(old)s
"""
DELETE_OLD = f"""
DELETE FROM credit_blacklistentry WHERE record_id IN ({OLD_RECORDS});
DELETE FROM credit_creditevent WHERE record_id IN ({OLD_RECORDS});
DELETE FROM credit_creditrecord WHERE id IN ({OLD_RECORDS});
DELETE FROM accounts_organisation WHERE name_en LIKE %(old)s;
"""

TABLES = ("accounts_organisation", "credit_creditrecord", "credit_creditevent", "credit_blacklistentry")


@dataclass(frozen=True)
class Dataset:
    parties: int
    events: int
    bans: int


def _log(message: str) -> None:
    print(f"[bench] credit data: {message}", flush=True)


@contextlib.contextmanager
def _step(what: str):
    started = time.perf_counter()
    yield
    _log(f"{what} in {time.perf_counter() - started:.1f} s")


def _counts(cursor) -> tuple[int, int, int, int]:
    cursor.execute(CREATE_RECORDS_TABLE, {"prefix": NAME_PREFIX + "%"})
    cursor.execute(COUNTS, {"prefix": NAME_PREFIX + "%"})
    return cursor.fetchone()


def _check_usccs(cursor) -> None:
    cursor.execute(
        "SELECT uscc FROM accounts_organisation WHERE name_en LIKE %s ORDER BY random() LIMIT 200",
        [NAME_PREFIX + "%"],
    )
    bad = [code for (code,) in cursor.fetchall() if not uscc.is_valid(code)]
    if bad:
        raise RuntimeError(f"generated unified social credit codes fail stdnum.cn.uscc: {bad[:5]}")


def _load(cursor, today: datetime.date) -> None:
    from credit import scoring, selectors

    base = selectors.base_score(on=today)
    stars = scoring.stars_for(base, selectors.score_bands(on=today))
    with _step("organisations"):
        cursor.execute(
            INSERT_ORGANISATIONS,
            {
                "prefix": NAME_PREFIX,
                "alphabet": USCC_ALPHABET,
                "weights": list(USCC_WEIGHTS),
                "parties": PARTIES,
                "regions": REGIONS,
            },
        )
        _check_usccs(cursor)
    with _step("credit records"):
        cursor.execute(INSERT_RECORDS, {"prefix": NAME_PREFIX + "%", "base": base, "stars": stars})
        cursor.execute(CREATE_RECORDS_TABLE, {"prefix": NAME_PREFIX + "%"})
    cursor.execute(CREATE_SLOTS_TABLE, {"codes": list(WEIGHTS), "weights": list(WEIGHTS.values())})
    cursor.execute(f"SELECT count(*), count(DISTINCT code) FROM {SLOTS_TABLE}")  # noqa: S608 - constant
    slots, rules = cursor.fetchone()
    if (slots, rules) != (1000, len(WEIGHTS)):
        raise RuntimeError(f"the catalogue lacks some of the rules {sorted(WEIGHTS)}")
    cursor.execute("SELECT setseed(0.42)")
    cursor.execute("SELECT current_setting('is_superuser') = 'on'")
    if cursor.fetchone()[0]:
        # The rows reference what they were joined to, so their foreign keys hold by construction:
        # a superuser (the embedded server's) skips the 4 million deferred checks at commit.
        cursor.execute("SET LOCAL session_replication_role = replica")
    with _step("events"):
        cursor.execute(
            INSERT_EVENTS,
            {
                "reversed": REVERSED,
                "appealed": APPEALED,
                "external_source": EXTERNAL_SOURCE,
                "today": today,
                "days_back": 365 * YEARS_BACK,
                "parties": PARTIES,
                "events": EVENTS,
            },
        )
    with _step("blacklist entries"):
        cursor.execute(INSERT_BANS, {"today": today})


def ensure_dataset() -> Dataset:
    """The data set, loaded unless an identical one is already there; scored once after loading."""
    from credit import selectors, services

    today = selectors.today()
    with connection.cursor() as cursor:
        orgs, records, events, bans = _counts(cursor)
        if (orgs, records, events) == (PARTIES, PARTIES, EVENTS) and bans:
            _log(f"reusing {orgs:,} suppliers, {events:,} events, {bans:,} blacklist entries")
            return Dataset(parties=orgs, events=events, bans=bans)
        _log(f"loading {PARTIES:,} suppliers and {EVENTS:,} events ...")
        with _step("loaded"):
            with transaction.atomic():
                with _step("any earlier set deleted"):
                    cursor.execute(DELETE_OLD, {"old": OLD_PREFIX + "%"})
                _load(cursor, today)
                _log("committing ...")
            with _step("vacuumed"):
                for table in TABLES:
                    cursor.execute(f"VACUUM ANALYZE {table}")
        orgs, records, events, bans = _counts(cursor)
    if (orgs, records, events) != (PARTIES, PARTIES, EVENTS):
        raise RuntimeError(
            f"credit data set incomplete: {orgs} suppliers, {records} records, {events} events"
        )
    _log(f"{orgs:,} suppliers, {events:,} events, {bans:,} blacklist entries")
    with _step("scored"):
        services.recompute_scores(on=today)  # a scored set, as after a night; not measured
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE credit_creditrecord")
    return Dataset(parties=orgs, events=events, bans=bans)


def bench_records_table() -> str:
    """The name of the session's temporary table (n, id, organisation_id) of the set's records."""
    with connection.cursor() as cursor:
        cursor.execute(CREATE_RECORDS_TABLE, {"prefix": NAME_PREFIX + "%"})
    return RECORDS_TABLE
