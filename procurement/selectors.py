"""Reads of projects for pages, the API and services."""

import time

from django.core.cache import cache
from django.db.models import Case, Prefetch, Q, QuerySet, Subquery, When, prefetch_related_objects
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
            Prefetch("lots", queryset=Lot.objects.select_related("retender_of").order_by("number")),
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
        .select_related("project__purchaser", "decided_by", "lot")
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
    return Organisation.objects.filter(kind=Organisation.Kind.AGENCY, is_active=True).order_by(
        "region_code", "name_zh"
    )


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


def notice_list_rows(
    *, kind: str = "", category: str = "", region: str = "", method: str = ""
) -> QuerySet[Notice]:
    """public_notices with only the columns the public list shows (no bodies), and next_due on every
    row: when the earliest scheduled notice comes out (None if there is none), so that a cached page
    knows when it goes stale. The uncorrelated subquery runs once per query (an InitPlan)."""
    scheduled = Notice.objects.filter(published_at__gt=timezone.now()).order_by("published_at")
    return (
        public_notices(kind=kind, category=category, region=region, method=method)
        .only(
            "id",
            "kind",
            "title_zh",
            "title_en",
            "category",
            "method",
            "published_at",
            "project__reference",
            "project__purchaser__name_zh",
            "project__purchaser__name_en",
        )
        .annotate(next_due=Subquery(scheduled.values("published_at")[:1]))
    )


# The rendered notice list is cached (procurement.notice_views); this number is part of its entries
# and changes whenever a notice is published, so that no cached page outlives a new notice.
NOTICES_VERSION_KEY = "procurement:notices:version"


def notices_version() -> int:
    version = cache.get(NOTICES_VERSION_KEY)
    if version is None:
        # Seeded from the clock, so that a version lost from the cache never comes back to a number
        # that older entries still carry.
        cache.add(NOTICES_VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(NOTICES_VERSION_KEY)
    return version


def bump_notices_version() -> None:
    """Called on commit of a published notice (services._publish_notice): every cached page is stale."""
    try:
        cache.incr(NOTICES_VERSION_KEY)
    except ValueError:  # not in the cache (yet, or evicted): a fresh number
        cache.set(NOTICES_VERSION_KEY, time.time_ns(), timeout=None)


def notices_page(
    qs: QuerySet[Notice], *, after: tuple | None, size: int = 50
) -> tuple[list[Notice], tuple | None]:
    """One page after the cursor (published_at, id) and the cursor of the next page (None at the end)."""
    if after is not None:
        published_at, pk = after
        # The plain bound lets the (published_at, id) index start at the cursor; the OR alone does not.
        qs = qs.filter(published_at__lte=published_at).filter(
            Q(published_at__lt=published_at) | Q(published_at=published_at, id__lt=pk)
        )
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


# --- The API (procurement/api) ------------------------------------------------------------------


def listed_projects(user: User) -> QuerySet[Project]:
    """The projects a user's list shows: the purchaser's own for its clerks and approvers, the
    entrusted ones for an agency officer holding the grant; none for other roles."""
    return (projects_of(user) | entrusted_projects(user)).select_related("purchaser", "agency")


def project_with_history(project: Project) -> Project:
    """The project with its lots, approval decisions, regulator approvals, entrustment and
    document versions, for the API's detail answer."""
    return (
        Project.objects.select_related("purchaser", "agency", "drafted_by", "entrustment")
        .prefetch_related(
            Prefetch("lots", queryset=Lot.objects.order_by("number")),
            Prefetch(
                "approval_decisions",
                queryset=ApprovalDecision.objects.select_related("approver").order_by("round", "level"),
            ),
            Prefetch(
                "regulator_approvals",
                queryset=RegulatorApproval.objects.select_related("decided_by", "lot").order_by(
                    "subject", "pk"
                ),
            ),
            Prefetch("tender_documents", queryset=TenderDocument.objects.order_by("version")),
        )
        .get(pk=project.pk)
    )


def lots_of(project: Project) -> QuerySet[Lot]:
    return Lot.objects.filter(project=project).order_by("number")


def approval_decisions_of(project: Project) -> QuerySet[ApprovalDecision]:
    return (
        ApprovalDecision.objects.filter(project=project).select_related("approver").order_by("round", "level")
    )


def regulator_approvals_of_project(project: Project) -> QuerySet[RegulatorApproval]:
    return RegulatorApproval.objects.filter(project=project).select_related("decided_by").order_by("subject")


# --- Pages of the tender: the project page, the agency's tenders, the document builder -----------


_PROJECT_PAGE_RELATED = ("purchaser", "drafted_by", "agency", "entrustment__agency")


def _project_page_prefetches() -> list[Prefetch]:
    return [
        Prefetch("lots", queryset=Lot.objects.order_by("number")),
        Prefetch(
            "approval_decisions",
            queryset=ApprovalDecision.objects.select_related("approver").order_by("round", "level"),
        ),
        Prefetch(
            "regulator_approvals",
            queryset=RegulatorApproval.objects.select_related("decided_by").order_by("subject"),
        ),
        Prefetch("tender_documents", queryset=TenderDocument.objects.order_by("-version")),
        # Not the bodies: the page links to the notice's own page.
        Prefetch(
            "notices",
            queryset=Notice.objects.defer("body_zh", "body_en").order_by("published_at", "id"),
        ),
    ]


def project_page(project: Project) -> Project:
    """The project with everything its page shows: lots, approval history, the regulator's
    decisions, the entrustment and its agency, every version of the documents and the notices
    (scheduled ones too: the page marks them). A constant number of queries, whatever the rows."""
    return (
        Project.objects.select_related(*_PROJECT_PAGE_RELATED)
        .prefetch_related(*_project_page_prefetches())
        .get(pk=project.pk)
    )


def access_project_page(user: User, pk) -> Project:
    """access_project and project_page in one: the project the user may see, loaded once with
    everything its page shows (its relations are fetched only once the user may see it)."""
    try:
        project = Project.objects.select_related(*_PROJECT_PAGE_RELATED).get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise ProjectNotFound() from None
    if not policies.can_view_project(user, project):
        raise ProjectNotFound()
    prefetch_related_objects([project], *_project_page_prefetches())
    return project


def entrustment_of(project: Project):
    """The project's entrustment (loaded by project_page), or None."""
    from .models import Entrustment

    try:
        return project.entrustment
    except Entrustment.DoesNotExist:
        return None


def tender_list(user: User) -> QuerySet[Project]:
    """The agency officer's entrusted projects, with their versions of the documents, newest first."""
    return (
        entrusted_projects(user)
        .select_related("purchaser")
        .prefetch_related(Prefetch("tender_documents", queryset=TenderDocument.objects.order_by("-version")))
        .order_by("-updated_at", "-pk")
    )


def builder_project(project: Project) -> Project:
    """The project for the document builder: purchaser and agency (the PDF names them), lots in
    number order and every version of the documents (newest first)."""
    return (
        Project.objects.select_related("purchaser", "agency")
        .prefetch_related(
            Prefetch("lots", queryset=Lot.objects.order_by("number")),
            Prefetch(
                "tender_documents",
                queryset=TenderDocument.objects.select_related(
                    "project__purchaser", "project__agency"
                ).order_by("-version"),
            ),
            Prefetch(
                "notices",
                queryset=Notice.objects.filter(kind=Notice.Kind.CORRECTION).order_by("-published_at", "-id"),
                to_attr="correction_notices",
            ),
        )
        .get(pk=project.pk)
    )


def document_limits(project: Project) -> dict:
    """The rulebook's limits the builder shows next to its fields: the bond cap of each lot and
    the lawful price weight (as of the project's rules date)."""
    from rulebook.selectors import rule_value

    from . import tender_rules

    max_percent = rule_value("bond.max_percent_of_lot_budget", on=project.rules_date)
    weights = tender_rules.price_weight_range(
        project.method, project.category, lambda key: rule_value(key, on=project.rules_date)
    )
    return {
        "bond_percent": max_percent,
        "bond_caps": {
            lot.number: tender_rules.bond_cap(lot.budget, max_percent) for lot in project.lots.all()
        },
        "price_weight_low": weights.low,
        "price_weight_high": weights.high,
    }


def access_lot(user: User, pk) -> Lot:
    """A lot of a project the user may see, or 404 (like a missing one)."""
    from .exceptions import LotNotFound

    try:
        lot = Lot.objects.select_related("project__purchaser").get(pk=pk)
    except (Lot.DoesNotExist, ValueError, TypeError):
        raise LotNotFound() from None
    if not policies.can_view_project(user, lot.project):
        raise LotNotFound()
    return lot


def access_entrustment(user: User, project_id):
    """The entrustment of a project the user may see, or 404 (also when there is none yet)."""
    from .models import Entrustment

    project = access_project(user, project_id)
    entrustment = Entrustment.objects.select_related("project").filter(project=project).first()
    if entrustment is None:
        raise DocumentNotFound()
    return entrustment


def public_notice(pk) -> Notice:
    """A published notice with its project, the notice it corrects and its documents, or 404."""
    try:
        return (
            Notice.objects.select_related("project__purchaser", "corrects", "document")
            .filter(published_at__lte=timezone.now())
            .get(pk=pk)
        )
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise NoticeNotFound() from None
