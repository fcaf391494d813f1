"""check_eligibility / require_eligibility: what other apps ask before a party may act."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from accounts.models import Organisation
from credit import scoring, selectors, services
from credit.eligibility import ACTIONS_OF_KIND, Action, check_eligibility, require_eligibility
from credit.exceptions import NotACreditParty, NotEligible
from credit.models import BlacklistEntry, CreditRecord, PartyKind
from rulebook.exceptions import RuleNotFound
from rulebook.models import Rule
from tests.accounts.factories import OrganisationFactory, UserFactory

from .factories import BlacklistEntryFactory, CreditRecordFactory, ExpertRecordFactory

SUPPLIER_ACTIONS = sorted(ACTIONS_OF_KIND[PartyKind.SUPPLIER])


@pytest.fixture
def banned_supplier(supplier):
    """`supplier`, banned today for false materials (one year), recorded through the service."""
    services.record_event(supplier, "supplier.false_materials")
    return supplier


def test_the_four_supplier_actions_are_the_ones_the_issue_names():
    assert set(SUPPLIER_ACTIONS) == {
        Action.REGISTER_FOR_LOT,
        Action.SUBMIT_BID,
        Action.BE_AWARDED,
        Action.APPLY_FOR_FINANCING,
    }


@pytest.mark.parametrize("action", SUPPLIER_ACTIONS)
def test_a_supplier_in_good_standing_may_act(supplier, action):
    answer = check_eligibility(supplier, action)
    assert answer.allowed
    assert answer.reasons == [] and answer.bans == []


@pytest.mark.parametrize("action", SUPPLIER_ACTIONS)
def test_a_blacklisted_supplier_is_refused_each_supplier_action(banned_supplier, action):
    answer = check_eligibility(banned_supplier, action)
    assert not answer.allowed
    (ban,) = answer.bans
    assert ban.rule_code == "supplier.false_materials"
    assert ban.legal_basis_zh.startswith("《中华人民共和国政府采购法》第七十七条")


def test_the_refusal_says_what_was_refused_why_and_until_when(banned_supplier):
    answer = check_eligibility(banned_supplier, Action.SUBMIT_BID)
    until = scoring.ban_ends_on(selectors.today(), 1).isoformat()
    with translation.override("en"):
        assert answer.reason == (
            f"Cannot submit a bid. On the blacklist until {until}: False materials to win a contract."
        )


def test_a_blacklisted_expert_is_not_drawn(expert):
    services.record_event(expert, "expert.avoidance_violation")
    answer = check_eligibility(expert, Action.BE_DRAWN)
    assert not answer.allowed
    with translation.override("en"):
        assert answer.reason.startswith("Cannot be drawn for an evaluation panel. On the blacklist until")


def test_an_expert_in_good_standing_is_drawn(expert):
    services.record_event(expert, "expert.no_show")  # bad, but no ban
    assert check_eligibility(expert, Action.BE_DRAWN).allowed


@pytest.mark.parametrize("status", [BlacklistEntry.Status.EXPIRED, BlacklistEntry.Status.LIFTED])
def test_an_expired_or_lifted_ban_no_longer_refuses(banned_supplier, status):
    BlacklistEntry.objects.update(status=status)
    assert check_eligibility(banned_supplier, Action.SUBMIT_BID).allowed


def test_a_ban_past_its_last_day_no_longer_refuses_even_before_the_expiry_job(db):
    yesterday = selectors.today() - datetime.timedelta(days=1)
    entry = BlacklistEntryFactory(starts_on=yesterday - datetime.timedelta(days=364), ends_on=yesterday)
    assert entry.status == BlacklistEntry.Status.ACTIVE
    assert check_eligibility(entry.record.organisation, Action.BE_AWARDED).allowed


def test_the_answer_is_for_the_day_asked(banned_supplier):
    last_day = BlacklistEntry.objects.get().ends_on
    assert not check_eligibility(banned_supplier, Action.SUBMIT_BID, on=last_day).allowed
    assert check_eligibility(
        banned_supplier, Action.SUBMIT_BID, on=last_day + datetime.timedelta(days=1)
    ).allowed


def test_another_partys_ban_does_not_refuse(banned_supplier):
    assert check_eligibility(OrganisationFactory(kind=Organisation.Kind.SUPPLIER), Action.SUBMIT_BID).allowed


def test_the_answer_carries_the_score_stars_and_grade(db):
    record = CreditRecordFactory(score=Decimal("87.50"), stars=3)
    answer = check_eligibility(record.organisation, Action.APPLY_FOR_FINANCING)
    assert (answer.score, answer.stars, answer.grade) == (Decimal("87.50"), 3, "A")


def test_a_party_without_a_record_gets_the_base_score_and_its_stars(supplier):
    answer = check_eligibility(supplier, Action.REGISTER_FOR_LOT)
    assert (answer.score, answer.stars, answer.grade) == (Decimal("100"), 4, "AA")
    assert answer.allowed
    assert not CreditRecord.objects.exists()  # asking creates nothing


@pytest.mark.parametrize(("stars", "full_documents"), [(1, True), (2, True), (3, False), (5, False)])
def test_a_supplier_below_the_commitment_stars_must_bring_the_full_documents(db, stars, full_documents):
    record = CreditRecordFactory(stars=stars)
    answer = check_eligibility(record.organisation, Action.SUBMIT_BID)
    assert answer.requires_full_documents is full_documents
    assert answer.allowed


def test_the_commitment_threshold_is_read_from_the_rulebook(db):
    Rule.objects.filter(key="credit.commitment_min_stars").update(value=Decimal("5"))
    record = CreditRecordFactory(stars=4)
    assert check_eligibility(record.organisation, Action.SUBMIT_BID).requires_full_documents


def test_an_expert_never_needs_supplier_documents(db):
    record = ExpertRecordFactory(stars=1)
    assert not check_eligibility(record.person, Action.BE_DRAWN).requires_full_documents


@pytest.mark.parametrize("action", SUPPLIER_ACTIONS)
def test_asking_about_an_expert_doing_a_supplier_action_is_a_programming_error(expert, action):
    with pytest.raises(ValueError):
        check_eligibility(expert, action)


def test_asking_about_a_supplier_being_drawn_is_a_programming_error(supplier):
    with pytest.raises(ValueError):
        check_eligibility(supplier, Action.BE_DRAWN)


@pytest.mark.parametrize("kind", [Organisation.Kind.PURCHASER, Organisation.Kind.AGENCY])
def test_purchasers_and_agencies_are_asked_about_no_action(db, kind):
    with pytest.raises(ValueError):
        check_eligibility(OrganisationFactory(kind=kind), Action.SUBMIT_BID)


@pytest.mark.parametrize("kind", [Organisation.Kind.REGULATOR, Organisation.Kind.BANK])
def test_a_regulator_or_bank_is_not_a_credit_party(db, kind):
    with pytest.raises(NotACreditParty):
        check_eligibility(OrganisationFactory(kind=kind), Action.SUBMIT_BID)


def test_require_eligibility_refuses_with_the_reason(banned_supplier):
    with pytest.raises(NotEligible) as error:
        require_eligibility(banned_supplier, Action.BE_AWARDED)
    assert (error.value.status, error.value.code) == (403, "not_eligible")
    with translation.override("en"):
        assert str(error.value).startswith("Cannot be awarded a contract. On the blacklist until ")
        assert str(error.value).endswith(": False materials to win a contract.")


def test_require_eligibility_returns_the_answer_when_allowed(db):
    user = UserFactory()
    answer = require_eligibility(user, Action.BE_DRAWN)
    assert answer.allowed and answer.action == Action.BE_DRAWN


def test_the_check_is_one_query(banned_supplier, django_assert_num_queries):
    with django_assert_num_queries(1):
        answer = check_eligibility(banned_supplier, Action.SUBMIT_BID)
        str(answer.reason)


def test_the_check_is_one_query_also_for_a_party_without_a_record(db, django_assert_num_queries):
    supplier = OrganisationFactory(kind=Organisation.Kind.SUPPLIER)
    with django_assert_num_queries(1):
        answer = check_eligibility(supplier, Action.SUBMIT_BID)
    assert answer.allowed and answer.score == Decimal("100.00") and answer.stars == 4


def test_a_missing_rulebook_row_is_reported_by_name(banned_supplier):
    Rule.objects.filter(key="credit.commitment_min_stars").delete()
    with pytest.raises(RuleNotFound) as error:
        check_eligibility(banned_supplier, Action.SUBMIT_BID)
    assert "credit.commitment_min_stars" in str(error.value)
