"""The facts the red flags are computed from, read from the other apps' rows in a fixed number of
queries (no query per lot), for disclosure.redflags.compute.

Only lots whose bids were opened (their Opening is `opened`) are read, and only their opened bids:
nothing of a sealed bid ever reaches a flag. Outcomes — which bids were disqualified, which won —
are read only where they are public: the lot's award is confirmed and its result notice published
(by the database clock), or the lot failed.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

from bidding.models import (
    Award,
    Bid,
    BidAssessment,
    CollusionFlag,
    Evaluation,
    Opening,
    Score,
    ScoreSheet,
)
from experts.models import PanelSeat
from procurement.models import Lot, Notice, TenderDocument
from procurement.tender_rules import date_rules_for
from rulebook import selectors as rulebook
from rulebook.calendar import DateOutsideWindow
from rulebook.exceptions import CalendarNotCovered, RuleNotFound

from .compute import BidFact, CollusionFact, EvaluationFact, LotFact, Party, ScoreFact


def _party(organisation) -> Party | None:
    if organisation is None:
        return None
    return Party(organisation.pk, organisation.name_zh, organisation.name_en)


def opened_lots():
    return (
        Lot.objects.filter(opening__status=Opening.Status.OPENED, opening__opened_at__isnull=False)
        .select_related("project__purchaser", "project__agency", "opening")
        .order_by("pk")
    )


def _latest_before(rows: list, moment: datetime.datetime):
    """The last of (published_at, row) pairs, sorted by time, published at or before `moment`."""
    found = None
    for published_at, row in rows:
        if published_at <= moment:
            found = row
        else:
            break
    return found


class _Rules:
    """The rulebook's minimum submission period per method and date, each row read once."""

    def __init__(self):
        self.cache: dict[tuple[str, datetime.date], object] = {}

    def row(self, key: str, day: datetime.date):
        if (key, day) not in self.cache:
            try:
                self.cache[(key, day)] = rulebook.rule(key, on=day)
            except RuleNotFound:
                self.cache[(key, day)] = None
        return self.cache[(key, day)]

    def minimum(self, method: str, day: datetime.date) -> tuple[int | None, str, dict]:
        """(minimum, unit, the rule as evidence) for the method as of `day`; (None, "days", {})
        when the rulebook sets none."""
        asked: dict[str, object] = {}

        def value(key: str):
            asked[key] = self.row(key, day)
            return int(asked[key].value) if asked[key] is not None else None

        rules = date_rules_for(method, value)
        # The first rule a method asks for is its period from the documents to the deadline.
        key = next(iter(asked), "")
        row = asked.get(key)
        described = {"key": key, "zh": row.name_zh, "en": row.name_en} if row is not None else {}
        if rules.min_days_to_deadline is not None:
            return rules.min_days_to_deadline, "days", described
        if rules.min_working_days_to_deadline is not None:
            return rules.min_working_days_to_deadline, "working_days", described
        return None, "days", {}


def _periods(lots: list[Lot], notices: dict, documents: dict) -> dict[int, dict]:
    """Per lot: the tender notice's time, the deadline in force at opening, and the submission
    period against the rulebook's minimum for the method."""
    rules = _Rules()
    found: dict[int, dict] = {}
    working: list[tuple[int, datetime.date, datetime.date]] = []
    for lot in lots:
        opened_at = lot.opening.opened_at
        notice_at = _latest_before(notices.get(lot.project_id, []), opened_at)
        document = _latest_before(documents.get(lot.project_id, []), opened_at)
        deadline = document.bid_deadline if document is not None else lot.project.bid_deadline
        entry = {"tender_published_at": notice_at, "bid_deadline": deadline}
        found[lot.pk] = entry
        if notice_at is None or deadline is None:
            continue
        start = timezone.localtime(notice_at).date()
        end = timezone.localtime(deadline).date()
        minimum, unit, rule = rules.minimum(lot.project.method, lot.project.rules_date or start)
        entry.update(minimum_period=minimum, period_unit=unit, rule=rule)
        if unit == "working_days":
            working.append((lot.pk, start, end))
        else:
            entry["period"] = (end - start).days
    if working:
        first = min(start for _, start, _ in working)
        last = max(end for _, _, end in working)
        try:
            calendar = rulebook.working_calendar(first, max(last, first))
        except CalendarNotCovered:
            calendar = None
        for lot_id, start, end in working:
            if calendar is None:
                continue
            try:
                found[lot_id]["period"] = calendar.working_days_between(start, end) if end > start else 0
            except (CalendarNotCovered, DateOutsideWindow):
                continue
    return found


def lot_facts() -> list[LotFact]:
    """The facts of every lot whose bids were opened."""
    lots = list(opened_lots())
    if not lots:
        return []
    lot_ids = [lot.pk for lot in lots]
    project_ids = sorted({lot.project_id for lot in lots})

    notices: dict[int, list] = defaultdict(list)
    for project_id, published_at in (
        Notice.objects.filter(project_id__in=project_ids, kind=Notice.Kind.TENDER, published_at__lte=Now())
        .order_by("published_at", "pk")
        .values_list("project_id", "published_at")
    ):
        notices[project_id].append((published_at, published_at))
    documents: dict[int, list] = defaultdict(list)
    for document in (
        TenderDocument.objects.filter(project_id__in=project_ids, published_at__isnull=False)
        .only("pk", "project_id", "published_at", "bid_deadline")
        .order_by("published_at", "pk")
    ):
        documents[document.project_id].append((document.published_at, document))
    periods = _periods(lots, notices, documents)

    bids: dict[int, list[Bid]] = defaultdict(list)
    for bid in (
        Bid.objects.filter(lot_id__in=lot_ids, status=Bid.Status.OPENED)
        .select_related("supplier")
        .only("pk", "lot_id", "price", "received_at", "supplier__name_zh", "supplier__name_en")
        .order_by("pk")
    ):
        bids[bid.lot_id].append(bid)

    awards = {
        award.lot_id: award
        for award in Award.objects.filter(
            lot_id__in=lot_ids,
            status=Award.Status.CONFIRMED,
            result_notice__published_at__lte=Now(),
        ).only("pk", "lot_id", "winner_id", "passed_over")
    }
    failed = {lot.pk for lot in lots if lot.status == Lot.Status.FAILED}
    published = set(awards) | failed
    qualified: dict[int, bool | None] = {}
    for bid_id, is_qualified in (
        BidAssessment.objects.filter(
            evaluation__lot_id__in=sorted(published),
        )
        .exclude(evaluation__status=Evaluation.Status.SUPERSEDED)
        .values_list("bid_id", "qualified")
    ):
        qualified[bid_id] = is_qualified
    for award in awards.values():
        for passed in award.passed_over or []:
            if passed.get("ground") == "disqualified":
                qualified[int(passed["bid"])] = False

    collusion: dict[int, list[CollusionFact]] = defaultdict(list)
    for flag in CollusionFlag.objects.filter(lot_id__in=lot_ids).prefetch_related("suppliers").order_by("pk"):
        suppliers = tuple(
            Party(s.pk, s.name_zh, s.name_en) for s in sorted(flag.suppliers.all(), key=lambda s: s.pk)
        )
        collusion[flag.lot_id].append(CollusionFact(flag.kind, suppliers, flag.evidence or {}))

    facts = []
    for lot in lots:
        project = lot.project
        outcome = lot.pk in published
        award = awards.get(lot.pk)
        bid_facts = tuple(
            BidFact(
                bid_id=bid.pk,
                supplier=Party(bid.supplier_id, bid.supplier.name_zh, bid.supplier.name_en),
                price=bid.price,
                received_at=bid.received_at,
                disqualified=(
                    None if not outcome or qualified.get(bid.pk) is None else not qualified[bid.pk]
                ),
            )
            for bid in bids[lot.pk]
        )
        period = periods.get(lot.pk, {})
        facts.append(
            LotFact(
                lot_id=lot.pk,
                reference=project.reference,
                number=lot.number,
                title_zh=lot.title_zh or project.title_zh,
                title_en=lot.title_en or project.title_en,
                method=project.method,
                buyer=_party(project.purchaser),
                procuring_entity=_party(project.agency),
                classification=project.classification_code or "",
                opened_at=lot.opening.opened_at,
                bids=bid_facts,
                failed_at_opening=lot.opening.failed,
                tender_published_at=period.get("tender_published_at"),
                bid_deadline=period.get("bid_deadline"),
                period=period.get("period"),
                period_unit=period.get("period_unit", "days"),
                minimum_period=period.get("minimum_period"),
                rule=period.get("rule", {}),
                outcome_published=outcome,
                winner_bid_id=award.winner_id if award is not None else None,
                collusion=tuple(collusion[lot.pk]),
            )
        )
    return facts


def evaluation_facts() -> list[EvaluationFact]:
    """The submitted scores of every live evaluation (comprehensive scoring), with who gave them."""
    evaluations = {
        evaluation.pk: evaluation
        for evaluation in Evaluation.objects.filter(
            lot__opening__status=Opening.Status.OPENED,
        )
        .exclude(status=Evaluation.Status.SUPERSEDED)
        .exclude(criteria=[])
        .only("pk", "lot_id", "criteria", "deviation_percent")
    }
    if not evaluations:
        return []
    scores: dict[int, list[ScoreFact]] = defaultdict(list)
    rows = (
        Score.objects.filter(
            sheet__evaluation_id__in=list(evaluations),
            sheet__status__in=[ScoreSheet.Status.SUBMITTED, ScoreSheet.Status.SIGNED],
            sheet__seat__status=PanelSeat.Status.SEATED,
        )
        .filter(Q(bid__status=Bid.Status.OPENED))
        .select_related("sheet__seat__expert", "sheet__seat__member", "bid__supplier")
        .order_by("sheet__evaluation_id", "bid_id", "criterion", "sheet__seat_id")
    )
    for score in rows:
        evaluation = evaluations[score.sheet.evaluation_id]
        criteria = evaluation.criteria
        if score.criterion >= len(criteria):
            continue
        criterion = criteria[score.criterion]
        seat = score.sheet.seat
        if seat.expert is not None:
            expert = Party(seat.pk, seat.expert.name_zh, seat.expert.name_en)
        else:
            name = seat.member.get_full_name() or seat.member.username
            expert = Party(seat.pk, name, name)
        supplier = score.bid.supplier
        scores[evaluation.pk].append(
            ScoreFact(
                seat_id=seat.pk,
                expert=expert,
                bid_id=score.bid_id,
                supplier=Party(supplier.pk, supplier.name_zh, supplier.name_en),
                criterion=score.criterion,
                criterion_zh=criterion.get("name_zh", ""),
                criterion_en=criterion.get("name_en", ""),
                maximum=Decimal(str(criterion.get("points", 0))),
                points=score.points,
                reason=score.deviation_reason,
            )
        )
    return [
        EvaluationFact(
            lot_id=evaluation.lot_id,
            evaluation_id=evaluation.pk,
            deviation_percent=evaluation.deviation_percent,
            scores=tuple(scores[evaluation.pk]),
        )
        for evaluation in sorted(evaluations.values(), key=lambda e: e.pk)
        if scores[evaluation.pk]
    ]
