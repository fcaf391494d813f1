"""manage.py verify_contract <contract id | path to a PDF>: validate every signature of a signed
contract against the platform CA (or the configured signer's roots) and, for a contract, compare
the PDF with the SHA-256 recorded at signing. Exit status 1 when anything fails."""

import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contracts import signing
from contracts.models import Contract


class Command(BaseCommand):
    help = "Verify the digital signatures of a signed contract (by id) or of a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("target", help="A contract id or the path of a PDF.")

    def handle(self, *args, target, **options):
        recorded = None
        if target.isdigit():
            contract = Contract.objects.filter(pk=int(target)).first()
            if contract is None or not contract.pdf:
                raise CommandError(f"No signed contract {target}.")
            with contract.pdf.open("rb") as handle:
                pdf = handle.read()
            recorded = contract.sha256
        else:
            path = Path(target)
            if not path.is_file():
                raise CommandError(f"No such file: {target}")
            pdf = path.read_bytes()
        digest = hashlib.sha256(pdf).hexdigest()
        ok = True
        self.stdout.write(f"SHA-256 {digest}")
        if recorded is not None:
            matches = recorded == digest
            ok &= matches
            self.stdout.write(f"recorded at signing: {recorded} ({'matches' if matches else 'DIFFERS'})")
        results = signing.verify_pdf(pdf)
        if not results:
            ok = False
            self.stdout.write("no signature")
        for result in results:
            ok &= result.ok
            self.stdout.write(
                f"{result.field_name}: {result.signer_subject}; intact={result.intact} valid={result.valid} "
                f"trusted={result.trusted} whole_file={result.covers_whole_file}"
            )
        if not ok:
            raise CommandError("verification failed")
        self.stdout.write(self.style.SUCCESS("all signatures verify"))
