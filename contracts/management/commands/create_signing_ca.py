"""manage.py create_signing_ca [--pem PATH]: make the platform's signing CA if it does not exist
(setup; otherwise it is made on first use) and print or write its root certificate."""

from pathlib import Path

from django.core.management.base import BaseCommand

from contracts import certificates


class Command(BaseCommand):
    help = "Create the platform's contract-signing certificate authority (once) and print its certificate."

    def add_arguments(self, parser):
        parser.add_argument("--pem", help="Write the root certificate (PEM) to this file.")

    def handle(self, *args, pem=None, **options):
        pair = certificates.platform_ca()
        data = certificates.ca_certificate_pem()
        if pem:
            Path(pem).write_bytes(data)
            self.stdout.write(f"written to {pem}")
        else:
            self.stdout.write(data.decode("ascii"))
        self.stdout.write(f"subject: {pair.row.subject}")
        self.stdout.write(f"SHA-256 fingerprint: {certificates.fingerprint(pair.certificate)}")
