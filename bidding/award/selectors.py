"""Reads of awards for the pages, the API and the award services.

access_* answer 404 both for an award (or letter) that does not exist and for one the user may
not see.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, Role, User
from accounts.policies import acting_membership, jurisdiction_prefix

from ..evaluation.models import BidAssessment
from . import policies
from .exceptions import AwardLetterNotFound, AwardNotFound
from .models import Award, AwardLetter

_AWARD_RELATED = (
    "lot__project__purchaser",
    "lot__project__agency",
    "evaluation__panel",
    "winner__supplier",
    "result_notice",
    "confirmed_by",
)


def _pk(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return pk if 0 < pk < 2**63 else None


def access_award(user: User, pk, *, lock: bool = False) -> Award:
    """An award the user may see (the purchaser's staff, the agency), or 404."""
    pk = _pk(pk)
    if pk is None:
        raise AwardNotFound()
    awards = Award.objects.select_related(*_AWARD_RELATED)
    if lock:
        awards = awards.select_for_update(of=("self",))
    award = awards.filter(pk=pk).first()
    if award is None or not policies.can_view_award(user, award):
        raise AwardNotFound()
    return award


def lock_award(pk) -> Award:
    """The award under a row lock, for the services (no permission check: the caller checks)."""
    pk = _pk(pk)
    award = (
        Award.objects.select_related(*_AWARD_RELATED).select_for_update(of=("self",)).filter(pk=pk).first()
        if pk is not None
        else None
    )
    if award is None:
        raise AwardNotFound()
    return award


def awards_of_purchaser(user: User) -> QuerySet[Award]:
    """The purchaser's awards: those awaiting confirmation first (soonest due), then the rest."""
    membership = acting_membership(user)
    if membership is None or membership.role not in policies.PURCHASER_ROLES:
        return Award.objects.none()
    return (
        Award.objects.filter(lot__project__purchaser_id=membership.organisation_id)
        .exclude(status=Award.Status.CANCELLED)
        .select_related("lot__project", "winner__supplier")
        .order_by("-status", "confirm_by", "pk")
    )


def overdue_awards(user: User, *, on=None) -> QuerySet[Award]:
    """Awards of the regulator's region not confirmed by their day (escalated or about to be)."""
    membership = acting_membership(user)
    if membership is None or membership.role != Role.REGULATOR:
        return Award.objects.none()
    on = on or timezone.localdate()
    prefix = jurisdiction_prefix(membership.organisation.region_code or "")
    if not prefix:
        return Award.objects.none()
    return (
        Award.objects.filter(
            status=Award.Status.AWAITING_CONFIRMATION,
            lot__project__purchaser__region_code__startswith=prefix,
        )
        .filter(Q(confirm_by__lt=on) | Q(escalated_at__isnull=False))
        .select_related("lot__project__purchaser")
        .order_by("confirm_by", "pk")
    )


def due_for_escalation(on) -> QuerySet[Award]:
    """Awards still awaiting confirmation after their last day, not yet escalated."""
    return Award.objects.filter(
        status=Award.Status.AWAITING_CONFIRMATION, confirm_by__lt=on, escalated_at__isnull=True
    ).order_by("pk")


def assessments_of(award: Award) -> list[BidAssessment]:
    """Every assessed bid of the award's evaluation with its supplier: ranked ones by rank, then
    the failed ones."""
    rows = list(
        BidAssessment.objects.filter(evaluation_id=award.evaluation_id)
        .select_related("bid__supplier")
        .order_by("rank", "pk")
    )
    return sorted(rows, key=lambda a: (a.rank is None, a.rank or 0, a.pk))


def candidate_rows(award: Award) -> list[dict]:
    """The ranked candidates with their assessment and whether they were passed over (for the page)."""
    assessments = {a.bid_id: a for a in assessments_of(award)}
    passed = {int(p["bid"]): p for p in award.passed_over}
    rows = []
    for position, bid_id in enumerate(award.candidates, start=1):
        assessment = assessments.get(bid_id)
        if assessment is None:
            continue
        rows.append(
            {
                "position": position,
                "assessment": assessment,
                "bid": assessment.bid,
                "supplier": assessment.bid.supplier,
                "passed_over": passed.get(bid_id),
                "is_winner": award.winner_id == bid_id,
            }
        )
    return rows


def letters_of_award(award: Award) -> QuerySet[AwardLetter]:
    return AwardLetter.objects.filter(award=award).select_related("bid__supplier").order_by("kind", "pk")


def letters_of_supplier(user: User) -> QuerySet[AwardLetter]:
    """The letters addressed to the user's supplier (confirmed awards only)."""
    supplier = policies.supplier_of(user)
    if supplier is None:
        return AwardLetter.objects.none()
    return (
        AwardLetter.objects.filter(bid__supplier_id=supplier.pk, award__status=Award.Status.CONFIRMED)
        .select_related("award__lot__project", "bid")
        .order_by("-created_at", "-pk")
    )


def access_letter(user: User, pk) -> AwardLetter:
    pk = _pk(pk)
    letter = (
        AwardLetter.objects.select_related(
            "bid__supplier", "award__lot__project__purchaser", "award__lot__project__agency"
        )
        .filter(pk=pk, award__status=Award.Status.CONFIRMED)
        .first()
        if pk is not None
        else None
    )
    if letter is None or not policies.can_read_letter(user, letter):
        raise AwardLetterNotFound()
    return letter


def purchaser_staff(project) -> list[User]:
    """The active clerks and approvers of the project's purchaser."""
    memberships = Membership.objects.filter(
        organisation_id=project.purchaser_id,
        role__in=policies.PURCHASER_ROLES,
        is_active=True,
        user__is_active=True,
    ).select_related("user")
    return list({m.user_id: m.user for m in memberships}.values())


def supplier_representatives(supplier_ids) -> dict[int, list[User]]:
    memberships = Membership.objects.filter(
        organisation_id__in=list(supplier_ids),
        role=Role.SUPPLIER_REPRESENTATIVE,
        is_active=True,
        user__is_active=True,
    ).select_related("user")
    by_supplier: dict[int, list[User]] = {}
    for m in memberships:
        by_supplier.setdefault(m.organisation_id, []).append(m.user)
    return by_supplier
