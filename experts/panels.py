"""The draw of a lot's evaluation panel and its answers: every write, one transaction each.

    commit_panel (seed committed) ─▶ draw (candidates frozen, exclusions, order, invitations)
      ─▶ accept_invitation / decline_invitation / lapse (no answer) ─▶ declare (conflict or none)
      ─▶ seated (every seat)                     … publish_draw with the result notice

A decline, no answer by `reply_by` or a declared conflict calls the next reserve in draw order
(beyond the reserves, the order goes on), so a replay of the order explains every seat.

This module knows nothing of bids: the bidding side (bidding/panels/services.py) passes the
bidders' and the purchaser's credit codes and the documents' preparers, checks the agency's
permission, and starts the evaluation once the panel is seated.
"""

import datetime
import secrets

from django.db import connection, transaction
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import notify
from audit import services as audit
from common.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from credit.eligibility import Action, ineligible_people
from rulebook.selectors import rule_int

from . import avoidance, panel_selectors
from . import draw as draw_maths
from .models import (
    LIVE_SEAT_STATUSES,
    DrawExclusion,
    ExpertProfile,
    Panel,
    PanelSeat,
    can_transition_panel,
    can_transition_seat,
)

# --- Errors (the pool's own are in experts/exceptions.py) ---------------------------------------


class PanelNotFound(NotFound):
    code = "panel_not_found"
    default_message = _("No such panel.")


class InvitationNotFound(NotFound):
    """A seat that does not exist and a seat that is not yours get the same answer."""

    code = "invitation_not_found"
    default_message = _("No such invitation.")


class InvalidPanel(InvalidInput):
    code = "invalid_panel"


class TooFewCandidates(Conflict):
    code = "too_few_candidates"


class PanelStateConflict(Conflict):
    code = "panel_state"
    default_message = _("This cannot be done to the panel in its current state.")


class InvitationClosed(Conflict):
    code = "invitation_closed"
    default_message = _("This invitation can no longer be answered this way.")


class ReasonRequired(InvalidInput):
    code = "decline_reason_required"
    default_message = _("Give the reason for declining.")


class SecondFactorRequired(PermissionDenied):
    code = "second_factor_required"
    default_message = _("Sign the declaration with your second factor: verify it first.")


# --- Helpers -------------------------------------------------------------------------------------


def _db_now() -> datetime.datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def _verified(user: User) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def invitations_link() -> str:
    try:
        return reverse("bidding:panel_invitations")
    except NoReverseMatch:
        return ""


def _lot_label(panel: Panel) -> str:
    lot = panel.lot
    return f"{lot.project.reference} / {lot.number}"


def _invite(panel: Panel, seats: list[PanelSeat], now: datetime.datetime) -> None:
    """Mark the seats invited now, answer due in the panel's hours; notify; schedule the lapse."""
    reply_by = now + datetime.timedelta(hours=panel.answer_hours)
    for seat in seats:
        seat.status = PanelSeat.Status.INVITED
        seat.invited_at = now
        seat.reply_by = reply_by
        if seat.pk:
            seat.save(update_fields=["status", "invited_at", "reply_by", "updated_at"])
    if not seats:
        return
    notify(
        [seat.member for seat in seats],
        subject=format_lazy(
            _("You are invited to an evaluation panel ({lot}): answer by {deadline}"),
            lot=_lot_label(panel),
            deadline=reply_by.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        ),
        body=format_lazy(
            _(
                "You were drawn for the evaluation panel of {lot}, evaluating on {day}. Accept or decline "
                "(with a reason) on your invitations page before the deadline; after accepting you see the "
                "bidders and declare any conflict of interest. Keep the invitation confidential."
            ),
            lot=_lot_label(panel),
            day=panel.evaluation_on.isoformat(),
        ),
        link=invitations_link(),
    )


def _schedule_lapse(seats: list[PanelSeat]) -> None:
    from . import tasks

    for seat in seats:
        transaction.on_commit(
            lambda pk=seat.pk, eta=seat.reply_by: tasks.lapse_invitation.apply_async(
                args=[pk], eta=eta, queue="default"
            )
        )


# --- Commit and draw ----------------------------------------------------------------------------


@transaction.atomic
def commit_panel(
    lot,
    *,
    actor: User,
    size: int,
    expert_seats: int,
    purchaser_seats: int,
    reserves: int,
    specialties,
    evaluation_on: datetime.date,
    answer_hours: int,
    representatives,
) -> Panel:
    """Create the lot's panel with a fresh 32-byte seed and record the seed's SHA-256 in the audit
    chain, before any candidate is known. `representatives` are the purchaser's users named for
    its seats. The caller checks who may ask and the rulebook's sizes."""
    specialties = sorted({code.strip().upper() for code in specialties if code and code.strip()})
    representatives = list(representatives)
    errors = []
    if size != expert_seats + purchaser_seats or expert_seats < 1 or size < 1:
        errors.append(_("The panel's seats do not add up."))
    if len(representatives) != purchaser_seats or len({u.pk for u in representatives}) != len(
        representatives
    ):
        errors.append(
            format_lazy(_("Name {count} different purchaser representatives."), count=purchaser_seats)
        )
    if not specialties:
        errors.append(_("Name at least one specialty (a classification code)."))
    if reserves < 0 or answer_hours < 1:
        errors.append(_("Reserves cannot be negative and the answer time is at least one hour."))
    if errors:
        raise InvalidPanel(" ".join(str(error) for error in errors))
    if Panel.objects.filter(lot=lot).exclude(status=Panel.Status.DISSOLVED).exists():
        raise PanelStateConflict(_("This lot already has a panel."), code="panel_exists")
    seed = secrets.token_bytes(draw_maths.SEED_BYTES).hex()
    panel = Panel.objects.create(
        lot=lot,
        requested_by=actor,
        size=size,
        expert_seats=expert_seats,
        purchaser_seats=purchaser_seats,
        reserves=reserves,
        specialties=specialties,
        evaluation_on=evaluation_on,
        answer_hours=answer_hours,
        seed=seed,
        seed_sha256=draw_maths.seed_sha256(seed),
    )
    PanelSeat.objects.bulk_create(
        [
            PanelSeat(
                panel=panel,
                kind=PanelSeat.Kind.PURCHASER_REPRESENTATIVE,
                member=user,
                position=0,
                status=PanelSeat.Status.RESERVE,
            )
            for user in representatives
        ]
    )
    audit.record_event(
        "experts.panel_committed",
        actor=actor,
        target=panel,
        data={
            "lot": lot.pk,
            "seed_sha256": panel.seed_sha256,
            "size": size,
            "expert_seats": expert_seats,
            "purchaser_seats": purchaser_seats,
            "reserves": reserves,
            "specialties": specialties,
            "evaluation_on": evaluation_on,
        },
    )
    return panel


def _locked_panel(panel_id) -> Panel:
    panel = (
        Panel.objects.select_for_update(of=("self",))
        .select_related("lot__project", "requested_by")
        .filter(pk=panel_id)
        .first()
    )
    if panel is None:
        raise PanelNotFound()
    return panel


@transaction.atomic
def draw(
    panel: Panel,
    *,
    actor: User,
    bidder_credit_codes,
    purchaser_credit_code: str,
    preparer_user_ids,
) -> Panel:
    """Freeze the candidates (approved experts of a matching specialty, less every exclusion,
    each recorded with its reason), compute the draw order from the committed seed, invite the
    first `expert_seats` and the purchaser's representatives, keep the next `reserves` as
    reserves. Refused (409 too_few_candidates) when fewer experts than seats remain."""
    panel = _locked_panel(panel.pk)
    if panel.status != Panel.Status.REQUESTED or not can_transition_panel(panel.status, Panel.Status.DRAWN):
        raise PanelStateConflict(_("This panel has been drawn already."), code="already_drawn")
    parties = avoidance.Parties(
        bidder_codes=frozenset(code for code in bidder_credit_codes if code),
        purchaser_code=purchaser_credit_code or "",
        preparer_user_ids=frozenset(int(pk) for pk in preparer_user_ids),
        evaluation_on=panel.evaluation_on,
        avoidance_years=rule_int(
            "panel.avoidance_years", on=panel.lot.project.rules_date or panel.evaluation_on
        ),
    )
    matching, declarations, unavailable = panel_selectors.matching_candidates(
        panel.specialties,
        organisation_codes=set(parties.bidder_codes) | {parties.purchaser_code},
        evaluation_on=panel.evaluation_on,
    )
    sanctioned = ineligible_people([c.user_id for c in matching], Action.BE_DRAWN, on=panel.evaluation_on)
    excluded = avoidance.exclusions(
        matching, declarations, parties, unavailable=unavailable, sanctioned=sanctioned
    )
    representatives = {
        seat.member_id for seat in panel.seats.filter(kind=PanelSeat.Kind.PURCHASER_REPRESENTATIVE)
    }
    eligible = [c for c in matching if c.expert_id not in excluded and c.user_id not in representatives]
    if len(eligible) < panel.expert_seats:
        raise TooFewCandidates(
            format_lazy(
                _(
                    "Too few experts can be drawn: {found} of the {matching} in the pool with these "
                    "specialties remain after avoidance, and the panel needs {needed}. Widen the "
                    "specialties or move the evaluation day."
                ),
                found=len(eligible),
                matching=len(matching),
                needed=panel.expert_seats,
            )
        )
    candidates = [c.expert_id for c in eligible]
    order = draw_maths.draw_order(panel.seed, candidates)
    invited, reserves = draw_maths.split(order, panel.expert_seats, panel.reserves)
    users = {c.expert_id: c.user_id for c in eligible}
    now = _db_now()
    panel.candidates = candidates
    panel.candidates_sha256 = draw_maths.candidates_sha256(candidates)
    panel.draw_order = order
    panel.drawn_at = now
    panel.status = Panel.Status.DRAWN
    panel.save(
        update_fields=["candidates", "candidates_sha256", "draw_order", "drawn_at", "status", "updated_at"]
    )
    DrawExclusion.objects.bulk_create(
        [
            DrawExclusion(panel=panel, expert_id=expert_id, reason=reason, detail=detail[:300])
            for expert_id, reasons in sorted(excluded.items())
            for reason, detail in reasons
        ]
    )
    seats = PanelSeat.objects.bulk_create(
        [
            PanelSeat(
                panel=panel,
                kind=PanelSeat.Kind.EXPERT,
                member_id=users[expert_id],
                expert_id=expert_id,
                position=position,
                status=PanelSeat.Status.RESERVE,
            )
            for position, expert_id in enumerate(invited + reserves, start=1)
        ]
    )
    to_invite = list(seats[: len(invited)]) + list(
        panel.seats.filter(kind=PanelSeat.Kind.PURCHASER_REPRESENTATIVE).select_related("member")
    )
    _invite(panel, to_invite, now)
    _schedule_lapse(to_invite)
    counts: dict[str, int] = {}
    for reasons in excluded.values():
        for reason, _detail in reasons:
            counts[reason] = counts.get(reason, 0) + 1
    audit.record_event(
        "experts.panel_drawn",
        actor=actor,
        target=panel,
        data={
            "lot": panel.lot_id,
            "seed_sha256": panel.seed_sha256,
            "candidates_sha256": panel.candidates_sha256,
            "candidates": len(candidates),
            "matching": len(matching),
            "excluded": len(excluded),
            "exclusions": counts,
            "draw_order": order,
            "invited": len(invited),
            "reserves": len(reserves),
        },
    )
    return panel


# --- Answers ------------------------------------------------------------------------------------


def _own_seat(seat_id, actor: User) -> tuple[Panel, PanelSeat]:
    """(panel, seat) locked in that order: the actor's own seat, or 404 for any other."""
    try:
        pk = int(seat_id)
    except (TypeError, ValueError):
        raise InvitationNotFound() from None
    panel_id = (
        PanelSeat.objects.filter(pk=pk, member_id=actor.pk).values_list("panel_id", flat=True).first()
        if actor.is_authenticated
        else None
    )
    if panel_id is None:
        raise InvitationNotFound()
    panel = _locked_panel(panel_id)
    seat = PanelSeat.objects.select_for_update(of=("self",)).select_related("member", "expert").get(pk=pk)
    return panel, seat


def _require_answerable(panel: Panel, seat: PanelSeat, now: datetime.datetime) -> None:
    if panel.status != Panel.Status.DRAWN or seat.status != PanelSeat.Status.INVITED:
        raise InvitationClosed()
    if seat.reply_by is not None and now > seat.reply_by:
        raise InvitationClosed(
            format_lazy(
                _("The time to answer ended at {deadline}."),
                deadline=seat.reply_by.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            ),
            code="answer_too_late",
        )


def _set(seat: PanelSeat, status: str, **fields) -> None:
    if not can_transition_seat(seat.status, status):
        raise InvitationClosed()
    seat.status = status
    for name, value in fields.items():
        setattr(seat, name, value)
    seat.save(update_fields=["status", *fields, "updated_at"])


@transaction.atomic
def accept_invitation(seat_id, *, actor: User) -> PanelSeat:
    """The invited member accepts: they now see the bidders and owe their declaration."""
    panel, seat = _own_seat(seat_id, actor)
    now = _db_now()
    _require_answerable(panel, seat, now)
    _set(seat, PanelSeat.Status.ACCEPTED, replied_at=now)
    audit.record_event(
        "experts.invitation_accepted",
        actor=actor,
        target=panel,
        data={"seat": seat.pk, "position": seat.position},
    )
    return seat


@transaction.atomic
def decline_invitation(seat_id, *, actor: User, reason: str) -> PanelSeat:
    """The invited member declines, with a reason; an expert's seat goes to the next reserve."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    panel, seat = _own_seat(seat_id, actor)
    now = _db_now()
    _require_answerable(panel, seat, now)
    _set(seat, PanelSeat.Status.DECLINED, replied_at=now, decline_reason=reason)
    called = _replace(panel, seat, now)
    audit.record_event(
        "experts.invitation_declined",
        actor=actor,
        target=panel,
        data={"seat": seat.pk, "position": seat.position, "reason": reason, "called": called},
    )
    return seat


@transaction.atomic
def declare(seat_id, *, actor: User, conflict: str = "") -> PanelSeat:
    """The member who accepted signs the conflict-of-interest declaration about the bidders
    (second factor): no conflict seats them; a conflict removes them and calls the next reserve.
    The last seat seated seats the panel (the caller then starts the evaluation)."""
    if not _verified(actor):
        raise SecondFactorRequired()
    panel, seat = _own_seat(seat_id, actor)
    if panel.status != Panel.Status.DRAWN or seat.status != PanelSeat.Status.ACCEPTED:
        raise InvitationClosed(_("There is no declaration due on this seat."), code="no_declaration_due")
    conflict = (conflict or "").strip()
    now = _db_now()
    called = None
    if conflict:
        _set(seat, PanelSeat.Status.CONFLICT, declared_at=now, conflict=conflict)
        called = _replace(panel, seat, now)
    else:
        _set(seat, PanelSeat.Status.SEATED, declared_at=now)
    audit.record_event(
        "experts.declaration_signed",
        actor=actor,
        target=panel,
        data={"seat": seat.pk, "position": seat.position, "conflict": bool(conflict), "called": called},
    )
    if not conflict:
        _seat_if_complete(panel, now)
    return seat


@transaction.atomic
def lapse_invitation(seat_id) -> PanelSeat | None:
    """An invitation unanswered by its deadline lapses (no answer); an expert's seat goes to the
    next reserve. Idempotent: a seat answered or not yet due is left alone."""
    panel_id = PanelSeat.objects.filter(pk=seat_id).values_list("panel_id", flat=True).first()
    if panel_id is None:
        return None
    panel = _locked_panel(panel_id)
    seat = PanelSeat.objects.select_for_update(of=("self",)).select_related("member").get(pk=seat_id)
    now = _db_now()
    if (
        panel.status != Panel.Status.DRAWN
        or seat.status != PanelSeat.Status.INVITED
        or seat.reply_by is None
        or seat.reply_by > now
    ):
        return None
    _set(seat, PanelSeat.Status.NO_ANSWER)
    called = _replace(panel, seat, now)
    audit.record_event(
        "experts.invitation_lapsed",
        actor=None,
        organisation=panel.lot.project.agency,
        target=panel,
        data={"seat": seat.pk, "position": seat.position, "called": called},
    )
    return seat


def lapse_unanswered() -> int:
    """The sweep (every minute): every invitation past its deadline lapses, one transaction each."""
    due = list(
        PanelSeat.objects.filter(
            status=PanelSeat.Status.INVITED,
            panel__status=Panel.Status.DRAWN,
            reply_by__lte=_db_now(),
        )
        .order_by("panel_id", "pk")
        .values_list("pk", flat=True)
    )
    return sum(1 for pk in due if lapse_invitation(pk) is not None)


def _replace(panel: Panel, seat: PanelSeat, now: datetime.datetime) -> int | None:
    """Call the next reserve in draw order for a lost expert seat (beyond the drawn reserves, the
    next candidate of the order); tell the agency when the order is exhausted, or when a
    purchaser representative is out (the purchaser names another). Returns the position called."""
    if seat.kind != PanelSeat.Kind.EXPERT:
        _tell_agency(
            panel,
            format_lazy(_("A purchaser representative of the panel for {lot} is out"), lot=_lot_label(panel)),
        )
        return None
    reserve = (
        panel.seats.select_for_update(of=("self",))
        .filter(kind=PanelSeat.Kind.EXPERT, status=PanelSeat.Status.RESERVE)
        .select_related("member")
        .order_by("position")
        .first()
    )
    if reserve is None:
        last = (
            panel.seats.filter(kind=PanelSeat.Kind.EXPERT)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
            or 0
        )
        if last >= len(panel.draw_order):
            _tell_agency(
                panel,
                format_lazy(
                    _("The draw order of the panel for {lot} is exhausted: an expert seat stays empty"),
                    lot=_lot_label(panel),
                ),
            )
            return None
        expert_id = panel.draw_order[last]
        user_id = ExpertProfile.objects.filter(pk=expert_id).values_list("user_id", flat=True).get()
        reserve = PanelSeat.objects.create(
            panel=panel,
            kind=PanelSeat.Kind.EXPERT,
            member_id=user_id,
            expert_id=expert_id,
            position=last + 1,
            status=PanelSeat.Status.RESERVE,
        )
    _invite(panel, [reserve], now)
    _schedule_lapse([reserve])
    return reserve.position


@transaction.atomic
def name_representative(panel: Panel, *, actor: User, user: User) -> PanelSeat:
    """Invite another purchaser representative for a drawn panel whose representative declined,
    did not answer or declared a conflict (the draw calls reserves for experts only). Refused
    while the panel has all its representatives, or for someone who already had a seat on it."""
    panel = Panel.objects.select_for_update().select_related("lot__project").get(pk=panel.pk)
    if panel.status != Panel.Status.DRAWN:
        raise PanelStateConflict(
            _("Only a drawn panel still awaiting its members takes a new representative.")
        )
    live = panel.seats.filter(
        kind=PanelSeat.Kind.PURCHASER_REPRESENTATIVE, status__in=LIVE_SEAT_STATUSES
    ).count()
    if live >= panel.purchaser_seats:
        raise PanelStateConflict(
            _("The panel has all its purchaser representatives."), code="representatives_complete"
        )
    if panel.seats.filter(member=user).exists():
        raise PanelStateConflict(_("This person already had a seat on the panel."), code="already_seated")
    now = _db_now()
    seat = PanelSeat.objects.create(
        panel=panel,
        kind=PanelSeat.Kind.PURCHASER_REPRESENTATIVE,
        member=user,
        position=0,
        status=PanelSeat.Status.INVITED,
    )
    _invite(panel, [seat], now)
    _schedule_lapse([seat])
    audit.record_event(
        "experts.representative_named",
        actor=actor,
        target=panel,
        data={"lot": panel.lot_id, "seat": seat.pk},
    )
    return seat


def _tell_agency(panel: Panel, subject) -> None:
    notify([panel.requested_by], subject=subject, link="")


def _seat_if_complete(panel: Panel, now: datetime.datetime) -> bool:
    seated = {
        kind: count
        for kind, count in panel.seats.filter(status=PanelSeat.Status.SEATED)
        .values_list("kind")
        .annotate(n=Count("pk"))
    }
    if (
        seated.get(PanelSeat.Kind.EXPERT, 0) < panel.expert_seats
        or seated.get(PanelSeat.Kind.PURCHASER_REPRESENTATIVE, 0) < panel.purchaser_seats
    ):
        return False
    released = panel.seats.filter(status=PanelSeat.Status.RESERVE).update(
        status=PanelSeat.Status.RELEASED, updated_at=now
    )
    panel.status = Panel.Status.SEATED
    panel.seated_at = now
    panel.save(update_fields=["status", "seated_at", "updated_at"])
    audit.record_event(
        "experts.panel_seated",
        actor=None,
        organisation=panel.lot.project.agency,
        target=panel,
        data={"lot": panel.lot_id, "released_reserves": released},
    )
    return True


# --- Publication ---------------------------------------------------------------------------------


@transaction.atomic
def publish_draw(panel: Panel, *, actor: User | None = None) -> Panel:
    """With the result notice: the seed and the experts' names become public (the draw record,
    experts/draw_views.py). Idempotent."""
    panel = _locked_panel(panel.pk)
    if panel.published_at is not None:
        return panel
    if panel.status == Panel.Status.REQUESTED:
        raise PanelStateConflict(_("A panel that was never drawn has no draw record."), code="not_drawn")
    panel.published_at = _db_now()
    panel.save(update_fields=["published_at", "updated_at"])
    audit.record_event(
        "experts.draw_published",
        actor=actor,
        organisation=panel.lot.project.agency,
        target=panel,
        data={
            "lot": panel.lot_id,
            "seed": panel.seed,
            "seed_sha256": panel.seed_sha256,
            "candidates_sha256": panel.candidates_sha256,
        },
    )
    return panel


def draw_record(panel: Panel) -> dict:
    """What the public record shows (experts/panel_selectors.draw_record)."""
    return panel_selectors.draw_record(panel)
