"""record_event (what other apps call), records, the rule catalogue and the expiry of bans."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from accounts.models import Notification, Organisation, Role
from audit.models import AuditEvent
from credit import scoring, selectors, services
from credit.exceptions import CreditRuleNotFound, DateInFuture, NotACreditParty, RuleDoesNotApply
from credit.models import BlacklistEntry, CreditEvent, CreditRecord, CreditRule, PartyKind
from tests.accounts.factories import MembershipFactory, OrganisationFactory

from .factories import BlacklistEntryFactory, CreditRuleFactory


def _nothing_written():
    return (
        not CreditEvent.objects.exists()
        and not CreditRecord.objects.exists()
        and not BlacklistEntry.objects.exists()
        and not AuditEvent.objects.filter(action="credit.event_recorded").exists()
    )


# --- record_event -------------------------------------------------------------------------------


def test_record_event_snapshots_the_rules_points_decay_and_period(supplier):
    rule = CreditRule.objects.get(code="supplier.refused_to_sign")
    event = services.record_event(supplier, "supplier.refused_to_sign")
    today = selectors.today()
    assert (event.points, event.decay) == (rule.points, rule.decay)
    assert event.occurred_on == today
    assert event.counts_until == today + datetime.timedelta(days=rule.counts_for_days)
    assert event.source == CreditEvent.Source.SYSTEM
    assert event.status == CreditEvent.Status.IN_FORCE


def test_editing_a_rule_later_does_not_rewrite_recorded_events(supplier, make_member):
    event = services.record_event(supplier, "supplier.refused_to_sign")
    rule = CreditRule.objects.get(code="supplier.refused_to_sign")
    rule.points, rule.counts_for_days, rule.decay = Decimal("-99"), 5, "none"
    services.save_credit_rule(rule, actor=make_member(Role.OPERATOR))
    event.refresh_from_db()
    assert (event.points, event.decay) == (Decimal("-20.00"), "linear")
    assert event.counts_until == event.occurred_on + datetime.timedelta(days=730)


def test_record_event_appends_an_audit_event(supplier):
    event = services.record_event(supplier, "supplier.late_delivery")
    audit = AuditEvent.objects.get(action="credit.event_recorded")
    assert (audit.object_type, audit.object_id) == ("credit.creditevent", str(event.pk))
    assert audit.organisation_id == supplier.pk
    assert audit.actor_id is None
    assert audit.data["rule"] == "supplier.late_delivery"
    assert audit.data["record"] == event.record_id
    assert Decimal(audit.data["points"]) == Decimal("-5")


def test_record_event_creates_the_party_record_the_first_time(supplier):
    services.record_event(supplier, "supplier.late_delivery")
    record = CreditRecord.objects.get(organisation=supplier)
    assert (record.kind, record.region_code) == (PartyKind.SUPPLIER, "330400")


def test_a_second_event_goes_to_the_same_record(supplier):
    first = services.record_event(supplier, "supplier.late_delivery")
    second = services.record_event(supplier, "supplier.completed_on_time")
    assert first.record_id == second.record_id
    assert CreditRecord.objects.count() == 1


def test_record_event_schedules_the_recomputation_after_commit(supplier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        event = services.record_event(supplier, "supplier.false_materials")
    assert callbacks  # the recomputation (and the e-mails), not run before the commit
    assert CreditRecord.objects.get(pk=event.record_id).score == Decimal("100.00")


def test_a_negative_event_notifies_the_partys_active_members(supplier, make_member):
    members = [make_member(Role.SUPPLIER_REPRESENTATIVE, organisation=supplier) for _ in range(2)]
    MembershipFactory(organisation=supplier, role=Role.SUPPLIER_REPRESENTATIVE, is_active=False)
    make_member(Role.SUPPLIER_REPRESENTATIVE)  # another supplier's
    services.record_event(supplier, "supplier.late_delivery")
    notified = set(Notification.objects.values_list("recipient_id", flat=True))
    assert notified == {m.pk for m in members}
    note = Notification.objects.filter(recipient=members[0]).get()
    assert note.subject_en == "A credit event was recorded: Late delivery"
    assert note.link == "/credit/mine/"


def test_a_positive_event_notifies_nobody(supplier, make_member):
    make_member(Role.SUPPLIER_REPRESENTATIVE, organisation=supplier)
    services.record_event(supplier, "supplier.completed_on_time")
    assert not Notification.objects.exists()


def test_an_expert_is_notified_of_a_negative_event_personally(expert):
    services.record_event(expert, "expert.no_show")
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [expert.pk]


def test_evidence_is_kept_as_a_generic_reference(supplier):
    contract = OrganisationFactory(kind=Organisation.Kind.PURCHASER)  # any saved object will do
    event = services.record_event(supplier, "supplier.late_delivery", evidence=contract)
    assert event.evidence_type == ContentType.objects.get_for_model(Organisation)
    assert event.evidence_id == str(contract.pk)
    assert event.evidence_label == str(contract)
    audit = AuditEvent.objects.get(action="credit.event_recorded")
    assert audit.data["evidence"] == f"accounts.organisation:{contract.pk}"


def test_unsaved_evidence_is_refused(supplier):
    with pytest.raises(ValueError):
        services.record_event(supplier, "supplier.late_delivery", evidence=Organisation(name_zh="x"))
    assert _nothing_written()


def test_the_actor_is_recorded(supplier, make_member):
    clerk = make_member(Role.PURCHASER_CLERK)
    event = services.record_event(supplier, "supplier.late_delivery", actor=clerk)
    assert event.recorded_by == clerk
    assert AuditEvent.objects.get(action="credit.event_recorded").actor_id == clerk.pk


@pytest.mark.parametrize(
    ("kind", "rule"),
    [
        (Organisation.Kind.SUPPLIER, "expert.no_show"),
        (Organisation.Kind.SUPPLIER, "purchaser.late_sme_payment"),
        (Organisation.Kind.PURCHASER, "supplier.late_delivery"),
        (Organisation.Kind.AGENCY, "purchaser.late_sme_payment"),
    ],
)
def test_a_rule_for_another_kind_of_party_is_refused_and_nothing_written(db, kind, rule):
    party = OrganisationFactory(kind=kind)
    with pytest.raises(RuleDoesNotApply) as error:
        services.record_event(party, rule)
    assert error.value.status == 400
    assert _nothing_written()


def test_a_supplier_rule_is_refused_for_an_expert(expert):
    with pytest.raises(RuleDoesNotApply):
        services.record_event(expert, "supplier.late_delivery")
    assert _nothing_written()


def test_agency_rules_apply_to_a_purchasers_own_procurement_office(db):
    purchaser = OrganisationFactory(kind=Organisation.Kind.PURCHASER)
    event = services.record_event(purchaser, "agency.late_notice")
    assert event.record.kind == PartyKind.PURCHASER
    assert event.points == Decimal("-5")


def test_an_unknown_rule_code_is_refused(supplier):
    with pytest.raises(CreditRuleNotFound):
        services.record_event(supplier, "supplier.no_such_rule")
    assert _nothing_written()


def test_a_rule_taken_out_of_use_is_refused(supplier):
    CreditRuleFactory(code="supplier.retired_rule", is_active=False)
    with pytest.raises(CreditRuleNotFound):
        services.record_event(supplier, "supplier.retired_rule")
    assert _nothing_written()


def test_a_date_in_the_future_is_refused_and_nothing_written(supplier):
    tomorrow = selectors.today() + datetime.timedelta(days=1)
    with pytest.raises(DateInFuture):
        services.record_event(supplier, "supplier.false_materials", occurred_on=tomorrow)
    assert _nothing_written()


@pytest.mark.parametrize(
    "kind", [Organisation.Kind.REGULATOR, Organisation.Kind.BANK, Organisation.Kind.OPERATOR]
)
def test_regulators_banks_and_the_operator_have_no_credit_record(db, kind):
    with pytest.raises(NotACreditParty):
        services.record_event(OrganisationFactory(kind=kind), "agency.late_notice")
    assert _nothing_written()


def test_a_past_date_counts_from_that_date(supplier):
    day = selectors.today() - datetime.timedelta(days=100)
    event = services.record_event(supplier, "supplier.late_delivery", occurred_on=day)
    assert event.occurred_on == day
    assert event.counts_until == day + datetime.timedelta(days=365)


def test_a_negative_event_gets_an_appeal_deadline_of_fifteen_working_days(supplier):
    event = services.record_event(supplier, "supplier.late_delivery")
    today = selectors.today()
    assert event.appeal_deadline is not None
    weekdays = sum(
        1
        for n in range(1, (event.appeal_deadline - today).days + 1)
        if (today + datetime.timedelta(days=n)).weekday() < 5
    )
    assert weekdays >= 15  # fifteen working days; public holidays only push it later


def test_a_positive_event_has_no_appeal_deadline(supplier):
    assert services.record_event(supplier, "supplier.completed_on_time").appeal_deadline is None


def test_a_banning_rule_puts_the_party_on_the_blacklist(supplier):
    event = services.record_event(supplier, "supplier.collusion")
    entry = BlacklistEntry.objects.get(event=event)
    assert entry.record_id == event.record_id
    assert entry.status == BlacklistEntry.Status.ACTIVE
    assert entry.starts_on == event.occurred_on
    assert entry.ends_on == scoring.ban_ends_on(event.occurred_on, 2)
    assert entry.legal_basis_en.startswith("Government Procurement Law, Article 77")
    assert (
        AuditEvent.objects.get(action="credit.event_recorded").data["ban_until"] == entry.ends_on.isoformat()
    )


def test_a_ban_that_would_already_have_ended_is_not_entered(supplier):
    long_ago = selectors.today() - datetime.timedelta(days=800)
    services.record_event(supplier, "supplier.false_materials", occurred_on=long_ago)  # one-year ban
    assert not BlacklistEntry.objects.exists()


def test_a_rule_that_does_not_ban_enters_no_blacklist_entry(supplier):
    services.record_event(supplier, "supplier.breach_termination")
    assert not BlacklistEntry.objects.exists()


def test_an_expert_record_takes_the_region_of_the_experts_pool(expert):
    event = services.record_event(expert, "expert.no_show")
    assert (event.record.kind, event.record.person_id, event.record.region_code) == (
        PartyKind.EXPERT,
        expert.pk,
        "330400",
    )


# --- ensure_credit_record ------------------------------------------------------------------------


def test_a_new_record_starts_at_the_base_score_and_its_stars(supplier):
    record = services.ensure_credit_record(supplier)
    assert (record.score, record.stars, record.grade) == (Decimal("100"), 4, "AA")


def test_ensure_credit_record_returns_the_existing_record(supplier):
    assert services.ensure_credit_record(supplier).pk == services.ensure_credit_record(supplier).pk


def test_something_that_is_not_a_party_has_no_record(db):
    with pytest.raises(NotACreditParty):
        services.ensure_credit_record(CreditRuleFactory())


# --- The rule catalogue ----------------------------------------------------------------------------


def test_saving_a_rule_audits_its_changes(make_member):
    operator = make_member(Role.OPERATOR)
    rule = CreditRule.objects.get(code="supplier.late_delivery")
    rule.points = Decimal("-6")
    services.save_credit_rule(rule, actor=operator)
    audit = AuditEvent.objects.get(action="credit.rule_saved")
    assert audit.actor_id == operator.pk
    assert audit.data["added"] is False
    assert set(audit.data["changes"]) == {"points"}


def test_saving_an_unchanged_rule_records_nothing(make_member):
    rule = CreditRule.objects.get(code="supplier.late_delivery")
    services.save_credit_rule(rule, actor=make_member(Role.OPERATOR))
    assert not AuditEvent.objects.filter(action="credit.rule_saved").exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"points": Decimal("0")},
        {"points": Decimal("5"), "ban_years": 1},
        {"points": Decimal("-5"), "ban_years": 4},
        {"code": "Supplier Bad"},
        {"legal_basis_en": ""},
        {"counts_for_days": 0},
    ],
)
def test_an_invalid_rule_is_refused_and_not_saved(make_member, fields):
    rule = CreditRuleFactory.build(**({"code": "supplier.new_rule"} | fields))
    with pytest.raises(ValidationError):
        services.save_credit_rule(rule, actor=make_member(Role.OPERATOR))
    assert not CreditRule.objects.filter(code=fields.get("code", "supplier.new_rule")).exists()


# --- The expiry of bans ---------------------------------------------------------------------------


def _ban(ends_on: datetime.date) -> BlacklistEntry:
    return BlacklistEntryFactory(
        event__occurred_on=ends_on - datetime.timedelta(days=364),
        starts_on=ends_on - datetime.timedelta(days=364),
        ends_on=ends_on,
    )


def test_bans_whose_last_day_has_passed_expire_and_the_others_stay(db):
    day = selectors.today()
    ended = _ban(day - datetime.timedelta(days=1))
    last_day_today = _ban(day)
    later = _ban(day + datetime.timedelta(days=30))
    assert services.expire_blacklist_entries(on=day) == 1
    statuses = dict(BlacklistEntry.objects.values_list("pk", "status"))
    assert statuses == {
        ended.pk: BlacklistEntry.Status.EXPIRED,
        last_day_today.pk: BlacklistEntry.Status.ACTIVE,
        later.pk: BlacklistEntry.Status.ACTIVE,
    }
    ended.refresh_from_db()
    assert ended.ended_at is not None


def test_an_expired_ban_records_when_it_changed(db):
    entry = _ban(selectors.today() - datetime.timedelta(days=1))
    services.expire_blacklist_entries()
    expired = BlacklistEntry.objects.get(pk=entry.pk)
    assert expired.updated_at == expired.ended_at > entry.updated_at


def test_each_expiry_is_audited(db):
    day = selectors.today()
    entries = [_ban(day - datetime.timedelta(days=n)) for n in (1, 2)]
    services.expire_blacklist_entries(on=day)
    audits = AuditEvent.objects.filter(action="credit.ban_expired").order_by("sequence")
    assert [a.object_id for a in audits] == [str(e.pk) for e in entries]
    assert audits[0].actor_id is None
    assert audits[0].data == {
        "record": entries[0].record_id,
        "ends_on": entries[0].ends_on.isoformat(),
        "expired_on": day.isoformat(),
    }


def test_expiring_twice_changes_nothing_the_second_time(db):
    day = selectors.today()
    entry = _ban(day - datetime.timedelta(days=1))
    services.expire_blacklist_entries(on=day)
    entry.refresh_from_db()
    assert services.expire_blacklist_entries(on=day) == 0
    assert AuditEvent.objects.filter(action="credit.ban_expired").count() == 1
    assert BlacklistEntry.objects.get(pk=entry.pk).ended_at == entry.ended_at


def test_a_lifted_ban_is_not_expired_again(db):
    entry = _ban(selectors.today() - datetime.timedelta(days=1))
    BlacklistEntry.objects.filter(pk=entry.pk).update(status=BlacklistEntry.Status.LIFTED)
    assert services.expire_blacklist_entries() == 0
    assert BlacklistEntry.objects.get(pk=entry.pk).status == BlacklistEntry.Status.LIFTED


def test_an_expiry_schedules_the_recomputation_of_the_record(db, django_capture_on_commit_callbacks):
    _ban(selectors.today() - datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks() as callbacks:
        services.expire_blacklist_entries()
    assert len(callbacks) == 1


def test_a_user_who_is_no_expert_has_no_personal_credit_record(db):
    from credit.exceptions import NotACreditParty
    from credit.models import CreditRecord
    from tests.accounts.factories import UserFactory

    with pytest.raises(NotACreditParty):
        services.ensure_credit_record(UserFactory())
    assert not CreditRecord.objects.exists()


def test_a_retired_rule_passed_as_an_object_is_refused(supplier):
    from credit.exceptions import CreditRuleNotFound
    from credit.models import CreditEvent, CreditRule

    rule = CreditRule.objects.get(code="supplier.late_delivery")
    CreditRule.objects.filter(pk=rule.pk).update(is_active=False)
    rule.refresh_from_db()
    with pytest.raises(CreditRuleNotFound):
        services.record_event(supplier, rule)
    assert not CreditEvent.objects.exists()
