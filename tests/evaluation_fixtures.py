"""Fixtures shared by the expert pool, panel, evaluation, award and challenge tests (a pytest
plugin of tests/conftest.py): experts in the pool, an opened lot with three opened bids, and a
seated panel with its evaluation started.

`seated_evaluation` builds the seated panel row by row (the draw's own tests take it through the
draw services); the evaluation itself is started by the real start_evaluation.
"""

import hashlib
import itertools

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, Role
from bidding import services as bidding_services
from bidding.evaluation.services import start_evaluation
from experts.models import ExpertProfile, Panel, PanelSeat
from procurement.models import Lot
from suppliers.models import SupplierProfile
from tests.accounts.factories import OrganisationFactory
from tests.bidding.helpers import pass_deadline, prepare_bid

_uscc = itertools.count(1)


@pytest.fixture
def expert_factory(db, make_member):
    """expert_factory(status=APPROVED, specialties=("A02",), region_code="330400", **profile fields)
    -> an ExpertProfile whose user acts as an expert of the platform operator's pool."""
    pool = OrganisationFactory(kind=Organisation.Kind.OPERATOR)

    def make(*, status=ExpertProfile.Status.APPROVED, specialties=("A02",), region_code="330400", **fields):
        user = make_member(Role.EXPERT, organisation=pool)
        number = next(_uscc)
        defaults = {
            "name_zh": f"专家{number}",
            "name_en": f"Expert {number}",
            "professional_title": "高级工程师",
            "years_of_experience": 12,
            "employer_name": f"某大学{number}",
            "employer_uscc": "",
        }
        defaults.update(fields)
        return ExpertProfile.objects.create(
            user=user, status=status, specialties=list(specialties), region_code=region_code, **defaults
        )

    return make


@pytest.fixture
def opened_lot(tendering_project, supplier_factory) -> Lot:
    """The tendering project's first lot, opened automatically with three bids: 200,000 (a small
    enterprise), 210,000 and 220,000 (medium); bids are lot.bids (status opened)."""
    lot = tendering_project.lots.order_by("number").first()
    tendering_project.tender_documents.filter(status="published").update(opens_automatically=True)
    sizes = [SupplierProfile.Size.SMALL, SupplierProfile.Size.MEDIUM, SupplierProfile.Size.MEDIUM]
    for i, size in enumerate(sizes):
        representative = supplier_factory(enterprise_size=size).representative
        prepare_bid(lot, representative, price=f"{200 + 10 * i}000.00", marker=f"bid{i}")
    pass_deadline(tendering_project)
    with transaction.atomic():
        bidding_services.open_automatically(lot.pk)
    lot.refresh_from_db()
    assert lot.status == Lot.Status.OPENED
    return lot


def seat_panel(lot, officer, experts, representatives=()) -> Panel:
    """A seated panel of the given experts (and purchaser representatives), built row by row."""
    seed = hashlib.sha256(f"seed-{lot.pk}".encode()).hexdigest()
    panel = Panel.objects.create(
        lot=lot,
        status=Panel.Status.SEATED,
        requested_by=officer,
        size=len(experts) + len(representatives),
        expert_seats=len(experts),
        purchaser_seats=len(representatives),
        reserves=0,
        specialties=["A02"],
        evaluation_on=timezone.localdate(),
        answer_hours=12,
        seed_sha256=hashlib.sha256(bytes.fromhex(seed)).hexdigest(),
        seed=seed,
        candidates=sorted(expert.pk for expert in experts),
        draw_order=[expert.pk for expert in experts],
        drawn_at=timezone.now(),
        seated_at=timezone.now(),
    )
    now = timezone.now()
    for position, expert in enumerate(experts, start=1):
        PanelSeat.objects.create(
            panel=panel,
            kind=PanelSeat.Kind.EXPERT,
            member=expert.user,
            expert=expert,
            position=position,
            status=PanelSeat.Status.SEATED,
            invited_at=now,
            replied_at=now,
            declared_at=now,
            is_leader=position == 1,
        )
    for user in representatives:
        PanelSeat.objects.create(
            panel=panel,
            kind=PanelSeat.Kind.PURCHASER_REPRESENTATIVE,
            member=user,
            position=0,
            status=PanelSeat.Status.SEATED,
            declared_at=now,
        )
    return panel


@pytest.fixture
def seated_evaluation(opened_lot, officer, expert_factory, clerk):
    """The opened lot under evaluation by a seated panel of four experts and one purchaser
    representative (the clerk): the lot is evaluating, the evaluation in qualification review."""
    experts = [expert_factory() for _ in range(4)]
    panel = seat_panel(opened_lot, officer, experts, representatives=[clerk])
    with transaction.atomic():
        Lot.objects.filter(pk=opened_lot.pk).update(status=Lot.Status.EVALUATING)
        evaluation = start_evaluation(panel)
    opened_lot.refresh_from_db()
    return evaluation
