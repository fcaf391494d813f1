"""Every write of the suppliers app: registration, review, qualifications, alerts and downloads.

Each public service is one transaction: lock, check the policy and the transition table, change,
audit last (audit.services.record_event holds the chain lock until commit), side effects on commit.
Input is validated again here (the forms and serializers validated it at the edge): a refused
request raises a domain error and writes nothing, neither rows nor files.
"""

import datetime
import logging
from decimal import Decimal, InvalidOperation

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as uscc_module

from accounts import services as accounts_services
from accounts.models import Membership, Organisation, Role, User, validate_region_code, validate_uscc
from audit.diff import changes, snapshot
from audit.services import record_event
from common.uploads import UploadRejected, check_upload
from procurement import selectors as procurement_selectors
from procurement.models import Category, Notice, QualificationKind
from rulebook.selectors import rule_int

from . import policies, selectors
from .exceptions import (
    CommentRequired,
    DuplicateUscc,
    InvalidRegistration,
    InvalidTransition,
    NotEditable,
    NotReviewer,
    NotSupplierRepresentative,
)
from .models import (
    DocumentDownload,
    NoticeAlert,
    Qualification,
    SupplierProfile,
    can_transition,
)

logger = logging.getLogger(__name__)

PDF_ONLY = {".pdf": frozenset({"application/pdf"})}
PROFILE_LINK = "/suppliers/profile/"

# The registration details a representative fills in and may change while it is under review.
DETAIL_FIELDS = (
    "legal_representative",
    "registered_capital",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
    "enterprise_size",
    "special_status",
    "bank_name",
    "bank_account_name",
    "bank_account_number",
    "categories",
    "regions",
)
ORGANISATION_FIELDS = ("name_zh", "name_en", "region_code")
PROFILE_AUDITED_FIELDS = (*DETAIL_FIELDS, "commitment_letter_sha256", "status")
QUALIFICATION_FIELDS = ("kind", "number", "issued_on", "expires_on")


# --- Validation -------------------------------------------------------------------------------------


def _add(errors: dict, field: str, message) -> None:
    errors.setdefault(field, []).append(message)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else value


def _check_file(errors: dict, field: str, upload, *, required: bool) -> str | None:
    """The upload's SHA-256 if it is a genuine PDF; else a message under `field`."""
    if upload in (None, ""):
        if required:
            _add(errors, field, _("Upload this document (PDF)."))
        return None
    if not hasattr(upload, "read") or not hasattr(upload, "size"):
        _add(errors, field, _("Upload a PDF file here."))
        return None
    try:
        return check_upload(upload, types=PDF_ONLY)
    except UploadRejected as error:
        _add(errors, field, error.message)
        return None


def _clean_codes(errors: dict, field: str, values, allowed=None, validator=None) -> list[str]:
    if values in (None, ""):
        return []
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        _add(errors, field, _("Give a list of codes."))
        return []
    cleaned = []
    for value in values:
        if not isinstance(value, str):
            _add(errors, field, _("Give a list of codes."))
            return []
        value = value.strip()
        if allowed is not None and value not in allowed:
            _add(errors, field, format_lazy(_("“{value}” is not one of the choices."), value=value))
            continue
        if validator is not None:
            try:
                validator(value)
            except ValidationError as error:
                for message in error.messages:
                    _add(errors, field, message)
                continue
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


def _clean_details(errors: dict, profile: SupplierProfile, details: dict) -> None:
    """Set the details on the (unsaved or locked) profile and collect the field errors."""
    for field in DETAIL_FIELDS:
        if field not in details:
            continue
        value = details[field]
        if field == "categories":
            value = _clean_codes(errors, field, value, allowed=set(Category.values))
        elif field == "regions":
            value = _clean_codes(errors, field, value, validator=validate_region_code)
        elif field == "registered_capital":
            try:
                value = Decimal(str(value).strip()) if value not in (None, "") else None
            except (InvalidOperation, ValueError):
                _add(errors, field, _("The registered capital is an amount of yuan, e.g. 5000000.00."))
                continue
            if value is not None and (value < 0 or value != value.quantize(Decimal("0.01"))):
                _add(errors, field, _("The registered capital is an amount of yuan, e.g. 5000000.00."))
                continue
        elif value is not None and not isinstance(value, str):
            _add(errors, field, _("Enter text here."))
            continue
        else:
            value = _text(value)
        setattr(profile, field, value)
    try:
        profile.clean_fields(
            exclude=["organisation", "commitment_letter", "sme_declaration", "commitment_letter_sha256"]
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if field not in errors:
                for message in messages:
                    _add(errors, field, message)


def _clean_qualification(errors: dict, prefix: str, row: dict) -> Qualification | None:
    if not isinstance(row, dict):
        _add(errors, prefix, _("A qualification is a licence with its number, dates and scan."))
        return None
    before = len(errors)
    qualification = Qualification(
        kind=_text(row.get("kind")),
        number=_text(row.get("number")),
        issued_on=row.get("issued_on"),
        expires_on=row.get("expires_on"),
    )
    for field in ("kind", "number"):
        if not isinstance(getattr(qualification, field), str):
            _add(errors, f"{prefix}.{field}", _("Enter text here."))
    if len(errors) == before:
        try:
            qualification.clean_fields(exclude=["supplier", "document", "sha256", "status", "warned_on"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    _add(errors, f"{prefix}.{field}", message)
    if (
        isinstance(qualification.issued_on, datetime.date)
        and isinstance(qualification.expires_on, datetime.date)
        and qualification.expires_on <= qualification.issued_on
    ):
        _add(errors, f"{prefix}.expires_on", _("A licence expires after the day it was issued."))
    sha256 = _check_file(errors, f"{prefix}.document", row.get("document"), required=True)
    if len(errors) != before:
        return None
    qualification.sha256 = sha256
    qualification.document = row["document"]
    return qualification


def _normalise_uscc(value) -> str:
    return uscc_module.compact(value) if isinstance(value, str) else ""


# --- Registration ----------------------------------------------------------------------------------


@transaction.atomic
def register_supplier(
    *,
    name_zh,
    name_en,
    uscc,
    region_code,
    username,
    password,
    email,
    representative_name,
    representative_name_en="",
    preferred_language="zh-hans",
    commitment_letter=None,
    sme_declaration=None,
    qualifications=(),
    ip_address: str = "",
    **details,
) -> SupplierProfile:
    """A supplier registers itself and its first representative (no login): the organisation
    (kind supplier, one per unified social credit code), the representative with a password and
    the supplier-representative role, and the registration awaiting review, with its
    qualifications. Every field is checked first; any error refuses the whole registration."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise InvalidRegistration(
            {field: [_("This field is not part of a registration.")] for field in unknown}
        )
    errors: dict = {}
    code = _normalise_uscc(uscc)
    try:
        validate_uscc(code)
    except ValidationError as error:
        for message in error.messages:
            _add(errors, "uscc", message)
    organisation = Organisation(
        kind=Organisation.Kind.SUPPLIER,
        name_zh=_text(name_zh) if isinstance(name_zh, str) else "",
        name_en=_text(name_en) if isinstance(name_en, str) else "",
        uscc=code,
        region_code=_text(region_code) if isinstance(region_code, str) else "",
    )
    try:
        organisation.clean_fields(exclude=["uscc", "parent"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                _add(errors, field, message)
    profile = SupplierProfile(status=SupplierProfile.Status.PENDING)
    missing = [
        field for field in DETAIL_FIELDS if field not in details and field not in ("categories", "regions")
    ]
    for field in missing:
        if field != "special_status":
            _add(errors, field, _("This field is required."))
    _clean_details(errors, profile, details)
    user = User(
        username=_text(username) if isinstance(username, str) else "",
        email=_text(email) if isinstance(email, str) else "",
        first_name=_text(representative_name) if isinstance(representative_name, str) else "",
        name_en=_text(representative_name_en) if isinstance(representative_name_en, str) else "",
        preferred_language=preferred_language if preferred_language in ("zh-hans", "en") else "zh-hans",
    )
    if not user.first_name:
        _add(errors, "representative_name", _("This field is required."))
    try:
        user.clean_fields(exclude=["password", "active_membership"])
        user.validate_unique()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                _add(errors, field, message)
    if not isinstance(password, str) or not password:
        _add(errors, "password", _("Choose a password."))
    else:
        try:
            validate_password(password, user)
        except ValidationError as error:
            for message in error.messages:
                _add(errors, "password", message)
    letter_sha256 = _check_file(errors, "commitment_letter", commitment_letter, required=True)
    _check_file(errors, "sme_declaration", sme_declaration, required=profile.is_small_or_micro)
    if isinstance(qualifications, (str, bytes, dict)) or not hasattr(qualifications, "__iter__"):
        _add(errors, "qualifications", _("Give a list of qualifications."))
        qualifications = ()
    rows = [_clean_qualification(errors, f"qualifications.{i}", row) for i, row in enumerate(qualifications)]
    if errors:
        raise InvalidRegistration(errors)
    if Organisation.objects.filter(uscc=code).exists():
        raise DuplicateUscc()

    try:
        with transaction.atomic():
            organisation = accounts_services.create_organisation(
                actor=None,
                kind=Organisation.Kind.SUPPLIER,
                name_zh=organisation.name_zh,
                name_en=organisation.name_en,
                uscc=code,
                region_code=organisation.region_code,
            )
    except IntegrityError:  # registered meanwhile by a concurrent request
        raise DuplicateUscc() from None
    user.set_password(password)
    user.save()
    membership = accounts_services.save_membership(
        Membership(user=user, organisation=organisation, role=Role.SUPPLIER_REPRESENTATIVE), actor=user
    )
    user.active_membership = membership
    user.save(update_fields=["active_membership"])
    accounts_services.set_organisation_manager(membership, manager=True, actor=user)
    profile.organisation = organisation
    profile.commitment_letter = commitment_letter
    profile.commitment_letter_sha256 = letter_sha256
    if sme_declaration:
        profile.sme_declaration = sme_declaration
    profile.save()
    for qualification in rows:
        qualification.supplier = profile
        qualification.save()
    record_event(
        "suppliers.registered",
        actor=user,
        organisation=organisation,
        target=profile,
        data={
            **snapshot(profile, PROFILE_AUDITED_FIELDS),
            "uscc": code,
            "representative": user.pk,
            "qualifications": [
                {"kind": q.kind, "number": q.number, "expires_on": q.expires_on, "sha256": q.sha256}
                for q in rows
            ],
            "ip": ip_address,
        },
    )
    transaction.on_commit(lambda: _notify_reviewers_later(profile.pk))
    return profile


def _notify_reviewers_later(profile_id: int) -> None:
    """Tell the regulators of the supplier's region that a registration awaits them."""
    profile = SupplierProfile.objects.select_related("organisation").filter(pk=profile_id).first()
    if profile is None:
        return
    region = profile.organisation.region_code
    prefixes = {region[:2] + "0000", region[:4] + "00", region}
    reviewers = User.objects.filter(
        is_active=True,
        memberships__role=Role.REGULATOR,
        memberships__is_active=True,
        memberships__organisation__region_code__in=prefixes,
    ).distinct()
    name_zh, name_en = profile.organisation.name_zh, profile.organisation.name_en
    accounts_services.notify(
        list(reviewers),
        subject=format_lazy(
            _("A supplier registration awaits review: {name}"), name=_LazyName(name_zh, name_en)
        ),
        link=f"/suppliers/review/{profile.pk}/",
        email=False,
    )


class _LazyName:
    """A name stored in both languages that renders in the language of the moment."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en

    def __str__(self) -> str:
        from common.i18n import in_english

        return self.en if in_english() and self.en else self.zh

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _own_profile_locked(actor: User, profile_id) -> SupplierProfile:
    profile = selectors.access_profile(actor, profile_id, lock=True)
    if not policies.is_representative_of(actor, profile):
        raise NotSupplierRepresentative()
    return profile


@transaction.atomic
def update_registration(
    profile_id: int, *, actor: User, commitment_letter=None, sme_declaration=None, **fields
) -> SupplierProfile:
    """The representative corrects the registration while it awaits review or changes are asked;
    a registration returned for changes goes back to review (pending)."""
    profile = _own_profile_locked(actor, profile_id)
    if not profile.is_editable:
        raise NotEditable()
    unknown = set(fields) - set(DETAIL_FIELDS) - set(ORGANISATION_FIELDS)
    if unknown:
        raise InvalidRegistration({field: [_("This field cannot be changed here.")] for field in unknown})
    errors: dict = {}
    before = snapshot(profile, PROFILE_AUDITED_FIELDS)
    _clean_details(errors, profile, {k: v for k, v in fields.items() if k in DETAIL_FIELDS})
    organisation = profile.organisation
    organisation_changes = {}
    for field in ORGANISATION_FIELDS:
        if field in fields:
            value = fields[field]
            if not isinstance(value, str) or not value.strip():
                _add(errors, field, _("This field is required."))
                continue
            organisation_changes[field] = value.strip()
            if field == "region_code":
                try:
                    validate_region_code(value.strip())
                except ValidationError as error:
                    for message in error.messages:
                        _add(errors, field, message)
    letter_sha256 = _check_file(errors, "commitment_letter", commitment_letter, required=False)
    declaration_sha256 = _check_file(
        errors,
        "sme_declaration",
        sme_declaration,
        required=profile.is_small_or_micro and not profile.sme_declaration,
    )
    if errors:
        raise InvalidRegistration(errors)
    if organisation_changes:
        accounts_services.update_organisation(organisation, actor=actor, **organisation_changes)
    update_fields = [field for field in DETAIL_FIELDS if field in fields]
    if letter_sha256:
        profile.commitment_letter = commitment_letter
        profile.commitment_letter_sha256 = letter_sha256
        update_fields += ["commitment_letter", "commitment_letter_sha256"]
    if declaration_sha256:
        profile.sme_declaration = sme_declaration
        update_fields.append("sme_declaration")
    resubmitted = profile.status == SupplierProfile.Status.CHANGES_REQUESTED
    if resubmitted:
        profile.status = SupplierProfile.Status.PENDING
        update_fields.append("status")
    profile.save(update_fields=[*update_fields, "updated_at"])
    record_event(
        "suppliers.registration_resubmitted" if resubmitted else "suppliers.registration_changed",
        actor=actor,
        organisation=organisation,
        target=profile,
        data={
            "changes": changes(before, snapshot(profile, PROFILE_AUDITED_FIELDS)),
            "organisation": organisation_changes,
            "sme_declaration_sha256": declaration_sha256 or "",
        },
    )
    return profile


@transaction.atomic
def add_qualification(
    profile_id: int, *, actor: User, kind, number, issued_on, expires_on, document
) -> Qualification:
    """The representative adds a licence or certificate with its scan (a renewed one too)."""
    profile = _own_profile_locked(actor, profile_id)
    if profile.status == SupplierProfile.Status.REJECTED:
        raise InvalidTransition()
    errors: dict = {}
    row = {
        "kind": kind,
        "number": number,
        "issued_on": issued_on,
        "expires_on": expires_on,
        "document": document,
    }
    qualification = _clean_qualification(errors, "qualification", row)
    if errors:
        raise InvalidRegistration(
            {key.removeprefix("qualification."): value for key, value in errors.items()}
        )
    qualification.supplier = profile
    qualification.save()
    record_event(
        "suppliers.qualification_added",
        actor=actor,
        organisation=profile.organisation,
        target=qualification,
        data={**snapshot(qualification, QUALIFICATION_FIELDS), "sha256": qualification.sha256},
    )
    return qualification


# --- Review ------------------------------------------------------------------------------------------

DECISION_SUBJECTS = {
    SupplierProfile.Status.APPROVED: _("Your supplier registration is approved"),
    SupplierProfile.Status.CHANGES_REQUESTED: _("Your supplier registration needs changes"),
    SupplierProfile.Status.REJECTED: _("Your supplier registration is rejected"),
    SupplierProfile.Status.SUSPENDED: _("Your supplier registration is suspended"),
}


def _review(profile_id, *, actor: User, target: str, action: str, comment: str, comment_required: bool):
    profile = selectors.access_profile(actor, profile_id, lock=True)
    if not policies.can_review_supplier(actor, profile):
        raise NotReviewer()
    if not can_transition(profile.status, target):
        raise InvalidTransition()
    comment = comment.strip() if isinstance(comment, str) else ""
    if comment_required and not comment:
        raise CommentRequired()
    previous = profile.status
    profile.status = target
    profile.review_comment = comment
    profile.reviewed_by = actor
    profile.reviewed_at = timezone.now()
    profile.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"])
    record_event(
        action,
        actor=actor,
        organisation=profile.organisation,
        target=profile,
        data={"from": previous, "to": target, "comment": comment},
    )
    recipients = list(selectors.representatives_of([profile.organisation_id]))
    subject = DECISION_SUBJECTS.get(target, _("Your supplier registration is approved again"))
    if previous == SupplierProfile.Status.SUSPENDED:
        subject = _("Your supplier registration is approved again")
    accounts_services.notify(recipients, subject=subject, body=comment, link=PROFILE_LINK)
    return profile


@transaction.atomic
def approve_supplier(profile_id: int, *, actor: User, comment: str = "") -> SupplierProfile:
    """Approve a registration awaiting review: the supplier may bid, and gets its credit record."""
    from credit.services import ensure_credit_record

    profile = _review(
        profile_id,
        actor=actor,
        target=SupplierProfile.Status.APPROVED,
        action="suppliers.approved",
        comment=comment,
        comment_required=False,
    )
    ensure_credit_record(profile.organisation)
    return profile


@transaction.atomic
def request_changes(profile_id: int, *, actor: User, comment: str) -> SupplierProfile:
    return _review(
        profile_id,
        actor=actor,
        target=SupplierProfile.Status.CHANGES_REQUESTED,
        action="suppliers.changes_requested",
        comment=comment,
        comment_required=True,
    )


@transaction.atomic
def reject_supplier(profile_id: int, *, actor: User, comment: str) -> SupplierProfile:
    return _review(
        profile_id,
        actor=actor,
        target=SupplierProfile.Status.REJECTED,
        action="suppliers.rejected",
        comment=comment,
        comment_required=True,
    )


@transaction.atomic
def suspend_supplier(profile_id: int, *, actor: User, reason: str) -> SupplierProfile:
    return _review(
        profile_id,
        actor=actor,
        target=SupplierProfile.Status.SUSPENDED,
        action="suppliers.suspended",
        comment=reason,
        comment_required=True,
    )


@transaction.atomic
def reinstate_supplier(profile_id: int, *, actor: User, comment: str = "") -> SupplierProfile:
    from credit.services import ensure_credit_record

    profile = _review(
        profile_id,
        actor=actor,
        target=SupplierProfile.Status.APPROVED,
        action="suppliers.reinstated",
        comment=comment,
        comment_required=False,
    )
    ensure_credit_record(profile.organisation)
    return profile


# --- Qualification expiry (beat, daily) ----------------------------------------------------------


def _today(on) -> datetime.date:
    if on is None:
        return timezone.localdate()
    if isinstance(on, str):
        return datetime.date.fromisoformat(on)
    return on


def _expiry_subject(qualification: Qualification, template):
    return format_lazy(
        template,
        licence=dict(QualificationKind.choices).get(qualification.kind, qualification.kind),
        number=qualification.number,
        day=qualification.expires_on.isoformat(),
    )


@transaction.atomic
def warn_expiring_qualifications(on=None) -> int:
    """Warn the representatives of each supplier whose valid qualification expires within
    the rulebook's supplier.qualification_warning_days (once per qualification). Safe to run twice.
    Returns the number warned."""
    day = _today(on)
    warning_days = rule_int("supplier.qualification_warning_days", on=day)
    due = list(
        Qualification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("supplier")
        .filter(
            status=Qualification.Status.VALID,
            warned_on__isnull=True,
            expires_on__gt=day,
            expires_on__lte=day + datetime.timedelta(days=warning_days),
        )
        .order_by("pk")
    )
    if not due:
        return 0
    Qualification.objects.filter(pk__in=[q.pk for q in due]).update(warned_on=day, updated_at=timezone.now())
    representatives = _representatives_by_supplier({q.supplier.organisation_id for q in due})
    for qualification in due:
        record_event(
            "suppliers.qualification_expiry_warned",
            actor=None,
            organisation=qualification.supplier.organisation,
            target=qualification,
            data={"kind": qualification.kind, "expires_on": qualification.expires_on, "on": day},
        )
        accounts_services.notify(
            representatives.get(qualification.supplier.organisation_id, []),
            subject=_expiry_subject(qualification, _("{licence} {number} expires on {day}")),
            body=_(
                "Upload the renewed licence on your registration page before it lapses: without it "
                "you cannot bid where it is required."
            ),
            link=PROFILE_LINK,
        )
    return len(due)


@transaction.atomic
def lapse_expired_qualifications(on=None) -> int:
    """On its expiry date a qualification lapses; its supplier's representatives are told. Safe to
    run twice (a lapsed one is not touched again). Returns the number lapsed."""
    day = _today(on)
    due = list(
        Qualification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("supplier")
        .filter(status=Qualification.Status.VALID, expires_on__lte=day)
        .order_by("pk")
    )
    if not due:
        return 0
    Qualification.objects.filter(pk__in=[q.pk for q in due], status=Qualification.Status.VALID).update(
        status=Qualification.Status.LAPSED, updated_at=timezone.now()
    )
    representatives = _representatives_by_supplier({q.supplier.organisation_id for q in due})
    for qualification in due:
        record_event(
            "suppliers.qualification_lapsed",
            actor=None,
            organisation=qualification.supplier.organisation,
            target=qualification,
            data={"kind": qualification.kind, "expires_on": qualification.expires_on, "on": day},
        )
        accounts_services.notify(
            representatives.get(qualification.supplier.organisation_id, []),
            subject=_expiry_subject(qualification, _("{licence} {number} lapsed on {day}")),
            body=_("Upload the renewed licence on your registration page."),
            link=PROFILE_LINK,
        )
    return len(due)


def _representatives_by_supplier(organisation_ids) -> dict[int, list[User]]:
    memberships = Membership.objects.filter(
        organisation_id__in=list(organisation_ids),
        role=Role.SUPPLIER_REPRESENTATIVE,
        is_active=True,
        user__is_active=True,
    ).select_related("user")
    found: dict[int, list[User]] = {}
    for membership in memberships:
        found.setdefault(membership.organisation_id, []).append(membership.user)
    return found


# --- Alerts: subscriptions and clarifications ----------------------------------------------------


def _alert(notice: Notice, organisation_ids: list[int], subject) -> int:
    """Notify the representatives of each supplier not yet alerted of the notice; returns how
    many suppliers were alerted now. The notice row is locked so two runs cannot both send."""
    Notice.objects.select_for_update().filter(pk=notice.pk).first()
    already = set(NoticeAlert.objects.filter(notice=notice).values_list("supplier_id", flat=True))
    fresh = [pk for pk in organisation_ids if pk not in already]
    if not fresh:
        return 0
    NoticeAlert.objects.bulk_create([NoticeAlert(notice=notice, supplier_id=pk) for pk in fresh])
    accounts_services.notify(
        list(selectors.representatives_of(fresh)),
        subject=subject,
        body=_LazyName(notice.title_zh, notice.title_en),
        link=f"/notices/{notice.pk}/",
    )
    return len(fresh)


# The notices that announce an opportunity to the suppliers subscribed to its category or region.
SUBSCRIPTION_KINDS = frozenset({Notice.Kind.INTENTION, Notice.Kind.TENDER, Notice.Kind.SINGLE_SOURCE})


def _published_notice(notice_id) -> Notice | None:
    return Notice.objects.select_related("project").filter(pk=notice_id).first()


@transaction.atomic
def notify_subscribers(notice_id: int) -> int:
    """A notice was published: approved suppliers subscribed to its category or region are told of
    a new opportunity (SUBSCRIPTION_KINDS); a correction notice goes to the suppliers that
    downloaded the documents instead; other notices (opening records, results) to no one here. Does
    nothing for a notice not yet out (a scheduled one: the task comes back) or already alerted."""
    notice = _published_notice(notice_id)
    if notice is None or notice.published_at > timezone.now():
        return 0
    if notice.kind == Notice.Kind.CORRECTION:
        return _alert_downloaders(notice)
    if notice.kind not in SUBSCRIPTION_KINDS:
        return 0
    subject = format_lazy(
        _("New notice in your subscriptions: {title}"), title=_LazyName(notice.title_zh, notice.title_en)
    )
    return _alert(notice, selectors.subscribers_of(notice), subject)


def _alert_downloaders(notice: Notice) -> int:
    subject = format_lazy(
        _("Clarification of a tender you downloaded: {title}"),
        title=_LazyName(notice.title_zh, notice.title_en),
    )
    return _alert(notice, selectors.downloaders_of(notice.project_id), subject)


@transaction.atomic
def notify_clarification(notice_id: int) -> int:
    """A clarification (correction notice) was published: every supplier that downloaded the
    project's documents is told, once."""
    notice = _published_notice(notice_id)
    if notice is None or notice.published_at > timezone.now():
        return 0
    return _alert_downloaders(notice)


# --- Downloads ---------------------------------------------------------------------------------------


@transaction.atomic
def record_download(notice_id, *, actor: User, ip_address: str = "", user_agent: str = ""):
    """A signed-in supplier representative downloads the tender documents of a published notice:
    the download is recorded (who, which version, from which address) and the document returned
    for the view to serve. 404 for a notice without published documents."""
    from procurement.exceptions import DocumentNotFound

    if not policies.is_supplier_representative(actor):
        raise NotSupplierRepresentative()
    notice = procurement_selectors.access_public_notice(notice_id)
    if notice.document_id is None:
        raise DocumentNotFound()
    document = procurement_selectors.public_document(notice.document_id)
    if not document.pdf:
        raise DocumentNotFound()
    organisation = actor.active_membership.organisation
    try:
        from ipaddress import ip_address as parse_ip

        address = str(parse_ip(ip_address)) if ip_address else None
    except ValueError:
        address = None
    download = DocumentDownload.objects.create(
        supplier=organisation,
        tender_document=document,
        user=actor,
        ip_address=address,
        user_agent=(user_agent or "")[:500],
    )
    record_event(
        "suppliers.documents_downloaded",
        actor=actor,
        organisation=organisation,
        target=download,
        data={"notice": notice.pk, "document": document.pk, "version": document.version, "ip": address or ""},
    )
    return document
