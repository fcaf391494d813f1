"""The admin shows the chain and changes nothing."""

import pytest
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditCheckpoint, AuditEvent
from audit.services import record_checkpoint, record_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_member, login):
    """An operator with staff rights who passed the second factor (the admin site requires it)."""
    user = make_member(Role.OPERATOR)
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    return login(user)


@pytest.fixture
def event():
    record_event("tests.first")
    event = record_event("tests.second", data={"n": 2})
    record_checkpoint()
    return event


def test_the_changelists_show_events_and_checkpoints(admin_client, event):
    response = admin_client.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 200
    assert "tests.second" in response.content.decode()
    assert admin_client.get(reverse("admin:audit_auditcheckpoint_changelist")).status_code == 200


def test_search_by_sequence_or_text_works(admin_client, event):
    url = reverse("admin:audit_auditevent_changelist")
    assert admin_client.get(url, {"q": "2"}).status_code == 200
    assert admin_client.get(url, {"q": "tests.second"}).status_code == 200


@pytest.mark.parametrize("model", [AuditEvent, AuditCheckpoint])
def test_nothing_can_be_added_changed_or_deleted(admin_client, event, model):
    name = model._meta.model_name
    obj = model.objects.order_by("pk").last()
    assert admin_client.get(reverse(f"admin:audit_{name}_add")).status_code == 403
    assert admin_client.get(reverse(f"admin:audit_{name}_delete", args=[obj.pk])).status_code == 403
    change = admin_client.get(reverse(f"admin:audit_{name}_change", args=[obj.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert admin_client.post(reverse(f"admin:audit_{name}_change", args=[obj.pk]), {}).status_code == 403


@pytest.mark.parametrize(
    ("language", "label", "header"), [("zh-hans", "登录", "操作"), ("en", "Logged in", "Action")]
)
def test_the_event_list_shows_translated_action_labels(admin_client, event, language, label, header):
    record_event("accounts.login")
    response = admin_client.get(
        reverse("admin:audit_auditevent_changelist"), headers={"accept-language": language}
    )
    html = response.content.decode()
    assert f'<td class="field-action_display">{label}</td>' in html
    assert '<td class="field-action_display">tests.second</td>' in html  # no label: the dotted name
    assert ">accounts.login<" not in html
    assert f'<a role="button" href="?o=2.0">{header}</a>' in html  # sortable by the stored action
