"""The agency's panel services (bidding/panels/services.py): the rulebook's size, who may request
and draw, the lot's parties avoided, the lot under evaluation, and the evaluation started once
every seat is seated."""

import datetime
import time

import pytest
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from bidding.evaluation.models import Evaluation
from bidding.exceptions import BidNotFound
from bidding.panels import services
from common.exceptions import PermissionDenied
from experts import tasks as expert_tasks
from experts.models import DrawExclusion, ExpertProfile, Panel, PanelSeat
from procurement.models import Lot, Project
from tests.bidding.helpers import verified

from .panel_fixtures import *  # noqa: F401,F403
from .panel_fixtures import evaluation_day


def _request(lot, officer, representatives, **fields):
    return services.request_panel(
        lot.pk,
        actor=verified(officer),
        specialties=fields.pop("specialties", ["A02"]),
        evaluation_on=fields.pop("evaluation_on", evaluation_day()),
        representative_ids=[user.pk for user in representatives],
        **fields,
    )


def test_the_smallest_lawful_panel_is_five_with_four_experts(requested_panel, clerk):
    panel = requested_panel
    assert (panel.size, panel.expert_seats, panel.purchaser_seats, panel.reserves, panel.answer_hours) == (
        5,
        4,
        1,
        3,
        12,
    )
    event = AuditEvent.objects.get(action="bidding.panel_requested")
    assert event.data["seed_sha256"] == panel.seed_sha256 and event.data["experts"] == 4


def test_a_large_lot_needs_seven(opened_lot, officer, clerk, expert_pool):
    Lot.objects.filter(pk=opened_lot.pk).update(budget="12000000.00")
    opened_lot.refresh_from_db()
    assert services.size_rule(opened_lot).min_size == 7
    panel = _request(opened_lot, officer, [clerk])
    assert (panel.size, panel.expert_seats) == (7, 6)


def test_negotiation_below_the_tender_threshold_needs_three(opened_lot):
    Project.objects.filter(pk=opened_lot.project_id).update(
        method="competitive_negotiation", budget="1500000.00"
    )
    opened_lot.refresh_from_db()
    assert services.size_rule(opened_lot).min_size == 3


@pytest.mark.parametrize(
    ("size", "representatives", "message"),
    [
        (6, 1, "odd number"),
        (3, 1, "odd number"),
        (5, 2, "two thirds"),
    ],
)
def test_a_panel_against_the_rulebook_is_refused(
    opened_lot, officer, clerk, approvers, size, representatives, message
):
    reps = [clerk, *approvers][:representatives]
    with pytest.raises(services.InvalidPanelRequest) as error, transaction.atomic():
        _request(opened_lot, officer, reps, size=size)
    from django.utils import translation

    with translation.override("en"):
        assert message in str(error.value)
    assert not Panel.objects.exists()


def test_a_representative_must_be_of_the_purchaser(opened_lot, officer, other_officer):
    with pytest.raises(services.InvalidPanelRequest), transaction.atomic():
        _request(opened_lot, officer, [other_officer])
    assert not Panel.objects.exists()


def test_requesting_needs_the_second_factor(opened_lot, officer, clerk):
    with pytest.raises(PermissionDenied):
        services.request_panel(
            opened_lot.pk,
            actor=officer,
            specialties=[],
            evaluation_on=evaluation_day(),
            representative_ids=[clerk.pk],
        )


def test_another_agency_or_a_missing_lot_is_the_same_404(opened_lot, other_officer, clerk):
    for lot_id in (opened_lot.pk, 999999):
        with pytest.raises(BidNotFound):
            services.request_panel(
                lot_id,
                actor=verified(other_officer),
                specialties=[],
                evaluation_on=evaluation_day(),
                representative_ids=[clerk.pk],
            )


def test_a_lot_not_opened_gets_no_panel(tendering_project, officer, clerk):
    lot = tendering_project.lots.order_by("number").first()
    with pytest.raises(services.PanelRefused):
        _request(lot, officer, [clerk])


def test_drawing_avoids_the_lots_bidders_and_preparers_and_puts_the_lot_under_evaluation(
    requested_panel, officer, expert_pool, opened_lot
):
    # the officer prepared the tender documents: were they in the pool, they would be left out
    preparer = ExpertProfile.objects.create(
        user=officer,
        status=ExpertProfile.Status.APPROVED,
        name_zh="经办人",
        professional_title="工程师",
        years_of_experience=10,
        employer_name="代理机构",
        region_code="330400",
        specialties=["A02"],
    )
    bidder = opened_lot.bids.filter(status="opened").select_related("supplier").first().supplier
    ExpertProfile.objects.filter(pk=expert_pool[0].pk).update(employer_uscc=bidder.uscc)
    panel = services.draw_panel(opened_lot.pk, actor=verified(officer))
    assert panel.status == Panel.Status.DRAWN
    reasons = dict(DrawExclusion.objects.filter(panel=panel).values_list("expert_id", "reason"))
    assert reasons == {
        preparer.pk: DrawExclusion.Reason.PREPARED_DOCUMENTS,
        expert_pool[0].pk: DrawExclusion.Reason.WORKED_FOR_BIDDER,
    }
    opened_lot.refresh_from_db()
    assert opened_lot.status == Lot.Status.EVALUATING
    assert AuditEvent.objects.get(action="bidding.panel_drawn").data["lot"] == opened_lot.pk


def test_a_panel_is_drawn_once(drawn_panel, officer):
    with pytest.raises(services.PanelRefused):
        services.draw_panel(drawn_panel.lot_id, actor=verified(officer))


def _seat_everyone(panel):
    for seat in panel.seats.filter(status=PanelSeat.Status.INVITED).select_related("member").order_by("pk"):
        services.accept_invitation(seat.pk, actor=seat.member)
        services.declare(seat.pk, actor=verified(seat.member), conflict="")


def test_the_last_declaration_seats_the_panel_and_starts_the_evaluation(drawn_panel):
    assert not Evaluation.objects.exists()
    _seat_everyone(drawn_panel)
    drawn_panel.refresh_from_db()
    assert drawn_panel.status == Panel.Status.SEATED
    evaluation = Evaluation.objects.get(panel=drawn_panel)
    assert evaluation.sheets.count() == 5 and evaluation.assessments.count() == 3
    event = AuditEvent.objects.get(action="bidding.evaluation_started")
    assert event.data == {"lot": drawn_panel.lot_id, "panel": drawn_panel.pk}


def test_a_conflict_on_the_way_calls_a_reserve_and_the_reserve_completes_the_panel(drawn_panel):
    first = drawn_panel.seats.get(kind="expert", position=1)
    services.accept_invitation(first.pk, actor=first.member)
    services.declare(first.pk, actor=verified(first.member), conflict="投标人是我的前雇主")
    assert drawn_panel.seats.get(position=5).status == PanelSeat.Status.INVITED
    _seat_everyone(drawn_panel)
    assert Evaluation.objects.filter(panel=drawn_panel).exists()
    seated = set(drawn_panel.seats.filter(kind="expert", status="seated").values_list("position", flat=True))
    assert seated == {2, 3, 4, 5}


@pytest.mark.django_db(transaction=True)
def test_the_sweep_lapses_an_unanswered_invitation_on_a_real_worker(
    celery_worker, opened_lot, officer, clerk, expert_factory
):
    for _ in range(6):
        expert_factory()
    panel = _request(opened_lot, officer, [clerk])
    services.draw_panel(opened_lot.pk, actor=verified(officer))
    seat = panel.seats.get(kind="expert", position=2)
    PanelSeat.objects.filter(pk=seat.pk).update(reply_by=timezone.now() - datetime.timedelta(minutes=1))
    expert_tasks.lapse_unanswered_invitations.delay()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        seat.refresh_from_db()
        if seat.status == PanelSeat.Status.NO_ANSWER:
            break
        time.sleep(0.2)
    assert seat.status == PanelSeat.Status.NO_ANSWER
    assert panel.seats.get(kind="expert", position=5).status == PanelSeat.Status.INVITED
    assert AuditEvent.objects.filter(action="experts.invitation_lapsed").count() == 1
