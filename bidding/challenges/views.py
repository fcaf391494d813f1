"""Pages of challenges (质疑) and complaints (投诉): the supplier files a challenge about a lot
(choosing the notice; the page shows each last day), follows its challenges with their answers and
complains; the purchaser and the agency answer; the regulator suspends and decides. The evidence
PDFs are served to the parties only. Rules live in bidding.challenges.services and policies: a
view calls one and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.exceptions import DomainError

from . import policies, selectors, services
from .exceptions import ChallengeNotFound, ComplaintNotFound
from .forms import AnswerForm, ChallengeForm, ComplaintForm, DecideForm, SuspendForm


def _file_response(field, name: str) -> FileResponse:
    response = FileResponse(
        field.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The supplier ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def challenge_file(request: HttpRequest, lot_id: int) -> HttpResponse:
    """The supplier's challenge of a lot: the notices it may challenge with each last day, and the
    form."""
    lot, subjects = selectors.access_challenge_lot(request.user, lot_id)
    today = timezone.localdate()
    notices = selectors.challengeable_notices(lot, subjects, on=today)
    status = 200
    if request.method == "POST":
        form = ChallengeForm(request.POST, request.FILES, notices=notices, subjects=subjects)
        if form.is_valid():
            data = form.cleaned_data
            try:
                challenge = services.file_challenge(
                    lot.pk,
                    actor=request.user,
                    subject=data["subject"],
                    notice_id=data["notice"],
                    grounds=data["grounds"],
                    evidence=data["evidence"],
                )
            except DomainError as error:
                form.add_error(None, str(error.message))
                status = error.status
            else:
                messages.success(
                    request,
                    _("The challenge is filed; the answer is due by %(due)s.")
                    % {"due": challenge.answer_due.isoformat()},
                )
                return redirect("bidding:challenge", challenge_id=challenge.pk)
        else:
            status = 400
    else:
        form = ChallengeForm(notices=notices, subjects=subjects)
    context = {"lot": lot, "project": lot.project, "notices": notices, "form": form}
    return render(request, "bidding/challenges/file.html", context, status=status)


@login_required
@require_GET
def my_challenges(request: HttpRequest) -> HttpResponse:
    """The supplier's challenges with their answers and complaints, the complaint form where one
    may be filed, and the lots it may challenge."""
    today = timezone.localdate()
    rows = []
    for challenge in selectors.challenges_of_supplier(request.user):
        complaints = list(challenge.complaints.all())
        can_complain = policies.can_complain(
            request.user,
            challenge,
            today=today,
            has_complaint=any(c.status != "withdrawn" for c in complaints),
        )
        rows.append(
            {
                "challenge": challenge,
                "complaints": complaints,
                "can_complain": can_complain,
                "can_withdraw": policies.can_withdraw_challenge(request.user, challenge),
            }
        )
    context = {
        "rows": rows,
        "lots": selectors.challengeable_lots(request.user),
        "is_supplier": policies.supplier_of(request.user) is not None,
        "complaint_form": ComplaintForm(),
    }
    return render(request, "bidding/challenges/mine.html", context)


@login_required
@require_POST
def challenge_withdraw(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = selectors.access_challenge(request.user, challenge_id)
    try:
        services.withdraw_challenge(challenge.pk, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The challenge is withdrawn."))
    return redirect("bidding:challenge", challenge_id=challenge.pk)


@login_required
@require_POST
def complaint_file(request: HttpRequest, challenge_id: int) -> HttpResponse:
    form = ComplaintForm(request.POST, request.FILES)
    if not form.is_valid():
        # The service's own 404 comes first for a challenge that is not the user's.
        selectors.access_challenge(request.user, challenge_id)
        messages.error(request, _("State the grounds of the complaint."))
        return redirect("bidding:challenge", challenge_id=challenge_id)
    try:
        complaint = services.file_complaint(
            challenge_id,
            actor=request.user,
            grounds=form.cleaned_data["grounds"],
            evidence=form.cleaned_data["evidence"],
        )
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, str(error.message))
        return redirect("bidding:challenge", challenge_id=challenge_id)
    messages.success(
        request,
        _("The complaint is filed with the regulator; the decision is due by %(due)s.")
        % {"due": complaint.decision_due.isoformat()},
    )
    return redirect("bidding:complaint", complaint_id=complaint.pk)


# --- Every party: one challenge ----------------------------------------------------------------------


def _challenge_page(request, challenge, *, answer_form=None, status=200):
    user = request.user
    answerer = policies.is_answerer(user, challenge.lot.project)
    complaints = list(challenge.complaints.select_related("notice").order_by("-pk"))
    today = timezone.localdate()
    context = {
        "challenge": challenge,
        "lot": challenge.lot,
        "project": challenge.lot.project,
        "complaints": complaints,
        "can_answer": policies.can_answer_challenge(challenge, answerer=answerer),
        "can_withdraw": policies.can_withdraw_challenge(user, challenge),
        "can_complain": policies.can_complain(
            user, challenge, today=today, has_complaint=any(c.status != "withdrawn" for c in complaints)
        ),
        "answer_form": answer_form or AnswerForm(),
        "complaint_form": ComplaintForm(),
        "overdue": challenge.status == "open" and challenge.answer_due < today,
    }
    return render(request, "bidding/challenges/detail.html", context, status=status)


@login_required
@require_GET
def challenge_detail(request: HttpRequest, challenge_id: int) -> HttpResponse:
    return _challenge_page(request, selectors.access_challenge(request.user, challenge_id))


@login_required
@require_POST
def challenge_answer(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = selectors.access_challenge(request.user, challenge_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _challenge_page(request, challenge, answer_form=form, status=400)
    try:
        services.answer_challenge(
            challenge.pk,
            actor=request.user,
            answer=form.cleaned_data["answer"],
            upheld=form.cleaned_data["upheld"],
        )
    except DomainError as error:
        if error.status == 404:
            raise
        form.add_error(None, str(error.message))
        return _challenge_page(request, challenge, answer_form=form, status=error.status)
    messages.success(request, _("The answer is sent to the challenger."))
    return redirect("bidding:challenge", challenge_id=challenge.pk)


@login_required
@require_GET
def challenge_evidence(request: HttpRequest, challenge_id: int) -> FileResponse:
    challenge = selectors.access_challenge(request.user, challenge_id)
    if not challenge.evidence:
        raise ChallengeNotFound(_("This challenge has no evidence file."))
    return _file_response(challenge.evidence, f"challenge-{challenge.pk}.pdf")


# --- The purchaser and the agency -----------------------------------------------------------------------


@login_required
@require_GET
def challenges_to_answer(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [
        (challenge, challenge.status == "open" and challenge.answer_due < today)
        for challenge in selectors.challenges_to_answer(request.user)
    ]
    return render(request, "bidding/challenges/to_answer.html", {"rows": rows})


# --- The regulator ------------------------------------------------------------------------------------


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [
        (complaint, complaint.status == "filed" and complaint.decision_due < today)
        for complaint in selectors.complaints_of_regulator(request.user)
    ]
    return render(request, "bidding/challenges/complaints.html", {"rows": rows})


def _complaint_page(request, complaint, *, suspend_form=None, decide_form=None, status=200):
    regulator = policies.is_regulator(request.user, complaint.lot.project)
    today = timezone.localdate()
    context = {
        "complaint": complaint,
        "challenge": complaint.challenge,
        "lot": complaint.lot,
        "project": complaint.lot.project,
        "can_decide": policies.can_decide_complaint(complaint, regulator=regulator),
        "can_suspend": policies.can_suspend_lot(complaint, regulator=regulator),
        "suspended": complaint.status == "filed"
        and complaint.suspended_until is not None
        and complaint.suspended_until >= today,
        "overdue": complaint.status == "filed" and complaint.decision_due < today,
        "suspend_form": suspend_form or SuspendForm(),
        "decide_form": decide_form or DecideForm(),
    }
    return render(request, "bidding/challenges/complaint.html", context, status=status)


@login_required
@require_GET
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _complaint_page(request, selectors.access_complaint(request.user, complaint_id))


@login_required
@require_POST
def complaint_suspend(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = selectors.access_complaint(request.user, complaint_id)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        return _complaint_page(request, complaint, suspend_form=form, status=400)
    try:
        services.suspend_lot(
            complaint.pk,
            actor=request.user,
            until=form.cleaned_data["until"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        if error.status == 404:
            raise
        form.add_error(None, str(error.message))
        return _complaint_page(request, complaint, suspend_form=form, status=error.status)
    messages.success(request, _("The procurement is suspended; the parties are told."))
    return redirect("bidding:complaint", complaint_id=complaint.pk)


@login_required
@require_POST
def complaint_decide(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = selectors.access_complaint(request.user, complaint_id)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _complaint_page(request, complaint, decide_form=form, status=400)
    try:
        services.decide_complaint(
            complaint.pk,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            decision=form.cleaned_data["decision"],
        )
    except DomainError as error:
        if error.status == 404:
            raise
        form.add_error(None, str(error.message))
        return _complaint_page(request, complaint, decide_form=form, status=error.status)
    messages.success(request, _("The decision is published."))
    return redirect("bidding:complaint", complaint_id=complaint.pk)


@login_required
@require_GET
def complaint_evidence(request: HttpRequest, complaint_id: int) -> FileResponse:
    complaint = selectors.access_complaint(request.user, complaint_id)
    if not complaint.evidence:
        raise ComplaintNotFound(_("This complaint has no evidence file."))
    return _file_response(complaint.evidence, f"complaint-{complaint.pk}.pdf")
