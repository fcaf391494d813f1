"""Reads for OCDS: which lots a public notice concerns, what it published (as disclosure.ocds.facts),
the releases to publish, and the releases, records and ocids the API and the portal show.

Nothing here reads a bid before its lot's opening record is public: the bids of an event come from
`opened_bids`, which answers nothing until then (DESIGN §3)."""

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organisation, Role
from audit.models import AuditEvent
from bidding.challenges.models import Complaint
from bidding.models import Award, Bid, BidAssessment, Opening
from common.i18n import in_both_languages
from contracts.models import Contract, SupplementaryAgreement
from contracts.performance.models import Acceptance, Breach, PaymentApplication
from disclosure.models import Release
from procurement.models import FundingSource, Lot, Method, Notice, Project, TenderDocument

from . import facts, releases

PROJECT_NOTICES = frozenset(
    {Notice.Kind.INTENTION, Notice.Kind.TENDER, Notice.Kind.SINGLE_SOURCE, Notice.Kind.CORRECTION}
)
# "…, lot 2 (…)" and "…第2包…": how procurement.services.publish_notice names a notice's lot.
LOT_IN_TITLE_EN = re.compile(r", lot (\d+) \(")
LOT_IN_TITLE_ZH = re.compile(r"第(\d+)包")


def _published_by(notice: Notice) -> QuerySet | None:
    """The ids of the lot whose opening, award, contract, … published this notice."""
    kind = notice.kind
    if kind == Notice.Kind.OPENING_RECORD:
        return Opening.objects.filter(notice=notice).values_list("lot_id", flat=True)
    if kind == Notice.Kind.RESULT:
        return Award.objects.filter(result_notice=notice).values_list("lot_id", flat=True)
    if kind == Notice.Kind.COMPLAINT_DECISION:
        return Complaint.objects.filter(notice=notice).values_list("lot_id", flat=True)
    if kind == Notice.Kind.CONTRACT:
        return Contract.objects.filter(notice=notice).values_list("lot_id", flat=True)
    if kind == Notice.Kind.SUPPLEMENT:
        return SupplementaryAgreement.objects.filter(notice=notice).values_list("contract__lot_id", flat=True)
    if kind == Notice.Kind.ACCEPTANCE:
        return Acceptance.objects.filter(notice=notice).values_list("milestone__contract__lot_id", flat=True)
    if kind == Notice.Kind.BREACH:
        return Breach.objects.filter(notice=notice).values_list("contract__lot_id", flat=True)
    return None


# --- Identifiers and addresses --------------------------------------------------------------------


def ocid_of(lot: Lot) -> str:
    return releases.ocid(settings.OCDS_PREFIX, lot.project.reference, lot.number)


def absolute(path: str) -> str:
    return settings.OCDS_BASE_URL.rstrip("/") + path


def ocids_for_project(project: Project) -> list[tuple[Lot, str]]:
    """The project's lots that have OCDS data, with their ocid, by lot number: for the project
    timeline's "Download OCDS record" links (one query)."""
    lots = (
        Lot.objects.filter(project=project)
        .filter(Exists(Release.objects.filter(lot=OuterRef("pk"))))
        .select_related("project")
        .order_by("number")
    )
    return [(lot, ocid_of(lot)) for lot in lots]


# --- Which lots a notice concerns -----------------------------------------------------------------


def lots_of_notice(notice: Notice) -> list[Lot]:
    """The lots (contracting processes) a public notice is an event of.

    A lot-level notice names its lot through the object that published it (the opening, the award,
    the contract, …) or, for a failed-procurement notice, in its title. A project-level notice
    (intention, tender, single-source justification, correction) concerns the lots of its round: the
    lots that existed when it was made and whose tender notice is not an earlier one (a re-tender's
    notice concerns the new lots only), less the lots already terminated. A termination notice
    concerns the lot it cancelled (the audit trail records which) or, for the project's
    cancellation, every lot it cancelled."""
    project_lots = list(
        Lot.objects.filter(project_id=notice.project_id).select_related("project").order_by("number")
    )
    published_by = _published_by(notice)
    if published_by is not None:
        ids = set(published_by)
        return [lot for lot in project_lots if lot.pk in ids]
    if notice.kind == Notice.Kind.FAILED:
        number = _lot_number_in_title(notice)
        return [lot for lot in project_lots if lot.number == number]
    terminations = _terminations(notice.project_id, project_lots)
    if notice.kind == Notice.Kind.TERMINATION:
        return [lot for lot in project_lots if terminations.get(lot.pk) == notice.pk]
    if notice.kind in PROJECT_NOTICES:
        anchor = notice
        if notice.kind == Notice.Kind.CORRECTION and notice.corrects_id is not None:
            anchor = Notice.objects.filter(pk=notice.corrects_id, kind=Notice.Kind.TENDER).first() or notice
        lots = _round_lots(anchor, project_lots)
        ended = _terminated_before(notice, terminations)
        return [lot for lot in lots if lot.pk not in ended]
    return []


def _lot_number_in_title(notice: Notice) -> int | None:
    match = LOT_IN_TITLE_EN.search(notice.title_en) or LOT_IN_TITLE_ZH.search(notice.title_zh)
    return int(match.group(1)) if match else None


def _round_lots(notice: Notice, project_lots: list[Lot]) -> list[Lot]:
    """Lots made before the notice with no other tender notice made between them and it."""
    tender_times = list(
        Notice.objects.filter(project_id=notice.project_id, kind=Notice.Kind.TENDER)
        .exclude(pk=notice.pk)
        .values_list("created_at", flat=True)
    )
    return [
        lot
        for lot in project_lots
        if lot.created_at <= notice.created_at
        and not any(lot.created_at <= moment <= notice.created_at for moment in tender_times)
    ]


def _terminations(project_id: int, project_lots: list[Lot]) -> dict[int, int]:
    """{lot id: termination notice id} of the project's cancelled lots: a lot cancelled alone is
    named by the audit event of its cancellation; the others went with the project."""
    notices = list(
        Notice.objects.filter(project_id=project_id, kind=Notice.Kind.TERMINATION).order_by(
            "created_at", "pk"
        )
    )
    if not notices:
        return {}
    by_number = {lot.number: lot for lot in project_lots}
    found: dict[int, int] = {}
    for data in AuditEvent.objects.filter(
        object_type="procurement.project", object_id=str(project_id), action="procurement.lot_cancelled"
    ).values_list("data", flat=True):
        lot = by_number.get(data.get("lot"))
        if lot is not None and data.get("notice"):
            found[lot.pk] = data["notice"]
    claimed = set(found.values())
    for notice in notices:
        if notice.pk in claimed:
            continue
        for lot in project_lots:
            if (
                lot.status == Lot.Status.CANCELLED
                and lot.pk not in found
                and lot.created_at <= notice.created_at
            ):
                found[lot.pk] = notice.pk
    return found


def _terminated_before(notice: Notice, terminations: dict[int, int]) -> set[int]:
    if not terminations:
        return set()
    times = dict(Notice.objects.filter(pk__in=set(terminations.values())).values_list("pk", "created_at"))
    return {lot_id for lot_id, pk in terminations.items() if times.get(pk) and times[pk] < notice.created_at}


# --- Facts ----------------------------------------------------------------------------------------


def org(organisation: Organisation | None) -> facts.Org | None:
    if organisation is None:
        return None
    return facts.Org(
        uscc=organisation.uscc,
        name_zh=organisation.name_zh,
        name_en=organisation.name_en,
        region_code=organisation.region_code,
    )


def _labels(choices, value: str) -> tuple[str, str]:
    try:
        label = choices(value).label
    except ValueError:
        return value, value
    return in_both_languages(lambda: str(label))


def process_of(lot: Lot, *, method: str | None = None) -> facts.Process:
    """The lot as a contracting process; `method` is the one its notice was published under."""
    project = lot.project
    method = method or project.method
    method_zh, method_en = _labels(Method, method)
    funding_zh, funding_en = _labels(FundingSource, project.funding_source)
    previous = None
    if lot.retender_of_id is not None:
        previous = releases.ocid(settings.OCDS_PREFIX, project.reference, lot.retender_of.number)
    return facts.Process(
        ocid=ocid_of(lot),
        project_reference=project.reference,
        project_title_zh=project.title_zh,
        project_title_en=project.title_en,
        project_description_zh=project.description_zh,
        project_description_en=project.description_en,
        category=project.category,
        classification_code=project.classification_code,
        method=method,
        method_label_zh=method_zh,
        method_label_en=method_en,
        method_justification=project.method_justification,
        funding_source_zh=funding_zh,
        funding_source_en=funding_en,
        lot_number=lot.number,
        lot_title_zh=lot.title_zh,
        lot_title_en=lot.title_en,
        lot_budget=lot.budget,
        specification=lot.quantity_and_specification,
        delivery_place=lot.delivery_place,
        delivery_period=lot.delivery_period,
        sme_reserved=lot.sme_reserved,
        purchaser=org(project.purchaser),
        agency=org(project.agency),
        retender_of_ocid=previous,
    )


def notice_ref(notice: Notice) -> facts.NoticeRef:
    documents_url = None
    if notice.document_id is not None and notice.document.status != TenderDocument.Status.DRAFT:
        documents_url = absolute(reverse("notices:document", args=[notice.pk]))
    return facts.NoticeRef(
        id=notice.pk,
        kind=notice.kind,
        title_zh=notice.title_zh,
        title_en=notice.title_en,
        published_at=notice.published_at,
        url=absolute(reverse("notices:detail", args=[notice.pk])),
        attachment_url=absolute(reverse("notices:attachment", args=[notice.pk]))
        if notice.attachment
        else None,
        documents_url=documents_url,
    )


def tender_terms(document: TenderDocument | None, lot: Lot) -> facts.TenderTerms | None:
    if document is None or document.status == TenderDocument.Status.DRAFT:
        return None
    criteria = [c for c in document.criteria or [] if isinstance(c, dict)]
    bond = (document.bonds or {}).get(str(lot.number))
    return facts.TenderTerms(
        version=document.version,
        published_at=document.published_at,
        bid_deadline=document.bid_deadline,
        documents_from=document.documents_from,
        documents_until=document.documents_until,
        clarification_until=document.clarification_until,
        evaluation_method=document.evaluation_method,
        price_weight=document.price_weight,
        criteria=tuple(f"{c.get('name_zh', '')} {c.get('points', '')} 分" for c in criteria),
        criteria_en=tuple(
            f"{c.get('name_en') or c.get('name_zh', '')} {c.get('points', '')} points" for c in criteria
        ),
        qualification_items=tuple(str(item) for item in document.qualification_items or []),
        bond=Decimal(bond) if bond else None,
        amendment_reason=document.amendment_reason,
        affects_bids=document.affects_bids,
    )


def opened_bids(lot: Lot) -> QuerySet[Bid]:
    """The lot's opened bids, once its opening record is public; none before (sealed bids)."""
    public_opening = Opening.objects.filter(
        lot_id=lot.pk,
        status=Opening.Status.OPENED,
        notice__isnull=False,
        notice__published_at__lte=timezone.now(),
    )
    if not public_opening.exists():
        return Bid.objects.none()
    return (
        Bid.objects.filter(lot_id=lot.pk, status=Bid.Status.OPENED)
        .select_related("supplier")
        .order_by("received_at", "pk")
    )


def _bid_facts(lot: Lot, evaluation_id: int | None = None) -> tuple[facts.BidFact, ...]:
    assessments = {}
    if evaluation_id is not None:
        assessments = {a.bid_id: a for a in BidAssessment.objects.filter(evaluation_id=evaluation_id)}
    found = []
    for bid in opened_bids(lot):
        assessment = assessments.get(bid.pk)
        status = "pending"
        if assessment is not None and assessment.qualified is not None:
            status = "valid" if assessment.qualified else "disqualified"
        found.append(
            facts.BidFact(
                id=str(bid.public_id),
                tenderer=org(bid.supplier),
                price=assessment.price if assessment is not None else bid.price,
                received_at=bid.received_at,
                status=status,
                rank=assessment.rank if assessment is not None else None,
                total_score=assessment.total_score if assessment is not None else None,
                evaluated_price=assessment.evaluated_price if assessment is not None else None,
                fail_reasons=tuple(str(r) for r in (assessment.fail_reasons if assessment else []) or []),
            )
        )
    return tuple(found)


def _award_id(award_pk: int) -> str:
    return f"award-{award_pk}"


def _contract_fact(contract: Contract) -> facts.ContractFact:
    return facts.ContractFact(
        id=contract.reference,
        award_id=_award_id(contract.award_id),
        title_zh=contract.title_zh,
        title_en=contract.title_en,
        amount=contract.amount,
        signed_at=contract.signed_at,
        supplier=org(contract.supplier),
        delivery_period=contract.delivery_period,
    )


def _milestones(contract: Contract, *, as_of: datetime.datetime, focus: int | None = None, focus_status=None):
    found = []
    for milestone in contract.milestones.order_by("number"):
        status, met = "scheduled", None
        if milestone.accepted_at is not None and milestone.accepted_at <= as_of:
            status, met = "met", milestone.accepted_at
        if focus is not None and milestone.pk == focus and focus_status is not None:
            status = focus_status
            met = as_of if focus_status == "met" else None
        found.append(
            facts.MilestoneFact(
                number=milestone.number,
                title=milestone.title,
                description=milestone.description,
                due_date=milestone.due_date,
                amount=milestone.amount,
                status=status,
                date_met=met,
            )
        )
    return tuple(found)


def _payments(contract: Contract, *, until: datetime.date, only: int | None = None):
    rows = PaymentApplication.objects.filter(
        contract=contract, status=PaymentApplication.Status.PAID, paid_on__lte=until
    ).order_by("paid_on", "pk")
    if only is not None:
        rows = rows.filter(pk=only)
    return tuple(
        facts.PaymentFact(
            id=f"payment-{p.pk}", amount=p.paid_amount, paid_on=p.paid_on, reference=p.payment_reference
        )
        for p in rows
    )


def _regulator_of(user_id: int | None) -> facts.Org | None:
    if user_id is None:
        return None
    membership = (
        Membership.objects.filter(user_id=user_id, role=Role.REGULATOR)
        .select_related("organisation")
        .order_by("-is_active", "pk")
        .first()
    )
    return org(membership.organisation) if membership else None


def event_for(notice: Notice, lot: Lot) -> facts.Event | None:
    """What the notice published about the lot, or None when there is nothing to say (a notice
    whose object is gone or not yet complete)."""
    process = process_of(lot, method=notice.method)
    common = {
        "kind": notice.kind,
        "release_id": releases.release_id(process.ocid, notice.pk),
        "date": notice.published_at,
        "process": process,
        "notice": notice_ref(notice),
    }
    kind = notice.kind
    if kind in (Notice.Kind.INTENTION, Notice.Kind.SINGLE_SOURCE):
        return facts.Event(**common)
    if kind in (Notice.Kind.TENDER, Notice.Kind.CORRECTION):
        return facts.Event(**common, terms=tender_terms(notice.document, lot))
    if kind == Notice.Kind.OPENING_RECORD:
        bids = _bid_facts(lot)
        return facts.Event(**common, bids=bids)
    if kind == Notice.Kind.FAILED:
        return facts.Event(**common)
    if kind == Notice.Kind.TERMINATION:
        reason = lot.cancellation_reason or lot.project.cancellation_reason
        return facts.Event(**common, reason=reason)
    if kind == Notice.Kind.RESULT:
        award = Award.objects.select_related("winner__supplier").filter(result_notice=notice).first()
        if award is None or award.winner is None or award.confirmed_at is None:
            return None
        award_fact = facts.AwardFact(
            id=_award_id(award.pk),
            date=award.confirmed_at,
            amount=award.amount,
            supplier=org(award.winner.supplier),
            bid_id=str(award.winner.public_id),
        )
        return facts.Event(**common, award=award_fact, bids=_bid_facts(lot, award.evaluation_id))
    if kind == Notice.Kind.COMPLAINT_DECISION:
        return _complaint_event(notice, lot, common)
    if kind == Notice.Kind.CONTRACT:
        contract = Contract.objects.select_related("supplier").filter(notice=notice).first()
        if contract is None:
            return None
        milestones = tuple(
            facts.MilestoneFact(
                number=m.number,
                title=m.title,
                description=m.description,
                due_date=m.due_date,
                amount=m.amount,
                status="scheduled",
            )
            for m in contract.milestones.filter(supplement__isnull=True).order_by("number")
        )
        return facts.Event(**common, contract=_contract_fact(contract), milestones=milestones)
    if kind == Notice.Kind.SUPPLEMENT:
        return _supplement_event(notice, common)
    if kind == Notice.Kind.ACCEPTANCE:
        return _acceptance_event(notice, common)
    if kind == Notice.Kind.BREACH:
        return _breach_event(notice, common)
    return None


def _complaint_event(notice: Notice, lot: Lot, common: dict) -> facts.Event | None:
    complaint = Complaint.objects.select_related("challenge").filter(notice=notice).first()
    if complaint is None:
        return None
    outcome_zh, outcome_en = _labels(Complaint.Status, complaint.status)
    cancelled = ()
    if complaint.status in (Complaint.Status.UPHELD_REEVALUATION, Complaint.Status.UPHELD_RETENDER):
        cancelled = tuple(
            _award_id(pk)
            for pk in Award.objects.filter(
                lot=lot,
                status=Award.Status.CANCELLED,
                result_notice__isnull=False,
                result_notice__published_at__lte=notice.published_at,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    fact = facts.ComplaintFact(
        id=f"complaint-{complaint.pk}",
        subject=complaint.challenge.subject,
        outcome=complaint.status,
        outcome_zh=outcome_zh,
        outcome_en=outcome_en,
        decision=complaint.decision,
        reviewer=_regulator_of(complaint.decided_by_id),
        cancelled_award_ids=cancelled,
    )
    return facts.Event(**common, complaint=fact)


def _supplement_event(notice: Notice, common: dict) -> facts.Event | None:
    supplement = (
        SupplementaryAgreement.objects.select_related("contract__supplier").filter(notice=notice).first()
    )
    if supplement is None:
        return None
    contract = supplement.contract
    added = SupplementaryAgreement.objects.filter(
        contract=contract, status=SupplementaryAgreement.Status.SIGNED, number__lte=supplement.number
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if supplement.status != SupplementaryAgreement.Status.SIGNED:
        added += supplement.amount
    fact = facts.SupplementFact(
        number=supplement.number,
        amount=supplement.amount,
        subject=supplement.subject,
        reason=supplement.reason,
        signed_at=supplement.signed_at,
        total=contract.amount + added,
    )
    return facts.Event(**common, contract=_contract_fact(contract), supplement=fact)


def _acceptance_event(notice: Notice, common: dict) -> facts.Event | None:
    acceptance = (
        Acceptance.objects.select_related("milestone__contract__supplier").filter(notice=notice).first()
    )
    if acceptance is None:
        return None
    milestone = acceptance.milestone
    contract = milestone.contract
    passed = acceptance.outcome != Acceptance.Outcome.FAILED
    outcome_zh, outcome_en = _labels(Acceptance.Outcome, acceptance.outcome)
    fact = facts.AcceptanceFact(
        id=f"acceptance-{acceptance.pk}",
        milestone_number=milestone.number,
        outcome=acceptance.outcome,
        outcome_zh=outcome_zh,
        outcome_en=outcome_en,
        recorded_at=acceptance.recorded_at,
        remarks=acceptance.remarks,
        reasons=acceptance.reasons,
    )
    return facts.Event(
        **common,
        contract=_contract_fact(contract),
        acceptance=fact,
        milestones=_milestones(
            contract,
            as_of=acceptance.recorded_at,
            focus=milestone.pk,
            focus_status="met" if passed else "notMet",
        ),
        payments=_payments(contract, until=timezone.localdate(notice.published_at)),
    )


def _breach_event(notice: Notice, common: dict) -> facts.Event | None:
    breach = Breach.objects.select_related("contract__supplier", "responsible").filter(notice=notice).first()
    if breach is None:
        return None
    kind_zh, kind_en = _labels(Breach.Kind, breach.kind)
    milestones = ()
    if breach.milestone_id is not None and breach.kind in (
        Breach.Kind.LATE_DELIVERY,
        Breach.Kind.FAILED_ACCEPTANCE,
    ):
        milestones = tuple(
            m
            for m in _milestones(
                breach.contract, as_of=notice.published_at, focus=breach.milestone_id, focus_status="notMet"
            )
            if m.status == "notMet"
        )
    fact = facts.BreachFact(
        id=f"breach-{breach.pk}",
        kind=breach.kind,
        kind_zh=kind_zh,
        kind_en=kind_en,
        description=breach.description,
        responsible=org(breach.responsible),
        milestone_number=breach.milestone.number if breach.milestone_id else None,
    )
    return facts.Event(**common, contract=_contract_fact(breach.contract), breach=fact, milestones=milestones)


def payment_event(payment: PaymentApplication) -> facts.Event:
    contract = payment.contract
    lot = contract.lot
    process = process_of(lot)
    return facts.Event(
        kind="payment",
        release_id=releases.payment_release_id(process.ocid, payment.pk),
        date=payment.updated_at,
        process=process,
        contract=_contract_fact(contract),
        payments=_payments(contract, until=payment.paid_on, only=payment.pk),
    )


# --- What is left to publish ----------------------------------------------------------------------


def notices_to_publish(*, since: datetime.datetime | None = None) -> QuerySet[Notice]:
    """Public notices of the kinds that make releases and have none yet, oldest first; `since`
    bounds the search to notices published from then (the minute sweep's window)."""
    qs = Notice.objects.filter(published_at__lte=timezone.now(), kind__in=releases.RELEASE_KINDS).filter(
        ~Exists(Release.objects.filter(notice_id=OuterRef("pk")))
    )
    if since is not None:
        qs = qs.filter(published_at__gte=since)
    return qs.select_related("project__purchaser", "project__agency", "document").order_by(
        "published_at", "pk"
    )


def payments_to_publish(*, since: datetime.datetime | None = None) -> list[PaymentApplication]:
    """Payments recorded whose contract is public (its notice out) and that have no release yet."""
    qs = PaymentApplication.objects.filter(
        status=PaymentApplication.Status.PAID,
        contract__notice__isnull=False,
        contract__notice__published_at__lte=timezone.now(),
    ).select_related(
        "contract__lot__project__purchaser", "contract__lot__project__agency", "contract__supplier"
    )
    if since is not None:
        qs = qs.filter(updated_at__gte=since)
    payments = list(qs.order_by("updated_at", "pk"))
    ids = {releases.payment_release_id(ocid_of(p.contract.lot), p.pk): p for p in payments}
    done = set(Release.objects.filter(release_id__in=list(ids)).values_list("release_id", flat=True))
    return [payment for release_id, payment in ids.items() if release_id not in done]


# --- The API --------------------------------------------------------------------------------------


def releases_page(
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    buyer: str = "",
    after: tuple[datetime.datetime, int] | None = None,
    size: int = 100,
) -> tuple[list[tuple[int, datetime.datetime, datetime.datetime, str]], tuple[datetime.datetime, int] | None]:
    """Releases oldest first by (date, id), keyset-paginated: [(id, date, written at, JSON text)]
    and the cursor of the next page (None on the last)."""
    qs = Release.objects.all()
    if since is not None:
        qs = qs.filter(date__gte=since)
    if until is not None:
        qs = qs.filter(date__lt=until)
    if buyer:
        qs = qs.filter(buyer_id=buyer)
    if after is not None:
        date, pk = after
        qs = qs.filter(date__gte=date).filter(Q(date__gt=date) | Q(date=date, id__gt=pk))
    rows = list(qs.order_by("date", "id").values_list("id", "date", "created_at", "data")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, ((rows[-1][1], rows[-1][0]) if more else None)


def release_text(release_id: str) -> tuple[str, datetime.datetime] | None:
    row = Release.objects.filter(release_id=release_id).values_list("data", "created_at").first()
    return row


def record_rows(ocid: str) -> list[tuple[str, datetime.datetime, list[str], str, datetime.datetime]]:
    """The releases of one contracting process, oldest first: (release id, date, tags, JSON, written)."""
    return list(
        Release.objects.filter(ocid=ocid)
        .order_by("date", "id")
        .values_list("release_id", "date", "tags", "data", "created_at")
    )
