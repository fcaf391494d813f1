"""What a confirmed award publishes and sends: the result notice's content (shared by its text in
both languages and its PDF), the award notice (中标/成交通知书) for the winner and the result letter
(结果告知书) for every other bidder, each a PDF sealed with its SHA-256.

The PDFs are Chinese with English subtitles, like the other frozen documents (procurement.pdf,
Noto Sans CJK); the notice text is rendered in both languages by procurement.services.publish_notice.
"""

import hashlib

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from experts.models import PanelSeat
from procurement.models import Method
from procurement.pdf import chinese_date, write_pdf
from procurement.templating import yuan

from .models import Award, AwardLetter
from .selectors import assessments_of

# The tender methods award 中标; the others (negotiation, consultation, inquiry, single source) 成交.
TENDER_METHODS = frozenset({Method.PUBLIC_TENDER, Method.INVITED_TENDER})

GROUNDS_ZH = {"withdrawn": "放弃中标/成交资格", "disqualified": "被取消中标/成交资格"}
GROUNDS_EN = {"withdrawn": "withdrew", "disqualified": "disqualified"}


def draw_path(panel_id: int) -> str:
    return f"/experts/draws/{panel_id}/"


def reason_texts(fail_reasons) -> list[str]:
    """The panel's reasons for failing a bid as lines of text, whatever shape the evaluation
    recorded them in (strings, or {"item"/"criterion", "reason"} dicts)."""
    lines = []
    for reason in fail_reasons or []:
        if isinstance(reason, dict):
            label = reason.get("item_name") or reason.get("item") or reason.get("criterion") or ""
            text = reason.get("reason") or reason.get("text") or ""
            if isinstance(text, list):
                text = "; ".join(str(t) for t in text)
            line = f"{label}: {text}" if label and text else str(text or label)
        else:
            line = str(reason)
        if line.strip():
            lines.append(line.strip())
    return lines


def panel_members(panel) -> dict:
    """The seated experts (names, in draw order) and the purchaser's representatives."""
    seats = list(
        PanelSeat.objects.filter(panel=panel, status=PanelSeat.Status.SEATED)
        .select_related("expert", "member")
        .order_by("kind", "position", "pk")
    )
    experts = [
        {"name_zh": s.expert.name_zh, "name_en": s.expert.name_en or s.expert.name_zh, "leader": s.is_leader}
        for s in seats
        if s.kind == PanelSeat.Kind.EXPERT
    ]
    representatives = [
        {"name": s.member.get_full_name() or s.member.username}
        for s in seats
        if s.kind == PanelSeat.Kind.PURCHASER_REPRESENTATIVE
    ]
    return {"experts": experts, "representatives": representatives}


def result_context(award: Award) -> dict:
    """Everything the result notice and the letters say, from the confirmed award."""
    lot = award.lot
    project = lot.project
    evaluation = award.evaluation
    panel = evaluation.panel
    passed = {int(p["bid"]): p for p in award.passed_over}
    rows = []
    winner_row = None
    for assessment in assessments_of(award):
        bid = assessment.bid
        passed_over = passed.get(bid.pk)
        row = {
            "bid": bid,
            "supplier": bid.supplier,
            "name_zh": bid.supplier.name_zh,
            "name_en": bid.supplier.name_en or bid.supplier.name_zh,
            "price": yuan(assessment.price),
            "evaluated_price": yuan(assessment.evaluated_price),
            "total_score": assessment.total_score,
            "rank": assessment.rank,
            "qualified": assessment.qualified,
            "fail_reasons": reason_texts(assessment.fail_reasons),
            "passed_over": passed_over,
            "ground_zh": GROUNDS_ZH.get(passed_over["ground"], "") if passed_over else "",
            "ground_en": GROUNDS_EN.get(passed_over["ground"], "") if passed_over else "",
            "is_winner": bid.pk == award.winner_id,
            "assessment": assessment,
        }
        rows.append(row)
        if row["is_winner"]:
            winner_row = row
    members = panel_members(panel)
    tender = project.method in TENDER_METHODS
    return {
        "award": award,
        "project": project,
        "lot": lot,
        "reference": project.reference,
        "purchaser": project.purchaser,
        "agency": project.agency,
        "winner": winner_row,
        "losers": [r for r in rows if not r["is_winner"]],
        "rows": rows,
        "amount": yuan(award.amount),
        "items": lot.quantity_and_specification,
        "experts": members["experts"],
        "representatives": members["representatives"],
        "panel": panel,
        "draw": {
            "commitment": panel.seed_sha256,
            "seed": panel.seed,
            "candidates_sha256": panel.candidates_sha256,
            "candidates": len(panel.candidates),
            "path": draw_path(panel.pk),
        },
        "report_sha256": evaluation.report_sha256,
        "tender": tender,
        "award_word_zh": "中标" if tender else "成交",
        "confirmed_at": chinese_date(award.confirmed_at),
        "stands_until": chinese_date(award.notice_stands_until),
        "generated_at": chinese_date(timezone.now()),
    }


def render_result_pdf(context: dict) -> bytes:
    project = context["project"]
    return write_pdf(
        render_to_string(
            "bidding/award/pdf/result_notice.html",
            {**context, "header_title": f"{project.title_zh} {context['award_word_zh']}结果公告"},
        )
    )


def render_letter(context: dict, row: dict, kind: str) -> bytes:
    project = context["project"]
    if kind == AwardLetter.Kind.AWARD_NOTICE:
        template, title = "bidding/award/pdf/award_notice.html", f"{context['award_word_zh']}通知书"
    else:
        template, title = "bidding/award/pdf/result_letter.html", "采购结果告知书"
    return write_pdf(
        render_to_string(
            template,
            {**context, "row": row, "letter_title": title, "header_title": f"{project.title_zh} {title}"},
        )
    )


def write_letters(award: Award, context: dict) -> list[AwardLetter]:
    """The award notice for the winner and a result letter for every other assessed bidder,
    each PDF sealed with its SHA-256 (inside the confirmation's transaction)."""
    letters = []
    for row in context["rows"]:
        kind = AwardLetter.Kind.AWARD_NOTICE if row["is_winner"] else AwardLetter.Kind.RESULT_LETTER
        pdf = render_letter(context, row, kind)
        letter = AwardLetter(award=award, bid=row["bid"], kind=kind, sha256=hashlib.sha256(pdf).hexdigest())
        letter.pdf.save(
            f"{kind}-{context['reference']}-{context['lot'].number}-{row['bid'].pk}.pdf",
            ContentFile(pdf),
            save=False,
        )
        letter.save()
        letters.append(letter)
    return letters
