"""Demo data for the audit app: a first signed checkpoint, so that the chain page shows one at once.

Loaded by `manage.py load_demo` after accounts/demo.py, whose organisations and users start the
chain. Without it the page says "no checkpoint yet" until the daily beat job at 00:05.
"""

from . import services
from .models import AuditCheckpoint


def load() -> list[AuditCheckpoint]:
    """Sign the chain head if nothing was ever signed; returns the new checkpoint, or [].

    Does nothing once any checkpoint exists (the daily job signs later heads), nor while the
    chain is empty (there is no head to sign).
    """
    if AuditCheckpoint.objects.exists():
        return []
    checkpoint = services.record_checkpoint()
    return [checkpoint] if checkpoint is not None else []
