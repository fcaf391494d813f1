"""Signed checkpoints of the chain head: the key, the signature, idempotence, the beat task."""

import os
import stat
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from django.core.exceptions import ImproperlyConfigured

from audit import chain, signing, tasks
from audit.models import AuditCheckpoint
from audit.services import record_checkpoint, record_event
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_no_checkpoint_while_the_chain_is_empty():
    assert record_checkpoint() is None
    assert not AuditCheckpoint.objects.exists()


def test_a_checkpoint_signs_the_head_with_a_signature_valid_for_its_public_key():
    record_event("tests.first")
    head = record_event("tests.second")
    checkpoint = record_checkpoint()
    assert (checkpoint.sequence, checkpoint.head_hash) == (2, head.hash)
    message = chain.checkpoint_message(checkpoint.sequence, checkpoint.head_hash, checkpoint.signed_at)
    assert chain.signature_is_valid(checkpoint.public_key, checkpoint.signature, message)
    tampered = chain.checkpoint_message(checkpoint.sequence, "0" * 64, checkpoint.signed_at)
    assert not chain.signature_is_valid(checkpoint.public_key, checkpoint.signature, tampered)
    public_key = serialization.load_pem_public_key(checkpoint.public_key.encode())
    assert checkpoint.key_fingerprint == chain.public_key_fingerprint(public_key)


def test_recording_twice_for_the_same_head_gives_the_same_checkpoint():
    record_event("tests.first")
    first = record_checkpoint()
    again = record_checkpoint()
    assert again.pk == first.pk
    assert AuditCheckpoint.objects.count() == 1
    record_event("tests.second")
    moved = record_checkpoint()
    assert moved.sequence == 2
    assert AuditCheckpoint.objects.count() == 2


def test_recording_a_checkpoint_does_not_move_the_head():
    head = record_event("tests.first")
    record_checkpoint()
    from audit import selectors

    assert selectors.chain_head().sequence == head.sequence


def test_the_actor_who_asked_is_kept():
    record_event("tests.first")
    operator = UserFactory()
    assert record_checkpoint(actor=operator).recorded_by == operator


def test_a_development_key_file_is_generated_once_with_mode_0600(signing_key_file):
    assert not signing_key_file.exists()
    first = signing.load_private_key()
    assert stat.S_IMODE(os.stat(signing_key_file).st_mode) == 0o600
    second = signing.load_private_key()
    fingerprints = {chain.public_key_fingerprint(key.public_key()) for key in (first, second)}
    assert len(fingerprints) == 1


def test_the_key_in_settings_wins_over_the_file(settings, signing_key_file):
    key = Ed25519PrivateKey.generate()
    settings.AUDIT_SIGNING_KEY = pem(key)
    record_event("tests.first")
    checkpoint = record_checkpoint()
    assert checkpoint.key_fingerprint == chain.public_key_fingerprint(key.public_key())
    assert not signing_key_file.exists()


def test_a_key_that_is_not_ed25519_is_refused(settings):
    settings.AUDIT_SIGNING_KEY = pem(generate_private_key(public_exponent=65537, key_size=2048))
    with pytest.raises(ImproperlyConfigured, match="Ed25519"):
        signing.load_private_key()
    settings.AUDIT_SIGNING_KEY = "-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----"
    with pytest.raises(ImproperlyConfigured):
        signing.load_private_key()


def test_production_never_generates_a_key(settings, signing_key_file):
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        signing.load_private_key()
    assert not signing_key_file.exists()


@pytest.mark.filterwarnings("ignore::celery.exceptions.CDeprecationWarning")  # reading .queue
def test_the_task_has_a_stable_name_queue_and_late_acks():
    assert tasks.record_checkpoint.name == "audit.record_checkpoint"
    from config.celery import app

    assert app.amqp.router.route({}, tasks.record_checkpoint.name)["queue"].name == "default"
    assert tasks.record_checkpoint.acks_late is True
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["audit-daily-checkpoint"]["task"] == tasks.record_checkpoint.name


def test_the_task_run_twice_signs_the_head_once():
    head = record_event("tests.first")
    assert tasks.record_checkpoint() == head.sequence
    assert tasks.record_checkpoint() == head.sequence
    assert AuditCheckpoint.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_records_the_checkpoint(celery_worker):
    head = record_event("tests.first")
    tasks.record_checkpoint.delay()
    deadline = time.monotonic() + 15
    while not AuditCheckpoint.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert AuditCheckpoint.objects.get().head_hash == head.hash
