"""Award pages: the purchaser's awards to confirm, the award page (ranked candidates, the report,
the confirm form with pass-over rows), the regulator's overdue awards, and the letters (each
bidder its own; the purchaser and the agency every letter). Rules live in bidding.award.services
and policies: a view calls one and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.exceptions import DomainError, PermissionDenied

from . import policies, selectors, services
from .exceptions import AwardNotFound
from .forms import ConfirmAwardForm
from .models import Award


@login_required
@require_GET
def award_list(request: HttpRequest) -> HttpResponse:
    if not policies.can_list_awards(request.user):
        raise PermissionDenied()
    awards = list(selectors.awards_of_purchaser(request.user))
    return render(request, "bidding/award/list.html", {"awards": awards})


def _award_page(request: HttpRequest, award: Award, *, form: ConfirmAwardForm | None = None, status=200):
    candidates = selectors.candidate_rows(award)
    can_confirm = award.status == Award.Status.AWAITING_CONFIRMATION and policies.is_purchaser_staff(
        request.user, award.lot.project
    )
    form = form or ConfirmAwardForm(candidates=candidates)
    assessments = selectors.assessments_of(award)
    failed = [a for a in assessments if a.rank is None]
    context = {
        "award": award,
        "lot": award.lot,
        "project": award.lot.project,
        "evaluation": award.evaluation,
        "candidates": candidates,
        "failed": failed,
        "can_confirm": can_confirm,
        "verified": policies.can_confirm_award(request.user, award),
        "form": form,
        "form_rows": form.rows(candidates),
        "letters": list(selectors.letters_of_award(award)) if award.status == Award.Status.CONFIRMED else [],
    }
    return render(request, "bidding/award/detail.html", context, status=status)


@login_required
@require_GET
def award_detail(request: HttpRequest, award_id: int) -> HttpResponse:
    return _award_page(request, selectors.access_award(request.user, award_id))


@login_required
@require_POST
def award_confirm(request: HttpRequest, award_id: int) -> HttpResponse:
    award = selectors.access_award(request.user, award_id)  # 404 before anything else
    form = ConfirmAwardForm(request.POST, candidates=selectors.candidate_rows(award))
    if not form.is_valid():
        return _award_page(request, award, form=form, status=400)
    try:
        services.confirm_award(
            award.pk, actor=request.user, bid_id=form.cleaned_data["bid"], passed_over=form.passed_over()
        )
    except DomainError as error:
        form.add_error(None, str(error.message))
        return _award_page(
            request, selectors.access_award(request.user, award_id), form=form, status=error.status
        )
    messages.success(
        request, _("The award is confirmed; the result notice is published and every bidder told.")
    )
    return redirect("bidding:award", award_id=award.pk)


@login_required
@require_GET
def award_report(request: HttpRequest, award_id: int) -> FileResponse:
    """The sealed evaluation report behind the award (the purchaser and the agency)."""
    award = selectors.access_award(request.user, award_id)
    if not award.evaluation.report_pdf:
        raise AwardNotFound(_("The evaluation report's PDF is not stored."))
    return _pdf(
        award.evaluation.report_pdf, f"evaluation-report-{award.lot.project.reference}-{award.lot.number}.pdf"
    )


@login_required
@require_GET
def overdue_awards(request: HttpRequest) -> HttpResponse:
    if not policies.can_view_escalations(request.user):
        raise PermissionDenied()
    awards = list(selectors.overdue_awards(request.user))
    return render(request, "bidding/award/overdue.html", {"awards": awards})


@login_required
@require_GET
def my_letters(request: HttpRequest) -> HttpResponse:
    if policies.supplier_of(request.user) is None:
        raise PermissionDenied()
    letters = list(selectors.letters_of_supplier(request.user))
    return render(request, "bidding/award/letters.html", {"letters": letters})


@login_required
@require_GET
def letter_pdf(request: HttpRequest, letter_id: int) -> FileResponse:
    letter = selectors.access_letter(request.user, letter_id)
    return _pdf(
        letter.pdf, f"{letter.kind}-{letter.award.lot.project.reference}-{letter.award.lot.number}.pdf"
    )


def _pdf(field, filename: str) -> FileResponse:
    response = FileResponse(
        field.open("rb"), as_attachment=False, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
