"""Reads of challenges (质疑) and complaints (投诉) for the pages, the API, the services and the
sweeps; and signing_blocked(lot), which contract signing (issue 7) asks before a contract of the
lot is signed.

access_* answer 404 both for a row that does not exist and for one the user is no party to.
"""

import datetime

from django.db import connection
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Role, User
from accounts.policies import acting_membership, jurisdiction_prefix
from procurement.models import Lot, Notice, Project
from procurement.selectors import entrusted_projects
from rulebook.selectors import add_working_days, rule_int
from suppliers.models import DocumentDownload

from ..award.models import Award
from ..models import Bid
from . import policies
from .exceptions import ChallengeLotNotFound, ChallengeNotFound, ComplaintNotFound
from .models import Challenge, Complaint, Subject

# What each kind of notice may be challenged about. The documents: the tender notice with its
# documents, and every correction; the process: any notice of the procurement (the opening record
# above all); the result: the result notice. A complaint decision is not challenged: it goes to
# administrative review or court.
SUBJECTS_OF_KIND: dict[str, tuple[str, ...]] = {
    Notice.Kind.TENDER: (Subject.DOCUMENTS, Subject.PROCESS),
    Notice.Kind.CORRECTION: (Subject.DOCUMENTS, Subject.PROCESS),
    Notice.Kind.SINGLE_SOURCE: (Subject.PROCESS,),
    Notice.Kind.INTENTION: (Subject.PROCESS,),
    Notice.Kind.TERMINATION: (Subject.PROCESS,),
    Notice.Kind.OPENING_RECORD: (Subject.PROCESS,),
    Notice.Kind.FAILED: (Subject.PROCESS,),
    Notice.Kind.RESULT: (Subject.RESULT, Subject.PROCESS),
}
CHALLENGING_BIDS = (Bid.Status.SUBMITTED, Bid.Status.OPENED)

_CHALLENGE_RELATED = ("lot__project__purchaser", "lot__project__agency", "supplier", "notice", "filed_by")
_COMPLAINT_RELATED = (
    "lot__project__purchaser",
    "lot__project__agency",
    "supplier",
    "challenge__notice",
    "notice",
    "decided_by",
)


def _pk(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return pk if 0 < pk < 2**63 else None


# --- Dates ----------------------------------------------------------------------------------------


def today() -> datetime.date:
    """Today by the database clock, in the platform's time zone: deadlines are judged by it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return timezone.localdate(cursor.fetchone()[0])


def rules_date(lot: Lot) -> datetime.date:
    return lot.project.rules_date or timezone.localdate()


def result_stands_until(notice: Notice, *, rules_on: datetime.date) -> datetime.date:
    """The end of a result notice's standing period: the award's (bidding.award sets it), else the
    rulebook's result_notice.standing_working_days after its publication."""
    award = Award.objects.filter(result_notice=notice).only("notice_stands_until").first()
    if award is not None and award.notice_stands_until is not None:
        return award.notice_stands_until
    published = timezone.localdate(notice.published_at)
    return add_working_days(published, rule_int("result_notice.standing_working_days", on=rules_on))


def challenge_deadline(notice: Notice, subject: str, *, rules_on: datetime.date) -> datetime.date:
    """The last day to challenge `notice` about `subject`: challenge.working_days working days
    after its publication; for the result, after the end of the result notice's standing period."""
    days = rule_int("challenge.working_days", on=rules_on)
    if subject == Subject.RESULT:
        start = result_stands_until(notice, rules_on=rules_on)
    else:
        start = timezone.localdate(notice.published_at)
    return add_working_days(start, days)


def answer_due(filed_on: datetime.date, *, rules_on: datetime.date) -> datetime.date:
    return add_working_days(filed_on, rule_int("challenge.answer_working_days", on=rules_on))


def complaint_deadline(challenge: Challenge, *, rules_on: datetime.date) -> datetime.date:
    """complaint.working_days working days after the answer, or after the answer's due day when
    none came."""
    if challenge.status == Challenge.Status.ANSWERED and challenge.answered_at is not None:
        start = timezone.localdate(challenge.answered_at)
    else:
        start = challenge.answer_due
    return add_working_days(start, rule_int("complaint.working_days", on=rules_on))


def decision_due(filed_on: datetime.date, *, rules_on: datetime.date) -> datetime.date:
    return add_working_days(filed_on, rule_int("complaint.decision_working_days", on=rules_on))


def contracting_window_end(award: Award, *, rules_on: datetime.date) -> datetime.date | None:
    """The last day to challenge the award's result notice (None while it has none)."""
    if award.result_notice_id is None:
        return None
    stands_until = award.notice_stands_until or result_stands_until(award.result_notice, rules_on=rules_on)
    return add_working_days(stands_until, rule_int("challenge.working_days", on=rules_on))


# --- Who may challenge ----------------------------------------------------------------------------


def is_bidder(supplier_id: int, lot: Lot) -> bool:
    return Bid.objects.filter(lot=lot, supplier_id=supplier_id, status__in=CHALLENGING_BIDS).exists()


def downloaded_documents(supplier_id: int, project: Project) -> bool:
    return DocumentDownload.objects.filter(supplier_id=supplier_id, tender_document__project=project).exists()


def subjects_open_to(supplier_id: int, lot: Lot) -> tuple[str, ...]:
    """What the supplier may challenge on the lot: everything if it bid, the documents only if it
    obtained them without bidding, nothing otherwise."""
    if is_bidder(supplier_id, lot):
        return tuple(Subject.values)
    if downloaded_documents(supplier_id, lot.project):
        return (Subject.DOCUMENTS,)
    return ()


def access_challenge_lot(user: User, lot_id) -> tuple[Lot, tuple[str, ...]]:
    """The lot and what the user's supplier may challenge on it, or 404 (no supplier, no such
    lot, or a supplier that neither bid nor obtained the documents)."""
    supplier = policies.supplier_of(user)
    pk = _pk(lot_id)
    lot = (
        Lot.objects.select_related("project__purchaser", "project__agency").filter(pk=pk).first()
        if pk is not None and supplier is not None
        else None
    )
    if lot is None:
        raise ChallengeLotNotFound()
    subjects = subjects_open_to(supplier.pk, lot)
    if not subjects:
        raise ChallengeLotNotFound()
    return lot, subjects


def challengeable_notices(lot: Lot, subjects, *, on: datetime.date) -> list[dict]:
    """The published notices of the lot's project the supplier may challenge, newest first, each
    with what it may be challenged about and the last day: [{notice, options: [(subject, label,
    deadline, open)]}]. A result notice of another lot is left out."""
    rules_on = rules_date(lot)
    other_lots_results = Award.objects.filter(lot__project_id=lot.project_id).exclude(lot=lot)
    notices = (
        Notice.objects.filter(
            project_id=lot.project_id, kind__in=list(SUBJECTS_OF_KIND), published_at__lte=timezone.now()
        )
        .exclude(pk__in=other_lots_results.filter(result_notice__isnull=False).values("result_notice_id"))
        .order_by("-published_at", "-pk")
    )
    rows = []
    for notice in notices:
        options = []
        for subject in SUBJECTS_OF_KIND[notice.kind]:
            if subject not in subjects:
                continue
            deadline = challenge_deadline(notice, subject, rules_on=rules_on)
            options.append((subject, Subject(subject).label, deadline, on <= deadline))
        if options:
            rows.append({"notice": notice, "options": options})
    return rows


# --- Access ---------------------------------------------------------------------------------------


def _challenges() -> QuerySet[Challenge]:
    return Challenge.objects.select_related(*_CHALLENGE_RELATED)


def lock_challenge(pk) -> Challenge:
    pk = _pk(pk)
    challenge = (
        _challenges().select_for_update(of=("self",)).filter(pk=pk).first() if pk is not None else None
    )
    if challenge is None:
        raise ChallengeNotFound()
    return challenge


def access_challenge(user: User, pk, *, lock: bool = False) -> Challenge:
    """A challenge the user is a party to (the challenger, the purchaser, the agency, the region's
    regulators), or 404."""
    pk = _pk(pk)
    qs = _challenges()
    if lock:
        qs = qs.select_for_update(of=("self",))
    challenge = qs.filter(pk=pk).first() if pk is not None else None
    if challenge is None or not policies.can_view_challenge(user, challenge):
        raise ChallengeNotFound()
    return challenge


def lock_complaint(pk) -> Complaint:
    pk = _pk(pk)
    complaint = (
        Complaint.objects.select_related(*_COMPLAINT_RELATED)
        .select_for_update(of=("self",))
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if complaint is None:
        raise ComplaintNotFound()
    return complaint


def access_complaint(user: User, pk) -> Complaint:
    """A complaint the user is a party to (the complainant, the regulators of the region, the
    purchaser and agency complained of), or 404."""
    pk = _pk(pk)
    complaint = Complaint.objects.select_related(*_COMPLAINT_RELATED).filter(pk=pk).first() if pk else None
    if complaint is None or not policies.can_view_complaint(user, complaint):
        raise ComplaintNotFound()
    return complaint


# --- Lists ----------------------------------------------------------------------------------------


def _first_when(**condition) -> Case:
    """An ordering key putting the rows that meet `condition` first."""
    return Case(When(Q(**condition), then=Value(0)), default=Value(1), output_field=IntegerField())


def _with_complaints(qs: QuerySet[Challenge]) -> QuerySet[Challenge]:
    return qs.prefetch_related(
        Prefetch(
            "complaints",
            queryset=Complaint.objects.select_related("notice").order_by("-created_at", "-pk"),
        )
    )


def challenges_of_supplier(user: User) -> QuerySet[Challenge]:
    """The challenges of the supplier the user represents, newest first, with their complaints."""
    supplier = policies.supplier_of(user)
    if supplier is None:
        return Challenge.objects.none()
    return _with_complaints(_challenges().filter(supplier=supplier).order_by("-created_at", "-pk"))


def challengeable_lots(user: User) -> QuerySet[Lot]:
    """The lots the user's supplier bid for (it may challenge them), newest first."""
    supplier = policies.supplier_of(user)
    if supplier is None:
        return Lot.objects.none()
    bid = Bid.objects.filter(lot=OuterRef("pk"), supplier=supplier, status__in=CHALLENGING_BIDS)
    return (
        Lot.objects.filter(Exists(bid))
        .exclude(status__in=[Lot.Status.PREPARING, Lot.Status.CANCELLED])
        .select_related("project")
        .order_by("-project__bid_deadline", "-pk")
    )


def answerable_projects(user: User) -> QuerySet[Project]:
    """The projects whose challenges the user answers: its purchaser's, or those its agency runs."""
    membership = acting_membership(user)
    if membership is None:
        return Project.objects.none()
    if membership.role in policies.PURCHASER_ROLES:
        return Project.objects.filter(purchaser_id=membership.organisation_id)
    if membership.role == Role.AGENCY_OFFICER:
        return entrusted_projects(user)
    return Project.objects.none()


def challenges_to_answer(user: User) -> QuerySet[Challenge]:
    """The challenges of the user's purchaser's projects (or of the projects its agency runs):
    those awaiting the answer first, by due day, then the others, newest first."""
    projects = answerable_projects(user)
    return _with_complaints(
        _challenges()
        .filter(lot__project__in=projects.values("pk"))
        .order_by(_first_when(status=Challenge.Status.OPEN), "answer_due", "-pk")
    )


def complaints_of_regulator(user: User) -> QuerySet[Complaint]:
    """The complaints about projects of the regulator's region: those under review first, by the
    decision's due day, then the decided ones, newest first."""
    membership = acting_membership(user)
    if membership is None or membership.role != Role.REGULATOR:
        return Complaint.objects.none()
    prefix = jurisdiction_prefix(membership.organisation.region_code or "")
    if not prefix:
        return Complaint.objects.none()
    return (
        Complaint.objects.select_related(*_COMPLAINT_RELATED)
        .filter(lot__project__purchaser__region_code__startswith=prefix)
        .order_by(_first_when(status=Complaint.Status.FILED), "decision_due", "-pk")
    )


def complaints_of_supplier(user: User) -> QuerySet[Complaint]:
    supplier = policies.supplier_of(user)
    if supplier is None:
        return Complaint.objects.none()
    return Complaint.objects.select_related(*_COMPLAINT_RELATED).filter(supplier=supplier).order_by("-pk")


# --- Who is told ----------------------------------------------------------------------------------


def purchaser_staff(project: Project) -> list[User]:
    memberships = Membership.objects.filter(
        organisation_id=project.purchaser_id,
        role__in=policies.PURCHASER_ROLES,
        is_active=True,
        user__is_active=True,
    ).select_related("user")
    return list({m.user_id: m.user for m in memberships}.values())


def agency_officers(project: Project) -> list[User]:
    if project.agency_id is None:
        return []
    memberships = Membership.objects.filter(
        organisation_id=project.agency_id, role=Role.AGENCY_OFFICER, is_active=True, user__is_active=True
    ).select_related("user")
    return list({m.user_id: m.user for m in memberships}.values())


def supplier_representatives(supplier_id: int) -> list[User]:
    memberships = Membership.objects.filter(
        organisation_id=supplier_id, role=Role.SUPPLIER_REPRESENTATIVE, is_active=True, user__is_active=True
    ).select_related("user")
    return [m.user for m in memberships]


# --- What blocks the contract ----------------------------------------------------------------------


def signing_blocked(lot: Lot, *, on: datetime.date | None = None) -> list:
    """Why the lot's contract cannot be signed now (an empty list: nothing here blocks it):
    a challenge awaiting its answer that may affect the result, a complaint filed and not yet
    decided, a suspension ordered by the regulator still in force. Contract signing (issue 7)
    calls this inside its transaction and refuses with these reasons. Three queries."""
    on = on or timezone.localdate()
    reasons = []
    challenges = list(
        Challenge.objects.filter(lot=lot, status=Challenge.Status.OPEN, may_affect_result=True)
        .order_by("pk")
        .values_list("pk", "answer_due")
    )
    for pk, due in challenges:
        reasons.append(
            format_lazy(
                _("Challenge {number} may affect the result and awaits its answer (due {due})."),
                number=pk,
                due=due.isoformat(),
            )
        )
    complaints = list(
        Complaint.objects.filter(lot=lot, status=Complaint.Status.FILED)
        .order_by("pk")
        .values_list("pk", "decision_due")
    )
    for pk, due in complaints:
        reasons.append(
            format_lazy(
                _("Complaint {number} is under the regulator's review (decision due {due})."),
                number=pk,
                due=due.isoformat(),
            )
        )
    suspended = (
        Complaint.objects.filter(lot=lot, status=Complaint.Status.FILED, suspended_until__gte=on)
        .order_by("-suspended_until")
        .values_list("suspended_until", flat=True)
        .first()
    )
    if suspended is not None:
        reasons.append(
            format_lazy(
                _("The regulator has suspended the procurement until {until}."), until=suspended.isoformat()
            )
        )
    return reasons


# --- Sweeps ---------------------------------------------------------------------------------------


def overdue_answers(on: datetime.date) -> QuerySet[Challenge]:
    return Challenge.objects.filter(
        status=Challenge.Status.OPEN, answer_due__lt=on, overdue_flagged_at__isnull=True
    ).order_by("pk")


def overdue_decisions(on: datetime.date) -> QuerySet[Complaint]:
    return Complaint.objects.filter(
        status=Complaint.Status.FILED, decision_due__lt=on, overdue_flagged_at__isnull=True
    ).order_by("pk")


def awarded_lots() -> QuerySet[Lot]:
    """Lots awarded, with a confirmed award whose result notice is out: the contracting sweep's
    candidates (it checks each one's challenge window and blocks)."""
    confirmed = Award.objects.filter(
        lot=OuterRef("pk"), status=Award.Status.CONFIRMED, result_notice__isnull=False
    )
    return Lot.objects.filter(Exists(confirmed), status=Lot.Status.AWARDED).order_by("pk")
