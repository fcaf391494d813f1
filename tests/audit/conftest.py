import pytest


@pytest.fixture(autouse=True)
def signing_key_file(settings, tmp_path):
    """Every audit test signs with its own key file under tmp_path (generated on first use)."""
    settings.AUDIT_SIGNING_KEY = ""
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "keys" / "audit-ed25519.pem"
    return settings.AUDIT_SIGNING_KEY_FILE
