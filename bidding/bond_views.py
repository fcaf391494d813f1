"""Bond pages: a supplier's bond for a lot (amount, state, refund day, the lodging form) and the
agency officer's list of a project's bonds with verify / reject / refund / forfeit. Rules live in
bidding.bonds and bidding.bond_policies: a view calls one and renders."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.exceptions import DomainError

from . import bond_policies as policies
from . import bond_selectors as selectors
from . import bonds
from .bond_forms import BondReasonForm, LodgeBondForm
from .bond_selectors import BondNotFound
from .models import Bond


def _first_sending(request: HttpRequest) -> bool:
    """False when this very form was already sent (a double click): its token is spent once."""
    token = request.POST.get("once", "")
    return not token or cache.add(f"bidding:bond-once:{token[:64]}", 1, timeout=24 * 3600)


def _lot_page(request: HttpRequest, lot_id, *, form: LodgeBondForm | None = None, status: int = 200):
    lot = selectors.access_supplier_lot(request.user, lot_id)
    supplier = policies.supplier_of(request.user)
    bond = selectors.bond_of(lot, supplier)
    amount = bond.amount if bond else selectors.bond_amount_in(selectors.published_document(lot.project), lot)
    deadline = lot.project.bid_deadline
    takes_bonds = policies.lot_takes_bonds(lot) and deadline is not None and deadline > timezone.now()
    can_lodge = amount > 0 and takes_bonds and (bond is None or bond.status == Bond.Status.REQUIRED)
    context = {
        "lot": lot,
        "project": lot.project,
        "bond": bond,
        "amount": amount,
        "can_lodge": can_lodge,
        "form": form or LodgeBondForm(initial={"form": Bond.Form.CASH_TRANSFER}),
        "once": secrets.token_urlsafe(16),
    }
    return render(request, "bidding/bonds/lot.html", context, status=status)


@login_required
@require_GET
def bond_lot(request: HttpRequest, lot_id: int) -> HttpResponse:
    return _lot_page(request, lot_id)


@login_required
@require_POST
def bond_lodge(request: HttpRequest, lot_id: int) -> HttpResponse:
    selectors.access_supplier_lot(request.user, lot_id)  # 404 before anything else
    form = LodgeBondForm(request.POST, request.FILES)
    if not form.is_valid():
        return _lot_page(request, lot_id, form=form, status=400)
    if not _first_sending(request):
        messages.info(request, _("This form was already sent; the bond is lodged once."))
        return redirect("bidding:bond_lot", lot_id=lot_id)
    try:
        bonds.lodge_bond_for_lot(lot_id, actor=request.user, **form.lodging())
    except bonds.BondInvalid as error:
        for field, field_messages in error.errors.items():
            for message in field_messages:
                form.add_error(field if field in form.fields else None, str(message))
        return _lot_page(request, lot_id, form=form, status=400)
    except DomainError as error:
        form.add_error(None, str(error.message))
        return _lot_page(request, lot_id, form=form, status=error.status)
    messages.success(request, _("The bond is lodged; the agency will verify it."))
    return redirect("bidding:bond_lot", lot_id=lot_id)


@login_required
@require_GET
def bond_project(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.access_officer_project(request.user, project_id)
    rows = [
        (
            bond,
            policies.can_verify_bond(request.user, bond, officer=True),
            policies.can_refund_bond(request.user, bond, officer=True),
            policies.can_forfeit_bond(request.user, bond, officer=True),
        )
        for bond in selectors.bonds_of_project(project)
    ]
    context = {"project": project, "rows": rows, "reason_form": BondReasonForm()}
    return render(request, "bidding/bonds/project.html", context)


def _officer_act(request: HttpRequest, bond_id, action, success: str, *, reason: bool = False):
    bond = selectors.access_officer_bond(request.user, bond_id)  # 404 before anything else
    form = BondReasonForm(request.POST) if reason else None
    if form is not None and not form.is_valid():
        messages.error(request, _("Give the reason; the supplier reads it."))
    else:
        try:
            action(bond, form.cleaned_data["reason"] if form is not None else None)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, success)
    return redirect("bidding:bond_project", project_id=bond.lot.project_id)


@login_required
@require_POST
def bond_verify(request: HttpRequest, bond_id: int) -> HttpResponse:
    return _officer_act(
        request,
        bond_id,
        lambda bond, _reason: bonds.verify_bond(bond.pk, actor=request.user),
        _("The bond is verified."),
    )


@login_required
@require_POST
def bond_reject(request: HttpRequest, bond_id: int) -> HttpResponse:
    return _officer_act(
        request,
        bond_id,
        lambda bond, reason: bonds.reject_bond(bond.pk, actor=request.user, reason=reason),
        _("The bond is not accepted; the supplier is told why and may lodge it again."),
        reason=True,
    )


@login_required
@require_POST
def bond_refund(request: HttpRequest, bond_id: int) -> HttpResponse:
    return _officer_act(
        request,
        bond_id,
        lambda bond, _reason: bonds.record_refund(bond.pk, actor=request.user),
        _("The refund is recorded."),
    )


@login_required
@require_POST
def bond_forfeit(request: HttpRequest, bond_id: int) -> HttpResponse:
    return _officer_act(
        request,
        bond_id,
        lambda bond, reason: bonds.forfeit_bond(bond.pk, actor=request.user, reason=reason),
        _("The bond is forfeited."),
        reason=True,
    )


@login_required
@require_GET
def bond_document(request: HttpRequest, bond_id: int) -> FileResponse:
    """The guarantee PDF, for its supplier and the tender's agency officers."""
    bond = selectors.access_bond(request.user, bond_id)
    if not bond.document:
        raise BondNotFound(_("This bond has no guarantee document."))
    response = FileResponse(
        bond.document.open("rb"),
        as_attachment=True,
        filename=f"bond-{bond.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
