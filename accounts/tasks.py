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


@shared_task(name="accounts.send_password_reset_email", acks_late=True, ignore_result=True)
def send_password_reset_email(user_id: int, domain: str, use_https: bool, language: str) -> bool:
    """Make the reset link here, in the worker, so that no token travels through the broker or logs."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    context = {
        "user": user,
        "domain": domain,
        "protocol": "https" if use_https else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    with translation.override(language):
        subject = "".join(render_to_string("accounts/email/password_reset_subject.txt", context).splitlines())
        body = render_to_string("accounts/email/password_reset.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True
