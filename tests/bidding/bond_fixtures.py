"""Fixtures of the bond tests: supplier organisations with representatives (made here, not by the
suppliers app), and bonds of the tendering project's first lot taken to each state through the
services."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Organisation, Role
from bidding import bonds
from procurement.models import Lot
from tests.accounts.factories import OrganisationFactory

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
CASH = {
    "form": "cash_transfer",
    "payer_bank": "中国工商银行嘉兴分行",
    "payer_account_name": "嘉兴测试设备有限公司",
    "payer_account_number": "1204 0000 1234 5678 901",
}


def guarantee_pdf(name="guarantee.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def guarantee(**changes):
    fields = {
        "form": "bank_guarantee",
        "guarantee_number": "BG-2026-0001",
        "guarantor": "中国银行嘉兴分行",
        "document": guarantee_pdf(),
    }
    return fields | changes


@pytest.fixture
def make_supplier(make_member):
    """make_supplier() -> a representative acting for a new supplier organisation of Jiaxing."""

    def make(region_code="330400"):
        organisation = OrganisationFactory(kind=Organisation.Kind.SUPPLIER, region_code=region_code)
        return make_member(Role.SUPPLIER_REPRESENTATIVE, organisation=organisation)

    return make


@pytest.fixture
def bond_supplier(make_supplier):
    return make_supplier()


@pytest.fixture
def other_bond_supplier(make_supplier):
    return make_supplier()


def org(user):
    return user.active_membership.organisation


@pytest.fixture
def bond_lot(tendering_project) -> Lot:
    return tendering_project.lots.get(number=1)


@pytest.fixture
def required_bond(bond_lot, bond_supplier):
    return bonds.require_bond(bond_lot, org(bond_supplier))


@pytest.fixture
def lodged_bond(required_bond, bond_supplier):
    return bonds.lodge_bond(required_bond.pk, actor=bond_supplier, **CASH)


@pytest.fixture
def verified_bond(lodged_bond, officer):
    return bonds.verify_bond(lodged_bond.pk, actor=officer)


@pytest.fixture
def three_bonds(bond_lot, make_supplier, officer):
    """Three suppliers' bonds of the lot: one required, one lodged, one verified."""
    made = []
    for _n in range(3):
        user = make_supplier()
        made.append((user, bonds.require_bond(bond_lot, org(user))))
    bonds.lodge_bond(made[1][1].pk, actor=made[1][0], **CASH)
    bonds.lodge_bond(made[2][1].pk, actor=made[2][0], **guarantee())
    bonds.verify_bond(made[2][1].pk, actor=officer)
    return made


# The award notice on the eve of National Day 2026 (1-7 October off): the five working days are
# 8, 9, 10 (a Saturday worked in exchange), 12 and 13 October.
AWARD_DAY = datetime.date(2026, 9, 30)
AWARD_DUE = datetime.date(2026, 10, 13)
