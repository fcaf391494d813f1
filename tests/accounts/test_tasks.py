import time

from django.core import mail
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import Notification
from accounts.tasks import send_notification_email

from .factories import UserFactory


def _wait(predicate, seconds=5):
    deadline = time.time() + seconds
    while time.time() < deadline and not predicate():
        time.sleep(0.05)
    return predicate()


def test_notification_is_emailed_by_the_worker_in_the_recipients_language(celery_worker):
    user = UserFactory(preferred_language="en")
    (note,) = services.notify([user], subject=_("Welcome to Sunlight"), body=_("No messages."))
    assert _wait(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].subject == "Welcome to Sunlight"
    assert mail.outbox[0].to == [user.email]
    # The worker sends inside its transaction and commits emailed_at a moment later.
    assert _wait(lambda: Notification.objects.get(pk=note.pk).emailed_at is not None)


def test_the_email_task_is_safe_to_run_twice(db):
    user = UserFactory(preferred_language="zh-hans")
    (note,) = services.notify([user], subject=_("Welcome to Sunlight"), email=False)
    assert send_notification_email(note.pk) is True
    assert send_notification_email(note.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "欢迎使用阳光采购平台"
