"""Who may take part in a negotiation (pure predicates; the only queries are about the user's own
seat or organisation)."""

from accounts.models import Organisation, Role, User
from accounts.policies import acting_membership
from experts.models import PanelSeat
from procurement.models import Method

from ..policies import _verified

# The methods whose panel negotiates with each supplier and asks for final quotations.
NEGOTIATED_METHODS = frozenset({Method.COMPETITIVE_NEGOTIATION, Method.COMPETITIVE_CONSULTATION})


def is_negotiated(evaluation) -> bool:
    return evaluation.lot.project.method in NEGOTIATED_METHODS


def is_panel_member(user: User, evaluation) -> bool:
    """A seated member of the evaluation's panel, acting in the membership they sit in: an expert
    as an expert, a purchaser representative for the lot's purchaser."""
    membership = acting_membership(user) if getattr(user, "is_authenticated", False) else None
    if membership is None:
        return False
    seat = PanelSeat.objects.filter(
        panel_id=evaluation.panel_id, member=user, status=PanelSeat.Status.SEATED
    ).first()
    if seat is None:
        return False
    if seat.kind == PanelSeat.Kind.EXPERT:
        return membership.role == Role.EXPERT
    return membership.organisation_id == evaluation.lot.project.purchaser_id


def can_act_for_panel(user: User, evaluation) -> bool:
    """A seated member signed in with the second factor in this session (the call for final
    quotations and their opening)."""
    return _verified(user) and is_panel_member(user, evaluation)


def supplier_of(user: User) -> Organisation | None:
    """The supplier organisation the user represents, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = acting_membership(user)
    if (
        membership is None
        or membership.role != Role.SUPPLIER_REPRESENTATIVE
        or membership.organisation.kind != Organisation.Kind.SUPPLIER
    ):
        return None
    return membership.organisation
