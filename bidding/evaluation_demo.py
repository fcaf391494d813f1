"""Demo of issue 6 on the opened Yuxi soil-testing lot (lot 1: yx_supplier 798,500, my_supplier
776,400, zz_supplier 812,000), taken through the panel, evaluation, award and challenge services as
real users would, each officer, approver and expert "as after a passed second factor"
(bidding.demo._officer). bidding/demo.py calls load() last.

1. yx_agency requests a panel of five — four experts drawn for the project's classification code
   (A033400) and the purchaser's deputy director yx_approver2 as its representative — evaluating
   today, and draws it. The draw leaves out yx_expert01 (works for the bidder yx_supplier),
   yx_expert02 (his spouse works for the bidder my_supplier) and yx_expert04 (away), each recorded
   with its reason. Who is drawn is decided by the draw's fresh random seed: the demo does not rig
   it, so the demo login yx_expert sits on the panel in some loads and not in others (the seed, the
   candidates and the order are public with the result notice, and the replay shows the same).
2. Every invited member accepts and declares no conflict; the panel is seated and the evaluation
   starts.
3. Every member passes every qualification item of every bid and submits the review. The Yuxi
   documents evaluate by the lowest price (inquiry: no scored criteria), so the bids are ranked at
   once; were there criteria, each member would score each one with points derived from their
   username (so a reload gives the same), write a reason for each score far from the panel's median,
   and submit. Every member signs: the report PDF is sealed and the award proposed.
4. yx_approver confirms the first-ranked bid: the lot is awarded, the result notice (with its PDF)
   and the draw record are public, the award notice and result letters are written.
5. zz_supplier (unless it won; then the last-ranked other bidder) challenges the result within its
   time — the result may be challenged from the notice's publication until challenge.working_days
   after its standing period — and the challenge awaits the answer of yx_agency (or the purchaser).

Each stage looks at what is there first (the live panel, its seats, the evaluation's sheets, the
award, the challenger's challenge) and does only what is missing, so loading again adds nothing. A
missing precondition (no Yuxi lot opened, no demo users, too few experts) is logged and the rest
skipped; a refusal of a service rolls back that stage only and is logged.
"""

import hashlib
import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from common.exceptions import DomainError
from experts.models import Panel, PanelSeat
from procurement.models import Lot

from .award import services as award_services
from .award.models import Award
from .challenges import services as challenge_services
from .challenges.models import Challenge, Subject
from .demo import YUXI_PROJECT, _officer, _project
from .evaluation import services as evaluation_services
from .models import BidAssessment, Evaluation, ScoreSheet
from .panels import selectors as panel_selectors
from .panels import services as panel_services

logger = logging.getLogger(__name__)

AGENCY = "yx_agency"
REPRESENTATIVE = "yx_approver2"
CONFIRMER = "yx_approver"
CHALLENGER = "zz_supplier"
PANEL_SIZE = 5
EVALUATING = (Lot.Status.EVALUATING, Lot.Status.CANDIDATES_PUBLISHED, Lot.Status.AWARDED)
CHALLENGE_GROUNDS = (
    "我公司对本包评审结果提出质疑：第一中标候选人所投原子吸收分光光度计的石墨炉检出限参数与其"
    "技术响应文件所附检测报告不一致，请采购人和代理机构复核该候选人的实质性响应情况，并书面答复。\n"
    "We challenge the result of this lot: the graphite-furnace detection limit of the first-ranked "
    "candidate's spectrophotometer differs from the test report attached to its technical response; "
    "we ask the purchaser and the agency to review whether that bid responds to the requirements and "
    "to answer in writing."
)
DEVIATION_REASON = (
    "本人依据投标文件的技术响应和现场演示独立打分。 Scored on my own reading of the technical response."
)


def _stage(name: str, step) -> list:
    """Run one stage in its own savepoint: a domain refusal rolls it back and is logged."""
    try:
        with transaction.atomic():
            return step()
    except DomainError as error:
        logger.warning("demo evaluation of the Yuxi lot stopped at %s: %s", name, error)
        return []


def _yuxi_lot() -> Lot | None:
    project = _project(YUXI_PROJECT)
    lot = project.lots.filter(number=1).first() if project is not None else None
    if lot is None or lot.status not in (Lot.Status.OPENED, *EVALUATING):
        logger.info(
            "demo evaluation skipped: the Yuxi soil-testing lot 1 is %s, not awaiting evaluation or award",
            lot.status if lot is not None else "missing",
        )
        return None
    return lot


def _seat_user(seat: PanelSeat):
    return _officer(seat.member.username)


# --- 1. Request and draw -------------------------------------------------------------------------


def _panel(lot: Lot) -> list:
    panel = panel_selectors.live_panel(lot)
    if panel is not None and panel.status != Panel.Status.REQUESTED:
        return []
    officer = _officer(AGENCY)
    representative = _officer(REPRESENTATIVE)
    if officer is None or representative is None:
        logger.info("demo panel skipped: no %s or %s", AGENCY, REPRESENTATIVE)
        return []
    created = []
    if panel is None:
        panel = panel_services.request_panel(
            lot.pk,
            actor=officer,
            specialties=[lot.project.classification_code],
            evaluation_on=timezone.localdate(),
            representative_ids=[representative.pk],
            size=PANEL_SIZE,
        )
        created.append(panel)
    panel = panel_services.draw_panel(lot.pk, actor=officer)
    return created or [panel]


# --- 2. Answers ----------------------------------------------------------------------------------


def _answers(lot: Lot) -> list:
    panel = panel_selectors.live_panel(lot)
    if panel is None or panel.status != Panel.Status.DRAWN:
        return []
    answered = []
    # Answering never calls a reserve here (nobody declines or declares a conflict), but loop on
    # what is due until nothing is, in case one was called before.
    while True:
        due = list(
            panel.seats.filter(status__in=[PanelSeat.Status.INVITED, PanelSeat.Status.ACCEPTED])
            .select_related("member")
            .order_by("kind", "position", "pk")
        )
        if not due:
            return answered
        for seat in due:
            member = _seat_user(seat)
            if seat.status == PanelSeat.Status.INVITED:
                panel_services.accept_invitation(seat.pk, actor=member)
            panel_services.declare(seat.pk, actor=member, conflict="")
            answered.append(seat)


# --- 3. Review, scores, signatures ---------------------------------------------------------------


def _live_evaluation(lot: Lot) -> Evaluation | None:
    return (
        lot.evaluations.exclude(status=Evaluation.Status.SUPERSEDED)
        .select_related("lot__project")
        .order_by("-round")
        .first()
    )


def _sheets(evaluation: Evaluation, status: str) -> list[ScoreSheet]:
    return list(
        ScoreSheet.objects.filter(evaluation=evaluation, status=status, seat__status=PanelSeat.Status.SEATED)
        .select_related("seat__member")
        .order_by("pk")
    )


def _review(evaluation: Evaluation) -> list:
    if evaluation.status != Evaluation.Status.QUALIFICATION:
        return []
    bids = list(
        BidAssessment.objects.filter(evaluation=evaluation).order_by("pk").values_list("bid_id", flat=True)
    )
    sheets = _sheets(evaluation, ScoreSheet.Status.QUALIFYING)
    for sheet in sheets:
        marks = [
            {"bid_id": bid_id, "item": item, "passed": True}
            for bid_id in bids
            for item in range(len(evaluation.qualification_items))
        ]
        evaluation_services.mark_qualification_sheet(
            evaluation.pk, actor=_seat_user(sheet.seat), marks=marks, submit=True
        )
    return sheets


def demo_points(username: str, supplier_code: str, criterion: int, maximum: Decimal) -> Decimal:
    """Plausible points, the same on every load: 60 % to 95 % of the criterion's maximum in steps of
    half a point (so never above it), from the member, the bidder and the criterion."""
    digest = hashlib.sha256(f"{username}:{supplier_code}:{criterion}".encode()).digest()
    share = Decimal(60 + digest[0] % 36) / 100
    return min(maximum, (maximum * share * 2).to_integral_value() / 2).quantize(Decimal("0.01"))


def _scores(evaluation: Evaluation) -> list:
    if evaluation.status != Evaluation.Status.SCORING or not evaluation.criteria:
        return []
    assessments = list(
        BidAssessment.objects.filter(evaluation=evaluation, qualified=True)
        .select_related("bid__supplier")
        .order_by("pk")
    )
    sheets = _sheets(evaluation, ScoreSheet.Status.DRAFT)
    for sheet in sheets:
        member = _seat_user(sheet.seat)
        for assessment in assessments:
            evaluation_services.score_bid(
                evaluation.pk,
                actor=member,
                bid_id=assessment.bid_id,
                entries=[
                    {
                        "criterion": index,
                        "points": demo_points(
                            member.username,
                            assessment.bid.supplier.uscc,
                            index,
                            Decimal(str(criterion["points"])),
                        ),
                    }
                    for index, criterion in enumerate(evaluation.criteria)
                ],
            )
    # Every sheet is scored: each member writes a reason for their scores far from the median.
    for sheet in sheets:
        member = _seat_user(sheet.seat)
        for deviation in evaluation_services.pending_deviations(evaluation, sheet):
            current = sheet.scores.get(bid_id=deviation["bid"], criterion=deviation["criterion"])
            evaluation_services.score(
                evaluation.pk,
                actor=member,
                bid_id=deviation["bid"],
                criterion=deviation["criterion"],
                points=current.points,
                comment=current.comment,
                deviation_reason=DEVIATION_REASON,
            )
        evaluation_services.submit_scores(evaluation.pk, actor=member)
    return sheets


def _signatures(evaluation: Evaluation) -> list:
    if evaluation.status != Evaluation.Status.SIGNING:
        return []
    sheets = list(
        ScoreSheet.objects.filter(evaluation=evaluation, seat__status=PanelSeat.Status.SEATED)
        .exclude(status=ScoreSheet.Status.SIGNED)
        .select_related("seat__member")
        .order_by("pk")
    )
    for sheet in sheets:
        evaluation_services.sign_report(evaluation.pk, actor=_seat_user(sheet.seat))
    return sheets


def _evaluate(lot: Lot) -> list:
    evaluation = _live_evaluation(lot)
    if evaluation is None:
        return []
    done = []
    for step in (_review, _scores, _signatures):
        done += step(evaluation)
        evaluation.refresh_from_db()
    if evaluation.status == Evaluation.Status.AWAITING_EXPLANATIONS:
        logger.info("demo evaluation waits for price explanations; not taken further")
    return done


# --- 4. Award ------------------------------------------------------------------------------------


def _award(lot: Lot) -> list:
    evaluation = _live_evaluation(lot)
    award = Award.objects.filter(evaluation=evaluation).first() if evaluation is not None else None
    if award is None or award.status != Award.Status.AWAITING_CONFIRMATION:
        return []
    approver = _officer(CONFIRMER)
    if approver is None:
        logger.info("demo award skipped: no %s", CONFIRMER)
        return []
    return [award_services.confirm_award(award.pk, actor=approver, bid_id=award.candidates[0])]


# --- 5. Challenge --------------------------------------------------------------------------------


def _challenger(award: Award):
    """zz_supplier's representative, or (if it won) the representative of the last-ranked other
    bidder among the demo bidders."""
    from .demo import YUXI_BIDS

    winner = award.winner.supplier_id
    users = [_officer(username) for username in (CHALLENGER, *reversed([u for u, _p in YUXI_BIDS]))]
    for user in users:
        if user is not None and user.active_membership.organisation_id != winner:
            return user
    return None


def _challenge(lot: Lot) -> list:
    award = (
        Award.objects.filter(lot=lot, status=Award.Status.CONFIRMED, result_notice__isnull=False)
        .select_related("winner")
        .order_by("-pk")
        .first()
    )
    if award is None:
        return []
    challenger = _challenger(award)
    if challenger is None:
        logger.info("demo challenge skipped: no losing demo bidder")
        return []
    supplier = challenger.active_membership.organisation
    if Challenge.objects.filter(lot=lot, supplier=supplier).exists():
        return []
    return [
        challenge_services.file_challenge(
            lot.pk,
            actor=challenger,
            subject=Subject.RESULT,
            notice_id=award.result_notice_id,
            grounds=CHALLENGE_GROUNDS,
        )
    ]


@transaction.atomic
def load() -> list:
    """Take the opened Yuxi lot on from wherever it stands; returns what each stage did (empty
    when everything was there)."""
    lot = _yuxi_lot()
    if lot is None:
        return []
    done = []
    for name, step in (
        ("the panel", _panel),
        ("the answers", _answers),
        ("the evaluation", _evaluate),
        ("the award", _award),
        ("the challenge", _challenge),
    ):
        done += _stage(name, lambda step=step: step(Lot.objects.select_related("project").get(pk=lot.pk)))
    return done
