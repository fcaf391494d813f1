"""Panel pages: the agency's panel page of a lot (request, commitment, draw, seats' states without
names) and a member's invitations (accept, decline with a reason, the bidders and the declaration
once accepted). Rules live in bidding.panels.services and experts.panels: a view calls one and
renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from common.exceptions import DomainError
from experts.models import LIVE_SEAT_STATUSES, Panel, PanelSeat

from . import policies, selectors, services
from .forms import DeclarationForm, DeclineForm, PanelRequestForm


def _replacement_choices(request: HttpRequest, lot, panel, seats) -> list:
    """Whom the officer may invite when a purchaser representative of the drawn panel is out
    (declined, no answer, a conflict); empty otherwise, without a query."""
    if panel is None or panel.status != Panel.Status.DRAWN:
        return []
    live = sum(
        1
        for seat in seats
        if seat.kind == PanelSeat.Kind.PURCHASER_REPRESENTATIVE and seat.status in LIVE_SEAT_STATUSES
    )
    if live >= panel.purchaser_seats or not policies.can_name_representative(request.user, lot):
        return []
    return list(selectors.representative_choices(lot))


def _panel_page(request: HttpRequest, lot, *, form: PanelRequestForm | None = None, status: int = 200):
    panel = selectors.live_panel(lot)
    seats = selectors.seats_for_agency(panel) if panel is not None else []
    rule = services.size_rule(lot)
    can_act = policies.can_request_panel(request.user, lot)
    context = {
        "lot": lot,
        "project": lot.project,
        "panel": panel,
        "seats": seats,
        "counts": sorted(
            ((PanelSeat.Status(key).label, value) for key, value in selectors.status_counts(seats).items()),
            key=lambda item: str(item[0]),
        ),
        "rule": rule,
        "can_request": can_act and panel is None,
        "can_draw": can_act and panel is not None and panel.status == Panel.Status.REQUESTED,
        "form": form
        or PanelRequestForm(
            lot=lot,
            initial={
                "specialties": lot.project.classification_code,
                "evaluation_on": timezone.localdate(),
                "size": rule.min_size,
            },
        ),
        "record_url": reverse("experts:draw_record", args=[panel.pk]) if panel and panel.published_at else "",
        # A representative who declined, did not answer or declared a conflict: name another.
        "representative_choices": _replacement_choices(request, lot, panel, seats),
    }
    return render(request, "bidding/panels/lot.html", context, status=status)


@login_required
@require_GET
@never_cache
def panel_page(request: HttpRequest, lot_id: int) -> HttpResponse:
    return _panel_page(request, selectors.access_agency_lot(request.user, lot_id))


@login_required
@require_POST
def panel_request(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = selectors.access_agency_lot(request.user, lot_id)
    form = PanelRequestForm(request.POST, lot=lot)
    if not form.is_valid():
        return _panel_page(request, lot, form=form, status=400)
    try:
        services.request_panel(lot.pk, actor=request.user, **form.request())
    except DomainError as error:
        form.add_error(None, str(error.message))
        return _panel_page(request, lot, form=form, status=error.status)
    messages.success(request, _("The panel is requested and the seed's SHA-256 is committed; draw it now."))
    return redirect("bidding:panel", lot_id=lot.pk)


@login_required
@require_POST
def panel_draw(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = selectors.access_agency_lot(request.user, lot_id)
    try:
        services.draw_panel(lot.pk, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("bidding:panel", lot_id=lot.pk)
    messages.success(request, _("The panel is drawn and its members are invited."))
    return redirect("bidding:panel", lot_id=lot.pk)


@login_required
@require_POST
def panel_representative(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = selectors.access_agency_lot(request.user, lot_id)
    try:
        services.name_representative(
            lot.pk, actor=request.user, user_id=request.POST.get("representative", "")
        )
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, str(error.message))
        return redirect("bidding:panel", lot_id=lot.pk)
    messages.success(request, _("The representative is invited."))
    return redirect("bidding:panel", lot_id=lot.pk)


@login_required
@require_GET
@never_cache
def panel_invitations(request: HttpRequest) -> HttpResponse:
    seats = selectors.invitations_of(request.user)
    bidders = selectors.bidders_by_lot(seats)
    rows = [(seat, bidders.get(seat.panel.lot_id, [])) for seat in seats]
    context = {
        "rows": rows,
        "decline_form": DeclineForm(),
        "declaration_form": DeclarationForm(initial={"answer": DeclarationForm.NONE}),
    }
    return render(request, "bidding/panels/invitations.html", context)


def _answer(request: HttpRequest, action, success: str) -> HttpResponse:
    try:
        action()
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, success)
    return redirect("bidding:panel_invitations")


@login_required
@require_POST
def invitation_accept(request: HttpRequest, seat_id: int) -> HttpResponse:
    return _answer(
        request,
        lambda: services.accept_invitation(seat_id, actor=request.user),
        _("You accepted: read the bidders and sign your declaration."),
    )


@login_required
@require_POST
def invitation_decline(request: HttpRequest, seat_id: int) -> HttpResponse:
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for declining."))
        return redirect("bidding:panel_invitations")
    return _answer(
        request,
        lambda: services.decline_invitation(seat_id, actor=request.user, reason=form.cleaned_data["reason"]),
        _("You declined the invitation."),
    )


@login_required
@require_POST
def invitation_declare(request: HttpRequest, seat_id: int) -> HttpResponse:
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("bidding:panel_invitations")
    return _answer(
        request,
        lambda: services.declare(seat_id, actor=request.user, conflict=form.conflict_text()),
        _("Your declaration is signed."),
    )
