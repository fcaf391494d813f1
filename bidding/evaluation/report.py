"""The evaluation report (评审报告): a PDF of the panel, the qualification review with its reasons,
every member's points per criterion, the price scores and deductions, the ranking, and the
deviations with their reasons. Chinese with English subtitles (frozen: it reads the same in either
language), rendered with procurement.pdf.write_pdf (Noto Sans CJK SC), sealed by its SHA-256."""

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from experts.models import PanelSeat
from procurement.pdf import chinese_date, write_pdf
from procurement.templating import yuan

from ..models import BidAssessment, Evaluation, EvaluationFlag, QualificationMark, Score, ScoreSheet


def member_name(seat: PanelSeat) -> str:
    if seat.expert_id:
        return seat.expert.name_zh
    user = seat.member
    return user.get_full_name() or user.username


def report_context(evaluation: Evaluation) -> dict:
    """Everything the report shows, read in a fixed number of queries."""
    lot = evaluation.lot
    project = lot.project
    sheets = list(
        ScoreSheet.objects.select_related("seat__expert", "seat__member")
        .filter(evaluation=evaluation, seat__status=PanelSeat.Status.SEATED)
        .order_by("seat__kind", "seat__position", "seat_id")
    )
    members = [{"seat": s.seat, "name": member_name(s.seat), "sheet": s} for s in sheets]
    names = {m["seat"].pk: m["name"] for m in members}
    assessments = list(
        BidAssessment.objects.select_related("bid__supplier")
        .filter(evaluation=evaluation)
        .order_by("rank", "pk")
    )
    ranked = [a for a in assessments if a.rank is not None]
    others = [a for a in assessments if a.rank is None]
    scores: dict[tuple[int, int, int], Decimal] = {}
    for seat_id, bid_id, criterion, points in (
        Score.objects.filter(sheet__in=sheets)
        .order_by()
        .values_list("sheet__seat_id", "bid_id", "criterion", "points")
    ):
        scores[(bid_id, criterion, seat_id)] = points
    score_tables = []
    for a in ranked:
        if not evaluation.criteria:
            break
        rows = []
        for index, criterion in enumerate(evaluation.criteria):
            rows.append(
                {
                    "criterion": criterion,
                    "points": [scores.get((a.bid_id, index, m["seat"].pk)) for m in members],
                }
            )
        score_tables.append({"assessment": a, "rows": rows})
    marks = QualificationMark.objects.filter(evaluation=evaluation, passed=False).count()
    flags = []
    criteria = evaluation.criteria
    suppliers = {a.bid_id: a.bid.supplier for a in assessments}
    for flag in EvaluationFlag.objects.filter(evaluation=evaluation).order_by("kind", "pk"):
        evidence = flag.evidence
        if flag.kind == EvaluationFlag.Kind.DEVIATION:
            crit = criteria[evidence["criterion"]] if evidence.get("criterion", -1) < len(criteria) else {}
            flags.append(
                {
                    "kind": flag.kind,
                    "member": names.get(evidence.get("seat"), ""),
                    "supplier": suppliers.get(evidence.get("bid")),
                    "criterion": crit.get("name_zh", ""),
                    "points": evidence.get("points"),
                    "median": evidence.get("median"),
                    "reason": evidence.get("reason", ""),
                }
            )
        else:
            flags.append(
                {
                    "kind": flag.kind,
                    "members": "、".join(names.get(s, str(s)) for s in evidence.get("seats", [])),
                }
            )
    return {
        "evaluation": evaluation,
        "project": project,
        "lot": lot,
        "reference": project.reference,
        "header_title": f"{project.title_zh} 评审报告",
        "members": members,
        "ranked": ranked,
        "others": others,
        "score_tables": score_tables,
        "items": evaluation.qualification_items,
        "failed_marks": marks,
        "flags": flags,
        "comprehensive": bool(evaluation.criteria),
        "budget": yuan(lot.budget),
        "started_at": chinese_date(evaluation.started_at),
        "generated_at": chinese_date(timezone.now()),
    }


def render_report(evaluation: Evaluation) -> bytes:
    return write_pdf(render_to_string("bidding/evaluation/report_pdf.html", report_context(evaluation)))
