"""The portal tests' one scenario for the package (tests/disclosure/portal/scenario.py): built once,
inside a transaction that is rolled back after the last test of the package; each test runs in a
savepoint of it (pytest-django's own), so no test sees another's changes."""

import pytest
from django.db import transaction
from django.test import override_settings

from .scenario import build


@pytest.fixture(scope="package")
def scenario(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("portal")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=folder / "media",
            AUDIT_SIGNING_KEY="",
            AUDIT_SIGNING_KEY_FILE=folder / "keys" / "audit-ed25519.pem",
        ),
        transaction.atomic(),
    ):
        built = build()
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _signing_key(settings, tmp_path_factory):
    """Checkpoints signed in a test use a key of their own (never the development key in var/)."""
    settings.AUDIT_SIGNING_KEY = ""
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path_factory.getbasetemp() / "portal-keys" / "audit-ed25519.pem"
