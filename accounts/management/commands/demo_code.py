"""Print the current second-factor code of a demo user (development only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from accounts import demo


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo user. Refused in production."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if settings.PRODUCTION:
            raise CommandError("demo_code is for development only.")
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(
            user__username=username, key=demo.DEMO_TOTP_KEY, confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{username} has no demo second factor.")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
