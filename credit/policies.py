"""Pure permission predicates of the credit app."""

import datetime

from accounts.models import Role, User
from accounts.policies import acting_membership, region_covers

from .models import CreditEvent, CreditRecord

# Roles that answer for their organisation's credit record (and may appeal its events).
PARTY_ROLES = frozenset(
    {Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER, Role.AGENCY_OFFICER, Role.SUPPLIER_REPRESENTATIVE}
)


def is_regulator(user: User) -> bool:
    membership = acting_membership(user)
    return membership is not None and membership.role == Role.REGULATOR


def can_supervise_record(user: User, record: CreditRecord) -> bool:
    """A regulator whose region covers the party's region."""
    membership = acting_membership(user)
    return (
        membership is not None
        and membership.role == Role.REGULATOR
        and region_covers(membership.organisation.region_code, record.region_code)
    )


def is_own_record(user: User, record: CreditRecord) -> bool:
    """The user acts for the party: a member of the organisation, or the expert themself."""
    membership = acting_membership(user)
    if membership is None:
        return False
    if membership.role == Role.EXPERT:
        return record.person_id == user.pk
    return membership.role in PARTY_ROLES and record.organisation_id == membership.organisation_id


def can_appeal_event(user: User, event: CreditEvent, record: CreditRecord, *, on: datetime.date) -> bool:
    """Own record, an event against the party (negative points), not reversed, not already under
    appeal, and the appeal deadline (if known) not passed."""
    if not is_own_record(user, record) or event.points >= 0:
        return False
    if event.status != CreditEvent.Status.IN_FORCE:
        return False
    if any(appeal.status != appeal.Status.PENDING for appeal in event.appeals.all()):
        return False  # decided once; a second appeal of the same event is not heard
    deadline = event.appeal_deadline
    return deadline is None or on <= deadline


def can_record_penalty(user: User, record: CreditRecord) -> bool:
    return can_supervise_record(user, record)


def can_import_feed(user: User) -> bool:
    return is_regulator(user)


def can_read_event_document(user: User, event: CreditEvent) -> bool:
    if event.is_published:
        return True
    if not user.is_authenticated:
        return False
    return is_own_record(user, event.record) or can_supervise_record(user, event.record)
