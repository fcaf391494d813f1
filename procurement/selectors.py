"""Reads of projects for pages, the API and services."""

from django.db.models import Prefetch, QuerySet

from accounts.models import Membership, Role, User
from accounts.policies import acting_membership

from . import policies
from .exceptions import ProjectNotFound
from .models import ApprovalDecision, Lot, Project


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
