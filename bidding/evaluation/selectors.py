"""Reads of the evaluation pages and API: querysets with their relations baked in (no query in a
loop or a template). A member sees their own sheet; the others' only once theirs is submitted."""

from django.db.models import Prefetch

from accounts.models import User
from experts.models import PanelSeat

from ..models import Bid, BidAssessment, BidFile, Evaluation, QualificationMark, Score, ScoreSheet
from . import policies
from .exceptions import EvaluationNotFound
from .report import member_name

SEES_OTHERS = (ScoreSheet.Status.SUBMITTED, ScoreSheet.Status.SIGNED)


def member_sheets(user: User):
    """The user's seats in live evaluations (their evaluation desk), newest first."""
    return (
        ScoreSheet.objects.select_related("evaluation__lot__project", "seat")
        .filter(seat__member=user, seat__status=PanelSeat.Status.SEATED)
        .exclude(evaluation__status=Evaluation.Status.SUPERSEDED)
        .order_by("-evaluation__started_at", "-pk")
    )


def assessments(evaluation: Evaluation, *, qualified_only: bool = False) -> list[BidAssessment]:
    rows = (
        BidAssessment.objects.select_related("bid__supplier")
        .filter(evaluation=evaluation)
        .order_by("price", "pk")
    )
    if qualified_only:
        rows = rows.filter(qualified=True)
    return list(rows)


def own_marks(evaluation: Evaluation, sheet: ScoreSheet) -> dict[tuple[int, int], QualificationMark]:
    return {
        (m.bid_id, m.item): m
        for m in QualificationMark.objects.filter(evaluation=evaluation, seat_id=sheet.seat_id).order_by("pk")
    }


def own_scores(sheet: ScoreSheet, bid_id=None) -> dict[tuple[int, int], Score]:
    rows = Score.objects.filter(sheet=sheet).order_by("pk")
    if bid_id is not None:
        rows = rows.filter(bid_id=bid_id)
    return {(s.bid_id, s.criterion): s for s in rows}


def panel_sheets(evaluation: Evaluation) -> list[ScoreSheet]:
    return list(
        ScoreSheet.objects.select_related("seat__expert", "seat__member")
        .filter(evaluation=evaluation, seat__status=PanelSeat.Status.SEATED)
        .order_by("seat__kind", "seat__position", "pk")
    )


def summary(evaluation: Evaluation, sheet: ScoreSheet) -> dict:
    """After the member has submitted: the points per bid and criterion of every member who has
    submitted too (a sheet still in draft stays its author's alone), and the panel's result once
    aggregated. Before, only their own."""
    sheets = panel_sheets(evaluation)
    if sheet.status in SEES_OTHERS:
        visible = [s for s in sheets if s.pk == sheet.pk or s.status in SEES_OTHERS]
    else:
        visible = [s for s in sheets if s.pk == sheet.pk]
    scores = {}
    for sheet_id, bid_id, criterion, points in (
        Score.objects.filter(sheet__in=visible)
        .order_by()
        .values_list("sheet_id", "bid_id", "criterion", "points")
    ):
        scores[(bid_id, criterion, sheet_id)] = points
    bids = assessments(evaluation, qualified_only=True)
    tables = [
        {
            "assessment": a,
            "rows": [
                {"criterion": c, "points": [scores.get((a.bid_id, i, s.pk)) for s in visible]}
                for i, c in enumerate(evaluation.criteria)
            ],
        }
        for a in bids
    ]
    return {
        "members": [{"sheet": s, "name": member_name(s.seat)} for s in visible],
        "tables": tables,
        "aggregated": evaluation.status in (Evaluation.Status.SIGNING, Evaluation.Status.REPORTED),
        "ranked": sorted((a for a in bids if a.rank), key=lambda a: a.rank),
    }


def bid_files(evaluation: Evaluation, bid_id) -> tuple[BidAssessment, list[BidFile]]:
    assessment = (
        BidAssessment.objects.select_related("bid__supplier")
        .filter(evaluation=evaluation, bid_id=bid_id)
        .first()
    )
    if assessment is None or assessment.bid.status != Bid.Status.OPENED:
        raise EvaluationNotFound(_no_bid())
    files = list(assessment.bid.files.filter(status=BidFile.Status.COMPLETE).order_by("document_key", "pk"))
    return assessment, files


def _no_bid():
    from django.utils.translation import gettext_lazy as _

    return _("No such bid in this evaluation.")


def evaluation_for_progress(user: User, evaluation_id) -> Evaluation:
    """The agency and the region's regulators follow an evaluation's progress (404 for others)."""
    evaluation = (
        Evaluation.objects.select_related("lot__project__purchaser", "lot__project__agency", "panel")
        .prefetch_related(
            Prefetch(
                "sheets",
                queryset=ScoreSheet.objects.select_related("seat__expert", "seat__member").order_by(
                    "seat__kind", "seat__position", "pk"
                ),
            )
        )
        .filter(pk=evaluation_id)
        .first()
    )
    if evaluation is None or not policies.can_follow_progress(user, evaluation.lot):
        raise EvaluationNotFound()
    return evaluation


def evaluation_for_report(user: User, evaluation_id) -> Evaluation:
    """The sealed report: its panel's members, the purchaser's side, the agency, the regulators."""
    evaluation = (
        Evaluation.objects.select_related("lot__project__purchaser", "lot__project__agency")
        .filter(pk=evaluation_id, status__in=[Evaluation.Status.REPORTED, Evaluation.Status.SUPERSEDED])
        .exclude(report_sha256="")
        .first()
    )
    if evaluation is None:
        raise EvaluationNotFound()
    seated = ScoreSheet.objects.filter(
        evaluation=evaluation, seat__member=user, seat__status=PanelSeat.Status.SEATED
    ).exists()
    if not seated and not policies.can_read_report(user, evaluation.lot):
        raise EvaluationNotFound()
    return evaluation
