from pathlib import Path

from django.core.management.base import BaseCommand

from credit.services import import_feed_folder


class Command(BaseCommand):
    help = (
        "Import the feeds of other credit platforms (*.csv, *.json) found in CREDIT_IMPORT_DIR or the "
        "given folder; each file once (by SHA-256). The beat job does the same every 15 minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--folder", type=Path, help="read this folder instead of CREDIT_IMPORT_DIR")

    def handle(self, *args, folder=None, **options):
        batches = import_feed_folder(folder)
        for batch in batches:
            self.stdout.write(
                f"{batch.file_name}: {batch.recorded_count} recorded, "
                f"{batch.duplicate_count} already imported, {batch.unmatched_count} unmatched, "
                f"{batch.rejected_count} rejected (import {batch.pk})"
            )
        if not batches:
            self.stdout.write("No new feed.")
