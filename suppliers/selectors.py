"""Reads of supplier registrations for pages, the API, services and the bidding app."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Role, User
from accounts.policies import acting_membership, jurisdiction_prefix
from procurement.models import Notice, QualificationKind

from . import policies
from .exceptions import SupplierNotFound
from .models import DocumentDownload, Qualification, SupplierProfile

STATUS_OBSTACLES = {
    SupplierProfile.Status.PENDING: _("The supplier's registration is still awaiting review."),
    SupplierProfile.Status.CHANGES_REQUESTED: _(
        "The supplier's registration was returned for changes and has not been approved yet."
    ),
    SupplierProfile.Status.REJECTED: _("The supplier's registration was rejected."),
    SupplierProfile.Status.SUSPENDED: _("The supplier's registration is suspended."),
}


def bidding_obstacles(organisation, *, required_qualifications=(), on: datetime.date) -> list:
    """Why the organisation may not bid now, as lazily translated reasons; empty: it may bid.

    `organisation` is an Organisation or its id; `required_qualifications` are QualificationKind
    codes the tender documents require, each held as a valid qualification expiring on or after
    `on`. Two queries at most (the profile, and its matching qualifications when some are required).
    """
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    required = list(dict.fromkeys(str(kind) for kind in required_qualifications))
    qs = SupplierProfile.objects.filter(
        organisation_id=organisation_id, organisation__kind=Organisation.Kind.SUPPLIER
    )
    if required:
        qs = qs.prefetch_related(
            Prefetch(
                "qualifications",
                queryset=Qualification.objects.filter(
                    kind__in=required, status=Qualification.Status.VALID, expires_on__gte=on
                ).only("pk", "kind", "supplier_id"),
                to_attr="valid_required",
            )
        )
    profile = qs.only("pk", "status", "organisation_id").first()
    if profile is None:
        return [_("The organisation is not a registered supplier.")]
    reasons = []
    if profile.status in STATUS_OBSTACLES:
        reasons.append(STATUS_OBSTACLES[profile.status])
    held = {q.kind for q in profile.valid_required} if required else set()
    labels = dict(QualificationKind.choices)
    for kind in required:
        if kind not in held:
            reasons.append(
                format_lazy(
                    _("No valid “{licence}” on {day}."),
                    licence=labels.get(kind, kind),
                    day=on.isoformat(),
                )
            )
    return reasons


def profile_of(organisation_id) -> SupplierProfile | None:
    return (
        SupplierProfile.objects.select_related("organisation").filter(organisation_id=organisation_id).first()
    )


def own_profile(user: User) -> SupplierProfile:
    """The registration of the supplier the user represents, or 404."""
    membership = acting_membership(user)
    if membership is None or membership.role != Role.SUPPLIER_REPRESENTATIVE:
        raise SupplierNotFound()
    profile = profile_page(membership.organisation_id)
    if profile is None:
        raise SupplierNotFound()
    return profile


def _profile_page_queryset() -> QuerySet[SupplierProfile]:
    return SupplierProfile.objects.select_related("organisation", "reviewed_by").prefetch_related(
        Prefetch("qualifications", queryset=Qualification.objects.order_by("expires_on", "pk"))
    )


def profile_page(organisation_id) -> SupplierProfile | None:
    """The registration with its organisation, reviewer and qualifications (two queries)."""
    return _profile_page_queryset().filter(organisation_id=organisation_id).first()


def access_profile(user: User, pk, *, lock: bool = False) -> SupplierProfile:
    """A registration the user may see (its representatives, the operator, regulators of its
    region), or 404: another supplier's looks like a missing one."""
    qs = SupplierProfile.objects.select_related("organisation")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        profile = qs.get(pk=pk)
    except (SupplierProfile.DoesNotExist, ValueError, TypeError):
        raise SupplierNotFound() from None
    if not policies.can_view_supplier(user, profile):
        raise SupplierNotFound()
    return profile


def access_profile_page(user: User, pk) -> SupplierProfile:
    profile = access_profile(user, pk)
    return _profile_page_queryset().get(pk=profile.pk)


def reviewable_profiles(user: User, *, status: str = "") -> QuerySet[SupplierProfile]:
    """Registrations the user reviews: all for the operator, those of the regulator's jurisdiction;
    none for other roles. Newest first, with the count of qualifications."""
    membership = acting_membership(user)
    if membership is None or membership.role not in (Role.OPERATOR, Role.REGULATOR):
        return SupplierProfile.objects.none()
    qs = SupplierProfile.objects.select_related("organisation").annotate(
        qualification_count=Count("qualifications")
    )
    if membership.role == Role.REGULATOR:
        qs = qs.filter(
            organisation__region_code__startswith=jurisdiction_prefix(membership.organisation.region_code)
        )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def representatives_of(organisation_ids) -> QuerySet[User]:
    """The active representatives of the given supplier organisations (distinct users)."""
    return User.objects.filter(
        is_active=True,
        memberships__organisation_id__in=list(organisation_ids),
        memberships__role=Role.SUPPLIER_REPRESENTATIVE,
        memberships__is_active=True,
    ).distinct()


def subscribers_of(notice: Notice) -> list[int]:
    """Approved suppliers subscribed to the notice's category or to a region covering its region
    (their organisation ids). The JSON lists are matched in the database for the category and
    in Python for the regions (a prefix test)."""
    region = notice.region_code
    prefixes = [region[:2] + "0000", region[:4] + "00", region]
    rows = SupplierProfile.objects.filter(status=SupplierProfile.Status.APPROVED).filter(
        Q(categories__contains=[notice.category])
        | Q(regions__contains=[prefixes[0]])
        | Q(regions__contains=[prefixes[1]])
        | Q(regions__contains=[prefixes[2]])
    )
    return sorted(set(rows.values_list("organisation_id", flat=True)))


def downloaders_of(project_id: int) -> list[int]:
    """The supplier organisations that downloaded any version of the project's tender documents."""
    return sorted(
        set(
            DocumentDownload.objects.filter(tender_document__project_id=project_id).values_list(
                "supplier_id", flat=True
            )
        )
    )


def downloads_of(tender_document_id: int) -> QuerySet[DocumentDownload]:
    """The downloads of one version of the documents (the bidding app's collusion screen)."""
    return DocumentDownload.objects.filter(tender_document_id=tender_document_id).select_related(
        "supplier", "user"
    )
