"""ineligible_people: the draw's one-statement question about thousands of experts at once gives
the answers check_eligibility gives each of them."""

import datetime

import pytest
from django.utils import translation

from accounts.models import Organisation, Role
from credit import selectors, services
from credit.eligibility import Action, check_eligibility, ineligible_people
from credit.models import BlacklistEntry
from tests.accounts.factories import OrganisationFactory


@pytest.fixture
def pool(make_member):
    organisation = OrganisationFactory(kind=Organisation.Kind.OPERATOR, region_code="330400")
    return [make_member(Role.EXPERT, organisation=organisation) for _ in range(4)]


def test_only_the_banned_experts_are_named_with_check_eligibilitys_reasons(pool, django_assert_num_queries):
    banned, also_banned, *_fine = pool
    services.record_event(banned, "expert.avoidance_violation")
    services.record_event(also_banned, "expert.avoidance_violation")
    services.record_event(pool[2], "expert.no_show")  # bad, but no ban
    with django_assert_num_queries(1):
        answer = ineligible_people([user.pk for user in pool], Action.BE_DRAWN)
    assert set(answer) == {banned.pk, also_banned.pk}
    with translation.override("en"):
        for user in (banned, also_banned):
            single = check_eligibility(user, Action.BE_DRAWN)
            assert not single.allowed
            assert [str(reason) for reason in answer[user.pk]] == [str(reason) for reason in single.reasons]
            assert str(answer[user.pk][0]) == "Cannot be drawn for an evaluation panel."


def test_the_answer_is_for_the_day_asked(pool):
    services.record_event(pool[0], "expert.avoidance_violation")
    last_day = BlacklistEntry.objects.get().ends_on
    ids = [user.pk for user in pool]
    assert set(ineligible_people(ids, Action.BE_DRAWN, on=last_day)) == {pool[0].pk}
    assert ineligible_people(ids, Action.BE_DRAWN, on=last_day + datetime.timedelta(days=1)) == {}
    assert ineligible_people(ids, Action.BE_DRAWN, on=selectors.today() - datetime.timedelta(days=1)) == {}


@pytest.mark.parametrize("status", [BlacklistEntry.Status.EXPIRED, BlacklistEntry.Status.LIFTED])
def test_an_ended_ban_no_longer_refuses(pool, status):
    services.record_event(pool[0], "expert.avoidance_violation")
    BlacklistEntry.objects.update(status=status)
    assert ineligible_people([pool[0].pk], Action.BE_DRAWN) == {}


def test_no_one_asked_is_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert ineligible_people([], Action.BE_DRAWN) == {}


def test_a_supplier_action_is_never_asked_about_experts(pool):
    with pytest.raises(ValueError):
        ineligible_people([pool[0].pk], Action.SUBMIT_BID)
