"""Replay a panel's draw from a JSON file (the draw record's download, or any file with "seed",
"candidates" and the published "seed_sha256", "candidates_sha256" and "draw_order"):

    manage.py replay_draw draw-12.json [--candidates other-list.txt]

Exits 0 when the seed and the list reproduce the published order, 1 saying what differs."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from experts import draw


class Command(BaseCommand):
    help = "Replay a published panel draw from its JSON record and say whether it reproduces the order."

    def add_arguments(self, parser):
        parser.add_argument("record", help="The draw record (JSON).")
        parser.add_argument(
            "--candidates", help="Replay with this candidate list instead (ids, any separators)."
        )
        parser.add_argument("--seed", help="Replay with this seed instead (64 hexadecimal digits).")

    def handle(self, *args, record, candidates=None, seed=None, **options):
        try:
            data = json.loads(Path(record).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read the record: {error}") from None
        seed = seed or data.get("seed")
        if not seed:
            raise CommandError("The record has no seed: it is published with the result notice.")
        listed = (
            draw.parse_candidates(Path(candidates).read_text(encoding="utf-8"))
            if candidates
            else data.get("candidates", [])
        )
        try:
            verification = draw.verify(seed, listed, data)
        except draw.InvalidDrawInput as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"seed SHA-256        {verification.seed_sha256}")
        self.stdout.write(f"candidates SHA-256  {verification.candidates_sha256} ({len(listed)} ids)")
        self.stdout.write(f"order               {', '.join(str(i) for i in verification.order[:20])}")
        if verification.reproduces:
            self.stdout.write(self.style.SUCCESS("The replay reproduces the published draw order."))
            return
        for difference in verification.differences:
            self.stderr.write(self.style.ERROR(f"{difference.code}: {difference.message}"))
        raise CommandError("The replay does not reproduce the published draw.", returncode=1)
