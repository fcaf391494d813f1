"""The verifiable random draw of a panel's experts (抽取评审专家): plain functions, no database.

The procedure, which anyone can replay by hand with a SHA-256 tool (e.g. `sha256sum`):

1. Commitment. Before any candidate is known, the platform makes a 32-byte random seed and
   records the SHA-256 of its bytes in the audit chain: ``seed_sha256 = SHA-256(bytes(seed))``,
   where the seed is written as 64 lower-case hexadecimal digits.
2. Candidates. After the avoidance rules (experts/avoidance.py), the candidate list is the
   ascending list of the remaining experts' profile ids, frozen. Its canonical text is the ids
   in decimal, one per line, joined by a line feed, with no final line feed (``"3\\n17\\n42"``);
   ``candidates_sha256 = SHA-256(UTF-8 of that text)``.
3. Order. Each candidate gets the key ``SHA-256(UTF-8 of "<seed hex>:<candidates_sha256>:<id>")``
   (hexadecimal, lower case). The draw order is the candidates sorted by key, ascending (ties,
   which SHA-256 makes practically impossible, by id).
4. Seats. The first ``expert_seats`` of the order are invited; the next ``reserves`` are the
   reserves, called one by one in order when an invited expert declines, does not answer in time
   or declares a conflict; beyond them the order goes on if more are needed.

    $ printf '%s' "3
    17
    42" | sha256sum                                    # candidates_sha256
    $ printf '%s' "<seed>:<candidates_sha256>:17" | sha256sum     # the key of expert 17

Because the seed is fixed before the candidates are known, and the order depends on the list's
hash, nobody can choose a seed for a list, and a changed list changes every key.
"""

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

SEED_BYTES = 32
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class InvalidDrawInput(ValueError):
    """A seed or a candidate list that cannot be replayed (not hexadecimal, a duplicate id...)."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def normalise_seed(seed_hex: str) -> str:
    seed = (seed_hex or "").strip().lower()
    if not _HEX64.match(seed):
        raise InvalidDrawInput(_("The seed is 64 hexadecimal digits (32 bytes)."))
    return seed


def seed_sha256(seed_hex: str) -> str:
    """The commitment: SHA-256 of the seed's 32 bytes."""
    return hashlib.sha256(bytes.fromhex(normalise_seed(seed_hex))).hexdigest()


def canonical_candidates(candidates: Iterable) -> list[int]:
    """The candidate ids as the ascending list the record publishes (a duplicate is refused)."""
    try:
        ids = [int(str(candidate).strip()) for candidate in candidates]
    except (TypeError, ValueError):
        raise InvalidDrawInput(_("The candidate list holds whole numbers (expert ids) only.")) from None
    if any(candidate <= 0 for candidate in ids):
        raise InvalidDrawInput(_("The candidate list holds whole numbers (expert ids) only."))
    ordered = sorted(ids)
    for previous, current in zip(ordered, ordered[1:], strict=False):
        if previous == current:
            raise InvalidDrawInput(
                format_lazy(_("Expert {id} appears twice in the candidate list."), id=current)
            )
    return ordered


def parse_candidates(text: str) -> list[int]:
    """Ids separated by line feeds, commas, spaces or a JSON array's brackets."""
    parts = [part for part in re.split(r"[\s,\[\]]+", text or "") if part]
    return canonical_candidates(parts)


def candidates_text(candidates: Iterable) -> str:
    return "\n".join(str(candidate) for candidate in canonical_candidates(candidates))


def candidates_sha256(candidates: Iterable) -> str:
    return hashlib.sha256(candidates_text(candidates).encode()).hexdigest()


def draw_key(seed_hex: str, list_sha256: str, candidate: int) -> str:
    return hashlib.sha256(f"{seed_hex}:{list_sha256}:{candidate}".encode()).hexdigest()


def draw_order(seed_hex: str, candidates: Iterable) -> list[int]:
    """The whole draw order: a permutation of the candidates fixed by the seed and the list."""
    seed = normalise_seed(seed_hex)
    ids = canonical_candidates(candidates)
    list_sha = hashlib.sha256("\n".join(str(i) for i in ids).encode()).hexdigest()
    prefix = f"{seed}:{list_sha}:".encode()
    sha = hashlib.sha256
    return sorted(ids, key=lambda i: (sha(prefix + str(i).encode()).digest(), i))


replay = draw_order


def split(order: Sequence[int], expert_seats: int, reserves: int) -> tuple[list[int], list[int]]:
    """(invited, reserves): the first expert_seats of the order, then the next reserves."""
    return list(order[:expert_seats]), list(order[expert_seats : expert_seats + reserves])


@dataclass(frozen=True)
class Difference:
    code: str  # seed_mismatch, candidates_mismatch, order_mismatch
    message: object  # a lazy translatable string


@dataclass(frozen=True)
class Verification:
    order: list[int]
    seed_sha256: str
    candidates_sha256: str
    differences: list[Difference] = field(default_factory=list)

    @property
    def reproduces(self) -> bool:
        return not self.differences

    @property
    def codes(self) -> list[str]:
        return [difference.code for difference in self.differences]


def verify(seed_hex: str, candidates: Iterable, record: dict) -> Verification:
    """Replay the draw from a seed and a candidate list and compare it with a published record
    ({"seed_sha256", "candidates_sha256", "draw_order"}): says exactly what differs. Raises
    InvalidDrawInput when the seed or the list cannot be read at all."""
    seed = normalise_seed(seed_hex)
    ids = canonical_candidates(candidates)
    committed, listed, published = (
        record.get("seed_sha256", ""),
        record.get("candidates_sha256", ""),
        [int(i) for i in record.get("draw_order", [])],
    )
    own_seed_hash, own_list_hash = seed_sha256(seed), candidates_sha256(ids)
    order = draw_order(seed, ids)
    differences = []
    if own_seed_hash != committed:
        differences.append(
            Difference(
                "seed_mismatch",
                format_lazy(
                    _(
                        "The seed does not match its commitment: its SHA-256 is {own}, the committed "
                        "one {committed}."
                    ),
                    own=own_seed_hash,
                    committed=committed,
                ),
            )
        )
    if own_list_hash != listed:
        published_set = set(published)
        missing = sorted(published_set - set(ids))
        extra = sorted(set(ids) - published_set)
        differences.append(
            Difference(
                "candidates_mismatch",
                format_lazy(
                    _(
                        "The candidate list differs from the published one: its SHA-256 is {own}, the "
                        "published one {listed} ({count} ids given, {published} published; missing: "
                        "{missing}; not in the record: {extra})."
                    ),
                    own=own_list_hash,
                    listed=listed,
                    count=len(ids),
                    published=len(published),
                    missing=_ids(missing),
                    extra=_ids(extra),
                ),
            )
        )
    if order != published:
        position = next(
            (n for n, (a, b) in enumerate(zip(order, published, strict=False), start=1) if a != b),
            min(len(order), len(published)) + 1,
        )
        differences.append(
            Difference(
                "order_mismatch",
                format_lazy(
                    _("The replayed order differs from the published order from position {position} on."),
                    position=position,
                ),
            )
        )
    return Verification(
        order=order, seed_sha256=own_seed_hash, candidates_sha256=own_list_hash, differences=differences
    )


def _ids(ids: list[int], limit: int = 10) -> str:
    if not ids:
        return "—"
    shown = ", ".join(str(i) for i in ids[:limit])
    return shown + (" …" if len(ids) > limit else "")
