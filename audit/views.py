"""The public chain page: anyone may see the head and the signed checkpoints, and check them."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import selectors
from .chain import CHECKPOINT_PURPOSE, GENESIS_HASH


@require_safe
def chain(request: HttpRequest) -> HttpResponse:
    head = selectors.chain_head()
    checkpoints = list(selectors.latest_checkpoints(limit=10))
    context = {
        "head_sequence": head.sequence if head else 0,
        "head_hash": head.hash if head else GENESIS_HASH,
        "head_time": head.occurred_at if head else None,
        "checkpoints": checkpoints,
        "latest_checkpoint": checkpoints[0] if checkpoints else None,
        "genesis_hash": GENESIS_HASH,
        "checkpoint_purpose": CHECKPOINT_PURPOSE,
    }
    return render(request, "audit/chain.html", context)
