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
    """A seated member (expert or purchaser representative) of the evaluation's panel."""
    if not getattr(user, "is_authenticated", False) or acting_membership(user) is None:
        return False
    return PanelSeat.objects.filter(
        panel_id=evaluation.panel_id, member=user, status=PanelSeat.Status.SEATED
    ).exists()


def can_act_for_panel(user: User, evaluation) -> bool:
    """A seated member signed in with the second factor in this session."""
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
