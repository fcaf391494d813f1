"""Pure permission predicates of the suppliers app."""

from accounts.models import Role, User
from accounts.policies import acting_membership, region_covers

from .models import SupplierProfile


def is_supplier_representative(user: User) -> bool:
    membership = acting_membership(user)
    return membership is not None and membership.role == Role.SUPPLIER_REPRESENTATIVE


def is_representative_of(user: User, profile: SupplierProfile) -> bool:
    membership = acting_membership(user)
    return (
        membership is not None
        and membership.role == Role.SUPPLIER_REPRESENTATIVE
        and membership.organisation_id == profile.organisation_id
    )


def is_reviewer(user: User) -> bool:
    """Opens the review list: the platform operator and regulators (each profile is checked)."""
    membership = acting_membership(user)
    return membership is not None and membership.role in (Role.OPERATOR, Role.REGULATOR)


def can_review_supplier(user: User, profile: SupplierProfile) -> bool:
    """The platform operator, or a regulator whose jurisdiction covers the supplier's region."""
    membership = acting_membership(user)
    if membership is None:
        return False
    if membership.role == Role.OPERATOR:
        return True
    return membership.role == Role.REGULATOR and region_covers(
        membership.organisation.region_code, profile.organisation.region_code
    )


def can_view_supplier(user: User, profile: SupplierProfile) -> bool:
    return is_representative_of(user, profile) or can_review_supplier(user, profile)


def can_edit_registration(user: User, profile: SupplierProfile) -> bool:
    return profile.is_editable and is_representative_of(user, profile)
