"""Fixtures for every test module: members of each role and a logged-in client."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ROLE_ORGANISATION_KINDS, Role

from .factories import MembershipFactory, OrganisationFactory, UserFactory

PASSWORD = "correct-horse-battery"


def kind_for(role: str) -> str:
    return sorted(ROLE_ORGANISATION_KINDS[role])[0] if role != Role.AGENCY_OFFICER else "agency"


@pytest.fixture
def make_member(db):
    """make_member(role, organisation=None, **membership fields) -> user acting in that membership."""

    def make(role=Role.PURCHASER_CLERK, organisation=None, user=None, **fields):
        organisation = organisation or OrganisationFactory(kind=kind_for(role))
        user = user or UserFactory()
        membership = MembershipFactory(user=user, organisation=organisation, role=role, **fields)
        if user.active_membership_id is None:
            user.active_membership = membership
            user.save(update_fields=["active_membership"])
        if membership.requires_second_factor and not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        return user

    return make


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def login(client):
    """login(user, verified=True): a client session for the user, second factor passed if it has one."""

    def do(user, verified=True):
        client.force_login(user, backend="accounts.backends.MembershipAwareModelBackend")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if verified and device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return do
