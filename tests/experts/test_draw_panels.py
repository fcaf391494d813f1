"""The draw services (experts/panels.py): the commitment before the candidates, the frozen list,
each avoidance reason, the invitations, reserves called on decline / no answer / conflict, and
the seated panel."""

import datetime
import hashlib
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import Notification
from audit.models import AuditEvent
from credit import services as credit_services
from experts import draw as draw_maths
from experts import panels, tasks
from experts.models import Declaration, DrawExclusion, ExpertProfile, Panel, PanelSeat, Unavailability
from tests.bidding.helpers import verified

from .draw_fixtures import bidder_codes, commit, evaluation_day, run_draw

Reason = DrawExclusion.Reason


@pytest.fixture
def pool(expert_factory):
    return [expert_factory() for _ in range(8)]


@pytest.fixture
def drawn(opened_lot, officer, clerk, pool):
    panel = commit(opened_lot, officer, [clerk])
    with mock.patch.object(tasks.lapse_invitation, "apply_async"):
        return run_draw(panel, officer)


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def test_the_seeds_hash_is_committed_before_any_candidate_is_known(opened_lot, officer, clerk, pool):
    panel = commit(opened_lot, officer, [clerk])
    assert panel.status == Panel.Status.REQUESTED and panel.candidates == [] and panel.draw_order == []
    assert panel.seed_sha256 == hashlib.sha256(bytes.fromhex(panel.seed)).hexdigest()
    (event,) = _events("experts.panel_committed")
    assert event.data["seed_sha256"] == panel.seed_sha256 and "seed" not in event.data
    representative = panel.seats.get()
    assert representative.kind == PanelSeat.Kind.PURCHASER_REPRESENTATIVE
    assert representative.status == PanelSeat.Status.RESERVE
    with mock.patch.object(tasks.lapse_invitation, "apply_async"):
        run_draw(panel, officer)
    (drawn_event,) = _events("experts.panel_drawn")
    assert drawn_event.sequence > event.sequence


def test_two_panels_get_different_seeds(opened_lot, officer, clerk, tendering_project):
    first = commit(opened_lot, officer, [clerk])
    second_lot = tendering_project.lots.order_by("number").last()
    second = commit(second_lot, officer, [clerk])
    assert first.seed != second.seed


def test_the_draw_freezes_the_candidates_and_invites_in_draw_order(drawn, pool, clerk):
    panel = drawn
    assert panel.status == Panel.Status.DRAWN and panel.drawn_at is not None
    assert panel.candidates == sorted(expert.pk for expert in pool)
    assert panel.candidates_sha256 == draw_maths.candidates_sha256(panel.candidates)
    assert panel.draw_order == draw_maths.replay(panel.seed, panel.candidates)
    experts = list(panel.seats.filter(kind=PanelSeat.Kind.EXPERT).order_by("position"))
    assert [seat.expert_id for seat in experts] == panel.draw_order[:6]
    assert [seat.status for seat in experts] == [PanelSeat.Status.INVITED] * 4 + [
        PanelSeat.Status.RESERVE
    ] * 2
    invited = [seat for seat in experts if seat.status == PanelSeat.Status.INVITED]
    assert all(seat.reply_by == seat.invited_at + datetime.timedelta(hours=12) for seat in invited)
    representative = panel.seats.get(kind=PanelSeat.Kind.PURCHASER_REPRESENTATIVE)
    assert representative.status == PanelSeat.Status.INVITED and representative.member == clerk
    notified = set(
        Notification.objects.filter(subject_en__contains="evaluation panel").values_list(
            "recipient_id", flat=True
        )
    )
    assert notified == {seat.member_id for seat in invited} | {clerk.pk}
    (event,) = _events("experts.panel_drawn")
    assert event.data["candidates_sha256"] == panel.candidates_sha256
    assert event.data["draw_order"] == panel.draw_order and "seed" not in event.data


def test_each_invitation_gets_its_lapse_job_at_its_deadline(
    opened_lot, officer, clerk, pool, django_capture_on_commit_callbacks
):
    panel = commit(opened_lot, officer, [clerk])
    with mock.patch.object(tasks.lapse_invitation, "apply_async") as schedule:
        with django_capture_on_commit_callbacks(execute=True):
            run_draw(panel, officer)
    invited = PanelSeat.objects.filter(status=PanelSeat.Status.INVITED)
    assert schedule.call_count == invited.count() == 5
    scheduled = {call.kwargs["args"][0]: call.kwargs["eta"] for call in schedule.call_args_list}
    assert scheduled == {seat.pk: seat.reply_by for seat in invited}


def _declare(expert, **fields):
    defaults = {
        "kind": Declaration.Kind.EMPLOYMENT,
        "organisation_name": "某公司",
        "started_on": datetime.date(2015, 1, 1),
    }
    defaults.update(fields)
    return Declaration.objects.create(expert=expert, **defaults)


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("employment", Reason.WORKED_FOR_BIDDER),
        ("director", Reason.WORKED_FOR_BIDDER),
        ("controller", Reason.WORKED_FOR_BIDDER),
        ("employer_is_bidder", Reason.WORKED_FOR_BIDDER),
        ("relative_at_bidder", Reason.RELATIVE_AT_BIDDER),
        ("relative_at_purchaser", Reason.RELATIVE_AT_PURCHASER),
        ("employer_is_purchaser", Reason.WORKS_FOR_PURCHASER),
        ("prepared", Reason.PREPARED_DOCUMENTS),
        ("banned", Reason.CREDIT_SANCTION),
        ("unavailable", Reason.UNAVAILABLE),
    ],
)
def test_each_avoidance_reason_excludes_and_is_recorded(opened_lot, officer, clerk, pool, setup, reason):
    suspect = pool[0]
    bidder = bidder_codes(opened_lot)[1]
    purchaser = opened_lot.project.purchaser.uscc
    ended_two_years_ago = evaluation_day() - datetime.timedelta(days=730)
    preparers = []
    if setup in ("employment", "director", "controller"):
        _declare(suspect, kind=setup, organisation_uscc=bidder, ended_on=ended_two_years_ago)
    elif setup == "employer_is_bidder":
        ExpertProfile.objects.filter(pk=suspect.pk).update(employer_uscc=bidder)
    elif setup == "relative_at_bidder":
        _declare(
            suspect, kind="relative", organisation_uscc=bidder, relative_name="张三", relationship="配偶"
        )
    elif setup == "relative_at_purchaser":
        _declare(
            suspect, kind="relative", organisation_uscc=purchaser, relative_name="李四", relationship="兄弟"
        )
    elif setup == "employer_is_purchaser":
        ExpertProfile.objects.filter(pk=suspect.pk).update(employer_uscc=purchaser)
    elif setup == "prepared":
        preparers = [suspect.user_id]
    elif setup == "banned":
        credit_services.record_event(suspect.user, "expert.avoidance_violation")
    elif setup == "unavailable":
        day = evaluation_day()
        Unavailability.objects.create(expert=suspect, starts_on=day - datetime.timedelta(days=1), ends_on=day)
    panel = commit(opened_lot, officer, [clerk])
    with mock.patch.object(tasks.lapse_invitation, "apply_async"):
        panel = run_draw(panel, officer, preparers=preparers)
    assert suspect.pk not in panel.candidates and suspect.pk not in panel.draw_order
    assert len(panel.candidates) == len(pool) - 1
    assert not panel.seats.filter(expert=suspect).exists()
    exclusion = DrawExclusion.objects.get(panel=panel)
    assert (exclusion.expert_id, exclusion.reason) == (suspect.pk, reason)
    (event,) = _events("experts.panel_drawn")
    assert event.data["exclusions"] == {reason: 1}


def test_a_tie_ended_more_than_three_years_before_does_not_exclude(opened_lot, officer, clerk, pool):
    bidder = bidder_codes(opened_lot)[0]
    _declare(pool[0], organisation_uscc=bidder, ended_on=evaluation_day() - datetime.timedelta(days=3 * 366))
    _declare(pool[1], organisation_uscc="91330400MA0000000X")  # no bidder: no matter
    panel = commit(opened_lot, officer, [clerk])
    with mock.patch.object(tasks.lapse_invitation, "apply_async"):
        panel = run_draw(panel, officer)
    assert panel.candidates == sorted(expert.pk for expert in pool)
    assert not DrawExclusion.objects.exists()


def test_a_banned_expert_is_never_drawn_even_when_every_other_is(opened_lot, officer, clerk, expert_factory):
    experts = [expert_factory() for _ in range(5)]
    banned = experts[2]
    credit_services.record_event(banned.user, "expert.avoidance_violation")
    panel = commit(opened_lot, officer, [clerk], expert_seats=4, reserves=3)
    with mock.patch.object(tasks.lapse_invitation, "apply_async"):
        panel = run_draw(panel, officer)
    assert banned.pk not in panel.draw_order
    assert set(panel.seats.filter(kind="expert").values_list("expert_id", flat=True)) == {
        e.pk for e in experts if e != banned
    }
    assert DrawExclusion.objects.get(expert=banned).reason == Reason.CREDIT_SANCTION


def test_only_approved_experts_of_a_matching_specialty_are_candidates(
    opened_lot, officer, clerk, expert_factory
):
    matching = [
        expert_factory(specialties=("A02",)),
        expert_factory(specialties=("A0201",)),
        expert_factory(specialties=("A",)),
    ]
    matching += [expert_factory(specialties=("A02010104", "C01"))]
    expert_factory(specialties=("A020102",))  # more specific than the lot's code: not a prefix
    expert_factory(specialties=("B01",))
    expert_factory(status=ExpertProfile.Status.SUSPENDED)
    expert_factory(status=ExpertProfile.Status.PENDING)
    panel = commit(opened_lot, officer, [clerk], expert_seats=2, reserves=1, specialties=["A02010104"])
    with mock.patch.object(tasks.lapse_invitation, "apply_async"):
        panel = run_draw(panel, officer)
    assert panel.candidates == sorted(e.pk for e in matching)


def test_too_few_candidates_is_refused_naming_the_numbers_and_changes_nothing(
    opened_lot, officer, clerk, expert_factory
):
    experts = [expert_factory() for _ in range(4)]
    credit_services.record_event(experts[0].user, "expert.avoidance_violation")
    panel = commit(opened_lot, officer, [clerk])
    with pytest.raises(panels.TooFewCandidates) as error, transaction.atomic():
        run_draw(panel, officer)
    with translation.override("en"):
        assert "3 of the 4 in the pool" in str(error.value) and "the panel needs 4" in str(error.value)
    panel.refresh_from_db()
    assert panel.status == Panel.Status.REQUESTED and panel.candidates == []
    assert not DrawExclusion.objects.exists() and not PanelSeat.objects.filter(kind="expert").exists()
    assert _events("experts.panel_drawn") == []


def test_a_panel_is_drawn_once(drawn, officer):
    with pytest.raises(panels.PanelStateConflict):
        run_draw(drawn, officer)


def test_a_second_live_panel_for_the_lot_is_refused(drawn, officer, clerk):
    with pytest.raises(panels.PanelStateConflict):
        commit(drawn.lot, officer, [clerk])


@pytest.mark.parametrize(
    "fields",
    [
        {"expert_seats": 4, "purchaser_seats": 1, "size": 6},
        {"expert_seats": 4, "purchaser_seats": 2, "size": 6},  # one representative named
        {"expert_seats": 4, "purchaser_seats": 1, "size": 5, "specialties": []},
    ],
)
def test_a_malformed_request_is_refused(opened_lot, officer, clerk, fields):
    arguments = {
        "actor": officer,
        "reserves": 2,
        "specialties": ["A02"],
        "evaluation_on": evaluation_day(),
        "answer_hours": 12,
        "representatives": [clerk],
    }
    arguments.update(fields)
    with pytest.raises(panels.InvalidPanel):
        panels.commit_panel(opened_lot, **arguments)
    assert not Panel.objects.exists()


# --- Answers ---------------------------------------------------------------------------------------


def _seat(panel, position):
    return panel.seats.get(kind=PanelSeat.Kind.EXPERT, position=position)


@pytest.fixture(autouse=True)
def _no_broker():
    with mock.patch.object(tasks.lapse_invitation, "apply_async"):
        yield


def test_accepting_then_declaring_no_conflict_seats_the_member(drawn):
    seat = _seat(drawn, 1)
    panels.accept_invitation(seat.pk, actor=seat.member)
    seat.refresh_from_db()
    assert seat.status == PanelSeat.Status.ACCEPTED and seat.replied_at is not None
    panels.declare(seat.pk, actor=verified(seat.member), conflict="")
    seat.refresh_from_db()
    assert seat.status == PanelSeat.Status.SEATED and seat.declared_at is not None
    assert [e.data["seat"] for e in _events("experts.invitation_accepted")] == [seat.pk]
    assert _events("experts.declaration_signed")[0].data["conflict"] is False


def test_declaring_needs_the_second_factor(drawn):
    seat = _seat(drawn, 1)
    panels.accept_invitation(seat.pk, actor=seat.member)
    with pytest.raises(panels.SecondFactorRequired):
        panels.declare(seat.pk, actor=seat.member, conflict="")
    seat.refresh_from_db()
    assert seat.status == PanelSeat.Status.ACCEPTED


def test_a_decline_needs_a_reason_and_calls_the_first_reserve(drawn):
    seat = _seat(drawn, 2)
    with pytest.raises(panels.ReasonRequired):
        panels.decline_invitation(seat.pk, actor=seat.member, reason="  ")
    panels.decline_invitation(seat.pk, actor=seat.member, reason="出差")
    seat.refresh_from_db()
    assert seat.status == PanelSeat.Status.DECLINED and seat.decline_reason == "出差"
    reserve = _seat(drawn, 5)
    assert reserve.status == PanelSeat.Status.INVITED and reserve.expert_id == drawn.draw_order[4]
    assert Notification.objects.filter(recipient=reserve.member).exists()
    assert _events("experts.invitation_declined")[0].data["called"] == 5


def test_a_declared_conflict_removes_the_expert_and_calls_the_next_reserve(drawn):
    first, second = _seat(drawn, 1), _seat(drawn, 2)
    panels.decline_invitation(first.pk, actor=first.member, reason="生病")  # calls 5
    panels.accept_invitation(second.pk, actor=second.member)
    panels.declare(second.pk, actor=verified(second.member), conflict="我曾为投标人提供咨询")
    second.refresh_from_db()
    assert second.status == PanelSeat.Status.CONFLICT and second.conflict
    assert _seat(drawn, 6).status == PanelSeat.Status.INVITED


def test_past_the_reserves_the_draw_order_goes_on(drawn):
    for position in (1, 2, 3):
        seat = _seat(drawn, position)
        panels.decline_invitation(seat.pk, actor=seat.member, reason="不便")
    called = _seat(drawn, 7)
    assert called.status == PanelSeat.Status.INVITED and called.expert_id == drawn.draw_order[6]


def test_an_exhausted_order_tells_the_agency(drawn, officer):
    for position in (1, 2, 3, 4):
        seat = _seat(drawn, position)
        panels.decline_invitation(seat.pk, actor=seat.member, reason="不便")
    # 8 candidates: positions 5, 6 (reserves), 7, 8 were called; none is left
    last = _seat(drawn, 8)
    panels.decline_invitation(last.pk, actor=last.member, reason="不便")
    assert drawn.seats.filter(kind="expert").count() == 8
    assert Notification.objects.filter(recipient=officer, subject_en__contains="exhausted").exists()


def test_no_answer_by_the_deadline_lapses_and_calls_a_reserve(drawn):
    seat = _seat(drawn, 3)
    PanelSeat.objects.filter(pk=seat.pk).update(reply_by=timezone.now() - datetime.timedelta(minutes=1))
    assert panels.lapse_unanswered() == 1
    seat.refresh_from_db()
    assert seat.status == PanelSeat.Status.NO_ANSWER
    assert _seat(drawn, 5).status == PanelSeat.Status.INVITED
    (event,) = _events("experts.invitation_lapsed")
    assert event.actor_id is None and event.data["called"] == 5
    assert panels.lapse_unanswered() == 0  # idempotent
    assert panels.lapse_invitation(seat.pk) is None


def test_an_answer_after_the_deadline_is_refused_naming_it(drawn):
    seat = _seat(drawn, 1)
    PanelSeat.objects.filter(pk=seat.pk).update(reply_by=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(panels.InvitationClosed) as error:
        panels.accept_invitation(seat.pk, actor=seat.member)
    assert error.value.code == "answer_too_late"
    seat.refresh_from_db()
    assert seat.status == PanelSeat.Status.INVITED


def test_someone_elses_or_a_missing_seat_is_the_same_404(drawn):
    seat, other = _seat(drawn, 1), _seat(drawn, 2)
    for seat_id in (other.pk, 999999, "x"):
        with pytest.raises(panels.InvitationNotFound):
            panels.accept_invitation(seat_id, actor=seat.member)


def test_a_reserve_cannot_answer_before_it_is_called(drawn):
    reserve = _seat(drawn, 5)
    with pytest.raises(panels.InvitationClosed):
        panels.accept_invitation(reserve.pk, actor=reserve.member)


def test_every_seat_seated_seats_the_panel_and_releases_the_reserves(drawn, clerk):
    for seat in drawn.seats.filter(status=PanelSeat.Status.INVITED).select_related("member"):
        panels.accept_invitation(seat.pk, actor=seat.member)
        panels.declare(seat.pk, actor=verified(seat.member), conflict="")
    drawn.refresh_from_db()
    assert drawn.status == Panel.Status.SEATED and drawn.seated_at is not None
    assert set(drawn.seats.filter(kind="expert", position__gt=4).values_list("status", flat=True)) == {
        PanelSeat.Status.RELEASED
    }
    (event,) = _events("experts.panel_seated")
    assert event.data["released_reserves"] == 2


def test_a_replay_of_the_order_explains_every_seat(drawn):
    panels.decline_invitation(_seat(drawn, 1).pk, actor=_seat(drawn, 1).member, reason="不便")
    seats = list(drawn.seats.filter(kind="expert").order_by("position"))
    order = draw_maths.replay(drawn.seed, drawn.candidates)
    assert [seat.expert_id for seat in seats] == order[: len(seats)]


# --- The record ----------------------------------------------------------------------------------


def test_the_record_hides_the_seed_and_names_until_published(drawn):
    drawn.seats.filter(status="invited").update(status="seated")  # as if every invited expert sat
    record = panels.draw_record(drawn)
    assert record["seed"] is None and all("name" not in seat for seat in record["seats"])
    assert record["seed_sha256"] == drawn.seed_sha256 and record["draw_order"] == drawn.draw_order
    panels.publish_draw(drawn)
    drawn.refresh_from_db()
    record = panels.draw_record(drawn)
    assert record["seed"] == drawn.seed
    assert draw_maths.verify(record["seed"], record["candidates"], record).reproduces
    names = {seat["name"] for seat in record["seats"] if seat["kind"] == "expert" and "name" in seat}
    seated = drawn.seats.filter(kind="expert", status="seated").values_list("expert__name_zh", flat=True)
    assert names == set(seated) and len(names) == drawn.expert_seats  # reserves stay ids
    (event,) = _events("experts.draw_published")
    assert event.data["seed"] == drawn.seed
    panels.publish_draw(drawn)  # idempotent
    assert len(_events("experts.draw_published")) == 1


def test_the_record_reads_in_three_queries(drawn, django_assert_num_queries):
    with django_assert_num_queries(2):
        record = panels.draw_record(drawn)
    assert len(record["seats"]) == 7


def test_an_undrawn_panel_has_no_record_to_publish(opened_lot, officer, clerk):
    panel = commit(opened_lot, officer, [clerk])
    with pytest.raises(panels.PanelStateConflict):
        panels.publish_draw(panel)
