"""The public chain pages: anyone may see the head and the signed checkpoints, all of them as a
page or as JSON, and check them (how: /audit/verify, disclosure.portal)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import selectors
from .chain import CHECKPOINT_PURPOSE, GENESIS_HASH, checkpoint_message, format_time

CHECKPOINTS_PAGE_SIZE = 100


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


def _before(request: HttpRequest) -> int | None:
    value = request.GET.get("before", "")
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


@require_safe
def checkpoints(request: HttpRequest) -> HttpResponse:
    """Every signed checkpoint, newest first, CHECKPOINTS_PAGE_SIZE a page (keyset on sequence)."""
    before = _before(request)
    if request.GET.get("before") and before is None:
        return render(request, "audit/checkpoints.html", {"checkpoints": [], "bad_cursor": True}, status=400)
    rows, next_before = selectors.checkpoints_page(before=before, size=CHECKPOINTS_PAGE_SIZE)
    context = {
        "checkpoints": rows,
        "next_before": next_before,
        "first_page": before is None,
        "checkpoint_purpose": CHECKPOINT_PURPOSE,
    }
    return render(request, "audit/checkpoints.html", context)


@require_safe
def checkpoints_json(request: HttpRequest) -> JsonResponse:
    """Every signed checkpoint, oldest first, with the exact bytes each signature covers, for
    whoever keeps copies or checks the signatures (the Python on /audit/verify reads this)."""
    items = [
        {
            "sequence": row.sequence,
            "head_hash": row.head_hash,
            "signed_at": format_time(row.signed_at),
            "signature": row.signature,
            "public_key": row.public_key,
            "key_fingerprint": row.key_fingerprint,
            "message": checkpoint_message(row.sequence, row.head_hash, row.signed_at).decode("utf-8"),
        }
        for row in selectors.all_checkpoints()
    ]
    response = JsonResponse(
        {"purpose": CHECKPOINT_PURPOSE, "signature": "Ed25519", "checkpoints": items},
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    response["Content-Disposition"] = 'attachment; filename="audit-checkpoints.json"'
    return response
