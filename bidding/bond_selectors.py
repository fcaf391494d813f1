"""Reads of bid bonds for the pages, the API and the bond services.

access_* answer 404 both for a bond that does not exist and for one the user may not see: another
supplier's bond must not even admit that it exists.
"""

from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Role, User
from common.exceptions import NotFound
from procurement.models import Lot, Project, TenderDocument

from . import bond_policies as policies
from .models import Bond


class BondNotFound(NotFound):
    code = "bond_not_found"
    default_message = _("No such bid bond.")


class BondLotNotFound(NotFound):
    code = "lot_not_found"
    default_message = _("No such lot open for bids.")


class BondProjectNotFound(NotFound):
    code = "project_not_found"
    default_message = _("No such project.")


_BOND_RELATED = ("lot__project__purchaser", "lot__project__agency", "supplier", "verified_by")


def _pk(value) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    return int(value)


def access_bond(user: User, pk, *, lock: bool = False) -> Bond:
    """A bond of the user's supplier, or one of a project whose tender the user's agency runs;
    otherwise 404."""
    qs = Bond.objects.select_related(*_BOND_RELATED)
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        bond = qs.get(pk=_pk(pk))
    except (Bond.DoesNotExist, ValueError, TypeError, OverflowError):
        raise BondNotFound() from None
    if not (policies.is_bond_supplier(user, bond) or policies.is_bond_officer(user, bond.lot.project)):
        raise BondNotFound()
    return bond


def access_own_bond(user: User, pk, *, lock: bool = False) -> Bond:
    """A bond of the supplier the user represents, or 404."""
    bond = _get(pk, lock=lock)
    if not policies.is_bond_supplier(user, bond):
        raise BondNotFound()
    return bond


def access_officer_bond(user: User, pk, *, lock: bool = False) -> Bond:
    """A bond of a project whose tender the user's agency runs, or 404."""
    bond = _get(pk, lock=lock)
    if not policies.is_bond_officer(user, bond.lot.project):
        raise BondNotFound()
    return bond


def _get(pk, *, lock: bool) -> Bond:
    qs = Bond.objects.select_related(*_BOND_RELATED)
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=_pk(pk))
    except (Bond.DoesNotExist, ValueError, TypeError, OverflowError):
        raise BondNotFound() from None


def published_document(project: Project) -> TenderDocument | None:
    """The project's tender documents in force: the newest published version whose notice is out
    (an amendment supersedes the earlier ones)."""
    return (
        TenderDocument.objects.filter(
            project=project, status=TenderDocument.Status.PUBLISHED, published_at__lte=timezone.now()
        )
        .order_by("-version")
        .first()
    )


def bond_amount_in(document: TenderDocument | None, lot: Lot) -> Decimal:
    """The bond the documents ask for the lot (0 when none, or when the value is unreadable: the
    publishing service validated it)."""
    if document is None:
        return Decimal(0)
    raw = document.bonds.get(str(lot.number)) or "0"
    try:
        amount = Decimal(str(raw))
    except (InvalidOperation, ValueError, TypeError):
        return Decimal(0)
    return amount if amount.is_finite() and amount > 0 else Decimal(0)


def access_supplier_lot(user: User, pk, *, lock: bool = False) -> Lot:
    """A lot of a published tender, for a supplier representative (the tender notice is public);
    404 for other roles and for lots of projects not (yet) tendered."""
    if policies.supplier_of(user) is None:
        raise BondLotNotFound()
    qs = Lot.objects.select_related("project__purchaser", "project__agency")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        lot = qs.get(pk=_pk(pk))
    except (Lot.DoesNotExist, ValueError, TypeError, OverflowError):
        raise BondLotNotFound() from None
    if (
        lot.status == Lot.Status.PREPARING
        or not TenderDocument.objects.filter(
            project_id=lot.project_id,
            status__in=[TenderDocument.Status.PUBLISHED, TenderDocument.Status.SUPERSEDED],
            published_at__lte=timezone.now(),
        ).exists()
    ):
        raise BondLotNotFound()
    return lot


def bond_of(lot: Lot, supplier) -> Bond | None:
    return Bond.objects.filter(lot=lot, supplier=supplier).select_related("verified_by").first()


def bonds_of_supplier(user: User) -> QuerySet[Bond]:
    """The bonds of the supplier the user represents, newest first (none for other roles)."""
    supplier = policies.supplier_of(user)
    if supplier is None:
        return Bond.objects.none()
    return (
        Bond.objects.filter(supplier=supplier)
        .select_related("lot__project", "supplier", "verified_by")
        .order_by("-created_at", "-pk")
    )


def access_officer_project(user: User, pk) -> Project:
    """A project whose tender the user's agency runs, or 404 (for everyone else, the purchaser
    and the regulator included: who holds a bond is not shown before the opening)."""
    try:
        project = Project.objects.select_related("purchaser", "agency").get(pk=_pk(pk))
    except (Project.DoesNotExist, ValueError, TypeError, OverflowError):
        raise BondProjectNotFound() from None
    if not policies.is_bond_officer(user, project):
        raise BondProjectNotFound()
    return project


def bonds_of_project(project: Project) -> QuerySet[Bond]:
    """Every bond of the project's lots, by lot then supplier, ready for the agency's list."""
    return (
        Bond.objects.filter(lot__project=project)
        .select_related("lot__project", "supplier", "verified_by")
        .order_by("lot__number", "supplier__name_zh", "pk")
    )


def supplier_representatives(supplier_id: int) -> list[User]:
    memberships = Membership.objects.filter(
        organisation_id=supplier_id,
        role=Role.SUPPLIER_REPRESENTATIVE,
        is_active=True,
        user__is_active=True,
    ).select_related("user")
    return [m.user for m in memberships]


def overdue_refunds(on) -> QuerySet[Bond]:
    """Refundable bonds whose refund day has passed and that were not flagged yet."""
    return Bond.objects.filter(
        status=Bond.Status.REFUNDABLE, refund_due_on__lt=on, overdue_flagged_at__isnull=True
    ).order_by("pk")
