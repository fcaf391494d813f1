"""Pages of the contract core: the list of contracts, the contract page (fixed fields, the draft
form, milestones, signatures verified, the sign form, publication, supplementary agreements), the
POST endpoints that call one service each, the PDFs and the platform CA's certificate. A refused
action re-renders the page with the translated message; nothing is changed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from common.exceptions import DomainError, PermissionDenied

from . import certificates, documents, policies, selectors, services, signing
from .exceptions import ContractNotFound
from .forms import ContractDraftForm, MilestoneFormSet, SignForm, SupplementForm, milestone_rows
from .models import Contract, SupplementaryAgreement

DRAFT_FIELDS = (
    "payment_terms",
    "performance_bond_percent",
    "sme_payment_days",
    "special_terms",
    "purchaser_contact",
    "purchaser_phone",
    "supplier_contact",
    "supplier_phone",
    "supplier_bank",
    "supplier_account_name",
    "supplier_account_number",
)


@login_required
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    if not policies.can_list_contracts(request.user):
        raise PermissionDenied()
    status = request.GET.get("status", "")
    queryset = selectors.contracts_for(request.user)
    if status in Contract.Status.values:
        queryset = queryset.filter(status=status)
    else:
        status = ""
    context = {
        "contracts": list(queryset),
        "status": status,
        "statuses": Contract.Status.choices,
        "awaiting": list(selectors.lots_awaiting_contract(request.user)),
    }
    return render(request, "contracts/list.html", context)


def _verified_signatures(contract: Contract) -> dict[str, bool]:
    """field name → the signature verifies against the trust roots (the stored PDF)."""
    if not contract.pdf:
        return {}
    try:
        with contract.pdf.open("rb") as handle:
            return {v.field_name: v.ok for v in signing.verify_pdf(handle.read())}
    except (OSError, ValueError):
        return {}


def _page(
    request: HttpRequest,
    contract: Contract,
    *,
    draft_form=None,
    milestone_formset=None,
    sign_form=None,
    supplement_form=None,
    error: str = "",
    error_target: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    rows = selectors.contract_page(contract)
    party = policies.signing_party(user, contract)
    signed_parties = {s.party for s in rows["signatures"]}
    can_edit = policies.can_edit_contract(user, contract)
    if can_edit and draft_form is None:
        draft_form = ContractDraftForm(initial={name: getattr(contract, name) for name in DRAFT_FIELDS})
    if can_edit and milestone_formset is None:
        milestone_formset = MilestoneFormSet(
            prefix="milestones",
            initial=[
                {
                    "title": m.title,
                    "kind": m.kind,
                    "description": m.description,
                    "due_date": m.due_date,
                    "amount": m.amount,
                }
                for m in rows["milestones"]
                if m.supplement_id is None
            ],
        )
    verified = _verified_signatures(contract)
    for signature in rows["signatures"]:
        signature.verified = verified.get(signature.party)
    can_draft_supplement = policies.can_draft_supplement(user, contract)
    cap, headroom = services.supplement_headroom(contract) if can_draft_supplement else (None, None)
    for supplement in rows["supplements"]:
        supplement.can_sign = (
            party is not None
            and supplement.status == SupplementaryAgreement.Status.DRAFT
            and party not in supplement.signed_parties
        )
    context = {
        "contract": contract,
        "lot": contract.lot,
        "project": contract.lot.project,
        **rows,
        "party": party,
        "can_edit": can_edit,
        "can_sign": contract.status == Contract.Status.DRAFT
        and party is not None
        and party not in signed_parties,
        "signed_parties": signed_parties,
        "can_publish": policies.can_publish_contract(user, contract),
        "can_draft_supplement": can_draft_supplement,
        "supplement_cap": cap,
        "supplement_headroom": headroom,
        "draft_form": draft_form,
        "milestone_formset": milestone_formset,
        "sign_form": sign_form or SignForm(),
        "supplement_form": supplement_form or SupplementForm(),
        "error": error,
        "error_target": error_target,
        "show_financing": policies.can_view_financing_tab(user, contract),
        "has_device": party is not None and user.totpdevice_set.filter(confirmed=True).exists(),
    }
    return render(request, "contracts/contract.html", context, status=status)


@login_required
@require_GET
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _page(request, selectors.access_contract(request.user, contract_id))


@login_required
@require_POST
def contract_edit(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    form = ContractDraftForm(request.POST)
    formset = MilestoneFormSet(request.POST, prefix="milestones")
    if not (form.is_valid() and formset.is_valid()):
        return _page(request, contract, draft_form=form, milestone_formset=formset, status=400)
    try:
        services.save_draft(
            contract.pk, actor=request.user, **form.service_fields(), milestones=milestone_rows(formset)
        )
    except DomainError as error:
        return _page(
            request,
            selectors.access_contract(request.user, contract_id),
            draft_form=form,
            milestone_formset=formset,
            error=str(error.message),
            error_target="draft",
            status=error.status,
        )
    messages.success(request, _("The draft is saved."))
    return redirect("contracts:contract", contract_id=contract.pk)


@login_required
@require_POST
def contract_sign(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _page(request, contract, sign_form=form, status=400)
    try:
        services.sign_contract(contract.pk, actor=request.user, otp_token=form.cleaned_data["otp_token"])
    except DomainError as error:
        return _page(
            request,
            selectors.access_contract(request.user, contract_id),
            error=str(error.message),
            error_target="sign",
            status=error.status,
        )
    messages.success(request, _("Your signature is on the contract."))
    return redirect("contracts:contract", contract_id=contract.pk)


@login_required
@require_POST
def contract_publish(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    try:
        services.publish_contract(contract.pk, actor=request.user)
    except DomainError as error:
        return _page(
            request,
            selectors.access_contract(request.user, contract_id),
            error=str(error.message),
            error_target="publish",
            status=error.status,
        )
    messages.success(request, _("The contract notice is published."))
    return redirect("contracts:contract", contract_id=contract.pk)


@login_required
@require_POST
def lot_draft(request: HttpRequest, lot_id: int) -> HttpResponse:
    contract = services.draft_contract(lot_id, actor=request.user)
    return redirect("contracts:contract", contract_id=contract.pk)


@login_required
@require_POST
def supplement_new(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    form = SupplementForm(request.POST)
    if not form.is_valid():
        return _page(request, contract, supplement_form=form, error_target="supplement", status=400)
    try:
        services.draft_supplement(contract.pk, actor=request.user, **form.cleaned_data)
    except DomainError as error:
        return _page(
            request,
            selectors.access_contract(request.user, contract_id),
            supplement_form=form,
            error=str(error.message),
            error_target="supplement",
            status=error.status,
        )
    messages.success(request, _("The supplementary agreement is drafted: both parties sign it next."))
    return redirect("contracts:contract", contract_id=contract.pk)


@login_required
@require_POST
def supplement_sign(request: HttpRequest, supplement_id: int) -> HttpResponse:
    supplement = selectors.access_supplement(request.user, supplement_id)
    form = SignForm(request.POST)
    contract_id = supplement.contract_id
    if not form.is_valid():
        return _page(
            request,
            supplement.contract,
            error_target="supplement",
            status=400,
            error=_("Enter the 6-digit code."),
        )
    try:
        services.sign_supplement(supplement.pk, actor=request.user, otp_token=form.cleaned_data["otp_token"])
    except DomainError as error:
        return _page(
            request,
            selectors.access_contract(request.user, contract_id),
            error=str(error.message),
            error_target="supplement",
            status=error.status,
        )
    messages.success(request, _("Your signature is on the supplementary agreement."))
    return redirect("contracts:contract", contract_id=contract_id)


def _pdf_response(content, filename: str) -> FileResponse:
    response = FileResponse(content, as_attachment=False, filename=filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def contract_pdf(request: HttpRequest, contract_id: int) -> FileResponse:
    """The signed contract (both signatures): the parties, the agency officers, the regulators."""
    contract = selectors.access_contract(request.user, contract_id)
    if contract.status == Contract.Status.DRAFT or not contract.pdf:
        raise ContractNotFound(_("The contract is not signed yet."))
    return _pdf_response(contract.pdf.open("rb"), f"contract-{contract.reference}.pdf")


@login_required
@require_GET
def draft_pdf(request: HttpRequest, contract_id: int) -> FileResponse:
    """The draft as it would be signed now, or the document as signed so far."""
    import io

    contract = selectors.access_contract(request.user, contract_id)
    if contract.pdf:
        return _pdf_response(contract.pdf.open("rb"), f"contract-{contract.reference}.pdf")
    return _pdf_response(
        io.BytesIO(documents.render_contract_pdf(contract)), f"draft-{contract.reference}.pdf"
    )


@login_required
@require_GET
def supplement_pdf(request: HttpRequest, supplement_id: int) -> FileResponse:
    import io

    supplement = selectors.access_supplement(request.user, supplement_id)
    if supplement.pdf:
        return _pdf_response(supplement.pdf.open("rb"), f"supplement-{supplement}.pdf")
    return _pdf_response(
        io.BytesIO(documents.render_supplement_pdf(supplement)), f"draft-supplement-{supplement}.pdf"
    )


@require_safe
def ca_certificate(request: HttpRequest) -> HttpResponse:
    """The platform CA's root certificate (public): a PDF reader trusts it to verify contracts."""
    response = HttpResponse(certificates.ca_certificate_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="sunlight-signing-ca.pem"'
    return response
