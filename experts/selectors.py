"""Reads of the expert pool for pages, the API and services."""

from django.db.models import CharField, Count, F, Func, Q, QuerySet, Value

from accounts.models import Organisation, Role, User
from accounts.policies import acting_membership, jurisdiction_prefix

from . import policies
from .exceptions import DeclarationNotFound, ExpertNotFound, UnavailabilityNotFound
from .models import Declaration, ExpertProfile, Unavailability


def _page_queryset() -> QuerySet[ExpertProfile]:
    """A profile with its user, reviewer, declarations and unavailable periods (three queries)."""
    return ExpertProfile.objects.select_related("user", "reviewed_by").prefetch_related(
        "declarations", "unavailable_days"
    )


def own_profile(user: User, *, lock: bool = False) -> ExpertProfile:
    """The profile of the expert the user acts as, or 404 (other roles have none here)."""
    if not policies.is_expert(user):
        raise ExpertNotFound()
    qs = ExpertProfile.objects.select_related("user") if lock else _page_queryset()
    if lock:
        qs = qs.select_for_update(of=("self",))
    profile = qs.filter(user_id=user.pk).first()
    if profile is None:
        raise ExpertNotFound()
    return profile


def access_profile(user: User, pk, *, lock: bool = False) -> ExpertProfile:
    """A profile the user may see (the expert, the operator, a regulator of its region), or 404:
    another region's expert looks like a missing one."""
    qs = ExpertProfile.objects.select_related("user")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        profile = qs.get(pk=pk)
    except (ExpertProfile.DoesNotExist, ValueError, TypeError):
        raise ExpertNotFound() from None
    if not policies.can_view_expert(user, profile):
        raise ExpertNotFound()
    return profile


def access_profile_page(user: User, pk) -> ExpertProfile:
    profile = access_profile(user, pk)
    return _page_queryset().get(pk=profile.pk)


def own_declaration(profile: ExpertProfile, pk, *, lock: bool = False) -> Declaration:
    qs = Declaration.objects.filter(expert=profile)
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=pk)
    except (Declaration.DoesNotExist, ValueError, TypeError):
        raise DeclarationNotFound() from None


def own_unavailability(profile: ExpertProfile, pk, *, lock: bool = False) -> Unavailability:
    qs = Unavailability.objects.filter(expert=profile)
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=pk)
    except (Unavailability.DoesNotExist, ValueError, TypeError):
        raise UnavailabilityNotFound() from None


def code_prefixes(code: str) -> list[str]:
    """A catalogue code and its broader codes: A02010104 → A02, A0201, A020101, A02010104."""
    return [code[:n] for n in range(3, len(code) + 1, 2)]


def matching_specialty(qs: QuerySet[ExpertProfile], code: str) -> QuerySet[ExpertProfile]:
    """Experts whose specialties cover the code (a broader or the same code) or lie within it."""
    joined = Func(F("specialties"), Value(" "), function="array_to_string", output_field=CharField())
    return qs.annotate(specialties_text=joined).filter(
        Q(specialties__overlap=code_prefixes(code)) | Q(specialties_text__regex=rf"(^| ){code}")
    )


def pool(user: User, *, status: str = "", region: str = "", specialty: str = "") -> QuerySet[ExpertProfile]:
    """The experts the user keeps: every one for the operator, the jurisdiction's for a regulator,
    none for other roles. Filters: status, region (a region code: its experts and those of the
    regions within it), specialty (a catalogue code). Newest first, with the count of declarations."""
    membership = acting_membership(user)
    if membership is None or membership.role not in policies.KEEPER_ROLES:
        return ExpertProfile.objects.none()
    qs = ExpertProfile.objects.select_related("user").annotate(declaration_count=Count("declarations"))
    if membership.role == Role.REGULATOR:
        qs = qs.filter(region_code__startswith=jurisdiction_prefix(membership.organisation.region_code))
    if status:
        qs = qs.filter(status=status)
    if region:
        qs = qs.filter(region_code__startswith=jurisdiction_prefix(region))
    if specialty:
        qs = matching_specialty(qs, specialty)
    return qs.order_by("-created_at", "-pk")


def pool_organisation(region_code: str) -> Organisation | None:
    """The organisation whose pool an expert of the region joins: the regulator of the region (the
    most local one covering it), else the platform operator."""
    prefixes = [region_code, region_code[:4] + "00", region_code[:2] + "0000"]
    regulators: dict[str, Organisation] = {}
    for org in Organisation.objects.filter(
        kind=Organisation.Kind.REGULATOR, is_active=True, region_code__in=prefixes
    ).order_by("pk"):
        regulators.setdefault(org.region_code, org)
    for prefix in prefixes:
        if prefix in regulators:
            return regulators[prefix]
    return Organisation.objects.filter(kind=Organisation.Kind.OPERATOR, is_active=True).order_by("pk").first()


def keepers_of(region_code: str) -> QuerySet[User]:
    """The active regulators whose jurisdiction covers the region (they are told of new experts)."""
    prefixes = {region_code[:2] + "0000", region_code[:4] + "00", region_code}
    return User.objects.filter(
        is_active=True,
        memberships__role=Role.REGULATOR,
        memberships__is_active=True,
        memberships__organisation__region_code__in=prefixes,
    ).distinct()
