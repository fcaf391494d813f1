from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from rulebook.services import seed_default_rules


class Command(BaseCommand):
    help = "Create the default rulebook rows that are missing (idempotent; existing rows are kept)."

    def handle(self, *args, **options):
        created = seed_default_rules()
        self.stdout.write(_("Default rules created: %(count)d.") % {"count": created})
