"""The portal's share of the demo data: nothing of its own, only what it derives from the other
apps' demo rows, made at once instead of waiting for the beat's sweeps — the search entries of
every public notice, the OCDS releases of every public event, and the red flags."""

from .ocds.publishing import publish_pending
from .redflags.services import compute_all
from .search.indexing import index_pending


def load() -> int:
    return index_pending() + publish_pending() + compute_all()
