from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from . import services


@shared_task(name="accounts.send_notification_email", acks_late=True, ignore_result=True)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification in the recipient's language; does nothing the second time."""
    with transaction.atomic():
        notification = services.record_notification_emailed(notification_id)
        if notification is None or not notification.recipient.email:
            return False
        with translation.override(notification.recipient.preferred_language):
            body = render_to_string("accounts/email/notification.txt", {"notification": notification})
            # If sending fails the transaction rolls back and emailed_at stays empty for the retry.
            send_mail(notification.subject, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email])
    return True


@shared_task(name="accounts.send_email", acks_late=True, ignore_result=True)
def send_email(to: str, subject: str, body: str, html_body: str | None = None) -> None:
    """A rendered e-mail (password reset and the like): sent by the worker, not the web request."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], html_message=html_body)
