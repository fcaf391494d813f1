"""The credit rule catalogue in the operators' admin: edits go through an audited service, and
records, events, bans, appeals and imports cannot be changed there."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditEvent
from credit.models import BlacklistEntry, CreditAppeal, CreditEvent, CreditImport, CreditRecord, CreditRule


@pytest.fixture
def operator_client(login, make_member):
    operator = make_member(Role.OPERATOR)
    User.objects.filter(pk=operator.pk).update(is_staff=True, is_superuser=True)
    client = login(User.objects.get(pk=operator.pk))
    client.operator = operator
    return client


def _form(rule: CreditRule, **changes) -> dict:
    data = {
        "code": rule.code,
        "party_kind": rule.party_kind,
        "name_zh": rule.name_zh,
        "name_en": rule.name_en,
        "points": str(rule.points),
        "counts_for_days": rule.counts_for_days,
        "decay": rule.decay,
        "severity": rule.severity,
        "ban_years": rule.ban_years,
        "legal_basis_zh": rule.legal_basis_zh,
        "legal_basis_en": rule.legal_basis_en,
        "is_active": "on" if rule.is_active else "",
    }
    data.update(changes)
    return data


def test_the_seeded_catalogue_lists_in_the_admin(operator_client):
    response = operator_client.get(reverse("admin:credit_creditrule_changelist"))
    assert response.status_code == 200
    assert b"supplier.false_materials" in response.content


def test_changing_a_rule_is_audited_with_the_change(operator_client):
    rule = CreditRule.objects.get(code="supplier.late_delivery")
    url = reverse("admin:credit_creditrule_change", args=[rule.pk])
    response = operator_client.post(url, _form(rule, points="-6.00"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.points == Decimal("-6.00")
    event = AuditEvent.objects.filter(action="credit.rule_saved").latest("sequence")
    assert event.object_id == str(rule.pk)
    assert event.data["changes"]["points"] == {"old": "-5.00", "new": "-6.00"}


def test_a_ban_for_good_conduct_is_refused_and_nothing_changes(operator_client):
    rule = CreditRule.objects.get(code="supplier.completed_on_time")
    url = reverse("admin:credit_creditrule_change", args=[rule.pk])
    response = operator_client.post(url, _form(rule, ban_years=1))
    assert response.status_code == 200  # the form again, with the error
    assert "Only bad conduct" in response.content.decode() or "只有不良行为" in response.content.decode()
    rule.refresh_from_db()
    assert rule.ban_years == 0
    assert not AuditEvent.objects.filter(action="credit.rule_saved").exists()


@pytest.mark.parametrize("model", [CreditRecord, CreditEvent, BlacklistEntry, CreditAppeal, CreditImport])
def test_credit_facts_are_read_only_in_the_admin(operator_client, model):
    model_admin = admin.site._registry[model]
    request = type("R", (), {"user": operator_client.operator})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_a_catalogue_rule_cannot_be_deleted(operator_client):
    model_admin = admin.site._registry[CreditRule]
    request = type("R", (), {"user": operator_client.operator})()
    assert not model_admin.has_delete_permission(request, CreditRule.objects.first())
