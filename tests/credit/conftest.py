"""Fixtures of the credit tests: uploaded files go to a temporary media folder; parties and
regulators of region 330400 (Jiaxing) and of 330100 (Hangzhou) for the region checks."""

import pytest

from accounts.models import Organisation, Role
from tests.accounts.factories import OrganisationFactory

from .factories import supplier as make_supplier


@pytest.fixture
def supplier(db):
    return make_supplier(region_code="330400")


@pytest.fixture
def supplier_rep(make_member, supplier):
    """A representative acting for `supplier`."""
    return make_member(Role.SUPPLIER_REPRESENTATIVE, organisation=supplier)


@pytest.fixture
def regulator(make_member):
    """A regulator of region 330400, the region of `supplier`."""
    return make_member(
        Role.REGULATOR,
        organisation=OrganisationFactory(kind=Organisation.Kind.REGULATOR, region_code="330400"),
    )


@pytest.fixture
def other_regulator(make_member):
    """A regulator of region 330100, which does not cover 330400."""
    return make_member(
        Role.REGULATOR,
        organisation=OrganisationFactory(kind=Organisation.Kind.REGULATOR, region_code="330100"),
    )


@pytest.fixture
def expert(make_member):
    """An evaluation expert of the pool of region 330400."""
    return make_member(
        Role.EXPERT, organisation=OrganisationFactory(kind=Organisation.Kind.OPERATOR, region_code="330400")
    )
