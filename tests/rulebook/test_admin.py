"""Operators keep the rulebook in the admin; rows in force are frozen there."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from rulebook.models import CalendarOverride, Rule

from .factories import CalendarOverrideFactory, RuleFactory

D = datetime.date
DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db

CHANGELIST = "admin:rulebook_rule_changelist"
ADD = "admin:rulebook_rule_add"


@pytest.fixture
def operator(make_member):
    user = make_member(Role.OPERATOR)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@pytest.fixture
def admin_client(operator, login):
    return login(operator)


def rule_form(**fields) -> dict:
    data = {
        "key": "test.min_days_notice_to_deadline",
        "name_zh": "公开招标：招标公告至投标截止的最少天数",
        "name_en": "Public tender: minimum days from notice to bid deadline",
        "value": "20",
        "unit": "days",
        "effective_from": "2015-03-01",
        "legal_basis_zh": "《中华人民共和国招标投标法》第二十四条",
        "legal_basis_en": "Tendering and Bidding Law, Article 24",
        "note": "",
        "_save": "Save",
    }
    data.update(fields)
    return data


def form_error_codes(response) -> set[str]:
    form = response.context["adminform"].form
    return {error.code for errors in form.errors.as_data().values() for error in errors}


def change_url(obj) -> str:
    return reverse(f"admin:rulebook_{obj._meta.model_name}_change", args=[obj.pk])


# --- Listing --------------------------------------------------------------------------------


def test_operator_lists_rules(admin_client):
    RuleFactory(key="test.listed_a")
    RuleFactory(key="test.listed_b")
    response = admin_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    content = response.content.decode()
    assert "test.listed_a" in content
    assert "test.listed_b" in content


def test_rule_list_query_count_does_not_grow_with_rows(admin_client, django_assert_max_num_queries):
    RuleFactory.create_batch(3)
    admin_client.get(reverse(CHANGELIST))  # warm up the session and content types
    with CaptureQueriesContext(connection) as three:
        admin_client.get(reverse(CHANGELIST))
    RuleFactory.create_batch(6)
    with django_assert_max_num_queries(len(three.captured_queries)):
        admin_client.get(reverse(CHANGELIST))


def test_operator_searches_rules_by_chinese_name(admin_client):
    RuleFactory(key="test.bond", name_zh="测试保证金上限")
    RuleFactory(key="test.panel", name_zh="测试评标委员会人数")
    response = admin_client.get(reverse(CHANGELIST), {"q": "测试保证金"})
    assert response.status_code == 200
    assert [r.key for r in response.context["cl"].result_list] == ["test.bond"]


def test_operator_filters_scheduled_rules(admin_client):
    RuleFactory(key="test.past", effective_from=D(2015, 3, 1))
    RuleFactory(key="test.future", effective_from=timezone.localdate() + 30 * DAY)
    response = admin_client.get(reverse(CHANGELIST), {"status": "scheduled"})
    assert [r.key for r in response.context["cl"].result_list] == ["test.future"]


def test_staff_without_a_verified_second_factor_cannot_open_the_rulebook(operator, login):
    client = login(operator, verified=False)
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


# --- Adding -----------------------------------------------------------------------------------


def test_operator_adds_a_rule_and_the_addition_is_audited(admin_client, operator):
    response = admin_client.post(reverse(ADD), rule_form())
    assert response.status_code == 302, form_error_codes(response)
    rule = Rule.objects.get(key="test.min_days_notice_to_deadline")
    assert rule.value == Decimal("20")
    assert rule.effective_from == D(2015, 3, 1)
    event = AuditEvent.objects.get(action="rulebook.rule_added")
    assert (event.actor_id, event.object_id) == (operator.pk, str(rule.pk))


def test_a_backdated_new_version_is_refused_with_a_form_error(admin_client):
    RuleFactory(key="test.min_days_notice_to_deadline", effective_from=D(2015, 3, 1))
    yesterday = (timezone.localdate() - DAY).isoformat()
    response = admin_client.post(reverse(ADD), rule_form(value="25", effective_from=yesterday))
    assert response.status_code == 200
    assert form_error_codes(response) == {"rule_backdated"}
    assert Rule.objects.filter(key="test.min_days_notice_to_deadline").count() == 1


def test_a_new_version_from_tomorrow_is_accepted(admin_client):
    RuleFactory(key="test.min_days_notice_to_deadline", effective_from=D(2015, 3, 1))
    tomorrow = (timezone.localdate() + DAY).isoformat()
    response = admin_client.post(reverse(ADD), rule_form(value="25", effective_from=tomorrow))
    assert response.status_code == 302
    assert Rule.objects.filter(key="test.min_days_notice_to_deadline").count() == 2


def test_a_negative_value_is_refused_in_the_form(admin_client):
    response = admin_client.post(reverse(ADD), rule_form(value="-1"))
    assert response.status_code == 200
    assert "negative_value" in form_error_codes(response)
    assert not Rule.objects.filter(key="test.min_days_notice_to_deadline").exists()


# --- Rules in force are frozen ----------------------------------------------------------------


def test_a_rule_in_force_shows_its_value_read_only(admin_client):
    rule = RuleFactory(effective_from=D(2015, 3, 1))
    response = admin_client.get(change_url(rule))
    assert response.status_code == 200
    content = response.content.decode()
    for field in ("key", "value", "unit", "effective_from"):
        assert f'name="{field}"' not in content
    assert 'name="legal_basis_zh"' in content


def test_posting_a_new_value_for_a_rule_in_force_changes_only_the_editable_fields(admin_client):
    rule = RuleFactory(key="test.frozen", value=20, effective_from=D(2015, 3, 1))
    response = admin_client.post(
        change_url(rule), rule_form(key="test.frozen", value="99", legal_basis_zh="《政府采购法》第四十二条")
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.value == Decimal("20")
    assert rule.legal_basis_zh == "《政府采购法》第四十二条"


def test_a_scheduled_rule_is_editable(admin_client):
    effective = timezone.localdate() + 30 * DAY
    rule = RuleFactory(key="test.scheduled", value=20, effective_from=effective)
    response = admin_client.get(change_url(rule))
    assert 'name="value"' in response.content.decode()
    response = admin_client.post(
        change_url(rule), rule_form(key="test.scheduled", value="22", effective_from=effective.isoformat())
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.value == Decimal("22")


def test_a_rule_in_force_cannot_be_deleted(admin_client):
    rule = RuleFactory(effective_from=D(2015, 3, 1))
    url = reverse("admin:rulebook_rule_delete", args=[rule.pk])
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Rule.objects.filter(pk=rule.pk).exists()


def test_a_scheduled_rule_can_be_deleted(admin_client):
    rule = RuleFactory(effective_from=timezone.localdate() + 30 * DAY)
    response = admin_client.post(reverse("admin:rulebook_rule_delete", args=[rule.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Rule.objects.filter(pk=rule.pk).exists()
    assert AuditEvent.objects.filter(action="rulebook.rule_deleted").count() == 1


def test_bulk_deletion_is_not_offered(admin_client):
    RuleFactory()
    response = admin_client.get(reverse(CHANGELIST))
    assert response.context["cl"].model_admin.get_actions(response.wsgi_request) == {}
    assert 'value="delete_selected"' not in response.content.decode()


# --- Calendar overrides -------------------------------------------------------------------------


def override_form(**fields) -> dict:
    data = {
        "date": "2099-01-05",
        "is_working_day": "on",
        "reason_zh": "国务院办公厅关于2099年部分节假日安排的通知",
        "reason_en": "State Council notice on the 2099 holidays",
        "_save": "Save",
    }
    data.update(fields)
    return data


def test_operator_adds_an_override_for_an_uncovered_year(admin_client):
    response = admin_client.post(reverse("admin:rulebook_calendaroverride_add"), override_form())
    assert response.status_code == 302
    override = CalendarOverride.objects.get(date=D(2099, 1, 5))
    assert override.is_working_day is True
    assert AuditEvent.objects.filter(action="rulebook.calendar_override_added").count() == 1


def test_an_override_for_a_past_covered_day_is_refused_in_the_form(admin_client):
    response = admin_client.post(
        reverse("admin:rulebook_calendaroverride_add"), override_form(date="2024-10-08", is_working_day="")
    )
    assert response.status_code == 200
    assert form_error_codes(response) == {"calendar_override_in_force"}
    assert not CalendarOverride.objects.exists()


def test_a_past_override_is_read_only_and_cannot_be_deleted(admin_client):
    override = CalendarOverrideFactory(date=D(2003, 6, 2))
    content = admin_client.get(change_url(override)).content.decode()
    assert 'name="date"' not in content
    assert 'name="is_working_day"' not in content
    assert 'name="reason_zh"' in content
    url = reverse("admin:rulebook_calendaroverride_delete", args=[override.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403


def test_overrides_are_listed(admin_client):
    CalendarOverrideFactory(date=D(2099, 1, 5), reason_en="Listed reason")
    response = admin_client.get(reverse("admin:rulebook_calendaroverride_changelist"))
    assert response.status_code == 200
    assert "Listed reason" in response.content.decode()
