"""manage.py import_credit_feeds: the folder import an operator can run by hand."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Organisation
from credit.models import CreditEvent, CreditImport
from tests.accounts.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_command_imports_each_new_file_once(tmp_path):
    supplier = OrganisationFactory(kind=Organisation.Kind.SUPPLIER)
    (tmp_path / "court").mkdir()
    (tmp_path / "court" / "debtors.csv").write_text(
        "uscc,name,rule,reference,decided_on\n"
        f"{supplier.uscc},{supplier.name_zh},external.dishonest_judgment_debtor,(2026)执1号,2026-11-01\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_credit_feeds", folder=tmp_path, stdout=out)
    assert "debtors.csv: 1 recorded" in out.getvalue()
    batch = CreditImport.objects.get()
    assert batch.source_name == "court"
    assert (
        CreditEvent.objects.filter(record__organisation=supplier, external_reference="(2026)执1号").count()
        == 1
    )

    again = StringIO()
    call_command("import_credit_feeds", folder=tmp_path, stdout=again)
    assert again.getvalue().strip() == "No new feed."
    assert CreditImport.objects.count() == 1
