"""Reads of projects for pages, the API and services."""

from django.db.models import Case, Prefetch, Q, QuerySet, When
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, User
from accounts.permissions import objects_granted
from accounts.policies import acting_membership, jurisdiction_prefix

from . import policies
from .exceptions import DocumentNotFound, NoticeNotFound, ProjectNotFound, RegulatorApprovalNotFound
from .models import ApprovalDecision, Lot, Notice, Project, RegulatorApproval, TenderDocument


def access_project(user: User, pk, *, lock: bool = False) -> Project:
    """A project the user may see, or 404 (another purchaser's looks like a missing one)."""
    qs = Project.objects.select_related("purchaser", "drafted_by")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        project = qs.get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise ProjectNotFound() from None
    if not policies.can_view_project(user, project):
        raise ProjectNotFound()
    return project


def project_detail(project: Project) -> Project:
    """The project with its lots and approval history, for the page."""
    return (
        Project.objects.select_related("purchaser", "drafted_by")
        .prefetch_related(
            Prefetch("lots", queryset=Lot.objects.order_by("number")),
            Prefetch(
                "approval_decisions",
                queryset=ApprovalDecision.objects.select_related("approver").order_by("round", "level"),
            ),
        )
        .get(pk=project.pk)
    )


def projects_of(user: User) -> QuerySet[Project]:
    """The projects of the purchaser the user acts for (none for other roles)."""
    membership = acting_membership(user)
    if membership is None or membership.role not in policies.PURCHASER_ROLES:
        return Project.objects.none()
    return Project.objects.filter(purchaser_id=membership.organisation_id).select_related("purchaser")


def entrusted_projects(user: User) -> QuerySet[Project]:
    """The projects entrusted to the agency the user is an officer of, on which they hold the grant."""
    membership = acting_membership(user)
    if membership is None or membership.role != Role.AGENCY_OFFICER:
        return Project.objects.none()
    granted = objects_granted(
        user, policies.RUN_TENDER, Project.objects.filter(agency_id=membership.organisation_id)
    )
    return granted.select_related("purchaser")


def regulator_approvals_of(user: User) -> QuerySet[RegulatorApproval]:
    """The requests of the regulator's jurisdiction, awaiting first."""
    membership = acting_membership(user)
    if membership is None or membership.role != Role.REGULATOR:
        return RegulatorApproval.objects.none()
    prefix = jurisdiction_prefix(membership.organisation.region_code)
    return (
        RegulatorApproval.objects.filter(project__purchaser__region_code__startswith=prefix)
        .select_related("project__purchaser", "decided_by")
        .order_by(
            Case(When(status=RegulatorApproval.Status.REQUESTED, then=0), default=1),
            "-created_at",
            "-pk",
        )
    )


def access_regulator_approval(user: User, pk, *, lock: bool = False) -> RegulatorApproval:
    qs = RegulatorApproval.objects.select_related("project__purchaser")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        approval = qs.get(pk=pk)
    except (RegulatorApproval.DoesNotExist, ValueError, TypeError):
        raise RegulatorApprovalNotFound() from None
    if not policies.is_regulator_of(user, approval.project):
        raise RegulatorApprovalNotFound()
    return approval


def regulators_of(project: Project) -> list[User]:
    """The active regulators whose jurisdiction covers the purchaser's region."""
    region = project.purchaser.region_code
    prefixes = {region[:2] + "0000", region[:4] + "00", region}
    memberships = Membership.objects.filter(
        role=Role.REGULATOR,
        is_active=True,
        user__is_active=True,
        organisation__is_active=True,
        organisation__region_code__in=prefixes,
    ).select_related("user")
    return [m.user for m in memberships]


def agency_for(project: Project, agency_id) -> Organisation | None:
    """An active agency organisation, or the purchaser itself (its own procurement office)."""
    try:
        pk = int(agency_id)
    except (TypeError, ValueError):
        return None
    if pk == project.purchaser_id:
        return project.purchaser
    return Organisation.objects.filter(pk=pk, kind=Organisation.Kind.AGENCY, is_active=True).first()


def agencies() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.AGENCY, is_active=True).order_by("region_code", "name_zh")


def officers_of(organisation: Organisation) -> list[User]:
    memberships = Membership.objects.filter(
        organisation=organisation, role=Role.AGENCY_OFFICER, is_active=True, user__is_active=True
    ).select_related("user")
    return [m.user for m in memberships]


def access_tender_document(user: User, pk, *, lock: bool = False) -> TenderDocument:
    """A version of tender documents of a project the user may see, or 404."""
    qs = TenderDocument.objects.select_related("project__purchaser", "project__agency")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        document = qs.get(pk=pk)
    except (TenderDocument.DoesNotExist, ValueError, TypeError):
        raise DocumentNotFound() from None
    if not policies.can_view_project(user, document.project):
        raise DocumentNotFound()
    return document


def current_draft(project: Project) -> TenderDocument | None:
    return project.tender_documents.filter(status=TenderDocument.Status.DRAFT).first()


def public_document(pk) -> TenderDocument:
    """A published (or superseded) version, downloadable by anyone once its notice is public."""
    try:
        return TenderDocument.objects.select_related("project").get(
            pk=pk,
            status__in=[TenderDocument.Status.PUBLISHED, TenderDocument.Status.SUPERSEDED],
            published_at__lte=timezone.now(),
        )
    except (TenderDocument.DoesNotExist, ValueError, TypeError):
        raise DocumentNotFound() from None


def approvers_of(project: Project) -> list[User]:
    memberships = Membership.objects.filter(
        organisation_id=project.purchaser_id,
        role=Role.PURCHASER_APPROVER,
        is_active=True,
        user__is_active=True,
    ).select_related("user")
    return [m.user for m in memberships if m.user_id != project.drafted_by_id]


# --- Public notices -----------------------------------------------------------------------------


def public_notices(
    *, kind: str = "", category: str = "", region: str = "", method: str = ""
) -> QuerySet[Notice]:
    """Published notices, newest first, filtered; keyset-paginated by (published_at, id)."""
    qs = Notice.objects.filter(published_at__lte=timezone.now()).select_related("project__purchaser")
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(category=category)
    if region:
        qs = qs.filter(region_code__startswith=jurisdiction_prefix(region))
    if method:
        qs = qs.filter(method=method)
    return qs.order_by("-published_at", "-id")


def notices_page(
    qs: QuerySet[Notice], *, after: tuple | None, size: int = 50
) -> tuple[list[Notice], tuple | None]:
    """One page after the cursor (published_at, id) and the cursor of the next page (None at the end)."""
    if after is not None:
        published_at, pk = after
        qs = qs.filter(Q(published_at__lt=published_at) | Q(published_at=published_at, id__lt=pk))
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, ((rows[-1].published_at, rows[-1].pk) if more else None)


def access_public_notice(pk) -> Notice:
    try:
        return (
            Notice.objects.select_related("project__purchaser", "corrects")
            .filter(published_at__lte=timezone.now())
            .get(pk=pk)
        )
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise NoticeNotFound() from None


def notice_history(notice: Notice) -> QuerySet[Notice]:
    """Every published notice of the same project, oldest first (its corrections among them)."""
    return Notice.objects.filter(project_id=notice.project_id, published_at__lte=timezone.now()).order_by(
        "published_at", "id"
    )
