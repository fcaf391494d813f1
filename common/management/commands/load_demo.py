"""Load the bilingual demo data once: each installed app's demo.py `load()`, in layer order."""

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo organisations, users and examples (once; safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true", help="Only print the demo logins.")
        parser.add_argument(
            "--except",
            dest="except_apps",
            action="append",
            default=[],
            metavar="APP",
            help="Leave out this app's demo data (repeatable), e.g. --except contracts.",
        )

    def handle(self, *args, print_logins=False, except_apps=(), **options):
        from accounts import demo as accounts_demo

        if not print_logins:
            loaded = False
            # audit last: its demo signs a first checkpoint over everything the others recorded.
            configs = sorted(apps.get_app_configs(), key=lambda c: c.name == "audit")
            for config in configs:
                if config.label in except_apps:
                    continue
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                rows = module.load()
                loaded = loaded or bool(rows)
            self.stdout.write("Demo data loaded." if loaded else "Demo data was already loaded.")
            return
        self.stdout.write(
            self.style.MIGRATE_HEADING(f"Demo logins (password for all: {accounts_demo.DEMO_PASSWORD})")
        )
        from accounts.models import Membership

        rows = (
            Membership.objects.filter(user__email__endswith="@demo.sunlight.invalid")
            .select_related("user", "organisation")
            .order_by("user__username", "pk")
        )
        for m in rows:
            flag = "  [second factor]" if m.requires_second_factor else ""
            self.stdout.write(
                f"  {m.user.username:<14} {m.get_role_display():<24} {m.organisation.name_zh}{flag}"
            )
        self.stdout.write(
            f"Second factor for the marked roles: add the TOTP secret {accounts_demo.demo_totp_secret()} "
            "to an authenticator app, or print the current code with `make demo-code WHO=<username>`."
        )
