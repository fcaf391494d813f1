"""Who may do what with challenges (质疑) and complaints (投诉): pure predicates.

The parties of a challenge are the challenging supplier (its representatives), the purchaser (its
clerks and approvers) and the agency running the tender (its officers holding the project's
grant), who answer it; the regulators of the purchaser's region see it as well. A complaint goes
to those regulators: they suspend the lot and decide. Officers, approvers and regulators act with
their second factor verified in the session.
"""

import datetime

from accounts.models import Organisation, Role, User
from accounts.policies import acting_membership
from procurement.models import Project
from procurement.policies import is_regulator_of, is_tender_officer

from .models import Challenge, Complaint

PURCHASER_ROLES = frozenset({Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER})


def supplier_of(user: User) -> Organisation | None:
    """The supplier organisation the user acts for as its representative, or None."""
    membership = acting_membership(user)
    if (
        membership is None
        or membership.role != Role.SUPPLIER_REPRESENTATIVE
        or membership.organisation.kind != Organisation.Kind.SUPPLIER
    ):
        return None
    return membership.organisation


def second_factor_missing(user: User) -> bool:
    """The user's role needs a second factor and it is not verified in this session."""
    membership = acting_membership(user)
    if membership is None or not membership.requires_second_factor:
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified and is_verified())


def is_purchaser_staff(user: User, project: Project) -> bool:
    membership = acting_membership(user)
    return (
        membership is not None
        and membership.role in PURCHASER_ROLES
        and membership.organisation_id == project.purchaser_id
    )


def is_answerer(user: User, project: Project) -> bool:
    """The purchaser's clerks and approvers, and the officers of the agency running the tender."""
    return is_purchaser_staff(user, project) or is_tender_officer(user, project)


def is_regulator(user: User, project: Project) -> bool:
    return is_regulator_of(user, project)


def is_challenger(user: User, challenge: Challenge) -> bool:
    supplier = supplier_of(user)
    return supplier is not None and supplier.pk == challenge.supplier_id


def can_view_challenge(user: User, challenge: Challenge) -> bool:
    project = challenge.lot.project
    return is_challenger(user, challenge) or is_answerer(user, project) or is_regulator(user, project)


def can_answer_challenge(challenge: Challenge, *, answerer: bool) -> bool:
    """`answerer`: is_answerer(user, project), asked once per page (an officer's grant is a query)."""
    return answerer and challenge.status == Challenge.Status.OPEN


def can_withdraw_challenge(user: User, challenge: Challenge) -> bool:
    return is_challenger(user, challenge) and challenge.status == Challenge.Status.OPEN


def complaint_opens(challenge: Challenge, *, today: datetime.date) -> bool:
    """A complaint may be filed once the challenge is answered, or once its answer is overdue."""
    if challenge.status == Challenge.Status.ANSWERED:
        return True
    return challenge.status == Challenge.Status.OPEN and challenge.answer_due < today


def can_complain(user: User, challenge: Challenge, *, today: datetime.date, has_complaint: bool) -> bool:
    """The page's complaint form (the service checks the deadline and the rest)."""
    return is_challenger(user, challenge) and not has_complaint and complaint_opens(challenge, today=today)


def is_complainant(user: User, complaint: Complaint) -> bool:
    supplier = supplier_of(user)
    return supplier is not None and supplier.pk == complaint.supplier_id


def can_view_complaint(user: User, complaint: Complaint) -> bool:
    """The complainant, the regulators of the region, and the purchaser and agency complained of."""
    project = complaint.lot.project
    return is_complainant(user, complaint) or is_regulator(user, project) or is_answerer(user, project)


def can_decide_complaint(complaint: Complaint, *, regulator: bool) -> bool:
    return regulator and complaint.status == Complaint.Status.FILED


def can_suspend_lot(complaint: Complaint, *, regulator: bool) -> bool:
    return regulator and complaint.status == Complaint.Status.FILED and complaint.suspended_until is None
