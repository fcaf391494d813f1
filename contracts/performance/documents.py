"""The frozen documents of performance: the acceptance report (验收报告) published with the
acceptance result notice. Chinese with English subtitles like the other frozen PDFs
(procurement.pdf, Noto Sans CJK); the notice text itself is rendered in both languages by
procurement.services.publish_notice from the same context."""

from django.template.loader import render_to_string

from procurement.pdf import chinese_date, write_pdf
from procurement.templating import yuan

from .models import Acceptance

CATEGORIES = ("technical", "service", "safety")
CATEGORY_ZH = {"technical": "技术要求", "service": "服务要求", "safety": "安全要求"}
CATEGORY_EN = {
    "technical": "Technical requirements",
    "service": "Service requirements",
    "safety": "Safety requirements",
}
OUTCOME_ZH = {
    Acceptance.Outcome.PASSED: "验收合格",
    Acceptance.Outcome.PASSED_WITH_REMARKS: "验收合格（有意见）",
    Acceptance.Outcome.FAILED: "验收不合格",
}
OUTCOME_EN = {
    Acceptance.Outcome.PASSED: "Passed",
    Acceptance.Outcome.PASSED_WITH_REMARKS: "Passed with remarks",
    Acceptance.Outcome.FAILED: "Failed",
}


def acceptance_context(acceptance: Acceptance) -> dict:
    """Everything the acceptance report and the acceptance notice say (the milestone's contract
    loaded with its lot, project and parties)."""
    milestone = acceptance.milestone
    contract = milestone.contract
    lot = contract.lot
    project = lot.project
    groups = [
        {
            "category": category,
            "label_zh": CATEGORY_ZH[category],
            "label_en": CATEGORY_EN[category],
            "checks": [c for c in acceptance.checks if c["category"] == category],
        }
        for category in CATEGORIES
    ]
    return {
        "acceptance": acceptance,
        "milestone": milestone,
        "contract": contract,
        "project": project,
        "lot": lot,
        "reference": project.reference,
        "purchaser": contract.purchaser,
        "supplier": contract.supplier,
        "amount": yuan(milestone.amount),
        "team": acceptance.team,
        "groups": groups,
        "outcome": acceptance.outcome,
        "outcome_zh": OUTCOME_ZH[acceptance.outcome],
        "outcome_en": OUTCOME_EN[acceptance.outcome],
        "passed": acceptance.outcome != Acceptance.Outcome.FAILED,
        "remarks": acceptance.remarks,
        "reasons": acceptance.reasons,
        "inspection_sha256": acceptance.inspection_sha256,
        "delivered_at": chinese_date(milestone.delivered_at),
        "due_date": chinese_date(milestone.due_date),
        "recorded_at": chinese_date(acceptance.recorded_at),
        "recorded_on": acceptance.recorded_at.date(),
    }


def render_acceptance_pdf(context: dict) -> bytes:
    contract = context["contract"]
    return write_pdf(
        render_to_string(
            "contracts/performance/pdf/acceptance_report.html",
            {**context, "header_title": f"{contract.title_zh} 履约验收报告"},
        )
    )
