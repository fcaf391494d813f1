"""record_event: appending, linking, what is recorded, and appends from concurrent transactions."""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connections, transaction
from django.utils import timezone

from accounts.models import Role
from audit import chain, selectors
from audit.models import AuditEvent
from audit.services import record_event
from tests.accounts.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_first_event_has_sequence_1_and_the_genesis_previous_hash():
    event = record_event("tests.first")
    stored = AuditEvent.objects.get()
    assert (stored.sequence, stored.previous_hash) == (1, chain.GENESIS_HASH)
    assert stored.hash == event.hash
    assert event.sequence == 1


def test_each_event_links_to_the_hash_of_the_one_before():
    first = record_event("tests.first")
    second = record_event("tests.second")
    third = record_event("tests.third")
    assert [e.sequence for e in AuditEvent.objects.all()] == [1, 2, 3]
    assert (second.previous_hash, third.previous_hash) == (first.hash, second.hash)
    assert first.occurred_at <= second.occurred_at <= third.occurred_at


def test_the_database_computes_the_same_hash_as_the_python_definition():
    org = OrganisationFactory()
    user = UserFactory(first_name="", last_name="")
    record_event(
        "tests.tricky_data",
        actor=user,
        organisation=org,
        target=org,
        data={
            "amount": Decimal("1250000.50"),
            "名称": "嘉兴市政府采购“中心”\n\t\\",
            "when": timezone.now(),
            "nested": {"b": [1, 2.5, None, True], "a": -0.0, "big": 1e17, "tiny": 1e-7},
            "emoji": "🌞",
        },
    )
    (stored,) = selectors.chain_records()
    assert stored.hash == chain.event_hash(stored)
    assert chain.verify_chain(selectors.chain_records()).ok


def test_the_returned_event_equals_the_stored_row():
    org = OrganisationFactory()
    event = record_event("tests.returned", organisation=org, target=org, data={"amount": Decimal("3.10")})
    stored = AuditEvent.objects.get(pk=event.pk)
    fields = ["sequence", "occurred_at", "organisation_id", "object_type", "object_id", "data", "hash"]
    assert [getattr(event, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert stored.data == {"amount": "3.10"}


def test_occurred_at_is_the_database_clock():
    before = timezone.now() - dt.timedelta(seconds=5)
    event = record_event("tests.timed")
    assert before < event.occurred_at < timezone.now() + dt.timedelta(seconds=5)
    assert event.occurred_at.tzinfo is not None


def test_actor_and_the_actors_active_organisation_are_recorded(make_member):
    user = make_member(Role.PURCHASER_CLERK)
    user.first_name, user.last_name = "Li", "Wei"
    event = record_event("tests.acted", actor=user, target=user)
    assert event.actor_id == user.pk
    assert event.organisation_id == user.active_membership.organisation_id
    assert event.actor_label == f"Li Wei ({user.username})"
    assert (event.object_type, event.object_id) == ("accounts.user", str(user.pk))


def test_an_explicit_organisation_wins_over_the_active_membership(make_member):
    user = make_member(Role.PURCHASER_CLERK)
    other = OrganisationFactory()
    assert record_event("tests.acted", actor=user, organisation=other).organisation_id == other.pk


def test_the_system_and_anonymous_users_are_told_apart():
    system = record_event("tests.swept")
    anonymous = record_event("tests.registered", actor=AnonymousUser())
    assert (system.actor_id, system.actor_label, system.organisation_id) == (None, "", None)
    assert (anonymous.actor_id, anonymous.actor_label) == (None, "anonymous")


def test_events_for_returns_one_objects_trail_oldest_first(django_assert_num_queries):
    org, other = OrganisationFactory(), OrganisationFactory()
    actor = UserFactory()
    for n in range(3):
        record_event("tests.changed", actor=actor, organisation=org, target=org, data={"n": n})
        record_event("tests.changed", target=other)
    with django_assert_num_queries(1):
        trail = list(selectors.events_for(org))
        labels = [(e.actor.username, e.organisation.name_zh, e.data["n"]) for e in trail]
    assert labels == [(actor.username, org.name_zh, n) for n in range(3)]


def test_events_for_organisation_is_newest_first():
    org = OrganisationFactory()
    for n in range(3):
        record_event("tests.changed", organisation=org, data={"n": n})
    record_event("tests.elsewhere", organisation=OrganisationFactory())
    assert [e.data["n"] for e in selectors.events_for_organisation(org)] == [2, 1, 0]


@pytest.mark.parametrize("action", ["login", "Accounts.Login", "accounts.", "accounts login", "", "a..b"])
def test_an_action_must_be_a_dotted_lower_case_name(action):
    with pytest.raises(ValueError):
        record_event(action)
    assert not AuditEvent.objects.exists()


def test_data_must_be_a_dict_of_recordable_values():
    with pytest.raises(TypeError):
        record_event("tests.bad", data=["not", "a", "dict"])
    with pytest.raises(TypeError):
        record_event("tests.bad", data={"user": UserFactory()})
    assert not AuditEvent.objects.exists()


def test_an_unsaved_target_is_refused():
    from accounts.models import Organisation

    with pytest.raises(ValueError):
        record_event("tests.bad", target=Organisation(name_zh="未保存"))


def test_a_rolled_back_transaction_leaves_no_gap():
    record_event("tests.kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event("tests.rolled_back")
        raise RuntimeError("the service failed after appending")
    kept = record_event("tests.kept_too")
    assert kept.sequence == 2
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["tests.kept", "tests.kept_too"]
    assert chain.verify_chain(selectors.chain_records()).ok


# --- concurrency: separate connections, real commits ---------------------------------------------


def _in_thread(target, errors):
    def run():
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            connections.close_all()

    return threading.Thread(target=run)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_produce_one_gapless_unforked_chain():
    writers, per_writer = 6, 25
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(n):
        start.wait()
        for i in range(per_writer):
            with transaction.atomic():
                record_event("tests.concurrent", data={"writer": n, "i": i})

    threads = [_in_thread(lambda n=n: write(n), errors) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == list(range(1, writers * per_writer + 1))
    previous_hashes = [e.previous_hash for e in events]
    assert len(set(previous_hashes)) == len(previous_hashes)  # no two events claim the same parent
    assert {(e.data["writer"], e.data["i"]) for e in events} == {
        (n, i) for n in range(writers) for i in range(per_writer)
    }
    assert chain.verify_chain(selectors.chain_records()).ok


@pytest.mark.django_db(transaction=True)
def test_an_append_waits_for_the_open_transaction_that_appended_before_it():
    appended, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    results = {}

    def first():
        with transaction.atomic():
            results["first"] = record_event("tests.first")
            appended.set()
            release.wait(10)
            time.sleep(0.2)  # still holding the chain lock

    def second():
        appended.wait(10)
        results["second"] = record_event("tests.second")

    threads = [_in_thread(first, errors), _in_thread(second, errors)]
    for thread in threads:
        thread.start()
    appended.wait(10)
    time.sleep(0.3)
    assert "second" not in results  # blocked behind the first transaction's chain lock
    release.set()
    for thread in threads:
        thread.join(20)
    assert errors == []
    assert (results["first"].sequence, results["second"].sequence) == (1, 2)
    assert results["second"].previous_hash == results["first"].hash


@pytest.mark.django_db(transaction=True)
def test_a_waiting_append_takes_the_place_of_a_rolled_back_one():
    appended, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    results = {}

    def doomed():
        with pytest.raises(RuntimeError), transaction.atomic():
            record_event("tests.doomed")
            appended.set()
            release.wait(10)
            raise RuntimeError("rolled back")

    def waiting():
        appended.wait(10)
        results["waiting"] = record_event("tests.waiting")

    threads = [_in_thread(doomed, errors), _in_thread(waiting, errors)]
    for thread in threads:
        thread.start()
    appended.wait(10)
    time.sleep(0.2)
    release.set()
    for thread in threads:
        thread.join(20)
    assert errors == []
    assert results["waiting"].sequence == 1
    assert results["waiting"].previous_hash == chain.GENESIS_HASH
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["tests.waiting"]


def test_the_actor_label_does_not_depend_on_the_page_language(db):
    from django.utils import translation

    from tests.accounts.factories import UserFactory

    user = UserFactory(first_name="杨敏", name_en="Yang Min")
    with translation.override("en"):
        english = record_event("tests.english_page", actor=user)
    with translation.override("zh-hans"):
        chinese = record_event("tests.chinese_page", actor=user)
    assert english.actor_label == chinese.actor_label == f"杨敏 ({user.username})"
