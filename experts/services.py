"""Every write of the expert pool: registration, the expert's profile, declarations and unavailable
periods, and the keepers' review (approve, reject, suspend, reinstate). The draw's writes live in
experts/draw.py and experts/panels.py.

Each public service is one transaction: lock, check the policy and PROFILE_TRANSITIONS, change,
audit last (audit.services.record_event holds the chain lock until commit), side effects on commit.
Input is validated again here (forms and serializers validated it at the edge): a refused request
raises a domain error and writes nothing.
"""

import datetime
import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as uscc_module

from accounts import services as accounts_services
from accounts.models import Membership, Role, User, validate_region_code, validate_uscc
from audit.diff import changes, snapshot
from audit.services import record_event

from . import policies, selectors
from .exceptions import (
    InvalidExpertData,
    InvalidTransition,
    NoPool,
    NotReviewer,
    NotTheExpert,
    ReasonRequired,
)
from .models import Declaration, ExpertProfile, Unavailability, can_transition_profile

PROFILE_LINK = "/experts/profile/"
Status = ExpertProfile.Status

# What the expert (or the registering regulator) fills in, and the expert may change later.
PROFILE_FIELDS = (
    "name_zh",
    "name_en",
    "professional_title",
    "years_of_experience",
    "employer_name",
    "employer_uscc",
    "region_code",
    "specialties",
    "phone",
)
REQUIRED_PROFILE_FIELDS = (
    "name_zh",
    "professional_title",
    "years_of_experience",
    "employer_name",
    "employer_uscc",
    "region_code",
    "specialties",
)
PROFILE_AUDITED_FIELDS = (*PROFILE_FIELDS, "status")
DECLARATION_FIELDS = (
    "kind",
    "organisation_name",
    "organisation_uscc",
    "relative_name",
    "relationship",
    "started_on",
    "ended_on",
)
UNAVAILABILITY_FIELDS = ("starts_on", "ends_on", "reason")

# Province-level prefixes of the administrative division codes (GB/T 2260).
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 "
    "71 81 82".split()
)
# A catalogue code or one of its broader codes: a letter (goods, works, services), then pairs of digits.
SPECIALTY_RE = re.compile(r"^[ABC](?:[0-9]{2}){1,5}$")
PHONE_RE = re.compile(r"^[0-9+][0-9 ()+-]{4,29}$")
MAX_SPECIALTIES = 20
MAX_YEARS = 70


# --- Validation -------------------------------------------------------------------------------------


def _add(errors: dict, field: str, message) -> None:
    errors.setdefault(field, []).append(message)


def _text(value) -> str | None:
    """The stripped string, "" for None, None for anything that is not text."""
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else None


def _messages(errors: dict, field: str, error: ValidationError) -> None:
    for message in error.messages:
        _add(errors, field, message)


def clean_region(value) -> str:
    """A known six-digit administrative region code, or ValidationError."""
    code = _text(value) or ""
    validate_region_code(code)
    if code[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(
            format_lazy(_("“{code}” is not a region of the administrative division codes."), code=code),
            code="unknown_region",
        )
    return code


def clean_specialty(value) -> str:
    code = (_text(value) or "").upper()
    if not SPECIALTY_RE.match(code):
        raise ValidationError(
            format_lazy(
                _(
                    "“{code}” is not a code of the procurement catalogue: a letter A, B or C and pairs "
                    "of digits, e.g. A02 or A02010104."
                ),
                code=value,
            ),
            code="invalid_specialty",
        )
    return code


def clean_uscc(value) -> str:
    code = uscc_module.compact(value) if isinstance(value, str) else ""
    validate_uscc(code)
    return code


def _clean_years(errors: dict, value):
    if isinstance(value, int) and not isinstance(value, bool):
        years = value
    elif isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]+\s*", value):
        years = int(value)
    else:
        _add(errors, "years_of_experience", _("Enter the years of experience as a whole number."))
        return None
    if years < 0:
        _add(errors, "years_of_experience", _("The years of experience cannot be negative."))
        return None
    if years > MAX_YEARS:
        _add(
            errors,
            "years_of_experience",
            format_lazy(_("The years of experience cannot be more than {most}."), most=MAX_YEARS),
        )
        return None
    return years


def _clean_specialties(errors: dict, values) -> list[str] | None:
    if isinstance(values, str):
        values = [part for part in re.split(r"[\s,，;；]+", values) if part]
    if not isinstance(values, (list, tuple)):
        _add(errors, "specialties", _("Give a list of catalogue codes."))
        return None
    cleaned: list[str] = []
    for value in values:
        if not isinstance(value, str):
            _add(errors, "specialties", _("Give a list of catalogue codes."))
            return None
        try:
            code = clean_specialty(value)
        except ValidationError as error:
            _messages(errors, "specialties", error)
            continue
        if code not in cleaned:
            cleaned.append(code)
    if not cleaned and "specialties" not in errors:
        _add(errors, "specialties", _("Give at least one specialty (a catalogue code)."))
    if len(cleaned) > MAX_SPECIALTIES:
        _add(
            errors,
            "specialties",
            format_lazy(_("Give at most {most} specialties."), most=MAX_SPECIALTIES),
        )
    return cleaned if "specialties" not in errors else None


def _clean_profile(errors: dict, profile: ExpertProfile, fields: dict, *, required: bool) -> None:
    """Set the given fields on the (unsaved or locked) profile and collect the field errors."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    for field in sorted(unknown):
        _add(errors, field, _("This field cannot be set here."))
    if required:
        for field in REQUIRED_PROFILE_FIELDS:
            if fields.get(field) in (None, "", [], ()):
                _add(errors, field, _("This field is required."))
    for field in PROFILE_FIELDS:
        if field not in fields or field in errors:
            continue
        value = fields[field]
        if field == "years_of_experience":
            value = _clean_years(errors, value)
        elif field == "specialties":
            value = _clean_specialties(errors, value)
        elif field == "region_code":
            try:
                value = clean_region(value)
            except ValidationError as error:
                _messages(errors, field, error)
                continue
        elif field == "employer_uscc":
            try:
                value = clean_uscc(value)
            except ValidationError as error:
                _messages(errors, field, error)
                continue
        else:
            value = _text(value)
            if value is None:
                _add(errors, field, _("Enter text here."))
                continue
            if field in REQUIRED_PROFILE_FIELDS and not value:
                _add(errors, field, _("This field is required."))
                continue
            if field == "phone" and value and not PHONE_RE.match(value):
                _add(errors, field, _("A telephone number has digits (spaces, +, - and brackets allowed)."))
                continue
        if field not in errors:
            setattr(profile, field, value)
    try:
        profile.clean_fields(exclude=["user", "reviewed_by", "status", "specialties", "years_of_experience"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if field not in errors and field in fields:
                for message in messages:
                    _add(errors, field, message)


def _date(errors: dict, field: str, value, *, required: bool):
    if value in (None, ""):
        if required:
            _add(errors, field, _("Enter a date."))
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    _add(errors, field, _("Enter a date like 2026-03-01."))
    return None


def _clean_declaration(errors: dict, declaration: Declaration, fields: dict) -> None:
    unknown = set(fields) - set(DECLARATION_FIELDS)
    for field in sorted(unknown):
        _add(errors, field, _("This field cannot be set here."))
    if "kind" in fields:
        if fields["kind"] not in Declaration.Kind.values:
            _add(errors, "kind", _("Choose what you declare: employment, a seat, control or a relative."))
        else:
            declaration.kind = fields["kind"]
    if "organisation_name" in fields:
        name = _text(fields["organisation_name"])
        if not name:
            _add(errors, "organisation_name", _("Name the organisation."))
        else:
            declaration.organisation_name = name
    if "organisation_uscc" in fields:
        try:
            declaration.organisation_uscc = clean_uscc(fields["organisation_uscc"])
        except ValidationError as error:
            _messages(errors, "organisation_uscc", error)
    for field in ("relative_name", "relationship"):
        if field in fields:
            value = _text(fields[field])
            if value is None:
                _add(errors, field, _("Enter text here."))
            else:
                setattr(declaration, field, value)
    for field in ("started_on", "ended_on"):
        if field in fields:
            value = _date(errors, field, fields[field], required=False)
            if field not in errors:
                setattr(declaration, field, value)
    if declaration.kind == Declaration.Kind.RELATIVE:
        if not declaration.relative_name and "relative_name" not in errors:
            _add(errors, "relative_name", _("Name the relative."))
        if not declaration.relationship and "relationship" not in errors:
            _add(errors, "relationship", _("Say how they are related to you, e.g. spouse or sibling."))
    elif declaration.kind:
        declaration.relative_name = declaration.relationship = ""
    started, ended = declaration.started_on, declaration.ended_on
    if started and ended and ended < started and "ended_on" not in errors:
        _add(errors, "ended_on", _("The end cannot be before the start."))
    if started and started > timezone.localdate() and "started_on" not in errors:
        _add(
            errors,
            "started_on",
            _("A declaration is about the past and the present: the start cannot be in the future."),
        )
    try:
        declaration.clean_fields(exclude=["expert"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if field not in errors:
                for message in messages:
                    _add(errors, field, message)


# --- Registration -----------------------------------------------------------------------------------


def _new_user(errors: dict, *, username, email, name_zh, name_en, preferred_language) -> User:
    user = User(
        username=_text(username) or "",
        email=_text(email) or "",
        first_name=_text(name_zh) or "",
        name_en=_text(name_en) or "",
        preferred_language=preferred_language if preferred_language in ("zh-hans", "en") else "zh-hans",
    )
    try:
        user.clean_fields(exclude=["password", "active_membership", "first_name", "name_en"])
        user.validate_unique()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                _add(errors, field, message)
    return user


def _join_pool(user: User, region_code: str, *, actor: User | None) -> Membership:
    organisation = selectors.pool_organisation(region_code)
    if organisation is None:
        raise NoPool()
    membership = accounts_services.save_membership(
        Membership(user=user, organisation=organisation, role=Role.EXPERT), actor=actor
    )
    if user.active_membership_id is None:
        user.active_membership = membership
        user.save(update_fields=["active_membership"])
    return membership


@transaction.atomic
def register_expert(
    *,
    username,
    email,
    password,
    preferred_language: str = "zh-hans",
    ip_address: str = "",
    **fields,
) -> ExpertProfile:
    """A person registers as an evaluation expert (no login): the user with a password, the expert
    role in the pool of their region (its regulator's, else the platform operator's) and the profile
    awaiting review. Every field is checked first; any error refuses the whole registration."""
    errors: dict = {}
    profile = ExpertProfile(status=Status.PENDING)
    _clean_profile(errors, profile, fields, required=True)
    user = _new_user(
        errors,
        username=username,
        email=email,
        name_zh=fields.get("name_zh"),
        name_en=fields.get("name_en"),
        preferred_language=preferred_language,
    )
    if not isinstance(password, str) or not password:
        _add(errors, "password", _("Choose a password."))
    else:
        try:
            validate_password(password, user)
        except ValidationError as error:
            _messages(errors, "password", error)
    if errors:
        raise InvalidExpertData(errors)
    user.set_password(password)
    user.save()
    _join_pool(user, profile.region_code, actor=user)
    profile.user = user
    profile.save()
    record_event(
        "experts.registered",
        actor=user,
        target=profile,
        data={**snapshot(profile, PROFILE_AUDITED_FIELDS), "user": user.pk, "ip": ip_address},
    )
    transaction.on_commit(lambda: _tell_keepers(profile.pk))
    return profile


def _tell_keepers(profile_id: int) -> None:
    profile = ExpertProfile.objects.filter(pk=profile_id).first()
    if profile is None:
        return
    accounts_services.notify(
        selectors.keepers_of(profile.region_code),
        subject=format_lazy(_("An expert registration awaits review: {name}"), name=profile.name_zh),
        body=_("Review it in the expert pool."),
        link=f"/experts/pool/{profile.pk}/",
    )


@transaction.atomic
def register_expert_by_keeper(
    *,
    actor: User,
    username,
    email,
    preferred_language: str = "zh-hans",
    comment: str = "",
    domain: str = "",
    use_https: bool = True,
    **fields,
) -> ExpertProfile:
    """A regulator (or the operator) registers an expert of a region it covers: in the pool at
    once, reviewed by them. The person has no password yet: with `domain`, a link to choose one
    is e-mailed (else they use "forgot password")."""
    if not policies.is_pool_keeper(actor) or not policies.is_verified(actor):
        raise NotReviewer()
    errors: dict = {}
    profile = ExpertProfile(status=Status.APPROVED)
    _clean_profile(errors, profile, fields, required=True)
    if "region_code" not in errors and not policies.covers_region(actor, profile.region_code):
        _add(errors, "region_code", _("This region is outside your jurisdiction."))
    user = _new_user(
        errors,
        username=username,
        email=email,
        name_zh=fields.get("name_zh"),
        name_en=fields.get("name_en"),
        preferred_language=preferred_language,
    )
    if errors:
        raise InvalidExpertData(errors)
    if not policies.can_register_expert(actor, profile.region_code):
        raise NotReviewer()
    user.set_unusable_password()
    user.save()
    _join_pool(user, profile.region_code, actor=actor)
    profile.user = user
    profile.reviewed_by = actor
    profile.reviewed_at = timezone.now()
    profile.status_reason = _text(comment) or ""
    profile.save()
    from credit.services import ensure_credit_record

    ensure_credit_record(user)
    record_event(
        "experts.registered_by_keeper",
        actor=actor,
        target=profile,
        data={**snapshot(profile, PROFILE_AUDITED_FIELDS), "user": user.pk, "comment": profile.status_reason},
    )
    accounts_services.notify(
        [user],
        subject=_("You are registered in the expert pool"),
        body=_(
            "Choose your password with “Forgot your password?” on the login page, then complete your "
            "declarations and unavailable days on your expert profile."
        ),
        link=PROFILE_LINK,
    )
    if domain:
        accounts_services.send_password_reset(user, actor=actor, domain=domain, use_https=use_https)
    return profile


# --- The expert's own profile ----------------------------------------------------------------------


def _own_locked(actor: User) -> ExpertProfile:
    if not policies.is_expert(actor):
        raise NotTheExpert()
    return selectors.own_profile(actor, lock=True)


@transaction.atomic
def update_profile(*, actor: User, **fields) -> ExpertProfile:
    """The expert changes their details. A rejected profile so changed goes back to review."""
    profile = _own_locked(actor)
    before = snapshot(profile, PROFILE_AUDITED_FIELDS)
    errors: dict = {}
    _clean_profile(errors, profile, fields, required=False)
    if errors:
        raise InvalidExpertData(errors)
    resubmitted = profile.status == Status.REJECTED
    if resubmitted:
        profile.status = Status.PENDING
    changed = changes(before, snapshot(profile, PROFILE_AUDITED_FIELDS))
    if not changed:
        return profile
    profile.save(update_fields=[*changed, "updated_at"])
    if "name_zh" in changed or "name_en" in changed:
        User.objects.filter(pk=actor.pk).update(first_name=profile.name_zh, name_en=profile.name_en)
    record_event(
        "experts.profile_resubmitted" if resubmitted else "experts.profile_changed",
        actor=actor,
        target=profile,
        data={"changes": changed},
    )
    if resubmitted:
        transaction.on_commit(lambda: _tell_keepers(profile.pk))
    return profile


def _unconfirm(profile: ExpertProfile) -> None:
    """A changed declaration list needs confirming again."""
    if profile.declared_at is not None:
        profile.declared_at = None
        profile.save(update_fields=["declared_at", "updated_at"])


@transaction.atomic
def add_declaration(*, actor: User, **fields) -> Declaration:
    """The expert declares an employer, a seat, a controlling interest or a relative's employer."""
    profile = _own_locked(actor)
    errors: dict = {}
    declaration = Declaration(expert=profile)
    for field in ("kind", "organisation_name", "organisation_uscc"):
        if field not in fields:
            _add(errors, field, _("This field is required."))
    _clean_declaration(errors, declaration, fields)
    if errors:
        raise InvalidExpertData(errors)
    declaration.save()
    _unconfirm(profile)
    record_event(
        "experts.declaration_added",
        actor=actor,
        target=declaration,
        data={**snapshot(declaration, DECLARATION_FIELDS), "expert": profile.pk},
    )
    return declaration


@transaction.atomic
def update_declaration(declaration_id, *, actor: User, **fields) -> Declaration:
    """The expert corrects a declaration, or ends it (the day it ended)."""
    profile = _own_locked(actor)
    declaration = selectors.own_declaration(profile, declaration_id, lock=True)
    before = snapshot(declaration, DECLARATION_FIELDS)
    errors: dict = {}
    _clean_declaration(errors, declaration, fields)
    if errors:
        raise InvalidExpertData(errors)
    changed = changes(before, snapshot(declaration, DECLARATION_FIELDS))
    if not changed:
        return declaration
    declaration.save(update_fields=[*changed, "updated_at"])
    _unconfirm(profile)
    record_event(
        "experts.declaration_changed",
        actor=actor,
        target=declaration,
        data={"changes": changed, "expert": profile.pk},
    )
    return declaration


@transaction.atomic
def remove_declaration(declaration_id, *, actor: User) -> None:
    """The expert withdraws a declaration made in error (the audit trail keeps what it said)."""
    profile = _own_locked(actor)
    declaration = selectors.own_declaration(profile, declaration_id, lock=True)
    data = {**snapshot(declaration, DECLARATION_FIELDS), "expert": profile.pk, "id": declaration.pk}
    declaration.delete()
    _unconfirm(profile)
    record_event("experts.declaration_removed", actor=actor, target=profile, data=data)


@transaction.atomic
def confirm_declarations(*, actor: User) -> ExpertProfile:
    """The expert confirms that their declarations of the last three years are complete and true."""
    profile = _own_locked(actor)
    profile.declared_at = timezone.now()
    profile.save(update_fields=["declared_at", "updated_at"])
    declared = [
        {"id": d.pk, "kind": d.kind, "organisation_uscc": d.organisation_uscc}
        for d in Declaration.objects.filter(expert=profile).order_by("pk")
    ]
    record_event(
        "experts.declarations_confirmed",
        actor=actor,
        target=profile,
        data={"declared_at": profile.declared_at, "declarations": declared},
    )
    return profile


@transaction.atomic
def add_unavailability(*, actor: User, starts_on, ends_on, reason="") -> Unavailability:
    """The expert marks days they cannot serve (never drawn for an evaluation on them)."""
    profile = _own_locked(actor)
    errors: dict = {}
    starts = _date(errors, "starts_on", starts_on, required=True)
    ends = _date(errors, "ends_on", ends_on, required=True)
    text = _text(reason)
    if text is None:
        _add(errors, "reason", _("Enter text here."))
    if starts and ends and ends < starts:
        _add(errors, "ends_on", _("The end cannot be before the start."))
    elif ends and ends < timezone.localdate():
        _add(errors, "ends_on", _("This period is already over."))
    period = Unavailability(expert=profile, starts_on=starts, ends_on=ends, reason=text or "")
    if not errors:
        try:
            period.clean_fields(exclude=["expert"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    _add(errors, field, message)
    if errors:
        raise InvalidExpertData(errors)
    period.save()
    record_event(
        "experts.unavailability_added",
        actor=actor,
        target=period,
        data={**snapshot(period, UNAVAILABILITY_FIELDS), "expert": profile.pk},
    )
    return period


@transaction.atomic
def remove_unavailability(unavailability_id, *, actor: User) -> None:
    profile = _own_locked(actor)
    period = selectors.own_unavailability(profile, unavailability_id, lock=True)
    data = {**snapshot(period, UNAVAILABILITY_FIELDS), "expert": profile.pk, "id": period.pk}
    period.delete()
    record_event("experts.unavailability_removed", actor=actor, target=profile, data=data)


# --- Review -------------------------------------------------------------------------------------------

DECISION_SUBJECTS = {
    "experts.approved": _("You are admitted to the expert pool"),
    "experts.rejected": _("Your expert registration is rejected"),
    "experts.suspended": _("You are suspended from the expert pool"),
    "experts.reinstated": _("You are reinstated in the expert pool"),
}


def _review(profile_id, *, actor: User, source: str, target: str, action: str, reason, reason_required: bool):
    profile = selectors.access_profile(actor, profile_id, lock=True)
    if not policies.can_review_expert(actor, profile):
        raise NotReviewer()
    if profile.status != source or not can_transition_profile(profile.status, target):
        raise InvalidTransition()
    reason = _text(reason) or ""
    if reason_required and not reason:
        raise ReasonRequired()
    previous = profile.status
    profile.status = target
    profile.status_reason = reason
    profile.reviewed_by = actor
    profile.reviewed_at = timezone.now()
    profile.save(update_fields=["status", "status_reason", "reviewed_by", "reviewed_at", "updated_at"])
    record_event(action, actor=actor, target=profile, data={"from": previous, "to": target, "reason": reason})
    accounts_services.notify(
        [profile.user], subject=DECISION_SUBJECTS[action], body=reason, link=PROFILE_LINK
    )
    return profile


@transaction.atomic
def approve_expert(profile_id, *, actor: User, comment: str = "") -> ExpertProfile:
    """Admit a registration awaiting review to the pool; the expert gets their credit record."""
    from credit.services import ensure_credit_record

    profile = _review(
        profile_id,
        actor=actor,
        source=Status.PENDING,
        target=Status.APPROVED,
        action="experts.approved",
        reason=comment,
        reason_required=False,
    )
    ensure_credit_record(profile.user)
    return profile


@transaction.atomic
def reject_expert(profile_id, *, actor: User, reason) -> ExpertProfile:
    return _review(
        profile_id,
        actor=actor,
        source=Status.PENDING,
        target=Status.REJECTED,
        action="experts.rejected",
        reason=reason,
        reason_required=True,
    )


@transaction.atomic
def suspend_expert(profile_id, *, actor: User, reason) -> ExpertProfile:
    """Take an expert out of the pool: never drawn while suspended."""
    return _review(
        profile_id,
        actor=actor,
        source=Status.APPROVED,
        target=Status.SUSPENDED,
        action="experts.suspended",
        reason=reason,
        reason_required=True,
    )


@transaction.atomic
def reinstate_expert(profile_id, *, actor: User, comment: str = "") -> ExpertProfile:
    from credit.services import ensure_credit_record

    profile = _review(
        profile_id,
        actor=actor,
        source=Status.SUSPENDED,
        target=Status.APPROVED,
        action="experts.reinstated",
        reason=comment,
        reason_required=False,
    )
    ensure_credit_record(profile.user)
    return profile
