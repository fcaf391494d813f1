"""python manage.py verify_audit: recompute the whole chain and check every signed checkpoint.

On the embedded servers: .venv/bin/python -m ops exec .venv/bin/python manage.py verify_audit
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit import selectors
from audit.chain import verify_chain

_EXPECT_RE = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _expectation(value: str) -> tuple[int, str]:
    match = _EXPECT_RE.match(value.strip().lower())
    if not match:
        raise CommandError(f"--expect takes SEQUENCE:HASH (64 hex digits), not {value!r}")
    return int(match[1]), match[2]


class Command(BaseCommand):
    help = (
        "Recompute every hash and link of the audit chain in sequence order and check each signed "
        "checkpoint. Exits 1 at the first broken link, naming its sequence number. With the "
        "embedded development servers (no DATABASE_URL set), run it through the runner that starts "
        "them: .venv/bin/python -m ops exec .venv/bin/python manage.py verify_audit"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect",
            action="append",
            default=[],
            metavar="SEQUENCE:HASH",
            help="a head kept earlier (from /audit/ or /api/v1/audit/head/) that the chain must contain",
        )
        parser.add_argument("--chunk-size", type=int, default=5000, help="rows fetched per round trip")

    def handle(self, *args, **options):
        expected = dict(_expectation(value) for value in options["expect"])
        # In a transaction the events stream through a plain server-side cursor (outside one,
        # Django declares it WITH HOLD, which makes the server materialise every row first).
        # Checkpoints are read first: each names a head committed before it, so the events
        # read afterwards always reach it.
        with transaction.atomic():
            checkpoints = selectors.checkpoint_records()
            result = verify_chain(
                selectors.chain_records(chunk_size=options["chunk_size"]), checkpoints, expected
            )
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at sequence {result.broken.sequence}: {result.broken.detail}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain verified: {result.events} events, head {result.head_sequence} "
                f"{result.head_hash}, {result.checkpoints} checkpoints"
                + (f", {result.expectations} expected heads" if expected else "")
                + " match."
            )
        )
