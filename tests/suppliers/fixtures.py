"""Fixtures of supplier registrations, for every test folder (registered in tests/conftest.py).

`approved_supplier` is an organisation with a representative and an APPROVED profile;
`supplier_factory(...)` makes more, with optional qualifications. Rows are written directly
(not through the services): tests of other apps need a registered supplier, not its review.
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Organisation, Role
from suppliers.models import Qualification, SupplierProfile
from tests.accounts.factories import OrganisationFactory

# The smallest file libmagic calls application/pdf.
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
_numbers = itertools.count(1)


def pdf_file(name: str = "document.pdf") -> ContentFile:
    return ContentFile(PDF_BYTES, name=name)


def make_profile(organisation, *, status=SupplierProfile.Status.APPROVED, qualifications=(), **fields):
    """A profile for `organisation`; qualifications: QualificationKind codes (valid a year), or
    dicts of Qualification fields (kind, expires_on, status, ...)."""
    defaults = {
        "legal_representative": "张三",
        "registered_capital": Decimal("5000000.00"),
        "address": "浙江省嘉兴市南湖区测试路 1 号",
        "contact_name": "李四",
        "contact_phone": "0573-88888888",
        "contact_email": f"contact{organisation.pk}@example.cn",
        "enterprise_size": SupplierProfile.Size.SMALL,
        "bank_name": "嘉兴银行",
        "bank_account_name": organisation.name_zh,
        "bank_account_number": "6222000011112222",
        "commitment_letter_sha256": "0" * 64,
        "categories": ["goods"],
        "regions": [organisation.region_code],
    }
    defaults.update(fields)
    profile = SupplierProfile(organisation=organisation, status=status, **defaults)
    profile.commitment_letter.save("commitment.pdf", pdf_file(), save=False)
    if profile.is_small_or_micro:
        profile.sme_declaration.save("sme.pdf", pdf_file(), save=False)
    profile.save()
    today = timezone.localdate()
    for item in qualifications:
        row = {"kind": item} if isinstance(item, str) else dict(item)
        row.setdefault("number", f"Q-{next(_numbers):06d}")
        row.setdefault("issued_on", today - datetime.timedelta(days=365))
        row.setdefault("expires_on", today + datetime.timedelta(days=365))
        row.setdefault("sha256", "0" * 64)
        qualification = Qualification(supplier=profile, **row)
        qualification.document.save("licence.pdf", pdf_file(), save=False)
        qualification.save()
    return profile


@pytest.fixture
def supplier_factory(db, make_member):
    """supplier_factory(status=APPROVED, region_code="330400", qualifications=(), **profile fields)
    -> the profile; its representative is profile.representative (a user acting for it)."""

    def make(*, status=SupplierProfile.Status.APPROVED, region_code="330400", qualifications=(), **fields):
        organisation = OrganisationFactory(kind=Organisation.Kind.SUPPLIER, region_code=region_code)
        representative = make_member(Role.SUPPLIER_REPRESENTATIVE, organisation=organisation)
        profile = make_profile(organisation, status=status, qualifications=qualifications, **fields)
        profile.representative = representative
        return profile

    return make


@pytest.fixture
def approved_supplier(supplier_factory):
    """An approved supplier of Jiaxing (330400) subscribed to goods, with a representative."""
    return supplier_factory()
