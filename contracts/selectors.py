"""Reads of contracts for pages and the API: querysets with their related rows baked in, and
access_contract(), which answers 404 both for a missing contract and one the user may not see."""

from django.db.models import QuerySet

from accounts.models import Role, User
from accounts.policies import acting_membership, jurisdiction_prefix

from . import policies
from .exceptions import ContractNotFound, SupplementNotFound
from .models import Contract, Signature, SupplementaryAgreement

RELATED = ("lot__project__purchaser", "lot__project__agency", "purchaser", "supplier", "award")


def contracts() -> QuerySet[Contract]:
    return Contract.objects.select_related(*RELATED)


def access_contract(user: User, pk, *, lock: bool = False) -> Contract:
    """The contract if the user may see it (policies.can_view_contract), else ContractNotFound."""
    try:
        pk = int(pk)
    except (TypeError, ValueError, OverflowError):
        raise ContractNotFound() from None
    queryset = contracts()
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    contract = queryset.filter(pk=pk).first()
    if contract is None or not policies.can_view_contract(user, contract):
        raise ContractNotFound()
    return contract


def contracts_for(user: User) -> QuerySet[Contract]:
    """The contracts on the user's list: their organisation's as purchaser or supplier, the
    projects their agency runs, or (regulators) every contract of their region."""
    membership = acting_membership(user)
    if membership is None:
        return Contract.objects.none()
    queryset = contracts().order_by("-pk")
    if membership.role in policies.PURCHASER_ROLES:
        return queryset.filter(purchaser_id=membership.organisation_id)
    if membership.role == Role.SUPPLIER_REPRESENTATIVE:
        return queryset.filter(supplier_id=membership.organisation_id)
    if membership.role == Role.AGENCY_OFFICER:
        return queryset.filter(lot__project__agency_id=membership.organisation_id)
    if membership.role == Role.REGULATOR:
        return queryset.filter(
            purchaser__region_code__startswith=jurisdiction_prefix(membership.organisation.region_code)
        )
    return Contract.objects.none()


def lock_contract(pk) -> Contract:
    """The contract with its related rows, locked (services; the caller checks the policy)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError, OverflowError):
        raise ContractNotFound() from None
    contract = contracts().select_for_update(of=("self",)).filter(pk=pk).first()
    if contract is None:
        raise ContractNotFound()
    return contract


def contract_page(contract: Contract) -> dict:
    """The rows the contract page shows beside the contract, each in one query: its milestones,
    its signatures (with signer), its supplementary agreements and their signatures."""
    from .performance.models import Milestone

    signatures = list(
        Signature.objects.filter(contract=contract)
        .select_related("signer", "organisation")
        .order_by("signed_at", "pk")
    )
    supplements = list(SupplementaryAgreement.objects.filter(contract=contract).order_by("number"))
    by_supplement: dict = {}
    for signature in signatures:
        by_supplement.setdefault(signature.supplement_id, []).append(signature)
    for supplement in supplements:
        supplement.signature_rows = by_supplement.get(supplement.pk, [])
        supplement.signed_parties = {s.party for s in supplement.signature_rows}
    return {
        "milestones": list(Milestone.objects.filter(contract=contract).order_by("number")),
        "signatures": by_supplement.get(None, []),
        "supplements": supplements,
    }


def access_supplement(user: User, pk, *, lock: bool = False) -> SupplementaryAgreement:
    """The supplementary agreement if the user may see its contract, else SupplementNotFound."""
    try:
        pk = int(pk)
    except (TypeError, ValueError, OverflowError):
        raise SupplementNotFound() from None
    queryset = SupplementaryAgreement.objects.select_related(
        *(f"contract__{name}" for name in RELATED), "contract__lot__project"
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    supplement = queryset.filter(pk=pk).first()
    if supplement is None or not policies.can_view_contract(user, supplement.contract):
        raise SupplementNotFound()
    return supplement


def live_contract_of(lot_id) -> Contract | None:
    return Contract.objects.filter(lot_id=lot_id).exclude(status=Contract.Status.TERMINATED).first()


def confirmed_award(lot_id):
    from bidding.award.models import Award

    return (
        Award.objects.select_related("winner__supplier", "result_notice")
        .filter(lot_id=lot_id, status=Award.Status.CONFIRMED)
        .order_by("-pk")
        .first()
    )


def lots_awaiting_contract(user: User | None = None) -> QuerySet:
    """Lots in contracting with a confirmed award and no live contract: all of them (the drafting
    sweep), or those of the user's purchaser (the purchaser's list page)."""
    from bidding.award.models import Award
    from procurement.models import Lot

    queryset = (
        Lot.objects.filter(status=Lot.Status.CONTRACTING, awards__status=Award.Status.CONFIRMED)
        .exclude(contracts__status__in=[s for s in Contract.Status.values if s != Contract.Status.TERMINATED])
        .select_related("project__purchaser")
        .order_by("pk")
        .distinct()
    )
    if user is None:
        return queryset
    membership = acting_membership(user)
    if membership is None or membership.role not in policies.PURCHASER_ROLES:
        return Lot.objects.none()
    return queryset.filter(project__purchaser_id=membership.organisation_id)


def drafts_due_for_warning() -> QuerySet[Contract]:
    return contracts().filter(status=Contract.Status.DRAFT, signing_warned_at__isnull=True)


def drafts_overdue(on) -> QuerySet[Contract]:
    return contracts().filter(
        status=Contract.Status.DRAFT, signing_escalated_at__isnull=True, signing_due__lt=on
    )


def notices_overdue(on) -> QuerySet[Contract]:
    return contracts().filter(
        status=Contract.Status.SIGNED,
        notice__isnull=True,
        disclosure_escalated_at__isnull=True,
        notice_due__lt=on,
    )
