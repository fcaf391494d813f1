"""evaluation_aggregate: the aggregation of one evaluation when its last member submits: 200
qualified bids × 7 members × 30 criteria (42,000 scores), read, computed (means, subtotals, SME
deduction, price scores, totals, ranking, deviation and identical-sheet checks) and written (200
assessments, the flags), in seconds.

Data: a fresh public-tender lot per run through the procurement services (benchmarks/_bid_data.py),
200 opened bids of the bench suppliers (one in five a small enterprise) and a seated panel of seven
written in bulk, the evaluation in scoring with 30 criteria, every member's points near a per-bid
level (a few stray scores, with their reasons). Measured: bidding.evaluation.services.aggregate in
a transaction rolled back after each run (so every run aggregates the same rows), best and median
of RUNS. Baseline, in the same run, alternating with it: reading the same 42,000 score rows
(values_list of the same columns). Target: under 0.5 s.
"""

import hashlib
import random
import statistics
import time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from . import Result, cpus
from . import _bid_data as data

NAME = "evaluation_aggregate"
TARGET = 0.5  # seconds
BIDS, MEMBERS, CRITERIA = 200, 7, 30
RUNS = 7


class _Rollback(Exception):
    pass


def _experts(n: int):
    from accounts.models import Membership, Organisation, Role, User
    from experts.models import ExpertProfile

    pool = data._organisation(Organisation.Kind.OPERATOR, 9_000_003, "基准专家库", "Bench expert pool")
    profiles = []
    for i in range(n):
        username = f"{data.USERNAME_PREFIX}expert{i}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(username=username, email=f"{username}@bench.sunlight.invalid")
            membership = Membership.objects.create(user=user, organisation=pool, role=Role.EXPERT)
            user.active_membership = membership
            user.save(update_fields=["active_membership"])
        profile, _ = ExpertProfile.objects.get_or_create(
            user=user,
            defaults={
                "status": ExpertProfile.Status.APPROVED,
                "name_zh": f"基准专家{i}",
                "name_en": f"Bench expert {i}",
                "professional_title": "高级工程师",
                "years_of_experience": 10,
                "employer_name": "基准大学",
                "region_code": data.REGION,
                "specialties": ["A02"],
            },
        )
        profiles.append(profile)
    return profiles


def _evaluation(parties):
    from bidding.evaluation.services import pinned_document
    from bidding.models import Bid, BidAssessment, Evaluation, Score, ScoreSheet
    from experts.models import Panel, PanelSeat
    from procurement.models import Lot
    from suppliers.models import SupplierProfile

    lot = data.new_tendering_lot(parties)
    suppliers = data.ensure_suppliers(BIDS)
    from accounts.models import User

    users = {u.pk: u for u in User.objects.filter(pk__in=suppliers).select_related("active_membership")}
    rng = random.Random(6)
    now = timezone.now()
    bids = Bid.objects.bulk_create(
        [
            Bid(
                lot=lot,
                supplier_id=users[pk].active_membership.organisation_id,
                prepared_by_id=pk,
                status=Bid.Status.OPENED,
                sealed_key=b"bench",
                sealed_price=b"bench",
                received_at=now,
                opened_at=now,
                price=Decimal(rng.randint(2_000_000, 2_900_000)),
            )
            for pk in suppliers
        ]
    )
    Lot.objects.filter(pk=lot.pk).update(status=Lot.Status.EVALUATING)
    experts = _experts(MEMBERS)
    seed = hashlib.sha256(f"bench-{lot.pk}".encode()).hexdigest()
    panel = Panel.objects.create(
        lot=lot,
        status=Panel.Status.SEATED,
        requested_by_id=parties.officer_id,
        size=MEMBERS,
        expert_seats=MEMBERS,
        purchaser_seats=0,
        reserves=0,
        specialties=["A02"],
        evaluation_on=timezone.localdate(),
        answer_hours=12,
        seed_sha256=hashlib.sha256(bytes.fromhex(seed)).hexdigest(),
        seed=seed,
        candidates=[e.pk for e in experts],
        draw_order=[e.pk for e in experts],
        drawn_at=now,
        seated_at=now,
    )
    seats = PanelSeat.objects.bulk_create(
        [
            PanelSeat(
                panel=panel,
                kind=PanelSeat.Kind.EXPERT,
                member=e.user,
                expert=e,
                position=i + 1,
                status=PanelSeat.Status.SEATED,
                declared_at=now,
                is_leader=i == 0,
            )
            for i, e in enumerate(experts)
        ]
    )
    criteria = [
        {
            "name_zh": f"评审因素{i + 1}",
            "name_en": f"Criterion {i + 1}",
            "kind": "technical" if i < 18 else "commercial",
            "points": "2.00" if i % 2 else "2.66",
        }
        for i in range(CRITERIA)
    ]
    evaluation = Evaluation.objects.create(
        lot=lot,
        panel=panel,
        document=pinned_document(lot),
        method="comprehensive",
        price_weight=Decimal("30.00"),
        criteria=criteria,
        qualification_items=["营业执照"],
        sme_deduction_percent=Decimal("10.00"),
        deviation_percent=Decimal("30.00"),
        abnormal_price_percent=Decimal("40.00"),
        status=Evaluation.Status.SCORING,
        started_at=now,
    )
    sheets = ScoreSheet.objects.bulk_create(
        [ScoreSheet(evaluation=evaluation, seat=seat, status=ScoreSheet.Status.SUBMITTED) for seat in seats]
    )
    small = set(
        SupplierProfile.objects.filter(enterprise_size=SupplierProfile.Size.SMALL).values_list(
            "organisation_id", flat=True
        )
    )
    BidAssessment.objects.bulk_create(
        [
            BidAssessment(
                evaluation=evaluation,
                bid=bid,
                price=bid.price,
                qualified=True,
                is_small_or_micro=bid.supplier_id in small or n % 5 == 0,
            )
            for n, bid in enumerate(bids)
        ]
    )
    scores = []
    for bid in bids:
        for c, criterion in enumerate(criteria):
            top = Decimal(criterion["points"])
            level = Decimal(rng.randint(55, 95)) / 100
            for sheet in sheets:
                stray = rng.random() < 0.002
                share = (
                    Decimal(rng.randint(0, 10)) / 100 if stray else level + Decimal(rng.randint(-5, 5)) / 100
                )
                points = min(top, max(Decimal(0), (top * share).quantize(Decimal("0.01"))))
                scores.append(
                    Score(
                        sheet=sheet,
                        bid=bid,
                        criterion=c,
                        points=points,
                        deviation_reason="该项明显不满足要求" if stray else "",
                    )
                )
    Score.objects.bulk_create(scores, batch_size=5000)
    return evaluation


def _baseline(evaluation) -> tuple[float, int]:
    from bidding.models import Score

    started = time.perf_counter()
    rows = list(
        Score.objects.filter(sheet__evaluation=evaluation, sheet__seat__status="seated")
        .order_by()
        .values_list("sheet__seat_id", "bid_id", "criterion", "points", "deviation_reason")
    )
    return time.perf_counter() - started, len(rows)


def _aggregate(evaluation) -> tuple[float, int, int]:
    from bidding.evaluation.services import aggregate
    from bidding.models import BidAssessment, Evaluation, EvaluationFlag

    took = ranked = flags = 0
    try:
        with transaction.atomic():
            locked = (
                Evaluation.objects.select_for_update().select_related("lot__project").get(pk=evaluation.pk)
            )
            started = time.perf_counter()
            aggregate(locked)
            took = time.perf_counter() - started
            ranked = BidAssessment.objects.filter(evaluation=evaluation, rank__isnull=False).count()
            flags = EvaluationFlag.objects.filter(evaluation=evaluation).count()
            raise _Rollback
    except _Rollback:
        pass
    return took, ranked, flags


def run() -> Result:
    parties = data.ensure_parties()
    started = time.perf_counter()
    with transaction.atomic():
        evaluation = _evaluation(parties)
    data.log(
        NAME,
        f"data: {BIDS} bids × {MEMBERS} members × {CRITERIA} criteria "
        f"in {time.perf_counter() - started:.1f} s",
    )
    _aggregate(evaluation)  # warm-up
    _baseline(evaluation)
    measured, baseline = [], []
    ranked = flags = rows = 0
    for n in range(RUNS):
        for kind in ("aggregate", "baseline") if n % 2 == 0 else ("baseline", "aggregate"):
            if kind == "aggregate":
                took, ranked, flags = _aggregate(evaluation)
                measured.append(took)
            else:
                took, rows = _baseline(evaluation)
                baseline.append(took)
    if ranked != BIDS or rows != BIDS * MEMBERS * CRITERIA:
        raise RuntimeError(f"aggregated {ranked} bids from {rows} scores")
    value, base = statistics.median(measured), statistics.median(baseline)
    data.log(
        NAME,
        f"aggregate median {value:.3f} s (best {min(measured):.3f} s) of {rows:,} scores, "
        f"{ranked} bids ranked, "
        f"{flags} flags; baseline read median {base:.3f} s (best {min(baseline):.3f} s)",
    )
    return Result(
        name=NAME,
        value=round(value, 3),
        unit="s",
        baseline_value=round(base, 3),
        ratio=round(value / base, 2) if base else None,
        target=TARGET,
        met=bool(value < TARGET),
        cpus=cpus(),
    )
