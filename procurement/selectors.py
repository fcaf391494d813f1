"""Reads of projects for pages, the API and services."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, Role, User
from accounts.policies import acting_membership, jurisdiction_prefix

from . import policies
from .exceptions import NoticeNotFound, ProjectNotFound
from .models import ApprovalDecision, Lot, Notice, Project


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
