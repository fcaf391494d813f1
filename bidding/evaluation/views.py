"""The evaluation pages: the member's desk, the qualification sheet, the scoring sheet per bid
(the price score is computed, never typed), the bid documents (download, inline PDF), the summary
after submitting, signing (second factor), the sealed report; the agency's progress view; the
bidder's page to explain an abnormally low price. Rules live in services and policies."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.exceptions import DomainError

from ..models import BidAssessment, Evaluation, ScoreSheet
from . import forms, policies, selectors, services
from .exceptions import EvaluationNotFound


def _error(request: HttpRequest, error: DomainError) -> None:
    messages.error(request, str(error.message))


@login_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    """The member's evaluations (the panels they sit on), newest first."""
    return render(
        request, "bidding/evaluation/desk.html", {"sheets": list(selectors.member_sheets(request.user))}
    )


@login_required
@require_GET
@never_cache
def evaluation_page(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation, sheet = services.member_sheet(evaluation_id, request.user)
    rows = selectors.assessments(evaluation)
    explanations = [a for a in rows if a.explanation_status == BidAssessment.Explanation.GIVEN]
    return render(
        request,
        "bidding/evaluation/evaluation.html",
        {
            "evaluation": evaluation,
            "lot": evaluation.lot,
            "project": evaluation.lot.project,
            "sheet": sheet,
            "rows": rows,
            "explanations": explanations,
            "decision_form": forms.DecisionForm(),
            "can_qualify": evaluation.status == Evaluation.Status.QUALIFICATION,
            "negotiating": evaluation.status == Evaluation.Status.NEGOTIATING,
            "can_score": evaluation.status == Evaluation.Status.SCORING
            and sheet.status == ScoreSheet.Status.DRAFT,
            "sees_summary": sheet.status in selectors.SEES_OTHERS,
            "can_sign": evaluation.status == Evaluation.Status.SIGNING
            and sheet.status != ScoreSheet.Status.SIGNED,
            "reported": evaluation.status == Evaluation.Status.REPORTED,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def qualification(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """The member's qualification sheet: every bid × every item, pass or fail with a reason."""
    evaluation, sheet = services.member_sheet(evaluation_id, request.user)
    rows = selectors.assessments(evaluation)
    status = 200
    if request.method == "POST":
        marks = forms.qualification_entries(
            request.POST, [a.bid for a in rows], evaluation.qualification_items
        )
        try:
            services.mark_qualification_sheet(
                evaluation.pk, actor=request.user, marks=marks, submit="submit" in request.POST
            )
        except DomainError as error:
            _error(request, error)
            status = error.status
        else:
            if "submit" in request.POST:
                messages.success(request, _("Your qualification review is submitted."))
                return redirect("bidding:evaluation", evaluation_id=evaluation.pk)
            messages.success(request, _("Your marks are saved."))
            return redirect("bidding:evaluation_qualification", evaluation_id=evaluation.pk)
        sheet.refresh_from_db()
    marks = selectors.own_marks(evaluation, sheet)
    table = [
        {
            "assessment": a,
            "cells": [
                {"index": i, "text": text, "mark": marks.get((a.bid_id, i))}
                for i, text in enumerate(evaluation.qualification_items)
            ],
        }
        for a in rows
    ]
    return render(
        request,
        "bidding/evaluation/qualification.html",
        {
            "evaluation": evaluation,
            "lot": evaluation.lot,
            "project": evaluation.lot.project,
            "sheet": sheet,
            "table": table,
            "open": evaluation.status == Evaluation.Status.QUALIFICATION
            and sheet.status == ScoreSheet.Status.QUALIFYING,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def scores(request: HttpRequest, evaluation_id: int, bid_id: int) -> HttpResponse:
    """The member's scores for one qualified bid: each criterion with its range; the price score
    is shown computed once the panel has aggregated, never asked for."""
    evaluation, sheet = services.member_sheet(evaluation_id, request.user)
    assessment = next(
        (a for a in selectors.assessments(evaluation, qualified_only=True) if a.bid_id == bid_id), None
    )
    if assessment is None:
        raise EvaluationNotFound(_("No such bid in this evaluation."))
    status = 200
    if request.method == "POST":
        try:
            services.score_bid(
                evaluation.pk,
                actor=request.user,
                bid_id=bid_id,
                entries=forms.score_entries(request.POST, evaluation.criteria),
            )
        except DomainError as error:
            _error(request, error)
            status = error.status
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect("bidding:evaluation_scores", evaluation_id=evaluation.pk, bid_id=bid_id)
    own = selectors.own_scores(sheet, bid_id)
    rows = [
        {"index": i, "criterion": c, "score": own.get((bid_id, i))} for i, c in enumerate(evaluation.criteria)
    ]
    return render(
        request,
        "bidding/evaluation/scores.html",
        {
            "evaluation": evaluation,
            "lot": evaluation.lot,
            "project": evaluation.lot.project,
            "sheet": sheet,
            "assessment": assessment,
            "rows": rows,
            "open": evaluation.status == Evaluation.Status.SCORING
            and sheet.status == ScoreSheet.Status.DRAFT,
            "price_computed": evaluation.status in (Evaluation.Status.SIGNING, Evaluation.Status.REPORTED),
        },
        status=status,
    )


@login_required
@require_POST
def submit_scores(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    services.member_sheet(evaluation_id, request.user)
    try:
        services.submit_scores(evaluation_id, actor=request.user)
    except DomainError as error:
        if error.status == 404:
            raise
        _error(request, error)
        return redirect("bidding:evaluation", evaluation_id=evaluation_id)
    messages.success(request, _("Your scores are submitted; you now see the other members' sheets."))
    return redirect("bidding:evaluation_summary", evaluation_id=evaluation_id)


@login_required
@require_GET
def bid_files(request: HttpRequest, evaluation_id: int, bid_id: int) -> HttpResponse:
    evaluation, _sheet = services.member_sheet(evaluation_id, request.user)
    assessment, files = selectors.bid_files(evaluation, bid_id)
    return render(
        request,
        "bidding/evaluation/bid_files.html",
        {
            "evaluation": evaluation,
            "lot": evaluation.lot,
            "project": evaluation.lot.project,
            "assessment": assessment,
            "files": files,
        },
    )


@login_required
@require_GET
def bid_file(request: HttpRequest, evaluation_id: int, bid_id: int, file_id: int) -> StreamingHttpResponse:
    """One file of an opened bid, decrypted and streamed; a PDF inline (the browser's viewer)
    unless ?download=1. Every read is audited."""
    bid_file, segments = services.read_bid_file(
        evaluation_id, actor=request.user, bid_id=bid_id, file_id=file_id
    )
    pdf = bid_file.content_type == "application/pdf"
    response = StreamingHttpResponse(
        segments, content_type="application/pdf" if pdf else "application/octet-stream"
    )
    name = bid_file.name or f"{bid_file.document_key}"
    disposition = "inline" if pdf and not request.GET.get("download") else "attachment"
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(disposition == "attachment", name)
    response["Content-Length"] = str(bid_file.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
@never_cache
def summary(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation, sheet = services.member_sheet(evaluation_id, request.user)
    context = selectors.summary(evaluation, sheet)
    context.update(
        {
            "evaluation": evaluation,
            "lot": evaluation.lot,
            "project": evaluation.lot.project,
            "sheet": sheet,
            "sees_others": sheet.status in selectors.SEES_OTHERS,
        }
    )
    return render(request, "bidding/evaluation/summary.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation, sheet = services.member_sheet(evaluation_id, request.user)
    status = 200
    if request.method == "POST":
        try:
            services.sign_report(evaluation.pk, actor=request.user)
        except DomainError as error:
            if error.status == 404:
                raise
            _error(request, error)
            status = error.status
        else:
            messages.success(request, _("You have signed the evaluation report."))
            return redirect("bidding:evaluation", evaluation_id=evaluation.pk)
    return render(
        request,
        "bidding/evaluation/sign.html",
        {
            "evaluation": evaluation,
            "lot": evaluation.lot,
            "project": evaluation.lot.project,
            "sheet": sheet,
            "verified": policies.can_sign(request.user),
            "can_sign": evaluation.status == Evaluation.Status.SIGNING
            and sheet.status != ScoreSheet.Status.SIGNED,
            "ranked": [a for a in selectors.assessments(evaluation, qualified_only=True) if a.rank],
        },
        status=status,
    )


@login_required
@require_GET
def report_pdf(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.evaluation_for_report(request.user, evaluation_id)
    with evaluation.report_pdf.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="evaluation-{evaluation.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Report-SHA256"] = evaluation.report_sha256
    return response


@login_required
@require_GET
@never_cache
def progress(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """The agency's (and the regulator's) view: who has submitted and signed, never the scores."""
    evaluation = selectors.evaluation_for_progress(request.user, evaluation_id)
    from .report import member_name

    sheets = [{"sheet": s, "name": member_name(s.seat)} for s in evaluation.sheets.all()]
    return render(
        request,
        "bidding/evaluation/progress.html",
        {
            "evaluation": evaluation,
            "lot": evaluation.lot,
            "project": evaluation.lot.project,
            "sheets": sheets,
        },
    )


@login_required
@require_POST
def decide_explanation(request: HttpRequest, evaluation_id: int, bid_id: int) -> HttpResponse:
    services.member_sheet(evaluation_id, request.user)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or reject the explanation."))
        return redirect("bidding:evaluation", evaluation_id=evaluation_id)
    try:
        services.decide_explanation(
            evaluation_id,
            actor=request.user,
            bid_id=bid_id,
            accepted=form.cleaned_data["accepted"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        if error.status == 404:
            raise
        _error(request, error)
    else:
        messages.success(request, _("The panel's decision on the explanation is recorded."))
    return redirect("bidding:evaluation", evaluation_id=evaluation_id)


@login_required
@require_http_methods(["GET", "POST"])
def explanation(request: HttpRequest, public_id) -> HttpResponse:
    """The bidder's page to explain an abnormally low price (it sees no score of anyone)."""
    assessment = services.bidder_assessment(public_id, request.user)
    form = forms.ExplanationForm()
    status = 200
    if request.method == "POST":
        form = forms.ExplanationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.explain_price(
                    public_id,
                    actor=request.user,
                    explanation=form.cleaned_data["explanation"],
                    file=form.cleaned_data.get("file"),
                )
            except DomainError as error:
                if error.status == 404:
                    raise
                form.add_error(None, str(error.message))
                status = error.status
            else:
                messages.success(request, _("Your explanation is sent to the evaluation panel."))
                return redirect("bidding:price_explanation", public_id=public_id)
        else:
            status = 400
    return render(
        request,
        "bidding/evaluation/explanation.html",
        {
            "assessment": assessment,
            "bid": assessment.bid,
            "lot": assessment.bid.lot,
            "project": assessment.bid.lot.project,
            "form": form,
            "open": assessment.explanation_status == BidAssessment.Explanation.REQUESTED,
        },
        status=status,
    )
