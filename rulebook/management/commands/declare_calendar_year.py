import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from common.exceptions import DomainError
from rulebook.services import declare_calendar_year


def _days(spec: str) -> list[datetime.date]:
    """'2027-02-10' or a range '2027-02-10..2027-02-17' (inclusive)."""
    first, _sep, last = spec.partition("..")
    try:
        start = datetime.date.fromisoformat(first)
        end = datetime.date.fromisoformat(last) if last else start
    except ValueError as error:
        raise CommandError(f"not a date or date range: {spec!r}") from error
    if end < start:
        raise CommandError(f"range ends before it starts: {spec!r}")
    return [start + datetime.timedelta(days=k) for k in range((end - start).days + 1)]


class Command(BaseCommand):
    help = (
        "Enter a year that chinesecalendar does not cover from the State Council's holiday notice: "
        "every day without an override gets one (listed days off, listed adjusted working days, "
        "otherwise Monday to Friday working). Existing overrides are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--off", action="append", default=[], metavar="DATE[..DATE]", help="public holiday day(s) off"
        )
        parser.add_argument(
            "--work",
            action="append",
            default=[],
            metavar="DATE[..DATE]",
            help="adjusted working day(s) on a weekend",
        )
        parser.add_argument("--reason-zh", required=True, help="the notice in Chinese")
        parser.add_argument("--reason-en", required=True, help="the notice in English")

    def handle(self, *args, **options):
        try:
            result = declare_calendar_year(
                options["year"],
                days_off=[day for spec in options["off"] for day in _days(spec)],
                working_days=[day for spec in options["work"] for day in _days(spec)],
                reason_zh=options["reason_zh"],
                reason_en=options["reason_en"],
                actor=None,
            )
        except DomainError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Calendar entries created: %(created)d; existing entries kept: %(kept)d.")
            % {"created": result.created, "kept": result.kept}
        )
        for day in result.disagreeing:
            self.stdout.write(
                _("Existing entry for %(date)s differs from the declaration and was kept.")
                % {"date": day.isoformat()}
            )
