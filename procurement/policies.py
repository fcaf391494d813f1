"""Pure permission predicates of the procurement app."""

from dataclasses import dataclass

from accounts.models import Role, User
from accounts.permissions import has_object_permission
from accounts.policies import acting_membership, region_covers

from .models import Project

RUN_TENDER = "procurement.run_tender"

# Who may open a project's page: its purchaser's clerks and approvers, and regulators of its region.
PURCHASER_ROLES = frozenset({Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER})


def can_view_project(user: User, project: Project) -> bool:
    membership = acting_membership(user)
    if membership is None:
        return False
    if membership.role in PURCHASER_ROLES:
        return membership.organisation_id == project.purchaser_id
    if membership.role == Role.REGULATOR:
        return region_covers(membership.organisation.region_code, project.purchaser.region_code)
    if membership.role == Role.AGENCY_OFFICER:
        return is_tender_officer(user, project)
    return False


def is_tender_officer(user: User, project: Project) -> bool:
    """An officer of the agency the project is entrusted to, holding the object permission the
    entrustment granted (a later officer of the agency gets it when re-granted)."""
    membership = acting_membership(user)
    return (
        membership is not None
        and membership.role == Role.AGENCY_OFFICER
        and project.agency_id is not None
        and membership.organisation_id == project.agency_id
        and has_object_permission(user, RUN_TENDER, project)
    )


def can_run_tender(user: User, project: Project) -> bool:
    return project.status in (Project.Status.ENTRUSTED, Project.Status.TENDERING) and is_tender_officer(
        user, project
    )


def is_clerk_of(user: User, project: Project) -> bool:
    membership = acting_membership(user)
    return (
        membership is not None
        and membership.role == Role.PURCHASER_CLERK
        and membership.organisation_id == project.purchaser_id
    )


def can_entrust_project(user: User, project: Project) -> bool:
    return project.status == Project.Status.APPROVED and is_clerk_of(user, project)


def can_cancel_project(user: User, project: Project) -> bool:
    """The purchaser's clerk until the tender is published; then the agency's officer (or the clerk)."""
    if project.status == Project.Status.CANCELLED:
        return False
    if is_clerk_of(user, project):
        return True
    return project.status in (Project.Status.ENTRUSTED, Project.Status.TENDERING) and is_tender_officer(
        user, project
    )


def can_retender(user: User, project: Project) -> bool:
    """The agency officer re-tenders a project's failed lots while it is tendering (the service
    checks the lot: failed, not yet procured again, no lot still bidding)."""
    return project.status == Project.Status.TENDERING and is_tender_officer(user, project)


def can_request_method_change(user: User, project: Project) -> bool:
    """The purchaser's clerk or the agency officer asks the regulator for another method for a
    failed lot while the project is tendering."""
    return project.status == Project.Status.TENDERING and (
        is_clerk_of(user, project) or is_tender_officer(user, project)
    )


def is_regulator_of(user: User, project: Project) -> bool:
    membership = acting_membership(user)
    return (
        membership is not None
        and membership.role == Role.REGULATOR
        and region_covers(membership.organisation.region_code, project.purchaser.region_code)
    )


def can_submit_project(user: User, project: Project) -> bool:
    membership = acting_membership(user)
    return (
        membership is not None
        and membership.role == Role.PURCHASER_CLERK
        and membership.organisation_id == project.purchaser_id
        and project.status == Project.Status.DRAFT
    )


def is_approver_of(user: User, project: Project) -> bool:
    membership = acting_membership(user)
    return (
        membership is not None
        and membership.role == Role.PURCHASER_APPROVER
        and membership.organisation_id == project.purchaser_id
    )


def can_approve_project(user: User, project: Project) -> bool:
    """The page's "approve" button: an approver of the purchaser who did not draft the project and
    has not yet decided a level of this submission (the service checks the rest)."""
    return (
        project.status == Project.Status.PENDING_APPROVAL
        and is_approver_of(user, project)
        and project.drafted_by_id != user.pk
        and not any(
            decision.round == project.submission_round and decision.approver_id == user.pk
            for decision in project.approval_decisions.all()
        )
    )


def can_file_project(user: User) -> bool:
    membership = acting_membership(user)
    return membership is not None and membership.role == Role.PURCHASER_CLERK


# --- Pages of the tender ---------------------------------------------------------------------------


def is_regulator(user: User) -> bool:
    """Opens the regulator's list of approval requests (each decision is checked per project)."""
    membership = acting_membership(user)
    return membership is not None and membership.role == Role.REGULATOR


def is_agency_officer(user: User) -> bool:
    """Opens the list of tenders entrusted to their agency."""
    membership = acting_membership(user)
    return membership is not None and membership.role == Role.AGENCY_OFFICER


def can_decide_regulator_approval(user: User, approval) -> bool:
    return approval.status == approval.Status.REQUESTED and is_regulator_of(user, approval.project)


@dataclass(frozen=True)
class TenderActions:
    """What the user may do on a project's tender, asking for the object grant once (a grant
    check is two queries)."""

    officer: bool  # the tender officer of the project (may open the builder and preview)
    run_tender: bool  # start, edit and publish the documents and the notice (can_run_tender)
    clarify: bool  # publish clarifications and amendments while tendering
    cancel_lots: bool  # cancel a lot while tendering


def tender_actions(user: User, project: Project) -> TenderActions:
    officer = is_tender_officer(user, project)
    tendering = officer and project.status == Project.Status.TENDERING
    return TenderActions(
        officer=officer,
        run_tender=officer and project.status in (Project.Status.ENTRUSTED, Project.Status.TENDERING),
        clarify=tendering,
        cancel_lots=tendering,
    )
