"""Reads of the panel pages and API: the agency's lot, its live panel and seat counts, a member's
invitations and the bidders they may see."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from experts.models import Panel, PanelSeat
from procurement.models import Lot

from ..exceptions import BidNotFound
from ..models import Bid
from . import policies

# Seats a member sees on their invitations page: everything once invited (a reserve never called
# and released never hears of the panel).
VISIBLE_TO_MEMBER = [
    PanelSeat.Status.INVITED,
    PanelSeat.Status.ACCEPTED,
    PanelSeat.Status.SEATED,
    PanelSeat.Status.DECLINED,
    PanelSeat.Status.NO_ANSWER,
    PanelSeat.Status.CONFLICT,
]
# The bidders are revealed to a member who accepted.
BIDDERS_VISIBLE = {PanelSeat.Status.ACCEPTED, PanelSeat.Status.SEATED, PanelSeat.Status.CONFLICT}


def access_agency_lot(user: User, lot_id) -> Lot:
    """A lot whose tender the user's agency runs, or 404 (for everyone else: who sits on a panel,
    and even that a panel exists, is the agency's until the result notice)."""
    lot = (
        Lot.objects.select_related("project__purchaser", "project__agency").filter(pk=lot_id).first()
        if str(lot_id).isdigit()
        else None
    )
    if lot is None or not policies.can_view_panel(user, lot):
        raise BidNotFound(_("No such lot."))
    return lot


def live_panel(lot: Lot) -> Panel | None:
    return lot.panels.exclude(status=Panel.Status.DISSOLVED).order_by("-pk").first()


def seats_for_agency(panel: Panel) -> list[PanelSeat]:
    """The seats in draw order, without the members (the page shows states, not names)."""
    return list(
        PanelSeat.objects.filter(panel=panel)
        .only("pk", "kind", "position", "status", "invited_at", "reply_by", "replied_at", "declared_at")
        .order_by("kind", "position", "pk")
    )


def status_counts(seats: list[PanelSeat]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for seat in seats:
        counts[seat.status] = counts.get(seat.status, 0) + 1
    return counts


def representative_choices(lot: Lot) -> QuerySet[User]:
    """The purchaser's clerks and approvers, who may be named its representatives."""
    return (
        User.objects.filter(
            memberships__organisation_id=lot.project.purchaser_id,
            memberships__role__in=policies.REPRESENTATIVE_ROLES,
            memberships__is_active=True,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def invitations_of(user: User) -> list[PanelSeat]:
    """The member's seats on panels, newest first."""
    if not user.is_authenticated:
        return []
    return list(
        PanelSeat.objects.filter(member=user, status__in=VISIBLE_TO_MEMBER)
        .select_related("panel__lot__project")
        .order_by("-panel_id", "pk")
    )


def bidders_by_lot(seats: list[PanelSeat]) -> dict[int, list[str]]:
    """The names of the opened bids' suppliers for the lots whose invitation the member accepted
    (one query, whatever the number of seats)."""
    lots = {seat.panel.lot_id for seat in seats if seat.status in BIDDERS_VISIBLE}
    if not lots:
        return {}
    names: dict[int, list[str]] = {}
    for bid in (
        Bid.objects.filter(lot_id__in=lots, status=Bid.Status.OPENED)
        .select_related("supplier")
        .order_by("lot_id", "supplier__name_zh", "pk")
    ):
        names.setdefault(bid.lot_id, []).append(bid.supplier.name)
    return names


def is_member_of_purchaser(user_ids, lot: Lot) -> bool:
    ids = {int(pk) for pk in user_ids}
    found = set(
        Membership.objects.filter(
            user_id__in=ids,
            organisation_id=lot.project.purchaser_id,
            role__in=policies.REPRESENTATIVE_ROLES,
            is_active=True,
        ).values_list("user_id", flat=True)
    )
    return found == ids
