"""expert_draw: a panel's draw from a pool of 50,000 experts with avoidance against 200 bidders, s.

Data (made once, kept in the bench database): 50,000 approved experts with their users; about
two fifths hold a specialty matching the lot's classification code A02010104 (A02, A0201 or
A02010104), the rest others; 5,000 declarations (employment, board seats, relatives), a third of
them naming one of the 200 bidders or the purchaser; 1,000 unavailable periods covering the
evaluation day; 50 experts banned through the credit service.

Measured, as experts.panels.draw does it before writing: the candidate queries (matching experts,
their declarations naming a party, their unavailability; GIN index on specialties), the bulk
credit question (credit.eligibility.ineligible_people), the avoidance rules
(experts.avoidance.exclusions) and the draw order (experts.draw.draw_order over the remaining
candidates). Baseline, in the same run: a plain read of the same expert rows by primary key
(`SELECT id, user_id, employer_uscc ... WHERE id = ANY(ids)`). Each alternates, median of ROUNDS.
Target: under 1 s.
"""

import datetime
import os
import random
import secrets
import statistics
import time

from django.db import connection, transaction

from . import Result, cpus

NAME = "expert_draw"
TARGET = 1.0  # s
POOL = int(os.environ.get("BENCH_EXPERTS", "50000"))
BIDDERS = 200
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
PREFIX = "bench-expert-"
CODE = "A02010104"


def _uscc(n: int) -> str:
    return f"91330400MA{n:07d}X"


def _ensure_pool(day: datetime.date) -> None:
    from accounts.models import User
    from experts.models import Declaration, ExpertProfile, Unavailability

    have = ExpertProfile.objects.filter(user__username__startswith=PREFIX).count()
    if have >= POOL:
        _ensure_bans()
        return
    print(f"[bench] {NAME}: making {POOL:,} experts (once) ...", flush=True)
    rng = random.Random(6)
    specialties = [["A02"], ["A0201"], [CODE], ["A03"], ["B01"], ["C02"], ["A0202", "C01"], ["B02"]]
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{PREFIX}{n}",
                    email=f"{PREFIX}{n}@bench.invalid",
                    password="!",  # noqa: S106 - an unusable password
                    first_name=f"专家{n}",
                )
                for n in range(have, POOL)
            ],
            batch_size=5000,
        )
        experts = ExpertProfile.objects.bulk_create(
            [
                ExpertProfile(
                    user=user,
                    status=ExpertProfile.Status.APPROVED,
                    name_zh=user.first_name,
                    professional_title="高级工程师",
                    years_of_experience=10,
                    employer_name="某单位",
                    employer_uscc=_uscc(100000 + rng.randrange(5000)),
                    region_code="330400",
                    specialties=rng.choice(specialties),
                )
                for user in users
            ],
            batch_size=5000,
        )
        kinds = ["employment", "director", "controller", "relative"]
        declarations = []
        for expert in rng.sample(experts, min(5000, len(experts))):
            kind = rng.choice(kinds)
            party = rng.randrange(BIDDERS + 1) if rng.random() < 1 / 3 else 10000 + rng.randrange(50000)
            declarations.append(
                Declaration(
                    expert=expert,
                    kind=kind,
                    organisation_name="某公司",
                    organisation_uscc=_uscc(party),
                    relative_name="亲属" if kind == "relative" else "",
                    relationship="配偶" if kind == "relative" else "",
                    started_on=datetime.date(2018, 1, 1),
                    ended_on=None
                    if rng.random() < 0.5
                    else day - datetime.timedelta(days=rng.randrange(2000)),
                )
            )
        Declaration.objects.bulk_create(declarations, batch_size=5000)
        Unavailability.objects.bulk_create(
            [
                Unavailability(
                    expert=expert,
                    starts_on=day - datetime.timedelta(days=2),
                    ends_on=day + datetime.timedelta(days=3650),
                )
                for expert in rng.sample(experts, min(1000, len(experts)))
            ],
            batch_size=5000,
        )
    _ensure_bans()


def _ensure_bans(count: int = 50) -> None:
    """`count` experts of the pool banned through the credit service (they act in the pool)."""
    from accounts.models import Membership, Organisation, Role
    from credit import services as credit_services
    from credit.models import BlacklistEntry
    from experts.models import ExpertProfile

    if BlacklistEntry.objects.filter(record__person__username__startswith=PREFIX).exists():
        return
    pool, _created = Organisation.objects.get_or_create(
        uscc="91330400MA9999999X",
        defaults={
            "kind": Organisation.Kind.OPERATOR,
            "name_zh": "基准专家库",
            "name_en": "Bench expert pool",
            "region_code": "330400",
        },
    )
    ids = list(
        ExpertProfile.objects.filter(user__username__startswith=PREFIX)
        .order_by("pk")
        .values_list("user_id", flat=True)
    )
    for user_id in random.Random(7).sample(ids, min(count, len(ids))):
        Membership.objects.get_or_create(user_id=user_id, organisation=pool, role=Role.EXPERT)
        credit_services.record_event(
            ExpertProfile.objects.get(user_id=user_id).user, "expert.avoidance_violation"
        )


def _draw_once(day: datetime.date, bidders: list[str], purchaser: str) -> tuple[int, int, list[int]]:
    from credit.eligibility import Action, ineligible_people
    from experts import avoidance, draw, panel_selectors
    from rulebook.selectors import rule_int

    parties = avoidance.Parties(
        bidder_codes=frozenset(bidders),
        purchaser_code=purchaser,
        preparer_user_ids=frozenset(),
        evaluation_on=day,
        avoidance_years=rule_int("panel.avoidance_years", on=day),
    )
    matching, declarations, unavailable = panel_selectors.matching_candidates(
        [CODE], organisation_codes=set(bidders) | {purchaser}, evaluation_on=day
    )
    sanctioned = ineligible_people([c.user_id for c in matching], Action.BE_DRAWN, on=day)
    excluded = avoidance.exclusions(
        matching, declarations, parties, unavailable=unavailable, sanctioned=sanctioned
    )
    candidates = [c.expert_id for c in matching if c.expert_id not in excluded]
    order = draw.draw_order(secrets.token_bytes(32).hex(), candidates)
    return len(matching), len(excluded), [c.expert_id for c in matching] if order else []


def _baseline(ids: list[int]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, user_id, employer_uscc FROM experts_expertprofile WHERE id = ANY(%s)", [ids]
        )
        return len(cursor.fetchall())


def run() -> Result:
    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=1)
    _ensure_pool(day)
    bidders = [_uscc(n) for n in range(1, BIDDERS + 1)]
    purchaser = _uscc(0)
    matching, excluded, ids = _draw_once(day, bidders, purchaser)  # warm-up
    _baseline(ids)
    draws, reads = [], []
    clock = time.perf_counter
    for n in range(ROUNDS):
        for kind in ("draw", "read") if n % 2 == 0 else ("read", "draw"):
            started = clock()
            if kind == "draw":
                _draw_once(day, bidders, purchaser)
                draws.append(clock() - started)
            else:
                _baseline(ids)
                reads.append(clock() - started)
    value, baseline = statistics.median(draws), statistics.median(reads)
    print(
        f"[bench] {NAME}: pool {POOL:,}, {matching:,} matching A02010104, {excluded:,} excluded "
        f"against {BIDDERS} bidders and the purchaser; draw median {value * 1000:.0f} ms "
        f"(max {max(draws) * 1000:.0f} ms); read of the same rows median {baseline * 1000:.0f} ms",
        flush=True,
    )
    return Result(
        name=NAME,
        value=round(value, 3),
        unit="s",
        baseline_value=round(baseline, 3),
        ratio=round(value / baseline, 2) if baseline else None,
        target=TARGET,
        met=bool(value < TARGET),
        cpus=cpus(),
    )
