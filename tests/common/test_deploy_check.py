import base64
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _ed25519_pem():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode()
    )


def test_deploy_check_passes_in_production_mode():
    result = _check(
        {
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": "x7$k" + "Qz9!mP2@vL5#nR8^wT1&yB4*cF6(hJ3)dG0" * 2,
            "DJANGO_ALLOWED_HOSTS": "sunlight.example.cn",
            "AUDIT_SIGNING_KEY": _ed25519_pem(),
            "SEALING_KEY": base64.b64encode(os.urandom(32)).decode(),
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_its_secrets():
    result = _check({"DJANGO_ENV": "production"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_development_defaults_fail_the_deploy_check():
    result = _check({})
    assert result.returncode != 0


def test_docker_compose_names_the_settings_production_requires():
    compose = (ROOT / "docker-compose.yml").read_text()
    for variable in (
        "DJANGO_ENV: production",
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "AUDIT_SIGNING_KEY",
        "SEALING_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
    ):
        assert variable in compose
    for service in ("db:", "redis:", "web:", "worker:", "beat:"):
        assert f"\n  {service}" in compose
