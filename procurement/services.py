"""Every write of the procurement app: filing, submitting, approving and returning projects.

Each public service is one transaction: lock, check the policy and the transition table,
change, audit last (audit.services.record_event holds the chain lock until commit).
"""

import datetime
import hashlib
from decimal import Decimal, InvalidOperation

from celery import current_app
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.db.models.functions import Now
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.permissions import grant
from accounts.policies import acting_membership
from accounts.services import notify
from audit import services as audit
from common.exceptions import DomainError
from common.i18n import in_both_languages
from rulebook.selectors import rule_value, working_calendar

from . import methods, pdf, policies, selectors, templating, tender_rules
from .exceptions import (
    AgencyHasNoOfficer,
    AlreadyApprovedALevel,
    AlreadyDecided,
    AlreadyRetendered,
    ApprovalLimitTooLow,
    CommentRequired,
    DocumentFrozen,
    DocumentNotFound,
    DraftExists,
    ImportedProductsJustificationRequired,
    InvalidAgency,
    InvalidAmount,
    InvalidTransition,
    JustificationRequired,
    LotNotFailed,
    LotNotFound,
    LotsDoNotAddUp,
    LotsRequired,
    MethodChangePending,
    MethodNotAllowed,
    NotAllowedToCancel,
    NotApprover,
    NotPurchaserClerk,
    NotTenderOfficer,
    OwnProjectApproval,
    ProjectNotFound,
    ReasonRequired,
    RegulatorApprovalPending,
    RoundInProgress,
    SingleSourceNoticeStanding,
    TenderDocumentInvalid,
    TenderTooEarly,
)
from .models import (
    METHODS_AFTER_FAILURE,
    ApprovalDecision,
    Category,
    Entrustment,
    Lot,
    Method,
    Notice,
    Project,
    ReferenceCounter,
    RegulatorApproval,
    TenderDocument,
    can_transition,
    can_transition_lot,
)

RUN_TENDER = "procurement.run_tender"

CENT = Decimal("0.01")


def money(value) -> Decimal:
    """A positive CNY amount with at most two decimals, or InvalidAmount."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidAmount() from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT) or amount >= Decimal("1e16"):
        raise InvalidAmount()
    return amount.quantize(CENT)


def bands(category: str, *, on: datetime.date) -> methods.Bands:
    return methods.Bands(
        threshold=rule_value(f"procurement.{category}.threshold_amount", on=on),
        public_tender=rule_value(f"procurement.{category}.public_tender_amount", on=on),
    )


def _next_reference(region_code: str, year: int) -> str:
    counter, _created = ReferenceCounter.objects.get_or_create(region_code=region_code, year=year)
    ReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"{region_code}-{year}-{counter.last:06d}"


def _transition(project: Project, target: str) -> None:
    if not can_transition(project.status, target):
        raise InvalidTransition()
    project.status = target


def _check_method(
    category: str, budget: Decimal, method: str, justification: str, *, on: datetime.date
) -> None:
    found = bands(category, on=on)
    if method not in methods.allowed_methods(category, budget, found):
        raise MethodNotAllowed()
    if methods.needs_regulator_approval(method, category, budget, found) and not justification.strip():
        raise JustificationRequired()


@transaction.atomic
def file_project(
    *,
    actor: User,
    title_zh: str,
    category: str,
    classification_code: str,
    budget,
    funding_source: str,
    method: str,
    lots: list[dict],
    title_en: str = "",
    description_zh: str = "",
    description_en: str = "",
    method_justification: str = "",
    imported_products: bool = False,
    imported_products_justification: str = "",
    green_requirement: bool = False,
) -> Project:
    """A purchaser clerk files a draft project with its lots; it gets its reference number."""
    membership = acting_membership(actor)
    if membership is None or membership.role != Role.PURCHASER_CLERK:
        raise NotPurchaserClerk()
    if category not in Category.values:
        raise MethodNotAllowed(_("Choose goods, works or services."), code="invalid_category")
    amount = money(budget)
    if not lots:
        raise LotsRequired()
    lot_amounts = [money(lot.get("budget")) for lot in lots]
    if sum(lot_amounts) != amount:
        raise LotsDoNotAddUp(
            format_lazy(
                _("The lots' budgets add up to {lots} CNY, the project's budget is {budget} CNY."),
                lots=f"{sum(lot_amounts):,.2f}",
                budget=f"{amount:,.2f}",
            )
        )
    today = timezone.localdate()
    _check_method(category, amount, method, method_justification, on=today)
    if imported_products and not imported_products_justification.strip():
        raise ImportedProductsJustificationRequired()
    purchaser = membership.organisation
    project = Project.objects.create(
        reference=_next_reference(purchaser.region_code, today.year),
        purchaser=purchaser,
        drafted_by=actor,
        title_zh=title_zh.strip(),
        title_en=title_en.strip(),
        description_zh=description_zh,
        description_en=description_en,
        category=category,
        classification_code=classification_code.strip(),
        budget=amount,
        funding_source=funding_source,
        method=method,
        method_justification=method_justification.strip(),
        imported_products=imported_products,
        imported_products_justification=imported_products_justification.strip() if imported_products else "",
        green_requirement=green_requirement,
    )
    Lot.objects.bulk_create(
        [
            Lot(
                project=project,
                number=number,
                title_zh=lot["title_zh"],
                title_en=lot.get("title_en", ""),
                budget=lot_amount,
                quantity_and_specification=lot.get("quantity_and_specification", ""),
                delivery_place=lot.get("delivery_place", ""),
                delivery_period=lot.get("delivery_period", ""),
                sme_reserved=bool(lot.get("sme_reserved", False)),
            )
            for number, (lot, lot_amount) in enumerate(zip(lots, lot_amounts, strict=True), start=1)
        ]
    )
    audit.record_event(
        "procurement.project_filed",
        actor=actor,
        organisation=purchaser,
        target=project,
        data={"reference": project.reference, "budget": amount, "method": method, "lots": len(lots)},
    )
    return project


@transaction.atomic
def submit_project(project_id: int, *, actor: User) -> Project:
    """A clerk of the purchaser sends the draft for approval; the amount decides how many levels."""
    project = selectors.access_project(actor, project_id, lock=True)
    if not policies.can_submit_project(actor, project):
        raise NotPurchaserClerk()
    _transition(project, Project.Status.PENDING_APPROVAL)
    today = timezone.localdate()
    _check_method(project.category, project.budget, project.method, project.method_justification, on=today)
    found = bands(project.category, on=today)
    project.rules_date = today
    project.approval_levels = methods.approval_levels(
        project.budget,
        found,
        below=int(rule_value("approval.levels_below_threshold", on=today)),
        from_threshold=int(rule_value("approval.levels_from_threshold", on=today)),
        from_public_tender=int(rule_value("approval.levels_from_public_tender", on=today)),
    )
    project.approved_levels = 0
    project.submission_round += 1
    project.submitted_at = timezone.now()
    project.save(
        update_fields=[
            "status",
            "rules_date",
            "approval_levels",
            "approved_levels",
            "submission_round",
            "submitted_at",
            "updated_at",
        ]
    )
    notify(
        selectors.approvers_of(project),
        subject=format_lazy(_("Project to approve: {reference}"), reference=project.reference),
        link=f"/procurement/projects/{project.pk}/",
    )
    audit.record_event(
        "procurement.project_submitted",
        actor=actor,
        organisation=project.purchaser,
        target=project,
        data={"round": project.submission_round, "levels": project.approval_levels, "rules_date": today},
    )
    return project


def _check_approver(actor: User, project: Project) -> None:
    if project.drafted_by_id == actor.pk:
        raise OwnProjectApproval()
    if not policies.is_approver_of(actor, project):
        raise NotApprover()
    if project.status != Project.Status.PENDING_APPROVAL:
        raise InvalidTransition()


@transaction.atomic
def approve_project(project_id: int, *, actor: User, comment: str = "") -> Project:
    """The next level's approval. The drafter never approves; each level needs another approver;
    the final level needs an approver whose limit covers the budget."""
    project = selectors.access_project(actor, project_id, lock=True)
    _check_approver(actor, project)
    level = project.next_level
    if ApprovalDecision.objects.filter(
        project=project, round=project.submission_round, approver=actor
    ).exists():
        raise AlreadyApprovedALevel()
    final = level == project.approval_levels
    if final and (acting_membership(actor).approval_limit or 0) < project.budget:
        raise ApprovalLimitTooLow()
    ApprovalDecision.objects.create(
        project=project,
        round=project.submission_round,
        level=level,
        approver=actor,
        decision=ApprovalDecision.Decision.APPROVED,
        comment=comment.strip(),
    )
    project.approved_levels = level
    fields = ["approved_levels", "updated_at"]
    if final:
        _transition(project, Project.Status.APPROVED)
        project.approved_at = timezone.now()
        project.intention_published_on = timezone.localdate()
        fields += ["status", "approved_at", "intention_published_on"]
    project.save(update_fields=fields)
    if final:
        _publish_intention(project)
        _request_regulator_approvals(project)
        notify(
            [project.drafted_by],
            subject=format_lazy(_("Project approved: {reference}"), reference=project.reference),
            link=f"/procurement/projects/{project.pk}/",
        )
    else:
        notify(
            [u for u in selectors.approvers_of(project) if u.pk != actor.pk],
            subject=format_lazy(
                _("Project to approve at level {level}: {reference}"),
                level=level + 1,
                reference=project.reference,
            ),
            link=f"/procurement/projects/{project.pk}/",
        )
    audit.record_event(
        "procurement.project_approved" if final else "procurement.project_level_approved",
        actor=actor,
        organisation=project.purchaser,
        target=project,
        data={"round": project.submission_round, "level": level, "of": project.approval_levels}
        | (
            {
                "intention_notice": project.notices.get(kind=Notice.Kind.INTENTION).pk,
                "regulator_approvals": sorted(project.regulator_approvals.values_list("subject", flat=True)),
            }
            if final
            else {}
        ),
    )
    return project


def _publish_intention(project: Project) -> Notice:
    """The procurement intention (采购意向), published when the project is approved: the tender
    notice may follow the rulebook's intention.min_days_before_tender days later."""
    today = timezone.localdate()
    earliest = today + datetime.timedelta(days=int(rule_value("intention.min_days_before_tender", on=today)))
    context = {"project": project, "lots": list(project.lots.order_by("number")), "earliest_tender": earliest}
    body_zh, body_en = in_both_languages(
        lambda: render_to_string("procurement/notices/intention.txt", context).strip()
    )
    notice = Notice.objects.create(
        project=project,
        kind=Notice.Kind.INTENTION,
        title_zh=f"{project.purchaser.name_zh}{title_stem_zh(project.title_zh)}采购意向公开",
        title_en=f"Procurement intention: {project.title_en or project.title_zh} "
        f"({project.purchaser.name_en})",
        body_zh=body_zh,
        body_en=body_en,
        region_code=project.purchaser.region_code,
        category=project.category,
        method=project.method,
        published_at=timezone.now(),
    )
    transaction.on_commit(selectors.bump_notices_version)  # the cached public list shows it at once
    return notice


def earliest_tender_notice_day(project: Project) -> datetime.date | None:
    """The first day a tender notice may be published (None before the intention is published)."""
    if project.intention_published_on is None:
        return None
    days = int(rule_value("intention.min_days_before_tender", on=project.intention_published_on))
    return project.intention_published_on + datetime.timedelta(days=days)


@transaction.atomic
def return_project(project_id: int, *, actor: User, comment: str) -> Project:
    """An approver sends the project back to draft, saying why; approval starts again on resubmission."""
    project = selectors.access_project(actor, project_id, lock=True)
    _check_approver(actor, project)
    if not comment.strip():
        raise CommentRequired()
    level = project.next_level
    ApprovalDecision.objects.create(
        project=project,
        round=project.submission_round,
        level=level,
        approver=actor,
        decision=ApprovalDecision.Decision.RETURNED,
        comment=comment.strip(),
    )
    _transition(project, Project.Status.DRAFT)
    project.approved_levels = 0
    project.save(update_fields=["status", "approved_levels", "updated_at"])
    notify(
        [project.drafted_by],
        subject=format_lazy(_("Project returned: {reference}"), reference=project.reference),
        body=comment.strip(),
        link=f"/procurement/projects/{project.pk}/",
    )
    audit.record_event(
        "procurement.project_returned",
        actor=actor,
        organisation=project.purchaser,
        target=project,
        data={"round": project.submission_round, "level": level, "comment": comment.strip()},
    )
    return project


# --- The regulator's approvals: a non-default method, imported products ---------------------------


def _request_regulator_approvals(project: Project) -> list[RegulatorApproval]:
    """On the purchaser's final approval: ask the regulator for what the project needs."""
    found = bands(project.category, on=project.rules_date)
    wanted = []
    if methods.needs_regulator_approval(project.method, project.category, project.budget, found):
        wanted.append((RegulatorApproval.Subject.METHOD, project.method_justification))
    if project.imported_products:
        wanted.append((RegulatorApproval.Subject.IMPORTED_PRODUCTS, project.imported_products_justification))
    approvals = [
        RegulatorApproval.objects.create(project=project, subject=subject, justification=justification)
        for subject, justification in wanted
    ]
    if approvals:
        notify(
            selectors.regulators_of(project),
            subject=format_lazy(
                _("Project awaiting the regulator's approval: {reference}"), reference=project.reference
            ),
            link="/procurement/regulator/approvals/",
        )
    return approvals


@transaction.atomic
def decide_regulator_approval(
    approval_id: int, *, actor: User, approve: bool, comment: str = ""
) -> RegulatorApproval:
    """A regulator of the purchaser's region approves or refuses (refusing needs a comment).

    Approving single source above the threshold publishes the justification notice, which must
    stand for the rulebook's working days before the procurement proceeds.
    """
    approval = selectors.access_regulator_approval(actor, approval_id, lock=True)
    project = Project.objects.select_for_update().select_related("purchaser").get(pk=approval.project_id)
    if approval.status != RegulatorApproval.Status.REQUESTED:
        raise AlreadyDecided()
    if approval.subject == RegulatorApproval.Subject.METHOD_AFTER_FAILURE:
        return _decide_method_after_failure(approval, project, actor=actor, approve=approve, comment=comment)
    if project.status not in (Project.Status.APPROVED, Project.Status.ENTRUSTED):
        raise InvalidTransition()
    if not approve and not comment.strip():
        raise CommentRequired(_("Say why the request is refused."))
    approval.status = RegulatorApproval.Status.APPROVED if approve else RegulatorApproval.Status.REFUSED
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    approval.comment = comment.strip()
    approval.save(update_fields=["status", "decided_by", "decided_at", "comment", "updated_at"])
    notice = None
    if (
        approve
        and approval.subject == RegulatorApproval.Subject.METHOD
        and _needs_single_source_notice(project)
    ):
        notice = _publish_single_source_notice(project, approval)
    notify(
        [project.drafted_by],
        subject=format_lazy(
            _("The regulator approved: {reference}") if approve else _("The regulator refused: {reference}"),
            reference=project.reference,
        ),
        body=comment.strip(),
        link=f"/procurement/projects/{project.pk}/",
    )
    audit.record_event(
        "procurement.regulator_approved" if approve else "procurement.regulator_refused",
        actor=actor,
        target=project,
        data={"subject": approval.subject, "comment": approval.comment}
        | (
            {"single_source_notice": notice.pk, "stands_until": project.single_source_notice_until}
            if notice
            else {}
        ),
    )
    return approval


def _needs_single_source_notice(project: Project) -> bool:
    found = bands(project.category, on=project.rules_date)
    return project.method == Method.SINGLE_SOURCE and project.budget >= found.threshold


def _publish_single_source_notice(project: Project, approval: RegulatorApproval) -> Notice:
    today = timezone.localdate()
    days = int(rule_value("single_source.justification_working_days", on=project.rules_date))
    until = _calendar(today, today + datetime.timedelta(days=days * 3 + 30)).add_working_days(today, days)
    project.single_source_notice_until = until
    project.save(update_fields=["single_source_notice_until", "updated_at"])
    context = {"project": project, "approval": approval, "until": until, "days": days}
    return _publish_notice(
        project, Notice.Kind.SINGLE_SOURCE, "procurement/notices/single_source.txt", context
    )


# --- Entrustment ---------------------------------------------------------------------------------


@transaction.atomic
def entrust_project(project_id: int, *, actor: User, agency_id: int, scope: str, fee=None) -> Entrustment:
    """A clerk of the purchaser entrusts the approved project to an agency (or to the purchaser's
    own procurement office): the agreement and its PDF are recorded and the agency's officers get
    the object permission to run the tender."""
    project = selectors.access_project(actor, project_id, lock=True)
    if not policies.is_clerk_of(actor, project):
        raise NotPurchaserClerk(_("Only a clerk of the purchaser entrusts its approved projects."))
    if not policies.can_entrust_project(actor, project):
        raise InvalidTransition(_("Only an approved project that is not yet entrusted can be entrusted."))
    _transition(project, Project.Status.ENTRUSTED)
    agency = selectors.agency_for(project, agency_id)
    if agency is None:
        raise InvalidAgency()
    officers = selectors.officers_of(agency)
    if not officers:
        raise AgencyHasNoOfficer()
    if not scope.strip():
        raise ReasonRequired(_("Describe what the agency is entrusted with."))
    fee_amount = None if fee in (None, "") else _fee(fee)
    entrustment = Entrustment(
        project=project,
        agency=agency,
        agreement_number=f"{project.reference}-WT",
        scope=scope.strip(),
        fee=fee_amount,
        signed_on=timezone.localdate(),
        entrusted_by=actor,
    )
    content = pdf.render_entrustment_agreement(entrustment)
    entrustment.sha256 = hashlib.sha256(content).hexdigest()
    entrustment.document.save(f"{entrustment.agreement_number}.pdf", ContentFile(content), save=False)
    entrustment.save()
    project.agency = agency
    project.save(update_fields=["status", "agency", "updated_at"])
    for officer in officers:
        grant(officer, RUN_TENDER, project)
    notify(
        officers,
        subject=format_lazy(_("Project entrusted to you: {reference}"), reference=project.reference),
        link=f"/procurement/projects/{project.pk}/",
    )
    audit.record_event(
        "procurement.project_entrusted",
        actor=actor,
        organisation=project.purchaser,
        target=project,
        data={
            "agency": agency.pk,
            "own_office": agency.pk == project.purchaser_id,
            "agreement": entrustment.agreement_number,
            "sha256": entrustment.sha256,
            "officers": [o.pk for o in officers],
        },
    )
    return entrustment


def _fee(value) -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidAmount() from None
    if amount == 0:
        return amount.quantize(CENT)
    return money(amount)


# --- Tender documents ----------------------------------------------------------------------------


def _calendar(first: datetime.date, last: datetime.date):
    return working_calendar(first, last)


def _rule_int(project: Project):
    return lambda key: int(rule_value(key, on=project.rules_date))


def _date_rules(project: Project) -> tender_rules.DateRules:
    return tender_rules.date_rules_for(project.method, _rule_int(project))


def _check_document_dates(
    project: Project, document: TenderDocument, *, publish_on: datetime.date
) -> dict[str, list[str]]:
    """Translated messages by field for the dates of `document` published on `publish_on`."""
    fields = ("documents_from", "documents_until", "clarification_until", "bid_deadline")
    missing = [f for f in fields if getattr(document, f) is None]
    if missing:
        return {f: [str(_("This date is required."))] for f in missing}
    deadline = timezone.localtime(document.bid_deadline).date()
    first = min(publish_on, document.documents_from) - datetime.timedelta(days=1)
    last = max(deadline, document.documents_until, document.clarification_until) + datetime.timedelta(days=45)
    cal = _calendar(first, last)
    problems = tender_rules.check_dates(
        _date_rules(project),
        tender_rules.TenderDates(
            document.documents_from, document.documents_until, document.clarification_until, deadline
        ),
        publish_on=publish_on,
        is_working_day=cal.is_working_day,
        add_working_days=cal.add_working_days,
        working_days_between=cal.working_days_between,
    )
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.field, []).append(str(date_problem_message(problem)))
    return errors


DATE_PROBLEM_MESSAGES = {
    "documents_before_notice": _(
        "The documents cannot be obtainable before the notice is published ({day})."
    ),
    "documents_until_before_from": _(
        "The last day the documents are obtainable comes before the first ({day})."
    ),
    "documents_available_too_short": _(
        "The documents must be obtainable for the rulebook's working days: until {day} at the earliest."
    ),
    "documents_after_deadline": _("The documents cannot be obtainable after the bid deadline ({day})."),
    "deadline_too_early": _("The bid deadline is too early: the earliest lawful day is {day}."),
    "deadline_not_working_day": _("The bid deadline falls on a day off: the next working day is {day}."),
    "questions_before_documents": _("Questions cannot close before the documents are obtainable ({day})."),
    "questions_too_late": _("Questions must close by {day}, the rulebook's days before the bid deadline."),
    "deadline_moved_earlier": _(
        "An amendment cannot bring the bid deadline forward; keep it on or after {day}."
    ),
    "amended_deadline_too_early": _(
        "This change may affect bids and comes too close to the deadline: "
        "the earliest lawful new deadline is {day}."
    ),
}


def date_problem_message(problem: tender_rules.DateProblem):
    return format_lazy(
        DATE_PROBLEM_MESSAGES[problem.code], day=problem.day.isoformat() if problem.day else ""
    )


def _decimal_or_none(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _check_scoring(project: Project, document: TenderDocument) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if document.evaluation_method == TenderDocument.EvaluationMethod.LOWEST_PRICE:
        if document.criteria or document.price_weight is not None:
            errors["criteria"] = [str(_("The lowest-price method has no scoring criteria or price weight."))]
        return errors
    if document.evaluation_method != TenderDocument.EvaluationMethod.COMPREHENSIVE:
        return {"evaluation_method": [str(_("Choose the lowest-price or the comprehensive scoring method."))]}
    weight = _decimal_or_none(document.price_weight)
    limits = tender_rules.price_weight_range(
        project.method, project.category, lambda key: rule_value(key, on=project.rules_date)
    )
    if weight is None or not limits.low <= weight <= limits.high:
        errors["price_weight"] = [
            str(
                format_lazy(
                    _(
                        "The price weight must be between {low} and {high} points "
                        "for this method and category."
                    ),
                    low=f"{limits.low.normalize():f}",
                    high=f"{limits.high.normalize():f}",
                )
            )
        ]
    criteria_errors = []
    for criterion in document.criteria:
        value = _decimal_or_none(criterion.get("points")) if isinstance(criterion, dict) else None
        if (
            value is None
            or not str(criterion.get("name_zh", "")).strip()
            or value <= 0
            or value != value.quantize(CENT)
        ):
            criteria_errors.append(str(_("Every criterion needs a Chinese name and points above zero.")))
            break
    if not criteria_errors and weight is not None:
        total = tender_rules.criteria_total(weight, document.criteria)
        if total != tender_rules.HUNDRED:
            criteria_errors.append(
                str(
                    format_lazy(
                        _(
                            "The price weight and the criteria add up to {total} points; "
                            "they must add up to 100."
                        ),
                        total=f"{total.normalize():f}",
                    )
                )
            )
    if criteria_errors:
        errors["criteria"] = criteria_errors
    return errors


def _check_bonds(project: Project, document: TenderDocument, lots: list[Lot]) -> dict[str, list[str]]:
    max_percent = rule_value("bond.max_percent_of_lot_budget", on=project.rules_date)
    messages_ = []
    for lot in lots:
        raw = document.bonds.get(str(lot.number), "0")
        try:
            amount = Decimal(str(raw if raw not in (None, "") else "0"))
        except (InvalidOperation, ValueError, TypeError):
            amount = None
        cap = tender_rules.bond_cap(lot.budget, max_percent)
        if amount is None or not amount.is_finite() or amount < 0 or amount != amount.quantize(CENT):
            messages_.append(
                str(
                    format_lazy(
                        _("Lot {number}: the bond is an amount in yuan with at most two decimals."),
                        number=lot.number,
                    )
                )
            )
        elif amount > cap:
            messages_.append(
                str(
                    format_lazy(
                        _(
                            "Lot {number}: the bond may be at most {percent} per cent of the lot's budget, "
                            "{cap} CNY."
                        ),
                        number=lot.number,
                        percent=f"{max_percent.normalize():f}",
                        cap=f"{cap:,.2f}",
                    )
                )
            )
    return {"bonds": messages_} if messages_ else {}


def _check_content(project: Project, document: TenderDocument) -> dict[str, list[str]]:
    """The rules of the documents' content, for a first version and an amendment alike."""
    lots = [lot for lot in project.lots.order_by("number") if lot.status not in ENDED_LOT_STATUSES]
    errors = {}
    missing = [key for key in templating.SECTION_KEYS if not str(document.sections.get(key, "")).strip()]
    if missing:
        errors["sections"] = [str(_("Every section of the documents needs text."))]
    if not [item for item in document.qualification_items if str(item).strip()]:
        errors["qualification_items"] = [str(_("List at least one qualification requirement."))]
    errors |= _check_scoring(project, document)
    errors |= _check_bonds(project, document, lots)
    return errors


def _validate_document(project: Project, document: TenderDocument, *, publish_on: datetime.date) -> None:
    errors = _check_content(project, document)
    errors |= _check_document_dates(project, document, publish_on=publish_on)
    if errors:
        raise TenderDocumentInvalid(errors)


def _first_publish_day(project: Project) -> datetime.date:
    today = timezone.localdate()
    earliest = earliest_tender_notice_day(project) or today
    if project.single_source_notice_until:
        earliest = max(earliest, project.single_source_notice_until + datetime.timedelta(days=1))
    return max(today, earliest)


def _default_dates(project: Project, publish_on: datetime.date) -> dict:
    """The earliest lawful dates (deadline at 09:30), or none where the calendar does not reach."""
    rules = _date_rules(project)
    try:
        cal = _calendar(publish_on - datetime.timedelta(days=1), publish_on + datetime.timedelta(days=90))
        documents_from = tender_rules.next_working_day(publish_on, cal.is_working_day)
        deadline = tender_rules.earliest_deadline(
            rules, documents_from, is_working_day=cal.is_working_day, add_working_days=cal.add_working_days
        )
        if rules.min_working_days_available:
            documents_until = cal.add_working_days(documents_from, rules.min_working_days_available - 1)
        else:  # obtainable until the day before the deadline
            documents_until = max(documents_from, deadline - datetime.timedelta(days=1))
        before = rules.min_days_clarification_before_deadline
        clarification_until = deadline - datetime.timedelta(days=before if before is not None else 1)
        clarification_until = max(clarification_until, documents_from)
    except DomainError:
        return {}
    opening = timezone.make_aware(datetime.datetime.combine(deadline, datetime.time(9, 30)))
    return {
        "documents_from": documents_from,
        "documents_until": documents_until,
        "clarification_until": clarification_until,
        "bid_deadline": opening,
    }


def _sme_deduction(project: Project) -> Decimal:
    """The price deduction for small and micro enterprises the documents state: the rulebook's
    lowest rate for the category (the agency may raise it within the range in the text)."""
    key = (
        "sme.works_deduction_min_percent"
        if project.category == Category.WORKS
        else "sme.deduction_min_percent"
    )
    return rule_value(key, on=project.rules_date)


@transaction.atomic
def start_tender_documents(project_id: int, *, actor: User) -> TenderDocument:
    """The agency officer starts the documents from the standard template of the project's method."""
    project = selectors.access_project(actor, project_id, lock=True)
    if not policies.can_run_tender(actor, project):
        raise NotTenderOfficer()
    if project.status != Project.Status.ENTRUSTED:
        raise InvalidTransition()
    if project.tender_documents.exists():
        raise DraftExists()
    lots = list(project.lots.order_by("number"))
    price_weight, criteria = templating.default_criteria(project.category)
    evaluation = templating.default_evaluation_method(project.method)
    max_percent = rule_value("bond.max_percent_of_lot_budget", on=project.rules_date)
    document = TenderDocument.objects.create(
        project=project,
        version=1,
        sections=templating.standard_sections(
            project,
            lots,
            sme_deduction=_sme_deduction(project),
            challenge_working_days=int(rule_value("challenge.working_days", on=project.rules_date)),
            contract_signing_days=int(rule_value("contract.signing_days", on=project.rules_date)),
        ),
        qualification_items=templating.standard_qualification_items(project, lots),
        response_documents=templating.standard_response_documents(),
        lot_requirements=templating.standard_lot_requirements(lots),
        evaluation_method=evaluation,
        price_weight=price_weight if evaluation == TenderDocument.EvaluationMethod.COMPREHENSIVE else None,
        criteria=criteria if evaluation == TenderDocument.EvaluationMethod.COMPREHENSIVE else [],
        bonds={str(lot.number): f"{tender_rules.bond_cap(lot.budget, max_percent):.2f}" for lot in lots},
        opening_place=ONLINE_OPENING_PLACE,
        prepared_by=actor,
        **_default_dates(project, _first_publish_day(project)),
    )
    audit.record_event(
        "procurement.tender_documents_started",
        actor=actor,
        target=project,
        data={"document": document.pk, "version": 1, "template": project.method},
    )
    return document


# The documents are written in Chinese; the place of an online opening reads in both languages.
ONLINE_OPENING_PLACE = "阳光采购平台线上开标（online, on the Sunlight platform）"

EDITABLE_DOCUMENT_FIELDS = (
    "sections",
    "qualification_items",
    "required_qualifications",
    "opens_automatically",
    "lot_requirements",
    "evaluation_method",
    "price_weight",
    "criteria",
    "bonds",
    "documents_from",
    "documents_until",
    "clarification_until",
    "bid_deadline",
    "opening_place",
    "amendment_reason",
    "affects_bids",
)


@transaction.atomic
def save_tender_documents(document_id: int, *, actor: User, **changes) -> TenderDocument:
    """Save the draft's fields after checking every rule (a rejected save changes nothing).
    A published version is frozen: it changes only through an amendment (a new version)."""
    # The project's row first, then the document's: publish_tender and publish_amendment lock in
    # that order, so two services never wait on each other's row.
    found = selectors.access_tender_document(actor, document_id)
    project = Project.objects.select_for_update().select_related("purchaser").get(pk=found.project_id)
    document = TenderDocument.objects.select_for_update().get(pk=found.pk)
    document.project = project
    if not policies.can_run_tender(actor, project):
        raise NotTenderOfficer()
    if document.status != TenderDocument.Status.DRAFT:
        raise DocumentFrozen()
    retender = document.version > 1 and _is_retender_draft(project)
    if document.version > 1 and not retender:
        _check_before_deadline(project)
    unknown = set(changes) - set(EDITABLE_DOCUMENT_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(document, name, value)
    if document.version == 1:
        _validate_document(project, document, publish_on=_first_publish_day(project))
    elif retender:
        _validate_document(project, document, publish_on=_retender_publish_day(project))
    else:
        _validate_amendment(project, document)
    document.save(update_fields=[*changes, "updated_at"])
    audit.record_event(
        "procurement.tender_documents_saved",
        actor=actor,
        target=project,
        data={"document": document.pk, "version": document.version, "fields": sorted(changes)},
    )
    return document


def _freeze(document: TenderDocument, *, at: datetime.datetime) -> None:
    """Render the PDF, store it with its SHA-256 and mark the version published."""
    document.published_at = at
    content = pdf.render_tender_documents(document)
    document.sha256 = hashlib.sha256(content).hexdigest()
    document.pdf.save(
        f"{document.project.reference}-v{document.version}.pdf", ContentFile(content), save=False
    )
    document.status = TenderDocument.Status.PUBLISHED
    document.save(update_fields=["status", "published_at", "sha256", "pdf", "updated_at"])


# Lots that ended without an award: the documents' checks and bonds leave them as they were.
ENDED_LOT_STATUSES = (Lot.Status.CANCELLED, Lot.Status.FAILED)


def _apply_bonds(document: TenderDocument, *, statuses=None) -> None:
    lots = document.project.lots.exclude(status__in=ENDED_LOT_STATUSES)
    if statuses is not None:
        lots = lots.filter(status__in=statuses)
    for lot in lots:
        raw = document.bonds.get(str(lot.number)) or "0"
        Lot.objects.filter(pk=lot.pk).update(bond_amount=Decimal(str(raw)), updated_at=timezone.now())


@transaction.atomic
def publish_tender(project_id: int, *, actor: User, publish_at: datetime.datetime | None = None) -> Notice:
    """Publish the tender notice with the frozen documents (now, or scheduled for `publish_at`):
    the lots open for bids and the deadline job is scheduled. Refused before the procurement
    intention has stood for the rulebook's days, with the day it may be published."""
    project = selectors.access_project(actor, project_id, lock=True)
    if not policies.can_run_tender(actor, project):
        raise NotTenderOfficer()
    if project.status != Project.Status.ENTRUSTED:
        raise InvalidTransition(
            _("Only an entrusted project whose tender is not yet published can be published.")
        )
    undecided = set(
        project.regulator_approvals.exclude(status=RegulatorApproval.Status.APPROVED).values_list(
            "status", flat=True
        )
    )
    if RegulatorApproval.Status.REFUSED in undecided:
        raise RegulatorApprovalPending(
            _("The regulator refused the method or the imported products: this project cannot be tendered.")
        )
    if undecided:
        raise RegulatorApprovalPending()
    now = timezone.now()
    at = max(publish_at or now, now)
    publish_on = timezone.localtime(at).date()
    earliest = _first_publish_day(project)
    if publish_on < earliest:
        if (
            project.single_source_notice_until
            and earliest == project.single_source_notice_until + datetime.timedelta(days=1)
        ):
            raise SingleSourceNoticeStanding(
                format_lazy(
                    _(
                        "The single-source justification notice stands until {until}; "
                        "publish on {day} or later."
                    ),
                    until=project.single_source_notice_until.isoformat(),
                    day=earliest.isoformat(),
                )
            )
        raise TenderTooEarly(
            format_lazy(
                _(
                    "The procurement intention must be public for the rulebook's days first: "
                    "the tender notice may be published on {day} or later."
                ),
                day=earliest.isoformat(),
            )
        )
    document = project.tender_documents.filter(status=TenderDocument.Status.DRAFT).first()
    if document is None:
        raise DocumentNotFound(_("Prepare the tender documents before publishing the notice."))
    _validate_document(project, document, publish_on=publish_on)
    _freeze(document, at=at)
    _apply_bonds(document)
    opened = Lot.objects.filter(project=project, status=Lot.Status.PREPARING).update(
        status=Lot.Status.OPEN_FOR_BIDS, updated_at=now
    )
    _transition(project, Project.Status.TENDERING)
    project.bid_deadline = document.bid_deadline
    project.save(update_fields=["status", "bid_deadline", "updated_at"])
    notice = _publish_notice(
        project,
        Notice.Kind.TENDER,
        "procurement/notices/tender.txt",
        {
            "project": project,
            "document": document,
            "lots": list(project.lots.order_by("number")),
            "regulator_approvals": list(project.regulator_approvals.order_by("subject")),
        },
        document=document,
        at=at,
    )
    audit.record_event(
        "procurement.tender_published",
        actor=actor,
        target=project,
        data={
            "notice": notice.pk,
            "document": document.pk,
            "version": document.version,
            "sha256": document.sha256,
            "published_at": at,
            "bid_deadline": document.bid_deadline,
            "lots_opened": opened,
        },
    )
    _schedule_deadline(project)
    return notice


def _schedule_deadline(project: Project) -> None:
    from . import tasks

    deadline, pk = project.bid_deadline, project.pk
    transaction.on_commit(lambda: tasks.close_bidding.apply_async(args=[pk], eta=deadline, queue="default"))


@transaction.atomic
def close_bidding(project_id: int, *, actor: User | None = None) -> int:
    """At the bid deadline (its job, or the sweep): the project's lots still open for bids move to
    `closed` (awaiting opening). Safe to run twice, early or late: it does nothing before the
    deadline (database clock) or when the lots have moved on. Returns the number of lots closed."""
    project = Project.objects.select_for_update().filter(pk=project_id).first()
    if project is None or project.status != Project.Status.TENDERING or project.bid_deadline is None:
        return 0
    closed = Lot.objects.filter(
        project=project, status=Lot.Status.OPEN_FOR_BIDS, project__bid_deadline__lte=Now()
    ).update(status=Lot.Status.CLOSED, updated_at=timezone.now())
    if closed:
        audit.record_event(
            "procurement.bidding_closed",
            actor=actor,
            organisation=project.agency,
            target=project,
            data={"bid_deadline": project.bid_deadline, "lots": closed},
        )
    return closed


def close_due_bidding() -> int:
    """The sweep (every minute): close every project whose deadline has passed with lots still open."""
    due = (
        Project.objects.filter(
            status=Project.Status.TENDERING, bid_deadline__lte=Now(), lots__status=Lot.Status.OPEN_FOR_BIDS
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    return sum(close_bidding(pk) for pk in list(due))


# --- Clarifications and amendments ---------------------------------------------------------------


def _tender_notice(project: Project) -> Notice:
    """The latest tender notice: after a re-tender, corrections correct the re-tender's notice."""
    return project.notices.filter(kind=Notice.Kind.TENDER).order_by("-published_at", "-pk").first()


def _check_before_deadline(project: Project) -> None:
    """The documents are clarified or amended only until the bid deadline (the database clock)."""
    if (
        project.bid_deadline is None
        or Project.objects.filter(pk=project.pk, bid_deadline__lte=Now()).exists()
    ):
        raise InvalidTransition(
            _("The bid deadline has passed: the tender documents can no longer be clarified or amended.")
        )


@transaction.atomic
def publish_clarification(project_id: int, *, actor: User, body_zh: str, body_en: str = "") -> Notice:
    """An answer to suppliers' questions, public to all, as a correction notice of the tender notice.
    A clarification that changes the documents is an amendment (start_amendment) instead."""
    project = selectors.access_project(actor, project_id, lock=True)
    if not policies.can_run_tender(actor, project):
        raise NotTenderOfficer()
    if project.status != Project.Status.TENDERING:
        raise InvalidTransition()
    _check_before_deadline(project)
    if not body_zh.strip():
        raise ReasonRequired(_("Write the clarification in Chinese (English is optional)."))
    notice = _publish_notice(
        project,
        Notice.Kind.CORRECTION,
        "procurement/notices/clarification.txt",
        {"project": project, "body_zh": body_zh.strip(), "body_en": body_en.strip() or body_zh.strip()},
        corrects=_tender_notice(project),
    )
    audit.record_event(
        "procurement.clarification_published", actor=actor, target=project, data={"notice": notice.pk}
    )
    transaction.on_commit(lambda: current_app.send_task("suppliers.notify_clarification", args=[notice.pk]))
    return notice


@transaction.atomic
def start_amendment(project_id: int, *, actor: User) -> TenderDocument:
    """A new draft version copied from the published documents, to be changed and published."""
    project = selectors.access_project(actor, project_id, lock=True)
    if not policies.can_run_tender(actor, project):
        raise NotTenderOfficer()
    if project.status != Project.Status.TENDERING:
        raise InvalidTransition()
    _check_before_deadline(project)
    if project.tender_documents.filter(status=TenderDocument.Status.DRAFT).exists():
        raise DraftExists()
    current = project.tender_documents.get(status=TenderDocument.Status.PUBLISHED)
    document = TenderDocument.objects.create(
        project=project,
        version=current.version + 1,
        prepared_by=actor,
        amendment_reason="",
        affects_bids=False,
        **{
            name: getattr(current, name)
            for name in EDITABLE_DOCUMENT_FIELDS
            if name not in ("amendment_reason", "affects_bids")
        },
    )
    audit.record_event(
        "procurement.amendment_started",
        actor=actor,
        target=project,
        data={"document": document.pk, "version": document.version, "from_version": current.version},
    )
    return document


def earliest_amended_deadline(project: Project, *, on: datetime.date | None = None) -> datetime.date:
    """The earliest lawful deadline if a change that may affect bids is published on `on` (today)."""
    day = on or timezone.localdate()
    cal = _calendar(day, day + datetime.timedelta(days=60))
    return tender_rules.earliest_amended_deadline(
        _date_rules(project), amended_on=day, is_working_day=cal.is_working_day
    )


def _validate_amendment(project: Project, document: TenderDocument) -> None:
    """An amendment keeps the content rules; its deadline is never earlier than the published one,
    and a change that may affect bids leaves the rulebook's days before it (else the earliest
    lawful new deadline is named)."""
    errors = _check_content(project, document)
    if not str(document.amendment_reason).strip():
        errors["amendment_reason"] = [str(_("Say what the amendment changes and why."))]
    deadline_problem = None
    if document.bid_deadline is not None:
        new_day = timezone.localtime(document.bid_deadline).date()
        if project.bid_deadline and document.bid_deadline < project.bid_deadline:
            deadline_problem = tender_rules.DateProblem(
                "bid_deadline", "deadline_moved_earlier", timezone.localtime(project.bid_deadline).date()
            )
        elif document.affects_bids:
            earliest = earliest_amended_deadline(project)
            if new_day < earliest:
                deadline_problem = tender_rules.DateProblem(
                    "bid_deadline", "amended_deadline_too_early", earliest
                )
    if deadline_problem is not None:
        errors["bid_deadline"] = [str(date_problem_message(deadline_problem))]
    else:
        # The dates keep the rules they were published under (a moved deadline on a working day,
        # questions closing the rulebook's days before it), counted from the tender notice's day.
        notice = _tender_notice(project)
        published_on = timezone.localtime(notice.published_at).date() if notice else timezone.localdate()
        errors |= _check_document_dates(project, document, publish_on=published_on)
    if errors:
        raise TenderDocumentInvalid(errors)


@transaction.atomic
def publish_amendment(project_id: int, *, actor: User) -> Notice:
    """Publish the amended version: it is frozen with its SHA-256, the previous version is
    superseded, a correction notice says what changed, and the deadline job follows a moved deadline."""
    project = selectors.access_project(actor, project_id, lock=True)
    if not policies.can_run_tender(actor, project):
        raise NotTenderOfficer()
    if project.status != Project.Status.TENDERING:
        raise InvalidTransition()
    _check_before_deadline(project)
    document = project.tender_documents.filter(status=TenderDocument.Status.DRAFT).first()
    if document is None:
        raise DocumentNotFound(_("Start an amendment before publishing it."))
    _validate_amendment(project, document)
    previous = project.tender_documents.get(status=TenderDocument.Status.PUBLISHED)
    old_deadline = project.bid_deadline
    TenderDocument.objects.filter(pk=previous.pk).update(
        status=TenderDocument.Status.SUPERSEDED, updated_at=timezone.now()
    )
    _freeze(document, at=timezone.now())
    _apply_bonds(document)
    project.bid_deadline = document.bid_deadline
    project.save(update_fields=["bid_deadline", "updated_at"])
    notice = _publish_notice(
        project,
        Notice.Kind.CORRECTION,
        "procurement/notices/amendment.txt",
        {"project": project, "document": document, "old_deadline": old_deadline},
        corrects=_tender_notice(project),
        document=document,
    )
    audit.record_event(
        "procurement.amendment_published",
        actor=actor,
        target=project,
        data={
            "notice": notice.pk,
            "document": document.pk,
            "version": document.version,
            "sha256": document.sha256,
            "affects_bids": document.affects_bids,
            "old_deadline": old_deadline,
            "bid_deadline": document.bid_deadline,
        },
    )
    if document.bid_deadline != old_deadline:
        _schedule_deadline(project)
    return notice


# --- Cancellation --------------------------------------------------------------------------------


@transaction.atomic
def cancel_project(project_id: int, *, actor: User, reason: str) -> Project:
    """Cancel a project at any open stage, with a reason; once anything of it is public, a
    termination notice says so."""
    project = selectors.access_project(actor, project_id, lock=True)
    if project.status == Project.Status.CANCELLED:  # a second click: the state says no, not the role
        raise InvalidTransition()
    if not policies.can_cancel_project(actor, project):
        raise NotAllowedToCancel()
    if not reason.strip():
        raise ReasonRequired(_("Give the reason for the cancellation; it is published."))
    _transition(project, Project.Status.CANCELLED)
    project.cancellation_reason = reason.strip()
    project.save(update_fields=["status", "cancellation_reason", "updated_at"])
    lots = (
        Lot.objects.filter(project=project)
        .exclude(status__in=ENDED_LOT_STATUSES)  # a failed lot stays failed, as history
        .update(status=Lot.Status.CANCELLED, cancellation_reason=reason.strip(), updated_at=timezone.now())
    )
    notice = None
    if project.notices.exists():
        notice = _publish_notice(
            project,
            Notice.Kind.TERMINATION,
            "procurement/notices/termination.txt",
            {"project": project, "reason": reason.strip(), "lot": None},
            corrects=_tender_notice(project),
        )
    audit.record_event(
        "procurement.project_cancelled",
        actor=actor,
        target=project,
        data={"reason": reason.strip(), "lots": lots, "notice": notice.pk if notice else None},
    )
    _release_bonds(project.pk)
    return project


@transaction.atomic
def cancel_lot(lot_id: int, *, actor: User, reason: str) -> Lot:
    """Cancel one lot while tendering, with a published termination notice; when no lot is left
    the project is cancelled too."""
    try:
        project_id = Lot.objects.filter(pk=lot_id).values_list("project_id", flat=True).first()
    except (ValueError, TypeError):
        project_id = None
    if project_id is None:
        raise LotNotFound()
    try:
        project = selectors.access_project(actor, project_id, lock=True)
    except ProjectNotFound:
        raise LotNotFound() from None  # another purchaser's lot looks like a missing one
    lot = Lot.objects.select_for_update().get(pk=lot_id)
    if not policies.can_run_tender(actor, project):
        raise NotTenderOfficer()
    if project.status != Project.Status.TENDERING or not can_transition_lot(lot.status, Lot.Status.CANCELLED):
        raise InvalidTransition()
    if not reason.strip():
        raise ReasonRequired(_("Give the reason for the cancellation; it is published."))
    lot.status = Lot.Status.CANCELLED
    lot.cancellation_reason = reason.strip()
    lot.save(update_fields=["status", "cancellation_reason", "updated_at"])
    remaining = project.lots.exclude(status=Lot.Status.CANCELLED).exists()
    if not remaining:
        _transition(project, Project.Status.CANCELLED)
        project.cancellation_reason = reason.strip()
        project.save(update_fields=["status", "cancellation_reason", "updated_at"])
    notice = _publish_notice(
        project,
        Notice.Kind.TERMINATION,
        "procurement/notices/termination.txt",
        {"project": project, "reason": reason.strip(), "lot": lot, "project_cancelled": not remaining},
        corrects=_tender_notice(project),
    )
    audit.record_event(
        "procurement.lot_cancelled",
        actor=actor,
        target=project,
        data={
            "lot": lot.number,
            "reason": reason.strip(),
            "notice": notice.pk,
            "project_cancelled": not remaining,
        },
    )
    _release_bonds(project.pk)
    return lot


def _release_bonds(project_id: int) -> None:
    """After commit: the bid bonds held for the project's cancelled lots become refundable (the
    bidding app's task; procurement does not import bidding)."""
    transaction.on_commit(
        lambda: current_app.send_task("bidding.release_bonds_of_cancelled_lots", args=[project_id])
    )


# --- Failed lots: a re-tender, or another method with the regulator's approval --------------------


RETENDER_TITLES = ("{purchaser}{stem}重新招标公告", "Re-tender notice: {title} ({purchaser})")


def _locked_lot(lot_id, actor: User) -> tuple[Project, Lot]:
    """The project and the lot, both locked (project first, as every service locks), or 404 for a
    missing lot and for one of a project the actor may not see."""
    try:
        project_id = Lot.objects.filter(pk=lot_id).values_list("project_id", flat=True).first()
    except (ValueError, TypeError):
        project_id = None
    if project_id is None:
        raise LotNotFound()
    try:
        project = selectors.access_project(actor, project_id, lock=True)
    except ProjectNotFound:
        raise LotNotFound() from None
    return project, Lot.objects.select_for_update().get(pk=lot_id)


def _check_may_procure_again(project: Project, lot: Lot) -> None:
    """A failed lot of a project still tendering, not yet procured again, while no lot of the
    project is open for bids or awaiting opening (the lots share the project's bid deadline)."""
    if project.status != Project.Status.TENDERING:
        raise InvalidTransition()
    if lot.status != Lot.Status.FAILED:
        raise LotNotFailed()
    if lot.retenders.exists():
        raise AlreadyRetendered()
    if project.lots.filter(status__in=[Lot.Status.OPEN_FOR_BIDS, Lot.Status.CLOSED]).exists():
        raise RoundInProgress()


def _is_retender_draft(project: Project) -> bool:
    """The project's draft documents are those of a re-tender: lots wait in `preparing` while the
    project is tendering (an amendment's draft never has such lots)."""
    return (
        project.status == Project.Status.TENDERING
        and project.lots.filter(status=Lot.Status.PREPARING).exists()
    )


def _retender_publish_day(project: Project) -> datetime.date:
    today = timezone.localdate()
    if project.single_source_notice_until:
        return max(today, project.single_source_notice_until + datetime.timedelta(days=1))
    return today


def _discard_stale_amendment(project: Project) -> int | None:
    """An amendment drafted before the deadline and never published can no longer be published:
    it is discarded (it was never public) to make room for the re-tender's draft; its version
    number is returned for the audit event."""
    stale = project.tender_documents.filter(status=TenderDocument.Status.DRAFT).first()
    if stale is None or _is_retender_draft(project):
        return None
    version = stale.version
    stale.delete()
    return version


def _replacement_lot(project: Project, failed: Lot) -> Lot:
    number = (project.lots.aggregate(highest=Max("number"))["highest"] or 0) + 1
    return Lot.objects.create(
        project=project,
        number=number,
        title_zh=failed.title_zh,
        title_en=failed.title_en,
        budget=failed.budget,
        quantity_and_specification=failed.quantity_and_specification,
        delivery_place=failed.delivery_place,
        delivery_period=failed.delivery_period,
        sme_reserved=failed.sme_reserved,
        retender_of=failed,
    )


def _method_changed_for(project: Project) -> bool:
    """A lot waiting to be procured again replaces one whose method change the regulator approved."""
    return RegulatorApproval.objects.filter(
        project=project,
        subject=RegulatorApproval.Subject.METHOD_AFTER_FAILURE,
        status=RegulatorApproval.Status.APPROVED,
        lot__retenders__status=Lot.Status.PREPARING,
    ).exists()


def _retender_draft(project: Project, *, actor: User) -> tuple[TenderDocument, bool]:
    """The draft documents of the re-tender, made or completed for every lot waiting in
    `preparing`: a copy of the published version (the same method), or the standard template of
    the new method when the regulator approved a change; the failed lot's requirements and bond
    carry over to its replacement, and the dates are the earliest lawful ones of the full period
    of the method counted from today. Returns (draft, created)."""
    published = project.tender_documents.get(status=TenderDocument.Status.PUBLISHED)
    preparing = list(project.lots.filter(status=Lot.Status.PREPARING).select_related("retender_of"))
    draft = project.tender_documents.filter(status=TenderDocument.Status.DRAFT).first()
    created = draft is None
    max_percent = rule_value("bond.max_percent_of_lot_budget", on=project.rules_date)
    if created:
        if _method_changed_for(project):
            price_weight, criteria = templating.default_criteria(project.category)
            evaluation = templating.default_evaluation_method(project.method)
            comprehensive = evaluation == TenderDocument.EvaluationMethod.COMPREHENSIVE
            fields = {
                "sections": templating.standard_sections(
                    project,
                    preparing,
                    sme_deduction=_sme_deduction(project),
                    challenge_working_days=int(rule_value("challenge.working_days", on=project.rules_date)),
                    contract_signing_days=int(rule_value("contract.signing_days", on=project.rules_date)),
                ),
                "qualification_items": templating.standard_qualification_items(project, preparing),
                "required_qualifications": published.required_qualifications,
                "response_documents": templating.standard_response_documents(),
                "lot_requirements": dict(published.lot_requirements or {})
                | templating.standard_lot_requirements(preparing),
                "evaluation_method": evaluation,
                "price_weight": price_weight if comprehensive else None,
                "criteria": criteria if comprehensive else [],
                "bonds": dict(published.bonds or {}),
                "opening_place": published.opening_place or ONLINE_OPENING_PLACE,
            }
        else:
            fields = {
                name: getattr(published, name)
                for name in EDITABLE_DOCUMENT_FIELDS
                if name not in ("amendment_reason", "affects_bids")
            }
            fields["response_documents"] = published.response_documents
        fields |= _default_dates(project, _retender_publish_day(project))
        draft = TenderDocument.objects.create(
            project=project, version=published.version + 1, prepared_by=actor, **fields
        )
    requirements = dict(draft.lot_requirements or {})
    bonds = dict(draft.bonds or {})
    for lot in preparing:
        key, old = str(lot.number), str(lot.retender_of.number) if lot.retender_of else None
        if key not in requirements:
            requirements[key] = (published.lot_requirements or {}).get(
                old
            ) or templating.standard_lot_requirements([lot]).get(key, "")
        if key not in bonds:
            bonds[key] = (published.bonds or {}).get(
                old
            ) or f"{tender_rules.bond_cap(lot.budget, max_percent):.2f}"
    if requirements != draft.lot_requirements or bonds != draft.bonds:
        draft.lot_requirements, draft.bonds = requirements, bonds
        draft.save(update_fields=["lot_requirements", "bonds", "updated_at"])
    return draft, created


@transaction.atomic
def retender_lot(lot_id: int, *, actor: User) -> Lot:
    """The agency officer re-tenders a failed lot (重新招标).

    The model: the failed lot stays `failed` for ever, as history (its bids, opening record and
    failed-procurement notice keep pointing at it). The re-tender is a new lot of the same project,
    numbered after the project's highest lot number, copying the failed lot's title, budget,
    specification, delivery and SME reservation, pointing back at it (`retender_of`, at most one
    replacement per failed lot), in `preparing`. The project gets a new draft version of its
    documents (a copy of the published version with the new lot's requirements and bond and the
    earliest lawful dates of the method's full period, not an amendment's shorter one); the officer
    edits it and publish_retender publishes it. Several failed lots may join the same draft.
    Refused while another lot of the project is open for bids or awaiting opening: the lots share
    the project's bid deadline, which the re-tender moves."""
    project, failed = _locked_lot(lot_id, actor)
    if not policies.is_tender_officer(actor, project):
        raise NotTenderOfficer()
    _check_may_procure_again(project, failed)
    if failed.method_requests.filter(status=RegulatorApproval.Status.REQUESTED).exists():
        raise MethodChangePending(
            _(
                "Another method for this lot awaits the regulator's decision: "
                "it cannot be re-tendered meanwhile."
            )
        )
    discarded = _discard_stale_amendment(project)
    lot = _replacement_lot(project, failed)
    document, created = _retender_draft(project, actor=actor)
    audit.record_event(
        "procurement.lot_retendered",
        actor=actor,
        organisation=project.agency,
        target=project,
        data={
            "failed_lot": failed.number,
            "lot": lot.number,
            "document": document.pk,
            "version": document.version,
            "new_draft": created,
            "discarded_draft": discarded,
        },
    )
    return lot


@transaction.atomic
def start_retender_documents(project_id: int, *, actor: User) -> TenderDocument:
    """The agency officer drafts the documents for the lots waiting to be procured again after the
    regulator approved another method (from the new method's standard template)."""
    project = selectors.access_project(actor, project_id, lock=True)
    if not policies.can_run_tender(actor, project):
        raise NotTenderOfficer()
    if not _is_retender_draft(project):
        raise InvalidTransition(_("No lot of this project waits to be procured again."))
    if project.tender_documents.filter(status=TenderDocument.Status.DRAFT).exists():
        raise DraftExists()
    document, _created = _retender_draft(project, actor=actor)
    audit.record_event(
        "procurement.retender_documents_started",
        actor=actor,
        organisation=project.agency,
        target=project,
        data={"document": document.pk, "version": document.version, "template": project.method},
    )
    return document


@transaction.atomic
def publish_retender(project_id: int, *, actor: User) -> Notice:
    """Publish the re-tender: the draft is checked like a first version (the method's full period
    from today), frozen with its SHA-256 and supersedes the published version; the lots waiting in
    `preparing` open for bids with the new deadline, which becomes the project's; a new tender
    notice is published and the deadline job scheduled. Lots already opened, failed or cancelled
    are left as they are."""
    project = selectors.access_project(actor, project_id, lock=True)
    if not policies.can_run_tender(actor, project):
        raise NotTenderOfficer()
    if not _is_retender_draft(project):
        raise InvalidTransition(_("No lot of this project waits to be procured again."))
    if project.lots.filter(status__in=[Lot.Status.OPEN_FOR_BIDS, Lot.Status.CLOSED]).exists():
        raise RoundInProgress()
    document = project.tender_documents.filter(status=TenderDocument.Status.DRAFT).first()
    if document is None:
        raise DocumentNotFound(_("Prepare the documents of the re-tender before publishing them."))
    publish_on = _retender_publish_day(project)
    if publish_on > timezone.localdate():
        raise SingleSourceNoticeStanding(
            format_lazy(
                _("The single-source justification notice stands until {until}; publish on {day} or later."),
                until=project.single_source_notice_until.isoformat(),
                day=publish_on.isoformat(),
            )
        )
    _validate_document(project, document, publish_on=publish_on)
    previous = project.tender_documents.get(status=TenderDocument.Status.PUBLISHED)
    now = timezone.now()
    TenderDocument.objects.filter(pk=previous.pk).update(
        status=TenderDocument.Status.SUPERSEDED, updated_at=now
    )
    _freeze(document, at=now)
    _apply_bonds(document, statuses=[Lot.Status.PREPARING])
    lots = list(project.lots.filter(status=Lot.Status.PREPARING).select_related("retender_of"))
    opened = Lot.objects.filter(pk__in=[lot.pk for lot in lots], status=Lot.Status.PREPARING).update(
        status=Lot.Status.OPEN_FOR_BIDS, updated_at=now
    )
    old_deadline = project.bid_deadline
    project.bid_deadline = document.bid_deadline
    project.save(update_fields=["bid_deadline", "updated_at"])
    titles = RETENDER_TITLES if project.method in tender_rules.TENDER_METHODS else None
    notice = _publish_notice(
        project,
        Notice.Kind.TENDER,
        "procurement/notices/retender.txt",
        {
            "project": project,
            "document": document,
            "lots": list(project.lots.filter(pk__in=[lot.pk for lot in lots]).select_related("retender_of")),
        },
        document=document,
        at=now,
        titles=titles,
    )
    audit.record_event(
        "procurement.retender_published",
        actor=actor,
        organisation=project.agency,
        target=project,
        data={
            "notice": notice.pk,
            "document": document.pk,
            "version": document.version,
            "sha256": document.sha256,
            "method": project.method,
            "lots": [lot.number for lot in lots],
            "failed_lots": [lot.retender_of.number for lot in lots if lot.retender_of],
            "lots_opened": opened,
            "old_deadline": old_deadline,
            "bid_deadline": document.bid_deadline,
        },
    )
    _schedule_deadline(project)
    return notice


@transaction.atomic
def request_method_change(lot_id: int, *, actor: User, method: str, justification: str) -> RegulatorApproval:
    """The purchaser's clerk or the agency officer asks the regulator of the region to procure a
    failed lot by another method, with a written justification (e.g. negotiation after a tender
    that drew too few bids, single source when only one supplier responded). On approval
    (decide_regulator_approval) the project's method changes and the lot's replacement is made as
    for a re-tender; on refusal nothing changes and the lot may still be re-tendered."""
    project, failed = _locked_lot(lot_id, actor)
    if not policies.can_request_method_change(actor, project):
        raise NotPurchaserClerk(
            _("Only a clerk of the purchaser or the agency's officer asks for another method.")
        )
    _check_may_procure_again(project, failed)
    if failed.method_requests.filter(
        status__in=[RegulatorApproval.Status.REQUESTED, RegulatorApproval.Status.APPROVED]
    ).exists():
        raise MethodChangePending()
    if method not in METHODS_AFTER_FAILURE or method == project.method:
        raise MethodNotAllowed(
            _(
                "After a failed lot, choose competitive negotiation, competitive consultation, inquiry "
                "or single source, other than the present method."
            ),
            code="method_not_allowed",
        )
    if not justification.strip():
        raise JustificationRequired(
            _("Give the written justification: why the lot failed and which legal case allows the method.")
        )
    approval = RegulatorApproval.objects.create(
        project=project,
        subject=RegulatorApproval.Subject.METHOD_AFTER_FAILURE,
        lot=failed,
        requested_method=method,
        requested_by=actor,
        justification=justification.strip(),
    )
    notify(
        selectors.regulators_of(project),
        subject=format_lazy(
            _("Another method requested for a failed lot: {reference}"), reference=project.reference
        ),
        link="/procurement/regulator/approvals/",
    )
    audit.record_event(
        "procurement.method_change_requested",
        actor=actor,
        target=project,
        data={
            "approval": approval.pk,
            "lot": failed.number,
            "from_method": project.method,
            "method": method,
            "justification": approval.justification,
        },
    )
    return approval


def _decide_method_after_failure(
    approval: RegulatorApproval, project: Project, *, actor: User, approve: bool, comment: str
) -> RegulatorApproval:
    """The regulator's decision on another method for a failed lot (inside decide_regulator_approval)."""
    failed = Lot.objects.select_for_update().get(pk=approval.lot_id)
    if not approve and not comment.strip():
        raise CommentRequired(_("Say why the request is refused."))
    if approve:
        _check_may_procure_again(project, failed)
    elif project.status != Project.Status.TENDERING:
        raise InvalidTransition()
    approval.status = RegulatorApproval.Status.APPROVED if approve else RegulatorApproval.Status.REFUSED
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    approval.comment = comment.strip()
    approval.save(update_fields=["status", "decided_by", "decided_at", "comment", "updated_at"])
    data = {
        "subject": approval.subject,
        "comment": approval.comment,
        "lot": failed.number,
        "method": approval.requested_method,
    }
    if approve:
        old_method = project.method
        project.method = approval.requested_method
        project.method_justification = approval.justification
        project.save(update_fields=["method", "method_justification", "updated_at"])
        notice = None
        if _needs_single_source_notice(project):
            notice = _publish_single_source_notice(project, approval)
        discarded = _discard_stale_amendment(project)
        lot = _replacement_lot(project, failed)
        data |= {"from_method": old_method, "new_lot": lot.number, "discarded_draft": discarded}
        if notice is not None:
            data |= {"single_source_notice": notice.pk, "stands_until": project.single_source_notice_until}
        if project.agency_id:
            notify(
                selectors.officers_of(project.agency),
                subject=format_lazy(
                    _("Prepare the documents for the new method: {reference}"), reference=project.reference
                ),
                link=f"/procurement/projects/{project.pk}/documents/",
            )
    recipients = [user for user in (project.drafted_by, approval.requested_by) if user is not None]
    notify(
        list({user.pk: user for user in recipients}.values()),
        subject=format_lazy(
            _("The regulator approved: {reference}") if approve else _("The regulator refused: {reference}"),
            reference=project.reference,
        ),
        body=comment.strip(),
        link=f"/procurement/projects/{project.pk}/",
    )
    audit.record_event(
        "procurement.regulator_approved" if approve else "procurement.regulator_refused",
        actor=actor,
        target=project,
        data=data,
    )
    return approval


# --- Notices -------------------------------------------------------------------------------------

NOTICE_TITLES = {
    Notice.Kind.TENDER: ("{purchaser}{stem}采购公告", "Tender notice: {title} ({purchaser})"),
    Notice.Kind.SINGLE_SOURCE: (
        "{purchaser}{stem}单一来源采购公示",
        "Single-source justification: {title} ({purchaser})",
    ),
    Notice.Kind.CORRECTION: ("{purchaser}{title}更正公告", "Correction notice: {title} ({purchaser})"),
    Notice.Kind.TERMINATION: ("{purchaser}{title}终止公告", "Termination notice: {title} ({purchaser})"),
    Notice.Kind.OPENING_RECORD: ("{purchaser}{title}开标记录", "Bid opening record: {title} ({purchaser})"),
    Notice.Kind.FAILED: ("{purchaser}{title}流标公告", "Failed procurement notice: {title} ({purchaser})"),
    Notice.Kind.RESULT: ("{purchaser}{title}结果公告", "Result notice: {title} ({purchaser})"),
    Notice.Kind.COMPLAINT_DECISION: (
        "{purchaser}{title}投诉处理决定公告",
        "Complaint decision: {title} ({purchaser})",
    ),
    Notice.Kind.CONTRACT: ("{purchaser}{title}合同公告", "Contract notice: {title} ({purchaser})"),
    Notice.Kind.SUPPLEMENT: (
        "{purchaser}{title}补充合同公告",
        "Supplementary contract notice: {title} ({purchaser})",
    ),
    Notice.Kind.ACCEPTANCE: (
        "{purchaser}{title}履约验收结果公告",
        "Acceptance result: {title} ({purchaser})",
    ),
    Notice.Kind.BREACH: ("{purchaser}{title}违约情况公告", "Breach notice: {title} ({purchaser})"),
}


def title_stem_zh(title: str) -> str:
    """The Chinese title without a trailing 采购, so that "…仪器采购" + "采购公告" reads "…仪器采购公告"."""
    return title.removesuffix("采购") or title


def publish_notice(
    project: Project,
    kind: str,
    template: str,
    context: dict,
    *,
    lot: Lot | None = None,
    attachment: tuple[str, bytes] | None = None,
) -> Notice:
    """A notice caused by another app's service (the opening record, a failed lot), inside its
    transaction: the body is rendered in both languages from `template` (a .txt template); a
    notice about one lot names it in its title; `attachment` (file name, PDF bytes) is published
    with it, frozen with its SHA-256."""
    titles = None
    if lot is not None:
        zh, en = NOTICE_TITLES[kind]
        titles = (
            zh.replace("{title}", "{title}第" + str(lot.number) + "包"),
            en.replace("{title}", "{title}, lot " + str(lot.number)),
        )
    notice = _publish_notice(project, kind, template, context, titles=titles)
    if attachment is not None:
        name, content = attachment
        notice.attachment_sha256 = hashlib.sha256(content).hexdigest()
        notice.attachment.save(name, ContentFile(content), save=False)
        notice.save(update_fields=["attachment", "attachment_sha256", "updated_at"])
    return notice


def _publish_notice(
    project: Project,
    kind: str,
    template: str,
    context: dict,
    *,
    corrects: Notice | None = None,
    document: TenderDocument | None = None,
    at: datetime.datetime | None = None,
    titles: tuple[str, str] | None = None,
) -> Notice:
    body_zh, body_en = in_both_languages(lambda: render_to_string(template, context).strip())
    title_zh, title_en = titles or NOTICE_TITLES[kind]
    # The cached pages of the public list go stale once the notice is committed (a scheduled one
    # too: the pages then know when it comes out).
    transaction.on_commit(selectors.bump_notices_version)
    notice = Notice.objects.create(
        project=project,
        kind=kind,
        title_zh=title_zh.format(
            purchaser=project.purchaser.name_zh, title=project.title_zh, stem=title_stem_zh(project.title_zh)
        ),
        title_en=title_en.format(
            purchaser=project.purchaser.name_en, title=project.title_en or project.title_zh
        ),
        body_zh=body_zh,
        body_en=body_en,
        region_code=project.purchaser.region_code,
        category=project.category,
        method=project.method,
        published_at=at or timezone.now(),
        corrects=corrects,
        document=document,
    )
    transaction.on_commit(lambda: current_app.send_task("suppliers.notify_subscribers", args=[notice.pk]))
    return notice
