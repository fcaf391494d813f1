"""Every write of the procurement app: filing, submitting, approving and returning projects.

Each public service is one transaction: lock, check the policy and the transition table,
change, audit last (audit.services.record_event holds the chain lock until commit).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.policies import acting_membership
from accounts.services import notify
from audit import services as audit
from common.i18n import in_both_languages
from rulebook.selectors import rule_value

from . import methods, policies, selectors
from .exceptions import (
    AlreadyApprovedALevel,
    ApprovalLimitTooLow,
    CommentRequired,
    InvalidAmount,
    InvalidTransition,
    JustificationRequired,
    LotsDoNotAddUp,
    LotsRequired,
    MethodNotAllowed,
    NotApprover,
    NotPurchaserClerk,
    OwnProjectApproval,
)
from .models import ApprovalDecision, Category, Lot, Notice, Project, ReferenceCounter, can_transition

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
        | ({"intention_notice": project.notices.get(kind=Notice.Kind.INTENTION).pk} if final else {}),
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
        title_zh=f"{project.purchaser.name_zh}{project.title_zh}采购意向公开",
        title_en=f"Procurement intention: {project.title_en or project.title_zh} "
        f"({project.purchaser.name_en})",
        body_zh=body_zh,
        body_en=body_en,
        region_code=project.purchaser.region_code,
        category=project.category,
        method=project.method,
        published_at=timezone.now(),
    )
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
