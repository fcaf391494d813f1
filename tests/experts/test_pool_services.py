"""The expert pool's services against the real database: registration (self and by a regulator),
the expert's profile, declarations and unavailable days, and the review transitions; each change
with its audit event, each refusal changing nothing."""

import datetime

import pytest
from django.utils import timezone, translation
from stdnum.cn import uscc

from accounts.models import Membership, Notification, Organisation, Role, User
from audit.models import AuditEvent
from credit.models import CreditRecord
from experts import services
from experts.exceptions import (
    DeclarationNotFound,
    ExpertNotFound,
    InvalidExpertData,
    InvalidTransition,
    NoPool,
    NotReviewer,
    NotTheExpert,
    ReasonRequired,
    UnavailabilityNotFound,
)
from experts.models import PROFILE_TRANSITIONS, Declaration, ExpertProfile, Unavailability
from tests.accounts.factories import OrganisationFactory
from tests.bidding.helpers import verified

Status = ExpertProfile.Status
TODAY = timezone.localdate


def code(serial: int, region: str = "330400") -> str:
    body = f"91{region}MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


def details(**changes) -> dict:
    data = {
        "name_zh": "林志远",
        "name_en": "Lin Zhiyuan",
        "professional_title": "高级工程师",
        "years_of_experience": 12,
        "employer_name": "嘉兴学院",
        "employer_uscc": code(77),
        "region_code": "330400",
        "specialties": ["A0201", "c1601"],
        "phone": "0573-8200 1234",
    }
    data.update(changes)
    return data


def registration(**changes) -> dict:
    data = {"username": "newexpert", "email": "newexpert@example.com", "password": "Sunlight-test-2026!"}
    data.update(details())
    data.update(changes)
    return data


@pytest.fixture
def operator(make_member):
    return verified(
        make_member(Role.OPERATOR, organisation=OrganisationFactory(kind=Organisation.Kind.OPERATOR))
    )


@pytest.fixture
def keeper(regulator):
    """The Jiaxing regulator (330400), second factor passed."""
    return verified(regulator)


@pytest.fixture
def pending(expert_factory):
    return expert_factory(status=Status.PENDING, region_code="330402")


def _own(profile: ExpertProfile) -> User:
    return profile.user


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


# --- Self-registration ------------------------------------------------------------------------------


def test_registration_creates_the_user_the_expert_role_in_the_regions_pool_and_a_pending_profile(
    keeper, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        profile = services.register_expert(**registration())
    user = User.objects.get(username="newexpert")
    assert user.check_password("Sunlight-test-2026!") and user.first_name == "林志远"
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.EXPERT
    assert membership.organisation == keeper.active_membership.organisation  # the region's regulator
    assert user.active_membership == membership
    assert profile.status == Status.PENDING and profile.user == user
    assert profile.specialties == ["A0201", "C1601"] and profile.employer_uscc == code(77)
    event = _events("experts.registered")[0]
    assert event.object_id == str(profile.pk) and event.data["status"] == "pending"
    assert event.data["specialties"] == ["A0201", "C1601"]
    # The region's regulator is told that a registration awaits review.
    notice = Notification.objects.get(recipient=keeper)
    assert "林志远" in notice.subject_zh and notice.link == f"/experts/pool/{profile.pk}/"
    assert not CreditRecord.objects.filter(person=user).exists()  # only once approved


def test_without_a_regulator_of_the_region_the_expert_joins_the_operators_pool(operator):
    profile = services.register_expert(**registration(region_code="510700"))
    membership = Membership.objects.get(user=profile.user)
    assert membership.organisation.kind == Organisation.Kind.OPERATOR


def test_registration_without_any_pool_is_refused(db):
    with pytest.raises(NoPool):
        services.register_expert(**registration())
    assert not User.objects.filter(username="newexpert").exists()
    assert not ExpertProfile.objects.exists()


@pytest.mark.parametrize(
    "changes, field, english",
    [
        ({"employer_uscc": "91330400MA00000010"}, "employer_uscc", "not a valid unified social credit code"),
        ({"region_code": "999999"}, "region_code", "is not a region"),
        ({"region_code": "3304"}, "region_code", "six digits"),
        ({"years_of_experience": -3}, "years_of_experience", "cannot be negative"),
        ({"years_of_experience": "many"}, "years_of_experience", "whole number"),
        ({"years_of_experience": 90}, "years_of_experience", "cannot be more than 70"),
        ({"specialties": ["A2"]}, "specialties", "not a code of the procurement catalogue"),
        ({"specialties": []}, "specialties", "required"),
        ({"specialties": ","}, "specialties", "at least one specialty"),
        ({"name_zh": "  "}, "name_zh", "required"),
        ({"phone": "call me"}, "phone", "telephone number"),
        ({"password": "123"}, "password", "too short"),
    ],
)
def test_bad_registrations_are_refused_with_a_message_and_write_nothing(keeper, changes, field, english):
    before = AuditEvent.objects.count()
    with translation.override("en"), pytest.raises(InvalidExpertData) as caught:
        services.register_expert(**registration(**changes))
    with translation.override("en"):
        assert english in " ".join(str(m) for m in caught.value.errors[field])
    assert not User.objects.filter(username="newexpert").exists()
    assert not ExpertProfile.objects.exists() and AuditEvent.objects.count() == before


def test_a_bad_region_is_explained_in_chinese(keeper):
    with translation.override("zh-hans"), pytest.raises(InvalidExpertData) as caught:
        services.register_expert(**registration(region_code="999999", years_of_experience=-1))
    with translation.override("zh-hans"):
        assert "行政区划" in str(caught.value.errors["region_code"][0])
        assert "负数" in str(caught.value.errors["years_of_experience"][0])


def test_a_taken_username_is_refused(keeper, expert_factory):
    taken = expert_factory().user.username
    with pytest.raises(InvalidExpertData) as caught:
        services.register_expert(**registration(username=taken))
    assert "username" in caught.value.errors
    assert ExpertProfile.objects.count() == 1


# --- Registration by a regulator ---------------------------------------------------------------------


def test_a_regulator_registers_an_expert_into_the_pool_at_once(keeper, django_capture_on_commit_callbacks):
    data = registration()
    data.pop("password")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        profile = services.register_expert_by_keeper(actor=keeper, domain="testserver", **data)
    assert profile.status == Status.APPROVED and profile.reviewed_by == keeper and profile.reviewed_at
    assert not profile.user.has_usable_password()
    assert CreditRecord.objects.filter(person=profile.user, kind="expert").exists()
    event = _events("experts.registered_by_keeper")[0]
    assert event.actor_id == keeper.pk and event.data["status"] == "approved"
    assert _events("accounts.password_reset_sent")  # the e-mail to choose a password
    assert callbacks  # the reset e-mail task is queued after commit
    assert Notification.objects.filter(recipient=profile.user).exists()


def test_a_regulator_cannot_register_an_expert_of_another_region(keeper):
    data = registration(region_code="510700")
    data.pop("password")
    with pytest.raises(InvalidExpertData) as caught:
        services.register_expert_by_keeper(actor=keeper, **data)
    assert "region_code" in caught.value.errors
    assert not ExpertProfile.objects.exists()


def test_registering_needs_a_keeper_with_the_second_factor(regulator, make_member):
    data = registration()
    data.pop("password")
    with pytest.raises(NotReviewer):
        services.register_expert_by_keeper(actor=regulator, **data)  # not verified
    clerk = verified(make_member(Role.PURCHASER_CLERK))
    with pytest.raises(NotReviewer):
        services.register_expert_by_keeper(actor=clerk, **data)
    assert not ExpertProfile.objects.exists()


# --- Review --------------------------------------------------------------------------------------------


def test_the_transition_table_is_what_the_services_follow():
    assert PROFILE_TRANSITIONS[Status.PENDING] == {Status.APPROVED, Status.REJECTED}
    assert PROFILE_TRANSITIONS[Status.APPROVED] == {Status.SUSPENDED}


def test_approval_admits_the_expert_with_a_credit_record_and_tells_them(keeper, pending):
    profile = services.approve_expert(pending.pk, actor=keeper, comment="材料齐全")
    assert profile.status == Status.APPROVED and profile.reviewed_by == keeper
    assert profile.status_reason == "材料齐全"
    assert CreditRecord.objects.filter(person=pending.user).count() == 1
    event = _events("experts.approved")[0]
    assert event.data == {"from": "pending", "to": "approved", "reason": "材料齐全"}
    assert (
        Notification.objects.get(recipient=pending.user).subject_en == "You are admitted to the expert pool"
    )


def test_the_operator_reviews_any_region(operator, expert_factory):
    far = expert_factory(status=Status.PENDING, region_code="530400")
    assert services.approve_expert(far.pk, actor=operator).status == Status.APPROVED


def test_rejection_needs_a_reason_and_an_edit_sends_the_profile_back_to_review(keeper, pending):
    with pytest.raises(ReasonRequired):
        services.reject_expert(pending.pk, actor=keeper, reason="  ")
    pending.refresh_from_db()
    assert pending.status == Status.PENDING and not _events("experts.rejected")
    services.reject_expert(pending.pk, actor=keeper, reason="职称证书不清晰")
    pending.refresh_from_db()
    assert pending.status == Status.REJECTED and pending.status_reason == "职称证书不清晰"
    services.update_profile(actor=pending.user, professional_title="正高级工程师")
    pending.refresh_from_db()
    assert pending.status == Status.PENDING and pending.professional_title == "正高级工程师"
    event = _events("experts.profile_resubmitted")[0]
    assert event.data["changes"]["status"] == {"old": "rejected", "new": "pending"}


def test_suspension_and_reinstatement(keeper, expert_factory):
    expert = expert_factory(status=Status.APPROVED)
    with pytest.raises(ReasonRequired):
        services.suspend_expert(expert.pk, actor=keeper, reason="")
    services.suspend_expert(expert.pk, actor=keeper, reason="无故缺席评审两次")
    expert.refresh_from_db()
    assert expert.status == Status.SUSPENDED
    assert _events("experts.suspended")[0].data["reason"] == "无故缺席评审两次"
    services.reinstate_expert(expert.pk, actor=keeper)
    expert.refresh_from_db()
    assert expert.status == Status.APPROVED and expert.status_reason == ""
    assert CreditRecord.objects.filter(person=expert.user).exists()
    assert [
        e.action for e in AuditEvent.objects.filter(action__in=["experts.suspended", "experts.reinstated"])
    ] == [
        "experts.suspended",
        "experts.reinstated",
    ]


@pytest.mark.parametrize(
    "status, service",
    [
        (Status.APPROVED, "approve"),
        (Status.SUSPENDED, "approve"),  # that is reinstate's job
        (Status.REJECTED, "approve"),
        (Status.PENDING, "suspend"),
        (Status.REJECTED, "suspend"),
        (Status.PENDING, "reinstate"),
        (Status.APPROVED, "reinstate"),
        (Status.APPROVED, "reject"),
        (Status.SUSPENDED, "reject"),
    ],
)
def test_refused_transitions_change_nothing(keeper, expert_factory, status, service):
    expert = expert_factory(status=status)
    call = {
        "approve": lambda: services.approve_expert(expert.pk, actor=keeper),
        "suspend": lambda: services.suspend_expert(expert.pk, actor=keeper, reason="x"),
        "reinstate": lambda: services.reinstate_expert(expert.pk, actor=keeper),
        "reject": lambda: services.reject_expert(expert.pk, actor=keeper, reason="x"),
    }[service]
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidTransition):
        call()
    expert.refresh_from_db()
    assert expert.status == status and AuditEvent.objects.count() == before


def test_review_outside_the_jurisdiction_is_a_404_and_without_the_second_factor_a_403(
    other_regulator, regulator, pending
):
    with pytest.raises(NotReviewer):
        services.approve_expert(pending.pk, actor=regulator)  # the second factor not passed
    with pytest.raises(ExpertNotFound):
        services.approve_expert(pending.pk, actor=verified(other_regulator))
    with pytest.raises(ExpertNotFound):
        services.approve_expert(999999, actor=verified(regulator))
    with pytest.raises(NotReviewer):
        services.approve_expert(pending.pk, actor=pending.user)  # the expert themselves
    pending.refresh_from_db()
    assert pending.status == Status.PENDING and not _events("experts.approved")


# --- The expert's profile -------------------------------------------------------------------------------


def test_the_expert_changes_their_details_with_the_changes_audited(expert_factory):
    expert = expert_factory()
    services.update_profile(actor=expert.user, specialties="A0201 C1601", years_of_experience="15")
    expert.refresh_from_db()
    assert expert.specialties == ["A0201", "C1601"] and expert.years_of_experience == 15
    assert expert.status == Status.APPROVED
    event = _events("experts.profile_changed")[0]
    assert event.data["changes"]["years_of_experience"] == {"old": 12, "new": 15}
    services.update_profile(actor=expert.user, years_of_experience=15)  # nothing changes: no event
    assert len(_events("experts.profile_changed")) == 1


def test_a_bad_profile_change_changes_nothing(expert_factory):
    expert = expert_factory()
    with pytest.raises(InvalidExpertData) as caught:
        services.update_profile(
            actor=expert.user, years_of_experience=-1, employer_uscc="123", region_code="000000"
        )
    assert set(caught.value.errors) == {"years_of_experience", "employer_uscc", "region_code"}
    with pytest.raises(InvalidExpertData):
        services.update_profile(actor=expert.user, status="approved")  # not a profile field
    expert.refresh_from_db()
    assert expert.years_of_experience == 12 and not _events("experts.profile_changed")


def test_only_an_expert_has_a_profile_to_change(keeper):
    with pytest.raises(NotTheExpert):
        services.update_profile(actor=keeper, phone="123456")


# --- Declarations ---------------------------------------------------------------------------------------


def test_declarations_are_added_changed_withdrawn_and_confirmed(expert_factory):
    expert = expert_factory()
    user = expert.user
    employment = services.add_declaration(
        actor=user,
        kind="employment",
        organisation_name="嘉兴南湖办公设备有限公司",
        organisation_uscc=code(5),
        started_on="2023-03-01",
    )
    assert employment.organisation_uscc == code(5) and employment.started_on == datetime.date(2023, 3, 1)
    assert _events("experts.declaration_added")[0].data["organisation_uscc"] == code(5)
    services.confirm_declarations(actor=user)
    expert.refresh_from_db()
    assert expert.declared_at is not None
    confirmed = _events("experts.declarations_confirmed")[0]
    assert confirmed.data["declarations"] == [
        {"id": employment.pk, "kind": "employment", "organisation_uscc": code(5)}
    ]
    relative = services.add_declaration(
        actor=user,
        kind="relative",
        organisation_name="嘉兴市教育局",
        organisation_uscc=code(6),
        relative_name="林芳",
        relationship="配偶",
    )
    expert.refresh_from_db()
    assert expert.declared_at is None  # a changed list needs confirming again
    services.update_declaration(employment.pk, actor=user, ended_on=TODAY().isoformat())
    employment.refresh_from_db()
    assert employment.ended_on == TODAY()
    assert _events("experts.declaration_changed")[0].data["changes"]["ended_on"]["new"] == TODAY().isoformat()
    services.remove_declaration(relative.pk, actor=user)
    assert list(Declaration.objects.filter(expert=expert)) == [employment]
    assert _events("experts.declaration_removed")[0].data["relative_name"] == "林芳"


@pytest.mark.parametrize(
    "fields, field, english",
    [
        ({"kind": "relative"}, "relative_name", "Name the relative"),
        ({"organisation_uscc": "91330400MA0000001X"}, "organisation_uscc", "unified social credit code"),
        ({"started_on": "2024-05-01", "ended_on": "2024-01-01"}, "ended_on", "cannot be before the start"),
        ({"started_on": "yesterday"}, "started_on", "Enter a date"),
        ({"kind": "friend"}, "kind", "Choose what you declare"),
        ({"organisation_name": ""}, "organisation_name", "Name the organisation"),
    ],
)
def test_bad_declarations_are_refused_and_write_nothing(expert_factory, fields, field, english):
    expert = expert_factory()
    data = {"kind": "employment", "organisation_name": "某公司", "organisation_uscc": code(9)}
    data.update(fields)
    with translation.override("en"), pytest.raises(InvalidExpertData) as caught:
        services.add_declaration(actor=expert.user, **data)
    with translation.override("en"):
        assert english in " ".join(str(m) for m in caught.value.errors[field])
    assert not Declaration.objects.exists() and not _events("experts.declaration_added")


def test_a_reversed_declaration_period_is_refused_in_chinese(expert_factory):
    expert = expert_factory()
    declaration = services.add_declaration(
        actor=expert.user, kind="director", organisation_name="某公司", organisation_uscc=code(9)
    )
    with translation.override("zh-hans"), pytest.raises(InvalidExpertData) as caught:
        services.update_declaration(
            declaration.pk, actor=expert.user, started_on="2025-01-01", ended_on="2024-01-01"
        )
    with translation.override("zh-hans"):
        assert "结束" in str(caught.value.errors["ended_on"][0])
    declaration.refresh_from_db()
    assert declaration.started_on is None and declaration.ended_on is None


def test_another_experts_declaration_is_not_found(expert_factory):
    mine, theirs = expert_factory(), expert_factory()
    declaration = services.add_declaration(
        actor=theirs.user, kind="director", organisation_name="某公司", organisation_uscc=code(9)
    )
    with pytest.raises(DeclarationNotFound):
        services.remove_declaration(declaration.pk, actor=mine.user)
    with pytest.raises(DeclarationNotFound):
        services.update_declaration(declaration.pk, actor=mine.user, ended_on="2025-01-01")
    assert Declaration.objects.filter(pk=declaration.pk, ended_on__isnull=True).exists()


# --- Unavailable days -----------------------------------------------------------------------------------


def test_unavailable_periods_are_added_and_removed(expert_factory):
    expert = expert_factory()
    start = TODAY() + datetime.timedelta(days=3)
    period = services.add_unavailability(
        actor=expert.user, starts_on=start, ends_on=start + datetime.timedelta(days=4), reason="出差"
    )
    assert period.expert == expert and period.reason == "出差"
    assert _events("experts.unavailability_added")[0].data["starts_on"] == start.isoformat()
    services.remove_unavailability(period.pk, actor=expert.user)
    assert not Unavailability.objects.exists()
    assert _events("experts.unavailability_removed")[0].data["id"] == period.pk


@pytest.mark.parametrize(
    "starts, ends, field, english",
    [
        (5, 2, "ends_on", "cannot be before the start"),
        (-10, -3, "ends_on", "already over"),
        (None, 2, "starts_on", "Enter a date"),
    ],
)
def test_bad_unavailable_periods_are_refused(expert_factory, starts, ends, field, english):
    expert = expert_factory()
    day = lambda n: None if n is None else TODAY() + datetime.timedelta(days=n)  # noqa: E731
    with translation.override("en"), pytest.raises(InvalidExpertData) as caught:
        services.add_unavailability(actor=expert.user, starts_on=day(starts), ends_on=day(ends))
    with translation.override("en"):
        assert english in " ".join(str(m) for m in caught.value.errors[field])
    assert not Unavailability.objects.exists()


def test_another_experts_period_is_not_found(expert_factory):
    mine, theirs = expert_factory(), expert_factory()
    period = Unavailability.objects.create(expert=theirs, starts_on=TODAY(), ends_on=TODAY())
    with pytest.raises(UnavailabilityNotFound):
        services.remove_unavailability(period.pk, actor=mine.user)
    assert Unavailability.objects.filter(pk=period.pk).exists()
