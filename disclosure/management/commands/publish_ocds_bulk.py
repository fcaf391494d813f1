"""manage.py publish_ocds_bulk [--date YYYY-MM-DD …] [--all]: the OCDS releases still to write,
then the daily bulk files (disclosure.ocds.bulk) of the days that changed, or of the days given."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from disclosure.ocds import bulk, publishing


class Command(BaseCommand):
    help = "Write the OCDS daily bulk files (gzipped JSON lines and a release package per day)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", action="append", default=[], metavar="YYYY-MM-DD", help="Write this day (repeatable)."
        )
        parser.add_argument("--all", action="store_true", help="Write every day that has releases.")

    def handle(self, *args, date=(), all=False, **options):
        try:
            days = [datetime.date.fromisoformat(value) for value in date] or None
        except ValueError as exc:
            raise CommandError(f"--date takes a day such as 2026-11-22: {exc}") from exc
        written = publishing.publish_pending()
        if all:
            days = sorted(bulk.day_totals())
        done = bulk.write_changed_days(days=days)
        self.stdout.write(f"{written} new releases; bulk files written for {len(done)} days.")
        for day in done:
            self.stdout.write(f"  {day.isoformat()}")
