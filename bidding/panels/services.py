"""The agency's side of a lot's panel (评标委员会 / 评审小组): request it with the rulebook's size,
draw it with the lot's parties, and answer wrappers that start the evaluation once every seat is
seated. The draw itself is experts.panels (experts know nothing of bids: DESIGN §5).

    request_panel (opened lot; seed committed) ─▶ draw_panel (lot opened → evaluating)
      ─▶ accept / decline / declare (each member) ─▶ seated ─▶ start_evaluation
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit import services as audit
from common.exceptions import Conflict, InvalidInput, PermissionDenied
from experts import panels as expert_panels
from experts.models import Panel, PanelSeat
from procurement.models import Lot, Method, TenderDocument, can_transition_lot
from rulebook.selectors import rule_int, rule_value

from ..evaluation.services import start_evaluation
from ..exceptions import BidNotFound
from ..models import Bid
from . import policies, selectors

NON_TENDER_METHODS = frozenset(
    {Method.COMPETITIVE_NEGOTIATION, Method.COMPETITIVE_CONSULTATION, Method.INQUIRY}
)


class InvalidPanelRequest(InvalidInput):
    code = "invalid_panel_request"


class PanelRefused(Conflict):
    code = "panel_refused"


@dataclass(frozen=True)
class SizeRule:
    """The smallest lawful panel for a lot and what the rest follows from."""

    min_size: int
    reserves: int
    answer_hours: int


def _rules_date(lot: Lot) -> datetime.date:
    return lot.project.rules_date or timezone.localdate()


def size_rule(lot: Lot) -> SizeRule:
    """panel.min_size; panel.min_size_large from panel.large_project_amount (the lot's budget);
    panel.min_size_non_tender for negotiation, consultation and inquiry below the public-tender
    threshold of the project's category."""
    on = _rules_date(lot)
    project = lot.project
    minimum = rule_int("panel.min_size", on=on)
    if lot.budget >= rule_value("panel.large_project_amount", on=on):
        minimum = rule_int("panel.min_size_large", on=on)
    elif project.method in NON_TENDER_METHODS and project.budget < rule_value(
        f"procurement.{project.category}.public_tender_amount", on=on
    ):
        minimum = rule_int("panel.min_size_non_tender", on=on)
    return SizeRule(
        min_size=minimum,
        reserves=rule_int("panel.reserves", on=on),
        answer_hours=rule_int("panel.answer_hours", on=on),
    )


def _agency_lot(lot_id, actor: User, *, lock: bool) -> Lot:
    qs = Lot.objects.select_related("project__purchaser", "project__agency")
    if lock:
        qs = qs.select_for_update(of=("self",))
    lot = qs.filter(pk=lot_id).first() if str(lot_id).isdigit() else None
    if lot is None or not policies.can_view_panel(actor, lot):
        raise BidNotFound(_("No such lot."))
    if not policies.can_request_panel(actor, lot):
        if lot.status != Lot.Status.OPENED:
            raise PanelRefused(_("A panel is drawn for a lot whose bids are opened and not yet evaluated."))
        raise PermissionDenied(
            _(
                "Requesting and drawing a panel needs an officer of the agency signed in with the "
                "second factor."
            )
        )
    return lot


@transaction.atomic
def request_panel(
    lot_id,
    *,
    actor: User,
    specialties,
    evaluation_on: datetime.date,
    representative_ids,
    size: int | None = None,
) -> Panel:
    """The agency asks for the lot's panel: its size from the rulebook (odd; experts at least two
    thirds, the rest the purchaser's representatives named here), the specialties required and the
    evaluation day. The seed's SHA-256 is committed now (experts.panels.commit_panel)."""
    lot = _agency_lot(lot_id, actor, lock=True)
    rule = size_rule(lot)
    size = rule.min_size if size in (None, "") else int(size)
    representative_ids = [int(pk) for pk in representative_ids]
    errors = []
    if size < rule.min_size or size % 2 == 0:
        errors.append(
            format_lazy(
                _("The panel has an odd number of members, at least {minimum}."), minimum=rule.min_size
            )
        )
    experts = size - len(representative_ids)
    # The share rounded to two places, as the rulebook writes two thirds (6 of 9 is 66.67 %).
    share = (Decimal(experts) * 100 / size).quantize(Decimal("0.01"), ROUND_HALF_UP) if size else Decimal(0)
    min_share = rule_value("panel.min_expert_share_percent", on=_rules_date(lot))
    if share < min_share:
        errors.append(
            format_lazy(
                _(
                    "Experts must be at least two thirds of the panel ({share} percent in the rulebook): "
                    "{experts} of {size} are not."
                ),
                share=min_share,
                experts=experts,
                size=size,
            )
        )
    if len(set(representative_ids)) != len(representative_ids) or not selectors.is_member_of_purchaser(
        representative_ids, lot
    ):
        errors.append(_("Representatives are clerks or approvers of the purchaser, each named once."))
    if evaluation_on < timezone.localdate():
        errors.append(_("The evaluation day cannot be in the past."))
    specialties = [code.strip().upper() for code in specialties if code and code.strip()] or [
        lot.project.classification_code
    ]
    if errors:
        # Lazy, like every domain error's message: rendered in the language of whoever reads it.
        raise InvalidPanelRequest(lazy(lambda: " ".join(str(error) for error in errors), str)())
    representatives = list(User.objects.filter(pk__in=representative_ids).order_by("pk"))
    panel = expert_panels.commit_panel(
        lot,
        actor=actor,
        size=size,
        expert_seats=experts,
        purchaser_seats=len(representatives),
        reserves=rule.reserves,
        specialties=specialties,
        evaluation_on=evaluation_on,
        answer_hours=rule.answer_hours,
        representatives=representatives,
    )
    audit.record_event(
        "bidding.panel_requested",
        actor=actor,
        target=panel,
        data={"lot": lot.pk, "size": size, "experts": experts, "seed_sha256": panel.seed_sha256},
    )
    return panel


def preparers_of(lot: Lot) -> set[int]:
    """Who prepared any version of the lot's tender documents."""
    return set(
        TenderDocument.objects.filter(project_id=lot.project_id).values_list("prepared_by_id", flat=True)
    )


@transaction.atomic
def draw_panel(lot_id, *, actor: User) -> Panel:
    """Draw the requested panel with the lot's opened bidders, its purchaser and the documents'
    preparers as the parties to avoid; the lot moves opened → evaluating."""
    lot = _agency_lot(lot_id, actor, lock=True)
    panel = selectors.live_panel(lot)
    if panel is None or panel.status != Panel.Status.REQUESTED:
        raise PanelRefused(_("Request the panel first; a panel is drawn once."), code="no_panel_to_draw")
    if not can_transition_lot(lot.status, Lot.Status.EVALUATING):
        raise PanelRefused()
    bidders = list(
        Bid.objects.filter(lot=lot, status=Bid.Status.OPENED).values_list("supplier__uscc", flat=True)
    )
    panel = expert_panels.draw(
        panel,
        actor=actor,
        bidder_credit_codes=bidders,
        purchaser_credit_code=lot.project.purchaser.uscc,
        preparer_user_ids=preparers_of(lot),
    )
    Lot.objects.filter(pk=lot.pk, status=Lot.Status.OPENED).update(
        status=Lot.Status.EVALUATING, updated_at=timezone.now()
    )
    audit.record_event(
        "bidding.panel_drawn",
        actor=actor,
        target=lot.project,
        data={"lot": lot.pk, "status": Lot.Status.EVALUATING},
    )
    return panel


@transaction.atomic
def name_representative(lot_id, *, actor: User, user_id) -> PanelSeat:
    """The agency officer (second factor) invites another of the purchaser's clerks or approvers
    when a representative of the drawn panel declined, did not answer or declared a conflict."""
    qs = Lot.objects.select_related("project__purchaser", "project__agency").select_for_update(of=("self",))
    lot = qs.filter(pk=lot_id).first() if str(lot_id).isdigit() else None
    if lot is None or not policies.can_view_panel(actor, lot):
        raise BidNotFound(_("No such lot."))
    if not policies.can_name_representative(actor, lot):
        raise PermissionDenied(
            _("Naming a representative needs an officer of the agency signed in with the second factor.")
        )
    panel = selectors.live_panel(lot)
    if panel is None or lot.status != Lot.Status.EVALUATING:
        raise PanelRefused(_("Only a drawn panel still awaiting its members takes a new representative."))
    pk = int(user_id) if str(user_id).isdigit() else None
    if pk is None or not selectors.is_member_of_purchaser([pk], lot):
        raise InvalidPanelRequest(
            _("Representatives are clerks or approvers of the purchaser, each named once.")
        )
    seat = expert_panels.name_representative(panel, actor=actor, user=User.objects.get(pk=pk))
    audit.record_event(
        "bidding.panel_representative_named",
        actor=actor,
        target=lot.project,
        data={"lot": lot.pk, "seat": seat.pk},
    )
    return seat


def _start_if_seated(seat: PanelSeat) -> PanelSeat:
    panel = Panel.objects.select_related("lot__project").get(pk=seat.panel_id)
    if panel.status == Panel.Status.SEATED and not panel.evaluations.exists():
        evaluation = start_evaluation(panel)
        audit.record_event(
            "bidding.evaluation_started",
            actor=None,
            organisation=panel.lot.project.agency,
            target=evaluation,
            data={"lot": panel.lot_id, "panel": panel.pk},
        )
    return seat


@transaction.atomic
def accept_invitation(seat_id, *, actor: User) -> PanelSeat:
    return expert_panels.accept_invitation(seat_id, actor=actor)


@transaction.atomic
def decline_invitation(seat_id, *, actor: User, reason: str) -> PanelSeat:
    return expert_panels.decline_invitation(seat_id, actor=actor, reason=reason)


@transaction.atomic
def declare(seat_id, *, actor: User, conflict: str = "") -> PanelSeat:
    """The member's declaration; the last one seats the panel and starts the evaluation."""
    return _start_if_seated(expert_panels.declare(seat_id, actor=actor, conflict=conflict))
